/*
 * observe.h - what the daemon starts so that it can be watched: the
 * bounce-rate monitor service (monitor.h) when monitor.enable, and the
 * Prometheus endpoint (metrics_http.h) when metrics.enable, with the
 * monitor's gauges as a collector.
 *
 *   observe_start(settings, host, &obs, &error);  start-up, after privileges
 *   observe_stop(&obs);     shutdown, after the last milter callback ended
 *
 * Start-up errors (a port that cannot be bound, bad settings) are fatal
 * for the caller.  The settings are read at start; a reload does not
 * change the address or the thresholds.  Not thread-safe (start-up and
 * shutdown only); *obs owns everything it started.
 */
#ifndef BG_OBSERVE_H
#define BG_OBSERVE_H

#include "common/settings.h"

struct observe;

/* Returns 0 (*obs_r may be NULL when nothing is enabled), or -1 with
 * *error_r (static). */
int observe_start(const struct bg_settings *set, const char *host,
                  struct observe **obs_r, const char **error_r);
void observe_stop(struct observe **obs);

#endif
