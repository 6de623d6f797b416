/*
 * auth.h - SPF (RFC 7208, libspf2) and DKIM (RFC 6376, libopendkim) checks
 * behind one small interface, with one DNS path (dnsq.h: the configured
 * resolver, timeouts, an answer cache).  Temporary DNS failures give
 * "temperror", never "fail".
 *
 * Start-up:   auth_new(&settings->auth, &auth, &error)  (also loads the
 *             prvs keyring and the public suffix list when configured)
 * Outbound (mail leaving through us; bounceguard placed after the DKIM
 * signing milter):
 *             if (auth_dkim_wanted(auth, sender_domain, from_domain))
 *             feed the message
 *             to auth_dkim_begin/_header/_eoh/_body/_end, then
 *             auth_check_sender(auth, mail_from, from_domain, &dkim, &r);
 *             (auth_msg.h does all this in one call per milter phase)
 *             r.broken -> alert_submit(ALERT_OUTBOUND_SPF / _DKIM).
 *             Results are cached per domain (SPF for every egress address,
 *             DKIM per envelope sender domain) for cache_ttl_max (at least a
 * minute): in the steady state neither DNS nor body hashing happens, and
 * auth_sender_settled() says when even the headers need no look. Inbound
 * bounces from outside: feed the bounce to auth_dkim_*, then
 *             auth_check_bounce(auth, client_ip, helo, mail_from, &dkim, &r)
 *             gives r.spf (HELO identity for the null sender) and r.dkim,
 *             the inputs of credible_decide(), and r.header, the
 *             Authentication-Results value when add_auth_results is on.
 * Signing:    auth_prvs() gives the keyring (NULL when prvs is off).
 *
 * Thread-safe: struct auth_ctx is shared by all milter threads; a struct
 * auth_dkim belongs to one message (one thread at a time).
 */
#ifndef BG_AUTH_H
#define BG_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "auth/authres.h"
#include "auth/credible.h"
#include "auth/prvs.h"
#include "common/settings.h"

#define AUTH_DOMAIN_MAX 256

struct auth_ctx;
struct auth_dkim;

int auth_new(const struct auth_settings *set, struct auth_ctx **ctx_r,
             const char **error_r);
void auth_free(struct auth_ctx **ctx);

/* ------------------------------------------------------------------ SPF */

/* check_host() for one client: the identity is mail_from, or
 * "postmaster@helo" when mail_from is empty (RFC 7208 2.3/2.4).  ip is an
 * IPv4 or IPv6 literal.  explain (may be NULL) receives a short reason. */
enum authres auth_spf(struct auth_ctx *ctx, const char *ip, const char *helo,
                      const char *mail_from, char *explain,
                      size_t explain_size);

/* ----------------------------------------------------------------- DKIM */

struct auth_dkim_result {
    enum authres result;          /* best signature */
    char domain[AUTH_DOMAIN_MAX]; /* d= of that signature, or "" */
    char selector[64];            /* s= of that signature, or "" */
    bool aligned;                 /* a passing signature aligned with
                                     the From domain (relaxed) */
    unsigned nsigs;
    char error[128]; /* libopendkim's complaint, or "" */
};

/* Whether an outbound message of this envelope sender domain and From
 * domain needs verifying now (false while a fresh cached result exists). */
bool auth_dkim_wanted(struct auth_ctx *ctx, const char *sender_domain,
                      const char *from_domain);

int auth_dkim_begin(struct auth_ctx *ctx, const char *queue_id,
                    struct auth_dkim **d_r, const char **error_r);
/* One header field as the milter passes it by default: name and value
 * with one leading SP taken off by the MTA (if there was one).  For
 * "simple" header canonicalization the field is rebuilt as "name: value",
 * or "name:value" when the value starts with a tab or a line break; a
 * field written "name:value" or "name: <tab>..." cannot be told apart and
 * fails a simple-canonicalized signature (relaxed is unaffected): use
 * auth_dkim_header_raw() when the MTA sends the value untouched
 * (SMFIP_HDR_LEADSPC).  Bare LF become CRLF. */
int auth_dkim_header(struct auth_dkim *d, const char *name, const char *value);
/* The same with value exactly as it follows the colon. */
int auth_dkim_header_raw(struct auth_dkim *d, const char *name,
                         const char *value);
int auth_dkim_eoh(struct auth_dkim *d);
int auth_dkim_body(struct auth_dkim *d, const unsigned char *buf, size_t len);
/* Finishes; from_domain (may be NULL) is used for alignment. */
void auth_dkim_end(struct auth_dkim *d, const char *from_domain,
                   struct auth_dkim_result *r);
void auth_dkim_free(struct auth_dkim **d);

/* ------------------------------------------------------------- outbound */

struct auth_sender_result {
    enum authres spf;  /* worst over the egress addresses */
    char spf_ip[64];   /* the address that did worst */
    enum authres dkim; /* AUTHRES_NONE when not verified */
    bool dkim_aligned;
    bool spf_aligned; /* the envelope domain aligns with From (relaxed) */
    bool spf_checked; /* egress addresses configured, sender has a domain */
    bool dkim_known;  /* verified now or found in the cache */
    bool spf_cached, dkim_cached; /* came from the result cache */
    bool broken;                  /* something for the admin */
    enum {
        AUTH_BROKEN_NONE,
        AUTH_BROKEN_SPF,
        AUTH_BROKEN_DKIM,
        AUTH_BROKEN_DMARC /* neither SPF nor DKIM aligned with From */
    } what;
    const char *reason; /* static: "spf_fail", "spf_softfail",
                           "spf_permerror", "dkim_fail", "dkim_permerror",
                           "dkim_unaligned", "dmarc_unaligned" */
};

/* mail_from: the envelope sender (prvs-signed or not); from_domain: the
 * From header's domain; dkim: the result of this message's verification,
 * or NULL when auth_dkim_wanted() said no (the cached one is used). */
void auth_check_sender(struct auth_ctx *ctx, const char *mail_from,
                       const char *from_domain,
                       const struct auth_dkim_result *dkim,
                       struct auth_sender_result *r);
/* True while the last auth_check_sender() of this envelope sender's
 * domain is fresh (cache_ttl_max, at least a minute) and found nothing
 * broken, no temporary error and a From domain: then the next message of
 * the domain need not be looked at (the milter accepts it at DATA).  A
 * broken domain is never settled, so each of its messages is counted. */
bool auth_sender_settled(struct auth_ctx *ctx, const char *mail_from);

/* ------------------------------------------------------------- inbound */

struct auth_bounce_result {
    enum authres spf;
    enum authres dkim;
    char spf_domain[AUTH_DOMAIN_MAX]; /* the identity's domain */
    bool helo_identity;               /* SPF checked the HELO name */
    char header[512];                 /* Authentication-Results value */
};

void auth_check_bounce(struct auth_ctx *ctx, const char *ip, const char *helo,
                       const char *mail_from,
                       const struct auth_dkim_result *dkim,
                       struct auth_bounce_result *r);

/* ---------------------------------------------------------------- other */

/* The prvs keyring, or NULL when prvs_sign is off. */
const struct prvs_keyring *auth_prvs(const struct auth_ctx *ctx);
/* Outbound: the signed envelope sender into out[size] when prvs_sign is
 * on and sender is signable (then smfi_chgfrom at end of message);
 * false otherwise (leave the sender alone). */
bool auth_prvs_sign(const struct auth_ctx *ctx, const char *sender, time_t now,
                    char *out, size_t size);
/* Bounces: the prvs state of the envelope recipient for credible_decide()
 * (PRVS_UNSIGNED when prvs is off); orig (may be NULL) receives the
 * address without the tag (also when prvs is off: signing was stopped). */
enum prvs_result auth_prvs_check(const struct auth_ctx *ctx, const char *rcpt,
                                 time_t now, char *orig, size_t orig_size);
/* credibility mode from the settings. */
enum credible_mode auth_credible_mode(const struct auth_ctx *ctx);
/* The authserv-id our Authentication-Results fields carry (auth.authserv_id
 * or the host name, as taken when the context was made). */
const char *auth_authserv_id(const struct auth_ctx *ctx);

struct auth_stats {
    unsigned long spf_checks, dkim_checks;
    unsigned long result_cache_hits;
    unsigned long dns_queries, dns_cache_hits, dns_sent, dns_tempfail;
};
void auth_stats(struct auth_ctx *ctx, struct auth_stats *st);

#endif
