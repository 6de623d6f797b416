/*
 * stepmilter.c - a milter that does no work, on bounceguard's own protocol
 * codec (src/milter/mproto.c), taking the same protocol steps as
 * bounceguard: the benchmark's floor for a filter that sees the mail.
 *
 * bench/milter/run.sh attaches it to a Postfix instance to measure what the
 * steps of the milter protocol cost Postfix, apart from any work a filter
 * does.  Whatever bounceguard's own work costs shows as the difference
 * between the two in the same run.
 *
 * Usage: stepmilter -p unix:/path [-d]
 *   Without -d it negotiates what bounceguard negotiates by default on a
 *   unix socket (no HELO, DATA or unknown commands; no reply to connect,
 *   MAIL and headers; recipients the MTA refused), answers "continue" at
 *   RCPT and "accept" at the end of the headers: Postfix then waits for
 *   it three times per message (OPTNEG, RCPT, end of headers) and its
 *   cleanup(8) reads the queued headers back and sends them.
 *   With -d it asks for DATA too and answers "accept" there: the MTA sends
 *   no headers and no body (cleanup(8) is not even handed the filter), the
 *   least a filter that can refuse recipients costs.
 *   The socket is created world-connectable so that Postfix's daemons
 *   (user postfix) reach a filter started by root.
 * One thread, one epoll set; runs until SIGTERM/SIGINT, exits 0, or 1 on a
 * start-up error (message on stderr), 2 on a usage error.  A connection
 * whose input is malformed or holds a packet over 256 KB is closed.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "milter/mproto.h"

#define STEP_IN_MAX (256u * 1024u)

struct step_conn {
    int fd;
    size_t len;
    unsigned char in[STEP_IN_MAX];
};

static volatile sig_atomic_t step_stop;

static void step_on_signal(int sig)
{
    (void)sig;
    step_stop = 1;
}

/* The reply to one packet, appended to out; false closes the
 * connection (QUIT, or out of memory). */
static bool step_answer(const struct mp_packet *p, bool at_data,
                        struct mp_out *out)
{
    uint32_t want = MPP_NOHELO | MPP_NOUNKNOWN | MPP_SKIP | MPP_RCPT_REJ |
                    MPP_NR_CONN | MPP_NR_MAIL | MPP_NR_HDR;
    uint32_t version, actions, offered;

    switch (p->cmd) {
    case MPC_OPTNEG:
        if (!mp_optneg(p, &version, &actions, &offered))
            return false;
        if (!at_data)
            want |= MPP_NODATA;
        return mp_put_optneg(out, MP_VERSION, 0, want & offered);
    case MPC_RCPT:
        return mp_put(out, MPR_CONTINUE, NULL, 0);
    case MPC_DATA:
        return mp_put(out, MPR_ACCEPT, NULL, 0);
    case MPC_EOH:
    case MPC_EOM:
        return mp_put(out, MPR_ACCEPT, NULL, 0);
    case MPC_BODY:
    case MPC_HELO:
    case MPC_UNKNOWN:
        return mp_put(out, MPR_CONTINUE, NULL, 0);
    case MPC_QUIT:
        return false;
    default: /* MACRO, CONNECT, MAIL, HEADER: no reply negotiated; ABORT */
        return true;
    }
}

/* Reads what arrived and answers every whole packet in one write; false
 * when the connection is to be closed. */
static bool step_serve(struct step_conn *c, bool at_data)
{
    struct mp_out out = {0};
    size_t off = 0;
    bool keep = true;
    ssize_t n = read(c->fd, c->in + c->len, sizeof c->in - c->len);

    if (n <= 0)
        return n < 0 && (errno == EAGAIN || errno == EINTR);
    c->len += (size_t)n;
    while (keep) {
        struct mp_packet p;
        long used = mp_next(c->in + off, c->len - off, MP_PACKET_MAX, &p);

        if (used < 0)
            keep = false;
        if (used <= 0)
            break;
        keep = step_answer(&p, at_data, &out);
        off += (size_t)used;
    }
    if (keep && c->len == sizeof c->in && off == 0)
        keep = false; /* a packet larger than the buffer */
    memmove(c->in, c->in + off, c->len - off);
    c->len -= off;
    if (keep && out.len > 0 &&
        write(c->fd, out.buf, out.len) != (ssize_t)out.len)
        keep = false;
    mp_out_free(&out);
    return keep;
}

static int step_listen(const char *spec)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    const char *path = spec + strlen("unix:");
    int fd;

    if (strncmp(spec, "unix:", 5) != 0 || path[0] == '\0' ||
        strlen(path) >= sizeof sa.sun_path) {
        fprintf(stderr, "stepmilter: %s: want unix:/path\n", spec);
        return -1;
    }
    memcpy(sa.sun_path, path, strlen(path) + 1);
    (void)unlink(path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
        listen(fd, 128) != 0 || chmod(path, 0777) != 0) {
        fprintf(stderr, "stepmilter: %s: %s\n", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

static void step_accept(int ep, int lfd)
{
    int fd;

    while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >=
           0) {
        struct step_conn *c = malloc(sizeof *c);
        struct epoll_event ev = {.events = EPOLLIN};

        if (c == NULL) {
            close(fd);
            continue;
        }
        c->fd = fd;
        c->len = 0;
        ev.data.ptr = c;
        if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
            close(fd);
            free(c);
        }
    }
}

static int step_run(int lfd, bool at_data)
{
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
    int ep = epoll_create1(EPOLL_CLOEXEC);

    if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev) != 0) {
        fprintf(stderr, "stepmilter: epoll: %s\n", strerror(errno));
        return 1;
    }
    while (!step_stop) {
        struct epoll_event evs[64];
        int n = epoll_wait(ep, evs, 64, -1);

        if (n < 0 && errno != EINTR) {
            fprintf(stderr, "stepmilter: epoll_wait: %s\n", strerror(errno));
            close(ep);
            return 1;
        }
        for (int i = 0; i < n; i++) {
            struct step_conn *c = evs[i].data.ptr;

            if (c == NULL) {
                step_accept(ep, lfd);
            } else if (!step_serve(c, at_data)) {
                close(c->fd); /* also leaves the epoll set */
                free(c);
            }
        }
    }
    close(ep);
    return 0;
}

int main(int argc, char **argv)
{
    const char *spec = NULL;
    bool at_data = false;
    struct sigaction sa = {.sa_handler = step_on_signal};
    bool usage = false;
    int opt, lfd, rc;

    while ((opt = getopt(argc, argv, "p:d")) != -1) {
        if (opt == 'p')
            spec = optarg;
        else if (opt == 'd')
            at_data = true;
        else
            usage = true;
    }
    if (usage || spec == NULL || optind != argc) {
        fprintf(stderr, "usage: stepmilter -p unix:/path [-d]\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    if ((lfd = step_listen(spec)) < 0)
        return 1;
    rc = step_run(lfd, at_data);
    close(lfd);
    (void)unlink(spec + strlen("unix:"));
    return rc;
}
