/*
 * milter_bounce.c - bounce candidates at end of message (see
 * milter_bounce.h).
 */
#include "milter/milter_bounce.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "alert/alert.h"
#include "auth/auth.h"
#include "auth/credible.h"
#include "common/cfg.h"
#include "common/log.h"
#include "metrics/metrics.h"
#include "metrics/monitor.h"
#include "milter/flow.h"
#include "store/store.h"

/* The DSN's Original-Envelope-Id as tracking keeps it: decoded from xtext
 * (RFC 3464 returns the ENVID as it was sent), else as written (some MTAs
 * write it decoded).  NULL when there is none or it is out of bounds. */
static const char *bounce_envid(const struct report *rep, char *buf,
                                size_t size)
{
    const char *raw = rep->envelope_id;
    size_t len = raw != NULL ? strlen(raw) : 0;

    if (len == 0 || len > FLOW_ENVID_MAX)
        return NULL;
    return flow_envid_decode(raw, len, buf, size) ? buf : raw;
}

/* How long the join of Postfix's own DSN waits for the tracking of its
 * original to be committed: the DSN of a recipient refused at once comes
 * back before the store's group commit (store.batch_delay_ms) has run; a
 * flush commits at once, so this only bounds a slow disk. */
#define BOUNCE_LOCAL_JOIN_WAIT_MS 100

/* The keys a bounce is joined by (envid[size] holds the decoded envelope
 * id); rcpt, or NULL, is the recipient a message is preferred for.  False
 * when there is no key. */
static bool bounce_keys(const struct report *rep, const char *rcpt,
                        char *envid, size_t size, struct store_outbound_keys *k)
{
    memset(k, 0, sizeof *k);
    k->message_id = rep->orig_message_id;
    k->queue_id = rep->postfix_queue_id;
    k->envelope_id = bounce_envid(rep, envid, size);
    k->recipient = rcpt;
    return k->message_id != NULL || k->queue_id != NULL ||
           k->envelope_id != NULL;
}

/* Postfix's own DSN may wait for the queued tracking, unless the store is
 * failing (then the wait would only delay the mail). */
static bool bounce_wait_tracking(struct store *store)
{
    struct store_health h;

    store_get_health(store, &h);
    return !h.failing && store_flush(store, BOUNCE_LOCAL_JOIN_WAIT_MS) == 0;
}

/* Joins the bounce to what we sent, by the returned Message-ID, the
 * Postfix queue id, then the envelope id; fills *orig_r (release it) and
 * b->joined_by when found.  For Postfix's own DSN (local) a miss waits for
 * what is queued to be committed and looks once more. */
static bool bounce_join(struct store *store, const struct report *rep,
                        bool local, struct outbound_msg *orig_r,
                        struct mbounce *b)
{
    char envid[FLOW_ENVID_MAX + 1];
    struct store_outbound_keys k;
    enum store_outbound_key by = STORE_OUT_NONE;
    int rc;

    memset(orig_r, 0, sizeof *orig_r);
    if (store == NULL ||
        !bounce_keys(rep, rep->nrcpts > 0 ? rep->rcpts[0].recipient : NULL,
                     envid, sizeof envid, &k))
        return false;
    rc = store_find_outbound_by(store, &k, orig_r, &by);
    if (rc == 0 && local && bounce_wait_tracking(store))
        rc = store_find_outbound_by(store, &k, orig_r, &by);
    if (rc == 0 && k.envelope_id == envid &&
        strcmp(envid, rep->envelope_id) != 0) {
        /* decoded, yet tracked as written? (a literal "+XX" in an ENVID) */
        struct store_outbound_keys raw = {NULL, NULL, rep->envelope_id,
                                          k.recipient};
        rc = store_find_outbound_by(store, &raw, orig_r, &by);
    }
    if (rc < 0)
        log_warning(NULL, "bounce: outbound tracking lookup failed");
    b->joined_by = store_outbound_key_name(by);
    return rc == 1;
}

static void bounce_credibility(const struct mctx_conn *conn,
                               const struct auth_ctx *auth, time_t now,
                               struct mbounce *b)
{
    struct credible_input in;
    struct credible_decision out;

    memset(&in, 0, sizeof in);
    in.source = (conn->non_smtp && conn->msg.null_sender)
                    ? CREDIBLE_SRC_LOCAL_MTA
                : conn->msg.dir == FLOW_OUTBOUND ? CREDIBLE_SRC_INTERNAL
                                                 : CREDIBLE_SRC_REMOTE;
    in.tracking = true;
    in.correlated = b->joined;
    in.prvs = auth != NULL && conn->msg.nrcpts > 0
                  ? auth_prvs_check(auth, conn->msg.rcpts[0].addr, now, NULL, 0)
                  : PRVS_UNSIGNED;
    /* auth.inbound_check: SPF (HELO identity for <>) and DKIM */
    in.spf = conn->msg.auth_done ? conn->msg.auth_r.bounce.spf : AUTHRES_NONE;
    in.dkim =
        conn->msg.auth_done ? conn->msg.auth_r.bounce.dkim : AUTHRES_NONE;
    if (!credible_mode_parse(conn->set->auth.credibility, &in.mode))
        in.mode = CREDIBLE_STRICT;
    credible_decide(&in, &out);
    b->credible = out.credible;
    b->by_correlation = out.by_correlation;
    b->credible_why = out.why != NULL ? out.why : "?";
}

static const char *str_or(const char *s, const char *def)
{
    return s != NULL && s[0] != '\0' ? s : def;
}

/* The recipient of the tracked message that addr names (local parts
 * compared without case, as the receiving MTA may rewrite them), or NULL. */
static const char *sent_as(const struct outbound_msg *orig, const char *addr)
{
    if (addr == NULL)
        return NULL;
    for (size_t i = 0; i < orig->nrecipients; i++)
        if (orig->recipients[i] != NULL &&
            strcasecmp(orig->recipients[i], addr) == 0)
            return orig->recipients[i];
    return NULL;
}

static bool was_sent_to(const struct outbound_msg *orig, const char *addr)
{
    return sent_as(orig, addr) != NULL;
}

/* Whether some tracked message the bounce's keys find went to this
 * recipient (one post may be sent in several transactions under one
 * Message-ID, each with its own recipients). */
static bool bounce_sent_to_any(struct store *store, const struct report *rep,
                               const char *addr)
{
    char envid[FLOW_ENVID_MAX + 1];
    struct store_outbound_keys k;
    struct outbound_msg m;
    bool sent;

    if (store == NULL || addr == NULL ||
        !bounce_keys(rep, addr, envid, sizeof envid, &k) ||
        store_find_outbound_by(store, &k, &m, NULL) != 1)
        return false;
    sent = was_sent_to(&m, addr);
    outbound_msg_clear(&m);
    return sent;
}

/* Whether the bounce may speak for this recipient.  One that is credible
 * only because it joined tracked mail speaks for the recipients of the
 * messages its keys find (its Final-Recipient or Original-Recipient), so
 * whoever learnt a Message-ID or an envelope id of ours cannot name any
 * address he likes.  A tracked message without recipients checks
 * nothing. */
static bool bounce_rcpt_credible(struct store *store, const struct mbounce *b,
                                 const struct outbound_msg *orig,
                                 const struct report_rcpt *rr,
                                 const char **why_r)
{
    *why_r = b->credible_why;
    if (!b->credible || !b->by_correlation || orig->nrecipients == 0)
        return b->credible;
    if (was_sent_to(orig, rr->recipient) ||
        was_sent_to(orig, rr->original_recipient) ||
        bounce_sent_to_any(store, b->report, rr->recipient) ||
        bounce_sent_to_any(store, b->report, rr->original_recipient))
        return true;
    *why_r = "not-a-recipient";
    return false;
}

/* One event per recipient, one log line per event. */
static void bounce_record_one(struct store *store, const struct mctx_conn *conn,
                              struct mbounce *b, size_t i,
                              const struct outbound_msg *orig, time_t now)
{
    const struct report *rep = b->report;
    const struct report_rcpt *rr = &rep->rcpts[i];
    const struct verdict *v = &b->verdicts[i];
    struct store_event ev;
    const char *action = "recorded";
    const char *why;
    bool credible = bounce_rcpt_credible(store, b, orig, rr, &why);

    b->rcpt_credible[i] = credible;

    memset(&ev, 0, sizeof ev);
    ev.when = (long long)now;
    /* as we send to it: the store compares local parts with their case
     * (store.local_part), the lookup at RCPT takes our spelling */
    ev.recipient = sent_as(orig, rr->recipient);
    if (ev.recipient == NULL)
        ev.recipient = rr->recipient;
    ev.reason = v->reason;
    ev.bucket = v->bucket;
    ev.auth = v->auth;
    ev.rule = v->rule;
    ev.status = v->status[0] != '\0' ? v->status : NULL;
    ev.reply_code = v->reply_code;
    ev.diagnostic = rr->diagnostic;
    ev.source =
        conn->non_smtp && conn->msg.null_sender ? SRC_POSTFIX_DSN : SRC_DSN;
    ev.action = rr->action;
    ev.reporting_mta = rep->reporting_mta;
    ev.remote_mta = rr->remote_mta;
    ev.orig_message_id =
        orig->message_id != NULL ? orig->message_id : rep->orig_message_id;
    ev.queue_id =
        orig->queue_id != NULL ? orig->queue_id : rep->postfix_queue_id;
    ev.sender = orig->sender != NULL ? orig->sender : rep->postfix_sender;
    ev.credible = credible;
    metrics_verdict(v, conn->non_smtp ? MPATH_NON_SMTPD : MPATH_SMTPD);
    if (credible)
        monitor_failure(ev.sender, rr->recipient, v->bucket);
    if (store == NULL) {
        action = "not_recorded (store unavailable)";
        b->failed++;
    } else if (store_record(store, &ev) != 0) {
        action = "not_recorded (store queue full or bad address)";
        b->failed++;
    } else {
        b->recorded++;
    }
    log_notice(conn->msg.queue_id,
               "bounce: rcpt=<%s>, reason=%s, bucket=%s, rule=%s, "
               "status=%s, dsn_action=%s, source=%s, credible=%s (%s), "
               "orig_queue_id=%s, joined=%s%s%s%s, action=%s",
               ev.recipient, str_or(v->reason, "unknown"),
               bucket_name(v->bucket), str_or(v->rule, "none"),
               str_or(v->status, "none"), str_or(rr->action, "none"),
               store_source_name(ev.source), credible ? "yes" : "no", why,
               str_or(ev.queue_id, "none"),
               b->joined ? "yes" : "no", b->joined ? " (" : "",
               b->joined ? b->joined_by : "", b->joined ? ")" : "", action);
}

static bool bounce_parse(const struct mctx_conn *conn, struct mbounce *b)
{
    const struct mctx_msg *msg = &conn->msg;
    struct mime_limits lim = conn->set->classify.limits;
    const char *error = NULL;

    if (lim.max_message_bytes == 0 || lim.max_message_bytes > msg->len)
        lim.max_message_bytes = msg->len;
    if (report_parse(msg->buf != NULL ? msg->buf : "", msg->len, &lim,
                     &b->report, &error) != 0) {
        log_error(msg->queue_id, "bounce: cannot parse: %s",
                  str_or(error, "unknown error"));
        b->error = true;
        return false;
    }
    return true;
}

/* Our domain: the original sender's, as tracking or the report knows it. */
static const char *sender_domain(const struct report *rep,
                                 const struct outbound_msg *orig)
{
    const char *s = orig->sender != NULL ? orig->sender : rep->postfix_sender;
    const char *at;

    if (s == NULL)
        s = rep->orig_from;
    at = s != NULL ? strrchr(s, '@') : NULL;
    return at != NULL ? at + 1 : NULL;
}

void mbounce_process(struct store *store, struct alert_service *alerts,
                     const struct auth_ctx *auth,
                     const struct classify_rules *rules,
                     const struct mctx_conn *conn, time_t now,
                     struct mbounce *b)
{
    const struct mctx_msg *msg = &conn->msg;
    struct outbound_msg orig;
    double t0 = metrics_now();
    size_t n;

    memset(b, 0, sizeof *b);
    if (!bounce_parse(conn, b))
        return;
    if (b->report->kind != REPORT_BOUNCE) {
        log_info(msg->queue_id,
                 "bounce: candidate is %s (format %s): "
                 "nothing to record",
                 report_kind_name(b->report->kind),
                 str_or(b->report->mta, "none"));
        return;
    }
    metrics_inc(METRIC_DSNS, conn->non_smtp ? MPATH_NON_SMTPD : MPATH_SMTPD, 0);
    n = b->report->nrcpts;
    b->verdicts = calloc(n > 0 ? n : 1, sizeof *b->verdicts);
    b->rcpt_credible = calloc(n > 0 ? n : 1, sizeof *b->rcpt_credible);
    if (b->verdicts == NULL || b->rcpt_credible == NULL) {
        log_error(msg->queue_id, "bounce: out of memory");
        b->error = true;
        return;
    }
    classify_report(rules, b->report, b->verdicts);
    b->joined = bounce_join(store, b->report,
                            conn->non_smtp && msg->null_sender, &orig, b);
    bounce_credibility(conn, auth, now, b);
    for (size_t i = 0; i < n; i++) {
        if (b->report->rcpts[i].recipient == NULL)
            continue;
        bounce_record_one(store, conn, b, i, &orig, now);
        if (alerts != NULL && b->rcpt_credible[i])
            (void)alert_submit_verdict(
                alerts, &b->verdicts[i], &b->report->rcpts[i],
                sender_domain(b->report, &orig), msg->queue_id);
    }
    if (n == 0 || msg->truncated)
        log_info(msg->queue_id,
                 "bounce: %zu recipient(s) in %s report, "
                 "%zu bytes parsed%s, errors=0x%x",
                 n, str_or(b->report->mta, "unknown"), msg->len,
                 msg->truncated ? " (milter.body_cap reached, rest skipped)"
                                : "",
                 b->report->errors);
    if (b->report->errors & REPORT_ERR_RECIPIENTS)
        log_notice(msg->queue_id,
                   "bounce: more failed recipients than "
                   "classify.max_recipients (%zu); the rest are not recorded",
                   n);
    if (b->joined)
        outbound_msg_clear(&orig);
    metrics_observe(METRIC_DSN_DECISION_SECONDS, metrics_now() - t0);
}

void mbounce_clear(struct mbounce *b)
{
    report_free(&b->report);
    free(b->verdicts);
    free(b->rcpt_credible);
    memset(b, 0, sizeof *b);
}

void mbounce_header_value(const struct mbounce *b, size_t i, char *buf,
                          size_t size)
{
    const struct verdict *v = &b->verdicts[i];

    snprintf(buf, size, "%s %s %s rule=%s status=%s credible=%s",
             str_or(b->report->rcpts[i].recipient, "?"), bucket_name(v->bucket),
             str_or(v->reason, "unknown"), str_or(v->rule, "none"),
             str_or(v->status, "none"),
             b->rcpt_credible != NULL && b->rcpt_credible[i] ? "yes" : "no");
}
