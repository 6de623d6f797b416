/*
 * mengine.h - bounceguard's own milter engine: the listening socket, an
 * epoll(7) loop served by a small pool of threads, and the protocol of
 * each connection (mproto.h) driving the filter's callbacks (mtx.h).
 *
 * Why not one thread per connection: the MTA sends most steps without
 * waiting for a reply (connect, MAIL, headers), so several packets usually
 * arrive together; they are read in one go and answered in one write.  A
 * connection is served by one thread at a time (EPOLLONESHOT), so a
 * callback that blocks (a store or DNS lookup) holds up only its own
 * connection; at most `threads` callbacks run at once.
 *
 * Life cycle, from one thread: mengine_open() (as root, before the
 * privilege drop: it binds), mengine_run() (blocks until stopped),
 * mengine_free().  mengine_stop() may be called from any thread: a new
 * connection is closed at once (the MTA applies its default action), those
 * open get `grace` seconds to finish, then
 * are closed (their close callback runs) and mengine_run() returns.
 * A connection idle longer than `timeout` seconds is closed.
 */
#ifndef BG_MENGINE_H
#define BG_MENGINE_H

#include "milter/mtx.h"

struct mengine;

struct mengine_settings {
    const char *socket; /* "unix:PATH", "local:PATH", "inet:PORT@HOST",
                           "inet6:PORT@HOST" or a bare path */
    int backlog;
    int threads;          /* 1 .. 256 */
    long long timeout;    /* seconds a connection may stay idle */
    long long grace;      /* seconds open connections get at stop */
};

/* Binds and listens; 0, or -1 with *error_r (malloc'ed). */
int mengine_open(const struct mengine_settings *s, struct mengine **e_r,
                 char **error_r);
/* Serves connections until mengine_stop(); 0, or -1 with *error_r
 * (malloc'ed) when the threads cannot start. */
int mengine_run(struct mengine *e, const struct milter_callbacks *cb,
                char **error_r);
void mengine_stop(struct mengine *e);
void mengine_free(struct mengine **e);

#endif
