/*
 * rtext.c - see rtext.h.
 */
#define PCRE2_CODE_UNIT_WIDTH 8

#include <pcre2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/relit.h"
#include "core/rtext.h"

_Static_assert(RELIT_BOUNDS <= PREFILTER_BOUNDS,
               "an exact string's word boundaries must fit a literal");

/* A top-level branch: exact, it holds when its clause is marked; else it
 * runs its regex when its clauses first .. first + n - 1 are all marked
 * (n = 0: always). */
struct branch {
    pcre2_code *re; /* the branch alone, or NULL: the whole regex */
    bool jit, exact;
    size_t first, n;
};

struct rtext {
    pcre2_code *re; /* the whole regex */
    bool jit;
    struct branch *br; /* exact ones first */
    size_t nbr;
    size_t nlits;
};

struct rtext_scratch {
    pcre2_match_data *md;
    pcre2_match_context *mc; /* the match limit */
};

/* ------------------------------------------------------------ branches */

/* Where add_clause_lit() puts a literal of clause *nclauses + k. */
struct lit_ctx {
    struct prefilter *pf;
    size_t *nclauses, *nlits;
};

static int add_clause_lit(void *ctx, size_t k, const char *lit, size_t len)
{
    struct lit_ctx *c = ctx;

    (*c->nlits)++;
    return prefilter_add(c->pf, *c->nclauses + k, lit, len, NULL, 0);
}

/* An exact branch: one clause, its strings as literals.  Returns 1 when
 * the branch is exact, 0 when not, -1 when memory ran out. */
static int branch_exact(struct rtext *t, struct lit_ctx *c, struct branch *b,
                        const char *re, size_t len)
{
    struct relit_str *set = malloc(RELIT_SET_MAX * sizeof *set);
    size_t n = 0;
    bool oom = false;
    int rc = 0;

    if (set != NULL && relit_exact(re, len, set, &n, &oom)) {
        for (size_t i = 0; i < n && rc == 0; i++)
            rc = prefilter_add(c->pf, *c->nclauses, set[i].text, set[i].len,
                               set[i].bpos, set[i].nb);
        *b = (struct branch){.exact = true, .first = *c->nclauses, .n = 1};
        (*c->nclauses)++;
        t->nlits += n;
        rc = rc < 0 ? -1 : 1;
    }
    free(set);
    return set == NULL || oom ? -1 : rc;
}

/* A branch that runs a regex: its clauses, and its own code when the
 * regex has other branches.  Returns 0, 1 when it cannot compile alone,
 * -1 when memory ran out. */
static int branch_regex(struct lit_ctx *c, struct branch *b, const char *re,
                        size_t len, uint32_t opts, bool alone)
{
    int n = relit_clauses(re, len, add_clause_lit, c), err;
    PCRE2_SIZE off;

    if (n < 0)
        return -1;
    *b = (struct branch){.first = *c->nclauses, .n = (size_t)n};
    *c->nclauses += (size_t)n;
    if (alone)
        return 0;
    b->re = pcre2_compile((PCRE2_SPTR)re, len, opts, &err, &off, NULL);
    if (b->re == NULL)
        return 1;
    b->jit = pcre2_jit_compile(b->re, PCRE2_JIT_COMPLETE) == 0;
    return 0;
}

static void branches_drop(struct rtext *t)
{
    for (size_t i = 0; i < t->nbr; i++)
        pcre2_code_free(t->br[i].re);
    free(t->br);
    t->br = NULL;
    t->nbr = 0;
    t->nlits = 0;
}

/* Splits the regex into branches, exact ones first; a regex that cannot
 * be split keeps no literals and always runs. */
static int split(struct rtext *t, struct prefilter *pf, size_t *nclauses,
                 const char *re, size_t len, uint32_t opts)
{
    size_t b[RTEXT_BRANCHES_MAX], e[RTEXT_BRANCHES_MAX], n;
    bool exact[RTEXT_BRANCHES_MAX] = {false}, always = false;
    struct lit_ctx c = {pf, nclauses, &t->nlits};
    int rc;

    if (!relit_split(re, len, (opts & PCRE2_EXTENDED) != 0, b, e,
                     RTEXT_BRANCHES_MAX, &n) ||
        n == 0)
        return 0;
    if ((t->br = calloc(n, sizeof *t->br)) == NULL)
        return -1;
    for (size_t k = 0; k < n && (opts & PCRE2_CASELESS) != 0; k++) {
        rc = branch_exact(t, &c, &t->br[t->nbr], re + b[k], e[k] - b[k]);
        if (rc < 0)
            return -1;
        exact[k] = rc == 1;
        t->nbr += exact[k];
    }
    for (size_t k = 0; k < n; k++) {
        if (exact[k])
            continue;
        struct branch *br = &t->br[t->nbr++];
        rc = branch_regex(&c, br, re + b[k], e[k] - b[k], opts, n == 1);
        if (rc < 0)
            return -1;
        if (rc == 1) { /* cannot run alone: the whole regex, always */
            branches_drop(t);
            return 0;
        }
        always |= br->n == 0;
    }
    if (always)
        t->nlits = 0; /* some branch runs whatever the text */
    return 0;
}

/* ------------------------------------------------------------ parsing */

/* Does a prefiltered match run the whole regex: no branches to look for,
 * or a branch that stands for it (struct branch)?  Only then is it worth
 * compiling to machine code; else it runs only when the prefilter is not
 * used, and the interpreter runs it. */
static bool whole_needed(const struct rtext *t)
{
    if (t->nbr == 0)
        return true;
    for (size_t k = 0; k < t->nbr; k++)
        if (!t->br[k].exact && t->br[k].re == NULL)
            return true;
    return false;
}

/* The flags after the regex; -1 (err set) on an unknown one. */
static int parse_flags(const char *f, uint32_t *opts_r, char *err, size_t size)
{
    for (*opts_r = 0; *f != '\0'; f++) {
        if (*f == 'i')
            *opts_r |= PCRE2_CASELESS;
        else if (*f == 'x')
            *opts_r |= PCRE2_EXTENDED;
        else {
            snprintf(err, size, "text: unknown flag '%c' (i and x are known)",
                     *f);
            return -1;
        }
    }
    return 0;
}

int rtext_parse(const char *value, struct prefilter *pf, size_t *nclauses,
                struct rtext **t_r, char *err, size_t size)
{
    const char *end = strrchr(value, '/'), *re = value + 1;
    uint32_t opts;
    int code, rc;
    PCRE2_SIZE off;
    struct rtext *t;

    *t_r = NULL;
    if (value[0] != '/' || end == value) {
        snprintf(err, size, "text: expected /REGEX/FLAGS");
        return -1;
    }
    if (parse_flags(end + 1, &opts, err, size) < 0)
        return -1;
    size_t len = (size_t)(end - re);
    if (len == 0) {
        snprintf(err, size, "text: empty regex");
        return -1;
    }
    if ((t = calloc(1, sizeof *t)) == NULL)
        return -2;
    t->re = pcre2_compile((PCRE2_SPTR)re, len, opts, &code, &off, NULL);
    if (t->re == NULL) {
        char msg[256];
        pcre2_get_error_message(code, (PCRE2_UCHAR *)msg, sizeof msg);
        snprintf(err, size, "text: bad regex at offset %zu: %s", (size_t)off,
                 msg);
        rtext_free(&t);
        return -1;
    }
    rc = split(t, pf, nclauses, re, len, opts);
    if (rc < 0) {
        rtext_free(&t);
        return -2;
    }
    if (whole_needed(t))
        t->jit = pcre2_jit_compile(t->re, PCRE2_JIT_COMPLETE) == 0;
    *t_r = t;
    return 0;
}

void rtext_free(struct rtext **tp)
{
    struct rtext *t = *tp;

    if (t == NULL)
        return;
    branches_drop(t);
    pcre2_code_free(t->re);
    free(t);
    *tp = NULL;
}

size_t rtext_literals(const struct rtext *t)
{
    return t->nlits;
}

size_t rtext_branches(const struct rtext *t)
{
    return t->nbr;
}

void rtext_branch_clauses(const struct rtext *t, size_t k, size_t *first_r,
                          size_t *n_r)
{
    *first_r = t->br[k].first;
    *n_r = t->br[k].n;
}

/* ------------------------------------------------------------ matching */

bool rtext_clauses_all(const uint64_t *marked, size_t first, size_t n)
{
    for (size_t c = first; c < first + n; c++)
        if ((marked[c / 64] & (UINT64_C(1) << (c % 64))) == 0)
            return false;
    return true;
}

static void scratch_destroy(void *p)
{
    struct rtext_scratch *sc = p;

    pcre2_match_data_free(sc->md);
    pcre2_match_context_free(sc->mc);
    free(sc);
}

/* One scratch space a thread keeps from one use to the next (a report's
 * recipients share one, and making it costs more than most matches):
 * rtext_scratch_free() gives it back to the thread, the next
 * scratch_get() takes it again, the thread's end frees it. */
static pthread_key_t kept_key;
static pthread_once_t kept_once = PTHREAD_ONCE_INIT;
static bool kept_ok;

static void kept_init(void)
{
    kept_ok = pthread_key_create(&kept_key, scratch_destroy) == 0;
}

void rtext_scratch_free(struct rtext_scratch **scratch)
{
    struct rtext_scratch *sc = *scratch;

    if (sc == NULL)
        return;
    *scratch = NULL;
    (void)pthread_once(&kept_once, kept_init);
    if (kept_ok && pthread_getspecific(kept_key) == NULL &&
        pthread_setspecific(kept_key, sc) == 0)
        return;
    scratch_destroy(sc);
}

/* The match data and the match limit, made once per scratch space, or
 * the thread's kept one. */
static struct rtext_scratch *scratch_get(struct rtext_scratch **scratch)
{
    struct rtext_scratch *sc = *scratch;

    if (sc != NULL)
        return sc;
    (void)pthread_once(&kept_once, kept_init);
    if (kept_ok && (sc = pthread_getspecific(kept_key)) != NULL) {
        (void)pthread_setspecific(kept_key, NULL);
        return *scratch = sc;
    }
    if ((sc = calloc(1, sizeof *sc)) == NULL)
        return NULL;
    sc->md = pcre2_match_data_create(1, NULL);
    if ((sc->mc = pcre2_match_context_create(NULL)) != NULL)
        pcre2_set_match_limit(sc->mc, RTEXT_MATCH_LIMIT);
    if (sc->md == NULL || sc->mc == NULL) {
        scratch_destroy(sc); /* not kept: half made */
        sc = NULL;
    }
    return *scratch = sc;
}

static bool regex_match(const pcre2_code *re, bool jit,
                        struct rtext_scratch **scratch, const char *text,
                        size_t len)
{
    struct rtext_scratch *sc = scratch_get(scratch);
    int rc;

    if (sc == NULL)
        return false; /* out of memory: as not matching */
    if (jit)
        rc = pcre2_jit_match(re, (PCRE2_SPTR)text, len, 0, 0, sc->md, sc->mc);
    else
        rc = pcre2_match(re, (PCRE2_SPTR)text, len, 0, 0, sc->md, sc->mc);
    return rc >= 0;
}

bool rtext_match(const struct rtext *t, struct rtext_scratch **scratch,
                 const char *text, size_t len, const uint64_t *marked)
{
    if (marked == NULL || t->nbr == 0)
        return regex_match(t->re, t->jit, scratch, text, len);
    for (size_t k = 0; k < t->nbr; k++) {
        const struct branch *b = &t->br[k];
        if (!rtext_clauses_all(marked, b->first, b->n))
            continue;
        if (b->exact)
            return true;
        if (b->re == NULL) /* the whole regex: it decides */
            return regex_match(t->re, t->jit, scratch, text, len);
        if (regex_match(b->re, b->jit, scratch, text, len))
            return true;
    }
    return false;
}
