# src/alert: build fragment, included from the top Makefile.am (paths from the top).
# Alert aggregation (pure), formatting, sinks and the dispatcher.
src_alert_libbgalert_a_SOURCES += \
	src/alert/alert_agg.c src/alert/alert_agg.h \
	src/alert/alert_format.c src/alert/alert_format.h \
	src/alert/alert_spawn.c src/alert/alert_spawn.h \
	src/alert/alert_sink.c src/alert/alert_sink.h \
	src/alert/alert_sink_mail.c src/alert/alert_sink_syslog.c \
	src/alert/alert_sink_webhook.c src/alert/alert_sink_exec.c \
	src/alert/alert.c src/alert/alert.h
