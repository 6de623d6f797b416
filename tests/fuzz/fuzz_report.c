/*
 * fuzz_report.c - libFuzzer target for report_parse(): the MIME walker,
 * header decoding, DSN fields, text rules and SES JSON all see the input.
 * Limits are the defaults but with a small message size, so that each run
 * stays fast; every report is freed (leaks are findings too).
 */
#include <stddef.h>
#include <stdint.h>

#include "core/report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct mime_limits lim;
    struct report *r = NULL;
    const char *err;

    mime_limits_default(&lim);
    lim.max_message_bytes = 256u * 1024u;
    lim.max_depth = 8;
    lim.max_parts = 64;
    lim.max_recipients = 64;
    if (report_parse((const char *)data, size, &lim, &r, &err) == 0)
        report_free(&r);
    return 0;
}
