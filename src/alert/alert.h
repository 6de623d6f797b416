/*
 * alert.h - the alert service: what the milter calls to tell the admin.
 *
 *   struct alert_service *alerts;
 *   alert_service_new(&settings->alerts, host, &alerts, &error);  start-up
 *   alert_submit(alerts, &event);                          any thread
 *   alert_service_free(&alerts);                           shutdown
 *
 * alert_submit() only takes a mutex, counts the event in the aggregator
 * (alert_agg.h) and wakes the dispatcher: it never waits for a delivery,
 * so mail is never delayed by a slow webhook or sendmail.  The dispatcher
 * thread asks the aggregator what is due and queues each alert for every
 * enabled sink (alert_sink.h).  Each sink has a thread of its own that
 * delivers its queue in order, so a sink that is slow or retrying delays
 * no other; a delivery that fails is logged (with the alert's summary).
 * A sink with 64 alerts waiting (ALERT_SINK_QUEUE) does not get more: each
 * one it misses is logged as not delivered.
 *
 * Which events to submit (the milter decides, see the man page):
 *   ALERT_AUTH_BOUNCE    verdict.auth is true (5.7.26, 5.7.1 + SPF/DKIM/
 *                        DMARC text, ...)
 *   ALERT_SENDER_BOUNCE  verdict.bucket == BUCKET_SENDER (blocklist,
 *                        reputation): alerts only at alerts.sender_rate
 *   ALERT_OUTBOUND_SPF/DKIM  auth_check_sender() found our own mail broken
 * and never for our own alert mail (alert_is_own_header/_message_id).
 *
 * Thread-safe.  alert_service_free() stops the threads; alerts still held
 * back (hold/window) are delivered first, cut short by a 10 s budget per
 * sink.  curl_global_init() is called by alert_service_new(), which must
 * therefore run before other threads start.
 */
#ifndef BG_ALERT_H
#define BG_ALERT_H

#include <stdbool.h>

#include "alert/alert_agg.h"
#include "common/settings.h"
#include "core/classify.h"
#include "core/report.h"

struct alert_service;

/* Returns 0, or -1 with *error_r (static).  host names us in alerts. */
int alert_service_new(const struct alert_settings *set, const char *host,
                      struct alert_service **svc_r, const char **error_r);
void alert_service_free(struct alert_service **svc);

/* Counts one event; false only when it had to be dropped (memory, too
 * many incidents).  svc may be NULL (alerts off): then it does nothing. */
bool alert_submit(struct alert_service *svc, const struct alert_event *ev);

/* The one call the milter makes per failed recipient of a bounce: submits
 * ALERT_AUTH_BOUNCE when v->auth, ALERT_SENDER_BOUNCE when the bucket is
 * BUCKET_SENDER, nothing otherwise.  sender_domain is our domain (the
 * original sender's); the receiving domain is taken from the recipient.
 * Returns true when an event was submitted. */
bool alert_submit_verdict(struct alert_service *svc, const struct verdict *v,
                          const struct report_rcpt *rr,
                          const char *sender_domain, const char *queue_id);

/* Delivers now every alert held back by hold/window (not the recoveries)
 * and waits until the dispatcher has handed them to the sinks.  For
 * tests and for "bounceguardctl"-style flushes. */
void alert_service_flush(struct alert_service *svc);

struct alert_stats {
    unsigned long submitted;
    unsigned long dropped;
    unsigned long delivered; /* (alert, sink) deliveries that succeeded */
    unsigned long failed;    /* (alert, sink) deliveries given up */
    unsigned long open;      /* incidents open now */
};
void alert_service_stats(struct alert_service *svc, struct alert_stats *st);

/* Settings of the aggregator from the alerts group. */
void alert_agg_settings_from(const struct alert_settings *set,
                             struct alert_agg_settings *agg_r);

#endif
