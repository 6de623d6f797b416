/*
 * log.h - the one logging module of bounceguard.
 *
 * Postfix-style: one line per event, "bounceguard[pid]: QUEUEID: text" when a
 * queue id is known, "bounceguard[pid]: text" otherwise.  Lines go to syslog
 * (facility from the configuration) and, when running in the foreground, to
 * stderr as well.  Messages above the configured level are dropped cheaply.
 *
 * Thread-safe: may be called from any milter or worker thread.  The pure core
 * (src/core) never logs; it returns results and error strings instead.
 */
#ifndef BG_LOG_H
#define BG_LOG_H

#include <stdbool.h>

enum log_level {
    LOG_LVL_ERROR = 0,
    LOG_LVL_WARNING,
    LOG_LVL_NOTICE,
    LOG_LVL_INFO,
    LOG_LVL_DEBUG,
};

/* Opens syslog with the given ident and facility name ("mail", "local0", ...);
 * to_stderr duplicates every line on stderr.  Returns false for an unknown
 * facility name. */
bool log_open(const char *ident, const char *facility, bool to_stderr);
/* Turns the stderr copy of every line on or off (off once detached). */
void log_set_stderr(bool to_stderr);
void log_set_level(enum log_level level);
enum log_level log_get_level(void);
bool log_enabled(enum log_level level);
/* Parses "error", "warning", "notice", "info", "debug". */
bool log_level_parse(const char *name, enum log_level *level_r);
const char *log_level_name(enum log_level level);
void log_close(void);

/* queue_id may be NULL. */
void log_msg(enum log_level level, const char *queue_id, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define log_error(qid, ...) log_msg(LOG_LVL_ERROR, (qid), __VA_ARGS__)
#define log_warning(qid, ...) log_msg(LOG_LVL_WARNING, (qid), __VA_ARGS__)
#define log_notice(qid, ...) log_msg(LOG_LVL_NOTICE, (qid), __VA_ARGS__)
#define log_info(qid, ...)                                                     \
    do {                                                                       \
        if (log_enabled(LOG_LVL_INFO))                                         \
            log_msg(LOG_LVL_INFO, (qid), __VA_ARGS__);                         \
    } while (0)
#define log_debug(qid, ...)                                                    \
    do {                                                                       \
        if (log_enabled(LOG_LVL_DEBUG))                                        \
            log_msg(LOG_LVL_DEBUG, (qid), __VA_ARGS__);                        \
    } while (0)

#endif
