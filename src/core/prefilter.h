/*
 * prefilter.h - which of many literal strings occur in a text, found in
 * one pass: the cheap test that spares the rules most of their regular
 * expressions (rules.h, relit.h).
 *
 * Each literal belongs to a clause, a number the caller chooses (several
 * literals may share one); a scan marks the clauses one of whose literals
 * occurs in the text, ignoring ASCII case.  A literal may require a word
 * boundary, as PCRE2's \b with its default tables defines it (a word byte
 * is [A-Za-z0-9_]), at given offsets of its occurrence; an occurrence
 * where one fails does not count.
 *
 * prefilter_finish() builds an Aho-Corasick automaton of the literals'
 * starts (byte classes, a dense transition table of two bytes an entry
 * while there are fewer than 65,536 states, four beyond, the states where
 * some start ends numbered last); the scan makes one table step a byte and
 * looks at the literals whose start ends there only where the state says
 * some do, comparing the rest of each with the text.  A start is a
 * literal's first 6 bytes, longer where more than eight literals share
 * them, all of a shorter one; the automaton reads a byte from 0x80 on by
 * its low four bits, and a literal with one in its start is compared
 * whole.  So the table grows with the literals' starts (about a MB for
 * the shipped rules: prefilter_table_bytes()), not with their lengths or
 * scripts; a place where a scan stops has a few literals to compare, and
 * the table is small enough to stay in the caches between texts.
 * Each step waits on the one before; a long text is read in two halves
 * (four quarters when longer still) side by side, each checked against
 * the one before where they meet (and the text read again from there in
 * the rare case they disagree), so that chains of steps run at once.
 *
 * A struct prefilter is built single-threaded, then immutable: scans may
 * run in any number of threads.  Limits: the literals' bytes in all, times
 * the distinct bytes they use, below 2^32.
 */
#ifndef BG_PREFILTER_H
#define BG_PREFILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PREFILTER_BOUNDS 4 /* word boundaries one literal may require */

struct prefilter;

struct prefilter *prefilter_new(void);
void prefilter_free(struct prefilter **pf);

/* Adds the literal s[0..len) (len >= 1) to clause number clause; it counts
 * only where a word boundary holds at each offset bpos[0..nb) of the
 * occurrence (nb <= PREFILTER_BOUNDS).  Returns -1 when memory runs out or
 * the arguments are out of range. */
int prefilter_add(struct prefilter *pf, size_t clause, const char *s,
                  size_t len, const uint16_t *bpos, size_t nb);

/* Builds the automaton; call once after the last prefilter_add().
 * Returns -1 when memory runs out. */
int prefilter_finish(struct prefilter *pf);

/* States of the automaton prefilter_finish() built (0 before). */
size_t prefilter_states(const struct prefilter *pf);

/* Literals added. */
size_t prefilter_literals(const struct prefilter *pf);

/* Bytes of the automaton's transition table (0 before prefilter_finish()). */
size_t prefilter_table_bytes(const struct prefilter *pf);

/* Words of the bit set a scan marks: (largest clause number + 64) / 64. */
size_t prefilter_words(const struct prefilter *pf);

/* Sets bit c of marked[] (marked[c / 64] bit c % 64; the caller zeroes
 * prefilter_words() words) for every clause c one of whose literals occurs
 * in text[0..len). */
void prefilter_scan(const struct prefilter *pf, const char *text, size_t len,
                    uint64_t *marked);

#endif
