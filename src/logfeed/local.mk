# src/logfeed: build fragment, included from the top Makefile.am (paths from the top).

src_logfeed_libbglogfeed_a_SOURCES += \
	src/logfeed/logfeed_pos.c src/logfeed/logfeed_pos.h \
	src/logfeed/logfeed_tail.c src/logfeed/logfeed_tail.h
