/*
 * store_import.c - reading suppression lists (store_import.h).
 */
#define _GNU_SOURCE /* timegm, strptime */
#include "ctl/store_import.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define REC_MAX 65536
#define COLS_MAX 32

enum format { F_OWN, F_POSTMARK, F_SES, F_MAILGUN, F_SENDGRID, F_JSON };

static const char *const format_names[] = {
    "bounceguard-csv", "postmark", "ses",
    "mailgun",         "sendgrid", "bounceguard-json",
};

/* One record: parallel names and values (values may be NULL). */
struct rec {
    char *buf; /* REC_MAX bytes of field text */
    size_t len;
    char *val[COLS_MAX];
    size_t n;
    bool too_long;
    unsigned long line;     /* where the record starts */
    unsigned long nextline; /* line of the next record */
};

/* ----------------------------------------------------------------- CSV */

static void rec_put(struct rec *r, int c)
{
    if (r->len + 1 < REC_MAX)
        r->buf[r->len++] = (char)c;
    else
        r->too_long = true;
}

static void rec_end_field(struct rec *r)
{
    rec_put(r, '\0');
    if (r->n < COLS_MAX)
        r->n++;
    else
        r->too_long = true;
}

/* Reads one RFC 4180 record; false at end of file. */
static bool csv_read(FILE *f, struct rec *r)
{
    bool quoted = false, any = false;
    size_t start = 0;
    int c;

    r->len = r->n = 0;
    r->too_long = false;
    r->line = r->nextline;
    while ((c = getc(f)) != EOF) {
        any = true;
        if (quoted) {
            if (c == '"') {
                int d = getc(f);
                if (d == '"')
                    rec_put(r, '"');
                else {
                    quoted = false;
                    if (d != EOF)
                        ungetc(d, f);
                }
            } else {
                r->nextline += c == '\n';
                rec_put(r, c);
            }
            continue;
        }
        if (c == '"' && r->len == start)
            quoted = true;
        else if (c == ',') {
            rec_end_field(r);
            start = r->len;
        } else if (c == '\n') {
            r->nextline++;
            break;
        } else if (c != '\r')
            rec_put(r, c);
    }
    if (!any)
        return false;
    rec_end_field(r);
    /* field pointers: the NUL-separated strings in order */
    for (size_t i = 0, off = 0; i < r->n && off < r->len; i++) {
        r->val[i] = r->buf + off;
        off += strlen(r->buf + off) + 1;
    }
    return true;
}

static bool blank(const struct rec *r)
{
    return r->n == 1 && r->val[0][0] == '\0';
}

/* ---------------------------------------------------------------- JSON */

static const char *skip_ws(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
        p++;
    return p;
}

static void put_utf8(char **o, unsigned cp)
{
    if (cp < 0x80) {
        *(*o)++ = (char)cp;
    } else if (cp < 0x800) {
        *(*o)++ = (char)(0xc0 | (cp >> 6));
        *(*o)++ = (char)(0x80 | (cp & 0x3f));
    } else {
        *(*o)++ = (char)(0xe0 | (cp >> 12));
        *(*o)++ = (char)(0x80 | ((cp >> 6) & 0x3f));
        *(*o)++ = (char)(0x80 | (cp & 0x3f));
    }
}

/* Decodes a JSON string at *p (after the quote) in place into *o. */
static bool json_string_in_place(char **p, char **o)
{
    char *s = *p;

    while (*s && *s != '"') {
        if (*s != '\\') {
            *(*o)++ = *s++;
            continue;
        }
        s++;
        switch (*s) {
        case 'n':
            *(*o)++ = '\n';
            break;
        case 't':
            *(*o)++ = '\t';
            break;
        case 'r':
            *(*o)++ = '\r';
            break;
        case 'b':
            *(*o)++ = '\b';
            break;
        case 'f':
            *(*o)++ = '\f';
            break;
        case 'u': {
            char hex[5] = {0};
            for (int i = 0; i < 4; i++)
                if (!isxdigit((unsigned char)(hex[i] = s[1 + i])))
                    return false;
            put_utf8(o, (unsigned)strtoul(hex, NULL, 16));
            s += 4;
            break;
        }
        case '\0':
            return false;
        default:
            *(*o)++ = *s;
            break;
        }
        s++;
    }
    if (*s != '"')
        return false;
    *p = s + 1;
    return true;
}

/* Reads one scalar value at *p: a string is decoded and terminated in
 * place (*end_r = NULL); any other value's end is *end_r, for the caller to
 * terminate once it has read the separator there. */
static bool json_value(char **p, char **v_r, char **end_r)
{
    char *s = *p, *o;

    *end_r = NULL;
    if (*s == '"') {
        s++;
        o = *v_r = s;
        if (!json_string_in_place(&s, &o))
            return false;
        *o = '\0'; /* at most where the closing quote was */
        *p = s;
        return true;
    }
    if (strncmp(s, "null", 4) == 0) {
        *v_r = NULL;
        *p = s + 4;
        return true;
    }
    *v_r = s;
    while (*s && *s != ',' && *s != '}' && *s != ' ' && *s != '\t')
        s++;
    if (s == *v_r)
        return false;
    *p = *end_r = s;
    return true;
}

/* Parses a flat JSON object: names into NAMES, values into R->val. */
static const char *json_object(char *line, struct rec *r, char **names)
{
    char *p = (char *)skip_ws(line), *end;

    r->n = 0;
    if (*p++ != '{')
        return "not a JSON object";
    for (;;) {
        char sep;
        p = (char *)skip_ws(p);
        if (*p == '}' && r->n == 0)
            return NULL;
        if (r->n >= COLS_MAX)
            return "too many members";
        if (*p++ != '"')
            return "member name expected";
        names[r->n] = end = p;
        if (!json_string_in_place(&p, &end))
            return "unterminated string";
        *end = '\0';
        p = (char *)skip_ws(p);
        if (*p++ != ':')
            return "':' expected";
        p = (char *)skip_ws(p);
        if (!json_value(&p, &r->val[r->n], &end))
            return "bad value";
        p = (char *)skip_ws(p);
        sep = *p;
        if (sep != ',' && sep != '}')
            return "',' or '}' expected";
        if (end != NULL)
            *end = '\0';
        r->n++;
        if (sep == '}')
            return NULL;
        p++;
    }
}

/* ------------------------------------------------------------ mapping */

/* Column indexes of one format; -1 when absent. */
struct colmap {
    enum format fmt;
    int address, reason, bucket, status, code, diag, when, expires, msgid, qid,
        sender;
};

static int col_index(char **names, size_t n, const char *a, const char *b)
{
    for (size_t i = 0; i < n; i++) {
        const char *s = names[i];
        while (*s == ' ')
            s++;
        if (strcasecmp(s, a) == 0 || (b && strcasecmp(s, b) == 0))
            return (int)i;
    }
    return -1;
}

static bool detect(char **names, size_t n, struct colmap *m)
{
#define HAS(x) (col_index(names, n, (x), NULL) >= 0)
#define COL(a, b) col_index(names, n, (a), (b))
    memset(m, -1, sizeof *m);
    if (HAS("address") && HAS("bucket")) {
        m->fmt = F_OWN;
        m->address = COL("address", NULL);
        m->reason = COL("reason", NULL);
        m->bucket = COL("bucket", NULL);
        m->status = COL("status", NULL);
        m->code = COL("reply_code", NULL);
        m->diag = COL("diagnostic", NULL);
        m->when = COL("last_seen", NULL);
        m->expires = COL("expires", NULL);
        m->msgid = COL("message_id", NULL);
        m->qid = COL("queue_id", NULL);
        m->sender = COL("sender", NULL);
    } else if (HAS("emailaddress") && HAS("suppressionreason")) {
        m->fmt = F_POSTMARK;
        m->address = COL("emailaddress", NULL);
        m->reason = COL("suppressionreason", NULL);
        m->when = COL("createdat", NULL);
    } else if (HAS("emailaddress") && HAS("reason")) {
        m->fmt = F_SES;
        m->address = COL("emailaddress", NULL);
        m->reason = COL("reason", NULL);
        m->when = COL("lastupdatetime", "lastupdatetimestamp");
    } else if (HAS("address") && HAS("code") && HAS("error")) {
        m->fmt = F_MAILGUN;
        m->address = COL("address", NULL);
        m->code = COL("code", NULL);
        m->diag = COL("error", NULL);
        m->when = COL("created_at", NULL);
    } else if (HAS("email") && (HAS("created") || HAS("status"))) {
        m->fmt = F_SENDGRID;
        m->address = COL("email", NULL);
        m->diag = COL("reason", NULL);
        m->status = COL("status", NULL);
        m->when = COL("created", NULL);
    } else
        return false;
    return true;
#undef HAS
#undef COL
}

static const char *get(const struct rec *r, int i)
{
    if (i < 0 || (size_t)i >= r->n || r->val[i] == NULL)
        return NULL;
    return *r->val[i] ? r->val[i] : NULL;
}

/* Provider reason words -> our reason; NULL when unknown. */
static const char *provider_reason(enum format fmt, const char *v)
{
    static const char *const map[][3] = {
        {"ses", "BOUNCE", "bounce"},
        {"ses", "COMPLAINT", "complaint"},
        {"postmark", "HardBounce", "bounce"},
        {"postmark", "SpamComplaint", "complaint"},
        {"postmark", "ManualSuppression", "manual"},
    };

    for (size_t i = 0; v && i < sizeof map / sizeof *map; i++)
        if (strcmp(map[i][0], format_names[fmt]) == 0 &&
            strcasecmp(map[i][1], v) == 0)
            return map[i][2];
    return NULL;
}

static const char *map_common(const struct colmap *m, const struct rec *r,
                              struct import_row *row)
{
    const char *v;

    if ((row->address = get(r, m->address)) == NULL)
        return "no address";
    if ((v = get(r, m->when)) != NULL && store_import_time(v, &row->when) < 0)
        return "unreadable date";
    row->status = get(r, m->status);
    row->diagnostic = get(r, m->diag);
    if ((v = get(r, m->code)) != NULL) {
        char *end;
        long c = strtol(v, &end, 10);
        if (*end != '\0' || (c != 0 && (c < 200 || c > 599)))
            return "bad reply code";
        row->reply_code = (int)c;
    }
    return NULL;
}

static const char *map_own(const struct colmap *m, const struct rec *r,
                           struct import_row *row)
{
    const char *v;

    row->reason = get(r, m->reason);
    if (!bucket_parse(get(r, m->bucket), &row->bucket))
        return "bad bucket (none, soft, hard, sender)";
    if ((v = get(r, m->expires)) != NULL) {
        char *end;
        row->expires = strtoll(v, &end, 10);
        if (*end != '\0' || row->expires < 0)
            return "bad expiry";
    }
    row->message_id = get(r, m->msgid);
    row->queue_id = get(r, m->qid);
    row->sender = get(r, m->sender);
    return NULL;
}

static const char *map_row(const struct colmap *m, const struct rec *r,
                           struct import_row *row)
{
    const char *why, *v;

    memset(row, 0, sizeof *row);
    row->bucket = BUCKET_HARD;
    if ((why = map_common(m, r, row)) != NULL)
        return why;
    switch (m->fmt) {
    case F_OWN:
    case F_JSON:
        return map_own(m, r, row);
    case F_SES:
    case F_POSTMARK:
        v = get(r, m->reason);
        if ((row->reason = provider_reason(m->fmt, v)) == NULL)
            return "unknown suppression reason";
        return NULL;
    case F_MAILGUN:
        row->reason = "bounce";
        if (row->reply_code >= 400 && row->reply_code < 500)
            row->bucket = BUCKET_SOFT;
        return NULL;
    case F_SENDGRID:
        row->reason = "bounce";
        if (row->status != NULL && row->status[0] == '4')
            row->bucket = BUCKET_SOFT;
        return NULL;
    }
    return NULL;
}

/* -------------------------------------------------------------- times */

int store_import_time(const char *text, long long *t_r)
{
    struct tm tm;
    const char *rest;
    char *end;
    long long n = strtoll(text, &end, 10);

    if (*text != '\0' && *end == '\0') {
        *t_r = n;
        return 0;
    }
    memset(&tm, 0, sizeof tm);
    if ((rest = strptime(text, "%Y-%m-%dT%H:%M:%S", &tm)) == NULL &&
        (rest = strptime(text, "%Y-%m-%d %H:%M:%S", &tm)) == NULL) {
        memset(&tm, 0, sizeof tm);
        if ((rest = strptime(text, "%a, %d %b %Y %H:%M:%S %z", &tm)) == NULL &&
            (rest = strptime(text, "%d %b %Y %H:%M:%S %z", &tm)) == NULL)
            return -1;
        long gmtoff = tm.tm_gmtoff; /* timegm() resets it */
        *t_r = (long long)timegm(&tm) - gmtoff;
        return *rest == '\0' ? 0 : -1;
    }
    if (*rest == '.') /* fraction of a second */
        while (isdigit((unsigned char)*++rest))
            ;
    long off = 0;
    if (*rest == '+' || *rest == '-') {
        int h, mi;
        if (sscanf(rest + 1, "%2d:%2d", &h, &mi) != 2)
            return -1;
        off = (h * 3600L + mi * 60L) * (*rest == '-' ? -1 : 1);
        rest += 6;
    } else if (*rest == 'Z')
        rest++;
    if (*rest != '\0')
        return -1;
    *t_r = (long long)timegm(&tm) - off;
    return 0;
}

/* -------------------------------------------------------------- reader */

static int read_json(FILE *f, struct rec *r, import_row_cb *cb, void *ctx)
{
    struct colmap m;
    char *names[COLS_MAX], *line = NULL;
    size_t cap = 0;
    ssize_t len;
    unsigned long lineno = r->nextline - 1;
    int rc = 0;

    while (rc == 0 && (len = getline(&line, &cap, f)) >= 0) {
        struct import_row row;
        const char *why;
        lineno++;
        if (*skip_ws(line) == '\0')
            continue;
        if ((why = json_object(line, r, names)) == NULL &&
            (!detect(names, r->n, &m) || m.fmt != F_OWN))
            why = "not a bounceguard entry (needs address and bucket)";
        if (why == NULL) {
            m.fmt = F_JSON;
            why = map_row(&m, r, &row);
        }
        rc = cb(lineno, why ? NULL : &row, why, ctx);
    }
    free(line);
    return rc;
}

static int read_csv(FILE *f, struct rec *r, const struct colmap *m,
                    import_row_cb *cb, void *ctx)
{
    int rc = 0;

    while (rc == 0 && csv_read(f, r)) {
        struct import_row row;
        const char *why = NULL;
        if (blank(r))
            continue;
        if (r->too_long)
            why = "record too long";
        else
            why = map_row(m, r, &row);
        rc = cb(r->line, why ? NULL : &row, why, ctx);
    }
    return rc;
}

/* Skips a UTF-8 byte order mark and leading white space; returns the first
 * other character (not consumed). */
static int peek_start(FILE *f, unsigned long *lines)
{
    int c;

    while ((c = getc(f)) != EOF) {
        if (c == 0xef) {
            getc(f), getc(f);
            continue;
        }
        if (c == '\n')
            (*lines)++;
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
            break;
    }
    if (c != EOF)
        ungetc(c, f);
    return c;
}

int store_import_read(FILE *f, import_row_cb *cb, void *ctx,
                      const char **format_r, const char **error_r)
{
    struct rec r;
    struct colmap m;
    int rc;

    memset(&r, 0, sizeof r);
    r.nextline = 1;
    if ((r.buf = malloc(REC_MAX)) == NULL) {
        *error_r = "out of memory";
        return -1;
    }
    if (peek_start(f, &r.nextline) == '{') {
        *format_r = format_names[F_JSON];
        rc = read_json(f, &r, cb, ctx);
    } else if (!csv_read(f, &r) || !detect(r.val, r.n, &m)) {
        *error_r = "unknown format: no header of a known suppression list";
        rc = -1;
    } else {
        *format_r = format_names[m.fmt];
        rc = read_csv(f, &r, &m, cb, ctx);
    }
    free(r.buf);
    return rc;
}
