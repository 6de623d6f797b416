# conf: build fragment, included from the top Makefile.am (paths from the top).
# The sample configuration, installed as $(sysconfdir)/bounceguard/.
bgconfdir = $(sysconfdir)/bounceguard
dist_bgconf_DATA = conf/bounceguard.conf
