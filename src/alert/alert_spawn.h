/*
 * alert_spawn.h - running a helper program (sendmail, an admin's hook)
 * with a payload on its standard input and a time limit.
 *
 * alert_spawn_run() forks, execs argv[0] with argv (no shell), writes
 * input[len] to the child's stdin, closes it, and waits.  A child still
 * running after timeout seconds is killed (SIGTERM, then SIGKILL).  The
 * child's stdout and stderr go to /dev/null; the environment is reduced
 * to PATH.  SIGPIPE is ignored for the write (MSG_NOSIGNAL is not
 * available on pipes: the caller's thread blocks SIGPIPE while writing).
 *
 * Thread-safe (no shared state); it blocks the calling thread for at most
 * about timeout + 1 seconds, so call it from the alert dispatcher only,
 * never from a milter callback.
 */
#ifndef BG_ALERT_SPAWN_H
#define BG_ALERT_SPAWN_H

#include <stddef.h>

/* Returns the child's exit status (0..255) or -1 with *error_r (static:
 * fork/exec failure, timeout, killed by a signal). */
int alert_spawn_run(char *const argv[], const char *input, size_t len,
                    unsigned timeout, const char **error_r);

#endif
