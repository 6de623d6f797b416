/*
 * auth_msg.c - per-message SPF/DKIM glue, one call per milter phase.
 */
#include "config.h"

#include "auth/auth_msg.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth/auth_int.h"

/* Header bytes kept until the end of the header decides whether an
 * outbound message is verified; a longer header is not verified. */
#define AUTH_MSG_HEADER_MAX (256 * 1024)

struct auth_msg {
    struct auth_ctx *ctx;
    enum auth_msg_kind kind;
    struct auth_dkim *dkim; /* NULL: not verifying this one */
    bool header_leadspc;    /* values keep their leading SP */
    char *client_ip, *helo, *mail_from, *queue_id;
    char from_domain[AUTH_DOMAIN_MAX];
    /* outbound: the header fields ("name\0value\0" each) until EOH */
    bool deferred, overflow;
    char *hdrs;
    size_t hdrs_len, hdrs_cap;
};

bool auth_msg_from_domain(const char *value, char *out, size_t size)
{
    /* the address is in <...> when there is a display name */
    const char *lt = strchr(value, '<');
    const char *start = lt != NULL ? lt + 1 : value;
    const char *at = strchr(start, '@');
    size_t n = 0;

    if (at == NULL || size == 0)
        return false;
    for (const char *p = at + 1; *p != '\0' && n + 1 < size; p++) {
        if (*p == '>' || *p == ',' || *p == ';' || *p == ')' ||
            isspace((unsigned char)*p))
            break;
        out[n++] = (char)tolower((unsigned char)*p);
    }
    out[n] = '\0';
    return n > 0;
}

static char *auth_msg_dup(const char *s)
{
    return s != NULL ? strdup(s) : NULL;
}

static bool auth_msg_wanted(struct auth_ctx *ctx,
                            const struct auth_settings *set,
                            const struct auth_msg_info *info)
{
    if (ctx == NULL || set == NULL)
        return false;
    if (info->kind == AUTH_MSG_OUTBOUND)
        return set->outbound_check;
    if (info->kind == AUTH_MSG_BOUNCE)
        return set->inbound_check;
    return false;
}

int auth_msg_begin(struct auth_ctx *ctx, const struct auth_settings *set,
                   const struct auth_msg_info *info, struct auth_msg **m_r,
                   const char **error_r)
{
    struct auth_msg *m;

    *m_r = NULL;
    if (!auth_msg_wanted(ctx, set, info))
        return 0;
    if ((m = calloc(1, sizeof *m)) == NULL) {
        *error_r = "out of memory";
        return -1;
    }
    m->ctx = ctx;
    m->kind = info->kind;
    m->client_ip = auth_msg_dup(info->client_ip);
    m->helo = auth_msg_dup(info->helo);
    m->mail_from = strdup(info->mail_from != NULL ? info->mail_from : "");
    m->queue_id = auth_msg_dup(info->queue_id);
    /* outbound: whether to verify waits for the From domain (EOH) */
    m->deferred = info->kind == AUTH_MSG_OUTBOUND;
    if (m->mail_from == NULL ||
        (!m->deferred &&
         auth_dkim_begin(ctx, info->queue_id, &m->dkim, error_r) < 0)) {
        auth_msg_free(&m);
        if (*error_r == NULL)
            *error_r = "out of memory";
        return -1;
    }
    *m_r = m;
    return 0;
}

void auth_msg_set_header_leadspc(struct auth_msg *m, bool on)
{
    if (m != NULL)
        m->header_leadspc = on;
}

/* Keeps one field for a deferred verification; false when it does not
 * fit (the message is then not verified). */
static bool auth_msg_keep(struct auth_msg *m, const char *name,
                          const char *value)
{
    size_t nl = strlen(name) + 1, vl = strlen(value) + 1;

    if (m->overflow || nl + vl > AUTH_MSG_HEADER_MAX - m->hdrs_len)
        return false;
    if (m->hdrs_len + nl + vl > m->hdrs_cap) {
        size_t cap = m->hdrs_cap ? m->hdrs_cap : 4096;
        char *p;

        while (cap < m->hdrs_len + nl + vl)
            cap *= 2;
        if ((p = realloc(m->hdrs, cap)) == NULL)
            return false;
        m->hdrs = p;
        m->hdrs_cap = cap;
    }
    memcpy(m->hdrs + m->hdrs_len, name, nl);
    memcpy(m->hdrs + m->hdrs_len + nl, value, vl);
    m->hdrs_len += nl + vl;
    return true;
}

static void auth_msg_feed(struct auth_msg *m, const char *name,
                          const char *value)
{
    if (m->header_leadspc)
        auth_dkim_header_raw(m->dkim, name, value);
    else
        auth_dkim_header(m->dkim, name, value);
}

void auth_msg_header(struct auth_msg *m, const char *name, const char *value)
{
    if (m == NULL)
        return;
    if (m->from_domain[0] == '\0' && strcasecmp(name, "From") == 0)
        auth_msg_from_domain(value, m->from_domain, sizeof m->from_domain);
    if (m->deferred) {
        if (!auth_msg_keep(m, name, value))
            m->overflow = true;
        return;
    }
    if (m->dkim != NULL)
        auth_msg_feed(m, name, value);
}

/* The deferred decision: verify an outbound message only while the result
 * for its (envelope domain, From domain) is not cached, feeding it the
 * fields kept so far. */
static void auth_msg_decide(struct auth_msg *m)
{
    const char *error = NULL;

    m->deferred = false;
    if (!m->overflow &&
        auth_dkim_wanted(m->ctx, auth_addr_domain(m->mail_from),
                         m->from_domain) &&
        auth_dkim_begin(m->ctx, m->queue_id, &m->dkim, &error) == 0) {
        for (size_t off = 0; off < m->hdrs_len;) {
            const char *name = m->hdrs + off;
            const char *value = name + strlen(name) + 1;

            auth_msg_feed(m, name, value);
            off = (size_t)(value - m->hdrs) + strlen(value) + 1;
        }
    }
    free(m->hdrs);
    m->hdrs = NULL;
    m->hdrs_len = m->hdrs_cap = 0;
}

void auth_msg_eoh(struct auth_msg *m)
{
    if (m != NULL && m->deferred)
        auth_msg_decide(m);
    if (m != NULL && m->dkim != NULL)
        auth_dkim_eoh(m->dkim);
}

void auth_msg_body(struct auth_msg *m, const unsigned char *buf, size_t len)
{
    if (m != NULL && m->dkim != NULL)
        auth_dkim_body(m->dkim, buf, len);
}

bool auth_msg_needs_body(const struct auth_msg *m)
{
    return m != NULL && m->dkim != NULL;
}

bool auth_msg_settled(const struct auth_msg *m)
{
    if (m == NULL)
        return true;
    return m->kind == AUTH_MSG_OUTBOUND &&
           auth_sender_settled(m->ctx, m->mail_from);
}

bool auth_msg_eom(struct auth_msg *m, struct auth_msg_result *r)
{
    memset(r, 0, sizeof *r);
    r->dkim.result = AUTHRES_NONE;
    if (m == NULL)
        return false;
    r->kind = m->kind;
    snprintf(r->from_domain, sizeof r->from_domain, "%s", m->from_domain);
    if (m->dkim != NULL) {
        auth_dkim_end(m->dkim, m->from_domain, &r->dkim);
        r->dkim_verified = true;
    }
    if (m->kind == AUTH_MSG_OUTBOUND)
        auth_check_sender(m->ctx, m->mail_from, m->from_domain,
                          r->dkim_verified ? &r->dkim : NULL, &r->sender);
    else
        auth_check_bounce(m->ctx, m->client_ip, m->helo, m->mail_from,
                          r->dkim_verified ? &r->dkim : NULL, &r->bounce);
    return true;
}

void auth_msg_free(struct auth_msg **mp)
{
    struct auth_msg *m = *mp;
    if (m == NULL)
        return;
    auth_dkim_free(&m->dkim);
    free(m->hdrs);
    free(m->queue_id);
    free(m->client_ip);
    free(m->helo);
    free(m->mail_from);
    free(m);
    *mp = NULL;
}
