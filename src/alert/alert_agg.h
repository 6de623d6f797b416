/*
 * alert_agg.h - turning a stream of alert events into few, clear alerts.
 *
 * Events are grouped by key = (kind, sender domain, receiving domain,
 * reason).  The first event of a key opens an incident; its first alert
 * goes out `hold` seconds later (evidence gathered meanwhile), and after
 * that at most one alert per `window`, only when new events came: a repeat
 * inside the window only increments the counts.  When `quiet` seconds pass
 * without an event, the incident ends with one recovery message.
 *
 * Events with a threshold above 1 (the sender-bucket rate: blocklist and
 * reputation bounces per receiving domain) open an incident only when that
 * many arrive within one window; below it they are counted and forgotten.
 *
 * Every alert carries the totals, the count since the previous alert, the
 * first and last event times, up to `samples` distinct diagnostics and up
 * to `queue_ids` affected queue ids.
 *
 * Pure: the current time is an argument (tests drive a fake clock), no I/O,
 * no globals.  Not thread-safe: one aggregator belongs to one owner (the
 * alert service guards it with its mutex).  Memory is bounded by
 * max_incidents; events beyond it are counted in alert_agg_dropped().
 */
#ifndef BG_ALERT_AGG_H
#define BG_ALERT_AGG_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

enum alert_kind {
    ALERT_AUTH_BOUNCE = 0, /* a receiver refused us for SPF/DKIM/DMARC */
    ALERT_SENDER_BOUNCE,   /* blocklist / reputation bounces (rate) */
    ALERT_OUTBOUND_SPF,    /* our egress address not authorised by SPF */
    ALERT_OUTBOUND_DKIM,   /* our outbound DKIM broken or unaligned */
    ALERT_OUTBOUND_DMARC,  /* neither SPF nor DKIM aligned with From */
};
const char *alert_kind_name(enum alert_kind kind);

/* One observation, as submitted by the milter.  Strings are copied; any of
 * them but the domains and reason may be NULL. */
struct alert_event {
    enum alert_kind kind;
    time_t when;
    const char *sender_domain; /* our domain the mail was from */
    const char *rcpt_domain;   /* the receiving domain that refused it */
    const char *reason;        /* classifier reason or check name */
    const char *status;        /* "5.7.26" */
    int reply_code;            /* 550 */
    const char *diagnostic;    /* the receiver's text */
    const char *queue_id;      /* the affected message */
    const char *recipient;     /* the affected recipient */
};

struct alert_agg_settings {
    time_t window;
    time_t hold;
    time_t quiet;
    size_t samples;
    size_t queue_ids;
    size_t max_incidents;
    unsigned long sender_rate; /* threshold of ALERT_SENDER_BOUNCE; 0 off */
};
void alert_agg_settings_default(struct alert_agg_settings *set);

enum alert_state {
    ALERT_OPENED = 0, /* first alert of an incident */
    ALERT_ONGOING,    /* more events since the previous alert */
    ALERT_RECOVERED,  /* quiet: the incident is over */
};
const char *alert_state_name(enum alert_state state);

/* One alert to deliver.  Owned by the caller of alert_agg_tick(), freed
 * with alert_msg_free(). */
struct alert_msg {
    enum alert_state state;
    enum alert_kind kind;
    char *sender_domain;
    char *rcpt_domain;
    char *reason;
    char *status; /* of the latest event, or NULL */
    int reply_code;
    unsigned long count;     /* events in the whole incident */
    unsigned long new_count; /* events since the previous alert */
    unsigned long alerts;    /* alerts sent before this one */
    time_t first, last;      /* first and latest event */
    time_t sent;             /* when this alert was made */
    char **samples;          /* distinct diagnostics */
    size_t nsamples;
    char **queue_ids; /* affected queue ids, oldest first */
    size_t nqueue_ids;
    unsigned long more_queue_ids; /* ids not listed (over the limit) */
    char **recipients;            /* a few affected recipients */
    size_t nrecipients;
};
void alert_msg_free(struct alert_msg **msg);

struct alert_agg;

int alert_agg_new(const struct alert_agg_settings *set,
                  struct alert_agg **agg_r, const char **error_r);
void alert_agg_free(struct alert_agg **agg);

/* Counts one event at time now (ev->when is informational; now orders).
 * Returns 0, or -1 with *error_r when memory ran out or the incident table
 * is full (the event is then counted as dropped). */
int alert_agg_add(struct alert_agg *agg, const struct alert_event *ev,
                  time_t now, const char **error_r);

/* Produces the alerts that are due at time now: up to max into out[]
 * (the caller frees each); returns how many.  Call it again while it
 * returns max. */
size_t alert_agg_tick(struct alert_agg *agg, time_t now, struct alert_msg **out,
                      size_t max);

/* Like alert_agg_tick() but ignores hold and window: every incident with
 * events not yet alerted on is reported now (shutdown, tests). */
size_t alert_agg_flush(struct alert_agg *agg, time_t now,
                       struct alert_msg **out, size_t max);

/* The earliest time at which alert_agg_tick() may have something to do, or
 * 0 when nothing is open (the dispatcher sleeps until then). */
time_t alert_agg_next_due(const struct alert_agg *agg);

size_t alert_agg_open_count(const struct alert_agg *agg);
unsigned long alert_agg_dropped(const struct alert_agg *agg);

#endif
