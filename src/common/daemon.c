/*
 * daemon.c - implementation of daemon.h.
 */
#include "config.h"

#include "common/daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <unistd.h>

static char *daemon_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static char *daemon_error(const char *fmt, ...)
{
    char *text;
    va_list ap;

    va_start(ap, fmt);
    if (vasprintf(&text, fmt, ap) < 0)
        text = NULL;
    va_end(ap);
    return text;
}

int daemon_ids_lookup(const char *user, const char *group,
                      struct daemon_ids *ids_r, char **error_r)
{
    ids_r->uid = (uid_t)-1;
    ids_r->gid = (gid_t)-1;
    ids_r->user = NULL;
    if (user != NULL) {
        struct passwd *pw = getpwnam(user);
        if (pw == NULL) {
            *error_r = daemon_error("user \"%s\" does not exist", user);
            return -1;
        }
        ids_r->uid = pw->pw_uid;
        ids_r->gid = pw->pw_gid;
        if ((ids_r->user = strdup(user)) == NULL) {
            *error_r = daemon_error("out of memory");
            return -1;
        }
    }
    if (group != NULL) {
        struct group *gr = getgrnam(group);
        if (gr == NULL) {
            *error_r = daemon_error("group \"%s\" does not exist", group);
            daemon_ids_free(ids_r);
            return -1;
        }
        ids_r->gid = gr->gr_gid;
    }
    return 0;
}

void daemon_ids_free(struct daemon_ids *ids)
{
    free(ids->user);
    ids->user = NULL;
}

int daemon_drop_privileges(const struct daemon_ids *ids, char **error_r)
{
    if (initgroups(ids->user, ids->gid) != 0) {
        *error_r =
            daemon_error("initgroups(%s): %s", ids->user, strerror(errno));
        return -1;
    }
    if (setgid(ids->gid) != 0) {
        *error_r =
            daemon_error("setgid(%ld): %s", (long)ids->gid, strerror(errno));
        return -1;
    }
    if (setuid(ids->uid) != 0) {
        *error_r =
            daemon_error("setuid(%ld): %s", (long)ids->uid, strerror(errno));
        return -1;
    }
    if (ids->uid != 0 && (setuid(0) == 0 || geteuid() == 0)) {
        *error_r = daemon_error("root privileges could be regained");
        return -1;
    }
    return 0;
}

/* The original process: waits for the status byte of the grandchild. */
static void daemon_wait_ready(int fd, pid_t child)
{
    unsigned char status = EX_SOFTWARE;
    ssize_t n;

    (void)waitpid(child, NULL, 0);
    do
        n = read(fd, &status, 1);
    while (n < 0 && errno == EINTR);
    _exit(n == 1 ? status : EX_SOFTWARE);
}

int daemon_detach(int *notify_fd_r, char **error_r)
{
    int fds[2];
    pid_t pid;

    if (pipe2(fds, O_CLOEXEC) != 0) {
        *error_r = daemon_error("pipe: %s", strerror(errno));
        return -1;
    }
    if ((pid = fork()) < 0) {
        *error_r = daemon_error("fork: %s", strerror(errno));
        return -1;
    }
    if (pid > 0) {
        close(fds[1]);
        daemon_wait_ready(fds[0], pid);
    }
    close(fds[0]);
    if (setsid() < 0 || (pid = fork()) < 0) {
        daemon_notify(&fds[1], EX_OSERR);
        _exit(EX_OSERR);
    }
    if (pid > 0)
        _exit(0);
    if (chdir("/") != 0) {
        *error_r = daemon_error("chdir /: %s", strerror(errno));
        daemon_notify(&fds[1], EX_OSERR);
        return -1;
    }
    *notify_fd_r = fds[1];
    return 0;
}

void daemon_notify(int *notify_fd, int status)
{
    unsigned char byte = (unsigned char)status;

    if (*notify_fd < 0)
        return;
    if (write(*notify_fd, &byte, 1) != 1) {
        /* the parent is gone: nobody to tell */
    }
    close(*notify_fd);
    *notify_fd = -1;
}

int daemon_stdio_null(void)
{
    int fd = open("/dev/null", O_RDWR);

    if (fd < 0)
        return -1;
    for (int i = 0; i <= 2; i++)
        if (fd != i && dup2(fd, i) < 0)
            return -1;
    if (fd > 2)
        close(fd);
    return 0;
}
