/*
 * store_spool.h - the local durable spool of a remote store backend.
 *
 * When the PostgreSQL server cannot take a batch, the writer appends the
 * batch to DIR/pending.spool (one line per item, fields tab-separated and
 * escaped, fdatasync'ed before the batch counts as acknowledged).  While
 * the spool is not empty every later batch goes behind it, so order is
 * kept.  Replay applies the spool in batches and removes it once all of it
 * is committed; items carry their uuid, so a replay interrupted half-way
 * and started again never applies an item twice.  A torn last line (crash
 * during an append) is skipped with a warning.  A tracked outbound
 * message's line ends with its envelope id only when it has one, so lines
 * without one read as they did before envelope ids were tracked.
 *
 * Used by the writer thread only: not thread-safe.
 */
#ifndef BG_STORE_SPOOL_H
#define BG_STORE_SPOOL_H

#include <stdbool.h>
#include <stddef.h>

#include "store/store_backend.h"

struct store_spool;

/* Creates DIR when missing.  0, or -1 and *error_r (malloc'ed). */
int store_spool_open(const char *dir, struct store_spool **sp_r,
                     char **error_r);
void store_spool_close(struct store_spool **sp);
bool store_spool_pending(const struct store_spool *sp);
/* Appends N items of the chain durably.  0, or -1 and err. */
int store_spool_append(struct store_spool *sp, const struct store_item *head,
                       size_t n, char *err, size_t errsize);
/* Applies everything spooled through store_apply_chain() in batches of
 * BATCH; removes the spool when all of it is committed.  0 or -1. */
int store_spool_replay(struct store_spool *sp, struct store *st, size_t batch,
                       char *err, size_t errsize);

#endif
