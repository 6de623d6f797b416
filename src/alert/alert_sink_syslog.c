/*
 * alert_sink_syslog.c - alerts as syslog lines at their own priority
 * (default LOG_ALERT), so that a syslog rule can route them apart from the
 * ordinary log (which log.c writes at err/warning/notice/info/debug).  The
 * facility is the one log_open() chose.  Stateless apart from the
 * priority; syslog(3) is thread-safe.
 */
#include "config.h"

#include "alert/alert_sink.h"

#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "alert/alert_format.h"

struct syslog_state {
    int priority;
};

static bool syslog_enabled(const struct alert_settings *set)
{
    return set->syslog;
}

static int syslog_priority(const char *name)
{
    static const struct {
        const char *name;
        int prio;
    } map[] = {{"alert", LOG_ALERT},
               {"crit", LOG_CRIT},
               {"err", LOG_ERR},
               {"warning", LOG_WARNING}};
    for (size_t i = 0; name != NULL && i < sizeof map / sizeof map[0]; i++)
        if (strcmp(name, map[i].name) == 0)
            return map[i].prio;
    return LOG_ALERT;
}

static int syslog_open(const struct alert_settings *set, void **state_r,
                       const char **error_r)
{
    struct syslog_state *st = calloc(1, sizeof *st);
    if (st == NULL) {
        *error_r = "out of memory";
        return -1;
    }
    st->priority = syslog_priority(set->syslog_priority);
    *state_r = st;
    return 0;
}

static int syslog_send(void *state, const struct alert_sink_env *env,
                       const struct alert_msg *msg, const char **error_r)
{
    struct syslog_state *st = state;
    char line[2048];
    (void)env;
    (void)error_r;
    alert_format_line(msg, line, sizeof line);
    syslog(st->priority, "%s", line);
    return 0;
}

static void syslog_close(void **state)
{
    free(*state);
    *state = NULL;
}

const struct alert_sink_ops alert_sink_syslog = {
    "syslog", syslog_enabled, syslog_open, syslog_send, syslog_close,
};
