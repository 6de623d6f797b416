/*
 * rules.h - the rules file: loading, validating and matching the ordered
 * classification rules (bounceguard-rules(5)).
 *
 * A rules file is a list of lines "ID REASON CONDITION..."; the first rule
 * whose conditions all hold decides.  Conditions test the enhanced status
 * (globs), the reply code (globs), the status class, the DSN action and
 * the text (a PCRE2 regular expression, compiled once, JIT when the
 * platform allows).  Several files load in order into one rule set (the
 * local override first); a later rule whose id is already defined by an
 * earlier file is dropped, so the override replaces it.
 *
 * Text conditions (rtext.h): each regex is split at load into its
 * top-level branches (relit.h).  A simple branch of a caseless regex is a
 * finite set of strings ("no such (user|mailbox)"): it matches where one
 * of them occurs, and needs no regex.  Any other branch is compiled alone
 * and runs only when the text holds one literal of each of its clauses.
 * One pass over the text finds the literals of all the rules (prefilter.h,
 * ignoring ASCII case); then only the rules the text may match, and whose
 * status subject, class and action conditions allow the reply's, are
 * looked at, in order, their other conditions (globs.h) before the text.
 *
 * struct classify_rules is immutable once loaded and may be shared by any
 * number of threads; matching keeps its scratch state in the caller's
 * struct rules_scratch.  Errors are "FILE:LINE: what is wrong".
 *
 * Limits: lines up to RULES_LINE_MAX bytes, RULES_MAX rules, ids up to
 * RULES_ID_MAX bytes of [A-Za-z0-9._-]; each regex match runs under a
 * PCRE2 match limit (RTEXT_MATCH_LIMIT), and a regex that hits it counts
 * as not matching, so a catastrophic local regex costs bounded time.
 */
#ifndef BG_RULES_H
#define BG_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include "core/classify.h"
#include "core/reason.h"

#define RULES_LINE_MAX 4096
#define RULES_MAX 10000
#define RULES_ID_MAX 64

/* What a rule is matched against. */
struct rules_subject {
    const char *text; /* normalised text (reply.h), may be empty */
    size_t len;
    const char *status; /* effective enhanced status or "" */
    int code;           /* reply code or 0 */
    const char *action; /* lower-case DSN action or NULL */
};

/* A matching rule, as returned by rules_match(). */
struct rule_info {
    const char *id;
    const struct reason_info *reason;
    enum bucket bucket; /* the reason's bucket unless the rule overrides */
    bool auth;
    const char *file; /* where the rule was defined */
    unsigned line;
};

/* Per-call scratch space (pcre2 match data, prefilter bits).  Create one per
 * thread or per call; never share one between threads. */
struct rules_scratch;
struct rules_scratch *rules_scratch_new(const struct classify_rules *rules);
/* The same in the caller's memory mem[0..size) (aligned as uint64_t, e.g.
 * an array on its stack), NULL when it is too small; rules_scratch_free()
 * then releases only what matching made in it. */
struct rules_scratch *rules_scratch_init(const struct classify_rules *rules,
                                         void *mem, size_t size);
void rules_scratch_free(struct rules_scratch **scratch);

/* Loads rules from a buffer (name used in errors only); appends to *rules,
 * creating it when NULL.  Returns 0, or -1 with a malloc'ed *error_r. */
int rules_load_buffer(struct classify_rules **rules, const char *name,
                      const char *buf, size_t len, char **error_r);
/* Builds the prefilter index; call once after the last load. */
int rules_finish(struct classify_rules *rules, char **error_r);

/* The first rule that matches, or false.  use_prefilter=false runs every
 * regex (for tests comparing both ways). */
bool rules_match(const struct classify_rules *rules,
                 struct rules_scratch *scratch,
                 const struct rules_subject *subject, bool use_prefilter,
                 struct rule_info *rule_r);

/* The i-th rule's info (0..count-1), for listing. */
bool rules_at(const struct classify_rules *rules, size_t i,
              struct rule_info *rule_r);
/* Has rule i a text condition? */
bool rules_has_text(const struct classify_rules *rules, size_t i);
/* Number of literals of rule i used by the prefilter (0: its regex, or
 * some branch of it, runs whatever the text). */
size_t rules_prefilter_literals(const struct classify_rules *rules, size_t i);

/* Glob matching ('*' any run, '?' one character), exposed for tests. */
bool rules_glob(const char *pattern, const char *s);

#endif
