/*
 * auth_dkim.c - DKIM verification with libopendkim, keys fetched through
 * dnsq (the one DNS path) by a key-lookup callback.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth_int.h"

#define AUTH_HDR_MAX 65536

struct auth_dkim {
    struct auth_ctx *ctx;
    DKIM *dkim;
    bool nosig;        /* eoh found no signature: skip the body */
    bool broken;       /* the library refused a call */
    bool key_tempfail; /* a key lookup failed temporarily */
};

/* libopendkim asks for selector._domainkey.domain. */
static DKIM_CBSTAT auth_dkim_key(DKIM *dkim, DKIM_SIGINFO *sig, u_char *buf,
                                 size_t buflen)
{
    struct auth_dkim *d = dkim_get_user_context(dkim);
    struct auth_ctx *ctx = d != NULL ? d->ctx : NULL;
    char name[AUTH_DOMAIN_MAX + 80];
    const char *sel = (const char *)dkim_sig_getselector(sig);
    const char *dom = (const char *)dkim_sig_getdomain(sig);

    if (ctx == NULL || sel == NULL || dom == NULL ||
        snprintf(name, sizeof name, "%s._domainkey.%s", sel, dom) >=
            (int)sizeof name)
        return (DKIM_CBSTAT)DKIM_STAT_KEYFAIL;
    switch (dnsq_txt(ctx->dns, name, (char *)buf, buflen)) {
    case DNSQ_OK:
        break;
    case DNSQ_NXDOMAIN:
    case DNSQ_NODATA:
        return (DKIM_CBSTAT)DKIM_STAT_NOKEY;
    case DNSQ_TEMPFAIL:
        d->key_tempfail = true;
        return (DKIM_CBSTAT)DKIM_STAT_KEYFAIL;
    }
    char *nl = strchr((char *)buf, '\n'); /* several records: the first */
    if (nl != NULL)
        *nl = '\0';
    return (DKIM_CBSTAT)DKIM_STAT_OK;
}

int auth_dkim_lib_init(struct auth_ctx *ctx, const char **error_r)
{
    if ((ctx->dkim_lib = dkim_init(NULL, NULL)) == NULL) {
        *error_r = "dkim_init failed";
        return -1;
    }
    if (dkim_set_key_lookup(ctx->dkim_lib, auth_dkim_key) != DKIM_STAT_OK) {
        *error_r = "dkim_set_key_lookup failed";
        return -1;
    }
    return 0;
}

int auth_dkim_begin(struct auth_ctx *ctx, const char *queue_id,
                    struct auth_dkim **d_r, const char **error_r)
{
    struct auth_dkim *d = calloc(1, sizeof *d);
    DKIM_STAT st = DKIM_STAT_OK;

    *d_r = NULL;
    if (d == NULL) {
        *error_r = "out of memory";
        return -1;
    }
    d->ctx = ctx;
    d->dkim = dkim_verify(ctx->dkim_lib,
                          (const unsigned char *)(queue_id ? queue_id : "-"),
                          NULL, &st);
    if (d->dkim == NULL || st != DKIM_STAT_OK) {
        free(d);
        *error_r = "dkim_verify failed";
        return -1;
    }
    dkim_set_user_context(d->dkim, d);
    pthread_mutex_lock(&ctx->mu);
    ctx->stats.dkim_checks++;
    pthread_mutex_unlock(&ctx->mu);
    *d_r = d;
    return 0;
}

/* The MTA took one SP after the colon, if there was one: it is put back
 * unless the value starts with a tab or a line break, which follow the
 * colon directly far more often than a SP does ("To:\r\n\t...").
 * @UNSAFE length arithmetic */
size_t auth_dkim_field(const char *name, const char *value, bool raw, char *out,
                       size_t size)
{
    size_t nl = strlen(name), o = 0;
    bool sp = !raw && value[0] != '\t' && value[0] != '\r' && value[0] != '\n';

    if (size < nl + 3)
        return 0;
    memcpy(out, name, nl);
    o = nl;
    out[o++] = ':';
    if (sp)
        out[o++] = ' ';
    for (size_t i = 0; value[i] != '\0'; i++) {
        bool cr = value[i] == '\n' && (i == 0 || value[i - 1] != '\r');
        if (o + (cr ? 2 : 1) >= size)
            return 0;
        if (cr)
            out[o++] = '\r';
        out[o++] = value[i];
    }
    out[o] = '\0';
    return o;
}

static int auth_dkim_feed(struct auth_dkim *d, const char *name,
                          const char *value, bool raw)
{
    size_t size = strlen(name) + 2 + 2 * strlen(value) + 1, len;
    char *buf;

    if (d->broken || d->nosig)
        return 0;
    if (size > AUTH_HDR_MAX || (buf = malloc(size)) == NULL)
        return -1;
    len = auth_dkim_field(name, value, raw, buf, size);
    DKIM_STAT st =
        len > 0 ? dkim_header(d->dkim, (u_char *)buf, len) : DKIM_STAT_INTERNAL;
    free(buf);
    return st == DKIM_STAT_OK ? 0 : -1;
}

int auth_dkim_header(struct auth_dkim *d, const char *name, const char *value)
{
    return auth_dkim_feed(d, name, value, false);
}

int auth_dkim_header_raw(struct auth_dkim *d, const char *name,
                         const char *value)
{
    return auth_dkim_feed(d, name, value, true);
}

int auth_dkim_eoh(struct auth_dkim *d)
{
    if (d->broken)
        return -1;
    DKIM_STAT st = dkim_eoh(d->dkim);
    if (st == DKIM_STAT_NOSIG) {
        d->nosig = true;
        return 0;
    }
    /* key trouble (KEYFAIL, NOKEY, CANTVRFY, REVOKED) shows per
     * signature at the end; only a message the library cannot take is
     * given up here */
    if (st == DKIM_STAT_SYNTAX || st == DKIM_STAT_NORESOURCE ||
        st == DKIM_STAT_INTERNAL || st == DKIM_STAT_INVALID)
        d->broken = true;
    return d->broken ? -1 : 0;
}

int auth_dkim_body(struct auth_dkim *d, const unsigned char *buf, size_t len)
{
    if (d->nosig || d->broken)
        return 0;
    return dkim_body(d->dkim, (u_char *)buf, len) == DKIM_STAT_OK ? 0 : -1;
}

/* The result of one signature.  A signature left unprocessed because its
 * key lookup failed temporarily is temperror, never fail. */
static enum authres auth_dkim_sig_result(const struct auth_dkim *d,
                                         DKIM_SIGINFO *sig)
{
    if (DKIM_SIG_CHECK(sig))
        return AUTHRES_PASS;
    if ((dkim_sig_getflags(sig) & DKIM_SIGFLAG_PROCESSED) == 0 &&
        d->key_tempfail)
        return AUTHRES_TEMPERROR;
    switch (dkim_sig_geterror(sig)) {
    case DKIM_SIGERROR_KEYFAIL:
        return AUTHRES_TEMPERROR;
    case DKIM_SIGERROR_NOKEY:
    case DKIM_SIGERROR_DNSSYNTAX:
    case DKIM_SIGERROR_KEYREVOKED:
    case DKIM_SIGERROR_KEYDECODE:
    case DKIM_SIGERROR_KEYVERSION:
    case DKIM_SIGERROR_KEYUNKNOWNHASH:
    case DKIM_SIGERROR_KEYHASHMISMATCH:
    case DKIM_SIGERROR_NOTEMAILKEY:
    case DKIM_SIGERROR_KEYTYPEMISSING:
    case DKIM_SIGERROR_KEYTYPEUNKNOWN:
    case DKIM_SIGERROR_KEYTOOSMALL:
    case DKIM_SIGERROR_MULTIREPLY:
    case DKIM_SIGERROR_VERSION:
        return AUTHRES_PERMERROR;
    default:
        return AUTHRES_FAIL;
    }
}

/* How good a result is when choosing the signature to report. */
static int auth_dkim_rank(enum authres r, bool aligned)
{
    switch (r) {
    case AUTHRES_PASS:
        return aligned ? 5 : 4;
    case AUTHRES_TEMPERROR:
        return 3;
    case AUTHRES_FAIL:
        return 2;
    case AUTHRES_PERMERROR:
        return 1;
    default:
        return 0;
    }
}

static void auth_dkim_pick(struct auth_dkim *d, const char *from_domain,
                           struct auth_dkim_result *r)
{
    DKIM_SIGINFO **sigs = NULL;
    int nsigs = 0, best = -1;

    if (dkim_getsiglist(d->dkim, &sigs, &nsigs) != DKIM_STAT_OK)
        return;
    r->nsigs = (unsigned)nsigs;
    for (int i = 0; i < nsigs; i++) {
        const char *dom = (const char *)dkim_sig_getdomain(sigs[i]);
        const char *sel = (const char *)dkim_sig_getselector(sigs[i]);
        enum authres res = auth_dkim_sig_result(d, sigs[i]);
        bool aligned = res == AUTHRES_PASS && dom != NULL &&
                       from_domain != NULL &&
                       orgdomain_aligned(d->ctx->psl, dom, from_domain);
        int rank = auth_dkim_rank(res, aligned);
        if (rank <= best)
            continue;
        best = rank;
        r->result = res;
        r->aligned = aligned;
        snprintf(r->domain, sizeof r->domain, "%s", dom ? dom : "");
        snprintf(r->selector, sizeof r->selector, "%s", sel ? sel : "");
    }
}

void auth_dkim_end(struct auth_dkim *d, const char *from_domain,
                   struct auth_dkim_result *r)
{
    memset(r, 0, sizeof *r);
    r->result = AUTHRES_NONE;
    if (d->nosig)
        return;
    if (d->broken) {
        r->result = AUTHRES_PERMERROR;
        snprintf(r->error, sizeof r->error, "unparseable message");
        return;
    }
    DKIM_STAT st = dkim_eom(d->dkim, NULL);
    if (st == DKIM_STAT_NOSIG)
        return;
    auth_dkim_pick(d, from_domain, r);
    if (r->result != AUTHRES_PASS) {
        const char *e = dkim_geterror(d->dkim);
        snprintf(r->error, sizeof r->error, "%s", e ? e : "");
    }
}

void auth_dkim_free(struct auth_dkim **d)
{
    if (*d == NULL)
        return;
    if ((*d)->dkim != NULL)
        dkim_free((*d)->dkim);
    free(*d);
    *d = NULL;
}
