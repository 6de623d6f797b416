/*
 * milter_lm.c - the filter's callbacks behind libmilter (see
 * milter_lm.h).
 */
#include "config.h"

#include "milter/milter_lm.h"

#include <arpa/inet.h>
#include <libmilter/mfapi.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "milter/milter.h"
#include "milter/mproto.h"

/* The wire values are the protocol's: both headers must agree. */
_Static_assert(SMFIP_NR_HDR == MPP_NR_HDR && SMFIP_SKIP == MPP_SKIP &&
                   SMFIP_HDR_LEADSPC == MPP_HDR_LEADSPC &&
                   SMFIP_NR_CONN == MPP_NR_CONN &&
                   SMFIP_NR_MAIL == MPP_NR_MAIL &&
                   SMFIP_RCPT_REJ == MPP_RCPT_REJ &&
                   SMFIP_NODATA == MPP_NODATA &&
                   SMFIP_NOUNKNOWN == MPP_NOUNKNOWN &&
                   SMFIP_NOHELO == MPP_NOHELO,
               "protocol flags");
_Static_assert(SMFIF_ADDHDRS == MPA_ADDHDRS && SMFIF_DELRCPT == MPA_DELRCPT &&
                   SMFIF_CHGFROM == MPA_CHGFROM && SMFIF_CHGHDRS == MPA_CHGHDRS,
               "action flags");

#define SMFI(m) ((SMFICTX *)(m)->impl)

static void *lm_getpriv(struct mtx *m)
{
    return smfi_getpriv(SMFI(m));
}

static int lm_setpriv(struct mtx *m, void *priv)
{
    return smfi_setpriv(SMFI(m), priv) == MI_SUCCESS ? 0 : -1;
}

static const char *lm_symval(struct mtx *m, const char *name)
{
    return smfi_getsymval(SMFI(m), (char *)name);
}

static int lm_setreply(struct mtx *m, const char *code, const char *xcode,
                       const char *text)
{
    return smfi_setreply(SMFI(m), (char *)code, (char *)xcode,
                         (char *)text) == MI_SUCCESS
               ? 0
               : -1;
}

static int lm_addheader(struct mtx *m, const char *name, const char *value)
{
    return smfi_addheader(SMFI(m), (char *)name, (char *)value) == MI_SUCCESS
               ? 0
               : -1;
}

static int lm_insheader(struct mtx *m, int index, const char *name,
                        const char *value)
{
    return smfi_insheader(SMFI(m), index, (char *)name, (char *)value) ==
                   MI_SUCCESS
               ? 0
               : -1;
}

/* value NULL: libmilter sends "", which deletes the field */
static int lm_chgheader(struct mtx *m, int index, const char *name,
                        const char *value)
{
    return smfi_chgheader(SMFI(m), (char *)name, index, (char *)value) ==
                   MI_SUCCESS
               ? 0
               : -1;
}

static int lm_chgfrom(struct mtx *m, const char *from)
{
    return smfi_chgfrom(SMFI(m), (char *)from, NULL) == MI_SUCCESS ? 0 : -1;
}

static int lm_delrcpt(struct mtx *m, const char *rcpt)
{
    return smfi_delrcpt(SMFI(m), (char *)rcpt) == MI_SUCCESS ? 0 : -1;
}

/* libmilter does not tell: a session after QUIT_NC (Sendmail) runs with
 * the defaults, every step answered. */
static int lm_negotiated(struct mtx *m, unsigned long *actions_r,
                         unsigned long *protocol_r)
{
    (void)m;
    (void)actions_r;
    (void)protocol_r;
    return -1;
}

static const struct mtx_ops lm_ops = {
    .getpriv = lm_getpriv,
    .setpriv = lm_setpriv,
    .symval = lm_symval,
    .setreply = lm_setreply,
    .addheader = lm_addheader,
    .insheader = lm_insheader,
    .chgheader = lm_chgheader,
    .chgfrom = lm_chgfrom,
    .delrcpt = lm_delrcpt,
    .negotiated = lm_negotiated,
};

static sfsistat lm_status(enum mstat st)
{
    switch (st) {
    case MST_REJECT:
        return SMFIS_REJECT;
    case MST_DISCARD:
        return SMFIS_DISCARD;
    case MST_ACCEPT:
        return SMFIS_ACCEPT;
    case MST_TEMPFAIL:
        return SMFIS_TEMPFAIL;
    case MST_NOREPLY:
        return SMFIS_NOREPLY;
    case MST_SKIP:
        return SMFIS_SKIP;
    case MST_ALL_OPTS:
        return SMFIS_ALL_OPTS;
    default:
        return SMFIS_CONTINUE;
    }
}

#define MTX(ctx) (&(struct mtx){.ops = &lm_ops, .impl = (ctx)})

static sfsistat lm_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1,
                             unsigned long f2, unsigned long f3,
                             unsigned long *pf0, unsigned long *pf1,
                             unsigned long *pf2, unsigned long *pf3)
{
    (void)f2;
    (void)f3;
    *pf2 = 0;
    *pf3 = 0;
    return lm_status(
        milter_callbacks()->negotiate(MTX(ctx), f0, f1, pf0, pf1));
}

static sfsistat lm_connect(SMFICTX *ctx, char *hostname, _SOCK_ADDR *sa)
{
    char addr[INET6_ADDRSTRLEN] = "";
    unsigned port = 0;

    if (sa != NULL && sa->sa_family == AF_INET) {
        const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;

        inet_ntop(AF_INET, &sin->sin_addr, addr, sizeof addr);
        port = ntohs(sin->sin_port);
    } else if (sa != NULL && sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)sa;

        inet_ntop(AF_INET6, &sin6->sin6_addr, addr, sizeof addr);
        port = ntohs(sin6->sin6_port);
    }
    return lm_status(
        milter_callbacks()->connect(MTX(ctx), hostname, addr, port));
}

static sfsistat lm_helo(SMFICTX *ctx, char *helo)
{
    return lm_status(milter_callbacks()->helo(MTX(ctx), helo));
}

static sfsistat lm_envfrom(SMFICTX *ctx, char **argv)
{
    return lm_status(milter_callbacks()->envfrom(MTX(ctx), argv));
}

static sfsistat lm_envrcpt(SMFICTX *ctx, char **argv)
{
    return lm_status(milter_callbacks()->envrcpt(MTX(ctx), argv));
}

static sfsistat lm_data(SMFICTX *ctx)
{
    return lm_status(milter_callbacks()->data(MTX(ctx)));
}

static sfsistat lm_header(SMFICTX *ctx, char *name, char *value)
{
    return lm_status(milter_callbacks()->header(MTX(ctx), name, value));
}

static sfsistat lm_eoh(SMFICTX *ctx)
{
    return lm_status(milter_callbacks()->eoh(MTX(ctx)));
}

static sfsistat lm_body(SMFICTX *ctx, unsigned char *data, size_t len)
{
    return lm_status(milter_callbacks()->body(MTX(ctx), data, len));
}

static sfsistat lm_eom(SMFICTX *ctx)
{
    return lm_status(milter_callbacks()->eom(MTX(ctx)));
}

static sfsistat lm_abort(SMFICTX *ctx)
{
    return lm_status(milter_callbacks()->abort(MTX(ctx)));
}

static sfsistat lm_close(SMFICTX *ctx)
{
    return lm_status(milter_callbacks()->close(MTX(ctx)));
}

static const struct smfiDesc lm_desc = {
    .xxfi_name = "bounceguard",
    .xxfi_version = SMFI_VERSION,
    .xxfi_flags = SMFIF_ADDHDRS | SMFIF_DELRCPT | SMFIF_CHGFROM | SMFIF_CHGHDRS,
    .xxfi_connect = lm_connect,
    .xxfi_helo = lm_helo,
    .xxfi_envfrom = lm_envfrom,
    .xxfi_envrcpt = lm_envrcpt,
    .xxfi_data = lm_data,
    .xxfi_header = lm_header,
    .xxfi_eoh = lm_eoh,
    .xxfi_body = lm_body,
    .xxfi_eom = lm_eom,
    .xxfi_abort = lm_abort,
    .xxfi_close = lm_close,
    .xxfi_negotiate = lm_negotiate,
};

int milter_lm_register(const char **error_r)
{
    if (smfi_register(lm_desc) != MI_SUCCESS) {
        *error_r = "smfi_register failed";
        return -1;
    }
    return 0;
}
