/*
 * metrics_http.h - the Prometheus scrape endpoint: "GET /metrics" on one
 * TCP address (loopback by default), served by libmicrohttpd's own thread.
 *
 * Each scrape renders the registry (metrics.h) and then calls every
 * collector in order, so other modules (store health, alert statistics,
 * the bounce-rate monitor) add their gauges at scrape time without any
 * cost on their hot paths.  Any other path answers 404, any other method
 * 405.  The body is capped at METRICS_HTTP_MAX_BODY; an overflowing scrape
 * answers 500 rather than a truncated exposition.
 *
 * Limits: at most 16 concurrent connections, 10 s per connection.
 * Thread-safety: collectors run on the server's thread, one scrape at a
 * time, and must be safe against the rest of the process.
 */
#ifndef BG_METRICS_HTTP_H
#define BG_METRICS_HTTP_H

#include <stddef.h>

#include "metrics/metrics.h"

#define METRICS_HTTP_MAX_BODY (8u << 20)

struct metrics_collector {
    void (*collect)(struct metrics_out *out, void *ctx);
    void *ctx;
};

struct metrics_http;

/* Parses "HOST:PORT" or "[V6]:PORT" (numeric host).  0, or -1 with
 * *error_r (static). */
int metrics_http_parse_listen(const char *listen, const char **error_r);

/* Starts serving on LISTEN.  COLLECTORS (n of them) are copied; their ctx
 * must outlive the server.  Returns 0, or -1 with *error_r (static). */
int metrics_http_start(const char *listen,
                       const struct metrics_collector *collectors, size_t n,
                       struct metrics_http **http_r, const char **error_r);
/* Stops the server (waits for a running scrape) and frees *http. */
void metrics_http_stop(struct metrics_http **http);

#endif
