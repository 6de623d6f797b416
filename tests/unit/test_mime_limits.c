/*
 * test_mime_limits.c - report_parse() on pathological input: a 5 MB header
 * line, 10,000 nested multiparts, unterminated boundaries, NUL bytes,
 * invalid base64, too many parts and recipients (one a line, or all on
 * one line, or each with a reply cut after its first line).  Each must end,
 * flag the problem and not crash; and the cost must grow linearly: the CPU time
 * for an input four times larger must stay under a generous multiple (16x) of
 * the time for the smaller one (the best of three runs each).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "core/report.h"

/* A growable string for building inputs. */
struct buf {
    char *s;
    size_t len, cap;
};

static void buf_add(struct buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->s = realloc(b->s, b->cap);
        assert_non_null(b->s);
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void buf_str(struct buf *b, const char *s)
{
    buf_add(b, s, strlen(s));
}

/* max_recipients for parse_errors() other than the default: 0 for none */
static size_t max_recipients;

static unsigned parse_errors(const struct buf *b, struct report **r_r)
{
    struct mime_limits lim;
    struct report *r = NULL;
    const char *err;
    unsigned e;

    mime_limits_default(&lim);
    if (max_recipients != 0)
        lim.max_recipients = max_recipients;
    assert_int_equal(report_parse(b->s, b->len, &lim, &r, &err), 0);
    e = r->errors;
    if (r_r != NULL)
        *r_r = r;
    else
        report_free(&r);
    return e;
}

/* Generators: each builds an input of "size" n. */
static void gen_long_header(struct buf *b, size_t n)
{
    buf_str(b, "From: MAILER-DAEMON@x.example\nSubject: ");
    for (size_t i = 0; i < n; i++)
        buf_add(b, "a", 1);
    buf_str(b, "\n\nbody\n");
}

static void gen_nested(struct buf *b, size_t n)
{
    char line[128];

    for (size_t i = 0; i < n; i++) {
        snprintf(line, sizeof line,
                 "Content-Type: multipart/mixed; boundary=\"b%zu\"\n\n--b%zu\n",
                 i, i);
        buf_str(b, line);
    }
    buf_str(b, "\nfinal text\n");
}

static void gen_parts(struct buf *b, size_t n)
{
    buf_str(b, "Content-Type: multipart/mixed; boundary=p\n\n");
    for (size_t i = 0; i < n; i++)
        buf_str(b, "--p\nContent-Type: text/plain\n\n<u@example.org>: 550 x\n");
}

static void gen_addresses(struct buf *b, size_t n)
{
    char line[128];

    buf_str(b, "From: MAILER-DAEMON@x.example\nSubject: failure notice\n\n");
    for (size_t i = 0; i < n; i++) {
        snprintf(line, sizeof line, "<user%zu@example.org>: 550 unknown\n", i);
        buf_str(b, line);
    }
}

/* All the addresses on one line, with one reply after them: each starts
 * a block at that line, whose reply code must not be looked for again. */
static void gen_addresses_one_line(struct buf *b, size_t n)
{
    char addr[64];

    buf_str(b, "From: MAILER-DAEMON@x.example\nSubject: Undelivered Mail\n\n"
               "Your message could not be delivered to these recipients:\n");
    for (size_t i = 0; i < n; i++) {
        snprintf(addr, sizeof addr, "<user%zu@example%zu.org> ", i, i % 50);
        buf_str(b, addr);
    }
    buf_str(b, ": host mx.example.org said: 550 5.1.1 User unknown\n");
}

static void gen_ats(struct buf *b, size_t n)
{
    buf_str(b, "Subject: failure notice\n\n");
    for (size_t i = 0; i < n; i++)
        buf_add(b, "@a.", 3);
    buf_str(b, "\n");
}

/* A DSN that answers for its recipient behind an HTML part whose tag
 * never closes: its text is read in pieces (ntext_head()), and the open
 * tag must not be searched again for each. */
static void gen_open_tag(struct buf *b, size_t n)
{
    buf_str(b, "From: MAILER-DAEMON@example.org\nSubject: failure\n"
               "Content-Type: multipart/report; boundary=\"B\"\n\n--B\n"
               "Content-Type: text/html\n\n<p>x<div class=\"");
    for (size_t i = 0; i < n; i++)
        buf_str(b, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n");
    buf_str(b, "\n--B\nContent-Type: message/delivery-status\n\n"
               "Reporting-MTA: dns; x\n\nFinal-Recipient: rfc822; "
               "u@example.net\nAction: failed\nStatus: 5.1.1\n"
               "Diagnostic-Code: smtp; 550 5.1.1 no\n\n--B--\n");
}

/* A DSN whose recipients each have the first line of a multi-line reply
 * alone, above a transcript as long: each completion must not read the
 * whole transcript again. */
static void gen_cut_replies(struct buf *b, size_t n)
{
    char line[160];

    buf_str(b, "From: MAILER-DAEMON@example.org\nSubject: Returned mail\n"
               "Content-Type: multipart/report; boundary=\"B\"\n\n--B\n"
               "Content-Type: text/plain\n\n");
    for (size_t i = 0; i < n; i++) {
        snprintf(line, sizeof line,
                 "<<< 550-5.7.1 Line %zu of a transcript that never ends\n", i);
        buf_str(b, line);
    }
    buf_str(b, "\n--B\nContent-Type: message/delivery-status\n\n"
               "Reporting-MTA: dns; x\n");
    for (size_t i = 0; i < n; i++) {
        snprintf(line, sizeof line,
                 "\nFinal-Recipient: rfc822; u%zu@example.net\n"
                 "Action: failed\nStatus: 5.7.1\n"
                 "Diagnostic-Code: smtp; 550-5.7.1 Not the line %zu\n",
                 i, i);
        buf_str(b, line);
    }
    buf_str(b, "\n--B--\n");
}

static double cpu_seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Best of three CPU times for parsing the input gen builds at size n. */
static double time_parse(void (*gen)(struct buf *, size_t), size_t n)
{
    struct buf b = {0};
    double best = 1e9;

    gen(&b, n);
    for (int k = 0; k < 3; k++) {
        double t0 = cpu_seconds();
        (void)parse_errors(&b, NULL);
        double t = cpu_seconds() - t0;
        if (t < best)
            best = t;
    }
    free(b.s);
    return best;
}

static void check_linear(void (*gen)(struct buf *, size_t), size_t n,
                         const char *what)
{
    double t1 = time_parse(gen, n), t4 = time_parse(gen, 4 * n);

    print_message("# %s: n=%zu %.4fs, 4n %.4fs (ratio %.1f)\n", what, n, t1,
                  t4, t1 > 0 ? t4 / t1 : 0.0);
    assert_true(t4 <= 16.0 * t1 + 0.05);
}

static void test_long_header_line(void **state)
{
    struct buf b = {0};
    (void)state;
    gen_long_header(&b, 5u * 1024 * 1024);
    assert_true(parse_errors(&b, NULL) & REPORT_ERR_HEADER);
    free(b.s);
}

static void test_ten_thousand_nested_multiparts(void **state)
{
    struct buf b = {0};
    (void)state;
    gen_nested(&b, 10000);
    unsigned e = parse_errors(&b, NULL);
    assert_true(e & REPORT_ERR_DEPTH);
    assert_true(e & REPORT_ERR_BOUNDARY);
    free(b.s);
}

static void test_too_many_parts(void **state)
{
    struct buf b = {0};
    (void)state;
    gen_parts(&b, 5000);
    assert_true(parse_errors(&b, NULL) & REPORT_ERR_PARTS);
    free(b.s);
}

static void test_unterminated_nul_and_bad_base64(void **state)
{
    static const char msg[] =
        "From: MAILER-DAEMON@x.example\nSubject: failure notice\n"
        "Content-Type: multipart/mixed; boundary=u\n\n--u\n"
        "Content-Type: text/plain\nContent-Transfer-Encoding: base64\n\n"
        "PHVAZXhhbXBsZS5vcmc+OiA1NTAgdW5rbm93bgo=*%$\n--u\n"
        "Content-Type: text/plain\n\nnul \0 byte and no end";
    struct buf b = {0};
    struct report *r;
    (void)state;

    buf_add(&b, msg, sizeof msg - 1);
    unsigned e = parse_errors(&b, &r);
    assert_true(e & REPORT_ERR_BOUNDARY);
    assert_true(e & REPORT_ERR_NUL);
    assert_true(e & REPORT_ERR_ENCODING);
    assert_int_equal(r->nrcpts, 1); /* the base64 text still decoded */
    assert_string_equal(r->rcpts[0].recipient, "u@example.org");
    report_free(&r);
    free(b.s);
}

static void test_recipient_limit(void **state)
{
    struct buf b = {0};
    struct report *r;
    (void)state;
    gen_addresses(&b, 3000);
    assert_true(parse_errors(&b, &r) & REPORT_ERR_RECIPIENTS);
    assert_int_equal(r->nrcpts, 1000);
    report_free(&r);
    free(b.s);
}

static void test_time_is_linear(void **state)
{
    (void)state;
    check_linear(gen_long_header, 1u << 20, "long header");
    check_linear(gen_nested, 2500, "nested multiparts");
    check_linear(gen_parts, 200, "many parts");
    check_linear(gen_addresses, 2000, "many addresses");
    max_recipients = 100000; /* that the limit does not hide the cost */
    check_linear(gen_addresses, 2000, "many addresses, no limit");
    check_linear(gen_addresses_one_line, 2000, "many addresses, one line");
    check_linear(gen_cut_replies, 500, "many cut replies");
    max_recipients = 0;
    check_linear(gen_ats, 50000, "many @");
    check_linear(gen_open_tag, 20000, "a tag open for long");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_long_header_line),
        cmocka_unit_test(test_ten_thousand_nested_multiparts),
        cmocka_unit_test(test_too_many_parts),
        cmocka_unit_test(test_unterminated_nul_and_bad_base64),
        cmocka_unit_test(test_recipient_limit),
        cmocka_unit_test(test_time_is_linear),
    };
    return cmocka_run_group_tests_name("mime_limits", tests, NULL, NULL);
}
