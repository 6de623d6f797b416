/*
 * fuzz_logline.c - libFuzzer target: the delivery-log line parser
 * (src/core/logline.c) on arbitrary bytes, one line per input line and the
 * whole input as one line.  Every span returned must lie inside its line.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/logline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void inside(struct logline_span sp, const char *p, size_t len)
{
    if (sp.p != NULL && (sp.p < p || sp.p + sp.len > p + len))
        abort();
}

static void parse_one(const char *p, size_t len)
{
    struct logline ll;
    time_t t;

    (void)logline_parse(p, len, &ll);
    inside(ll.host, p, len);
    inside(ll.program, p, len);
    inside(ll.queue_id, p, len);
    inside(ll.to, p, len);
    inside(ll.orig_to, p, len);
    inside(ll.from, p, len);
    inside(ll.relay, p, len);
    inside(ll.detail, p, len);
    inside(ll.reply, p, len);
    inside(ll.reply_cmd, p, len);
    inside(ll.remote, p, len);
    if (strlen(ll.dsn) >= sizeof ll.dsn)
        abort();
    (void)logline_time_resolve(&ll.time, 3600, 1795645461, &t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data, *end = p + size;

    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
        char *copy =
            malloc(len ? len : 1); /* exact size: ASan sees overreads */
        if (copy == NULL)
            return 0;
        memcpy(copy, p, len);
        parse_one(copy, len);
        free(copy);
        p += len + 1;
    }
    parse_one((const char *)data, size);
    return 0;
}
