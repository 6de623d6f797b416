/*
 * mproto.c - the milter wire protocol codec (see mproto.h).
 */
#include "config.h"

#include "milter/mproto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t get32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
           (uint32_t)p[3];
}

static void put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

long mp_next(const unsigned char *buf, size_t len, size_t max,
             struct mp_packet *pkt)
{
    uint32_t n;

    if (len < 4)
        return 0;
    n = get32(buf);
    if (n == 0 || n > max)
        return -1;
    if (len - 4 < n)
        return 0;
    pkt->cmd = (char)buf[4];
    pkt->data = buf + 5;
    pkt->len = n - 1;
    return (long)n + 4;
}

int mp_strings(const struct mp_packet *p, const char **v, size_t max)
{
    size_t off = 0, n = 0;

    if (max == 0 || (p->len > 0 && p->data[p->len - 1] != '\0'))
        return -1;
    while (off < p->len) {
        const unsigned char *nul = memchr(p->data + off, '\0', p->len - off);

        if (n + 1 >= max || nul == NULL)
            return -1;
        v[n++] = (const char *)p->data + off;
        off = (size_t)(nul - p->data) + 1;
    }
    v[n] = NULL;
    return (int)n;
}

bool mp_optneg(const struct mp_packet *p, uint32_t *version_r,
               uint32_t *actions_r, uint32_t *protocol_r)
{
    if (p->len < 12)
        return false;
    *version_r = get32(p->data);
    *actions_r = get32(p->data + 4);
    *protocol_r = get32(p->data + 8);
    return true;
}

/* The NUL-terminated string at data + *off within len; *off moves past
 * it.  NULL when it has no NUL. */
static const char *take_str(const unsigned char *data, size_t len,
                            size_t *off)
{
    const unsigned char *nul;
    const char *s;

    if (*off >= len || (nul = memchr(data + *off, '\0', len - *off)) == NULL)
        return NULL;
    s = (const char *)data + *off;
    *off = (size_t)(nul - data) + 1;
    return s;
}

bool mp_connect(const struct mp_packet *p, const char **host_r,
                char *family_r, unsigned *port_r, const char **addr_r)
{
    size_t off = 0;

    *host_r = take_str(p->data, p->len, &off);
    if (*host_r == NULL || off >= p->len)
        return false;
    *family_r = (char)p->data[off++];
    *port_r = 0;
    *addr_r = "";
    if (*family_r == 'U')
        return true;
    if (p->len - off < 2)
        return false;
    *port_r = (unsigned)p->data[off] << 8 | p->data[off + 1];
    off += 2;
    *addr_r = take_str(p->data, p->len, &off);
    return *addr_r != NULL;
}

bool mp_header(const struct mp_packet *p, const char **name_r,
               const char **value_r)
{
    size_t off = 0;

    *name_r = take_str(p->data, p->len, &off);
    *value_r = *name_r != NULL ? take_str(p->data, p->len, &off) : NULL;
    return *value_r != NULL;
}

/* ------------------------------------------------------------ output */

static bool out_reserve(struct mp_out *o, size_t more)
{
    size_t cap;
    unsigned char *b;

    if (o->cap - o->len >= more)
        return true;
    if (more > MP_PACKET_MAX + 5 || o->len > SIZE_MAX / 2)
        return false;
    cap = o->cap ? o->cap : 256;
    while (cap - o->len < more)
        cap *= 2;
    b = realloc(o->buf, cap);
    if (b == NULL)
        return false;
    o->buf = b;
    o->cap = cap;
    return true;
}

bool mp_put(struct mp_out *o, char cmd, const void *data, size_t len)
{
    if (len >= MP_PACKET_MAX || !out_reserve(o, len + 5))
        return false;
    put32(o->buf + o->len, (uint32_t)len + 1);
    o->buf[o->len + 4] = (unsigned char)cmd;
    if (len > 0)
        memcpy(o->buf + o->len + 5, data, len);
    o->len += len + 5;
    return true;
}

bool mp_put_strs(struct mp_out *o, char cmd, long index, const char *a,
                 const char *b, const char *c)
{
    const char *s[3] = {a, b, c};
    size_t n = index >= 0 ? 4 : 0, at;

    for (size_t i = 0; i < 3 && s[i] != NULL; i++) {
        size_t l = strlen(s[i]);

        if (l >= MP_PACKET_MAX)
            return false;
        n += l + 1;
    }
    if (n >= MP_PACKET_MAX || !out_reserve(o, n + 5))
        return false;
    put32(o->buf + o->len, (uint32_t)n + 1);
    o->buf[o->len + 4] = (unsigned char)cmd;
    at = o->len + 5;
    if (index >= 0) {
        put32(o->buf + at, (uint32_t)index);
        at += 4;
    }
    for (size_t i = 0; i < 3 && s[i] != NULL; i++) {
        size_t l = strlen(s[i]) + 1;

        memcpy(o->buf + at, s[i], l);
        at += l;
    }
    o->len = at;
    return true;
}

bool mp_put_optneg(struct mp_out *o, uint32_t version, uint32_t actions,
                   uint32_t protocol)
{
    unsigned char d[12];

    put32(d, version);
    put32(d + 4, actions);
    put32(d + 8, protocol);
    return mp_put(o, MPR_OPTNEG, d, sizeof d);
}

/* The length up to which s[0..n) ends with a whole UTF-8 character. */
static size_t utf8_cut(const char *s, size_t n)
{
    size_t i = n, need;
    unsigned char lead;

    while (i > 0 && ((unsigned char)s[i - 1] & 0xc0) == 0x80)
        i--;
    if (i == 0)
        return n;
    lead = (unsigned char)s[i - 1];
    need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
    return i - 1 + need > n ? i - 1 : n;
}

bool mp_put_reply(struct mp_out *o, const char *code, const char *xcode,
                  const char *text)
{
    char line[1024];
    size_t n;

    if (code == NULL || (code[0] != '4' && code[0] != '5') ||
        strlen(code) != 3 || strspn(code, "0123456789") != 3 ||
        (text != NULL && strpbrk(text, "\r\n") != NULL))
        return false;
    if (xcode != NULL && xcode[0] != '\0')
        n = (size_t)snprintf(line, sizeof line, "%s %s %s", code, xcode,
                             text != NULL ? text : "");
    else
        n = (size_t)snprintf(line, sizeof line, "%s %s", code,
                             text != NULL ? text : "");
    if (n >= sizeof line)
        n = utf8_cut(line, sizeof line - 1);
    line[n] = '\0';
    return mp_put(o, MPR_REPLYCODE, line, n + 1);
}

void mp_out_free(struct mp_out *o)
{
    free(o->buf);
    o->buf = NULL;
    o->len = o->cap = 0;
}

/* ------------------------------------------------------------ macros */

int mp_macro_stage(char cmd)
{
    switch (cmd) {
    case MPC_CONNECT:
        return MPS_CONNECT;
    case MPC_HELO:
        return MPS_HELO;
    case MPC_MAIL:
        return MPS_MAIL;
    case MPC_RCPT:
        return MPS_RCPT;
    case MPC_DATA:
        return MPS_DATA;
    case MPC_EOH:
        return MPS_EOH;
    case MPC_EOM:
    case MPC_BODY:
        return MPS_EOM;
    default:
        return -1;
    }
}

bool mp_macros_set(struct mp_macros *m, const struct mp_packet *p)
{
    int stage;
    char *copy;

    if (p->len < 1 || (stage = mp_macro_stage((char)p->data[0])) < 0)
        return false;
    free(m->data[stage]);
    m->data[stage] = NULL;
    m->len[stage] = 0;
    if (p->len > 1 && p->data[p->len - 1] != '\0')
        return false;
    if (p->len == 1)
        return true;
    copy = malloc(p->len - 1);
    if (copy == NULL)
        return false;
    memcpy(copy, p->data + 1, p->len - 1);
    m->data[stage] = copy;
    m->len[stage] = p->len - 1;
    return true;
}

/* Whether a macro name as sent matches the wanted one, with or without
 * braces on either side. */
static bool name_matches(const char *have, size_t hl, const char *want,
                         size_t wl)
{
    if (hl == wl && memcmp(have, want, hl) == 0)
        return true;
    if (hl >= 2 && have[0] == '{' && have[hl - 1] == '}')
        return hl - 2 == wl && memcmp(have + 1, want, wl) == 0;
    if (wl >= 2 && want[0] == '{' && want[wl - 1] == '}')
        return wl - 2 == hl && memcmp(want + 1, have, hl) == 0;
    return false;
}

static const char *stage_get(const char *d, size_t len, const char *want,
                             size_t wl)
{
    size_t off = 0;

    while (off < len) {
        const char *name = d + off;
        size_t nl = strnlen(name, len - off);
        const char *value;

        if (off + nl + 1 >= len)
            return NULL; /* a name without a value */
        value = name + nl + 1;
        off += nl + 1 + strnlen(value, len - off - nl - 1) + 1;
        if (name_matches(name, nl, want, wl))
            return value;
    }
    return NULL;
}

const char *mp_macros_get(const struct mp_macros *m, const char *name)
{
    size_t wl = strlen(name);

    for (int s = MPS_COUNT - 1; s >= 0; s--) {
        const char *v;

        if (m->data[s] != NULL &&
            (v = stage_get(m->data[s], m->len[s], name, wl)) != NULL)
            return v;
    }
    return NULL;
}

void mp_macros_clear(struct mp_macros *m, enum mp_stage from)
{
    for (int s = (int)from; s < MPS_COUNT; s++) {
        free(m->data[s]);
        m->data[s] = NULL;
        m->len[s] = 0;
    }
}
