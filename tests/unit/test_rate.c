/*
 * test_rate.c - the bounce-rate monitor (core/rate.h) against generated
 * histories whose answers are known: a brute-force count over the whole
 * history at every check time, and alert sequences built so that each
 * level is crossed at a known event.  The clock is a plain variable.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/rate.h"

#define T0 1700000000LL /* not aligned on purpose */
#define HOUR 3600LL

static struct rate_monitor *mon_new(unsigned long min_volume, size_t max_keys)
{
    struct rate_settings set;
    struct rate_monitor *mon = NULL;
    const char *error = NULL;

    rate_settings_default(&set);
    set.min_volume = min_volume;
    set.max_keys = max_keys;
    assert_int_equal(rate_monitor_new(&set, &mon, &error), 0);
    return mon;
}

/* ------------------------------------------------ brute-force reference */

struct gen_event {
    long long when;
    int key;
    enum rate_kind kind;
    unsigned n;
};

/* The window's definition, said the slow way. */
static bool in_window(enum rate_window w, long long t, long long now)
{
    switch (w) {
    case RATE_1H:
        return now / 60 - t / 60 < 60;
    case RATE_24H:
        return now / 3600 - t / 3600 < 24;
    default:
        return now / 3600 - t / 3600 < 168;
    }
}

static uint64_t lcg(uint64_t *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return *s >> 33;
}

static void generated_history_matches_brute_force(void **state)
{
    static const char *const keys[] = {"a.example", "B.Example", "c.example"};
    enum { NEV = 6000 };
    struct gen_event *ev = calloc(NEV, sizeof *ev);
    struct rate_monitor *mon = mon_new(1, 10);
    uint64_t seed = 42;
    long long now = T0;
    size_t checked = 0;

    (void)state;
    assert_non_null(ev);
    for (size_t i = 0; i < NEV; i++) {
        /* gaps from 0 s to ~1.5 h, sometimes a jump of days */
        now += (long long)(lcg(&seed) % 600);
        if (lcg(&seed) % 500 == 0)
            now += (long long)(lcg(&seed) % (9 * 24)) * HOUR;
        ev[i] = (struct gen_event){now, (int)(lcg(&seed) % 3),
                                   (enum rate_kind)(lcg(&seed) % 4),
                                   (unsigned)(1 + lcg(&seed) % 5)};
        assert_int_equal(rate_add(mon, RATE_DOMAIN, keys[ev[i].key], ev[i].kind,
                                  ev[i].n, now),
                         0);
        if (i % 97 != 0)
            continue;
        long long at =
            now + (long long)(lcg(&seed) % (30 * HOUR)) * (lcg(&seed) % 4 == 0);
        for (int k = 0; k < 3; k++) {
            struct rate_counts got, want;
            memset(&want, 0, sizeof want);
            for (size_t j = 0; j <= i; j++)
                for (int w = 0; w < RATE_NWINDOWS; w++)
                    if (ev[j].key == k &&
                        in_window((enum rate_window)w, ev[j].when, at))
                        want.n[w][ev[j].kind] += ev[j].n;
            rate_get(mon, RATE_DOMAIN, keys[k], at, &got);
            assert_memory_equal(&got, &want, sizeof got);
            checked++;
        }
        now = at; /* the clock never goes back */
    }
    assert_true(checked > 100);
    rate_monitor_free(&mon);
    assert_null(mon);
    free(ev);
}

/* ---------------------------------------------------- windows by example */

static void event_leaves_each_window_on_time(void **state)
{
    struct rate_monitor *mon = mon_new(1, 10);
    struct rate_counts c;
    long long t = 1700006400LL; /* on an hour boundary */

    (void)state;
    assert_int_equal(rate_add(mon, RATE_PROVIDER, "gmail.com", RATE_HARD, 3, t),
                     0);
    rate_get(mon, RATE_PROVIDER, "GMAIL.com", t + 59 * 60 + 59, &c);
    assert_int_equal(c.n[RATE_1H][RATE_HARD], 3);
    rate_get(mon, RATE_PROVIDER, "gmail.com", t + 60 * 60, &c);
    assert_int_equal(c.n[RATE_1H][RATE_HARD], 0);
    assert_int_equal(c.n[RATE_24H][RATE_HARD], 3);
    rate_get(mon, RATE_PROVIDER, "gmail.com", t + 24 * HOUR - 1, &c);
    assert_int_equal(c.n[RATE_24H][RATE_HARD], 3);
    rate_get(mon, RATE_PROVIDER, "gmail.com", t + 24 * HOUR, &c);
    assert_int_equal(c.n[RATE_24H][RATE_HARD], 0);
    assert_int_equal(c.n[RATE_7D][RATE_HARD], 3);
    rate_get(mon, RATE_PROVIDER, "gmail.com", t + 168 * HOUR, &c);
    assert_int_equal(c.n[RATE_7D][RATE_HARD], 0);
    /* the other scope never saw it */
    rate_get(mon, RATE_DOMAIN, "gmail.com", t, &c);
    assert_int_equal(c.n[RATE_7D][RATE_HARD], 0);
    rate_monitor_free(&mon);
}

static void ratio_is_failures_over_sent(void **state)
{
    struct rate_monitor *mon = mon_new(1, 10);
    struct rate_counts c;

    (void)state;
    rate_add(mon, RATE_DOMAIN, "d.example", RATE_SENT, 200, T0);
    rate_add(mon, RATE_DOMAIN, "d.example", RATE_SOFT, 3, T0);
    rate_add(mon, RATE_DOMAIN, "d.example", RATE_HARD, 10, T0);
    rate_get(mon, RATE_DOMAIN, "d.example", T0, &c);
    assert_true(rate_ratio(&c, RATE_24H, RATE_HARD) == 0.05);
    assert_true(rate_ratio(&c, RATE_24H, RATE_SOFT) == 0.015);
    memset(&c, 0, sizeof c);
    assert_true(rate_ratio(&c, RATE_24H, RATE_HARD) == 0.0);
    rate_monitor_free(&mon);
}

/* ---------------------------------------------------------------- alerts */

static size_t check(struct rate_monitor *mon, long long now,
                    struct rate_transition *tr)
{
    return rate_check(mon, now, tr, 4);
}

/* 100 sent, then 5 hard failures one by one (the end-to-end scenario):
 * warn fires at the 2nd, crit at the 5th, each once. */
static void each_level_fires_once(void **state)
{
    struct rate_monitor *mon = mon_new(100, 10);
    struct rate_transition tr[4];
    size_t fired_at[2] = {0, 0}, n;

    (void)state;
    rate_add(mon, RATE_DOMAIN, "news.example", RATE_SENT, 100, T0);
    assert_int_equal(check(mon, T0, tr), 0);
    for (size_t i = 1; i <= 5; i++) {
        rate_add(mon, RATE_DOMAIN, "news.example", RATE_HARD, 1, T0 + 10 * i);
        n = check(mon, T0 + 10 * i, tr);
        assert_true(n <= 1);
        if (n == 1) {
            assert_false(tr[0].recovered);
            assert_string_equal(tr[0].domain, "news.example");
            assert_int_equal(tr[0].sent, 100);
            fired_at[tr[0].level - 1] = i;
        }
    }
    assert_int_equal(fired_at[0], 2);
    assert_int_equal(fired_at[1], 5);
    assert_int_equal(tr[0].hard, 5);
    assert_true(tr[0].rate == 0.05);
    /* more failures: no new alert */
    rate_add(mon, RATE_DOMAIN, "news.example", RATE_HARD, 20, T0 + 100);
    assert_int_equal(check(mon, T0 + 100, tr), 0);
    assert_int_equal(rate_level_of(mon, "NEWS.example"), RATE_LEVEL_CRIT);
    rate_monitor_free(&mon);
}

static void jump_to_crit_fires_warn_then_crit(void **state)
{
    struct rate_monitor *mon = mon_new(100, 10);
    struct rate_transition tr[4];

    (void)state;
    rate_add(mon, RATE_DOMAIN, "x.example", RATE_SENT, 1000, T0);
    rate_add(mon, RATE_DOMAIN, "x.example", RATE_HARD, 80, T0);
    assert_int_equal(check(mon, T0, tr), 2);
    assert_int_equal(tr[0].level, RATE_LEVEL_WARN);
    assert_int_equal(tr[1].level, RATE_LEVEL_CRIT);
    assert_int_equal(check(mon, T0 + 1, tr), 0);
    rate_monitor_free(&mon);
}

static void ten_messages_cannot_trip_it(void **state)
{
    struct rate_monitor *mon = mon_new(100, 10);
    struct rate_transition tr[4];

    (void)state;
    rate_add(mon, RATE_DOMAIN, "small.example", RATE_SENT, 10, T0);
    rate_add(mon, RATE_DOMAIN, "small.example", RATE_HARD, 9, T0);
    assert_int_equal(check(mon, T0, tr), 0);
    assert_int_equal(rate_level_of(mon, "small.example"), RATE_LEVEL_OK);
    rate_monitor_free(&mon);
}

/* 1000 recipients an hour; 3 % hard failures in hour 0 only: warn at once,
 * nothing while the rate sits between recover (1.5 %) and warn, one
 * recovery when it falls below recover, nothing after. */
static void recovery_is_announced_once(void **state)
{
    struct rate_monitor *mon = mon_new(100, 10);
    struct rate_transition tr[4];
    size_t raised = 0, recovered = 0;
    long long recovered_hour = -1;

    (void)state;
    for (long long h = 0; h < 48; h++) {
        long long t = 1700006400LL + h * HOUR;
        rate_add(mon, RATE_DOMAIN, "bulk.example", RATE_SENT, 1000, t);
        if (h == 0)
            rate_add(mon, RATE_DOMAIN, "bulk.example", RATE_HARD, 30, t);
        size_t n = check(mon, t + 1800, tr);
        for (size_t i = 0; i < n; i++) {
            if (tr[i].recovered) {
                recovered++;
                recovered_hour = h;
            } else {
                raised++;
            }
        }
    }
    assert_int_equal(raised, 1);
    assert_int_equal(recovered, 1);
    /* 30 / 2000 = 1.5 % is not below recover; 30 / 3000 is */
    assert_int_equal(recovered_hour, 2);
    rate_monitor_free(&mon);
}

static void full_scope_refuses_new_keys(void **state)
{
    struct rate_monitor *mon = mon_new(1, 2);
    char name[RATE_KEY_MAX + 50];

    (void)state;
    assert_int_equal(rate_add(mon, RATE_DOMAIN, "a", RATE_SENT, 1, T0), 0);
    assert_int_equal(rate_add(mon, RATE_DOMAIN, "b", RATE_SENT, 1, T0), 0);
    assert_int_equal(rate_add(mon, RATE_DOMAIN, "c", RATE_SENT, 1, T0), -1);
    assert_int_equal(rate_add(mon, RATE_DOMAIN, "A", RATE_SENT, 1, T0), 0);
    assert_int_equal(rate_add(mon, RATE_PROVIDER, "c", RATE_SENT, 1, T0), 0);
    assert_int_equal(rate_add(mon, RATE_DOMAIN, "", RATE_SENT, 1, T0), -1);
    assert_int_equal(rate_dropped(mon), 1);
    /* an over-long key is cut, not refused */
    memset(name, 'x', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    assert_int_equal(rate_add(mon, RATE_PROVIDER, name, RATE_SENT, 1, T0), 0);
    rate_monitor_free(&mon);
}

static int count_keys(const char *key, const struct rate_counts *c,
                      enum rate_level level, void *ctx)
{
    (void)key;
    (void)level;
    *(unsigned long long *)ctx += c->n[RATE_7D][RATE_SENT];
    return 0;
}

static void foreach_visits_every_key(void **state)
{
    struct rate_monitor *mon = mon_new(1, 100);
    unsigned long long total = 0;
    char key[32];

    (void)state;
    for (int i = 0; i < 50; i++) {
        snprintf(key, sizeof key, "d%d.example", i);
        rate_add(mon, RATE_DOMAIN, key, RATE_SENT, (unsigned long)i, T0);
    }
    assert_int_equal(rate_foreach(mon, RATE_DOMAIN, T0, count_keys, &total), 0);
    assert_int_equal(total, 49 * 50 / 2);
    rate_monitor_free(&mon);
}

static void bad_settings_are_refused(void **state)
{
    struct rate_settings set;
    struct rate_monitor *mon = NULL;
    const char *error = NULL;

    (void)state;
    rate_settings_default(&set);
    set.warn = 0.1; /* above crit */
    assert_int_equal(rate_monitor_new(&set, &mon, &error), -1);
    assert_non_null(error);
    assert_null(mon);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(generated_history_matches_brute_force),
        cmocka_unit_test(event_leaves_each_window_on_time),
        cmocka_unit_test(ratio_is_failures_over_sent),
        cmocka_unit_test(each_level_fires_once),
        cmocka_unit_test(jump_to_crit_fires_warn_then_crit),
        cmocka_unit_test(ten_messages_cannot_trip_it),
        cmocka_unit_test(recovery_is_announced_once),
        cmocka_unit_test(full_scope_refuses_new_keys),
        cmocka_unit_test(foreach_visits_every_key),
        cmocka_unit_test(bad_settings_are_refused),
    };
    return cmocka_run_group_tests_name("rate", tests, NULL, NULL);
}
