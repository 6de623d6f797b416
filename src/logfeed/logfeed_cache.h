/*
 * logfeed_cache.h - a bounded LRU map from byte strings to fixed-size
 * values, for the log feed: verdicts by reply text (classifying the same
 * "452 4.2.2 Mailbox full" through the rules a million times costs), and
 * senders by queue id (qmgr logs "from=<...>" before the deliveries).
 *
 * At most max_entries entries; putting one more evicts the least recently
 * used.  Keys longer than LOGFEED_CACHE_KEY_MAX are not cached.  Lookups
 * and insertions are O(1) on average.
 *
 * Ownership: the cache copies keys and values.  A pointer returned by
 * logfeed_cache_get() is valid until the next put or free.
 * Thread-safety: none; one cache per feed thread.
 */
#ifndef BG_LOGFEED_CACHE_H
#define BG_LOGFEED_CACHE_H

#include <stddef.h>

#define LOGFEED_CACHE_KEY_MAX 1024

struct logfeed_cache;

/* NULL when memory runs out.  max_entries 0 gives a cache that keeps
 * nothing. */
struct logfeed_cache *logfeed_cache_new(size_t max_entries, size_t value_size);
/* The value stored under key, or NULL. */
const void *logfeed_cache_get(struct logfeed_cache *c, const char *key,
                              size_t keylen);
/* Stores (or replaces) key's value; silently skipped when the key is too
 * long or memory runs out. */
void logfeed_cache_put(struct logfeed_cache *c, const char *key, size_t keylen,
                       const void *value);
size_t logfeed_cache_count(const struct logfeed_cache *c);
void logfeed_cache_free(struct logfeed_cache **c);

#endif
