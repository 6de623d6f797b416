/*
 * store_driver.c - drives the store from the command line for the
 * reliability tests and the benchmark (tests/integration/store_*.sh,
 * bench/store/run.sh).
 *
 *   store_driver [options] record   records --count hard (or --soft) events
 *       for PREFIX-I@DOMAIN, I = --start .. start+count-1, ADDRS addresses
 *       round-robin when --addrs is given; every --ack events it flushes
 *       and prints "acked I" (all events below I are durable).
 *   store_driver [options] lookup   counts which of PREFIX-0..count-1 are
 *       suppressed; prints "suppressed N of M"; exit 0 when all are.
 *   store_driver [options] track    tracks --count outbound messages, the
 *       I-th with Message-ID PREFIX-I.mid@DOMAIN and envelope id
 *       "PREFIX env+I" (a space and a '+' the spool must keep); flushes,
 *       prints "tracked N".
 *   store_driver [options] find-envid   finds each of them by its envelope
 *       id alone; prints "found N of M"; exit 0 when all were found, by
 *       that key, and were the right message.
 *   store_driver [options] track-qid   tracks --count messages without a
 *       Message-ID (as the milter does with milter.message_ids =
 *       "logfeed"), the I-th with queue id PREFIX-I.qid and sender
 *       sender@INSTANCE (-I; else sender@example.org); prints "tracked N".
 *   store_driver [options] set-mid   gives each of them Message-ID
 *       PREFIX-I.mid@DOMAIN as the log feed does; flushes, prints "set N".
 *   store_driver [options] find-mid   finds each by its Message-ID alone;
 *       prints "found N of M"; exit 0 when all were found, by that key,
 *       and were the right message.
 *   store_driver [options] find-qid   finds each by its queue id alone,
 *       as the log feed does (this instance's messages only); prints "found
 *       N of M"; exit 0 when all were found and had this instance's sender.
 *   store_driver [options] bench-lookup   --count random lookups among
 *       --addrs suppressed addresses; prints lookups/s, p50, p99 (µs).
 *
 * Options: -b backend, -p sqlite path, -c conninfo, -s spool dir,
 *   -n count, -a ack, -A addrs, -P prefix, -D domain, -S start, -B batch,
 *   -q queue_max, -f (soft bucket), -t flush timeout ms, -w µs to pause
 *   after each acknowledgement (to stretch a run over an outage),
 *   -I store.instance.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "core/policy.h"
#include "store/store.h"

/* A diagnostic with every character the spool must escape. */
#define DIAG "driver:\ttab\nnewline \\backslash \"quote\" \\N end"

struct opts {
    struct store_settings set;
    long count, ack, addrs, start, pause_us;
    const char *prefix, *domain;
    bool soft;
    int timeout_ms;
};

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void address(const struct opts *o, long i, char *buf, size_t size)
{
    long n = o->addrs > 0 ? i % o->addrs : i;

    snprintf(buf, size, "%s-%ld@%s", o->prefix, n, o->domain);
}

static int do_record(struct store *st, const struct opts *o)
{
    double t0 = now_s();
    long i, end = o->start + o->count, refused = 0;

    for (i = o->start; i < end; i++) {
        char a[128];
        struct store_event ev = {
            .when = 1700000000LL + i,
            .recipient = a,
            .reason = o->soft ? "mailbox_full" : "user_unknown",
            .bucket = o->soft ? BUCKET_SOFT : BUCKET_HARD,
            .status = o->soft ? "4.2.2" : "5.1.1",
            .reply_code = o->soft ? 452 : 550,
            .diagnostic = DIAG,
            .source = SRC_DSN,
            .action = "failed",
            .credible = true,
        };
        address(o, i, a, sizeof a);
        while (store_record(st, &ev) < 0) {
            refused++;
            usleep(1000); /* queue full: wait for the writer */
        }
        if (o->ack > 0 && (i + 1 - o->start) % o->ack == 0) {
            while (store_flush(st, o->timeout_ms) < 0)
                ;
            printf("acked %ld\n", i + 1);
            fflush(stdout);
            if (o->pause_us > 0)
                usleep((useconds_t)o->pause_us);
        }
    }
    while (store_flush(st, o->timeout_ms) < 0)
        ;
    printf("acked %ld\n", end);
    printf("decisions/s %.0f\n", (double)o->count / (now_s() - t0));
    printf("refused %ld\n", refused); /* queue full: tried again */
    fflush(stdout);
    return 0;
}

static int do_lookup(struct store *st, const struct opts *o)
{
    long found = 0;

    for (long i = o->start; i < o->start + o->count; i++) {
        char a[128];
        address(o, i, a, sizeof a);
        if (store_lookup(st, a, 1700000000LL, NULL) == 1)
            found++;
    }
    printf("suppressed %ld of %ld\n", found, o->count);
    return found == o->count ? 0 : 1;
}

/* One lookup, timed, after a pause of -w microseconds (the store open):
 * "rc=R ms=T" (R -1 when the store gave up). */
static int do_lookup_time(struct store *st, const struct opts *o)
{
    char a[128];
    double t;
    int rc;

    if (o->pause_us > 0)
        usleep((useconds_t)o->pause_us);
    t = now_s();
    address(o, o->start, a, sizeof a);
    rc = store_lookup(st, a, 1700000000LL, NULL);
    printf("rc=%d ms=%.0f\n", rc, (now_s() - t) * 1000);
    return 0;
}

static void envid(const struct opts *o, long i, char *buf, size_t size)
{
    snprintf(buf, size, "%s env+%ld", o->prefix, i);
}

static void message_id(const struct opts *o, long i, char *buf, size_t size)
{
    snprintf(buf, size, "%s-%ld.mid@%s", o->prefix, i, o->domain);
}

static int do_track(struct store *st, const struct opts *o)
{
    long n = 0;

    for (long i = o->start; i < o->start + o->count; i++) {
        char rcpt[128], mid[128], env[128];
        const char *rcpts[1] = {rcpt};
        struct outbound_msg m = {.message_id = mid,
                                 .sender = "sender@example.org",
                                 .recipients = rcpts,
                                 .nrecipients = 1,
                                 .when = 1700000000LL + i,
                                 .envelope_id = env};
        address(o, i, rcpt, sizeof rcpt);
        message_id(o, i, mid, sizeof mid);
        envid(o, i, env, sizeof env);
        n += store_track_outbound(st, &m) == 0;
    }
    if (store_flush(st, o->timeout_ms) < 0)
        fprintf(stderr, "store_driver: flush timed out\n");
    printf("tracked %ld\n", n);
    return n == o->count ? 0 : 1;
}

static void queue_id(const struct opts *o, long i, char *buf, size_t size)
{
    snprintf(buf, size, "%s-%ld.qid", o->prefix, i);
}

/* The sender of track-qid's messages: sender@INSTANCE with -I, else
 * sender@example.org. */
static void qid_sender(const struct opts *o, char *buf, size_t size)
{
    snprintf(buf, size, "sender@%s",
             o->set.instance ? o->set.instance : "example.org");
}

static int do_track_qid(struct store *st, const struct opts *o)
{
    long n = 0;
    char sender[300];

    qid_sender(o, sender, sizeof sender);
    for (long i = o->start; i < o->start + o->count; i++) {
        char rcpt[128], qid[128];
        const char *rcpts[1] = {rcpt};
        struct outbound_msg m = {.queue_id = qid,
                                 .sender = sender,
                                 .recipients = rcpts,
                                 .nrecipients = 1,
                                 .when = 1700000000LL + i};
        address(o, i, rcpt, sizeof rcpt);
        queue_id(o, i, qid, sizeof qid);
        n += store_track_outbound(st, &m) == 0;
    }
    if (store_flush(st, o->timeout_ms) < 0)
        fprintf(stderr, "store_driver: flush timed out\n");
    printf("tracked %ld\n", n);
    return n == o->count ? 0 : 1;
}

static int do_set_mid(struct store *st, const struct opts *o)
{
    long n = 0;

    for (long i = o->start; i < o->start + o->count; i++) {
        char qid[128], mid[128];
        queue_id(o, i, qid, sizeof qid);
        message_id(o, i, mid, sizeof mid);
        n += store_outbound_message_id(st, qid, mid, 1700000000LL + i + 2) ==
             0;
    }
    if (store_flush(st, o->timeout_ms) < 0)
        fprintf(stderr, "store_driver: flush timed out\n");
    printf("set %ld\n", n);
    return n == o->count ? 0 : 1;
}

static int do_find_mid(struct store *st, const struct opts *o)
{
    long found = 0;

    for (long i = o->start; i < o->start + o->count; i++) {
        char qid[128], mid[128];
        struct store_outbound_keys k = {mid, NULL, NULL, NULL};
        enum store_outbound_key by;
        struct outbound_msg m;
        queue_id(o, i, qid, sizeof qid);
        message_id(o, i, mid, sizeof mid);
        if (store_find_outbound_by(st, &k, &m, &by) != 1)
            continue;
        found += by == STORE_OUT_MESSAGE_ID && strcmp(m.queue_id, qid) == 0;
        outbound_msg_clear(&m);
    }
    printf("found %ld of %ld\n", found, o->count);
    return found == o->count ? 0 : 1;
}

/* store_find_outbound() by queue id alone, as the log feed does: found
 * when it is a message this instance tracked with track-qid (its sender
 * names the instance). */
static int do_find_qid(struct store *st, const struct opts *o)
{
    long found = 0;
    char sender[300];

    qid_sender(o, sender, sizeof sender);
    for (long i = o->start; i < o->start + o->count; i++) {
        char qid[128];
        struct outbound_msg m;
        queue_id(o, i, qid, sizeof qid);
        if (store_find_outbound(st, NULL, qid, &m) != 1)
            continue;
        found += m.sender != NULL && strcmp(m.sender, sender) == 0;
        outbound_msg_clear(&m);
    }
    printf("found %ld of %ld\n", found, o->count);
    return found == o->count ? 0 : 1;
}

static int do_find_envid(struct store *st, const struct opts *o)
{
    long found = 0;

    for (long i = o->start; i < o->start + o->count; i++) {
        char mid[128], env[128];
        struct store_outbound_keys k = {NULL, NULL, env, NULL};
        enum store_outbound_key by;
        struct outbound_msg m;
        envid(o, i, env, sizeof env);
        message_id(o, i, mid, sizeof mid);
        if (store_find_outbound_by(st, &k, &m, &by) != 1)
            continue;
        found += by == STORE_OUT_ENVELOPE_ID &&
                 strcmp(m.message_id, mid) == 0 && m.envelope_id != NULL &&
                 strcmp(m.envelope_id, env) == 0;
        outbound_msg_clear(&m);
    }
    printf("found %ld of %ld\n", found, o->count);
    return found == o->count ? 0 : 1;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static int do_bench_lookup(struct store *st, const struct opts *o)
{
    double *lat = malloc(sizeof *lat * (size_t)o->count), t0;
    unsigned seed = 42;
    long hits = 0;

    if (lat == NULL)
        return 2;
    t0 = now_s();
    for (long i = 0; i < o->count; i++) {
        char a[128];
        double t;
        /* half the lookups hit, half miss */
        long n = (long)(rand_r(&seed) % (o->addrs > 0 ? o->addrs : 1));
        if (i % 2)
            snprintf(a, sizeof a, "%s-%ld@%s", o->prefix, n, o->domain);
        else
            snprintf(a, sizeof a, "absent-%ld@%s", n, o->domain);
        t = now_s();
        hits += store_lookup(st, a, 1700000000LL, NULL) == 1;
        lat[i] = (now_s() - t) * 1e6;
    }
    double total = now_s() - t0;
    qsort(lat, (size_t)o->count, sizeof *lat, cmp_double);
    printf("lookups/s %.0f p50_us %.2f p99_us %.2f hits %ld\n",
           (double)o->count / total, lat[o->count / 2],
           lat[o->count * 99 / 100], hits);
    free(lat);
    return 0;
}

static int parse(int argc, char **argv, struct opts *o)
{
    int c;

    memset(o, 0, sizeof *o);
    o->set.backend = "sqlite";
    o->set.batch_max = 1000;
    o->set.queue_max = 100000;
    o->set.expire_interval = 86400;
    o->set.local_part = "preserve";
    o->count = 1000;
    o->prefix = "user";
    o->domain = "example.com";
    o->timeout_ms = 1000;
    while ((c = getopt(argc, argv, "b:p:c:s:n:a:A:P:D:S:B:q:ft:w:I:L:d")) !=
           -1) {
        switch (c) {
        case 'L':
            o->set.lookup_timeout_ms = atol(optarg);
            break;
        case 'd':
            o->set.daemon = true;
            break;
        case 'I':
            o->set.instance = optarg;
            break;
        case 'b':
            o->set.backend = optarg;
            break;
        case 'p':
            o->set.path = optarg;
            break;
        case 'c':
            o->set.conninfo = optarg;
            break;
        case 's':
            o->set.spool = optarg;
            break;
        case 'n':
            o->count = atol(optarg);
            break;
        case 'a':
            o->ack = atol(optarg);
            break;
        case 'A':
            o->addrs = atol(optarg);
            break;
        case 'P':
            o->prefix = optarg;
            break;
        case 'D':
            o->domain = optarg;
            break;
        case 'S':
            o->start = atol(optarg);
            break;
        case 'B':
            o->set.batch_max = atol(optarg);
            break;
        case 'q':
            o->set.queue_max = atol(optarg);
            break;
        case 'f':
            o->soft = true;
            break;
        case 't':
            o->timeout_ms = atoi(optarg);
            break;
        case 'w':
            o->pause_us = atol(optarg);
            break;
        default:
            return -1;
        }
    }
    return optind < argc ? optind : -1;
}

int main(int argc, char **argv)
{
    struct opts o;
    struct policy_settings pol;
    struct store *st;
    char *err = NULL;
    int i = parse(argc, argv, &o), rc;

    if (i < 0) {
        fprintf(stderr, "usage: store_driver [options] "
                        "record|lookup|lookup-time|track|find-envid|"
                        "track-qid|set-mid|find-mid|find-qid|bench-lookup\n");
        return 2;
    }
    log_open("store_driver", "mail", true);
    policy_settings_default(&pol);
    if (store_open(&o.set, &pol, &st, &err) < 0) {
        fprintf(stderr, "store_driver: %s\n", err);
        free(err);
        return 2;
    }
    if (strcmp(argv[i], "record") == 0)
        rc = do_record(st, &o);
    else if (strcmp(argv[i], "lookup") == 0)
        rc = do_lookup(st, &o);
    else if (strcmp(argv[i], "lookup-time") == 0)
        rc = do_lookup_time(st, &o);
    else if (strcmp(argv[i], "track") == 0)
        rc = do_track(st, &o);
    else if (strcmp(argv[i], "find-envid") == 0)
        rc = do_find_envid(st, &o);
    else if (strcmp(argv[i], "track-qid") == 0)
        rc = do_track_qid(st, &o);
    else if (strcmp(argv[i], "set-mid") == 0)
        rc = do_set_mid(st, &o);
    else if (strcmp(argv[i], "find-mid") == 0)
        rc = do_find_mid(st, &o);
    else if (strcmp(argv[i], "find-qid") == 0)
        rc = do_find_qid(st, &o);
    else if (strcmp(argv[i], "bench-lookup") == 0)
        rc = do_bench_lookup(st, &o);
    else
        rc = 2;
    store_close(&st);
    return rc;
}
