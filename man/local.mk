# man: build fragment, included from the top Makefile.am (paths from the top).
dist_man_MANS += man/bounceguard.8 man/bounceguard.conf.5 man/bounceguardctl.8

# the rules file format and the reason taxonomy
dist_man_MANS += man/bounceguard-rules.5
