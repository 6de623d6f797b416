/*
 * metrics.c - the counter registry and its text rendering; see metrics.h.
 *
 * Every counter lives in one array of relaxed atomics; a metric is a
 * descriptor (name, help, label names, dimensions, offset).  Rule ids sit
 * in an open-addressing table whose slots are claimed once with a
 * compare-and-swap on the name pointer and never released.
 */
#include "metrics/metrics.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/policy.h"
#include "core/reason.h"
#include "core/rules.h"

#define RULE_SLOTS (2 * METRICS_MAX_RULES) /* a power of two */

struct metric_desc {
    const char *name, *help;
    const char *label_a, *label_b;
    unsigned dim_a, dim_b;
    size_t offset; /* into registry.counters; histograms: index */
};

/* Seconds; rendered cumulatively with le="+Inf" last. */
static const double hist_bounds[] = {0.00001, 0.00005, 0.0001, 0.0005, 0.001,
                                     0.005,   0.01,    0.05,   0.1,    0.5,
                                     1,       5,       30,     300};
#define HIST_NB (sizeof hist_bounds / sizeof hist_bounds[0])

struct metric_hist {
    atomic_ullong bucket[HIST_NB + 1]; /* not cumulative */
    atomic_ullong count;
    atomic_ullong sum_ns;
};

#define N_DECISIONS (4 * METRICS_MAX_REASONS)
#define N_COUNTERS                                                             \
    (3 * MPATH_COUNT + N_DECISIONS + METRICS_MAX_RULES + MCHANGE_COUNT +       \
     MACTION_COUNT + MOP_COUNT + MALERT_COUNT)
#define N_HISTS 3

/* The one mutable process-wide object (see metrics.h): atomics only. */
static struct {
    atomic_ullong counters[N_COUNTERS];
    struct metric_hist hist[N_HISTS];
    _Atomic(char *) rule_name[RULE_SLOTS];
    atomic_uint rule_index[RULE_SLOTS]; /* counter index + 1; 0: unset */
    atomic_uint rules_used;
} registry;

enum {
    OFF_MESSAGES = 0,
    OFF_DSNS = OFF_MESSAGES + MPATH_COUNT,
    OFF_DECISIONS = OFF_DSNS + MPATH_COUNT,
    OFF_RULES = OFF_DECISIONS + N_DECISIONS,
    OFF_UNCLASSIFIED = OFF_RULES + METRICS_MAX_RULES,
    OFF_SUPPRESSIONS = OFF_UNCLASSIFIED + MPATH_COUNT,
    OFF_ENFORCEMENTS = OFF_SUPPRESSIONS + MCHANGE_COUNT,
    OFF_STORE_ERRORS = OFF_ENFORCEMENTS + MACTION_COUNT,
    OFF_ALERTS = OFF_STORE_ERRORS + MOP_COUNT,
};

static const struct metric_desc descs[METRIC_COUNT] = {
    [METRIC_MESSAGES] = {"bounceguard_messages_total",
                         "Messages seen, by the path they came through.",
                         "path", NULL, MPATH_COUNT, 1, OFF_MESSAGES},
    [METRIC_DSNS] = {"bounceguard_dsns_total",
                     "Bounces (DSNs, failure log lines) seen, by path.", "path",
                     NULL, MPATH_COUNT, 1, OFF_DSNS},
    [METRIC_DECISIONS] = {"bounceguard_decisions_total",
                          "Classified recipients, by bucket and reason.",
                          "bucket", "reason", 4, METRICS_MAX_REASONS,
                          OFF_DECISIONS},
    [METRIC_RULE_HITS] = {"bounceguard_rule_hits_total",
                          "Classifications decided by each rule.", "rule", NULL,
                          METRICS_MAX_RULES, 1, OFF_RULES},
    [METRIC_UNCLASSIFIED] = {"bounceguard_unclassified_total",
                             "Failure replies no rule recognised, by path.",
                             "path", NULL, MPATH_COUNT, 1, OFF_UNCLASSIFIED},
    [METRIC_SUPPRESSIONS] = {"bounceguard_suppressions_total",
                             "Changes of the suppression list.", "change", NULL,
                             MCHANGE_COUNT, 1, OFF_SUPPRESSIONS},
    [METRIC_ENFORCEMENTS] = {"bounceguard_enforcements_total",
                             "Suppressed recipients of outbound mail acted "
                             "on, by action.",
                             "action", NULL, MACTION_COUNT, 1,
                             OFF_ENFORCEMENTS},
    [METRIC_STORE_ERRORS] = {"bounceguard_store_errors_total",
                             "Store operations that failed or were refused.",
                             "op", NULL, MOP_COUNT, 1, OFF_STORE_ERRORS},
    [METRIC_ALERTS] = {"bounceguard_alerts_total",
                       "Alert events submitted and dropped, deliveries sent "
                       "and failed.",
                       "result", NULL, MALERT_COUNT, 1, OFF_ALERTS},
    [METRIC_STORE_WRITE_SECONDS] = {"bounceguard_store_write_seconds",
                                    "Time to commit one batch to the store.",
                                    NULL, NULL, 0, 0, 0},
    [METRIC_STORE_LOOKUP_SECONDS] = {"bounceguard_store_lookup_seconds",
                                     "Time of one suppression lookup.", NULL,
                                     NULL, 0, 0, 1},
    [METRIC_DSN_DECISION_SECONDS] = {"bounceguard_dsn_decision_seconds",
                                     "Time from a bounce's arrival to its "
                                     "decisions being queued to the store.",
                                     NULL, NULL, 0, 0, 2},
};

static const char *const path_names[] = {"smtpd", "non_smtpd", "log"};
static const char *const change_names[] = {"added", "refreshed", "lifted",
                                           "expired"};
static const char *const action_names[] = {"reject", "tempfail", "remove",
                                           "tag", "dry_run"};
static const char *const op_names[] = {"write", "lookup"};
static const char *const alert_names[] = {"submitted", "dropped", "sent",
                                          "failed"};
static const char *const bucket_names[] = {"none", "soft", "hard", "sender"};

/* ---------------------------------------------------------------- counting */

static bool metric_is_hist(enum metric_id id)
{
    return id >= METRIC_STORE_WRITE_SECONDS && id < METRIC_COUNT;
}

void metrics_add(enum metric_id id, unsigned a, unsigned b,
                 unsigned long long n)
{
    const struct metric_desc *d;

    if ((unsigned)id >= METRIC_COUNT || metric_is_hist(id))
        return;
    d = &descs[id];
    if (a >= d->dim_a)
        a = d->dim_a - 1;
    if (b >= d->dim_b)
        b = d->dim_b - 1;
    atomic_fetch_add_explicit(&registry.counters[d->offset + a * d->dim_b + b],
                              n, memory_order_relaxed);
}

void metrics_inc(enum metric_id id, unsigned a, unsigned b)
{
    metrics_add(id, a, b, 1);
}

void metrics_observe(enum metric_id id, double seconds)
{
    struct metric_hist *h;
    size_t i = 0;

    if (!metric_is_hist(id))
        return;
    h = &registry.hist[descs[id].offset];
    if (!(seconds >= 0)) /* also NaN */
        seconds = 0;
    while (i < HIST_NB && seconds > hist_bounds[i])
        i++;
    atomic_fetch_add_explicit(&h->bucket[i], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&h->count, 1, memory_order_relaxed);
    if (seconds > 1e9)
        seconds = 1e9;
    atomic_fetch_add_explicit(&h->sum_ns, (unsigned long long)(seconds * 1e9),
                              memory_order_relaxed);
}

unsigned metrics_reason_index(const char *reason)
{
    size_t n = reason_count();

    if (reason == NULL)
        return METRICS_REASON_OTHER;
    for (size_t i = 0; i < n && i < METRICS_REASON_OTHER; i++)
        if (strcmp(reason_at(i)->name, reason) == 0)
            return (unsigned)i;
    return METRICS_REASON_OTHER;
}

static unsigned rule_hash(const char *s)
{
    uint32_t h = 2166136261u;

    for (; *s != '\0'; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h & (RULE_SLOTS - 1);
}

/* The counter index of rule ID, registering it when new; the "other"
 * index when the table is full or memory is short. */
static unsigned rule_find(const char *id)
{
    const unsigned other = METRICS_MAX_RULES - 1;
    char key[METRICS_RULE_MAX + 1];
    unsigned slot;

    snprintf(key, sizeof key, "%s", id);
    slot = rule_hash(key);
    for (unsigned probes = 0; probes < RULE_SLOTS; probes++) {
        char *name = atomic_load_explicit(&registry.rule_name[slot],
                                          memory_order_acquire);
        if (name == NULL) {
            char *mine = strdup(key);
            if (mine == NULL)
                return other;
            if (!atomic_compare_exchange_strong(&registry.rule_name[slot],
                                                &name, mine)) {
                free(mine); /* another thread took the slot: look again */
                continue;
            }
            unsigned idx = atomic_fetch_add(&registry.rules_used, 1);
            if (idx >= other)
                idx = other;
            atomic_store_explicit(&registry.rule_index[slot], idx + 1,
                                  memory_order_release);
            return idx;
        }
        if (strcmp(name, key) == 0) {
            unsigned idx = atomic_load_explicit(&registry.rule_index[slot],
                                                memory_order_acquire);
            /* 0: the claiming thread has not stored it yet */
            return idx > 0 ? idx - 1 : other;
        }
        slot = (slot + 1) & (RULE_SLOTS - 1);
    }
    return other;
}

void metrics_rule_hit(const char *rule)
{
    if (rule != NULL)
        metrics_inc(METRIC_RULE_HITS, rule_find(rule), 0);
}

void metrics_rule_declare(const char *rule)
{
    if (rule != NULL)
        (void)rule_find(rule);
}

void metrics_rules_declare(const struct classify_rules *rules)
{
    struct rule_info ri;

    for (size_t i = 0; rules != NULL && rules_at(rules, i, &ri); i++)
        metrics_rule_declare(ri.id);
}

void metrics_verdict(const struct verdict *v, enum metric_path path)
{
    metrics_inc(METRIC_DECISIONS, (unsigned)v->bucket,
                metrics_reason_index(v->reason));
    metrics_rule_hit(v->rule != NULL ? v->rule : "builtin.default");
    if (v->rule == NULL || strcmp(v->rule, "builtin.default") == 0)
        metrics_inc(METRIC_UNCLASSIFIED, (unsigned)path, 0);
}

void metrics_policy_action(int action)
{
    switch ((enum policy_action)action) {
    case POLICY_SUPPRESS:
        metrics_inc(METRIC_SUPPRESSIONS, MCHANGE_ADDED, 0);
        break;
    case POLICY_REFRESH:
        metrics_inc(METRIC_SUPPRESSIONS, MCHANGE_REFRESHED, 0);
        break;
    case POLICY_LIFT:
        metrics_inc(METRIC_SUPPRESSIONS, MCHANGE_LIFTED, 0);
        break;
    default:
        break;
    }
}

double metrics_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ------------------------------------------------------------ the output */

void metrics_out_init(struct metrics_out *out, size_t cap)
{
    memset(out, 0, sizeof *out);
    out->cap = cap;
}

void metrics_out_free(struct metrics_out *out)
{
    free(out->buf);
    memset(out, 0, sizeof *out);
}

/* Makes room for NEED more bytes plus a NUL; false when over the cap. */
static bool metrics_out_reserve(struct metrics_out *out, size_t need)
{
    size_t want = out->len + need + 1; /* @UNSAFE: bounded by cap below */
    size_t size = out->size > 0 ? out->size : 4096;
    char *p;

    if (want <= out->size)
        return true;
    if (want > out->cap) {
        out->overflow = true;
        return false;
    }
    while (size < want)
        size *= 2;
    if (size > out->cap)
        size = out->cap;
    if ((p = realloc(out->buf, size)) == NULL) {
        out->nomem = true;
        return false;
    }
    out->buf = p;
    out->size = size;
    return true;
}

void metrics_printf(struct metrics_out *out, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (out->overflow || out->nomem)
        return;
    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !metrics_out_reserve(out, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(out->buf + out->len, out->size - out->len, fmt, ap);
    va_end(ap);
    out->len += (size_t)n;
}

void metrics_header(struct metrics_out *out, const char *name, const char *type,
                    const char *help)
{
    metrics_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

void metrics_label_value(struct metrics_out *out, const char *s)
{
    for (; *s != '\0'; s++) {
        if (*s == '\\' || *s == '"')
            metrics_printf(out, "\\%c", *s);
        else if (*s == '\n')
            metrics_printf(out, "\\n");
        else
            metrics_printf(out, "%c", *s);
    }
}

static unsigned long long counter_at(size_t i)
{
    return atomic_load_explicit(&registry.counters[i], memory_order_relaxed);
}

static void render_simple(struct metrics_out *out, enum metric_id id,
                          const char *const *labels)
{
    const struct metric_desc *d = &descs[id];

    metrics_header(out, d->name, "counter", d->help);
    for (unsigned a = 0; a < d->dim_a; a++)
        metrics_printf(out, "%s{%s=\"%s\"} %llu\n", d->name, d->label_a,
                       labels[a], counter_at(d->offset + a));
}

/* Every reason with its taxonomy bucket (zeros show which never occur),
 * plus any other non-zero combination. */
static void render_decisions(struct metrics_out *out)
{
    const struct metric_desc *d = &descs[METRIC_DECISIONS];
    size_t nreasons = reason_count();

    metrics_header(out, d->name, "counter", d->help);
    for (unsigned r = 0; r < METRICS_MAX_REASONS; r++) {
        const struct reason_info *ri =
            r < nreasons && r < METRICS_REASON_OTHER ? reason_at(r) : NULL;
        if (ri == NULL && r != METRICS_REASON_OTHER)
            continue;
        for (unsigned b = 0; b < 4; b++) {
            unsigned long long v = counter_at(d->offset + b * d->dim_b + r);
            if (v == 0 && (ri == NULL || ri->bucket != (enum bucket)b))
                continue;
            metrics_printf(out, "%s{bucket=\"%s\",reason=\"%s\"} %llu\n",
                           d->name, bucket_names[b],
                           ri != NULL ? ri->name : "other", v);
        }
    }
}

static void render_rules(struct metrics_out *out)
{
    const struct metric_desc *d = &descs[METRIC_RULE_HITS];
    unsigned long long other = counter_at(d->offset + METRICS_MAX_RULES - 1);

    metrics_header(out, d->name, "counter", d->help);
    for (unsigned s = 0; s < RULE_SLOTS; s++) {
        char *name =
            atomic_load_explicit(&registry.rule_name[s], memory_order_acquire);
        unsigned idx =
            atomic_load_explicit(&registry.rule_index[s], memory_order_acquire);
        if (name == NULL || idx == 0 || idx - 1 >= METRICS_MAX_RULES - 1)
            continue;
        metrics_printf(out, "%s{rule=\"", d->name);
        metrics_label_value(out, name);
        metrics_printf(out, "\"} %llu\n", counter_at(d->offset + idx - 1));
    }
    metrics_printf(out, "%s{rule=\"other\"} %llu\n", d->name, other);
}

static void render_hist(struct metrics_out *out, enum metric_id id)
{
    const struct metric_desc *d = &descs[id];
    struct metric_hist *h = &registry.hist[d->offset];
    unsigned long long cum = 0;

    metrics_header(out, d->name, "histogram", d->help);
    for (size_t i = 0; i <= HIST_NB; i++) {
        cum += atomic_load_explicit(&h->bucket[i], memory_order_relaxed);
        if (i < HIST_NB)
            metrics_printf(out, "%s_bucket{le=\"%g\"} %llu\n", d->name,
                           hist_bounds[i], cum);
        else
            metrics_printf(out, "%s_bucket{le=\"+Inf\"} %llu\n", d->name, cum);
    }
    /* count from the buckets, so that +Inf == count within one scrape */
    metrics_printf(
        out, "%s_sum %.9f\n%s_count %llu\n", d->name,
        (double)atomic_load_explicit(&h->sum_ns, memory_order_relaxed) / 1e9,
        d->name, cum);
}

void metrics_render(struct metrics_out *out)
{
    render_simple(out, METRIC_MESSAGES, path_names);
    render_simple(out, METRIC_DSNS, path_names);
    render_decisions(out);
    render_rules(out);
    render_simple(out, METRIC_UNCLASSIFIED, path_names);
    render_simple(out, METRIC_SUPPRESSIONS, change_names);
    render_simple(out, METRIC_ENFORCEMENTS, action_names);
    render_simple(out, METRIC_STORE_ERRORS, op_names);
    render_simple(out, METRIC_ALERTS, alert_names);
    render_hist(out, METRIC_STORE_WRITE_SECONDS);
    render_hist(out, METRIC_STORE_LOOKUP_SECONDS);
    render_hist(out, METRIC_DSN_DECISION_SECONDS);
}
