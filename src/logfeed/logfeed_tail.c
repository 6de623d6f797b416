/*
 * logfeed_tail.c - line reader that follows a log across rotation; see
 * logfeed_tail.h.
 *
 * Invariant: buf[start..end) holds the bytes of the current file from
 * offset `consumed` on, i.e. what was read but not yet returned as lines.
 */
#include "config.h"

#include "logfeed/logfeed_tail.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#define TAIL_READ_CHUNK 65536

struct logfeed_tail {
    char *path; /* NULL: standard input */
    char *dir;  /* directory of path, for inotify */
    bool follow;
    int fd; /* -1: the file does not exist (yet) */
    uint64_t dev, ino;
    char *buf;
    size_t cap, start, end;
    size_t max_line;
    bool skipping;      /* inside the rest of a cut line */
    bool ended;         /* standard input reached its end */
    bool flush_partial; /* return a final line without newline */
    uint64_t consumed;  /* file offset of buf[start] */
    uint64_t last_len, last_hash;
    int ino_fd, wd_file, wd_dir;
    int open_errno;   /* why the file last failed to open (not ENOENT) */
    bool open_report; /* open_errno is still to be reported */
    struct logfeed_tail_stats stats;
};

static void set_error(char **error_r, const char *what, const char *path)
{
    if (error_r == NULL)
        return;
    if (asprintf(error_r, "%s %s: %m", what, path ? path : "stdin") < 0)
        *error_r = NULL;
}

/* ------------------------------------------------------------ inotify */

static void watch_file(struct logfeed_tail *t)
{
    if (t->ino_fd < 0)
        return;
    if (t->wd_file >= 0)
        (void)inotify_rm_watch(t->ino_fd, t->wd_file);
    t->wd_file = inotify_add_watch(t->ino_fd, t->path,
                                   IN_MODIFY | IN_ATTRIB | IN_MOVE_SELF |
                                       IN_DELETE_SELF);
}

static void watch_setup(struct logfeed_tail *t)
{
    t->ino_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    t->wd_file = t->wd_dir = -1;
    if (t->ino_fd < 0)
        return; /* polling only */
    t->wd_dir = inotify_add_watch(
        t->ino_fd, t->dir, IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE);
    watch_file(t);
}

static void watch_drain(struct logfeed_tail *t)
{
    char evbuf[4096];
    while (t->ino_fd >= 0 && read(t->ino_fd, evbuf, sizeof evbuf) > 0) {
    }
}

/* ------------------------------------------------------------ files */

static void reset_buffer(struct logfeed_tail *t, uint64_t offset)
{
    t->start = t->end = 0;
    t->consumed = offset;
    t->skipping = false;
    t->flush_partial = false;
}

/* Does the line before `offset` of fd hash to pos's last line? */
static bool line_is_at(int fd, uint64_t offset, uint64_t len, uint64_t hash)
{
    char chunk[4096];
    uint64_t h = LOGFEED_POS_HASH_INIT;
    uint64_t at, left;

    if (len == 0)
        return true; /* nothing to verify */
    if (offset < len + 1)
        return false;
    at = offset - len - 1;
    left = len + 1;
    while (left > 0) {
        size_t want = left < sizeof chunk ? (size_t)left : sizeof chunk;
        ssize_t n = pread(fd, chunk, want, (off_t)at);
        size_t hashed;
        if (n <= 0)
            return false;
        hashed = (size_t)n;
        if ((uint64_t)n == left) { /* the newline is the last byte */
            if (chunk[n - 1] != '\n')
                return false;
            hashed--;
        }
        h = logfeed_pos_hash_more(h, chunk, hashed);
        at += (uint64_t)n;
        left -= (uint64_t)n;
    }
    return h == hash;
}

static int open_file(struct logfeed_tail *t, const char *path)
{
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

    if (fd < 0)
        return -1;
    if (fstat(fd, &st) < 0) {
        (void)close(fd);
        return -1;
    }
    if (t->fd >= 0 && t->fd != STDIN_FILENO)
        (void)close(t->fd);
    t->fd = fd;
    t->dev = (uint64_t)st.st_dev;
    t->ino = (uint64_t)st.st_ino;
    t->last_len = t->last_hash = 0;
    reset_buffer(t, 0);
    return 0;
}

static uint64_t file_size(int fd)
{
    struct stat st;
    return fstat(fd, &st) == 0 ? (uint64_t)st.st_size : 0;
}

static bool seek_to(struct logfeed_tail *t, uint64_t offset)
{
    if (lseek(t->fd, (off_t)offset, SEEK_SET) < 0)
        return false;
    reset_buffer(t, offset);
    return true;
}

/* Does fd name the file of the saved position, unchanged up to it? */
static bool pos_matches(int fd, const struct logfeed_pos *pos)
{
    struct stat st;
    return fstat(fd, &st) == 0 && (uint64_t)st.st_dev == pos->dev &&
           (uint64_t)st.st_ino == pos->ino &&
           (uint64_t)st.st_size >= pos->offset &&
           line_is_at(fd, pos->offset, pos->last_len, pos->last_hash);
}

static bool resume_at(struct logfeed_tail *t, const struct logfeed_pos *pos)
{
    if (!seek_to(t, pos->offset))
        return false;
    t->last_len = pos->last_len;
    t->last_hash = pos->last_hash;
    return true;
}

/* Where to start in a freshly opened file. */
static const char *choose_start(struct logfeed_tail *t,
                                const struct logfeed_pos *saved,
                                bool start_at_end)
{
    char rotated[PATH_MAX];

    if (saved != NULL && pos_matches(t->fd, saved) && resume_at(t, saved))
        return "resumed at the saved position";
    if (saved != NULL && snprintf(rotated, sizeof rotated, "%s.1", t->path) <
                             (int)sizeof rotated) {
        int cur = t->fd;
        t->fd = -1;
        if (open_file(t, rotated) == 0) {
            if (pos_matches(t->fd, saved) && resume_at(t, saved)) {
                (void)close(cur);
                return "finishing the rotated file first";
            }
            (void)close(t->fd);
        }
        t->fd = cur;
        struct stat st;
        if (fstat(cur, &st) == 0) {
            t->dev = (uint64_t)st.st_dev;
            t->ino = (uint64_t)st.st_ino;
        }
        t->last_len = t->last_hash = 0;
        (void)seek_to(t, 0);
        return "saved position is stale: reading the file from its start";
    }
    if (start_at_end && seek_to(t, file_size(t->fd)))
        return "no saved position: starting at the end";
    return "no saved position: starting at the beginning";
}

static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL)
        return strdup(".");
    if (slash == path)
        return strdup("/");
    return strndup(path, (size_t)(slash - path));
}

static struct logfeed_tail *tail_alloc(const struct logfeed_tail_settings *set)
{
    struct logfeed_tail *t = calloc(1, sizeof *t);

    if (t == NULL)
        return NULL;
    t->fd = t->ino_fd = t->wd_file = t->wd_dir = -1;
    t->follow = set->follow;
    t->max_line = set->max_line < 256 ? 256 : set->max_line;
    t->cap = t->max_line + TAIL_READ_CHUNK; /* @UNSAFE size arithmetic */
    t->buf = malloc(t->cap);
    if (t->buf == NULL) {
        free(t);
        return NULL;
    }
    return t;
}

int logfeed_tail_open(const struct logfeed_tail_settings *set,
                      const struct logfeed_pos *saved,
                      struct logfeed_tail **tail_r, const char **note_r,
                      char **error_r)
{
    struct logfeed_tail *t = tail_alloc(set);
    const char *note = "reading standard input";

    if (t == NULL) {
        *error_r = strdup("out of memory");
        return -1;
    }
    if (strcmp(set->path, "-") == 0) {
        t->fd = STDIN_FILENO;
    } else {
        t->path = strdup(set->path);
        t->dir = t->path ? dir_of(t->path) : NULL;
        if (t->path == NULL || t->dir == NULL) {
            *error_r = strdup("out of memory");
            logfeed_tail_close(&t);
            return -1;
        }
        if (open_file(t, t->path) == 0) {
            note = choose_start(t, saved, set->start_at_end);
        } else if (errno == ENOENT && t->follow) {
            note = "waiting for the file to appear";
        } else {
            set_error(error_r, "cannot open", t->path);
            logfeed_tail_close(&t);
            return -1;
        }
        if (t->follow)
            watch_setup(t);
    }
    if (note_r != NULL)
        *note_r = note;
    *tail_r = t;
    return 0;
}

/* ------------------------------------------------------------ lines */

/* Consumes used bytes of buf; a returned line updates the last-line hash
 * (verifiable: it ended with a newline and was not cut). */
static void consume(struct logfeed_tail *t, size_t used)
{
    t->start += used;
    t->consumed += used;
    t->stats.bytes += used;
}

static int give_line(struct logfeed_tail *t, const char **line_r, size_t *len_r,
                     size_t len, size_t used, bool verifiable)
{
    const char *p = t->buf + t->start;

    *line_r = p;
    *len_r = len;
    consume(t, used);
    t->stats.lines++;
    verifiable = verifiable && t->follow; /* a one-off read saves nothing */
    t->last_len = verifiable ? len : 0;
    t->last_hash = verifiable ? logfeed_pos_hash(p, len) : 0;
    return 1;
}

/* Skips the rest of a cut line; false while its end is not in buf. */
static bool skip_rest(struct logfeed_tail *t)
{
    size_t avail = t->end - t->start;
    const char *nl = memchr(t->buf + t->start, '\n', avail);

    if (nl == NULL) {
        consume(t, avail);
        t->start = t->end = 0;
        return false;
    }
    consume(t, (size_t)(nl - (t->buf + t->start)) + 1);
    t->skipping = false;
    return true;
}

/* One line out of buf, if a complete (or cut, or final) one is there. */
static int line_from_buffer(struct logfeed_tail *t, const char **line_r,
                            size_t *len_r)
{
    if (t->skipping && !skip_rest(t))
        return 0;

    const char *p = t->buf + t->start;
    size_t avail = t->end - t->start;
    size_t scan = avail < t->max_line + 1 ? avail : t->max_line + 1;
    const char *nl = memchr(p, '\n', scan);

    if (nl != NULL) {
        size_t len = (size_t)(nl - p);
        return give_line(t, line_r, len_r, len, len + 1, true);
    }
    if (avail > t->max_line) {
        t->skipping = true;
        t->stats.cut_lines++;
        return give_line(t, line_r, len_r, t->max_line, t->max_line, false);
    }
    if (avail > 0 && t->flush_partial) {
        t->flush_partial = false;
        return give_line(t, line_r, len_r, avail, avail, false);
    }
    return 0;
}

/* Reads more bytes; returns >0, 0 at the end, -1 on error. */
static ssize_t fill(struct logfeed_tail *t)
{
    ssize_t n;

    if (t->start > 0) {
        memmove(t->buf, t->buf + t->start, t->end - t->start);
        t->end -= t->start;
        t->start = 0;
    }
    if (t->end == t->cap)
        return 1; /* full: line_from_buffer() will cut */
    if (t->path == NULL && t->follow) {
        /* standard input in a thread that must stay stoppable */
        struct pollfd pfd = {t->fd, POLLIN, 0};
        if (poll(&pfd, 1, 0) == 0)
            return 0;
    }
    do {
        n = read(t->fd, t->buf + t->end, t->cap - t->end);
    } while (n < 0 && errno == EINTR);
    if (n < 0 && errno == EAGAIN)
        n = 0;
    if (n > 0)
        t->end += (size_t)n;
    if (n == 0 && t->path == NULL)
        t->ended = true; /* a pipe or terminal closed: no more input */
    return n;
}

int logfeed_tail_next(struct logfeed_tail *t, const char **line_r,
                      size_t *len_r, char **error_r)
{
    for (;;) {
        if (line_from_buffer(t, line_r, len_r))
            return 1;
        if (t->open_report) {
            t->open_report = false;
            errno = t->open_errno;
            set_error(error_r, "cannot open", t->path);
            return -1;
        }
        if (t->fd < 0)
            return 0;
        ssize_t n = fill(t);
        if (n < 0) {
            set_error(error_r, "cannot read", t->path);
            return -1;
        }
        if (n == 0) {
            if ((!t->follow || t->ended) && t->end > t->start &&
                !t->flush_partial) {
                t->flush_partial = true; /* last line without newline */
                continue;
            }
            return 0;
        }
    }
}

/* ------------------------------------------------------------ rotation */

/* The file shrank below what was read, or the last line read moved. */
static bool truncated(struct logfeed_tail *t)
{
    uint64_t read_to = t->consumed + (t->end - t->start);
    if (file_size(t->fd) < read_to)
        return true;
    return !line_is_at(t->fd, t->consumed, t->last_len, t->last_hash);
}

/* Opens path again (it appeared, or was rotated).  A failure other than
 * "not there" (a log the daemon's user may not read) is reported once by
 * logfeed_tail_next(), and again only when its cause changes. */
static bool reopen(struct logfeed_tail *t)
{
    if (open_file(t, t->path) < 0) {
        if (errno != ENOENT && errno != t->open_errno) {
            t->open_errno = errno;
            t->open_report = true;
        }
        return false;
    }
    t->open_errno = 0;
    watch_file(t);
    return true;
}

/* Returns true when something changed and reading should go on at once. */
static bool check_file(struct logfeed_tail *t)
{
    struct stat st;

    if (t->fd < 0)
        return reopen(t);
    if (truncated(t)) {
        (void)seek_to(t, 0);
        t->last_len = t->last_hash = 0;
        t->stats.truncations++;
        return true;
    }
    if (stat(t->path, &st) < 0 ||
        ((uint64_t)st.st_dev == t->dev && (uint64_t)st.st_ino == t->ino))
        return false; /* same file, or the new one is not there yet */
    if (st.st_size == 0)
        return false; /* logrotate's "create": the writer may not have
                         switched yet, so the old file is read on */
    if (fill(t) > 0)
        return true; /* finish the old file first */
    t->flush_partial = t->end > t->start;
    if (t->flush_partial)
        return true;
    if (!reopen(t))
        return false;
    t->stats.rotations++;
    return true;
}

int logfeed_tail_wait(struct logfeed_tail *t, int wake_fd, int timeout_ms)
{
    struct pollfd pfd[2];
    nfds_t n = 0;

    if (t->path != NULL && check_file(t)) {
        /* read on at once, but never miss a stop request */
        struct pollfd w = {wake_fd, POLLIN, 0};
        return wake_fd >= 0 && poll(&w, 1, 0) > 0 ? 1 : 0;
    }
    if (wake_fd >= 0) {
        pfd[n].fd = wake_fd;
        pfd[n++].events = POLLIN;
    }
    if (t->path == NULL) {
        pfd[n].fd = t->fd;
        pfd[n++].events = POLLIN;
    } else if (t->ino_fd >= 0) {
        pfd[n].fd = t->ino_fd;
        pfd[n++].events = POLLIN;
    }
    if (poll(pfd, n, timeout_ms) <= 0)
        return 0;
    watch_drain(t);
    return wake_fd >= 0 && (pfd[0].revents & (POLLIN | POLLHUP)) ? 1 : 0;
}

/* ------------------------------------------------------------ state */

bool logfeed_tail_ended(const struct logfeed_tail *t)
{
    return t->ended;
}

bool logfeed_tail_position(const struct logfeed_tail *t,
                           struct logfeed_pos *pos_r)
{
    if (t->path == NULL || t->fd < 0)
        return false;
    pos_r->dev = t->dev;
    pos_r->ino = t->ino;
    pos_r->offset = t->consumed;
    pos_r->last_len = t->last_len;
    pos_r->last_hash = t->last_hash;
    return true;
}

void logfeed_tail_progress(const struct logfeed_tail *t,
                           unsigned long long *done_r,
                           unsigned long long *size_r)
{
    *done_r = t->consumed;
    *size_r = t->fd >= 0 && t->path != NULL ? file_size(t->fd) : 0;
}

void logfeed_tail_stats(const struct logfeed_tail *t,
                        struct logfeed_tail_stats *stats_r)
{
    *stats_r = t->stats;
}

void logfeed_tail_close(struct logfeed_tail **tailp)
{
    struct logfeed_tail *t = *tailp;

    if (t == NULL)
        return;
    if (t->fd >= 0 && t->fd != STDIN_FILENO)
        (void)close(t->fd);
    if (t->ino_fd >= 0)
        (void)close(t->ino_fd);
    free(t->buf);
    free(t->path);
    free(t->dir);
    free(t);
    *tailp = NULL;
}
