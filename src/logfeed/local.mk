# src/logfeed: build fragment, included from the top Makefile.am (paths from the top).

src_logfeed_libbglogfeed_a_SOURCES += \
	src/logfeed/logfeed_pos.c src/logfeed/logfeed_pos.h \
	src/logfeed/logfeed_tail.c src/logfeed/logfeed_tail.h \
	src/logfeed/logfeed_cache.c src/logfeed/logfeed_cache.h \
	src/logfeed/logfeed_sink.c src/logfeed/logfeed_sink.h \
	src/logfeed/logfeed.c src/logfeed/logfeed.h
