/*
 * prefilter.c - see prefilter.h.
 */
#include <stdlib.h>
#include <string.h>

#include "core/prefilter.h"

#define LIT_BUCKETS 4096u /* hash table size (power of two) */
#define LIT_DEPTH 4       /* groups looked into for literals */
#define LIT_GROUPS 8      /* mandatory groups of a branch used as clauses */
#define NO_RULE ((size_t)-1)

/* One literal, lower case, and the clause it belongs to.  After
 * prefilter_finish() the literals are sorted by text, and dup counts the
 * literals from this one on with the same text (only the first of them is
 * indexed: one comparison marks all their clauses). */
struct literal {
    char *text;
    size_t len;
    size_t id;
    size_t dup;
};

/* A top-level branch of a rule's regex: it may match only when each of
 * its clauses first .. first + n - 1 has a literal in the text. */
struct branch {
    size_t rule;
    size_t first, n;
};

struct prefilter {
    struct literal *lits;
    size_t nlits, alloc;
    size_t nclauses; /* at most PREFILTER_CLAUSES */
    struct branch *branches;
    size_t nbranches, balloc;
    struct branch *multi; /* the branches of more than one clause */
    size_t nmulti;
    /* per clause: its rule when it is the only clause of its branch (the
     * scan marks the rule at once), else NO_RULE */
    size_t *sole_rule;
    /* hash of the first three bytes -> literals, as offsets into lit_index */
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
    free(pf->branches);
    free(pf->multi);
    free(pf->sole_rule);
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
    pf->lits[pf->nlits++] = (struct literal){t, len, id, 1};
    return true;
}

/* State of the literal extractor for one top-level branch. */
struct lit_scan {
    char run[256];
    size_t runlen;
    char best[256];
    size_t bestlen;
    /* the mandatory plain groups' contents, in order */
    size_t group_b[LIT_GROUPS], group_e[LIT_GROUPS];
    size_t ngroups;
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
            if (plain && !optional && ls->ngroups < LIT_GROUPS && i <= e &&
                re[i - 1] == ')') {
                ls->group_b[ls->ngroups] = g + (re[g + 1] == '?' ? 3 : 1);
                ls->group_e[ls->ngroups++] = i - 1;
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
        } else if (ls.ngroups == 0 || depth >= LIT_DEPTH ||
                   !lit_collect(pf, id, re + ls.group_b[0],
                                ls.group_e[0] - ls.group_b[0], depth + 1,
                                oom_r)) {
            return false;
        }
        b = i + 1;
    }
    return true;
}

static void lit_drop(struct prefilter *pf, size_t start)
{
    while (pf->nlits > start)
        free(pf->lits[--pf->nlits].text);
}

static bool branch_add(struct prefilter *pf, size_t rule, size_t first,
                       size_t n)
{
    if (pf->nbranches == pf->balloc) {
        size_t na = pf->balloc ? pf->balloc * 2 : 64;
        struct branch *p = realloc(pf->branches, na * sizeof *p);
        if (p == NULL)
            return false;
        pf->branches = p;
        pf->balloc = na;
    }
    pf->branches[pf->nbranches++] = (struct branch){rule, first, n};
    return true;
}

/* The clauses of the top-level branch re[b..e): its longest literal run,
 * and each of its mandatory groups whose literals lit_collect() finds.
 * Returns false when it has none (or memory ran out: *oom_r). */
static bool lit_top_branch(struct prefilter *pf, size_t rule, const char *re,
                           size_t b, size_t e, bool *oom_r)
{
    struct lit_scan ls;
    size_t first = pf->nclauses;

    if (!lit_branch(re, b, e, &ls))
        return false;
    if (ls.bestlen >= PREFILTER_MIN && pf->nclauses < PREFILTER_CLAUSES) {
        if (!lit_add(pf, pf->nclauses, ls.best, ls.bestlen)) {
            *oom_r = true;
            return false;
        }
        pf->nclauses++;
    }
    for (size_t g = 0; g < ls.ngroups && pf->nclauses < PREFILTER_CLAUSES;
         g++) {
        size_t start = pf->nlits;
        if (lit_collect(pf, pf->nclauses, re + ls.group_b[g],
                        ls.group_e[g] - ls.group_b[g], 1, oom_r))
            pf->nclauses++;
        else
            lit_drop(pf, start);
        if (*oom_r)
            return false;
    }
    if (pf->nclauses == first)
        return false;
    if (!branch_add(pf, rule, first, pf->nclauses - first)) {
        *oom_r = true;
        return false;
    }
    return true;
}

/* Clauses for each top-level branch of re[0..len); false when a branch has
 * none (then the caller drops them all). */
static bool lit_top(struct prefilter *pf, size_t rule, const char *re,
                    size_t len, bool *oom_r)
{
    size_t b = 0;

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
        if (!lit_top_branch(pf, rule, re, b, i, oom_r))
            return false;
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
    size_t start = pf->nlits, clauses = pf->nclauses,
           branches = pf->nbranches;
    bool oom = false;

    *n_r = 0;
    if (extended || re_has_inline_x(re, len))
        return 0;
    if (lit_top(pf, id, re, len, &oom)) {
        *n_r = pf->nlits - start;
        return 0;
    }
    lit_drop(pf, start);
    pf->nclauses = clauses;
    pf->nbranches = branches;
    return oom ? -1 : 0;
}

/* Hash of a literal's (or a text position's) first three bytes. */
static unsigned lit_hash(const unsigned char *t)
{
    return (((unsigned)t[0] * 31u + (unsigned)t[1]) * 31u + (unsigned)t[2]) &
           (LIT_BUCKETS - 1);
}

static int lit_cmp(const void *a, const void *b)
{
    const struct literal *x = a, *y = b;
    int c = strcmp(x->text, y->text);

    return c != 0 ? c : (x->id > y->id) - (x->id < y->id);
}

/* Sorts the literals by text and counts the runs of equal texts. */
static void lit_group(struct prefilter *pf)
{
    if (pf->nlits > 1)
        qsort(pf->lits, pf->nlits, sizeof *pf->lits, lit_cmp);
    for (size_t i = pf->nlits; i-- > 0;)
        pf->lits[i].dup = i + 1 < pf->nlits &&
                                  strcmp(pf->lits[i].text,
                                         pf->lits[i + 1].text) == 0
                              ? pf->lits[i + 1].dup + 1
                              : 1;
}

/* Is lits[i] the first of its run of equal texts? */
static bool lit_head(const struct prefilter *pf, size_t i)
{
    return i == 0 || strcmp(pf->lits[i - 1].text, pf->lits[i].text) != 0;
}

static int multi_build(struct prefilter *pf)
{
    free(pf->multi);
    pf->nmulti = 0;
    pf->multi = malloc((pf->nbranches ? pf->nbranches : 1) *
                       sizeof *pf->multi);
    if (pf->multi == NULL)
        return -1;
    for (size_t i = 0; i < pf->nbranches; i++)
        if (pf->branches[i].n > 1)
            pf->multi[pf->nmulti++] = pf->branches[i];
    return 0;
}

int prefilter_finish(struct prefilter *pf)
{
    size_t fill[LIT_BUCKETS];

    lit_group(pf);
    if (multi_build(pf) < 0)
        return -1;
    free(pf->bucket_start);
    free(pf->lit_index);
    free(pf->sole_rule);
    pf->sole_rule = malloc((pf->nclauses ? pf->nclauses : 1) *
                           sizeof *pf->sole_rule);
    pf->bucket_start = calloc(LIT_BUCKETS + 1, sizeof *pf->bucket_start);
    pf->lit_index = malloc((pf->nlits ? pf->nlits : 1) *
                           sizeof *pf->lit_index);
    if (pf->bucket_start == NULL || pf->lit_index == NULL ||
        pf->sole_rule == NULL)
        return -1;
    for (size_t c = 0; c < pf->nclauses; c++)
        pf->sole_rule[c] = NO_RULE;
    for (size_t i = 0; i < pf->nbranches; i++)
        if (pf->branches[i].n == 1)
            pf->sole_rule[pf->branches[i].first] = pf->branches[i].rule;
    for (size_t i = 0; i < pf->nlits; i++) {
        const unsigned char *t = (const unsigned char *)pf->lits[i].text;
        if (lit_head(pf, i))
            pf->bucket_start[lit_hash(t) + 1]++;
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
        if (lit_head(pf, i))
            pf->lit_index[fill[lit_hash(t)]++] = i;
    }
    return 0;
}

/* Are the clauses of the literals l[0..l->dup) all marked in cl[]? */
static bool lit_done(const struct literal *l, const uint64_t *cl)
{
    for (size_t k = 0; k < l->dup; k++)
        if ((cl[l[k].id / 64] & (UINT64_C(1) << (l[k].id % 64))) == 0)
            return false;
    return true;
}

/* Does t start with the literal l (its length checked by the caller)? */
static bool lit_eq(const unsigned char *t, const struct literal *l)
{
    const unsigned char *x = (const unsigned char *)l->text;

    for (size_t k = 0; k < l->len; k++)
        if (t[k] != x[k])
            return false;
    return true;
}

/* Marks the clauses of the literals l[0..l->dup) in cl[], and in hit[] the
 * rule of a branch with such a clause alone. */
static void lit_mark(const struct prefilter *pf, const struct literal *l,
                     uint64_t *cl, uint64_t *hit)
{
    for (size_t k = 0; k < l->dup; k++) {
        size_t c = l[k].id, rule = pf->sole_rule[c];
        cl[c / 64] |= UINT64_C(1) << (c % 64);
        if (rule != NO_RULE)
            hit[rule / 64] |= UINT64_C(1) << (rule % 64);
    }
}

/* Marks in cl[] every clause one of whose literals occurs in t[0..len),
 * and in hit[] the rule of a branch with that clause alone. */
static void prefilter_mark(const struct prefilter *pf, const unsigned char *t,
                           size_t len, uint64_t *cl, uint64_t *hit)
{
    _Static_assert(PREFILTER_MIN >= 3, "the scan reads t[i + 2]");
    for (size_t i = 0; i + PREFILTER_MIN <= len; i++) {
        unsigned h = lit_hash(t + i);
        if ((pf->nonempty[h / 64] & (UINT64_C(1) << (h % 64))) == 0)
            continue;
        for (size_t k = pf->bucket_start[h]; k < pf->bucket_start[h + 1];
             k++) {
            const struct literal *l = &pf->lits[pf->lit_index[k]];
            /* a third byte that differs (i + 2 < len here), or clauses
             * already marked, need no comparison */
            if (t[i + 2] != (unsigned char)l->text[2] || l->len > len - i ||
                lit_done(l, cl) || !lit_eq(t + i, l))
                continue;
            lit_mark(pf, l, cl, hit);
        }
    }
}

/* Are the clauses first .. first + n - 1 all marked in cl[]? */
static bool clauses_all(const uint64_t *cl, size_t first, size_t n)
{
    for (size_t c = first; c < first + n; c++)
        if ((cl[c / 64] & (UINT64_C(1) << (c % 64))) == 0)
            return false;
    return true;
}

void prefilter_scan(const struct prefilter *pf, const char *lower, size_t len,
                    uint64_t *hit)
{
    uint64_t cl[PREFILTER_CLAUSES / 64];

    if (pf->bucket_start == NULL)
        return;
    memset(cl, 0, (pf->nclauses + 63) / 64 * sizeof *cl);
    prefilter_mark(pf, (const unsigned char *)lower, len, cl, hit);
    for (size_t i = 0; i < pf->nmulti; i++) { /* one-clause: marked */
        const struct branch *br = &pf->multi[i];
        uint64_t bit = UINT64_C(1) << (br->rule % 64);
        if ((hit[br->rule / 64] & bit) == 0 &&
            clauses_all(cl, br->first, br->n))
            hit[br->rule / 64] |= bit;
    }
}
