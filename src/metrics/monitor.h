/*
 * monitor.h - the daemon's bounce-rate monitor service: the pure monitor of
 * core/rate.h behind a mutex, fed by the milter, re-evaluated by its own
 * thread every monitor.check_interval, with alerts on the alert channels
 * and gauges on the metrics endpoint.
 *
 *   monitor_new(settings, host, &mon, &error);   start-up
 *   monitor_install(mon);                       makes the feeds below live
 *   monitor_sent(sender, rcpts, n);             outbound message (any thread)
 *   monitor_failure(sender, rcpt, bucket);      classified failure
 *   monitor_collect(out, mon);                  a metrics collector
 *   monitor_install(NULL); monitor_free(&mon);  shutdown
 *
 * The feeds take the installed service from one process-wide atomic
 * pointer (so the milter calls them in one line without plumbing) and do
 * nothing when none is installed; they cost one mutex and two hash
 * lookups.  Domains are the part after the last '@' of an address; the
 * null sender and addresses without a domain are ignored.
 *
 * Alerts: each transition of rate.h (warn, crit, recovered) is logged at
 * warning level and delivered once to every enabled sink of the alerts
 * group, as kind "sender-bounce" with reason "bounce_rate_warn",
 * "bounce_rate_crit" (state "opened") or "bounce_rate" (state
 * "recovered"), receiving domain "*", and the figures in the sample text.
 * Delivery runs on the monitor's thread, never on a milter callback.
 *
 * Thread-safe.  monitor_free() must follow monitor_install(NULL) and the
 * end of every callback that may feed it.
 */
#ifndef BG_MONITOR_H
#define BG_MONITOR_H

#include <stddef.h>

#include "common/settings.h"
#include "core/classify.h"
#include "core/rate.h"
#include "metrics/metrics.h"

struct monitor;

/* Parses "2%", "0.5%" or "2" into a fraction (0.02); false when bad. */
bool monitor_parse_percent(const char *s, double *fraction_r);

/* Starts the service (and its thread).  SET is read now and not kept.
 * Returns 0, or -1 with *error_r (static). */
int monitor_new(const struct bg_settings *set, const char *host,
                struct monitor **mon_r, const char **error_r);
void monitor_free(struct monitor **mon);

/* Makes MON (or NULL: none) the target of the feeds. */
void monitor_install(struct monitor *mon);

void monitor_sent(const char *sender, const char *const *rcpts, size_t n);
void monitor_failure(const char *sender, const char *rcpt, enum bucket bucket);

/* Re-evaluates now and delivers transitions (the thread does this every
 * check_interval; tests and shutdown call it directly).  Returns how many
 * transitions there were. */
size_t monitor_check(struct monitor *mon);

/* Metrics collector (ctx: struct monitor *): per-domain window counts,
 * rates and levels for monitor.domains and the top metrics.rate_domains
 * by 24 h volume. */
void monitor_collect(struct metrics_out *out, void *ctx);

#endif
