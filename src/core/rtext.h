/*
 * rtext.h - the text condition of a rule ("text=/REGEX/FLAGS",
 * bounceguard-rules(5)): a PCRE2 regular expression compiled once (JIT
 * where the platform has it, for what a prefiltered match runs: the
 * branches, and the whole regex only where a branch stands for it),
 * matched against a normalised text.
 *
 * At load the regex is split into its top-level branches (relit.h).  A
 * simple branch of a caseless regex is a set of strings: its one clause;
 * it holds where the prefilter finds one of them.  Any other branch gets
 * the clauses relit_clauses() finds and is compiled alone; it runs only
 * when they are all found.  The literals of the clauses go into the rule
 * set's prefilter (prefilter.h) under clause numbers given in order from
 * the caller's counter.  rtext_match() with the clauses a scan marked
 * decides exactly as the regex alone (rtext_match() without them).
 *
 * A struct rtext is immutable once parsed and may be shared by threads;
 * matching keeps the PCRE2 match data in the caller's struct
 * rtext_scratch, made on first need, one per thread; freed, it goes back
 * to its thread, whose next one takes it again (the thread's end frees
 * it).  Each regex match
 * runs under RTEXT_MATCH_LIMIT and counts as not matching when it hits it
 * (a split regex: each branch that runs has the limit to itself).
 */
#ifndef BG_RTEXT_H
#define BG_RTEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/prefilter.h"

#define RTEXT_MATCH_LIMIT 1000000 /* PCRE2 match limit per regex and text */
#define RTEXT_BRANCHES_MAX 128    /* top-level branches split at most */

struct rtext;
struct rtext_scratch;

/* Parses value ("/REGEX/FLAGS", flags i and x) into *t_r, adding the
 * literals of its clauses to pf as clauses *nclauses, *nclauses + 1, ...
 * (the counter advanced).  Returns 0; -1 with the reason in err[0..size)
 * ("text: ..."); -2 when memory runs out. */
int rtext_parse(const char *value, struct prefilter *pf, size_t *nclauses,
                struct rtext **t_r, char *err, size_t size);
void rtext_free(struct rtext **t);

/* Literals of t in the prefilter; 0 when some branch (or the regex) runs
 * whatever the text. */
size_t rtext_literals(const struct rtext *t);
/* Branches of t (0: not split, the regex always runs), and the clauses
 * first_r .. first_r + n_r - 1 of branch k. */
size_t rtext_branches(const struct rtext *t);
void rtext_branch_clauses(const struct rtext *t, size_t k, size_t *first_r,
                          size_t *n_r);

/* Are the clauses first .. first + n - 1 all set in marked[]? */
bool rtext_clauses_all(const uint64_t *marked, size_t first, size_t n);

/* Does text[0..len) satisfy t?  marked: the clauses the prefilter found in
 * the text, or NULL to run the regex as written. */
bool rtext_match(const struct rtext *t, struct rtext_scratch **scratch,
                 const char *text, size_t len, const uint64_t *marked);
void rtext_scratch_free(struct rtext_scratch **scratch);

#endif
