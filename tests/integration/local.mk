# tests/integration: build fragment, included from the top Makefile.am (paths from the top).

# Real-Postfix harness (tests/lib/pfharness.sh) and the test that proves it.
TESTS += tests/integration/harness_dsn.sh tests/integration/harness_replies.sh \
	tests/integration/harness_ports.sh
EXTRA_DIST += tests/integration/harness_dsn.sh \
	tests/integration/harness_replies.sh tests/integration/harness_ports.sh \
	tests/lib/pfharness.sh \
	tests/lib/pfh-smtp.py

# logfeed: following the delivery log across rotation and restarts
check_PROGRAMS += tests/integration/logfeed-follow
tests_integration_logfeed_follow_SOURCES = tests/integration/logfeed-follow.c
tests_integration_logfeed_follow_LDADD = src/logfeed/libbglogfeed.a
TESTS += tests/integration/logfeed_rotate.sh
EXTRA_DIST += tests/integration/logfeed_rotate.sh

# store: reliability tests driven by store_driver (kill -9, disk full,
# PostgreSQL restarts and concurrent writers) and Postfix enforcement
check_PROGRAMS += tests/integration/store_driver
tests_integration_store_driver_SOURCES = tests/integration/store_driver.c
tests_integration_store_driver_CFLAGS = $(AM_CFLAGS) $(BG_EXT_CFLAGS)
tests_integration_store_driver_LDADD = $(BG_LIBS) $(BG_EXT_LIBS)
TESTS += tests/integration/store_kill9.sh tests/integration/store_pgsql.sh \
	tests/integration/store_diskfull.sh tests/integration/store_ctl.sh \
	tests/integration/store_postfix.sh
EXTRA_DIST += tests/integration/store_kill9.sh tests/integration/store_ctl.sh \
	tests/integration/store_postfix.sh \
	tests/integration/store_diskfull.sh \
	tests/integration/store_pgsql.sh tests/lib/pgtmp.sh

# alerts: the real alert service against a webhook listener, a sendmail
# stand-in and a command hook
check_PROGRAMS += tests/integration/alert_driver
tests_integration_alert_driver_SOURCES = tests/integration/alert_driver.c
tests_integration_alert_driver_CFLAGS = $(AM_CFLAGS) $(BG_EXT_CFLAGS)
tests_integration_alert_driver_LDADD = $(BG_LIBS) $(BG_EXT_LIBS)
TESTS += tests/integration/alert_storm.sh tests/integration/alert_webhook_retry.sh \
	tests/integration/alert_postfix_mail.sh tests/integration/alert_syslog.sh
EXTRA_DIST += tests/integration/alert_storm.sh \
	tests/integration/alert_webhook_retry.sh tests/integration/alert_webhook.py \
	tests/integration/alert_postfix_mail.sh tests/integration/alert_syslog.sh

# daemon shell: -n checks, identity, pid file lock, signals, detaching
TESTS += tests/integration/daemon_config.sh tests/integration/daemon_signals.sh
EXTRA_DIST += tests/integration/daemon_config.sh \
	tests/integration/daemon_signals.sh

# report parser: recipient recall on the shared bounce corpus
TESTS += tests/integration/corpus_recipients.sh
EXTRA_DIST += tests/integration/corpus_recipients.sh

# classify: bucket agreement and false suppressions on the shared corpus
TESTS += tests/integration/corpus_score.sh
EXTRA_DIST += tests/integration/corpus_score.sh

# documentation: every config key in bounceguard.conf(5) and the sample;
# man pages lint-clean
TESTS += tests/integration/docs_config.sh
EXTRA_DIST += tests/integration/docs_config.sh

# auth: SPF and DKIM against a real DNS server (dnsmasq) on loopback
check_PROGRAMS += tests/integration/auth_driver
tests_integration_auth_driver_SOURCES = tests/integration/auth_driver.c
tests_integration_auth_driver_CFLAGS = $(AM_CFLAGS) $(BG_EXT_CFLAGS)
tests_integration_auth_driver_LDADD = $(BG_LIBS) $(BG_EXT_LIBS)
TESTS += tests/integration/auth_dns.sh tests/integration/auth_opendkim_postfix.sh \
	tests/integration/auth_prvs.sh
EXTRA_DIST += tests/integration/auth_dns.sh \
	tests/integration/auth_opendkim_postfix.sh tests/integration/auth_prvs.sh
# DKIM through the daemon: opendkim signing before bounceguard in Postfix
TESTS += tests/integration/milter_dkim.sh
EXTRA_DIST += tests/integration/milter_dkim.sh
TESTS += tests/integration/classify_cli.sh
TESTS += tests/integration/classify_memory.sh
EXTRA_DIST += tests/integration/classify_memory.sh
EXTRA_DIST += tests/integration/classify_cli.sh \
	tests/integration/classify/dsn-two.eml \
	tests/integration/classify/vacation.eml \
	tests/integration/classify/plain.eml

# logfeed: the daemon's feed thread against a real Postfix delivery log
check_PROGRAMS += tests/integration/logfeed-run
tests_integration_logfeed_run_SOURCES = tests/integration/logfeed-run.c
tests_integration_logfeed_run_CFLAGS = $(AM_CFLAGS) $(BG_EXT_CFLAGS)
tests_integration_logfeed_run_LDADD = $(BG_LIBS) $(BG_EXT_LIBS)
TESTS += tests/integration/logfeed_postfix.sh
EXTRA_DIST += tests/integration/logfeed_postfix.sh

# systemd unit: systemd-analyze verify, hardening, tmpfiles/sysusers
TESTS += tests/integration/systemd_unit.sh
EXTRA_DIST += tests/integration/systemd_unit.sh

# logfeed: bounceguardctl ingest (file and standard input)
TESTS += tests/integration/logfeed_ingest.sh
EXTRA_DIST += tests/integration/logfeed_ingest.sh

# metrics: the Prometheus endpoint of a running daemon (miltertest traffic,
# promtool), and the bounce-rate monitor's alerts
TESTS += tests/integration/metrics_scrape.sh
EXTRA_DIST += tests/integration/metrics_scrape.sh tests/milter/metrics_flow.lua \
	tests/integration/prom_check.py

# report: terminal tables over a history with known answers, the HTML
# page in headless Chromium, the same report from a real PostgreSQL server
TESTS += tests/integration/report_cli.sh tests/integration/report_html.sh \
	tests/integration/report_pgsql.sh
EXTRA_DIST += tests/integration/report_cli.sh \
	tests/integration/report_html.sh tests/integration/report_fixture.py \
	tests/integration/report_pgsql.sh
TESTS += tests/integration/metrics_contrib.sh
EXTRA_DIST += tests/integration/metrics_contrib.sh
TESTS += tests/integration/classify_golden.sh
EXTRA_DIST += tests/integration/classify_golden.sh \
	tests/integration/classify/golden.tsv

# monitor: 100 messages through the Postfix harness, 5 refused: the rate
# reads 5 %, the 2 % and 5 % alerts fire once each
TESTS += tests/integration/monitor_postfix.sh
EXTRA_DIST += tests/integration/monitor_postfix.sh
