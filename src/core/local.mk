# src/core: build fragment, included from the top Makefile.am (paths from the top).

# logline: Postfix / Sendmail delivery-log lines
src_core_libbgcore_a_SOURCES += src/core/logline.c src/core/logline.h

# addr: address normalisation into store keys; policy: suppression decisions
src_core_libbgcore_a_SOURCES += src/core/addr.c src/core/addr.h \
	src/core/policy.c src/core/policy.h
