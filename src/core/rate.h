/*
 * rate.h - the bounce-rate monitor: recipients sent and hard, soft and
 * sender-side failures per sending domain and per receiving provider, over
 * rolling windows of 1 hour, 24 hours and 7 days, and the alert levels of
 * each sending domain's hard-bounce rate.
 *
 * Counters are kept incrementally: every key holds a ring of 60 one-minute
 * slots (the 1 h window) and a ring of 168 one-hour slots (the 24 h and
 * 7 d windows) plus one running sum per window.  Adding is O(1); moving the
 * clock forward subtracts the slots that leave a window, at most one pass
 * over a ring, never a scan of the history.  Granularity: the 1 h window
 * holds the current minute and the 59 before it, the 24 h window the
 * current hour and the 23 before it, the 7 d window 168 hours likewise.
 *
 * Alerts (sending domains only): the hard rate of settings.alert_window is
 * compared with warn and crit once the window holds at least min_volume
 * recipients sent.  Crossing a level yields one RATE_RAISED transition per
 * level (a jump from below warn to above crit yields two: warn, then crit);
 * a level stays raised until the rate falls below `recover` (under warn),
 * which yields one recovery.  So each level fires once per incident, and a
 * rate that hovers at a threshold does not flap.
 *
 * Keys are case-folded, at most RATE_KEY_MAX bytes (longer ones are cut);
 * each scope holds at most max_keys of them: a new key beyond that is
 * refused (rate_add returns -1, counted in rate_dropped()).
 *
 * Pure: the time is an argument (unix seconds, never going backwards; an
 * older time is treated as the newest seen), no I/O, no globals.  Not
 * thread-safe: the owner serialises calls.  Memory: about 3.7 KiB per key.
 */
#ifndef BG_RATE_H
#define BG_RATE_H

#include <stdbool.h>
#include <stddef.h>

#define RATE_KEY_MAX 255

enum rate_scope {
    RATE_DOMAIN = 0, /* our sending domain (the envelope sender's) */
    RATE_PROVIDER,   /* the receiving provider (recipient's MX or domain) */
    RATE_NSCOPES
};

enum rate_window { RATE_1H = 0, RATE_24H, RATE_7D, RATE_NWINDOWS };

enum rate_kind {
    RATE_SENT = 0, /* recipients sent */
    RATE_HARD,
    RATE_SOFT,
    RATE_SENDER,
    RATE_NKINDS
};

const char *rate_window_name(enum rate_window w); /* "1h", "24h", "7d" */
const char *rate_kind_name(enum rate_kind k);     /* "sent", "hard" ... */
const char *rate_scope_name(enum rate_scope s);   /* "domain" ... */

struct rate_settings {
    double warn;                   /* first level, 0.02 */
    double crit;                   /* second level, 0.05 */
    double recover;                /* back to ok below this, 0.015 */
    unsigned long min_volume;      /* recipients sent before a rate counts */
    enum rate_window alert_window; /* RATE_24H */
    size_t max_keys;               /* per scope */
};
/* 2 %, 5 %, recover 1.5 %, 100 recipients, 24 h, 1000 keys. */
void rate_settings_default(struct rate_settings *set);

/* counts[window][kind] of one key at one time. */
struct rate_counts {
    unsigned long long n[RATE_NWINDOWS][RATE_NKINDS];
};
/* failures of KIND / sent in window W; 0 when nothing was sent. */
double rate_ratio(const struct rate_counts *c, enum rate_window w,
                  enum rate_kind kind);

enum rate_level { RATE_LEVEL_OK = 0, RATE_LEVEL_WARN, RATE_LEVEL_CRIT };
const char *rate_level_name(enum rate_level l); /* "ok", "warn", "crit" */

/* One change of a sending domain's alert state. */
struct rate_transition {
    bool recovered;        /* false: LEVEL was raised */
    enum rate_level level; /* the level raised (or, recovered: OK) */
    char domain[RATE_KEY_MAX + 1];
    double rate;                   /* the hard rate that decided */
    unsigned long long sent, hard; /* in the alert window */
    long long when;
};

struct rate_monitor;

/* Returns 0, or -1 with *error_r (static) on bad settings or no memory. */
int rate_monitor_new(const struct rate_settings *set,
                     struct rate_monitor **mon_r, const char **error_r);
void rate_monitor_free(struct rate_monitor **mon);

/* Counts N events of KIND for KEY at NOW.  Returns 0, or -1 when the key
 * is empty or the scope is full. */
int rate_add(struct rate_monitor *mon, enum rate_scope scope, const char *key,
             enum rate_kind kind, unsigned long n, long long now);

/* Fills *c_r with KEY's counts at NOW (zeros for an unknown key). */
void rate_get(struct rate_monitor *mon, enum rate_scope scope, const char *key,
              long long now, struct rate_counts *c_r);

/* Re-evaluates every sending domain at NOW and writes up to MAX
 * transitions to OUT; returns how many.  Call it again while it returns
 * MAX.  Call it after adds and periodically (recoveries happen as time
 * passes). */
size_t rate_check(struct rate_monitor *mon, long long now,
                  struct rate_transition *out, size_t max);

/* The current alert level of a sending domain. */
enum rate_level rate_level_of(struct rate_monitor *mon, const char *domain);

/* Calls CB for every key of SCOPE with its counts at NOW, in no particular
 * order; a non-zero return stops the walk and is returned. */
typedef int rate_foreach_cb(const char *key, const struct rate_counts *c,
                            enum rate_level level, void *ctx);
int rate_foreach(struct rate_monitor *mon, enum rate_scope scope, long long now,
                 rate_foreach_cb *cb, void *ctx);

/* Keys of SCOPE tracked now. */
size_t rate_keys(const struct rate_monitor *mon, enum rate_scope scope);

/* Keys refused because a scope was full. */
unsigned long long rate_dropped(const struct rate_monitor *mon);

#endif
