/*
 * report_data.h - what "bounceguardctl report" shows, gathered from the
 * store (its SQLite file, or the PostgreSQL server) by a few SQL queries,
 * and the two renderings of it (terminal tables, one self-contained HTML
 * page).
 *
 * One pass over the events of the span (through the index on their time
 * when the span is a small part of the history, else a plain table scan),
 * one over the outbound messages, and an SQL aggregate over the new
 * suppressions; rows are folded as they come into the fixed-size tables
 * below, so memory is bounded by the tables, never by the number of
 * events.  (SQLite's GROUP BY was measured: it sorts every row, and its
 * string functions cost more than the scan; see report_query.c.)  Beyond
 * RPT_MAX_DOMAINS
 * sending domains and RPT_MAX_PROVIDERS providers the smallest are counted
 * under "(other)".
 *
 * Time is cut into npoints slots of `step` seconds from `since`: 1 h for
 * spans up to 2 days, 6 h up to 14 days, 1 day beyond (at most
 * RPT_MAX_POINTS slots).  Failures are events of bucket hard, soft or
 * sender that are not manual; "sent" is recipients of tracked outbound
 * messages (store.outbound_retention bounds how far back it is known).
 *
 * Single-threaded; struct report_data is large (allocate it on the heap)
 * and owns nothing outside itself.
 */
#ifndef BG_REPORT_DATA_H
#define BG_REPORT_DATA_H

#include <stdbool.h>
#include <stdio.h>

#define RPT_MAX_DOMAINS 16
#define RPT_MAX_PROVIDERS 2000
#define RPT_MAX_REASONS 64
#define RPT_MAX_AUTH 4096
#define RPT_MAX_POINTS 400
#define RPT_NAME_MAX 127
#define RPT_WARN 0.02 /* default levels of the hard rate (monitor.warn) */
#define RPT_CRIT 0.05 /* (monitor.crit) */

enum rpt_bucket { RPT_HARD = 0, RPT_SOFT, RPT_SENDER, RPT_NBUCKETS };

struct rpt_domain {
    char name[RPT_NAME_MAX + 1];
    unsigned long long sent, fail[RPT_NBUCKETS];
    unsigned long long sent_at[RPT_MAX_POINTS], hard_at[RPT_MAX_POINTS];
};

struct rpt_provider {
    char name[RPT_NAME_MAX + 1];
    unsigned long long fail[RPT_NBUCKETS];
    char top_reason[64]; /* the reason of most of its failures */
    unsigned long long top_count;
};

struct rpt_reason {
    char name[64];
    int bucket; /* enum rpt_bucket */
    unsigned long long n;
};

struct rpt_auth {
    char reason[64];
    char domain[RPT_NAME_MAX + 1];   /* ours */
    char provider[RPT_NAME_MAX + 1]; /* theirs */
    unsigned long long n;
};

struct report_data {
    long long since, now, step;
    size_t npoints;
    const char *domain_filter; /* or NULL */
    /* levels of the hard rate (the line drawn, WARN, CRIT): RPT_WARN and
     * RPT_CRIT unless the caller sets them after the query */
    double warn, crit;
    struct rpt_domain domains[RPT_MAX_DOMAINS + 1]; /* last: (other) */
    size_t ndomains;
    struct rpt_provider *providers; /* RPT_MAX_PROVIDERS + 1 */
    size_t nproviders;
    struct rpt_reason reasons[RPT_MAX_REASONS];
    size_t nreasons;
    struct rpt_auth auth[RPT_MAX_AUTH];
    size_t nauth;
    unsigned long long auth_total;
    unsigned long long supp_new, supp_at[RPT_MAX_POINTS];
    struct rpt_reason supp_reasons[RPT_MAX_REASONS];
    size_t nsupp_reasons;
    unsigned long long events; /* failures counted */
};

/* Runs the queries on the SQLite store PATH (opened read-only) for
 * [since, now), only sending domain DOMAIN when not NULL (the string must
 * outlive *d).  Returns 0, or -1 with a message in err. */
int report_query(const char *path, long long since, long long now,
                 const char *domain, struct report_data *d, char *err,
                 size_t errsize);
void report_data_free(struct report_data *d);

/* The same queries on the PostgreSQL store CONNINFO, in one read-only
 * snapshot, rows streamed one at a time (report_pgsql.c; only when the
 * PostgreSQL backend is built). */
int report_query_pgsql(const char *conninfo, long long since, long long now,
                       const char *domain, struct report_data *d, char *err,
                       size_t errsize);

/* Folding rows that another store reads: report_fold_begin() clears *d
 * for the span (NULL when memory runs out), then each row as it comes:
 * an event (at, sender, address, reason, bucket, auth, source), an
 * outbound message (at, sender, recipients '\n'-separated), a group of
 * new suppressions ((first_seen - since) / d->step, reason, count); NULL
 * strings are unknown.  report_fold_end() releases the fold, first
 * finishing *d (providers' top reasons, order) when complete. */
struct rpt_fold;
struct rpt_fold *report_fold_begin(long long since, long long now,
                                   const char *domain, struct report_data *d);
void report_fold_event(struct rpt_fold *f, long long at, const char *sender,
                       const char *address, const char *reason,
                       const char *bucket, bool auth, const char *source);
void report_fold_outbound(struct rpt_fold *f, long long at, const char *sender,
                          const char *recipients);
void report_fold_suppressions(struct rpt_fold *f, long long slot,
                              const char *reason, unsigned long long n);
void report_fold_end(struct rpt_fold *f, bool complete);

/* Sorts domains by sent, providers by failures, reasons by count. */
void report_sort(struct report_data *d);

const char *rpt_bucket_name(int b);

/* Terminal tables, at most 100 columns wide. */
void report_text(const struct report_data *d, FILE *fp);
/* One HTML page, inline CSS and SVG, nothing fetched.  0 or -1 (errno). */
int report_html(const struct report_data *d, FILE *fp);

#endif
