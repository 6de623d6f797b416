/*
 * dnsq.h - the one DNS path of bounceguard's SPF and DKIM checks: a
 * resolver with a configurable server, timeouts and an answer cache.
 *
 * Server: "" uses the system resolver (res_nquery, /etc/resolv.conf);
 * "IP" or "IP@PORT" (IPv4) sends the queries to that server directly, over
 * UDP with EDNS0 (4096 bytes) and over TCP when the answer is truncated.
 * Each try waits timeout seconds; attempts tries are made.
 *
 * Answers (whole DNS messages) are cached per (lower-cased name, type):
 * positive ones for the smallest TTL of the answer section, capped at
 * ttl_max; NXDOMAIN and "no data" for negative_ttl; temporary failures
 * (timeout, SERVFAIL, REFUSED, a dead server) never.  The cache holds at
 * most max_entries answers; when full, expired ones are swept and new
 * answers are not cached until there is room.  ttl_max = 0 disables it.
 *
 * Thread-safe: the cache has its own mutex, queries run in the caller's
 * thread without holding it.  The clock is time(); dnsq_set_clock() lets
 * tests replace it.
 */
#ifndef BG_DNSQ_H
#define BG_DNSQ_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

enum dnsq_status {
    DNSQ_OK = 0,   /* an answer (which may still hold no record of type) */
    DNSQ_NXDOMAIN, /* the name does not exist */
    DNSQ_NODATA,   /* the name exists, no record of the type */
    DNSQ_TEMPFAIL, /* timeout, SERVFAIL, REFUSED, network error */
};
const char *dnsq_status_name(enum dnsq_status st);

struct dnsq_settings {
    const char *server; /* "" / NULL: system resolver; "IP[@PORT]" */
    unsigned timeout;   /* seconds per try */
    unsigned attempts;
    time_t ttl_max;
    time_t negative_ttl;
    size_t max_entries;
};

struct dnsq;

int dnsq_new(const struct dnsq_settings *set, struct dnsq **q_r,
             const char **error_r);
void dnsq_free(struct dnsq **q);

/* Looks name/type up (type: ns_t_txt, ns_t_a, ...).  On DNSQ_OK,
 * *answer_r is a malloc'ed DNS message of *len_r bytes the caller frees;
 * otherwise it is NULL. */
enum dnsq_status dnsq_query(struct dnsq *q, const char *name, int type,
                            unsigned char **answer_r, size_t *len_r);

/* Convenience: the TXT records of name, each record's strings
 * concatenated, joined by '\n' into out[size].  DNSQ_NODATA when there is
 * none; DNSQ_TEMPFAIL also when the records do not fit. */
enum dnsq_status dnsq_txt(struct dnsq *q, const char *name, char *out,
                          size_t size);

struct dnsq_stats {
    unsigned long queries; /* dnsq_query calls */
    unsigned long hits;    /* answered from the cache */
    unsigned long sent;    /* went to the network */
    unsigned long tempfail;
    size_t entries;
};
void dnsq_stats(struct dnsq *q, struct dnsq_stats *st);

/* For tests: the clock of the cache. */
void dnsq_set_clock(struct dnsq *q, time_t (*now)(void));

#endif
