/*
 * daemon.h - the process chores of a Unix daemon: detaching from the
 * terminal, telling the waiting parent how start-up went, and dropping root.
 *
 * Detaching: daemon_detach() forks twice (setsid in between, chdir "/") and
 * returns only in the grandchild, which keeps stderr until it calls
 * daemon_ready(): start-up errors therefore still reach the admin's
 * terminal, and the original parent exits with the status the grandchild
 * reports (0 when ready, the sysexits code of the failure otherwise).
 *
 * Privileges: daemon_ids_lookup() resolves "user" and "group" (the group
 * defaults to the user's primary group); daemon_drop_privileges() sets the
 * supplementary groups, gid and uid, and checks root cannot be regained.
 *
 * Errors are malloc'ed text in *error_r, freed by the caller.  Called from
 * the main thread before any other thread exists.
 */
#ifndef BG_DAEMON_H
#define BG_DAEMON_H

#include <stdbool.h>
#include <sys/types.h>

struct daemon_ids {
    uid_t uid;
    gid_t gid;
    char *user; /* malloc'ed */
};

/* user may be NULL (then only the group is resolved, uid stays -1);
 * group NULL means the user's primary group. */
int daemon_ids_lookup(const char *user, const char *group,
                      struct daemon_ids *ids_r, char **error_r);
void daemon_ids_free(struct daemon_ids *ids);
int daemon_drop_privileges(const struct daemon_ids *ids, char **error_r);

/* Returns 0 in the detached grandchild with *notify_fd_r open; the original
 * process exits there with the reported status.  -1 with *error_r. */
int daemon_detach(int *notify_fd_r, char **error_r);
/* Reports the start-up status (0 = ready) to the waiting parent and closes
 * *notify_fd (set to -1).  A no-op when *notify_fd is -1. */
void daemon_notify(int *notify_fd, int status);
/* Points stdin, stdout and stderr at /dev/null. */
int daemon_stdio_null(void);

#endif
