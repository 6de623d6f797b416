# bench: build fragment, included from the top Makefile.am (paths from the top).

# bench/milter: Postfix throughput with bounceguard attached, against no
# milter, a do-nothing milter and OpenDKIM (see bench/milter/run.sh).
noinst_PROGRAMS += bench/milter/nullmilter
bench_milter_nullmilter_SOURCES = bench/milter/nullmilter.c
bench_milter_nullmilter_LDADD = $(MILTER_LIBS) $(PTHREAD_LIBS) -lpthread
EXTRA_DIST += bench/milter/run.sh

# make bench-milter [BENCH_ARGS="MESSAGES ROUNDS"]
bench-milter: bench/milter/nullmilter$(EXEEXT) bounceguard$(EXEEXT)
	top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' \
	    bash $(top_srcdir)/bench/milter/run.sh $(BENCH_ARGS)
.PHONY: bench-milter
