/*
 * alert_format.c - rendering alerts for people and programs.
 */
#include "config.h"

#include "alert/alert_format.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define ALERT_TEXT_MAX 16384

bool alert_json_style_parse(const char *name, enum alert_json_style *s_r)
{
    static const char *const names[] = {"generic", "slack", "matrix"};
    for (size_t i = 0; i < 3; i++) {
        if (strcasecmp(name, names[i]) == 0) {
            *s_r = (enum alert_json_style)i;
            return true;
        }
    }
    return false;
}

void alert_format_time(long long t, char buf[21])
{
    struct tm tm;
    time_t tt = (time_t)t;
    if (gmtime_r(&tt, &tm) == NULL ||
        strftime(buf, 21, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(buf, 21, "%lld", t);
}

/* A copy of s safe for a text line: controls become spaces, cut at
 * ALERT_FMT_FIELD_MAX. */
static void alert_clean(const char *s, char *out, size_t size)
{
    size_t n = 0;
    for (; s != NULL && *s != '\0' && n + 1 < size; s++)
        out[n++] = (unsigned char)*s < ' ' || *s == 0x7f ? ' ' : *s;
    out[n] = '\0';
}

static const char *alert_verb(const struct alert_msg *m)
{
    switch (m->kind) {
    case ALERT_OUTBOUND_SPF:
        return "SPF does not authorise our egress for";
    case ALERT_OUTBOUND_DKIM:
        return "DKIM of outbound mail is broken for";
    case ALERT_OUTBOUND_DMARC:
        return "neither SPF nor DKIM aligns with From (as DMARC demands) for";
    case ALERT_SENDER_BOUNCE:
        return "blocks or distrusts";
    case ALERT_AUTH_BOUNCE:
        break;
    }
    return "refuses on authentication";
}

bool alert_format_subject(const struct alert_msg *m, char *buf, size_t size)
{
    int n;
    if (m->state == ALERT_RECOVERED)
        n = snprintf(buf, size,
                     "[bounceguard] recovered: %s / %s: %s (%lu events)",
                     m->rcpt_domain, m->sender_domain, m->reason, m->count);
    else if (m->kind == ALERT_OUTBOUND_SPF || m->kind == ALERT_OUTBOUND_DKIM ||
             m->kind == ALERT_OUTBOUND_DMARC)
        n = snprintf(buf, size, "[bounceguard] %s %s: %s (%lu messages)",
                     alert_verb(m), m->sender_domain, m->reason, m->count);
    else
        n = snprintf(buf, size, "[bounceguard] %s %s %s: %s%s%s%s (%lu events)",
                     m->rcpt_domain, alert_verb(m), m->sender_domain, m->reason,
                     m->status != NULL ? " (" : "",
                     m->status != NULL ? m->status : "",
                     m->status != NULL ? ")" : "", m->count);
    return n >= 0 && (size_t)n < size;
}

/* Appends "a,b,c" of v[n] to buf at *off.  @UNSAFE length arithmetic */
static void alert_join(char *buf, size_t size, size_t *off, char *const *v,
                       size_t n)
{
    for (size_t i = 0; i < n && *off < size; i++) {
        int k = snprintf(buf + *off, size - *off, "%s%s", i ? "," : "", v[i]);
        if (k < 0)
            return;
        *off += (size_t)k < size - *off ? (size_t)k : size - *off;
    }
}

bool alert_format_line(const struct alert_msg *m, char *buf, size_t size)
{
    char first[21], last[21];
    size_t off;

    alert_format_time(m->first, first);
    alert_format_time(m->last, last);
    int n = snprintf(buf, size,
                     "alert %s kind=%s sender=%s receiver=%s reason=%s "
                     "status=%s count=%lu new=%lu first=%s last=%s qids=",
                     alert_state_name(m->state), alert_kind_name(m->kind),
                     m->sender_domain, m->rcpt_domain, m->reason,
                     m->status != NULL ? m->status : "-", m->count,
                     m->new_count, first, last);
    if (n < 0 || (size_t)n >= size)
        return false;
    off = (size_t)n;
    alert_join(buf, size, &off, m->queue_ids, m->nqueue_ids);
    return off < size;
}

/* A growable text with a cap; errors are sticky. */
struct alert_text {
    char *buf;
    size_t len;
    bool failed;
};

static void alert_text_add(struct alert_text *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void alert_text_add(struct alert_text *t, const char *fmt, ...)
{
    va_list ap;
    if (t->failed)
        return;
    va_start(ap, fmt);
    int n = vsnprintf(t->buf + t->len, ALERT_TEXT_MAX - t->len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= ALERT_TEXT_MAX - t->len) {
        t->failed = true;
        return;
    }
    t->len += (size_t)n;
}

static void alert_text_list(struct alert_text *t, const char *title,
                            char *const *v, size_t n)
{
    char clean[ALERT_FMT_FIELD_MAX];
    if (n == 0)
        return;
    alert_text_add(t, "\n%s:\n", title);
    for (size_t i = 0; i < n; i++) {
        alert_clean(v[i], clean, sizeof clean);
        alert_text_add(t, "  %s\n", clean);
    }
}

static void alert_text_body(struct alert_text *t, const struct alert_msg *m)
{
    char first[21], last[21], sent[21];

    alert_format_time(m->first, first);
    alert_format_time(m->last, last);
    alert_format_time(m->sent, sent);
    if (m->state == ALERT_RECOVERED)
        alert_text_add(t, "No more events since %s: the incident is over.\n\n",
                       last);
    alert_text_add(t,
                   "State:      %s\nKind:       %s\nSender:     %s\n"
                   "Receiver:   %s\nReason:     %s\n",
                   alert_state_name(m->state), alert_kind_name(m->kind),
                   m->sender_domain, m->rcpt_domain, m->reason);
    if (m->status != NULL || m->reply_code != 0)
        alert_text_add(t, "Reply:      %d %s\n", m->reply_code,
                       m->status != NULL ? m->status : "");
    alert_text_add(t,
                   "Events:     %lu in all, %lu new since the last alert\n"
                   "First:      %s\nLast:       %s\nReported:   %s\n",
                   m->count, m->new_count, first, last, sent);
    alert_text_list(t, "Sample diagnostics", m->samples, m->nsamples);
    alert_text_list(t, "Affected recipients (sample)", m->recipients,
                    m->nrecipients);
    alert_text_list(t, "Affected queue ids", m->queue_ids, m->nqueue_ids);
    if (m->more_queue_ids != 0)
        alert_text_add(t, "  ... and %lu more\n", m->more_queue_ids);
}

char *alert_format_text(const struct alert_msg *m)
{
    struct alert_text t = {NULL, 0, false};

    if ((t.buf = malloc(ALERT_TEXT_MAX)) == NULL)
        return NULL;
    t.buf[0] = '\0';
    alert_text_body(&t, m);
    if (t.failed) /* cut: say so at the end */
        memcpy(t.buf + ALERT_TEXT_MAX - 6, "...\n", 5);
    return t.buf;
}

static void alert_json_list(struct json *j, const char *key, char *const *v,
                            size_t n)
{
    json_key(j, key);
    json_arr_begin(j);
    for (size_t i = 0; i < n; i++)
        json_string_n(j, v[i], strnlen(v[i], ALERT_FMT_FIELD_MAX));
    json_arr_end(j);
}

static void alert_json_generic(const struct alert_msg *m, const char *host,
                               struct json *j)
{
    char first[21], last[21], sent[21], subject[512];

    alert_format_time(m->first, first);
    alert_format_time(m->last, last);
    alert_format_time(m->sent, sent);
    alert_format_subject(m, subject, sizeof subject);
    json_obj_begin(j);
    json_key_string(j, "source", "bounceguard");
    json_key_string(j, "host", host);
    json_key_string(j, "state", alert_state_name(m->state));
    json_key_string(j, "kind", alert_kind_name(m->kind));
    json_key_string(j, "sender_domain", m->sender_domain);
    json_key_string(j, "receiving_domain", m->rcpt_domain);
    json_key_string(j, "reason", m->reason);
    json_key_string(j, "status", m->status);
    json_key_int(j, "reply_code", m->reply_code);
    json_key_int(j, "count", (long long)m->count);
    json_key_int(j, "new_count", (long long)m->new_count);
    json_key_int(j, "previous_alerts", (long long)m->alerts);
    json_key_string(j, "first", first);
    json_key_string(j, "last", last);
    json_key_string(j, "sent", sent);
    json_key_string(j, "summary", subject);
    alert_json_list(j, "samples", m->samples, m->nsamples);
    alert_json_list(j, "recipients", m->recipients, m->nrecipients);
    alert_json_list(j, "queue_ids", m->queue_ids, m->nqueue_ids);
    json_key_int(j, "more_queue_ids", (long long)m->more_queue_ids);
    json_obj_end(j);
}

/* Slack reads &, < and > in a text as markup ("<!channel>" notifies a
 * whole channel, "<URL|label>" disguises a link): the receivers' replies
 * an alert quotes must not become either.  @UNSAFE length arithmetic */
static char *alert_slack_escape(const char *s)
{
    size_t n = 0, o = 0;
    char *out;

    for (const char *p = s; *p != '\0'; p++)
        n += *p == '&' ? 5 : (*p == '<' || *p == '>') ? 4 : 1;
    if ((out = malloc(n + 1)) == NULL)
        return NULL;
    for (const char *p = s; *p != '\0'; p++) {
        const char *e = *p == '&' ? "&amp;" : *p == '<' ? "&lt;"
                        : *p == '>' ? "&gt;" : NULL;
        size_t el = e != NULL ? strlen(e) : 1;
        memcpy(out + o, e != NULL ? e : p, el);
        o += el;
    }
    out[o] = '\0';
    return out;
}

bool alert_format_json(const struct alert_msg *m, enum alert_json_style style,
                       const char *host, struct json *j)
{
    char subject[512];
    char *text;

    if (style == ALERT_JSON_GENERIC) {
        alert_json_generic(m, host, j);
        return !json_failed(j);
    }
    if ((text = alert_format_text(m)) == NULL)
        return false;
    alert_format_subject(m, subject, sizeof subject);
    size_t slen = strlen(subject), tlen = strlen(text);
    char *all = malloc(slen + 2 + tlen + 1);
    if (all == NULL) {
        free(text);
        return false;
    }
    snprintf(all, slen + 2 + tlen + 1, "%s\n\n%s", subject, text);
    if (style == ALERT_JSON_SLACK) {
        char *escaped = alert_slack_escape(all);
        free(all);
        if ((all = escaped) == NULL) {
            free(text);
            return false;
        }
    }
    json_obj_begin(j);
    if (style == ALERT_JSON_MATRIX)
        json_key_string(j, "msgtype", "m.text");
    json_key_string(j, style == ALERT_JSON_SLACK ? "text" : "body", all);
    json_obj_end(j);
    free(all);
    free(text);
    return !json_failed(j);
}
