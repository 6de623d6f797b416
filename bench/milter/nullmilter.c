/*
 * nullmilter.c - a milter that does nothing, the benchmark's floor.
 *
 * bench/milter/run.sh attaches it to a Postfix instance to measure what
 * merely having a libmilter filter in the path costs: it registers every
 * callback bounceguard registers (connect, helo, envfrom, envrcpt, header,
 * eoh, body, eom, abort, close), keeps no state and answers "continue" to
 * each, so the MTA sends it the whole transaction.  With -a it answers
 * "accept" at connect instead, so the MTA sends nothing more for the
 * session: what a milter costs before it sees any of the mail (the
 * connection, the negotiation and the connect step).
 *
 * Usage: nullmilter -p SOCKET [-t TIMEOUT] [-a]
 *   SOCKET is a libmilter address: unix:/path or inet:port@host.  A unix
 *   socket is created world-connectable (umask 0) so that Postfix's daemons,
 *   running as user postfix, can reach a filter started by root.
 * Runs in the foreground until SIGTERM/SIGINT; exits 0, or 1 on a start-up
 * error (message on stderr), 2 on a usage error.  Thread-safe: no state.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libmilter/mfapi.h>

static sfsistat null_connect(SMFICTX *ctx, char *host, _SOCK_ADDR *addr)
{
    return SMFIS_CONTINUE;
}

static sfsistat accept_connect(SMFICTX *ctx, char *host, _SOCK_ADDR *addr)
{
    return SMFIS_ACCEPT;
}

static sfsistat null_helo(SMFICTX *ctx, char *name)
{
    return SMFIS_CONTINUE;
}

static sfsistat null_envfrom(SMFICTX *ctx, char **argv)
{
    return SMFIS_CONTINUE;
}

static sfsistat null_envrcpt(SMFICTX *ctx, char **argv)
{
    return SMFIS_CONTINUE;
}

static sfsistat null_header(SMFICTX *ctx, char *name, char *value)
{
    return SMFIS_CONTINUE;
}

static sfsistat null_eoh(SMFICTX *ctx)
{
    return SMFIS_CONTINUE;
}

static sfsistat null_body(SMFICTX *ctx, unsigned char *chunk, size_t len)
{
    return SMFIS_CONTINUE;
}

static sfsistat null_eom(SMFICTX *ctx)
{
    return SMFIS_CONTINUE;
}

static sfsistat null_abort(SMFICTX *ctx)
{
    return SMFIS_CONTINUE;
}

static sfsistat null_close(SMFICTX *ctx)
{
    return SMFIS_CONTINUE;
}

static void usage(void)
{
    fprintf(stderr, "usage: nullmilter -p SOCKET [-t TIMEOUT] [-a]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    struct smfiDesc desc;
    const char *sock = NULL;
    int timeout = 30;
    int accept_at_connect = 0;
    int c;

    while ((c = getopt(argc, argv, "ap:t:")) != -1) {
        switch (c) {
        case 'a':
            accept_at_connect = 1;
            break;
        case 'p':
            sock = optarg;
            break;
        case 't':
            timeout = atoi(optarg);
            break;
        default:
            usage();
        }
    }
    if (sock == NULL || timeout <= 0)
        usage();

    memset(&desc, 0, sizeof desc);
    desc.xxfi_name = (char *) "nullmilter";
    desc.xxfi_version = SMFI_VERSION;
    desc.xxfi_flags = 0;
    desc.xxfi_connect = accept_at_connect ? accept_connect : null_connect;
    desc.xxfi_helo = null_helo;
    desc.xxfi_envfrom = null_envfrom;
    desc.xxfi_envrcpt = null_envrcpt;
    desc.xxfi_header = null_header;
    desc.xxfi_eoh = null_eoh;
    desc.xxfi_body = null_body;
    desc.xxfi_eom = null_eom;
    desc.xxfi_abort = null_abort;
    desc.xxfi_close = null_close;

    umask(0);
    if (smfi_setconn((char *) sock) == MI_FAILURE
        || smfi_settimeout(timeout) == MI_FAILURE
        || smfi_register(desc) == MI_FAILURE
        || smfi_opensocket(1) == MI_FAILURE) {
        fprintf(stderr, "nullmilter: cannot listen on %s\n", sock);
        return 1;
    }
    return smfi_main() == MI_SUCCESS ? 0 : 1;
}
