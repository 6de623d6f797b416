/*
 * globs.h - a list of shell-style patterns ('*' any run, '?' exactly one
 * byte, anything else itself) over short strings: the status= and code=
 * conditions of the rules (rules.h, bounceguard-rules(5)).
 *
 * globs_parse() reads a comma-separated list ("5.1.*,?.7.26"): at most
 * GLOBS_MAX patterns of 1..GLOBS_LEN_MAX bytes, each from the caller's set
 * of allowed bytes.  A pattern without '*' is compiled into bytes to
 * compare under a mask, so that matching it against a string of its
 * length is two 64-bit comparisons; the others are matched by
 * globs_glob().  A string is prepared once (struct globs_key) for every
 * list it is matched against.
 *
 * A struct globs is immutable once parsed and may be shared by threads.
 */
#ifndef BG_GLOBS_H
#define BG_GLOBS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GLOBS_MAX 16     /* patterns in a list */
#define GLOBS_LEN_MAX 15 /* bytes of a pattern */

struct globs;

/* A string as globs_match() looks at it: s[0..len), and its first 16
 * bytes zero-padded.  s must stay valid while the key is used. */
struct globs_key {
    const char *s;
    size_t len;
    uint64_t k[2];
};

/* Parses list v into *globs_r.  Returns 0; -1 when the list is malformed
 * (an empty or too long pattern, too many, a byte not in allowed); -2 when
 * memory runs out.  *globs_r is NULL on error. */
int globs_parse(const char *v, const char *allowed, struct globs **globs_r);
void globs_free(struct globs **globs);

size_t globs_count(const struct globs *globs);
/* The i-th pattern as written (i < globs_count()). */
const char *globs_at(const struct globs *globs, size_t i);

void globs_key(const char *s, struct globs_key *key_r);
/* Does one of the patterns match the whole string? */
bool globs_match(const struct globs *globs, const struct globs_key *key);

/* Does pattern p match the whole of s? */
bool globs_glob(const char *p, const char *s);

#endif
