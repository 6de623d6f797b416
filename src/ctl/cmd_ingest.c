/*
 * cmd_ingest.c - "bounceguardctl ingest [-j] [-n] [-v] [-q] FILE|-": one-off
 * back-fill of an MTA delivery log (Postfix maillog_file or syslog file,
 * Sendmail log, or standard input) through the same parser, classifier and
 * store as the daemon's live feed (logfeed_sink.h).
 *
 *   -j  join failures to outbound tracking by queue id (one read per
 *       queue id; old logs rarely find their messages still tracked)
 *   -n  dry run: parse and classify, record nothing (no store opened)
 *   -v  print every event: address, action, reason, bucket, status
 *   -q  no progress bar (it is drawn on stderr only when that is a
 *       terminal and the input's size is known)
 *
 * The store is opened with group commits of at least 50,000 events (and a
 * queue of two batches): a back-fill is bulk work, and each commit
 * rewrites the pages of the events' address index it touched, so fewer,
 * larger commits write less (a fifth less CPU than 10,000 on
 * bench/logfeed, for some 25 MB more memory).  Durability is the
 * daemon's: WAL with synchronous=FULL (synchronous=NORMAL saved no
 * measurable CPU, so a bulk ingest does not trade it away).
 *
 * Prints a summary line with the counts and the rate; exits 0, or
 * EX_IOERR when the input cannot be read, EX_UNAVAILABLE when the store
 * refused events or could not commit them, EX_CONFIG for bad rules.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/rulesfile.h"
#include "core/classify.h"
#include "ctl/ctl.h"
#include "logfeed/logfeed_sink.h"
#include "logfeed/logfeed_tail.h"
#include "store/store.h"

#define INGEST_FLUSH_TIMEOUT_MS 120000
#define INGEST_MAX_LINE 16384
#define INGEST_CACHE 4096
#define INGEST_BATCH_MIN 50000

struct ingest_opts {
    bool dry_run, verbose, quiet, join;
    const char *path;
};

struct ingest_run {
    struct ingest_opts o;
    struct classify_rules *rules;
    struct store *store;
    struct logfeed_sink *sink;
    struct logfeed_tail *tail;
    bool bar;
    double started, last_draw;
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int parse_opts(int argc, char **argv, struct ingest_opts *o)
{
    int c;

    optind = 0;
    while ((c = getopt(argc, argv, "+jnvqh")) != -1) {
        switch (c) {
        case 'j':
            o->join = true;
            break;
        case 'n':
            o->dry_run = true;
            break;
        case 'v':
            o->verbose = true;
            break;
        case 'q':
            o->quiet = true;
            break;
        default:
            fprintf(stderr, "usage: bounceguardctl ingest [-j] [-n] [-v] [-q] "
                            "FILE|-\n");
            return c == 'h' ? -1 : CTL_USAGE;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr,
                "usage: bounceguardctl ingest [-j] [-n] [-v] [-q] FILE|-\n");
        return CTL_USAGE;
    }
    o->path = argv[optind];
    return 0;
}

static int load_rules(const struct bg_settings *set, struct ingest_run *run)
{
    char *err = NULL;

    if (rulesfile_load(&set->classify, &run->rules, &err) < 0) {
        ctl_error("ingest: %s", err ? err : "cannot load the rules");
        free(err);
        return CTL_CONFIG;
    }
    return 0;
}

static int open_store(const struct bg_settings *set, struct ingest_run *run)
{
    struct store_settings ss = set->store;
    char *err = NULL;

    ss.spool = NULL;
    ss.lookup_timeout_ms = 0;
    /* a back-fill is bulk: larger group commits than live traffic */
    if (ss.batch_max < INGEST_BATCH_MIN)
        ss.batch_max = INGEST_BATCH_MIN;
    if (ss.queue_max < 2 * INGEST_BATCH_MIN)
        ss.queue_max = 2 * INGEST_BATCH_MIN;
    if (store_open(&ss, &set->policy, &run->store, &err) < 0) {
        ctl_error("ingest: store: %s", err ? err : "cannot open");
        free(err);
        return CTL_UNAVAILABLE;
    }
    return 0;
}

static void print_event(const struct store_event *ev, void *ctx)
{
    (void)ctx;
    printf("%s %s %s %s %s %s\n", ev->recipient,
           ev->action ? ev->action : "failed", ev->reason ? ev->reason : "-",
           bucket_name(ev->bucket), ev->status ? ev->status : "-",
           ev->queue_id ? ev->queue_id : "-");
}

static int open_all(const struct ctl_env *env, struct ingest_run *run)
{
    const struct bg_settings *set = ctl_settings(env);
    struct logfeed_sink_settings ss = {0};
    struct logfeed_tail_settings ts = {0};
    char *err = NULL;
    int rc;
    time_t t = time(NULL);
    struct tm tm;

    if ((rc = load_rules(set, run)) != 0)
        return rc;
    if (!run->o.dry_run && (rc = open_store(set, run)) != 0)
        return rc;
    ss.cache_entries = INGEST_CACHE;
    ss.utc_offset = localtime_r(&t, &tm) ? tm.tm_gmtoff : 0;
    ss.local_zone = true;
    ss.on_event = run->o.verbose ? print_event : NULL;
    ss.join_outbound = run->o.join;
    run->sink = logfeed_sink_new(&ss, run->store, run->rules);
    if (run->sink == NULL) {
        ctl_error("ingest: out of memory");
        return CTL_SOFTWARE;
    }
    ts.path = run->o.path;
    ts.max_line = set->logfeed.max_line > 0 ? (size_t)set->logfeed.max_line
                                            : INGEST_MAX_LINE;
    if (logfeed_tail_open(&ts, NULL, &run->tail, NULL, &err) < 0) {
        ctl_error("ingest: %s", err ? err : "cannot open the input");
        free(err);
        return CTL_NOINPUT;
    }
    return 0;
}

static void draw_bar(struct ingest_run *run, bool last)
{
    unsigned long long done, size;
    struct logfeed_sink_stats s;
    double t = now_s(), el;
    char bar[41];

    if (!run->bar || (!last && t - run->last_draw < 0.2))
        return;
    run->last_draw = t;
    logfeed_tail_progress(run->tail, &done, &size);
    logfeed_sink_stats(run->sink, &s);
    if (size == 0)
        return;
    int pct = done >= size ? 100 : (int)(done * 100 / size);
    int fill = pct * 40 / 100;
    memset(bar, '#', (size_t)fill);
    memset(bar + fill, ' ', (size_t)(40 - fill));
    bar[40] = '\0';
    el = t - run->started;
    fprintf(stderr, "\r[%s] %3d%% %llu lines %.0f lines/s%s", bar, pct, s.lines,
            el > 0 ? (double)s.lines / el : 0.0, last ? "\n" : "");
}

static int read_input(struct ingest_run *run)
{
    const char *line;
    size_t len;
    char *err = NULL;
    unsigned n = 0;
    int rc;

    while ((rc = logfeed_tail_next(run->tail, &line, &len, &err)) > 0) {
        (void)logfeed_sink_line(run->sink, line, len, time(NULL));
        if (++n % 1024 == 0)
            draw_bar(run, false);
    }
    draw_bar(run, true);
    if (rc < 0) {
        ctl_error("ingest: %s", err ? err : "read error");
        free(err);
        return CTL_IOERR;
    }
    return 0;
}

static int summary(struct ingest_run *run, int status)
{
    struct logfeed_sink_stats s;
    double el = now_s() - run->started;

    if (run->store != NULL &&
        store_flush(run->store, INGEST_FLUSH_TIMEOUT_MS) < 0) {
        struct store_health h;
        store_get_health(run->store, &h);
        ctl_error("ingest: store: events not committed: %s", h.last_error);
        status = status ? status : CTL_UNAVAILABLE;
    }
    el = now_s() - run->started;
    logfeed_sink_stats(run->sink, &s);
    printf("ingest %s: lines=%llu deliveries=%llu sent=%llu deferred=%llu "
           "bounced=%llu expired=%llu recorded=%llu refused=%llu "
           "malformed=%llu cache_hits=%llu seconds=%.3f lines_per_s=%.0f\n",
           run->o.path, s.lines, s.deliveries, s.sent, s.deferred, s.bounced,
           s.expired, s.recorded, s.refused, s.malformed, s.cache_hits, el,
           el > 0 ? (double)s.lines / el : 0.0);
    if (s.refused > 0 && status == 0)
        status = CTL_UNAVAILABLE;
    return status;
}

int cmd_ingest(const struct ctl_env *env, int argc, char **argv)
{
    struct ingest_run run;
    int rc;

    memset(&run, 0, sizeof run);
    rc = parse_opts(argc, argv, &run.o);
    if (rc != 0)
        return rc < 0 ? 0 : rc;
    rc = open_all(env, &run);
    if (rc == 0) {
        run.bar = !run.o.quiet && !run.o.verbose && isatty(STDERR_FILENO);
        run.started = run.last_draw = now_s();
        rc = summary(&run, read_input(&run));
    }
    fflush(stdout);
    logfeed_tail_close(&run.tail);
    logfeed_sink_free(&run.sink);
    if (run.store != NULL)
        store_close(&run.store);
    classify_rules_free(&run.rules);
    return rc;
}
