/*
 * test_credible.c - the forged-bounce credibility rule, as a table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "auth/credible.h"

#define REMOTE CREDIBLE_SRC_REMOTE
#define LOCAL CREDIBLE_SRC_LOCAL_MTA
#define STRICT CREDIBLE_STRICT
#define LENIENT CREDIBLE_LENIENT
#define OFF CREDIBLE_OFF
#define A(x) AUTHRES_##x

struct row {
    const char *what;
    struct credible_input in;
    bool credible;
    const char *why;
};

/* source, tracking, correlated, prvs, spf, dkim, mode */
static const struct row rows[] = {
    {"forged DSN for a message never sent, spf none",
     {REMOTE, true, false, PRVS_UNSIGNED, A(NONE), A(NONE), STRICT},
     false,
     "not-correlated"},
    {"forged DSN from a domain with valid SPF, tracking on",
     {REMOTE, true, false, PRVS_UNSIGNED, A(PASS), A(PASS), STRICT},
     false,
     "not-correlated"},
    {"real bounce found in tracking",
     {REMOTE, true, true, PRVS_UNSIGNED, A(NONE), A(NONE), STRICT},
     true,
     "correlated"},
    {"Postfix's own DSN",
     {LOCAL, true, false, PRVS_UNSIGNED, A(NONE), A(NONE), STRICT},
     true,
     "local-mta"},
    {"valid prvs tag, tracking off",
     {REMOTE, false, false, PRVS_VALID, A(FAIL), A(NONE), STRICT},
     true,
     "prvs"},
    {"valid prvs tag of a bounce found in tracking: its recipients alone",
     {REMOTE, true, true, PRVS_VALID, A(FAIL), A(NONE), STRICT},
     true,
     "prvs-correlated"},
    {"valid prvs tag, tracking on, nothing correlates: any recipient of "
     "ours sees the tag and could name anyone",
     {REMOTE, true, false, PRVS_VALID, A(PASS), A(NONE), STRICT},
     false,
     "prvs-not-correlated"},
    {"lenient: valid prvs tag without correlation",
     {REMOTE, true, false, PRVS_VALID, A(NONE), A(NONE), LENIENT},
     true,
     "prvs"},
    {"bad prvs tag beats correlation and SPF",
     {REMOTE, true, true, PRVS_BAD_SIG, A(PASS), A(PASS), STRICT},
     false,
     "prvs-invalid"},
    {"expired prvs tag",
     {REMOTE, true, true, PRVS_EXPIRED, A(PASS), A(NONE), LENIENT},
     false,
     "prvs-expired"},
    {"unknown prvs key",
     {REMOTE, false, false, PRVS_UNKNOWN_KEY, A(PASS), A(NONE), STRICT},
     false,
     "prvs-invalid"},
    {"tracking off, SPF pass",
     {REMOTE, false, false, PRVS_UNSIGNED, A(PASS), A(NONE), STRICT},
     true,
     "spf-pass"},
    {"tracking off, DKIM pass",
     {REMOTE, false, false, PRVS_UNSIGNED, A(FAIL), A(PASS), STRICT},
     true,
     "dkim-pass"},
    {"tracking off, SPF softfail only",
     {REMOTE, false, false, PRVS_UNSIGNED, A(SOFTFAIL), A(NONE), STRICT},
     false,
     "auth-unverified"},
    {"tracking off, DNS down: temperror is not credible, not a fail",
     {REMOTE, false, false, PRVS_UNSIGNED, A(TEMPERROR), A(NONE), STRICT},
     false,
     "auth-temperror"},
    {"lenient: SPF pass without correlation",
     {REMOTE, true, false, PRVS_UNSIGNED, A(PASS), A(NONE), LENIENT},
     true,
     "spf-pass"},
    {"lenient: nothing verifies",
     {REMOTE, true, false, PRVS_UNSIGNED, A(NEUTRAL), A(FAIL), LENIENT},
     false,
     "auth-unverified"},
    {"mode off",
     {REMOTE, true, false, PRVS_BAD_SIG, A(FAIL), A(FAIL), OFF},
     true,
     "check-off"},
};

static void every_row_decides_as_documented(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct credible_decision d = {true, NULL, true};
        credible_decide(&rows[i].in, &d);
        if (d.credible != rows[i].credible || d.why == NULL ||
            strcmp(d.why, rows[i].why) != 0)
            fail_msg("%s: got %s/%s, want %s/%s", rows[i].what,
                     d.credible ? "credible" : "incredible",
                     d.why ? d.why : "(null)",
                     rows[i].credible ? "credible" : "incredible", rows[i].why);
        if (d.by_correlation != (strcmp(rows[i].why, "correlated") == 0 ||
                                 strcmp(rows[i].why, "prvs-correlated") == 0))
            fail_msg("%s: by_correlation is %d", rows[i].what,
                     d.by_correlation);
    }
}

static void forged_dsn_suppresses_nothing_real_one_does(void **state)
{
    /* The same recipient: the forged DSN never correlates, the real one
     * does; only the real one may suppress. */
    struct credible_input forged = {REMOTE,  true,    false, PRVS_UNSIGNED,
                                    A(PASS), A(NONE), STRICT};
    struct credible_input real = forged;
    struct credible_decision d;
    (void)state;
    real.correlated = true;
    credible_decide(&forged, &d);
    assert_false(d.credible);
    credible_decide(&real, &d);
    assert_true(d.credible);
}

static void mode_names_round_trip(void **state)
{
    enum credible_mode m;
    (void)state;
    for (int i = 0; i < 3; i++) {
        assert_true(
            credible_mode_parse(credible_mode_name((enum credible_mode)i), &m));
        assert_int_equal(m, i);
    }
    assert_true(credible_mode_parse("STRICT", &m));
    assert_false(credible_mode_parse("sometimes", &m));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_row_decides_as_documented),
        cmocka_unit_test(forged_dsn_suppresses_nothing_real_one_does),
        cmocka_unit_test(mode_names_round_trip),
    };
    return cmocka_run_group_tests_name("credible", tests, NULL, NULL);
}
