/*
 * metrics_http.c - the scrape endpoint on libmicrohttpd; see
 * metrics_http.h.
 */
#include "metrics/metrics_http.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define COLLECTORS_MAX 16
#define CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

struct metrics_http {
    struct MHD_Daemon *daemon;
    struct metrics_collector collectors[COLLECTORS_MAX];
    size_t ncollectors;
};

/* Fills *ss from "HOST:PORT" / "[V6]:PORT"; 0 or -1 with *error_r. */
static int listen_addr(const char *listen, struct sockaddr_storage *ss,
                       const char **error_r)
{
    char host[64];
    const char *colon, *h = listen;
    size_t hlen;
    char *end;
    long port;

    memset(ss, 0, sizeof *ss);
    *error_r = "expected \"HOST:PORT\" or \"[IPV6]:PORT\" with a numeric host";
    if ((colon = strrchr(listen, ':')) == NULL)
        return -1;
    hlen = (size_t)(colon - listen);
    if (listen[0] == '[') {
        if (hlen < 2 || listen[hlen - 1] != ']')
            return -1;
        h++;
        hlen -= 2;
    }
    if (hlen == 0 || hlen >= sizeof host)
        return -1;
    memcpy(host, h, hlen);
    host[hlen] = '\0';
    port = strtol(colon + 1, &end, 10);
    if (colon[1] == '\0' || *end != '\0' || port < 1 || port > 65535)
        return -1;
    struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
    if (listen[0] != '[' && inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
        in4->sin_family = AF_INET;
        in4->sin_port = htons((unsigned short)port);
        return 0;
    }
    if (listen[0] == '[' && inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons((unsigned short)port);
        return 0;
    }
    return -1;
}

int metrics_http_parse_listen(const char *listen, const char **error_r)
{
    struct sockaddr_storage ss;

    return listen_addr(listen, &ss, error_r);
}

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned status,
                             const char *text)
{
    struct MHD_Response *resp = MHD_create_response_from_buffer(
        strlen(text), (void *)text, MHD_RESPMEM_PERSISTENT);
    enum MHD_Result ret;

    if (resp == NULL)
        return MHD_NO;
    (void)MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                                  "text/plain; charset=utf-8");
    ret = MHD_queue_response(conn, status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static enum MHD_Result scrape(struct metrics_http *http,
                              struct MHD_Connection *conn)
{
    struct metrics_out out;
    struct MHD_Response *resp;
    enum MHD_Result ret;

    metrics_out_init(&out, METRICS_HTTP_MAX_BODY);
    metrics_render(&out);
    for (size_t i = 0; i < http->ncollectors; i++)
        http->collectors[i].collect(&out, http->collectors[i].ctx);
    if (out.overflow || out.nomem || out.buf == NULL) {
        metrics_out_free(&out);
        return reply(conn, MHD_HTTP_INTERNAL_SERVER_ERROR,
                     "metrics exposition too large or out of memory\n");
    }
    /* MUST_FREE: libmicrohttpd free()s the buffer with the response */
    resp = MHD_create_response_from_buffer(out.len, out.buf,
                                           MHD_RESPMEM_MUST_FREE);
    if (resp == NULL) {
        metrics_out_free(&out);
        return MHD_NO;
    }
    (void)MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                                  CONTENT_TYPE);
    ret = MHD_queue_response(conn, MHD_HTTP_OK, resp);
    MHD_destroy_response(resp);
    return ret;
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *conn,
                               const char *url, const char *method,
                               const char *version, const char *upload_data,
                               size_t *upload_size, void **con_cls)
{
    (void)version;
    (void)upload_data;
    if (*con_cls == NULL) { /* first call: headers only */
        *con_cls = (void *)1;
        return MHD_YES;
    }
    if (*upload_size != 0) {
        *upload_size = 0; /* a body is ignored */
        return MHD_YES;
    }
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
        return reply(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "GET only\n");
    if (strcmp(url, "/metrics") != 0)
        return reply(conn, MHD_HTTP_NOT_FOUND, "try /metrics\n");
    return scrape(cls, conn);
}

int metrics_http_start(const char *listen,
                       const struct metrics_collector *collectors, size_t n,
                       struct metrics_http **http_r, const char **error_r)
{
    struct sockaddr_storage ss;
    struct metrics_http *http;
    unsigned flags = MHD_USE_POLL_INTERNAL_THREAD;

    if (listen_addr(listen, &ss, error_r) != 0)
        return -1;
    if (n > COLLECTORS_MAX) {
        *error_r = "too many metrics collectors";
        return -1;
    }
    if ((http = calloc(1, sizeof *http)) == NULL) {
        *error_r = "out of memory";
        return -1;
    }
    if (n > 0)
        memcpy(http->collectors, collectors, n * sizeof *collectors);
    http->ncollectors = n;
    if (ss.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    http->daemon = MHD_start_daemon(
        flags, 0, NULL, NULL, handler, http, MHD_OPTION_SOCK_ADDR,
        (struct sockaddr *)&ss, MHD_OPTION_CONNECTION_LIMIT, 16u,
        MHD_OPTION_CONNECTION_TIMEOUT, 10u, MHD_OPTION_END);
    if (http->daemon == NULL) {
        free(http);
        *error_r = "cannot listen (address in use or not local?)";
        return -1;
    }
    *http_r = http;
    return 0;
}

void metrics_http_stop(struct metrics_http **http)
{
    if (*http == NULL)
        return;
    MHD_stop_daemon((*http)->daemon);
    free(*http);
    *http = NULL;
}
