/*
 * milter_auth.c - SPF/DKIM in the milter's mail flow (see milter_auth.h).
 */
#include "milter/milter_auth.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "alert/alert.h"
#include "auth/auth.h"
#include "auth/auth_msg.h"
#include "auth/authres.h"
#include "common/log.h"
#include "common/settings.h"
#include "milter/milter_rt.h"

void mauth_begin(struct mctx_conn *conn, const char *queue_id)
{
    struct mctx_msg *msg = &conn->msg;
    const struct auth_settings *as = &conn->set->auth;
    struct auth_msg_info info;
    const char *err = NULL;

    memset(&info, 0, sizeof info);
    if (msg->dir == FLOW_OUTBOUND && !msg->null_sender && as->outbound_check)
        info.kind = AUTH_MSG_OUTBOUND;
    else if (msg->dir == FLOW_INBOUND && msg->null_sender &&
             !conn->non_smtp && as->inbound_check)
        info.kind = AUTH_MSG_BOUNCE;
    else
        return;
    info.queue_id = queue_id;
    info.client_ip = conn->client_addr;
    info.helo = conn->helo;
    info.mail_from = msg->sender;
    if (auth_msg_begin(mrt_auth(conn->set), as, &info, &msg->auth, &err) != 0)
        log_warning(queue_id, "auth: %s", err != NULL ? err : "failed");
    auth_msg_set_header_leadspc(msg->auth, conn->leadspc);
    msg->ar_strip = info.kind == AUTH_MSG_BOUNCE && msg->auth != NULL &&
                    as->add_auth_results;
}

void mauth_header(struct mctx_conn *conn, const char *name, const char *value)
{
    struct mctx_msg *msg = &conn->msg;
    struct auth_ctx *auth;

    if (!msg->ar_strip || strcasecmp(name, "Authentication-Results") != 0)
        return;
    auth = mrt_auth(conn->set);
    (void)mctx_add_authres(
        msg,
        auth != NULL && authres_field_claims(value, auth_authserv_id(auth)));
}

static void outbound_alert(const struct mctx_conn *conn, const char *queue_id)
{
    const struct mctx_msg *msg = &conn->msg;
    const struct auth_sender_result *r = &msg->auth_r.sender;
    const char *at = strrchr(msg->sender, '@');
    struct alert_service *alerts = mrt_alerts(conn->set);
    struct alert_event ev;
    char sample[2 * AUTH_DOMAIN_MAX + 96];

    if (!conn->set->alerts.outbound_auth || alerts == NULL)
        return;
    memset(&ev, 0, sizeof ev);
    ev.kind = r->what == AUTH_BROKEN_SPF     ? ALERT_OUTBOUND_SPF
              : r->what == AUTH_BROKEN_DMARC ? ALERT_OUTBOUND_DMARC
                                             : ALERT_OUTBOUND_DKIM;
    ev.when = time(NULL);
    ev.sender_domain = at != NULL ? at + 1 : msg->sender;
    ev.rcpt_domain =
        r->what == AUTH_BROKEN_SPF ? r->spf_ip : msg->auth_r.from_domain;
    ev.reason = r->reason != NULL ? r->reason : "broken";
    ev.queue_id = queue_id;
    /* the signature behind a DKIM alert, when this message was verified */
    if (r->what == AUTH_BROKEN_DKIM && msg->auth_r.dkim_verified &&
        msg->auth_r.dkim.domain[0] != '\0') {
        snprintf(sample, sizeof sample, "dkim=%s d=%s s=%s",
                 authres_name(msg->auth_r.dkim.result), msg->auth_r.dkim.domain,
                 msg->auth_r.dkim.selector);
        ev.diagnostic = sample;
    }
    /* what DMARC would see: the envelope domain against the From domain */
    if (r->what == AUTH_BROKEN_DMARC) {
        snprintf(sample, sizeof sample,
                 "spf=%s for %s (%s with From %s), dkim=%s",
                 authres_name(r->spf), ev.sender_domain,
                 r->spf_aligned ? "aligned" : "not aligned",
                 msg->auth_r.from_domain, authres_name(r->dkim));
        ev.diagnostic = sample;
    }
    (void)alert_submit(alerts, &ev);
}

/* The result of a verification (not of the cache): once per sender
 * domain and cache lifetime, so an admin sees what the signer does. */
static void outbound_log_dkim(const struct mctx_msg *msg, const char *queue_id)
{
    const struct auth_dkim_result *d = &msg->auth_r.dkim;

    if (!msg->auth_r.dkim_verified || d->result == AUTHRES_NONE)
        return;
    if (d->result == AUTHRES_PASS)
        log_info(queue_id,
                 "auth: outbound from=<%s>: dkim=pass (d=%s s=%s, %s)",
                 msg->sender, d->domain, d->selector,
                 d->aligned ? "aligned" : "not aligned");
    else
        log_info(queue_id, "auth: outbound from=<%s>: dkim=%s (d=%s s=%s)%s%s",
                 msg->sender, authres_name(d->result), d->domain, d->selector,
                 d->error[0] != '\0' ? ": " : "", d->error);
}

void mauth_outbound_done(struct mctx_conn *conn, const char *queue_id)
{
    struct mctx_msg *msg = &conn->msg;
    const struct auth_sender_result *r = &msg->auth_r.sender;

    if (msg->auth == NULL || msg->auth_done)
        return;
    msg->auth_done = auth_msg_eom(msg->auth, &msg->auth_r);
    if (!msg->auth_done)
        return;
    outbound_log_dkim(msg, queue_id);
    if (!r->broken)
        return;
    log_notice(
        queue_id, "auth: outbound from=<%s>: %s, spf=%s%s%s%s%s, dkim=%s%s%s%s",
        msg->sender, r->reason != NULL ? r->reason : "broken",
        authres_name(r->spf), r->spf_ip[0] != '\0' ? " (" : "", r->spf_ip,
        r->spf_ip[0] != '\0' ? ")" : "",
        r->spf_checked && !r->spf_aligned ? " unaligned" : "",
        authres_name(r->dkim),
        r->dkim == AUTHRES_PASS && !r->dkim_aligned ? " unaligned" : "",
        r->what == AUTH_BROKEN_DMARC ? ", From domain " : "",
        r->what == AUTH_BROKEN_DMARC ? msg->auth_r.from_domain : "");
    outbound_alert(conn, queue_id);
}

const char *mauth_bounce_done(struct mctx_conn *conn, const char *queue_id)
{
    struct mctx_msg *msg = &conn->msg;
    const struct auth_bounce_result *r = &msg->auth_r.bounce;

    if (msg->auth == NULL || msg->auth_done)
        return NULL;
    msg->auth_done = auth_msg_eom(msg->auth, &msg->auth_r);
    if (!msg->auth_done)
        return NULL;
    log_info(queue_id, "auth: bounce spf=%s (%s %s), dkim=%s",
             authres_name(r->spf), r->helo_identity ? "helo" : "mailfrom",
             r->spf_domain, authres_name(r->dkim));
    return conn->set->auth.add_auth_results && r->header[0] != '\0'
               ? r->header
               : NULL;
}
