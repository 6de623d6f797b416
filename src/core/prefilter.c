/*
 * prefilter.c - see prefilter.h.
 */
#include <stdlib.h>
#include <string.h>

#include "core/prefilter.h"

#define LIT_DEPTH 4       /* groups looked into for literals */
#define AC_DEPTH 4        /* literal bytes the automaton reads */
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
    /* Aho-Corasick automaton of the first AC_DEPTH bytes of the distinct
     * literals: state 0 is the start; delta[s * ncls + cls[byte]] is the
     * next state; the literals whose first bytes end at state s (its own
     * and its suffixes') are out_lit[out_start[s] .. out_start[s + 1]),
     * indexes into lits (first of a run of equal texts), to be compared */
    unsigned char cls[256];
    size_t ncls, nstates;
    uint32_t *delta;
    size_t *out_start; /* nstates + 1 entries */
    size_t *out_lit;
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
    free(pf->delta);
    free(pf->out_start);
    free(pf->out_lit);
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
    for (size_t i = pf->nlits; i-- > 0;) {
        struct literal *l = &pf->lits[i];
        bool same = i + 1 < pf->nlits && strcmp(l->text, l[1].text) == 0;
        l->dup = same ? l[1].dup + 1 : 1;
    }
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

static size_t lit_plen(const struct literal *l)
{
    return l->len < AC_DEPTH ? l->len : AC_DEPTH;
}

static unsigned char lit_lower(unsigned char c)
{
    return (unsigned char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
}

/* Byte classes: one per byte that some literal has among its first
 * AC_DEPTH (an upper-case ASCII letter in the class of its lower case),
 * class 0 for all others. */
static void ac_classes(struct prefilter *pf)
{
    memset(pf->cls, 0, sizeof pf->cls);
    pf->ncls = 1;
    for (size_t i = 0; i < pf->nlits; i++)
        for (size_t k = 0; k < lit_plen(&pf->lits[i]); k++) {
            unsigned char c = (unsigned char)pf->lits[i].text[k];
            if (pf->cls[c] == 0)
                pf->cls[c] = (unsigned char)pf->ncls++;
        }
    for (unsigned c = 'A'; c <= 'Z'; c++)
        pf->cls[c] = pf->cls[c + 32];
}

/* The trie of the literals' first bytes in delta (0: no edge yet); own[s]:
 * how many literals end at s, listed by own_next from own_head[s]. */
static void ac_trie(struct prefilter *pf, size_t *own, size_t *own_head,
                    size_t *own_next)
{
    pf->nstates = 1;
    for (size_t i = 0; i < pf->nlits; i++) {
        if (!lit_head(pf, i))
            continue;
        size_t s = 0;
        for (size_t k = 0; k < lit_plen(&pf->lits[i]); k++) {
            size_t e = s * pf->ncls +
                       pf->cls[(unsigned char)pf->lits[i].text[k]];
            if (pf->delta[e] == 0)
                pf->delta[e] = (uint32_t)pf->nstates++;
            s = pf->delta[e];
        }
        own[s]++;
        own_next[i] = own_head[s];
        own_head[s] = i;
    }
}

/* Failure links by breadth-first order (queue), the missing edges filled
 * from them, and the output lists: a state's own literals, then those of
 * its failure state. */
static int ac_links(struct prefilter *pf, const size_t *own,
                    const size_t *own_head, const size_t *own_next,
                    size_t *fail, size_t *queue)
{
    size_t qh = 0, qt = 0, total = 0;

    queue[qt++] = 0;
    fail[0] = 0;
    while (qh < qt) {
        size_t s = queue[qh++];
        for (size_t c = 0; c < pf->ncls; c++) {
            uint32_t *e = &pf->delta[s * pf->ncls + c];
            if (*e != 0) { /* a trie edge */
                fail[*e] = s == 0 ? 0 : pf->delta[fail[s] * pf->ncls + c];
                queue[qt++] = *e;
            } else {
                *e = s == 0 ? 0 : pf->delta[fail[s] * pf->ncls + c];
            }
        }
    }
    /* out_start[s + 1] = |out(s)|, in queue order (fail[s] before s) */
    for (size_t q = 0; q < qt; q++) {
        size_t s = queue[q];
        pf->out_start[s + 1] = own[s] + (s != 0 ? pf->out_start[fail[s] + 1]
                                                : 0);
    }
    for (size_t s = 0; s < pf->nstates; s++) {
        size_t n = pf->out_start[s + 1];
        pf->out_start[s + 1] = pf->out_start[s] + n;
        total += n;
    }
    if ((pf->out_lit = malloc((total ? total : 1) * sizeof *pf->out_lit)) ==
        NULL)
        return -1;
    for (size_t s = 0; s < pf->nstates; s++) {
        size_t o = pf->out_start[s];
        for (size_t t = s; o < pf->out_start[s + 1]; t = fail[t])
            for (size_t i = own_head[t]; i != NO_RULE; i = own_next[i])
                pf->out_lit[o++] = i;
    }
    return 0;
}

static int ac_build(struct prefilter *pf)
{
    size_t max = 1, *work;
    int rc = -1;

    for (size_t i = 0; i < pf->nlits; i++)
        max += lit_plen(&pf->lits[i]);
    ac_classes(pf);
    pf->delta = calloc(max * pf->ncls, sizeof *pf->delta);
    pf->out_start = calloc(max + 1, sizeof *pf->out_start);
    /* own, own_head, fail, queue: max each; own_next: nlits */
    work = malloc((4 * max + pf->nlits + 1) * sizeof *work);
    if (pf->delta != NULL && pf->out_start != NULL && work != NULL &&
        max <= UINT32_MAX) {
        size_t *own = work, *own_head = own + max, *fail = own_head + max,
               *queue = fail + max, *own_next = queue + max;
        memset(own, 0, max * sizeof *own);
        for (size_t i = 0; i < max; i++)
            own_head[i] = NO_RULE; /* NO_RULE ends a list */
        ac_trie(pf, own, own_head, own_next);
        rc = ac_links(pf, own, own_head, own_next, fail, queue);
    }
    free(work);
    if (rc == 0 && pf->nstates < max) { /* give back the unused rows */
        uint32_t *d = realloc(pf->delta, pf->nstates * pf->ncls *
                                             sizeof *pf->delta);
        if (d != NULL)
            pf->delta = d;
    }
    return rc;
}

int prefilter_finish(struct prefilter *pf)
{
    lit_group(pf);
    if (multi_build(pf) < 0)
        return -1;
    free(pf->delta);
    free(pf->out_start);
    free(pf->out_lit);
    free(pf->sole_rule);
    pf->delta = NULL;
    pf->out_start = pf->out_lit = NULL;
    pf->sole_rule = malloc((pf->nclauses ? pf->nclauses : 1) *
                           sizeof *pf->sole_rule);
    if (pf->sole_rule == NULL)
        return -1;
    for (size_t c = 0; c < pf->nclauses; c++)
        pf->sole_rule[c] = NO_RULE;
    for (size_t i = 0; i < pf->nbranches; i++)
        if (pf->branches[i].n == 1)
            pf->sole_rule[pf->branches[i].first] = pf->branches[i].rule;
    return ac_build(pf);
}

/* Are the clauses of the literals l[0..l->dup) all marked in cl[]? */
static bool lit_done(const struct literal *l, const uint64_t *cl)
{
    for (size_t k = 0; k < l->dup; k++)
        if ((cl[l[k].id / 64] & (UINT64_C(1) << (l[k].id % 64))) == 0)
            return false;
    return true;
}

/* Does t start with the literal l (its length checked by the caller),
 * ignoring ASCII case? */
static bool lit_eq(const unsigned char *t, const struct literal *l)
{
    const unsigned char *x = (const unsigned char *)l->text;

    for (size_t k = 0; k < l->len; k++)
        if (lit_lower(t[k]) != x[k])
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
 * and in hit[] the rule of a branch with that clause alone: one automaton
 * step a byte; where literals' first bytes end, the rest is compared. */
static void prefilter_mark(const struct prefilter *pf, const unsigned char *t,
                           size_t len, uint64_t *cl, uint64_t *hit)
{
    uint32_t s = 0;

    for (size_t i = 0; i < len; i++) {
        s = pf->delta[(size_t)s * pf->ncls + pf->cls[t[i]]];
        for (size_t k = pf->out_start[s]; k < pf->out_start[s + 1]; k++) {
            const struct literal *l = &pf->lits[pf->out_lit[k]];
            size_t at = i + 1 - lit_plen(l); /* where l would start */
            if (l->len > len - at || lit_done(l, cl) || !lit_eq(t + at, l))
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

void prefilter_scan(const struct prefilter *pf, const char *text, size_t len,
                    uint64_t *hit)
{
    uint64_t cl[PREFILTER_CLAUSES / 64];

    if (pf->delta == NULL)
        return;
    memset(cl, 0, (pf->nclauses + 63) / 64 * sizeof *cl);
    prefilter_mark(pf, (const unsigned char *)text, len, cl, hit);
    for (size_t i = 0; i < pf->nmulti; i++) { /* one-clause: marked */
        const struct branch *br = &pf->multi[i];
        uint64_t bit = UINT64_C(1) << (br->rule % 64);
        if ((hit[br->rule / 64] & bit) == 0 &&
            clauses_all(cl, br->first, br->n))
            hit[br->rule / 64] |= bit;
    }
}
