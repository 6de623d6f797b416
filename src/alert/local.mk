# src/alert: build fragment, included from the top Makefile.am (paths from the top).
# Alert aggregation (pure), formatting, sinks and the dispatcher.
src_alert_libbgalert_a_SOURCES += \
	src/alert/alert_agg.c src/alert/alert_agg.h
