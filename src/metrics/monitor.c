/*
 * monitor.c - the bounce-rate monitor service; see monitor.h.
 */
#include "metrics/monitor.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "alert/alert_sink.h"
#include "common/log.h"

#define MON_SINKS_MAX 8
#define MON_BATCH 16 /* transitions taken per lock */

struct mon_sink {
    const struct alert_sink_ops *ops;
    void *state;
};

struct monitor {
    pthread_mutex_t lock; /* guards rate, stop, wake */
    pthread_cond_t cond;
    struct rate_monitor *rate;
    bool stop, wake;
    long long interval;
    size_t top_n;
    struct str_list domains; /* copies */
    struct mon_sink sinks[MON_SINKS_MAX];
    size_t nsinks;
    char host[256];
    pthread_t thread;
    bool thread_started;
};

/* The installed service (monitor.h): the one process-wide pointer. */
static _Atomic(struct monitor *) monitor_current;

bool monitor_parse_percent(const char *s, double *fraction_r)
{
    char *end;
    double v;

    if (s == NULL)
        return false;
    v = strtod(s, &end);
    if (end == s || (*end != '\0' && strcmp(end, "%") != 0) ||
        !(v >= 0 && v <= 100))
        return false;
    *fraction_r = v / 100.0;
    return true;
}

static const char *domain_of(const char *addr)
{
    const char *at;

    if (addr == NULL || (at = strrchr(addr, '@')) == NULL || at[1] == '\0')
        return NULL;
    return at + 1;
}

/* Copies the domain of ADDR without a trailing '>' into buf. */
static const char *domain_copy(const char *addr, char *buf, size_t size)
{
    const char *d = domain_of(addr);
    size_t n;

    if (d == NULL)
        return NULL;
    n = strcspn(d, ">");
    if (n == 0 || n >= size)
        return NULL;
    memcpy(buf, d, n);
    buf[n] = '\0';
    return buf;
}

void monitor_install(struct monitor *mon)
{
    atomic_store(&monitor_current, mon);
}

void monitor_sent(const char *sender, const char *const *rcpts, size_t n)
{
    struct monitor *mon = atomic_load(&monitor_current);
    char sd[RATE_KEY_MAX + 1], rd[RATE_KEY_MAX + 1];
    long long now = (long long)time(NULL);

    if (mon == NULL || domain_copy(sender, sd, sizeof sd) == NULL)
        return;
    pthread_mutex_lock(&mon->lock);
    (void)rate_add(mon->rate, RATE_DOMAIN, sd, RATE_SENT, n, now);
    for (size_t i = 0; i < n; i++)
        if (domain_copy(rcpts[i], rd, sizeof rd) != NULL)
            (void)rate_add(mon->rate, RATE_PROVIDER, rd, RATE_SENT, 1, now);
    pthread_mutex_unlock(&mon->lock);
}

void monitor_failure(const char *sender, const char *rcpt, enum bucket bucket)
{
    struct monitor *mon = atomic_load(&monitor_current);
    char sd[RATE_KEY_MAX + 1], rd[RATE_KEY_MAX + 1];
    long long now = (long long)time(NULL);
    enum rate_kind kind;

    if (mon == NULL || bucket == BUCKET_NONE)
        return;
    kind = bucket == BUCKET_HARD   ? RATE_HARD
           : bucket == BUCKET_SOFT ? RATE_SOFT
                                   : RATE_SENDER;
    pthread_mutex_lock(&mon->lock);
    if (domain_copy(sender, sd, sizeof sd) != NULL)
        (void)rate_add(mon->rate, RATE_DOMAIN, sd, kind, 1, now);
    if (domain_copy(rcpt, rd, sizeof rd) != NULL)
        (void)rate_add(mon->rate, RATE_PROVIDER, rd, kind, 1, now);
    if (kind == RATE_HARD) {
        mon->wake = true; /* a level may be crossed: check soon */
        pthread_cond_signal(&mon->cond);
    }
    pthread_mutex_unlock(&mon->lock);
}

/* ---------------------------------------------------------------- alerts */

static bool mon_sleep(void *ctx, unsigned seconds)
{
    struct monitor *mon = ctx;
    struct timespec ts;
    bool stop;

    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += seconds;
    pthread_mutex_lock(&mon->lock);
    while (!mon->stop &&
           pthread_cond_timedwait(&mon->cond, &mon->lock, &ts) != ETIMEDOUT)
        ;
    stop = mon->stop;
    pthread_mutex_unlock(&mon->lock);
    return !stop;
}

static void mon_deliver(struct monitor *mon, const struct rate_transition *t)
{
    char sample[256], reason[32];
    char *samples[1] = {sample};
    struct alert_msg m;
    struct alert_sink_env env = {mon->host, mon_sleep, mon, 0};
    const char *error = NULL;

    snprintf(sample, sizeof sample,
             "hard-bounce rate %.2f%% over 24h: %llu of %llu recipients",
             t->rate * 100.0, t->hard, t->sent);
    snprintf(reason, sizeof reason, "bounce_rate%s%s", t->recovered ? "" : "_",
             t->recovered ? "" : rate_level_name(t->level));
    log_warning(NULL, "monitor: %s: %s: %s", t->domain,
                t->recovered ? "recovered" : reason, sample);
    memset(&m, 0, sizeof m);
    m.state = t->recovered ? ALERT_RECOVERED : ALERT_OPENED;
    m.kind = ALERT_SENDER_BOUNCE;
    m.sender_domain = (char *)t->domain;
    m.rcpt_domain = "*";
    m.reason = reason;
    m.count = m.new_count = (unsigned long)t->hard;
    m.first = m.last = m.sent = (time_t)t->when;
    m.samples = samples;
    m.nsamples = 1;
    for (size_t i = 0; i < mon->nsinks; i++) {
        int r = mon->sinks[i].ops->send(mon->sinks[i].state, &env, &m, &error);
        metrics_inc(METRIC_ALERTS, r != 0 ? MALERT_FAILED : MALERT_SENT, 0);
        if (r != 0)
            log_error(NULL, "monitor: alert to %s failed: %s",
                      mon->sinks[i].ops->name, error ? error : "?");
    }
}

size_t monitor_check(struct monitor *mon)
{
    struct rate_transition tr[MON_BATCH];
    size_t n, total = 0;

    do {
        pthread_mutex_lock(&mon->lock);
        n = rate_check(mon->rate, (long long)time(NULL), tr, MON_BATCH);
        pthread_mutex_unlock(&mon->lock);
        for (size_t i = 0; i < n; i++)
            mon_deliver(mon, &tr[i]);
        total += n;
    } while (n == MON_BATCH);
    return total;
}

static void *mon_thread(void *arg)
{
    struct monitor *mon = arg;
    struct timespec ts;

    pthread_mutex_lock(&mon->lock);
    while (!mon->stop) {
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += mon->interval;
        while (!mon->stop && !mon->wake &&
               pthread_cond_timedwait(&mon->cond, &mon->lock, &ts) != ETIMEDOUT)
            ;
        mon->wake = false;
        if (mon->stop)
            break;
        pthread_mutex_unlock(&mon->lock);
        (void)monitor_check(mon);
        pthread_mutex_lock(&mon->lock);
    }
    pthread_mutex_unlock(&mon->lock);
    return NULL;
}

/* ------------------------------------------------------------ life cycle */

static int mon_settings(const struct monitor_settings *ms,
                        struct rate_settings *rs, const char **error_r)
{
    rate_settings_default(rs);
    if (!monitor_parse_percent(ms->warn, &rs->warn) ||
        !monitor_parse_percent(ms->crit, &rs->crit) ||
        !monitor_parse_percent(ms->recover, &rs->recover)) {
        *error_r = "monitor: bad percentage";
        return -1;
    }
    rs->min_volume = (unsigned long)ms->min_volume;
    rs->max_keys = (size_t)ms->max_keys;
    return 0;
}

static int mon_copy_domains(struct monitor *mon, const struct str_list *l)
{
    if (l->count == 0)
        return 0;
    mon->domains.items = calloc(l->count, sizeof *mon->domains.items);
    if (mon->domains.items == NULL)
        return -1;
    for (size_t i = 0; i < l->count; i++) {
        if ((mon->domains.items[i] = strdup(l->items[i])) == NULL)
            return -1;
        mon->domains.count++;
    }
    return 0;
}

static void mon_open_sinks(struct monitor *mon, const struct alert_settings *a)
{
    const char *error = NULL;

    for (size_t i = 0; i < alert_sinks_count && mon->nsinks < MON_SINKS_MAX;
         i++) {
        const struct alert_sink_ops *ops = alert_sinks[i];
        void *state = NULL;
        if (!ops->enabled(a))
            continue;
        if (ops->open(a, &state, &error) != 0) {
            log_error(NULL, "monitor: alert sink %s: %s", ops->name,
                      error ? error : "cannot open");
            continue;
        }
        mon->sinks[mon->nsinks++] = (struct mon_sink){ops, state};
    }
}

int monitor_new(const struct bg_settings *set, const char *host,
                struct monitor **mon_r, const char **error_r)
{
    struct rate_settings rs;
    struct monitor *mon;

    if (mon_settings(&set->monitor, &rs, error_r) != 0)
        return -1;
    if ((mon = calloc(1, sizeof *mon)) == NULL) {
        *error_r = "monitor: out of memory";
        return -1;
    }
    pthread_mutex_init(&mon->lock, NULL);
    pthread_cond_init(&mon->cond, NULL);
    mon->interval = set->monitor.check_interval;
    mon->top_n = (size_t)set->metrics.rate_domains;
    snprintf(mon->host, sizeof mon->host, "%s", host ? host : "localhost");
    if (rate_monitor_new(&rs, &mon->rate, error_r) != 0 ||
        mon_copy_domains(mon, &set->monitor.domains) != 0) {
        if (mon->rate != NULL)
            *error_r = "monitor: out of memory";
        monitor_free(&mon);
        return -1;
    }
    mon_open_sinks(mon, &set->alerts);
    if (pthread_create(&mon->thread, NULL, mon_thread, mon) != 0) {
        *error_r = "monitor: cannot start its thread";
        monitor_free(&mon);
        return -1;
    }
    mon->thread_started = true;
    *mon_r = mon;
    return 0;
}

void monitor_free(struct monitor **monp)
{
    struct monitor *mon = *monp;

    if (mon == NULL)
        return;
    if (mon->thread_started) {
        pthread_mutex_lock(&mon->lock);
        mon->stop = true;
        pthread_cond_broadcast(&mon->cond);
        pthread_mutex_unlock(&mon->lock);
        pthread_join(mon->thread, NULL);
    }
    for (size_t i = 0; i < mon->nsinks; i++)
        mon->sinks[i].ops->close(&mon->sinks[i].state);
    for (size_t i = 0; i < mon->domains.count; i++)
        free(mon->domains.items[i]);
    free(mon->domains.items);
    rate_monitor_free(&mon->rate);
    pthread_cond_destroy(&mon->cond);
    pthread_mutex_destroy(&mon->lock);
    free(mon);
    *monp = NULL;
}

/* --------------------------------------------------------------- metrics */

struct mon_row {
    char domain[RATE_KEY_MAX + 1];
    struct rate_counts c;
    enum rate_level level;
};

struct mon_rows {
    struct mon_row *v;
    size_t n, size;
};

static int mon_take_row(const char *key, const struct rate_counts *c,
                        enum rate_level level, void *ctx)
{
    struct mon_rows *rows = ctx;
    struct mon_row *r;

    if (rows->n == rows->size)
        return 1; /* cannot happen: sized by rate_keys() */
    r = &rows->v[rows->n++];
    snprintf(r->domain, sizeof r->domain, "%s", key);
    r->c = *c;
    r->level = level;
    return 0;
}

static int mon_row_cmp(const void *a, const void *b)
{
    const struct mon_row *x = a, *y = b;
    unsigned long long sx = x->c.n[RATE_24H][RATE_SENT];
    unsigned long long sy = y->c.n[RATE_24H][RATE_SENT];

    if (sx != sy)
        return sx > sy ? -1 : 1;
    return strcmp(x->domain, y->domain);
}

static bool mon_listed(const struct monitor *mon, const char *domain)
{
    for (size_t i = 0; i < mon->domains.count; i++)
        if (strcasecmp(mon->domains.items[i], domain) == 0)
            return true;
    return false;
}

static void mon_emit(struct metrics_out *out, const struct mon_row *r)
{
    for (int w = 0; w < RATE_NWINDOWS; w++)
        for (int k = 0; k < RATE_NKINDS; k++) {
            metrics_printf(out, "bounceguard_window_recipients{domain=\"");
            metrics_label_value(out, r->domain);
            metrics_printf(out, "\",window=\"%s\",kind=\"%s\"} %llu\n",
                           rate_window_name(w), rate_kind_name(k),
                           r->c.n[w][k]);
        }
}

static void mon_emit_rates(struct metrics_out *out, const struct mon_row *r)
{
    static const enum rate_kind fails[] = {RATE_HARD, RATE_SOFT, RATE_SENDER};

    for (int w = 0; w < RATE_NWINDOWS; w++)
        for (size_t k = 0; k < 3; k++) {
            metrics_printf(out, "bounceguard_bounce_rate{domain=\"");
            metrics_label_value(out, r->domain);
            metrics_printf(out, "\",window=\"%s\",bucket=\"%s\"} %.6f\n",
                           rate_window_name(w), rate_kind_name(fails[k]),
                           rate_ratio(&r->c, w, fails[k]));
        }
}

void monitor_collect(struct metrics_out *out, void *ctx)
{
    struct monitor *mon = ctx;
    struct mon_rows rows = {NULL, 0, 0};
    size_t shown = 0;

    pthread_mutex_lock(&mon->lock);
    rows.size = rate_keys(mon->rate, RATE_DOMAIN);
    rows.v = malloc((rows.size + 1) * sizeof *rows.v);
    if (rows.v != NULL)
        (void)rate_foreach(mon->rate, RATE_DOMAIN, (long long)time(NULL),
                           mon_take_row, &rows);
    pthread_mutex_unlock(&mon->lock);
    if (rows.v == NULL)
        return;
    qsort(rows.v, rows.n, sizeof *rows.v, mon_row_cmp);
    for (size_t i = 0; i < rows.n; i++) /* keep the exported ones first */
        if (shown < mon->top_n || mon_listed(mon, rows.v[i].domain))
            rows.v[shown++] = rows.v[i];
    metrics_header(out, "bounceguard_window_recipients", "gauge",
                   "Recipients sent and failed per sending domain in a "
                   "rolling window.");
    for (size_t i = 0; i < shown; i++)
        mon_emit(out, &rows.v[i]);
    metrics_header(out, "bounceguard_bounce_rate", "gauge",
                   "Failed over sent recipients per sending domain in a "
                   "rolling window.");
    for (size_t i = 0; i < shown; i++)
        mon_emit_rates(out, &rows.v[i]);
    metrics_header(out, "bounceguard_bounce_rate_level", "gauge",
                   "Alert level of the 24h hard-bounce rate: 0 ok, 1 warn, "
                   "2 crit.");
    for (size_t i = 0; i < shown; i++) {
        metrics_printf(out, "bounceguard_bounce_rate_level{domain=\"");
        metrics_label_value(out, rows.v[i].domain);
        metrics_printf(out, "\"} %d\n", (int)rows.v[i].level);
    }
    free(rows.v);
}
