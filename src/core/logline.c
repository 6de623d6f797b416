/*
 * logline.c - parser of Postfix and Sendmail delivery-log lines.
 * See logline.h for the contract.  Everything works on a cursor over the
 * caller's bytes; no allocation, no NUL terminator needed.
 */
#include "config.h"

#include "core/logline.h"

#include <string.h>

struct cursor {
    const char *p;
    const char *end;
};

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_alnum(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static struct logline_span span_of(const char *p, const char *end)
{
    struct logline_span sp = {p, (size_t)(end - p)};
    return sp;
}

bool logline_span_eq(struct logline_span sp, const char *s)
{
    size_t n = strlen(s);
    return sp.p != NULL && sp.len == n && memcmp(sp.p, s, n) == 0;
}

/* logline_span_eq() for a string literal: no strlen at run time. */
#define SPAN_IS(sp, lit)                                                       \
    ((sp).len == sizeof(lit) - 1 && memcmp((sp).p, (lit), sizeof(lit) - 1) == 0)

static bool span_prefix(struct logline_span sp, const char *s)
{
    size_t n = strlen(s);
    return sp.p != NULL && sp.len >= n && memcmp(sp.p, s, n) == 0;
}

static bool span_suffix(struct logline_span sp, const char *s)
{
    size_t n = strlen(s);
    return sp.p != NULL && sp.len >= n && memcmp(sp.p + sp.len - n, s, n) == 0;
}

/* Finds s inside sp, from the left or from the right; NULL when absent. */
static const char *span_find(struct logline_span sp, const char *s, bool last)
{
    size_t n = strlen(s);
    const char *hit = NULL;

    if (sp.p == NULL || sp.len < n)
        return NULL;
    for (size_t i = 0; i + n <= sp.len; i++) {
        if (sp.p[i] == s[0] && memcmp(sp.p + i, s, n) == 0) {
            hit = sp.p + i;
            if (!last)
                break;
        }
    }
    return hit;
}

static bool cur_lit(struct cursor *c, const char *s)
{
    size_t n = strlen(s);
    if ((size_t)(c->end - c->p) < n || memcmp(c->p, s, n) != 0)
        return false;
    c->p += n;
    return true;
}

/* Reads exactly ndigits digits (ndigits > 0) or, with ndigits == 0, one or
 * more digits (at most 9). */
static bool cur_num(struct cursor *c, int ndigits, long *v_r)
{
    long v = 0;
    int n = 0;
    int max = ndigits > 0 ? ndigits : 9;

    while (c->p < c->end && n < max && is_digit(*c->p)) {
        v = v * 10 + (*c->p - '0');
        c->p++;
        n++;
    }
    if (n == 0 || (ndigits > 0 && n != ndigits))
        return false;
    *v_r = v;
    return true;
}

/* Reads up to the next space; fails on an empty token. */
static bool cur_token(struct cursor *c, struct logline_span *sp_r)
{
    const char *start = c->p;
    while (c->p < c->end && *c->p != ' ')
        c->p++;
    if (c->p == start)
        return false;
    *sp_r = span_of(start, c->p);
    return true;
}

/* ------------------------------------------------------------ timestamps */

static const char month_names[] = "JanFebMarAprMayJunJulAugSepOctNovDec";

static bool parse_hms(struct cursor *c, struct logline_time *t)
{
    long h, m, s, frac = 0;
    int digits = 0;

    if (!cur_num(c, 2, &h) || !cur_lit(c, ":") || !cur_num(c, 2, &m) ||
        !cur_lit(c, ":") || !cur_num(c, 2, &s))
        return false;
    if (cur_lit(c, ".")) {
        while (c->p < c->end && is_digit(*c->p)) {
            if (digits < 6) {
                frac = frac * 10 + (*c->p - '0');
                digits++;
            }
            c->p++;
        }
        for (; digits < 6; digits++)
            frac *= 10;
    }
    if (h > 23 || m > 59 || s > 60)
        return false;
    t->hour = (int)h;
    t->min = (int)m;
    t->sec = (int)s;
    t->usec = frac;
    return true;
}

/* "Nov 25 22:24:21" / "Nov  5 22:24:21.123" */
static bool parse_time_3164(struct cursor *c, struct logline_time *t)
{
    long mday;

    if (c->end - c->p < 15)
        return false;
    for (int i = 0; i < 12; i++) {
        if (memcmp(c->p, month_names + 3 * i, 3) == 0) {
            t->mon = i + 1;
            break;
        }
    }
    if (t->mon == 0 || c->p[3] != ' ')
        return false;
    c->p += 4;
    if (*c->p == ' ')
        c->p++;
    if (!cur_num(c, 0, &mday) || mday < 1 || mday > 31 || !cur_lit(c, " "))
        return false;
    t->mday = (int)mday;
    return parse_hms(c, t);
}

static bool parse_offset(struct cursor *c, struct logline_time *t)
{
    long oh, om;
    int sign;

    if (cur_lit(c, "Z")) {
        t->has_offset = true;
        return true;
    }
    if (c->p >= c->end || (*c->p != '+' && *c->p != '-'))
        return true; /* no zone: local time */
    sign = *c->p == '-' ? -1 : 1;
    c->p++;
    if (!cur_num(c, 2, &oh))
        return false;
    (void)cur_lit(c, ":");
    if (!cur_num(c, 2, &om) || oh > 23 || om > 59)
        return false;
    t->offset_min = sign * (int)(oh * 60 + om);
    t->has_offset = true;
    return true;
}

/* "2026-11-25T22:24:21.123456+00:00" */
static bool parse_time_iso(struct cursor *c, struct logline_time *t)
{
    long y, mo, d;

    if (!cur_num(c, 4, &y) || !cur_lit(c, "-") || !cur_num(c, 2, &mo) ||
        !cur_lit(c, "-") || !cur_num(c, 2, &d) || !cur_lit(c, "T"))
        return false;
    if (mo < 1 || mo > 12 || d < 1 || d > 31)
        return false;
    t->year = (int)y;
    t->mon = (int)mo;
    t->mday = (int)d;
    return parse_hms(c, t) && parse_offset(c, t);
}

/* ------------------------------------------------------------ prefixes */

/* "tag[pid]: " or "tag: " */
static bool parse_tag(struct cursor *c, struct logline *ll)
{
    const char *start = c->p;
    long pid = 0;

    while (c->p < c->end && *c->p != '[' && *c->p != ':' && *c->p != ' ')
        c->p++;
    if (c->p == start)
        return false;
    ll->program = span_of(start, c->p);
    if (cur_lit(c, "[")) {
        if (!cur_num(c, 0, &pid) || !cur_lit(c, "]"))
            return false;
    }
    ll->pid = pid;
    return cur_lit(c, ": ");
}

/* RFC 5424 after "<PRI>1 ": TS HOST APP PROCID MSGID SD MSG */
static bool parse_5424(struct cursor *c, struct logline *ll)
{
    struct logline_span procid, msgid;
    long pid = 0;

    if (!cur_lit(c, "- ") && !(parse_time_iso(c, &ll->time) && cur_lit(c, " ")))
        return false;
    ll->time.valid = ll->time.year != 0;
    if (!cur_token(c, &ll->host) || !cur_lit(c, " ") ||
        !cur_token(c, &ll->program) || !cur_lit(c, " ") ||
        !cur_token(c, &procid) || !cur_lit(c, " ") || !cur_token(c, &msgid) ||
        !cur_lit(c, " "))
        return false;
    struct cursor pc = {procid.p, procid.p + procid.len};
    if (cur_num(&pc, 0, &pid) && pc.p == pc.end)
        ll->pid = pid;
    if (!cur_lit(c, "- ")) {
        /* structured data: [id k="v"]...; skip, honouring \] escapes */
        while (c->p < c->end && *c->p == '[') {
            while (c->p < c->end && *c->p != ']')
                c->p += (*c->p == '\\' && c->p + 1 < c->end) ? 2 : 1;
            if (c->p < c->end)
                c->p++;
        }
        if (!cur_lit(c, " "))
            return false;
    }
    (void)cur_lit(c, "\xEF\xBB\xBF"); /* BOM before a UTF-8 MSG */
    return true;
}

static bool parse_prefix(struct cursor *c, struct logline *ll)
{
    const char *host_start;
    long pri;

    if (cur_lit(c, "<")) {
        if (!cur_num(c, 0, &pri) || !cur_lit(c, ">"))
            return false;
        if (cur_lit(c, "1 "))
            return parse_5424(c, ll);
    }
    if (c->p < c->end && is_digit(*c->p)) {
        if (!parse_time_iso(c, &ll->time))
            return false;
    } else if (!parse_time_3164(c, &ll->time)) {
        return false;
    }
    ll->time.valid = true;
    if (!cur_lit(c, " "))
        return false;
    host_start = c->p;
    if (!cur_token(c, &ll->host) || !cur_lit(c, " "))
        return false;
    if (ll->host.p[ll->host.len - 1] == ':') {
        /* no host field: "Nov 25 22:24:21 postfix/smtp[1]: ..." */
        ll->host.p = NULL;
        ll->host.len = 0;
        c->p = host_start;
    }
    return parse_tag(c, ll);
}

static void set_mta(struct logline *ll)
{
    struct logline_span prog = ll->program;
    const char *slash = memrchr(prog.p, '/', prog.len);

    if (slash != NULL) {
        ll->mta = LOGLINE_MTA_POSTFIX;
        ll->service = span_of(slash + 1, prog.p + prog.len);
    } else if (logline_span_eq(prog, "sendmail") || span_prefix(prog, "sm-")) {
        ll->mta = LOGLINE_MTA_SENDMAIL;
        ll->service = prog;
    } else {
        ll->service = prog;
    }
}

/* ------------------------------------------------------------ fields */

static bool is_key_char(char c)
{
    return (c >= 'a' && c <= 'z') || c == '_';
}

/* True when p starts "key=" (a field name). */
static bool at_key(const char *p, const char *end)
{
    const char *q = p;
    while (q < end && is_key_char(*q))
        q++;
    return q > p && q < end && *q == '=';
}

/* The value runs to the next ", key=" outside a quoted string, or to the
 * end of the line: commas inside addresses and Sendmail's "ctladdr=<u>
 * (1000/1000)" stay intact, and a quoted local part (anyone may choose
 * one: to=<"x, orig_to=<v@w>, status=bounced (..."@y>) names no field. */
static const char *value_end(const char *p, const char *end)
{
    bool quoted = false;

    for (; p + 1 < end; p++) {
        if (quoted && p[0] == '\\')
            p++; /* an escaped character: a quote that does not close */
        else if (p[0] == '"')
            quoted = !quoted;
        else if (!quoted && p[0] == ',' && p[1] == ' ' && at_key(p + 2, end))
            return p;
    }
    return end;
}

static struct logline_span strip_angle(struct logline_span v)
{
    if (v.len >= 2 && v.p[0] == '<' && v.p[v.len - 1] == '>') {
        v.p++;
        v.len -= 2;
    } else if (v.len >= 1 && v.p[0] == '<') {
        /* "ctladdr=<u@x> (1000/1000)" style: up to the '>' */
        const char *gt = memchr(v.p, '>', v.len);
        if (gt != NULL)
            v = span_of(v.p + 1, gt);
    }
    return v;
}

static void set_dsn(struct logline *ll, struct logline_span v)
{
    struct cursor c = {v.p, v.p + v.len};
    long a, b, d;

    if (v.len >= sizeof ll->dsn || !cur_num(&c, 1, &a) ||
        (a != 2 && a != 4 && a != 5) || !cur_lit(&c, ".") ||
        !cur_num(&c, 0, &b) || b > 999 || !cur_lit(&c, ".") ||
        !cur_num(&c, 0, &d) || d > 999 || c.p != c.end) {
        ll->errors |= LOGLINE_ERR_DSN;
        return;
    }
    memcpy(ll->dsn, v.p, v.len);
    ll->dsn[v.len] = '\0';
}

/* ------------------------------------------------------------ replies */

static int reply_code_of(struct logline_span r)
{
    if (r.len < 3 || r.p[0] < '2' || r.p[0] > '5' || !is_digit(r.p[1]) ||
        !is_digit(r.p[2]))
        return 0;
    if (r.len > 3 && r.p[3] != ' ' && r.p[3] != '-')
        return 0;
    return (r.p[0] - '0') * 100 + (r.p[1] - '0') * 10 + (r.p[2] - '0');
}

/* "... (in reply to RCPT TO command)" at the end of a reply. */
static void split_in_reply_to(struct logline *ll)
{
    static const char open[] = " (in reply to ";
    static const char close[] = " command)";
    const char *hit;

    if (!span_suffix(ll->reply, close))
        return;
    hit = span_find(ll->reply, open, true);
    if (hit == NULL || hit + (sizeof open - 1) >
                           ll->reply.p + ll->reply.len - (sizeof close - 1))
        return; /* the two overlap: " (in reply to command)" */
    ll->reply_cmd = span_of(hit + sizeof open - 1,
                            ll->reply.p + ll->reply.len - (sizeof close - 1));
    ll->reply = span_of(ll->reply.p, hit);
}

/* "host mx[192.0.2.1] said: 550 ..." / "... refused to talk to me: 554" */
static bool split_said(struct logline *ll, struct logline_span d)
{
    static const char said[] = " said: ";
    static const char refused[] = " refused to talk to me: ";
    const char *hit;
    size_t skip = sizeof said - 1;

    if (!span_prefix(d, "host "))
        return false;
    /* the host name lies between "host " and " said: " */
    struct logline_span rest = span_of(d.p + 5, d.p + d.len);
    hit = span_find(rest, said, false);
    if (hit == NULL) {
        hit = span_find(rest, refused, false);
        skip = sizeof refused - 1;
    }
    if (hit == NULL)
        return false;
    ll->remote = span_of(d.p + 5, hit);
    ll->reply = span_of(hit + skip, d.p + d.len);
    ll->flags |= LOGLINE_F_SAID;
    split_in_reply_to(ll);
    return true;
}

static void classify_detail(struct logline *ll)
{
    static const char suspended[] = "delivery temporarily suspended: ";
    struct logline_span d = ll->detail;

    if (span_prefix(d, suspended)) {
        ll->flags |= LOGLINE_F_SUSPENDED;
        d = span_of(d.p + sizeof suspended - 1, d.p + d.len);
    }
    ll->reply = d;
    if (split_said(ll, d)) {
        /* the remote reply */
    } else if (span_prefix(d, "connect to ") ||
               span_prefix(d, "lost connection with ") ||
               (span_prefix(d, "conversation with ") &&
                span_find(d, " timed out ", false) != NULL) ||
               span_find(d, "Connection refused", false) != NULL ||
               span_find(d, "Connection timed out", false) != NULL) {
        ll->flags |= LOGLINE_F_CONNECT;
    } else if (span_prefix(d, "Host or domain name not found") ||
               span_prefix(d, "Host found but no data record") ||
               span_find(d, "Name service error", false) != NULL ||
               span_find(d, "host name lookup failure", false) != NULL ||
               span_prefix(d, "Host unknown")) {
        ll->flags |= LOGLINE_F_DNS;
    }
    ll->reply_code = reply_code_of(ll->reply);
}

/* ------------------------------------------------------------ statuses */

static const struct {
    const char *word;
    enum logline_status status;
} postfix_statuses[] = {
    {"sent", LOGSTAT_SENT},
    {"deferred", LOGSTAT_DEFERRED},
    {"bounced", LOGSTAT_BOUNCED},
    {"expired", LOGSTAT_EXPIRED},
    {"SOFTBOUNCE", LOGSTAT_SOFTBOUNCE},
    {"deliverable", LOGSTAT_DELIVERABLE},
    {"undeliverable", LOGSTAT_UNDELIVERABLE},
};

/* "deferred (text)" or "expired, returned to sender" */
static void parse_postfix_status(struct logline *ll, struct logline_span v)
{
    const char *p = v.p, *end = v.p + v.len;
    struct logline_span word;

    while (p < end && is_alnum(*p))
        p++;
    word = span_of(v.p, p);
    ll->errors |= LOGLINE_ERR_STATUS;
    for (size_t i = 0; i < sizeof postfix_statuses / sizeof postfix_statuses[0];
         i++) {
        if (logline_span_eq(word, postfix_statuses[i].word)) {
            ll->status = postfix_statuses[i].status;
            ll->errors &= ~LOGLINE_ERR_STATUS;
            break;
        }
    }
    if (end - p >= 2 && p[0] == ' ' && p[1] == '(') {
        if (end[-1] == ')') {
            ll->detail = span_of(p + 2, end - 1);
        } else {
            ll->detail = span_of(p + 2, end);
            ll->errors |= LOGLINE_ERR_PAREN;
        }
        classify_detail(ll);
    }
}

/* "Sent (ok)", "Deferred: 452 4.2.2 text", "User unknown" */
static void parse_sendmail_stat(struct logline *ll, struct logline_span v)
{
    const char *end = v.p + v.len;

    if (span_prefix(v, "Sent")) {
        ll->status = LOGSTAT_SENT;
        const char *open = memchr(v.p, '(', v.len);
        if (open != NULL && end[-1] == ')')
            ll->detail = span_of(open + 1, end - 1);
        else
            ll->detail = span_of(v.p + 4, end);
    } else if (span_prefix(v, "Deferred")) {
        ll->status = LOGSTAT_DEFERRED;
        const char *p = v.p + 8;
        if (end - p >= 2 && p[0] == ':' && p[1] == ' ')
            p += 2;
        ll->detail = span_of(p, end);
    } else if (span_prefix(v, "queued")) {
        ll->status = LOGSTAT_NONE;
        ll->detail = v;
        return;
    } else {
        ll->status = ll->dsn[0] == '4' ? LOGSTAT_DEFERRED : LOGSTAT_BOUNCED;
        ll->detail = v;
    }
    classify_detail(ll);
}

/* ------------------------------------------------------------ the line */

struct fields {
    bool has_to, has_from, has_status;
    struct logline_span status, stat;
};

static void take_field(struct logline *ll, struct fields *f,
                       struct logline_span key, struct logline_span v)
{
    if (SPAN_IS(key, "to")) {
        ll->to = strip_angle(v);
        f->has_to = true;
    } else if (SPAN_IS(key, "orig_to")) {
        ll->orig_to = strip_angle(v);
    } else if (SPAN_IS(key, "from")) {
        ll->from = strip_angle(v);
        f->has_from = true;
    } else if (SPAN_IS(key, "relay")) {
        ll->relay = v;
    } else if (SPAN_IS(key, "delay")) {
        ll->delay = v;
    } else if (SPAN_IS(key, "mailer")) {
        ll->mailer = v;
    } else if (SPAN_IS(key, "dsn")) {
        set_dsn(ll, v);
    } else if (SPAN_IS(key, "msgid")) { /* Sendmail */
        ll->message_id = strip_angle(v);
    }
}

/* Postfix cleanup(8): "QID: message-id=<id>", the whole rest of the line
 * (an id may hold ", "); angle brackets are optional in what it logs. */
static bool parse_message_id(struct logline *ll, struct cursor *c)
{
    if (!cur_lit(c, "message-id="))
        return false;
    struct logline_span id = strip_angle(span_of(c->p, c->end));

    c->p = c->end;
    if (id.len > 0) {
        ll->message_id = id;
        ll->kind = LOGLINE_MESSAGE_ID;
    }
    return true;
}

/* Walks "key=value, key=value, ..."; status= and stat= end the list. */
static void parse_fields(struct logline *ll, struct cursor *c, struct fields *f)
{
    while (c->p < c->end && at_key(c->p, c->end)) {
        const char *eq = memchr(c->p, '=', (size_t)(c->end - c->p));
        struct logline_span key = span_of(c->p, eq);
        const char *vstart = eq + 1;

        if (SPAN_IS(key, "status") || SPAN_IS(key, "stat")) {
            f->has_status = true;
            if (key.len == 6)
                f->status = span_of(vstart, c->end);
            else
                f->stat = span_of(vstart, c->end);
            c->p = c->end;
            break;
        }
        const char *vend = value_end(vstart, c->end);
        take_field(ll, f, key, span_of(vstart, vend));
        c->p = vend < c->end ? vend + 2 : vend;
    }
}

static void parse_message(struct logline *ll, struct cursor *c)
{
    const char *start = c->p;
    struct fields f;

    while (c->p < c->end && is_alnum(*c->p))
        c->p++;
    if (c->p - start < 5 || !cur_lit(c, ": "))
        return;
    ll->queue_id = span_of(start, c->p - 2);
    if (parse_message_id(ll, c))
        return;
    memset(&f, 0, sizeof f);
    parse_fields(ll, c, &f);
    if (f.stat.p != NULL) {
        ll->mta = LOGLINE_MTA_SENDMAIL;
        parse_sendmail_stat(ll, f.stat);
    } else if (f.status.p != NULL) {
        if (ll->mta == LOGLINE_MTA_UNKNOWN)
            ll->mta = LOGLINE_MTA_POSTFIX;
        parse_postfix_status(ll, f.status);
    }
    if (f.has_to && f.has_status)
        ll->kind = LOGLINE_DELIVERY;
    else if (f.has_from && ll->status == LOGSTAT_EXPIRED)
        ll->kind = LOGLINE_EXPIRED;
    else if (f.has_from && !f.has_status)
        ll->kind = LOGLINE_SENDER;
}

enum logline_kind logline_parse(const char *line, size_t len,
                                struct logline *ll_r)
{
    const char *nul;
    struct cursor c;

    memset(ll_r, 0, sizeof *ll_r);
    if (line == NULL)
        return LOGLINE_OTHER;
    nul = memchr(line, '\0', len);
    if (nul != NULL) {
        ll_r->errors |= LOGLINE_ERR_NUL;
        len = (size_t)(nul - line);
    }
    while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
        len--;
    c.p = line;
    c.end = line + len;
    if (!parse_prefix(&c, ll_r)) {
        /* a bare "tag[pid]: msg" (journalctl -o cat style) */
        struct logline_time none = {0};
        ll_r->errors |= LOGLINE_ERR_PREFIX;
        ll_r->time = none;
        ll_r->host.p = NULL;
        ll_r->host.len = 0;
        c.p = line;
        if (!parse_tag(&c, ll_r))
            return ll_r->kind;
    }
    set_mta(ll_r);
    parse_message(ll_r, &c);
    return ll_r->kind;
}

/* ------------------------------------------------------------ time */

bool logline_time_resolve(const struct logline_time *t, long utc_offset_sec,
                          time_t now, time_t *t_r)
{
    struct tm tm;
    time_t v;
    long offset = t->has_offset ? (long)t->offset_min * 60 : utc_offset_sec;

    if (!t->valid)
        return false;
    memset(&tm, 0, sizeof tm);
    if (t->year == 0) {
        time_t local_now = now + utc_offset_sec;
        struct tm nowtm;
        if (gmtime_r(&local_now, &nowtm) == NULL)
            return false;
        tm.tm_year = nowtm.tm_year;
    } else {
        tm.tm_year = t->year - 1900;
    }
    tm.tm_mon = t->mon - 1;
    tm.tm_mday = t->mday;
    tm.tm_hour = t->hour;
    tm.tm_min = t->min;
    tm.tm_sec = t->sec;
    v = timegm(&tm);
    if (v == (time_t)-1)
        return false;
    v -= offset;
    if (t->year == 0 && v > now + 86400) {
        tm.tm_year--;
        v = timegm(&tm) - offset;
    }
    *t_r = v;
    return true;
}

const char *logline_status_name(enum logline_status s)
{
    switch (s) {
    case LOGSTAT_SENT:
        return "sent";
    case LOGSTAT_DEFERRED:
        return "deferred";
    case LOGSTAT_BOUNCED:
        return "bounced";
    case LOGSTAT_EXPIRED:
        return "expired";
    case LOGSTAT_SOFTBOUNCE:
        return "softbounce";
    case LOGSTAT_DELIVERABLE:
        return "deliverable";
    case LOGSTAT_UNDELIVERABLE:
        return "undeliverable";
    case LOGSTAT_NONE:
        break;
    }
    return "none";
}

const char *logline_kind_name(enum logline_kind k)
{
    switch (k) {
    case LOGLINE_DELIVERY:
        return "delivery";
    case LOGLINE_EXPIRED:
        return "expired";
    case LOGLINE_SENDER:
        return "sender";
    case LOGLINE_MESSAGE_ID:
        return "message-id";
    case LOGLINE_OTHER:
        break;
    }
    return "other";
}
