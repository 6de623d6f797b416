/*
 * test_milter_ctx.c - the milter's per-message state: the copy kept of a
 * bounce candidate never exceeds its cap, whatever is offered; recipients
 * and Message-ID are kept bare; ending a message twice is harmless; the
 * numbers of the Authentication-Results fields claiming our authserv-id
 * are kept up to MCTX_AR_MAX, the rest counted.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "milter/milter_ctx.h"

/* Linked with -Wl,--wrap=calloc: the next calloc() of milter_ctx.c may be
 * made to fail. */
void *__real_calloc(size_t n, size_t size);
void *__wrap_calloc(size_t n, size_t size);
static int calloc_fail_next; /* test-only switch, single-threaded */

void *__wrap_calloc(size_t n, size_t size)
{
    if (calloc_fail_next) {
        calloc_fail_next = 0;
        return NULL;
    }
    return __real_calloc(n, size);
}

static struct mctx_conn *conn_new(void)
{
    struct mctx_conn *c =
        mctx_conn_new(NULL, "localhost", "127.0.0.1", "mx", true);

    assert_non_null(c);
    return c;
}

static void message_copy_is_headers_blank_line_body(void **state)
{
    struct mctx_conn *c = conn_new();
    static const char want[] = "From: a@b\r\nSubject: x\r\n\r\nbody\r\n";

    (void)state;
    assert_true(mctx_msg_begin(c, "<>", 4096));
    assert_true(c->msg.null_sender);
    assert_true(mctx_add_header(&c->msg, "From", "a@b"));
    assert_true(mctx_add_header(&c->msg, "Subject", "x"));
    assert_true(mctx_add_eoh(&c->msg));
    assert_true(mctx_add_body(&c->msg, (const unsigned char *)"body\r\n", 6));
    assert_int_equal(c->msg.len, sizeof want - 1);
    assert_memory_equal(c->msg.buf, want, sizeof want - 1);
    assert_false(c->msg.truncated);
    mctx_conn_free(&c);
    assert_null(c);
}

static void copy_never_exceeds_cap(void **state)
{
    struct mctx_conn *c = conn_new();
    unsigned char chunk[65536];
    const size_t cap = 100000;
    size_t offered = 0;

    (void)state;
    memset(chunk, 'x', sizeof chunk);
    assert_true(mctx_msg_begin(c, "", cap));
    (void)mctx_add_header(&c->msg, "Content-Type", "multipart/report");
    (void)mctx_add_eoh(&c->msg);
    for (int i = 0; i < 50; i++) {
        bool more = mctx_add_body(&c->msg, chunk, sizeof chunk);

        offered += sizeof chunk;
        assert_true(c->msg.len <= cap);
        assert_true(c->msg.alloc <= cap);
        if (!more)
            break;
    }
    assert_int_equal(c->msg.len, cap);
    assert_true(c->msg.truncated);
    /* once full, every further chunk is refused and only counted */
    assert_false(mctx_add_body(&c->msg, chunk, 10));
    assert_int_equal(c->msg.len, cap);
    assert_true(offered >= cap);
    mctx_conn_free(&c);
}

static void recipients_and_message_id_bare(void **state)
{
    struct mctx_conn *c = conn_new();
    struct mctx_rcpt *r;

    (void)state;
    assert_true(mctx_msg_begin(c, "<Alice@a.test>", 4096));
    assert_false(c->msg.null_sender);
    assert_string_equal(c->msg.sender, "Alice@a.test");
    r = mctx_rcpt_add(&c->msg, "<x@remote.test>");
    assert_non_null(r);
    assert_string_equal(r->addr, "x@remote.test");
    for (int i = 0; i < 10; i++)
        assert_non_null(mctx_rcpt_add(&c->msg, "y@remote.test"));
    assert_int_equal(c->msg.nrcpts, 11);
    assert_true(mctx_set_message_id(&c->msg, " <id.1@a.test>\r\n"));
    assert_string_equal(c->msg.message_id, "id.1@a.test");
    /* the first Message-ID wins */
    assert_true(mctx_set_message_id(&c->msg, "<id.2@a.test>"));
    assert_string_equal(c->msg.message_id, "id.1@a.test");
    mctx_msg_end(c);
    mctx_msg_end(c);
    assert_int_equal(c->msg.nrcpts, 0);
    assert_false(c->in_msg);
    mctx_conn_free(&c);
}

static void recipients_over_the_limit_are_counted(void **state)
{
    struct mctx_conn *c = conn_new();

    (void)state;
    assert_true(mctx_msg_begin(c, "a@b", 4096));
    for (int i = 0; i < MCTX_RCPT_MAX + 5; i++)
        (void)mctx_rcpt_add(&c->msg, "r@x.test");
    assert_int_equal(c->msg.nrcpts, MCTX_RCPT_MAX);
    assert_int_equal(c->msg.rcpts_seen, MCTX_RCPT_MAX + 5);
    /* one to remove or tag at end of message is kept all the same */
    assert_non_null(mctx_rcpt_add_enforced(&c->msg, "dead@x.test"));
    assert_int_equal(c->msg.nrcpts, MCTX_RCPT_MAX + 1);
    assert_int_equal(c->msg.rcpts_seen, MCTX_RCPT_MAX + 6);
    assert_string_equal(c->msg.rcpts[MCTX_RCPT_MAX].addr, "dead@x.test");
    /* a new message starts clean */
    assert_true(mctx_msg_begin(c, "b@c", 4096));
    assert_int_equal(c->msg.nrcpts, 0);
    assert_int_equal(c->messages, 2);
    mctx_conn_free(&c);
}

static void authres_numbers_kept_up_to_the_bound(void **state)
{
    struct mctx_conn *c = conn_new();
    struct mctx_msg *m;

    (void)state;
    assert_true(mctx_msg_begin(c, "", 4096));
    m = &c->msg;
    /* others 1 and 3, ours 2 and 4: numbered among all of that name */
    assert_true(mctx_add_authres(m, false));
    assert_true(mctx_add_authres(m, true));
    assert_true(mctx_add_authres(m, false));
    assert_true(mctx_add_authres(m, true));
    assert_int_equal(m->ar_seen, 4);
    assert_int_equal(m->nar_ours, 2);
    assert_int_equal(m->ar_ours[0], 2);
    assert_int_equal(m->ar_ours[1], 4);
    for (int i = 2; i < MCTX_AR_MAX; i++)
        assert_true(mctx_add_authres(m, true));
    assert_int_equal(m->ar_ours[MCTX_AR_MAX - 1], MCTX_AR_MAX + 2);
    /* past the bound: counted, not kept; the numbering goes on */
    assert_false(mctx_add_authres(m, true));
    assert_true(mctx_add_authres(m, false));
    assert_false(mctx_add_authres(m, true));
    assert_int_equal(m->nar_ours, MCTX_AR_MAX);
    assert_int_equal(m->ar_ours_over, 2);
    assert_int_equal(m->ar_seen, MCTX_AR_MAX + 5);
    /* a new message starts clean */
    assert_true(mctx_msg_begin(c, "", 4096));
    assert_int_equal(c->msg.ar_seen, 0);
    assert_int_equal(c->msg.nar_ours, 0);
    assert_int_equal(c->msg.ar_ours_over, 0);
    mctx_conn_free(&c);
}

static void failed_begin_leaves_no_message(void **state)
{
    struct mctx_conn *c = conn_new();
    (void)state;

    assert_true(mctx_msg_begin(c, "<a@b>", 4096));
    calloc_fail_next = 1;
    assert_false(mctx_msg_begin(c, "<c@d>", 4096));
    assert_false(c->in_msg);
    assert_null(c->msg.sender);
    assert_int_equal(c->messages, 1);
    assert_true(mctx_msg_begin(c, "<e@f>", 4096));
    assert_true(c->in_msg);
    assert_string_equal(c->msg.sender, "e@f");
    mctx_conn_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(message_copy_is_headers_blank_line_body),
        cmocka_unit_test(copy_never_exceeds_cap),
        cmocka_unit_test(recipients_and_message_id_bare),
        cmocka_unit_test(recipients_over_the_limit_are_counted),
        cmocka_unit_test(authres_numbers_kept_up_to_the_bound),
        cmocka_unit_test(failed_begin_leaves_no_message),
    };
    return cmocka_run_group_tests_name("milter_ctx", tests, NULL, NULL);
}
