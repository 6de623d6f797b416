/*
 * milter.c - the filter of bounceguard: the callbacks, whichever engine
 * runs the protocol (mtx.h), and the milter.h entry points.
 *
 * Per transaction (decisions in flow.c, state in milter_ctx.c, bounces in
 * milter_bounce.c):
 *   negotiate  ask only for connect, MAIL, RCPT, headers, EOH, body, EOM
 *              (and HELO with auth.inbound_check, DATA with
 *              milter.message_ids = "logfeed"); SMFIP_SKIP;
 *              SMFIP_RCPT_REJ unless milter.rcpt_rejects is "off";
 *              SMFIP_NR_CONN, _MAIL, _HDR with milter.noreply (the
 *              default) on a unix socket, and _RCPT too when RCPT cannot
 *              refuse (enforce off, remove or tag, a dry run);
 *              SMFIP_HDR_LEADSPC with SPF/DKIM checks (DKIM hashes header
 *              values as written; headers we add then bring their SP);
 *              actions: add headers, delete recipients, change the sender
 *              with auth.prvs_sign, change headers with
 *              auth.add_auth_results (forged Authentication-Results go)
 *   connect    client facts; Postfix's non-SMTP stream is recognised
 *   HELO       kept for SPF of null senders (auth.inbound_check only)
 *   MAIL       direction (flow_direction), null sender = bounce candidate;
 *              SPF/DKIM begin (auth_msg.h): our outbound mail with
 *              auth.outbound_check, a null-sender bounce from outside with
 *              auth.inbound_check
 *   RCPT       outbound: store_lookup, then reject / tempfail here, or mark
 *              for remove / tag at EOM, or log "would suppress" (dry run);
 *              a recipient the MTA refused itself is an SMTP-reply event
 *   DATA       only with milter.message_ids = "logfeed" and the log feed
 *              running: outbound mail
 *              with nothing to remove, tag or sign and a settled SPF/DKIM
 *              verdict (auth_msg_settled) is tracked without its
 *              Message-ID (the log feed adds it) and MST_ACCEPT: the MTA
 *              skips the header phase
 *   header     to the SPF/DKIM check, which also notes Authentication-
 *              Results fields claiming our authserv-id (milter_auth.h);
 *              our own alert mail is recognised
 *              and left alone; outbound: Message-ID only; otherwise kept
 *              (bounded) and looked at for bounce hints
 *   EOH        not a candidate and nothing to do at EOM: track outbound,
 *              MST_ACCEPT (no body, no EOM: the cheap path)
 *   body       candidates up to milter.body_cap, DKIM verification while
 *              it runs; then MST_SKIP
 *   EOM        bounce: SPF/DKIM results (credibility; with
 *              auth.add_auth_results our Authentication-Results, after
 *              removing the fields that claim our authserv-id), parse,
 *              classify, record, alert
 *              (never refused); outbound: SPF/DKIM verdict (alert when
 *              broken), remove / tag, track, sign the sender (prvs)
 * A bounce is never rejected or tempfailed, whatever milter.on_error says.
 *
 * The store and the rules are process-wide (milter_rt.c); everything else
 * is per connection.  Every callback enters and leaves through
 * milter_enter()/milter_leave(), which count the callbacks running, so
 * milter_shutdown() can wait for them.
 */
#include "config.h"

#include "milter/milter.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "alert/alert_sink.h"
#include "auth/auth.h"
#include "auth/auth_msg.h"
#include "common/cfg.h"
#include "common/log.h"
#include "core/classify.h"
#include "metrics/metrics.h"
#include "metrics/monitor.h"
#include "milter/flow.h"
#include "milter/milter_auth.h"
#include "milter/milter_bounce.h"
#include "milter/milter_ctx.h"
#include "milter/milter_rt.h"
#include "milter/mproto.h"
#include "milter/mtx.h"
#include "store/store.h"

#define MILTER_SHUTDOWN_WAIT_MS 10000

/* ---------------------------------------------------------------- glue */

#define CONN(ctx) ((struct mctx_conn *)mtx_getpriv(ctx))

static const char *macro(struct mtx *ctx, const char *name)
{
    const char *v = mtx_getsymval(ctx, name);

    return v != NULL && v[0] != '\0' ? v : NULL;
}

/* The queue id is known from MAIL on (Sendmail) or from the first accepted
 * RCPT on (Postfix smtpd). */
static const char *qid(struct mtx *ctx, struct mctx_conn *conn)
{
    if (conn->in_msg && conn->msg.queue_id == NULL)
        (void)mctx_set_str(&conn->msg.queue_id, macro(ctx, "i"));
    return conn->in_msg ? conn->msg.queue_id : NULL;
}

/* milter.on_error, for failures of bounceguard itself; a bounce is never
 * refused, nor Postfix's non-SMTP stream before MAIL says what it carries
 * (its own DSNs come that way). */
static enum mstat on_error(struct mctx_conn *conn)
{
    if (conn != NULL && conn->set != NULL && !conn->msg.null_sender &&
        !(conn->non_smtp && !conn->in_msg) &&
        conn->set->milter.on_error != NULL &&
        strcmp(conn->set->milter.on_error, "tempfail") == 0)
        return MST_TEMPFAIL;
    return MST_ACCEPT;
}

/* The reply of a step: with SMFIP_NR_* negotiated for it the MTA waits for
 * none, and a failure there can only let the message through. */
static enum mstat step_reply(bool noreply, enum mstat status)
{
    return noreply ? MST_NOREPLY : status;
}

/* The connection context, made at negotiate (or at connect when the MTA
 * does not negotiate), with its own configuration reference. */
static struct mctx_conn *conn_new(struct mtx *ctx)
{
    struct bg_config *cfg = cfg_current();
    struct mctx_conn *conn;
    enum flow_enforce mode;

    if (cfg == NULL)
        return NULL;
    conn = mctx_conn_new(cfg, NULL, NULL, NULL, false);
    if (conn == NULL) {
        cfg_unref(&cfg);
        log_error(NULL, "connect: out of memory");
        return NULL;
    }
    conn->enforce = flow_enforce_parse(conn->set->milter.enforce, &mode) &&
                    mode != FLOW_ENFORCE_OFF;
    mrt_warm(conn->set);
    conn->prvs = conn->set->auth.prvs_sign && mrt_auth(conn->set) != NULL;
    if (mtx_setpriv(ctx, conn) != 0) {
        mctx_conn_free(&conn);
        return NULL;
    }
    return conn;
}

/* auth.add_auth_results: bounces get our Authentication-Results, and the
 * fields forging it go (CHGHDRS). */
static bool adds_auth_results(const struct bg_settings *set)
{
    return set->auth.inbound_check && set->auth.add_auth_results &&
           mrt_auth(set) != NULL;
}

/* What was agreed at OPTNEG, for this connection's steps. */
static void conn_take_flags(struct mctx_conn *conn, unsigned long actions,
                            unsigned long protocol)
{
    if ((actions & MPA_CHGFROM) == 0)
        conn->prvs = false; /* the MTA cannot change the sender */
    conn->leadspc = (protocol & MPP_HDR_LEADSPC) != 0;
    conn->skip_ok = (protocol & MPP_SKIP) != 0;
    conn->nr_conn = (protocol & MPP_NR_CONN) != 0;
    conn->nr_mail = (protocol & MPP_NR_MAIL) != 0;
    conn->nr_rcpt = (protocol & MPP_NR_RCPT) != 0;
    conn->nr_hdr = (protocol & MPP_NR_HDR) != 0;
}

static enum mstat cb_negotiate(struct mtx *ctx, unsigned long f0,
                               unsigned long f1, unsigned long *pf0,
                               unsigned long *pf1)
{
    struct mctx_conn *conn = conn_new(ctx);
    const struct milter_settings *ms;
    unsigned long want;

    if (conn == NULL)
        return MST_ALL_OPTS;
    ms = &conn->set->milter;
    *pf0 = f0 & (MPA_ADDHDRS | MPA_DELRCPT | (conn->prvs ? MPA_CHGFROM : 0) |
                 (adds_auth_results(conn->set) ? MPA_CHGHDRS : 0));
    want = MPP_NOUNKNOWN | MPP_SKIP;
    /* DATA costs a round trip: only to accept outbound mail there */
    if (!flow_message_ids_logged(ms))
        want |= MPP_NODATA;
    /* HELO costs a round trip: only for SPF of inbound null senders */
    if (!conn->set->auth.inbound_check || mrt_auth(conn->set) == NULL)
        want |= MPP_NOHELO;
    if (ms->rcpt_rejects != NULL && strcmp(ms->rcpt_rejects, "off") != 0)
        want |= MPP_RCPT_REJ;
    if (ms->noreply && flow_socket_is_local(conn->set->socket)) {
        want |= MPP_NR_CONN | MPP_NR_MAIL | MPP_NR_HDR;
        if (!flow_rcpt_may_refuse(ms)) /* off, dry run, remove, tag */
            want |= MPP_NR_RCPT;
    }
    /* DKIM hashes header fields as written ("simple"): values untouched */
    if ((conn->set->auth.outbound_check || conn->set->auth.inbound_check) &&
        mrt_auth(conn->set) != NULL)
        want |= MPP_HDR_LEADSPC;
    *pf1 = f1 & want;
    conn_take_flags(conn, *pf0, *pf1);
    return MST_CONTINUE;
}

/* addr: the client's address as text, "" when unknown (a unix socket). */
static enum mstat cb_connect(struct mtx *ctx, const char *hostname,
                             const char *addr, unsigned port)
{
    struct mctx_conn *conn = CONN(ctx);
    const char *client;

    if (conn == NULL) { /* no OPTNEG before, or a session after QUIT_NC */
        unsigned long actions, protocol;

        if ((conn = conn_new(ctx)) == NULL)
            return MST_ACCEPT;
        if (mtx_negotiated(ctx, &actions, &protocol) == 0)
            conn_take_flags(conn, actions, protocol);
    }
    client = macro(ctx, "{client_addr}");
    if (client == NULL && addr[0] != '\0')
        client = addr;
    conn->non_smtp = flow_is_non_smtp_connect(hostname, addr, port);
    if (!mctx_set_str(&conn->hostname, hostname) ||
        !mctx_set_str(&conn->client_addr, client) ||
        !mctx_set_str(&conn->daemon_name, macro(ctx, "{daemon_name}"))) {
        log_error(NULL, "connect: out of memory");
        return step_reply(conn->nr_conn, on_error(conn));
    }
    return step_reply(conn->nr_conn, MST_CONTINUE);
}

static enum mstat cb_helo(struct mtx *ctx, const char *helo)
{
    struct mctx_conn *conn = CONN(ctx);

    if (conn != NULL) {
        free(conn->helo);
        conn->helo = NULL;
        if (!mctx_set_str(&conn->helo, helo))
            log_error(NULL, "helo: out of memory");
    }
    return MST_CONTINUE;
}

static enum mstat cb_envfrom(struct mtx *ctx, char **argv)
{
    struct mctx_conn *conn = CONN(ctx);
    struct flow_conn fc;
    struct mctx_msg *msg;

    if (conn == NULL)
        return MST_ACCEPT;
    if (!mctx_msg_begin(conn, argv[0], (size_t)conn->set->milter.body_cap)) {
        log_error(NULL, "mail: out of memory");
        return step_reply(conn->nr_mail, on_error(conn));
    }
    msg = &conn->msg;
    if (!mctx_set_envelope_id(msg, (const char *const *)argv + 1))
        log_error(NULL, "mail: out of memory; envelope id not kept");
    fc.client_addr = conn->client_addr;
    fc.daemon_name = conn->daemon_name;
    fc.auth_authen = macro(ctx, "{auth_authen}");
    fc.non_smtp = conn->non_smtp;
    msg->dir = flow_direction(&conn->set->milter, &fc, &msg->why);
    msg->candidate = msg->null_sender;
    mauth_begin(conn, qid(ctx, conn));
    metrics_inc(METRIC_MESSAGES, conn->non_smtp ? MPATH_NON_SMTPD : MPATH_SMTPD,
                0);
    log_debug(qid(ctx, conn), "mail: from=<%s>, %s (%s)%s%s%s", msg->sender,
              flow_dir_name(msg->dir), flow_why_name(msg->why),
              msg->envelope_id != NULL ? ", envid=" : "",
              msg->envelope_id != NULL ? msg->envelope_id : "",
              msg->candidate ? ", bounce candidate" : "");
    return step_reply(conn->nr_mail, MST_CONTINUE);
}

/* A recipient the MTA itself refused (SMFIP_RCPT_REJ): an SMTP-reply event
 * for outbound submissions.  {rcpt_host} holds the enhanced status and
 * {rcpt_addr} the text. */
static void rcpt_rejected(struct mtx *ctx, struct mctx_conn *conn,
                          const char *rcpt)
{
    const char *status = macro(ctx, "{rcpt_host}");
    const char *text = macro(ctx, "{rcpt_addr}");
    struct verdict v;
    struct store_event ev;
    struct mrules *mr;
    struct store *st;
    bool suppress = strcmp(conn->set->milter.rcpt_rejects, "suppress") == 0;

    if (conn->msg.dir != FLOW_OUTBOUND || conn->msg.null_sender ||
        strcmp(conn->set->milter.rcpt_rejects, "off") == 0)
        return;
    mr = mrt_rules_ref(conn->set);
    memset(&v, 0, sizeof v);
    if (mr != NULL)
        classify_reply(mr->rules, text != NULL ? text : "",
                       text != NULL ? strlen(text) : 0, status, 0, "failed",
                       &v);
    metrics_verdict(&v, MPATH_SMTPD);
    memset(&ev, 0, sizeof ev);
    ev.when = (long long)time(NULL);
    ev.recipient = rcpt;
    ev.reason = v.reason;
    ev.bucket = v.bucket;
    ev.auth = v.auth;
    ev.rule = v.rule;
    ev.status = status;
    ev.diagnostic = text;
    ev.source = SRC_SMTP_REPLY;
    ev.sender = conn->msg.sender;
    ev.queue_id = qid(ctx, conn);
    ev.credible = suppress;
    log_notice(qid(ctx, conn),
               "rejected: rcpt=%s, reason=%s, bucket=%s, "
               "rule=%s, status=%s, source=smtp_reply, action=%s",
               rcpt, v.reason != NULL ? v.reason : "unknown",
               bucket_name(v.bucket), v.rule != NULL ? v.rule : "none",
               status != NULL ? status : "none",
               (st = mrt_store(conn->set)) != NULL && store_record(st, &ev) == 0
                   ? "recorded"
                   : "not_recorded");
    mrt_rules_unref(&mr);
}

static void log_suppressed(struct mtx *ctx, struct mctx_conn *conn,
                           const char *rcpt, const struct suppression *s,
                           enum flow_act act)
{
    char since[32] = "?";
    time_t t = (time_t)s->first_seen;
    struct tm tm;

    if (t > 0 && gmtime_r(&t, &tm) != NULL)
        strftime(since, sizeof since, "%Y-%m-%dT%H:%M:%SZ", &tm);
    log_notice(qid(ctx, conn),
               "%s: rcpt=<%s>, from=<%s>, reason=%s, "
               "bucket=%s, rule=%s, since=%s, action=%s",
               act == FLOW_ACT_DRY_RUN ? "would suppress" : "suppress", rcpt,
               conn->msg.sender, s->reason, bucket_name(s->bucket),
               s->rule[0] != '\0' ? s->rule : "none", since,
               flow_act_name(act));
}

static enum mstat rcpt_refuse(struct mtx *ctx, struct mctx_conn *conn,
                            const char *rcpt, const struct suppression *s,
                            bool tempfail)
{
    struct flow_reply r;

    if (flow_reply_format(conn->set->milter.reject_reply, tempfail, rcpt,
                          s->reason, bucket_name(s->bucket),
                          (time_t)s->first_seen, &r))
        (void)mtx_setreply(ctx, r.code, r.xcode[0] ? r.xcode : NULL, r.text);
    return tempfail ? MST_TEMPFAIL : MST_REJECT;
}

static void count_enforcement(enum flow_act act)
{
    static const unsigned map[] = {[FLOW_ACT_DRY_RUN] = MACTION_DRY_RUN,
                                   [FLOW_ACT_REJECT] = MACTION_REJECT,
                                   [FLOW_ACT_TEMPFAIL] = MACTION_TEMPFAIL,
                                   [FLOW_ACT_REMOVE] = MACTION_REMOVE,
                                   [FLOW_ACT_TAG] = MACTION_TAG};

    if (act >= FLOW_ACT_DRY_RUN && (size_t)act < sizeof map / sizeof *map)
        metrics_inc(METRIC_ENFORCEMENTS, map[act], 0);
}

static enum mstat envrcpt(struct mtx *ctx, struct mctx_conn *conn,
                          char **argv)
{
    char bare[FLOW_ADDR_MAX];
    const char *rcpt, *mailer;
    struct mctx_rcpt *r;
    struct suppression s;
    struct store *st;
    int found = 0;
    enum flow_act act;

    if (!conn->in_msg)
        return MST_CONTINUE;
    rcpt = flow_addr_bare(argv[0], bare, sizeof bare);
    if (rcpt == NULL || rcpt[0] == '\0') {
        /* not looked at, but the MTA delivers to it: counted, so that
         * removing every other recipient never discards its copy */
        conn->msg.rcpts_seen++;
        return MST_CONTINUE;
    }
    mailer = macro(ctx, "{rcpt_mailer}");
    if (mailer != NULL && strcmp(mailer, "error") == 0) {
        rcpt_rejected(ctx, conn, rcpt);
        return MST_CONTINUE;
    }
    if (conn->msg.dir == FLOW_OUTBOUND && !conn->msg.null_sender &&
        conn->enforce) {
        st = mrt_store(conn->set);
        double t0 = metrics_now();
        found =
            st != NULL ? store_lookup(st, rcpt, (long long)time(NULL), &s) : -1;
        metrics_observe(METRIC_STORE_LOOKUP_SECONDS, metrics_now() - t0);
        if (found < 0) {
            metrics_inc(METRIC_STORE_ERRORS, MOP_LOOKUP, 0);
            log_warning(qid(ctx, conn),
                        "rcpt: cannot look up <%s>: store "
                        "unavailable; milter.on_error applies",
                        rcpt);
            if (on_error(conn) == MST_TEMPFAIL)
                return MST_TEMPFAIL;
        }
    }
    act = flow_recipient_action(&conn->set->milter, conn->msg.dir,
                                conn->msg.sender, rcpt, found == 1);
    if (act != FLOW_ACT_PASS) {
        log_suppressed(ctx, conn, rcpt, &s, act);
        count_enforcement(act);
    }
    if (act == FLOW_ACT_REJECT || act == FLOW_ACT_TEMPFAIL)
        return rcpt_refuse(ctx, conn, rcpt, &s, act == FLOW_ACT_TEMPFAIL);
    if (act != FLOW_ACT_REMOVE && act != FLOW_ACT_TAG) {
        (void)mctx_rcpt_add(&conn->msg, rcpt);
        return MST_CONTINUE;
    }
    /* past MCTX_RCPT_MAX too: what was logged above is what happens */
    r = mctx_rcpt_add_enforced(&conn->msg, rcpt);
    if (r == NULL) {
        log_error(qid(ctx, conn), "rcpt: out of memory; <%s> is not %s",
                  rcpt, act == FLOW_ACT_REMOVE ? "removed" : "tagged");
        return MST_CONTINUE;
    }
    r->act = act;
    snprintf(r->reason, sizeof r->reason, "%s", s.reason);
    r->bucket = s.bucket;
    conn->msg.nenforce++;
    return MST_CONTINUE;
}

/* With SMFIP_NR_RCPT negotiated (nothing here may refuse) the MTA waits
 * for no answer. */
static enum mstat cb_envrcpt(struct mtx *ctx, char **argv)
{
    struct mctx_conn *conn = CONN(ctx);

    if (conn == NULL)
        return MST_CONTINUE;
    return step_reply(conn->nr_rcpt, envrcpt(ctx, conn, argv));
}

static enum mstat cb_header(struct mtx *ctx, const char *name,
                            const char *value)
{
    struct mctx_conn *conn = CONN(ctx);
    struct mctx_msg *msg;
    enum mstat ok;

    if (conn == NULL)
        return MST_CONTINUE;
    ok = conn->nr_hdr ? MST_NOREPLY : MST_CONTINUE;
    if (!conn->in_msg)
        return ok;
    msg = &conn->msg;
    auth_msg_header(msg->auth, name, value);
    if (conn->leadspc && *value == ' ') /* the rest wants it without */
        value++;
    if (alert_is_own_header(name, value))
        msg->own_alert = true;
    mauth_header(conn, name, value);
    if (msg->dir == FLOW_OUTBOUND && !msg->null_sender) {
        if (msg->message_id == NULL && strcasecmp(name, "Message-ID") == 0)
            mctx_set_message_id(msg, value);
        return ok;
    }
    if (!msg->null_sender && flow_header_is_bounce_hint(name, value))
        msg->bounce_hint = true;
    (void)mctx_add_header(msg, name, value);
    return ok;
}

/* Records what we send, so that later bounces can be joined to it. */
static void track_outbound(struct mtx *ctx, struct mctx_conn *conn)
{
    struct mctx_msg *msg = &conn->msg;
    const char **rcpts;
    struct outbound_msg m;
    size_t n = 0;

    struct store *st = mrt_store(conn->set);

    if (st == NULL || msg->nrcpts == 0)
        return;
    rcpts = calloc(msg->nrcpts, sizeof *rcpts);
    if (rcpts == NULL)
        return;
    for (size_t i = 0; i < msg->nrcpts; i++)
        if (msg->rcpts[i].act != FLOW_ACT_REMOVE)
            rcpts[n++] = msg->rcpts[i].addr;
    memset(&m, 0, sizeof m);
    m.message_id = msg->message_id;
    m.queue_id = qid(ctx, conn);
    m.sender = msg->sender;
    m.recipients = rcpts;
    m.nrecipients = n;
    m.when = (long long)time(NULL);
    m.envelope_id = msg->envelope_id;
    monitor_sent(msg->sender, rcpts, n);
    if (n > 0 && store_track_outbound(st, &m) != 0)
        log_warning(m.queue_id, "outbound tracking queue full; message not "
                                "tracked");
    free(rcpts);
}

/* DATA (negotiated with milter.message_ids = "logfeed"): an outbound
 * message with nothing to do at its headers or end is tracked without its
 * Message-ID, which the log feed adds from the MTA's log, and accepted, so
 * the MTA sends this filter neither its headers nor its body. */
static enum mstat cb_data(struct mtx *ctx)
{
    struct mctx_conn *conn = CONN(ctx);
    struct flow_data_facts f;

    if (conn == NULL || !conn->in_msg)
        return MST_CONTINUE;
    f.dir = conn->msg.dir;
    f.null_sender = conn->msg.null_sender;
    f.non_smtp = conn->non_smtp;
    f.ids_logged = flow_message_ids_logged(&conn->set->milter) &&
                   mrt_feed_running();
    f.nenforce = conn->msg.nenforce;
    f.sign_sender = conn->prvs;
    f.auth_settled = auth_msg_settled(conn->msg.auth);
    if (!flow_accept_at_data(&f))
        return MST_CONTINUE;
    track_outbound(ctx, conn);
    mrt_data_accepted();
    log_debug(qid(ctx, conn), "data: outbound, accepted before the headers");
    mctx_msg_end(conn);
    return MST_ACCEPT;
}

static enum mstat cb_eoh(struct mtx *ctx)
{
    struct mctx_conn *conn = CONN(ctx);
    struct mctx_msg *msg;

    if (conn == NULL || !conn->in_msg)
        return MST_CONTINUE;
    msg = &conn->msg;
    if (msg->own_alert) { /* loop safety: our alerts are not looked at */
        mctx_msg_end(conn);
        return MST_ACCEPT;
    }
    auth_msg_eoh(msg->auth);
    if (msg->null_sender || (msg->dir == FLOW_INBOUND && msg->bounce_hint)) {
        msg->candidate = true;
        (void)mctx_add_eoh(msg);
        return MST_CONTINUE;
    }
    if (msg->dir == FLOW_OUTBOUND) {
        if (!auth_msg_needs_body(msg->auth))
            mauth_outbound_done(conn, qid(ctx, conn));
        if (msg->nenforce > 0 || conn->prvs || auth_msg_needs_body(msg->auth))
            return MST_CONTINUE; /* remove / tag / sign / DKIM at EOM */
        track_outbound(ctx, conn);
    }
    mctx_msg_end(conn);
    return MST_ACCEPT; /* nothing more to see: no body, no EOM */
}

static enum mstat cb_body(struct mtx *ctx, const unsigned char *data,
                          size_t len)
{
    struct mctx_conn *conn = CONN(ctx);
    bool dkim;

    if (conn == NULL || !conn->in_msg)
        return conn != NULL && conn->skip_ok ? MST_SKIP : MST_CONTINUE;
    auth_msg_body(conn->msg.auth, data, len);
    dkim = auth_msg_needs_body(conn->msg.auth);
    if (!conn->msg.candidate)
        return conn->skip_ok && !dkim ? MST_SKIP : MST_CONTINUE;
    if (!mctx_add_body(&conn->msg, data, len) && conn->skip_ok && !dkim)
        return MST_SKIP; /* cap reached: the rest is not needed */
    return MST_CONTINUE;
}

/* A header we add: with SMFIP_HDR_LEADSPC the MTA writes "name:value",
 * so the value brings its own SP. */
static int add_header(struct mtx *ctx, const struct mctx_conn *conn, int index,
                      const char *name, const char *value)
{
    char buf[1024];

    snprintf(buf, sizeof buf, "%s%s", conn->leadspc ? " " : "", value);
    return index < 0 ? mtx_addheader(ctx, name, buf)
                     : mtx_insheader(ctx, index, name, buf);
}

static void bounce_headers(struct mtx *ctx, struct mctx_conn *conn,
                           const struct mbounce *b)
{
    char value[600];

    for (size_t i = 0; b->report != NULL && b->verdicts != NULL &&
                       i < b->report->nrcpts && i < 10;
         i++) {
        if (b->report->rcpts[i].recipient == NULL)
            continue;
        mbounce_header_value(b, i, value, sizeof value);
        if (add_header(ctx, conn, -1, "X-Bounceguard-Verdict", value) !=
            0)
            log_warning(qid(ctx, conn), "cannot add verdict header");
    }
}

/* RFC 8601 section 5: the Authentication-Results fields claiming our
 * authserv-id did not come from us, and go before ours is added.  The last
 * first: Postfix numbers the fields a deletion leaves, Sendmail the
 * original ones; from the end both name the same field. */
static void remove_forged_auth_results(struct mtx *ctx, struct mctx_conn *conn)
{
    const struct mctx_msg *msg = &conn->msg;
    struct auth_ctx *auth = mrt_auth(conn->set);
    const char *id = auth != NULL ? auth_authserv_id(auth) : "";

    for (size_t i = msg->nar_ours; i-- > 0;) {
        int n = msg->ar_ours[i];

        if (mtx_chgheader(ctx, n, "Authentication-Results", NULL) == 0)
            log_info(qid(ctx, conn),
                     "auth: removed forged Authentication-Results "
                     "(authserv-id %s), field %d",
                     id, n);
        else
            log_warning(qid(ctx, conn),
                        "auth: cannot remove forged Authentication-Results "
                        "(authserv-id %s), field %d",
                        id, n);
    }
    if (msg->ar_ours_over > 0)
        log_warning(qid(ctx, conn),
                    "auth: %zu more forged Authentication-Results "
                    "(authserv-id %s) not removed: over %d",
                    msg->ar_ours_over, id, MCTX_AR_MAX);
}

/* Inbound bounce: the SPF/DKIM results (milter_auth.h), and their
 * Authentication-Results header (RFC 8601) when configured, in place of
 * any claiming to be ours. */
static void auth_bounce_done(struct mtx *ctx, struct mctx_conn *conn)
{
    const char *ar = mauth_bounce_done(conn, qid(ctx, conn));

    if (ar == NULL)
        return;
    remove_forged_auth_results(ctx, conn);
    if (add_header(ctx, conn, 0, "Authentication-Results", ar) != 0)
        log_warning(qid(ctx, conn), "cannot add Authentication-Results");
}

static enum mstat eom_bounce(struct mtx *ctx, struct mctx_conn *conn)
{
    struct mctx_msg *msg = &conn->msg;
    struct mrules *mr = mrt_rules_ref(conn->set);
    struct mbounce b;
    const char **rcpts;
    bool discard = false;

    (void)qid(ctx, conn);
    if (mr == NULL) {
        log_error(msg->queue_id, "bounce: no classification rules loaded");
        return MST_ACCEPT;
    }
    auth_bounce_done(ctx, conn);
    mbounce_process(mrt_store(conn->set), mrt_alerts(conn->set),
                    mrt_auth(conn->set), mr->rules, conn, time(NULL), &b);
    if (conn->set->milter.add_header)
        bounce_headers(ctx, conn, &b);
    rcpts = calloc(msg->nrcpts + 1, sizeof *rcpts);
    if (rcpts != NULL) {
        for (size_t i = 0; i < msg->nrcpts; i++)
            rcpts[i] = msg->rcpts[i].addr;
        discard = b.report != NULL && b.report->kind == REPORT_BOUNCE &&
                  flow_discard_bounce(&conn->set->milter, rcpts, msg->nrcpts);
        free(rcpts);
    }
    if (discard)
        log_notice(msg->queue_id, "bounce: processed and discarded "
                                  "(addressed to milter.discard_bounces_to)");
    mbounce_clear(&b);
    mrt_rules_unref(&mr);
    return discard ? MST_DISCARD : MST_ACCEPT;
}

/* prvs: the envelope sender signed (auth.prvs_sign), so that bounces to
 * it can be told from forged ones. */
static void eom_sign(struct mtx *ctx, struct mctx_conn *conn)
{
    char signed_from[FLOW_ADDR_MAX], angle[FLOW_ADDR_MAX + 2];
    struct auth_ctx *auth = mrt_auth(conn->set);

    if (!conn->prvs || auth == NULL ||
        !auth_prvs_sign(auth, conn->msg.sender, time(NULL), signed_from,
                        sizeof signed_from))
        return;
    snprintf(angle, sizeof angle, "<%s>", signed_from);
    if (mtx_chgfrom(ctx, angle) != 0)
        log_warning(qid(ctx, conn), "cannot sign the sender <%s>",
                    conn->msg.sender);
    else
        log_debug(qid(ctx, conn), "sender signed: <%s>", signed_from);
}

/* remove / tag: the recipients marked at RCPT time. */
static enum mstat eom_enforce(struct mtx *ctx, struct mctx_conn *conn)
{
    struct mctx_msg *msg = &conn->msg;
    size_t removed = 0;
    char value[600];

    for (size_t i = 0; i < msg->nrcpts; i++) {
        struct mctx_rcpt *r = &msg->rcpts[i];
        char angle[FLOW_ADDR_MAX + 2];

        if (r->act == FLOW_ACT_REMOVE) {
            snprintf(angle, sizeof angle, "<%s>", r->addr);
            if (mtx_delrcpt(ctx, angle) == 0)
                removed++;
            else
                log_warning(qid(ctx, conn), "cannot remove <%s>", r->addr);
        } else if (r->act == FLOW_ACT_TAG) {
            snprintf(value, sizeof value, "%s %s %s", r->addr,
                     bucket_name(r->bucket), r->reason);
            (void)add_header(ctx, conn, -1, "X-Bounceguard-Suppressed", value);
        }
    }
    track_outbound(ctx, conn);
    if (removed == 0 || removed < msg->rcpts_seen)
        eom_sign(ctx, conn);
    if (removed > 0 && removed == msg->rcpts_seen) {
        log_notice(qid(ctx, conn),
                   "discard: every recipient is suppressed "
                   "(%zu removed)",
                   removed);
        return MST_DISCARD;
    }
    return MST_CONTINUE;
}

static enum mstat cb_eom(struct mtx *ctx)
{
    struct mctx_conn *conn = CONN(ctx);
    enum mstat st = MST_CONTINUE;

    if (conn == NULL || !conn->in_msg)
        return MST_CONTINUE;
    if (conn->msg.candidate)
        st = eom_bounce(ctx, conn);
    else if (conn->msg.dir == FLOW_OUTBOUND) {
        mauth_outbound_done(conn, qid(ctx, conn));
        st = eom_enforce(ctx, conn);
    }
    mctx_msg_end(conn);
    return st;
}

static enum mstat cb_abort(struct mtx *ctx)
{
    struct mctx_conn *conn = CONN(ctx);

    if (conn != NULL)
        mctx_msg_end(conn);
    return MST_CONTINUE;
}

static enum mstat cb_close(struct mtx *ctx)
{
    struct mctx_conn *conn = CONN(ctx);

    mtx_setpriv(ctx, NULL);
    mctx_conn_free(&conn);
    return MST_CONTINUE;
}

/* ----------------------------------------------- counted entry points */

static void milter_enter(void)
{
    mrt_enter();
}

static enum mstat milter_leave(enum mstat status)
{
    mrt_leave();
    return status;
}

static enum mstat w_negotiate(struct mtx *ctx, unsigned long f0,
                              unsigned long f1, unsigned long *pf0,
                              unsigned long *pf1)
{
    milter_enter();
    return milter_leave(cb_negotiate(ctx, f0, f1, pf0, pf1));
}

static enum mstat w_connect(struct mtx *ctx, const char *hostname,
                            const char *addr, unsigned port)
{
    milter_enter();
    return milter_leave(cb_connect(ctx, hostname, addr, port));
}

static enum mstat w_helo(struct mtx *ctx, const char *helo)
{
    milter_enter();
    return milter_leave(cb_helo(ctx, helo));
}

static enum mstat w_envfrom(struct mtx *ctx, char **argv)
{
    milter_enter();
    return milter_leave(cb_envfrom(ctx, argv));
}

static enum mstat w_envrcpt(struct mtx *ctx, char **argv)
{
    milter_enter();
    return milter_leave(cb_envrcpt(ctx, argv));
}

static enum mstat w_header(struct mtx *ctx, const char *name,
                           const char *value)
{
    milter_enter();
    return milter_leave(cb_header(ctx, name, value));
}

static enum mstat w_data(struct mtx *ctx)
{
    milter_enter();
    return milter_leave(cb_data(ctx));
}

static enum mstat w_eoh(struct mtx *ctx)
{
    milter_enter();
    return milter_leave(cb_eoh(ctx));
}

static enum mstat w_body(struct mtx *ctx, const unsigned char *data,
                         size_t len)
{
    milter_enter();
    return milter_leave(cb_body(ctx, data, len));
}

static enum mstat w_eom(struct mtx *ctx)
{
    milter_enter();
    return milter_leave(cb_eom(ctx));
}

static enum mstat w_abort(struct mtx *ctx)
{
    milter_enter();
    return milter_leave(cb_abort(ctx));
}

static enum mstat w_close(struct mtx *ctx)
{
    milter_enter();
    return milter_leave(cb_close(ctx));
}

static const struct milter_callbacks milter_cb = {
    .negotiate = w_negotiate,
    .connect = w_connect,
    .helo = w_helo,
    .envfrom = w_envfrom,
    .envrcpt = w_envrcpt,
    .data = w_data,
    .header = w_header,
    .eoh = w_eoh,
    .body = w_body,
    .eom = w_eom,
    .abort = w_abort,
    .close = w_close,
};

/* --------------------------------------------------------- milter.h */

const struct milter_callbacks *milter_callbacks(void)
{
    return &milter_cb;
}

/* Opens the store and loads the rules when the configuration is already
 * installed; otherwise the first connection does it.  Rules that do not
 * load are a start-up error; a store that does not open is not (mail
 * flows unchecked, and the store is tried again). */
int milter_start(char **error_r)
{
    struct bg_config *cfg = cfg_current();
    const struct bg_settings *set;

    if (cfg == NULL)
        return 0;
    set = cfg_settings(cfg);
    if (!mrt_rules_install(set)) {
        *error_r = strdup("cannot load the classification rules");
        cfg_unref(&cfg);
        return -1;
    }
    mrt_warm(set); /* opens the store, starts the alerts */
    cfg_unref(&cfg);
    return 0;
}

int milter_reload_rules(const struct bg_settings *set)
{
    return mrt_rules_install(set) ? 0 : -1;
}

void milter_reloaded(void)
{
    struct bg_config *cfg = cfg_current();

    if (cfg == NULL)
        return;
    mrt_feed_restart(cfg_settings(cfg)); /* with the new rules */
    cfg_unref(&cfg);
}

void milter_tick(void)
{
    struct bg_config *cfg = cfg_current();

    if (cfg == NULL)
        return;
    mrt_tick(cfg_settings(cfg));
    cfg_unref(&cfg);
}

void milter_shutdown(void)
{
    int busy = mrt_wait_idle(MILTER_SHUTDOWN_WAIT_MS);

    if (busy > 0) {
        /* Freeing the store, rules or alerts under a running callback
         * would be a use after free: the process exit reclaims them. */
        log_warning(NULL,
                    "stopping with %d callback(s) still running: the store "
                    "is not flushed, pending decisions may be lost",
                    busy);
        return;
    }
    mrt_close();
}
