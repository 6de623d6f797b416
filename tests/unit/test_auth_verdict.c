/*
 * test_auth_verdict.c - the judgement of an outbound message's SPF and
 * DKIM results (auth_sender_verdict), as a table: what is broken, what an
 * admin is told, and what DMARC would let through.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "auth/auth_int.h"

struct row {
    const char *what;
    enum authres spf;
    bool spf_checked, spf_aligned;
    enum authres dkim;
    bool dkim_known, dkim_aligned;
    bool broken;
    const char *reason;
};

#define P AUTHRES_PASS
#define F AUTHRES_FAIL
#define N AUTHRES_NONE
#define T AUTHRES_TEMPERROR

static const struct row rows[] = {
    {"SPF aligned pass, no signature", P, true, true, N, true, false, false,
     "ok"},
    {"SPF aligned pass, valid foreign signature", P, true, true, P, true,
     false, false, "ok"},
    {"SPF unaligned pass, aligned signature", P, true, false, P, true, true,
     false, "ok"},
    {"SPF unaligned pass, no signature", P, true, false, N, true, false, true,
     "dmarc_unaligned"},
    {"SPF none, no signature", N, true, false, N, true, false, true,
     "dmarc_unaligned"},
    {"SPF unaligned pass, foreign signature", P, true, false, P, true, false,
     true, "dkim_unaligned"},
    {"SPF fail wins", F, true, true, P, true, true, true, "spf_fail"},
    {"softfail", AUTHRES_SOFTFAIL, true, true, P, true, true, true,
     "spf_softfail"},
    {"SPF permerror", AUTHRES_PERMERROR, true, true, N, true, false, true,
     "spf_permerror"},
    {"broken signature, SPF aligned pass", P, true, true, F, true, false,
     true, "dkim_fail"},
    {"DKIM key error", P, true, true, AUTHRES_PERMERROR, true, false, true,
     "dkim_permerror"},
    {"SPF temperror judges nothing", T, true, false, N, true, false, false,
     "ok"},
    {"DKIM temperror judges nothing", P, true, false, T, true, false, false,
     "ok"},
    {"DKIM not known yet judges nothing", P, true, false, N, false, false,
     false, "ok"},
    {"no egress addresses: no signature is no verdict", N, false, false, N,
     true, false, false, "ok"},
    {"no egress addresses: a foreign signature still alerts", N, false, false,
     P, true, false, true, "dkim_unaligned"},
};

static void verdicts(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        const struct row *w = &rows[i];
        struct auth_sender_result r;

        memset(&r, 0, sizeof r);
        r.spf = w->spf;
        r.spf_checked = w->spf_checked;
        r.spf_aligned = w->spf_aligned;
        r.dkim = w->dkim;
        r.dkim_known = w->dkim_known;
        r.dkim_aligned = w->dkim_aligned;
        auth_sender_verdict(&r);
        if (r.broken != w->broken || r.reason == NULL ||
            strcmp(r.reason, w->reason) != 0)
            fail_msg("%s: got %s/%s, want %s/%s", w->what,
                     r.broken ? "broken" : "ok", r.reason ? r.reason : "NULL",
                     w->broken ? "broken" : "ok", w->reason);
    }
}

static void what_names_the_remedy(void **state)
{
    struct auth_sender_result r;

    (void)state;
    memset(&r, 0, sizeof r);
    r.spf = AUTHRES_PASS;
    r.spf_checked = true;
    r.dkim_known = true;
    auth_sender_verdict(&r);
    assert_int_equal(r.what, AUTH_BROKEN_DMARC);
    r.dkim = AUTHRES_PASS;
    auth_sender_verdict(&r);
    assert_int_equal(r.what, AUTH_BROKEN_DKIM);
    r.spf = AUTHRES_FAIL;
    auth_sender_verdict(&r);
    assert_int_equal(r.what, AUTH_BROKEN_SPF);
    r.spf = AUTHRES_PASS;
    r.spf_aligned = true;
    auth_sender_verdict(&r);
    assert_int_equal(r.what, AUTH_BROKEN_NONE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(verdicts),
        cmocka_unit_test(what_names_the_remedy),
    };
    return cmocka_run_group_tests_name("auth_verdict", tests, NULL, NULL);
}
