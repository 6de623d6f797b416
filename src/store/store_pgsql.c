/*
 * store_pgsql.c - the PostgreSQL store backend (store_backend.h), for
 * several MTAs sharing one suppression list.
 *
 * Concurrency: every decision locks its key's recipient_state row (an
 * upsert that always takes the row lock) before reading the state, so two
 * daemons deciding on one address are serialised and their counts add up;
 * a deadlock or serialisation failure aborts the batch, which the writer
 * retries.  Idempotency: events and outbound rows carry the uuid given at
 * store_record() time (unique), so replaying the local spool never applies
 * anything twice.  Reconnection: a broken connection is reset at the next
 * batch, no more often than a doubling back-off (0.2 s .. 10 s) allows.
 * Migrations: a schema_version table, under an advisory lock.
 */
#include "store/store_backend.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RECONNECT_MIN_MS 200
#define RECONNECT_MAX_MS 10000
#define MIGRATE_LOCK "4242004"

static const char *const migrations[] = {
    /* 0 -> 1 */
    "CREATE TABLE suppressions ("
    " address TEXT PRIMARY KEY, domain TEXT NOT NULL, reason TEXT,"
    " bucket TEXT NOT NULL, status TEXT, reply_code INTEGER,"
    " diagnostic TEXT, source TEXT, rule TEXT, reporting_mta TEXT,"
    " remote_mta TEXT, first_seen BIGINT NOT NULL, last_seen BIGINT NOT NULL,"
    " count BIGINT NOT NULL DEFAULT 1, expires BIGINT NOT NULL DEFAULT 0,"
    " message_id TEXT, queue_id TEXT, sender TEXT,"
    " manual BOOLEAN NOT NULL DEFAULT false);"
    "CREATE INDEX suppressions_domain ON suppressions(domain);"
    "CREATE INDEX suppressions_expires ON suppressions(expires)"
    " WHERE expires > 0;"
    "CREATE TABLE recipient_state (address TEXT PRIMARY KEY,"
    " soft_count BIGINT NOT NULL DEFAULT 0,"
    " soft_first BIGINT NOT NULL DEFAULT 0,"
    " soft_last BIGINT NOT NULL DEFAULT 0,"
    " last_success BIGINT NOT NULL DEFAULT 0,"
    " removed_at BIGINT NOT NULL DEFAULT 0);"
    "CREATE TABLE events (id BIGSERIAL PRIMARY KEY, uuid TEXT NOT NULL UNIQUE,"
    " at BIGINT NOT NULL, address TEXT NOT NULL, reason TEXT, bucket TEXT,"
    " auth BOOLEAN, rule TEXT, status TEXT, reply_code INTEGER,"
    " diagnostic TEXT, source TEXT, action TEXT, reporting_mta TEXT,"
    " remote_mta TEXT, message_id TEXT, queue_id TEXT, sender TEXT,"
    " credible BOOLEAN, decision TEXT);"
    "CREATE INDEX events_address ON events(address, at);"
    "CREATE INDEX events_at ON events(at);"
    "CREATE TABLE outbound (id BIGSERIAL PRIMARY KEY,"
    " uuid TEXT NOT NULL UNIQUE, message_id TEXT, queue_id TEXT,"
    " sender TEXT, recipients TEXT, at BIGINT NOT NULL);"
    "CREATE INDEX outbound_message_id ON outbound(message_id);"
    "CREATE INDEX outbound_queue_id ON outbound(queue_id);"
    "CREATE INDEX outbound_at ON outbound(at);"
    "CREATE VIEW postfix_access AS"
    " SELECT address, reason, bucket, status FROM suppressions"
    " WHERE expires = 0 OR expires > extract(epoch FROM now());",
    /* 1 -> 2: the envelope id (ENVID) of a tracked message, so that a DSN
     * with only an Original-Envelope-Id joins; older rows have none */
    "ALTER TABLE outbound ADD COLUMN envid TEXT;"
    "CREATE INDEX outbound_envid ON outbound(envid) WHERE envid IS NOT NULL;",
    /* 2 -> 3: the MTA that tracked a message (store.instance), so that
     * what its own log says by queue id reaches its own rows only: MTAs
     * sharing the store have queue ids of their own, which may collide;
     * older rows have none and count as anyone's */
    "ALTER TABLE outbound ADD COLUMN mta TEXT;",
};
#define SCHEMA_VERSION ((int)(sizeof migrations / sizeof *migrations))

#define OUT_COLS "message_id, queue_id, sender, recipients, at, envid"
/* Rows whose recipients (one per line) hold $2 first; with $2 NULL, none. */
#define OUT_RCPT_FIRST                                                    \
    "coalesce(position(E'\\n' || lower($2::text) || E'\\n' in"             \
    " E'\\n' || lower(recipients) || E'\\n'), 0) > 0 DESC"

#define SUP_COLS                                                               \
    "address, reason, bucket, status, reply_code, diagnostic, source, rule,"   \
    " reporting_mta, remote_mta, first_seen, last_seen, count, expires,"       \
    " message_id, queue_id, sender, manual::int"

struct prepared {
    const char *name;
    const char *sql;
    int nparams;
};

static const struct prepared stmts[] = {
    {"seen", "SELECT 1 FROM events WHERE uuid = $1", 1},
    {"lock",
     "INSERT INTO recipient_state (address) VALUES ($1)"
     " ON CONFLICT (address) DO UPDATE SET address = EXCLUDED.address",
     1},
    {"lock_all",
     "INSERT INTO recipient_state (address) SELECT k FROM"
     " unnest($1::text[]) AS k ORDER BY k ON CONFLICT (address)"
     " DO UPDATE SET address = EXCLUDED.address",
     1},
    {"state_all",
     "SELECT r.address, r.soft_count, r.soft_first,"
     " r.soft_last, r.last_success, r.removed_at, s.bucket,"
     " s.expires, s.manual::int FROM recipient_state r LEFT JOIN"
     " suppressions s ON s.address = r.address"
     " WHERE r.address = ANY ($1::text[])",
     1},
    {"state",
     "SELECT r.soft_count, r.soft_first, r.soft_last,"
     " r.last_success, r.removed_at, s.bucket, s.expires,"
     " s.manual::int FROM recipient_state r LEFT JOIN suppressions s"
     " ON s.address = r.address WHERE r.address = $1",
     1},
    {"counters",
     "UPDATE recipient_state SET soft_count = $2,"
     " soft_first = $3, soft_last = $4, last_success = $5,"
     " removed_at = $6 WHERE address = $1",
     6},
    {"sup_put",
     "INSERT INTO suppressions (address, domain, reason, bucket,"
     " status, reply_code, diagnostic, source, rule,"
     " reporting_mta, remote_mta, first_seen, last_seen, count,"
     " expires, message_id, queue_id, sender, manual) VALUES ($1,"
     " $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, 1, $13,"
     " $14, $15, $16, $17::int::boolean) ON CONFLICT (address) DO"
     " UPDATE SET reason = EXCLUDED.reason, bucket ="
     " EXCLUDED.bucket, status = EXCLUDED.status, reply_code ="
     " EXCLUDED.reply_code, diagnostic = EXCLUDED.diagnostic,"
     " source = EXCLUDED.source, rule = EXCLUDED.rule,"
     " reporting_mta = EXCLUDED.reporting_mta, remote_mta ="
     " EXCLUDED.remote_mta, first_seen = EXCLUDED.first_seen,"
     " last_seen = EXCLUDED.last_seen, count = 1, expires ="
     " EXCLUDED.expires, message_id = EXCLUDED.message_id,"
     " queue_id = EXCLUDED.queue_id, sender = EXCLUDED.sender,"
     " manual = EXCLUDED.manual",
     17},
    {"sup_refresh",
     "UPDATE suppressions SET last_seen = greatest(last_seen,"
     " $2), count = count + 1, bucket = $3, expires = $4"
     " WHERE address = $1",
     4},
    {"sup_del", "DELETE FROM suppressions WHERE address = $1", 1},
    {"event",
     "INSERT INTO events (uuid, at, address, reason, bucket, auth,"
     " rule, status, reply_code, diagnostic, source, action,"
     " reporting_mta, remote_mta, message_id, queue_id, sender,"
     " credible, decision) VALUES ($1, $2, $3, $4, $5,"
     " $6::int::boolean, $7, $8, $9, $10, $11, $12, $13, $14, $15,"
     " $16, $17, $18::int::boolean, $19)"
     " ON CONFLICT (uuid) DO NOTHING",
     19},
    {"outbound",
     "INSERT INTO outbound (uuid, message_id, queue_id, sender,"
     " recipients, at, envid, mta) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
     " ON CONFLICT (uuid) DO NOTHING",
     8},
    {"outbound_mid",
     "UPDATE outbound SET message_id = $1 WHERE queue_id = $2"
     " AND message_id IS NULL AND at >= $3::bigint"
     " AND (mta = $4 OR mta IS NULL)",
     4},
    {"lookup",
     "SELECT " SUP_COLS " FROM suppressions WHERE address = $1"
     " AND (expires = 0 OR expires > $2)",
     2},
    {"out_mid",
     "SELECT " OUT_COLS " FROM outbound WHERE message_id = $1"
     " ORDER BY " OUT_RCPT_FIRST ", at DESC LIMIT 1",
     2},
    {"out_qid",
     "SELECT " OUT_COLS " FROM outbound WHERE queue_id = $1"
     " ORDER BY " OUT_RCPT_FIRST ", at DESC LIMIT 1",
     2},
    {"out_envid",
     "SELECT " OUT_COLS " FROM outbound WHERE envid = $1"
     " ORDER BY " OUT_RCPT_FIRST ", at DESC LIMIT 1",
     2},
    {"out_qid_local",
     "SELECT " OUT_COLS " FROM outbound WHERE queue_id = $1"
     " AND (mta = $3 OR mta IS NULL)"
     " ORDER BY " OUT_RCPT_FIRST ", at DESC LIMIT 1",
     3},
};

/* The states of a prefetched batch, sorted by key. */
struct cache_entry {
    char *key;
    struct policy_state st;
};

struct store_db {
    PGconn *conn;
    char *conninfo;
    char *instance; /* store.instance: this MTA's rows of outbound */
    bool writer;
    long long timeout_ms; /* a reader's statement_timeout, 0 none */
    bool ready;         /* connected and statements prepared */
    long long retry_at; /* monotonic ms before which we do not reconnect */
    long backoff_ms;
    /* batch mode (prefetch .. commit/rollback) */
    bool pipelined; /* writes are sent, their replies read at commit */
    size_t pending; /* replies owed by the server */
    struct cache_entry *cache;
    size_t ncache;
    char *cache_text; /* the keys' storage */
};

static void cache_free(struct store_db *d);

/* ------------------------------------------------------------ helpers */

static long long mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int pg_err(struct store_db *d, char *err, size_t errsize,
                  const char *what)
{
    const char *m = d->conn ? PQerrorMessage(d->conn) : "no connection";
    size_t n;

    snprintf(err, errsize, "postgresql: %s: %s", what, m);
    n = strlen(err);
    while (n > 0 && (err[n - 1] == '\n' || err[n - 1] == ' '))
        err[--n] = '\0';
    if (d->conn != NULL && PQstatus(d->conn) != CONNECTION_OK)
        d->ready = false;
    return -1;
}

static bool result_ok(PGresult *r)
{
    ExecStatusType s = PQresultStatus(r);

    return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;
}

static int exec(struct store_db *d, const char *sql, char *err, size_t errsize)
{
    PGresult *r = PQexec(d->conn, sql);
    int rc = result_ok(r) ? 0 : -1;

    PQclear(r);
    return rc < 0 ? pg_err(d, err, errsize, "exec") : 0;
}

/* Runs a prepared statement; returns the result (caller clears) or NULL
 * with err. */
static PGresult *run(struct store_db *d, const char *name, int n,
                     const char *const *v, char *err, size_t errsize)
{
    PGresult *r = PQexecPrepared(d->conn, name, n, v, NULL, NULL, 0);

    if (result_ok(r))
        return r;
    PQclear(r);
    pg_err(d, err, errsize, name);
    return NULL;
}

static int run_cmd(struct store_db *d, const char *name, int n,
                   const char *const *v, char *err, size_t errsize)
{
    if (d->pipelined) { /* the reply is read at commit */
        if (!PQsendQueryPrepared(d->conn, name, n, v, NULL, NULL, 0))
            return pg_err(d, err, errsize, name);
        d->pending++;
        return 0;
    }
    PGresult *r = run(d, name, n, v, err, errsize);

    if (r == NULL)
        return -1;
    PQclear(r);
    return 0;
}

/* --------------------------------------------------------- connection */

static int migrate(struct store_db *d, char *err, size_t errsize)
{
    PGresult *r;
    int v;

    if (exec(d, "BEGIN", err, errsize) < 0 ||
        exec(d, "SELECT pg_advisory_xact_lock(" MIGRATE_LOCK ")", err,
             errsize) < 0 ||
        exec(d,
             "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER"
             " NOT NULL)",
             err, errsize) < 0)
        goto fail;
    r = PQexec(d->conn, "SELECT max(version) FROM schema_version");
    v = result_ok(r) && !PQgetisnull(r, 0, 0) ? atoi(PQgetvalue(r, 0, 0)) : 0;
    PQclear(r);
    if (v > SCHEMA_VERSION) {
        snprintf(err, errsize,
                 "postgresql: schema version %d is not one "
                 "this bounceguard knows (%d)",
                 v, SCHEMA_VERSION);
        goto fail;
    }
    for (; v < SCHEMA_VERSION; v++) {
        char sql[96];
        snprintf(sql, sizeof sql, "INSERT INTO schema_version VALUES (%d)",
                 v + 1);
        if (exec(d, migrations[v], err, errsize) < 0 ||
            exec(d, sql, err, errsize) < 0)
            goto fail;
    }
    return exec(d, "COMMIT", err, errsize);
fail:
    PQclear(PQexec(d->conn, "ROLLBACK"));
    return -1;
}

static int prepare_all(struct store_db *d, char *err, size_t errsize)
{
    for (size_t i = 0; i < sizeof stmts / sizeof *stmts; i++) {
        PGresult *r = PQprepare(d->conn, stmts[i].name, stmts[i].sql,
                                stmts[i].nparams, NULL);
        bool ok = result_ok(r);
        PQclear(r);
        if (!ok)
            return pg_err(d, err, errsize, stmts[i].name);
    }
    return 0;
}

/* Server notices ("relation already exists, skipping") are not errors. */
static void quiet(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

/* A reader of the daemon gives up a lookup that waits (a lock held, a
 * server overloaded) past its timeout, and mail goes on (milter.on_error)
 * rather than wait for the MTA's own milter timeout. */
static int set_timeout(struct store_db *d, char *err, size_t errsize)
{
    char sql[64];

    if (d->timeout_ms <= 0)
        return 0;
    snprintf(sql, sizeof sql, "SET statement_timeout = %lld", d->timeout_ms);
    PGresult *res = PQexec(d->conn, sql);
    bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
    PQclear(res);
    return ok ? 0 : pg_err(d, err, errsize, "statement_timeout");
}

/* Connects (or reconnects) when the back-off allows it. */
static int ensure(struct store_db *d, char *err, size_t errsize)
{
    long long now = mono_ms();

    if (d->ready && PQstatus(d->conn) == CONNECTION_OK)
        return 0;
    if (now < d->retry_at) {
        snprintf(err, errsize,
                 "postgresql: not connected (next attempt in "
                 "%lld ms)",
                 d->retry_at - now);
        return -1;
    }
    if (d->conn != NULL)
        PQfinish(d->conn);
    d->conn = PQconnectdb(d->conninfo);
    PQsetNoticeProcessor(d->conn, quiet, NULL);
    if (PQstatus(d->conn) != CONNECTION_OK ||
        (d->writer && migrate(d, err, errsize) < 0) ||
        set_timeout(d, err, errsize) < 0 || prepare_all(d, err, errsize) < 0) {
        if (PQstatus(d->conn) != CONNECTION_OK)
            pg_err(d, err, errsize, "connect");
        d->retry_at = now + d->backoff_ms;
        d->backoff_ms = d->backoff_ms * 2 > RECONNECT_MAX_MS
                            ? RECONNECT_MAX_MS
                            : d->backoff_ms * 2;
        d->ready = false;
        return -1;
    }
    d->backoff_ms = RECONNECT_MIN_MS;
    d->ready = true;
    return 0;
}

static void pg_close(struct store_db **dp)
{
    struct store_db *d = *dp;

    if (d == NULL)
        return;
    if (d->conn != NULL)
        PQfinish(d->conn);
    cache_free(d);
    free(d->conninfo);
    free(d->instance);
    free(d);
    *dp = NULL;
}

/* The writer may start while the server is down when it spools, or in
 * the daemon (decisions wait in memory, up to queue_max); a reader, and
 * bounceguardctl's writer, must connect now. */
static int pg_open(const struct store_settings *set, bool writer,
                   struct store_db **db_r, char **error_r)
{
    struct store_db *d = calloc(1, sizeof *d);
    char err[512];

    *db_r = NULL;
    if (set->conninfo == NULL) {
        free(d);
        *error_r = strdup("postgresql: store.conninfo is not set");
        return -1;
    }
    if (d == NULL || (d->conninfo = strdup(set->conninfo)) == NULL ||
        (d->instance = strdup(set->instance ? set->instance : "localhost")) ==
            NULL) {
        if (d != NULL)
            free(d->conninfo);
        free(d);
        *error_r = strdup("postgresql: out of memory");
        return -1;
    }
    d->writer = writer;
    d->timeout_ms = writer ? 0 : set->lookup_timeout_ms;
    d->backoff_ms = RECONNECT_MIN_MS;
    if (ensure(d, err, sizeof err) < 0 &&
        (!writer || (set->spool == NULL && !set->daemon) ||
         strstr(err, "schema version"))) {
        *error_r = strdup(err);
        pg_close(&d);
        return -1;
    }
    *db_r = d;
    return 0;
}

/* ------------------------------------------------------------ writing */

/* ---------------------------------------------------- batch mode */

#define PIPELINE_DRAIN 512 /* replies owed before we read them */

static void cache_free(struct store_db *d)
{
    free(d->cache);
    free(d->cache_text);
    d->cache = NULL;
    d->cache_text = NULL;
    d->ncache = 0;
}

static int cache_cmp(const void *a, const void *b)
{
    return strcmp(((const struct cache_entry *)a)->key,
                  ((const struct cache_entry *)b)->key);
}

static struct cache_entry *cache_find(struct store_db *d, const char *key)
{
    struct cache_entry k = {.key = (char *)key};

    return d->ncache ? bsearch(&k, d->cache, d->ncache, sizeof k, cache_cmp)
                     : NULL;
}

/* Sorted, unique copies of the keys; the text array literal in *lit_r. */
static int cache_build(struct store_db *d, const char *const *keys, size_t n,
                       char **lit_r)
{
    size_t total = 3, off = 0, u = 0;
    char *lit, *p;

    for (size_t i = 0; i < n; i++)
        total += 2 * strlen(keys[i]) + 4; /* @UNSAFE: escapes, quotes, ',' */
    d->cache = calloc(n ? n : 1, sizeof *d->cache);
    d->cache_text = malloc(total);
    lit = malloc(total);
    if (d->cache == NULL || d->cache_text == NULL || lit == NULL) {
        free(lit);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(keys[i]) + 1;
        d->cache[i].key = memcpy(d->cache_text + off, keys[i], len);
        off += len;
    }
    qsort(d->cache, n, sizeof *d->cache, cache_cmp);
    p = lit;
    *p++ = '{';
    for (size_t i = 0; i < n; i++) {
        if (u > 0 && strcmp(d->cache[u - 1].key, d->cache[i].key) == 0)
            continue;
        d->cache[u++] = d->cache[i];
        if (u > 1)
            *p++ = ',';
        *p++ = '"';
        for (const char *c = d->cache[i].key; *c; c++) {
            if (*c == '"' || *c == '\\')
                *p++ = '\\';
            *p++ = *c;
        }
        *p++ = '"';
    }
    *p++ = '}';
    *p = '\0';
    d->ncache = u;
    *lit_r = lit;
    return 0;
}

/* Locks every key's state row (in key order: writers that share keys take
 * the locks in one order), then reads the states, in a new snapshot. */
static int lock_and_load(struct store_db *d, const char *lit, char *err,
                         size_t errsize)
{
    const char *v[1] = {lit};
    PGresult *r;

    if (run_cmd(d, "lock_all", 1, v, err, errsize) < 0 ||
        (r = run(d, "state_all", 1, v, err, errsize)) == NULL)
        return -1;
    for (int i = 0; i < PQntuples(r); i++) {
        struct cache_entry *e = cache_find(d, PQgetvalue(r, i, 0));
        if (e == NULL)
            continue;
        e->st.soft_count = atoll(PQgetvalue(r, i, 1));
        e->st.soft_first = atoll(PQgetvalue(r, i, 2));
        e->st.soft_last = atoll(PQgetvalue(r, i, 3));
        e->st.last_success = atoll(PQgetvalue(r, i, 4));
        e->st.removed_at = atoll(PQgetvalue(r, i, 5));
        e->st.suppressed = !PQgetisnull(r, i, 6);
        if (e->st.suppressed) {
            store_bucket_parse(PQgetvalue(r, i, 6), &e->st.bucket);
            e->st.expires = atoll(PQgetvalue(r, i, 7));
            e->st.manual = atoi(PQgetvalue(r, i, 8)) != 0;
        }
    }
    PQclear(r);
    return 0;
}

static int pg_prefetch(struct store_db *d, const char *const *keys, size_t n,
                       char *err, size_t errsize)
{
    char *lit = NULL;
    int rc;

    if (cache_build(d, keys, n, &lit) < 0) {
        cache_free(d);
        snprintf(err, errsize, "postgresql: out of memory");
        return -1;
    }
    rc = lock_and_load(d, lit, err, errsize);
    free(lit);
    if (rc == 0 && PQenterPipelineMode(d->conn) != 1)
        rc = pg_err(d, err, errsize, "pipeline");
    if (rc < 0) {
        cache_free(d);
        return -1;
    }
    d->pipelined = true;
    d->pending = 0;
    return 0;
}

/* Sends a sync and reads every reply owed; the first error goes to err. */
static int drain(struct store_db *d, char *err, size_t errsize)
{
    int rc = 0;

    if (PQpipelineSync(d->conn) != 1)
        return pg_err(d, err, errsize, "sync");
    for (;;) {
        PGresult *r = PQgetResult(d->conn);
        ExecStatusType s;
        if (r == NULL) {
            if (PQstatus(d->conn) != CONNECTION_OK)
                return pg_err(d, err, errsize, "pipeline");
            continue;
        }
        s = PQresultStatus(r);
        if (s == PGRES_FATAL_ERROR && rc == 0) {
            snprintf(err, errsize, "postgresql: %s", PQresultErrorMessage(r));
            err[strcspn(err, "\n")] = '\0';
            rc = -1;
        } else if (s == PGRES_PIPELINE_ABORTED)
            rc = -1;
        PQclear(r);
        if (s == PGRES_PIPELINE_SYNC)
            break;
    }
    d->pending = 0;
    return rc;
}

/* Leaves batch mode: reads what is owed, back to one query at a time. */
static int pipeline_end(struct store_db *d, char *err, size_t errsize)
{
    int rc = drain(d, err, errsize);

    if (PQexitPipelineMode(d->conn) != 1 && rc == 0)
        rc = pg_err(d, err, errsize, "pipeline");
    d->pipelined = false;
    cache_free(d);
    return rc;
}

/* Reads owed replies now and then, so that neither side's buffers fill. */
static int pipeline_pace(struct store_db *d, char *err, size_t errsize)
{
    return d->pipelined && d->pending >= PIPELINE_DRAIN ? drain(d, err, errsize)
                                                        : 0;
}

static int pg_begin(struct store_db *d, char *err, size_t errsize)
{
    if (ensure(d, err, errsize) < 0)
        return -1;
    return exec(d, "BEGIN", err, errsize);
}

static int pg_commit(struct store_db *d, char *err, size_t errsize)
{
    int rc;

    if (d->pipelined) {
        rc = PQsendQueryParams(d->conn, "COMMIT", 0, NULL, NULL, NULL, NULL,
                               0) == 1
                 ? 0
                 : pg_err(d, err, errsize, "commit");
        if (pipeline_end(d, err, errsize) < 0)
            rc = -1;
    } else
        rc = exec(d, "COMMIT", err, errsize);
    if (rc == 0)
        return 0;
    if (d->conn != NULL && PQstatus(d->conn) == CONNECTION_OK)
        PQclear(PQexec(d->conn, "ROLLBACK"));
    return -1;
}

static void pg_rollback(struct store_db *d)
{
    char ignored[64];

    if (d->conn == NULL)
        return;
    if (d->pipelined)
        pipeline_end(d, ignored, sizeof ignored);
    if (PQstatus(d->conn) == CONNECTION_OK)
        PQclear(PQexec(d->conn, "ROLLBACK"));
}

static int pg_event_seen(struct store_db *d, const char *uuid, char *err,
                         size_t errsize)
{
    const char *v[1] = {uuid};
    PGresult *r = run(d, "seen", 1, v, err, errsize);
    int n;

    if (r == NULL)
        return -1;
    n = PQntuples(r) > 0;
    PQclear(r);
    return n;
}

#define NUM(buf, v) (snprintf(buf, sizeof buf, "%lld", (long long)(v)), buf)

static int pg_event_insert(struct store_db *d, const struct store_item *it,
                           const char *decision, char *err, size_t errsize)
{
    const struct store_event *e = &it->ev;
    char when[24], auth[4], code[16], cred[4];
    const char *v[19] = {
        it->uuid,
        NUM(when, e->when),
        it->key,
        e->reason,
        store_bucket_name(e->bucket),
        NUM(auth, e->auth),
        e->rule,
        e->status,
        NUM(code, e->reply_code),
        e->diagnostic,
        store_source_name(e->source),
        e->action ? e->action : "failed",
        e->reporting_mta,
        e->remote_mta,
        e->orig_message_id,
        e->queue_id,
        e->sender,
        NUM(cred, e->credible),
        decision,
    };
    PGresult *r;
    int n;

    if (d->pipelined) /* fresh uuids: inserted, the reply comes later */
        return run_cmd(d, "event", 19, v, err, errsize) < 0 ||
                       pipeline_pace(d, err, errsize) < 0
                   ? -1
                   : 1;
    if ((r = run(d, "event", 19, v, err, errsize)) == NULL)
        return -1;
    n = atoi(PQcmdTuples(r));
    PQclear(r);
    return n > 0 ? 1 : 0;
}

static long long getll(PGresult *r, int col)
{
    return PQgetisnull(r, 0, col) ? 0 : atoll(PQgetvalue(r, 0, col));
}

static int pg_state_load(struct store_db *d, const char *key,
                         struct policy_state *st, char *err, size_t errsize)
{
    const char *v[1] = {key};
    struct cache_entry *e;
    PGresult *r;

    if (d->pipelined) {
        if ((e = cache_find(d, key)) == NULL) {
            snprintf(err, errsize, "postgresql: %s was not prefetched", key);
            return -1;
        }
        *st = e->st;
        return 0;
    }
    if (run_cmd(d, "lock", 1, v, err, errsize) < 0 ||
        (r = run(d, "state", 1, v, err, errsize)) == NULL)
        return -1;
    if (PQntuples(r) == 1) {
        st->soft_count = getll(r, 0);
        st->soft_first = getll(r, 1);
        st->soft_last = getll(r, 2);
        st->last_success = getll(r, 3);
        st->removed_at = getll(r, 4);
        st->suppressed = !PQgetisnull(r, 0, 5);
        if (st->suppressed) {
            store_bucket_parse(PQgetvalue(r, 0, 5), &st->bucket);
            st->expires = getll(r, 6);
            st->manual = getll(r, 7) != 0;
        }
    }
    PQclear(r);
    return 0;
}

static int put_suppression(struct store_db *d, const char *key,
                           const struct policy_state *st,
                           const struct store_item *it, char *err,
                           size_t errsize)
{
    const struct store_event *e = &it->ev;
    char code[16], when[24], exp[24], man[4];
    const char *v[17] = {
        key,
        addr_domain(key),
        e->reason ? e->reason : (st->manual ? "manual" : NULL),
        store_bucket_name(st->bucket),
        e->status,
        NUM(code, e->reply_code),
        e->diagnostic,
        store_source_name(e->source),
        e->rule,
        e->reporting_mta,
        e->remote_mta,
        NUM(when, e->when),
        NUM(exp, st->expires),
        e->orig_message_id,
        e->queue_id,
        e->sender,
        NUM(man, st->manual),
    };

    return run_cmd(d, "sup_put", 17, v, err, errsize);
}

static bool counters_changed(const struct policy_state *a,
                             const struct policy_state *b)
{
    return a->soft_count != b->soft_count || a->soft_first != b->soft_first ||
           a->soft_last != b->soft_last || a->last_success != b->last_success ||
           a->removed_at != b->removed_at;
}

static int pg_state_save(struct store_db *d, const char *key,
                         const struct policy_state *old,
                         const struct policy_state *st, enum policy_action a,
                         const struct store_item *it, char *err, size_t errsize)
{
    char b[5][24];
    const char *cv[6] = {key,
                         NUM(b[0], st->soft_count),
                         NUM(b[1], st->soft_first),
                         NUM(b[2], st->soft_last),
                         NUM(b[3], st->last_success),
                         NUM(b[4], st->removed_at)};

    struct cache_entry *e = d->pipelined ? cache_find(d, key) : NULL;

    if (e != NULL)
        e->st = *st; /* later events of the batch see this decision */
    if (counters_changed(old, st) &&
        run_cmd(d, "counters", 6, cv, err, errsize) < 0)
        return -1;
    if (a == POLICY_SUPPRESS)
        return put_suppression(d, key, st, it, err, errsize);
    if (a == POLICY_REFRESH) {
        const char *v[4] = {key, NUM(b[0], it->ev.when),
                            store_bucket_name(st->bucket),
                            NUM(b[1], st->expires)};
        return run_cmd(d, "sup_refresh", 4, v, err, errsize);
    }
    if (old->suppressed && !st->suppressed) {
        const char *v[1] = {key};
        return run_cmd(d, "sup_del", 1, v, err, errsize);
    }
    return 0;
}

static int pg_outbound_insert(struct store_db *d, const struct store_item *it,
                              char *err, size_t errsize)
{
    char when[24];
    const char *v[8] = {it->uuid,           it->out.message_id,
                        it->out.queue_id,   it->out.sender,
                        it->out_rcpts,      NUM(when, it->out.when),
                        it->out.envelope_id, d->instance};

    return run_cmd(d, "outbound", 8, v, err, errsize);
}

static int pg_outbound_message_id(struct store_db *d,
                                  const struct store_item *it, char *err,
                                  size_t errsize)
{
    char since[24];
    const char *v[4] = {it->out.message_id, it->out.queue_id,
                        NUM(since, it->out.when - STORE_MESSAGE_ID_WINDOW),
                        d->instance};

    return run_cmd(d, "outbound_mid", 4, v, err, errsize);
}

static long long delete_where(struct store_db *d, const char *sql,
                              long long arg, char *err, size_t errsize)
{
    char a[24];
    const char *v[1] = {NUM(a, arg)};
    PGresult *r = PQexecParams(d->conn, sql, 1, NULL, v, NULL, NULL, 0);
    long long n;

    if (!result_ok(r)) {
        PQclear(r);
        return pg_err(d, err, errsize, "expiry");
    }
    n = atoll(PQcmdTuples(r));
    PQclear(r);
    return n;
}

static long long pg_expire(struct store_db *d, const struct store_settings *set,
                           long long now, char *err, size_t errsize)
{
    long long n;

    if (ensure(d, err, errsize) < 0)
        return -1;
    n = delete_where(d,
                     "DELETE FROM suppressions WHERE expires > 0 AND"
                     " expires <= $1::bigint",
                     now, err, errsize);
    if (n >= 0 && set->event_retention > 0 &&
        delete_where(d, "DELETE FROM events WHERE at < $1::bigint",
                     now - set->event_retention, err, errsize) < 0)
        return -1;
    if (n >= 0 && set->outbound_retention > 0 &&
        delete_where(d, "DELETE FROM outbound WHERE at < $1::bigint",
                     now - set->outbound_retention, err, errsize) < 0)
        return -1;
    return n;
}

/* ------------------------------------------------------------ reading */

static const char *val(PGresult *r, int row, int col)
{
    return PQgetisnull(r, row, col) ? NULL : PQgetvalue(r, row, col);
}

static void fill_suppression(PGresult *r, int row, struct suppression *s)
{
    memset(s, 0, sizeof *s);
    store_copy(s->address, sizeof s->address, val(r, row, 0));
    store_copy(s->reason, sizeof s->reason, val(r, row, 1));
    store_bucket_parse(val(r, row, 2), &s->bucket);
    store_copy(s->status, sizeof s->status, val(r, row, 3));
    s->reply_code = val(r, row, 4) ? atoi(val(r, row, 4)) : 0;
    store_copy(s->diagnostic, sizeof s->diagnostic, val(r, row, 5));
    store_source_parse(val(r, row, 6), &s->source);
    store_copy(s->rule, sizeof s->rule, val(r, row, 7));
    store_copy(s->reporting_mta, sizeof s->reporting_mta, val(r, row, 8));
    store_copy(s->remote_mta, sizeof s->remote_mta, val(r, row, 9));
    s->first_seen = atoll(PQgetvalue(r, row, 10));
    s->last_seen = atoll(PQgetvalue(r, row, 11));
    s->count = atoll(PQgetvalue(r, row, 12));
    s->expires = atoll(PQgetvalue(r, row, 13));
    store_copy(s->message_id, sizeof s->message_id, val(r, row, 14));
    store_copy(s->queue_id, sizeof s->queue_id, val(r, row, 15));
    store_copy(s->sender, sizeof s->sender, val(r, row, 16));
    s->manual = atoi(PQgetvalue(r, row, 17)) != 0;
}

static int pg_lookup(struct store_db *d, const char *key, long long now,
                     struct suppression *s_r)
{
    char err[256], n[24];
    const char *v[2] = {key, NUM(n, now)};
    PGresult *r;
    int found;

    if (ensure(d, err, sizeof err) < 0 ||
        (r = run(d, "lookup", 2, v, err, sizeof err)) == NULL)
        return -1;
    found = PQntuples(r) > 0;
    if (found)
        fill_suppression(r, 0, s_r);
    PQclear(r);
    return found;
}

static int pg_find_outbound(struct store_db *d, enum store_outbound_key key,
                            const char *value, const char *rcpt,
                            struct outbound_msg *m_r)
{
    const char *v[3] = {value, rcpt, d->instance};
    const char *name = key == STORE_OUT_MESSAGE_ID       ? "out_mid"
                       : key == STORE_OUT_QUEUE_ID       ? "out_qid"
                       : key == STORE_OUT_ENVELOPE_ID    ? "out_envid"
                       : key == STORE_OUT_LOCAL_QUEUE_ID ? "out_qid_local"
                                                         : NULL;
    char err[256];
    PGresult *r;
    int rc;

    if (name == NULL)
        return 0;
    if (ensure(d, err, sizeof err) < 0 ||
        (r = run(d, name, key == STORE_OUT_LOCAL_QUEUE_ID ? 3 : 2, v, err,
                 sizeof err)) == NULL)
        return -1;
    rc = PQntuples(r) > 0;
    if (rc)
        rc = store_outbound_fill(m_r, val(r, 0, 0), val(r, 0, 1), val(r, 0, 2),
                                 val(r, 0, 3), atoll(PQgetvalue(r, 0, 4)),
                                 val(r, 0, 5)) == 0
                 ? 1
                 : -1;
    PQclear(r);
    return rc;
}

static int pg_list(struct store_db *d, const struct store_filter *f,
                   store_list_cb *cb, void *ctx)
{
    char sql[512], since[24], now[24], err[256];
    const char *v[5] = {
        f->reason,
        f->bucket >= 0 ? store_bucket_name((enum bucket)f->bucket) : NULL,
        f->domain, NUM(since, f->since), NUM(now, f->now)};
    PGresult *r;
    int rc = 0;

    if (ensure(d, err, sizeof err) < 0)
        return -1;
    snprintf(sql, sizeof sql,
             "SELECT " SUP_COLS " FROM suppressions WHERE"
             " ($1::text IS NULL OR reason = $1) AND ($2::text IS NULL OR"
             " bucket = $2) AND ($3::text IS NULL OR domain = $3) AND"
             " last_seen >= $4::bigint AND ($5::bigint = 0 OR expires = 0"
             " OR expires > $5::bigint) ORDER BY address");
    r = PQexecParams(d->conn, sql, 5, NULL, v, NULL, NULL, 0);
    if (!result_ok(r)) {
        PQclear(r);
        return -1;
    }
    for (int i = 0; i < PQntuples(r) && rc == 0; i++) {
        struct suppression s;
        fill_suppression(r, i, &s);
        rc = cb(&s, ctx);
    }
    PQclear(r);
    return rc;
}

static int pg_history(struct store_db *d, const char *key, store_history_cb *cb,
                      void *ctx)
{
    const char *v[1] = {key};
    char err[256];
    PGresult *r;
    int rc = 0;

    if (ensure(d, err, sizeof err) < 0)
        return -1;
    r = PQexecParams(d->conn,
                     "SELECT at, reason, bucket, auth::int, rule, status,"
                     " reply_code, diagnostic, source, action, reporting_mta,"
                     " remote_mta, message_id, queue_id, sender,"
                     " credible::int, decision FROM events WHERE address ="
                     " $1 ORDER BY at, id",
                     1, NULL, v, NULL, NULL, 0);
    if (!result_ok(r)) {
        PQclear(r);
        return -1;
    }
    for (int i = 0; i < PQntuples(r) && rc == 0; i++) {
        struct store_history_row h;
        memset(&h, 0, sizeof h);
        h.ev.recipient = key;
        h.ev.when = atoll(PQgetvalue(r, i, 0));
        h.ev.reason = val(r, i, 1);
        store_bucket_parse(val(r, i, 2), &h.ev.bucket);
        h.ev.auth = val(r, i, 3) && atoi(val(r, i, 3));
        h.ev.rule = val(r, i, 4);
        h.ev.status = val(r, i, 5);
        h.ev.reply_code = val(r, i, 6) ? atoi(val(r, i, 6)) : 0;
        h.ev.diagnostic = val(r, i, 7);
        store_source_parse(val(r, i, 8), &h.ev.source);
        h.ev.action = val(r, i, 9);
        h.ev.reporting_mta = val(r, i, 10);
        h.ev.remote_mta = val(r, i, 11);
        h.ev.orig_message_id = val(r, i, 12);
        h.ev.queue_id = val(r, i, 13);
        h.ev.sender = val(r, i, 14);
        h.ev.credible = val(r, i, 15) && atoi(val(r, i, 15));
        h.decision = val(r, i, 16);
        rc = cb(&h, ctx);
    }
    PQclear(r);
    return rc;
}

static int pg_stats(struct store_db *d, const char *group_by, long long since,
                    long long now, store_count_cb *cb, void *ctx)
{
    char sql[256], a[24], b[24], err[256];
    const char *v[2] = {NUM(a, since), NUM(b, now)};
    PGresult *r;
    int rc = 0;

    if (strcmp(group_by, "reason") != 0 && strcmp(group_by, "bucket") != 0 &&
        strcmp(group_by, "domain") != 0)
        return -1;
    if (ensure(d, err, sizeof err) < 0)
        return -1;
    snprintf(sql, sizeof sql,
             "SELECT %s, count(*) FROM suppressions WHERE last_seen >="
             " $1::bigint AND (expires = 0 OR expires > $2::bigint)"
             " GROUP BY 1 ORDER BY 2 DESC, 1",
             group_by);
    r = PQexecParams(d->conn, sql, 2, NULL, v, NULL, NULL, 0);
    if (!result_ok(r)) {
        PQclear(r);
        return -1;
    }
    for (int i = 0; i < PQntuples(r) && rc == 0; i++)
        rc = cb(val(r, i, 0) ? val(r, i, 0) : "-", atoll(PQgetvalue(r, i, 1)),
                ctx);
    PQclear(r);
    return rc;
}

const struct store_backend store_backend_pgsql = {
    .name = "postgresql",
    .open = pg_open,
    .close = pg_close,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .prefetch = pg_prefetch,
    .event_seen = pg_event_seen,
    .event_insert = pg_event_insert,
    .state_load = pg_state_load,
    .state_save = pg_state_save,
    .outbound_insert = pg_outbound_insert,
    .outbound_message_id = pg_outbound_message_id,
    .expire = pg_expire,
    .lookup = pg_lookup,
    .find_outbound = pg_find_outbound,
    .list = pg_list,
    .history = pg_history,
    .stats = pg_stats,
};
