/*
 * test_relit.c - reading regexes for their literals (relit.h) and finding
 * literals in texts (prefilter.h): where a regex is split and where not,
 * the exact strings of simple branches, the clauses of others, Aho-Corasick
 * outputs that overlap, ASCII case and word boundaries, and the scan
 * held to a search of each literal at each offset, short texts and long
 * ones (which it reads in halves or quarters at once); and, on generated
 * regexes and texts, a rule decided by its literals agreeing with PCRE2.
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include "core/prefilter.h"
#include "core/relit.h"
#include "core/rules.h"

static void split_at_top_level_bars(void **state)
{
    static const char re[] = "a|b(c|d)|[|]x|\\|y";
    size_t b[8], e[8], n;

    (void)state;
    assert_true(relit_split(re, strlen(re), false, b, e, 8, &n));
    assert_int_equal(n, 4);
    assert_int_equal(e[0] - b[0], 1);
    assert_memory_equal(re + b[1], "b(c|d)", 6);
    assert_memory_equal(re + b[2], "[|]x", 4);
    assert_memory_equal(re + b[3], "\\|y", 3);
    assert_false(relit_split(re, strlen(re), false, b, e, 3, &n));
}

static void not_split_when_branches_are_tied(void **state)
{
    static const char *const tied[] = {
        "(?i)abc|def", "(a)\\1|b",        "a(*COMMIT)b|c", "\\Qa|b\\E",
        "(?1)|(a)",    "(?<n>a)|\\k<n>",  "(?(1)a|b)",     "(?|a|b)",
        "x(?#c)|y",    "[[:alpha:]|]x|y", "a\\c|b",
    };
    size_t b[8], e[8], n;

    (void)state;
    for (size_t i = 0; i < sizeof tied / sizeof tied[0]; i++)
        if (relit_split(tied[i], strlen(tied[i]), false, b, e, 8, &n))
            fail_msg("/%s/ split", tied[i]);
    assert_false(relit_split("abc|def", 7, true, b, e, 8, &n)); /* x flag */
    assert_true(
        relit_split("(?<!not )listed|(?:a|b)c", 24, false, b, e, 8, &n));
    assert_int_equal(n, 2);
}

static bool set_has(const struct relit_str *set, size_t n, const char *s,
                    size_t nb)
{
    for (size_t i = 0; i < n; i++)
        if (set[i].len == strlen(s) &&
            memcmp(set[i].text, s, set[i].len) == 0 && set[i].nb == nb)
            return true;
    return false;
}

static void exact_strings_of_simple_branches(void **state)
{
    static const struct {
        const char *re;
        size_t n;
        const char *some;
    } cases[] = {
        {"no such (user|mailbox)", 2, "no such mailbox"},
        {"over ?quota", 2, "overquota"},
        {"gr[ae]y ?-?list", 8, "grey-list"},
        {"Mailbox (is )?FULL", 2, "mailbox full"},
        {"unknown (user|local[- ]?part)", 4, "unknown local-part"},
        {"doesn'?t exist|x\\.y\\.z", 3, "x.y.z"},
        {"(?:abc|def)ghi", 2, "defghi"},
    };
    struct relit_str *set = malloc(RELIT_SET_MAX * sizeof *set);
    size_t n;
    bool oom = false;

    (void)state;
    assert_non_null(set);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (!relit_exact(cases[i].re, strlen(cases[i].re), set, &n, &oom))
            fail_msg("/%s/ not exact", cases[i].re);
        assert_int_equal(n, cases[i].n);
        assert_true(set_has(set, n, cases[i].some, 0));
    }
    assert_true(relit_exact("\\bspf\\b", 7, set, &n, &oom));
    assert_int_equal(n, 1);
    assert_true(set_has(set, n, "spf", 2));
    assert_int_equal(set[0].bpos[0], 0);
    assert_int_equal(set[0].bpos[1], 3);
    free(set);
}

static void branches_that_are_not_exact(void **state)
{
    static const char *const not_exact[] = {
        "a.c",
        "user\\w+",
        "abc+",
        "ab{2}c",
        "[^a]bc",
        "(?=x)abc",
        "ab",
        "(a|b)?c",
        "abc$",
        "^abc",
        "temporar\\w* locked",
        "ab\\sc",
        "[a-z]bcd",
        "(a|b|c|d)(e|f|g|h)(i|j|k|l)(m|n|o|p)",
        "abc??",
        "(?<!not )listed",
        "x\\b?yz",
    };
    struct relit_str *set = malloc(RELIT_SET_MAX * sizeof *set);
    size_t n;
    bool oom = false;

    (void)state;
    assert_non_null(set);
    for (size_t i = 0; i < sizeof not_exact / sizeof not_exact[0]; i++)
        if (relit_exact(not_exact[i], strlen(not_exact[i]), set, &n, &oom))
            fail_msg("/%s/ taken as exact (%zu strings)", not_exact[i], n);
    assert_false(oom);
    free(set);
}

struct got {
    char lit[8][64];
    size_t clause[8];
    size_t n;
};

static int collect(void *ctx, size_t clause, const char *lit, size_t len)
{
    struct got *g = ctx;

    if (g->n == 8 || len >= 64)
        return -1;
    memcpy(g->lit[g->n], lit, len);
    g->lit[g->n][len] = '\0';
    g->clause[g->n++] = clause;
    return 0;
}

static void clauses_of_other_branches(void **state)
{
    static const char re[] = "(User|mailbox) (has )?(moved|been moved).*x";
    struct got g = {0};

    (void)state;
    assert_int_equal(relit_clauses(re, strlen(re), collect, &g), 2);
    assert_int_equal(g.n, 4);
    assert_string_equal(g.lit[0], "user");
    assert_int_equal(g.clause[1], 0);
    assert_string_equal(g.lit[2], "moved");
    assert_int_equal(g.clause[3], 1);
    memset(&g, 0, sizeof g);
    assert_int_equal(relit_clauses("\\x41bc", 6, collect, &g), 0);
    assert_int_equal(relit_clauses("a.b", 3, collect, &g), 0);
}

static bool marked(const uint64_t *m, size_t c)
{
    return (m[c / 64] >> (c % 64)) & 1;
}

static void literals_found_once_each(void **state)
{
    static const char *const lits[] = {"he",   "she", "his",
                                       "hers", "spf", "Mail"};
    static const uint16_t both[2] = {0, 3};
    struct prefilter *pf = prefilter_new();
    uint64_t m[2];

    (void)state;
    assert_non_null(pf);
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(
            prefilter_add(pf, i, lits[i], strlen(lits[i]), NULL, 0), 0);
    assert_int_equal(prefilter_add(pf, 4, "spf", 3, both, 2), 0);
    assert_int_equal(prefilter_add(pf, 70, "Mail", 4, NULL, 0), 0);
    assert_int_equal(prefilter_table_bytes(pf), 0);
    assert_int_equal(prefilter_finish(pf), 0);
    assert_int_equal(prefilter_words(pf), 2);
    assert_int_equal(prefilter_literals(pf), 6);
    /* states: the root; h, he, her, hers, hi, his; s, sh, she, sp, spf;
     * m, ma, mai, mail.  Classes: h e r s i p f m a l and the rest, two
     * bytes an entry */
    assert_int_equal(prefilter_states(pf), 16);
    assert_int_equal(prefilter_table_bytes(pf), 16 * 11 * 2);

    memset(m, 0, sizeof m);
    prefilter_scan(pf, "USHERS", 6, m); /* she, he, hers overlap */
    assert_true(marked(m, 0) && marked(m, 1) && marked(m, 3));
    assert_false(marked(m, 2));
    memset(m, 0, sizeof m);
    prefilter_scan(pf, "spfx x-spf- mAIL", 16, m);
    assert_true(marked(m, 4) && marked(m, 70));
    memset(m, 0, sizeof m);
    prefilter_scan(pf, "spfx _spf spf2 ma", 17, m);
    assert_false(marked(m, 4) || marked(m, 70));
    memset(m, 0, sizeof m);
    prefilter_scan(pf, "spf", 3, m);
    assert_true(marked(m, 4));
    prefilter_free(&pf);
    assert_null(pf);
}

/* A small generator of regexes of the exact kind and of texts over the
 * same few bytes, so that matches are frequent. */
static uint32_t rnd(uint32_t *s)
{
    *s = *s * 1103515245u + 12345u;
    return (*s >> 16) & 0x7fff;
}

/* Word bytes as PCRE2's \b has them. */
static bool ref_word(const char *t, size_t len, size_t i)
{
    if (i >= len)
        return false;
    char c = t[i];
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_';
}

/* Random literals over a few bytes, literal i in clause i * 3, each with
 * no word boundary, one at its start, or one at each end. */
#define GEN_LITS_MAX 24
struct gen_lits {
    char text[GEN_LITS_MAX][48];
    size_t len[GEN_LITS_MAX];
    uint16_t bpos[GEN_LITS_MAX][2];
    size_t nb[GEN_LITS_MAX];
    size_t n;
};

static const char gen_chars[] = "abAB _";

/* n literals of 1 to maxlen bytes into g, and a prefilter of them. */
static struct prefilter *gen_prefilter(struct gen_lits *g, size_t n,
                                       size_t maxlen, uint32_t *seed)
{
    struct prefilter *pf = prefilter_new();

    assert_non_null(pf);
    g->n = n;
    for (size_t i = 0; i < n; i++) {
        g->len[i] = 1 + rnd(seed) % maxlen;
        for (size_t k = 0; k < g->len[i]; k++)
            g->text[i][k] = gen_chars[rnd(seed) % (sizeof gen_chars - 1)];
        g->nb[i] = rnd(seed) % 3;
        g->bpos[i][0] = 0;
        g->bpos[i][1] = (uint16_t)g->len[i];
        assert_int_equal(prefilter_add(pf, i * 3, g->text[i], g->len[i],
                                       g->bpos[i], g->nb[i]),
                         0);
    }
    assert_int_equal(prefilter_finish(pf), 0);
    return pf;
}

/* The clauses that a search of each literal of g at each offset of
 * text[0..len) finds, word boundaries checked. */
static void ref_marks(const struct gen_lits *g, const char *text, size_t len,
                      uint64_t *want)
{
    for (size_t i = 0; i < g->n; i++)
        for (size_t at = 0; at + g->len[i] <= len; at++) {
            if (strncasecmp(text + at, g->text[i], g->len[i]) != 0)
                continue;
            bool ok = true;
            for (size_t b = 0; b < g->nb[i]; b++) {
                size_t p = at + g->bpos[i][b];
                ok = ok && (p > 0 && ref_word(text, len, p - 1)) !=
                               ref_word(text, len, p);
            }
            if (ok)
                want[i * 3 / 64] |= UINT64_C(1) << (i * 3 % 64);
        }
}

/* prefilter_scan() against a search of each literal at each offset, on
 * random literals and texts over a few bytes (literals end everywhere,
 * in every place of the scan's steps, and at every text length). */
static void literals_found_as_by_search(void **state)
{
    struct gen_lits g;
    char text[48];
    uint32_t seed = 4242;

    (void)state;
    for (int round = 0; round < 300; round++) {
        struct prefilter *pf = gen_prefilter(&g, 24, 4, &seed);
        for (int k = 0; k < 40; k++) {
            size_t len = rnd(&seed) % sizeof text;
            uint64_t got[2] = {0}, want[2] = {0};
            for (size_t j = 0; j < len; j++)
                text[j] = gen_chars[rnd(&seed) % (sizeof gen_chars - 1)];
            prefilter_scan(pf, text, len, got);
            ref_marks(&g, text, len, want);
            assert_memory_equal(got, want, sizeof got);
        }
        prefilter_free(&pf);
    }
}

/* The same on long texts made of copies of the literals (some of them
 * longer than the bytes a second scan reads before the middle of a long
 * text, so that one is under way there) and random bytes between: the
 * texts a scan reads in two halves, at every length and middle. */
static void long_texts_found_as_by_search(void **state)
{
    struct gen_lits g;
    char text[400];
    uint32_t seed = 777;

    (void)state;
    for (int round = 0; round < 200; round++) {
        struct prefilter *pf = gen_prefilter(&g, 16, 40, &seed);
        for (int k = 0; k < 40; k++) {
            size_t len = rnd(&seed) % sizeof text, j = 0;
            uint64_t got[2] = {0}, want[2] = {0};
            while (j < len) {
                if (rnd(&seed) % 3 == 0) { /* a copy of a literal */
                    size_t i = rnd(&seed) % g.n;
                    const char *lit = g.text[i];
                    for (size_t q = 0; q < g.len[i] && j < len; q++, j++)
                        text[j] = rnd(&seed) % 2
                                      ? lit[q]
                                      : (char)toupper((unsigned char)lit[q]);
                } else {
                    size_t c = rnd(&seed) % (sizeof gen_chars - 1);
                    text[j++] = gen_chars[c];
                }
            }
            prefilter_scan(pf, text, len, got);
            ref_marks(&g, text, len, want);
            assert_memory_equal(got, want, sizeof got);
        }
        prefilter_free(&pf);
    }
}

#define LIT_MAX 48 /* bytes of a literal below */
#define MANY_LITS 16000

/* Sixty texts made of copies of the literals lit[0..n) (len[i] bytes,
 * clause i; half of the copies' letters in upper case) and random letters
 * between: prefilter_scan() marks what a search of each literal at each
 * offset finds. */
static void copies_found_as_by_search(const struct prefilter *pf,
                                      int rounds, char lit[][LIT_MAX + 1],
                                      const size_t *len, size_t n,
                                      uint32_t *seed)
{
    char text[600];

    for (int k = 0; k < rounds; k++) {
        size_t tl = rnd(seed) % sizeof text, j = 0;
        uint64_t got[MANY_LITS / 64 + 1] = {0}, want[MANY_LITS / 64 + 1] = {0};
        while (j < tl) {
            if (rnd(seed) % 4 == 0) { /* a copy of a literal */
                size_t i = rnd(seed) % n;
                for (size_t q = 0; q < len[i] && j < tl; q++, j++)
                    text[j] = rnd(seed) % 2
                                  ? lit[i][q]
                                  : (char)toupper((unsigned char)lit[i][q]);
            } else {
                text[j++] = (char)('a' + rnd(seed) % 26);
            }
        }
        prefilter_scan(pf, text, tl, got);
        for (size_t i = 0; i < n; i++)
            for (size_t at = 0; at + len[i] <= tl; at++)
                if (strncasecmp(text + at, lit[i], len[i]) == 0)
                    want[i / 64] |= UINT64_C(1) << (i % 64);
        assert_memory_equal(got, want, sizeof got);
    }
}

/* An automaton of more than 65,535 states (its table four bytes an
 * entry, not two): 16,000 random literals in groups of ten that share
 * their first 36 letters (the automaton reads a literal as far as more
 * than eight start alike), with 2 to 10 letters each after them. */
static void wide_automaton_found_as_by_search(void **state)
{
    static char lit[MANY_LITS][LIT_MAX + 1];
    static size_t len[MANY_LITS];
    const size_t n = 16000;
    uint32_t seed = 99;
    struct prefilter *pf = prefilter_new();

    (void)state;
    assert_non_null(pf);
    for (size_t i = 0; i < n; i++) {
        len[i] = 38 + rnd(&seed) % 9;
        for (size_t k = 0; k < len[i]; k++)
            lit[i][k] = i % 10 != 0 && k < 36 ? lit[i - 1][k]
                                               : (char)('a' + rnd(&seed) % 26);
        assert_int_equal(prefilter_add(pf, i, lit[i], len[i], NULL, 0), 0);
    }
    assert_int_equal(prefilter_finish(pf), 0);
    assert_true(prefilter_states(pf) > 65535);
    /* four bytes an entry, one for each letter and one for the rest */
    assert_int_equal(prefilter_table_bytes(pf), prefilter_states(pf) * 27 * 4);
    assert_int_equal(prefilter_literals(pf), n);
    copies_found_as_by_search(pf, 8, lit, len, n, &seed);
    prefilter_free(&pf);
}

/* Literals of more than 65,535 bytes in all but few states (they share
 * a long start): the states are counted before the trie is built, and
 * the table is two bytes an entry. */
static void narrowed_automaton_found_as_by_search(void **state)
{
    static char lit[MANY_LITS][LIT_MAX + 1];
    static size_t len[MANY_LITS];
    uint32_t seed = 5;
    struct prefilter *pf = prefilter_new();

    (void)state;
    assert_non_null(pf);
    for (size_t i = 0; i < 2600; i++) {
        len[i] = 31;
        memcpy(lit[i], "rejected-by-the-mail-system-", 28);
        for (size_t k = 28; k < len[i]; k++)
            lit[i][k] = (char)('a' + rnd(&seed) % 26);
        assert_int_equal(prefilter_add(pf, i, lit[i], len[i], NULL, 0), 0);
    }
    assert_int_equal(prefilter_finish(pf), 0);
    assert_true(prefilter_states(pf) < 65536);
    /* two bytes an entry: the letters, '-' and the rest */
    assert_int_equal(prefilter_table_bytes(pf), prefilter_states(pf) * 28 * 2);
    copies_found_as_by_search(pf, 20, lit, len, 2600, &seed);
    prefilter_free(&pf);
}

/* Literals that differ only in bytes from 0x80 on, which the automaton
 * reads as one class, and in their bytes past the ones it reads: each
 * found where it is, and only there. */
static void high_bytes_and_long_tails_told_apart(void **state)
{
    static const char *const lits[] = {
        "\xd0\xbe\xd1\x82\xd0\xbf\xd1\x80", /* "otpr" in Cyrillic */
        "\xd0\xbe\xd1\x82\xd0\xba\xd0\xbb", /* "otkl" */
        "x\xc3\xa9y", "\xc3\xa9",
        "mailbox unavailable", "mailbox unknown", "mailbox un"};
    const size_t n = sizeof lits / sizeof lits[0];
    static const struct {
        const char *text;
        unsigned want; /* bit i: lits[i] */
    } cases[] = {
        {"\xd0\xbe\xd1\x82\xd0\xbf\xd1\x80\xd0\xb0", 1u << 0},
        {"..\xd0\xbe\xd1\x82\xd0\xba\xd0\xbb", 1u << 1},
        {"\xd0\xbe\xd1\x82\xd0\xbf\xd1\x81", 0},
        {"X\xc3\xa9Y", (1u << 2) | (1u << 3)},
        {"x\xc3\xa8y \xc3\xa9", 1u << 3},
        {"Mailbox Unavailable", (1u << 4) | (1u << 6)},
        {"mailbox unknow", 1u << 6},
        {"a mailbox unknown.", (1u << 5) | (1u << 6)},
        {"mailbox unavailabl", 1u << 6},
    };
    struct prefilter *pf = prefilter_new();

    (void)state;
    assert_non_null(pf);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(
            prefilter_add(pf, i, lits[i], strlen(lits[i]), NULL, 0), 0);
    assert_int_equal(prefilter_finish(pf), 0);
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        uint64_t m = 0;
        prefilter_scan(pf, cases[k].text, strlen(cases[k].text), &m);
        assert_int_equal(m, cases[k].want);
    }
    prefilter_free(&pf);
}

static void gen_atom(uint32_t *s, char *re, size_t *n, int depth)
{
    static const char chars[] = "abAB -'";
    uint32_t k = rnd(s) % 10;

    if (k < 6 || depth > 1) {
        re[(*n)++] = chars[rnd(s) % (sizeof chars - 1)];
    } else if (k == 6) {
        memcpy(re + *n, "[aB-]", 5);
        *n += 5;
    } else if (k == 7) {
        memcpy(re + *n, "\\b", 2);
        *n += 2;
        return;
    } else {
        re[(*n)++] = '(';
        gen_atom(s, re, n, depth + 1);
        gen_atom(s, re, n, depth + 1);
        re[(*n)++] = '|';
        gen_atom(s, re, n, depth + 1);
        re[(*n)++] = ')';
    }
    if (rnd(s) % 4 == 0)
        re[(*n)++] = '?';
}

static void literal_decisions_agree_with_pcre(void **state)
{
    uint32_t seed = 12345;
    size_t exact = 0;

    (void)state;
    for (int round = 0; round < 400; round++) {
        char line[256], re[128], text[64], *err = NULL;
        size_t n = 0;
        int atoms = 3 + (int)(rnd(&seed) % 4);
        for (int a = 0; a < atoms; a++)
            gen_atom(&seed, re, &n, 0);
        if (rnd(&seed) % 3 == 0) {
            re[n++] = '|';
            gen_atom(&seed, re, &n, 0);
            gen_atom(&seed, re, &n, 0);
            gen_atom(&seed, re, &n, 0);
        }
        re[n] = '\0';
        snprintf(line, sizeof line, "r user_unknown text=/%s/i\n", re);
        struct classify_rules *rs = NULL;
        if (rules_load_buffer(&rs, "t", line, strlen(line), &err) < 0 ||
            rules_finish(rs, &err) < 0)
            fail_msg("/%s/: %s", re, err);
        exact += rules_prefilter_literals(rs, 0) > 0;
        struct rules_scratch *sc = rules_scratch_new(rs);
        assert_non_null(sc);
        for (int t = 0; t < 200; t++) {
            static const char chars[] = "abAB -'_x";
            size_t len = rnd(&seed) % 20;
            for (size_t i = 0; i < len; i++)
                text[i] = chars[rnd(&seed) % (sizeof chars - 1)];
            struct rules_subject s = {.text = text, .len = len, .status = ""};
            struct rule_info a, b;
            bool with = rules_match(rs, sc, &s, true, &a);
            if (with != rules_match(rs, sc, &s, false, &b))
                fail_msg("/%s/i on \"%.*s\": %d with literals", re, (int)len,
                         text, (int)with);
        }
        rules_scratch_free(&sc);
        classify_rules_free(&rs);
    }
    print_message("# %zu of 400 generated regexes prefiltered\n", exact);
    assert_true(exact > 100);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(split_at_top_level_bars),
        cmocka_unit_test(not_split_when_branches_are_tied),
        cmocka_unit_test(exact_strings_of_simple_branches),
        cmocka_unit_test(branches_that_are_not_exact),
        cmocka_unit_test(clauses_of_other_branches),
        cmocka_unit_test(literals_found_once_each),
        cmocka_unit_test(literals_found_as_by_search),
        cmocka_unit_test(long_texts_found_as_by_search),
        cmocka_unit_test(wide_automaton_found_as_by_search),
        cmocka_unit_test(narrowed_automaton_found_as_by_search),
        cmocka_unit_test(high_bytes_and_long_tails_told_apart),
        cmocka_unit_test(literal_decisions_agree_with_pcre),
    };

    return cmocka_run_group_tests_name("relit", tests, NULL, NULL);
}
