/*
 * sesjson.c - Amazon SES JSON notifications (see sesjson.h).
 */
#include "core/sesjson.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/dsn.h"
#include "core/jscan.h"

#define SES_VALUE_MAX 1024
#define SES_OBJECT_MAX 8192 /* bytes of one recipient object looked at */

/* jscan_key() of "notificationType", or when there is none of
 * "eventType": both looked for in one pass over the quotes. */
static size_t ses_kind_key(const char *t, size_t len)
{
    const char *q;
    size_t i = 0, ev = 0;

    while (i < len && (q = memchr(t + i, '"', len - i)) != NULL) {
        i = (size_t)(q - t);
        if (jscan_key_at(t, len, i, "notificationType", 16))
            return i + 18;
        if (ev == 0 && jscan_key_at(t, len, i, "eventType", 9))
            ev = i + 11;
        i++;
    }
    return ev;
}

static enum report_kind ses_kind(const char *t, size_t len)
{
    char v[64];
    size_t k = ses_kind_key(t, len);

    if (k == 0 || jscan_string(t, len, k, v, sizeof v) == 0)
        return REPORT_NOT_BOUNCE;
    if (strcasecmp(v, "Bounce") == 0)
        return REPORT_BOUNCE;
    if (strcasecmp(v, "Complaint") == 0)
        return REPORT_FEEDBACK;
    if (strcasecmp(v, "Delivery") == 0)
        return REPORT_DELIVERED;
    return REPORT_NOT_BOUNCE;
}

/* One recipient object: emailAddress at k, its fields up to the next '}'. */
static size_t ses_object(struct rbuild *b, const char *t, size_t len,
                         size_t k)
{
    char v[SES_VALUE_MAX], st[16];
    size_t e = jscan_string(t, len, k, v, sizeof v), end = e;
    struct report_rcpt *rc;

    if (e == 0)
        return k;
    while (end < len && end - e < SES_OBJECT_MAX && t[end] != '}')
        end++;
    if ((rc = rbuild_rcpt(b, v, strlen(v), NULL)) == NULL)
        return end;
    size_t f;
    if ((f = jscan_key(t, len, k, end, "action")) != 0 &&
        jscan_string(t, len, f, v, sizeof v) != 0)
        rbuild_str(b, &rc->action, v, strlen(v));
    if ((f = jscan_key(t, len, k, end, "status")) != 0 &&
        jscan_string(t, len, f, v, sizeof v) != 0)
        rbuild_codes(rc, v, 0);
    if ((f = jscan_key(t, len, k, end, "diagnosticCode")) != 0 &&
        jscan_string(t, len, f, v, sizeof v) != 0) {
        const char *d = dsn_skip_type(v, strlen(v));
        int code;
        rbuild_str(b, &rc->diagnostic, d, strlen(d));
        dsn_scan_reply(d, strlen(d), &code, st, sizeof st);
        rbuild_codes(rc, st, code);
    }
    return end;
}

/* A Delivery: "recipients":["a@b", ...] and the smtpResponse. */
static size_t ses_delivery(struct rbuild *b, const char *t, size_t len)
{
    char v[SES_VALUE_MAX], st[16];
    size_t k = jscan_key(t, len, 0, len, "recipients"), n = 0, resp;
    int code = 0;

    if (k == 0)
        return 0;
    st[0] = '\0';
    v[0] = '\0';
    if ((resp = jscan_key(t, len, 0, len, "smtpResponse")) != 0 &&
        jscan_string(t, len, resp, v, sizeof v) != 0)
        dsn_scan_reply(v, strlen(v), &code, st, sizeof st);
    while (k < len && t[k] != '[')
        k++;
    for (size_t i = k; i < len && t[i] != ']';) {
        char a[SES_VALUE_MAX];
        size_t e = jscan_string(t, len, i + 1, a, sizeof a);
        if (e == 0)
            break;
        struct report_rcpt *rc = rbuild_rcpt(b, a, strlen(a), NULL);
        if (rc != NULL) {
            n++;
            rbuild_str(b, &rc->action, "delivered", 9);
            rbuild_str(b, &rc->diagnostic, v, strlen(v));
            rbuild_codes(rc, st, code);
        }
        i = e;
        while (i < len && (t[i] == ' ' || t[i] == '\n' || t[i] == '\r'))
            i++;
        if (i >= len || t[i] != ',')
            break;
    }
    return n;
}

/* The string value after a key ending at k, unescaped (\" \\ \/ and
 * the control escapes; \uXXXX kept as written) into a new buffer *out_r
 * (NUL-ended, its length *out_len_r); false when there is none or memory
 * runs out (b->oom). */
static bool ses_string_copy(struct rbuild *b, const char *t, size_t len,
                            size_t k, char **out_r, size_t *out_len_r)
{
    size_t i = jscan_value_at(t, len, k), n = 0;

    if (i >= len)
        return false;
    char *out = malloc(len - i); /* the value is shorter than the rest */
    if (out == NULL) {
        b->oom = true;
        return false;
    }
    for (i++; i < len && t[i] != '"'; i++) {
        char c = t[i];
        if (c == '\\' && i + 1 < len) {
            c = t[++i];
            c = c == 'n' ? '\n' : c == 'r' ? '\r' : c == 't' ? '\t' : c;
            if (t[i] == 'u')
                out[n++] = '\\';
        }
        out[n++] = c;
    }
    out[n] = '\0';
    *out_r = out;
    *out_len_r = n;
    return true;
}

static size_t ses_parse(struct rbuild *b, const char *text, size_t len,
                        enum report_kind *kind_r, bool wrapped);

/* An Amazon SNS notification carries the SES one as the string value of
 * its "Message": that value, unescaped, read as the notification (once:
 * a wrapped message is not unwrapped again). */
static size_t ses_sns(struct rbuild *b, const char *text, size_t len,
                      enum report_kind *kind_r)
{
    size_t k = jscan_key(text, len, 0, len, "Message"), mlen, n;
    char *msg;

    if (k == 0 || !ses_string_copy(b, text, len, k, &msg, &mlen))
        return 0;
    n = ses_parse(b, msg, mlen, kind_r, true);
    free(msg);
    return n;
}

size_t sesjson_parse(struct rbuild *b, const char *text, size_t len,
                     enum report_kind *kind_r)
{
    return ses_parse(b, text, len, kind_r, false);
}

static size_t ses_parse(struct rbuild *b, const char *text, size_t len,
                        enum report_kind *kind_r, bool wrapped)
{
    size_t n = 0, k = 0;

    *kind_r = ses_kind(text, len);
    if (*kind_r == REPORT_NOT_BOUNCE)
        return wrapped ? 0 : ses_sns(b, text, len, kind_r);
    if (*kind_r == REPORT_DELIVERED)
        return ses_delivery(b, text, len);
    while ((k = jscan_key(text, len, k, len, "emailAddress")) != 0) {
        size_t before = b->r->nrcpts;
        k = ses_object(b, text, len, k);
        n += b->r->nrcpts > before;
    }
    return n;
}
