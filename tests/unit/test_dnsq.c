/*
 * test_dnsq.c - the DNS path's contract checks that need no server:
 * dnsq_txt() with no room for an answer fails before any query is made
 * (a query made first would leave its answer unfreed).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "auth/dnsq.h"

static void txt_without_room_asks_nothing(void **state)
{
    /* port 1 on loopback: nothing answers, a query would fail fast */
    struct dnsq_settings set = {"127.0.0.1@1", 1, 1, 60, 60, 16};
    struct dnsq *q = NULL;
    struct dnsq_stats st;
    const char *err = NULL;
    char out[1] = {'x'};
    (void)state;

    assert_int_equal(dnsq_new(&set, &q, &err), 0);
    assert_int_equal(dnsq_txt(q, "a.test", out, 0), DNSQ_TEMPFAIL);
    assert_int_equal(out[0], 'x'); /* nothing written */
    dnsq_stats(q, &st);
    assert_int_equal(st.queries, 0);
    assert_int_equal(st.sent, 0);
    dnsq_free(&q);
    assert_null(q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(txt_without_room_asks_nothing),
    };
    return cmocka_run_group_tests_name("dnsq", tests, NULL, NULL);
}
