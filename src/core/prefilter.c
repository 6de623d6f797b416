/*
 * prefilter.c - see prefilter.h.
 */
#include <stdlib.h>
#include <string.h>

#include "core/prefilter.h"

#define LIT_BUCKETS 4096u /* hash table size (power of two) */
#define LIT_DEPTH 4       /* groups looked into for literals */

/* One literal, lower case, and the rule it stands for. */
struct literal {
    char *text;
    size_t len;
    size_t id;
};

struct prefilter {
    struct literal *lits;
    size_t nlits, alloc;
    /* hash of the first two bytes -> literals, as offsets into lit_index */
    size_t *bucket_start; /* LIT_BUCKETS + 1 entries */
    size_t *lit_index;
    /* bit h set: bucket h holds literals; 512 bytes that stay in cache
     * where bucket_start would not */
    uint64_t nonempty[LIT_BUCKETS / 64];
};

struct prefilter *prefilter_new(void)
{
    return calloc(1, sizeof(struct prefilter));
}

void prefilter_free(struct prefilter **pfp)
{
    struct prefilter *pf = *pfp;

    if (pf == NULL)
        return;
    for (size_t i = 0; i < pf->nlits; i++)
        free(pf->lits[i].text);
    free(pf->lits);
    free(pf->bucket_start);
    free(pf->lit_index);
    free(pf);
    *pfp = NULL;
}

static bool lit_add(struct prefilter *pf, size_t id, const char *s, size_t len)
{
    if (pf->nlits == pf->alloc) {
        size_t na = pf->alloc ? pf->alloc * 2 : 64;
        struct literal *p = realloc(pf->lits, na * sizeof *p);
        if (p == NULL)
            return false;
        pf->lits = p;
        pf->alloc = na;
    }
    char *t = malloc(len + 1);
    if (t == NULL)
        return false;
    for (size_t i = 0; i < len; i++)
        t[i] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] + 32) : s[i];
    t[len] = '\0';
    pf->lits[pf->nlits++] = (struct literal){t, len, id};
    return true;
}

/* State of the literal extractor for one top-level branch. */
struct lit_scan {
    char run[256];
    size_t runlen;
    char best[256];
    size_t bestlen;
    size_t group_b, group_e; /* first mandatory plain group's content */
};

static void lit_end_run(struct lit_scan *ls)
{
    if (ls->runlen > ls->bestlen) {
        memcpy(ls->best, ls->run, ls->runlen);
        ls->bestlen = ls->runlen;
    }
    ls->runlen = 0;
}

static void lit_push(struct lit_scan *ls, char c)
{
    if (ls->runlen < sizeof ls->run)
        ls->run[ls->runlen++] = c;
    else
        lit_end_run(ls);
}

static bool is_quantifier(char c)
{
    return c == '?' || c == '*' || c == '{' || c == '+';
}

/* Skips a parenthesised group or a class starting at re[i]; returns the
 * index after it, or len when unbalanced. */
static size_t skip_group(const char *re, size_t len, size_t i)
{
    int depth = 0;
    bool in_class = false;

    for (; i < len; i++) {
        char c = re[i];
        if (c == '\\') {
            i++;
        } else if (in_class) {
            if (c == ']')
                in_class = false;
        } else if (c == '[') {
            in_class = true;
            if (i + 1 < len && re[i + 1] == ']')
                i++; /* "[]...]" */
            else if (i + 2 < len && re[i + 1] == '^' && re[i + 2] == ']')
                i += 2;
            if (depth == 0) {
                /* a top-level class: find its end */
                for (i++; i < len && re[i] != ']'; i++)
                    if (re[i] == '\\')
                        i++;
                return i + 1;
            }
        } else if (c == '(') {
            depth++;
        } else if (c == ')') {
            if (--depth == 0)
                return i + 1;
        }
    }
    return len;
}

/* After a quantifiable atom ending at re[*i], handles the quantifier:
 * drops the last literal character when it may be absent. */
static void lit_quantifier(struct lit_scan *ls, const char *re, size_t len,
                           size_t *i)
{
    if (*i >= len || !is_quantifier(re[*i]))
        return;
    if (re[*i] != '+' && ls->runlen > 0)
        ls->runlen--; /* '?', '*', '{0,..}' may drop it */
    lit_end_run(ls);
    if (re[*i] == '{') {
        while (*i < len && re[*i] != '}')
            (*i)++;
    }
    (*i)++;
    if (*i < len && (re[*i] == '?' || re[*i] == '+'))
        (*i)++; /* lazy or possessive */
}

/* Scans one branch re[b..e); returns false when the branch uses syntax the
 * extractor does not understand (then no prefilter for the rule). */
static bool lit_branch(const char *re, size_t b, size_t e,
                       struct lit_scan *ls)
{
    size_t i = b;

    memset(ls, 0, sizeof *ls);
    while (i < e) {
        char c = re[i];
        if (c == '(' && i + 1 < e && re[i + 1] == '*')
            return false; /* (*ACCEPT) and other verbs: be safe */
        if (c == '(' || c == '[') {
            size_t g = i;
            lit_end_run(ls);
            i = skip_group(re, e, i);
            bool optional = i < e && is_quantifier(re[i]) && re[i] != '+';
            bool plain = c == '(' && g + 1 < e &&
                         (re[g + 1] != '?' || (g + 2 < e && re[g + 2] == ':'));
            if (plain && !optional && ls->group_e == 0 && i <= e &&
                re[i - 1] == ')') {
                ls->group_b = g + (re[g + 1] == '?' ? 3 : 1);
                ls->group_e = i - 1;
            }
            if (i < e && is_quantifier(re[i]))
                lit_quantifier(ls, re, e, &i);
            continue;
        }
        if (c == '\\') {
            if (i + 1 >= e)
                return false;
            char d = re[i + 1];
            i += 2;
            if ((d >= 'a' && d <= 'z') || (d >= 'A' && d <= 'Z') ||
                (d >= '0' && d <= '9')) {
                if (strchr("xQEpPgkNocu0123456789", d) != NULL)
                    return false;
                lit_end_run(ls);  /* \s \d \w \b ...: not a literal */
                if (i < e && is_quantifier(re[i]))
                    lit_quantifier(ls, re, e, &i);
                continue;
            }
            lit_push(ls, d);
        } else if (c == '.' || c == '^' || c == '$') {
            lit_end_run(ls);
            i++;
        } else if (is_quantifier(c) || c == ')' || c == '|') {
            return false; /* stray: be safe */
        } else {
            lit_push(ls, c);
            i++;
        }
        lit_quantifier(ls, re, e, &i);
    }
    lit_end_run(ls);
    return true;
}

/* Adds literals for re[0..len): per top-level branch its longest literal
 * run, or else the literals of its first mandatory group.  Returns false
 * when some branch has neither (then the caller drops them all). */
static bool lit_collect(struct prefilter *pf, size_t id, const char *re,
                        size_t len, unsigned depth, bool *oom_r)
{
    size_t b = 0;
    struct lit_scan ls;

    for (size_t i = 0; i <= len; i++) {
        if (i < len && re[i] == '\\') {
            i++;
            continue;
        }
        if (i < len && (re[i] == '(' || re[i] == '[')) {
            i = skip_group(re, len, i) - 1;
            continue;
        }
        if (i < len && re[i] != '|')
            continue;
        if (!lit_branch(re, b, i, &ls))
            return false;
        if (ls.bestlen >= PREFILTER_MIN) {
            if (!lit_add(pf, id, ls.best, ls.bestlen)) {
                *oom_r = true;
                return false;
            }
        } else if (ls.group_e == 0 || depth >= LIT_DEPTH ||
                   !lit_collect(pf, id, re + ls.group_b,
                                ls.group_e - ls.group_b, depth + 1, oom_r)) {
            return false;
        }
        b = i + 1;
    }
    return true;
}

/* True when an inline "(?x" option makes white space insignificant. */
static bool re_has_inline_x(const char *re, size_t len)
{
    for (size_t i = 0; i + 2 < len; i++) {
        if (re[i] != '(' || re[i + 1] != '?')
            continue;
        for (size_t k = i + 2; k < len && re[k] != ')' && re[k] != ':'; k++)
            if (re[k] == 'x')
                return true;
    }
    return false;
}

int prefilter_add(struct prefilter *pf, size_t id, const char *re, size_t len,
                  bool extended, size_t *n_r)
{
    size_t start = pf->nlits;
    bool oom = false;

    *n_r = 0;
    if (extended || re_has_inline_x(re, len))
        return 0;
    if (lit_collect(pf, id, re, len, 0, &oom)) {
        *n_r = pf->nlits - start;
        return 0;
    }
    while (pf->nlits > start)
        free(pf->lits[--pf->nlits].text);
    return oom ? -1 : 0;
}

static unsigned lit_hash(unsigned char a, unsigned char b)
{
    return ((unsigned)a * 31u + (unsigned)b) & (LIT_BUCKETS - 1);
}

int prefilter_finish(struct prefilter *pf)
{
    size_t fill[LIT_BUCKETS];

    free(pf->bucket_start);
    free(pf->lit_index);
    pf->bucket_start = calloc(LIT_BUCKETS + 1, sizeof *pf->bucket_start);
    pf->lit_index = malloc((pf->nlits ? pf->nlits : 1) *
                           sizeof *pf->lit_index);
    if (pf->bucket_start == NULL || pf->lit_index == NULL)
        return -1;
    for (size_t i = 0; i < pf->nlits; i++) {
        const unsigned char *t = (const unsigned char *)pf->lits[i].text;
        pf->bucket_start[lit_hash(t[0], t[1]) + 1]++;
    }
    for (size_t b = 0; b < LIT_BUCKETS; b++)
        pf->bucket_start[b + 1] += pf->bucket_start[b];
    memcpy(fill, pf->bucket_start, sizeof fill);
    memset(pf->nonempty, 0, sizeof pf->nonempty);
    for (size_t b = 0; b < LIT_BUCKETS; b++)
        if (pf->bucket_start[b + 1] > pf->bucket_start[b])
            pf->nonempty[b / 64] |= UINT64_C(1) << (b % 64);
    for (size_t i = 0; i < pf->nlits; i++) {
        const unsigned char *t = (const unsigned char *)pf->lits[i].text;
        pf->lit_index[fill[lit_hash(t[0], t[1])]++] = i;
    }
    return 0;
}

void prefilter_scan(const struct prefilter *pf, const char *lower, size_t len,
                    uint64_t *hit)
{
    const unsigned char *t = (const unsigned char *)lower;

    _Static_assert(PREFILTER_MIN >= 3, "the scan reads t[i + 2]");
    if (pf->bucket_start == NULL)
        return;
    for (size_t i = 0; i + PREFILTER_MIN <= len; i++) {
        unsigned h = lit_hash(t[i], t[i + 1]);
        if ((pf->nonempty[h / 64] & (UINT64_C(1) << (h % 64))) == 0)
            continue;
        for (size_t k = pf->bucket_start[h]; k < pf->bucket_start[h + 1];
             k++) {
            const struct literal *l = &pf->lits[pf->lit_index[k]];
            uint64_t bit = UINT64_C(1) << (l->id % 64);
            /* a rule already marked, or a third byte that differs (i + 2
             * < len here), needs no memcmp() */
            if ((hit[l->id / 64] & bit) != 0 ||
                (l->len >= 3 && t[i + 2] != (unsigned char)l->text[2]))
                continue;
            if (l->len <= len - i && memcmp(t + i, l->text, l->len) == 0)
                hit[l->id / 64] |= bit;
        }
    }
}
