/*
 * logfeed-follow.c - test driver of the log follower (logfeed_tail.h and
 * logfeed_pos.h): follows FILE and prints every line it reads to stdout,
 * saving the position in STATE after every burst of lines and on exit.
 * SIGTERM or SIGINT stop it cleanly.
 *
 * Usage: logfeed-follow FILE STATE [start-at-end]
 * Diagnostics (rotations, truncations, where it started) go to stderr.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "logfeed/logfeed_pos.h"
#include "logfeed/logfeed_tail.h"

static void save(struct logfeed_tail *tail, const char *state)
{
    struct logfeed_pos pos;
    const char *err;

    if (logfeed_tail_position(tail, &pos) &&
        logfeed_pos_save(state, &pos, &err) < 0)
        fprintf(stderr, "logfeed-follow: %s: %s\n", state, err);
}

static int follow(struct logfeed_tail *tail, const char *state, int sfd)
{
    const char *line;
    size_t len;
    char *err = NULL;

    for (;;) {
        int rc = logfeed_tail_next(tail, &line, &len, &err);
        if (rc < 0) {
            fprintf(stderr, "logfeed-follow: %s\n", err);
            free(err);
            return 1;
        }
        if (rc > 0) {
            fwrite(line, 1, len, stdout);
            putchar('\n');
            continue;
        }
        fflush(stdout);
        save(tail, state);
        if (logfeed_tail_wait(tail, sfd, 200) > 0)
            return 0;
    }
}

int main(int argc, char **argv)
{
    struct logfeed_tail_settings set = {0};
    struct logfeed_tail_stats st;
    struct logfeed_tail *tail;
    struct logfeed_pos saved;
    const char *err = NULL, *note = NULL;
    char *error = NULL;
    sigset_t mask;
    int have, rc;

    if (argc < 3) {
        fprintf(stderr, "usage: logfeed-follow FILE STATE [start-at-end]\n");
        return 64;
    }
    sigemptyset(&mask);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGINT);
    sigprocmask(SIG_BLOCK, &mask, NULL);
    int sfd = signalfd(-1, &mask, SFD_CLOEXEC);

    have = logfeed_pos_load(argv[2], &saved, &err);
    if (have < 0) {
        fprintf(stderr, "logfeed-follow: %s: %s\n", argv[2], err);
        return 1;
    }
    set.path = argv[1];
    set.follow = true;
    set.start_at_end = argc > 3 && strcmp(argv[3], "start-at-end") == 0;
    set.max_line = 16384;
    if (logfeed_tail_open(&set, have ? &saved : NULL, &tail, &note, &error) <
        0) {
        fprintf(stderr, "logfeed-follow: %s\n", error);
        return 1;
    }
    fprintf(stderr, "logfeed-follow: %s\n", note);
    rc = follow(tail, argv[2], sfd);
    fflush(stdout);
    save(tail, argv[2]);
    logfeed_tail_stats(tail, &st);
    fprintf(stderr,
            "logfeed-follow: lines=%llu rotations=%llu "
            "truncations=%llu cut=%llu\n",
            st.lines, st.rotations, st.truncations, st.cut_lines);
    logfeed_tail_close(&tail);
    close(sfd);
    return rc;
}
