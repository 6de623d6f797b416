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
 * gives.  addrscan_normalize() copies runs of kept bytes 16 at a time
 * where SSE2 is: it is held against a byte-at-a-time reference written
 * here, output buffer and all, on generated strings and capacities (and
 * on long domains, whose plain bytes it reads 8 at a time), and
 * addrscan_next() (a domain's dots noted as it is read) against the
 * scanner as first written, on generated texts.
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

#include "addr_quote_ref.h"
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
    /* a '=' ends a local part unless "=?" follows it */
    static const struct {
        const char *in;
        size_t start;
    } eq[] = {{"a=?b@example.org", 0}, {"a=b@example.org", 2},
              {"b=c=?d@example.org", 2}, {"=?=?x@example.org", 0}};
    for (size_t i = 0; i < sizeof eq / sizeof eq[0]; i++) {
        size_t pos = 0, s, l;
        assert_true(addrscan_next(eq[i].in, strlen(eq[i].in), &pos, &s, &l));
        assert_int_equal(s, eq[i].start);
    }
    size_t pos = 0, s, l; /* "=@": nothing left of the local part */
    assert_false(addrscan_next("a=@example.org", 14, &pos, &s, &l));
}

/* A small generator (no global state). */
static uint32_t rnd(uint32_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 17;
    *x ^= *x << 5;
    return *x;
}

/* addrscan_normalize() a byte at a time, from the definitions above. */
static bool ref_normalize(const char *in, size_t len, char *out, size_t cap)
{
    const char *p = in, *e = in + len, *semi = memchr(in, ';', len);
    size_t n = 0, at = SIZE_MAX;

    if (semi != NULL)
        p = semi + 1;
    while (p < e && strchr(" \t\r\n<\"'(", *p) != NULL && *p != '\0')
        p++;
    if (p < e && *p == '@' && memchr(p, ':', (size_t)(e - p)) != NULL)
        p = (const char *)memchr(p, ':', (size_t)(e - p)) + 1;
    while (e > p && e[-1] != '\0' && strchr(" \t\r\n>\"').,;:", e[-1]))
        e--;
    /* a local part quoted around other than atext and '.' is refused */
    if (!ref_quotes_ok(semi != NULL ? semi + 1 : in, e))
        return false;
    for (; p < e; p++) {
        if (ref_drop((unsigned char)*p))
            continue;
        if (n + 1 >= cap)
            return false;
        if (*p == '@')
            at = n;
        out[n++] = *p;
    }
    out[n] = '\0';
    if (at == SIZE_MAX || at == 0 || at + 1 == n)
        return false;
    for (size_t d = at + 1; d < n; d++) {
        unsigned char c = (unsigned char)out[d];
        if (!ref_dtext(c) && c != '[' && c != ']' && c != ':')
            return false;
        if (c >= 'A' && c <= 'Z')
            out[d] = (char)(c + 32);
    }
    return out[at + 1] != '.' && out[n - 1] != '.';
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

/* addrscan_normalize() and the reference agree, result and buffer, on
 * strings of kept runs longer and shorter than 16 bytes between dropped
 * bytes, at capacities that cut them anywhere. */
static void test_normalize_reference(void **state)
{
    static const char alphabet[] = "aZ9.;@<>\"' ()\t-_:[]\r\n!x\x80\x01\0";
    uint32_t seed = 777;
    size_t ok = 0, refused = 0;

    (void)state;
    for (int k = 0; k < 200000; k++) {
        char in[96], a[128], b[128];
        size_t n = rnd(&seed) % sizeof in, cap = 1 + rnd(&seed) % 100;
        for (size_t i = 0; i < n; i++) /* mostly letters: long runs */
            in[i] = rnd(&seed) % 3 != 0
                        ? (char)('a' + rnd(&seed) % 26)
                        : alphabet[rnd(&seed) % (sizeof alphabet - 1)];
        memset(a, 'Q', sizeof a);
        memset(b, 'Q', sizeof b);
        bool ra = addrscan_normalize(in, n, a, cap);
        bool rb = ref_normalize(in, n, b, cap);
        assert_int_equal(ra, rb);
        assert_memory_equal(a, b, sizeof a);
        if (ra)
            ok++;
        else
            refused++;
    }
    assert_true(ok > 1000);
    assert_true(refused > 1000);
}

/* Long domains of plain bytes (read 8 at a time) with one other byte at
 * every place: upper case, '_', UTF-8, brackets, a refused byte. */
static void test_normalize_long_domains(void **state)
{
    static const char odd[] = "AZ_\x80[]:!`{";
    (void)state;

    for (size_t dl = 1; dl <= 40; dl++)
        for (size_t at = 0; at < dl; at++)
            for (size_t k = 0; k < sizeof odd; k++) {
                char in[64], a[ADDRSCAN_MAX], b[ADDRSCAN_MAX];
                size_t n = (size_t)snprintf(in, sizeof in, "u@");
                for (size_t i = 0; i < dl; i++)
                    in[n++] = "ab-c.9z0"[i % 8];
                if (k < sizeof odd - 1)
                    in[2 + at] = odd[k];
                memset(a, 'Q', sizeof a);
                memset(b, 'Q', sizeof b);
                bool ra = addrscan_normalize(in, n, a, sizeof a);
                bool rb = ref_normalize(in, n, b, sizeof b);
                assert_int_equal(ra, rb);
                assert_memory_equal(a, b, sizeof a);
            }
}

/* A local part's bytes in prose: atext but '/', '&' and '='. */
static bool ref_local(unsigned c)
{
    return ref_atext(c) && c != '/' && c != '&' && c != '=';
}

/* Domain d[0..n): dot-separated non-empty labels, at least two of them. */
static bool ref_domain_ok(const char *d, size_t n)
{
    size_t dots = 0, label = 0;

    for (size_t i = 0; i < n; i++) {
        if (d[i] == '.') {
            if (label == 0)
                return false;
            dots++;
            label = 0;
        } else {
            label++;
        }
    }
    return dots > 0 && label > 0;
}

/* addrscan_next() as first written, a byte at a time: each '@', its local
 * part read back, its domain read on and then checked label by label. */
static bool ref_next(const char *s, size_t len, size_t *pos, size_t *start_r,
                     size_t *len_r)
{
    for (size_t from = *pos, i = from; i < len; i++) {
        if (s[i] != '@')
            continue;
        size_t ls = i;
        for (;;) {
            while (ls > from && ref_local((unsigned char)s[ls - 1]))
                ls--;
            if (ls == from || s[ls - 1] != '=' || s[ls] != '?')
                break;
            ls--;
        }
        if (ls == i && i > 0 && s[i - 1] == '"') {
            size_t q = i - 1, k;
            for (k = q; k > *pos && q - k < 64 && s[k - 1] != '"'; k--)
                ;
            ls = k > *pos && q - k < 64 ? k - 1 : q + 1;
        }
        while (ls < i && (s[ls] == '.' || s[ls] == '\''))
            ls++;
        size_t de = i + 1;
        while (de < len && ref_dtext((unsigned char)s[de]))
            de++;
        while (de > i + 1 && (s[de - 1] == '.' || s[de - 1] == '-'))
            de--;
        if (ls < i && de - ls < ADDRSCAN_MAX &&
            ref_domain_ok(s + i + 1, de - i - 1)) {
            *start_r = ls;
            *len_r = de - ls;
            *pos = de;
            return true;
        }
        from = i + 1;
    }
    *pos = len;
    return false;
}

/* addrscan_next() finds the addresses the reference finds, one after the
 * other, in texts of address bytes, dots, '@', quotes and blanks. */
static void test_next_reference(void **state)
{
    static const char alphabet[] = "ab.@-_=?\"'/& \n..@Z9\x80";
    uint32_t seed = 4242;
    size_t found = 0;

    (void)state;
    for (int k = 0; k < 100000; k++) {
        char in[64];
        size_t n = rnd(&seed) % sizeof in, pa = 0, pb = 0;
        for (size_t i = 0; i < n; i++) /* mostly letters: labels */
            in[i] = rnd(&seed) % 2 != 0
                        ? (char)('a' + rnd(&seed) % 4)
                        : alphabet[rnd(&seed) % (sizeof alphabet - 1)];
        for (;;) {
            size_t sa = 0, la = 0, sb = 0, lb = 0;
            bool ra = addrscan_next(in, n, &pa, &sa, &la);
            bool rb = ref_next(in, n, &pb, &sb, &lb);
            assert_int_equal(ra, rb);
            assert_int_equal(pa, pb);
            if (!ra)
                break;
            assert_int_equal(sa, sb);
            assert_int_equal(la, lb);
            found++;
        }
    }
    assert_true(found > 5000);
}

/* Punctuation and spaces of other scripts end an address on either side
 * (a full-width colon after "宛先", CJK brackets and commas, guillemets,
 * curly quotes); letters of other scripts stay in it (RFC 6531). */
static void test_utf8_punctuation_breaks(void **state)
{
    static const struct {
        const char *in;
        const char *want[2];
    } cases[] = {
        {"\xe5\xae\x9b\xe5\x85\x88\xef\xbc\x9ayamamoto.t@jp-isp.example",
         {"yamamoto.t@jp-isp.example", NULL}},
        {"\xe3\x80\x8c" "a@example.jp\xe3\x80\x8d", {"a@example.jp", NULL}},
        {"a@example.jp\xe3\x80\x81" "b@example.jp\xe3\x80\x82",
         {"a@example.jp", "b@example.jp"}},
        {"\xc2\xabx@example.fr\xc2\xbb", {"x@example.fr", NULL}},
        {"\xe2\x80\x9cu@example.com\xe2\x80\x9d", {"u@example.com", NULL}},
        {"\xef\xbc\x88v@example.cn\xef\xbc\x89", {"v@example.cn", NULL}},
        {"\xe7\x94\xa8\xe6\x88\xb7@\xe4\xbe\x8b\xe5\xad\x90."
         "\xe5\xb9\xbf\xe5\x91\x8a",
         {"\xe7\x94\xa8\xe6\x88\xb7@\xe4\xbe\x8b\xe5\xad\x90."
          "\xe5\xb9\xbf\xe5\x91\x8a",
          NULL}},
        {"to m\xc3\xbcller@example.de", {"m\xc3\xbcller@example.de", NULL}},
        /* letters in Latin-1's punctuation block, a joiner inside a word */
        {"ma\xc2\xaaria@example.com", {"ma\xc2\xaaria@example.com", NULL}},
        {"\xd9\x85\xdb\x8c\xe2\x80\x8c\xd8\xb1\xd9\x88\xd9\x85@example.ir",
         {"\xd9\x85\xdb\x8c\xe2\x80\x8c\xd8\xb1\xd9\x88\xd9\x85@example.ir",
          NULL}},
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *in = cases[i].in;
        size_t pos = 0, st, l, k = 0;
        while (addrscan_next(in, strlen(in), &pos, &st, &l)) {
            assert_true(k < 2 && cases[i].want[k] != NULL);
            assert_int_equal(l, strlen(cases[i].want[k]));
            assert_memory_equal(in + st, cases[i].want[k], l);
            k++;
        }
        assert_true(k == 2 || cases[i].want[k] == NULL);
    }
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

/* A quoted local part: redundant quotes go, others make no address (the
 * unquoted one would be another mailbox). */
static void test_quoted_local_parts(void **state)
{
    static const char *const same[][2] = {
        {"\"john.doe\"@Example.org", "john.doe@example.org"},
        {"rfc822; \"a+b\"@x.example", "a+b@x.example"},
    };
    static const char *const refused[] = {
        "\"john doe\"@x.example", "\"a@b\"@x.example", "\"a,b\"@x.example"};
    char out[ADDRSCAN_MAX];

    (void)state;
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++) {
        assert_true(addrscan_normalize(same[i][0], strlen(same[i][0]), out,
                                       sizeof out));
        assert_string_equal(out, same[i][1]);
    }
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
        assert_false(addrscan_normalize(refused[i], strlen(refused[i]), out,
                                        sizeof out));
}

/* Past a few recipients lookups go through an index: every address is
 * found again in any case, only once, also after the report has cut its
 * recipients (as a notice's list does) and others have taken their
 * places. */
static void test_rcpt_index(void **state)
{
    struct mime_limits lim;
    struct report *r = calloc(1, sizeof *r);
    struct rbuild b = {.r = r, .lim = &lim};
    char a[64];
    bool is_new;

    (void)state;
    assert_non_null(r);
    mime_limits_default(&lim);
    for (int i = 0; i < 300; i++) {
        snprintf(a, sizeof a, "User%d@Example.org", i);
        assert_non_null(rbuild_rcpt(&b, a, strlen(a), &is_new));
        assert_true(is_new);
    }
    assert_int_equal(r->nrcpts, 300);
    assert_true(b.nindex >= 4 * 16);
    for (int i = 0; i < 300; i++) {
        snprintf(a, sizeof a, "uSER%d@EXAMPLE.ORG", i);
        struct report_rcpt *rc = rbuild_lookup(&b, a);
        assert_non_null(rc);
        assert_int_equal(rc - r->rcpts, i);
        assert_ptr_equal(rbuild_rcpt(&b, a, strlen(a), &is_new), rc);
        assert_false(is_new);
    }
    r->nrcpts = 20; /* cut: the others are gone */
    for (int i = 20; i < 300; i++) {
        snprintf(a, sizeof a, "user%d@example.org", i);
        assert_null(rbuild_lookup(&b, a));
    }
    for (int i = 0; i < 50; i++) { /* new ones in their places, and back */
        snprintf(a, sizeof a, "new%d@example.net", i);
        assert_non_null(rbuild_rcpt(&b, a, strlen(a), &is_new));
        assert_true(is_new);
        snprintf(a, sizeof a, "user%d@example.org", 100 + i);
        assert_non_null(rbuild_rcpt(&b, a, strlen(a), &is_new));
        assert_true(is_new);
    }
    assert_int_equal(r->nrcpts, 120);
    for (int i = 0; i < 50; i++) {
        snprintf(a, sizeof a, "NEW%d@example.net", i);
        struct report_rcpt *rc = rbuild_lookup(&b, a);
        assert_non_null(rc);
        assert_int_equal(rc - r->rcpts, 20 + 2 * i);
        snprintf(a, sizeof a, "user%d@example.org", 100 + i);
        assert_int_equal(rbuild_lookup(&b, a) - r->rcpts, 21 + 2 * i);
    }
    snprintf(a, sizeof a, "user%d@example.org", 19);
    assert_int_equal(rbuild_lookup(&b, a) - r->rcpts, 19);
    assert_false(b.oom);
    report_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_domain_bytes),
        cmocka_unit_test(test_domain_end),
        cmocka_unit_test(test_local_start),
        cmocka_unit_test(test_stable_property),
        cmocka_unit_test(test_normalize_reference),
        cmocka_unit_test(test_normalize_long_domains),
        cmocka_unit_test(test_next_reference),
        cmocka_unit_test(test_rcpt_norm_same),
        cmocka_unit_test(test_rcpt_index),
        cmocka_unit_test(test_quoted_local_parts),
        cmocka_unit_test(test_utf8_punctuation_breaks),
    };
    return cmocka_run_group_tests_name("addrscan", tests, NULL, NULL);
}
