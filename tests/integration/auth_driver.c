/*
 * auth_driver.c - drives the auth module (SPF, DKIM, outbound and inbound
 * checks) against a real DNS server, for the auth_*.sh tests.
 *
 *   auth_driver [-r IP@PORT] [-e EGRESS-IP]... [-t SECS] [-n N]
 *               [-k PRVS-KEYFILE] COMMAND
 *     spf IP HELO MAILFROM          print "spf=RESULT" (N times: and stats)
 *     dkim FILE FROMDOMAIN          print "dkim=RESULT d=.. s=.. aligned=.."
 *     sender MAILFROM FROMDOMAIN FILE
 *                                   outbound check, N times (-n): print
 *                                   "spf=.. dkim=.. broken=.. reason=..
 *                                   ... settled=B/A" (auth_sender_settled
 *                                   before and after the message), then
 *                                   "dns_sent=.. spf_checks=.. ..."
 *     prvs-sign ADDR                the signed sender (-k KEYFILE)
 *     prvs-check ADDR               "prvs=RESULT orig=ADDR"
 *     bounce IP HELO MAILFROM FILE  inbound check: "spf=.. dkim=.." and
 *                                   the Authentication-Results value
 * FILE is a message with LF or CRLF line ends; "sender" and "bounce" go
 * through auth_msg.h as the milter does.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "auth/auth.h"
#include "auth/auth_msg.h"

#define MSG_MAX (4u << 20)

static char *read_file(const char *path, size_t *len_r)
{
    FILE *f = fopen(path, "rb");
    char *buf = malloc(MSG_MAX + 1);
    if (f == NULL || buf == NULL) {
        if (f != NULL)
            fclose(f);
        free(buf);
        return NULL;
    }
    *len_r = fread(buf, 1, MSG_MAX, f);
    buf[*len_r] = '\0';
    fclose(f);
    return buf;
}

/* The phases of one message, for auth_dkim_* or auth_msg_*. */
struct feeder {
    void (*header)(void *h, const char *name, const char *value);
    void (*eoh)(void *h);
    void (*body)(void *h, const unsigned char *buf, size_t len);
    void *h;
};

/* Feeds one header field "Name: value\n folded..." of [p, end). */
static void feed_header(const struct feeder *f, char *p, char *end)
{
    char *colon = memchr(p, ':', (size_t)(end - p));
    if (colon == NULL)
        return;
    *colon = '\0';
    char *v = colon + 1;
    if (*v == ' ')
        v++;
    *end = '\0';
    size_t vl = strlen(v);
    while (vl > 0 && (v[vl - 1] == '\n' || v[vl - 1] == '\r'))
        v[--vl] = '\0';
    f->header(f->h, p, v);
}

/* Body with every line ending as CRLF. */
static void feed_body(const struct feeder *f, const char *p, const char *end)
{
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl != NULL ? nl : end;
        size_t l = (size_t)(eol - p);
        if (l > 0 && p[l - 1] == '\r')
            l--;
        f->body(f->h, (const unsigned char *)p, l);
        if (nl != NULL)
            f->body(f->h, (const unsigned char *)"\r\n", 2);
        p = nl != NULL ? nl + 1 : end;
    }
}

static int feed_file(const struct feeder *f, const char *path)
{
    size_t len;
    char *msg = read_file(path, &len), *p, *end;

    if (msg == NULL)
        return -1;
    for (p = msg, end = msg + len; p < end && *p != '\n' && *p != '\r';) {
        char *q = p;
        do { /* a field runs until a line not starting with blank */
            char *nl = memchr(q, '\n', (size_t)(end - q));
            q = nl != NULL ? nl + 1 : end;
        } while (q < end && (*q == ' ' || *q == '\t'));
        char save = *q;
        feed_header(f, p, q);
        *q = save;
        p = q;
    }
    f->eoh(f->h);
    if (p < end && *p == '\r')
        p++;
    if (p < end && *p == '\n')
        p++;
    feed_body(f, p, end);
    free(msg);
    return 0;
}

static void dk_header(void *h, const char *n, const char *v)
{
    auth_dkim_header(h, n, v);
}
static void dk_eoh(void *h)
{
    auth_dkim_eoh(h);
}
static void dk_body(void *h, const unsigned char *b, size_t l)
{
    auth_dkim_body(h, b, l);
}
static void am_header(void *h, const char *n, const char *v)
{
    auth_msg_header(h, n, v);
}
static void am_eoh(void *h)
{
    auth_msg_eoh(h);
}
static void am_body(void *h, const unsigned char *b, size_t l)
{
    auth_msg_body(h, b, l);
}

static int verify_file(struct auth_ctx *ctx, const char *path,
                       const char *from_domain, struct auth_dkim_result *r)
{
    struct auth_dkim *d;
    const char *err;

    if (auth_dkim_begin(ctx, "TESTQ", &d, &err) < 0)
        return -1;
    struct feeder f = {dk_header, dk_eoh, dk_body, d};
    int ret = feed_file(&f, path);
    auth_dkim_end(d, from_domain, r);
    auth_dkim_free(&d);
    return ret;
}

/* One message through auth_msg, as the milter does it. */
static int msg_file(struct auth_ctx *ctx, const struct auth_settings *set,
                    const struct auth_msg_info *info, const char *path,
                    struct auth_msg_result *r)
{
    struct auth_msg *m;
    const char *err = NULL;

    if (auth_msg_begin(ctx, set, info, &m, &err) < 0)
        return -1;
    struct feeder f = {am_header, am_eoh, am_body, m};
    int ret = m != NULL ? feed_file(&f, path) : 0;
    auth_msg_eom(m, r);
    auth_msg_free(&m);
    return ret;
}

static void print_stats(struct auth_ctx *ctx)
{
    struct auth_stats st;
    auth_stats(ctx, &st);
    printf("dns_queries=%lu dns_sent=%lu dns_cache_hits=%lu "
           "spf_checks=%lu dkim_checks=%lu result_cache_hits=%lu\n",
           st.dns_queries, st.dns_sent, st.dns_cache_hits, st.spf_checks,
           st.dkim_checks, st.result_cache_hits);
}

static int cmd_sender(struct auth_ctx *ctx, const struct auth_settings *set,
                      char **argv, long n)
{
    struct auth_msg_info info = {AUTH_MSG_OUTBOUND, "TESTQ", "127.0.0.1",
                                 "client.test", argv[0]};
    (void)argv[1]; /* the From domain comes from the message itself */
    for (long i = 0; i < n; i++) {
        struct auth_msg_result mr;
        bool settled = auth_sender_settled(ctx, argv[0]);
        if (msg_file(ctx, set, &info, argv[2], &mr) < 0)
            return 1;
        const struct auth_sender_result *r = &mr.sender;
        if (i == 0 || i == n - 1)
            printf("spf=%s ip=%s dkim=%s aligned=%d broken=%d reason=%s "
                   "cached=%d/%d from=%s verified=%d settled=%d/%d\n",
                   authres_name(r->spf), r->spf_ip, authres_name(r->dkim),
                   r->dkim_aligned, r->broken, r->reason, r->spf_cached,
                   r->dkim_cached, mr.from_domain, mr.dkim_verified, settled,
                   auth_sender_settled(ctx, argv[0]));
    }
    print_stats(ctx);
    return 0;
}

static int run(struct auth_ctx *ctx, const struct auth_settings *set, int argc,
               char **argv, long n)
{
    struct auth_dkim_result dk;

    if (argc == 4 && strcmp(argv[0], "spf") == 0) {
        enum authres r = AUTHRES_NONE;
        for (long i = 0; i < n; i++)
            r = auth_spf(ctx, argv[1], argv[2], argv[3], NULL, 0);
        printf("spf=%s\n", authres_name(r));
        if (n > 1)
            print_stats(ctx);
        return 0;
    }
    if (argc == 2 && strcmp(argv[0], "prvs-sign") == 0) {
        char out[PRVS_ADDR_MAX + PRVS_OVERHEAD];
        if (!auth_prvs_sign(ctx, argv[1], time(NULL), out, sizeof out))
            snprintf(out, sizeof out, "%s", argv[1]);
        printf("%s\n", out);
        return 0;
    }
    if (argc == 2 && strcmp(argv[0], "prvs-check") == 0) {
        char orig[PRVS_ADDR_MAX + 1];
        enum prvs_result r =
            auth_prvs_check(ctx, argv[1], time(NULL), orig, sizeof orig);
        printf("prvs=%s orig=%s\n", prvs_result_name(r), orig);
        return 0;
    }
    if (argc == 3 && strcmp(argv[0], "dkim") == 0) {
        if (verify_file(ctx, argv[1], argv[2], &dk) < 0)
            return 1;
        printf("dkim=%s d=%s s=%s aligned=%d\n", authres_name(dk.result),
               dk.domain, dk.selector, dk.aligned);
        return 0;
    }
    if (argc == 4 && strcmp(argv[0], "sender") == 0)
        return cmd_sender(ctx, set, argv + 1, n);
    if (argc == 5 && strcmp(argv[0], "bounce") == 0) {
        struct auth_msg_info info = {AUTH_MSG_BOUNCE, "TESTQ", argv[1], argv[2],
                                     argv[3]};
        struct auth_msg_result mr;
        if (msg_file(ctx, set, &info, argv[4], &mr) < 0)
            return 1;
        printf("spf=%s dkim=%s\nAuthentication-Results: %s\n",
               authres_name(mr.bounce.spf), authres_name(mr.bounce.dkim),
               mr.bounce.header);
        return 0;
    }
    fprintf(stderr, "usage: see auth_driver.c\n");
    return 2;
}

int main(int argc, char **argv)
{
    struct auth_settings set;
    char *egress[8];
    struct auth_ctx *ctx;
    const char *err;
    long n = 1;
    int c, ret;

    memset(&set, 0, sizeof set);
    set.resolver = "";
    set.dns_timeout = 2;
    set.dns_attempts = 1;
    set.cache_ttl_max = 3600;
    set.cache_negative = 300;
    set.cache_entries = 1000;
    set.credibility = "strict";
    set.authserv_id = "mx.bounceguard.test";
    set.outbound_check = true;
    set.inbound_check = true;
    set.egress_addresses.items = egress;
    while ((c = getopt(argc, argv, "r:e:t:n:k:")) != -1) {
        if (c == 'r')
            set.resolver = optarg;
        else if (c == 'e' && set.egress_addresses.count < 8)
            egress[set.egress_addresses.count++] = optarg;
        else if (c == 't')
            set.dns_timeout = atoll(optarg);
        else if (c == 'n')
            n = atol(optarg);
        else if (c == 'k') {
            set.prvs_sign = true;
            set.prvs_key_file = optarg;
        } else
            return 2;
    }
    if (auth_new(&set, &ctx, &err) < 0) {
        fprintf(stderr, "auth_new: %s\n", err);
        return 1;
    }
    ret = run(ctx, &set, argc - optind, argv + optind, n);
    auth_free(&ctx);
    return ret;
}
