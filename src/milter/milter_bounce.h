/*
 * milter_bounce.h - what the milter does with a bounce candidate at end of
 * message: parse the kept copy (core/report.h), classify every failed
 * recipient (core/classify.h), join the bounce to the outbound message it
 * answers (store_find_outbound_by(): the returned Message-ID, then
 * X-Postfix-Queue-ID, then the DSN's Original-Envelope-Id, which tracking
 * knows from MAIL FROM's ENVID=), decide whether it is credible
 * (auth/credible.h) and queue one store event per recipient.  One log
 * line per recipient:
 *
 *   QUEUEID: bounce: rcpt=<x@remote.test>, reason=user_unknown,
 *       bucket=hard, rule=R, status=5.1.1, source=postfix_dsn,
 *       credible=yes (local-mta), orig_queue_id=ORIGQID,
 *       joined=yes (message-id), action=recorded
 *
 * joined= says "no", or "yes" and the key that found the original:
 * message-id, queue-id or envelope-id.
 *
 * Postfix's own DSN (the non-SMTP stream with the null sender) is source
 * SRC_POSTFIX_DSN and credible; a DSN from outside is SRC_DSN and credible
 * only when joined to mail we sent.
 *
 * Never fails the mail: a parse failure, a store error or a full queue is
 * logged and counted in the result; the caller applies milter.on_error only
 * to the milter reply, and never to a DSN (MILTER_README forbids rejecting
 * one).  Thread-safe as long as the caller owns conn; the store and rules
 * are shared, thread-safe objects.
 */
#ifndef BG_MILTER_BOUNCE_H
#define BG_MILTER_BOUNCE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "core/classify.h"
#include "core/report.h"
#include "milter/milter_ctx.h"

struct store;
struct alert_service;
struct auth_ctx;

struct mbounce {
    struct report *report;    /* NULL when parsing failed */
    struct verdict *verdicts; /* report->nrcpts of them */
    bool joined;              /* the original was found in tracking */
    const char *joined_by;    /* static: store_outbound_key_name() */
    bool credible;            /* the bounce as a whole (credible.h) */
    bool by_correlation;      /* credible only as joined to tracked mail */
    const char *credible_why; /* static */
    bool *rcpt_credible;      /* per recipient: may it speak for it */
    size_t recorded;          /* events queued */
    size_t failed;            /* events the store refused */
    bool error;               /* parse or memory failure */
};

/* Processes conn->msg (a candidate with its kept copy).  store may be NULL
 * (store unavailable: classified and logged, not recorded); alerts may be
 * NULL (no alerts), else every failed recipient of a credible bounce goes
 * to alert_submit_verdict() (authentication and sender-side failures
 * alert the admin); auth may be NULL, else (prvs signing on) the bounce's
 * envelope recipient is checked for the credibility rule.  Fills *b_r;
 * release it with mbounce_clear(). */
void mbounce_process(struct store *store, struct alert_service *alerts,
                     const struct auth_ctx *auth,
                     const struct classify_rules *rules,
                     const struct mctx_conn *conn, time_t now,
                     struct mbounce *b_r);
void mbounce_clear(struct mbounce *b);

/* Formats the optional verdict header of recipient i
 * ("x@remote.test hard user_unknown rule=R status=5.1.1"). */
void mbounce_header_value(const struct mbounce *b, size_t i, char *buf,
                          size_t size);

#endif
