/*
 * addrscan.h - finding e-mail addresses in free text and tidying them.
 *
 * addrscan_next() scans text (bounce prose, header values, DSN fields) for
 * things shaped like local@domain.tld, in one forward pass: a whole text
 * costs time linear in its length whatever it contains.
 * addrscan_normalize() turns one found address into the form a report
 * carries: no "rfc822;" type, no <>, quotes or trailing dots, domain in
 * lower case, local part kept as written.  (The store's own key rules are
 * in addr.h; this module is the tolerant reader of prose.)
 *
 * Pure, reentrant, no allocation: outputs go to caller buffers with their
 * capacity.  An address of ADDRSCAN_MAX bytes or more is refused.
 */
#ifndef BG_ADDRSCAN_H
#define BG_ADDRSCAN_H

#include <stdbool.h>
#include <stddef.h>

#define ADDRSCAN_MAX 320 /* 64 local + @ + 255 domain, rounded */

/* Scans s[*pos..len) for the next address; on success stores its start and
 * length and advances *pos past it.  Returns false at the end of text. */
bool addrscan_next(const char *s, size_t len, size_t *pos, size_t *start_r,
                   size_t *len_r);

/* Normalises in[0..len) into out (cap bytes, NUL-terminated).  Accepts
 * "rfc822; <a@b.c>", "\"a\"@B.C.", "a@b.c" ...  Returns false when the
 * result is not a plausible address or does not fit. */
bool addrscan_normalize(const char *in, size_t len, char *out, size_t cap);

/* For norm[0..len), a result of addrscan_normalize(): would normalising it
 * again give it back unchanged?  (Not always: "x;y@z" gives "y@z" next
 * time.)  A cheap test of its ends and for a ';'. */
bool addrscan_stable(const char *norm, size_t len);

#endif
