/*
 * store.c - the store's front: the bounded queue, the writer thread with its
 * group commits and policy loop, the reader pool, and the dispatch to the
 * configured backend (store.h, store_backend.h).
 */
#include "config.h"

#include "store/store.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "metrics/metrics.h"
#include "store/store_backend.h"
#include "store/store_spool.h"

#define STORE_READERS 4
#define BACKOFF_MIN_MS 100
#define BACKOFF_MAX_MS 5000
#define CLOSE_RETRIES 3

static const struct store_backend *const backends[] = {
    &store_backend_sqlite,
#ifdef HAVE_POSTGRESQL
    &store_backend_pgsql,
#endif
};

struct reader {
    pthread_mutex_t lock;
    struct store_db *db;
    struct timespec retry_at; /* no reconnect before (store down) */
};

#define READER_RETRY_MS 1000

struct store {
    struct store_settings set; /* strings owned */
    struct policy_settings policy;
    enum addr_local_part lp;
    const struct store_backend *be;
    struct store_db *writer_db;
    struct reader readers[STORE_READERS];
    struct store_spool *spool; /* NULL: no spool */
    struct store_uuid_gen uuids;

    pthread_mutex_t lock; /* everything below */
    pthread_cond_t wake;  /* the writer: work to do */
    pthread_cond_t done;  /* flushers and expire callers */
    struct store_item *head, *tail;
    size_t queued;
    unsigned long long seq_enq, seq_done;
    unsigned flush_waiters; /* threads in store_flush() */
    bool gathered;          /* the writer waited for this batch already */
    bool stop;
    long long expire_req; /* 0: none */
    long long expire_result;
    unsigned long long expire_gen;
    struct store_health health;
    pthread_t writer;
    bool writer_started;
};

static void items_free(struct store_item *it)
{
    while (it != NULL) {
        struct store_item *next = it->next;
        free(it);
        it = next;
    }
}

/* Appends an item to the queue, which takes it: 0, or -1 when it is NULL
 * (its allocation failed) or would pass queue_max (then it is freed). */
static int enqueue(struct store *st, struct store_item *it)
{
    bool ok;

    if (it == NULL)
        return -1;
    pthread_mutex_lock(&st->lock);
    ok = !st->stop && st->queued < (size_t)st->set.queue_max;
    if (ok) {
        it->seq = ++st->seq_enq;
        if (st->tail)
            st->tail->next = it;
        else
            st->head = it;
        st->tail = it;
        st->queued++;
        if (st->queued == 1 || st->queued >= (size_t)st->set.batch_max)
            pthread_cond_signal(&st->wake);
    } else {
        st->health.dropped++;
        metrics_inc(METRIC_STORE_ERRORS, MOP_WRITE, 0);
    }
    pthread_mutex_unlock(&st->lock);
    if (!ok)
        free(it);
    return ok ? 0 : -1;
}

int store_record(struct store *st, const struct store_event *ev)
{
    char key[ADDR_MAX + 1], uuid[33];
    const char *why;
    size_t len = ev->recipient ? strlen(ev->recipient) : 0;

    if (addr_normalize(ev->recipient, len, st->lp, ADDR_ALLOW_DOMAIN, key,
                       sizeof key, &why) < 0)
        return -1;
    store_uuid_make(&st->uuids, uuid);
    return enqueue(st, store_item_event(ev, key, uuid));
}

int store_track_outbound(struct store *st, const struct outbound_msg *m)
{
    size_t total = 1;
    char *joined, *p, uuid[33];
    struct store_item *it;

    for (size_t i = 0; i < m->nrecipients; i++)
        total += strlen(m->recipients[i]) + 1;
    joined = malloc(total);
    if (joined == NULL)
        return -1;
    p = joined;
    *p = '\0';
    for (size_t i = 0; i < m->nrecipients; i++) {
        size_t n = strlen(m->recipients[i]);
        if (i > 0)
            *p++ = '\n';
        memcpy(p, m->recipients[i], n + 1);
        p += n;
    }
    store_uuid_make(&st->uuids, uuid);
    it = store_item_outbound(m, joined, uuid);
    free(joined);
    return enqueue(st, it);
}

int store_outbound_message_id(struct store *st, const char *queue_id,
                              const char *message_id, long long when)
{
    struct outbound_msg m;
    struct store_item *it;
    char uuid[33];

    if (queue_id == NULL || *queue_id == '\0' || message_id == NULL ||
        *message_id == '\0')
        return -1;
    memset(&m, 0, sizeof m);
    m.queue_id = queue_id;
    m.message_id = message_id;
    m.when = when;
    store_uuid_make(&st->uuids, uuid);
    it = store_item_outbound(&m, NULL, uuid);
    if (it != NULL)
        it->kind = ITEM_OUTBOUND_MID;
    return enqueue(st, it);
}

/* ------------------------------------------------------- policy loop */

static enum policy_kind event_kind(const struct store_event *ev)
{
    const char *a = ev->action;

    if (a != NULL && strcmp(a, STORE_ACTION_ADD) == 0)
        return POLICY_EVENT_ADD;
    if (a != NULL && strcmp(a, STORE_ACTION_REMOVE) == 0)
        return POLICY_EVENT_REMOVE;
    if (a != NULL && (strcmp(a, "delivered") == 0 ||
                      strcmp(a, "relayed") == 0 || strcmp(a, "expanded") == 0))
        return POLICY_EVENT_SUCCESS;
    return POLICY_EVENT_FAILURE;
}

bool store_success_quiet(const struct store_item *it, enum policy_action a,
                         const struct policy_state *old,
                         const struct policy_state *st)
{
    return a == POLICY_NONE && event_kind(&it->ev) == POLICY_EVENT_SUCCESS &&
           !old->suppressed && !st->suppressed && old->soft_count == 0 &&
           st->soft_count == 0 && old->soft_first == st->soft_first &&
           old->soft_last == st->soft_last &&
           old->removed_at == st->removed_at && old->expires == st->expires;
}

/* Decides on one key; returns the action or -1.  *quiet_r: the event was
 * a success that changed nothing worth writing (store_success_quiet). */
static int decide_key(struct store *st, const char *key,
                      const struct policy_input *in,
                      const struct store_item *it, long long now, bool *quiet_r,
                      char *err, size_t errsize)
{
    struct policy_state old, cur;
    enum policy_action a;

    memset(&old, 0, sizeof old);
    if (st->be->state_load(st->writer_db, key, &old, err, errsize) < 0)
        return -1;
    cur = old;
    a = policy_decide(&st->policy, in, &cur, now);
    metrics_policy_action((int)a);
    if (st->be->state_save(st->writer_db, key, &old, &cur, a, it, err,
                           errsize) < 0)
        return -1;
    *quiet_r = store_success_quiet(it, a, &old, &cur);
    return (int)a;
}

static void make_input(const struct store_item *it, struct policy_input *in)
{
    const struct store_event *ev = &it->ev;
    bool manual = ev->source == SRC_MANUAL || ev->source == SRC_IMPORT;

    memset(in, 0, sizeof *in);
    in->when = ev->when;
    in->kind = event_kind(ev);
    in->bucket = ev->bucket;
    in->reason = ev->reason;
    in->credible = ev->credible || manual;
    in->expires = ev->expires;
    if (!manual &&
        (in->kind == POLICY_EVENT_ADD || in->kind == POLICY_EVENT_REMOVE))
        in->kind = POLICY_EVENT_FAILURE; /* only admins add and remove */
}

static int apply_event(struct store *st, const struct store_item *it,
                       long long now, char *err, size_t errsize)
{
    struct policy_input in;
    bool quiet, dquiet;
    int a, ins;

    make_input(it, &in);
    a = decide_key(st, it->key, &in, it, now, &quiet, err, errsize);
    if (a < 0)
        return -1;
    if (policy_domain_level(&st->policy, &in) &&
        decide_key(st, addr_domain(it->key), &in, it, now, &dquiet, err,
                   errsize) < 0)
        return -1;
    if (quiet)
        return 0; /* a delivery to a recipient with no history to change */
    ins = st->be->event_insert(st->writer_db, it,
                               policy_action_name((enum policy_action)a), err,
                               errsize);
    return ins < 0 ? -1 : 0;
}

/* Tells a backend that can prefetch (PostgreSQL) every key the batch will
 * decide on: each event's address and, for domain-level events, its
 * domain. */
static int prefetch(struct store *st, const struct store_item *it, size_t n,
                    char *err, size_t errsize)
{
    const char **keys = malloc(2 * n * sizeof *keys);
    size_t k = 0;
    int rc;

    if (keys == NULL) {
        snprintf(err, errsize, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < n && it != NULL; i++, it = it->next) {
        struct policy_input in;
        if (it->kind != ITEM_EVENT)
            continue;
        keys[k++] = it->key;
        make_input(it, &in);
        if (policy_domain_level(&st->policy, &in))
            keys[k++] = addr_domain(it->key);
    }
    rc = st->be->prefetch(st->writer_db, keys, k, err, errsize);
    free(keys);
    return rc;
}

/* Applies a chain of N items as one transaction. */
int store_apply_chain(struct store *st, const struct store_item *it, size_t n,
                      bool check_seen, char *err, size_t errsize)
{
    long long now = (long long)time(NULL);

    if (st->be->begin(st->writer_db, err, errsize) < 0)
        return -1;
    if (!check_seen && st->be->prefetch != NULL &&
        prefetch(st, it, n, err, errsize) < 0) {
        st->be->rollback(st->writer_db);
        return -1;
    }
    for (size_t i = 0; i < n && it != NULL; i++, it = it->next) {
        int rc;
        if (it->kind == ITEM_OUTBOUND)
            rc = st->be->outbound_insert(st->writer_db, it, err, errsize);
        else if (it->kind == ITEM_OUTBOUND_MID)
            rc = st->be->outbound_message_id(st->writer_db, it, err, errsize);
        else if (!check_seen ||
                 (rc = st->be->event_seen(st->writer_db, it->uuid, err,
                                          errsize)) == 0)
            rc = apply_event(st, it, now, err, errsize);
        else if (rc == 1)
            rc = 0; /* replayed: applied before */
        if (rc < 0) {
            st->be->rollback(st->writer_db);
            return -1;
        }
    }
    return st->be->commit(st->writer_db, err, errsize);
}

/* ------------------------------------------------------------- writer */

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

static void note_failure(struct store *st, const char *err)
{
    pthread_mutex_lock(&st->lock);
    st->health.failed_commits++;
    if (!st->health.failing || strcmp(st->health.last_error, err) != 0)
        log_error(NULL,
                  "store: %s commit failed, %zu decisions kept in "
                  "memory: %s",
                  st->be->name, st->queued, err);
    st->health.failing = true;
    store_copy(st->health.last_error, sizeof st->health.last_error, err);
    pthread_mutex_unlock(&st->lock);
}

/* Removes the first N items (committed) and wakes the flushers. */
static void dequeue(struct store *st, size_t n)
{
    struct store_item *chain = st->head, *last = NULL;

    for (size_t i = 0; i < n; i++) {
        last = st->head;
        st->head = st->head->next;
    }
    if (st->head == NULL)
        st->tail = NULL;
    st->seq_done = last->seq;
    st->queued -= n;
    st->health.committed += n;
    if (st->health.failing)
        log_notice(NULL, "store: %s commits again", st->be->name);
    st->health.failing = false;
    last->next = NULL;
    pthread_cond_broadcast(&st->done);
    pthread_mutex_unlock(&st->lock);
    items_free(chain);
    pthread_mutex_lock(&st->lock);
}

/* Commits one batch (directly or into the spool); 0 or -1. */
static int write_batch(struct store *st, const struct store_item *head,
                       size_t n)
{
    char err[256] = "";
    double t0 = metrics_now();
    int rc;

    if (st->spool != NULL && store_spool_pending(st->spool) &&
        store_spool_replay(st->spool, st, (size_t)st->set.batch_max, err,
                           sizeof err) < 0)
        rc = store_spool_append(st->spool, head, n, err, sizeof err);
    /* a retry may follow a commit whose outcome was unknown */
    else if (store_apply_chain(st, head, n, st->health.failing, err,
                               sizeof err) == 0)
        rc = 0;
    else if (st->spool != NULL) {
        log_warning(NULL,
                    "store: %s unavailable (%s): spooling %zu "
                    "decisions",
                    st->be->name, err, n);
        rc = store_spool_append(st->spool, head, n, err, sizeof err);
    } else
        rc = -1;
    if (rc < 0)
        note_failure(st, err);
    metrics_observe(METRIC_STORE_WRITE_SECONDS, metrics_now() - t0);
    return rc;
}

static void run_expire(struct store *st, long long now)
{
    char err[256] = "";
    long long n = st->be->expire(st->writer_db, &st->set, now, err, sizeof err);

    if (n < 0)
        log_error(NULL, "store: expiry failed: %s", err);
    else if (n > 0)
        log_info(NULL, "store: %lld suppressions expired", n);
    if (n > 0)
        metrics_add(METRIC_SUPPRESSIONS, MCHANGE_EXPIRED, 0,
                    (unsigned long long)n);
    pthread_mutex_lock(&st->lock);
    st->expire_result = n;
    st->expire_gen++;
    pthread_cond_broadcast(&st->done);
    pthread_mutex_unlock(&st->lock);
}

/* Lets a small batch grow for up to batch_delay_ms, unless someone waits
 * in store_flush() or the store closes.  Called and returns locked; true
 * when it waited (the caller looks at the queue again). */
static bool gather(struct store *st)
{
    struct timespec until;
    long long ms = st->set.batch_delay_ms;

    if (ms <= 0 || st->stop || st->flush_waiters > 0 ||
        st->queued >= (size_t)st->set.batch_max || st->gathered)
        return st->gathered = false;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += ms / 1000;
    until.tv_nsec += (ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L)
        until.tv_sec++, until.tv_nsec -= 1000000000L;
    pthread_cond_timedwait(&st->wake, &st->lock, &until);
    return st->gathered = true;
}

/* Replays the spool while there is nothing else to do; true when done. */
static bool replay_idle(struct store *st)
{
    char err[256] = "";

    if (store_spool_replay(st->spool, st, (size_t)st->set.batch_max, err,
                           sizeof err) == 0)
        return true;
    log_debug(NULL, "store: spool replay postponed: %s", err);
    return false;
}

static void *writer_main(void *arg)
{
    struct store *st = arg;
    long backoff = BACKOFF_MIN_MS;
    int close_tries = 0;
    long long next_expire = (long long)time(NULL) + st->set.expire_interval;

    pthread_mutex_lock(&st->lock);
    for (;;) {
        struct timespec until;
        long long now = (long long)time(NULL), req;

        if (st->expire_req != 0 || now >= next_expire) {
            req = st->expire_req ? st->expire_req : now;
            st->expire_req = 0;
            pthread_mutex_unlock(&st->lock);
            run_expire(st, req);
            next_expire = now + st->set.expire_interval;
            pthread_mutex_lock(&st->lock);
            continue;
        }
        if (st->head == NULL) {
            if (st->spool != NULL && store_spool_pending(st->spool)) {
                pthread_mutex_unlock(&st->lock);
                bool done = replay_idle(st);
                pthread_mutex_lock(&st->lock);
                if (!done && st->stop && ++close_tries < CLOSE_RETRIES) {
                    pthread_mutex_unlock(&st->lock);
                    sleep_ms(BACKOFF_MAX_MS / 5);
                    pthread_mutex_lock(&st->lock);
                    continue;
                }
            }
            if (st->stop)
                break;
            clock_gettime(CLOCK_REALTIME, &until);
            until.tv_sec += 1;
            pthread_cond_timedwait(&st->wake, &st->lock, &until);
            continue;
        }
        if (gather(st))
            continue;
        size_t n = st->queued < (size_t)st->set.batch_max
                       ? st->queued
                       : (size_t)st->set.batch_max;
        struct store_item *head = st->head;
        pthread_mutex_unlock(&st->lock);
        int rc = write_batch(st, head, n);
        pthread_mutex_lock(&st->lock);
        if (rc == 0) {
            dequeue(st, n);
            backoff = BACKOFF_MIN_MS;
            continue;
        }
        if (st->stop && ++close_tries >= CLOSE_RETRIES) {
            log_error(NULL, "store: giving up: %zu decisions not written",
                      st->queued);
            break;
        }
        pthread_mutex_unlock(&st->lock);
        sleep_ms(backoff);
        backoff = backoff * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : backoff * 2;
        pthread_mutex_lock(&st->lock);
    }
    pthread_mutex_unlock(&st->lock);
    return NULL;
}

int store_flush(struct store *st, int timeout_ms)
{
    struct timespec until;
    unsigned long long target;
    int rc = 0;

    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += timeout_ms / 1000;
    until.tv_nsec += (timeout_ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L)
        until.tv_sec++, until.tv_nsec -= 1000000000L;
    pthread_mutex_lock(&st->lock);
    target = st->seq_enq;
    st->flush_waiters++;
    pthread_cond_signal(&st->wake); /* no more gathering: someone waits */
    while (st->seq_done < target && rc == 0) {
        if (timeout_ms < 0)
            pthread_cond_wait(&st->done, &st->lock);
        else if (pthread_cond_timedwait(&st->done, &st->lock, &until) ==
                 ETIMEDOUT)
            rc = st->seq_done < target ? -1 : 0;
    }
    st->flush_waiters--;
    pthread_mutex_unlock(&st->lock);
    return rc;
}

long long store_expire(struct store *st, long long now)
{
    unsigned long long gen;
    long long n;

    pthread_mutex_lock(&st->lock);
    gen = st->expire_gen;
    st->expire_req = now > 0 ? now : 1;
    pthread_cond_signal(&st->wake);
    while (st->expire_gen == gen)
        pthread_cond_wait(&st->done, &st->lock);
    n = st->expire_result;
    pthread_mutex_unlock(&st->lock);
    return n;
}

void store_get_health(struct store *st, struct store_health *h_r)
{
    pthread_mutex_lock(&st->lock);
    *h_r = st->health;
    h_r->queued = st->queued;
    h_r->capacity = (size_t)st->set.queue_max;
    pthread_mutex_unlock(&st->lock);
}

/* ------------------------------------------------------------ readers */

/* Opens R's connection, at most once per READER_RETRY_MS while the store
 * is unreachable, so that lookups fail fast (and mail flows) meanwhile. */
static int reader_open(struct store *st, struct reader *r)
{
    struct timespec now;
    char *err = NULL;

    clock_gettime(CLOCK_MONOTONIC, &now);
    if (now.tv_sec < r->retry_at.tv_sec ||
        (now.tv_sec == r->retry_at.tv_sec && now.tv_nsec < r->retry_at.tv_nsec))
        return -1;
    if (st->be->open(&st->set, false, &r->db, &err) == 0)
        return 0;
    log_error(NULL, "store: reader: %s", err ? err : "open failed");
    free(err);
    r->retry_at = now;
    r->retry_at.tv_sec += READER_RETRY_MS / 1000;
    return -1;
}

static struct reader *reader_get(struct store *st)
{
    /* pthread_t is an aligned address: mix before taking the modulus */
    unsigned long long h = (unsigned long long)pthread_self();
    size_t start = (size_t)(((h ^ (h >> 17)) * 0x9e3779b97f4a7c15ULL) >> 40) %
                   STORE_READERS;
    struct reader *r;

    for (size_t i = 0; i < STORE_READERS; i++) {
        r = &st->readers[(start + i) % STORE_READERS];
        if (pthread_mutex_trylock(&r->lock) == 0)
            goto got;
    }
    r = &st->readers[start];
    pthread_mutex_lock(&r->lock);
got:
    if (r->db == NULL && reader_open(st, r) < 0) {
        pthread_mutex_unlock(&r->lock);
        return NULL;
    }
    return r;
}

/* Drops a connection that failed, so the next call reconnects. */
static void reader_put(struct store *st, struct reader *r, int rc)
{
    if (rc < 0)
        st->be->close(&r->db);
    pthread_mutex_unlock(&r->lock);
}

static int norm_key(struct store *st, const char *addr, char *key, size_t size)
{
    const char *why;

    return addr_normalize(addr, addr ? strlen(addr) : 0, st->lp,
                          ADDR_ALLOW_DOMAIN, key, size, &why);
}

int store_lookup(struct store *st, const char *addr, long long now,
                 struct suppression *s_r)
{
    char key[ADDR_MAX + 1];
    struct suppression tmp;
    struct reader *r;
    int rc;

    if (norm_key(st, addr, key, sizeof key) < 0)
        return 0; /* no valid address: nothing suppressed */
    if ((r = reader_get(st)) == NULL)
        return -1;
    if (s_r == NULL)
        s_r = &tmp;
    rc = st->be->lookup(r->db, key, now, s_r);
    if (rc == 0 && !addr_is_domain(key))
        rc = st->be->lookup(r->db, addr_domain(key), now, s_r);
    reader_put(st, r, rc);
    return rc;
}

int store_find_outbound_by(struct store *st,
                           const struct store_outbound_keys *keys,
                           struct outbound_msg *m_r,
                           enum store_outbound_key *by_r)
{
    const char *v[] = {NULL, keys->message_id, keys->queue_id,
                       keys->envelope_id};
    struct reader *r;
    int rc = 0;

    if (by_r != NULL)
        *by_r = STORE_OUT_NONE;
    if ((r = reader_get(st)) == NULL)
        return -1;
    for (size_t k = STORE_OUT_MESSAGE_ID; k < sizeof v / sizeof *v; k++) {
        if (v[k] == NULL || v[k][0] == '\0')
            continue;
        rc =
            st->be->find_outbound(r->db, (enum store_outbound_key)k, v[k],
                                  keys->recipient, m_r);
        if (rc != 0) {
            if (rc == 1 && by_r != NULL)
                *by_r = (enum store_outbound_key)k;
            break;
        }
    }
    reader_put(st, r, rc);
    return rc;
}

int store_find_outbound(struct store *st, const char *message_id,
                        const char *queue_id, struct outbound_msg *m_r)
{
    struct store_outbound_keys k = {message_id, NULL, NULL, NULL};
    struct reader *r;
    int rc = 0;

    if (message_id != NULL && message_id[0] != '\0' &&
        (rc = store_find_outbound_by(st, &k, m_r, NULL)) != 0)
        return rc;
    if (queue_id == NULL || queue_id[0] == '\0')
        return 0;
    if ((r = reader_get(st)) == NULL)
        return -1;
    rc = st->be->find_outbound(r->db, STORE_OUT_LOCAL_QUEUE_ID, queue_id, NULL,
                               m_r);
    reader_put(st, r, rc);
    return rc;
}

int store_list(struct store *st, const struct store_filter *f,
               store_list_cb *cb, void *ctx)
{
    struct reader *r = reader_get(st);
    int rc;

    if (r == NULL)
        return -1;
    rc = st->be->list(r->db, f, cb, ctx);
    reader_put(st, r, rc);
    return rc;
}

int store_history(struct store *st, const char *addr, store_history_cb *cb,
                  void *ctx)
{
    char key[ADDR_MAX + 1];
    struct reader *r;
    int rc;

    if (norm_key(st, addr, key, sizeof key) < 0)
        return -1;
    if ((r = reader_get(st)) == NULL)
        return -1;
    rc = st->be->history(r->db, key, cb, ctx);
    reader_put(st, r, rc);
    return rc;
}

int store_stats(struct store *st, const char *group_by, long long since,
                long long now, store_count_cb *cb, void *ctx)
{
    struct reader *r = reader_get(st);
    int rc;

    if (r == NULL)
        return -1;
    rc = st->be->stats(r->db, group_by, since, now, cb, ctx);
    reader_put(st, r, rc);
    return rc;
}

/* ------------------------------------------------------- open / close */

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

static void free_settings(struct store_settings *s)
{
    free(s->backend);
    free(s->path);
    free(s->conninfo);
    free(s->spool);
    free(s->local_part);
    free(s->instance);
}

/* store.instance, else the host name ("localhost" when it has none). */
static char *instance_name(const char *configured)
{
    char host[256];

    if (configured != NULL)
        return strdup(configured);
    if (gethostname(host, sizeof host) != 0 || host[0] == '\0')
        return strdup("localhost");
    host[sizeof host - 1] = '\0';
    return strdup(host);
}

static int copy_settings(struct store *st, const struct store_settings *set)
{
    st->set = *set;
    st->set.backend = dup_or_null(set->backend ? set->backend : "sqlite");
    st->set.path = dup_or_null(set->path);
    st->set.conninfo = dup_or_null(set->conninfo);
    st->set.spool = dup_or_null(set->spool);
    st->set.local_part = dup_or_null(set->local_part);
    st->set.instance = instance_name(set->instance);
    if (st->set.batch_max <= 0)
        st->set.batch_max = 1000;
    if (st->set.queue_max <= 0)
        st->set.queue_max = 100000;
    if (st->set.expire_interval <= 0)
        st->set.expire_interval = 3600;
    return st->set.backend == NULL || st->set.instance == NULL ? -1 : 0;
}

static char *errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *errorf(const char *fmt, ...)
{
    char buf[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return strdup(buf);
}

static int pick_backend(struct store *st, char **error_r)
{
    for (size_t i = 0; i < sizeof backends / sizeof *backends; i++)
        if (strcmp(backends[i]->name, st->set.backend) == 0 &&
            backends[i]->open != NULL) {
            st->be = backends[i];
            return 0;
        }
    *error_r = errorf("store backend \"%s\" is not built in", st->set.backend);
    return -1;
}

static int start(struct store *st, char **error_r)
{
    if (!addr_local_part_parse(st->set.local_part, &st->lp)) {
        *error_r = errorf("store.local_part: unknown value \"%s\"",
                          st->set.local_part);
        return -1;
    }
    if (pick_backend(st, error_r) < 0 ||
        st->be->open(&st->set, true, &st->writer_db, error_r) < 0)
        return -1;
    if (st->set.spool != NULL && strcmp(st->be->name, "sqlite") != 0 &&
        store_spool_open(st->set.spool, &st->spool, error_r) < 0)
        return -1;
    if (pthread_create(&st->writer, NULL, writer_main, st) != 0) {
        *error_r = errorf("store: cannot start the writer thread");
        return -1;
    }
    st->writer_started = true;
    return 0;
}

int store_open(const struct store_settings *set,
               const struct policy_settings *policy, struct store **store_r,
               char **error_r)
{
    struct store *st = calloc(1, sizeof *st);

    *store_r = NULL;
    if (st == NULL || copy_settings(st, set) < 0) {
        if (st)
            free_settings(&st->set);
        free(st);
        *error_r = errorf("store: out of memory");
        return -1;
    }
    st->policy = *policy;
    store_uuid_init(&st->uuids);
    pthread_mutex_init(&st->lock, NULL);
    pthread_cond_init(&st->wake, NULL);
    pthread_cond_init(&st->done, NULL);
    for (size_t i = 0; i < STORE_READERS; i++)
        pthread_mutex_init(&st->readers[i].lock, NULL);
    if (start(st, error_r) < 0) {
        store_close(&st);
        return -1;
    }
    *store_r = st;
    return 0;
}

void store_close(struct store **stp)
{
    struct store *st = *stp;

    if (st == NULL)
        return;
    *stp = NULL;
    if (st->writer_started) {
        pthread_mutex_lock(&st->lock);
        st->stop = true;
        pthread_cond_signal(&st->wake);
        pthread_mutex_unlock(&st->lock);
        pthread_join(st->writer, NULL);
    }
    items_free(st->head);
    for (size_t i = 0; i < STORE_READERS; i++) {
        if (st->readers[i].db != NULL)
            st->be->close(&st->readers[i].db);
        pthread_mutex_destroy(&st->readers[i].lock);
    }
    if (st->writer_db != NULL)
        st->be->close(&st->writer_db);
    store_spool_close(&st->spool);
    pthread_cond_destroy(&st->wake);
    pthread_cond_destroy(&st->done);
    pthread_mutex_destroy(&st->lock);
    free_settings(&st->set);
    free(st);
}
