/*
 * store_sqlite.c - the SQLite store backend (store_backend.h).
 *
 * One database file in WAL mode: the writer connection commits with
 * synchronous=FULL (a commit is on disk when it returns); reader
 * connections are query_only and never wait for the writer.  The schema is
 * versioned with PRAGMA user_version and migrated forward on open; a
 * database newer than this program is refused.  Every statement of the hot
 * paths is prepared once per connection.
 */
#include "store/store_backend.h"
#include "store/store_cache.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BUSY_TIMEOUT_MS 10000
/* Policy states the writer keeps in memory: about 130 bytes each, at most
 * some 40 MB with the tables.  bench/logfeed's 200,000 recipients fit
 * (7 % less CPU than with half as many entries). */
#define STATE_CACHE_MAX 262144

/* The writer's page cache and checkpoints.  The events' address index and
 * the state tables take inserts at random places: with SQLite's default
 * 2 MB cache every such insert re-read its pages from the file (pread was
 * half of the CPU of a bulk ingest; 16 MB or more takes a quarter off the
 * CPU of bench/logfeed, 64 MB no more than 16 MB).  Checkpoints every
 * 16 MB of WAL (rather than 4 MB) write a page that several commits
 * changed once instead of several times.  Both bound memory and disk;
 * neither touches durability (WAL, synchronous=FULL: a commit is on disk
 * when it returns). */
#define WRITER_PRAGMAS                                                         \
    "PRAGMA cache_size = -32768; PRAGMA wal_autocheckpoint = 4096;"            \
    " PRAGMA temp_store = MEMORY"

/* Migrations: migrations[i] takes user_version i to i + 1. */
static const char *const migrations[] = {
    /* 0 -> 1 */
    "CREATE TABLE suppressions ("
    " address TEXT PRIMARY KEY NOT NULL, domain TEXT NOT NULL,"
    " reason TEXT, bucket TEXT NOT NULL, status TEXT, reply_code INTEGER,"
    " diagnostic TEXT, source TEXT, rule TEXT, reporting_mta TEXT,"
    " remote_mta TEXT, first_seen INTEGER NOT NULL,"
    " last_seen INTEGER NOT NULL, count INTEGER NOT NULL DEFAULT 1,"
    " expires INTEGER NOT NULL DEFAULT 0, message_id TEXT, queue_id TEXT,"
    " sender TEXT, manual INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;"
    "CREATE INDEX suppressions_domain ON suppressions(domain);"
    "CREATE INDEX suppressions_expires ON suppressions(expires)"
    " WHERE expires > 0;"
    "CREATE TABLE recipient_state ("
    " address TEXT PRIMARY KEY NOT NULL,"
    " soft_count INTEGER NOT NULL DEFAULT 0,"
    " soft_first INTEGER NOT NULL DEFAULT 0,"
    " soft_last INTEGER NOT NULL DEFAULT 0,"
    " last_success INTEGER NOT NULL DEFAULT 0,"
    " removed_at INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;"
    "CREATE TABLE events ("
    " id INTEGER PRIMARY KEY, uuid TEXT NOT NULL, at INTEGER NOT NULL,"
    " address TEXT NOT NULL, reason TEXT, bucket TEXT, auth INTEGER,"
    " rule TEXT, status TEXT, reply_code INTEGER, diagnostic TEXT,"
    " source TEXT, action TEXT, reporting_mta TEXT, remote_mta TEXT,"
    " message_id TEXT, queue_id TEXT, sender TEXT, credible INTEGER,"
    " decision TEXT);"
    "CREATE INDEX events_address ON events(address, at);"
    "CREATE INDEX events_at ON events(at);"
    "CREATE TABLE outbound ("
    " id INTEGER PRIMARY KEY, uuid TEXT NOT NULL, message_id TEXT,"
    " queue_id TEXT, sender TEXT, recipients TEXT, at INTEGER NOT NULL);"
    "CREATE INDEX outbound_message_id ON outbound(message_id);"
    "CREATE INDEX outbound_queue_id ON outbound(queue_id);"
    "CREATE INDEX outbound_at ON outbound(at);"
    /* what Postfix's sqlite: table queries (contrib/postfix) */
    "CREATE VIEW postfix_access AS"
    " SELECT address, reason, bucket, status FROM suppressions"
    " WHERE expires = 0 OR expires > CAST(strftime('%s','now') AS INTEGER);",
    /* 1 -> 2: the history's index on a 64-bit hash of the address rather
     * than on its text (akey(), below): a third of the size, integer
     * comparisons, and a bulk ingest writes its pages a third as often */
    ("ALTER TABLE events ADD COLUMN akey INTEGER;"
     "UPDATE events SET akey = bg_akey(address);"
     "DROP INDEX events_address;"
     "CREATE INDEX events_akey ON events(akey);"),
    /* 2 -> 3: the envelope id (ENVID) of a tracked message, so that a DSN
     * with only an Original-Envelope-Id joins; older rows have none */
    ("ALTER TABLE outbound ADD COLUMN envid TEXT;"
     "CREATE INDEX outbound_envid ON outbound(envid) WHERE envid IS NOT NULL;"),
};
#define SCHEMA_VERSION ((int)(sizeof migrations / sizeof *migrations))

#define SUP_COLS                                                               \
    "address, reason, bucket, status, reply_code, diagnostic, source, rule,"   \
    " reporting_mta, remote_mta, first_seen, last_seen, count, expires,"       \
    " message_id, queue_id, sender, manual"

#define OUT_COLS "message_id, queue_id, sender, recipients, at, envid"
/* Rows whose recipients (one per line) hold ?2 first; with ?2 NULL, none. */
#define OUT_RCPT_FIRST                                                    \
    "coalesce(instr(char(10) || lower(recipients) || char(10),"          \
    " char(10) || lower(?2) || char(10)), 0) > 0 DESC"

enum stmt_id {
    S_SUP_STATE,
    S_RS_GET,
    S_RS_PUT,
    S_SUP_PUT,
    S_SUP_REFRESH,
    S_SUP_DEL,
    S_EVENT_PUT,
    S_OUT_PUT,
    S_OUT_MID,
    S_LOOKUP,
    S_OUT_BY_MID,
    S_OUT_BY_QID,
    S_OUT_BY_ENVID,
    S_DATA_VERSION,
    S_COUNT
};

static const char *const stmt_sql[S_COUNT] = {
    [S_SUP_STATE] = "SELECT bucket, expires, manual FROM suppressions"
                    " WHERE address = ?1",
    [S_RS_GET] = "SELECT soft_count, soft_first, soft_last, last_success,"
                 " removed_at FROM recipient_state WHERE address = ?1",
    [S_RS_PUT] = "INSERT OR REPLACE INTO recipient_state (address,"
                 " soft_count, soft_first, soft_last, last_success,"
                 " removed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [S_SUP_PUT] = "INSERT OR REPLACE INTO suppressions (address, domain,"
                  " reason, bucket, status, reply_code, diagnostic, source,"
                  " rule, reporting_mta, remote_mta, first_seen, last_seen,"
                  " count, expires, message_id, queue_id, sender, manual)"
                  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,"
                  " ?12, ?12, 1, ?13, ?14, ?15, ?16, ?17)",
    [S_SUP_REFRESH] = "UPDATE suppressions SET last_seen = max(last_seen,"
                      " ?2), count = count + 1, bucket = ?3, expires = ?4"
                      " WHERE address = ?1",
    [S_SUP_DEL] = "DELETE FROM suppressions WHERE address = ?1",
    [S_EVENT_PUT] = "INSERT INTO events (uuid, at, address, reason, bucket,"
                    " auth, rule, status, reply_code, diagnostic, source,"
                    " action, reporting_mta, remote_mta, message_id,"
                    " queue_id, sender, credible, decision, akey) VALUES (?1,"
                    " ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
                    " ?14, ?15, ?16, ?17, ?18, ?19, ?20)",
    [S_OUT_PUT] = "INSERT INTO outbound (uuid, message_id, queue_id, sender,"
                  " recipients, at, envid) VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
                  " ?7)",
    [S_OUT_MID] = "UPDATE outbound SET message_id = ?1 WHERE queue_id = ?2"
                  " AND message_id IS NULL AND at >= ?3",
    [S_LOOKUP] = "SELECT " SUP_COLS " FROM suppressions WHERE address = ?1"
                 " AND (expires = 0 OR expires > ?2)",
    [S_OUT_BY_MID] = "SELECT " OUT_COLS " FROM outbound WHERE message_id = ?1"
                     " ORDER BY " OUT_RCPT_FIRST ", at DESC LIMIT 1",
    [S_OUT_BY_QID] = "SELECT " OUT_COLS " FROM outbound WHERE queue_id = ?1"
                     " ORDER BY " OUT_RCPT_FIRST ", at DESC LIMIT 1",
    [S_OUT_BY_ENVID] = "SELECT " OUT_COLS " FROM outbound WHERE envid = ?1"
                       " ORDER BY " OUT_RCPT_FIRST ", at DESC LIMIT 1",
    [S_DATA_VERSION] = "PRAGMA data_version",
};

struct store_db {
    sqlite3 *db;
    sqlite3_stmt *stmt[S_COUNT];
    /* writer only: the policy states of recent keys, valid while no other
     * connection has committed since data_version was read */
    struct store_cache *cache;
    long long data_version;
};

static int db_err(struct store_db *d, char *err, size_t errsize,
                  const char *what)
{
    snprintf(err, errsize, "sqlite: %s: %s", what, sqlite3_errmsg(d->db));
    return -1;
}

static int exec(struct store_db *d, const char *sql, char *err, size_t errsize)
{
    char *msg = NULL;

    if (sqlite3_exec(d->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(err, errsize, "sqlite: %s", msg ? msg : "error");
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

/* The history's key of an address: FNV-1a, 64 bits, as a signed integer
 * (SQLite's).  Collisions cost nothing but a row read: the history's
 * query also compares the address. */
static long long akey(const char *addr)
{
    unsigned long long h = 0xcbf29ce484222325ULL;

    for (const unsigned char *p = (const unsigned char *)addr; *p; p++)
        h = (h ^ *p) * 0x100000001b3ULL;
    return (long long)(h & 0x7fffffffffffffffULL);
}

/* bg_akey(address): akey() for the migration of older rows. */
static void sql_akey(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    const unsigned char *a = argc == 1 ? sqlite3_value_text(argv[0]) : NULL;

    if (a == NULL)
        sqlite3_result_null(ctx);
    else
        sqlite3_result_int64(ctx, akey((const char *)a));
}

static int user_version(struct store_db *d)
{
    sqlite3_stmt *s;
    int v = -1;

    if (sqlite3_prepare_v2(d->db, "PRAGMA user_version", -1, &s, NULL) !=
        SQLITE_OK)
        return -1;
    if (sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    return v;
}

static int migrate(struct store_db *d, char *err, size_t errsize)
{
    int v;

    if (sqlite3_create_function(d->db, "bg_akey", 1,
                                SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                                sql_akey, NULL, NULL) != SQLITE_OK)
        return db_err(d, err, errsize, "bg_akey");
    if (exec(d, "BEGIN IMMEDIATE", err, errsize) < 0)
        return -1;
    v = user_version(d);
    if (v < 0 || v > SCHEMA_VERSION) {
        snprintf(err, errsize,
                 "sqlite: schema version %d is not one this "
                 "bounceguard knows (%d)",
                 v, SCHEMA_VERSION);
        sqlite3_exec(d->db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    for (; v < SCHEMA_VERSION; v++) {
        char pragma[64];
        snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", v + 1);
        if (exec(d, migrations[v], err, errsize) < 0 ||
            exec(d, pragma, err, errsize) < 0) {
            sqlite3_exec(d->db, "ROLLBACK", NULL, NULL, NULL);
            return -1;
        }
    }
    return exec(d, "COMMIT", err, errsize);
}

static void sq_close(struct store_db **dp)
{
    struct store_db *d = *dp;

    if (d == NULL)
        return;
    for (int i = 0; i < S_COUNT; i++)
        sqlite3_finalize(d->stmt[i]);
    sqlite3_close(d->db);
    store_cache_free(&d->cache);
    free(d);
    *dp = NULL;
}

static int prepare_all(struct store_db *d, char *err, size_t errsize)
{
    for (int i = 0; i < S_COUNT; i++)
        if (sqlite3_prepare_v3(d->db, stmt_sql[i], -1,
                               SQLITE_PREPARE_PERSISTENT, &d->stmt[i],
                               NULL) != SQLITE_OK)
            return db_err(d, err, errsize, "prepare");
    return 0;
}

static int sq_setup(struct store_db *d, const struct store_settings *set,
                    bool writer, char *err, size_t errsize)
{
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX |
                (writer ? SQLITE_OPEN_CREATE : 0);

    if (set->path == NULL) {
        snprintf(err, errsize, "sqlite: store.path is not set");
        return -1;
    }
    if (sqlite3_open_v2(set->path, &d->db, flags, NULL) != SQLITE_OK)
        return db_err(d, err, errsize, set->path);
    sqlite3_busy_timeout(d->db, BUSY_TIMEOUT_MS);
    if (writer && (exec(d, "PRAGMA journal_mode = WAL", err, errsize) < 0 ||
                   exec(d, "PRAGMA synchronous = FULL", err, errsize) < 0 ||
                   exec(d, WRITER_PRAGMAS, err, errsize) < 0 ||
                   migrate(d, err, errsize) < 0))
        return -1;
    if (!writer && exec(d, "PRAGMA query_only = 1", err, errsize) < 0)
        return -1;
    d->data_version = -1;
    if (writer && (d->cache = store_cache_new(STATE_CACHE_MAX)) == NULL) {
        snprintf(err, errsize, "sqlite: out of memory");
        return -1;
    }
    return prepare_all(d, err, errsize);
}

static int sq_open(const struct store_settings *set, bool writer,
                   struct store_db **db_r, char **error_r)
{
    struct store_db *d = calloc(1, sizeof *d);
    char err[512];

    *db_r = NULL;
    if (d == NULL) {
        *error_r = strdup("sqlite: out of memory");
        return -1;
    }
    if (sq_setup(d, set, writer, err, sizeof err) < 0) {
        *error_r = strdup(err);
        sq_close(&d);
        return -1;
    }
    *db_r = d;
    return 0;
}

/* ------------------------------------------------------------ writing */

/* Drops the cached states when another connection (bounceguardctl add,
 * remove, import, a second feed) committed since the last look: its
 * changes are not in them.  Called with the write lock held, so nobody
 * else can commit before our own commit. */
static int check_others(struct store_db *d, char *err, size_t errsize)
{
    sqlite3_stmt *s = d->stmt[S_DATA_VERSION];
    long long v;
    int rc = sqlite3_step(s);

    v = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
    sqlite3_reset(s);
    if (rc != SQLITE_ROW)
        return db_err(d, err, errsize, "data_version");
    if (v != d->data_version && d->cache != NULL)
        store_cache_clear(d->cache);
    d->data_version = v;
    return 0;
}

static void sq_rollback(struct store_db *d)
{
    sqlite3_exec(d->db, "ROLLBACK", NULL, NULL, NULL);
    /* the cache holds the rolled-back transaction's states */
    if (d->cache != NULL)
        store_cache_clear(d->cache);
}

static int sq_begin(struct store_db *d, char *err, size_t errsize)
{
    if (exec(d, "BEGIN IMMEDIATE", err, errsize) < 0)
        return -1;
    if (check_others(d, err, errsize) < 0) {
        sq_rollback(d);
        return -1;
    }
    return 0;
}

static int sq_commit(struct store_db *d, char *err, size_t errsize)
{
    if (exec(d, "COMMIT", err, errsize) == 0)
        return 0;
    sq_rollback(d);
    return -1;
}

static void bind_text(sqlite3_stmt *s, int i, const char *v)
{
    if (v == NULL)
        sqlite3_bind_null(s, i);
    else
        sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
}

/* Steps a write statement to completion and resets it. */
static int run(struct store_db *d, sqlite3_stmt *s, char *err, size_t errsize,
               const char *what)
{
    int rc = sqlite3_step(s);

    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (rc != SQLITE_DONE)
        return db_err(d, err, errsize, what);
    return 0;
}

static int sq_event_seen(struct store_db *d, const char *uuid, char *err,
                         size_t errsize)
{
    (void)d, (void)uuid, (void)err, (void)errsize;
    return 0; /* no spool, no replays */
}

static int sq_event_insert(struct store_db *d, const struct store_item *it,
                           const char *decision, char *err, size_t errsize)
{
    sqlite3_stmt *s = d->stmt[S_EVENT_PUT];
    const struct store_event *e = &it->ev;

    bind_text(s, 1, it->uuid);
    sqlite3_bind_int64(s, 2, e->when);
    bind_text(s, 3, it->key);
    bind_text(s, 4, e->reason);
    bind_text(s, 5, store_bucket_name(e->bucket));
    sqlite3_bind_int(s, 6, e->auth);
    bind_text(s, 7, e->rule);
    bind_text(s, 8, e->status);
    sqlite3_bind_int(s, 9, e->reply_code);
    bind_text(s, 10, e->diagnostic);
    bind_text(s, 11, store_source_name(e->source));
    bind_text(s, 12, e->action ? e->action : "failed");
    bind_text(s, 13, e->reporting_mta);
    bind_text(s, 14, e->remote_mta);
    bind_text(s, 15, e->orig_message_id);
    bind_text(s, 16, e->queue_id);
    bind_text(s, 17, e->sender);
    sqlite3_bind_int(s, 18, e->credible);
    bind_text(s, 19, decision);
    sqlite3_bind_int64(s, 20, akey(it->key));
    return run(d, s, err, errsize, "insert event") < 0 ? -1 : 1;
}

static int sq_state_load(struct store_db *d, const char *key,
                         struct policy_state *st, char *err, size_t errsize)
{
    sqlite3_stmt *s = d->stmt[S_SUP_STATE];
    int rc;

    if (d->cache != NULL && store_cache_get(d->cache, key, st))
        return 0;
    bind_text(s, 1, key);
    if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        st->suppressed = true;
        store_bucket_parse((const char *)sqlite3_column_text(s, 0),
                           &st->bucket);
        st->expires = sqlite3_column_int64(s, 1);
        st->manual = sqlite3_column_int(s, 2) != 0;
    }
    sqlite3_reset(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return db_err(d, err, errsize, "load suppression");
    s = d->stmt[S_RS_GET];
    bind_text(s, 1, key);
    if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        st->soft_count = sqlite3_column_int64(s, 0);
        st->soft_first = sqlite3_column_int64(s, 1);
        st->soft_last = sqlite3_column_int64(s, 2);
        st->last_success = sqlite3_column_int64(s, 3);
        st->removed_at = sqlite3_column_int64(s, 4);
    }
    sqlite3_reset(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return db_err(d, err, errsize, "load state");
    return 0;
}

static bool counters_changed(const struct policy_state *a,
                             const struct policy_state *b)
{
    return a->soft_count != b->soft_count || a->soft_first != b->soft_first ||
           a->soft_last != b->soft_last || a->last_success != b->last_success ||
           a->removed_at != b->removed_at;
}

static int put_counters(struct store_db *d, const char *key,
                        const struct policy_state *st, char *err,
                        size_t errsize)
{
    sqlite3_stmt *s = d->stmt[S_RS_PUT];

    bind_text(s, 1, key);
    sqlite3_bind_int64(s, 2, st->soft_count);
    sqlite3_bind_int64(s, 3, st->soft_first);
    sqlite3_bind_int64(s, 4, st->soft_last);
    sqlite3_bind_int64(s, 5, st->last_success);
    sqlite3_bind_int64(s, 6, st->removed_at);
    return run(d, s, err, errsize, "save state");
}

static int put_suppression(struct store_db *d, const char *key,
                           const struct policy_state *st,
                           const struct store_item *it, char *err,
                           size_t errsize)
{
    sqlite3_stmt *s = d->stmt[S_SUP_PUT];
    const struct store_event *e = &it->ev;

    bind_text(s, 1, key);
    bind_text(s, 2, addr_domain(key));
    bind_text(s, 3, e->reason ? e->reason : (st->manual ? "manual" : NULL));
    bind_text(s, 4, store_bucket_name(st->bucket));
    bind_text(s, 5, e->status);
    sqlite3_bind_int(s, 6, e->reply_code);
    bind_text(s, 7, e->diagnostic);
    bind_text(s, 8, store_source_name(e->source));
    bind_text(s, 9, e->rule);
    bind_text(s, 10, e->reporting_mta);
    bind_text(s, 11, e->remote_mta);
    sqlite3_bind_int64(s, 12, e->when);
    sqlite3_bind_int64(s, 13, st->expires);
    bind_text(s, 14, e->orig_message_id);
    bind_text(s, 15, e->queue_id);
    bind_text(s, 16, e->sender);
    sqlite3_bind_int(s, 17, st->manual);
    return run(d, s, err, errsize, "save suppression");
}

static int sq_state_save(struct store_db *d, const char *key,
                         const struct policy_state *old,
                         const struct policy_state *st, enum policy_action a,
                         const struct store_item *it, char *err, size_t errsize)
{
    sqlite3_stmt *s;

    if (d->cache != NULL)
        store_cache_put(d->cache, key, st); /* dropped if this rolls back */
    if (counters_changed(old, st) && !store_success_quiet(it, a, old, st) &&
        put_counters(d, key, st, err, errsize) < 0)
        return -1;
    if (a == POLICY_SUPPRESS)
        return put_suppression(d, key, st, it, err, errsize);
    if (a == POLICY_REFRESH) {
        s = d->stmt[S_SUP_REFRESH];
        bind_text(s, 1, key);
        sqlite3_bind_int64(s, 2, it->ev.when);
        bind_text(s, 3, store_bucket_name(st->bucket));
        sqlite3_bind_int64(s, 4, st->expires);
        return run(d, s, err, errsize, "refresh suppression");
    }
    if (old->suppressed && !st->suppressed) {
        s = d->stmt[S_SUP_DEL];
        bind_text(s, 1, key);
        return run(d, s, err, errsize, "delete suppression");
    }
    return 0;
}

static int sq_outbound_insert(struct store_db *d, const struct store_item *it,
                              char *err, size_t errsize)
{
    sqlite3_stmt *s = d->stmt[S_OUT_PUT];

    bind_text(s, 1, it->uuid);
    bind_text(s, 2, it->out.message_id);
    bind_text(s, 3, it->out.queue_id);
    bind_text(s, 4, it->out.sender);
    bind_text(s, 5, it->out_rcpts);
    sqlite3_bind_int64(s, 6, it->out.when);
    bind_text(s, 7, it->out.envelope_id);
    return run(d, s, err, errsize, "insert outbound");
}

static int sq_outbound_message_id(struct store_db *d,
                                  const struct store_item *it, char *err,
                                  size_t errsize)
{
    sqlite3_stmt *s = d->stmt[S_OUT_MID];

    bind_text(s, 1, it->out.message_id);
    bind_text(s, 2, it->out.queue_id);
    sqlite3_bind_int64(s, 3, it->out.when - STORE_MESSAGE_ID_WINDOW);
    return run(d, s, err, errsize, "set outbound message id");
}

/* Deletes in slices so that the writer never holds the lock for long. */
static long long delete_slices(struct store_db *d, const char *sql,
                               long long arg, char *err, size_t errsize)
{
    sqlite3_stmt *s;
    long long total = 0;
    int changed;

    if (sqlite3_prepare_v2(d->db, sql, -1, &s, NULL) != SQLITE_OK)
        return db_err(d, err, errsize, "prepare expiry");
    do {
        sqlite3_bind_int64(s, 1, arg);
        if (exec(d, "BEGIN IMMEDIATE", err, errsize) < 0)
            break;
        int rc = sqlite3_step(s);
        sqlite3_reset(s);
        changed = sqlite3_changes(d->db);
        if (rc != SQLITE_DONE || exec(d, "COMMIT", err, errsize) < 0) {
            db_err(d, err, errsize, "expiry");
            sq_rollback(d);
            total = -1;
            break;
        }
        total += changed;
    } while (changed > 0);
    sqlite3_finalize(s);
    return total;
}

static long long sq_expire(struct store_db *d, const struct store_settings *set,
                           long long now, char *err, size_t errsize)
{
    long long n;

    if (d->cache != NULL)
        store_cache_clear(d->cache); /* expired entries go */
    n = delete_slices(
        d,
        "DELETE FROM suppressions WHERE address IN (SELECT address FROM"
        " suppressions WHERE expires > 0 AND expires <= ?1 LIMIT 5000)",
        now, err, errsize);

    if (n >= 0 && set->event_retention > 0 &&
        delete_slices(d,
                      "DELETE FROM events WHERE id IN (SELECT id FROM events"
                      " WHERE at < ?1 LIMIT 5000)",
                      now - set->event_retention, err, errsize) < 0)
        return -1;
    if (n >= 0 && set->outbound_retention > 0 &&
        delete_slices(d,
                      "DELETE FROM outbound WHERE id IN (SELECT id FROM"
                      " outbound WHERE at < ?1 LIMIT 5000)",
                      now - set->outbound_retention, err, errsize) < 0)
        return -1;
    return n;
}

/* ------------------------------------------------------------ reading */

static void col(sqlite3_stmt *s, int i, char *dst, size_t size)
{
    store_copy(dst, size, (const char *)sqlite3_column_text(s, i));
}

static void fill_suppression(sqlite3_stmt *s, struct suppression *r)
{
    memset(r, 0, sizeof *r);
    col(s, 0, r->address, sizeof r->address);
    col(s, 1, r->reason, sizeof r->reason);
    store_bucket_parse((const char *)sqlite3_column_text(s, 2), &r->bucket);
    col(s, 3, r->status, sizeof r->status);
    r->reply_code = sqlite3_column_int(s, 4);
    col(s, 5, r->diagnostic, sizeof r->diagnostic);
    store_source_parse((const char *)sqlite3_column_text(s, 6), &r->source);
    col(s, 7, r->rule, sizeof r->rule);
    col(s, 8, r->reporting_mta, sizeof r->reporting_mta);
    col(s, 9, r->remote_mta, sizeof r->remote_mta);
    r->first_seen = sqlite3_column_int64(s, 10);
    r->last_seen = sqlite3_column_int64(s, 11);
    r->count = sqlite3_column_int64(s, 12);
    r->expires = sqlite3_column_int64(s, 13);
    col(s, 14, r->message_id, sizeof r->message_id);
    col(s, 15, r->queue_id, sizeof r->queue_id);
    col(s, 16, r->sender, sizeof r->sender);
    r->manual = sqlite3_column_int(s, 17) != 0;
}

/* The result of a walk: the callback's stop value, or 0 / -1. */
static int walk_result(int rc, int cbrc)
{
    if (cbrc != 0)
        return cbrc;
    return rc == SQLITE_DONE ? 0 : -1;
}

static int sq_lookup(struct store_db *d, const char *key, long long now,
                     struct suppression *s_r)
{
    sqlite3_stmt *s = d->stmt[S_LOOKUP];
    int rc;

    sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, now);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        fill_suppression(s, s_r);
    sqlite3_reset(s);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

static int find_by(struct store_db *d, enum stmt_id id, const char *v,
                   const char *rcpt, struct outbound_msg *m_r)
{
    sqlite3_stmt *s = d->stmt[id];
    int rc;

    sqlite3_bind_text(s, 1, v, -1, SQLITE_STATIC);
    if (rcpt != NULL)
        sqlite3_bind_text(s, 2, rcpt, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, 2);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        rc = store_outbound_fill(m_r, (const char *)sqlite3_column_text(s, 0),
                                 (const char *)sqlite3_column_text(s, 1),
                                 (const char *)sqlite3_column_text(s, 2),
                                 (const char *)sqlite3_column_text(s, 3),
                                 sqlite3_column_int64(s, 4),
                                 (const char *)sqlite3_column_text(s, 5)) == 0
                 ? 1
                 : -1;
    else
        rc = rc == SQLITE_DONE ? 0 : -1;
    sqlite3_reset(s);
    return rc;
}

static int sq_find_outbound(struct store_db *d, enum store_outbound_key key,
                            const char *value, const char *rcpt,
                            struct outbound_msg *m_r)
{
    switch (key) {
    case STORE_OUT_MESSAGE_ID:
        return find_by(d, S_OUT_BY_MID, value, rcpt, m_r);
    case STORE_OUT_QUEUE_ID:
    case STORE_OUT_LOCAL_QUEUE_ID: /* the file is one MTA's */
        return find_by(d, S_OUT_BY_QID, value, rcpt, m_r);
    case STORE_OUT_ENVELOPE_ID:
        return find_by(d, S_OUT_BY_ENVID, value, rcpt, m_r);
    default:
        return 0;
    }
}

static int sq_list(struct store_db *d, const struct store_filter *f,
                   store_list_cb *cb, void *ctx)
{
    char sql[512];
    sqlite3_stmt *s;
    int rc = SQLITE_DONE, cbrc = 0;

    snprintf(sql, sizeof sql,
             "SELECT " SUP_COLS " FROM suppressions WHERE 1%s%s%s%s%s"
             " ORDER BY address",
             f->reason ? " AND reason = ?1" : "",
             f->bucket >= 0 ? " AND bucket = ?2" : "",
             f->domain ? " AND domain = ?3" : "",
             f->since > 0 ? " AND last_seen >= ?4" : "",
             f->now > 0 ? " AND (expires = 0 OR expires > ?5)" : "");
    if (sqlite3_prepare_v2(d->db, sql, -1, &s, NULL) != SQLITE_OK)
        return -1;
    bind_text(s, 1, f->reason);
    bind_text(s, 2,
              f->bucket >= 0 ? store_bucket_name((enum bucket)f->bucket)
                             : NULL);
    bind_text(s, 3, f->domain);
    sqlite3_bind_int64(s, 4, f->since);
    sqlite3_bind_int64(s, 5, f->now);
    while (cbrc == 0 && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        struct suppression r;
        fill_suppression(s, &r);
        cbrc = cb(&r, ctx);
    }
    sqlite3_finalize(s);
    return walk_result(rc, cbrc);
}

static const char *ctext(sqlite3_stmt *s, int i)
{
    return (const char *)sqlite3_column_text(s, i);
}

static int sq_history(struct store_db *d, const char *key, store_history_cb *cb,
                      void *ctx)
{
    sqlite3_stmt *s;
    int rc = SQLITE_DONE, cbrc = 0;

    if (sqlite3_prepare_v2(
            d->db,
            "SELECT at, reason, bucket, auth, rule, status, reply_code,"
            " diagnostic, source, action, reporting_mta, remote_mta,"
            " message_id, queue_id, sender, credible, decision FROM events"
            " WHERE (akey = ?2 OR akey IS NULL) AND address = ?1"
            " ORDER BY at, id",
            -1, &s, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, akey(key));
    while (cbrc == 0 && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        struct store_history_row h;
        memset(&h, 0, sizeof h);
        h.ev.recipient = key;
        h.ev.when = sqlite3_column_int64(s, 0);
        h.ev.reason = ctext(s, 1);
        store_bucket_parse(ctext(s, 2), &h.ev.bucket);
        h.ev.auth = sqlite3_column_int(s, 3) != 0;
        h.ev.rule = ctext(s, 4);
        h.ev.status = ctext(s, 5);
        h.ev.reply_code = sqlite3_column_int(s, 6);
        h.ev.diagnostic = ctext(s, 7);
        store_source_parse(ctext(s, 8), &h.ev.source);
        h.ev.action = ctext(s, 9);
        h.ev.reporting_mta = ctext(s, 10);
        h.ev.remote_mta = ctext(s, 11);
        h.ev.orig_message_id = ctext(s, 12);
        h.ev.queue_id = ctext(s, 13);
        h.ev.sender = ctext(s, 14);
        h.ev.credible = sqlite3_column_int(s, 15) != 0;
        h.decision = ctext(s, 16);
        cbrc = cb(&h, ctx);
    }
    sqlite3_finalize(s);
    return walk_result(rc, cbrc);
}

static int sq_stats(struct store_db *d, const char *group_by, long long since,
                    long long now, store_count_cb *cb, void *ctx)
{
    char sql[256];
    sqlite3_stmt *s;
    int rc = SQLITE_DONE, cbrc = 0;

    if (strcmp(group_by, "reason") != 0 && strcmp(group_by, "bucket") != 0 &&
        strcmp(group_by, "domain") != 0)
        return -1;
    snprintf(sql, sizeof sql,
             "SELECT %s, count(*) FROM suppressions WHERE last_seen >= ?1"
             " AND (expires = 0 OR expires > ?2) GROUP BY 1"
             " ORDER BY 2 DESC, 1",
             group_by);
    if (sqlite3_prepare_v2(d->db, sql, -1, &s, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(s, 1, since);
    sqlite3_bind_int64(s, 2, now);
    while (cbrc == 0 && (rc = sqlite3_step(s)) == SQLITE_ROW)
        cbrc = cb(ctext(s, 0) ? ctext(s, 0) : "-", sqlite3_column_int64(s, 1),
                  ctx);
    sqlite3_finalize(s);
    return walk_result(rc, cbrc);
}

const struct store_backend store_backend_sqlite = {
    .name = "sqlite",
    .open = sq_open,
    .close = sq_close,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .event_seen = sq_event_seen,
    .event_insert = sq_event_insert,
    .state_load = sq_state_load,
    .state_save = sq_state_save,
    .outbound_insert = sq_outbound_insert,
    .outbound_message_id = sq_outbound_message_id,
    .expire = sq_expire,
    .lookup = sq_lookup,
    .find_outbound = sq_find_outbound,
    .list = sq_list,
    .history = sq_history,
    .stats = sq_stats,
};
