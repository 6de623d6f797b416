/*
 * alert_agg.c - alert aggregation by key, window, hold and quiet period.
 */
#include "config.h"

#include "alert/alert_agg.h"

#include <stdlib.h>
#include <string.h>

/* Queue ids past the listed ones remembered, so that a bounce's several
 * recipients, interleaved with other bounces, count its id once. */
#define ALERT_MORE_SEEN 16
#define ALERT_RCPTS_MAX 5

struct alert_incident {
    enum alert_kind kind;
    char *sender_domain, *rcpt_domain, *reason;
    bool active;              /* threshold reached: alerts flow */
    time_t rate_start;        /* start of the threshold window */
    unsigned long rate_count; /* events in that window */
    unsigned long count;      /* events since the incident opened */
    unsigned long alerted;    /* count at the previous alert */
    unsigned long alerts;     /* alerts made */
    time_t first, last, next_alert;
    char *status;
    int reply_code;
    char **samples;
    size_t nsamples;
    char **queue_ids; /* since the previous alert */
    size_t nqueue_ids;
    unsigned long more_queue_ids;
    /* the latest queue ids counted in more_queue_ids, a ring */
    char *more_seen[ALERT_MORE_SEEN];
    size_t more_next;
    char *recipients[ALERT_RCPTS_MAX];
    size_t nrecipients;
};

struct alert_agg {
    struct alert_agg_settings set;
    struct alert_incident **inc;
    size_t ninc;
    unsigned long dropped;
};

const char *alert_kind_name(enum alert_kind kind)
{
    switch (kind) {
    case ALERT_AUTH_BOUNCE:
        return "auth-bounce";
    case ALERT_SENDER_BOUNCE:
        return "sender-bounce";
    case ALERT_OUTBOUND_SPF:
        return "outbound-spf";
    case ALERT_OUTBOUND_DKIM:
        return "outbound-dkim";
    case ALERT_OUTBOUND_DMARC:
        return "outbound-dmarc";
    }
    return "unknown";
}

const char *alert_state_name(enum alert_state state)
{
    switch (state) {
    case ALERT_OPENED:
        return "opened";
    case ALERT_ONGOING:
        return "ongoing";
    case ALERT_RECOVERED:
        return "recovered";
    }
    return "unknown";
}

void alert_agg_settings_default(struct alert_agg_settings *set)
{
    set->window = 15 * 60;
    set->hold = 60;
    set->quiet = 30 * 60;
    set->samples = 3;
    set->queue_ids = 20;
    set->max_incidents = 1000;
    set->sender_rate = 20;
}

static void alert_strv_free(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
}

static void alert_incident_free(struct alert_incident *inc)
{
    free(inc->sender_domain);
    free(inc->rcpt_domain);
    free(inc->reason);
    free(inc->status);
    alert_strv_free(inc->samples, inc->nsamples);
    free(inc->samples);
    alert_strv_free(inc->queue_ids, inc->nqueue_ids);
    free(inc->queue_ids);
    alert_strv_free(inc->more_seen, ALERT_MORE_SEEN);
    alert_strv_free(inc->recipients, inc->nrecipients);
    free(inc);
}

int alert_agg_new(const struct alert_agg_settings *set,
                  struct alert_agg **agg_r, const char **error_r)
{
    struct alert_agg *agg;

    *agg_r = NULL;
    if (set->window <= 0 || set->quiet <= 0 || set->hold < 0 ||
        set->max_incidents == 0) {
        *error_r = "alert window, quiet and max_incidents must be positive";
        return -1;
    }
    if ((agg = calloc(1, sizeof *agg)) == NULL ||
        (agg->inc = calloc(set->max_incidents, sizeof *agg->inc)) == NULL) {
        free(agg);
        *error_r = "out of memory";
        return -1;
    }
    agg->set = *set;
    *agg_r = agg;
    return 0;
}

void alert_agg_free(struct alert_agg **agg)
{
    if (*agg == NULL)
        return;
    for (size_t i = 0; i < (*agg)->ninc; i++)
        alert_incident_free((*agg)->inc[i]);
    free((*agg)->inc);
    free(*agg);
    *agg = NULL;
}

static char alert_clean_char(char c)
{
    return (unsigned char)c < 0x20 || c == 0x7f ? '?' : c;
}

/* Event strings come from bounces (attacker-controlled): copies are cut at
 * ALERT_FIELD_MAX bytes and control characters become '?', so that no
 * sink (mail headers, syslog lines) can be fed a line break. */
#define ALERT_FIELD_MAX 512

static char *alert_dup(const char *s)
{
    size_t len = s != NULL ? strnlen(s, ALERT_FIELD_MAX) : 0;
    char *copy = malloc(len + 1);

    if (copy == NULL)
        return NULL;
    for (size_t i = 0; i < len; i++)
        copy[i] = alert_clean_char(s[i]);
    copy[len] = '\0';
    return copy;
}

/* A stored (cleaned) string against a raw one, as alert_dup would copy
 * it. */
static bool alert_streq(const char *stored, const char *raw)
{
    size_t i = 0;

    raw = raw != NULL ? raw : "";
    for (; i < ALERT_FIELD_MAX && raw[i] != '\0'; i++)
        if (stored[i] != alert_clean_char(raw[i]))
            return false;
    return stored[i] == '\0';
}

/* The incident of an event: of its kind, sending domain, receiving domain
 * and reason; blocklist and reputation bounces, counted against
 * sender_rate, by receiving domain alone (a receiver refusing us says so
 * with several reasons, about several of our domains: the incident names
 * the first). */
static struct alert_incident *alert_agg_find(struct alert_agg *agg,
                                             const struct alert_event *ev)
{
    bool by_receiver = ev->kind == ALERT_SENDER_BOUNCE;

    for (size_t i = 0; i < agg->ninc; i++) {
        struct alert_incident *inc = agg->inc[i];
        if (inc->kind == ev->kind &&
            alert_streq(inc->rcpt_domain, ev->rcpt_domain) &&
            (by_receiver ||
             (alert_streq(inc->sender_domain, ev->sender_domain) &&
              alert_streq(inc->reason, ev->reason))))
            return inc;
    }
    return NULL;
}

static struct alert_incident *alert_incident_new(struct alert_agg *agg,
                                                 const struct alert_event *ev,
                                                 time_t now)
{
    struct alert_incident *inc = calloc(1, sizeof *inc);
    if (inc == NULL)
        return NULL;
    inc->kind = ev->kind;
    inc->sender_domain = alert_dup(ev->sender_domain);
    inc->rcpt_domain = alert_dup(ev->rcpt_domain);
    inc->reason = alert_dup(ev->reason);
    inc->samples = calloc(agg->set.samples + 1, sizeof *inc->samples);
    inc->queue_ids = calloc(agg->set.queue_ids + 1, sizeof *inc->queue_ids);
    if (inc->sender_domain == NULL || inc->rcpt_domain == NULL ||
        inc->reason == NULL || inc->samples == NULL || inc->queue_ids == NULL) {
        alert_incident_free(inc);
        return NULL;
    }
    inc->rate_start = now;
    return inc;
}

/* Is s among v[n]? */
static bool alert_set_has(char *const *v, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (alert_streq(v[i], s))
            return true;
    return false;
}

/* Adds s to the set v[*n] of at most max distinct strings; a full set or a
 * duplicate is not an error. */
static int alert_set_add(char **v, size_t *n, size_t max, const char *s)
{
    if (s == NULL || *s == '\0' || *n >= max || alert_set_has(v, *n, s))
        return 0;
    if ((v[*n] = alert_dup(s)) == NULL)
        return -1;
    (*n)++;
    return 0;
}

/* A queue id past the listed ones is counted once: not when it is listed,
 * nor while it is among the ALERT_MORE_SEEN latest ones counted (a
 * bounce's recipients come close together). */
static int alert_note_more(const struct alert_agg *agg,
                           struct alert_incident *inc, const char *qid)
{
    if (qid == NULL || *qid == '\0' || inc->nqueue_ids < agg->set.queue_ids ||
        alert_set_has(inc->queue_ids, inc->nqueue_ids, qid))
        return 0;
    for (size_t i = 0; i < ALERT_MORE_SEEN; i++)
        if (inc->more_seen[i] != NULL && alert_streq(inc->more_seen[i], qid))
            return 0;
    char *copy = alert_dup(qid);
    if (copy == NULL)
        return -1;
    free(inc->more_seen[inc->more_next]);
    inc->more_seen[inc->more_next] = copy;
    inc->more_next = (inc->more_next + 1) % ALERT_MORE_SEEN;
    inc->more_queue_ids++;
    return 0;
}

static int alert_incident_note(struct alert_agg *agg,
                               struct alert_incident *inc,
                               const struct alert_event *ev)
{
    if (ev->status != NULL) {
        char *st = alert_dup(ev->status);
        if (st == NULL)
            return -1;
        free(inc->status);
        inc->status = st;
    }
    if (ev->reply_code != 0)
        inc->reply_code = ev->reply_code;
    if (alert_note_more(agg, inc, ev->queue_id) < 0 ||
        alert_set_add(inc->samples, &inc->nsamples, agg->set.samples,
                      ev->diagnostic) < 0 ||
        alert_set_add(inc->queue_ids, &inc->nqueue_ids, agg->set.queue_ids,
                      ev->queue_id) < 0 ||
        alert_set_add(inc->recipients, &inc->nrecipients, ALERT_RCPTS_MAX,
                      ev->recipient) < 0)
        return -1;
    return 0;
}

static unsigned long alert_threshold(const struct alert_agg *agg,
                                     enum alert_kind kind)
{
    return kind == ALERT_SENDER_BOUNCE ? agg->set.sender_rate : 1;
}

/* Counts towards the threshold; opens the incident when it is reached. */
static void alert_incident_count(struct alert_agg *agg,
                                 struct alert_incident *inc, time_t now)
{
    if (!inc->active && now - inc->rate_start >= agg->set.window) {
        inc->rate_start = now;
        inc->rate_count = 0;
    }
    inc->rate_count++;
    inc->last = now;
    if (!inc->active && inc->rate_count >= alert_threshold(agg, inc->kind)) {
        inc->active = true;
        inc->first = inc->rate_start;
        inc->count = inc->rate_count - 1;
        inc->next_alert = now + agg->set.hold;
    }
    if (inc->active)
        inc->count++;
}

int alert_agg_add(struct alert_agg *agg, const struct alert_event *ev,
                  time_t now, const char **error_r)
{
    struct alert_incident *inc;

    if (alert_threshold(agg, ev->kind) == 0)
        return 0;
    if ((inc = alert_agg_find(agg, ev)) == NULL) {
        if (agg->ninc >= agg->set.max_incidents) {
            agg->dropped++;
            *error_r = "too many open alert incidents";
            return -1;
        }
        if ((inc = alert_incident_new(agg, ev, now)) == NULL) {
            agg->dropped++;
            *error_r = "out of memory";
            return -1;
        }
        agg->inc[agg->ninc++] = inc;
    }
    alert_incident_count(agg, inc, now);
    if (alert_incident_note(agg, inc, ev) < 0) {
        *error_r = "out of memory";
        return -1;
    }
    return 0;
}

static char **alert_strv_dup(char *const *v, size_t n)
{
    char **copy = calloc(n + 1, sizeof *copy);
    if (copy == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if ((copy[i] = strdup(v[i])) == NULL) {
            alert_strv_free(copy, i);
            free(copy);
            return NULL;
        }
    }
    return copy;
}

void alert_msg_free(struct alert_msg **msg)
{
    struct alert_msg *m = *msg;
    if (m == NULL)
        return;
    free(m->sender_domain);
    free(m->rcpt_domain);
    free(m->reason);
    free(m->status);
    if (m->samples != NULL)
        alert_strv_free(m->samples, m->nsamples);
    free(m->samples);
    if (m->queue_ids != NULL)
        alert_strv_free(m->queue_ids, m->nqueue_ids);
    free(m->queue_ids);
    if (m->recipients != NULL)
        alert_strv_free(m->recipients, m->nrecipients);
    free(m->recipients);
    free(m);
    *msg = NULL;
}

static struct alert_msg *alert_msg_make(const struct alert_incident *inc,
                                        enum alert_state state, time_t now)
{
    struct alert_msg *m = calloc(1, sizeof *m);
    if (m == NULL)
        return NULL;
    m->state = state;
    m->kind = inc->kind;
    m->reply_code = inc->reply_code;
    m->count = inc->count;
    m->new_count = inc->count - inc->alerted;
    m->alerts = inc->alerts;
    m->first = inc->first;
    m->last = inc->last;
    m->sent = now;
    m->nsamples = inc->nsamples;
    m->nqueue_ids = inc->nqueue_ids;
    m->more_queue_ids = inc->more_queue_ids;
    m->nrecipients = inc->nrecipients;
    m->sender_domain = strdup(inc->sender_domain);
    m->rcpt_domain = strdup(inc->rcpt_domain);
    m->reason = strdup(inc->reason);
    m->status = inc->status != NULL ? strdup(inc->status) : NULL;
    m->samples = alert_strv_dup(inc->samples, inc->nsamples);
    m->queue_ids = alert_strv_dup(inc->queue_ids, inc->nqueue_ids);
    m->recipients = alert_strv_dup(inc->recipients, inc->nrecipients);
    if (m->sender_domain == NULL || m->rcpt_domain == NULL ||
        m->reason == NULL || (inc->status != NULL && m->status == NULL) ||
        m->samples == NULL || m->queue_ids == NULL || m->recipients == NULL)
        alert_msg_free(&m);
    return m;
}

/* After an alert: the next one lists only what is new. */
static void alert_incident_sent(struct alert_agg *agg,
                                struct alert_incident *inc, time_t now)
{
    inc->alerted = inc->count;
    inc->alerts++;
    inc->next_alert = now + agg->set.window;
    alert_strv_free(inc->queue_ids, inc->nqueue_ids);
    inc->nqueue_ids = 0;
    inc->more_queue_ids = 0;
    alert_strv_free(inc->more_seen, ALERT_MORE_SEEN);
    memset(inc->more_seen, 0, sizeof inc->more_seen);
    alert_strv_free(inc->recipients, inc->nrecipients);
    inc->nrecipients = 0;
}

static void alert_agg_remove(struct alert_agg *agg, size_t i)
{
    alert_incident_free(agg->inc[i]);
    agg->inc[i] = agg->inc[--agg->ninc];
}

/* What incident i needs at time now: NULL out and false when nothing; a
 * message (or NULL when memory ran out) and true otherwise.  *remove_r says
 * that the incident is over. */
static bool alert_incident_due(struct alert_agg *agg, size_t i, time_t now,
                               struct alert_msg **msg_r, bool *remove_r)
{
    struct alert_incident *inc = agg->inc[i];
    bool quiet = now - inc->last >= agg->set.quiet;

    *msg_r = NULL;
    *remove_r = false;
    if (!inc->active) {
        *remove_r = now - inc->last >= agg->set.window;
        return false;
    }
    if (inc->count > inc->alerted && (now >= inc->next_alert || quiet)) {
        *msg_r = alert_msg_make(
            inc, inc->alerts == 0 ? ALERT_OPENED : ALERT_ONGOING, now);
        alert_incident_sent(agg, inc, now);
        return true;
    }
    if (quiet) {
        *msg_r = alert_msg_make(inc, ALERT_RECOVERED, now);
        *remove_r = true;
        return true;
    }
    return false;
}

size_t alert_agg_tick(struct alert_agg *agg, time_t now, struct alert_msg **out,
                      size_t max)
{
    size_t n = 0, i = 0;

    while (i < agg->ninc && n < max) {
        struct alert_msg *msg;
        bool remove;
        if (alert_incident_due(agg, i, now, &msg, &remove) && msg != NULL)
            out[n++] = msg;
        if (remove)
            alert_agg_remove(agg, i);
        else
            i++;
    }
    return n;
}

size_t alert_agg_flush(struct alert_agg *agg, time_t now,
                       struct alert_msg **out, size_t max)
{
    size_t n = 0;

    for (size_t i = 0; i < agg->ninc && n < max; i++) {
        struct alert_incident *inc = agg->inc[i];
        if (!inc->active || inc->count == inc->alerted)
            continue;
        out[n] = alert_msg_make(
            inc, inc->alerts == 0 ? ALERT_OPENED : ALERT_ONGOING, now);
        alert_incident_sent(agg, inc, now);
        if (out[n] != NULL)
            n++;
    }
    return n;
}

static time_t alert_incident_next(const struct alert_agg *agg,
                                  const struct alert_incident *inc)
{
    if (!inc->active)
        return inc->last + agg->set.window;
    time_t t = inc->last + agg->set.quiet;
    if (inc->count > inc->alerted && inc->next_alert < t)
        t = inc->next_alert;
    return t;
}

time_t alert_agg_next_due(const struct alert_agg *agg)
{
    time_t due = 0;

    for (size_t i = 0; i < agg->ninc; i++) {
        time_t t = alert_incident_next(agg, agg->inc[i]);
        if (due == 0 || t < due)
            due = t;
    }
    return due;
}

size_t alert_agg_open_count(const struct alert_agg *agg)
{
    return agg->ninc;
}

unsigned long alert_agg_dropped(const struct alert_agg *agg)
{
    return agg->dropped;
}
