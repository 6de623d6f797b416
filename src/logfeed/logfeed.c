/*
 * logfeed.c - the delivery-log feed thread; see logfeed.h.
 */
#include "config.h"

#include "logfeed/logfeed.h"

#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "logfeed/logfeed_pos.h"
#include "logfeed/logfeed_sink.h"
#include "logfeed/logfeed_tail.h"

#define FEED_FLUSH_TIMEOUT_MS 10000
#define FEED_STOP_CHECK_LINES 4096
/* An MTA writes its log a line at a time: after a wake-up the feed lets
 * lines gather this long before it reads, so a busy log costs a wake-up
 * per batch rather than per line (and the feed is at most this late). */
#define FEED_GATHER_MS 100
/* Lines read between two looks at the store's queue. */
#define FEED_STORE_CHECK_LINES 16

struct logfeed {
    char *path, *state_file;
    long long save_interval, poll_interval;
    struct store *store;
    struct logfeed_tail *tail;
    struct logfeed_sink *sink;
    int wake_fd;
    atomic_bool stopping;
    atomic_ullong message_ids; /* the sink's count, for other threads */
    pthread_t thread;
    time_t last_save;
    struct logfeed_pos saved; /* what the state file holds */
    bool have_saved;
    const char *save_error; /* the last save's failure, said once */
    bool paused;            /* the store's queue is half taken: the log waits */
    bool pause_said;        /* ... and the store fails: said once */
};

/* Says why the position was not saved, once until the cause changes or a
 * save succeeds (then that is said). */
static void save_failed(struct logfeed *f, const char *why)
{
    if (f->save_error != NULL && strcmp(f->save_error, why) == 0)
        return;
    f->save_error = why;
    log_error(NULL, "logfeed: position of %s not saved in %s: %s", f->path,
              f->state_file, why);
}

static long local_utc_offset(void)
{
    time_t now = time(NULL);
    struct tm tm;
    return localtime_r(&now, &tm) != NULL ? tm.tm_gmtoff : 0;
}

/* Commits what was queued, then records the position after it. */
static void save_position(struct logfeed *f)
{
    struct logfeed_pos pos;
    const char *err;

    f->last_save = time(NULL);
    if (f->state_file == NULL || !logfeed_tail_position(f->tail, &pos))
        return;
    if (f->paused) /* a flush would only wait for the store: later */
        return;
    if (f->have_saved && f->save_error == NULL &&
        memcmp(&pos, &f->saved, sizeof pos) == 0)
        return; /* nothing read since */
    if (f->store != NULL && store_flush(f->store, FEED_FLUSH_TIMEOUT_MS) < 0) {
        save_failed(f, "store not committed yet");
        return;
    }
    if (logfeed_pos_save(f->state_file, &pos, &err) < 0) {
        save_failed(f, err);
        return;
    }
    if (f->save_error != NULL)
        log_notice(NULL, "logfeed: position of %s saved again", f->path);
    f->save_error = NULL;
    f->saved = pos;
    f->have_saved = true;
}

/* Should the log wait?  Once half the store's queue is taken the feed
 * reads no further (the log keeps what it has not read, and the position
 * saved stays before it) and leaves the rest to the milter: a store that
 * fails (said once) or one that is behind.  *room_r: the lines that may be
 * read before looking again, no more than what is left of that half. */
static bool store_backlog(struct logfeed *f, unsigned *room_r)
{
    struct store_health h;

    *room_r = FEED_STORE_CHECK_LINES;
    if (f->store == NULL)
        return false;
    store_get_health(f->store, &h);
    size_t half = (h.capacity + 1) / 2;
    bool full = h.queued >= half;
    if (!full && half - h.queued < *room_r)
        *room_r = (unsigned)(half - h.queued);
    if (full && h.failing && !f->pause_said) {
        log_warning(NULL,
                    "logfeed: %s: the store is failing with %zu decisions "
                    "waiting: reading paused until it takes them (%.*s)",
                    f->path, h.queued, (int)strcspn(h.last_error, "\r\n"),
                    h.last_error);
        f->pause_said = true;
    } else if (!full && f->pause_said) {
        log_notice(NULL,
                   "logfeed: %s: the store takes decisions again: "
                   "reading resumed",
                   f->path);
        f->pause_said = false;
    }
    f->paused = full;
    return full;
}

/* Reads what is there; returns false when the source is exhausted or the
 * feed stops. */
static bool drain(struct logfeed *f)
{
    const char *line;
    size_t len;
    char *err = NULL;
    unsigned n = 0, room = 0;
    int rc = 0;

    while ((room > 0 || !store_backlog(f, &room)) &&
           (rc = logfeed_tail_next(f->tail, &line, &len, &err)) > 0) {
        room--;
        (void)logfeed_sink_line(f->sink, line, len, time(NULL));
        if (++n % FEED_STOP_CHECK_LINES == 0 && atomic_load(&f->stopping))
            return false;
    }
    if (rc < 0) {
        log_error(NULL, "logfeed: %s", err);
        free(err);
    }
    struct logfeed_sink_stats s;
    logfeed_sink_stats(f->sink, &s);
    atomic_store(&f->message_ids, s.message_ids);
    return !logfeed_tail_ended(f->tail);
}

unsigned long long logfeed_message_ids(const struct logfeed *f)
{
    return atomic_load(&f->message_ids);
}

static void log_stats(struct logfeed *f)
{
    struct logfeed_sink_stats s;
    struct logfeed_tail_stats t;

    logfeed_sink_stats(f->sink, &s);
    logfeed_tail_stats(f->tail, &t);
    log_notice(NULL,
               "logfeed: %s: lines=%llu deliveries=%llu sent=%llu "
               "deferred=%llu bounced=%llu recorded=%llu refused=%llu "
               "rotations=%llu truncations=%llu",
               f->path, s.lines, s.deliveries, s.sent, s.deferred, s.bounced,
               s.recorded, s.refused, t.rotations, t.truncations);
}

/* Sleeps ms unless a stop request comes first (then true). */
static bool gather(const struct logfeed *f, int ms)
{
    struct pollfd p = {f->wake_fd, POLLIN, 0};

    return f->wake_fd >= 0 && poll(&p, 1, ms) > 0;
}

/* Waits for more of the log, or while paused for the store; true when a
 * stop request came first. */
static bool feed_wait(struct logfeed *f, int timeout_ms)
{
    if (f->pause_said) /* the store fails: look again at the poll interval */
        return gather(f, timeout_ms);
    if (f->paused) /* the store is behind */
        return gather(f, FEED_GATHER_MS);
    return logfeed_tail_wait(f->tail, f->wake_fd, timeout_ms) > 0 ||
           gather(f, FEED_GATHER_MS);
}

static void *feed_main(void *arg)
{
    struct logfeed *f = arg;
    int timeout_ms = (int)(f->poll_interval * 1000);

    while (!atomic_load(&f->stopping)) {
        if (!drain(f))
            break;
        if (time(NULL) - f->last_save >= f->save_interval)
            save_position(f);
        if (feed_wait(f, timeout_ms))
            break;
    }
    save_position(f);
    log_stats(f);
    return NULL;
}

static void feed_free(struct logfeed *f)
{
    logfeed_sink_free(&f->sink);
    logfeed_tail_close(&f->tail);
    if (f->wake_fd >= 0)
        (void)close(f->wake_fd);
    free(f->path);
    free(f->state_file);
    free(f);
}

static int open_source(struct logfeed *f, const struct logfeed_settings *set,
                       char **error_r)
{
    struct logfeed_tail_settings ts = {0};
    struct logfeed_pos saved;
    const char *err = NULL, *note = NULL;
    int have = 0;

    if (f->state_file != NULL && strcmp(set->path, "-") != 0) {
        have = logfeed_pos_load(f->state_file, &saved, &err);
        if (have < 0) {
            log_warning(NULL, "logfeed: %s: %s; starting afresh", f->state_file,
                        err);
            have = 0;
        }
    }
    ts.path = set->path;
    ts.follow = true;
    ts.start_at_end = set->start_at_end;
    ts.max_line = (size_t)set->max_line;
    if (logfeed_tail_open(&ts, have ? &saved : NULL, &f->tail, &note, error_r) <
        0)
        return -1;
    log_info(NULL, "logfeed: %s: %s", set->path, note);
    return 0;
}

struct logfeed *logfeed_start(const struct logfeed_settings *set,
                              struct store *store,
                              const struct classify_rules *rules,
                              logfeed_sink_event_cb *on_event, void *ctx,
                              char **error_r)
{
    struct logfeed_sink_settings ss = {0};
    struct logfeed *f;

    *error_r = NULL;
    if (set->path == NULL || set->path[0] == '\0')
        return NULL;
    if (store == NULL || rules == NULL) {
        /* reading on without a store would lose what is read */
        *error_r = strdup("logfeed: no store or no rules to feed");
        return NULL;
    }
    f = calloc(1, sizeof *f);
    if (f == NULL || (f->path = strdup(set->path)) == NULL ||
        (set->state_file != NULL &&
         (f->state_file = strdup(set->state_file)) == NULL)) {
        *error_r = strdup("logfeed: out of memory");
        if (f != NULL)
            feed_free(f);
        return NULL;
    }
    f->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    f->store = store;
    f->save_interval = set->save_interval > 0 ? set->save_interval : 5;
    f->poll_interval = set->poll_interval > 0 ? set->poll_interval : 1;
    f->last_save = time(NULL);
    atomic_init(&f->stopping, false);
    atomic_init(&f->message_ids, 0);
    ss.cache_entries = (size_t)set->cache_entries;
    ss.utc_offset = local_utc_offset();
    ss.local_zone = true;
    ss.join_outbound = true;
    ss.message_ids = true;
    ss.on_event = on_event;
    ss.ctx = ctx;
    f->sink = logfeed_sink_new(&ss, store, rules);
    if (f->wake_fd < 0 || f->sink == NULL) {
        *error_r = strdup("logfeed: out of memory or descriptors");
        feed_free(f);
        return NULL;
    }
    if (open_source(f, set, error_r) < 0 ||
        pthread_create(&f->thread, NULL, feed_main, f) != 0) {
        if (*error_r == NULL)
            *error_r = strdup("logfeed: cannot start the thread");
        feed_free(f);
        return NULL;
    }
    return f;
}

void logfeed_stop(struct logfeed **fp)
{
    struct logfeed *f = *fp;
    uint64_t one = 1;

    if (f == NULL)
        return;
    atomic_store(&f->stopping, true);
    if (write(f->wake_fd, &one, sizeof one) < 0) {
        /* the flag alone stops it at the next poll interval */
    }
    (void)pthread_join(f->thread, NULL);
    feed_free(f);
    *fp = NULL;
}
