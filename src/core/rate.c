/*
 * rate.c - the bounce-rate monitor; see rate.h for the contract.
 *
 * Each scope is an open-addressing hash table (linear probing, twice
 * max_keys slots, never shrinks) of pointers to keys allocated on first
 * use.  A key's rings are indexed by minute (resp. hour) number modulo the
 * ring size; sum[w][k] is kept equal to the sum of the slots inside window
 * w by subtracting each slot as it leaves the window.
 */
#include "core/rate.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MINUTES 60
#define HOURS (7 * 24)
#define DAY_HOURS 24

struct rate_key {
    char name[RATE_KEY_MAX + 1];
    long long minute_now; /* minute number of the newest minute slot */
    long long hour_now;   /* hour number of the newest hour slot */
    uint32_t minute[MINUTES][RATE_NKINDS];
    uint32_t hour[HOURS][RATE_NKINDS];
    unsigned long long sum[RATE_NWINDOWS][RATE_NKINDS];
    enum rate_level level;
};

struct rate_table {
    struct rate_key **slots;
    size_t nslots; /* a power of two */
    size_t used;
};

struct rate_monitor {
    struct rate_settings set;
    struct rate_table scope[RATE_NSCOPES];
    unsigned long long dropped;
};

const char *rate_window_name(enum rate_window w)
{
    static const char *const names[] = {"1h", "24h", "7d"};
    return (unsigned)w < RATE_NWINDOWS ? names[w] : "?";
}

const char *rate_kind_name(enum rate_kind k)
{
    static const char *const names[] = {"sent", "hard", "soft", "sender"};
    return (unsigned)k < RATE_NKINDS ? names[k] : "?";
}

const char *rate_scope_name(enum rate_scope s)
{
    static const char *const names[] = {"domain", "provider"};
    return (unsigned)s < RATE_NSCOPES ? names[s] : "?";
}

const char *rate_level_name(enum rate_level l)
{
    static const char *const names[] = {"ok", "warn", "crit"};
    return (unsigned)l <= RATE_LEVEL_CRIT ? names[l] : "?";
}

void rate_settings_default(struct rate_settings *set)
{
    set->warn = 0.02;
    set->crit = 0.05;
    set->recover = 0.015;
    set->min_volume = 100;
    set->alert_window = RATE_24H;
    set->max_keys = 1000;
}

double rate_ratio(const struct rate_counts *c, enum rate_window w,
                  enum rate_kind kind)
{
    unsigned long long sent = c->n[w][RATE_SENT];

    return sent == 0 ? 0.0 : (double)c->n[w][kind] / (double)sent;
}

/* ------------------------------------------------------------- the table */

static uint64_t rate_hash(const char *key)
{
    uint64_t h = 1469598103934665603ULL;

    for (; *key != '\0'; key++)
        h = (h ^ (unsigned char)*key) * 1099511628211ULL;
    return h;
}

/* Lower-cases KEY into buf (cut at RATE_KEY_MAX); false when empty. */
static bool rate_fold(const char *key, char buf[RATE_KEY_MAX + 1])
{
    size_t i;

    for (i = 0; i < RATE_KEY_MAX && key[i] != '\0'; i++)
        buf[i] = (char)tolower((unsigned char)key[i]);
    buf[i] = '\0';
    return i > 0;
}

/* The slot of NAME: its key, or the empty slot where it would go. */
static struct rate_key **rate_slot(struct rate_table *t, const char *name)
{
    size_t mask = t->nslots - 1;
    size_t i = (size_t)rate_hash(name) & mask;

    while (t->slots[i] != NULL && strcmp(t->slots[i]->name, name) != 0)
        i = (i + 1) & mask;
    return &t->slots[i];
}

static struct rate_key *rate_key_new(const char *name, long long now)
{
    struct rate_key *k = calloc(1, sizeof *k);

    if (k == NULL)
        return NULL;
    memcpy(k->name, name, strlen(name) + 1);
    k->minute_now = now / 60;
    k->hour_now = now / 3600;
    return k;
}

/* ---------------------------------------------------- moving the windows */

static void rate_sub(unsigned long long sum[RATE_NKINDS],
                     const uint32_t slot[RATE_NKINDS])
{
    for (int k = 0; k < RATE_NKINDS; k++)
        sum[k] -= slot[k];
}

static void rate_advance_minutes(struct rate_key *k, long long minute)
{
    long long steps = minute - k->minute_now;

    if (steps <= 0)
        return;
    if (steps >= MINUTES) {
        memset(k->minute, 0, sizeof k->minute);
        memset(k->sum[RATE_1H], 0, sizeof k->sum[RATE_1H]);
    } else {
        for (long long m = k->minute_now + 1; m <= minute; m++) {
            uint32_t *slot = k->minute[m % MINUTES];
            rate_sub(k->sum[RATE_1H], slot);
            memset(slot, 0, sizeof k->minute[0]);
        }
    }
    k->minute_now = minute;
}

static void rate_advance_hours(struct rate_key *k, long long hour)
{
    long long steps = hour - k->hour_now;

    if (steps <= 0)
        return;
    if (steps >= HOURS) {
        memset(k->hour, 0, sizeof k->hour);
        memset(k->sum[RATE_24H], 0, sizeof k->sum[RATE_24H]);
        memset(k->sum[RATE_7D], 0, sizeof k->sum[RATE_7D]);
    } else {
        for (long long h = k->hour_now + 1; h <= hour; h++) {
            /* hour h - 24 leaves the 24 h window (its slot is still
             * intact: it is reused only for hour h + 144) */
            rate_sub(k->sum[RATE_24H], k->hour[(h - DAY_HOURS) % HOURS]);
            uint32_t *slot = k->hour[h % HOURS];
            rate_sub(k->sum[RATE_7D], slot);
            memset(slot, 0, sizeof k->hour[0]);
        }
    }
    k->hour_now = hour;
}

static void rate_advance(struct rate_key *k, long long now)
{
    if (now < 0)
        now = 0;
    rate_advance_minutes(k, now / 60);
    rate_advance_hours(k, now / 3600);
}

static void rate_counts_of(const struct rate_key *k, struct rate_counts *c_r)
{
    memcpy(c_r->n, k->sum, sizeof c_r->n);
}

/* ------------------------------------------------------------ public API */

int rate_monitor_new(const struct rate_settings *set,
                     struct rate_monitor **mon_r, const char **error_r)
{
    struct rate_monitor *mon;
    size_t nslots = 16;

    if (!(set->warn > 0 && set->warn <= set->crit && set->crit <= 1) ||
        !(set->recover >= 0 && set->recover <= set->warn) ||
        set->max_keys == 0 || set->max_keys > 1000000 ||
        (unsigned)set->alert_window >= RATE_NWINDOWS) {
        *error_r = "rate: need 0 <= recover <= warn <= crit <= 1, "
                   "0 < warn, 1..1000000 keys";
        return -1;
    }
    while (nslots < 2 * set->max_keys)
        nslots *= 2;
    if ((mon = calloc(1, sizeof *mon)) == NULL)
        goto nomem;
    mon->set = *set;
    for (int s = 0; s < RATE_NSCOPES; s++) {
        mon->scope[s].nslots = nslots;
        mon->scope[s].slots = calloc(nslots, sizeof *mon->scope[s].slots);
        if (mon->scope[s].slots == NULL)
            goto nomem;
    }
    *mon_r = mon;
    return 0;
nomem:
    rate_monitor_free(&mon);
    *error_r = "rate: out of memory";
    return -1;
}

void rate_monitor_free(struct rate_monitor **mon)
{
    if (*mon == NULL)
        return;
    for (int s = 0; s < RATE_NSCOPES; s++) {
        struct rate_table *t = &(*mon)->scope[s];
        for (size_t i = 0; t->slots != NULL && i < t->nslots; i++)
            free(t->slots[i]);
        free(t->slots);
    }
    free(*mon);
    *mon = NULL;
}

int rate_add(struct rate_monitor *mon, enum rate_scope scope, const char *key,
             enum rate_kind kind, unsigned long n, long long now)
{
    char name[RATE_KEY_MAX + 1];
    struct rate_table *t;
    struct rate_key **slot, *k;

    if ((unsigned)scope >= RATE_NSCOPES || (unsigned)kind >= RATE_NKINDS ||
        key == NULL || !rate_fold(key, name))
        return -1;
    t = &mon->scope[scope];
    slot = rate_slot(t, name);
    if (*slot == NULL) {
        if (t->used >= mon->set.max_keys ||
            (*slot = rate_key_new(name, now)) == NULL) {
            mon->dropped++;
            return -1;
        }
        t->used++;
    }
    k = *slot;
    rate_advance(k, now);
    if (n > UINT32_MAX / 2)
        n = UINT32_MAX / 2; /* one call cannot wrap a slot */
    k->minute[k->minute_now % MINUTES][kind] += (uint32_t)n;
    k->hour[k->hour_now % HOURS][kind] += (uint32_t)n;
    for (int w = 0; w < RATE_NWINDOWS; w++)
        k->sum[w][kind] += n;
    return 0;
}

void rate_get(struct rate_monitor *mon, enum rate_scope scope, const char *key,
              long long now, struct rate_counts *c_r)
{
    char name[RATE_KEY_MAX + 1];
    struct rate_key *k;

    memset(c_r, 0, sizeof *c_r);
    if ((unsigned)scope >= RATE_NSCOPES || key == NULL || !rate_fold(key, name))
        return;
    if ((k = *rate_slot(&mon->scope[scope], name)) == NULL)
        return;
    rate_advance(k, now);
    rate_counts_of(k, c_r);
}

/* Appends K's transitions at NOW to out[*n..max). */
static void rate_eval(const struct rate_settings *set, struct rate_key *k,
                      long long now, struct rate_transition *out, size_t max,
                      size_t *n)
{
    const unsigned long long *sum = k->sum[set->alert_window];
    enum rate_level target;
    bool recover;
    double rate;

    if (sum[RATE_SENT] == 0 || sum[RATE_SENT] < set->min_volume)
        return;
    rate = (double)sum[RATE_HARD] / (double)sum[RATE_SENT];
    target = rate >= set->crit   ? RATE_LEVEL_CRIT
             : rate >= set->warn ? RATE_LEVEL_WARN
                                 : RATE_LEVEL_OK;
    recover = k->level > RATE_LEVEL_OK && rate < set->recover;
    while (*n < max && (target > k->level || recover)) {
        struct rate_transition *tr = &out[(*n)++];
        tr->recovered = recover;
        tr->level = tr->recovered ? RATE_LEVEL_OK : k->level + 1;
        memcpy(tr->domain, k->name, sizeof tr->domain);
        tr->rate = rate;
        tr->sent = sum[RATE_SENT];
        tr->hard = sum[RATE_HARD];
        tr->when = now;
        k->level = tr->level;
        recover = false;
    }
}

size_t rate_check(struct rate_monitor *mon, long long now,
                  struct rate_transition *out, size_t max)
{
    struct rate_table *t = &mon->scope[RATE_DOMAIN];
    size_t n = 0;

    for (size_t i = 0; i < t->nslots && n < max; i++) {
        if (t->slots[i] == NULL)
            continue;
        rate_advance(t->slots[i], now);
        rate_eval(&mon->set, t->slots[i], now, out, max, &n);
    }
    return n;
}

enum rate_level rate_level_of(struct rate_monitor *mon, const char *domain)
{
    char name[RATE_KEY_MAX + 1];
    struct rate_key *k;

    if (domain == NULL || !rate_fold(domain, name))
        return RATE_LEVEL_OK;
    k = *rate_slot(&mon->scope[RATE_DOMAIN], name);
    return k != NULL ? k->level : RATE_LEVEL_OK;
}

int rate_foreach(struct rate_monitor *mon, enum rate_scope scope, long long now,
                 rate_foreach_cb *cb, void *ctx)
{
    struct rate_counts c;
    struct rate_table *t;
    int rc;

    if ((unsigned)scope >= RATE_NSCOPES)
        return 0;
    t = &mon->scope[scope];
    for (size_t i = 0; i < t->nslots; i++) {
        struct rate_key *k = t->slots[i];
        if (k == NULL)
            continue;
        rate_advance(k, now);
        rate_counts_of(k, &c);
        if ((rc = cb(k->name, &c, k->level, ctx)) != 0)
            return rc;
    }
    return 0;
}

size_t rate_keys(const struct rate_monitor *mon, enum rate_scope scope)
{
    return (unsigned)scope < RATE_NSCOPES ? mon->scope[scope].used : 0;
}

unsigned long long rate_dropped(const struct rate_monitor *mon)
{
    return mon->dropped;
}
