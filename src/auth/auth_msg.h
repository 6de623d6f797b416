/*
 * auth_msg.h - the SPF/DKIM work of one message, shaped like the milter
 * phases so that each milter callback forwards to it in one line:
 *
 *   envfrom  auth_msg_begin(auth, &info, &m)   (info: direction, client,
 *                                               HELO, envelope sender)
 *   header   auth_msg_header(m, name, value)
 *   eoh      auth_msg_eoh(m)
 *   body     auth_msg_body(m, data, len)
 *   eom      auth_msg_eom(m, &result)
 *   close    auth_msg_free(&m)                 (also on abort)
 *
 * Outbound (AUTH_MSG_OUTBOUND, with auth.outbound_check on): DKIM is
 * verified only while the cached result of the envelope domain and the
 * From domain is stale, so the steady state hashes no body and asks no
 * DNS; the header fields are kept until auth_msg_eoh() knows the From
 * domain and decides (a header over 256 KB is not verified).
 * result.sender says whether SPF, DKIM or their alignment with From is
 * broken (then the milter submits ALERT_OUTBOUND_SPF / _DKIM / _DMARC).
 * Inbound bounces (AUTH_MSG_BOUNCE, with auth.inbound_check on): SPF of the
 * client (HELO identity for the null sender) and DKIM; result.bounce holds
 * the inputs of credible_decide() and the Authentication-Results value.
 * Anything else: nothing is done and auth_msg_begin() sets *m_r = NULL
 * (every other call accepts NULL).
 *
 * Not thread-safe per message (one milter thread at a time); the shared
 * struct auth_ctx is.
 */
#ifndef BG_AUTH_MSG_H
#define BG_AUTH_MSG_H

#include <stdbool.h>
#include <stddef.h>

#include "auth/auth.h"

enum auth_msg_kind {
    AUTH_MSG_NONE = 0, /* nothing to check */
    AUTH_MSG_OUTBOUND, /* our mail leaving (after the signing milter) */
    AUTH_MSG_BOUNCE,   /* a bounce arriving from outside */
};

struct auth_msg_info {
    enum auth_msg_kind kind;
    const char *queue_id;  /* may be NULL */
    const char *client_ip; /* literal; NULL: no SPF check */
    const char *helo;
    const char *mail_from; /* envelope sender, "" for <> */
};

struct auth_msg_result {
    enum auth_msg_kind kind;
    char from_domain[AUTH_DOMAIN_MAX]; /* of the From header, or "" */
    struct auth_dkim_result dkim;      /* AUTHRES_NONE when not verified */
    bool dkim_verified;                /* this message was verified */
    struct auth_sender_result sender;  /* AUTH_MSG_OUTBOUND */
    struct auth_bounce_result bounce;  /* AUTH_MSG_BOUNCE */
};

struct auth_msg;

/* ctx may be NULL (checks off).  Returns 0 (with *m_r NULL when there is
 * nothing to do) or -1 with *error_r. */
int auth_msg_begin(struct auth_ctx *ctx, const struct auth_settings *set,
                   const struct auth_msg_info *info, struct auth_msg **m_r,
                   const char **error_r);
/* Header values come exactly as they follow the colon (the milter
 * negotiated SMFIP_HDR_LEADSPC), not one SP shorter (the default); see
 * auth_dkim_header().  m may be NULL. */
void auth_msg_set_header_leadspc(struct auth_msg *m, bool on);
void auth_msg_header(struct auth_msg *m, const char *name, const char *value);
void auth_msg_eoh(struct auth_msg *m);
void auth_msg_body(struct auth_msg *m, const unsigned char *buf, size_t len);
/* Whether the body is still wanted (a DKIM verification runs); when it is
 * not, auth_msg_eom() may be called right after auth_msg_eoh() and the
 * milter may skip the body (SMFIS_ACCEPT / SMFIS_SKIP). */
bool auth_msg_needs_body(const struct auth_msg *m);
/* Whether the message needs no look at its headers or body: nothing to
 * check (m is NULL) or an outbound message whose envelope domain has a
 * fresh, healthy verdict (auth_sender_settled()).  The milter then accepts
 * it at DATA and calls neither auth_msg_eoh() nor auth_msg_eom(). */
bool auth_msg_settled(const struct auth_msg *m);
/* Fills *r; returns false when m is NULL (nothing was checked). */
bool auth_msg_eom(struct auth_msg *m, struct auth_msg_result *r);
void auth_msg_free(struct auth_msg **m);

/* The domain of the first address in a From field value, lower-cased,
 * into out[size]; false when there is none.  Pure. */
bool auth_msg_from_domain(const char *value, char *out, size_t size);

#endif
