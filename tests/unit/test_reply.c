/*
 * test_reply.c - reply_parse(): codes, enhanced status codes, multi-line
 * replies, diagnostic types, transcripts, normalisation, truncation, and
 * address extraction; reply_status_valid().
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "core/reply.h"

struct parse_case {
    const char *in;
    int code;
    const char *status;
    const char *text; /* expected normalised text, NULL: not checked */
};

static const struct parse_case cases[] = {
    {"550 5.1.1 <a@b.example>: Recipient address rejected: User unknown", 550,
     "5.1.1", "550 5.1.1 <a@b.example>: Recipient address rejected: User "
              "unknown"},
    {"550-5.7.26 This mail is unauthenticated, which poses a security risk "
     "to the\r\n550-5.7.26 sender and Gmail users",
     550, "5.7.26",
     "550-5.7.26 This mail is unauthenticated, which poses a security risk "
     "to the sender and Gmail users"},
    {"550-5.7.1 first line\n550 5.7.1 last line", 550, "5.7.1",
     "550-5.7.1 first line last line"},
    {"421-mx.example.com busy\n421 try later", 421, "",
     "421-mx.example.com busy try later"},
    {"smtp; 550 5.1.1 user unknown", 550, "5.1.1", "550 5.1.1 user unknown"},
    {"X-Postfix; host not found", 0, "", "host not found"},
    {"host mx.example[192.0.2.1] said: 552 5.2.2 Mailbox full (in reply to "
     "RCPT TO command)",
     552, "5.2.2", NULL},
    {"5.1.1 user unknown", 0, "5.1.1", "5.1.1 user unknown"},
    {"user   unknown\n\tagain", 0, "", "user unknown again"},
    {"Out: 250 2.1.5 Ok Out: 451 4.3.0 queue file write error", 451, "4.3.0",
     NULL},
    /* the reply's own code, not the one of the server it quotes (nor its
     * status) */
    {"450 <a@b.example>: Recipient address rejected: unverified address: "
     "host mx.b.example[192.0.2.7] said: 550 5.1.1 <a@b.example>: User "
     "unknown",
     450, "", NULL},
    {"451 Temporary failure, backend said: 550 5.1.1 No such user", 451, "",
     NULL},
    /* a failure after a success at the start is the reply's */
    {"250 2.1.5 Recipient ok; 552 5.2.2 Mailbox full", 552, "5.2.2", NULL},
    /* a program's pair (code, reply) is the server's own reply, whatever
     * wraps it and whatever reply it quotes */
    {"smtplib.SMTPRecipientsRefused: {'a@b.example': (450, b'4.1.1 "
     "<a@b.example>: Recipient address rejected: unverified address: host "
     "mx.b.example[192.0.2.7] said: 550 5.1.1 <a@b.example>: User unknown')}",
     450, "4.1.1", NULL},
    {"smtplib.SMTPConnectError: (521, b'5.3.2 mx.b.example does not accept "
     "mail')",
     521, "5.3.2", NULL},
    {"data: (250, b'Ok queued as 4Q7Lk2')", 250, "", NULL},
    {"(550, '5.7.1 Relaying denied')", 550, "5.7.1", NULL},
    /* HTML character references of ASCII characters read as those
     * characters, once */
    {"550 5.1.1 &lt;a@b.example&gt;: Recipient address rejected", 550,
     "5.1.1", "550 5.1.1 <a@b.example>: Recipient address rejected"},
    {"554 This user doesn&#39;t have an account &#x28;a&#x29; &amp;lt; "
     "&#0; &#12345; &bogus;",
     554, "", "554 This user doesn't have an account (a) &lt; &#0; &#12345; "
              "&bogus;"},
    {"550 5.1.1 doesn\xe2\x80\x99t &amp; can&#39;t", 550, "5.1.1",
     "550 5.1.1 doesn't & can't"},
    /* a count in parentheses is no code, nor a size */
    {"Too many recipients (550, max 100)", 0, "", NULL},
    {"Attachments: report.xlsx (412 KB)", 0, "", NULL},
    {"Size: 512 bytes, 450 MB, 500 Ko", 0, "", NULL},
    {"Blocked (size 412 KB): 552 5.3.4 message too big", 552, "5.3.4", NULL},
    {"450 kbytes-quota mailbox full", 450, "", NULL},
    {"Questions? Call us at (620) 555-0143 any day", 0, "", NULL},
    {"(408) 555-0143  LICENSED COPY - Nov 27 2003", 0, "", NULL},
    {"Support: (550) 555-0143; 451 4.3.0 try later", 451, "4.3.0", NULL},
    {"550-5.1.1 The account does not exist\n550 5.1.1 Try again", 550,
     "5.1.1", NULL},
    /* attempts one after the other: the later permanent failure */
    {"Delivery attempt 1: 451 4.3.0 Temporary lookup failure\n"
     "Delivery attempt 7: 550 5.1.1 <a@b.example>: User unknown",
     550, "5.1.1", NULL},
    /* ... but a code in parentheses after it is a quote */
    {"250 2.0.0 Accepted after 3 deferrals (451 4.7.1 greylisted)", 250,
     "2.0.0", NULL},
    {"Rejected (550 5.1.1 no such user)", 550, "5.1.1", NULL},
    {"connect to 192.0.2.1:25 timed out", 0, "", NULL},
    {"Postfix 2.10.1 said 550 user unknown", 550, "", NULL},
    {"#< #5.1.1 smtp;550 5.1.1 RESOLVER.ADR.RecipNotFound>", 550, "5.1.1",
     NULL},
    {"550 User doesn\xe2\x80\x99t exist, \xe2\x80\x98x\xe2\x80\x99 "
     "\xe2\x80\x9cy\xe2\x80\x9d \xe2\x80", 550, "",
     "550 User doesn't exist, 'x' \xe2\x80\x9cy\xe2\x80\x9d \xe2\x80"},
    /* CJK punctuation before the code: the fullwidth colon, the
     * ideographic space; a CJK letter right before digits is no boundary */
    {"\xe5\x8e\x9f\xe5\x9b\xa0\xef\xbc\x9a" "550 5.1.1 user unknown", 550,
     "5.1.1", NULL},
    {"\xe3\x80\x80" "452 4.2.2 full", 452, "4.2.2", NULL},
    {"\xe9\xa1\xb5" "550 x", 0, "", NULL},
    {"", 0, "", ""},
};

static void parse_cases(void **state)
{
    char buf[512];
    struct reply r;

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct parse_case *c = &cases[i];
        reply_parse(c->in, strlen(c->in), buf, sizeof buf, &r);
        if (r.code != c->code || strcmp(r.status, c->status) != 0 ||
            (c->text != NULL && strcmp(r.text, c->text) != 0))
            fail_msg("\"%s\": got %d \"%s\" \"%s\"", c->in, r.code, r.status,
                     r.text);
        assert_int_equal(r.text_len, strlen(r.text));
    }
}

static void never_reads_past_len(void **state)
{
    /* the status would be 5.1.10 if the parser read past len */
    const char in[] = "550 5.1.10";
    char buf[64];
    struct reply r;

    (void)state;
    reply_parse(in, 9, buf, sizeof buf, &r);
    assert_string_equal(r.status, "5.1.1");
    assert_string_equal(r.text, "550 5.1.1");
}

static void truncates_to_buffer(void **state)
{
    char buf[8];
    struct reply r;
    const char *in = "550 5.1.1 a very long text";

    (void)state;
    reply_parse(in, strlen(in), buf, sizeof buf, &r);
    assert_true(r.truncated);
    assert_int_equal(r.text_len, 7);
    assert_int_equal(strlen(r.text), 7);
    assert_int_equal(r.code, 550);
}

static void nul_bytes_are_spaces(void **state)
{
    const char in[] = "550 user\0unknown";
    char buf[64];
    struct reply r;

    (void)state;
    reply_parse(in, sizeof in - 1, buf, sizeof buf, &r);
    assert_string_equal(r.text, "550 user unknown");
}

static void status_validity(void **state)
{
    (void)state;
    assert_true(reply_status_valid("5.1.1", 5));
    assert_true(reply_status_valid("4.7.650", 7));
    assert_true(reply_status_valid("2.0.0", 5));
    assert_false(reply_status_valid("3.1.1", 5));
    assert_false(reply_status_valid("5.1", 3));
    assert_false(reply_status_valid("5.1.1 ", 6));
    assert_false(reply_status_valid("5.1111.1", 8));
    assert_false(reply_status_valid("", 0));
}

static void status_not_in_ip(void **state)
{
    char st[REPLY_STATUS_MAX];
    const char *in = "from 192.0.2.1 and 10.4.4.7";

    (void)state;
    assert_false(reply_find_status(in, strlen(in), st));
    assert_string_equal(st, "");
    assert_true(reply_find_status("(#5.4.4)", 8, st));
    assert_string_equal(st, "5.4.4");
}

static void class_of(void **state)
{
    (void)state;
    assert_int_equal(reply_class("4.2.2", 550), 4);
    assert_int_equal(reply_class("", 550), 5);
    assert_int_equal(reply_class(NULL, 0), 0);
}

static void addresses(void **state)
{
    char a[64];
    const char *t1 = "550 5.1.1 <User.Name+x@Example.COM>: unknown";
    const char *t2 = "550 no such user here: bob@example.org.";
    const char *t3 = "550 <not an address> nothing here";

    (void)state;
    assert_true(reply_find_address(t1, strlen(t1), a, sizeof a));
    assert_string_equal(a, "User.Name+x@Example.COM");
    assert_true(reply_find_address(t2, strlen(t2), a, sizeof a));
    assert_string_equal(a, "bob@example.org");
    assert_false(reply_find_address(t3, strlen(t3), a, sizeof a));
    assert_false(reply_find_address(t1, strlen(t1), a, 5)); /* too small */
}

static double seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Fills buf with n bytes of a pathological reply: continuation lines
 * "550-5.1.1 x" with NUL bytes and a missing end, or one endless line. */
static void pathological(char *buf, size_t n, bool lines)
{
    static const char unit[] = "550-5.1.1 x\0y\n";
    for (size_t i = 0; i < n; i++)
        buf[i] = lines ? unit[i % (sizeof unit - 1)] : (i % 7 ? 'a' : '5');
}

/* Time spent parsing n bytes, best of five. */
static double parse_time(char *in, size_t n, bool lines)
{
    char out[2048];
    struct reply r;
    double best = 1e9;

    pathological(in, n, lines);
    for (int k = 0; k < 5; k++) {
        double t0 = seconds();
        reply_parse(in, n, out, sizeof out, &r);
        double dt = seconds() - t0;
        if (dt < best)
            best = dt;
    }
    assert_true(r.text_len < sizeof out);
    return best;
}

/* 1 MB and 5 MB inputs: no crash, bounded output, and time linear in the
 * input: a quadratic scan of 5 MB would take hours, a linear one takes
 * milliseconds, so a bound of 2 s separates them even on a loaded
 * machine. */
static void pathological_input_is_linear(void **state)
{
    size_t small = 1u << 20, big = 5u << 20;
    char *in = malloc(big);

    (void)state;
    assert_non_null(in);
    for (int lines = 0; lines < 2; lines++) {
        double a = parse_time(in, small, lines), b = parse_time(in, big, lines);
        print_message("# %s: 1 MB %.4f s, 5 MB %.4f s\n",
                      lines ? "continuation lines" : "one line", a, b);
        assert_true(b < 2.0);
    }
    free(in);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parse_cases),
        cmocka_unit_test(never_reads_past_len),
        cmocka_unit_test(truncates_to_buffer),
        cmocka_unit_test(nul_bytes_are_spaces),
        cmocka_unit_test(status_validity),
        cmocka_unit_test(status_not_in_ip),
        cmocka_unit_test(class_of),
        cmocka_unit_test(addresses),
        cmocka_unit_test(pathological_input_is_linear),
    };
    return cmocka_run_group_tests_name("reply", tests, NULL, NULL);
}
