# src/common: build fragment, included from the top Makefile.am (paths from the top).
src_common_libbgcommon_a_SOURCES += src/common/log.c src/common/log.h
src_common_libbgcommon_a_SOURCES += src/common/cfg.c src/common/cfg.h \
	src/common/cfg_schema.c src/common/cfg_schema.h src/common/settings.h
