/*
 * logfeed_tail.h - reading a log line by line, following it as it grows
 * and across rotation, or reading standard input.
 *
 * A file is followed like "tail -F", but without losing or repeating a
 * line:
 *   - rename rotation (logrotate's default, "postfix logrotate"): when the
 *     path names another, non-empty file, the old one is read to its end
 *     first, then the new one from its start (an empty new file, as
 *     logrotate's "create" makes before the writer reopens, does not end
 *     the old one yet);
 *   - copytruncate: when the file became shorter than what was read, or
 *     the last line read is no longer where it was, reading restarts at 0
 *     (lines written between the copy and the truncation are in the copy
 *     only: that is the nature of copytruncate);
 *   - restart: reading resumes at a saved position (logfeed_pos.h) when
 *     it still names the same file and the last line read is still there;
 *     when the file was rotated meanwhile and "PATH.1" is the saved file,
 *     that one is finished first; otherwise the new file is read from its
 *     start.
 * Changes are noticed through inotify (the file and its directory), and
 * also every poll interval, so a file system without inotify still works.
 *
 * Lines longer than max_line are cut: the first max_line bytes are
 * returned and the rest is skipped (counted in stats.cut_lines).
 *
 * Ownership: a struct logfeed_tail owns its descriptors and buffer; a line
 * returned by logfeed_tail_next() is valid until the next call.
 * Thread-safety: one thread at a time per struct logfeed_tail.
 * Errors: *error_r is malloc'ed text the caller frees.
 */
#ifndef BG_LOGFEED_TAIL_H
#define BG_LOGFEED_TAIL_H

#include <stdbool.h>
#include <stddef.h>

#include "logfeed/logfeed_pos.h"

struct logfeed_tail_settings {
    const char *path;  /* "-" = standard input */
    bool follow;       /* false: read once to the end and stop */
    bool start_at_end; /* no usable position: skip what is there */
    size_t max_line;   /* bytes of one line; at least 256 */
};

struct logfeed_tail_stats {
    unsigned long long lines;
    unsigned long long bytes;
    unsigned long long rotations;   /* switched to a new file */
    unsigned long long truncations; /* restarted a truncated file */
    unsigned long long cut_lines;   /* over max_line */
};

struct logfeed_tail;

/* Opens the source; saved (may be NULL) is the position to resume from.
 * A followed file that does not exist yet is waited for.  *note_r (may be
 * NULL) receives a static text telling where reading starts. */
int logfeed_tail_open(const struct logfeed_tail_settings *set,
                      const struct logfeed_pos *saved,
                      struct logfeed_tail **tail_r, const char **note_r,
                      char **error_r);

/* Returns 1 and the next complete line (without its newline), 0 when no
 * complete line is available (follow: call logfeed_tail_wait(); once: the
 * end was reached), -1 on a read error or when the followed file (or its
 * rotated successor) exists but cannot be opened (*error_r; once per
 * cause: following goes on). */
int logfeed_tail_next(struct logfeed_tail *tail, const char **line_r,
                      size_t *len_r, char **error_r);

/* Follow mode: checks for rotation and truncation, then waits up to
 * timeout_ms for the file to change or for wake_fd (may be -1) to become
 * readable.  Returns 1 when wake_fd is readable, 0 otherwise. */
int logfeed_tail_wait(struct logfeed_tail *tail, int wake_fd, int timeout_ms);

/* True when standard input was closed: nothing more will come. */
bool logfeed_tail_ended(const struct logfeed_tail *tail);
/* The position after the last line returned (nothing for stdin: false). */
bool logfeed_tail_position(const struct logfeed_tail *tail,
                           struct logfeed_pos *pos_r);
/* Bytes of the current file and offset read so far (for progress). */
void logfeed_tail_progress(const struct logfeed_tail *tail,
                           unsigned long long *done_r,
                           unsigned long long *size_r);
void logfeed_tail_stats(const struct logfeed_tail *tail,
                        struct logfeed_tail_stats *stats_r);
void logfeed_tail_close(struct logfeed_tail **tail);

#endif
