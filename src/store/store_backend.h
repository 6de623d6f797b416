/*
 * store_backend.h - what a store backend provides to store.c (internal).
 *
 * A backend is a struct of function pointers over its own connection type
 * (struct store_db).  store.c owns the queue, the writer thread, the reader
 * pool and the policy loop; a backend only speaks SQL.  One connection is
 * used by one thread at a time (store.c guarantees it).
 *
 * Write primitives run inside begin()/commit() on the writer connection.
 * Errors are copied into the caller's buffer (err, errsize).
 */
#ifndef BG_STORE_BACKEND_H
#define BG_STORE_BACKEND_H

#include "core/addr.h"
#include "core/policy.h"
#include "store/store.h"

/* One queued item: an event, an outbound message, or the Message-ID of
 * one (out.queue_id, out.message_id, out.when); strings owned. */
enum store_item_kind { ITEM_EVENT = 0, ITEM_OUTBOUND, ITEM_OUTBOUND_MID };

struct store_item {
    struct store_item *next;
    unsigned long long seq;
    enum store_item_kind kind;
    char uuid[33];           /* 32 hex digits: replay idempotency */
    const char *key;         /* normalised recipient (events), in data[] */
    struct store_event ev;   /* strings point into data[] */
    struct outbound_msg out; /* recipients joined by '\n' in out_rcpts */
    const char *out_rcpts;
    char data[];
};

struct store_db;

struct store_backend {
    const char *name;
    int (*open)(const struct store_settings *set, bool writer,
                struct store_db **db_r, char **error_r);
    void (*close)(struct store_db **db);

    /* writer side */
    int (*begin)(struct store_db *db, char *err, size_t errsize);
    int (*commit)(struct store_db *db, char *err, size_t errsize);
    void (*rollback)(struct store_db *db);
    /* 1 when an event with this uuid is stored already, 0 when not, -1 on
     * error (a backend without replays may always say 0). */
    int (*event_seen)(struct store_db *db, const char *uuid, char *err,
                      size_t errsize);
    /* Returns 1 when inserted, 0 when the uuid was already there (replay),
     * -1 on error. */
    int (*event_insert)(struct store_db *db, const struct store_item *it,
                        const char *decision, char *err, size_t errsize);
    /* Optional (NULL: not offered).  Called after begin() with every key
     * the batch will decide on (repeats allowed); the backend may lock and
     * load them all at once and then answer state_load() from memory and
     * send the writes without waiting for each reply, until commit().
     * Never called when uuids must be checked (replays, retries). */
    int (*prefetch)(struct store_db *db, const char *const *keys, size_t nkeys,
                    char *err, size_t errsize);
    /* Loads (and locks, where the backend needs it) KEY's state. */
    int (*state_load)(struct store_db *db, const char *key,
                      struct policy_state *st, char *err, size_t errsize);
    /* Writes the state and the suppression row after a decision. */
    int (*state_save)(struct store_db *db, const char *key,
                      const struct policy_state *old,
                      const struct policy_state *st, enum policy_action a,
                      const struct store_item *it, char *err, size_t errsize);
    int (*outbound_insert)(struct store_db *db, const struct store_item *it,
                           char *err, size_t errsize);
    /* ITEM_OUTBOUND_MID: sets message_id of the rows of out.queue_id
     * tracked since out.when - STORE_MESSAGE_ID_WINDOW that have none. */
    int (*outbound_message_id)(struct store_db *db,
                               const struct store_item *it, char *err,
                               size_t errsize);
    long long (*expire)(struct store_db *db, const struct store_settings *set,
                        long long now, char *err, size_t errsize);

    /* reader side */
    int (*lookup)(struct store_db *db, const char *key, long long now,
                  struct suppression *s_r);
    /* The most recent tracked message whose KEY column is VALUE (never
     * NULL or ""), preferring one sent to RCPT (NULL: no preference;
     * compared without case): 1 (fills *m_r), 0 when none, -1 on error. */
    int (*find_outbound)(struct store_db *db, enum store_outbound_key key,
                         const char *value, const char *rcpt,
                         struct outbound_msg *m_r);
    int (*list)(struct store_db *db, const struct store_filter *f,
                store_list_cb *cb, void *ctx);
    int (*history)(struct store_db *db, const char *key, store_history_cb *cb,
                   void *ctx);
    int (*stats)(struct store_db *db, const char *group_by, long long since,
                 long long now, store_count_cb *cb, void *ctx);
};

extern const struct store_backend store_backend_sqlite;
extern const struct store_backend store_backend_pgsql;

/* Event ids without a system call each: a random 64-bit prefix drawn once
 * per open store and a 64-bit counter (atomic; any thread), as 32 hex
 * digits.  Unique as long as two stores never draw the same prefix
 * (odds 2^-64 per pair). */
struct store_uuid_gen {
    unsigned char prefix[8];
    unsigned long long next;
};
void store_uuid_init(struct store_uuid_gen *g);
void store_uuid_make(struct store_uuid_gen *g, char out[33]);

/* Items (store.c): copies of an event (KEY normalised) or an outbound
 * message; uuid NULL makes a new one.  NULL when out of memory. */
struct store_item *store_item_event(const struct store_event *ev,
                                    const char *key, const char *uuid);
struct store_item *store_item_outbound(const struct outbound_msg *m,
                                       const char *rcpts_joined,
                                       const char *uuid);
/* Applies a chain of N items (policy included) as one transaction on the
 * writer connection: 0, or -1 with err (rolled back).  With CHECK_SEEN,
 * items whose uuid is stored already are skipped (replays, retries after
 * a commit of unknown outcome).  Writer thread only. */
int store_apply_chain(struct store *st, const struct store_item *it, size_t n,
                      bool check_seen, char *err, size_t errsize);

/* True when IT is a success that changed nothing but the last-success
 * time of a recipient with no soft failures and no suppression (A, the
 * action; OLD and ST, the state before and after): such a delivery -
 * most of a busy log - is neither written to the history nor to the
 * recipient's state, which keeps a bulk ingest's writes for the events
 * that matter.  What is not kept is that last-success time, which only
 * serves to ignore a soft failure dated before it but arriving after it;
 * the SQLite writer still remembers it in memory (store_cache.h). */
bool store_success_quiet(const struct store_item *it, enum policy_action a,
                         const struct policy_state *old,
                         const struct policy_state *st);

/* Helpers shared by the backends (store.c). */
const char *store_bucket_name(enum bucket b);
bool store_bucket_parse(const char *name, enum bucket *b_r);
void store_copy(char *dst, size_t size, const char *src);
/* Builds a found outbound message from owned copies. */
int store_outbound_fill(struct outbound_msg *m, const char *message_id,
                        const char *queue_id, const char *sender,
                        const char *rcpts_joined, long long when,
                        const char *envelope_id);

#endif
