# src/common: build fragment, included from the top Makefile.am (paths from the top).
src_common_libbgcommon_a_SOURCES += src/common/log.c src/common/log.h
src_common_libbgcommon_a_SOURCES += src/common/cfg.c src/common/cfg.h \
	src/common/cfg_schema.c src/common/cfg_schema.h src/common/settings.h
src_common_libbgcommon_a_SOURCES += src/common/json.c src/common/json.h
src_common_libbgcommon_a_SOURCES += src/common/pidfile.c src/common/pidfile.h \
	src/common/daemon.c src/common/daemon.h \
	src/common/sockspec.c src/common/sockspec.h
src_common_libbgcommon_a_SOURCES += src/common/rulesfile.c src/common/rulesfile.h
