/*
 * alert.c - the alert service: submission, the dispatcher thread, sinks.
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
/* Seconds each sink may spend on what is still held back at shutdown. */
#define ALERT_STOP_BUDGET 10

struct alert_sink_inst {
    const struct alert_sink_ops *ops;
    void *state;
};

struct alert_service {
    pthread_mutex_t mu;
    pthread_cond_t wake;    /* events, flush, stop */
    pthread_cond_t flushed; /* a flush finished */
    struct alert_agg *agg;
    struct alert_sink_inst sinks[ALERT_SINKS_MAX];
    size_t nsinks;
    time_t stop_deadline[ALERT_SINKS_MAX]; /* 0: not stopping yet */
    char host[256];
    bool stop;
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

/* Sleeps for a sink's back-off; false when the service is stopping. */
static bool alert_sleep(void *ctx, unsigned seconds)
{
    struct alert_service *svc = ctx;
    struct timespec until;
    bool stopping;

    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += seconds;
    pthread_mutex_lock(&svc->mu);
    while (!svc->stop &&
           pthread_cond_timedwait(&svc->wake, &svc->mu, &until) != ETIMEDOUT)
        ;
    stopping = svc->stop;
    pthread_mutex_unlock(&svc->mu);
    return !stopping;
}

static void alert_deliver(struct alert_service *svc,
                          const struct alert_msg *msg)
{
    struct alert_sink_env env = {svc->host, alert_sleep, svc, 0};
    char subject[512];

    alert_format_subject(msg, subject, sizeof subject);
    pthread_mutex_lock(&svc->mu);
    bool stopping = svc->stop;
    pthread_mutex_unlock(&svc->mu);
    for (size_t i = 0; i < svc->nsinks; i++) {
        const char *err = "unknown error";
        int r = -1;
        if (stopping && svc->stop_deadline[i] == 0)
            svc->stop_deadline[i] = time(NULL) + ALERT_STOP_BUDGET;
        env.deadline = stopping ? svc->stop_deadline[i] : 0;
        if (stopping && time(NULL) >= env.deadline)
            err = "shutdown budget spent";
        else
            r = svc->sinks[i].ops->send(svc->sinks[i].state, &env, msg, &err);
        if (r < 0)
            log_warning(NULL, "alert not delivered by %s: %s: %s",
                        svc->sinks[i].ops->name, err, subject);
        metrics_inc(METRIC_ALERTS, r < 0 ? MALERT_FAILED : MALERT_SENT, 0);
        pthread_mutex_lock(&svc->mu);
        if (r < 0)
            svc->stats.failed++;
        else
            svc->stats.delivered++;
        pthread_mutex_unlock(&svc->mu);
    }
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

static void *alert_dispatcher(void *arg)
{
    struct alert_service *svc = arg;
    struct alert_msg *batch[ALERT_BATCH];

    pthread_mutex_lock(&svc->mu);
    for (;;) {
        unsigned long gen = svc->flush_gen;
        bool flushing = gen != svc->flush_done;
        size_t n = alert_collect(svc, flushing, batch);
        if (n > 0) {
            pthread_mutex_unlock(&svc->mu);
            for (size_t i = 0; i < n; i++) {
                alert_deliver(svc, batch[i]);
                alert_msg_free(&batch[i]);
            }
            pthread_mutex_lock(&svc->mu);
            continue;
        }
        if (flushing) {
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
    snprintf(svc->host, sizeof svc->host, "%s",
             host != NULL && *host != '\0' ? host : "localhost");
    alert_agg_settings_from(set, &aset);
    if (alert_agg_new(&aset, &svc->agg, error_r) < 0 ||
        alert_open_sinks(svc, set, error_r) < 0) {
        alert_service_free(&svc);
        return -1;
    }
    if (pthread_create(&svc->thread, NULL, alert_dispatcher, svc) != 0) {
        *error_r = "cannot start the alert thread";
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
    if (svc->started) {
        pthread_mutex_lock(&svc->mu);
        svc->stop = true;
        svc->flush_gen++;
        pthread_cond_broadcast(&svc->wake);
        pthread_mutex_unlock(&svc->mu);
        pthread_join(svc->thread, NULL);
    }
    for (size_t i = 0; i < svc->nsinks; i++)
        svc->sinks[i].ops->close(&svc->sinks[i].state);
    alert_agg_free(&svc->agg);
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
