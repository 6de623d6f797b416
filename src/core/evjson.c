/*
 * evjson.c - a sending service's delivery events in JSON (see evjson.h).
 */
#include "core/evjson.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/dsn.h"
#include "core/jscan.h"

#define EV_DEPTH 32         /* nested objects followed, at most */
#define EV_OBJECT_MAX 16384 /* bytes of one event's object read */
#define EV_VALUE_MAX 1024   /* one value kept */
#define EV_DIAG_MAX 2048    /* the diagnostic gathered */

enum ev_class { EV_NONE = 0, EV_FAILED, EV_DELAYED, EV_COMPLAINT };

struct ev_event {
    size_t start; /* its object's '{' */
    enum ev_class cls;
};

/* Is k one of the n names? */
static bool ev_named(const char *k, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(k, names[i]) == 0)
            return true;
    return false;
}

/* The class of an event named v: case, '_', '-' and blanks ignored. */
static enum ev_class ev_class_of(const char *v)
{
    static const char *const failed[] = {"bounce",
                                         "bounced",
                                         "hardbounce",
                                         "softbounce",
                                         "failed",
                                         "failure",
                                         "permanentfail",
                                         "dropped",
                                         "blocked",
                                         "reject",
                                         "rejected",
                                         "policyrejection",
                                         "outofband",
                                         "generationfailure",
                                         "generationrejection",
                                         "invalidemail",
                                         "undeliverable"};
    static const char *const delayed[] = {"deferred",  "deferral",
                                          "delayed",   "delay",
                                          "transient", "temporaryfail"};
    static const char *const complaint[] = {"spamreport", "spamcomplaint",
                                            "complaint", "spam"};
    char k[32];
    size_t n = 0;

    for (; *v != '\0'; v++) {
        if (*v == '_' || *v == '-' || *v == ' ')
            continue;
        if (n + 1 == sizeof k)
            return EV_NONE;
        k[n++] = (char)(*v >= 'A' && *v <= 'Z' ? *v + 32 : *v);
    }
    k[n] = '\0';
    if (ev_named(k, failed, sizeof failed / sizeof *failed))
        return EV_FAILED;
    if (ev_named(k, delayed, sizeof delayed / sizeof *delayed))
        return EV_DELAYED;
    if (ev_named(k, complaint, sizeof complaint / sizeof *complaint))
        return EV_COMPLAINT;
    return EV_NONE;
}

/* Is the string at t[i] ('"', of n bytes with its quotes) a member that
 * names an event's kind? */
static bool ev_kind_key(const char *t, size_t len, size_t i)
{
    static const char *const keys[] = {"event", "RecordType", "type", "Type",
                                       "event_type"};

    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
        if (jscan_key_at(t, len, i, keys[k], strlen(keys[k])))
            return true;
    return false;
}

/* Notes an event of class cls in the object opened at start, once: the
 * first kind member of an object decides. */
static void ev_note(struct ev_event *ev, size_t *nev, size_t start,
                    enum ev_class cls)
{
    for (size_t k = 0; k < *nev; k++)
        if (ev[k].start == start)
            return;
    if (*nev < EVJSON_EVENTS)
        ev[(*nev)++] = (struct ev_event){start, cls};
}

/* The events of text, with the '{' of their innermost objects: one pass,
 * strings skipped, the open objects kept on a stack. */
static size_t ev_find(const char *t, size_t len, struct ev_event *ev)
{
    size_t stack[EV_DEPTH], depth = 0, nev = 0;
    char v[EV_VALUE_MAX];

    for (size_t i = 0; i < len; i++) {
        if (t[i] == '{') {
            if (depth < EV_DEPTH)
                stack[depth] = i;
            depth++;
        } else if (t[i] == '}') {
            depth -= depth > 0;
        } else if (t[i] == '"') {
            size_t e = jscan_string_end(t, len, i);
            enum ev_class cls;
            if (depth > 0 && depth <= EV_DEPTH && e < len &&
                ev_kind_key(t, len, i) &&
                jscan_string(t, len, e + 1, v, sizeof v) != 0 &&
                (cls = ev_class_of(v)) != EV_NONE)
                ev_note(ev, &nev, stack[depth - 1], cls);
            i = e;
        }
    }
    return nev;
}

/* The first value of key in t[from..to) that is a string (or, with
 * scalar, a number too), into out; false when there is none. */
static bool ev_value(const char *t, size_t to, size_t from, const char *key,
                     bool scalar, char *out, size_t cap)
{
    size_t k = from;

    while ((k = jscan_key(t, to, k, to, key)) != 0) {
        size_t e = scalar ? jscan_scalar(t, to, k, out, cap)
                          : jscan_string(t, to, k, out, cap);
        if (e != 0 && out[0] != '\0')
            return true;
    }
    return false;
}

/* The first of keys[0..n) with a string value in t[from..to). */
static bool ev_first(const char *t, size_t to, size_t from,
                     const char *const *keys, size_t n, char *out, size_t cap)
{
    for (size_t i = 0; i < n; i++)
        if (ev_value(t, to, from, keys[i], false, out, cap))
            return true;
    return false;
}

/* Appends s to d[0..*dl) (cap bytes), after "; " unless d is empty or
 * already holds s. */
static void ev_append(char *d, size_t *dl, size_t cap, const char *s)
{
    size_t n = strlen(s);

    if (n == 0 || strstr(d, s) != NULL)
        return;
    if (*dl > 0 && *dl + 2 < cap) {
        memcpy(d + *dl, "; ", 2);
        *dl += 2;
    }
    if (n > cap - 1 - *dl)
        n = cap - 1 - *dl;
    memcpy(d + *dl, s, n);
    *dl += n;
    d[*dl] = '\0';
}

/* The diagnostic of the event in t[from..to), into d (cap bytes): its
 * reply code, then the texts that say why, "; " between them. */
static size_t ev_diagnostic(const char *t, size_t to, size_t from, char *d,
                            size_t cap)
{
    static const char *const codes[] = {"code", "error_code", "smtp_code"};
    static const char *const texts[] = {"message",
                                        "raw_reason",
                                        "reason",
                                        "Details",
                                        "detail",
                                        "diag",
                                        "bounce_description",
                                        "description",
                                        "Description",
                                        "error",
                                        "response",
                                        "smtp_response",
                                        "comment"};
    char v[EV_VALUE_MAX], code[8] = "";
    size_t dl = 0;

    d[0] = '\0';
    for (size_t i = 0; i < sizeof codes / sizeof codes[0] && !code[0]; i++)
        if (ev_value(t, to, from, codes[i], true, v, sizeof v) &&
            strlen(v) == 3 && v[0] >= '2' && v[0] <= '5')
            memcpy(code, v, 4);
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        if (!ev_value(t, to, from, texts[i], false, v, sizeof v))
            continue;
        const char *s = dsn_skip_type(v, strlen(v)); /* "smtp;550 ..." */
        char kv[EV_VALUE_MAX];
        /* a word alone ("hard-bounce", "preblocked") says more with its
         * key: "reason: hard-bounce" */
        if (strchr(s, ' ') == NULL &&
            (size_t)snprintf(kv, sizeof kv, "%s: %s", texts[i], s) < sizeof kv)
            s = kv;
        ev_append(d, &dl, cap, s);
    }
    if (code[0] != '\0' && strncmp(d, code, 3) != 0 && dl + 4 < cap) {
        memmove(d + 4, d, dl + 1); /* the code first: "550 text" */
        memcpy(d, code, 3);
        d[3] = dl > 0 ? ' ' : '\0';
        dl += dl > 0 ? 4 : 3;
    }
    return dl;
}

/* One event: its recipient, action, status and diagnostic. */
static bool ev_read(struct rbuild *b, const char *t, size_t len,
                    const struct ev_event *ev)
{
    static const char *const rcpt_keys[] = {
        "recipient",     "rcpt_to",      "email",    "Email",
        "email_address", "emailAddress", "Recipient"};
    char v[EV_VALUE_MAX], d[EV_DIAG_MAX];
    size_t lim =
        len - ev->start > EV_OBJECT_MAX ? ev->start + EV_OBJECT_MAX : len;
    size_t end = jscan_object_end(t, lim, ev->start);
    struct report_rcpt *rc;

    if (!ev_first(t, end, ev->start, rcpt_keys,
                  sizeof rcpt_keys / sizeof rcpt_keys[0], v, sizeof v) ||
        (rc = rbuild_rcpt(b, v, strlen(v), NULL)) == NULL)
        return false;
    bool delayed =
        ev->cls == EV_DELAYED ||
        (ev_value(t, end, ev->start, "severity", false, v, sizeof v) &&
         strcasecmp(v, "temporary") == 0);
    if (ev->cls != EV_COMPLAINT)
        rbuild_str(b, &rc->action, delayed ? "delayed" : "failed",
                   delayed ? 7 : 6);
    size_t dl = ev_diagnostic(t, end, ev->start, d, sizeof d);
    char st[16] = "";
    int code = 0;
    if (dl > 0) {
        rbuild_str(b, &rc->diagnostic, d, dl);
        dsn_scan_reply(d, dl, &code, st, sizeof st);
    }
    /* a "status" member holds an enhanced status, or a word ("rejected") */
    if (st[0] == '\0' &&
        ev_value(t, end, ev->start, "status", false, v, sizeof v))
        (void)dsn_find_status(v, strlen(v), st, sizeof st);
    rbuild_codes(rc, st, code);
    return true;
}

size_t evjson_parse(struct rbuild *b, const char *text, size_t len,
                    enum report_kind *kind_r)
{
    struct ev_event ev[EVJSON_EVENTS];
    size_t nev, n = 0;
    bool failed = false;

    *kind_r = REPORT_NOT_BOUNCE;
    if (memchr(text, '{', len) == NULL)
        return 0;
    nev = ev_find(text, len, ev);
    for (size_t i = 0; i < nev; i++)
        if (ev_read(b, text, len, &ev[i])) {
            n++;
            failed |= ev[i].cls != EV_COMPLAINT;
        }
    if (n > 0)
        *kind_r = failed ? REPORT_BOUNCE : REPORT_FEEDBACK;
    return n;
}
