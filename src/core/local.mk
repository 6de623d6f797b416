# src/core: build fragment, included from the top Makefile.am (paths from the top).

# logline: Postfix / Sendmail delivery-log lines
src_core_libbgcore_a_SOURCES += src/core/logline.c src/core/logline.h
