/*
 * alert_sink.c - the registry of alert sinks and the loop-safety tests.
 */
#include "config.h"

#include "alert/alert_sink.h"

#include <string.h>
#include <strings.h>

const struct alert_sink_ops *const alert_sinks[] = {
    &alert_sink_syslog,
    &alert_sink_mail,
    &alert_sink_webhook,
    &alert_sink_exec,
};
const size_t alert_sinks_count = sizeof alert_sinks / sizeof alert_sinks[0];

unsigned alert_sink_timeout(const struct alert_sink_env *env,
                            unsigned timeout)
{
    time_t left;

    if (env->deadline == 0)
        return timeout;
    left = env->deadline - time(NULL);
    if (left < 1)
        return 1;
    return (time_t)timeout < left ? timeout : (unsigned)left;
}

bool alert_is_own_header(const char *name, const char *value)
{
    (void)value;
    return name != NULL && strcasecmp(name, ALERT_HEADER) == 0;
}

bool alert_is_own_message_id(const char *message_id)
{
    if (message_id == NULL)
        return false;
    if (*message_id == '<')
        message_id++;
    return strncasecmp(message_id, ALERT_MSGID_PREFIX,
                       strlen(ALERT_MSGID_PREFIX)) == 0;
}
