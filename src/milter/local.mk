# src/milter: build fragment, included from the top Makefile.am (paths from the top).

# The milter glue and its pure decision module.  flow.c has no libmilter
# include: tests/unit/test_flow.c links it directly.
bounceguard_SOURCES += src/milter/flow.c src/milter/flow.h \
	src/milter/milter_ctx.c src/milter/milter_ctx.h \
	src/milter/milter_bounce.c src/milter/milter_bounce.h \
	src/milter/milter_rt.c src/milter/milter_rt.h \
	src/milter/milter_auth.c src/milter/milter_auth.h

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_flow
tests_unit_test_flow_SOURCES = tests/unit/test_flow.c src/milter/flow.c
tests_unit_test_flow_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(BG_EXT_CFLAGS)
tests_unit_test_flow_LDADD = $(CMOCKA_LIBS)
TESTS += tests/unit/test_flow
check_PROGRAMS += tests/unit/test_milter_ctx
tests_unit_test_milter_ctx_SOURCES = tests/unit/test_milter_ctx.c \
	src/milter/milter_ctx.c src/milter/flow.c
tests_unit_test_milter_ctx_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) \
	$(BG_EXT_CFLAGS)
tests_unit_test_milter_ctx_LDADD = $(BG_LIBS) $(CMOCKA_LIBS) $(BG_EXT_LIBS)
tests_unit_test_milter_ctx_LDFLAGS = -Wl,--wrap=calloc
TESTS += tests/unit/test_milter_ctx
check_PROGRAMS += tests/unit/test_milter_bounce
tests_unit_test_milter_bounce_SOURCES = tests/unit/test_milter_bounce.c \
	src/milter/milter_bounce.c src/milter/milter_ctx.c src/milter/flow.c
tests_unit_test_milter_bounce_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) \
	$(BG_EXT_CFLAGS)
tests_unit_test_milter_bounce_LDADD = $(BG_LIBS) $(CMOCKA_LIBS) \
	$(BG_EXT_LIBS)
TESTS += tests/unit/test_milter_bounce
check_PROGRAMS += tests/unit/test_mproto
tests_unit_test_mproto_SOURCES = tests/unit/test_mproto.c src/milter/mproto.c
tests_unit_test_mproto_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_mproto_LDADD = $(CMOCKA_LIBS)
TESTS += tests/unit/test_mproto
endif

# The daemon shell (main.c) and the filter it registers (milter.c).
bounceguard_SOURCES += src/milter/main.c src/milter/milter.c src/milter/milter.h \
	src/milter/reload.c src/milter/reload.h src/milter/mtx.h \
	src/milter/mproto.c src/milter/mproto.h \
	src/milter/mengine.c src/milter/mengine.h \
	src/milter/milter_lm.c src/milter/milter_lm.h

# Real-protocol tests of the daemon: miltertest (Sendmail's macros) and the
# private Postfix harness (tests/lib/pfharness.sh).
TESTS += tests/integration/milter_miltertest.sh
EXTRA_DIST += tests/integration/milter_miltertest.sh \
	tests/milter/sendmail_flow.lua tests/milter/store_down.lua \
	tests/milter/dsn-remote.txt
TESTS += tests/integration/milter_postfix_loop.sh
EXTRA_DIST += tests/integration/milter_postfix_loop.sh \
	tests/integration/milter_lib.sh
TESTS += tests/integration/milter_postfix_modes.sh
EXTRA_DIST += tests/integration/milter_postfix_modes.sh
TESTS += tests/integration/milter_postfix_prvs.sh
EXTRA_DIST += tests/integration/milter_postfix_prvs.sh
# Bounces joined by Original-Envelope-Id (MAIL FROM's ENVID=).
TESTS += tests/integration/milter_envid.sh
EXTRA_DIST += tests/integration/milter_envid.sh
TESTS += tests/integration/milter_message_ids.sh
EXTRA_DIST += tests/integration/milter_message_ids.sh
# 10,000 messages, 10% bouncing: a few minutes on 2 cores.
TESTS += tests/integration/milter_stress.sh
EXTRA_DIST += tests/integration/milter_stress.sh
# The daemon's log feed (logfeed.path) across SIGHUP and a restart.
TESTS += tests/integration/logfeed_daemon.sh
EXTRA_DIST += tests/integration/logfeed_daemon.sh
# A store or a log that fails at start is tried again with no mail passing.
TESTS += tests/integration/logfeed_retry.sh
EXTRA_DIST += tests/integration/logfeed_retry.sh
# SPF/DKIM in the mail flow: dnsmasq zones and the Postfix harness.
TESTS += tests/integration/milter_auth.sh
EXTRA_DIST += tests/integration/milter_auth.sh
# The milter engines at the protocol level (tests/milter/mproto_client.py).
TESTS += tests/integration/milter_engine.sh
EXTRA_DIST += tests/integration/milter_engine.sh tests/milter/mproto_client.py
