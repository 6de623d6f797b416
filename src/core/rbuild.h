/*
 * rbuild.h - building a struct report: recipients and string fields added
 * under the parser limits.
 *
 * The parsing modules (dsn, textbounce, report) never touch the recipient
 * array directly: rbuild_rcpt() normalises an address (addrscan.h), returns the
 * existing entry for an address already reported (deduplication is per
 * message, case-insensitive) or appends a new one, and refuses more than
 * lim->max_recipients (REPORT_ERR_RECIPIENTS).  Past a few recipients, a
 * hash index finds an address in constant time.  rbuild_str() sets a string
 * field only when it is still unset, so the first, most structured source
 * wins.  A failed allocation sets b->oom; callers carry on and report_parse()
 * turns it into its error return.
 *
 * Memory: the strings of a report (recipients and fields, diagnostics
 * among them) are carved out of a list of blocks hanging from
 * report.blocks, a few mallocs per report, released together by
 * rbuild_release() (from report_free()).  A string is never freed alone:
 * the text rules replace a diagnostic with rbuild_drop() and then
 * rbuild_str() again, the dropped bytes staying in their block.
 *
 * Not thread-safe per builder (one builder per parse); no globals.
 */
#ifndef BG_RBUILD_H
#define BG_RBUILD_H

#include <stdbool.h>
#include <stddef.h>

#include "core/report.h"

struct rbuild {
    struct report *r;
    const struct mime_limits *lim;
    size_t cap; /* allocated entries in r->rcpts */
    bool oom;
    /* the recipients by key (report_rcpt.key), once there are a few:
     * nindex slots (a power of 2; 0 when none), nused of them taken, each
     * an entry's place + 1 or 0 */
    unsigned *index;
    size_t nindex, nused;
    /* the address a DSN's bare local part stands for ("Final-Recipient:
     * rfc822; kelly" when the returned original went to kelly@example.net),
     * set only while a report reads its DSN again; or NULL */
    const char *bare_as;
};

/* Room made with b's report, in the same allocation, for its first nroom
 * recipients (room) and its first strings (mem[0..size), aligned as a
 * pointer): used before any malloc(), and never freed by rbuild_release()
 * or report_free() (it goes with the report). */
void rbuild_room(struct rbuild *b, struct report_rcpt *room, size_t nroom,
                 void *mem, size_t size);

/* The entry for addr[0..len) (any form addr_normalize() accepts), new or
 * existing; NULL when the address is not plausible, over the limit, or
 * memory ran out.  *is_new_r (may be NULL) tells a new entry. */
struct report_rcpt *rbuild_rcpt(struct rbuild *b, const char *addr,
                                size_t len, bool *is_new_r);

/* rbuild_rcpt() of norm, a result of addrscan_normalize(): not normalised
 * a second time when that would not change it (addrscan_stable()). */
struct report_rcpt *rbuild_rcpt_norm(struct rbuild *b, const char *norm,
                                     bool *is_new_r);

/* The existing entry for a normalised address, or NULL. */
struct report_rcpt *rbuild_lookup(struct rbuild *b, const char *norm);

/* *field = copy of s[0..len) (trimmed) unless *field is already set or the
 * trimmed text is empty. */
void rbuild_str(struct rbuild *b, char **field, const char *s, size_t len);

/* rbuild_str() of s[0..len) known to hold no NUL (as hdr_unfold() makes
 * text): the same string, without a search for NULs to blank. */
void rbuild_str_nonul(struct rbuild *b, char **field, const char *s,
                      size_t len);

/* Forgets the string *field (a field of b's report) so that rbuild_str()
 * may set it again; its bytes go with the blocks. */
void rbuild_drop(struct rbuild *b, char **field);

/* Frees the blocks of strings of a report and NULLs *blocks. */
void rbuild_release(struct rbuild_block **blocks);

/* Sets the status (if a valid x.y.z and not yet set) and reply code (if not
 * yet set) of a recipient. */
void rbuild_codes(struct report_rcpt *rc, const char *status, int code);

#endif
