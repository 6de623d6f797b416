/*
 * test_store_cache.c - the writer's bounded memory of policy states: what
 * is put is got back, a put replaces, the oldest goes when full, clear
 * forgets all, and the bound holds over many keys.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "store/store_cache.h"

static struct policy_state state_of(long long n)
{
    struct policy_state st;

    memset(&st, 0, sizeof st);
    st.soft_count = n;
    st.soft_first = 1000 + n;
    st.suppressed = n % 2 == 0;
    return st;
}

static void put_then_get_and_replace(void **state)
{
    struct store_cache *c = store_cache_new(4);
    struct policy_state a = state_of(1), b = state_of(2), got;

    (void)state;
    assert_non_null(c);
    assert_false(store_cache_get(c, "a@example.com", &got));
    store_cache_put(c, "a@example.com", &a);
    assert_true(store_cache_get(c, "a@example.com", &got));
    assert_memory_equal(&got, &a, sizeof a);
    store_cache_put(c, "a@example.com", &b);
    assert_true(store_cache_get(c, "a@example.com", &got));
    assert_memory_equal(&got, &b, sizeof b);
    assert_int_equal(store_cache_count(c), 1);
    assert_false(store_cache_get(c, "A@example.com", &got));
    store_cache_free(&c);
    assert_null(c);
}

static void oldest_goes_when_full(void **state)
{
    struct store_cache *c = store_cache_new(3);
    struct policy_state st = state_of(3), got;
    const char *keys[] = {"k1", "k2", "k3", "k4", "k5"};

    (void)state;
    for (size_t i = 0; i < 5; i++)
        store_cache_put(c, keys[i], &st);
    assert_int_equal(store_cache_count(c), 3);
    assert_false(store_cache_get(c, "k1", &got));
    assert_false(store_cache_get(c, "k2", &got));
    for (size_t i = 2; i < 5; i++)
        assert_true(store_cache_get(c, keys[i], &got));
    store_cache_clear(c);
    assert_int_equal(store_cache_count(c), 0);
    assert_false(store_cache_get(c, "k5", &got));
    store_cache_put(c, "k6", &st);
    assert_true(store_cache_get(c, "k6", &got));
    store_cache_free(&c);
}

static void bound_holds_over_many_keys(void **state)
{
    struct store_cache *c = store_cache_new(1000);
    struct policy_state got;
    char key[64];

    (void)state;
    for (long long i = 0; i < 50000; i++) {
        struct policy_state st = state_of(i);
        snprintf(key, sizeof key, "user%lld@dom%lld.example", i, i % 97);
        store_cache_put(c, key, &st);
    }
    assert_int_equal(store_cache_count(c), 1000);
    for (long long i = 49000; i < 50000; i++) {
        struct policy_state want = state_of(i);
        snprintf(key, sizeof key, "user%lld@dom%lld.example", i, i % 97);
        assert_true(store_cache_get(c, key, &got));
        assert_memory_equal(&got, &want, sizeof want);
    }
    snprintf(key, sizeof key, "user%d@dom%d.example", 48999, 48999 % 97);
    assert_false(store_cache_get(c, key, &got));
    store_cache_free(&c);
}

static void zero_size_is_refused(void **state)
{
    (void)state;
    assert_null(store_cache_new(0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(put_then_get_and_replace),
        cmocka_unit_test(oldest_goes_when_full),
        cmocka_unit_test(bound_holds_over_many_keys),
        cmocka_unit_test(zero_size_is_refused),
    };
    return cmocka_run_group_tests_name("store_cache", tests, NULL, NULL);
}
