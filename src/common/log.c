/*
 * log.c - implementation of log.h: syslog plus, in the foreground, stderr.
 *
 * The process-wide state (ident, level, stderr flag) is set once at start-up
 * by log_open() and read by every thread afterwards; the level is an atomic
 * so a reload may change it while callbacks log.  Each line is formatted into
 * one bounded buffer and handed to syslog(3) and to a single write(2) on
 * stderr, so lines of concurrent threads never interleave.  Lines longer than
 * LOG_LINE_MAX bytes are truncated and end in "...".
 */
#include "config.h"

#include "common/log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <unistd.h>

#define LOG_LINE_MAX 2048
#define LOG_IDENT_MAX 64

/* Written by log_open() before any thread starts; read-only afterwards. */
static char log_ident[LOG_IDENT_MAX] = "bounceguard";
/* Before log_open() lines go to stderr only (tools, tests). */
static atomic_bool log_to_stderr = true;
static atomic_bool log_syslog_open;
static atomic_int log_level = LOG_LVL_INFO;

static const char *const log_level_names[] = {
    [LOG_LVL_ERROR] = "error",   [LOG_LVL_WARNING] = "warning",
    [LOG_LVL_NOTICE] = "notice", [LOG_LVL_INFO] = "info",
    [LOG_LVL_DEBUG] = "debug",
};

static const struct {
    const char *name;
    int facility;
} log_facilities[] = {
    {"mail", LOG_MAIL},     {"daemon", LOG_DAEMON}, {"user", LOG_USER},
    {"local0", LOG_LOCAL0}, {"local1", LOG_LOCAL1}, {"local2", LOG_LOCAL2},
    {"local3", LOG_LOCAL3}, {"local4", LOG_LOCAL4}, {"local5", LOG_LOCAL5},
    {"local6", LOG_LOCAL6}, {"local7", LOG_LOCAL7},
};

static bool log_facility_parse(const char *name, int *facility_r)
{
    for (size_t i = 0; i < sizeof log_facilities / sizeof *log_facilities;
         i++) {
        if (strcasecmp(name, log_facilities[i].name) == 0) {
            *facility_r = log_facilities[i].facility;
            return true;
        }
    }
    return false;
}

bool log_open(const char *ident, const char *facility, bool to_stderr)
{
    int fac;

    if (!log_facility_parse(facility != NULL ? facility : "mail", &fac))
        return false;
    if (ident != NULL)
        snprintf(log_ident, sizeof log_ident, "%s", ident);
    if (atomic_exchange(&log_syslog_open, true))
        closelog();
    openlog(log_ident, LOG_PID | LOG_NDELAY, fac);
    atomic_store(&log_to_stderr, to_stderr);
    return true;
}

void log_set_stderr(bool to_stderr)
{
    atomic_store(&log_to_stderr, to_stderr);
}

void log_close(void)
{
    if (atomic_exchange(&log_syslog_open, false))
        closelog();
}

void log_set_level(enum log_level level)
{
    if ((int)level < LOG_LVL_ERROR || level > LOG_LVL_DEBUG)
        level = LOG_LVL_DEBUG;
    atomic_store(&log_level, (int)level);
}

enum log_level log_get_level(void)
{
    return (enum log_level)atomic_load(&log_level);
}

bool log_enabled(enum log_level level)
{
    return (int)level <= atomic_load(&log_level);
}

bool log_level_parse(const char *name, enum log_level *level_r)
{
    for (int i = LOG_LVL_ERROR; i <= LOG_LVL_DEBUG; i++) {
        if (strcasecmp(name, log_level_names[i]) == 0) {
            *level_r = (enum log_level)i;
            return true;
        }
    }
    return false;
}

const char *log_level_name(enum log_level level)
{
    if ((int)level < LOG_LVL_ERROR || level > LOG_LVL_DEBUG)
        return "unknown";
    return log_level_names[level];
}

static int log_syslog_priority(enum log_level level)
{
    switch (level) {
    case LOG_LVL_ERROR:
        return LOG_ERR;
    case LOG_LVL_WARNING:
        return LOG_WARNING;
    case LOG_LVL_NOTICE:
        return LOG_NOTICE;
    case LOG_LVL_INFO:
        return LOG_INFO;
    default:
        return LOG_DEBUG;
    }
}

/* Postfix marks only the unusual: "warning: ", "error: ". */
static const char *log_prefix(enum log_level level)
{
    switch (level) {
    case LOG_LVL_ERROR:
        return "error: ";
    case LOG_LVL_WARNING:
        return "warning: ";
    default:
        return "";
    }
}

/* Appends "..." when vsnprintf truncated; len is the untruncated length. */
static void log_mark_truncated(char *buf, size_t size, int len)
{
    if (len >= 0 && (size_t)len >= size && size > 4)
        memcpy(buf + size - 4, "...", 4);
}

static void log_write_stderr(const char *line)
{
    char out[LOG_LINE_MAX + LOG_IDENT_MAX + 32];
    int n = snprintf(out, sizeof out, "%s[%ld]: %s\n", log_ident,
                     (long)getpid(), line);

    if (n < 0)
        return;
    if ((size_t)n >= sizeof out) {
        n = (int)sizeof out - 1;
        out[n - 1] = '\n';
    }
    /* One write per line; a failing stderr is not worth a diagnostic. */
    ssize_t w = write(STDERR_FILENO, out, (size_t)n);
    (void)w;
}

void log_msg(enum log_level level, const char *queue_id, const char *fmt, ...)
{
    char text[LOG_LINE_MAX];
    char line[LOG_LINE_MAX];
    int saved_errno = errno;
    va_list ap;
    int n;

    if (!log_enabled(level))
        return;
    va_start(ap, fmt);
    n = vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (n < 0)
        snprintf(text, sizeof text, "(unformattable log message)");
    log_mark_truncated(text, sizeof text, n);

    if (queue_id != NULL && *queue_id != '\0')
        n = snprintf(line, sizeof line, "%s%s: %s", log_prefix(level), queue_id,
                     text);
    else
        n = snprintf(line, sizeof line, "%s%s", log_prefix(level), text);
    log_mark_truncated(line, sizeof line, n);

    if (atomic_load(&log_syslog_open))
        syslog(log_syslog_priority(level), "%s", line);
    if (atomic_load(&log_to_stderr))
        log_write_stderr(line);
    errno = saved_errno;
}
