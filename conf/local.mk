# conf: build fragment, included from the top Makefile.am (paths from the top).
# The sample configuration, installed as $(sysconfdir)/bounceguard/.
bgconfdir = $(sysconfdir)/bounceguard
dist_bgconf_DATA = conf/bounceguard.conf

# The shipped classification rules (bounceguard-rules(5)) and an example of
# a local override file, installed as $(pkgdatadir)/.
dist_pkgdata_DATA += conf/rules.conf conf/rules.local.example
