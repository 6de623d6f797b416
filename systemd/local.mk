# systemd: build fragment, included from the top Makefile.am (paths from the top).
# The unit is generated so ExecStart= names the installed program; the
# tmpfiles.d and sysusers.d snippets are installed as bounceguard.conf.
systemdunitdir = $(prefix)/lib/systemd/system
systemdunit_DATA = systemd/bounceguard.service
tmpfilesdir = $(prefix)/lib/tmpfiles.d
tmpfiles_DATA = systemd/tmpfiles/bounceguard.conf
sysusersdir = $(prefix)/lib/sysusers.d
sysusers_DATA = systemd/sysusers/bounceguard.conf
EXTRA_DIST += systemd/bounceguard.service.in systemd/bounceguard.tmpfiles \
	systemd/bounceguard.sysusers
CLEANFILES += systemd/bounceguard.service systemd/tmpfiles/bounceguard.conf \
	systemd/sysusers/bounceguard.conf

systemd/bounceguard.service: $(top_srcdir)/systemd/bounceguard.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) systemd && \
	sed -e 's|@sbindir[@]|$(sbindir)|g' -e 's|@sysconfdir[@]|$(sysconfdir)|g' \
		$(top_srcdir)/systemd/bounceguard.service.in > $@.tmp && mv $@.tmp $@
systemd/tmpfiles/bounceguard.conf: $(top_srcdir)/systemd/bounceguard.tmpfiles
	$(AM_V_GEN)$(MKDIR_P) systemd/tmpfiles && \
	cp $(top_srcdir)/systemd/bounceguard.tmpfiles $@
systemd/sysusers/bounceguard.conf: $(top_srcdir)/systemd/bounceguard.sysusers
	$(AM_V_GEN)$(MKDIR_P) systemd/sysusers && \
	cp $(top_srcdir)/systemd/bounceguard.sysusers $@
