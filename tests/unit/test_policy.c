/*
 * test_policy.c - the decision policy (core/policy.h) with a fake clock.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/policy.h"

#define HOUR 3600LL
#define DAY (24 * HOUR)
#define T0 1700000000LL

static struct policy_settings set;

static int setup(void **state)
{
    (void)state;
    policy_settings_default(&set);
    return 0;
}

static enum policy_action ev(struct policy_state *st, long long when,
                             enum policy_kind kind, enum bucket b,
                             const char *reason)
{
    struct policy_input in = {
        .when = when,
        .kind = kind,
        .bucket = b,
        .reason = reason,
        .credible = true,
    };
    return policy_decide(&set, &in, st, when);
}

static enum policy_action failure(struct policy_state *st, long long when,
                                  enum bucket b)
{
    return ev(st, when, POLICY_EVENT_FAILURE, b, "x");
}

static void hard_suppresses_at_once_and_permanently(void **state)
{
    struct policy_state st = {0};

    (void)state;
    assert_int_equal(failure(&st, T0, BUCKET_HARD), POLICY_SUPPRESS);
    assert_true(st.suppressed);
    assert_int_equal(st.expires, 0);
    assert_int_equal(failure(&st, T0 + 1, BUCKET_HARD), POLICY_REFRESH);
}

static void hard_expiry_when_configured(void **state)
{
    struct policy_state st = {0};

    (void)state;
    set.hard_expiry = 90 * DAY;
    assert_int_equal(failure(&st, T0, BUCKET_HARD), POLICY_SUPPRESS);
    assert_int_equal(st.expires, T0 + 90 * DAY);
    /* after expiry the state reads as not suppressed; a new hard re-adds */
    assert_int_equal(failure(&st, T0 + 91 * DAY, BUCKET_HARD), POLICY_SUPPRESS);
    set.hard_expiry = 0;
}

static void soft_needs_count_and_span(void **state)
{
    struct policy_state st = {0};

    (void)state;
    assert_int_equal(failure(&st, T0, BUCKET_SOFT), POLICY_COUNT);
    assert_int_equal(failure(&st, T0 + 1 * HOUR, BUCKET_SOFT), POLICY_COUNT);
    /* three failures but only 2 hours apart: not yet */
    assert_int_equal(failure(&st, T0 + 2 * HOUR, BUCKET_SOFT), POLICY_COUNT);
    assert_int_equal(st.soft_count, 3);
    /* the fourth, 72 h after the first: suppressed with the soft expiry */
    assert_int_equal(failure(&st, T0 + 72 * HOUR, BUCKET_SOFT),
                     POLICY_SUPPRESS);
    assert_int_equal(st.bucket, BUCKET_SOFT);
    assert_int_equal(st.expires, T0 + 72 * HOUR + 30 * DAY);
}

static void soft_span_without_count_is_not_enough(void **state)
{
    struct policy_state st = {0};

    (void)state;
    assert_int_equal(failure(&st, T0, BUCKET_SOFT), POLICY_COUNT);
    assert_int_equal(failure(&st, T0 + 100 * HOUR, BUCKET_SOFT), POLICY_COUNT);
    assert_int_equal(failure(&st, T0 + 101 * HOUR, BUCKET_SOFT),
                     POLICY_SUPPRESS);
}

static void success_between_resets_soft_count(void **state)
{
    struct policy_state st = {0};

    (void)state;
    failure(&st, T0, BUCKET_SOFT);
    failure(&st, T0 + 40 * HOUR, BUCKET_SOFT);
    assert_int_equal(
        ev(&st, T0 + 41 * HOUR, POLICY_EVENT_SUCCESS, BUCKET_NONE, "delivered"),
        POLICY_NONE);
    assert_int_equal(st.soft_count, 0);
    assert_int_equal(failure(&st, T0 + 80 * HOUR, BUCKET_SOFT), POLICY_COUNT);
    /* a late-arriving soft failure older than the success is not counted */
    assert_int_equal(failure(&st, T0 + 39 * HOUR, BUCKET_SOFT), POLICY_NONE);
    assert_int_equal(st.soft_count, 1);
}

static void success_lifts_soft_suppression_only(void **state)
{
    struct policy_state soft = {0}, hard = {0};

    (void)state;
    failure(&soft, T0, BUCKET_SOFT);
    failure(&soft, T0 + 36 * HOUR, BUCKET_SOFT);
    assert_int_equal(failure(&soft, T0 + 72 * HOUR, BUCKET_SOFT),
                     POLICY_SUPPRESS);
    assert_int_equal(
        ev(&soft, T0 + 73 * HOUR, POLICY_EVENT_SUCCESS, BUCKET_NONE, NULL),
        POLICY_LIFT);
    assert_false(soft.suppressed);

    failure(&hard, T0, BUCKET_HARD);
    assert_int_equal(ev(&hard, T0 + 1, POLICY_EVENT_SUCCESS, BUCKET_NONE, NULL),
                     POLICY_NONE);
    assert_true(hard.suppressed);
}

static void sender_and_none_never_suppress(void **state)
{
    struct policy_state st = {0};

    (void)state;
    for (int i = 0; i < 10; i++) {
        assert_int_equal(failure(&st, T0 + i * DAY, BUCKET_SENDER),
                         POLICY_NONE);
        assert_int_equal(failure(&st, T0 + i * DAY + 1, BUCKET_NONE),
                         POLICY_NONE);
    }
    assert_false(st.suppressed);
}

static void not_credible_never_suppresses(void **state)
{
    struct policy_state st = {0};
    struct policy_input in = {
        .when = T0,
        .kind = POLICY_EVENT_FAILURE,
        .bucket = BUCKET_HARD,
        .reason = "user_unknown",
        .credible = false,
    };

    (void)state;
    assert_int_equal(policy_decide(&set, &in, &st, T0), POLICY_IGNORED);
    assert_false(st.suppressed);
}

static void manual_removal_wins_over_older_events(void **state)
{
    struct policy_state st = {0};

    (void)state;
    assert_int_equal(failure(&st, T0, BUCKET_HARD), POLICY_SUPPRESS);
    assert_int_equal(
        ev(&st, T0 + 10 * HOUR, POLICY_EVENT_REMOVE, BUCKET_NONE, NULL),
        POLICY_LIFT);
    /* a bounce from before the removal arrives late: ignored */
    assert_int_equal(failure(&st, T0 + 5 * HOUR, BUCKET_HARD), POLICY_IGNORED);
    assert_int_equal(failure(&st, T0 + 10 * HOUR, BUCKET_HARD), POLICY_IGNORED);
    assert_false(st.suppressed);
    /* a newer one does suppress again */
    assert_int_equal(failure(&st, T0 + 11 * HOUR, BUCKET_HARD),
                     POLICY_SUPPRESS);
}

static void manual_add_is_not_lifted_by_success(void **state)
{
    struct policy_state st = {0};
    struct policy_input in = {
        .when = T0,
        .kind = POLICY_EVENT_ADD,
        .bucket = BUCKET_SOFT,
        .credible = true,
        .expires = T0 + DAY,
    };

    (void)state;
    assert_int_equal(policy_decide(&set, &in, &st, T0), POLICY_SUPPRESS);
    assert_true(st.manual);
    assert_int_equal(ev(&st, T0 + 1, POLICY_EVENT_SUCCESS, BUCKET_NONE, NULL),
                     POLICY_NONE);
    assert_true(st.suppressed);
    /* but its own expiry ends it */
    assert_int_equal(failure(&st, T0 + 2 * DAY, BUCKET_SOFT), POLICY_COUNT);
    assert_false(st.suppressed);
}

static void domain_level_only_when_switched_on(void **state)
{
    struct policy_input in = {
        .when = T0,
        .kind = POLICY_EVENT_FAILURE,
        .bucket = BUCKET_HARD,
        .reason = "domain_not_found",
        .credible = true,
    };

    (void)state;
    assert_false(policy_domain_level(&set, &in));
    set.suppress_domains = true;
    assert_true(policy_domain_level(&set, &in));
    in.reason = "user_unknown";
    assert_false(policy_domain_level(&set, &in));
    in.reason = "no_mx";
    in.credible = false;
    assert_false(policy_domain_level(&set, &in));
    set.suppress_domains = false;
}

static void soft_becomes_hard(void **state)
{
    struct policy_state st = {0};

    (void)state;
    failure(&st, T0, BUCKET_SOFT);
    failure(&st, T0 + 40 * HOUR, BUCKET_SOFT);
    failure(&st, T0 + 80 * HOUR, BUCKET_SOFT);
    assert_true(st.suppressed);
    assert_int_not_equal(st.expires, 0);
    assert_int_equal(failure(&st, T0 + 81 * HOUR, BUCKET_HARD), POLICY_REFRESH);
    assert_int_equal(st.bucket, BUCKET_HARD);
    assert_int_equal(st.expires, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hard_suppresses_at_once_and_permanently),
        cmocka_unit_test(hard_expiry_when_configured),
        cmocka_unit_test(soft_needs_count_and_span),
        cmocka_unit_test(soft_span_without_count_is_not_enough),
        cmocka_unit_test(success_between_resets_soft_count),
        cmocka_unit_test(success_lifts_soft_suppression_only),
        cmocka_unit_test(sender_and_none_never_suppress),
        cmocka_unit_test(not_credible_never_suppresses),
        cmocka_unit_test(manual_removal_wins_over_older_events),
        cmocka_unit_test(manual_add_is_not_lifted_by_success),
        cmocka_unit_test(domain_level_only_when_switched_on),
        cmocka_unit_test(soft_becomes_hard),
    };
    return cmocka_run_group_tests_name("policy", tests, setup, NULL);
}
