/*
 * metrics.h - bounceguard's counters and histograms, and their rendering in
 * the Prometheus text exposition format (version 0.0.4).
 *
 * The registry is a fixed set of metrics (enum metric_id) with fixed,
 * bounded label sets: paths, buckets, the reason taxonomy (core/reason.h),
 * suppression changes, enforcement actions, and rule ids (at most
 * METRICS_MAX_RULES; later ids count under rule="other").  No label ever
 * holds an address.  The code where an event happens counts it with one
 * call:
 *
 *     metrics_inc(METRIC_DECISIONS, bucket, reason_idx);
 *     metrics_observe(METRIC_STORE_LOOKUP_SECONDS, seconds);
 *
 * The registry is the one process-wide mutable object of bounceguard: it
 * holds only relaxed atomic counters (and rule ids published once with a
 * compare-and-swap), so every function here is safe from any thread at
 * any time, costs one atomic add on the hot path, takes no lock and never
 * fails.  Counters start at zero when the process starts (Prometheus
 * handles the reset); nothing is ever freed.  Rule ids are copied into
 * the registry (cut at 63 bytes) and kept for the life of the process.
 *
 * Rendering (metrics_render) reads the counters without stopping writers:
 * a scrape sees every counter at some moment during the scrape.  Gauges
 * that belong to other modules (store queue, rate monitor, alerts) are
 * added by the caller of metrics_render through struct metrics_out.
 */
#ifndef BG_METRICS_H
#define BG_METRICS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/classify.h"

enum metric_id {
    /* counters */
    METRIC_MESSAGES = 0, /* [path] messages seen */
    METRIC_DSNS,         /* [path] bounces (DSNs, failure lines) seen */
    METRIC_DECISIONS,    /* [bucket][reason] classified recipients */
    METRIC_RULE_HITS,    /* [rule] deciding rule */
    METRIC_UNCLASSIFIED, /* [path] replies no rule but the fallback knew */
    METRIC_SUPPRESSIONS, /* [change] suppressions added/expired/removed */
    METRIC_ENFORCEMENTS, /* [action] suppressed recipients acted on */
    METRIC_STORE_ERRORS, /* [op] store refusals: write queue full, lookup */
    METRIC_ALERTS,       /* [result] alert events and deliveries */
    /* histograms (seconds) */
    METRIC_STORE_WRITE_SECONDS,  /* one group commit */
    METRIC_STORE_LOOKUP_SECONDS, /* one store_lookup */
    METRIC_DSN_DECISION_SECONDS, /* bounce seen -> decision queued */
    METRIC_COUNT
};

enum metric_path { MPATH_SMTPD = 0, MPATH_NON_SMTPD, MPATH_LOG, MPATH_COUNT };

enum metric_change {
    MCHANGE_ADDED = 0,
    MCHANGE_REFRESHED,
    MCHANGE_LIFTED, /* by a success or a manual removal */
    MCHANGE_EXPIRED,
    MCHANGE_COUNT
};

enum metric_action {
    MACTION_REJECT = 0,
    MACTION_TEMPFAIL,
    MACTION_REMOVE,
    MACTION_TAG,
    MACTION_DRY_RUN, /* logged only */
    MACTION_COUNT
};

enum metric_op { MOP_WRITE = 0, MOP_LOOKUP, MOP_COUNT };

enum metric_alert {
    MALERT_SUBMITTED = 0, /* events submitted to the alert service */
    MALERT_DROPPED,       /* events dropped (memory, incident table full) */
    MALERT_SENT,          /* (alert, channel) deliveries that succeeded */
    MALERT_FAILED,        /* (alert, channel) deliveries given up */
    MALERT_COUNT
};

/* Label indices: reason index in the taxonomy (reason_at), or
 * METRICS_REASON_OTHER for a name outside it. */
#define METRICS_MAX_REASONS 64
#define METRICS_REASON_OTHER (METRICS_MAX_REASONS - 1)
#define METRICS_MAX_RULES 256
#define METRICS_RULE_MAX 63

/* Adds 1 to the series of ID with labels A (and B for two-label metrics;
 * ignored otherwise).  Out-of-range labels are clamped to the last value
 * ("other" where there is one). */
void metrics_inc(enum metric_id id, unsigned a, unsigned b);
void metrics_add(enum metric_id id, unsigned a, unsigned b,
                 unsigned long long n);
/* Records one value (seconds) of a histogram metric. */
void metrics_observe(enum metric_id id, double seconds);

/* Index of a reason name for METRIC_DECISIONS (OTHER for NULL/unknown). */
unsigned metrics_reason_index(const char *reason);
/* Counts one hit of rule ID (NULL: nothing). */
void metrics_rule_hit(const char *rule);
/* Makes rule ID known (a zero series) so rules that never fire show. */
void metrics_rule_declare(const char *rule);
/* Declares every rule of a loaded set (a struct classify_rules). */
struct classify_rules;
void metrics_rules_declare(const struct classify_rules *rules);
/* One classified recipient: decisions, rule hits, and unclassified when
 * the deciding rule is a fallback ("unclassified"/"unknown" reasons). */
void metrics_verdict(const struct verdict *v, enum metric_path path);

/* One decision of the store's policy (an enum policy_action): counts
 * METRIC_SUPPRESSIONS added / refreshed / lifted. */
void metrics_policy_action(int action);

/* Monotonic seconds, for latency measurements. */
double metrics_now(void);

/* Where rendering goes: a bounded buffer that grows up to cap bytes;
 * past that, output is cut and overflow is set. */
struct metrics_out {
    char *buf;
    size_t len, size, cap;
    bool overflow, nomem;
};
void metrics_out_init(struct metrics_out *out, size_t cap);
void metrics_out_free(struct metrics_out *out);
void metrics_printf(struct metrics_out *out, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* "# HELP" and "# TYPE" lines of a gauge or counter added by a caller. */
void metrics_header(struct metrics_out *out, const char *name, const char *type,
                    const char *help);
/* Writes S as a label value, escaping \, " and newline. */
void metrics_label_value(struct metrics_out *out, const char *s);

/* Renders every registered metric. */
void metrics_render(struct metrics_out *out);

#endif
