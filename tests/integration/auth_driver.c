/*
 * auth_driver.c - drives the auth module (SPF, DKIM, outbound and inbound
 * checks) against a real DNS server, for the auth_*.sh tests.
 *
 *   auth_driver [-r IP@PORT] [-e EGRESS-IP]... [-t SECS] [-n N] COMMAND
 *     spf IP HELO MAILFROM          print "spf=RESULT"
 *     dkim FILE FROMDOMAIN          print "dkim=RESULT d=.. s=.. aligned=.."
 *     sender MAILFROM FROMDOMAIN FILE
 *                                   outbound check, N times (-n): print
 *                                   "spf=.. dkim=.. broken=.. reason=..",
 *                                   then "dns_sent=.. spf_checks=.. ..."
 *     bounce IP HELO MAILFROM FILE  inbound check: "spf=.. dkim=.." and
 *                                   the Authentication-Results value
 * FILE is a message with LF or CRLF line ends.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/auth.h"

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

/* Feeds one header field "Name: value\n folded..." of [p, end). */
static void feed_header(struct auth_dkim *d, char *p, char *end)
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
    auth_dkim_header(d, p, v);
}

/* Body with every line ending as CRLF. */
static void feed_body(struct auth_dkim *d, const char *p, const char *end)
{
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl != NULL ? nl : end;
        size_t l = (size_t)(eol - p);
        if (l > 0 && p[l - 1] == '\r')
            l--;
        auth_dkim_body(d, (const unsigned char *)p, l);
        if (nl != NULL)
            auth_dkim_body(d, (const unsigned char *)"\r\n", 2);
        p = nl != NULL ? nl + 1 : end;
    }
}

static int verify_file(struct auth_ctx *ctx, const char *path,
                       const char *from_domain, struct auth_dkim_result *r)
{
    size_t len;
    char *msg = read_file(path, &len), *p, *end;
    struct auth_dkim *d;
    const char *err;

    if (msg == NULL || auth_dkim_begin(ctx, "TESTQ", &d, &err) < 0) {
        free(msg);
        return -1;
    }
    for (p = msg, end = msg + len; p < end && *p != '\n' && *p != '\r';) {
        char *q = p;
        do { /* a field runs until a line not starting with blank */
            char *nl = memchr(q, '\n', (size_t)(end - q));
            q = nl != NULL ? nl + 1 : end;
        } while (q < end && (*q == ' ' || *q == '\t'));
        char save = *q;
        feed_header(d, p, q);
        *q = save;
        p = q;
    }
    auth_dkim_eoh(d);
    if (p < end && *p == '\r')
        p++;
    if (p < end && *p == '\n')
        p++;
    feed_body(d, p, end);
    auth_dkim_end(d, from_domain, r);
    auth_dkim_free(&d);
    free(msg);
    return 0;
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

static int cmd_sender(struct auth_ctx *ctx, char **argv, long n)
{
    for (long i = 0; i < n; i++) {
        struct auth_dkim_result dk;
        struct auth_sender_result r;
        const struct auth_dkim_result *dp = NULL;
        if (auth_dkim_wanted(ctx, argv[1])) {
            if (verify_file(ctx, argv[2], argv[1], &dk) < 0)
                return 1;
            dp = &dk;
        }
        auth_check_sender(ctx, argv[0], argv[1], dp, &r);
        if (i == 0 || i == n - 1)
            printf("spf=%s ip=%s dkim=%s aligned=%d broken=%d reason=%s "
                   "cached=%d/%d\n",
                   authres_name(r.spf), r.spf_ip, authres_name(r.dkim),
                   r.dkim_aligned, r.broken, r.reason, r.spf_cached,
                   r.dkim_cached);
    }
    print_stats(ctx);
    return 0;
}

static int run(struct auth_ctx *ctx, int argc, char **argv, long n)
{
    struct auth_dkim_result dk;

    if (argc == 4 && strcmp(argv[0], "spf") == 0) {
        printf("spf=%s\n",
               authres_name(auth_spf(ctx, argv[1], argv[2], argv[3], NULL, 0)));
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
        return cmd_sender(ctx, argv + 1, n);
    if (argc == 5 && strcmp(argv[0], "bounce") == 0) {
        struct auth_bounce_result r;
        if (verify_file(ctx, argv[4], NULL, &dk) < 0)
            return 1;
        auth_check_bounce(ctx, argv[1], argv[2], argv[3], &dk, &r);
        printf("spf=%s dkim=%s\nAuthentication-Results: %s\n",
               authres_name(r.spf), authres_name(r.dkim), r.header);
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
    set.egress_addresses.items = egress;
    while ((c = getopt(argc, argv, "r:e:t:n:")) != -1) {
        if (c == 'r')
            set.resolver = optarg;
        else if (c == 'e' && set.egress_addresses.count < 8)
            egress[set.egress_addresses.count++] = optarg;
        else if (c == 't')
            set.dns_timeout = atoll(optarg);
        else if (c == 'n')
            n = atol(optarg);
        else
            return 2;
    }
    if (auth_new(&set, &ctx, &err) < 0) {
        fprintf(stderr, "auth_new: %s\n", err);
        return 1;
    }
    ret = run(ctx, argc - optind, argv + optind, n);
    auth_free(&ctx);
    return ret;
}
