# src/common: build fragment, included from the top Makefile.am (paths from the top).
src_common_libbgcommon_a_SOURCES += src/common/log.c src/common/log.h
