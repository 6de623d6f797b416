/*
 * auth.c - the auth context: SPF checks, outbound and inbound verdicts,
 * the per-domain result cache.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "auth/auth_int.h"
#include "auth/spfdns.h"

#define AUTH_RESULT_TTL_MIN 60

const char *auth_addr_domain(const char *addr)
{
    const char *at = addr != NULL ? strrchr(addr, '@') : NULL;
    return at != NULL ? at + 1 : "";
}

/* ------------------------------------------------------------ set-up */

static int auth_copy_egress(struct auth_ctx *ctx, const struct str_list *l,
                            const char **error_r)
{
    if (l->count == 0)
        return 0;
    if ((ctx->egress = calloc(l->count, sizeof *ctx->egress)) == NULL) {
        *error_r = "out of memory";
        return -1;
    }
    for (size_t i = 0; i < l->count; i++) {
        if ((ctx->egress[i] = strdup(l->items[i])) == NULL) {
            *error_r = "out of memory";
            return -1;
        }
        ctx->negress++;
    }
    return 0;
}

static int auth_init_dns(struct auth_ctx *ctx, const struct auth_settings *set,
                         const char **error_r)
{
    struct dnsq_settings ds = {
        .server = set->resolver,
        .timeout = set->dns_timeout > 0 ? (unsigned)set->dns_timeout : 5,
        .attempts = set->dns_attempts > 0 ? (unsigned)set->dns_attempts : 2,
        .ttl_max = (time_t)set->cache_ttl_max,
        .negative_ttl = (time_t)set->cache_negative,
        .max_entries = (size_t)set->cache_entries,
    };
    if (dnsq_new(&ds, &ctx->dns, error_r) < 0)
        return -1;
    if ((ctx->spf_layer = spfdns_new(ctx->dns)) == NULL) {
        *error_r = "out of memory";
        return -1;
    }
    return 0;
}

static int auth_init_names(struct auth_ctx *ctx,
                           const struct auth_settings *set)
{
    char host[AUTH_DOMAIN_MAX];
    if (gethostname(host, sizeof host) < 0)
        snprintf(host, sizeof host, "localhost");
    host[sizeof host - 1] = '\0';
    snprintf(ctx->helo, sizeof ctx->helo, "%s", host);
    snprintf(ctx->authserv_id, sizeof ctx->authserv_id, "%s",
             set->authserv_id != NULL ? set->authserv_id : host);
    return 0;
}

static int auth_init_files(struct auth_ctx *ctx,
                           const struct auth_settings *set,
                           const char **error_r)
{
    if (set->public_suffix_file != NULL &&
        orgdomain_list_load(set->public_suffix_file, &ctx->psl, error_r) < 0)
        return -1;
    if (set->prvs_sign &&
        prvs_keyring_load(set->prvs_key_file, (unsigned)set->prvs_key,
                          &ctx->prvs, error_r) < 0)
        return -1;
    return 0;
}

int auth_new(const struct auth_settings *set, struct auth_ctx **ctx_r,
             const char **error_r)
{
    struct auth_ctx *ctx = calloc(1, sizeof *ctx);

    *ctx_r = NULL;
    if (ctx == NULL) {
        *error_r = "out of memory";
        return -1;
    }
    pthread_mutex_init(&ctx->mu, NULL);
    ctx->result_ttl = set->cache_ttl_max > AUTH_RESULT_TTL_MIN
                          ? (time_t)set->cache_ttl_max
                          : AUTH_RESULT_TTL_MIN;
    ctx->rc_max = set->cache_entries > 0 ? (size_t)set->cache_entries : 1000;
    ctx->prvs_days = set->prvs_days > 0 ? (unsigned)set->prvs_days : 7;
    if (set->credibility == NULL ||
        !credible_mode_parse(set->credibility, &ctx->mode))
        ctx->mode = CREDIBLE_STRICT;
    auth_init_names(ctx, set);
    if (auth_copy_egress(ctx, &set->egress_addresses, error_r) < 0 ||
        auth_init_dns(ctx, set, error_r) < 0 ||
        auth_dkim_lib_init(ctx, error_r) < 0 ||
        auth_init_files(ctx, set, error_r) < 0) {
        auth_free(&ctx);
        return -1;
    }
    *ctx_r = ctx;
    return 0;
}

static void auth_rc_clear(struct auth_ctx *ctx)
{
    for (size_t i = 0; i < AUTH_RC_BUCKETS; i++) {
        while (ctx->rc[i] != NULL) {
            struct auth_rcache_entry *e = ctx->rc[i];
            ctx->rc[i] = e->next;
            free(e->key);
            free(e);
        }
    }
    ctx->rc_count = 0;
}

void auth_free(struct auth_ctx **ctxp)
{
    struct auth_ctx *ctx = *ctxp;
    if (ctx == NULL)
        return;
    auth_rc_clear(ctx);
    for (size_t i = 0; i < ctx->negress; i++)
        free(ctx->egress[i]);
    free(ctx->egress);
    if (ctx->dkim_lib != NULL)
        dkim_close(ctx->dkim_lib);
    spfdns_free(&ctx->spf_layer);
    dnsq_free(&ctx->dns);
    orgdomain_list_free(&ctx->psl);
    prvs_keyring_free(&ctx->prvs);
    pthread_mutex_destroy(&ctx->mu);
    free(ctx);
    *ctxp = NULL;
}

/* ------------------------------------------------------- result cache */

static size_t auth_rc_hash(const char *key)
{
    size_t h = 5381;
    for (; *key; key++)
        h = h * 33 + (unsigned char)(*key | 0x20);
    return h % AUTH_RC_BUCKETS;
}

/* With the mutex held: the live entry for key, or NULL. */
static struct auth_rcache_entry *auth_rc_find(struct auth_ctx *ctx,
                                              const char *key, time_t now)
{
    for (struct auth_rcache_entry *e = ctx->rc[auth_rc_hash(key)]; e;
         e = e->next)
        if (strcasecmp(e->key, key) == 0 && e->expires > now)
            return e;
    return NULL;
}

static bool auth_rc_get(struct auth_ctx *ctx, const char *key,
                        struct auth_rcache_entry *out)
{
    pthread_mutex_lock(&ctx->mu);
    struct auth_rcache_entry *e = auth_rc_find(ctx, key, time(NULL));
    if (e != NULL) {
        *out = *e;
        ctx->stats.result_cache_hits++;
    }
    pthread_mutex_unlock(&ctx->mu);
    return e != NULL;
}

/* Stores (or refreshes) key; a full cache is emptied first (rare: the
 * number of our own sending domains is small). */
static void auth_rc_put(struct auth_ctx *ctx, const char *key,
                        enum authres result, bool aligned, const char *detail)
{
    time_t now = time(NULL);
    pthread_mutex_lock(&ctx->mu);
    struct auth_rcache_entry *e = auth_rc_find(ctx, key, now);
    if (e == NULL) {
        if (ctx->rc_count >= ctx->rc_max)
            auth_rc_clear(ctx);
        if ((e = calloc(1, sizeof *e)) == NULL ||
            (e->key = strdup(key)) == NULL) {
            free(e);
            pthread_mutex_unlock(&ctx->mu);
            return;
        }
        size_t h = auth_rc_hash(key);
        e->next = ctx->rc[h];
        ctx->rc[h] = e;
        ctx->rc_count++;
    }
    e->result = result;
    e->aligned = aligned;
    snprintf(e->detail, sizeof e->detail, "%s", detail ? detail : "");
    e->expires = now + ctx->result_ttl;
    pthread_mutex_unlock(&ctx->mu);
}

/* ---------------------------------------------------------------- SPF */

static enum authres auth_spf_map(SPF_result_t r)
{
    switch (r) {
    case SPF_RESULT_PASS:
        return AUTHRES_PASS;
    case SPF_RESULT_FAIL:
        return AUTHRES_FAIL;
    case SPF_RESULT_SOFTFAIL:
        return AUTHRES_SOFTFAIL;
    case SPF_RESULT_NEUTRAL:
        return AUTHRES_NEUTRAL;
    case SPF_RESULT_NONE:
        return AUTHRES_NONE;
    case SPF_RESULT_TEMPERROR:
        return AUTHRES_TEMPERROR;
    default:
        return AUTHRES_PERMERROR;
    }
}

static int auth_spf_request(SPF_request_t *req, const char *ip,
                            const char *helo, const char *mail_from)
{
    char from[PRVS_ADDR_MAX + 16];
    int bad = strchr(ip, ':') != NULL ? SPF_request_set_ipv6_str(req, ip)
                                      : SPF_request_set_ipv4_str(req, ip);
    if (bad)
        return -1;
    if (helo != NULL && *helo != '\0')
        SPF_request_set_helo_dom(req, helo);
    if (mail_from != NULL && *mail_from != '\0')
        snprintf(from, sizeof from, "%s", mail_from);
    else if (helo != NULL && *helo != '\0')
        snprintf(from, sizeof from, "postmaster@%s", helo);
    else
        return -1;
    return SPF_request_set_env_from(req, from) == SPF_E_SUCCESS ? 0 : -1;
}

enum authres auth_spf(struct auth_ctx *ctx, const char *ip, const char *helo,
                      const char *mail_from, char *explain, size_t explain_size)
{
    SPF_server_t *srv = SPF_server_new_dns(ctx->spf_layer, 0);
    SPF_request_t *req = srv != NULL ? SPF_request_new(srv) : NULL;
    SPF_response_t *resp = NULL;
    enum authres res = AUTHRES_NONE;

    pthread_mutex_lock(&ctx->mu);
    ctx->stats.spf_checks++;
    pthread_mutex_unlock(&ctx->mu);
    if (explain != NULL && explain_size > 0)
        explain[0] = '\0';
    if (req == NULL || auth_spf_request(req, ip, helo, mail_from) < 0) {
        res = req == NULL ? AUTHRES_TEMPERROR : AUTHRES_NONE;
    } else {
        SPF_errcode_t err = SPF_request_query_mailfrom(req, &resp);
        if (resp != NULL) {
            res = auth_spf_map(SPF_response_result(resp));
            /* libspf2 reports a failed record lookup as permerror: a
             * temporary DNS failure is temperror, never worse */
            if (err == SPF_E_DNS_ERROR ||
                SPF_response_errcode(resp) == SPF_E_DNS_ERROR)
                res = AUTHRES_TEMPERROR;
            if (explain != NULL && explain_size > 0)
                snprintf(explain, explain_size, "%s",
                         SPF_strreason(SPF_response_reason(resp)));
        } else {
            res = AUTHRES_TEMPERROR;
        }
    }
    if (resp != NULL)
        SPF_response_free(resp);
    if (req != NULL)
        SPF_request_free(req);
    if (srv != NULL)
        SPF_server_free(srv);
    return res;
}

/* How bad an outbound SPF result is (higher is worse). */
static int auth_spf_badness(enum authres r)
{
    switch (r) {
    case AUTHRES_FAIL:
        return 6;
    case AUTHRES_PERMERROR:
        return 5;
    case AUTHRES_SOFTFAIL:
        return 4;
    case AUTHRES_NEUTRAL:
        return 3;
    case AUTHRES_NONE:
        return 2;
    case AUTHRES_TEMPERROR:
        return 1;
    default:
        return 0;
    }
}

/* SPF of domain for every egress address: the worst, cached. */
static void auth_spf_outbound(struct auth_ctx *ctx, const char *mail_from,
                              const char *domain, struct auth_sender_result *r)
{
    char key[AUTH_DOMAIN_MAX + 8];
    struct auth_rcache_entry hit;

    r->spf = AUTHRES_NONE;
    if (ctx->negress == 0 || *domain == '\0')
        return;
    r->spf_checked = true;
    snprintf(key, sizeof key, "spf/%s", domain);
    if (auth_rc_get(ctx, key, &hit)) {
        r->spf = hit.result;
        snprintf(r->spf_ip, sizeof r->spf_ip, "%s", hit.detail);
        r->spf_cached = true;
        return;
    }
    int worst = -1;
    for (size_t i = 0; i < ctx->negress; i++) {
        enum authres res =
            auth_spf(ctx, ctx->egress[i], ctx->helo, mail_from, NULL, 0);
        if (auth_spf_badness(res) > worst) {
            worst = auth_spf_badness(res);
            r->spf = res;
            snprintf(r->spf_ip, sizeof r->spf_ip, "%s", ctx->egress[i]);
        }
    }
    if (r->spf != AUTHRES_TEMPERROR)
        auth_rc_put(ctx, key, r->spf, false, r->spf_ip);
}

/* --------------------------------------------------------------- DKIM */

/* The result cache's key of an outbound stream's DKIM: the envelope
 * domain and the From domain (one envelope domain may carry many). */
static void auth_dkim_key(char *key, size_t size, const char *sender_domain,
                          const char *from_domain)
{
    snprintf(key, size, "dkim/%s/%s", sender_domain,
             from_domain != NULL ? from_domain : "");
}

bool auth_dkim_wanted(struct auth_ctx *ctx, const char *sender_domain,
                      const char *from_domain)
{
    char key[2 * AUTH_DOMAIN_MAX + 8];
    struct auth_rcache_entry hit;

    if (sender_domain == NULL || *sender_domain == '\0')
        return false;
    auth_dkim_key(key, sizeof key, sender_domain, from_domain);
    return !auth_rc_get(ctx, key, &hit);
}

/* Keyed by the envelope sender's domain and the From domain (a stream of
 * one envelope domain may carry the mail of many From domains); alignment
 * was judged against that From domain when the message was verified. */
static void auth_dkim_outbound(struct auth_ctx *ctx, const char *sender_domain,
                               const char *from_domain,
                               const struct auth_dkim_result *dkim,
                               struct auth_sender_result *r)
{
    char key[2 * AUTH_DOMAIN_MAX + 8];
    struct auth_rcache_entry hit;

    r->dkim = AUTHRES_NONE;
    if (sender_domain == NULL || *sender_domain == '\0')
        return;
    auth_dkim_key(key, sizeof key, sender_domain, from_domain);
    if (dkim == NULL) {
        if (auth_rc_get(ctx, key, &hit)) {
            r->dkim = hit.result;
            r->dkim_aligned = hit.aligned;
            r->dkim_cached = true;
            r->dkim_known = true;
        }
        return;
    }
    r->dkim = dkim->result;
    r->dkim_aligned = dkim->aligned;
    r->dkim_known = true;
    if (dkim->result != AUTHRES_TEMPERROR)
        auth_rc_put(ctx, key, dkim->result, dkim->aligned, dkim->domain);
}

/* What DMARC (RFC 7489) would conclude, when both halves are known: true
 * when neither an aligned SPF pass nor an aligned DKIM pass carries the
 * message.  A temporary error of either judges nothing. */
static bool auth_dmarc_would_fail(const struct auth_sender_result *r)
{
    if (!r->spf_checked || !r->dkim_known || r->spf == AUTHRES_TEMPERROR ||
        r->dkim == AUTHRES_TEMPERROR)
        return false;
    return !(r->spf == AUTHRES_PASS && r->spf_aligned) &&
           !(r->dkim == AUTHRES_PASS && r->dkim_aligned);
}

void auth_sender_verdict(struct auth_sender_result *r)
{
    r->broken = true;
    if (r->spf == AUTHRES_FAIL || r->spf == AUTHRES_SOFTFAIL ||
        r->spf == AUTHRES_PERMERROR) {
        r->what = AUTH_BROKEN_SPF;
        r->reason = r->spf == AUTHRES_FAIL       ? "spf_fail"
                    : r->spf == AUTHRES_SOFTFAIL ? "spf_softfail"
                                                 : "spf_permerror";
    } else if (r->dkim == AUTHRES_FAIL || r->dkim == AUTHRES_PERMERROR) {
        r->what = AUTH_BROKEN_DKIM;
        r->reason = r->dkim == AUTHRES_FAIL ? "dkim_fail" : "dkim_permerror";
    } else if (r->dkim == AUTHRES_PASS && !r->dkim_aligned &&
               (!r->spf_checked || auth_dmarc_would_fail(r))) {
        r->what = AUTH_BROKEN_DKIM;
        r->reason = "dkim_unaligned";
    } else if (auth_dmarc_would_fail(r)) {
        r->what = AUTH_BROKEN_DMARC;
        r->reason = "dmarc_unaligned";
    } else {
        r->broken = false;
        r->what = AUTH_BROKEN_NONE;
        r->reason = "ok";
    }
}

static void auth_settled_key(char *key, size_t size, const char *env_domain)
{
    snprintf(key, size, "settled/%s", env_domain);
}

/* Remembers a verdict that leaves nothing to look at (auth.h). */
static void auth_settle(struct auth_ctx *ctx, const char *env_domain,
                        const char *from_domain,
                        const struct auth_sender_result *r)
{
    char key[AUTH_DOMAIN_MAX + 16];

    if (*env_domain == '\0' || from_domain == NULL || *from_domain == '\0' ||
        r->broken || !r->dkim_known || r->spf == AUTHRES_TEMPERROR ||
        r->dkim == AUTHRES_TEMPERROR)
        return;
    auth_settled_key(key, sizeof key, env_domain);
    auth_rc_put(ctx, key, AUTHRES_PASS, true, from_domain);
}

bool auth_sender_settled(struct auth_ctx *ctx, const char *mail_from)
{
    char key[AUTH_DOMAIN_MAX + 16];
    struct auth_rcache_entry hit;
    const char *env_domain = auth_addr_domain(mail_from);

    if (ctx == NULL || *env_domain == '\0')
        return false;
    auth_settled_key(key, sizeof key, env_domain);
    return auth_rc_get(ctx, key, &hit);
}

void auth_check_sender(struct auth_ctx *ctx, const char *mail_from,
                       const char *from_domain,
                       const struct auth_dkim_result *dkim,
                       struct auth_sender_result *r)
{
    memset(r, 0, sizeof *r);
    const char *env_domain = auth_addr_domain(mail_from);

    auth_spf_outbound(ctx, mail_from, env_domain, r);
    auth_dkim_outbound(ctx, env_domain, from_domain, dkim, r);
    /* without a From domain there is nothing to align with */
    if (from_domain == NULL || *from_domain == '\0') {
        r->spf_checked = false;
        r->dkim_known = false;
    } else {
        r->spf_aligned = *env_domain != '\0' &&
                         orgdomain_aligned(ctx->psl, env_domain, from_domain);
    }
    auth_sender_verdict(r);
    auth_settle(ctx, env_domain, from_domain, r);
}

/* ------------------------------------------------------------ inbound */

void auth_check_bounce(struct auth_ctx *ctx, const char *ip, const char *helo,
                       const char *mail_from,
                       const struct auth_dkim_result *dkim,
                       struct auth_bounce_result *r)
{
    memset(r, 0, sizeof *r);
    r->helo_identity = mail_from == NULL || *mail_from == '\0';
    snprintf(r->spf_domain, sizeof r->spf_domain, "%s",
             r->helo_identity ? (helo != NULL ? helo : "")
                              : auth_addr_domain(mail_from));
    r->spf =
        ip != NULL ? auth_spf(ctx, ip, helo, mail_from, NULL, 0) : AUTHRES_NONE;
    r->dkim = dkim != NULL ? dkim->result : AUTHRES_NONE;
    struct authres_info info = {
        .authserv_id = ctx->authserv_id,
        .spf = r->spf,
        .spf_identity = r->helo_identity ? "helo" : "mailfrom",
        .spf_domain = r->helo_identity ? r->spf_domain : mail_from,
        .spf_checked = ip != NULL,
        .dkim = r->dkim,
        .dkim_domain = dkim != NULL ? dkim->domain : NULL,
        .dkim_selector = dkim != NULL ? dkim->selector : NULL,
        .dkim_checked = dkim != NULL,
    };
    if (!authres_format(&info, r->header, sizeof r->header))
        r->header[0] = '\0';
}

/* -------------------------------------------------------------- other */

const struct prvs_keyring *auth_prvs(const struct auth_ctx *ctx)
{
    return ctx->prvs;
}

bool auth_prvs_sign(const struct auth_ctx *ctx, const char *sender, time_t now,
                    char *out, size_t size)
{
    const char *err;

    if (ctx->prvs == NULL || sender == NULL || *sender == '\0' ||
        prvs_is_signed(sender))
        return false;
    return prvs_sign(ctx->prvs, sender, ctx->prvs_days, now, out, size, &err) ==
           0;
}

enum prvs_result auth_prvs_check(const struct auth_ctx *ctx, const char *rcpt,
                                 time_t now, char *orig, size_t orig_size)
{
    if (ctx->prvs == NULL) { /* not judged, but unwrapped */
        if (orig != NULL && orig_size > 0 && !prvs_strip(rcpt, orig, orig_size))
            orig[0] = '\0';
        return PRVS_UNSIGNED;
    }
    return prvs_verify(ctx->prvs, rcpt, ctx->prvs_days, now, orig, orig_size);
}

enum credible_mode auth_credible_mode(const struct auth_ctx *ctx)
{
    return ctx->mode;
}

const char *auth_authserv_id(const struct auth_ctx *ctx)
{
    return ctx->authserv_id;
}

void auth_stats(struct auth_ctx *ctx, struct auth_stats *st)
{
    struct dnsq_stats ds;
    pthread_mutex_lock(&ctx->mu);
    *st = ctx->stats;
    pthread_mutex_unlock(&ctx->mu);
    dnsq_stats(ctx->dns, &ds);
    st->dns_queries = ds.queries;
    st->dns_cache_hits = ds.hits;
    st->dns_sent = ds.sent;
    st->dns_tempfail = ds.tempfail;
}
