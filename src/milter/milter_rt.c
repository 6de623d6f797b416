/*
 * milter_rt.c - the milter's process-wide runtime (see milter_rt.h).
 */
#include "milter/milter_rt.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alert/alert.h"
#include "auth/auth.h"
#include "common/log.h"
#include "common/rulesfile.h"
#include "logfeed/logfeed.h"
#include "metrics/metrics.h"
#include "store/store.h"

/* Deferrals remembered so that a retry of the same message and recipient
 * alerts once (a hash table of this many slots; a collision forgets). */
#define FEED_ALERTED_SLOTS 4096
/* Messages accepted at DATA without the feed learning a Message-ID before
 * a warning: a working feed names one within a tenth of a second. */
#define MRT_IDS_WARN_ACCEPTS 1000

/* A start that keeps failing, retried: the attempts failed since it last
 * succeeded, and the error last logged and when (failure_due()). */
struct failure {
    unsigned long count;
    char *logged_why;
    time_t logged_at;
};

/* The refcount is kept atomic behind the public int of struct mrules. */
#define REFS(mr) ((_Atomic int *)&(mr)->refs_)

static struct {
    pthread_mutex_t mu;
    struct store *store;
    time_t store_tried;        /* last failed store_open */
    struct failure store_fail; /* since the store was last open */
    struct mrules *rules;
    atomic_int busy;  /* callbacks running */
    atomic_bool warm; /* mrt_warm() ran */
    struct alert_service *alerts;
    bool alerts_tried;
    struct auth_ctx *auth;
    bool auth_tried;
    struct logfeed *feed;     /* the delivery-log feed, or NULL */
    atomic_bool feed_on;      /* feed != NULL, read without rt.mu */
    struct failure feed_fail; /* since the feed last started */
    time_t feed_tried;        /* when mrt_tick() last tried to start it */
    /* messages accepted at DATA since the feed last learned a Message-ID
     * (ids_seen: its count then), and whether that was warned about */
    unsigned long long ids_seen;
    unsigned long ids_accepts;
    bool ids_warned;
    struct mrules *feed_rules; /* the rules the feed borrows */
    /* rt.alerts for the feed's thread, which must not take rt.mu (the feed
     * is stopped with rt.mu held); cleared only after the feed stopped */
    _Atomic(struct alert_service *) feed_alerts;
    /* hashes of the (queue id, recipient) deferrals that alerted lately,
     * so a retry does not count again; the feed's thread alone uses it */
    uint64_t feed_alerted[FEED_ALERTED_SLOTS];
} rt = {.mu = PTHREAD_MUTEX_INITIALIZER};

void mrt_rules_unref(struct mrules **mrp)
{
    struct mrules *mr = *mrp;

    *mrp = NULL;
    if (mr != NULL && atomic_fetch_sub(REFS(mr), 1) == 1) {
        classify_rules_free(&mr->rules);
        free(mr);
    }
}

static void rules_warn(void *ctx, const char *message)
{
    (void)ctx;
    log_warning(NULL, "classification rules: %s", message);
}

static struct mrules *rules_load(const struct bg_settings *set, char **error_r)
{
    struct mrules *mr = calloc(1, sizeof *mr);

    if (mr == NULL) {
        *error_r = strdup("out of memory");
        return NULL;
    }
    if (rulesfile_load(&set->classify, &mr->rules, error_r) != 0) {
        free(mr);
        return NULL;
    }
    rulesfile_warnings(&set->classify, mr->rules, rules_warn, NULL);
    atomic_init(REFS(mr), 1);
    metrics_rules_declare(mr->rules);
    return mr;
}

bool mrt_rules_install(const struct bg_settings *set)
{
    char *error = NULL;
    struct mrules *mr = rules_load(set, &error), *old;

    if (mr == NULL) {
        log_error(NULL, "classification rules: %s",
                  error != NULL ? error : "cannot load");
        free(error);
        return false;
    }
    pthread_mutex_lock(&rt.mu);
    old = rt.rules;
    rt.rules = mr;
    pthread_mutex_unlock(&rt.mu);
    mrt_rules_unref(&old);
    struct classify_rules_stats stats;
    char what[160];
    classify_rules_stats(mr->rules, &stats);
    rulesfile_describe(&stats, what, sizeof what);
    log_info(NULL, "classification rules loaded: %zu rules; %s", stats.rules,
             what);
    return true;
}

struct mrules *mrt_rules_ref(const struct bg_settings *set)
{
    struct mrules *mr;

    pthread_mutex_lock(&rt.mu);
    mr = rt.rules;
    if (mr != NULL)
        atomic_fetch_add(REFS(mr), 1);
    pthread_mutex_unlock(&rt.mu);
    if (mr == NULL && set != NULL && mrt_rules_install(set))
        return mrt_rules_ref(NULL);
    return mr;
}

static const char *domain_of(const char *addr)
{
    const char *at = addr != NULL ? strrchr(addr, '@') : NULL;

    return at != NULL ? at + 1 : "";
}

/* FNV-1a over a string, from h. */
static uint64_t fnv1a(uint64_t h, const char *s)
{
    for (; s != NULL && *s != '\0'; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
    return h;
}

/* True the first time (lately) this message and recipient deferred. */
static bool feed_first_deferral(const struct store_event *ev)
{
    uint64_t h = fnv1a(fnv1a(0xcbf29ce484222325ULL, ev->queue_id) ^ '/',
                       ev->recipient);
    uint64_t *slot = &rt.feed_alerted[h % FEED_ALERTED_SLOTS];

    h |= 1; /* never 0, the empty slot */
    if (*slot == h)
        return false;
    *slot = h;
    return true;
}

/* Each event of the delivery-log feed, on its thread.  A deferral is where
 * a receiver's temporary refusal for authentication (4.7.26, 4.7.24, ...)
 * or reputation shows before any DSN, or without one: it alerts like a
 * bounce, once per message and recipient (Postfix logs every retry).  A
 * bounced line does not: the DSN Postfix sends for it passes
 * non_smtpd_milters and alerts there, and would be counted twice. */
static void feed_event(const struct store_event *ev, void *ctx)
{
    struct alert_service *svc = atomic_load(&rt.feed_alerts);
    struct alert_event a;

    (void)ctx;
    if (svc == NULL || ev->action == NULL ||
        strcmp(ev->action, "delayed") != 0 ||
        (!ev->auth && ev->bucket != BUCKET_SENDER) ||
        !feed_first_deferral(ev))
        return;
    memset(&a, 0, sizeof a);
    a.kind = ev->auth ? ALERT_AUTH_BOUNCE : ALERT_SENDER_BOUNCE;
    a.when = time(NULL);
    a.sender_domain = domain_of(ev->sender);
    a.rcpt_domain = domain_of(ev->recipient);
    a.reason = ev->reason != NULL ? ev->reason : "unknown";
    a.status = ev->status;
    a.reply_code = ev->reply_code;
    a.diagnostic = ev->diagnostic;
    a.queue_id = ev->queue_id;
    a.recipient = ev->recipient;
    (void)alert_submit(svc, &a);
}

/* Counts one more failed attempt of f; is it to be logged?  Yes when why
 * is not the error logged last, or when remind (> 0) seconds have passed
 * since (it is then the one logged). */
static bool failure_due(struct failure *f, const char *why, time_t now,
                        time_t remind)
{
    f->count++;
    if (f->logged_why != NULL && strcmp(f->logged_why, why) == 0 &&
        (remind == 0 || now - f->logged_at < remind))
        return false;
    free(f->logged_why);
    f->logged_why = strdup(why);
    f->logged_at = now;
    return true;
}

/* After a success, a reload or at the end: nothing failed yet. */
static void failure_reset(struct failure *f)
{
    free(f->logged_why);
    *f = (struct failure){0};
}

/* Logs why the feed did not start, once for the same reason in a row
 * (mrt_tick() retries it).  Call with rt.mu held. */
static void feed_failed_locked(const char *why)
{
    if (failure_due(&rt.feed_fail, why, time(NULL), 0))
        log_error(NULL, "log feed not started: %s; trying again every %d s",
                  why, MRT_RETRY);
}

/* Starts the delivery-log feed (logfeed.h) on the open store with the
 * current rules, when logfeed.path is set and it does not run yet.  Call
 * with rt.mu held. */
static void feed_start_locked(const struct bg_settings *set)
{
    char *error = NULL;

    if (rt.feed != NULL || rt.store == NULL || set == NULL ||
        set->logfeed.path == NULL || set->logfeed.path[0] == '\0')
        return;
    if (rt.rules == NULL) {
        feed_failed_locked("no classification rules loaded");
        return;
    }
    rt.feed_rules = rt.rules;
    atomic_fetch_add(REFS(rt.feed_rules), 1);
    rt.feed = logfeed_start(&set->logfeed, rt.store, rt.feed_rules->rules,
                            feed_event, NULL, &error);
    if (rt.feed == NULL) {
        feed_failed_locked(error != NULL ? error : "off");
        free(error);
        mrt_rules_unref(&rt.feed_rules);
        return;
    }
    failure_reset(&rt.feed_fail);
    atomic_store(&rt.feed_on, true);
    log_info(NULL, "log feed: following %s", set->logfeed.path);
}

/* Stops the feed and drops its rules.  Call with rt.mu held. */
static void feed_stop_locked(void)
{
    atomic_store(&rt.feed_on, false);
    logfeed_stop(&rt.feed);
    mrt_rules_unref(&rt.feed_rules);
}

void mrt_data_accepted(void)
{
    pthread_mutex_lock(&rt.mu);
    unsigned long long ids = rt.feed != NULL ? logfeed_message_ids(rt.feed) : 0;
    if (ids != rt.ids_seen) {
        if (rt.ids_warned)
            log_notice(NULL, "log feed: Message-IDs are read from the log "
                             "again");
        rt.ids_seen = ids;
        rt.ids_accepts = 0;
        rt.ids_warned = false;
    } else if (++rt.ids_accepts >= MRT_IDS_WARN_ACCEPTS && !rt.ids_warned) {
        rt.ids_warned = true;
        log_warning(NULL,
                    "milter.message_ids = \"logfeed\": %lu outbound "
                    "messages accepted at DATA while the log feed read no "
                    "Message-ID; does its log carry the MTA's cleanup lines "
                    "(message-id=...)?  Until it does, their bounces join "
                    "by queue id or envelope id only",
                    rt.ids_accepts);
    }
    pthread_mutex_unlock(&rt.mu);
}

bool mrt_feed_running(void)
{
    return atomic_load(&rt.feed_on);
}

void mrt_feed_restart(const struct bg_settings *set)
{
    pthread_mutex_lock(&rt.mu);
    feed_stop_locked();
    failure_reset(&rt.feed_fail); /* a reload tells a failure again */
    feed_start_locked(set);
    pthread_mutex_unlock(&rt.mu);
}

/* Logs a failed attempt to open the store: a new error at once, the same
 * one again only after MRT_REMIND seconds, with the count of attempts
 * that failed.  Call with rt.mu held. */
static void store_failed_locked(const struct bg_settings *set, const char *why,
                                time_t now)
{
    const char *on_error = set->milter.on_error;

    if (!failure_due(&rt.store_fail, why, now, MRT_REMIND))
        return;
    const char *mail =
        on_error != NULL && strcmp(on_error, "tempfail") == 0
            ? "outbound recipients are tempfailed (milter.on_error)"
            : "mail is accepted unchecked";
    if (rt.store_fail.count == 1)
        log_error(NULL, "store unavailable: %s; %s; trying again every %d s",
                  why, mail, MRT_RETRY);
    else
        log_error(NULL, "store unavailable: %s; %s; %lu attempts failed so far",
                  why, mail, rt.store_fail.count);
}

/* Call with rt.mu held. */
static void store_open_locked(const struct bg_settings *set)
{
    char *error = NULL;
    time_t now = time(NULL);

    if (rt.store != NULL || set == NULL ||
        (rt.store_tried != 0 && now - rt.store_tried < MRT_RETRY))
        return;
    struct store_settings ss = set->store;
    ss.daemon = true;
    if (store_open(&ss, &set->policy, &rt.store, &error) != 0) {
        rt.store_tried = now;
        store_failed_locked(set, error != NULL ? error : "unknown error", now);
        free(error);
        rt.store = NULL;
        return;
    }
    if (rt.store_fail.count > 0)
        log_info(NULL, "store open: %s, after %lu failed attempts",
                 set->store.backend, rt.store_fail.count);
    else
        log_info(NULL, "store open: %s", set->store.backend);
    failure_reset(&rt.store_fail);
    feed_start_locked(set);
}

struct store *mrt_store(const struct bg_settings *set)
{
    struct store *st;

    pthread_mutex_lock(&rt.mu);
    store_open_locked(set);
    st = rt.store;
    pthread_mutex_unlock(&rt.mu);
    return st;
}

struct alert_service *mrt_alerts(const struct bg_settings *set)
{
    struct alert_service *svc;
    const char *error = NULL;
    char host[256];

    pthread_mutex_lock(&rt.mu);
    if (!rt.alerts_tried && set != NULL) {
        rt.alerts_tried = true;
        if (gethostname(host, sizeof host) != 0)
            snprintf(host, sizeof host, "localhost");
        host[sizeof host - 1] = '\0';
        if (alert_service_new(&set->alerts, host, &rt.alerts, &error) != 0)
            log_error(NULL, "alerts unavailable: %s",
                      error != NULL ? error : "unknown error");
        atomic_store(&rt.feed_alerts, rt.alerts);
    }
    svc = rt.alerts;
    pthread_mutex_unlock(&rt.mu);
    return svc;
}

struct auth_ctx *mrt_auth(const struct bg_settings *set)
{
    struct auth_ctx *ctx;
    const char *error = NULL;

    pthread_mutex_lock(&rt.mu);
    if (!rt.auth_tried && set != NULL &&
        (set->auth.prvs_sign || set->auth.outbound_check ||
         set->auth.inbound_check)) {
        rt.auth_tried = true;
        if (auth_new(&set->auth, &rt.auth, &error) != 0)
            log_error(NULL, "SPF/DKIM checks and prvs unavailable: %s",
                      error != NULL ? error : "unknown error");
    }
    ctx = rt.auth;
    pthread_mutex_unlock(&rt.mu);
    return ctx;
}

void mrt_warm(const struct bg_settings *set)
{
    struct mrules *mr;

    if (atomic_load(&rt.warm) || atomic_exchange(&rt.warm, true))
        return;
    mr = mrt_rules_ref(set);
    mrt_rules_unref(&mr);
    (void)mrt_alerts(set); /* before the store starts the log feed */
    (void)mrt_store(set);
    (void)mrt_auth(set);
}

void mrt_tick(const struct bg_settings *set)
{
    time_t now = time(NULL);

    pthread_mutex_lock(&rt.mu);
    if (atomic_load(&rt.warm)) {
        store_open_locked(set); /* starts the feed when it opens */
        if (rt.feed == NULL && now - rt.feed_tried >= MRT_RETRY) {
            rt.feed_tried = now;
            feed_start_locked(set);
        }
    }
    pthread_mutex_unlock(&rt.mu);
}

void mrt_enter(void)
{
    atomic_fetch_add(&rt.busy, 1);
}

void mrt_leave(void)
{
    atomic_fetch_sub(&rt.busy, 1);
}

int mrt_wait_idle(int wait_ms)
{
    struct timespec tick = {0, 10 * 1000 * 1000};

    for (int waited = 0; atomic_load(&rt.busy) > 0 && waited < wait_ms;
         waited += 10)
        nanosleep(&tick, NULL);
    return atomic_load(&rt.busy);
}

void mrt_close(void)
{
    struct mrules *mr;
    struct store *st;
    struct alert_service *svc;
    struct auth_ctx *auth;

    pthread_mutex_lock(&rt.mu);
    feed_stop_locked(); /* it borrows the store, its rules and the alerts */
    failure_reset(&rt.feed_fail);
    failure_reset(&rt.store_fail);
    atomic_store(&rt.feed_alerts, NULL);
    mr = rt.rules;
    rt.rules = NULL;
    st = rt.store;
    rt.store = NULL;
    svc = rt.alerts;
    rt.alerts = NULL;
    auth = rt.auth;
    rt.auth = NULL;
    pthread_mutex_unlock(&rt.mu);
    alert_service_free(&svc);
    auth_free(&auth);
    mrt_rules_unref(&mr);
    if (st != NULL) {
        if (store_flush(st, 5000) != 0)
            log_warning(NULL, "store: not everything was committed");
        store_close(&st);
    }
}
