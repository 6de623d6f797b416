/*
 * store_cache.c - the writer's bounded memory of policy states
 * (store_cache.h): a chained hash table plus a ring of the entries in the
 * order they came, whose oldest is evicted when the ring is full.
 */
#include "store/store_cache.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct cache_entry {
    struct cache_entry *next; /* hash chain */
    uint64_t hash;
    struct policy_state st;
    char key[]; /* NUL-terminated */
};

struct store_cache {
    size_t max, count;
    size_t nslots;              /* power of two, >= 2 * max */
    struct cache_entry **slots; /* nslots chains */
    struct cache_entry **ring;  /* max entries, oldest at ring[head] */
    size_t head;
};

static uint64_t hash_key(const char *key)
{
    uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a */

    for (const unsigned char *p = (const unsigned char *)key; *p; p++)
        h = (h ^ *p) * 0x100000001b3ULL;
    return h;
}

struct store_cache *store_cache_new(size_t max)
{
    struct store_cache *c = calloc(1, sizeof *c);

    if (c == NULL || max == 0 || max > SIZE_MAX / 4 / sizeof *c->slots) {
        free(c);
        return NULL;
    }
    c->max = max;
    c->nslots = 1;
    while (c->nslots < 2 * max)
        c->nslots <<= 1;
    c->slots = calloc(c->nslots, sizeof *c->slots);
    c->ring = calloc(max, sizeof *c->ring);
    if (c->slots == NULL || c->ring == NULL) {
        store_cache_free(&c);
        return NULL;
    }
    return c;
}

void store_cache_clear(struct store_cache *c)
{
    for (size_t i = 0; i < c->count; i++)
        free(c->ring[(c->head + i) % c->max]);
    memset(c->slots, 0, c->nslots * sizeof *c->slots);
    c->count = 0;
    c->head = 0;
}

void store_cache_free(struct store_cache **cp)
{
    struct store_cache *c = *cp;

    if (c == NULL)
        return;
    if (c->slots != NULL && c->ring != NULL)
        store_cache_clear(c);
    free(c->slots);
    free(c->ring);
    free(c);
    *cp = NULL;
}

size_t store_cache_count(const struct store_cache *c)
{
    return c->count;
}

static struct cache_entry *find(const struct store_cache *c, const char *key,
                                uint64_t h)
{
    struct cache_entry *e = c->slots[h & (c->nslots - 1)];

    while (e != NULL && (e->hash != h || strcmp(e->key, key) != 0))
        e = e->next;
    return e;
}

bool store_cache_get(const struct store_cache *c, const char *key,
                     struct policy_state *st_r)
{
    struct cache_entry *e = find(c, key, hash_key(key));

    if (e == NULL)
        return false;
    *st_r = e->st;
    return true;
}

/* Unlinks and frees the oldest entry. */
static void evict_oldest(struct store_cache *c)
{
    struct cache_entry *old = c->ring[c->head];
    struct cache_entry **pp = &c->slots[old->hash & (c->nslots - 1)];

    while (*pp != old)
        pp = &(*pp)->next;
    *pp = old->next;
    free(old);
    c->ring[c->head] = NULL;
    c->head = (c->head + 1) % c->max;
    c->count--;
}

void store_cache_put(struct store_cache *c, const char *key,
                     const struct policy_state *st)
{
    uint64_t h = hash_key(key);
    struct cache_entry *e = find(c, key, h);
    size_t len;

    if (e != NULL) {
        e->st = *st;
        return;
    }
    len = strlen(key);
    e = malloc(sizeof *e + len + 1);
    if (e == NULL)
        return; /* not cached: the database is read next time */
    if (c->count == c->max)
        evict_oldest(c);
    e->hash = h;
    e->st = *st;
    memcpy(e->key, key, len + 1);
    e->next = c->slots[h & (c->nslots - 1)];
    c->slots[h & (c->nslots - 1)] = e;
    c->ring[(c->head + c->count) % c->max] = e;
    c->count++;
}
