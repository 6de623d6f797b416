# src/metrics: build fragment, included from the top Makefile.am (paths from the top).

# metrics: the counter registry.  It sits in libbgcommon so that every layer
# above the core (store, alert, logfeed, milter) can count with one call.
src_common_libbgcommon_a_SOURCES += src/metrics/metrics.c src/metrics/metrics.h

# metrics_http: the Prometheus scrape endpoint (libmicrohttpd)
src_metrics_libbgmetrics_a_SOURCES += src/metrics/metrics_http.c \
	src/metrics/metrics_http.h

# monitor: the bounce-rate monitor service (core/rate.h) with its alerts and
# gauges; observe: what the daemon starts (monitor, endpoint)
src_metrics_libbgmetrics_a_SOURCES += src/metrics/monitor.c \
	src/metrics/monitor.h src/metrics/observe.c src/metrics/observe.h
