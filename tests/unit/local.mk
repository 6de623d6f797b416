# tests/unit: build fragment, included from the top Makefile.am (paths from the top).

if HAVE_CMOCKA
# store group: addresses, policy, SQLite store
check_PROGRAMS += tests/unit/test_addr tests/unit/test_policy
tests_unit_test_addr_SOURCES = tests/unit/test_addr.c
tests_unit_test_addr_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(BG_EXT_CFLAGS)
tests_unit_test_addr_LDADD = $(BG_LIBS) $(CMOCKA_LIBS) $(BG_EXT_LIBS)
tests_unit_test_policy_SOURCES = tests/unit/test_policy.c
tests_unit_test_policy_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(BG_EXT_CFLAGS)
tests_unit_test_policy_LDADD = $(BG_LIBS) $(CMOCKA_LIBS) $(BG_EXT_LIBS)
TESTS += tests/unit/test_addr tests/unit/test_policy
check_PROGRAMS += tests/unit/test_store_sqlite
tests_unit_test_store_sqlite_SOURCES = tests/unit/test_store_sqlite.c
tests_unit_test_store_sqlite_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(BG_EXT_CFLAGS)
tests_unit_test_store_sqlite_LDADD = $(BG_LIBS) $(CMOCKA_LIBS) $(BG_EXT_LIBS)
TESTS += tests/unit/test_store_sqlite
check_PROGRAMS += tests/unit/test_store_import
tests_unit_test_store_import_SOURCES = tests/unit/test_store_import.c \
	src/ctl/store_import.c
tests_unit_test_store_import_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(BG_EXT_CFLAGS)
tests_unit_test_store_import_LDADD = $(BG_LIBS) $(CMOCKA_LIBS) $(BG_EXT_LIBS)
TESTS += tests/unit/test_store_import
check_PROGRAMS += tests/unit/test_store_cache
tests_unit_test_store_cache_SOURCES = tests/unit/test_store_cache.c
tests_unit_test_store_cache_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(BG_EXT_CFLAGS)
tests_unit_test_store_cache_LDADD = $(BG_LIBS) $(CMOCKA_LIBS) $(BG_EXT_LIBS)
TESTS += tests/unit/test_store_cache
endif

# auth: prvs, credibility rule, Authentication-Results (src/auth)
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_prvs tests/unit/test_credible
tests_unit_test_prvs_SOURCES = tests/unit/test_prvs.c
tests_unit_test_prvs_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(BG_EXT_CFLAGS)
tests_unit_test_prvs_LDADD = $(BG_LIBS) $(CMOCKA_LIBS) $(BG_EXT_LIBS)
tests_unit_test_credible_SOURCES = tests/unit/test_credible.c
tests_unit_test_credible_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(BG_EXT_CFLAGS)
tests_unit_test_credible_LDADD = $(BG_LIBS) $(CMOCKA_LIBS) $(BG_EXT_LIBS)
TESTS += tests/unit/test_prvs tests/unit/test_credible
check_PROGRAMS += tests/unit/test_auth_dkim
tests_unit_test_auth_dkim_SOURCES = tests/unit/test_auth_dkim.c
tests_unit_test_auth_dkim_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(BG_EXT_CFLAGS)
tests_unit_test_auth_dkim_LDADD = $(BG_LIBS) $(CMOCKA_LIBS) $(BG_EXT_LIBS)
TESTS += tests/unit/test_auth_dkim
check_PROGRAMS += tests/unit/test_auth_verdict
tests_unit_test_auth_verdict_SOURCES = tests/unit/test_auth_verdict.c
tests_unit_test_auth_verdict_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(BG_EXT_CFLAGS)
tests_unit_test_auth_verdict_LDADD = $(BG_LIBS) $(CMOCKA_LIBS) $(BG_EXT_LIBS)
TESTS += tests/unit/test_auth_verdict
check_PROGRAMS += tests/unit/test_authres
tests_unit_test_authres_SOURCES = tests/unit/test_authres.c
tests_unit_test_authres_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(BG_EXT_CFLAGS)
tests_unit_test_authres_LDADD = $(BG_LIBS) $(CMOCKA_LIBS) $(BG_EXT_LIBS)
TESTS += tests/unit/test_authres
check_PROGRAMS += tests/unit/test_orgdomain
tests_unit_test_orgdomain_SOURCES = tests/unit/test_orgdomain.c
tests_unit_test_orgdomain_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(BG_EXT_CFLAGS)
tests_unit_test_orgdomain_LDADD = $(BG_LIBS) $(CMOCKA_LIBS) $(BG_EXT_LIBS)
TESTS += tests/unit/test_orgdomain
check_PROGRAMS += tests/unit/test_dnsq
tests_unit_test_dnsq_SOURCES = tests/unit/test_dnsq.c
tests_unit_test_dnsq_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(BG_EXT_CFLAGS)
tests_unit_test_dnsq_LDADD = $(BG_LIBS) $(CMOCKA_LIBS) $(BG_EXT_LIBS)
TESTS += tests/unit/test_dnsq
endif

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_cfg
tests_unit_test_cfg_SOURCES = tests/unit/test_cfg.c
tests_unit_test_cfg_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(BG_EXT_CFLAGS)
tests_unit_test_cfg_CPPFLAGS = $(AM_CPPFLAGS) -DTOP_SRCDIR='"$(abs_top_srcdir)"'
tests_unit_test_cfg_LDADD = $(BG_LIBS) $(CMOCKA_LIBS) $(BG_EXT_LIBS)
TESTS += tests/unit/test_cfg
endif

# logfeed: delivery-log line parser (src/core/logline.c)
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_logline
tests_unit_test_logline_SOURCES = tests/unit/test_logline.c
tests_unit_test_logline_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(BG_EXT_CFLAGS)
tests_unit_test_logline_LDADD = $(BG_LIBS) $(CMOCKA_LIBS) $(BG_EXT_LIBS)
TESTS += tests/unit/test_logline
endif

# alerts: aggregation (src/alert)
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_alert_agg
tests_unit_test_alert_agg_SOURCES = tests/unit/test_alert_agg.c
tests_unit_test_alert_agg_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(BG_EXT_CFLAGS)
tests_unit_test_alert_agg_LDADD = $(BG_LIBS) $(CMOCKA_LIBS) $(BG_EXT_LIBS)
TESTS += tests/unit/test_alert_agg
check_PROGRAMS += tests/unit/test_alert_spawn
tests_unit_test_alert_spawn_SOURCES = tests/unit/test_alert_spawn.c
tests_unit_test_alert_spawn_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(BG_EXT_CFLAGS)
tests_unit_test_alert_spawn_LDADD = $(BG_LIBS) $(CMOCKA_LIBS) $(BG_EXT_LIBS)
TESTS += tests/unit/test_alert_spawn
endif

# classify group: reply parsing, rules, seed documents, JSON writer
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_classify_seeds
tests_unit_test_classify_seeds_SOURCES = tests/unit/test_classify_seeds.c \
	tests/unit/reply_table.c tests/unit/reply_table.h
tests_unit_test_classify_seeds_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(BG_EXT_CFLAGS)
tests_unit_test_classify_seeds_CPPFLAGS = $(AM_CPPFLAGS) -DTOP_SRCDIR='"$(abs_top_srcdir)"'
tests_unit_test_classify_seeds_LDADD = $(BG_LIBS) $(CMOCKA_LIBS) $(BG_EXT_LIBS)
TESTS += tests/unit/test_classify_seeds
endif
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_reply
tests_unit_test_reply_SOURCES = tests/unit/test_reply.c
tests_unit_test_reply_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(BG_EXT_CFLAGS)
tests_unit_test_reply_LDADD = $(BG_LIBS) $(CMOCKA_LIBS) $(BG_EXT_LIBS)
TESTS += tests/unit/test_reply
endif
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_rules
tests_unit_test_rules_SOURCES = tests/unit/test_rules.c
tests_unit_test_rules_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(BG_EXT_CFLAGS)
tests_unit_test_rules_CPPFLAGS = $(AM_CPPFLAGS) -DTOP_SRCDIR='"$(abs_top_srcdir)"'
tests_unit_test_rules_LDADD = $(BG_LIBS) $(CMOCKA_LIBS) $(BG_EXT_LIBS)
TESTS += tests/unit/test_rules
endif
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_relit
tests_unit_test_relit_SOURCES = tests/unit/test_relit.c
tests_unit_test_relit_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(BG_EXT_CFLAGS)
tests_unit_test_relit_LDADD = $(BG_LIBS) $(CMOCKA_LIBS) $(BG_EXT_LIBS)
TESTS += tests/unit/test_relit
endif

# report parser: MIME walker, DSN fields, whole reports, pathological input
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_mime tests/unit/test_dsn \
	tests/unit/test_report tests/unit/test_mime_limits
tests_unit_test_mime_SOURCES = tests/unit/test_mime.c tests/unit/addr_quote_ref.h
tests_unit_test_mime_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(BG_EXT_CFLAGS)
tests_unit_test_mime_LDADD = $(BG_LIBS) $(CMOCKA_LIBS) $(BG_EXT_LIBS)
tests_unit_test_dsn_SOURCES = tests/unit/test_dsn.c
tests_unit_test_dsn_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(BG_EXT_CFLAGS)
tests_unit_test_dsn_LDADD = $(BG_LIBS) $(CMOCKA_LIBS) $(BG_EXT_LIBS)
tests_unit_test_report_SOURCES = tests/unit/test_report.c
tests_unit_test_report_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(BG_EXT_CFLAGS)
tests_unit_test_report_LDADD = $(BG_LIBS) $(CMOCKA_LIBS) $(BG_EXT_LIBS)
tests_unit_test_mime_limits_SOURCES = tests/unit/test_mime_limits.c
tests_unit_test_mime_limits_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(BG_EXT_CFLAGS)
tests_unit_test_mime_limits_LDADD = $(BG_LIBS) $(CMOCKA_LIBS) $(BG_EXT_LIBS)
TESTS += tests/unit/test_mime tests/unit/test_dsn tests/unit/test_report \
	tests/unit/test_mime_limits
check_PROGRAMS += tests/unit/test_scan
tests_unit_test_scan_SOURCES = tests/unit/test_scan.c
tests_unit_test_scan_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(BG_EXT_CFLAGS)
tests_unit_test_scan_LDADD = $(BG_LIBS) $(CMOCKA_LIBS) $(BG_EXT_LIBS)
TESTS += tests/unit/test_scan
endif
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_json
tests_unit_test_json_SOURCES = tests/unit/test_json.c
tests_unit_test_json_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(BG_EXT_CFLAGS)
tests_unit_test_json_LDADD = $(BG_LIBS) $(CMOCKA_LIBS) $(BG_EXT_LIBS)
TESTS += tests/unit/test_json
endif

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_log
tests_unit_test_log_SOURCES = tests/unit/test_log.c
tests_unit_test_log_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(BG_EXT_CFLAGS)
tests_unit_test_log_LDADD = $(BG_LIBS) $(CMOCKA_LIBS) $(BG_EXT_LIBS)
TESTS += tests/unit/test_log
endif

if HAVE_CMOCKA
# the bounce-rate monitor against generated histories (fake clock)
check_PROGRAMS += tests/unit/test_rate
tests_unit_test_rate_SOURCES = tests/unit/test_rate.c
tests_unit_test_rate_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(BG_EXT_CFLAGS)
tests_unit_test_rate_LDADD = $(BG_LIBS) $(CMOCKA_LIBS) $(BG_EXT_LIBS)
TESTS += tests/unit/test_rate
endif

# logfeed: what the feed records per line; its LRU caches
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_logfeed_sink
tests_unit_test_logfeed_sink_SOURCES = tests/unit/test_logfeed_sink.c
tests_unit_test_logfeed_sink_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(BG_EXT_CFLAGS)
tests_unit_test_logfeed_sink_CPPFLAGS = $(AM_CPPFLAGS) -DTOP_SRCDIR='"$(abs_top_srcdir)"'
tests_unit_test_logfeed_sink_LDADD = $(BG_LIBS) $(CMOCKA_LIBS) $(BG_EXT_LIBS)
TESTS += tests/unit/test_logfeed_sink
endif

if HAVE_CMOCKA
# the metrics registry and its exposition
check_PROGRAMS += tests/unit/test_metrics
tests_unit_test_metrics_SOURCES = tests/unit/test_metrics.c
tests_unit_test_metrics_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(BG_EXT_CFLAGS)
tests_unit_test_metrics_LDADD = $(BG_LIBS) $(CMOCKA_LIBS) $(BG_EXT_LIBS)
TESTS += tests/unit/test_metrics
endif
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_charset
tests_unit_test_charset_SOURCES = tests/unit/test_charset.c
tests_unit_test_charset_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(BG_EXT_CFLAGS)
tests_unit_test_charset_LDADD = $(BG_LIBS) $(CMOCKA_LIBS) $(BG_EXT_LIBS)
TESTS += tests/unit/test_charset
endif

# Without cmocka the unit tests are not built: one skipped test says so
# (rather than the unit tests silently vanishing from the summary).
if !HAVE_CMOCKA
TESTS += tests/unit/no_cmocka.sh
endif
EXTRA_DIST += tests/unit/no_cmocka.sh

# address scanner: byte classes, stability, rbuild_rcpt_norm()
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_addrscan
tests_unit_test_addrscan_SOURCES = tests/unit/test_addrscan.c \
	tests/unit/addr_quote_ref.h
tests_unit_test_addrscan_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(BG_EXT_CFLAGS)
tests_unit_test_addrscan_LDADD = $(BG_LIBS) $(CMOCKA_LIBS) $(BG_EXT_LIBS)
TESTS += tests/unit/test_addrscan
endif

# notice texts: the phrase sets searched against a plain reference
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_textbounce
tests_unit_test_textbounce_SOURCES = tests/unit/test_textbounce.c
tests_unit_test_textbounce_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(BG_EXT_CFLAGS)
tests_unit_test_textbounce_LDADD = $(BG_LIBS) $(CMOCKA_LIBS) $(BG_EXT_LIBS)
TESTS += tests/unit/test_textbounce
endif

# SES notifications: the kind found against a plain reference
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_sesjson
tests_unit_test_sesjson_SOURCES = tests/unit/test_sesjson.c
tests_unit_test_sesjson_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(BG_EXT_CFLAGS)
tests_unit_test_sesjson_LDADD = $(BG_LIBS) $(CMOCKA_LIBS) $(BG_EXT_LIBS)
TESTS += tests/unit/test_sesjson
endif

# sending services' events in JSON: shapes, non-events, hostile input
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_evjson
tests_unit_test_evjson_SOURCES = tests/unit/test_evjson.c
tests_unit_test_evjson_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(BG_EXT_CFLAGS)
tests_unit_test_evjson_LDADD = $(BG_LIBS) $(CMOCKA_LIBS) $(BG_EXT_LIBS)
TESTS += tests/unit/test_evjson
endif

# providers' and receivers' replies not in the seed documents
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_classify_replies
tests_unit_test_classify_replies_SOURCES = tests/unit/test_classify_replies.c \
	tests/unit/reply_table.c tests/unit/reply_table.h
tests_unit_test_classify_replies_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(BG_EXT_CFLAGS)
tests_unit_test_classify_replies_CPPFLAGS = $(AM_CPPFLAGS) -DTOP_SRCDIR='"$(abs_top_srcdir)"'
tests_unit_test_classify_replies_LDADD = $(BG_LIBS) $(CMOCKA_LIBS) $(BG_EXT_LIBS)
TESTS += tests/unit/test_classify_replies
endif
