/*
 * test_metrics.c - the metrics registry (metrics/metrics.h): counts land
 * in the right series, labels are clamped, histograms render cumulative
 * buckets whose +Inf equals the count, rule ids beyond the table count as
 * "other", label values are escaped, and a capped output reports overflow.
 * The registry is process-wide, so each test reads deltas or its own
 * series.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/policy.h"
#include "metrics/metrics.h"

/* The value of the sample line starting with SERIES (name{labels}), or -1. */
static double sample(const char *series)
{
    struct metrics_out out;
    double v = -1;
    size_t n = strlen(series);

    metrics_out_init(&out, 1 << 22);
    metrics_render(&out);
    assert_false(out.overflow);
    for (char *line = out.buf; line != NULL && *line;) {
        char *nl = strchr(line, '\n');
        if (strncmp(line, series, n) == 0 && line[n] == ' ')
            v = strtod(line + n + 1, NULL);
        line = nl != NULL ? nl + 1 : NULL;
    }
    metrics_out_free(&out);
    return v;
}

static void counters_land_in_their_series(void **state)
{
    const char *s = "bounceguard_messages_total{path=\"log\"}";
    double before = sample(s);

    (void)state;
    metrics_inc(METRIC_MESSAGES, MPATH_LOG, 0);
    metrics_add(METRIC_MESSAGES, MPATH_LOG, 0, 4);
    assert_true(sample(s) == before + 5);
    /* out of range: clamped to the last label, never out of bounds */
    before = sample("bounceguard_enforcements_total{action=\"dry_run\"}");
    metrics_inc(METRIC_ENFORCEMENTS, 1000, 1000);
    assert_true(sample("bounceguard_enforcements_total{action=\"dry_run\"}") ==
                before + 1);
}

static void verdicts_count_decisions_rules_unclassified(void **state)
{
    struct verdict v = {"user_unknown", BUCKET_HARD, false, "r.550", "", 0};
    struct verdict u = {"undetermined",    BUCKET_SOFT, false,
                        "builtin.default", "",          0};

    (void)state;
    metrics_rule_declare("never.fires");
    assert_true(sample("bounceguard_rule_hits_total{rule=\"never.fires\"}") ==
                0);
    metrics_verdict(&v, MPATH_SMTPD);
    metrics_verdict(&v, MPATH_SMTPD);
    metrics_verdict(&u, MPATH_LOG);
    assert_true(sample("bounceguard_decisions_total{bucket=\"hard\","
                       "reason=\"user_unknown\"}") == 2);
    assert_true(sample("bounceguard_rule_hits_total{rule=\"r.550\"}") == 2);
    assert_true(sample("bounceguard_unclassified_total{path=\"log\"}") == 1);
    assert_true(sample("bounceguard_unclassified_total{path=\"smtpd\"}") == 0);
    /* a reason outside the taxonomy */
    v.reason = "made_up";
    metrics_verdict(&v, MPATH_SMTPD);
    assert_true(sample("bounceguard_decisions_total{bucket=\"hard\","
                       "reason=\"other\"}") == 1);
}

static void policy_actions_are_suppression_changes(void **state)
{
    (void)state;
    metrics_policy_action(POLICY_SUPPRESS);
    metrics_policy_action(POLICY_LIFT);
    metrics_policy_action(POLICY_COUNT); /* not a change */
    assert_true(sample("bounceguard_suppressions_total{change=\"added\"}") ==
                1);
    assert_true(sample("bounceguard_suppressions_total{change=\"lifted\"}") ==
                1);
}

static void histogram_buckets_are_cumulative(void **state)
{
    (void)state;
    metrics_observe(METRIC_STORE_LOOKUP_SECONDS, 0.000001);
    metrics_observe(METRIC_STORE_LOOKUP_SECONDS, 0.002);
    metrics_observe(METRIC_STORE_LOOKUP_SECONDS, 1000);
    metrics_observe(METRIC_STORE_LOOKUP_SECONDS, -1); /* counted as 0 */
    assert_true(
        sample("bounceguard_store_lookup_seconds_bucket{le=\"1e-05\"}") == 2);
    assert_true(
        sample("bounceguard_store_lookup_seconds_bucket{le=\"0.005\"}") == 3);
    assert_true(sample("bounceguard_store_lookup_seconds_bucket{le=\"300\"}") ==
                3);
    assert_true(
        sample("bounceguard_store_lookup_seconds_bucket{le=\"+Inf\"}") == 4);
    assert_true(sample("bounceguard_store_lookup_seconds_count") == 4);
    double sum = sample("bounceguard_store_lookup_seconds_sum");
    assert_true(sum > 1000.0 && sum < 1000.01);
}

static void rules_beyond_the_table_are_other(void **state)
{
    char id[32];
    double other;

    (void)state;
    for (int i = 0; i < METRICS_MAX_RULES + 20; i++) {
        snprintf(id, sizeof id, "bulk.%d", i);
        metrics_rule_hit(id);
    }
    other = sample("bounceguard_rule_hits_total{rule=\"other\"}");
    assert_true(other >= 20);
    assert_true(sample("bounceguard_rule_hits_total{rule=\"bulk.0\"}") == 1);
}

static void label_values_are_escaped(void **state)
{
    struct metrics_out out;

    (void)state;
    metrics_out_init(&out, 1024);
    metrics_label_value(&out, "a\"b\\c\nd");
    assert_string_equal(out.buf, "a\\\"b\\\\c\\nd");
    metrics_out_free(&out);
}

static void a_capped_output_reports_overflow(void **state)
{
    struct metrics_out out;

    (void)state;
    metrics_out_init(&out, 256);
    metrics_render(&out);
    assert_true(out.overflow);
    assert_true(out.len < 256);
    metrics_out_free(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(counters_land_in_their_series),
        cmocka_unit_test(verdicts_count_decisions_rules_unclassified),
        cmocka_unit_test(policy_actions_are_suppression_changes),
        cmocka_unit_test(histogram_buckets_are_cumulative),
        cmocka_unit_test(rules_beyond_the_table_are_other),
        cmocka_unit_test(label_values_are_escaped),
        cmocka_unit_test(a_capped_output_reports_overflow),
    };
    return cmocka_run_group_tests_name("metrics", tests, NULL, NULL);
}
