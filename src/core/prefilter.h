/*
 * prefilter.h - the cheap test that spares most regular expressions: for
 * each rule's regex, literal strings of which at least one occurs in every
 * text the regex matches; one pass over a text marks the rules that may
 * match, and only those run their regex.
 *
 * Extraction: per top-level alternative of the regex, its longest run of
 * plain characters (a character made optional by ?, * or {0,..} is not
 * part of a run), or else the literals of its first mandatory group,
 * looked into recursively.  Anything not understood (escapes such as \x or
 * \Q, backtracking verbs, extended syntax, a branch without a literal of
 * PREFILTER_MIN bytes) gives the rule no literals: its regex always runs.
 * Literals are lower-cased; texts are scanned lower-cased (ASCII), which
 * can only let more rules through, never fewer.
 *
 * Scan: literals are indexed by a hash of their first two bytes; the scan
 * looks up every position of the text, so its cost is linear in the text
 * times the (small) bucket sizes.
 *
 * A struct prefilter is built single-threaded, then immutable: scans may
 * run in any number of threads.
 */
#ifndef BG_PREFILTER_H
#define BG_PREFILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PREFILTER_MIN 3 /* shortest literal worth indexing */

struct prefilter;

struct prefilter *prefilter_new(void);
void prefilter_free(struct prefilter **pf);

/* Adds the literals of regex re[0..len) for the rule numbered id; *n_r is
 * how many (0: no prefilter for this rule).  extended: the regex uses
 * PCRE2_EXTENDED (white space insignificant).  Returns -1 when memory runs
 * out. */
int prefilter_add(struct prefilter *pf, size_t id, const char *re, size_t len,
                  bool extended, size_t *n_r);

/* Builds the index; call once after the last prefilter_add(). */
int prefilter_finish(struct prefilter *pf);

/* Sets bit id of hit[] (hit[id / 64] bit id % 64; zeroed by the caller)
 * for every rule one of whose literals occurs in lower[0..len), a
 * lower-cased text. */
void prefilter_scan(const struct prefilter *pf, const char *lower, size_t len,
                    uint64_t *hit);

#endif
