/*
 * report_query.c - the report's SQL aggregates over the SQLite store and
 * the folding of rows, from any store, into struct report_data; see
 * report_data.h.
 */
#include "ctl/report_data.h"

#include <ctype.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROV_SLOTS 4096 /* hash index of providers, > 2 * RPT_MAX_PROVIDERS */
#define AUTH_SLOTS 8192 /* hash index of auth failures, > 2 * RPT_MAX_AUTH */

/* The sending domain of column SENDER, lower case, without '>'. */
#define SD(col) "rtrim(lower(substr(" col ", instr(" col ", '@') + 1)), '>')"

/* AT is "at" (use the index on at: a part of the history) or "+at" (scan
 * the table: all of it, cheaper than going through the index).  The rows
 * come back raw and are grouped here: SQLite's GROUP BY sorts every row
 * and its string functions cost more than the scan itself (measured on
 * 100,000 events: 0.19 s of CPU for the GROUP BY query against 0.05 s for
 * this whole report; bench/report times 10 million). */
#define Q_EVENTS(AT)                                                           \
    "SELECT at, sender, address, reason, bucket, auth, source FROM events"     \
    " WHERE " AT " >= ?1 AND " AT " < ?2 AND rowid >= ?5 AND rowid < ?6"

#define Q_OUTBOUND(AT)                                                         \
    "SELECT at, sender, recipients FROM outbound"                              \
    " WHERE " AT " >= ?1 AND " AT " < ?2 AND recipients != ''"

static const char *const q_events[2] = {Q_EVENTS("at"), Q_EVENTS("+at")};
static const char *const q_outbound[2] = {Q_OUTBOUND("at"), Q_OUTBOUND("+at")};

static const char q_suppressions[] =
    "SELECT (first_seen - ?1) / ?3, reason, count(*) FROM suppressions"
    " WHERE first_seen >= ?1 AND first_seen < ?2 AND manual = 0"
    " AND (?4 IS NULL OR " SD("sender") " = ?4)"
                                        " GROUP BY 1, 2";

struct rpt_fold {
    struct report_data *d;
    int *prov_index; /* PROV_SLOTS, -1 empty */
    int *auth_index; /* AUTH_SLOTS, -1 empty */
    unsigned long long (*prov_reason)[RPT_MAX_REASONS];
    long long rowid_lo, rowid_hi; /* the events this fold scans */
};

const char *rpt_bucket_name(int b)
{
    static const char *const names[] = {"hard", "soft", "sender"};
    return b >= 0 && b < RPT_NBUCKETS ? names[b] : "?";
}

/* The bucket of a row (once per event: by the first letters). */
static int bucket_of(const char *s)
{
    if (s == NULL)
        return -1;
    if (s[0] == 'h')
        return strcmp(s, "hard") == 0 ? RPT_HARD : -1;
    if (s[0] == 's' && s[1] == 'o')
        return strcmp(s, "soft") == 0 ? RPT_SOFT : -1;
    if (s[0] == 's')
        return strcmp(s, "sender") == 0 ? RPT_SENDER : -1;
    return -1;
}

/* strcmp() == 0, the first letter compared inline (names of a table
 * mostly differ there). */
static bool same(const char *a, const char *b)
{
    return a[0] == b[0] && strcmp(a, b) == 0;
}

static void copy(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src != NULL && *src ? src : "(unknown)");
}

static const char *col(sqlite3_stmt *s, int i)
{
    return (const char *)sqlite3_column_text(s, i);
}

/* The slot of grouped row value P, or -1 outside the span. */
static long slot_of(const struct report_data *d, long long p)
{
    return p >= 0 && (size_t)p < d->npoints ? (long)p : -1;
}

static long slot_at(const struct report_data *d, long long at)
{
    return at < d->since ? -1 : slot_of(d, (at - d->since) / d->step);
}

/* The domain of ADDR (after the last '@'), lower case, without '>', into
 * buf; "" when there is none. */
static const char *domain_of(const char *addr, char *buf, size_t size)
{
    const char *at = addr != NULL ? strrchr(addr, '@') : NULL;
    size_t n = 0;

    for (at = at != NULL ? at + 1 : ""; *at && *at != '>' && n + 1 < size; at++)
        buf[n++] = (char)tolower((unsigned char)*at);
    buf[n] = '\0';
    return buf;
}

/* True when the row's sending domain is the one asked for (or any). */
static bool domain_wanted(const struct report_data *d, const char *domain)
{
    return d->domain_filter == NULL || strcmp(d->domain_filter, domain) == 0;
}

static struct rpt_domain *domain_slot(struct report_data *d, const char *name)
{
    const char *n = name != NULL && *name ? name : "(unknown)";

    for (size_t i = 0; i < d->ndomains; i++)
        if (same(d->domains[i].name, n))
            return &d->domains[i];
    if (d->ndomains < RPT_MAX_DOMAINS) {
        copy(d->domains[d->ndomains].name, sizeof d->domains[0].name, n);
        return &d->domains[d->ndomains++];
    }
    copy(d->domains[RPT_MAX_DOMAINS].name, sizeof d->domains[0].name,
         "(other)");
    return &d->domains[RPT_MAX_DOMAINS];
}

static size_t reason_slot(struct rpt_reason *v, size_t *n, const char *name,
                          int bucket)
{
    const char *r = name != NULL && *name ? name : "(unknown)";

    for (size_t i = 0; i < *n; i++)
        if (same(v[i].name, r))
            return i;
    if (*n == RPT_MAX_REASONS)
        return RPT_MAX_REASONS - 1; /* the last one takes the rest */
    copy(v[*n].name, sizeof v[0].name, r);
    v[*n].bucket = bucket;
    return (*n)++;
}

static uint32_t hash(const char *s)
{
    uint32_t h = 2166136261u;

    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static size_t provider_slot(struct rpt_fold *f, const char *name)
{
    struct report_data *d = f->d;
    const char *n = name != NULL && *name ? name : "(unknown)";
    uint32_t i = hash(n) & (PROV_SLOTS - 1);

    for (; f->prov_index[i] >= 0; i = (i + 1) & (PROV_SLOTS - 1))
        if (strcmp(d->providers[f->prov_index[i]].name, n) == 0)
            return (size_t)f->prov_index[i];
    if (d->nproviders == RPT_MAX_PROVIDERS) {
        copy(d->providers[RPT_MAX_PROVIDERS].name, RPT_NAME_MAX + 1, "(other)");
        return RPT_MAX_PROVIDERS;
    }
    copy(d->providers[d->nproviders].name, RPT_NAME_MAX + 1, n);
    f->prov_index[i] = (int)d->nproviders;
    return d->nproviders++;
}

/* Counts N authentication failures of (reason, our domain, provider);
 * combinations beyond RPT_MAX_AUTH count in the total only. */
static void auth_add(struct rpt_fold *f, const char *reason, const char *domain,
                     const char *provider, unsigned long long n)
{
    struct report_data *d = f->d;
    struct rpt_auth a;
    uint32_t i;

    d->auth_total += n;
    copy(a.reason, sizeof a.reason, reason);
    copy(a.domain, sizeof a.domain, domain);
    copy(a.provider, sizeof a.provider, provider);
    i = (hash(a.reason) ^ hash(a.domain) * 31 ^ hash(a.provider) * 961) &
        (AUTH_SLOTS - 1);
    for (; f->auth_index[i] >= 0; i = (i + 1) & (AUTH_SLOTS - 1)) {
        struct rpt_auth *e = &d->auth[f->auth_index[i]];
        if (strcmp(e->reason, a.reason) == 0 &&
            strcmp(e->domain, a.domain) == 0 &&
            strcmp(e->provider, a.provider) == 0) {
            e->n += n;
            return;
        }
    }
    if (d->nauth < RPT_MAX_AUTH) {
        a.n = n;
        f->auth_index[i] = (int)d->nauth;
        d->auth[d->nauth++] = a;
    }
}

/* Manual and imported events say nothing about our sending. */
static bool source_counts(const char *source)
{
    return source == NULL || (source[0] != 'm' && source[0] != 'i') ||
           (strcmp(source, "manual") != 0 && strcmp(source, "import") != 0);
}

void report_fold_event(struct rpt_fold *f, long long at, const char *sender,
                       const char *address, const char *reason,
                       const char *bucket, bool auth, const char *source)
{
    struct report_data *d = f->d;
    long p = slot_at(d, at);
    int b = bucket_of(bucket);
    const unsigned long long n = 1;
    char sd[RPT_NAME_MAX + 1], pd[RPT_NAME_MAX + 1];
    struct rpt_domain *dom;
    size_t r, pv;

    if (b < 0 || p < 0 || !source_counts(source))
        return;
    domain_of(sender, sd, sizeof sd);
    if (!domain_wanted(d, sd))
        return;
    domain_of(address, pd, sizeof pd);
    d->events += n;
    dom = domain_slot(d, sd);
    dom->fail[b] += n;
    if (b == RPT_HARD)
        dom->hard_at[p] += n;
    r = reason_slot(d->reasons, &d->nreasons, reason, b);
    d->reasons[r].n += n;
    pv = provider_slot(f, pd);
    d->providers[pv].fail[b] += n;
    f->prov_reason[pv][r] += n;
    if (auth)
        auth_add(f, reason, sd, pd, n);
}

/* One row of q_events: at, sender, address, reason, bucket, auth, source;
 * failures (bucket hard, soft, sender) only. */
static void fold_event(struct rpt_fold *f, sqlite3_stmt *s)
{
    report_fold_event(f, sqlite3_column_int64(s, 0), col(s, 1), col(s, 2),
                      col(s, 3), col(s, 4), sqlite3_column_int(s, 5) != 0,
                      col(s, 6));
}

void report_fold_outbound(struct rpt_fold *f, long long at, const char *sender,
                          const char *recipients)
{
    long p = slot_at(f->d, at);
    unsigned long long n = 1;
    char sd[RPT_NAME_MAX + 1];
    struct rpt_domain *dom;

    if (p < 0 || recipients == NULL)
        return;
    domain_of(sender, sd, sizeof sd);
    if (!domain_wanted(f->d, sd))
        return;
    for (const char *c = recipients; (c = strchr(c, '\n')) != NULL; c++)
        n++;
    dom = domain_slot(f->d, sd);
    dom->sent += n;
    dom->sent_at[p] += n;
}

/* One row of q_outbound: at, sender, recipients ('\n'-separated). */
static void fold_outbound(struct rpt_fold *f, sqlite3_stmt *s)
{
    report_fold_outbound(f, sqlite3_column_int64(s, 0), col(s, 1), col(s, 2));
}

void report_fold_suppressions(struct rpt_fold *f, long long slot,
                              const char *reason, unsigned long long n)
{
    struct report_data *d = f->d;
    long p = slot_of(d, slot);
    size_t r;

    if (p < 0)
        return;
    d->supp_new += n;
    d->supp_at[p] += n;
    r = reason_slot(d->supp_reasons, &d->nsupp_reasons, reason, -1);
    d->supp_reasons[r].n += n;
}

static void fold_suppression(struct rpt_fold *f, sqlite3_stmt *s)
{
    report_fold_suppressions(f, sqlite3_column_int64(s, 0), col(s, 1),
                             (unsigned long long)sqlite3_column_int64(s, 2));
}

static int run(sqlite3 *db, const char *sql, struct rpt_fold *f,
               void (*fold)(struct rpt_fold *, sqlite3_stmt *), char *err,
               size_t errsize)
{
    struct report_data *d = f->d;
    sqlite3_stmt *s = NULL;
    int rc;

    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
        snprintf(err, errsize, "%s", sqlite3_errmsg(db));
        return -1;
    }
    sqlite3_bind_int64(s, 1, d->since);
    sqlite3_bind_int64(s, 2, d->now);
    sqlite3_bind_int64(s, 3, d->step);
    if (d->domain_filter != NULL && sqlite3_bind_parameter_count(s) >= 4)
        sqlite3_bind_text(s, 4, d->domain_filter, -1, SQLITE_STATIC);
    if (sqlite3_bind_parameter_count(s) >= 6) {
        sqlite3_bind_int64(s, 5, f->rowid_lo);
        sqlite3_bind_int64(s, 6, f->rowid_hi);
    }
    while ((rc = sqlite3_step(s)) == SQLITE_ROW)
        fold(f, s);
    if (rc != SQLITE_DONE)
        snprintf(err, errsize, "%s", sqlite3_errmsg(db));
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* Each provider's most frequent reason. */
static void top_reasons(struct rpt_fold *f)
{
    struct report_data *d = f->d;
    size_t np =
        d->nproviders + (d->providers[RPT_MAX_PROVIDERS].name[0] ? 1 : 0);

    for (size_t i = 0; i < np; i++) {
        size_t pi = i < d->nproviders ? i : RPT_MAX_PROVIDERS;
        struct rpt_provider *p = &d->providers[pi];
        for (size_t r = 0; r < d->nreasons; r++)
            if (f->prov_reason[pi][r] > p->top_count) {
                p->top_count = f->prov_reason[pi][r];
                copy(p->top_reason, sizeof p->top_reason, d->reasons[r].name);
            }
    }
}

static long long pick_step(long long span)
{
    long long step = span <= 2 * 86400    ? 3600
                     : span <= 14 * 86400 ? 6 * 3600
                                          : 86400;

    while ((span + step - 1) / step > RPT_MAX_POINTS)
        step *= 2;
    return step;
}

/* 1 when a full scan of TABLE is cheaper than its index on "at": the span
 * from SINCE holds more than a fifth of the rows, judging by the oldest
 * and newest times (the index rows are fetched one by one in time order,
 * which is far slower per row than a scan in rowid order). */
static int scan_all(sqlite3 *db, const char *table, long long since)
{
    char sql[64];
    sqlite3_stmt *s = NULL;
    int all = 0;

    snprintf(sql, sizeof sql, "SELECT min(at), max(at) FROM %s", table);
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW &&
        sqlite3_column_type(s, 0) != SQLITE_NULL) {
        double lo = (double)sqlite3_column_int64(s, 0);
        double hi = (double)sqlite3_column_int64(s, 1);
        all = hi <= lo || ((hi - (double)since) / (hi - lo)) > 0.2;
    }
    sqlite3_finalize(s);
    return all;
}

static int open_db(const char *path, sqlite3 **db_r, char *err, size_t errsize)
{
    if (sqlite3_open_v2(path, db_r, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK) {
        snprintf(err, errsize, "%s: %s", path,
                 *db_r ? sqlite3_errmsg(*db_r) : "cannot open");
        sqlite3_close(*db_r);
        *db_r = NULL;
        return -1;
    }
    sqlite3_busy_timeout(*db_r, 10000);
    /* a scan reads the file once: map it rather than copy it page by page
     * (a quarter of the time of a report over 10 million events) */
    (void)sqlite3_exec(*db_r,
                       "PRAGMA mmap_size = 68719476736;"
                       " PRAGMA cache_size = -65536",
                       NULL, NULL, NULL);
    return 0;
}

/* ------------------------------------------------------ parallel scans */

/* The events are scanned in two halves by rowid, each on its own thread
 * and connection into its own fold, then merged: a report over 10 million
 * events takes half the time on two cores. */
struct scan {
    const char *path;
    struct report_data d;
    struct rpt_fold f;
    bool outbound; /* this scan also reads the outbound messages */
    int all;       /* full scans rather than the index on "at" */
    int rc;
    char err[256];
};

static int fold_init(struct rpt_fold *f, struct report_data *d)
{
    f->d = d;
    d->providers = calloc(RPT_MAX_PROVIDERS + 1, sizeof *d->providers);
    f->prov_index = malloc(PROV_SLOTS * sizeof *f->prov_index);
    f->prov_reason = calloc(RPT_MAX_PROVIDERS + 1, sizeof *f->prov_reason);
    f->auth_index = malloc(AUTH_SLOTS * sizeof *f->auth_index);
    if (d->providers == NULL || f->prov_index == NULL ||
        f->prov_reason == NULL || f->auth_index == NULL)
        return -1;
    memset(f->prov_index, -1, PROV_SLOTS * sizeof *f->prov_index);
    memset(f->auth_index, -1, AUTH_SLOTS * sizeof *f->auth_index);
    return 0;
}

static void fold_free(struct rpt_fold *f)
{
    free(f->prov_index);
    free(f->prov_reason);
    free(f->auth_index);
    f->prov_index = NULL;
    f->prov_reason = NULL;
    f->auth_index = NULL;
}

static void *scan_run(void *arg)
{
    struct scan *sc = arg;
    sqlite3 *db = NULL;

    sc->rc = -1;
    if (open_db(sc->path, &db, sc->err, sizeof sc->err) != 0)
        return NULL;
    if (run(db, "BEGIN", &sc->f, NULL, sc->err, sizeof sc->err) == 0 &&
        (!sc->outbound ||
         run(db, q_outbound[scan_all(db, "outbound", sc->d.since)], &sc->f,
             fold_outbound, sc->err, sizeof sc->err) == 0) &&
        run(db, q_events[sc->all], &sc->f, fold_event, sc->err,
            sizeof sc->err) == 0)
        sc->rc = 0;
    sqlite3_close(db);
    return NULL;
}

static void add_points(unsigned long long *dst, const unsigned long long *src,
                       size_t n)
{
    for (size_t i = 0; i < n; i++)
        dst[i] += src[i];
}

/* Adds what SRC counted into DST (names matched; reasons remapped). */
static void merge(struct rpt_fold *dst, const struct rpt_fold *src)
{
    struct report_data *d = dst->d;
    const struct report_data *s = src->d;
    size_t map[RPT_MAX_REASONS];
    unsigned long long auth_total = d->auth_total + s->auth_total;

    for (size_t i = 0; i <= RPT_MAX_DOMAINS; i++) {
        const struct rpt_domain *m = &s->domains[i];
        if (i >= s->ndomains && (i < RPT_MAX_DOMAINS || !m->name[0]))
            continue;
        struct rpt_domain *t = domain_slot(d, m->name);
        t->sent += m->sent;
        for (int b = 0; b < RPT_NBUCKETS; b++)
            t->fail[b] += m->fail[b];
        add_points(t->sent_at, m->sent_at, d->npoints);
        add_points(t->hard_at, m->hard_at, d->npoints);
    }
    for (size_t r = 0; r < s->nreasons; r++) {
        map[r] = reason_slot(d->reasons, &d->nreasons, s->reasons[r].name,
                             s->reasons[r].bucket);
        d->reasons[map[r]].n += s->reasons[r].n;
    }
    for (size_t i = 0; i <= RPT_MAX_PROVIDERS; i++) {
        const struct rpt_provider *p = &s->providers[i];
        if (i >= s->nproviders && (i < RPT_MAX_PROVIDERS || !p->name[0]))
            continue;
        size_t t = provider_slot(dst, p->name);
        for (int b = 0; b < RPT_NBUCKETS; b++)
            d->providers[t].fail[b] += p->fail[b];
        for (size_t r = 0; r < s->nreasons; r++)
            dst->prov_reason[t][map[r]] += src->prov_reason[i][r];
    }
    for (size_t i = 0; i < s->nauth; i++)
        auth_add(dst, s->auth[i].reason, s->auth[i].domain, s->auth[i].provider,
                 s->auth[i].n);
    d->auth_total = auth_total;
    d->events += s->events;
}

/* The rowid half-way through the events, or -1 when there is one scan. */
static long long events_middle(sqlite3 *db, int all)
{
    sqlite3_stmt *s = NULL;
    long long mid = -1;

    if (all &&
        sqlite3_prepare_v2(db,
                           "SELECT min(rowid), max(rowid) FROM "
                           "events",
                           -1, &s, NULL) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW &&
        sqlite3_column_int64(s, 1) - sqlite3_column_int64(s, 0) > 100000)
        mid = (sqlite3_column_int64(s, 0) + sqlite3_column_int64(s, 1)) / 2;
    sqlite3_finalize(s);
    return mid;
}

static void scan_setup(struct scan *sc, const char *path,
                       const struct report_data *d, bool outbound, int all,
                       long long lo, long long hi)
{
    memset(sc, 0, sizeof *sc);
    sc->path = path;
    sc->d.since = d->since;
    sc->d.now = d->now;
    sc->d.step = d->step;
    sc->d.npoints = d->npoints;
    sc->d.domain_filter = d->domain_filter;
    sc->outbound = outbound;
    sc->all = all;
    sc->f.rowid_lo = lo;
    sc->f.rowid_hi = hi;
}

/* Scans the events (in two threads when worth it) and the outbound
 * messages into *f; 0 or -1 with err. */
static int scan_events(sqlite3 *db, const char *path, struct rpt_fold *f,
                       char *err, size_t errsize)
{
    int all = scan_all(db, "events", f->d->since);
    long long mid = events_middle(db, all);
    struct scan *half = NULL;
    pthread_t th;
    bool threaded = false;
    int rc = -1;

    f->rowid_lo = INT64_MIN;
    f->rowid_hi = mid >= 0 ? mid : INT64_MAX;
    if (mid >= 0 && (half = malloc(sizeof *half)) != NULL) {
        scan_setup(half, path, f->d, false, all, mid, INT64_MAX);
        threaded = fold_init(&half->f, &half->d) == 0 &&
                   pthread_create(&th, NULL, scan_run, half) == 0;
    }
    if (mid >= 0 && !threaded)
        f->rowid_hi = INT64_MAX; /* one scan after all */
    if (run(db, q_outbound[scan_all(db, "outbound", f->d->since)], f,
            fold_outbound, err, errsize) == 0 &&
        run(db, q_events[all], f, fold_event, err, errsize) == 0)
        rc = 0;
    if (threaded) {
        pthread_join(th, NULL);
        if (half->rc != 0 && rc == 0) {
            snprintf(err, errsize, "%s", half->err);
            rc = -1;
        }
        if (rc == 0)
            merge(f, &half->f);
    }
    if (half != NULL) {
        fold_free(&half->f);
        report_data_free(&half->d);
        free(half);
    }
    return rc;
}

/* Clears d and sets the span of a report over [since, now). */
static void report_data_init(struct report_data *d, long long since,
                             long long now, const char *domain)
{
    memset(d, 0, sizeof *d);
    d->since = since;
    d->now = now > since ? now : since + 1;
    d->step = pick_step(d->now - d->since);
    d->npoints = (size_t)((d->now - d->since + d->step - 1) / d->step);
    d->domain_filter = domain;
    d->warn = RPT_WARN;
    d->crit = RPT_CRIT;
}

int report_query(const char *path, long long since, long long now,
                 const char *domain, struct report_data *d, char *err,
                 size_t errsize)
{
    struct rpt_fold f;
    sqlite3 *db = NULL;
    int rc = -1;

    memset(&f, 0, sizeof f);
    report_data_init(d, since, now, domain);
    if (fold_init(&f, d) != 0) {
        snprintf(err, errsize, "out of memory");
        goto out;
    }
    if (open_db(path, &db, err, errsize) != 0)
        goto out;
    if (run(db, "BEGIN", &f, NULL, err, errsize) != 0 ||
        scan_events(db, path, &f, err, errsize) != 0 ||
        run(db, q_suppressions, &f, fold_suppression, err, errsize) != 0)
        goto out;
    top_reasons(&f);
    report_sort(d);
    rc = 0;
out:
    sqlite3_close(db);
    fold_free(&f);
    return rc;
}

struct rpt_fold *report_fold_begin(long long since, long long now,
                                   const char *domain, struct report_data *d)
{
    struct rpt_fold *f = calloc(1, sizeof *f);

    report_data_init(d, since, now, domain);
    if (f != NULL && fold_init(f, d) == 0)
        return f;
    if (f != NULL)
        fold_free(f);
    free(f);
    report_data_free(d);
    return NULL;
}

void report_fold_end(struct rpt_fold *f, bool complete)
{
    if (complete) {
        top_reasons(f);
        report_sort(f->d);
    }
    fold_free(f);
    free(f);
}

void report_data_free(struct report_data *d)
{
    free(d->providers);
    d->providers = NULL;
}

/* ---------------------------------------------------------------- order */

static unsigned long long total(const unsigned long long *v)
{
    return v[RPT_HARD] + v[RPT_SOFT] + v[RPT_SENDER];
}

static int cmp_domain(const void *a, const void *b)
{
    const struct rpt_domain *x = a, *y = b;
    unsigned long long kx = x->sent + total(x->fail);
    unsigned long long ky = y->sent + total(y->fail);

    return kx != ky ? (kx > ky ? -1 : 1) : strcmp(x->name, y->name);
}

static int cmp_provider(const void *a, const void *b)
{
    const struct rpt_provider *x = a, *y = b;
    unsigned long long kx = total(x->fail), ky = total(y->fail);

    return kx != ky ? (kx > ky ? -1 : 1) : strcmp(x->name, y->name);
}

static int cmp_reason(const void *a, const void *b)
{
    const struct rpt_reason *x = a, *y = b;

    return x->n != y->n ? (x->n > y->n ? -1 : 1) : strcmp(x->name, y->name);
}

static int cmp_auth(const void *a, const void *b)
{
    const struct rpt_auth *x = a, *y = b;

    return x->n != y->n ? (x->n > y->n ? -1 : 1)
                        : strcmp(x->provider, y->provider);
}

void report_sort(struct report_data *d)
{
    /* "(other)" stays last: it is outside the sorted range */
    qsort(d->domains, d->ndomains, sizeof *d->domains, cmp_domain);
    if (d->domains[RPT_MAX_DOMAINS].name[0] != '\0')
        d->domains[d->ndomains++] = d->domains[RPT_MAX_DOMAINS];
    qsort(d->providers, d->nproviders, sizeof *d->providers, cmp_provider);
    if (d->providers[RPT_MAX_PROVIDERS].name[0] != '\0')
        d->providers[d->nproviders++] = d->providers[RPT_MAX_PROVIDERS];
    qsort(d->reasons, d->nreasons, sizeof *d->reasons, cmp_reason);
    qsort(d->supp_reasons, d->nsupp_reasons, sizeof *d->supp_reasons,
          cmp_reason);
    qsort(d->auth, d->nauth, sizeof *d->auth, cmp_auth);
}
