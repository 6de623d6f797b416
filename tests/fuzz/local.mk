# tests/fuzz: build fragment, included from the top Makefile.am (paths from the top).

# libFuzzer targets; configure with --enable-fuzzers CC=clang.  The
# sanitizer CI step runs tests/fuzz/smoke.sh (FUZZ_SECONDS, default 60),
# which builds each target itself and needs no configure option.
if ENABLE_FUZZERS
noinst_PROGRAMS += tests/fuzz/fuzz_report
tests_fuzz_fuzz_report_SOURCES = tests/fuzz/fuzz_report.c
tests_fuzz_fuzz_report_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer,address,undefined
tests_fuzz_fuzz_report_LDFLAGS = -fsanitize=fuzzer,address,undefined
tests_fuzz_fuzz_report_LDADD = $(BG_LIBS) $(BG_EXT_LIBS)
endif
EXTRA_DIST += tests/fuzz/smoke.sh tests/fuzz/fuzz_report.c

# rules loader, literal prefilter and reply classifier
if ENABLE_FUZZERS
noinst_PROGRAMS += tests/fuzz/fuzz_rules
tests_fuzz_fuzz_rules_SOURCES = tests/fuzz/fuzz_rules.c
tests_fuzz_fuzz_rules_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer,address,undefined
tests_fuzz_fuzz_rules_LDFLAGS = -fsanitize=fuzzer,address,undefined
tests_fuzz_fuzz_rules_LDADD = $(BG_LIBS) $(BG_EXT_LIBS)
endif
EXTRA_DIST += tests/fuzz/fuzz_rules.c

# make fuzz-smoke [FUZZ_SECONDS=600]: every target, seeded from the corpus
fuzz-smoke:
	top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' \
	BG_SHARED="$${BG_SHARED:-$(abs_top_srcdir)/../shared}" \
	    sh $(top_srcdir)/tests/fuzz/smoke.sh
.PHONY: fuzz-smoke

# auth: public suffix list parsing and organisational domains
if ENABLE_FUZZERS
noinst_PROGRAMS += tests/fuzz/fuzz_orgdomain
tests_fuzz_fuzz_orgdomain_SOURCES = tests/fuzz/fuzz_orgdomain.c
tests_fuzz_fuzz_orgdomain_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer,address,undefined
tests_fuzz_fuzz_orgdomain_LDFLAGS = -fsanitize=fuzzer,address,undefined
tests_fuzz_fuzz_orgdomain_LDADD = $(BG_LIBS) $(BG_EXT_LIBS)
endif
EXTRA_DIST += tests/fuzz/fuzz_orgdomain.c

# logfeed: delivery-log line parser
if ENABLE_FUZZERS
noinst_PROGRAMS += tests/fuzz/fuzz_logline
tests_fuzz_fuzz_logline_SOURCES = tests/fuzz/fuzz_logline.c
tests_fuzz_fuzz_logline_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer,address,undefined
tests_fuzz_fuzz_logline_LDFLAGS = -fsanitize=fuzzer,address,undefined
tests_fuzz_fuzz_logline_LDADD = $(BG_LIBS) $(BG_EXT_LIBS)
endif
EXTRA_DIST += tests/fuzz/fuzz_logline.c

# milter: the wire codec, on the MTA's byte stream
if ENABLE_FUZZERS
noinst_PROGRAMS += tests/fuzz/fuzz_mproto
tests_fuzz_fuzz_mproto_SOURCES = tests/fuzz/fuzz_mproto.c
tests_fuzz_fuzz_mproto_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer,address,undefined
tests_fuzz_fuzz_mproto_LDFLAGS = -fsanitize=fuzzer,address,undefined
endif
EXTRA_DIST += tests/fuzz/fuzz_mproto.c

# auth: the authserv-id of an Authentication-Results field body
if ENABLE_FUZZERS
noinst_PROGRAMS += tests/fuzz/fuzz_authres
tests_fuzz_fuzz_authres_SOURCES = tests/fuzz/fuzz_authres.c
tests_fuzz_fuzz_authres_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer,address,undefined
tests_fuzz_fuzz_authres_LDFLAGS = -fsanitize=fuzzer,address,undefined
endif
EXTRA_DIST += tests/fuzz/fuzz_authres.c
