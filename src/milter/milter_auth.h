/*
 * milter_auth.h - the SPF/DKIM part of the milter's mail flow: which
 * messages are checked (auth/auth_msg.h does the checking) and what
 * becomes of the results.
 *
 *   MAIL   mauth_begin(): our outbound mail with auth.outbound_check, a
 *          null-sender bounce from outside with auth.inbound_check; the
 *          glue then forwards header, EOH and body to conn->msg.auth
 *   header mauth_header(): for such a bounce with auth.add_auth_results,
 *          the Authentication-Results fields are counted and the numbers
 *          of those claiming our authserv-id (authres_field_claims(),
 *          case-insensitive) kept in conn->msg.ar_ours (milter_ctx.h)
 *   EOH or EOM (outbound, once no body is needed any more)
 *          mauth_outbound_done(): the verdict on our own SPF/DKIM; a
 *          DKIM verification (not a cached result) is logged with the
 *          signature's d= and s=; when the verdict is broken, a log line
 *          and, with alerts.outbound_auth, an ALERT_OUTBOUND_SPF/_DKIM
 *          event (the alert service keeps it to one per key and window;
 *          a DKIM one carries "dkim=RESULT d=... s=..." as its sample)
 *   EOM (bounce, before it is processed)
 *          mauth_bounce_done(): the results land in conn->msg.auth_r,
 *          where milter_bounce.c takes SPF and DKIM for credible_decide();
 *          returns the Authentication-Results value (RFC 8601) to add
 *          when auth.add_auth_results is on, else NULL; the glue then
 *          first removes the fields kept at header time (RFC 8601
 *          section 5: an MTA removes the fields claiming its authserv-id
 *          from mail arriving from outside).
 *
 * No libmilter include: the glue adds the header.  The queue id is passed
 * in (may be NULL).  Called from one connection's thread; the shared auth
 * and alert contexts are thread-safe.
 */
#ifndef BG_MILTER_AUTH_H
#define BG_MILTER_AUTH_H

#include "milter/milter_ctx.h"

void mauth_begin(struct mctx_conn *conn, const char *queue_id);
void mauth_header(struct mctx_conn *conn, const char *name, const char *value);
void mauth_outbound_done(struct mctx_conn *conn, const char *queue_id);
const char *mauth_bounce_done(struct mctx_conn *conn, const char *queue_id);

#endif
