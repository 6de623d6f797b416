/*
 * report_pgsql.c - the report's queries on the PostgreSQL store: the same
 * rows as from SQLite (report_query.c), read in one read-only snapshot and
 * streamed one at a time (libpq's single-row mode), so that memory stays
 * bounded by the report's tables however long the history; see
 * report_data.h.
 */
#include "ctl/report_data.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The sending domain of the column sender, lower case, without '>'. */
#define PG_SD "rtrim(lower(substr(sender, strpos(sender, '@') + 1)), '>')"

static const char pg_outbound[] =
    "SELECT at, sender, recipients FROM outbound"
    " WHERE at >= $1 AND at < $2 AND recipients <> ''";

static const char pg_events[] =
    "SELECT at, sender, address, reason, bucket, coalesce(auth, false)::int,"
    " source FROM events WHERE at >= $1 AND at < $2";

static const char pg_suppressions[] =
    "SELECT (first_seen - $1) / $3, reason, count(*) FROM suppressions"
    " WHERE first_seen >= $1 AND first_seen < $2 AND NOT manual"
    " AND ($4::text IS NULL OR " PG_SD " = $4) GROUP BY 1, 2";

/* Seconds a connection attempt may take unless CONNINFO says otherwise. */
#define PG_CONNECT_TIMEOUT "10"

/* One streamed row of a query's result: r at row 0. */
typedef void pg_fold_fn(struct rpt_fold *f, const PGresult *r);

static const char *pg_str(const PGresult *r, int c)
{
    return PQgetisnull(r, 0, c) ? NULL : PQgetvalue(r, 0, c);
}

static long long pg_num(const PGresult *r, int c)
{
    return PQgetisnull(r, 0, c) ? 0 : strtoll(PQgetvalue(r, 0, c), NULL, 10);
}

static void pg_fold_outbound(struct rpt_fold *f, const PGresult *r)
{
    report_fold_outbound(f, pg_num(r, 0), pg_str(r, 1), pg_str(r, 2));
}

static void pg_fold_event(struct rpt_fold *f, const PGresult *r)
{
    report_fold_event(f, pg_num(r, 0), pg_str(r, 1), pg_str(r, 2), pg_str(r, 3),
                      pg_str(r, 4), pg_num(r, 5) != 0, pg_str(r, 6));
}

static void pg_fold_suppression(struct rpt_fold *f, const PGresult *r)
{
    report_fold_suppressions(f, pg_num(r, 0), pg_str(r, 1),
                             (unsigned long long)pg_num(r, 2));
}

static void pg_error(PGconn *c, const char *what, char *err, size_t errsize)
{
    char msg[256];
    size_t n;

    snprintf(msg, sizeof msg, "%s", PQerrorMessage(c));
    n = strlen(msg);
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        msg[--n] = '\0';
    snprintf(err, errsize, "PostgreSQL: %s: %s", what, msg);
}

/* A statement without rows. */
static int pg_exec(PGconn *c, const char *sql, char *err, size_t errsize)
{
    PGresult *r = PQexec(c, sql);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;

    PQclear(r);
    if (!ok)
        pg_error(c, sql, err, errsize);
    return ok ? 0 : -1;
}

/* Runs SQL with the first NPARAMS of the span's parameters and folds its
 * rows one at a time. */
static int pg_stream(PGconn *c, const char *sql, int nparams,
                     const char *const *params, struct rpt_fold *f,
                     pg_fold_fn *fold, char *err, size_t errsize)
{
    PGresult *r;
    int rc = 0;

    if (!PQsendQueryParams(c, sql, nparams, NULL, params, NULL, NULL, 0) ||
        !PQsetSingleRowMode(c)) {
        pg_error(c, "query", err, errsize);
        return -1;
    }
    while ((r = PQgetResult(c)) != NULL) {
        ExecStatusType st = PQresultStatus(r);
        if (st == PGRES_SINGLE_TUPLE && rc == 0)
            fold(f, r);
        else if (st != PGRES_TUPLES_OK && st != PGRES_SINGLE_TUPLE && rc == 0) {
            pg_error(c, "query", err, errsize);
            rc = -1;
        }
        PQclear(r);
    }
    return rc;
}

static PGconn *pg_connect(const char *conninfo, char *err, size_t errsize)
{
    /* the default timeout first: what CONNINFO says comes later and wins */
    const char *const keys[] = {"connect_timeout", "dbname", NULL};
    const char *const values[] = {PG_CONNECT_TIMEOUT, conninfo, NULL};
    PGconn *c = PQconnectdbParams(keys, values, 1);

    if (c == NULL) {
        snprintf(err, errsize, "PostgreSQL: out of memory");
        return NULL;
    }
    if (PQstatus(c) != CONNECTION_OK) {
        pg_error(c, "connect", err, errsize);
        PQfinish(c);
        return NULL;
    }
    return c;
}

static int pg_queries(PGconn *c, const struct report_data *d,
                      struct rpt_fold *f, char *err, size_t errsize)
{
    char since[24], now[24], step[24];
    const char *params[4] = {since, now, step, d->domain_filter};

    snprintf(since, sizeof since, "%lld", d->since);
    snprintf(now, sizeof now, "%lld", d->now);
    snprintf(step, sizeof step, "%lld", d->step);
    if (pg_exec(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", err,
                errsize) != 0 ||
        pg_stream(c, pg_outbound, 2, params, f, pg_fold_outbound, err,
                  errsize) != 0 ||
        pg_stream(c, pg_events, 2, params, f, pg_fold_event, err, errsize) !=
            0 ||
        pg_stream(c, pg_suppressions, 4, params, f, pg_fold_suppression, err,
                  errsize) != 0)
        return -1;
    return pg_exec(c, "COMMIT", err, errsize);
}

int report_query_pgsql(const char *conninfo, long long since, long long now,
                       const char *domain, struct report_data *d, char *err,
                       size_t errsize)
{
    struct rpt_fold *f = report_fold_begin(since, now, domain, d);
    PGconn *c;
    int rc = -1;

    if (f == NULL) {
        snprintf(err, errsize, "out of memory");
        return -1;
    }
    if ((c = pg_connect(conninfo, err, errsize)) != NULL) {
        rc = pg_queries(c, d, f, err, errsize);
        PQfinish(c);
    }
    report_fold_end(f, rc == 0);
    return rc;
}
