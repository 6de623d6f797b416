/*
 * test_store_import.c - reading suppression lists (ctl/store_import.h):
 * header detection, RFC 4180 quoting, JSON Lines, dates, bad rows.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ctl/store_import.h"

struct got {
    int rows, bad;
    char addr[8][128];
    char diag[8][256];
    enum bucket bucket[8];
    long long when[8];
    unsigned long bad_line[8];
    char why[8][64];
};

static int cb(unsigned long line, const struct import_row *row, const char *why,
              void *ctx)
{
    struct got *g = ctx;

    if (row == NULL) {
        if (g->bad < 8) {
            g->bad_line[g->bad] = line;
            snprintf(g->why[g->bad], sizeof g->why[0], "%s", why);
        }
        g->bad++;
        return 0;
    }
    if (g->rows < 8) {
        snprintf(g->addr[g->rows], sizeof g->addr[0], "%s", row->address);
        snprintf(g->diag[g->rows], sizeof g->diag[0], "%s",
                 row->diagnostic ? row->diagnostic : "");
        g->bucket[g->rows] = row->bucket;
        g->when[g->rows] = row->when;
    }
    g->rows++;
    return 0;
}

static const char *read_text(const char *text, struct got *g)
{
    FILE *f = fmemopen((void *)text, strlen(text), "r");
    const char *fmt = NULL, *err = NULL;

    memset(g, 0, sizeof *g);
    assert_non_null(f);
    int rc = store_import_read(f, cb, g, &fmt, &err);
    fclose(f);
    return rc < 0 ? NULL : fmt;
}

static void own_csv_with_quotes_and_line_breaks(void **state)
{
    struct got g;
    const char *fmt = read_text(
        "address,reason,bucket,status,diagnostic\r\n"
        "a@x.example,user_unknown,hard,5.1.1,\"550 \"\"no\"\", really,\n"
        "second line\"\r\n"
        "b@x.example,mailbox_full,soft,4.2.2,plain\r\n",
        &g);

    (void)state;
    assert_string_equal(fmt, "bounceguard-csv");
    assert_int_equal(g.rows, 2);
    assert_string_equal(g.diag[0], "550 \"no\", really,\nsecond line");
    assert_int_equal(g.bucket[1], BUCKET_SOFT);
    assert_string_equal(g.addr[1], "b@x.example");
}

static void bad_rows_have_their_line(void **state)
{
    struct got g;

    (void)state;
    read_text("address,reason,bucket\n"
              "a@x.example,r,hard\n"
              "b@x.example,r,purple\n"
              "\"multi\nline@x.example\",r,hard\n"
              ",r,hard\n"
              "c@x.example,r,hard\n",
              &g);
    assert_int_equal(g.rows, 3);
    assert_int_equal(g.bad, 2);
    assert_int_equal(g.bad_line[0], 3);
    assert_int_equal(g.bad_line[1], 6); /* after a two-line record */
    assert_string_equal(g.why[1], "no address");
}

static void providers_by_header(void **state)
{
    struct got g;

    (void)state;
    assert_string_equal(
        read_text("EmailAddress,Reason\nx@s.example,BOUNCE\n", &g), "ses");
    assert_string_equal(read_text("\xef\xbb\xbf"
                                  "EmailAddress,SuppressionReason,"
                                  "Origin,CreatedAt\nx@p.example,HardBounce,"
                                  "Recipient,2024-03-01T10:00:00Z\n",
                                  &g),
                        "postmark");
    assert_int_equal(g.when[0], 1709287200);
    assert_string_equal(read_text("address,code,error,created_at\n"
                                  "x@m.example,421,busy,\n",
                                  &g),
                        "mailgun");
    assert_int_equal(g.bucket[0], BUCKET_SOFT);
    assert_string_equal(read_text("status,reason,email,created\n"
                                  "5.1.1,gone,x@g.example,1700000000\n",
                                  &g),
                        "sendgrid");
    assert_int_equal(g.when[0], 1700000000);
    assert_null(read_text("name,value\n1,2\n", &g));
    read_text("EmailAddress,Reason\nx@s.example,WHATEVER\n", &g);
    assert_int_equal(g.bad, 1);
}

static void json_lines(void **state)
{
    struct got g;

    (void)state;
    assert_string_equal(
        read_text("\n{\"address\": \"j@x.example\", \"bucket\": \"hard\", "
                  "\"reply_code\": 550 , \"diagnostic\": \"a\\\"b\\u00e9\", "
                  "\"expires\": 0, \"manual\": true}\n"
                  "{\"address\": \"k@x.example\", \"bucket\": 7}\n"
                  "{\"address\": \"l@x.example\" \"bucket\": \"hard\"}\n",
                  &g),
        "bounceguard-json");
    assert_int_equal(g.rows, 1);
    assert_string_equal(g.diag[0], "a\"b\xc3\xa9");
    assert_int_equal(g.bad, 2);
    assert_int_equal(g.bad_line[0], 3);
}

static void dates(void **state)
{
    long long t;

    (void)state;
    assert_int_equal(store_import_time("2024-03-01T10:00:00Z", &t), 0);
    assert_int_equal(t, 1709287200);
    assert_int_equal(store_import_time("2024-03-01T05:00:00.5-05:00", &t), 0);
    assert_int_equal(t, 1709287200);
    assert_int_equal(store_import_time("Fri, 01 Mar 2024 11:00:00 +0100", &t),
                     0);
    assert_int_equal(t, 1709287200);
    assert_int_equal(store_import_time("1709287200", &t), 0);
    assert_int_equal(store_import_time("yesterday", &t), -1);
    assert_int_equal(store_import_time("2024-03-01T10:00:00Zjunk", &t), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(own_csv_with_quotes_and_line_breaks),
        cmocka_unit_test(bad_rows_have_their_line),
        cmocka_unit_test(providers_by_header),
        cmocka_unit_test(json_lines),
        cmocka_unit_test(dates),
    };
    return cmocka_run_group_tests_name("store_import", tests, NULL, NULL);
}
