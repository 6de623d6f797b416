/*
 * reply_table.h - a table of SMTP replies, each with the bucket, reason
 * and auth flag the shipped rules must give it, run as one cmocka test
 * per row (one TAP line each) against $top_srcdir/conf/rules.conf
 * (TOP_SRCDIR when top_srcdir is unset).  Used by test_classify_seeds and
 * test_classify_replies.
 */
#ifndef BG_TEST_REPLY_TABLE_H
#define BG_TEST_REPLY_TABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/classify.h"

#define H BUCKET_HARD
#define S BUCKET_SOFT
#define X BUCKET_SENDER
#define N BUCKET_NONE

struct reply_row {
    const char *text;
    enum bucket bucket;
    const char *reason; /* NULL: any reason of that bucket */
    bool auth;
};

/* Runs rows[0..n) as the cmocka group named group; its exit status. */
int reply_table_run(const char *group, const struct reply_row *rows,
                    size_t n);

#endif
