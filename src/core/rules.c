/*
 * rules.c - see rules.h.
 *
 * Line format: ID REASON [key=value ...] [text=/REGEX/FLAGS]
 * The text condition, when present, is last: the regex runs from after
 * "text=/" to the last '/' of the line, followed only by flags.
 */
#define PCRE2_CODE_UNIT_WIDTH 8

#include <errno.h>
#include <pcre2.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/prefilter.h"
#include "core/relit.h"
#include "core/rules.h"

#define GLOBS_MAX 16              /* globs per status=/code= condition */
#define BRANCHES_MAX 64           /* top-level branches of a regex split */
#define RULES_MATCH_LIMIT 1000000 /* PCRE2 match limit per regex and text */

enum {
    ACT_NONE = 1u << 0, /* no action known */
    ACT_FAILED = 1u << 1,
    ACT_DELAYED = 1u << 2,
    ACT_DELIVERED = 1u << 3,
    ACT_RELAYED = 1u << 4,
    ACT_EXPANDED = 1u << 5,
};

struct rule {
    char *id;
    const struct reason_info *reason;
    enum bucket bucket;
    bool auth;
    char *file;
    unsigned line;
    char **status_globs;
    size_t nstatus;
    char **code_globs;
    size_t ncode;
    struct globc *status_c, *code_c; /* the globs compiled */
    unsigned subj_mask;   /* status subjects its globs allow (subj_bit()) */
    unsigned class_mask;  /* bit n: class n; 0 = any */
    unsigned action_mask; /* ACT_*; 0 = any */
    pcre2_code *re;
    bool jit;
    struct branch *br; /* the regex's branches, exact ones first */
    size_t nbr;        /* 0: no prefilter, the regex always runs */
    size_t nlits;      /* prefilter literals; 0 = the regex may run */
};

/* A top-level branch of a rule's regex (relit.h): exact, it matches when
 * its clause is marked; else it runs its regex when its clauses first ..
 * first + n - 1 are all marked (n = 0: always). */
struct branch {
    pcre2_code *re; /* the branch alone, or NULL: the rule's whole regex */
    bool jit, exact;
    size_t first, n;
};

struct classify_rules {
    struct rule *rules;
    size_t n, alloc;
    struct prefilter *pf;
    size_t nclauses;
    /* by rules_finish(): per clause its rule and branch; the rules looked
     * at whatever the text (no text condition, or a regex that may always
     * run), one bit each in rwords words */
    size_t *clause_rule, *clause_branch;
    uint64_t *base;
    uint64_t *fmask; /* FM_N sets: the rules a subject, class, action allows */
    size_t rwords;
};

struct rules_scratch {
    pcre2_match_data *md;
    pcre2_match_context *mc; /* match limit: a bad local regex stays cheap */
    uint64_t *marked;        /* prefilter clauses found in the text */
    size_t words;
    uint64_t *cand; /* rules the text may match (rwords words) */
    size_t rwords;
    bool owned; /* made by rules_scratch_new() */
};

/* ------------------------------------------------------------ errors */

static void set_error(char **error_r, const char *file, unsigned line,
                      const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void set_error(char **error_r, const char *file, unsigned line,
                      const char *fmt, ...)
{
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    size_t n = strlen(file) + strlen(msg) + 32;
    *error_r = malloc(n);
    if (*error_r != NULL)
        snprintf(*error_r, n, "%s:%u: %s", file, line, msg);
}

/* ------------------------------------------------------------ globs */

bool rules_glob(const char *p, const char *s)
{
    const char *star = NULL, *retry = NULL;

    while (*s != '\0') {
        if (*p == '*') {
            star = ++p;
            retry = s;
        } else if (*p == '?' || *p == *s) {
            p++;
            s++;
        } else if (star != NULL) {
            p = star;
            s = ++retry;
        } else {
            return false;
        }
    }
    while (*p == '*')
        p++;
    return *p == '\0';
}

/* A glob without '*' (at most 15 bytes) as bytes to compare: a string of
 * its length, zero-padded to 16 bytes, matches when (key & m) == v, m
 * covering every byte but the '?' ones. */
struct globc {
    uint64_t v[2], m[2];
    size_t len;
    bool star; /* has '*': rules_glob() decides */
};

static void globc_compile(const char *g, struct globc *c)
{
    unsigned char v[16] = {0}, m[16] = {0};
    size_t n = strlen(g);

    c->star = strchr(g, '*') != NULL || n > 15;
    for (size_t i = 0; i < n && i < 16; i++)
        if (g[i] != '?') {
            v[i] = (unsigned char)g[i];
            m[i] = 0xff;
        }
    c->len = n;
    memcpy(c->v, v, sizeof v);
    memcpy(c->m, m, sizeof m);
}

/* The subject of a status as one bit: "C.S.D" with a one-digit subject S
 * -> bit S, anything else -> bit 10. */
#define SUBJ_ALL 0x7ffu
static unsigned subj_bit(const char *st)
{
    if (st[0] != '\0' && st[1] == '.' && st[2] >= '0' && st[2] <= '9' &&
        st[3] == '.')
        return 1u << (st[2] - '0');
    return 1u << 10;
}

/* The subj_bit()s of the statuses glob g may match (all, unless it fixes
 * a one-digit subject). */
static unsigned glob_subjects(const char *g)
{
    if (strchr(g, '*') == NULL && strlen(g) >= 4 && g[1] == '.' &&
        g[2] >= '0' && g[2] <= '9' && g[3] == '.')
        return 1u << (g[2] - '0');
    return SUBJ_ALL;
}

/* The key of string s[0..len) for globc matching. */
static void globc_key(const char *s, size_t len, uint64_t key[2])
{
    unsigned char k[16] = {0};

    memcpy(k, s, len < sizeof k ? len : sizeof k);
    memcpy(key, k, sizeof k);
}

static bool globs_match(char *const *globs, const struct globc *c, size_t n,
                        const char *s, size_t len, const uint64_t key[2])
{
    for (size_t i = 0; i < n; i++) {
        if (c[i].star ? rules_glob(globs[i], s)
                      : (len == c[i].len && (key[0] & c[i].m[0]) == c[i].v[0] &&
                         (key[1] & c[i].m[1]) == c[i].v[1]))
            return true;
    }
    return false;
}

/* ------------------------------------------------------------ rule memory */

static void rule_clear(struct rule *r)
{
    for (size_t i = 0; i < r->nstatus; i++)
        free(r->status_globs[i]);
    for (size_t i = 0; i < r->ncode; i++)
        free(r->code_globs[i]);
    free(r->status_globs);
    free(r->code_globs);
    free(r->status_c);
    free(r->code_c);
    free(r->id);
    free(r->file);
    pcre2_code_free(r->re);
    for (size_t i = 0; i < r->nbr; i++)
        pcre2_code_free(r->br[i].re);
    free(r->br);
    memset(r, 0, sizeof *r);
}

void classify_rules_free(struct classify_rules **rules)
{
    struct classify_rules *rs = *rules;

    if (rs == NULL)
        return;
    for (size_t i = 0; i < rs->n; i++)
        rule_clear(&rs->rules[i]);
    free(rs->rules);
    prefilter_free(&rs->pf);
    free(rs->clause_rule);
    free(rs->clause_branch);
    free(rs->base);
    free(rs->fmask);
    free(rs);
    *rules = NULL;
}

size_t classify_rules_count(const struct classify_rules *rules)
{
    return rules != NULL ? rules->n : 0;
}

static struct classify_rules *rules_new(void)
{
    struct classify_rules *rs = calloc(1, sizeof *rs);

    if (rs != NULL && (rs->pf = prefilter_new()) == NULL) {
        free(rs);
        rs = NULL;
    }
    return rs;
}

static const struct rule *rule_find(const struct classify_rules *rs,
                                    const char *id)
{
    for (size_t i = 0; i < rs->n; i++)
        if (strcmp(rs->rules[i].id, id) == 0)
            return &rs->rules[i];
    return NULL;
}

/* ------------------------------------------------------------ parsing */

/* A line being parsed. */
struct line_ctx {
    struct classify_rules *rs;
    const char *file;
    unsigned lineno;
    size_t file_first; /* index of this file's first rule */
    char **error_r;
};

static bool valid_id(const char *s, size_t n)
{
    if (n == 0 || n > RULES_ID_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
            return false;
    }
    return true;
}

/* Splits "a,b,c" into malloc'ed globs; each must use only 'allowed'. */
static int parse_globs(struct line_ctx *lc, const char *key, const char *v,
                       const char *allowed, char ***globs_r, size_t *n_r,
                       struct globc **c_r)
{
    char **g;
    size_t n = 0;

    if (*globs_r != NULL) {
        set_error(lc->error_r, lc->file, lc->lineno, "%s: given twice", key);
        return -1;
    }
    if ((g = calloc(GLOBS_MAX, sizeof *g)) == NULL)
        return -1;
    *globs_r = g;
    while (*v != '\0') {
        size_t k = strcspn(v, ",");
        if (k == 0 || k > 15 || n == GLOBS_MAX || strspn(v, allowed) < k) {
            set_error(lc->error_r, lc->file, lc->lineno,
                      "%s: bad pattern list (up to %d comma-separated globs "
                      "of \"%s\")",
                      key, GLOBS_MAX, allowed);
            *n_r = n;
            return -1;
        }
        g[n] = strndup(v, k);
        if (g[n] == NULL) {
            *n_r = n;
            return -1;
        }
        n++;
        v += k + (v[k] == ',');
    }
    *n_r = n;
    if ((*c_r = calloc(n ? n : 1, sizeof **c_r)) == NULL)
        return -1;
    for (size_t i = 0; i < n; i++)
        globc_compile(g[i], &(*c_r)[i]);
    return 0;
}

static int parse_class(struct line_ctx *lc, const char *v, unsigned *mask_r)
{
    for (; *v != '\0'; v++) {
        if (*v == ',')
            continue;
        if (*v < '2' || *v > '5') {
            set_error(lc->error_r, lc->file, lc->lineno,
                      "class: expected 2, 3, 4 or 5, got '%c'", *v);
            return -1;
        }
        *mask_r |= 1u << (*v - '0');
    }
    return 0;
}

static int parse_action(struct line_ctx *lc, const char *v, unsigned *mask_r)
{
    static const struct {
        const char *name;
        unsigned bit;
    } acts[] = {{"none", ACT_NONE},       {"failed", ACT_FAILED},
                {"delayed", ACT_DELAYED}, {"delivered", ACT_DELIVERED},
                {"relayed", ACT_RELAYED}, {"expanded", ACT_EXPANDED}};

    while (*v != '\0') {
        size_t k = strcspn(v, ","), i;
        for (i = 0; i < sizeof acts / sizeof acts[0]; i++)
            if (strlen(acts[i].name) == k && strncmp(v, acts[i].name, k) == 0)
                break;
        if (i == sizeof acts / sizeof acts[0]) {
            set_error(lc->error_r, lc->file, lc->lineno,
                      "action: unknown action '%.*s'", (int)k, v);
            return -1;
        }
        *mask_r |= acts[i].bit;
        v += k + (v[k] == ',');
    }
    return 0;
}

static int parse_yesno(struct line_ctx *lc, const char *key, const char *v,
                       bool *b_r)
{
    if (strcmp(v, "yes") == 0 || strcmp(v, "true") == 0)
        *b_r = true;
    else if (strcmp(v, "no") == 0 || strcmp(v, "false") == 0)
        *b_r = false;
    else {
        set_error(lc->error_r, lc->file, lc->lineno,
                  "%s: expected yes or no, got '%s'", key, v);
        return -1;
    }
    return 0;
}

/* One key=value condition (not text=). */
static int parse_cond(struct line_ctx *lc, struct rule *r, char *tok)
{
    char *eq = strchr(tok, '=');

    if (eq == NULL || eq == tok || eq[1] == '\0') {
        set_error(lc->error_r, lc->file, lc->lineno,
                  "expected key=value, got '%s'", tok);
        return -1;
    }
    *eq = '\0';
    const char *key = tok, *v = eq + 1;
    if (strcmp(key, "status") == 0) {
        if (parse_globs(lc, key, v, "0123456789.*?", &r->status_globs,
                        &r->nstatus, &r->status_c) < 0)
            return -1;
        r->subj_mask = 0;
        for (size_t i = 0; i < r->nstatus; i++)
            r->subj_mask |= glob_subjects(r->status_globs[i]);
        return 0;
    }
    if (strcmp(key, "code") == 0)
        return parse_globs(lc, key, v, "0123456789*?", &r->code_globs,
                           &r->ncode, &r->code_c);
    if (strcmp(key, "class") == 0)
        return parse_class(lc, v, &r->class_mask);
    if (strcmp(key, "action") == 0)
        return parse_action(lc, v, &r->action_mask);
    if (strcmp(key, "auth") == 0)
        return parse_yesno(lc, key, v, &r->auth);
    if (strcmp(key, "bucket") == 0) {
        if (bucket_parse(v, &r->bucket))
            return 0;
        set_error(lc->error_r, lc->file, lc->lineno,
                  "bucket: expected hard, soft, sender or none, got '%s'", v);
        return -1;
    }
    set_error(lc->error_r, lc->file, lc->lineno, "unknown condition '%s'", key);
    return -1;
}

/* ------------------------------------------------------------ branches */

/* Adds a literal of clause rs->nclauses + k (relit_lit_fn). */
struct lit_ctx {
    struct classify_rules *rs;
    size_t *nlits;
};

static int add_clause_lit(void *ctx, size_t k, const char *lit, size_t len)
{
    struct lit_ctx *c = ctx;

    (*c->nlits)++;
    return prefilter_add(c->rs->pf, c->rs->nclauses + k, lit, len, NULL, 0);
}

/* An exact branch: one clause, its strings as literals.  Returns 1 when
 * the branch is exact, 0 when not, -1 when memory ran out. */
static int branch_exact(struct classify_rules *rs, struct rule *r,
                        struct branch *b, const char *re, size_t len)
{
    struct relit_str *set = malloc(RELIT_SET_MAX * sizeof *set);
    size_t n = 0;
    bool oom = false;
    int rc = 0;

    if (set != NULL && relit_exact(re, len, set, &n, &oom)) {
        for (size_t i = 0; i < n && rc == 0; i++)
            rc = prefilter_add(rs->pf, rs->nclauses, set[i].text, set[i].len,
                               set[i].bpos, set[i].nb);
        *b = (struct branch){.exact = true, .first = rs->nclauses, .n = 1};
        rs->nclauses++;
        r->nlits += n;
        rc = rc < 0 ? -1 : 1;
    }
    free(set);
    return set == NULL || oom ? -1 : rc;
}

/* A branch that runs a regex: its clauses, and its own code when the
 * regex has other branches.  Returns 0, 1 when it cannot compile alone,
 * -1 when memory ran out. */
static int branch_regex(struct classify_rules *rs, struct rule *r,
                        struct branch *b, const char *re, size_t len,
                        uint32_t opts, bool alone)
{
    struct lit_ctx c = {rs, &r->nlits};
    int n = relit_clauses(re, len, add_clause_lit, &c), err;
    PCRE2_SIZE off;

    if (n < 0)
        return -1;
    *b = (struct branch){.first = rs->nclauses, .n = (size_t)n};
    rs->nclauses += (size_t)n;
    if (alone)
        return 0;
    b->re = pcre2_compile((PCRE2_SPTR)re, len, opts, &err, &off, NULL);
    if (b->re == NULL)
        return 1;
    b->jit = pcre2_jit_compile(b->re, PCRE2_JIT_COMPLETE) == 0;
    return 0;
}

static void branches_drop(struct rule *r)
{
    for (size_t i = 0; i < r->nbr; i++)
        pcre2_code_free(r->br[i].re);
    free(r->br);
    r->br = NULL;
    r->nbr = 0;
    r->nlits = 0;
}

/* Splits the rule's regex into branches (relit.h), exact ones first; a
 * regex that cannot be split keeps no prefilter and always runs. */
static int rule_branches(struct classify_rules *rs, struct rule *r,
                         const char *re, size_t len, uint32_t opts)
{
    size_t b[BRANCHES_MAX], e[BRANCHES_MAX], n;
    bool exact[BRANCHES_MAX] = {false}, always = false;
    int rc;

    if (!relit_split(re, len, (opts & PCRE2_EXTENDED) != 0, b, e, BRANCHES_MAX,
                     &n) ||
        n == 0)
        return 0;
    if ((r->br = calloc(n, sizeof *r->br)) == NULL)
        return -1;
    for (size_t k = 0; k < n && (opts & PCRE2_CASELESS) != 0; k++) {
        rc = branch_exact(rs, r, &r->br[r->nbr], re + b[k], e[k] - b[k]);
        if (rc < 0)
            return -1;
        exact[k] = rc == 1;
        r->nbr += exact[k];
    }
    for (size_t k = 0; k < n; k++) {
        if (exact[k])
            continue;
        struct branch *br = &r->br[r->nbr++];
        rc = branch_regex(rs, r, br, re + b[k], e[k] - b[k], opts, n == 1);
        if (rc < 0)
            return -1;
        if (rc == 1) { /* cannot run alone: the whole regex, always */
            branches_drop(r);
            return 0;
        }
        always |= br->n == 0;
    }
    if (always)
        r->nlits = 0; /* some branch runs whatever the text */
    return 0;
}

/* Compiles "/REGEX/FLAGS" (text points after "text="). */
static int parse_text(struct line_ctx *lc, struct rule *r, const char *text)
{
    const char *end = strrchr(text, '/');
    uint32_t opts = 0;
    int err;
    PCRE2_SIZE off;

    if (text[0] != '/' || end == text) {
        set_error(lc->error_r, lc->file, lc->lineno,
                  "text: expected /REGEX/FLAGS");
        return -1;
    }
    for (const char *f = end + 1; *f != '\0'; f++) {
        if (*f == 'i')
            opts |= PCRE2_CASELESS;
        else if (*f == 'x')
            opts |= PCRE2_EXTENDED;
        else {
            set_error(lc->error_r, lc->file, lc->lineno,
                      "text: unknown flag '%c' (i and x are known)", *f);
            return -1;
        }
    }
    const char *re = text + 1;
    size_t relen = (size_t)(end - re);
    if (relen == 0) {
        set_error(lc->error_r, lc->file, lc->lineno, "text: empty regex");
        return -1;
    }
    r->re = pcre2_compile((PCRE2_SPTR)re, relen, opts, &err, &off, NULL);
    if (r->re == NULL) {
        char msg[256];
        pcre2_get_error_message(err, (PCRE2_UCHAR *)msg, sizeof msg);
        set_error(lc->error_r, lc->file, lc->lineno,
                  "text: bad regex at offset %zu: %s", (size_t)off, msg);
        return -1;
    }
    r->jit = pcre2_jit_compile(r->re, PCRE2_JIT_COMPLETE) == 0;
    return rule_branches(lc->rs, r, re, relen, opts);
}

static int grow_rules(struct classify_rules *rs)
{
    if (rs->n < rs->alloc)
        return 0;
    size_t na = rs->alloc ? rs->alloc * 2 : 64;
    struct rule *p = realloc(rs->rules, na * sizeof *p);
    if (p == NULL)
        return -1;
    rs->rules = p;
    rs->alloc = na;
    return 0;
}

/* Checks the id: bad, duplicate in this file (error), or already defined
 * by an earlier file (returns 1: the rule is overridden, skip it). */
static int check_id(struct line_ctx *lc, const char *id, size_t n)
{
    if (!valid_id(id, n)) {
        set_error(lc->error_r, lc->file, lc->lineno,
                  "bad rule id '%.*s' (1-%d of A-Z a-z 0-9 . _ -)",
                  (int)(n > 80 ? 80 : n), id, RULES_ID_MAX);
        return -1;
    }
    const struct rule *old = rule_find(lc->rs, id);
    if (old == NULL)
        return 0;
    if ((size_t)(old - lc->rs->rules) >= lc->file_first) {
        set_error(lc->error_r, lc->file, lc->lineno,
                  "duplicate rule id '%s' (first defined at line %u)", id,
                  old->line);
        return -1;
    }
    return 1;
}

/* Splits off the next blank-separated token of *p (NUL-terminating it). */
static char *next_token(char **p)
{
    char *s = *p + strspn(*p, " \t");
    if (*s == '\0')
        return NULL;
    char *e = s + strcspn(s, " \t");
    if (*e != '\0')
        *e++ = '\0';
    *p = e;
    return s;
}

static int parse_fields(struct line_ctx *lc, struct rule *r, char *rest)
{
    char *reason = next_token(&rest), *tok;

    if (reason == NULL) {
        set_error(lc->error_r, lc->file, lc->lineno, "rule '%s' has no reason",
                  r->id);
        return -1;
    }
    r->reason = reason_lookup(reason);
    if (r->reason == NULL) {
        set_error(lc->error_r, lc->file, lc->lineno, "unknown reason '%s'",
                  reason);
        return -1;
    }
    r->bucket = r->reason->bucket;
    r->auth = r->reason->auth;
    for (;;) {
        rest += strspn(rest, " \t");
        if (strncmp(rest, "text=", 5) == 0)
            return parse_text(lc, r, rest + 5);
        if ((tok = next_token(&rest)) == NULL)
            return 0;
        if (parse_cond(lc, r, tok) < 0)
            return -1;
    }
}

/* Parses one non-empty, non-comment line (trailing blanks removed). */
static int parse_line(struct line_ctx *lc, char *line)
{
    char *rest = line, *id = next_token(&rest);
    int st = check_id(lc, id, strlen(id));

    if (st != 0)
        return st < 0 ? -1 : 0;
    if (lc->rs->n >= RULES_MAX) {
        set_error(lc->error_r, lc->file, lc->lineno, "more than %d rules",
                  RULES_MAX);
        return -1;
    }
    if (grow_rules(lc->rs) < 0)
        return -1;
    size_t ri = lc->rs->n;
    struct rule *r = &lc->rs->rules[ri];
    memset(r, 0, sizeof *r);
    r->subj_mask = SUBJ_ALL;
    r->line = lc->lineno;
    r->id = strdup(id);
    r->file = strdup(lc->file);
    lc->rs->n++; /* owned by the set from here on, freed with it */
    if (r->id == NULL || r->file == NULL)
        return -1;
    return parse_fields(lc, r, rest);
}

static void out_of_memory(char **error_r, const char *file, unsigned line)
{
    if (*error_r == NULL)
        set_error(error_r, file, line, "out of memory");
}

int rules_load_buffer(struct classify_rules **rules, const char *name,
                      const char *buf, size_t len, char **error_r)
{
    char line[RULES_LINE_MAX + 1];
    struct line_ctx lc = {.file = name, .error_r = error_r};
    size_t pos = 0;

    *error_r = NULL;
    if (*rules == NULL && (*rules = rules_new()) == NULL) {
        out_of_memory(error_r, name, 0);
        return -1;
    }
    lc.rs = *rules;
    lc.file_first = lc.rs->n;
    while (pos < len) {
        const char *nl = memchr(buf + pos, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - (buf + pos)) : len - pos;
        lc.lineno++;
        if (n > RULES_LINE_MAX) {
            set_error(error_r, name, lc.lineno, "line longer than %d bytes",
                      RULES_LINE_MAX);
            return -1;
        }
        if (memchr(buf + pos, '\0', n) != NULL) {
            set_error(error_r, name, lc.lineno, "NUL byte in line");
            return -1;
        }
        memcpy(line, buf + pos, n);
        pos += n + 1;
        while (n > 0 && strchr(" \t\r", line[n - 1]) != NULL)
            n--;
        line[n] = '\0';
        char *s = line + strspn(line, " \t");
        if (*s == '\0' || *s == '#')
            continue;
        if (parse_line(&lc, s) < 0) {
            out_of_memory(error_r, name, lc.lineno);
            return -1;
        }
    }
    return 0;
}

/* ------------------------------------------------------------ index */

/* The sets of rs->fmask: the rules allowing a status subject (subj_bit()
 * number), a class (0: none; 1..9: the first digit of a reply code without
 * a status), an action (0: unknown, else ACT_* bit + 1). */
#define FM_SUBJ 0
#define FM_CLS 11
#define FM_ACT 21
#define FM_N 28

static void fmask_bit(struct classify_rules *rs, size_t set, size_t i)
{
    rs->fmask[set * rs->rwords + i / 64] |= UINT64_C(1) << (i % 64);
}

static void fmask_set(struct classify_rules *rs, const struct rule *r, size_t i)
{
    for (unsigned b = 0; b <= 10; b++)
        if (r->subj_mask & (1u << b))
            fmask_bit(rs, FM_SUBJ + b, i);
    for (unsigned c = 0; c <= 9; c++)
        if (r->class_mask == 0 || (r->class_mask & (1u << c)) != 0)
            fmask_bit(rs, FM_CLS + c, i);
    for (unsigned k = 0; k <= 6; k++) {
        unsigned act = k == 0 ? 0 : 1u << (k - 1);
        if (r->action_mask == 0 || (r->action_mask & act) != 0)
            fmask_bit(rs, FM_ACT + k, i);
    }
}

/* May the rule's text condition hold whatever clauses a text marks? */
static bool rule_always(const struct rule *r)
{
    if (r->re == NULL || r->nbr == 0)
        return true;
    for (size_t k = 0; k < r->nbr; k++)
        if (r->br[k].n == 0)
            return true;
    return false;
}

/* The clause -> rule, branch maps and the base rule set. */
static int rules_index(struct classify_rules *rs)
{
    size_t nc = rs->nclauses ? rs->nclauses : 1;

    free(rs->clause_rule);
    free(rs->clause_branch);
    free(rs->base);
    free(rs->fmask);
    rs->rwords = rs->n / 64 + 1;
    rs->clause_rule = calloc(nc, sizeof *rs->clause_rule);
    rs->clause_branch = calloc(nc, sizeof *rs->clause_branch);
    rs->base = calloc(rs->rwords, sizeof *rs->base);
    rs->fmask = calloc(FM_N * rs->rwords, sizeof *rs->fmask);
    if (rs->clause_rule == NULL || rs->clause_branch == NULL ||
        rs->base == NULL || rs->fmask == NULL)
        return -1;
    for (size_t i = 0; i < rs->n; i++) {
        const struct rule *r = &rs->rules[i];
        if (rule_always(r))
            rs->base[i / 64] |= UINT64_C(1) << (i % 64);
        fmask_set(rs, r, i);
        for (size_t k = 0; k < r->nbr; k++)
            for (size_t c = 0; c < r->br[k].n; c++) {
                rs->clause_rule[r->br[k].first + c] = i;
                rs->clause_branch[r->br[k].first + c] = k;
            }
    }
    return 0;
}

int rules_finish(struct classify_rules *rs, char **error_r)
{
    *error_r = NULL;
    if (prefilter_finish(rs->pf) < 0 || rules_index(rs) < 0) {
        out_of_memory(error_r, "rules", 0);
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------ matching */

struct rules_scratch *rules_scratch_init(const struct classify_rules *rs,
                                         void *mem, size_t size)
{
    size_t words = prefilter_words(rs->pf), rwords = rs->n / 64 + 1;
    struct rules_scratch *sc = mem;

    if (size < sizeof *sc + (words + rwords) * sizeof(uint64_t))
        return NULL;
    memset(sc, 0, sizeof *sc);
    sc->marked = (uint64_t *)(sc + 1);
    sc->words = words;
    sc->cand = sc->marked + words;
    sc->rwords = rwords;
    return sc; /* the PCRE2 parts when a regex first runs */
}

struct rules_scratch *rules_scratch_new(const struct classify_rules *rs)
{
    size_t size = sizeof(struct rules_scratch) +
                  (prefilter_words(rs->pf) + rs->n / 64 + 1) * sizeof(uint64_t);
    void *mem = malloc(size);
    struct rules_scratch *sc = mem ? rules_scratch_init(rs, mem, size) : NULL;

    if (sc != NULL)
        sc->owned = true;
    return sc;
}

void rules_scratch_free(struct rules_scratch **scratch)
{
    struct rules_scratch *sc = *scratch;

    if (sc == NULL)
        return;
    pcre2_match_data_free(sc->md);
    pcre2_match_context_free(sc->mc);
    if (sc->owned)
        free(sc);
    *scratch = NULL;
}

/* The match data and the match limit, made once per scratch space. */
static bool scratch_pcre(struct rules_scratch *sc)
{
    if (sc->md == NULL)
        sc->md = pcre2_match_data_create(1, NULL);
    if (sc->mc == NULL && (sc->mc = pcre2_match_context_create(NULL)) != NULL)
        pcre2_set_match_limit(sc->mc, RULES_MATCH_LIMIT);
    return sc->md != NULL && sc->mc != NULL;
}

static unsigned action_bit(const char *a)
{
    if (a == NULL || *a == '\0')
        return ACT_NONE;
    if (strcmp(a, "failed") == 0)
        return ACT_FAILED;
    if (strcmp(a, "delayed") == 0)
        return ACT_DELAYED;
    if (strcmp(a, "delivered") == 0)
        return ACT_DELIVERED;
    if (strcmp(a, "relayed") == 0)
        return ACT_RELAYED;
    if (strcmp(a, "expanded") == 0)
        return ACT_EXPANDED;
    return 0;
}

/* What the conditions other than the text look at, prepared once. */
struct fields {
    const char *status;
    unsigned subj; /* subj_bit() of the status */
    size_t slen, clen;
    uint64_t skey[2];
    char code[8]; /* "550" or "" */
    uint64_t ckey[2];
    unsigned cls, act;
};

/* The conditions other than the text. */
static bool rule_fields_match(const struct rule *r, const struct fields *f)
{
    if ((r->subj_mask & f->subj) == 0)
        return false;
    if (r->action_mask != 0 && (r->action_mask & f->act) == 0)
        return false;
    if (r->class_mask != 0 && (r->class_mask & (1u << f->cls)) == 0)
        return false;
    if (r->nstatus > 0 &&
        (f->status[0] == '\0' ||
         !globs_match(r->status_globs, r->status_c, r->nstatus, f->status,
                      f->slen, f->skey)))
        return false;
    if (r->ncode > 0 &&
        (f->code[0] == '\0' || !globs_match(r->code_globs, r->code_c, r->ncode,
                                            f->code, f->clen, f->ckey)))
        return false;
    return true;
}

static bool regex_match(const pcre2_code *re, bool jit,
                        struct rules_scratch *sc, const char *text, size_t len)
{
    int rc;

    if (!scratch_pcre(sc))
        return false; /* out of memory: as not matching */
    if (jit)
        rc = pcre2_jit_match(re, (PCRE2_SPTR)text, len, 0, 0, sc->md, sc->mc);
    else
        rc = pcre2_match(re, (PCRE2_SPTR)text, len, 0, 0, sc->md, sc->mc);
    return rc >= 0;
}

/* Are the clauses first .. first + n - 1 all marked? */
static bool clauses_all(const uint64_t *marked, size_t first, size_t n)
{
    for (size_t c = first; c < first + n; c++)
        if ((marked[c / 64] & (UINT64_C(1) << (c % 64))) == 0)
            return false;
    return true;
}

/* The text condition by the branches: an exact branch whose clause is
 * marked matches; another runs its regex when its clauses are marked. */
static bool rule_branches_match(const struct rule *r, struct rules_scratch *sc,
                                const char *text, size_t len)
{
    for (size_t k = 0; k < r->nbr; k++) {
        const struct branch *b = &r->br[k];
        if (!clauses_all(sc->marked, b->first, b->n))
            continue;
        if (b->exact)
            return true;
        if (b->re == NULL) /* the whole regex: it decides */
            return regex_match(r->re, r->jit, sc, text, len);
        if (regex_match(b->re, b->jit, sc, text, len))
            return true;
    }
    return false;
}

/* Scans the text: sc->marked, and in sc->cand the base rules and those
 * with a branch whose clauses are all marked. */
static void rules_scan(const struct classify_rules *rs,
                       struct rules_scratch *sc, const char *text, size_t len)
{
    memset(sc->marked, 0, sc->words * sizeof *sc->marked);
    memcpy(sc->cand, rs->base, sc->rwords * sizeof *sc->cand);
    prefilter_scan(rs->pf, text, len, sc->marked);
    for (size_t w = 0; w < sc->words; w++)
        for (uint64_t m = sc->marked[w]; m != 0; m &= m - 1) {
            size_t c = w * 64 + (size_t)__builtin_ctzll(m);
            size_t i = rs->clause_rule[c];
            const struct branch *b = &rs->rules[i].br[rs->clause_branch[c]];
            if (clauses_all(sc->marked, b->first, b->n))
                sc->cand[i / 64] |= UINT64_C(1) << (i % 64);
        }
}

static void rule_info_fill(const struct rule *r, struct rule_info *info)
{
    info->id = r->id;
    info->reason = r->reason;
    info->bucket = r->bucket;
    info->auth = r->auth;
    info->file = r->file;
    info->line = r->line;
}

/* The reply code as text ("550"), "" when none. */
static void code_text(int code, char *out)
{
    out[0] = '\0';
    if (code < 100 || code > 999)
        return;
    out[0] = (char)('0' + code / 100);
    out[1] = (char)('0' + code / 10 % 10);
    out[2] = (char)('0' + code % 10);
    out[3] = '\0';
}

/* The fields and text of rule i. */
static bool rule_matches(const struct classify_rules *rs,
                         struct rules_scratch *sc,
                         const struct rules_subject *s, size_t i,
                         const struct fields *f, bool use_prefilter)
{
    const struct rule *r = &rs->rules[i];
    const char *text = s->text != NULL ? s->text : "";

    if (!rule_fields_match(r, f))
        return false;
    if (r->re == NULL)
        return true;
    if (use_prefilter && r->nbr > 0)
        return rule_branches_match(r, sc, text, s->len);
    return regex_match(r->re, r->jit, sc, text, s->len);
}

static void fields_prepare(const struct rules_subject *s, struct fields *f)
{
    f->status = s->status;
    f->act = action_bit(s->action);
    code_text(s->code, f->code);
    f->cls = 0;
    if (s->status[0] >= '2' && s->status[0] <= '5')
        f->cls = (unsigned)(s->status[0] - '0');
    else if (f->code[0] != '\0')
        f->cls = (unsigned)(f->code[0] - '0');
    f->subj = subj_bit(f->status);
    f->slen = strlen(f->status);
    f->clen = strlen(f->code);
    globc_key(f->status, f->slen, f->skey);
    globc_key(f->code, f->clen, f->ckey);
}

/* Keeps in cand[] the rules whose subject, class and action conditions
 * allow f's. */
static void fields_filter(const struct classify_rules *rs,
                          const struct fields *f, uint64_t *cand)
{
    size_t w = rs->rwords, k = f->act ? (size_t)__builtin_ctz(f->act) + 1 : 0;
    const uint64_t *ms = rs->fmask + (FM_SUBJ + __builtin_ctz(f->subj)) * w,
                   *mc = rs->fmask + (FM_CLS + f->cls) * w,
                   *ma = rs->fmask + (FM_ACT + k) * w;

    for (size_t i = 0; i < w; i++)
        cand[i] &= ms[i] & mc[i] & ma[i];
}

bool rules_match(const struct classify_rules *rs, struct rules_scratch *sc,
                 const struct rules_subject *s, bool use_prefilter,
                 struct rule_info *rule_r)
{
    struct fields f;

    fields_prepare(s, &f);
    /* no index (rules_finish() not called, or rules added since the
     * scratch was made): every rule, every regex */
    if (!use_prefilter || rs->base == NULL || sc->rwords != rs->rwords ||
        sc->words != prefilter_words(rs->pf)) {
        for (size_t i = 0; i < rs->n; i++)
            if (rule_matches(rs, sc, s, i, &f, false)) {
                rule_info_fill(&rs->rules[i], rule_r);
                return true;
            }
        return false;
    }
    /* only the rules the text and the fields may match, in order */
    rules_scan(rs, sc, s->text != NULL ? s->text : "", s->len);
    fields_filter(rs, &f, sc->cand);
    for (size_t w = 0; w < sc->rwords; w++)
        for (uint64_t m = sc->cand[w]; m != 0; m &= m - 1) {
            size_t i = w * 64 + (size_t)__builtin_ctzll(m);
            if (rule_matches(rs, sc, s, i, &f, true)) {
                rule_info_fill(&rs->rules[i], rule_r);
                return true;
            }
        }
    return false;
}

bool rules_at(const struct classify_rules *rs, size_t i,
              struct rule_info *rule_r)
{
    if (rs == NULL || i >= rs->n)
        return false;
    rule_info_fill(&rs->rules[i], rule_r);
    return true;
}

size_t rules_prefilter_literals(const struct classify_rules *rs, size_t i)
{
    return rs != NULL && i < rs->n ? rs->rules[i].nlits : 0;
}

/* ------------------------------------------------------------ files */

static int read_file(const char *path, char **buf_r, size_t *len_r,
                     char **error_r)
{
    FILE *fp = fopen(path, "r");
    char *buf = NULL;
    size_t len = 0, size = 0, n;

    if (fp == NULL) {
        set_error(error_r, path, 0, "cannot open: %s", strerror(errno));
        return -1;
    }
    do {
        if (size - len < 4096) {
            if (size > 16u * 1024 * 1024)
                break;
            char *p = realloc(buf, size + 65536);
            if (p == NULL)
                break;
            buf = p;
            size += 65536;
        }
        n = fread(buf + len, 1, size - len, fp);
        len += n;
    } while (n > 0);
    bool bad = ferror(fp) || !feof(fp);
    fclose(fp);
    if (bad) {
        free(buf);
        set_error(error_r, path, 0, "cannot read (or larger than 16 MB)");
        return -1;
    }
    *buf_r = buf;
    *len_r = len;
    return 0;
}

int classify_rules_load(const char *const *paths, size_t npaths,
                        struct classify_rules **rules_r, char **error_r)
{
    struct classify_rules *rs = NULL;
    char *buf = NULL;
    size_t len = 0;

    *rules_r = NULL;
    *error_r = NULL;
    for (size_t i = 0; i < npaths; i++) {
        if (read_file(paths[i], &buf, &len, error_r) < 0 ||
            rules_load_buffer(&rs, paths[i], buf ? buf : "", len, error_r) <
                0) {
            free(buf);
            classify_rules_free(&rs);
            return -1;
        }
        free(buf);
        buf = NULL;
    }
    if (rs == NULL && (rs = rules_new()) == NULL) {
        set_error(error_r, "rules", 0, "out of memory");
        return -1;
    }
    if (rules_finish(rs, error_r) < 0) {
        classify_rules_free(&rs);
        return -1;
    }
    *rules_r = rs;
    return 0;
}
