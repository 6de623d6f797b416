/*
 * test_addrscan.c - the address scanner and normaliser (src/core/addrscan.c)
 * and the recipient builder's two entries (src/core/rbuild.c).
 *
 * The scanner classifies bytes with a table; these tests hold every one of
 * the 256 bytes against a plain definition written here, through what the
 * scanner does with it (kept, dropped, lower-cased, ending a domain or a
 * local part).  addrscan_stable() is checked as a property over generated
 * strings: whenever it says a result is stable, normalising that result
 * again gives it back; rbuild_rcpt_norm() must give what rbuild_rcpt()
 * gives.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/addrscan.h"
#include "core/rbuild.h"

/* The definitions the table must follow. */
static bool ref_alnum(unsigned c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9');
}

static bool ref_dtext(unsigned c)
{
    return ref_alnum(c) || c == '-' || c == '.' || c == '_' || c >= 0x80;
}

static bool ref_atext(unsigned c)
{
    return ref_alnum(c) || c >= 0x80 ||
           (c != 0 && strchr("!#$%&'*+-/=?^_`{|}~.", (int)c) != NULL);
}

static bool ref_drop(unsigned c)
{
    return c == '"' || c == '<' || c == '>' || c == ' ' || c == '\t' ||
           c == '\r' || c == '\n' || c == 0;
}

/* A byte inside a domain: dropped, lower-cased, kept, or refused. */
static void test_domain_bytes(void **state)
{
    (void)state;
    for (unsigned c = 0; c < 256; c++) {
        char in[] = "user@exXample.org", out[ADDRSCAN_MAX], want[32];
        in[7] = (char)c;
        bool ok = addrscan_normalize(in, sizeof in - 1, out, sizeof out);
        if (c == ';') { /* a type prefix ends there: "ample.org" */
            assert_false(ok);
            continue;
        }
        if (c == '@') { /* the last '@' starts the domain */
            assert_true(ok);
            assert_string_equal(out, "user@ex@ample.org");
            continue;
        }
        if (ref_drop(c)) {
            assert_true(ok);
            assert_string_equal(out, "user@example.org");
            continue;
        }
        bool domain = ref_dtext(c) || c == '[' || c == ']' || c == ':';
        assert_int_equal(ok, domain);
        if (!ok)
            continue;
        snprintf(want, sizeof want, "user@ex%cample.org",
                 c >= 'A' && c <= 'Z' ? (int)(c + 32) : (int)c);
        assert_memory_equal(out, want, strlen(want) + 1);
    }
}

/* The byte after "a@b.c" ends the domain addrscan_next() finds unless it
 * is dtext ('.' and '-' are trimmed from the end). */
static void test_domain_end(void **state)
{
    (void)state;
    for (unsigned c = 0; c < 256; c++) {
        char in[] = "see a@b.cXd now";
        size_t pos = 0, s, l;
        in[9] = (char)c;
        assert_true(addrscan_next(in, sizeof in - 1, &pos, &s, &l));
        assert_int_equal(s, 4);
        assert_int_equal(l, ref_dtext(c) ? 7 : 5); /* "a@b.cXd", "a@b.c" */
    }
}

/* The byte before "b@example.org" joins the local part when it is atext
 * (but '/', '&' and '=' before a letter break it, and leading dots and
 * quotes are dropped). */
static void test_local_start(void **state)
{
    (void)state;
    for (unsigned c = 0; c < 256; c++) {
        char in[] = "x Xb@example.org";
        size_t pos = 0, s, l;
        in[2] = (char)c;
        if (c == '@')
            continue; /* another address */
        assert_true(addrscan_next(in, sizeof in - 1, &pos, &s, &l));
        bool joins = ref_atext(c) && c != '/' && c != '&' && c != '=' &&
                     c != '.' && c != '\'';
        assert_int_equal(s, joins ? 2 : 3);
    }
}

/* A small generator (no global state). */
static uint32_t rnd(uint32_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 17;
    *x ^= *x << 5;
    return *x;
}

/* Whenever addrscan_stable() says so, normalising a result again gives
 * it back; the generated strings cover both answers. */
static void test_stable_property(void **state)
{
    static const char alphabet[] = "aZ9.;@<>\"' ()\t-_:[],\r\n!#x";
    uint32_t seed = 12345;
    size_t stable = 0, unstable = 0;

    (void)state;
    for (int k = 0; k < 200000; k++) {
        char in[24], out[ADDRSCAN_MAX], again[ADDRSCAN_MAX];
        size_t n = 3 + rnd(&seed) % (sizeof in - 3);
        for (size_t i = 0; i < n; i++)
            in[i] = alphabet[rnd(&seed) % (sizeof alphabet - 1)];
        if (!addrscan_normalize(in, n, out, sizeof out))
            continue;
        size_t on = strlen(out);
        if (!addrscan_stable(out, on)) {
            unstable++;
            continue;
        }
        stable++;
        assert_true(addrscan_normalize(out, on, again, sizeof again));
        assert_string_equal(again, out);
    }
    assert_true(stable > 100);
    assert_true(unstable > 100);
    assert_false(addrscan_stable("x;y@z.example", 13));
    assert_true(addrscan_stable("x.y@z.example", 13));
}

/* rbuild_rcpt_norm() finds and adds what rbuild_rcpt() would. */
static void test_rcpt_norm_same(void **state)
{
    static const char *const in[] = {
        "a@example.org", "A@Example.ORG", "x;y@example.org", "'q'@b.example",
        "p@[192.0.2.1]", "<a@example.org>", "m@d.example.",
        "x;y;z@b.example", ">'a@b.example"}; /* the last two: unstable */
    struct mime_limits lim;

    (void)state;
    mime_limits_default(&lim);
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
        char norm[ADDRSCAN_MAX];
        if (!addrscan_normalize(in[i], strlen(in[i]), norm, sizeof norm))
            continue;
        struct report *r1 = calloc(1, sizeof *r1), *r2 = calloc(1, sizeof *r2);
        struct rbuild b1 = {.r = r1, .lim = &lim}, b2 = {.r = r2, .lim = &lim};
        bool new1, new2;
        assert_non_null(r1);
        assert_non_null(r2);
        struct report_rcpt *c1 = rbuild_rcpt(&b1, norm, strlen(norm), &new1);
        struct report_rcpt *c2 = rbuild_rcpt_norm(&b2, norm, &new2);
        assert_int_equal(c1 != NULL, c2 != NULL);
        assert_int_equal(new1, new2);
        if (c1 != NULL)
            assert_string_equal(c1->recipient, c2->recipient);
        /* a second time: the same entry, not new */
        assert_ptr_equal(rbuild_rcpt_norm(&b2, norm, &new2), c2);
        assert_false(new2 && c2 != NULL);
        report_free(&r1);
        report_free(&r2);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_domain_bytes),
        cmocka_unit_test(test_domain_end),
        cmocka_unit_test(test_local_start),
        cmocka_unit_test(test_stable_property),
        cmocka_unit_test(test_rcpt_norm_same),
    };
    return cmocka_run_group_tests_name("addrscan", tests, NULL, NULL);
}
