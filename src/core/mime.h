/*
 * mime.h - a walker over the MIME structure of an RFC 5322 message.
 *
 * mime_walk() reads a message from a buffer of explicit length, in one
 * forward pass and without recursion, and calls back for every entity it
 * meets: MIME_EV_ENTITY when an entity's header block is complete (the top
 * message, each body part, each message enclosed by message/rfc822 or
 * message/global), and MIME_EV_LEAF with the raw (still encoded) body of
 * every entity that is not a container.  Multipart nesting is kept on an
 * explicit stack bounded by lim->max_depth; deeper multiparts are treated
 * as leaves.  Parts beyond lim->max_parts are not reported.  A boundary that
 * never closes, a multipart whose boundary never appears (its preamble is
 * then reported as a text/plain leaf), over-long header fields and NUL bytes
 * are flagged with REPORT_ERR_* bits; the walk goes on.  Lines may end in
 * LF, CRLF or a bare CR.
 *
 * Each header block is split into fields once, while it is read; the
 * entity event hands them over (mime_part.fields) so that the caller looks
 * fields up without reading the block again.
 *
 * Cost: time linear in len (each line is compared with at most max_depth
 * boundaries), memory one stack of max_depth frames (on the C stack, about
 * 8 KB, up to a depth of 32; allocated beyond) and one header index
 * (hdr.h, about 3 KB on the C stack).  Pure and reentrant;
 * the part passed to the callback is valid during the call only, and its
 * pointers point into the caller's buffer.
 */
#ifndef BG_MIME_H
#define BG_MIME_H

#include <stdbool.h>
#include <stddef.h>

#include "core/hdr.h"
#include "core/report.h"

#define MIME_BOUNDARY_MAX 200 /* RFC 2046 says 70; be generous */

enum mime_cte {
    MIME_CTE_IDENTITY = 0, /* 7bit, 8bit, binary, unknown */
    MIME_CTE_BASE64,
    MIME_CTE_QP,
};

enum mime_event {
    MIME_EV_ENTITY, /* header block of an entity complete */
    MIME_EV_LEAF,   /* body of a non-container entity */
};

struct mime_part {
    const char *hdr; /* the header block, without its ending blank line */
    size_t hdr_len;
    const char *body; /* MIME_EV_LEAF: raw body; else NULL */
    size_t body_len;
    char type[64];    /* "text/plain", lower case; default "text/plain" */
    char charset[32]; /* lower case, "" when none; always "" inside an
                         enclosed message (msg_depth > 0): not read */
    enum mime_cte cte;
    unsigned depth;     /* multipart nesting, 0 for the top entity */
    unsigned msg_depth; /* enclosing message/rfc822 count: 0 = outermost */
    unsigned index;     /* entity number in document order, from 0 */
    const struct hdr_index *fields; /* MIME_EV_ENTITY: the fields of hdr,
                                       split once; NULL otherwise */
};

typedef void mime_cb(void *ctx, enum mime_event ev, const struct mime_part *p);

/* Walks buf[0..len) (the caller has already applied max_message_bytes);
 * returns REPORT_ERR_* flags.  Returns REPORT_ERR_PARTS also when the frame
 * stack cannot be allocated (nothing is reported then). */
unsigned mime_walk(const char *buf, size_t len, const struct mime_limits *lim,
                   mime_cb *cb, void *ctx);

/* Decodes the body of p according to its transfer encoding into out (cap
 * bytes; p->body_len always suffices); sets REPORT_ERR_ENCODING in *errors
 * on invalid input.  Returns the decoded length. */
size_t mime_decode(const struct mime_part *p, char *out, size_t cap,
                   unsigned *errors);

/* True for types whose body is itself a message header block or message. */
bool mime_is_message(const char *type);

/* Is buf[0..len) a whole multipart message: its top entity a multipart
 * with a boundary, and every boundary it opens closed?  (Where messages
 * follow one another in a file, one that ends so is known to end there.)
 * The caller applies max_message_bytes. */
bool mime_multipart_whole(const char *buf, size_t len,
                          const struct mime_limits *lim);

#endif
