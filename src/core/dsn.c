/*
 * dsn.c - RFC 3464 / RFC 6533 delivery-status bodies (see dsn.h).
 */
#include "core/dsn.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/hdr.h"

#define DSN_VALUE_MAX 4096 /* one unfolded field value */

const char *dsn_skip_type(const char *v, size_t len)
{
    size_t i = 0;

    while (i < len && (v[i] == ' ' || v[i] == '\t'))
        i++;
    size_t t = i;
    while (i < len && i - t < 24 &&
           ((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= 'A' && v[i] <= 'Z') ||
            (v[i] >= '0' && v[i] <= '9') || v[i] == '-' || v[i] == '_'))
        i++;
    if (i > t && i < len && v[i] == ';')
        return v + i + 1;
    return v;
}

static bool dsn_isdigit(char c)
{
    return c >= '0' && c <= '9';
}

/* Is s[i..) (with s[i + 1] == '.') an enhanced status of class 2, 4 or 5
 * standing alone?  Its end in *end_r. */
static bool dsn_status_at(const char *s, size_t len, size_t i, size_t *end_r)
{
    if (s[i] != '2' && s[i] != '4' && s[i] != '5')
        return false;
    if (i > 0 && (dsn_isdigit(s[i - 1]) || s[i - 1] == '.'))
        return false;
    size_t j = i + 2, d1 = 0, d2 = 0;
    while (j < len && dsn_isdigit(s[j]) && d1 < 4)
        j++, d1++;
    if (d1 == 0 || d1 > 3 || j >= len || s[j] != '.')
        return false;
    j++;
    while (j < len && dsn_isdigit(s[j]) && d2 < 4)
        j++, d2++;
    if (d2 == 0 || d2 > 3 || (j < len && (dsn_isdigit(s[j]) ||
                                          (s[j] == '.' && j + 1 < len &&
                                           dsn_isdigit(s[j + 1])))))
        return false;
    *end_r = j;
    return true;
}

size_t dsn_find_status(const char *s, size_t len, char *out, size_t cap)
{
    /* every status has a '.' second: memchr() finds the candidates, the
     * one at s[j] standing for a status starting at j - 1 (j + 4 <= len) */
    const char *p = s + 1, *end = len >= 5 ? s + len - 3 : s + 1;
    size_t j;

    while (p < end && (p = memchr(p, '.', (size_t)(end - p))) != NULL) {
        size_t i = (size_t)(p - s) - 1;
        p++;
        if (!dsn_status_at(s, len, i, &j))
            continue;
        if (j - i + 1 > cap)
            return 0;
        memcpy(out, s + i, j - i);
        out[j - i] = '\0';
        return i + 1;
    }
    if (cap > 0)
        out[0] = '\0';
    return 0;
}

void dsn_scan_reply(const char *text, size_t len, int *code_r, char *status,
                    size_t cap)
{
    size_t i = 0;

    *code_r = 0;
    while (i < len && (text[i] == ' ' || text[i] == '\t'))
        i++;
    if (i + 3 <= len && text[i] >= '2' && text[i] <= '5' &&
        dsn_isdigit(text[i + 1]) && dsn_isdigit(text[i + 2]) &&
        (i + 3 == len || text[i + 3] == ' ' || text[i + 3] == '-'))
        *code_r = (text[i] - '0') * 100 + (text[i + 1] - '0') * 10 +
                  (text[i + 2] - '0');
    (void)dsn_find_status(text + i, len - i, status, cap);
}

/* Per-recipient group state. */
struct dsn_group {
    struct report_rcpt *rc;
    char orig[DSN_VALUE_MAX]; /* Original-Recipient seen before Final- */
    bool has_orig;
};

static bool dsn_is(const struct hdr_field *f, const char *name)
{
    return f->name_len == strlen(name) &&
           strncasecmp(f->name, name, f->name_len) == 0;
}

static bool dsn_message_name(const struct hdr_field *f)
{
    return dsn_is(f, "Reporting-MTA") || dsn_is(f, "Arrival-Date") ||
           dsn_is(f, "Original-Envelope-Id") ||
           dsn_is(f, "X-Postfix-Queue-ID") || dsn_is(f, "X-Postfix-Sender") ||
           dsn_is(f, "Received-From-MTA") || dsn_is(f, "DSN-Gateway");
}

static void dsn_message_field(struct rbuild *b, const struct hdr_field *f,
                              const char *v, size_t vl)
{
    struct report *r = b->r;
    const char *t = dsn_skip_type(v, vl);
    size_t tl = vl - (size_t)(t - v);

    if (dsn_is(f, "Reporting-MTA"))
        rbuild_str(b, &r->reporting_mta, t, tl);
    else if (dsn_is(f, "Arrival-Date"))
        rbuild_str(b, &r->arrival_date, v, vl);
    else if (dsn_is(f, "Original-Envelope-Id"))
        rbuild_str(b, &r->envelope_id, v, vl);
    else if (dsn_is(f, "X-Postfix-Queue-ID"))
        rbuild_str(b, &r->postfix_queue_id, v, vl);
    else if (dsn_is(f, "X-Postfix-Sender"))
        rbuild_str(b, &r->postfix_sender, t, tl);
}

static void dsn_set_rcpt(struct rbuild *b, struct dsn_group *g,
                         struct report_rcpt *rc)
{
    g->rc = rc;
    if (rc != NULL && g->has_orig) {
        const char *t = dsn_skip_type(g->orig, strlen(g->orig));
        rbuild_str(b, &rc->original_recipient, t, strlen(t));
    }
}

static void dsn_diagnostic(struct rbuild *b, struct report_rcpt *rc,
                           const char *v, size_t vl)
{
    const char *t = dsn_skip_type(v, vl);
    size_t tl = vl - (size_t)(t - v);
    char st[16];
    int code;

    rbuild_str(b, &rc->diagnostic, t, tl);
    dsn_scan_reply(t, tl, &code, st, sizeof st);
    rbuild_codes(rc, st, code); /* a Status: field still overrides */
}

static void dsn_rcpt_field(struct rbuild *b, struct report_rcpt *rc,
                           const struct hdr_field *f, const char *v, size_t vl)
{
    if (dsn_is(f, "Action")) {
        char a[32];
        size_t n = 0;
        for (size_t i = 0; i < vl && n + 1 < sizeof a && v[i] != ' ' &&
                           v[i] != '(' && v[i] != ';';
             i++)
            a[n++] = (char)(v[i] >= 'A' && v[i] <= 'Z' ? v[i] + 32 : v[i]);
        rbuild_str(b, &rc->action, a, n);
    } else if (dsn_is(f, "Status")) {
        char st[16], old[16];
        memcpy(old, rc->status, sizeof old);
        rc->status[0] = '\0'; /* the field beats the diagnostic */
        if (dsn_find_status(v, vl, st, sizeof st) > 0)
            rbuild_codes(rc, st, 0);
        if (rc->status[0] == '\0')
            memcpy(rc->status, old, sizeof old);
    } else if (dsn_is(f, "Remote-MTA")) {
        const char *t = dsn_skip_type(v, vl);
        rbuild_str(b, &rc->remote_mta, t, vl - (size_t)(t - v));
    } else if (dsn_is(f, "Diagnostic-Code")) {
        dsn_diagnostic(b, rc, v, vl);
    } else if (dsn_is(f, "Last-Attempt-Date")) {
        rbuild_str(b, &rc->last_attempt, v, vl);
    } else if (dsn_is(f, "Will-Retry-Until")) {
        rbuild_str(b, &rc->will_retry_until, v, vl);
    }
}

/* One field of the body; g holds the recipient group being read. */
static void dsn_field(struct rbuild *b, struct dsn_group *g,
                      const struct hdr_field *f, char *v, size_t vl,
                      size_t *nrcpt)
{
    if (dsn_is(f, "Final-Recipient")) {
        const char *t = dsn_skip_type(v, vl);
        while (*t == ' ' || *t == '<')
            t++;
        if (*t == '@' && g->has_orig) { /* a source route: the original */
            const char *o = dsn_skip_type(g->orig, strlen(g->orig));
            dsn_set_rcpt(b, g, rbuild_rcpt(b, o, strlen(o), NULL));
        } else {
            dsn_set_rcpt(b, g, rbuild_rcpt(b, v, vl, NULL));
        }
        (*nrcpt)++;
        g->has_orig = false;
        return;
    }
    if (dsn_is(f, "Original-Recipient")) {
        if (g->rc != NULL)
            rbuild_str(b, &g->rc->original_recipient,
                       dsn_skip_type(v, vl),
                       vl - (size_t)(dsn_skip_type(v, vl) - v));
        else if (vl < sizeof g->orig) {
            memcpy(g->orig, v, vl + 1);
            g->has_orig = true;
        }
        return;
    }
    if (g->rc != NULL)
        dsn_rcpt_field(b, g->rc, f, v, vl);
    else
        dsn_message_field(b, f, v, vl);
}

/* End of a group: a recipient known only by its Original-Recipient. */
static void dsn_group_end(struct rbuild *b, struct dsn_group *g, size_t *n)
{
    if (g->rc == NULL && g->has_orig) {
        const char *t = dsn_skip_type(g->orig, strlen(g->orig));
        dsn_set_rcpt(b, g, rbuild_rcpt(b, t, strlen(t), NULL));
        (*n)++;
    }
    g->rc = NULL;
    g->has_orig = false;
}

/* The recipient fields of a group are read first, so that fields written
 * before them (some MTAs put Diagnostic-Code first) still belong to them;
 * per-message fields are recognised by name wherever they stand. */
static void dsn_group(struct rbuild *b, struct dsn_group *g, const char *t,
                      size_t len, char *v, size_t *n)
{
    size_t gp = 0;
    struct hdr_field f, first[2];
    bool have[2] = {false, false}; /* Original-, Final-Recipient */

    while (hdr_next(t, len, &gp, &f) && !have[1]) {
        if (dsn_is(&f, "Original-Recipient") && !have[0])
            first[0] = f, have[0] = true;
        else if (dsn_is(&f, "Final-Recipient"))
            first[1] = f, have[1] = true;
    }
    for (int k = 0; k < 2; k++)
        if (have[k]) {
            size_t vl = hdr_unfold(first[k].value, first[k].value_len, v,
                                   DSN_VALUE_MAX);
            dsn_field(b, g, &first[k], v, vl, n);
        }
    gp = 0;
    while (hdr_next(t, len, &gp, &f)) {
        if ((have[0] && f.name == first[0].name) ||
            (have[1] && f.name == first[1].name))
            continue;
        size_t vl = hdr_unfold(f.value, f.value_len, v, DSN_VALUE_MAX);
        if (dsn_message_name(&f))
            dsn_message_field(b, &f, v, vl);
        else
            dsn_field(b, g, &f, v, vl, n);
    }
}

static bool dsn_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t')
            return false;
    return true;
}

size_t dsn_parse(struct rbuild *b, const char *text, size_t len)
{
    struct dsn_group *g = malloc(sizeof *g); /* orig read only if has_orig */
    char *v = malloc(DSN_VALUE_MAX);
    size_t pos = 0, n = 0;

    if (g == NULL || v == NULL) {
        b->oom = true;
        free(g), free(v);
        return 0;
    }
    g->rc = NULL;
    g->has_orig = false;
    while (pos < len) {
        size_t next, ll = hdr_line(text + pos, len - pos, &next);
        if (dsn_blank(text + pos, ll)) {
            dsn_group_end(b, g, &n); /* blank line: end of a group */
            pos += next;
            continue;
        }
        size_t gend = pos; /* the group runs to the next blank line */
        for (;;) {
            size_t nx, l2 = hdr_line(text + gend, len - gend, &nx);
            if (gend >= len || dsn_blank(text + gend, l2))
                break;
            gend += nx;
        }
        dsn_group(b, g, text + pos, gend - pos, v, &n);
        pos = gend;
    }
    dsn_group_end(b, g, &n);
    free(g);
    free(v);
    return n;
}
