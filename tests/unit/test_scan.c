/*
 * test_scan.c - the byte scanning primitives (src/core/scan.h) against
 * byte-at-a-time definitions written here.
 *
 * Where SSE2 is, the primitives test 16 to 64 places a step; these tests
 * generate texts from a small alphabet that is dense in the bytes that
 * matter (CR, LF, dashes, letters in both cases, blanks, NUL, 8-bit bytes)
 * at every length up to a few blocks and at every start offset, each text
 * in an allocation of its exact size, so that under AddressSanitizer a
 * read past the bounds a primitive is given fails the test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/scan.h"

#define TEXT_MAX 200 /* longest generated text: three 64-byte steps and more */
#define ROUNDS 4000

static uint32_t rnd(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

/* A text of n bytes in its own allocation of exactly n bytes (one byte
 * when n is 0, never read). */
static char *gen(uint32_t *seed, size_t n)
{
    static const char alphabet[] = {'\r', '\n', '-', '-', 'f', 'F', 'i',
                                    'I',  ' ',  ' ', '\t', 'a', '.', '2',
                                    '5',  '0',  '<', '&',  '>', '\0',
                                    (char)0xe9, 'x'};
    char *t = malloc(n > 0 ? n : 1);

    assert_non_null(t);
    for (size_t i = 0; i < n; i++) {
        /* runs of plain letters now and then, so that steps pass whole */
        bool plain = rnd(seed) % 4 == 0;
        t[i] = plain ? 'x' : alphabet[rnd(seed) % sizeof alphabet];
    }
    return t;
}

static size_t ref_eol(const char *s, size_t i, size_t end)
{
    for (; i < end; i++)
        if (s[i] == '\r' || s[i] == '\n')
            return i;
    return end;
}

static size_t ref_find2(const char *s, size_t i, size_t end, char a, char b)
{
    for (; i < end; i++)
        if (s[i] == a || s[i] == b)
            return i;
    return end;
}

static size_t ref_line_pair(const char *t, size_t from, size_t len, char a,
                            char b, char fold)
{
    for (size_t p = from; p + 1 < len; p++)
        if ((t[p - 1] == '\r' || t[p - 1] == '\n') &&
            (char)(t[p] | fold) == a && (char)(t[p + 1] | fold) == b)
            return p;
    return len;
}

static void test_eol(void **state)
{
    uint32_t seed = 2024;

    (void)state;
    for (int r = 0; r < ROUNDS; r++) {
        size_t n = rnd(&seed) % (TEXT_MAX + 1);
        size_t i = n > 0 ? rnd(&seed) % (n + 1) : 0;
        char *t = gen(&seed, n);
        assert_int_equal(scan_eol(t, i, n), ref_eol(t, i, n));
        free(t);
    }
}

static void test_eol_long_lines(void **state)
{
    /* one line end at every place of a long text, none before it */
    char *t = malloc(300);

    (void)state;
    assert_non_null(t);
    for (size_t at = 0; at <= 300; at++) {
        memset(t, 'y', 300);
        if (at < 300)
            t[at] = at % 2 ? '\r' : '\n';
        assert_int_equal(scan_eol(t, 0, 300), at);
        assert_int_equal(scan_eol(t, 0, at), at);
    }
    free(t);
}

static void test_find2(void **state)
{
    uint32_t seed = 99;

    (void)state;
    for (int r = 0; r < ROUNDS; r++) {
        size_t n = rnd(&seed) % (TEXT_MAX + 1);
        size_t i = n > 0 ? rnd(&seed) % (n + 1) : 0;
        char *t = gen(&seed, n);
        assert_int_equal(scan_find2(t, i, n, '<', '&'),
                         ref_find2(t, i, n, '<', '&'));
        assert_int_equal(scan_find2(t, i, n, '>', '>'),
                         ref_find2(t, i, n, '>', '>'));
        free(t);
    }
}

static void test_line_pair(void **state)
{
    uint32_t seed = 7;

    (void)state;
    for (int r = 0; r < ROUNDS; r++) {
        size_t n = 1 + rnd(&seed) % TEXT_MAX;
        size_t from = 1 + rnd(&seed) % n; /* 1 <= from <= n */
        char *t = gen(&seed, n);
        assert_int_equal(scan_line_pair(t, from, n, '-', '-', 0),
                         ref_line_pair(t, from, n, '-', '-', 0));
        assert_int_equal(scan_line_pair(t, from, n, 'f', 'i', 0x20),
                         ref_line_pair(t, from, n, 'f', 'i', 0x20));
        free(t);
    }
}

static void test_line_pair_cases(void **state)
{
    static const char text[] = "x\n--a\r\n-b\r--\nFi\nfI";

    (void)state;
    assert_int_equal(scan_line_pair(text, 1, sizeof text - 1, '-', '-', 0), 2);
    assert_int_equal(scan_line_pair(text, 3, sizeof text - 1, '-', '-', 0), 10);
    assert_int_equal(
        scan_line_pair(text, 1, sizeof text - 1, 'f', 'i', 0x20), 13);
    assert_int_equal(
        scan_line_pair(text, 14, sizeof text - 1, 'f', 'i', 0x20), 16);
    /* a CR or'ed with 0x20 is a dash: a dash is never compared folded */
    assert_int_equal(scan_line_pair("\n\r\r", 1, 3, '-', '-', 0), 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_eol),
        cmocka_unit_test(test_eol_long_lines),
        cmocka_unit_test(test_find2),
        cmocka_unit_test(test_line_pair),
        cmocka_unit_test(test_line_pair_cases),
    };
    return cmocka_run_group_tests_name("scan", tests, NULL, NULL);
}
