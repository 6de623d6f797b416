/*
 * store_cache.h - the writer's bounded memory of policy states, so that a
 * decision does not read the database for a key it decided on recently.
 *
 * A map from key (normalised address or domain) to struct policy_state,
 * holding at most the number of entries given at creation; when full, the
 * entry put longest ago goes (first in, first out: an entry that is put
 * again keeps its place, which is cheap and good enough for a write-behind
 * of recent keys).  An absent entry says nothing: the caller reads the
 * database.  A cached entry is exactly what the database holds for its key
 * once the open transaction commits, except for the last success of a
 * recipient with no other state (store_success_quiet(), store_backend.h),
 * which only the cache remembers.
 *
 * The owner must drop everything (store_cache_clear) whenever the database
 * may hold something else: after a rollback, after expiry, and when another
 * connection committed (SQLite's PRAGMA data_version).
 *
 * Memory: one allocation per entry (the entry and its key), freed on
 * eviction; the slot table is allocated once.  Thread-safety: none; one
 * writer thread owns it.
 */
#ifndef BG_STORE_CACHE_H
#define BG_STORE_CACHE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/policy.h"

struct store_cache;

/* A cache of at most MAX entries (MAX >= 1); NULL when out of memory. */
struct store_cache *store_cache_new(size_t max);
void store_cache_free(struct store_cache **c);

/* True and *st_r filled when KEY is cached. */
bool store_cache_get(const struct store_cache *c, const char *key,
                     struct policy_state *st_r);
/* Remembers ST for KEY (replacing what was there).  When memory runs out
 * the key is forgotten instead, which is always safe. */
void store_cache_put(struct store_cache *c, const char *key,
                     const struct policy_state *st);
/* Forgets everything. */
void store_cache_clear(struct store_cache *c);
size_t store_cache_count(const struct store_cache *c);

#endif
