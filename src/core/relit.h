/*
 * relit.h - what the text of a rule's regular expression tells about the
 * texts it matches, read once when the rules load, so that matching can
 * often decide without running the regex (prefilter.h, rules.h).
 *
 * relit_split(): the top-level branches of a regex ("a|b(c|d)" -> "a",
 * "b(c|d)").  A text matches the regex exactly when it matches one of its
 * branches compiled alone, unless something ties the branches together:
 * inline option settings ("(?i)"), back references and subroutine calls
 * (\1 \g \k (?1) (?&n) (?P), conditionals, named groups, verbs ("(*"),
 * \Q..\E, extended syntax.  Then the regex is not split.
 *
 * relit_exact(): a branch made only of plain characters, escaped
 * punctuation, small character classes, groups of alternatives, '?' on a
 * character, class or group, and \b, matches a text exactly when one of a
 * finite set of strings occurs in it (with its \b conditions met there):
 * "no such (user|mailbox)" -> {"no such user", "no such mailbox"}.  Only for
 * caseless regexes; the strings are lower-cased (ASCII, as PCRE2's default
 * tables fold), each RELIT_MIN..RELIT_LEN_MAX bytes, RELIT_SET_MAX at most;
 * anything else, or more, and the branch is not exact.
 *
 * relit_clauses(): for any branch, clauses that every text it matches
 * satisfies, a clause being a set of literals one of which occurs in the
 * text (ignoring ASCII case): the branch's longest run of plain characters
 * (a character made optional by ?, * or {0,..} is not part of a run) and
 * each of its first RELIT_GROUPS mandatory plain groups, whose literals
 * are, per alternative inside the group, its longest run or else the
 * literals of its own first mandatory group, looked into recursively.  So
 * "(user|mailbox) (has )?(moved|been moved)" gives {"user", "mailbox"} and
 * {"moved", "been moved"}.  A group whose literals cannot be found is no
 * clause; syntax not understood (escapes such as \x, verbs) gives none.
 *
 * Pure, reentrant, no globals; works on the regex bytes only.
 */
#ifndef BG_RELIT_H
#define BG_RELIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RELIT_MIN 3       /* shortest literal worth indexing */
#define RELIT_LEN_MAX 200 /* longest string of an exact branch */
#define RELIT_SET_MAX 96  /* strings of an exact branch at most */
#define RELIT_BOUNDS 4    /* \b of one exact string at most */
#define RELIT_GROUPS 8    /* mandatory groups of a branch used as clauses */

/* One string of an exact branch: text[0..len) lower case; a word boundary
 * is required at each offset bpos[0..nb) (0: before the first byte, len:
 * after the last). */
struct relit_str {
    char text[RELIT_LEN_MAX];
    size_t len;
    uint16_t bpos[RELIT_BOUNDS];
    size_t nb;
};

/* Splits re[0..len) at its top-level '|' into begin_r[i]..end_r[i] for
 * i < *n_r (at most max branches).  Returns false (and *n_r = 0) when the
 * regex must not be split, or has more than max branches. */
bool relit_split(const char *re, size_t len, bool extended, size_t *begin_r,
                 size_t *end_r, size_t max, size_t *n_r);

/* Fills set[0..*n_r) (an array of RELIT_SET_MAX) with the strings of the
 * caseless branch re[0..len); returns false when the branch is not exact
 * (or memory ran out: *oom_r). */
bool relit_exact(const char *re, size_t len, struct relit_str *set, size_t *n_r,
                 bool *oom_r);

/* Calls fn(ctx, k, lit, litlen) for each literal of clause k (k counting
 * from 0) of branch re[0..len) and returns the number of clauses (0: none,
 * the branch must always run), or -1 when fn returned -1. */
typedef int relit_lit_fn(void *ctx, size_t clause, const char *lit, size_t len);
int relit_clauses(const char *re, size_t len, relit_lit_fn *fn, void *ctx);

#endif
