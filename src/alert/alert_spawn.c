/*
 * alert_spawn.c - fork, exec, feed stdin, wait with a deadline.
 */
#include "config.h"

#include "alert/alert_spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* In the child: stdin from the pipe, the rest to /dev/null, exec. */
static void alert_spawn_child(int rfd, char *const argv[])
{
    static char *const env[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL};
    int null = open("/dev/null", O_RDWR);
    sigset_t none;

    /* The daemon ignores SIGPIPE and blocks its reload/stop signals;
     * a mailer or hook must start with the defaults (single-threaded
     * child, so sigprocmask is right here). */
    signal(SIGPIPE, SIG_DFL);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    if (dup2(rfd, 0) < 0 || null < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0)
        _exit(127);
    execve(argv[0], argv, env);
    _exit(127);
}

/* Writes everything unless the child goes away or the deadline passes. */
static int alert_spawn_feed(int wfd, const char *input, size_t len,
                            time_t deadline)
{
    size_t off = 0;
    while (off < len) {
        struct pollfd p = {wfd, POLLOUT, 0};
        int left = (int)(deadline - time(NULL));
        if (left <= 0)
            return -1;
        int r = poll(&p, 1, left * 1000);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        ssize_t n = write(wfd, input + off, len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        off += (size_t)n;
    }
    return 0;
}

/* Waits until deadline; then TERM, a second, KILL.  Returns the wait
 * status, or -1 when the child had to be killed. */
static int alert_spawn_reap(pid_t pid, time_t deadline)
{
    int status;
    struct timespec tick = {0, 20 * 1000 * 1000};

    for (;;) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid)
            return status;
        if (r < 0 && errno != EINTR)
            return -1;
        if (time(NULL) >= deadline)
            break;
        nanosleep(&tick, NULL);
    }
    kill(pid, SIGTERM);
    sleep(1);
    kill(pid, SIGKILL);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    return -1;
}

int alert_spawn_run(char *const argv[], const char *input, size_t len,
                    unsigned timeout, const char **error_r)
{
    int fds[2];
    sigset_t pipe_set, old;
    time_t deadline = time(NULL) + (time_t)timeout;

    if (pipe2(fds, O_CLOEXEC) < 0) {
        *error_r = "pipe failed";
        return -1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        *error_r = "fork failed";
        return -1;
    }
    if (pid == 0)
        alert_spawn_child(fds[0], argv);
    close(fds[0]);
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
    int fed = alert_spawn_feed(fds[1], input, len, deadline);
    close(fds[1]);
    /* a SIGPIPE raised by the write is pending: take it before unblocking */
    struct timespec zero = {0, 0};
    while (sigtimedwait(&pipe_set, NULL, &zero) > 0)
        ;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    int status = alert_spawn_reap(pid, deadline);
    if (status < 0) {
        *error_r = "timed out and was killed";
        return -1;
    }
    if (!WIFEXITED(status)) {
        *error_r = "killed by a signal";
        return -1;
    }
    if (WEXITSTATUS(status) == 127) {
        *error_r = "could not be executed";
        return -1;
    }
    if (fed < 0 && WEXITSTATUS(status) == 0) {
        *error_r = "did not read its input";
        return -1;
    }
    return WEXITSTATUS(status);
}
