/*
 * store_item.c - the store's small shared pieces: source and bucket names,
 * queued items (deep copies of events and outbound messages with their
 * uuid), and outbound messages handed back to callers (store_backend.h,
 * store.h).
 */
#include "store/store_backend.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

static const char *const source_names[] = {
    "dsn", "postfix_dsn", "smtp_reply", "log", "manual", "import",
};

const char *store_source_name(enum store_source s)
{
    if ((size_t)s < sizeof source_names / sizeof *source_names)
        return source_names[s];
    return "unknown";
}

bool store_source_parse(const char *name, enum store_source *s_r)
{
    for (size_t i = 0; i < sizeof source_names / sizeof *source_names; i++)
        if (name != NULL && strcmp(name, source_names[i]) == 0) {
            *s_r = (enum store_source)i;
            return true;
        }
    return false;
}

static const char *const bucket_names[] = {"none", "soft", "hard", "sender"};

const char *store_bucket_name(enum bucket b)
{
    if ((size_t)b < sizeof bucket_names / sizeof *bucket_names)
        return bucket_names[b];
    return "none";
}

bool store_bucket_parse(const char *name, enum bucket *b_r)
{
    for (size_t i = 0; i < sizeof bucket_names / sizeof *bucket_names; i++)
        if (name != NULL && strcmp(name, bucket_names[i]) == 0) {
            *b_r = (enum bucket)i;
            return true;
        }
    return false;
}

void store_copy(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src ? src : "");
}

/* ------------------------------------------------------------ outbound */

void outbound_msg_clear(struct outbound_msg *m)
{
    free(m->priv_);
    memset(m, 0, sizeof *m);
}

static const char *const key_names[] = {
    "none",
    "message-id",
    "queue-id",
    "envelope-id",
    "local-queue-id",
};

const char *store_outbound_key_name(enum store_outbound_key k)
{
    if ((size_t)k < sizeof key_names / sizeof *key_names)
        return key_names[k];
    return "none";
}

/* One block: the pointer array, then the five strings (the envelope id
 * last; NULL stays NULL). */
int store_outbound_fill(struct outbound_msg *m, const char *message_id,
                        const char *queue_id, const char *sender,
                        const char *rcpts_joined, long long when,
                        const char *envelope_id)
{
    const char *src[5] = {message_id, queue_id, sender, rcpts_joined,
                          envelope_id};
    char *str[5], *block, *p;
    size_t n = 0, total = 0;
    const char **vec;

    if (rcpts_joined != NULL && *rcpts_joined != '\0') {
        n = 1;
        for (const char *c = rcpts_joined; *c; c++)
            n += *c == '\n';
    }
    for (int i = 0; i < 5; i++)
        total += (src[i] ? strlen(src[i]) : 0) + 1;
    block = malloc((n + 1) * sizeof *vec + total); /* @UNSAFE */
    if (block == NULL)
        return -1;
    vec = (const char **)(void *)block;
    p = block + (n + 1) * sizeof *vec;
    for (int i = 0; i < 5; i++) {
        size_t len = (src[i] ? strlen(src[i]) : 0) + 1;
        memcpy(p, src[i] ? src[i] : "", len);
        str[i] = p;
        p += len;
    }
    p = str[3];
    for (size_t i = 0; i < n; i++) {
        char *nl = strchr(p, '\n');
        vec[i] = p;
        if (nl != NULL) {
            *nl = '\0';
            p = nl + 1;
        }
    }
    vec[n] = NULL;
    memset(m, 0, sizeof *m);
    m->message_id = str[0];
    m->queue_id = str[1];
    m->sender = str[2];
    m->recipients = vec;
    m->nrecipients = n;
    m->when = when;
    m->envelope_id = envelope_id != NULL ? str[4] : NULL;
    m->priv_ = block;
    return 0;
}

/* --------------------------------------------------------------- items */

static void random_bytes(unsigned char *r, size_t size, const void *salt)
{
    size_t got = 0;

    while (got < size) {
        ssize_t n = getrandom(r + got, size - got, 0);
        if (n <= 0) {
            /* no entropy call: fall back to time and address bits */
            unsigned long long t = (unsigned long long)time(NULL);
            for (size_t i = got; i < size; i++)
                r[i] = (unsigned char)(t >> (8 * (i % 8))) ^
                       (unsigned char)((uintptr_t)salt >> (i % 8));
            break;
        }
        got += (size_t)n;
    }
}

/* Writes N bytes as 2 * N lower-case hex digits (no terminator). */
static void hex(const unsigned char *b, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";

    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[b[i] >> 4];
        out[2 * i + 1] = digits[b[i] & 15];
    }
}

static void make_uuid(char out[33])
{
    unsigned char r[16];

    random_bytes(r, sizeof r, out);
    hex(r, sizeof r, out);
    out[32] = '\0';
}

void store_uuid_init(struct store_uuid_gen *g)
{
    random_bytes(g->prefix, sizeof g->prefix, g);
    g->next = 0;
}

void store_uuid_make(struct store_uuid_gen *g, char out[33])
{
    unsigned long long n = __atomic_fetch_add(&g->next, 1, __ATOMIC_RELAXED);
    unsigned char c[8];

    for (size_t i = 0; i < sizeof c; i++)
        c[i] = (unsigned char)(n >> (8 * (7 - i)));
    hex(g->prefix, sizeof g->prefix, out);
    hex(c, sizeof c, out + 16);
    out[32] = '\0';
}

/* Copies a string known to fit (key, uuid), without a format call. */
static void copy_fit(char *dst, size_t size, const char *src)
{
    size_t n = strnlen(src, size - 1);

    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* Appends S (or nothing for NULL) to the item's data; returns the copy. */
static const char *put(char **p, const char *s)
{
    const char *copy;
    size_t n;

    if (s == NULL)
        return NULL;
    n = strlen(s) + 1;
    memcpy(*p, s, n);
    copy = *p;
    *p += n;
    return copy;
}

static size_t len0(const char *s)
{
    return s ? strlen(s) + 1 : 0;
}

struct store_item *store_item_event(const struct store_event *ev,
                                    const char *key, const char *uuid)
{
    const char *s[] = {
        ev->reason,   ev->rule,          ev->status,     ev->diagnostic,
        ev->action,   ev->reporting_mta, ev->remote_mta, ev->orig_message_id,
        ev->queue_id, ev->sender};
    size_t total = 0;
    struct store_item *it;
    char *p;

    for (size_t i = 0; i < sizeof s / sizeof *s; i++)
        total += len0(s[i]);
    total += strnlen(key, ADDR_MAX) + 1;
    it = calloc(1, sizeof *it + total);
    if (it == NULL)
        return NULL;
    it->kind = ITEM_EVENT;
    p = it->data;
    copy_fit(p, ADDR_MAX + 1, key);
    it->key = p;
    p += strlen(p) + 1;
    if (uuid != NULL)
        copy_fit(it->uuid, sizeof it->uuid, uuid);
    else
        make_uuid(it->uuid);
    it->ev = *ev;
    it->ev.recipient = it->key;
    it->ev.reason = put(&p, ev->reason);
    it->ev.rule = put(&p, ev->rule);
    it->ev.status = put(&p, ev->status);
    it->ev.diagnostic = put(&p, ev->diagnostic);
    it->ev.action = put(&p, ev->action);
    it->ev.reporting_mta = put(&p, ev->reporting_mta);
    it->ev.remote_mta = put(&p, ev->remote_mta);
    it->ev.orig_message_id = put(&p, ev->orig_message_id);
    it->ev.queue_id = put(&p, ev->queue_id);
    it->ev.sender = put(&p, ev->sender);
    return it;
}

struct store_item *store_item_outbound(const struct outbound_msg *m,
                                       const char *rcpts_joined,
                                       const char *uuid)
{
    size_t total = len0(m->message_id) + len0(m->queue_id) + len0(m->sender) +
                   len0(rcpts_joined) + len0(m->envelope_id);
    struct store_item *it = calloc(1, sizeof *it + total);
    char *p;

    if (it == NULL)
        return NULL;
    it->kind = ITEM_OUTBOUND;
    if (uuid != NULL)
        store_copy(it->uuid, sizeof it->uuid, uuid);
    else
        make_uuid(it->uuid);
    p = it->data;
    it->out.message_id = put(&p, m->message_id);
    it->out.queue_id = put(&p, m->queue_id);
    it->out.sender = put(&p, m->sender);
    it->out_rcpts = put(&p, rcpts_joined);
    it->out.envelope_id = put(&p, m->envelope_id);
    it->out.when = m->when;
    return it;
}
