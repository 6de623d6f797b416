/*
 * relit.c - see relit.h.
 */
#include <stdlib.h>
#include <string.h>

#include "core/relit.h"

#define LIT_DEPTH 4   /* groups looked into for clause literals */
#define EXACT_DEPTH 6 /* nested groups of an exact branch */
#define CLASS_MAX 16  /* members of a character class of an exact branch */

static bool is_quantifier(char c)
{
    return c == '?' || c == '*' || c == '{' || c == '+';
}

static bool is_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9');
}

static char fold(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
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

/* ------------------------------------------------------------ split */

/* Does the token at re[i] tie the branches together (relit.h), or make
 * the bars hard to see ("\\c|" is a control character, "[[:alpha:]|]" a
 * class)? */
static bool ties_branches(const char *re, size_t len, size_t i)
{
    char c = re[i], d = i + 1 < len ? re[i + 1] : '\0';

    if (c == '\\')
        return d == 'Q' || d == 'E' || d == 'g' || d == 'k' || d == 'c' ||
               (d >= '0' && d <= '9');
    if (c == '[')
        return d == ':' || d == '.' || d == '=';
    if (c != '(')
        return false;
    if (d == '*')
        return true;
    if (d != '?')
        return false;
    d = i + 2 < len ? re[i + 2] : '\0';
    if (d == '<')
        return !(i + 3 < len && (re[i + 3] == '=' || re[i + 3] == '!'));
    return d != ':' && d != '=' && d != '!';
}

/* The index of the first '|' of re[i..len) at the top level (not escaped,
 * not inside a group or a class), or len when there is none. */
static size_t next_bar(const char *re, size_t len, size_t i)
{
    while (i < len) {
        if (re[i] == '\\')
            i += 2;
        else if (re[i] == '(' || re[i] == '[')
            i = skip_group(re, len, i);
        else if (re[i] == '|')
            return i;
        else
            i++;
    }
    return len;
}

bool relit_split(const char *re, size_t len, bool extended, size_t *begin_r,
                 size_t *end_r, size_t max, size_t *n_r)
{
    size_t n = 0;

    *n_r = 0;
    if (extended)
        return false;
    for (size_t i = 0; i < len; i++) { /* anywhere, in groups too */
        if (ties_branches(re, len, i))
            return false;
        if (re[i] == '\\')
            i++;
    }
    for (size_t b = 0;;) {
        size_t e = next_bar(re, len, b);

        if (n == max)
            return false;
        begin_r[n] = b;
        end_r[n++] = e;
        if (e == len)
            break;
        b = e + 1;
    }
    *n_r = n;
    return true;
}

/* ------------------------------------------------------------ exact */

/* A set of strings being built; capacity RELIT_SET_MAX. */
struct xset {
    struct relit_str *s;
    size_t n;
};

static bool xset_new(struct xset *x, bool *oom_r)
{
    x->n = 0;
    x->s = malloc(RELIT_SET_MAX * sizeof *x->s);
    if (x->s == NULL)
        *oom_r = true;
    return x->s != NULL;
}

static bool xset_put_empty(struct xset *x)
{
    if (x->n == RELIT_SET_MAX)
        return false;
    x->s[x->n].len = 0;
    x->s[x->n++].nb = 0;
    return true;
}

/* out += a followed by b, when it fits. */
static bool xset_concat(struct xset *out, const struct relit_str *a,
                        const struct relit_str *b)
{
    if (out->n == RELIT_SET_MAX || a->len + b->len > RELIT_LEN_MAX ||
        a->nb + b->nb > RELIT_BOUNDS)
        return false;
    struct relit_str *r = &out->s[out->n++];
    memcpy(r->text, a->text, a->len);
    memcpy(r->text + a->len, b->text, b->len);
    r->len = a->len + b->len;
    memcpy(r->bpos, a->bpos, a->nb * sizeof *r->bpos);
    for (size_t k = 0; k < b->nb; k++)
        r->bpos[a->nb + k] = (uint16_t)(b->bpos[k] + a->len);
    r->nb = a->nb + b->nb;
    return true;
}

/* *seq = *seq x atom (plus *seq itself when the atom is optional); the
 * old *seq's array is freed, *tmp's reused. */
static bool xset_product(struct xset *seq, const struct xset *atom,
                         bool optional, struct xset *tmp)
{
    static const struct relit_str empty = {.len = 0};

    tmp->n = 0;
    for (size_t i = 0; i < seq->n; i++) {
        for (size_t k = 0; k < atom->n; k++)
            if (!xset_concat(tmp, &seq->s[i], &atom->s[k]))
                return false;
        if (optional && !xset_concat(tmp, &seq->s[i], &empty))
            return false;
    }
    struct xset t = *seq;
    *seq = *tmp;
    *tmp = t;
    return true;
}

static bool x_alt(const char *re, size_t b, size_t e, struct xset *out,
                  int depth, bool *oom_r);

/* A class "[...]" at re[*i] (ending before e): its members, folded. */
static bool x_class(const char *re, size_t e, size_t *i, struct xset *out)
{
    bool seen[256] = {false};
    size_t k = *i + 1;

    if (k >= e || re[k] == '^' || re[k] == ']')
        return false;
    while (k < e && re[k] != ']') {
        unsigned char lo = (unsigned char)re[k], hi;
        if (re[k] == '[' ||
            (re[k] == '\\' && (k + 1 >= e || is_alnum(re[k + 1]))))
            return false;
        if (re[k] == '\\')
            lo = (unsigned char)re[++k];
        hi = lo;
        if (k + 2 < e && re[k + 1] == '-' && re[k + 2] != ']') {
            hi = (unsigned char)re[k + 2];
            if (hi == '\\' || hi == '[' || hi < lo || hi - lo >= CLASS_MAX)
                return false;
            k += 2;
        }
        for (unsigned c = lo; c <= hi; c++)
            seen[(unsigned char)fold((char)c)] = true;
        k++;
    }
    if (k >= e)
        return false;
    *i = k + 1;
    for (unsigned c = 0; c < 256; c++) {
        if (!seen[c])
            continue;
        if (out->n == CLASS_MAX)
            return false;
        out->s[out->n] = (struct relit_str){.len = 1};
        out->s[out->n++].text[0] = (char)c;
    }
    return true;
}

/* One atom at re[*i]: its strings into *out, *i moved past it. */
static bool x_atom(const char *re, size_t e, size_t *i, struct xset *out,
                   int depth, bool *oom_r)
{
    char c = re[*i];

    out->n = 0;
    if (c == '[')
        return x_class(re, e, i, out);
    if (c == '(') {
        size_t g = *i, end = skip_group(re, e, g), from = g + 1;
        if (end > e || re[end - 1] != ')' || depth >= EXACT_DEPTH)
            return false;
        if (from < end && re[from] == '?') {
            if (from + 1 >= end || re[from + 1] != ':')
                return false;
            from += 2;
        }
        *i = end;
        return x_alt(re, from, end - 1, out, depth + 1, oom_r);
    }
    if (c == '\\') {
        if (*i + 1 >= e)
            return false;
        c = re[*i + 1];
        *i += 2;
        if (c == 'b') { /* a word boundary: the empty string marked */
            out->s[0] = (struct relit_str){.len = 0, .nb = 1};
            out->n = 1;
            return *i >= e || !is_quantifier(re[*i]);
        }
        if (is_alnum(c))
            return false;
    } else if (strchr(".^$*+?{}[])|", c) != NULL) {
        return false;
    } else {
        (*i)++;
    }
    out->s[0] = (struct relit_str){.len = 1};
    out->s[0].text[0] = fold(c);
    out->n = 1;
    return true;
}

/* A sequence of atoms re[b..e) without top-level '|'. */
static bool x_seq(const char *re, size_t b, size_t e, struct xset *out,
                  int depth, bool *oom_r)
{
    struct xset atom = {0}, tmp = {0};
    bool ok = xset_new(&atom, oom_r) && xset_new(&tmp, oom_r);
    size_t i = b;

    out->n = 0;
    ok = ok && xset_put_empty(out);
    while (ok && i < e) {
        ok = x_atom(re, e, &i, &atom, depth, oom_r);
        bool optional = ok && i < e && re[i] == '?';
        if (optional) {
            i++;
            ok = i >= e || !is_quantifier(re[i]); /* ?? ?+: not here */
        } else if (ok && i < e && is_quantifier(re[i])) {
            ok = false;
        }
        ok = ok && xset_product(out, &atom, optional, &tmp);
    }
    free(atom.s);
    free(tmp.s);
    return ok;
}

/* Alternatives re[b..e) separated by '|' at this level. */
static bool x_alt(const char *re, size_t b, size_t e, struct xset *out,
                  int depth, bool *oom_r)
{
    struct xset one = {0};
    size_t from = b;
    bool ok = xset_new(&one, oom_r);

    out->n = 0;
    for (size_t i = b; ok && i <= e; i++) {
        if (i < e && re[i] == '\\') {
            i++;
            continue;
        }
        if (i < e && (re[i] == '(' || re[i] == '[')) {
            i = skip_group(re, e, i) - 1;
            continue;
        }
        if (i < e && re[i] != '|')
            continue;
        ok = x_seq(re, from, i, &one, depth, oom_r) &&
             out->n + one.n <= RELIT_SET_MAX;
        if (ok)
            memcpy(out->s + out->n, one.s, one.n * sizeof *one.s);
        out->n += ok ? one.n : 0;
        from = i + 1;
    }
    free(one.s);
    return ok;
}

bool relit_exact(const char *re, size_t len, struct relit_str *set, size_t *n_r,
                 bool *oom_r)
{
    struct xset out = {set, 0};

    *n_r = 0;
    if (!x_alt(re, 0, len, &out, 0, oom_r))
        return false;
    for (size_t i = 0; i < out.n; i++)
        if (set[i].len < RELIT_MIN)
            return false;
    *n_r = out.n;
    return out.n > 0;
}

/* ------------------------------------------------------------ clauses */

/* State of the literal extractor for one branch. */
struct lit_scan {
    char run[256];
    size_t runlen;
    char best[256];
    size_t bestlen;
    /* the mandatory plain groups' contents, in order */
    size_t group_b[RELIT_GROUPS], group_e[RELIT_GROUPS];
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
        ls->run[ls->runlen++] = fold(c);
    else
        lit_end_run(ls);
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

/* A group or class at re[*i] (branch ends at e): notes a mandatory plain
 * group, ends the literal run. */
static void lit_group(const char *re, size_t e, size_t *i, struct lit_scan *ls)
{
    size_t g = *i;
    char c = re[g];

    lit_end_run(ls);
    *i = skip_group(re, e, g);
    bool optional = *i < e && is_quantifier(re[*i]) && re[*i] != '+';
    bool plain = c == '(' && g + 1 < e &&
                 (re[g + 1] != '?' || (g + 2 < e && re[g + 2] == ':'));
    if (plain && !optional && ls->ngroups < RELIT_GROUPS && *i <= e &&
        re[*i - 1] == ')') {
        ls->group_b[ls->ngroups] = g + (re[g + 1] == '?' ? 3 : 1);
        ls->group_e[ls->ngroups++] = *i - 1;
    }
    if (*i < e && is_quantifier(re[*i]))
        lit_quantifier(ls, re, e, i);
}

/* Scans one branch re[b..e); returns false when the branch uses syntax the
 * extractor does not understand. */
static bool lit_branch(const char *re, size_t b, size_t e, struct lit_scan *ls)
{
    size_t i = b;

    memset(ls, 0, sizeof *ls);
    while (i < e) {
        char c = re[i];
        if (c == '(' && i + 1 < e && re[i + 1] == '*')
            return false; /* (*ACCEPT) and other verbs: be safe */
        if (c == '(' || c == '[') {
            lit_group(re, e, &i, ls);
            continue;
        }
        if (c == '\\') {
            if (i + 1 >= e)
                return false;
            char d = re[i + 1];
            i += 2;
            if (is_alnum(d)) {
                if (strchr("xQEpPgkNocu0123456789", d) != NULL)
                    return false;
                lit_end_run(ls); /* \s \d \w \b ...: not a literal */
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

/* The literals of a group's contents re[0..len): per alternative its
 * longest run, or else the literals of its first mandatory group.  With
 * fn == NULL only checks that every alternative has some. */
static int lit_collect(const char *re, size_t len, unsigned depth,
                       relit_lit_fn *fn, void *ctx, size_t clause)
{
    struct lit_scan ls;

    for (size_t b = 0;;) {
        size_t i = next_bar(re, len, b);

        if (!lit_branch(re, b, i, &ls))
            return 0;
        if (ls.bestlen >= RELIT_MIN) {
            if (fn != NULL && fn(ctx, clause, ls.best, ls.bestlen) < 0)
                return -1;
        } else {
            if (ls.ngroups == 0 || depth >= LIT_DEPTH)
                return 0;
            int rc =
                lit_collect(re + ls.group_b[0], ls.group_e[0] - ls.group_b[0],
                            depth + 1, fn, ctx, clause);
            if (rc <= 0)
                return rc;
        }
        if (i == len)
            break;
        b = i + 1;
    }
    return 1;
}

int relit_clauses(const char *re, size_t len, relit_lit_fn *fn, void *ctx)
{
    struct lit_scan ls;
    size_t n = 0;

    if (!lit_branch(re, 0, len, &ls))
        return 0;
    if (ls.bestlen >= RELIT_MIN) {
        if (fn(ctx, n, ls.best, ls.bestlen) < 0)
            return -1;
        n++;
    }
    for (size_t g = 0; g < ls.ngroups; g++) {
        const char *gre = re + ls.group_b[g];
        size_t glen = ls.group_e[g] - ls.group_b[g];
        if (lit_collect(gre, glen, 1, NULL, NULL, n) <= 0)
            continue;
        if (lit_collect(gre, glen, 1, fn, ctx, n) < 0)
            return -1;
        n++;
    }
    return (int)n;
}
