/*
 * alert_sink.h - where alerts go: one backend per file behind a struct of
 * function pointers, and the static registry of all of them.
 *
 *   alert_sink_mail.c     mail to the admins through sendmail(1)
 *   alert_sink_syslog.c   one syslog line at a distinct priority
 *   alert_sink_webhook.c  HTTP POST of a JSON body (libcurl), with retries
 *   alert_sink_exec.c     a command fed the JSON alert on stdin
 *
 * A sink is enabled by its keys in the alerts group (alert_settings); the
 * service opens every enabled sink once, calls send() for each alert
 * from the sink's own thread (never from a milter callback), and closes
 * them at shutdown.  open() copies what it needs from the settings: the
 * snapshot may go away afterwards.  send() may block (network, child process)
 * but must give up within its configured timeout and retries; it sleeps only
 * through env->sleep so that shutdown can cut a back-off short.
 *
 * Loop safety: alert mail is sent with the null envelope sender (so it
 * never bounces back), with "Auto-Submitted: auto-generated", an
 * ALERT_HEADER field, and a Message-ID starting with ALERT_MSGID_PREFIX;
 * the milter recognises those (alert_is_own_*) and neither classifies,
 * suppresses nor alerts on them.
 */
#ifndef BG_ALERT_SINK_H
#define BG_ALERT_SINK_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "alert/alert_agg.h"
#include "common/settings.h"

#define ALERT_HEADER "X-Bounceguard-Alert"
#define ALERT_MSGID_PREFIX "bg-alert."

/* What the dispatcher gives every sink. */
struct alert_sink_env {
    const char *host; /* our host name */
    /* Sleeps up to seconds; returns false when the service is stopping. */
    bool (*sleep)(void *ctx, unsigned seconds);
    void *sleep_ctx;
    /* 0, or the time by which send() must have given up (the service is
     * stopping and the sink's shutdown budget ends then) */
    time_t deadline;
};

/* A sink's own timeout in seconds, cut to what is left before
 * env->deadline (at least 1 second). */
unsigned alert_sink_timeout(const struct alert_sink_env *env,
                            unsigned timeout);

struct alert_sink_ops {
    const char *name;
    bool (*enabled)(const struct alert_settings *set);
    int (*open)(const struct alert_settings *set, void **state_r,
                const char **error_r);
    /* 0 delivered; -1 failed for good, *error_r says why (static text). */
    int (*send)(void *state, const struct alert_sink_env *env,
                const struct alert_msg *msg, const char **error_r);
    void (*close)(void **state);
};

extern const struct alert_sink_ops alert_sink_mail;
extern const struct alert_sink_ops alert_sink_syslog;
extern const struct alert_sink_ops alert_sink_webhook;
extern const struct alert_sink_ops alert_sink_exec;

/* The registry, in delivery order. */
extern const struct alert_sink_ops *const alert_sinks[];
extern const size_t alert_sinks_count;

/* Loop-safety tests for the milter: a header field of ours, a Message-ID
 * (with or without <>) of an alert we sent. */
bool alert_is_own_header(const char *name, const char *value);
bool alert_is_own_message_id(const char *message_id);

#endif
