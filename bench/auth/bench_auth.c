/*
 * bench_auth.c - what the SPF/DKIM checks cost per outbound message, as
 * the milter runs them (auth_msg.h, one call per milter phase), against
 * the same calls with the checks off, in the same process.
 *
 *   bench_auth -r IP@PORT -e EGRESS [-n N] [-b POSTFIX_MSG_S] MESSAGE
 *
 * MESSAGE (a signed mail) is read once and fed from memory as header
 * fields and 64 KiB body chunks.  Prints microseconds per message for:
 *   off       checks off (the calls return at once)
 *   warm      checks on, caches warm: the steady state
 *   verify    every message DKIM-verified (DNS answers cached): what a
 *             sender domain costs while its cached result is renewed
 * and the first (cold) message.  With -b (Postfix's own msg/s without a
 * milter, from bench/milter/run.sh) it also prints the throughput ratio
 * the warm cost alone would leave, 1 / (1 + cost x rate): an upper bound
 * for the milter benchmark, not a replacement for it.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "auth/auth.h"
#include "auth/auth_msg.h"

#define MSG_MAX (1u << 20)
#define FIELDS_MAX 64

struct msg {
    char *name[FIELDS_MAX], *value[FIELDS_MAX];
    size_t nfields;
    char *body; /* CRLF lines */
    size_t body_len;
};

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* Header fields (unfolded ends trimmed) and the body with CRLF. */
static int load(const char *path, struct msg *m)
{
    FILE *f = fopen(path, "rb");
    static char buf[MSG_MAX];
    size_t len;
    char *p, *end;

    if (f == NULL)
        return -1;
    len = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[len] = '\0';
    memset(m, 0, sizeof *m);
    for (p = buf, end = buf + len; p < end && *p != '\n';) {
        char *q = p;
        do {
            char *nl = memchr(q, '\n', (size_t)(end - q));
            q = nl != NULL ? nl + 1 : end;
        } while (q < end && (*q == ' ' || *q == '\t'));
        char *colon = memchr(p, ':', (size_t)(q - p));
        if (colon != NULL && m->nfields < FIELDS_MAX) {
            *colon = '\0';
            q[-1] = '\0';
            m->name[m->nfields] = p;
            m->value[m->nfields++] = colon + (colon[1] == ' ' ? 2 : 1);
        }
        p = q;
    }
    if (p < end)
        p++;
    if ((m->body = malloc(2 * (size_t)(end - p) + 1)) == NULL)
        return -1;
    for (; p < end; p++) {
        if (*p == '\n')
            m->body[m->body_len++] = '\r';
        m->body[m->body_len++] = *p;
    }
    return 0;
}

static void feed(struct auth_ctx *ctx, const struct auth_settings *set,
                 const struct msg *msg, bool every,
                 struct auth_msg_result *last)
{
    struct auth_msg_info info = {AUTH_MSG_OUTBOUND, "BENCHQ", "127.0.0.1",
                                 "client.bench.test", "bench@example.test"};
    struct auth_msg_result r;
    struct auth_msg *m = NULL;
    struct auth_dkim *d = NULL;
    const char *err;

    if (every)
        auth_dkim_begin(ctx, "BENCHQ", &d, &err);
    else
        auth_msg_begin(ctx, set, &info, &m, &err);
    for (size_t i = 0; i < msg->nfields; i++) {
        auth_msg_header(m, msg->name[i], msg->value[i]);
        if (d != NULL)
            auth_dkim_header(d, msg->name[i], msg->value[i]);
    }
    auth_msg_eoh(m);
    if (d != NULL)
        auth_dkim_eoh(d);
    for (size_t o = 0; o < msg->body_len; o += 65536) {
        size_t l = msg->body_len - o < 65536 ? msg->body_len - o : 65536;
        auth_msg_body(m, (const unsigned char *)msg->body + o, l);
        if (d != NULL)
            auth_dkim_body(d, (const unsigned char *)msg->body + o, l);
    }
    if (d != NULL) {
        auth_dkim_end(d, "example.test", &last->dkim);
        auth_dkim_free(&d);
    }
    if (auth_msg_eom(m, &r))
        *last = r;
    auth_msg_free(&m);
}

static double run(struct auth_ctx *ctx, const struct auth_settings *set,
                  const struct msg *msg, long n, bool every,
                  struct auth_msg_result *last)
{
    double t0 = now_us();
    for (long i = 0; i < n; i++)
        feed(ctx, set, msg, every, last);
    return (now_us() - t0) / (double)n;
}

int main(int argc, char **argv)
{
    struct auth_settings set;
    char *egress[4];
    struct auth_ctx *ctx;
    struct msg msg;
    const char *err;
    long n = 100000;
    double base = 0;
    int c;

    memset(&set, 0, sizeof set);
    set.resolver = "";
    set.dns_timeout = 2;
    set.dns_attempts = 1;
    set.cache_ttl_max = 3600;
    set.cache_negative = 300;
    set.cache_entries = 1000;
    set.egress_addresses.items = egress;
    while ((c = getopt(argc, argv, "r:e:n:b:")) != -1) {
        if (c == 'r')
            set.resolver = optarg;
        else if (c == 'e' && set.egress_addresses.count < 4)
            egress[set.egress_addresses.count++] = optarg;
        else if (c == 'n')
            n = atol(optarg);
        else if (c == 'b')
            base = atof(optarg);
        else
            return 2;
    }
    if (optind != argc - 1 || n <= 0 || load(argv[optind], &msg) < 0) {
        fprintf(stderr, "usage: bench_auth -r IP@PORT -e IP [-n N] [-b "
                        "MSG_S] MESSAGE\n");
        return 2;
    }
    if (auth_new(&set, &ctx, &err) < 0) {
        fprintf(stderr, "auth_new: %s\n", err);
        return 1;
    }
    struct auth_msg_result cold_r, warm_r, every_r;
    memset(&every_r, 0, sizeof every_r);
    double off = run(ctx, &set, &msg, n, false, &cold_r);
    set.outbound_check = true;
    double cold = run(ctx, &set, &msg, 1, false, &cold_r);
    double warm = run(ctx, &set, &msg, n, false, &warm_r);
    double every =
        run(ctx, &set, &msg, n / 10 > 0 ? n / 10 : 1, true, &every_r);
    struct auth_stats st;
    auth_stats(ctx, &st);
    printf("messages=%ld body_bytes=%zu\n", n, msg.body_len);
    printf("off     %8.2f us/msg\n", off);
    printf("cold    %8.2f us (first message: DNS, SPF, DKIM)\n", cold);
    printf("warm    %8.2f us/msg (steady state, caches warm)\n", warm);
    printf("verify  %8.2f us/msg (DKIM verified each time)\n", every);
    printf("dns_sent=%lu spf_checks=%lu dkim_checks=%lu\n", st.dns_sent,
           st.spf_checks, st.dkim_checks);
    printf("results: cold spf=%s dkim=%s aligned=%d; warm spf=%s dkim=%s "
           "(cached %d/%d); verify dkim=%s\n",
           authres_name(cold_r.sender.spf), authres_name(cold_r.sender.dkim),
           cold_r.sender.dkim_aligned, authres_name(warm_r.sender.spf),
           authres_name(warm_r.sender.dkim), warm_r.sender.spf_cached,
           warm_r.sender.dkim_cached, authres_name(every_r.dkim.result));
    if (base > 0)
        printf("postfix_none=%.0f msg/s: warm checks leave ratio %.4f, "
               "verify-every-message %.4f\n",
               base, 1.0 / (1.0 + (warm - off) * 1e-6 * base),
               1.0 / (1.0 + (every - off) * 1e-6 * base));
    auth_free(&ctx);
    free(msg.body);
    return 0;
}
