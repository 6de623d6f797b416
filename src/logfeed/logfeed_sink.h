/*
 * logfeed_sink.h - what the log feed does with one line: parse it
 * (core/logline.h), classify the recipient's outcome through the same
 * rules as DSNs (classify_reply() on the remote reply, with dsn= as the
 * status hint), and queue the event in the store (source SRC_LOG, with the
 * queue id, so the store joins it to the tracked outbound message).
 *
 *   status=sent                 action "delivered", reason "delivered",
 *                               bucket none: clears the soft count and,
 *                               where the policy allows, lifts an automatic
 *                               soft-derived suppression;
 *   deferred, SOFTBOUNCE        action "delayed", classified;
 *   bounced                     action "failed", classified.
 * Not recorded: discard(8) deliveries (nothing remote answered), address
 * verification probes, qmgr expiry lines (no recipient), other lines.
 * The envelope sender comes from the qmgr / sendmail "from=<...>" line of
 * the same queue id when it was seen.  With join_outbound, failures are
 * joined to outbound tracking by queue id (store_find_outbound(), cached per
 * queue id): the tracked Message-ID becomes the event's orig_message_id, and
 * the tracked sender is used when the log gave none.
 *
 * When the store's queue is full the sink waits for it (store_flush, at
 * most 10 s) and tries once more: the feed slows down rather than drop.
 *
 * Verdicts are cached by (action, dsn, reply code, reply text) in a
 * bounded LRU, since the same replies recur.
 *
 * Ownership: the sink borrows the store and the rules; both must outlive
 * it.  Thread-safety: one thread per sink (the store itself is
 * thread-safe).
 */
#ifndef BG_LOGFEED_SINK_H
#define BG_LOGFEED_SINK_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "core/classify.h"
#include "store/store.h"

struct logfeed_sink_stats {
    unsigned long long lines;      /* lines handed in */
    unsigned long long deliveries; /* delivery lines parsed */
    unsigned long long sent, deferred, bounced, expired;
    unsigned long long recorded;  /* events queued in the store */
    unsigned long long refused;   /* store_record() refused (queue full,
                                     invalid address) */
    unsigned long long skipped;   /* delivery lines not recorded */
    unsigned long long malformed; /* lines with parse errors */
    unsigned long long cache_hits, cache_misses;
    unsigned long long message_ids; /* Message-IDs handed to the store */
};

/* A callback that sees every event before it is queued (tests, dry runs,
 * bounceguardctl ingest -n); may be NULL. */
typedef void logfeed_sink_event_cb(const struct store_event *ev, void *ctx);

struct logfeed_sink_settings {
    size_t cache_entries; /* verdicts (and senders) cached */
    long utc_offset;      /* seconds east of UTC of lines without zone */
    bool local_zone;      /* rather the local zone's offset at the
                             line's own time (daylight saving changes) */
    bool join_outbound;   /* join failures to outbound tracking */
    bool message_ids;     /* give tracked messages the Message-ID the MTA
                             logs (store_outbound_message_id) */
    logfeed_sink_event_cb *on_event;
    void *ctx;
};

struct logfeed_sink;

/* store may be NULL (nothing is queued: a dry run).  Returns NULL when
 * memory runs out. */
struct logfeed_sink *logfeed_sink_new(const struct logfeed_sink_settings *set,
                                      struct store *store,
                                      const struct classify_rules *rules);
/* Handles one line (without its newline); now completes dates without a
 * year and stamps lines without a valid date.  Returns 1 when an event was
 * queued, 0 when the line carried nothing to record, -1 when the store
 * refused the event. */
int logfeed_sink_line(struct logfeed_sink *sink, const char *line, size_t len,
                      time_t now);
void logfeed_sink_stats(const struct logfeed_sink *sink,
                        struct logfeed_sink_stats *stats_r);
void logfeed_sink_free(struct logfeed_sink **sink);

#endif
