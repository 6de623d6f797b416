/*
 * test_milter_bounce.c - what the milter does with a bounce candidate at
 * end of message, without libmilter and without a store: Postfix's own DSN
 * (non-SMTP stream, null sender) is credible, the same DSN from outside is
 * not unless joined to mail we sent, an ordinary message records nothing,
 * and a store that is down is counted, never fatal.  Rules:
 * $top_srcdir/conf/rules.conf.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "milter/milter_bounce.h"

static const char dsn[] =
    "From: MAILER-DAEMON@a.test (Mail Delivery System)\r\n"
    "To: sender@a.test\r\n"
    "Subject: Undelivered Mail Returned to Sender\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/report; report-type=delivery-status;\r\n"
    "\tboundary=\"QID.1/a.test\"\r\n"
    "\r\n"
    "--QID.1/a.test\r\n"
    "Content-Type: text/plain\r\n"
    "\r\n"
    "I'm sorry to have to inform you that your message could not\r\n"
    "be delivered to one or more recipients.\r\n"
    "\r\n"
    "--QID.1/a.test\r\n"
    "Content-Type: message/delivery-status\r\n"
    "\r\n"
    "Reporting-MTA: dns; a.test\r\n"
    "X-Postfix-Queue-ID: 4ABCDEF\r\n"
    "X-Postfix-Sender: rfc822; sender@a.test\r\n"
    "\r\n"
    "Final-Recipient: rfc822; gone@remote.test\r\n"
    "Action: failed\r\n"
    "Status: 5.1.1\r\n"
    "Remote-MTA: dns; mx.remote.test\r\n"
    "Diagnostic-Code: smtp; 550 5.1.1 <gone@remote.test>: Recipient "
    "address rejected: User unknown\r\n"
    "\r\n"
    "Final-Recipient: rfc822; full@remote.test\r\n"
    "Action: failed\r\n"
    "Status: 5.2.2\r\n"
    "Diagnostic-Code: smtp; 552 5.2.2 Mailbox full\r\n"
    "\r\n"
    "--QID.1/a.test--\r\n";

struct fixture {
    struct bg_settings set;
    struct classify_rules *rules;
    struct mctx_conn *conn;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    const char *top = getenv("top_srcdir");
    char path[4096];
    const char *paths[1] = {path};
    char *error = NULL;

    if (f == NULL)
        return -1;
    snprintf(path, sizeof path, "%s/conf/rules.conf", top ? top : ".");
    if (classify_rules_load(paths, 1, &f->rules, &error) != 0) {
        fprintf(stderr, "# %s\n", error);
        free(error);
        free(f);
        return -1;
    }
    mime_limits_default(&f->set.classify.limits);
    f->set.auth.credibility = "strict";
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    mctx_conn_free(&f->conn);
    classify_rules_free(&f->rules);
    free(f);
    return 0;
}

/* A connection with one message: SENDER, the copy of TEXT. */
static struct mctx_conn *message(struct fixture *f, bool non_smtp,
                                 const char *sender, const char *text)
{
    struct mctx_conn *c =
        mctx_conn_new(NULL, "localhost", "127.0.0.1", NULL, non_smtp);
    const char *body;

    assert_non_null(c);
    c->set = &f->set;
    assert_true(mctx_msg_begin(c, sender, 1 << 20));
    c->msg.dir = non_smtp ? FLOW_OUTBOUND : FLOW_INBOUND;
    c->msg.candidate = true;
    body = strstr(text, "\r\n\r\n");
    assert_non_null(body);
    (void)mctx_add_body(&c->msg, (const unsigned char *)text,
                        (size_t)(body - text) + 4);
    (void)mctx_add_body(&c->msg, (const unsigned char *)body + 4,
                        strlen(body + 4));
    f->conn = c;
    return c;
}

static void postfix_dsn_is_credible(void **state)
{
    struct fixture *f = *state;
    struct mctx_conn *c = message(f, true, "", dsn);
    struct mbounce b;
    char hv[256];

    mbounce_process(NULL, NULL, NULL, f->rules, c, 1795600000, &b);
    assert_false(b.error);
    assert_non_null(b.report);
    assert_int_equal(b.report->kind, REPORT_BOUNCE);
    assert_int_equal(b.report->nrcpts, 2);
    assert_true(b.credible);
    assert_string_equal(b.credible_why, "local-mta");
    assert_int_equal(b.verdicts[0].bucket, BUCKET_HARD);
    assert_int_equal(b.verdicts[1].bucket, BUCKET_SOFT);
    /* no store: nothing recorded, both counted as failed, no crash */
    assert_int_equal(b.recorded, 0);
    assert_int_equal(b.failed, 2);
    mbounce_header_value(&b, 0, hv, sizeof hv);
    assert_non_null(strstr(hv, "gone@remote.test hard "));
    assert_non_null(strstr(hv, "status=5.1.1 credible=yes"));
    mbounce_clear(&b);
    assert_null(b.report);
}

static void outside_dsn_needs_a_join(void **state)
{
    struct fixture *f = *state;
    struct mctx_conn *c = message(f, false, "<>", dsn);
    struct mbounce b;

    mbounce_process(NULL, NULL, NULL, f->rules, c, 1795600000, &b);
    assert_int_equal(b.report->kind, REPORT_BOUNCE);
    assert_false(b.joined);
    assert_false(b.credible);
    mbounce_clear(&b);
}

static void ordinary_mail_records_nothing(void **state)
{
    struct fixture *f = *state;
    struct mctx_conn *c =
        message(f, false, "<>",
                "From: a@b.test\r\nSubject: hello\r\n\r\nJust a note.\r\n");
    struct mbounce b;

    mbounce_process(NULL, NULL, NULL, f->rules, c, 1795600000, &b);
    assert_false(b.error);
    assert_int_not_equal(b.report->kind, REPORT_BOUNCE);
    assert_null(b.verdicts);
    assert_int_equal(b.recorded + b.failed, 0);
    mbounce_clear(&b);
}

static void truncated_copy_still_parsed(void **state)
{
    struct fixture *f = *state;
    struct mctx_conn *c =
        mctx_conn_new(NULL, "localhost", "127.0.0.1", NULL, true);
    size_t cut = (size_t)(strstr(dsn, "Final-Recipient: rfc822; full@") - dsn);
    struct mbounce b;

    assert_non_null(c);
    f->conn = c;
    c->set = &f->set;
    /* a cap that ends inside the second recipient's group */
    assert_true(mctx_msg_begin(c, "", cut + 10));
    c->msg.candidate = true;
    (void)mctx_add_body(&c->msg, (const unsigned char *)dsn, strlen(dsn));
    assert_true(c->msg.truncated);
    mbounce_process(NULL, NULL, NULL, f->rules, c, 1795600000, &b);
    assert_false(b.error);
    assert_int_equal(b.report->kind, REPORT_BOUNCE);
    assert_true(b.report->nrcpts >= 1);
    assert_string_equal(b.report->rcpts[0].recipient, "gone@remote.test");
    mbounce_clear(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(postfix_dsn_is_credible, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(outside_dsn_needs_a_join, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(ordinary_mail_records_nothing, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(truncated_copy_still_parsed, setup,
                                        teardown),
    };
    return cmocka_run_group_tests_name("milter_bounce", tests, NULL, NULL);
}
