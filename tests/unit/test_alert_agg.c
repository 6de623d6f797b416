/*
 * test_alert_agg.c - alert aggregation driven by a fake clock.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "alert/alert_agg.h"
#include "alert/alert_format.h"

#define T0 ((time_t)1764000000)
#define MAXOUT 16

struct fixture {
    struct alert_agg *agg;
    struct alert_agg_settings set;
    struct alert_msg *out[MAXOUT];
    size_t nout;
};

static int setup(void **state)
{
    static struct fixture fx;
    const char *err;
    memset(&fx, 0, sizeof fx);
    alert_agg_settings_default(&fx.set);
    if (alert_agg_new(&fx.set, &fx.agg, &err) < 0)
        return -1;
    *state = &fx;
    return 0;
}

static void drop_out(struct fixture *fx)
{
    for (size_t i = 0; i < fx->nout; i++)
        alert_msg_free(&fx->out[i]);
    fx->nout = 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    drop_out(fx);
    alert_agg_free(&fx->agg);
    return fx->agg == NULL ? 0 : -1;
}

static void add(struct fixture *fx, enum alert_kind kind, const char *rcpt,
                const char *reason, const char *qid, const char *diag,
                time_t now)
{
    struct alert_event ev = {
        .kind = kind,
        .when = now,
        .sender_domain = "example.org",
        .rcpt_domain = rcpt,
        .reason = reason,
        .status = "5.7.26",
        .reply_code = 550,
        .diagnostic = diag,
        .queue_id = qid,
        .recipient = "user@gmail.example",
    };
    const char *err = NULL;
    assert_int_equal(alert_agg_add(fx->agg, &ev, now, &err), 0);
}

static size_t tick(struct fixture *fx, time_t now)
{
    drop_out(fx);
    fx->nout = alert_agg_tick(fx->agg, now, fx->out, MAXOUT);
    return fx->nout;
}

/* Ticks every second over [from, to]; returns the alerts seen and leaves
 * the last batch in fx->out. */
static size_t tick_span(struct fixture *fx, time_t from, time_t to)
{
    size_t seen = 0;
    for (time_t t = from; t <= to; t++) {
        size_t n = tick(fx, t);
        seen += n;
        if (n != 0)
            return seen;
    }
    return seen;
}

static void storm_of_1000_gives_one_alert_per_window(void **state)
{
    struct fixture *fx = *state;
    char qid[32];

    for (int i = 0; i < 1000; i++) {
        time_t now = T0 + i / 17; /* 1,000 events within 59 seconds */
        snprintf(qid, sizeof qid, "Q%04d", i);
        add(fx, ALERT_AUTH_BOUNCE, "gmail.example", "dmarc_fail", qid,
            "550 5.7.26 Unauthenticated email is not accepted", now);
        assert_int_equal(tick(fx, now), 0); /* hold: nothing yet */
    }
    assert_int_equal(tick_span(fx, T0 + 59, T0 + 60), 1);
    struct alert_msg *m = fx->out[0];
    assert_int_equal(m->state, ALERT_OPENED);
    assert_int_equal(m->count, 1000);
    assert_int_equal(m->new_count, 1000);
    assert_int_equal(m->first, T0);
    assert_int_equal(m->last, T0 + 58);
    assert_string_equal(m->rcpt_domain, "gmail.example");
    assert_string_equal(m->reason, "dmarc_fail");
    assert_string_equal(m->status, "5.7.26");
    assert_int_equal(m->nsamples, 1);
    assert_int_equal(m->nqueue_ids, fx->set.queue_ids);
    assert_string_equal(m->queue_ids[0], "Q0000");
    assert_int_equal(m->more_queue_ids, 1000 - fx->set.queue_ids);
    /* nothing more: no new events; recovery after the quiet period */
    assert_int_equal(tick_span(fx, T0 + 61, T0 + 58 + fx->set.quiet - 1), 0);
    assert_int_equal(tick(fx, T0 + 58 + fx->set.quiet), 1);
    assert_int_equal(fx->out[0]->state, ALERT_RECOVERED);
    assert_int_equal(fx->out[0]->count, 1000);
    assert_int_equal(fx->out[0]->new_count, 0);
    assert_int_equal(alert_agg_open_count(fx->agg), 0);
}

/* A bounce with several recipients submits its queue id once per
 * recipient, interleaved with other bounces: past the listed ids, it
 * counts once. */
static void repeated_queue_ids_count_once(void **state)
{
    struct fixture *fx = *state;
    char qid[32];

    for (size_t i = 0; i < fx->set.queue_ids + 10; i += 2)
        for (int r = 0; r < 6; r++) { /* two bounces, three recipients each */
            snprintf(qid, sizeof qid, "Q%04zu", i + (size_t)(r % 2));
            add(fx, ALERT_AUTH_BOUNCE, "gmail.example", "dmarc_fail", qid,
                "550 5.7.26 Unauthenticated email", T0);
        }
    add(fx, ALERT_AUTH_BOUNCE, "gmail.example", "dmarc_fail", "Q0000",
        "550 5.7.26 Unauthenticated email", T0); /* listed already */
    assert_int_equal(tick_span(fx, T0, T0 + 60), 1);
    struct alert_msg *m = fx->out[0];
    assert_int_equal(m->count, 3 * (fx->set.queue_ids + 10) + 1);
    assert_int_equal(m->nqueue_ids, fx->set.queue_ids);
    assert_int_equal(m->more_queue_ids, 10);
}

static void repeat_inside_window_only_increments(void **state)
{
    struct fixture *fx = *state;
    add(fx, ALERT_AUTH_BOUNCE, "b.example", "spf_fail", "A1", "d1", T0);
    assert_int_equal(tick_span(fx, T0, T0 + 60), 1);
    assert_int_equal(fx->out[0]->count, 1);
    /* repeats: counted, no alert until the window has passed */
    for (int i = 1; i <= 5; i++)
        add(fx, ALERT_AUTH_BOUNCE, "b.example", "spf_fail", "A2", "d2",
            T0 + 100 * i);
    assert_int_equal(tick_span(fx, T0 + 61, T0 + 60 + fx->set.window - 1), 0);
    assert_int_equal(tick(fx, T0 + 60 + fx->set.window), 1);
    struct alert_msg *m = fx->out[0];
    assert_int_equal(m->state, ALERT_ONGOING);
    assert_int_equal(m->count, 6);
    assert_int_equal(m->new_count, 5);
    assert_int_equal(m->alerts, 1);
    assert_int_equal(m->nsamples, 2);
    assert_int_equal(m->nqueue_ids, 1); /* only what is new */
    assert_string_equal(m->queue_ids[0], "A2");
}

static void keys_are_separate(void **state)
{
    struct fixture *fx = *state;
    add(fx, ALERT_AUTH_BOUNCE, "a.example", "dmarc_fail", "Q1", NULL, T0);
    add(fx, ALERT_AUTH_BOUNCE, "b.example", "dmarc_fail", "Q2", NULL, T0);
    add(fx, ALERT_AUTH_BOUNCE, "a.example", "spf_fail", "Q3", NULL, T0);
    add(fx, ALERT_OUTBOUND_SPF, "a.example", "spf_fail", NULL, NULL, T0);
    add(fx, ALERT_AUTH_BOUNCE, "a.example", "dmarc_fail", "Q4", NULL, T0);
    assert_int_equal(alert_agg_open_count(fx->agg), 4);
    assert_int_equal(tick(fx, T0 + fx->set.hold), 4);
    unsigned long total = 0;
    for (size_t i = 0; i < fx->nout; i++)
        total += fx->out[i]->count;
    assert_int_equal(total, 5);
}

static void sender_bucket_alerts_only_at_rate(void **state)
{
    struct fixture *fx = *state;
    unsigned long rate = fx->set.sender_rate;
    /* below the rate, spread over more than a window: never alerts */
    for (unsigned long i = 0; i < rate - 1; i++)
        add(fx, ALERT_SENDER_BOUNCE, "c.example", "blocklisted", NULL, NULL,
            T0 + (time_t)i);
    add(fx, ALERT_SENDER_BOUNCE, "c.example", "blocklisted", NULL, NULL,
        T0 + fx->set.window + 10);
    assert_int_equal(tick_span(fx, T0, T0 + fx->set.window + 100), 0);
    /* the rate within one window: alerts with the count */
    time_t t1 = T0 + 10000;
    for (unsigned long i = 0; i < rate; i++)
        add(fx, ALERT_SENDER_BOUNCE, "c.example", "blocklisted", NULL, NULL,
            t1 + (time_t)i);
    assert_int_equal(tick_span(fx, t1, t1 + rate + fx->set.hold), 1);
    assert_int_equal(fx->out[0]->count, rate);
    assert_int_equal(fx->out[0]->first, t1);
}

/* The rate is counted per receiving domain: its refusals under several
 * reasons and about several of our domains add up; another receiving
 * domain's do not. */
static void sender_rate_counts_per_receiving_domain(void **state)
{
    struct fixture *fx = *state;
    unsigned long rate = fx->set.sender_rate;
    struct alert_event ev = {.kind = ALERT_SENDER_BOUNCE,
                             .rcpt_domain = "gmail.example",
                             .recipient = "u@gmail.example"};
    const char *err = NULL;

    for (unsigned long i = 0; i < rate; i++) {
        ev.sender_domain = i % 2 ? "a.example.org" : "b.example.org";
        ev.reason = i % 3 ? "blocklisted" : "bad_reputation";
        assert_int_equal(alert_agg_add(fx->agg, &ev, T0 + (time_t)i, &err), 0);
    }
    ev.rcpt_domain = "other.example";
    for (unsigned long i = 0; i + 1 < rate; i++)
        assert_int_equal(alert_agg_add(fx->agg, &ev, T0 + (time_t)i, &err), 0);
    assert_int_equal(tick_span(fx, T0, T0 + rate + fx->set.hold), 1);
    assert_string_equal(fx->out[0]->rcpt_domain, "gmail.example");
    assert_int_equal(fx->out[0]->count, rate);
}

static void sender_rate_zero_is_off(void **state)
{
    struct fixture *fx = *state;
    struct alert_agg *agg;
    const char *err;
    struct alert_agg_settings set = fx->set;
    struct alert_event ev = {.kind = ALERT_SENDER_BOUNCE,
                             .sender_domain = "x",
                             .rcpt_domain = "y",
                             .reason = "blocklisted"};
    set.sender_rate = 0;
    assert_int_equal(alert_agg_new(&set, &agg, &err), 0);
    for (int i = 0; i < 100; i++)
        assert_int_equal(alert_agg_add(agg, &ev, T0, &err), 0);
    assert_int_equal(alert_agg_open_count(agg), 0);
    alert_agg_free(&agg);
}

static void incident_table_is_bounded(void **state)
{
    struct fixture *fx = *state;
    struct alert_agg *agg;
    const char *err = NULL;
    struct alert_agg_settings set = fx->set;
    char dom[32];
    set.max_incidents = 3;
    assert_int_equal(alert_agg_new(&set, &agg, &err), 0);
    for (int i = 0; i < 5; i++) {
        struct alert_event ev = {.kind = ALERT_AUTH_BOUNCE,
                                 .sender_domain = "x",
                                 .rcpt_domain = dom,
                                 .reason = "dmarc_fail"};
        snprintf(dom, sizeof dom, "d%d.example", i);
        assert_int_equal(alert_agg_add(agg, &ev, T0, &err), i < 3 ? 0 : -1);
    }
    assert_int_equal(alert_agg_dropped(agg), 2);
    assert_int_equal(alert_agg_open_count(agg), 3);
    alert_agg_free(&agg);
}

static void next_due_follows_hold_window_quiet(void **state)
{
    struct fixture *fx = *state;
    assert_int_equal(alert_agg_next_due(fx->agg), 0);
    add(fx, ALERT_AUTH_BOUNCE, "a.example", "dkim_fail", NULL, NULL, T0);
    assert_int_equal(alert_agg_next_due(fx->agg), T0 + fx->set.hold);
    assert_int_equal(tick(fx, T0 + fx->set.hold), 1);
    assert_int_equal(alert_agg_next_due(fx->agg), T0 + fx->set.quiet);
    add(fx, ALERT_AUTH_BOUNCE, "a.example", "dkim_fail", NULL, NULL, T0 + 5);
    assert_int_equal(alert_agg_next_due(fx->agg),
                     T0 + fx->set.hold + fx->set.window);
}

static void bounce_text_cannot_inject_lines(void **state)
{
    struct fixture *fx = *state;
    struct alert_event ev = {
        .kind = ALERT_AUTH_BOUNCE,
        .sender_domain = "example.org",
        .rcpt_domain = "evil.example\nBcc: victim@example.net",
        .reason = "dmarc_fail",
        .status = "5.7.26\r",
        .diagnostic = "550 line one\r\nX-Injected: yes",
        .queue_id = "Q\n1",
    };
    const char *err;
    (void)state;
    for (int i = 0; i < 3; i++)
        assert_int_equal(alert_agg_add(fx->agg, &ev, T0, &err), 0);
    assert_int_equal(alert_agg_open_count(fx->agg), 1); /* one key */
    assert_int_equal(tick(fx, T0 + fx->set.hold), 1);
    struct alert_msg *m = fx->out[0];
    assert_int_equal(m->count, 3);
    assert_string_equal(m->rcpt_domain, "evil.example?Bcc: victim@example.net");
    assert_string_equal(m->status, "5.7.26?");
    assert_int_equal(m->nsamples, 1);
    assert_string_equal(m->samples[0], "550 line one??X-Injected: yes");
    assert_string_equal(m->queue_ids[0], "Q?1");
}

/* A receiver's reply quoted in a Slack alert is text, not Slack markup:
 * no "<!channel>" notification, no disguised "<URL|label>" link. */
static void slack_text_escapes_markup(void **state)
{
    struct fixture *fx = *state;
    struct json j;

    add(fx, ALERT_AUTH_BOUNCE, "gmail.example", "dmarc_fail", "4Q1",
        "550 5.7.26 <!channel> see <https://evil.example/|docs> & retry", T0);
    assert_int_equal(tick(fx, T0 + fx->set.hold), 1);
    json_init(&j, JSON_DEFAULT_CAP);
    assert_true(alert_format_json(fx->out[0], ALERT_JSON_SLACK, "mx", &j));
    assert_null(strstr(json_str(&j), "<!channel>"));
    assert_null(strstr(json_str(&j), "<https://"));
    assert_non_null(strstr(json_str(&j),
                           "&lt;!channel&gt; see &lt;https://evil.example/|"
                           "docs&gt; &amp; retry"));
    json_free(&j);
    json_init(&j, JSON_DEFAULT_CAP); /* Matrix' body is plain text */
    assert_true(alert_format_json(fx->out[0], ALERT_JSON_MATRIX, "mx", &j));
    assert_non_null(strstr(json_str(&j), "<!channel>"));
    json_free(&j);
}

static void bad_settings_are_refused(void **state)
{
    struct fixture *fx = *state;
    struct alert_agg_settings set = fx->set;
    struct alert_agg *agg = NULL;
    const char *err = NULL;
    set.window = 0;
    assert_int_equal(alert_agg_new(&set, &agg, &err), -1);
    assert_null(agg);
    assert_non_null(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            storm_of_1000_gives_one_alert_per_window, setup, teardown),
        cmocka_unit_test_setup_teardown(repeated_queue_ids_count_once, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(repeat_inside_window_only_increments,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(keys_are_separate, setup, teardown),
        cmocka_unit_test_setup_teardown(sender_bucket_alerts_only_at_rate,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(sender_rate_counts_per_receiving_domain,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(sender_rate_zero_is_off, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(incident_table_is_bounded, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(next_due_follows_hold_window_quiet,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(bounce_text_cannot_inject_lines, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(slack_text_escapes_markup, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(bad_settings_are_refused, setup,
                                        teardown),
    };
    return cmocka_run_group_tests_name("alert_agg", tests, NULL, NULL);
}
