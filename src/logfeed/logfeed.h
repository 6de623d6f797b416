/*
 * logfeed.h - the live feed of the MTA's delivery log, as a thread of the
 * daemon.
 *
 * logfeed_start() follows logfeed.path (a file, across rotation, resuming
 * from logfeed.state_file; or "-", standard input) in a thread of its own
 * and hands every line to a logfeed_sink (parse, classify, queue in the
 * store as source "log").  The position is saved every save_interval, and
 * only after store_flush() says the events before it are committed, so a
 * restart neither loses nor counts a line twice (a crash may repeat the
 * lines of the last interval at most).  on_event, when not NULL, sees
 * every event on the feed's thread before it is queued (the daemon raises
 * alerts from it); it must not block for long.
 *
 * Ownership: the feed borrows the store and the rules, which must outlive
 * it (stop the feed before closing the store or freeing the rules); the
 * settings are copied.  Thread-safety: start and stop from one thread.
 * Errors: *error_r is malloc'ed text the caller frees.
 */
#ifndef BG_LOGFEED_H
#define BG_LOGFEED_H

#include "common/settings.h"
#include "core/classify.h"
#include "logfeed/logfeed_sink.h"
#include "store/store.h"

struct logfeed;

/* Starts the feed.  Returns NULL with *error_r == NULL when no path is
 * configured (the feed is off), NULL with *error_r set on failure, which
 * includes a NULL store or rules: start the feed once the store is open. */
struct logfeed *logfeed_start(const struct logfeed_settings *set,
                              struct store *store,
                              const struct classify_rules *rules,
                              logfeed_sink_event_cb *on_event, void *ctx,
                              char **error_r);
/* How many Message-IDs the feed has handed to the store so far (the
 * tracked messages it named); any thread may ask. */
unsigned long long logfeed_message_ids(const struct logfeed *feed);
/* Stops the thread, commits what it queued, saves the position, frees
 * *feed and sets it to NULL.  NULL is accepted. */
void logfeed_stop(struct logfeed **feed);

#endif
