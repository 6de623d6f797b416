/*
 * dnsq.c - DNS queries for SPF and DKIM: system or configured server,
 * UDP+EDNS0 with TCP fallback, and a TTL-bounded answer cache.
 */
#include "config.h"

#include "auth/dnsq.h"

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <resolv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define DNSQ_BUCKETS 1024
#define DNSQ_UDP_MAX 4096
#define DNSQ_MSG_MAX 65535
#define DNSQ_NAME_MAX 255

struct dnsq_entry {
    struct dnsq_entry *next;
    char *key; /* "TYPE/name" lower case */
    enum dnsq_status status;
    unsigned char *answer;
    size_t len;
    time_t expires;
};

struct dnsq {
    struct dnsq_settings set;
    bool direct; /* our own server, not the system resolver */
    struct sockaddr_in server;
    time_t (*now)(void);
    pthread_mutex_t mu;
    struct dnsq_entry *buckets[DNSQ_BUCKETS];
    size_t entries;
    struct dnsq_stats stats;
};

const char *dnsq_status_name(enum dnsq_status st)
{
    switch (st) {
    case DNSQ_OK:
        return "ok";
    case DNSQ_NXDOMAIN:
        return "nxdomain";
    case DNSQ_NODATA:
        return "nodata";
    case DNSQ_TEMPFAIL:
        return "tempfail";
    }
    return "tempfail";
}

static time_t dnsq_time(void)
{
    return time(NULL);
}

void dnsq_set_clock(struct dnsq *q, time_t (*now)(void))
{
    q->now = now != NULL ? now : dnsq_time;
}

/* "IP" or "IP@PORT" into q->server. */
static int dnsq_parse_server(struct dnsq *q, const char *spec,
                             const char **error_r)
{
    char ip[64];
    const char *at = strchr(spec, '@');
    size_t iplen = at != NULL ? (size_t)(at - spec) : strlen(spec);
    long port = 53;

    if (iplen == 0 || iplen >= sizeof ip) {
        *error_r = "resolver: expected IP or IP@PORT";
        return -1;
    }
    memcpy(ip, spec, iplen);
    ip[iplen] = '\0';
    if (at != NULL) {
        char *end;
        port = strtol(at + 1, &end, 10);
        if (*end != '\0' || port < 1 || port > 65535) {
            *error_r = "resolver: bad port";
            return -1;
        }
    }
    q->server.sin_family = AF_INET;
    q->server.sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, ip, &q->server.sin_addr) != 1) {
        *error_r = "resolver: only IPv4 server addresses are supported";
        return -1;
    }
    q->direct = true;
    return 0;
}

int dnsq_new(const struct dnsq_settings *set, struct dnsq **q_r,
             const char **error_r)
{
    struct dnsq *q = calloc(1, sizeof *q);

    *q_r = NULL;
    if (q == NULL) {
        *error_r = "out of memory";
        return -1;
    }
    q->set = *set;
    q->set.server = NULL; /* not kept: the caller's string */
    if (q->set.timeout == 0)
        q->set.timeout = 5;
    if (q->set.attempts == 0)
        q->set.attempts = 2;
    q->now = dnsq_time;
    if (set->server != NULL && set->server[0] != '\0' &&
        dnsq_parse_server(q, set->server, error_r) < 0) {
        free(q);
        return -1;
    }
    pthread_mutex_init(&q->mu, NULL);
    *q_r = q;
    return 0;
}

static void dnsq_entry_free(struct dnsq_entry *e)
{
    free(e->key);
    free(e->answer);
    free(e);
}

void dnsq_free(struct dnsq **qp)
{
    struct dnsq *q = *qp;
    if (q == NULL)
        return;
    for (size_t i = 0; i < DNSQ_BUCKETS; i++) {
        while (q->buckets[i] != NULL) {
            struct dnsq_entry *e = q->buckets[i];
            q->buckets[i] = e->next;
            dnsq_entry_free(e);
        }
    }
    pthread_mutex_destroy(&q->mu);
    free(q);
    *qp = NULL;
}

/* ------------------------------------------------------------ the cache */

static size_t dnsq_hash(const char *key)
{
    size_t h = 5381;
    for (; *key; key++)
        h = h * 33 + (unsigned char)*key;
    return h % DNSQ_BUCKETS;
}

/* With the mutex held. */
static void dnsq_sweep(struct dnsq *q, time_t now)
{
    for (size_t i = 0; i < DNSQ_BUCKETS; i++) {
        struct dnsq_entry **pp = &q->buckets[i];
        while (*pp != NULL) {
            struct dnsq_entry *e = *pp;
            if (e->expires <= now) {
                *pp = e->next;
                dnsq_entry_free(e);
                q->entries--;
            } else {
                pp = &e->next;
            }
        }
    }
}

/* A cached answer (copied) or false. */
static bool dnsq_cache_get(struct dnsq *q, const char *key,
                           enum dnsq_status *st_r, unsigned char **ans_r,
                           size_t *len_r)
{
    bool found = false;
    time_t now = q->now();

    pthread_mutex_lock(&q->mu);
    q->stats.queries++;
    for (struct dnsq_entry *e = q->buckets[dnsq_hash(key)]; e; e = e->next) {
        if (strcmp(e->key, key) != 0 || e->expires <= now)
            continue;
        *st_r = e->status;
        *ans_r = NULL;
        *len_r = 0;
        if (e->answer != NULL && (*ans_r = malloc(e->len)) != NULL) {
            memcpy(*ans_r, e->answer, e->len);
            *len_r = e->len;
        }
        found = e->answer == NULL || *ans_r != NULL;
        break;
    }
    if (found)
        q->stats.hits++;
    pthread_mutex_unlock(&q->mu);
    return found;
}

static void dnsq_cache_put(struct dnsq *q, const char *key, enum dnsq_status st,
                           const unsigned char *ans, size_t len, time_t ttl)
{
    time_t now = q->now();
    struct dnsq_entry *e;

    if (ttl <= 0 || q->set.max_entries == 0)
        return;
    if ((e = calloc(1, sizeof *e)) == NULL || (e->key = strdup(key)) == NULL ||
        (ans != NULL && (e->answer = malloc(len)) == NULL)) {
        if (e != NULL)
            dnsq_entry_free(e);
        return;
    }
    if (ans != NULL)
        memcpy(e->answer, ans, len);
    e->len = len;
    e->status = st;
    e->expires = now + ttl;
    pthread_mutex_lock(&q->mu);
    if (q->entries >= q->set.max_entries)
        dnsq_sweep(q, now);
    if (q->entries < q->set.max_entries) {
        size_t h = dnsq_hash(key);
        e->next = q->buckets[h];
        q->buckets[h] = e;
        q->entries++;
        e = NULL;
    }
    pthread_mutex_unlock(&q->mu);
    if (e != NULL)
        dnsq_entry_free(e);
}

/* -------------------------------------------------------- wire handling */

/* Builds a query for name/type with EDNS0 into buf; returns its length
 * or -1.  @UNSAFE length arithmetic, bounded by size */
static int dnsq_build(const char *name, int type, uint16_t id,
                      unsigned char *buf, size_t size)
{
    size_t off = 12, nlen = strlen(name);

    if (nlen > DNSQ_NAME_MAX || size < 12 + nlen + 2 + 4 + 11)
        return -1;
    memset(buf, 0, 12);
    buf[0] = (unsigned char)(id >> 8);
    buf[1] = (unsigned char)id;
    buf[2] = 0x01; /* RD */
    buf[5] = 1;    /* QDCOUNT */
    buf[11] = 1;   /* ARCOUNT: the OPT record */
    for (const char *p = name; *p != '\0';) {
        const char *dot = strchr(p, '.');
        size_t l = dot != NULL ? (size_t)(dot - p) : strlen(p);
        if (l == 0 || l > 63)
            return -1;
        buf[off++] = (unsigned char)l;
        memcpy(buf + off, p, l);
        off += l;
        p += l;
        if (*p == '.')
            p++;
    }
    buf[off++] = 0;
    buf[off++] = (unsigned char)(type >> 8);
    buf[off++] = (unsigned char)type;
    buf[off++] = 0;
    buf[off++] = 1; /* IN */
    /* OPT: root name, type 41, UDP size 4096, no flags, no data */
    static const unsigned char opt[11] = {0, 0, 41, 0x10, 0, 0, 0, 0, 0, 0, 0};
    memcpy(buf + off, opt, sizeof opt);
    return (int)(off + sizeof opt);
}

static int dnsq_wait(int fd, short events, unsigned timeout)
{
    struct pollfd p = {fd, events, 0};
    int r;
    do
        r = poll(&p, 1, (int)timeout * 1000);
    while (r < 0 && errno == EINTR);
    return r > 0 ? 0 : -1;
}

/* One UDP exchange; the answer length, or -1. */
static ssize_t dnsq_udp(const struct dnsq *q, const unsigned char *qry,
                        size_t qlen, unsigned char *ans, size_t size)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    ssize_t n = -1;

    if (fd < 0)
        return -1;
    if (connect(fd, (const struct sockaddr *)&q->server, sizeof q->server) ==
            0 &&
        send(fd, qry, qlen, 0) == (ssize_t)qlen) {
        while (dnsq_wait(fd, POLLIN, q->set.timeout) == 0) {
            n = recv(fd, ans, size, 0);
            if (n >= 12 && ans[0] == qry[0] && ans[1] == qry[1])
                break;
            n = -1; /* a stray datagram, or ICMP refused */
            if (errno == ECONNREFUSED)
                break;
        }
    }
    close(fd);
    return n;
}

static int dnsq_io(int fd, unsigned char *buf, size_t len, bool out,
                   unsigned timeout)
{
    size_t off = 0;
    while (off < len) {
        if (dnsq_wait(fd, out ? POLLOUT : POLLIN, timeout) < 0)
            return -1;
        ssize_t n = out ? send(fd, buf + off, len - off, MSG_NOSIGNAL)
                        : recv(fd, buf + off, len - off, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        off += (size_t)n;
    }
    return 0;
}

/* One TCP exchange (after a truncated UDP answer). */
static ssize_t dnsq_tcp(const struct dnsq *q, const unsigned char *qry,
                        size_t qlen, unsigned char *ans, size_t size)
{
    unsigned char hdr[2] = {(unsigned char)(qlen >> 8), (unsigned char)qlen};
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct timeval tv = {(time_t)q->set.timeout, 0};
    ssize_t n = -1;

    if (fd < 0)
        return -1;
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (connect(fd, (const struct sockaddr *)&q->server, sizeof q->server) ==
            0 &&
        dnsq_io(fd, hdr, 2, true, q->set.timeout) == 0 &&
        dnsq_io(fd, (unsigned char *)qry, qlen, true, q->set.timeout) == 0 &&
        dnsq_io(fd, hdr, 2, false, q->set.timeout) == 0) {
        size_t alen = (size_t)hdr[0] << 8 | hdr[1];
        if (alen >= 12 && alen <= size &&
            dnsq_io(fd, ans, alen, false, q->set.timeout) == 0)
            n = (ssize_t)alen;
    }
    close(fd);
    return n;
}

static enum dnsq_status dnsq_rcode(const unsigned char *ans, size_t len)
{
    ns_msg msg;
    switch (ans[3] & 0x0f) {
    case ns_r_noerror:
        if (ns_initparse(ans, (int)len, &msg) < 0)
            return DNSQ_TEMPFAIL;
        return ns_msg_count(msg, ns_s_an) > 0 ? DNSQ_OK : DNSQ_NODATA;
    case ns_r_nxdomain:
        return DNSQ_NXDOMAIN;
    default:
        return DNSQ_TEMPFAIL; /* SERVFAIL, REFUSED, FORMERR ... */
    }
}

/* Asks the configured server. */
static enum dnsq_status dnsq_direct(struct dnsq *q, const char *name, int type,
                                    unsigned char *ans, size_t size,
                                    size_t *len_r)
{
    unsigned char qry[DNSQ_NAME_MAX + 64];
    uint16_t id;

    for (unsigned t = 0; t < q->set.attempts; t++) {
        if (getrandom(&id, sizeof id, 0) != sizeof id)
            id = (uint16_t)(q->now() ^ (time_t)t);
        int qlen = dnsq_build(name, type, id, qry, sizeof qry);
        if (qlen < 0)
            return DNSQ_NXDOMAIN; /* not a valid name: cannot exist */
        ssize_t n = dnsq_udp(q, qry, (size_t)qlen, ans, DNSQ_UDP_MAX);
        if (n >= 12 && (ans[2] & 0x02) != 0) /* TC */
            n = dnsq_tcp(q, qry, (size_t)qlen, ans, size);
        if (n < 12)
            continue;
        *len_r = (size_t)n;
        return dnsq_rcode(ans, (size_t)n);
    }
    return DNSQ_TEMPFAIL;
}

/* Asks the system resolver. */
static enum dnsq_status dnsq_system(const char *name, int type,
                                    unsigned char *ans, size_t size,
                                    size_t *len_r, const struct dnsq *q)
{
    struct __res_state rs;
    enum dnsq_status st;

    memset(&rs, 0, sizeof rs);
    if (res_ninit(&rs) != 0)
        return DNSQ_TEMPFAIL;
    rs.retrans = (int)q->set.timeout;
    rs.retry = (int)q->set.attempts;
    rs.options |= RES_USE_EDNS0;
    int n = res_nquery(&rs, name, ns_c_in, type, ans, (int)size);
    if (n >= 12) {
        *len_r = (size_t)n;
        st = dnsq_rcode(ans, (size_t)n);
    } else if (rs.res_h_errno == HOST_NOT_FOUND) {
        st = DNSQ_NXDOMAIN;
    } else if (rs.res_h_errno == NO_DATA) {
        st = DNSQ_NODATA;
    } else {
        st = DNSQ_TEMPFAIL;
    }
    res_nclose(&rs);
    return st;
}

/* The smallest TTL of the answer section, capped at ttl_max. */
static time_t dnsq_ttl(const struct dnsq *q, const unsigned char *ans,
                       size_t len)
{
    ns_msg msg;
    ns_rr rr;
    time_t ttl = q->set.ttl_max;

    if (ns_initparse(ans, (int)len, &msg) < 0)
        return 0;
    for (int i = 0; i < ns_msg_count(msg, ns_s_an); i++)
        if (ns_parserr(&msg, ns_s_an, i, &rr) == 0 &&
            (time_t)ns_rr_ttl(rr) < ttl)
            ttl = (time_t)ns_rr_ttl(rr);
    return ttl;
}

static bool dnsq_key(const char *name, int type, char *key, size_t size)
{
    int n = snprintf(key, size, "%d/%s", type, name);
    if (n < 0 || (size_t)n >= size)
        return false;
    for (char *p = key; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    size_t l = strlen(key);
    if (l > 0 && key[l - 1] == '.')
        key[l - 1] = '\0';
    return true;
}

static void dnsq_count(struct dnsq *q, enum dnsq_status st)
{
    pthread_mutex_lock(&q->mu);
    q->stats.sent++;
    if (st == DNSQ_TEMPFAIL)
        q->stats.tempfail++;
    pthread_mutex_unlock(&q->mu);
}

enum dnsq_status dnsq_query(struct dnsq *q, const char *name, int type,
                            unsigned char **answer_r, size_t *len_r)
{
    char key[DNSQ_NAME_MAX + 16];
    enum dnsq_status st;
    unsigned char *ans;
    size_t len = 0;

    *answer_r = NULL;
    *len_r = 0;
    if (!dnsq_key(name, type, key, sizeof key))
        return DNSQ_NXDOMAIN;
    if (dnsq_cache_get(q, key, &st, answer_r, len_r))
        return st;
    if ((ans = malloc(DNSQ_MSG_MAX)) == NULL)
        return DNSQ_TEMPFAIL;
    st = q->direct ? dnsq_direct(q, name, type, ans, DNSQ_MSG_MAX, &len)
                   : dnsq_system(name, type, ans, DNSQ_MSG_MAX, &len, q);
    dnsq_count(q, st);
    if (st == DNSQ_OK)
        dnsq_cache_put(q, key, st, ans, len, dnsq_ttl(q, ans, len));
    else if (st != DNSQ_TEMPFAIL)
        dnsq_cache_put(q, key, st, NULL, 0, q->set.negative_ttl);
    if (st == DNSQ_OK) {
        unsigned char *shrunk = realloc(ans, len);
        *answer_r = shrunk != NULL ? shrunk : ans;
        *len_r = len;
    } else {
        free(ans);
    }
    return st;
}

/* Appends the strings of one TXT rdata to out at *off.  @UNSAFE */
static bool dnsq_txt_rdata(const unsigned char *rd, size_t rdlen, char *out,
                           size_t size, size_t *off)
{
    size_t i = 0;
    while (i < rdlen) {
        size_t l = rd[i++];
        if (l > rdlen - i || *off + l + 1 >= size)
            return false;
        memcpy(out + *off, rd + i, l);
        *off += l;
        i += l;
    }
    return true;
}

enum dnsq_status dnsq_txt(struct dnsq *q, const char *name, char *out,
                          size_t size)
{
    unsigned char *ans;
    size_t len, off = 0;
    ns_msg msg;
    ns_rr rr;
    enum dnsq_status st;

    if (size == 0)
        return DNSQ_TEMPFAIL; /* before the query: no answer to free */
    out[0] = '\0';
    st = dnsq_query(q, name, ns_t_txt, &ans, &len);
    if (st != DNSQ_OK)
        return st;
    st = DNSQ_NODATA;
    if (ns_initparse(ans, (int)len, &msg) == 0) {
        for (int i = 0; i < ns_msg_count(msg, ns_s_an); i++) {
            if (ns_parserr(&msg, ns_s_an, i, &rr) < 0 ||
                ns_rr_type(rr) != ns_t_txt)
                continue;
            if (off > 0 && off + 1 < size)
                out[off++] = '\n';
            if (!dnsq_txt_rdata(ns_rr_rdata(rr), ns_rr_rdlen(rr), out, size,
                                &off)) {
                st = DNSQ_TEMPFAIL;
                break;
            }
            st = DNSQ_OK;
        }
    }
    out[off < size ? off : size - 1] = '\0';
    free(ans);
    return st;
}

void dnsq_stats(struct dnsq *q, struct dnsq_stats *st)
{
    pthread_mutex_lock(&q->mu);
    *st = q->stats;
    st->entries = q->entries;
    pthread_mutex_unlock(&q->mu);
}
