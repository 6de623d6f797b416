/*
 * logfeed_cache.c - bounded LRU map; see logfeed_cache.h.
 *
 * Entries hang on singly linked hash chains and on one doubly linked
 * recency list (head = most recent).  Each entry is one allocation:
 * header, value, then key bytes.
 */
#include "config.h"

#include "logfeed/logfeed_cache.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "logfeed/logfeed_pos.h"

struct centry {
    struct centry *chain;       /* next in the hash bucket */
    struct centry *prev, *next; /* recency list */
    uint64_t hash;
    size_t keylen;
    /* value (value_size bytes, aligned), then key bytes */
};

struct logfeed_cache {
    struct centry **buckets;
    size_t nbuckets; /* power of two */
    size_t count, max_entries, value_size;
    struct centry *head, *tail;
};

#define ALIGN_UP(n) (((n) + 15u) & ~(size_t)15u)

static void *entry_value(struct centry *e)
{
    return (char *)e + ALIGN_UP(sizeof *e);
}

static char *entry_key(const struct logfeed_cache *c, struct centry *e)
{
    return (char *)entry_value(e) + ALIGN_UP(c->value_size);
}

struct logfeed_cache *logfeed_cache_new(size_t max_entries, size_t value_size)
{
    struct logfeed_cache *c = calloc(1, sizeof *c);

    if (c == NULL)
        return NULL;
    c->max_entries = max_entries;
    c->value_size = value_size;
    c->nbuckets = 16;
    while (c->nbuckets < max_entries * 2 && c->nbuckets < ((size_t)1 << 30))
        c->nbuckets <<= 1;
    c->buckets = calloc(c->nbuckets, sizeof *c->buckets);
    if (c->buckets == NULL) {
        free(c);
        return NULL;
    }
    return c;
}

static void lru_unlink(struct logfeed_cache *c, struct centry *e)
{
    if (e->prev != NULL)
        e->prev->next = e->next;
    else
        c->head = e->next;
    if (e->next != NULL)
        e->next->prev = e->prev;
    else
        c->tail = e->prev;
    e->prev = e->next = NULL;
}

static void lru_push_front(struct logfeed_cache *c, struct centry *e)
{
    e->prev = NULL;
    e->next = c->head;
    if (c->head != NULL)
        c->head->prev = e;
    c->head = e;
    if (c->tail == NULL)
        c->tail = e;
}

static struct centry *find(struct logfeed_cache *c, uint64_t h, const char *key,
                           size_t keylen)
{
    struct centry *e = c->buckets[h & (c->nbuckets - 1)];

    for (; e != NULL; e = e->chain) {
        if (e->hash == h && e->keylen == keylen &&
            memcmp(entry_key(c, e), key, keylen) == 0)
            return e;
    }
    return NULL;
}

const void *logfeed_cache_get(struct logfeed_cache *c, const char *key,
                              size_t keylen)
{
    struct centry *e;

    if (c->count == 0 || keylen > LOGFEED_CACHE_KEY_MAX)
        return NULL;
    e = find(c, logfeed_pos_hash(key, keylen), key, keylen);
    if (e == NULL)
        return NULL;
    if (c->head != e) {
        lru_unlink(c, e);
        lru_push_front(c, e);
    }
    return entry_value(e);
}

static void evict_oldest(struct logfeed_cache *c)
{
    struct centry *e = c->tail;
    struct centry **pp;

    if (e == NULL)
        return;
    lru_unlink(c, e);
    pp = &c->buckets[e->hash & (c->nbuckets - 1)];
    while (*pp != e)
        pp = &(*pp)->chain;
    *pp = e->chain;
    free(e);
    c->count--;
}

void logfeed_cache_put(struct logfeed_cache *c, const char *key, size_t keylen,
                       const void *value)
{
    uint64_t h;
    struct centry *e;

    if (c->max_entries == 0 || keylen > LOGFEED_CACHE_KEY_MAX)
        return;
    h = logfeed_pos_hash(key, keylen);
    e = find(c, h, key, keylen);
    if (e != NULL) {
        memcpy(entry_value(e), value, c->value_size);
        return;
    }
    if (c->count >= c->max_entries)
        evict_oldest(c);
    /* @UNSAFE: header + value + key, each bounded above */
    e = malloc(ALIGN_UP(sizeof *e) + ALIGN_UP(c->value_size) + keylen);
    if (e == NULL)
        return;
    e->hash = h;
    e->keylen = keylen;
    memcpy(entry_value(e), value, c->value_size);
    memcpy(entry_key(c, e), key, keylen);
    e->chain = c->buckets[h & (c->nbuckets - 1)];
    c->buckets[h & (c->nbuckets - 1)] = e;
    lru_push_front(c, e);
    c->count++;
}

size_t logfeed_cache_count(const struct logfeed_cache *c)
{
    return c->count;
}

void logfeed_cache_free(struct logfeed_cache **cp)
{
    struct logfeed_cache *c = *cp;

    if (c == NULL)
        return;
    while (c->head != NULL) {
        struct centry *e = c->head;
        c->head = e->next;
        free(e);
    }
    free(c->buckets);
    free(c);
    *cp = NULL;
}
