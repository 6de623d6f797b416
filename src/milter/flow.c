/*
 * flow.c - pure transaction decisions of the milter (see flow.h).
 */
#include "milter/flow.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool list_has_ci(const struct str_list *list, const char *s)
{
    if (s == NULL || list == NULL)
        return false;
    for (size_t i = 0; i < list->count; i++)
        if (list->items[i] != NULL && strcasecmp(list->items[i], s) == 0)
            return true;
    return false;
}

enum flow_dir flow_direction(const struct milter_settings *ms,
                             const struct flow_conn *conn, enum flow_why *why_r)
{
    enum flow_why why = FLOW_WHY_DEFAULT;

    if (conn->auth_authen != NULL && conn->auth_authen[0] != '\0')
        why = FLOW_WHY_AUTH;
    else if (conn->non_smtp)
        why = FLOW_WHY_NON_SMTP;
    else if (flow_addr_in_networks(&ms->internal_networks, conn->client_addr))
        why = FLOW_WHY_NETWORK;
    else if (list_has_ci(&ms->outbound_daemons, conn->daemon_name))
        why = FLOW_WHY_DAEMON;
    if (why_r != NULL)
        *why_r = why;
    return why == FLOW_WHY_DEFAULT ? FLOW_INBOUND : FLOW_OUTBOUND;
}

const char *flow_dir_name(enum flow_dir dir)
{
    return dir == FLOW_OUTBOUND ? "outbound" : "inbound";
}

const char *flow_why_name(enum flow_why why)
{
    switch (why) {
    case FLOW_WHY_AUTH:
        return "auth";
    case FLOW_WHY_NETWORK:
        return "internal_network";
    case FLOW_WHY_NON_SMTP:
        return "non_smtp";
    case FLOW_WHY_DAEMON:
        return "daemon";
    case FLOW_WHY_DEFAULT:
        break;
    }
    return "default";
}

bool flow_is_non_smtp_connect(const char *hostname, const char *addr,
                              unsigned port)
{
    return hostname != NULL && strcmp(hostname, "localhost") == 0 &&
           addr != NULL && strcmp(addr, "127.0.0.1") == 0 && port == 0;
}

bool flow_socket_is_local(const char *spec)
{
    if (spec == NULL || spec[0] == '\0')
        return false;
    if (strncasecmp(spec, "unix:", 5) == 0 ||
        strncasecmp(spec, "local:", 6) == 0)
        return true;
    return strchr(spec, ':') == NULL; /* a bare path is a unix socket */
}

/* ------------------------------------------------------------ networks */

struct net {
    int family;
    unsigned char bytes[16];
    unsigned prefix;
};

static bool addr_parse(const char *text, int *family_r, unsigned char bytes[16])
{
    if (inet_pton(AF_INET, text, bytes) == 1) {
        *family_r = AF_INET;
        return true;
    }
    if (inet_pton(AF_INET6, text, bytes) == 1) {
        *family_r = AF_INET6;
        return true;
    }
    return false;
}

static bool net_parse(const char *entry, struct net *net_r)
{
    char buf[64];
    const char *slash;
    size_t len;
    unsigned maxbits;

    if (entry == NULL)
        return false;
    slash = strchr(entry, '/');
    len = slash != NULL ? (size_t)(slash - entry) : strlen(entry);
    if (len == 0 || len >= sizeof buf)
        return false;
    memcpy(buf, entry, len);
    buf[len] = '\0';
    if (!addr_parse(buf, &net_r->family, net_r->bytes))
        return false;
    maxbits = net_r->family == AF_INET ? 32 : 128;
    net_r->prefix = maxbits;
    if (slash != NULL) {
        char *end;
        unsigned long bits;

        if (!isdigit((unsigned char)slash[1]))
            return false;
        bits = strtoul(slash + 1, &end, 10);
        if (*end != '\0' || bits > maxbits)
            return false;
        net_r->prefix = (unsigned)bits;
    }
    return true;
}

static bool net_contains(const struct net *net, int family,
                         const unsigned char bytes[16])
{
    unsigned full = net->prefix / 8, rest = net->prefix % 8;

    if (family != net->family)
        return false;
    if (memcmp(net->bytes, bytes, full) != 0)
        return false;
    if (rest == 0)
        return true;
    unsigned char mask = (unsigned char)(0xffu << (8 - rest));
    return (net->bytes[full] & mask) == (bytes[full] & mask);
}

bool flow_network_valid(const char *entry)
{
    struct net net;

    return net_parse(entry, &net);
}

/* Strips the "IPv6:" prefix Sendmail puts on IPv6 client addresses and the
 * brackets some MTAs use. */
static bool client_parse(const char *addr, int *family_r,
                         unsigned char bytes[16])
{
    char buf[64];
    size_t len;

    if (addr == NULL)
        return false;
    if (*addr == '[')
        addr++;
    if (strncasecmp(addr, "IPv6:", 5) == 0)
        addr += 5;
    len = strcspn(addr, "]");
    if (len == 0 || len >= sizeof buf)
        return false;
    memcpy(buf, addr, len);
    buf[len] = '\0';
    if (!addr_parse(buf, family_r, bytes))
        return false;
    /* an IPv4-mapped IPv6 address is compared as IPv4 */
    if (*family_r == AF_INET6 &&
        memcmp(bytes, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) == 0) {
        memmove(bytes, bytes + 12, 4);
        *family_r = AF_INET;
    }
    return true;
}

bool flow_addr_in_networks(const struct str_list *nets, const char *addr)
{
    unsigned char bytes[16];
    int family;

    if (nets == NULL || nets->count == 0 || !client_parse(addr, &family, bytes))
        return false;
    for (size_t i = 0; i < nets->count; i++) {
        struct net net;

        if (net_parse(nets->items[i], &net) &&
            net_contains(&net, family, bytes))
            return true;
    }
    return false;
}

/* ----------------------------------------------------------- addresses */

const char *flow_addr_bare(const char *addr, char *buf, size_t size)
{
    size_t len;

    if (addr == NULL || size == 0)
        return NULL;
    addr += strspn(addr, " \t\r\n");
    if (*addr == '<')
        addr++;
    len = strcspn(addr, ">");
    while (len > 0 && strchr(" \t\r\n", addr[len - 1]) != NULL)
        len--;
    if (len >= size)
        return NULL;
    memcpy(buf, addr, len);
    buf[len] = '\0';
    return buf;
}

bool flow_sender_is_null(const char *mail_from)
{
    char buf[8];
    const char *bare;

    if (mail_from == NULL)
        return true;
    bare = flow_addr_bare(mail_from, buf, sizeof buf);
    return bare != NULL && bare[0] == '\0';
}

/* Glob with '*' only, case-insensitive. */
static bool glob_ci(const char *pat, const char *s)
{
    const char *star = NULL, *resume = NULL;

    while (*s != '\0') {
        if (*pat == '*') {
            star = ++pat;
            resume = s;
        } else if (tolower((unsigned char)*pat) == tolower((unsigned char)*s)) {
            pat++;
            s++;
        } else if (star != NULL) {
            pat = star;
            s = ++resume;
        } else {
            return false;
        }
    }
    while (*pat == '*')
        pat++;
    return *pat == '\0';
}

static bool domain_match(const char *pattern, const char *domain)
{
    size_t plen, dlen;

    if (pattern[0] != '.')
        return strcasecmp(pattern, domain) == 0;
    plen = strlen(pattern);
    dlen = strlen(domain);
    return dlen > plen && strcasecmp(domain + dlen - plen, pattern) == 0;
}

bool flow_addr_match(const char *pattern, const char *addr)
{
    char buf[FLOW_ADDR_MAX];
    const char *bare, *at;

    if (pattern == NULL || pattern[0] == '\0')
        return false;
    bare = flow_addr_bare(addr, buf, sizeof buf);
    if (bare == NULL || bare[0] == '\0')
        return false;
    at = strrchr(bare, '@');
    if (strchr(pattern, '*') != NULL)
        return glob_ci(pattern, bare);
    if (pattern[0] == '@')
        return at != NULL && domain_match(pattern + 1, at + 1);
    if (strchr(pattern, '@') == NULL)
        return at != NULL && domain_match(pattern, at + 1);
    return strcasecmp(pattern, bare) == 0;
}

bool flow_addr_match_list(const struct str_list *patterns, const char *addr)
{
    if (patterns == NULL)
        return false;
    for (size_t i = 0; i < patterns->count; i++)
        if (flow_addr_match(patterns->items[i], addr))
            return true;
    return false;
}

/* ------------------------------------------------------------- headers */

static bool contains_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);

    for (; *hay != '\0'; hay++)
        if (strncasecmp(hay, needle, n) == 0)
            return true;
    return false;
}

static const char *const bounce_subjects[] = {
    "undeliver", /* Undelivered Mail Returned to Sender */
    "delivery status notification",
    "delivery failure",
    "delivery has failed",
    "mail delivery failed",
    "returned mail",
    "failure notice",
    "non remis",
    "unzustellbar",
    "nondeliverable",
    "delivery notification",
    NULL,
};

bool flow_header_is_bounce_hint(const char *name, const char *value)
{
    if (name == NULL || value == NULL)
        return false;
    if (strcasecmp(name, "Content-Type") == 0)
        return contains_ci(value, "multipart/report");
    if (strcasecmp(name, "X-Failed-Recipients") == 0)
        return true;
    if (strcasecmp(name, "From") == 0)
        return contains_ci(value, "mailer-daemon") ||
               contains_ci(value, "mail delivery");
    if (strcasecmp(name, "Subject") == 0) {
        for (size_t i = 0; bounce_subjects[i] != NULL; i++)
            if (contains_ci(value, bounce_subjects[i]))
                return true;
    }
    return false;
}

/* --------------------------------------------------------- enforcement */

static const char *const enforce_names[] = {
    [FLOW_ENFORCE_OFF] = "off",           [FLOW_ENFORCE_REJECT] = "reject",
    [FLOW_ENFORCE_TEMPFAIL] = "tempfail", [FLOW_ENFORCE_REMOVE] = "remove",
    [FLOW_ENFORCE_TAG] = "tag",
};

bool flow_enforce_parse(const char *name, enum flow_enforce *mode_r)
{
    if (name == NULL) {
        *mode_r = FLOW_ENFORCE_REJECT;
        return true;
    }
    for (size_t i = 0; i < sizeof enforce_names / sizeof enforce_names[0];
         i++) {
        if (strcasecmp(name, enforce_names[i]) == 0) {
            *mode_r = (enum flow_enforce)i;
            return true;
        }
    }
    return false;
}

const char *flow_enforce_name(enum flow_enforce mode)
{
    if ((size_t)mode < sizeof enforce_names / sizeof enforce_names[0])
        return enforce_names[mode];
    return "?";
}

const char *flow_act_name(enum flow_act act)
{
    switch (act) {
    case FLOW_ACT_PASS:
        return "pass";
    case FLOW_ACT_EXEMPT:
        return "exempt";
    case FLOW_ACT_DRY_RUN:
        return "would_suppress";
    case FLOW_ACT_REJECT:
        return "reject";
    case FLOW_ACT_TEMPFAIL:
        return "tempfail";
    case FLOW_ACT_REMOVE:
        return "remove";
    case FLOW_ACT_TAG:
        return "tag";
    }
    return "?";
}

enum flow_act flow_recipient_action(const struct milter_settings *ms,
                                    enum flow_dir dir, const char *sender,
                                    const char *recipient, bool suppressed)
{
    enum flow_enforce mode;

    if (dir != FLOW_OUTBOUND || !suppressed)
        return FLOW_ACT_PASS;
    if (!flow_enforce_parse(ms->enforce, &mode) || mode == FLOW_ENFORCE_OFF)
        return FLOW_ACT_PASS;
    if (flow_addr_match_list(&ms->exempt_domains, recipient) ||
        flow_addr_match_list(&ms->exempt_senders, sender))
        return FLOW_ACT_EXEMPT;
    if (ms->dry_run)
        return FLOW_ACT_DRY_RUN;
    switch (mode) {
    case FLOW_ENFORCE_TEMPFAIL:
        return FLOW_ACT_TEMPFAIL;
    case FLOW_ENFORCE_REMOVE:
        return FLOW_ACT_REMOVE;
    case FLOW_ENFORCE_TAG:
        return FLOW_ACT_TAG;
    default:
        return FLOW_ACT_REJECT;
    }
}

bool flow_rcpt_may_refuse(const struct milter_settings *ms)
{
    enum flow_enforce mode;

    if (!flow_enforce_parse(ms->enforce, &mode))
        return true;
    if (mode == FLOW_ENFORCE_OFF)
        return false; /* no lookup at all */
    if (ms->on_error != NULL && strcmp(ms->on_error, "tempfail") == 0)
        return true;
    return !ms->dry_run &&
           (mode == FLOW_ENFORCE_REJECT || mode == FLOW_ENFORCE_TEMPFAIL);
}

bool flow_message_ids_logged(const struct milter_settings *ms)
{
    return ms->message_ids != NULL && strcmp(ms->message_ids, "logfeed") == 0;
}

bool flow_accept_at_data(const struct flow_data_facts *f)
{
    return f->dir == FLOW_OUTBOUND && !f->null_sender && !f->non_smtp &&
           f->ids_logged && f->nenforce == 0 && !f->sign_sender &&
           f->auth_settled;
}

/* -------------------------------------------------------------- replies */

struct outbuf {
    char *p;
    size_t size, len;
    bool overflow;
};

static void out_char(struct outbuf *o, char c)
{
    if (o->len + 1 >= o->size) {
        o->overflow = true;
        return;
    }
    o->p[o->len++] = c;
    o->p[o->len] = '\0';
}

/* A value from outside: printable ASCII only, no '%' (libmilter treats it
 * as a format character), no CR/LF. */
static void out_value(struct outbuf *o, const char *v)
{
    for (; v != NULL && *v != '\0'; v++) {
        unsigned char c = (unsigned char)*v;

        out_char(o, (c < 0x20 || c > 0x7e || c == '%') ? '?' : (char)c);
    }
}

/* "4xx" or "5xx" followed by a blank or the end. */
static bool reply_code_ok(const char *s)
{
    return (s[0] == '4' || s[0] == '5') && s[1] >= '0' && s[1] <= '9' &&
           s[2] >= '0' && s[2] <= '9' && (s[3] == ' ' || s[3] == '\0');
}

/* Parses "550 5.1.1 text" at the start of tmpl; returns the text.  A
 * code or status of the other class (a 5xx template while tempfailing)
 * is dropped from the text, never passed on: "450 4.1.1 550 5.1.1 ..."
 * would be a lie to the client. */
static const char *reply_head(const char *tmpl, bool tempfail,
                              struct flow_reply *r)
{
    char first = tempfail ? '4' : '5';
    size_t xlen;

    snprintf(r->code, sizeof r->code, "%s", tempfail ? "450" : "550");
    snprintf(r->xcode, sizeof r->xcode, "%s", tempfail ? "4.1.1" : "5.1.1");
    if (!reply_code_ok(tmpl))
        return tmpl;
    if (tmpl[0] == first) {
        memcpy(r->code, tmpl, 3);
        r->code[3] = '\0';
    }
    tmpl += 3;
    while (*tmpl == ' ')
        tmpl++;
    xlen = strspn(tmpl, "0123456789.");
    if (xlen >= 5 && xlen < sizeof r->xcode &&
        (tmpl[0] == '4' || tmpl[0] == '5') && tmpl[1] == '.' &&
        (tmpl[xlen] == ' ' || tmpl[xlen] == '\0')) {
        if (tmpl[0] == first) {
            memcpy(r->xcode, tmpl, xlen);
            r->xcode[xlen] = '\0';
        }
        tmpl += xlen;
    }
    while (*tmpl == ' ')
        tmpl++;
    return tmpl;
}

bool flow_reply_format(const char *tmpl, bool tempfail, const char *recipient,
                       const char *reason, const char *bucket, time_t since,
                       struct flow_reply *reply_r)
{
    struct outbuf o = {reply_r->text, sizeof reply_r->text, 0, false};
    char date[32] = "?";
    struct tm tm;

    if (tmpl == NULL)
        tmpl = "550 5.1.1 <%r>: recipient suppressed (%s since %d)";
    reply_r->text[0] = '\0';
    tmpl = reply_head(tmpl, tempfail, reply_r);
    if (since > 0 && gmtime_r(&since, &tm) != NULL)
        strftime(date, sizeof date, "%Y-%m-%d", &tm);
    for (; *tmpl != '\0' && !o.overflow; tmpl++) {
        if (*tmpl != '%') {
            out_value(&o, (char[]){*tmpl, '\0'});
            continue;
        }
        switch (*++tmpl) {
        case 'r':
            out_value(&o, recipient);
            break;
        case 's':
            out_value(&o, reason != NULL ? reason : "suppressed");
            break;
        case 'b':
            out_value(&o, bucket);
            break;
        case 'd':
            out_value(&o, date);
            break;
        case '\0':
            tmpl--;
            break;
        default:
            out_char(&o, '?');
            break;
        }
    }
    return !o.overflow;
}

bool flow_discard_bounce(const struct milter_settings *ms,
                         const char *const *rcpts, size_t nrcpts)
{
    if (nrcpts == 0 || ms->discard_bounces_to.count == 0)
        return false;
    for (size_t i = 0; i < nrcpts; i++)
        if (!flow_addr_match_list(&ms->discard_bounces_to, rcpts[i]))
            return false;
    return true;
}

/* ------------------------------------------------------ envelope id */

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* The byte of xtext at S[*I] (advanced past a "+XX"), or -1. */
static int xtext_byte(const char *s, size_t len, size_t *i)
{
    unsigned char c = (unsigned char)s[*i];
    int hi, lo;

    if (c != '+')
        return c < 0x21 || c > 0x7e || c == '=' ? -1 : c;
    if (*i + 2 >= len || (hi = hex_value(s[*i + 1])) < 0 ||
        (lo = hex_value(s[*i + 2])) < 0)
        return -1;
    *i += 2;
    c = (unsigned char)(hi * 16 + lo);
    return c < 0x20 || c > 0x7e ? -1 : c;
}

bool flow_envid_decode(const char *s, size_t len, char *buf, size_t size)
{
    size_t n = 0;

    if (size == 0)
        return false;
    buf[0] = '\0';
    if (s == NULL || len == 0 || len > FLOW_ENVID_MAX)
        return false;
    for (size_t i = 0; i < len; i++) {
        int c = xtext_byte(s, len, &i);
        if (c < 0 || n + 1 >= size) {
            buf[0] = '\0';
            return false;
        }
        buf[n++] = (char)c;
    }
    buf[n] = '\0';
    return true;
}

bool flow_envid_from_args(const char *const *args, char *buf, size_t size)
{
    if (size > 0)
        buf[0] = '\0';
    for (; args != NULL && *args != NULL; args++)
        if (strncasecmp(*args, "ENVID=", 6) == 0)
            return flow_envid_decode(*args + 6, strlen(*args + 6), buf, size);
    return false;
}
