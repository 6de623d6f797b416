/*
 * alert_sink_exec.c - an admin's command fed each alert as JSON (the
 * "generic" body) on its standard input.  The command is run directly (no
 * shell) with no arguments; exit status 0 is success.  State is used by
 * the dispatcher thread only.
 */
#include "config.h"

#include "alert/alert_sink.h"

#include <stdlib.h>
#include <string.h>

#include "alert/alert_format.h"
#include "alert/alert_spawn.h"

struct exec_state {
    char *command;
    unsigned timeout;
};

static bool exec_enabled(const struct alert_settings *set)
{
    return set->exec_command != NULL && set->exec_command[0] != '\0';
}

static int exec_open(const struct alert_settings *set, void **state_r,
                     const char **error_r)
{
    struct exec_state *st = calloc(1, sizeof *st);
    if (st == NULL || (st->command = strdup(set->exec_command)) == NULL) {
        free(st);
        *error_r = "out of memory";
        return -1;
    }
    st->timeout = set->exec_timeout > 0 ? (unsigned)set->exec_timeout : 30;
    *state_r = st;
    return 0;
}

static int exec_send(void *state, const struct alert_sink_env *env,
                     const struct alert_msg *msg, const char **error_r)
{
    struct exec_state *st = state;
    char *argv[] = {st->command, NULL};
    struct json j;
    int status;

    json_init(&j, JSON_DEFAULT_CAP);
    if (!alert_format_json(msg, ALERT_JSON_GENERIC, env->host, &j)) {
        json_free(&j);
        *error_r = "cannot render the alert";
        return -1;
    }
    status =
        alert_spawn_run(argv, json_str(&j), json_len(&j),
                        alert_sink_timeout(env, st->timeout), error_r);
    json_free(&j);
    if (status > 0)
        *error_r = "the command exited with an error";
    return status == 0 ? 0 : -1;
}

static void exec_close(void **state)
{
    struct exec_state *st = *state;
    if (st == NULL)
        return;
    free(st->command);
    free(st);
    *state = NULL;
}

const struct alert_sink_ops alert_sink_exec = {
    "exec", exec_enabled, exec_open, exec_send, exec_close,
};
