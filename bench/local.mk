# bench: build fragment, included from the top Makefile.am (paths from the top).

# bench/milter: Postfix throughput with bounceguard attached, against no
# milter, a do-nothing milter and OpenDKIM (see bench/milter/run.sh).
noinst_PROGRAMS += bench/milter/nullmilter
bench_milter_nullmilter_SOURCES = bench/milter/nullmilter.c
bench_milter_nullmilter_LDADD = $(MILTER_LIBS) $(PTHREAD_LIBS) -lpthread
noinst_PROGRAMS += bench/milter/stepmilter
bench_milter_stepmilter_SOURCES = bench/milter/stepmilter.c \
	src/milter/mproto.c src/milter/mproto.h
EXTRA_DIST += bench/milter/run.sh

# make bench-milter [BENCH_ARGS="MESSAGES ROUNDS"]
bench-milter: bench/milter/nullmilter$(EXEEXT) bench/milter/stepmilter$(EXEEXT) \
		bounceguard$(EXEEXT)
	top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' \
	    bash $(top_srcdir)/bench/milter/run.sh $(BENCH_ARGS)
.PHONY: bench-milter

# bench/classify: parse + classify throughput on the corpus against Sisimai
noinst_PROGRAMS += bench/classify/bench_classify
bench_classify_bench_classify_SOURCES = bench/classify/bench_classify.c
bench_classify_bench_classify_CFLAGS = $(AM_CFLAGS) $(BG_EXT_CFLAGS)
bench_classify_bench_classify_LDADD = $(BG_LIBS) $(BG_EXT_LIBS)
EXTRA_DIST += bench/classify/run.sh bench/classify/sisimai.pl

# make bench-classify [BENCH_ARGS="ROUNDS SISIMAI_ROUNDS"]
bench-classify: bench/classify/bench_classify$(EXEEXT)
	top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' \
	    sh $(top_srcdir)/bench/classify/run.sh $(BENCH_ARGS)
.PHONY: bench-classify

# bench/store: durable decisions/s (SQLite, PostgreSQL), lookups at 1M
# entries, peak memory, against the plain sqlite3 command
EXTRA_DIST += bench/store/run.sh

# make bench-store [BENCH_DECISIONS=N BENCH_SUPPRESSED=M]
bench-store: tests/integration/store_driver$(EXEEXT)
	top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' \
	    sh $(top_srcdir)/bench/store/run.sh '$(abs_top_builddir)'
.PHONY: bench-store

# bench/auth: per-message cost of the outbound SPF/DKIM checks (warm
# caches, every message verified, checks off) with dnsmasq serving the keys
noinst_PROGRAMS += bench/auth/bench_auth
bench_auth_bench_auth_SOURCES = bench/auth/bench_auth.c
bench_auth_bench_auth_CFLAGS = $(AM_CFLAGS) $(BG_EXT_CFLAGS)
bench_auth_bench_auth_LDADD = $(BG_LIBS) $(BG_EXT_LIBS)
EXTRA_DIST += bench/auth/run.sh

# make bench-auth [BENCH_ARGS="MESSAGES BODY_BYTES POSTFIX_MSG_S"]
bench-auth: bench/auth/bench_auth$(EXEEXT)
	top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' \
	    sh $(top_srcdir)/bench/auth/run.sh $(BENCH_ARGS)
.PHONY: bench-auth

# bench/logfeed: delivery-log lines/s through parse + classify + store
# (bounceguardctl ingest, SQLite), against grep -c over the same log
EXTRA_DIST += bench/logfeed/run.sh

# make bench-logfeed [BENCH_LINES=N]
bench-logfeed: bounceguardctl$(EXEEXT)
	top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' \
	    sh $(top_srcdir)/bench/logfeed/run.sh $(BENCH_LINES)
.PHONY: bench-logfeed

# bench/report: bounceguardctl report over 10 million generated events
EXTRA_DIST += bench/report/run.sh bench/report/gen_events.py

# make bench-report [BENCH_ARGS="EVENTS [DB]"]
bench-report: bounceguardctl$(EXEEXT)
	top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' \
	    sh $(top_srcdir)/bench/report/run.sh $(BENCH_ARGS)
.PHONY: bench-report
