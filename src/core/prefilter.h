/*
 * prefilter.h - the cheap test that spares most regular expressions: for
 * each top-level alternative (branch) of a rule's regex, clauses that every
 * text the branch matches satisfies, a clause being a set of literal
 * strings one of which occurs in the text; one pass over a text marks the
 * rules one of whose branches has all its clauses satisfied, and only those
 * run their regex.
 *
 * Extraction: the clauses of a branch are its longest run of plain
 * characters (a character made optional by ?, * or {0,..} is not part of a
 * run) and each of its first LIT_GROUPS (8) mandatory plain groups, whose
 * literals are, per alternative inside the group, its longest run or else
 * the literals of its own first mandatory group, looked into recursively.
 * So "(user|mailbox) (has )?(moved|been moved)" passes only a text holding
 * "user" or "mailbox" and "moved".  A group whose literals cannot be found
 * is no clause.  Anything not understood (escapes such as \x or \Q,
 * backtracking verbs, extended syntax, a branch without any clause) gives
 * the rule no literals: its regex always runs.  At most PREFILTER_CLAUSES
 * clauses in all: beyond, rules get no prefilter.
 * Literals are lower-cased; texts are scanned ignoring ASCII case, which
 * can only let more rules through, never fewer.
 *
 * Scan: prefilter_finish() builds an Aho-Corasick automaton of the first
 * four bytes of the distinct literals (byte classes, a dense transition
 * table); the scan makes one table step a byte, and compares the rest of a
 * literal only where its first bytes end.  Equal literals of several
 * clauses are compared once.
 *
 * A struct prefilter is built single-threaded, then immutable: scans may
 * run in any number of threads.
 */
#ifndef BG_PREFILTER_H
#define BG_PREFILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PREFILTER_MIN 3        /* shortest literal worth indexing */
#define PREFILTER_CLAUSES 4096 /* clauses of all the rules at most */

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
 * for every rule one of whose branches has each of its clauses satisfied
 * by text[0..len), ignoring ASCII case.  Uses 512 bytes of stack. */
void prefilter_scan(const struct prefilter *pf, const char *text, size_t len,
                    uint64_t *hit);

#endif
