/*
 * rules.c - see rules.h.
 *
 * Line format: ID REASON [key=value ...] [text=/REGEX/FLAGS]
 * The text condition, when present, is last: the regex runs from after
 * "text=/" to the last '/' of the line, followed only by flags.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/globs.h"
#include "core/prefilter.h"
#include "core/rtext.h"
#include "core/rules.h"

enum {
    ACT_NONE = 1u << 0, /* no action known */
    ACT_FAILED = 1u << 1,
    ACT_DELAYED = 1u << 2,
    ACT_DELIVERED = 1u << 3,
    ACT_RELAYED = 1u << 4,
    ACT_EXPANDED = 1u << 5,
    /* an automatic reply's text (classify.h): only the rules that name it
     * in their action condition read it */
    ACT_AUTOREPLIED = 1u << 6,
};

struct rule {
    char *id;
    const struct reason_info *reason;
    enum bucket bucket;
    bool auth;
    char *file;
    unsigned line;
    struct globs *status, *code; /* NULL: no such condition */
    unsigned subj_mask;   /* status subjects its globs allow (subj_bit()) */
    unsigned class_mask;  /* bit n: class n; 0 = any */
    unsigned action_mask; /* ACT_*; 0 = any */
    struct rtext *text;   /* NULL: no text condition */
};

/* Where a prefilter clause belongs. */
struct clause_ref {
    size_t rule;
    size_t first, n; /* the clauses of its branch */
};

struct classify_rules {
    struct rule *rules;
    size_t n, alloc;
    struct prefilter *pf;
    size_t nclauses;
    /* by rules_finish(): per clause its rule and the clauses of its
     * branch (first, n); the rules looked at whatever the text (no text
     * condition, or a regex that may always run), one bit each in rwords
     * words */
    struct clause_ref *clause;
    uint64_t *base;
    uint64_t *fmask; /* FM_N sets: the rules a subject, class, action allows */
    size_t rwords;
};

struct rules_scratch {
    struct rtext_scratch *rx; /* PCRE2 match data, made on first need */
    uint64_t *marked;         /* prefilter clauses found in the text */
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
    if (*error_r == NULL)
        return;
    if (line == 0) /* about the file as a whole */
        snprintf(*error_r, n, "%s: %s", file, msg);
    else
        snprintf(*error_r, n, "%s:%u: %s", file, line, msg);
}

/* ------------------------------------------------------------ globs */

bool rules_glob(const char *p, const char *s)
{
    return globs_glob(p, s);
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

/* ------------------------------------------------------------ rule memory */

static void rule_clear(struct rule *r)
{
    globs_free(&r->status);
    globs_free(&r->code);
    free(r->id);
    free(r->file);
    rtext_free(&r->text);
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
    free(rs->clause);
    free(rs->base);
    free(rs->fmask);
    free(rs);
    *rules = NULL;
}

size_t classify_rules_count(const struct classify_rules *rules)
{
    return rules != NULL ? rules->n : 0;
}

void classify_rules_stats(const struct classify_rules *rules,
                          struct classify_rules_stats *st)
{
    const struct prefilter *pf = rules != NULL ? rules->pf : NULL;

    *st = (struct classify_rules_stats){
        .rules = classify_rules_count(rules),
        .literals = pf != NULL ? prefilter_literals(pf) : 0,
        .states = pf != NULL ? prefilter_states(pf) : 0,
        .table_bytes = pf != NULL ? prefilter_table_bytes(pf) : 0};
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

/* A list of globs (globs.h); each must use only 'allowed'. */
static int parse_globs(struct line_ctx *lc, const char *key, const char *v,
                       const char *allowed, struct globs **globs_r)
{
    if (*globs_r != NULL) {
        set_error(lc->error_r, lc->file, lc->lineno, "%s: given twice", key);
        return -1;
    }
    if (globs_parse(v, allowed, globs_r) == -1) {
        set_error(lc->error_r, lc->file, lc->lineno,
                  "%s: bad pattern list (up to %d comma-separated globs "
                  "of \"%s\")",
                  key, GLOBS_MAX, allowed);
        return -1;
    }
    return *globs_r != NULL ? 0 : -1;
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
                {"relayed", ACT_RELAYED}, {"expanded", ACT_EXPANDED},
                {"autoreplied", ACT_AUTOREPLIED}};

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
        if (parse_globs(lc, key, v, "0123456789.*?", &r->status) < 0)
            return -1;
        r->subj_mask = 0;
        for (size_t i = 0; i < globs_count(r->status); i++)
            r->subj_mask |= glob_subjects(globs_at(r->status, i));
        return 0;
    }
    if (strcmp(key, "code") == 0)
        return parse_globs(lc, key, v, "0123456789*?", &r->code);
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

/* The text condition (rtext.h); value points after "text=". */
static int parse_text(struct line_ctx *lc, struct rule *r, const char *value)
{
    char msg[320];
    int rc = rtext_parse(value, lc->rs->pf, &lc->rs->nclauses, &r->text, msg,
                         sizeof msg);

    if (rc == -1)
        set_error(lc->error_r, lc->file, lc->lineno, "%s", msg);
    return rc < 0 ? -1 : 0;
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
#define FM_N 29

static void fmask_bit(struct classify_rules *rs, size_t set, size_t i)
{
    rs->fmask[set * rs->rwords + i / 64] |= UINT64_C(1) << (i % 64);
}

/* Does a rule's action condition (mask, 0 for none) allow the action act
 * (an ACT_* bit, 0 for one unknown)?  An automatic reply's text is read
 * only by the rules that ask for it. */
static bool action_allows(unsigned mask, unsigned act)
{
    return mask == 0 ? act != ACT_AUTOREPLIED : (mask & act) != 0;
}

static void fmask_set(struct classify_rules *rs, const struct rule *r, size_t i)
{
    for (unsigned b = 0; b <= 10; b++)
        if (r->subj_mask & (1u << b))
            fmask_bit(rs, FM_SUBJ + b, i);
    for (unsigned c = 0; c <= 9; c++)
        if (r->class_mask == 0 || (r->class_mask & (1u << c)) != 0)
            fmask_bit(rs, FM_CLS + c, i);
    for (unsigned k = 0; k <= 7; k++) {
        unsigned act = k == 0 ? 0 : 1u << (k - 1);
        if (action_allows(r->action_mask, act))
            fmask_bit(rs, FM_ACT + k, i);
    }
}

/* May the rule's text condition hold whatever clauses a text marks? */
static bool rule_always(const struct rule *r)
{
    size_t first, n;

    if (r->text == NULL || rtext_branches(r->text) == 0)
        return true;
    for (size_t k = 0; k < rtext_branches(r->text); k++) {
        rtext_branch_clauses(r->text, k, &first, &n);
        if (n == 0)
            return true;
    }
    return false;
}

/* The clause map and the base rule set. */
static int rules_index(struct classify_rules *rs)
{
    size_t nc = rs->nclauses ? rs->nclauses : 1;

    free(rs->clause);
    free(rs->base);
    free(rs->fmask);
    rs->rwords = rs->n / 64 + 1;
    rs->clause = calloc(nc, sizeof *rs->clause);
    rs->base = calloc(rs->rwords, sizeof *rs->base);
    rs->fmask = calloc(FM_N * rs->rwords, sizeof *rs->fmask);
    if (rs->clause == NULL || rs->base == NULL || rs->fmask == NULL)
        return -1;
    for (size_t i = 0; i < rs->n; i++) {
        const struct rule *r = &rs->rules[i];
        if (rule_always(r))
            rs->base[i / 64] |= UINT64_C(1) << (i % 64);
        fmask_set(rs, r, i);
        for (size_t k = 0; r->text != NULL && k < rtext_branches(r->text);
             k++) {
            size_t first, n;
            rtext_branch_clauses(r->text, k, &first, &n);
            for (size_t c = first; c < first + n; c++)
                rs->clause[c] = (struct clause_ref){i, first, n};
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
    rtext_scratch_free(&sc->rx);
    if (sc->owned)
        free(sc);
    *scratch = NULL;
}

/* The bit of action a, told by its first byte before strcmp(). */
static unsigned action_bit(const char *a)
{
    if (a == NULL)
        return ACT_NONE;
    switch (a[0]) {
    case '\0':
        return ACT_NONE;
    case 'f':
        return strcmp(a, "failed") == 0 ? ACT_FAILED : 0;
    case 'd':
        return strcmp(a, "delayed") == 0     ? ACT_DELAYED
               : strcmp(a, "delivered") == 0 ? ACT_DELIVERED
                                             : 0;
    case 'r':
        return strcmp(a, "relayed") == 0 ? ACT_RELAYED : 0;
    case 'e':
        return strcmp(a, "expanded") == 0 ? ACT_EXPANDED : 0;
    case 'a':
        return strcmp(a, "autoreplied") == 0 ? ACT_AUTOREPLIED : 0;
    default:
        return 0;
    }
}

/* What the conditions other than the text look at, prepared once. */
struct fields {
    const char *status;
    unsigned subj; /* subj_bit() of the status */
    struct globs_key skey;
    char code[8]; /* "550" or "" */
    struct globs_key ckey;
    unsigned cls, act;
};

/* The conditions other than the text. */
static bool rule_fields_match(const struct rule *r, const struct fields *f)
{
    if ((r->subj_mask & f->subj) == 0)
        return false;
    if (!action_allows(r->action_mask, f->act))
        return false;
    if (r->class_mask != 0 && (r->class_mask & (1u << f->cls)) == 0)
        return false;
    if (r->status != NULL &&
        (f->status[0] == '\0' || !globs_match(r->status, &f->skey)))
        return false;
    if (r->code != NULL &&
        (f->code[0] == '\0' || !globs_match(r->code, &f->ckey)))
        return false;
    return true;
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
            const struct clause_ref *cr =
                &rs->clause[w * 64 + (size_t)__builtin_ctzll(m)];
            if (cr->n == 1 || rtext_clauses_all(sc->marked, cr->first, cr->n))
                sc->cand[cr->rule / 64] |= UINT64_C(1) << (cr->rule % 64);
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
    if (r->text == NULL)
        return true;
    return rtext_match(r->text, &sc->rx, text, s->len,
                       use_prefilter ? sc->marked : NULL);
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
    globs_key(f->status, &f->skey);
    globs_key(f->code, &f->ckey);
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

bool rules_has_text(const struct classify_rules *rs, size_t i)
{
    return rs != NULL && i < rs->n && rs->rules[i].text != NULL;
}

size_t rules_prefilter_literals(const struct classify_rules *rs, size_t i)
{
    return rs != NULL && i < rs->n && rs->rules[i].text != NULL
               ? rtext_literals(rs->rules[i].text)
               : 0;
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
