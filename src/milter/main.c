/*
 * main.c - the bounceguard daemon: options, start-up, signals, shutdown.
 *
 * Start-up, in this order: load and check the configuration (-n stops
 * here), detach unless -f, lock the pid file, bind the milter socket (as
 * root, so it may live in a root-owned directory and be handed to the
 * configured user and group), drop privileges, open the filter's resources
 * (milter_start), then run the milter engine on its own thread: bounceguard's
 * own (mengine.h, milter.engine = "event", the default) or libmilter's
 * smfi_main() (milter.engine = "libmilter").  Every start-up
 * failure is fatal with a sysexits(3) code; a detached daemon still reports
 * it on the terminal and through its exit status (daemon.h).
 *
 * Signals: main_start() blocks SIGHUP, SIGUSR1, SIGTERM and SIGINT before
 * any thread exists (store, alerts, monitor, metrics, milter): every thread
 * inherits the mask, and once the milter thread is running only the main
 * thread unblocks them, with handlers that block nothing while they run.
 * The handlers only write one byte to a pipe (non-blocking: a full pipe
 * already holds a byte of the same kind); the main loop reads it and
 * reloads the configuration (HUP, USR1) or stops the engine (TERM, INT:
 * mengine_stop(), or smfi_stop()); between signals it calls milter_tick()
 * every MILTER_TICK seconds.  SIGPIPE is ignored.  (A thread a
 * reload starts, the log feed's, inherits the main thread's open mask; a
 * signal it takes runs the same thread-agnostic handler.)
 *
 * With libmilter only: its own signal thread (started by smfi_main())
 * waits with sigwait(2) for SIGHUP, SIGTERM and SIGINT and stops the
 * milter on any of them.  A process-directed signal goes to the main
 * thread unless that thread already has another signal pending: only in
 * that window can a SIGHUP reach libmilter's thread and stop the daemon
 * (smfi_main() returns and the daemon stops just the same).  SIGUSR1,
 * which libmilter never waits for, always reaches our handler: it is the
 * reload signal to use (the systemd unit does); SIGHUP is kept for habit.
 * SIGUSR2 is used internally to wake libmilter's listener when stopping
 * (main_waker_thread).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libmilter/mfapi.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include "common/cfg.h"
#include "common/daemon.h"
#include "common/log.h"
#include "common/pidfile.h"
#include "common/rulesfile.h"
#include "common/sockspec.h"
#include "metrics/observe.h"
#include "milter/mengine.h"
#include "milter/milter.h"
#include "milter/milter_lm.h"
#include "milter/reload.h"

#define MAIN_DEFAULT_CONF SYSCONFDIR "/bounceguard/bounceguard.conf"
/* seconds the event engine lets open connections finish at a stop */
#define MAIN_STOP_GRACE 5

struct main_daemon {
    char *conf_path; /* absolute: the daemon runs in "/" */
    bool foreground;
    struct bg_config *cfg; /* the start-up snapshot */
    struct daemon_ids ids;
    struct pidfile *pidfile;
    const char *sock_path; /* unix socket file, or NULL */
    ino_t sock_ino;
    int notify_fd; /* to the waiting parent until ready */
    int sig_pipe[2];
    pthread_t milter_thread;
    int milter_status; /* 0 or -1 */
    atomic_bool milter_done; /* the engine has returned */
    struct mengine *engine;  /* NULL with libmilter */
    struct observe *observe; /* rate monitor, metrics endpoint */
};

/* Written once before the handlers are installed; read by them. */
static int main_sig_fd = -1;

static void main_usage(FILE *fp)
{
    fprintf(fp,
            "usage: bounceguard [-fnVh] [-c FILE]\n"
            "  -c FILE  configuration file (default %s)\n"
            "  -f       stay in the foreground, log to stderr as well\n"
            "  -n       check the configuration and exit\n"
            "  -V       print the version and exit\n"
            "  -h       print this help and exit\n",
            MAIN_DEFAULT_CONF);
}

/* Removes the pid file; one left behind (its directory not writable by
 * the daemon's user once privileges are dropped) is logged. */
static void main_pidfile_remove(struct main_daemon *d)
{
    char *path = d->pidfile != NULL ? strdup(pidfile_path(d->pidfile)) : NULL;

    if (pidfile_remove(&d->pidfile) != 0)
        log_warning(NULL, "cannot remove pidfile %s: %s", path ? path : "",
                    strerror(errno));
    free(path);
}

static void main_die(struct main_daemon *d, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4), noreturn));

static void main_die(struct main_daemon *d, int status, const char *fmt, ...)
{
    char text[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    log_error(NULL, "%s", text);
    daemon_notify(&d->notify_fd, status);
    main_pidfile_remove(d);
    exit(status);
}

static void main_options(struct main_daemon *d, int argc, char **argv,
                         bool *check_r)
{
    const char *conf = MAIN_DEFAULT_CONF;
    int ch;

    while ((ch = getopt(argc, argv, "c:fnVh")) != -1) {
        switch (ch) {
        case 'c':
            conf = optarg;
            break;
        case 'f':
            d->foreground = true;
            break;
        case 'n':
            *check_r = true;
            break;
        case 'V':
            printf("bounceguard %s\n", PACKAGE_VERSION);
            exit(0);
        case 'h':
            main_usage(stdout);
            exit(0);
        default:
            main_usage(stderr);
            exit(EX_USAGE);
        }
    }
    if (optind != argc) {
        main_usage(stderr);
        exit(EX_USAGE);
    }
    d->conf_path = realpath(conf, NULL);
    if (d->conf_path == NULL && (d->conf_path = strdup(conf)) == NULL)
        exit(EX_OSERR);
}

/* Loads the file; a broken one ends the process with EX_CONFIG. */
static void main_load(struct main_daemon *d)
{
    char *error;

    if (cfg_load(d->conf_path, &d->cfg, &error) != 0) {
        fprintf(stderr, "bounceguard: %s\n", error);
        free(error);
        exit(EX_CONFIG);
    }
}

static void main_warn(void *ctx, const char *message)
{
    (void)ctx;
    fprintf(stderr, "bounceguard: warning: %s\n", message);
}

static void main_nowarn(void *ctx, const char *message)
{
    (void)ctx;
    (void)message; /* the daemon logs them when it loads the rules */
}

/* -n and start-up: the rules the configuration names load as the daemon
 * would load them; exits 78 with the rules' own FILE:LINE error when they
 * do not (before detaching and binding the socket). */
static void main_check_rules(struct main_daemon *d, rulesfile_warn_fn *warn)
{
    char *error = NULL;
    struct classify_rules_stats stats;

    if (rulesfile_check(&cfg_settings(d->cfg)->classify, &stats, warn, NULL,
                        &error) != 0) {
        fprintf(stderr, "bounceguard: %s\n",
                error != NULL ? error : "cannot load the rules");
        free(error);
        exit(EX_CONFIG);
    }
}

/* The user and group the file names, into *ids; exits 78 when one does
 * not exist (-n checks what the start needs). */
static void main_lookup_accounts(struct main_daemon *d, struct daemon_ids *ids)
{
    const struct bg_settings *s = cfg_settings(d->cfg);
    char *error = NULL;

    if (daemon_ids_lookup(s->user, s->group, ids, &error) != 0) {
        fprintf(stderr, "bounceguard: %s: %s\n", d->conf_path, error);
        free(error);
        exit(EX_CONFIG);
    }
}

static void main_check_identity(struct main_daemon *d)
{
    if (geteuid() == 0 && cfg_settings(d->cfg)->user == NULL) {
        fprintf(stderr,
                "bounceguard: refusing to run as root without a \"user\": "
                "set user in %s\n",
                d->conf_path);
        exit(EX_CONFIG);
    }
    main_lookup_accounts(d, &d->ids);
}

static void main_pidfile(struct main_daemon *d, const char *path)
{
    pid_t holder;

    if (path == NULL || path[0] == '\0')
        return;
    if (pidfile_open(path, &d->pidfile, &holder) == 0)
        return;
    if (holder > 0)
        main_die(d, EX_TEMPFAIL,
                 "pidfile %s is locked by pid %ld: another bounceguard is "
                 "running",
                 path, (long)holder);
    main_die(d, EX_CANTCREAT, "pidfile %s: %s", path, strerror(errno));
}

/* Hands the unix socket to the daemon's user and group: the file opened
 * once (O_PATH, no link followed), checked to be a socket and changed
 * through that descriptor, so that nothing put in its place meanwhile, a
 * link or another file, is what changes owner. */
static void main_socket_owner(struct main_daemon *d)
{
    struct stat st;
    int fd;

    if (d->sock_path == NULL ||
        (fd = open(d->sock_path, O_PATH | O_NOFOLLOW | O_CLOEXEC)) < 0)
        return;
    if (fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode)) {
        close(fd);
        main_die(d, EX_OSERR, "socket %s: no longer a socket", d->sock_path);
    }
    d->sock_ino = st.st_ino;
    if (geteuid() == 0 &&
        fchownat(fd, "", d->ids.uid, d->ids.gid, AT_EMPTY_PATH) != 0) {
        int err = errno;
        close(fd);
        main_die(d, EX_OSERR, "socket %s: chown: %s", d->sock_path,
                 strerror(err));
    }
    close(fd);
}

static bool main_libmilter(const struct bg_settings *s)
{
    return s->milter.engine != NULL &&
           strcmp(s->milter.engine, "libmilter") == 0;
}

/* Binds the socket with the configured umask: libmilter's or ours. */
static int main_bind(struct main_daemon *d, const struct bg_settings *s)
{
    const char *error = NULL;
    char *why = NULL;
    struct mengine_settings es = {
        .socket = s->socket,
        .backlog = (int)s->socket_backlog,
        .threads = (int)s->milter.threads,
        .timeout = s->milter_timeout,
        .grace = MAIN_STOP_GRACE,
    };

    if (!main_libmilter(s)) {
        if (mengine_open(&es, &d->engine, &why) == 0)
            return 0;
        main_die(d, EX_OSERR, "cannot open milter socket %s",
                 why != NULL ? why : s->socket);
    }
    if (smfi_setconn(s->socket) != MI_SUCCESS ||
        smfi_settimeout((int)s->milter_timeout) != MI_SUCCESS ||
        smfi_setbacklog((int)s->socket_backlog) != MI_SUCCESS)
        main_die(d, EX_SOFTWARE, "cannot configure libmilter for %s",
                 s->socket);
    if (milter_lm_register(&error) != 0)
        main_die(d, EX_SOFTWARE, "%s", error);
    return smfi_opensocket(true) == MI_SUCCESS ? 0 : -1;
}

static void main_socket(struct main_daemon *d, const struct bg_settings *s)
{
    const char *error = NULL;
    mode_t mask = (mode_t)strtol(s->umask_str, NULL, 8), old;
    int ret;

    d->sock_path = sockspec_unix_path(s->socket);
    if (d->sock_path != NULL && sockspec_check_stale(d->sock_path, &error) != 0)
        main_die(d, EX_UNAVAILABLE, "socket %s %s", d->sock_path, error);
    old = umask(mask);
    errno = 0;
    ret = main_bind(d, s);
    umask(old);
    if (ret != 0)
        main_die(d, EX_OSERR, "cannot open milter socket %s%s%s", s->socket,
                 errno != 0 ? ": " : "", errno != 0 ? strerror(errno) : "");
    main_socket_owner(d);
}

static void main_privileges(struct main_daemon *d)
{
    char *error = NULL;

    if (geteuid() != 0) {
        if (d->ids.user != NULL && d->ids.uid != geteuid())
            log_warning(NULL, "not started as root: ignoring user \"%s\"",
                        d->ids.user);
        return;
    }
    if (daemon_drop_privileges(&d->ids, &error) != 0)
        main_die(d, EX_OSERR, "cannot drop privileges: %s", error);
}

static void *main_milter_thread(void *arg)
{
    struct main_daemon *d = arg;
    char byte = 'M';
    char *error = NULL;

    if (d->engine != NULL) {
        d->milter_status = mengine_run(d->engine, milter_callbacks(), &error);
        if (error != NULL)
            log_error(NULL, "%s", error);
        free(error);
    } else {
        d->milter_status = smfi_main() == MI_SUCCESS ? 0 : -1;
    }
    atomic_store(&d->milter_done, true);
    if (write(d->sig_pipe[1], &byte, 1) != 1)
        log_error(NULL, "cannot wake the main thread: %s", strerror(errno));
    return NULL;
}

static void main_on_signal(int sig)
{
    int saved = errno;
    char byte = sig == SIGHUP || sig == SIGUSR1 ? 'H' : 'T';

    if (write(main_sig_fd, &byte, 1) < 0) {
        /* pipe full: a byte of the same kind is already waiting */
    }
    errno = saved;
}

static const int main_sigs[] = {SIGHUP, SIGUSR1, SIGTERM, SIGINT};

static void main_sigset(sigset_t *set)
{
    sigemptyset(set);
    for (size_t i = 0; i < sizeof main_sigs / sizeof *main_sigs; i++)
        sigaddset(set, main_sigs[i]);
}

/* Before any thread is created: every thread inherits the blocked set. */
static void main_block_signals(void)
{
    sigset_t set;

    main_sigset(&set);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
}

/* SIGUSR2 only interrupts libmilter's select(2). */
static void main_on_wake(int sig)
{
    (void)sig;
}

/* smfi_stop() waits for a lock libmilter's listener holds across a select(2)
 * of five seconds; this thread interrupts that select until smfi_main()
 * has returned, so a stop takes milliseconds. */
static void *main_waker_thread(void *arg)
{
    struct main_daemon *d = arg;
    struct timespec tick = {0, 50 * 1000 * 1000};

    main_block_signals();
    while (!atomic_load(&d->milter_done)) {
        pthread_kill(d->milter_thread, SIGUSR2);
        nanosleep(&tick, NULL);
    }
    return NULL;
}

static void main_signals(struct main_daemon *d)
{
    /* Empty sa_mask: a second signal during the handler still reaches the
     * main thread, not libmilter's (the handler only writes a byte). */
    struct sigaction sa = {.sa_handler = main_on_signal,
                           .sa_flags = SA_NODEFER};
    struct sigaction wake = {.sa_handler = main_on_wake};
    sigset_t set;

    if (pipe2(d->sig_pipe, O_CLOEXEC) != 0 ||
        fcntl(d->sig_pipe[1], F_SETFL, O_NONBLOCK) != 0)
        main_die(d, EX_OSERR, "pipe: %s", strerror(errno));
    main_sig_fd = d->sig_pipe[1];
    main_sigset(&set);
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR2, &wake, NULL);
    if (pthread_create(&d->milter_thread, NULL, main_milter_thread, d) != 0)
        main_die(d, EX_OSERR, "cannot start the milter thread");
    for (size_t i = 0; i < sizeof main_sigs / sizeof *main_sigs; i++)
        sigaction(main_sigs[i], &sa, NULL);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
}

/* Whether a signal's byte is waiting in the pipe: false after
 * MILTER_TICK seconds without one. */
static bool main_signalled(int fd)
{
    struct pollfd pfd = {.fd = fd, .events = POLLIN};

    return poll(&pfd, 1, MILTER_TICK * 1000) != 0;
}

static void main_loop(struct main_daemon *d)
{
    bool stopping = false, waking = false;
    pthread_t waker;
    char byte;
    ssize_t n;

    for (;;) {
        if (!stopping && !main_signalled(d->sig_pipe[0])) {
            milter_tick();
            continue;
        }
        n = read(d->sig_pipe[0], &byte, 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n != 1 || byte == 'M')
            break;
        if (byte == 'H' && !stopping) {
            (void)reload_config(d->conf_path);
        } else if (byte == 'T' && !stopping) {
            log_notice(NULL, "stopping on signal");
            stopping = true;
            if (d->engine != NULL) {
                mengine_stop(d->engine);
                continue;
            }
            waking = pthread_create(&waker, NULL, main_waker_thread, d) == 0;
            smfi_stop();
        }
    }
    pthread_join(d->milter_thread, NULL);
    if (waking)
        pthread_join(waker, NULL);
}

static void main_cleanup(struct main_daemon *d)
{
    struct stat st;

    milter_shutdown();
    mengine_free(&d->engine);
    observe_stop(&d->observe);
    /* libmilter may have removed the socket; never remove a successor's */
    if (d->sock_path != NULL && stat(d->sock_path, &st) == 0 &&
        st.st_ino == d->sock_ino && unlink(d->sock_path) != 0)
        log_warning(NULL, "cannot remove socket %s: %s", d->sock_path,
                    strerror(errno));
    main_pidfile_remove(d);
    cfg_install(NULL);
    cfg_unref(&d->cfg);
    daemon_ids_free(&d->ids);
    free(d->conf_path);
}

/* The bounce-rate monitor and the metrics endpoint (observe.h). */
static void main_observe(struct main_daemon *d, const struct bg_settings *s)
{
    const char *error = NULL;
    char host[256] = "localhost";

    (void)gethostname(host, sizeof host - 1);
    if (observe_start(s, host, &d->observe, &error) != 0)
        main_die(d, EX_UNAVAILABLE, "metrics/monitor: %s", error);
}

static void main_start(struct main_daemon *d)
{
    const struct bg_settings *s = cfg_settings(d->cfg);
    enum log_level level = LOG_LVL_INFO;
    char *error = NULL;

    if (!log_open("bounceguard", s->syslog_facility, true))
        main_die(d, EX_CONFIG, "unknown syslog facility %s",
                 s->syslog_facility);
    (void)log_level_parse(s->log_level, &level);
    log_set_level(level);
    cfg_install(cfg_ref(d->cfg)); /* cfg_current() for the milter_*() */
    signal(SIGPIPE, SIG_IGN);
    main_block_signals();
    if (!d->foreground && daemon_detach(&d->notify_fd, &error) != 0)
        main_die(d, EX_OSERR, "cannot detach: %s", error);
    main_pidfile(d, s->pidfile);
    main_socket(d, s);
    main_privileges(d);
    if (milter_start(&error) != 0)
        main_die(d, EX_UNAVAILABLE, "%s", error);
    main_observe(d, s);
    main_signals(d);
    log_notice(NULL, "starting bounceguard %s on %s", PACKAGE_VERSION,
               s->socket);
    daemon_notify(&d->notify_fd, 0);
    if (!d->foreground) {
        log_set_stderr(false);
        (void)daemon_stdio_null();
    }
}

int main(int argc, char **argv)
{
    struct main_daemon d = {.notify_fd = -1, .sig_pipe = {-1, -1}};
    bool check_only = false;

    main_options(&d, argc, argv, &check_only);
    main_load(&d);
    if (check_only) {
        main_lookup_accounts(&d, &d.ids);
        daemon_ids_free(&d.ids);
        main_check_rules(&d, main_warn);
        cfg_unref(&d.cfg);
        free(d.conf_path);
        return 0;
    }
    main_check_identity(&d);
    main_check_rules(&d, main_nowarn);
    main_start(&d);
    main_loop(&d);
    log_notice(NULL, "stopped bounceguard %s", PACKAGE_VERSION);
    int status = d.milter_status == 0 ? 0 : EX_SOFTWARE;
    main_cleanup(&d);
    log_close();
    return status;
}
