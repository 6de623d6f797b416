/*
 * alert.c - the alert service: submission, the dispatcher thread, and a
 * thread and queue per sink.
 */
#include "config.h"

#include "alert/alert.h"

#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alert/alert_format.h"
#include "alert/alert_sink.h"
#include "common/log.h"
#include "metrics/metrics.h"

#define ALERT_SINKS_MAX 8
#define ALERT_BATCH 16
#define ALERT_IDLE_WAIT 60
/* Alerts waiting for one sink at most; more are given up and logged. */
#define ALERT_SINK_QUEUE 64
/* Seconds each sink may spend on what is still held back at shutdown. */
#define ALERT_STOP_BUDGET 10

/* One alert on its way to the sinks: freed by the last one done with it
 * (refs is guarded by the service's mutex). */
struct alert_job {
    struct alert_msg *msg;
    size_t refs;
};

struct alert_service;

/* A sink, its thread and its queue (guarded by the service's mutex). */
struct alert_sink_inst {
    const struct alert_sink_ops *ops;
    void *state;
    struct alert_service *svc;
    pthread_t thread;
    bool started;
    pthread_cond_t work; /* a job queued, or stopping */
    struct alert_job *queue[ALERT_SINK_QUEUE];
    size_t head, n;
    bool busy;            /* a job is being delivered */
    time_t stop_deadline; /* 0: not stopping yet */
};

struct alert_service {
    pthread_mutex_t mu;
    pthread_cond_t wake;    /* events, flush, stop */
    pthread_cond_t flushed; /* a flush finished */
    pthread_cond_t idle;    /* a sink finished a job */
    struct alert_agg *agg;
    struct alert_sink_inst sinks[ALERT_SINKS_MAX];
    size_t nsinks;
    char host[256];
    bool stop;       /* deliver what is left, within the budget */
    bool stop_sinks; /* queues drained: the sink threads end */
    unsigned long flush_gen, flush_done;
    bool started;
    pthread_t thread;
    struct alert_stats stats;
};

void alert_agg_settings_from(const struct alert_settings *set,
                             struct alert_agg_settings *agg_r)
{
    alert_agg_settings_default(agg_r);
    agg_r->window = (time_t)set->window;
    agg_r->hold = (time_t)set->hold;
    agg_r->quiet = (time_t)set->quiet;
    agg_r->samples = (size_t)set->samples;
    agg_r->queue_ids = (size_t)set->queue_ids;
    agg_r->max_incidents = (size_t)set->max_incidents;
    agg_r->sender_rate = (unsigned long)set->sender_rate;
}

/* Sleeps for a sink's back-off; false when the service is stopping.  A
 * job queued for the sink meanwhile does not cut the sleep short. */
static bool alert_sleep(void *ctx, unsigned seconds)
{
    struct alert_sink_inst *s = ctx;
    struct alert_service *svc = s->svc;
    struct timespec until;
    bool stopping;

    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += seconds;
    pthread_mutex_lock(&svc->mu);
    while (!svc->stop &&
           pthread_cond_timedwait(&s->work, &svc->mu, &until) != ETIMEDOUT)
        ;
    stopping = svc->stop;
    pthread_mutex_unlock(&svc->mu);
    return !stopping;
}

/* With the mutex held: one holder of the job lets go of it. */
static void alert_job_release(struct alert_job *job)
{
    if (--job->refs == 0) {
        alert_msg_free(&job->msg);
        free(job);
    }
}

/* With the mutex held: a delivery's outcome, and the sink's hold on the
 * job let go. */
static void alert_done(struct alert_service *svc, struct alert_job *job,
                       bool delivered)
{
    if (delivered)
        svc->stats.delivered++;
    else
        svc->stats.failed++;
    metrics_inc(METRIC_ALERTS, delivered ? MALERT_SENT : MALERT_FAILED, 0);
    alert_job_release(job);
}

/* Hands msg to one sink, without the mutex; deadline is 0, or when the
 * sink's shutdown budget ends.  Returns whether it was delivered. */
static bool alert_deliver(struct alert_sink_inst *s,
                          const struct alert_msg *msg, time_t deadline)
{
    struct alert_sink_env env = {s->svc->host, alert_sleep, s, deadline};
    const char *err = "unknown error";
    char subject[512];
    int r = -1;

    if (deadline != 0 && time(NULL) >= deadline)
        err = "shutdown budget spent";
    else
        r = s->ops->send(s->state, &env, msg, &err);
    if (r < 0) {
        alert_format_subject(msg, subject, sizeof subject);
        log_warning(NULL, "alert not delivered by %s: %s: %s", s->ops->name,
                    err, subject);
    }
    return r == 0;
}

/* A sink's thread: its queue, in order, until the service ends. */
static void *alert_sink_worker(void *arg)
{
    struct alert_sink_inst *s = arg;
    struct alert_service *svc = s->svc;

    pthread_mutex_lock(&svc->mu);
    for (;;) {
        while (s->n == 0 && !svc->stop_sinks)
            pthread_cond_wait(&s->work, &svc->mu);
        if (s->n == 0)
            break;
        struct alert_job *job = s->queue[s->head];
        s->head = (s->head + 1) % ALERT_SINK_QUEUE;
        s->n--;
        s->busy = true;
        if (svc->stop && s->stop_deadline == 0)
            s->stop_deadline = time(NULL) + ALERT_STOP_BUDGET;
        time_t deadline = svc->stop ? s->stop_deadline : 0;
        pthread_mutex_unlock(&svc->mu);
        bool ok = alert_deliver(s, job->msg, deadline);
        pthread_mutex_lock(&svc->mu);
        alert_done(svc, job, ok);
        s->busy = false;
        pthread_cond_broadcast(&svc->idle);
    }
    pthread_mutex_unlock(&svc->mu);
    return NULL;
}

/* With the mutex held: msg (owned from here on) queued for every sink.  A
 * sink whose queue is full does not get it, and that is logged. */
static void alert_enqueue(struct alert_service *svc, struct alert_msg *msg)
{
    struct alert_job *job = calloc(1, sizeof *job);
    char subject[512];

    if (job == NULL) {
        alert_format_subject(msg, subject, sizeof subject);
        log_warning(NULL, "alert not delivered: out of memory: %s", subject);
        svc->stats.failed += svc->nsinks;
        alert_msg_free(&msg);
        return;
    }
    job->msg = msg;
    job->refs = svc->nsinks + 1; /* one held here until every sink has it */
    for (size_t i = 0; i < svc->nsinks; i++) {
        struct alert_sink_inst *s = &svc->sinks[i];
        if (s->n == ALERT_SINK_QUEUE) {
            alert_format_subject(msg, subject, sizeof subject);
            log_warning(NULL,
                        "alert not delivered by %s: %zu alerts wait "
                        "for it already: %s",
                        s->ops->name, s->n, subject);
            alert_done(svc, job, false);
            continue;
        }
        s->queue[(s->head + s->n) % ALERT_SINK_QUEUE] = job;
        s->n++;
        pthread_cond_signal(&s->work);
    }
    alert_job_release(job);
}

/* With the mutex held: what is due now (or everything, when flushing). */
static size_t alert_collect(struct alert_service *svc, bool flushing,
                            struct alert_msg **batch)
{
    time_t now = time(NULL);
    if (flushing)
        return alert_agg_flush(svc->agg, now, batch, ALERT_BATCH);
    return alert_agg_tick(svc->agg, now, batch, ALERT_BATCH);
}

/* With the mutex held: sleep until something may be due. */
static void alert_wait(struct alert_service *svc)
{
    struct timespec until;
    time_t due = alert_agg_next_due(svc->agg);

    clock_gettime(CLOCK_REALTIME, &until);
    if (due == 0 || due > until.tv_sec + ALERT_IDLE_WAIT)
        due = until.tv_sec + ALERT_IDLE_WAIT;
    if (due <= until.tv_sec)
        return;
    until.tv_sec = due;
    until.tv_nsec = 0;
    pthread_cond_timedwait(&svc->wake, &svc->mu, &until);
}

/* With the mutex held: has every sink delivered all it was given? */
static bool alert_sinks_idle(const struct alert_service *svc)
{
    for (size_t i = 0; i < svc->nsinks; i++)
        if (svc->sinks[i].n > 0 || svc->sinks[i].busy)
            return false;
    return true;
}

/* The aggregator's alerts, as they fall due, queued for the sinks; a flush
 * ends when the sinks have delivered (or given up) all of them. */
static void *alert_dispatcher(void *arg)
{
    struct alert_service *svc = arg;
    struct alert_msg *batch[ALERT_BATCH];

    pthread_mutex_lock(&svc->mu);
    for (;;) {
        unsigned long gen = svc->flush_gen;
        bool flushing = gen != svc->flush_done;
        size_t n = alert_collect(svc, flushing, batch);
        for (size_t i = 0; i < n; i++)
            alert_enqueue(svc, batch[i]);
        if (n > 0)
            continue;
        if (flushing) {
            while (!alert_sinks_idle(svc))
                pthread_cond_wait(&svc->idle, &svc->mu);
            svc->flush_done = gen;
            pthread_cond_broadcast(&svc->flushed);
            continue;
        }
        if (svc->stop)
            break;
        alert_wait(svc);
    }
    pthread_mutex_unlock(&svc->mu);
    return NULL;
}

/* Starts every sink's thread; false when one cannot start. */
static bool alert_start_sinks(struct alert_service *svc)
{
    for (size_t i = 0; i < svc->nsinks; i++) {
        struct alert_sink_inst *s = &svc->sinks[i];
        if (pthread_create(&s->thread, NULL, alert_sink_worker, s) != 0)
            return false;
        s->started = true;
    }
    return true;
}

/* Ends the sink threads (their queues are empty by then). */
static void alert_stop_sinks(struct alert_service *svc)
{
    pthread_mutex_lock(&svc->mu);
    svc->stop_sinks = true;
    for (size_t i = 0; i < svc->nsinks; i++)
        pthread_cond_broadcast(&svc->sinks[i].work);
    pthread_mutex_unlock(&svc->mu);
    for (size_t i = 0; i < svc->nsinks; i++)
        if (svc->sinks[i].started)
            pthread_join(svc->sinks[i].thread, NULL);
}
static int alert_open_sinks(struct alert_service *svc,
                            const struct alert_settings *set,
                            const char **error_r)
{
    for (size_t i = 0; i < alert_sinks_count; i++) {
        const struct alert_sink_ops *ops = alert_sinks[i];
        if (!ops->enabled(set))
            continue;
        if (svc->nsinks == ALERT_SINKS_MAX) {
            *error_r = "too many alert sinks";
            return -1;
        }
        if (ops->open(set, &svc->sinks[svc->nsinks].state, error_r) < 0)
            return -1;
        svc->sinks[svc->nsinks].svc = svc;
        svc->sinks[svc->nsinks++].ops = ops;
        log_info(NULL, "alerts: %s sink enabled", ops->name);
    }
    return 0;
}

int alert_service_new(const struct alert_settings *set, const char *host,
                      struct alert_service **svc_r, const char **error_r)
{
    struct alert_service *svc;
    struct alert_agg_settings aset;

    *svc_r = NULL;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        *error_r = "curl_global_init failed";
        return -1;
    }
    if ((svc = calloc(1, sizeof *svc)) == NULL) {
        *error_r = "out of memory";
        return -1;
    }
    pthread_mutex_init(&svc->mu, NULL);
    pthread_cond_init(&svc->wake, NULL);
    pthread_cond_init(&svc->flushed, NULL);
    pthread_cond_init(&svc->idle, NULL);
    for (size_t i = 0; i < ALERT_SINKS_MAX; i++)
        pthread_cond_init(&svc->sinks[i].work, NULL);
    snprintf(svc->host, sizeof svc->host, "%s",
             host != NULL && *host != '\0' ? host : "localhost");
    alert_agg_settings_from(set, &aset);
    if (alert_agg_new(&aset, &svc->agg, error_r) < 0 ||
        alert_open_sinks(svc, set, error_r) < 0) {
        alert_service_free(&svc);
        return -1;
    }
    if (!alert_start_sinks(svc) ||
        pthread_create(&svc->thread, NULL, alert_dispatcher, svc) != 0) {
        *error_r = "cannot start the alert threads";
        alert_service_free(&svc);
        return -1;
    }
    svc->started = true;
    *svc_r = svc;
    return 0;
}

void alert_service_free(struct alert_service **svcp)
{
    struct alert_service *svc = *svcp;
    if (svc == NULL)
        return;
    if (svc->started) { /* what is held back goes out first */
        pthread_mutex_lock(&svc->mu);
        svc->stop = true;
        svc->flush_gen++;
        pthread_cond_broadcast(&svc->wake);
        for (size_t i = 0; i < svc->nsinks; i++)
            pthread_cond_broadcast(&svc->sinks[i].work); /* back-offs */
        pthread_mutex_unlock(&svc->mu);
        pthread_join(svc->thread, NULL);
    }
    alert_stop_sinks(svc);
    for (size_t i = 0; i < svc->nsinks; i++)
        svc->sinks[i].ops->close(&svc->sinks[i].state);
    alert_agg_free(&svc->agg);
    for (size_t i = 0; i < ALERT_SINKS_MAX; i++)
        pthread_cond_destroy(&svc->sinks[i].work);
    pthread_cond_destroy(&svc->idle);
    pthread_cond_destroy(&svc->flushed);
    pthread_cond_destroy(&svc->wake);
    pthread_mutex_destroy(&svc->mu);
    free(svc);
    *svcp = NULL;
}

bool alert_submit(struct alert_service *svc, const struct alert_event *ev)
{
    const char *err = NULL;
    int r;

    if (svc == NULL)
        return true;
    pthread_mutex_lock(&svc->mu);
    svc->stats.submitted++;
    r = alert_agg_add(svc->agg, ev, time(NULL), &err);
    if (r < 0)
        svc->stats.dropped++;
    pthread_cond_signal(&svc->wake);
    pthread_mutex_unlock(&svc->mu);
    metrics_inc(METRIC_ALERTS, MALERT_SUBMITTED, 0);
    if (r < 0) {
        metrics_inc(METRIC_ALERTS, MALERT_DROPPED, 0);
        log_warning(ev->queue_id, "alert event dropped: %s", err);
    }
    return r == 0;
}

bool alert_submit_verdict(struct alert_service *svc, const struct verdict *v,
                          const struct report_rcpt *rr,
                          const char *sender_domain, const char *queue_id)
{
    const char *at = rr->recipient != NULL ? strrchr(rr->recipient, '@') : NULL;
    struct alert_event ev = {
        .kind = v->auth ? ALERT_AUTH_BOUNCE : ALERT_SENDER_BOUNCE,
        .when = time(NULL),
        .sender_domain = sender_domain != NULL ? sender_domain : "",
        .rcpt_domain = at != NULL ? at + 1 : "",
        .reason = v->reason != NULL ? v->reason : "unknown",
        .status = v->status[0] != '\0' ? v->status : NULL,
        .reply_code = v->reply_code,
        .diagnostic = rr->diagnostic,
        .queue_id = queue_id,
        .recipient = rr->recipient,
    };

    if (svc == NULL || (!v->auth && v->bucket != BUCKET_SENDER))
        return false;
    return alert_submit(svc, &ev);
}

void alert_service_flush(struct alert_service *svc)
{
    if (svc == NULL)
        return;
    pthread_mutex_lock(&svc->mu);
    unsigned long gen = ++svc->flush_gen;
    pthread_cond_broadcast(&svc->wake);
    while (svc->flush_done < gen && !svc->stop)
        pthread_cond_wait(&svc->flushed, &svc->mu);
    pthread_mutex_unlock(&svc->mu);
}

void alert_service_stats(struct alert_service *svc, struct alert_stats *st)
{
    memset(st, 0, sizeof *st);
    if (svc == NULL)
        return;
    pthread_mutex_lock(&svc->mu);
    *st = svc->stats;
    st->open = alert_agg_open_count(svc->agg);
    pthread_mutex_unlock(&svc->mu);
}
