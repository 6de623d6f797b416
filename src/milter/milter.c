/*
 * milter.c - the libmilter callbacks (initial version: observe and log).
 *
 * Every message gets one line at level info when it ends:
 *   QUEUEID: from=<a@b> to=<c@d>, 2 recipients, client=host[addr] (inbound)
 * "non-smtp" when Postfix's non_smtpd_milters hands us a locally submitted
 * message or a bounce Postfix made itself ({daemon_name} absent or the
 * client address missing).  Nothing is changed, every message is accepted.
 *
 * One struct milter_conn per connection (smfi_setpriv); per-message fields
 * are reset by milter_msg_reset(), the one cleanup path shared by eom,
 * abort and close.  Every callback enters and leaves through
 * milter_enter()/milter_leave(), which count the callbacks running, so
 * milter_shutdown() can wait for them.
 */
#include "config.h"

#include "milter/milter.h"

#include <libmilter/mfapi.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"

#define MILTER_SHUTDOWN_WAIT_MS 10000

struct milter_conn {
    char client[300];    /* "name[addr]" */
    bool non_smtp;
    char from[256];
    char first_rcpt[256];
    unsigned rcpts;
};

/* Callbacks running right now: milter_shutdown() waits for zero. */
static atomic_int milter_busy;

static struct milter_conn *milter_enter(SMFICTX *ctx)
{
    atomic_fetch_add(&milter_busy, 1);
    return smfi_getpriv(ctx);
}

static sfsistat milter_leave(sfsistat status)
{
    atomic_fetch_sub(&milter_busy, 1);
    return status;
}

static void milter_msg_reset(struct milter_conn *c)
{
    c->from[0] = '\0';
    c->first_rcpt[0] = '\0';
    c->rcpts = 0;
}

/* Copies an address, stripping one pair of angle brackets. */
static void milter_copy_addr(char *dst, size_t size, const char *src)
{
    size_t len = src != NULL ? strlen(src) : 0;

    if (len >= 2 && src[0] == '<' && src[len - 1] == '>')
        snprintf(dst, size, "%.*s", (int)(len - 2), src + 1);
    else
        snprintf(dst, size, "%s", src != NULL ? src : "");
}

static sfsistat milter_connect(SMFICTX *ctx, char *hostname,
                               _SOCK_ADDR *hostaddr)
{
    struct milter_conn *c = milter_enter(ctx);
    const char *addr = smfi_getsymval(ctx, "{client_addr}");

    if ((c = calloc(1, sizeof *c)) == NULL) {
        log_error(NULL, "out of memory for a new connection");
        return milter_leave(SMFIS_ACCEPT);
    }
    c->non_smtp = hostaddr == NULL ||
                  smfi_getsymval(ctx, "{daemon_name}") == NULL;
    snprintf(c->client, sizeof c->client, "%s[%s]",
             hostname != NULL ? hostname : "unknown",
             addr != NULL ? addr : "unknown");
    if (smfi_setpriv(ctx, c) != MI_SUCCESS) {
        free(c);
        return milter_leave(SMFIS_ACCEPT);
    }
    return milter_leave(SMFIS_CONTINUE);
}

static sfsistat milter_envfrom(SMFICTX *ctx, char **argv)
{
    struct milter_conn *c = milter_enter(ctx);

    if (c == NULL)
        return milter_leave(SMFIS_ACCEPT);
    milter_msg_reset(c);
    milter_copy_addr(c->from, sizeof c->from, argv[0]);
    return milter_leave(SMFIS_CONTINUE);
}

static sfsistat milter_envrcpt(SMFICTX *ctx, char **argv)
{
    struct milter_conn *c = milter_enter(ctx);

    if (c == NULL)
        return milter_leave(SMFIS_ACCEPT);
    if (c->rcpts++ == 0)
        milter_copy_addr(c->first_rcpt, sizeof c->first_rcpt, argv[0]);
    return milter_leave(SMFIS_CONTINUE);
}

static sfsistat milter_eom(SMFICTX *ctx)
{
    struct milter_conn *c = milter_enter(ctx);
    const char *qid = smfi_getsymval(ctx, "i");

    if (c == NULL)
        return milter_leave(SMFIS_ACCEPT);
    log_info(qid != NULL ? qid : "NOQUEUE",
             "from=<%s> to=<%s>, %u recipient%s, client=%s (%s)", c->from,
             c->first_rcpt, c->rcpts, c->rcpts == 1 ? "" : "s", c->client,
             c->non_smtp ? "non-smtp" : "inbound");
    milter_msg_reset(c);
    return milter_leave(SMFIS_ACCEPT);
}

static sfsistat milter_abort(SMFICTX *ctx)
{
    struct milter_conn *c = milter_enter(ctx);

    if (c != NULL)
        milter_msg_reset(c);
    return milter_leave(SMFIS_CONTINUE);
}

static sfsistat milter_close(SMFICTX *ctx)
{
    struct milter_conn *c = milter_enter(ctx);

    if (c != NULL) {
        smfi_setpriv(ctx, NULL);
        free(c);
    }
    return milter_leave(SMFIS_CONTINUE);
}

/* Asks only for what the callbacks use: no headers, no body. */
static sfsistat milter_negotiate(SMFICTX *ctx, unsigned long f0,
                                 unsigned long f1, unsigned long f2,
                                 unsigned long f3, unsigned long *pf0,
                                 unsigned long *pf1, unsigned long *pf2,
                                 unsigned long *pf3)
{
    *pf0 = 0;
    *pf1 = f1 & (SMFIP_NOHELO | SMFIP_NOHDRS | SMFIP_NOEOH | SMFIP_NOBODY |
                 SMFIP_NOUNKNOWN | SMFIP_NODATA);
    *pf2 = 0;
    *pf3 = 0;
    return SMFIS_CONTINUE;
}

static struct smfiDesc milter_desc = {
    .xxfi_name = "bounceguard",
    .xxfi_version = SMFI_VERSION,
    .xxfi_flags = 0,
    .xxfi_connect = milter_connect,
    .xxfi_envfrom = milter_envfrom,
    .xxfi_envrcpt = milter_envrcpt,
    .xxfi_eom = milter_eom,
    .xxfi_abort = milter_abort,
    .xxfi_close = milter_close,
    .xxfi_negotiate = milter_negotiate,
};

int milter_setup(const char **error_r)
{
    if (smfi_register(milter_desc) != MI_SUCCESS) {
        *error_r = "smfi_register failed";
        return -1;
    }
    return 0;
}

int milter_start(char **error_r)
{
    (void)error_r;
    return 0;
}

void milter_reloaded(void)
{
}

void milter_shutdown(void)
{
    struct timespec tick = {0, 10 * 1000 * 1000};

    for (int waited = 0; atomic_load(&milter_busy) > 0 &&
                         waited < MILTER_SHUTDOWN_WAIT_MS;
         waited += 10)
        nanosleep(&tick, NULL);
    if (atomic_load(&milter_busy) > 0)
        log_warning(NULL, "stopping with %d callback(s) still running",
                    atomic_load(&milter_busy));
}
