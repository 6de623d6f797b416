/*
 * store.h - bounceguard's memory: the suppression list, the event history
 * and the outbound-message tracking, behind one interface with two backends
 * (SQLite, the embedded default, and PostgreSQL for a fleet of MTAs).
 *
 * Writes are asynchronous.  store_record() and store_track_outbound() copy
 * their argument into a bounded in-memory queue and return at once; one
 * writer thread per store takes the queue in batches, runs the decision
 * policy (core/policy.h) on each event and commits a batch as one
 * transaction (group commit).  A decision is durable - "acknowledged" -
 * once a later store_flush() has returned 0.  When the backend cannot
 * commit (disk full, PostgreSQL down) the writer keeps the batch, logs one
 * clear error, and retries with back-off; the PostgreSQL backend also
 * appends the batch to a local spool (store.spool) that it replays, once
 * and only once, when the server returns.  Events carry a UUID so replaying
 * never applies an event twice.
 *
 * Reads are synchronous.  store_lookup() is the hot path of the milter: it
 * runs on a pooled reader connection of its own and never waits for the
 * writer (SQLite WAL, PostgreSQL MVCC).
 *
 * Addresses: every address given to the store is normalised by
 * core/addr.h (angle brackets removed, domain lower-cased, local part kept
 * or lower-cased as store.local_part says).  A suppression whose key has no
 * '@' is a domain entry: it suppresses every address of that domain.
 *
 * Thread safety: all functions may be called from any number of threads at
 * once on one struct store, except store_open()/store_close().
 * Ownership: strings in structs passed in belong to the caller and are
 * copied; structs filled by the store use fixed buffers (long values are
 * truncated) except struct outbound_msg from store_find_outbound(), released
 * with outbound_msg_clear().
 */
#ifndef BG_STORE_H
#define BG_STORE_H

#include <stdbool.h>
#include <stddef.h>

#include "common/settings.h"
#include "core/classify.h"

enum store_source {
    SRC_DSN = 0,     /* a DSN from another MTA */
    SRC_POSTFIX_DSN, /* our own Postfix's DSN */
    SRC_SMTP_REPLY,  /* a live SMTP reply (log feed, milter) */
    SRC_LOG,         /* a delivery log line */
    SRC_MANUAL,      /* bounceguardctl add/remove */
    SRC_IMPORT,      /* bounceguardctl import */
};
const char *store_source_name(enum store_source s);
bool store_source_parse(const char *name, enum store_source *s_r);

/* Values of store_event.action for manual operations (SRC_MANUAL or
 * SRC_IMPORT); other events use the DSN action words "failed", "delayed",
 * "delivered" (NULL is read as "failed").  An event whose action is
 * "delivered", "relayed" or "expanded" is a success: it clears the
 * recipient's soft-failure count and lifts a suppression that soft failures
 * caused (core/policy.h has every rule).  A success that finds nothing to
 * clear (no soft failures, no suppression) is not written at all, neither
 * to the history nor to the recipient's state (store_backend.h,
 * store_success_quiet). */
#define STORE_ACTION_ADD "suppress"
#define STORE_ACTION_REMOVE "unsuppress"

/* One classified failure (or success) of one recipient. */
struct store_event {
    long long when;        /* unix seconds, the caller's clock */
    const char *recipient; /* raw; the store normalises */
    const char *reason;    /* taxonomy name or NULL */
    enum bucket bucket;
    bool auth;              /* an authentication failure (5.7.x) */
    const char *rule;       /* id of the deciding rule or NULL */
    const char *status;     /* enhanced status "5.1.1" or NULL */
    int reply_code;         /* 550, or 0 */
    const char *diagnostic; /* or NULL */
    enum store_source source;
    const char *action; /* see STORE_ACTION_*; NULL = "failed" */
    const char *reporting_mta, *remote_mta;
    const char *orig_message_id, *queue_id, *sender;
    bool credible;     /* false: recorded, never suppresses */
    long long expires; /* manual/import: absolute expiry, 0 = none */
};

#define STORE_ADDR_MAX 320

/* One entry of the suppression list. */
struct suppression {
    char address[STORE_ADDR_MAX + 1]; /* normalised; no '@': a domain */
    char reason[64];
    enum bucket bucket;
    char status[16];
    int reply_code;
    char diagnostic[512];
    enum store_source source;
    char rule[64];
    char reporting_mta[256];
    char remote_mta[256];
    long long first_seen, last_seen; /* unix seconds */
    long long count;                 /* events that counted towards it */
    long long expires;               /* unix seconds; 0 = permanent */
    char message_id[256];            /* evidence: the bounced message */
    char queue_id[64];
    char sender[STORE_ADDR_MAX + 1];
    bool manual; /* added by hand or imported */
};

/* Outbound tracking: which message we sent, from whom, to whom. */
struct outbound_msg {
    const char *message_id; /* without <> */
    const char *queue_id;
    const char *sender;
    const char *const *recipients;
    size_t nrecipients;
    long long when;
    /* MAIL FROM's ENVID= (RFC 3461), xtext-decoded, or NULL: what a DSN
     * returns as Original-Envelope-Id */
    const char *envelope_id;
    void *priv_; /* store-owned memory of a found message */
};
/* Frees what store_find_outbound() put into *m and zeroes it. */
void outbound_msg_clear(struct outbound_msg *m);

struct store;

/* Opens (creating and migrating as needed) the configured backend and
 * starts its writer thread.  Returns 0, or -1 with *error_r (malloc'ed, the
 * caller frees it).  Both settings structs are copied. */
int store_open(const struct store_settings *set,
               const struct policy_settings *policy, struct store **store_r,
               char **error_r);
/* Flushes what is queued (waiting at most the configured batch timeouts
 * while the backend keeps failing), stops the writer and frees *store. */
void store_close(struct store **store);

/* Queues the event.  Never blocks on I/O.  Returns 0 when queued, -1 when
 * the address is invalid or the in-memory queue is full (the caller logs;
 * mail keeps flowing). */
int store_record(struct store *store, const struct store_event *ev);
/* Waits until everything queued before the call is committed.  Returns 0,
 * or -1 when timeout_ms (< 0: no limit) passed first. */
int store_flush(struct store *store, int timeout_ms);

/* Is ADDR suppressed at time NOW, itself or by a domain entry?  Returns 1
 * (and fills *s_r when non-NULL), 0 when not (also for an address that
 * cannot be normalised), -1 on error (the caller fails open).  Fast: one or
 * two indexed reads on a pooled connection (measured p99 13 us at 1M
 * entries, bench/store). */
int store_lookup(struct store *store, const char *addr, long long now,
                 struct suppression *s_r);

/* Queues an outbound message for tracking (0, or -1 when the queue is
 * full).  Tracked messages are forgotten after store.outbound_retention. */
int store_track_outbound(struct store *store, const struct outbound_msg *m);
/* Gives the tracked message of QUEUE_ID its Message-ID (without <>) when
 * it has none: with milter.message_ids = "logfeed" the milter tracks a
 * message before its headers and the log feed reads the id from the MTA's
 * log.  Only a message tracked in the hour before WHEN is given one (short
 * queue ids come back).  Queued like store_track_outbound(): 0, or -1 when
 * an argument is empty or the queue is full. */
int store_outbound_message_id(struct store *store, const char *queue_id,
                              const char *message_id, long long when);
/* How far back store_outbound_message_id() looks, in seconds; only rows
 * this MTA tracked (store.instance) are given the id. */
#define STORE_MESSAGE_ID_WINDOW 3600
/* Finds a tracked message by Message-ID (without <>) or, when that is NULL
 * or unknown, by queue id among the messages this MTA tracked
 * (store.instance: in a PostgreSQL store that several MTAs share, their
 * queue ids may collide).  Returns 1 and fills *m_r (release with
 * outbound_msg_clear), 0 when unknown, -1 on error. */
int store_find_outbound(struct store *store, const char *message_id,
                        const char *queue_id, struct outbound_msg *m_r);

/* Which key found a tracked message. */
enum store_outbound_key {
    STORE_OUT_NONE = 0,
    STORE_OUT_MESSAGE_ID,
    STORE_OUT_QUEUE_ID,
    STORE_OUT_ENVELOPE_ID,
    STORE_OUT_LOCAL_QUEUE_ID, /* a queue id of this MTA's (store.instance) */
};
/* "message-id", "queue-id", "envelope-id", "local-queue-id" ("none"). */
const char *store_outbound_key_name(enum store_outbound_key k);

/* The keys a bounce offers; NULL or "" ones are not tried. */
struct store_outbound_keys {
    const char *message_id;  /* the returned original's, without <> */
    const char *queue_id;    /* X-Postfix-Queue-ID */
    const char *envelope_id; /* Original-Envelope-Id, decoded (exact) */
    const char *recipient;   /* or NULL: among the messages a key finds
                                (a list post sent in several transactions
                                under one Message-ID), the most recent one
                                sent to this address comes first */
};
/* store_find_outbound() with every key, tried in the order of the struct
 * (the most recent message that matches the first key that finds one);
 * *by_r (may be NULL) says which key found it.  Rows tracked before the
 * store knew envelope ids have none and are found by the other keys. */
int store_find_outbound_by(struct store *store,
                           const struct store_outbound_keys *keys,
                           struct outbound_msg *m_r,
                           enum store_outbound_key *by_r);

/* --- administration (bounceguardctl) --- */

/* Filters for store_list(); NULL / 0 / -1 fields do not filter. */
struct store_filter {
    const char *reason;
    int bucket; /* enum bucket, or -1 */
    const char *domain;
    long long since; /* last_seen >= since, or 0 */
    long long now;   /* hide entries expired at NOW; 0: show all */
};
/* Calls cb for every matching entry, ordered by address; a non-zero return
 * of cb stops the walk and is returned.  -1 on a store error. */
typedef int store_list_cb(const struct suppression *s, void *ctx);
int store_list(struct store *store, const struct store_filter *f,
               store_list_cb *cb, void *ctx);

/* One event of the history, as recorded, with the decision taken. */
struct store_history_row {
    struct store_event ev; /* strings valid during the callback only */
    const char *decision;  /* "suppressed", "counted", "lifted", "none" ... */
};
typedef int store_history_cb(const struct store_history_row *row, void *ctx);
/* Calls cb for ADDR's events, oldest first. */
int store_history(struct store *store, const char *addr, store_history_cb *cb,
                  void *ctx);

/* Counts of active suppressions with last_seen >= since (0 = all time),
 * grouped by "reason", "bucket" or "domain", largest first. */
typedef int store_count_cb(const char *key, long long count, void *ctx);
int store_stats(struct store *store, const char *group_by, long long since,
                long long now, store_count_cb *cb, void *ctx);

/* Runs expiry and retention now (the writer also runs them every
 * store.expire_interval): drops suppressions expired at NOW, events older
 * than event_retention, outbound messages older than outbound_retention.
 * Returns the number of suppressions dropped, or -1. */
long long store_expire(struct store *store, long long now);

/* The writer's health, for logs and metrics. */
struct store_health {
    size_t queued;                /* items waiting in memory */
    size_t capacity;              /* at most (store.queue_max) */
    unsigned long long committed; /* items committed since open */
    unsigned long long failed_commits;
    unsigned long long dropped; /* store_record() refusals: queue full */
    bool failing;               /* the last commit failed */
    char last_error[256];
};
void store_get_health(struct store *store, struct store_health *h_r);

#endif
