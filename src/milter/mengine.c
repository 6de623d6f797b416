/*
 * mengine.c - bounceguard's milter engine (see mengine.h): sockets,
 * threads and the per-connection protocol state; the packets themselves
 * are mproto.c's.
 */
#include "config.h"

#include "milter/mengine.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "milter/mproto.h"

#define MENGINE_ARGV_STACK 16
/* a peer that does not read its replies holds a thread at most this long */
#define MENGINE_WRITE_TIMEOUT_MS 30000
/* "accept: too many open files" is logged at most this often */
#define MENGINE_ACCEPT_LOG_MS 10000
#define MENGINE_READ_MIN 16384

struct mconn {
    struct mtx mtx; /* first: the callbacks' handle */
    struct mengine *e;
    int fd;
    unsigned char *in;
    size_t in_len, in_cap;
    struct mp_out out;
    struct mp_macros mac;
    void *priv;
    uint32_t actions, protocol; /* negotiated */
    bool negotiated, in_eom;
    char reply_code[4], reply_xcode[16];
    char *reply_text; /* set by setreply until the next reply */
    atomic_llong last; /* monotonic ms of the last packet */
    atomic_uint turn;  /* handed from thread to thread: see conn_release() */
    atomic_bool swept; /* closed by the supervisor (logged once) */
    struct mconn *prev, *next;
};

struct mengine {
    int lfd, ep, stopfd;
    int threads;
    long long timeout, grace;
    const struct milter_callbacks *cb;
    atomic_bool stopping;
    atomic_bool accept_paused; /* out of descriptors: re-armed by supervise() */
    atomic_llong accept_logged; /* when EMFILE was last logged (ms) */
    pthread_mutex_t lock; /* the connection list */
    struct mconn *conns;
    size_t nconns;
    char lmark, smark; /* epoll tags of the listener and the stop fd */
};

/* Monotonic milliseconds: timeouts a clock change cannot stretch or cut. */
static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ------------------------------------------------------------ mtx ops */

static struct mconn *MC(struct mtx *m)
{
    return m->impl;
}

static void *op_getpriv(struct mtx *m)
{
    return MC(m)->priv;
}

static int op_setpriv(struct mtx *m, void *priv)
{
    MC(m)->priv = priv;
    return 0;
}

static const char *op_symval(struct mtx *m, const char *name)
{
    return mp_macros_get(&MC(m)->mac, name);
}

/* An enhanced status code of the reply's class: "5.1.1", "4.7.26". */
static bool xcode_valid(const char *x, char cls)
{
    size_t n;

    if (x[0] != cls || x[1] != '.')
        return false;
    x += 2;
    for (int part = 0; part < 2; part++) {
        n = strspn(x, "0123456789");
        if (n < 1 || n > 3 || x[n] != (part == 0 ? '.' : '\0'))
            return false;
        x += n + 1;
    }
    return true;
}

static int op_setreply(struct mtx *m, const char *code, const char *xcode,
                       const char *text)
{
    struct mconn *c = MC(m);
    char *t;

    if (code == NULL || strlen(code) != 3 ||
        strspn(code, "0123456789") != 3 || (code[0] != '4' && code[0] != '5'))
        return -1;
    if (xcode != NULL && xcode[0] != '\0' && !xcode_valid(xcode, code[0]))
        return -1;
    t = strdup(text != NULL ? text : "");
    if (t == NULL)
        return -1;
    free(c->reply_text);
    c->reply_text = t;
    memcpy(c->reply_code, code, 4);
    snprintf(c->reply_xcode, sizeof c->reply_xcode, "%s",
             xcode != NULL ? xcode : "");
    return 0;
}

/* A modification: only at end of message, only when negotiated. */
static bool may_modify(struct mconn *c, uint32_t action)
{
    return c->in_eom && (c->actions & action) != 0;
}

static int op_addheader(struct mtx *m, const char *name, const char *value)
{
    struct mconn *c = MC(m);

    if (!may_modify(c, MPA_ADDHDRS))
        return -1;
    return mp_put_strs(&c->out, MPR_ADDHEADER, -1, name, value, NULL) ? 0 : -1;
}

static int op_insheader(struct mtx *m, int index, const char *name,
                        const char *value)
{
    struct mconn *c = MC(m);

    if (!may_modify(c, MPA_ADDHDRS) || index < 0)
        return -1;
    return mp_put_strs(&c->out, MPR_INSHEADER, index, name, value, NULL) ? 0
                                                                         : -1;
}

/* CHGHEADER: the index, the name, the value; an empty value deletes. */
static int op_chgheader(struct mtx *m, int index, const char *name,
                        const char *value)
{
    struct mconn *c = MC(m);

    if (!may_modify(c, MPA_CHGHDRS) || index < 0 || name == NULL ||
        name[0] == '\0')
        return -1;
    return mp_put_strs(&c->out, MPR_CHGHEADER, index, name,
                       value != NULL ? value : "", NULL)
               ? 0
               : -1;
}

static int op_chgfrom(struct mtx *m, const char *from)
{
    struct mconn *c = MC(m);

    if (!may_modify(c, MPA_CHGFROM))
        return -1;
    return mp_put_strs(&c->out, MPR_CHGFROM, -1, from, NULL, NULL) ? 0 : -1;
}

static int op_delrcpt(struct mtx *m, const char *rcpt)
{
    struct mconn *c = MC(m);

    if (!may_modify(c, MPA_DELRCPT))
        return -1;
    return mp_put_strs(&c->out, MPR_DELRCPT, -1, rcpt, NULL, NULL) ? 0 : -1;
}

static int op_negotiated(struct mtx *m, unsigned long *actions_r,
                         unsigned long *protocol_r)
{
    struct mconn *c = MC(m);

    if (!c->negotiated)
        return -1;
    *actions_r = c->actions;
    *protocol_r = c->protocol;
    return 0;
}

static const struct mtx_ops mengine_ops = {
    .getpriv = op_getpriv,
    .setpriv = op_setpriv,
    .symval = op_symval,
    .setreply = op_setreply,
    .addheader = op_addheader,
    .insheader = op_insheader,
    .chgheader = op_chgheader,
    .chgfrom = op_chgfrom,
    .delrcpt = op_delrcpt,
    .negotiated = op_negotiated,
};

/* ------------------------------------------------------------ replies */

static void reply_clear(struct mconn *c)
{
    free(c->reply_text);
    c->reply_text = NULL;
}

/* The answer to a step; nothing when the step was negotiated without a
 * reply (the MTA reads none: one would be taken for the next answer). */
static bool reply(struct mconn *c, enum mstat st, uint32_t noreply_flag)
{
    char r = MPR_CONTINUE;

    if (noreply_flag != 0 && (c->protocol & noreply_flag) != 0) {
        reply_clear(c);
        return true;
    }
    switch (st) {
    case MST_ACCEPT:
        r = MPR_ACCEPT;
        break;
    case MST_REJECT:
    case MST_TEMPFAIL:
        r = st == MST_REJECT ? MPR_REJECT : MPR_TEMPFAIL;
        /* the text set for it, else (none, or one that cannot be sent)
         * the MTA's own */
        if (c->reply_text != NULL &&
            c->reply_code[0] == (st == MST_REJECT ? '5' : '4') &&
            mp_put_reply(&c->out, c->reply_code, c->reply_xcode,
                         c->reply_text))
            r = 0;
        break;
    case MST_DISCARD:
        r = MPR_DISCARD;
        break;
    case MST_SKIP:
        r = (c->protocol & MPP_SKIP) != 0 ? MPR_SKIP : MPR_CONTINUE;
        break;
    default:
        break;
    }
    reply_clear(c);
    return r == 0 || mp_put(&c->out, r, NULL, 0);
}

/* ---------------------------------------------------------- commands */

static int do_optneg(struct mconn *c, const struct mp_packet *p)
{
    const struct milter_callbacks *cb = c->e->cb;
    uint32_t version, actions, protocol;
    unsigned long a = 0, pr = 0;
    enum mstat st;

    if (!mp_optneg(p, &version, &actions, &protocol) || version < 2)
        return -1;
    st = cb->negotiate(&c->mtx, actions, protocol, &a, &pr);
    if (st == MST_ALL_OPTS) {
        a = actions;
        pr = 0;
    } else if (st != MST_CONTINUE) {
        return -1;
    }
    c->actions = (uint32_t)a & actions;
    c->protocol = (uint32_t)pr & protocol;
    c->negotiated = true;
    return mp_put_optneg(&c->out, version < MP_VERSION ? version : MP_VERSION,
                         c->actions, c->protocol)
               ? 0
               : -1;
}

/* The client address as libmilter would give it: normalised text, "" for
 * a unix socket or an unknown family. */
static void client_text(char family, const char *addr, char *buf,
                        size_t size)
{
    unsigned char bin[sizeof(struct in6_addr)];

    buf[0] = '\0';
    if (family == '4' && inet_pton(AF_INET, addr, bin) == 1)
        inet_ntop(AF_INET, bin, buf, (socklen_t)size);
    else if (family == '6') {
        if (strncasecmp(addr, "IPv6:", 5) == 0)
            addr += 5;
        if (inet_pton(AF_INET6, addr, bin) == 1)
            inet_ntop(AF_INET6, bin, buf, (socklen_t)size);
    }
}

static int do_connect(struct mconn *c, const struct mp_packet *p)
{
    const char *host, *addr;
    char family, text[INET6_ADDRSTRLEN];
    unsigned port;
    enum mstat st;

    if (!mp_connect(p, &host, &family, &port, &addr))
        return -1;
    client_text(family, addr, text, sizeof text);
    st = c->e->cb->connect(&c->mtx, host, text, text[0] ? port : 0);
    return reply(c, st, MPP_NR_CONN) ? 0 : -1;
}

static int run_args(struct mconn *c, char cmd, const char **argv)
{
    const struct milter_callbacks *cb = c->e->cb;
    enum mstat st;

    switch (cmd) {
    case MPC_HELO:
        st = cb->helo(&c->mtx, argv[0]);
        return reply(c, st, MPP_NR_HELO) ? 0 : -1;
    case MPC_MAIL:
        mp_macros_clear(&c->mac, MPS_RCPT);
        st = cb->envfrom(&c->mtx, (char **)argv);
        return reply(c, st, MPP_NR_MAIL) ? 0 : -1;
    default:
        st = cb->envrcpt(&c->mtx, (char **)argv);
        return reply(c, st, MPP_NR_RCPT) ? 0 : -1;
    }
}

/* MAIL, RCPT, HELO: the strings of the packet as an argv (on the stack
 * for the usual few ESMTP parameters). */
static int do_args(struct mconn *c, const struct mp_packet *p)
{
    const char *stack[MENGINE_ARGV_STACK], **argv = stack;
    size_t max = MENGINE_ARGV_STACK;
    int rc;

    if (memchr(p->data, '\0', p->len) != NULL) {
        size_t n = 1;

        for (size_t i = 0; i < p->len; i++)
            n += p->data[i] == '\0';
        if (n > max) {
            argv = calloc(n, sizeof *argv);
            max = n;
        }
    }
    if (argv == NULL)
        return -1;
    rc = mp_strings(p, argv, max) < 1 ? -1 : run_args(c, p->cmd, argv);
    if (argv != stack)
        free(argv);
    return rc;
}

static int do_header(struct mconn *c, const struct mp_packet *p)
{
    const char *name, *value;
    enum mstat st;

    if (!mp_header(p, &name, &value))
        return -1;
    st = c->e->cb->header(&c->mtx, name, value);
    return reply(c, st, MPP_NR_HDR) ? 0 : -1;
}

static int do_eom(struct mconn *c, const struct mp_packet *p)
{
    enum mstat st;

    if (p->len > 0) /* Sendmail may bring the last chunk */
        (void)c->e->cb->body(&c->mtx, p->data, p->len);
    c->in_eom = true;
    st = c->e->cb->eom(&c->mtx);
    c->in_eom = false;
    mp_macros_clear(&c->mac, MPS_MAIL);
    return reply(c, st, 0) ? 0 : -1;
}

/* QUIT_NC: the MTA keeps the socket for a new SMTP session, with what was
 * negotiated (the filter asks for it again: mtx_negotiated()). */
static void session_end(struct mconn *c)
{
    if (c->e->cb->close != NULL)
        (void)c->e->cb->close(&c->mtx);
    c->priv = NULL;
    mp_macros_clear(&c->mac, MPS_CONNECT);
}

/* One packet; -1 closes the connection. */
static int dispatch(struct mconn *c, const struct mp_packet *p)
{
    const struct milter_callbacks *cb = c->e->cb;

    if (!c->negotiated && p->cmd != MPC_OPTNEG)
        return -1;
    switch (p->cmd) {
    case MPC_OPTNEG:
        return c->negotiated ? -1 : do_optneg(c, p);
    case MPC_MACRO:
        (void)mp_macros_set(&c->mac, p);
        return 0;
    case MPC_CONNECT:
        return do_connect(c, p);
    case MPC_HELO:
    case MPC_MAIL:
    case MPC_RCPT:
        return do_args(c, p);
    case MPC_HEADER:
        return do_header(c, p);
    case MPC_EOH:
        return reply(c, cb->eoh(&c->mtx), MPP_NR_EOH) ? 0 : -1;
    case MPC_BODY:
        return reply(c, cb->body(&c->mtx, p->data, p->len), MPP_NR_BODY)
                   ? 0
                   : -1;
    case MPC_EOM:
        return do_eom(c, p);
    case MPC_ABORT:
        (void)cb->abort(&c->mtx);
        mp_macros_clear(&c->mac, MPS_MAIL);
        reply_clear(c);
        return 0;
    case MPC_DATA:
        return reply(c, cb->data != NULL ? cb->data(&c->mtx) : MST_CONTINUE,
                     MPP_NR_DATA)
                   ? 0
                   : -1;
    case MPC_UNKNOWN:
        return reply(c, MST_CONTINUE, MPP_NR_UNKN) ? 0 : -1;
    case MPC_QUIT_NC:
        session_end(c);
        return 0;
    default: /* QUIT, or a command this protocol does not know */
        return -1;
    }
}

/* ---------------------------------------------------------------- I/O */

/* Writes what the packets produced; waits for the socket to take it at
 * most MENGINE_WRITE_TIMEOUT_MS (or the idle timeout when shorter): an MTA
 * always reads its replies. */
static bool flush_out(struct mconn *c)
{
    size_t off = 0;

    while (off < c->out.len) {
        ssize_t n = send(c->fd, c->out.buf + off, c->out.len - off,
                         MSG_NOSIGNAL);

        if (n > 0) {
            off += (size_t)n;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            struct pollfd pfd = {c->fd, POLLOUT, 0};
            long long ms = c->e->timeout * 1000;

            if (ms > MENGINE_WRITE_TIMEOUT_MS)
                ms = MENGINE_WRITE_TIMEOUT_MS;
            if (poll(&pfd, 1, (int)ms) <= 0 ||
                (pfd.revents & (POLLERR | POLLHUP)) != 0)
                return false;
        } else {
            return false;
        }
    }
    c->out.len = 0;
    return true;
}

/* Room for the rest of a packet whose head is in the buffer. */
static bool in_reserve(struct mconn *c)
{
    size_t want = MENGINE_READ_MIN;
    unsigned char *b;

    if (c->in_len >= 4) {
        size_t n = (size_t)c->in[0] << 24 | (size_t)c->in[1] << 16 |
                   (size_t)c->in[2] << 8 | c->in[3];

        if (n + 4 > want)
            want = n + 4 <= MP_PACKET_MAX + 4 ? n + 4 : MP_PACKET_MAX + 4;
    }
    if (c->in_len == 0 && c->in_cap > 4 * MENGINE_READ_MIN) {
        free(c->in); /* a big packet has gone: so does its room */
        c->in = NULL;
        c->in_cap = 0;
    }
    if (c->in_cap >= want && c->in_cap - c->in_len >= MENGINE_READ_MIN / 4)
        return true;
    if (want < c->in_len + MENGINE_READ_MIN / 4)
        want = c->in_len + MENGINE_READ_MIN;
    b = realloc(c->in, want);
    if (b == NULL)
        return false;
    c->in = b;
    c->in_cap = want;
    return true;
}

/* Reads what is there and handles every complete packet; false when the
 * connection is over (EOF, error, QUIT, protocol error). */
static bool serve(struct mconn *c)
{
    size_t off = 0;
    ssize_t n;
    bool alive = true;

    if (!in_reserve(c))
        return false;
    do
        n = recv(c->fd, c->in + c->in_len, c->in_cap - c->in_len, 0);
    while (n < 0 && errno == EINTR);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return true;
    if (n <= 0)
        return false;
    c->in_len += (size_t)n;
    atomic_store(&c->last, now_ms());
    for (;;) {
        struct mp_packet p;
        long used = mp_next(c->in + off, c->in_len - off, MP_PACKET_MAX, &p);

        if (used == 0)
            break;
        if (used < 0 || dispatch(c, &p) < 0) {
            alive = false;
            break;
        }
        off += (size_t)used;
    }
    if (c->out.len > 0 && !flush_out(c))
        alive = false;
    memmove(c->in, c->in + off, c->in_len - off);
    c->in_len -= off;
    return alive;
}

/* ------------------------------------------------------- connections */

/* A connection passes from the thread that re-arms it to the thread
 * epoll_wait() hands it to next.  The kernel orders the two; this
 * release/acquire pair says so in the program as well, so that
 * ThreadSanitizer sees the connection's memory handed over.  (GCC 12's
 * ThreadSanitizer still reports the re-arming epoll_ctl(2) against the
 * next thread's close(2) of the same descriptor: it does not know that
 * epoll_wait(2) returns only after the epoll_ctl(2) that armed it.) */
static void conn_release(struct mconn *c)
{
    atomic_fetch_add_explicit(&c->turn, 1, memory_order_release);
}

static void conn_acquire(struct mconn *c)
{
    (void)atomic_load_explicit(&c->turn, memory_order_acquire);
}

static void conn_free(struct mconn *c)
{
    struct mengine *e = c->e;

    pthread_mutex_lock(&e->lock);
    if (c->prev)
        c->prev->next = c->next;
    else
        e->conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    e->nconns--;
    pthread_mutex_unlock(&e->lock);
    if (e->cb != NULL && e->cb->close != NULL)
        (void)e->cb->close(&c->mtx);
    (void)close(c->fd);
    mp_macros_clear(&c->mac, MPS_CONNECT);
    mp_out_free(&c->out);
    reply_clear(c);
    free(c->in);
    free(c);
}

static void conn_add(struct mengine *e, int fd)
{
    struct mconn *c = calloc(1, sizeof *c);
    struct epoll_event ev = {.events = EPOLLIN | EPOLLONESHOT};

    if (c == NULL) {
        log_error(NULL, "milter: out of memory; connection refused");
        (void)close(fd);
        return;
    }
    c->mtx.ops = &mengine_ops;
    c->mtx.impl = c;
    c->e = e;
    c->fd = fd;
    atomic_store(&c->last, now_ms());
    pthread_mutex_lock(&e->lock);
    c->next = e->conns;
    if (e->conns)
        e->conns->prev = c;
    e->conns = c;
    e->nconns++;
    pthread_mutex_unlock(&e->lock);
    /* the MTA writes its OPTNEG as soon as it connects: often it is there
     * already, and answering it now saves a wake-up */
    if (!serve(c)) {
        conn_free(c);
        return;
    }
    ev.data.ptr = c;
    conn_release(c);
    if (epoll_ctl(e->ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
        log_error(NULL, "milter: epoll: %s", strerror(errno));
        conn_free(c);
    }
}

/* Out of descriptors: the pending connection stays queued and the
 * listener would fire again at once, so it rests until the supervisor's
 * next tick; logged at most every MENGINE_ACCEPT_LOG_MS. */
static void accept_pause(struct mengine *e, int err)
{
    long long now = now_ms();

    atomic_store(&e->accept_paused, true);
    if (now - atomic_load(&e->accept_logged) >= MENGINE_ACCEPT_LOG_MS) {
        atomic_store(&e->accept_logged, now);
        log_error(NULL, "milter: accept: %s; new connections wait",
                  strerror(err));
    }
}

static void listener_arm(struct mengine *e)
{
    struct epoll_event ev = {.events = EPOLLIN | EPOLLONESHOT,
                             .data.ptr = &e->lmark};

    if (epoll_ctl(e->ep, EPOLL_CTL_MOD, e->lfd, &ev) != 0)
        log_error(NULL, "milter: cannot listen again: %s", strerror(errno));
}

static void accept_all(struct mengine *e)
{
    for (;;) {
        int fd = accept4(e->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
                errno == ENOMEM) {
                accept_pause(e, errno);
                return;
            }
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                log_warning(NULL, "milter: accept: %s", strerror(errno));
            break;
        }
        if (atomic_load(&e->stopping)) /* the MTA's default action, now */
            (void)close(fd);
        else
            conn_add(e, fd);
    }
    listener_arm(e);
}

static void *worker(void *arg)
{
    struct mengine *e = arg;

    for (;;) {
        struct epoll_event ev;
        int n = epoll_wait(e->ep, &ev, 1, -1);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            log_error(NULL, "milter: epoll_wait: %s", strerror(errno));
            break;
        }
        if (ev.data.ptr == &e->smark)
            break;
        if (ev.data.ptr == &e->lmark) {
            accept_all(e);
            continue;
        }
        struct mconn *c = ev.data.ptr;

        conn_acquire(c);
        if (!serve(c)) {
            conn_free(c);
            continue;
        }
        int fd = c->fd; /* once re-armed, c is another thread's */

        ev.events = EPOLLIN | EPOLLONESHOT;
        conn_release(c);
        if (epoll_ctl(e->ep, EPOLL_CTL_MOD, fd, &ev) != 0)
            conn_free(c); /* not re-armed: still ours */
    }
    return NULL;
}

/* Closes connections idle past idle_ms (the worker serving one then sees
 * its end; idle_ms < 0: all of them); the count of open connections. */
static size_t sweep(struct mengine *e, long long now, long long idle_ms)
{
    size_t n;

    pthread_mutex_lock(&e->lock);
    for (struct mconn *c = e->conns; c != NULL; c = c->next) {
        if (idle_ms >= 0 && now - atomic_load(&c->last) <= idle_ms)
            continue;
        if (!atomic_exchange(&c->swept, true))
            log_info(NULL, "milter: closing a connection %s",
                     idle_ms < 0 ? "still open at stop"
                                 : "idle past milter_timeout");
        (void)shutdown(c->fd, SHUT_RDWR);
    }
    n = e->nconns;
    pthread_mutex_unlock(&e->lock);
    return n;
}

/* --------------------------------------------------------- listening */

static int parse_inet(const char *spec, bool v6, char **host_r,
                      char **port_r)
{
    const char *at = strchr(spec, '@');
    size_t plen = at != NULL ? (size_t)(at - spec) : strlen(spec);

    *port_r = strndup(spec, plen);
    *host_r = at != NULL && at[1] != '\0' ? strdup(at + 1)
                                          : strdup(v6 ? "::" : "0.0.0.0");
    if (*host_r != NULL && (*host_r)[0] == '[') { /* "inet6:PORT@[::1]" */
        size_t n = strlen(*host_r);

        if (n < 2 || (*host_r)[n - 1] != ']')
            return -1;
        memmove(*host_r, *host_r + 1, n - 2);
        (*host_r)[n - 2] = '\0';
    }
    return *port_r != NULL && *host_r != NULL && plen > 0 ? 0 : -1;
}

static int listen_inet(struct mengine *e, const char *spec, bool v6,
                       int backlog, char **error_r)
{
    struct addrinfo hints = {.ai_family = v6 ? AF_INET6 : AF_INET,
                             .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
    struct addrinfo *res = NULL;
    char *host = NULL, *port = NULL;
    int one = 1, rc = -1;

    if (parse_inet(spec, v6, &host, &port) != 0 ||
        getaddrinfo(host, port, &hints, &res) != 0 || res == NULL) {
        if (asprintf(error_r, "bad address or port in \"%s\"", spec) < 0)
            *error_r = NULL;
        goto out;
    }
    e->lfd = socket(res->ai_family,
                    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (e->lfd < 0 ||
        setsockopt(e->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        bind(e->lfd, res->ai_addr, res->ai_addrlen) != 0 ||
        listen(e->lfd, backlog) != 0) {
        if (asprintf(error_r, "%s: %s", spec, strerror(errno)) < 0)
            *error_r = NULL;
        goto out;
    }
    rc = 0;
out:
    if (res != NULL)
        freeaddrinfo(res);
    free(host);
    free(port);
    return rc;
}

static int listen_unix(struct mengine *e, const char *path, int backlog,
                       char **error_r)
{
    struct sockaddr_un sun = {.sun_family = AF_UNIX};

    if (strlen(path) >= sizeof sun.sun_path) {
        if (asprintf(error_r, "socket path too long: %s", path) < 0)
            *error_r = NULL;
        return -1;
    }
    memcpy(sun.sun_path, path, strlen(path) + 1);
    (void)unlink(path); /* the caller found it stale (sockspec.h) */
    e->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (e->lfd < 0 || bind(e->lfd, (struct sockaddr *)&sun, sizeof sun) != 0 ||
        listen(e->lfd, backlog) != 0) {
        if (asprintf(error_r, "%s: %s", path, strerror(errno)) < 0)
            *error_r = NULL;
        return -1;
    }
    return 0;
}

static int listen_spec(struct mengine *e, const char *spec, int backlog,
                       char **error_r)
{
    if (strncmp(spec, "unix:", 5) == 0 || strncmp(spec, "local:", 6) == 0)
        return listen_unix(e, strchr(spec, ':') + 1, backlog, error_r);
    if (strncmp(spec, "inet:", 5) == 0)
        return listen_inet(e, spec + 5, false, backlog, error_r);
    if (strncmp(spec, "inet6:", 6) == 0)
        return listen_inet(e, spec + 6, true, backlog, error_r);
    if (spec[0] == '/')
        return listen_unix(e, spec, backlog, error_r);
    if (asprintf(error_r, "unknown socket type in \"%s\"", spec) < 0)
        *error_r = NULL;
    return -1;
}

int mengine_open(const struct mengine_settings *s, struct mengine **e_r,
                 char **error_r)
{
    struct mengine *e = calloc(1, sizeof *e);

    *e_r = NULL;
    *error_r = NULL;
    if (e == NULL)
        return -1;
    e->lfd = e->ep = e->stopfd = -1;
    e->threads = s->threads < 1 ? 1 : s->threads > 256 ? 256 : s->threads;
    e->timeout = s->timeout > 0 ? s->timeout : 7200;
    e->grace = s->grace >= 0 ? s->grace : 0;
    pthread_mutex_init(&e->lock, NULL);
    if (listen_spec(e, s->socket, s->backlog, error_r) != 0) {
        mengine_free(&e);
        return -1;
    }
    *e_r = e;
    return 0;
}

static int run_setup(struct mengine *e, char **error_r)
{
    struct epoll_event lev = {.events = EPOLLIN | EPOLLONESHOT,
                              .data.ptr = &e->lmark};
    struct epoll_event sev = {.events = EPOLLIN, .data.ptr = &e->smark};

    e->ep = epoll_create1(EPOLL_CLOEXEC);
    e->stopfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (e->ep < 0 || e->stopfd < 0 ||
        epoll_ctl(e->ep, EPOLL_CTL_ADD, e->lfd, &lev) != 0 ||
        epoll_ctl(e->ep, EPOLL_CTL_ADD, e->stopfd, &sev) != 0) {
        if (asprintf(error_r, "epoll: %s", strerror(errno)) < 0)
            *error_r = NULL;
        return -1;
    }
    return 0;
}

/* Waits for the stop, closing idle connections 4 times a second; then for
 * the open ones to finish, at most the grace period. */
static void supervise(struct mengine *e)
{
    struct timespec tick = {0, 250 * 1000 * 1000};
    long long idle = e->timeout * 1000, deadline;

    while (!atomic_load(&e->stopping)) {
        nanosleep(&tick, NULL);
        (void)sweep(e, now_ms(), idle);
        if (atomic_exchange(&e->accept_paused, false))
            listener_arm(e);
    }
    deadline = now_ms() + e->grace * 1000;
    tick.tv_nsec = 50 * 1000 * 1000;
    while (sweep(e, now_ms(), idle) > 0 && now_ms() < deadline)
        nanosleep(&tick, NULL);
    (void)sweep(e, now_ms(), -1); /* wakes a worker stuck writing */
}

int mengine_run(struct mengine *e, const struct milter_callbacks *cb,
                char **error_r)
{
    pthread_t *tids;
    int started = 0;
    uint64_t one = 1;

    *error_r = NULL;
    e->cb = cb;
    if (run_setup(e, error_r) != 0)
        return -1;
    tids = calloc((size_t)e->threads, sizeof *tids);
    if (tids == NULL) {
        if (asprintf(error_r, "milter: out of memory") < 0)
            *error_r = NULL;
        return -1;
    }
    while (started < e->threads &&
           pthread_create(&tids[started], NULL, worker, e) == 0)
        started++;
    if (started == 0) {
        free(tids);
        if (asprintf(error_r, "cannot start the milter threads") < 0)
            *error_r = NULL;
        return -1;
    }
    if (started < e->threads)
        log_warning(NULL, "milter: %d of %d threads started", started,
                    e->threads);
    supervise(e);
    if (write(e->stopfd, &one, sizeof one) < 0)
        log_error(NULL, "milter: cannot stop the threads: %s",
                  strerror(errno));
    for (int i = 0; i < started; i++)
        pthread_join(tids[i], NULL);
    free(tids);
    (void)close(e->lfd); /* connecting now fails at once */
    e->lfd = -1;
    while (e->conns != NULL) /* past the grace period */
        conn_free(e->conns);
    return 0;
}

void mengine_stop(struct mengine *e)
{
    if (e != NULL)
        atomic_store(&e->stopping, true);
}

void mengine_free(struct mengine **ep)
{
    struct mengine *e = *ep;

    if (e == NULL)
        return;
    if (e->lfd >= 0)
        (void)close(e->lfd);
    if (e->ep >= 0)
        (void)close(e->ep);
    if (e->stopfd >= 0)
        (void)close(e->stopfd);
    pthread_mutex_destroy(&e->lock);
    free(e);
    *ep = NULL;
}
