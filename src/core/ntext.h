/*
 * ntext.h - the human-readable text of a bounce, built from its text
 * leaves as far as a reader needs it.
 *
 * report_parse() meets the text parts of a notice (text/plain and other
 * text/ types, text/html, a multipart whose boundary never shows) while it
 * walks the MIME structure, but only learns afterwards how much of their
 * text it needs: all of it when the text rules decide, only the head when
 * a delivery-status part has answered for every recipient and the text
 * only names the notice's family.  So ntext_leaf() keeps each leaf raw
 * (a span of the message, its transfer encoding and charset), and the
 * text is made later by one of:
 *
 *   ntext_all()   every leaf, in order: transfer-decoded, ISO-8859-1 and
 *                 its kin turned into UTF-8 (other charsets through
 *                 iconv(), see charset.h), HTML reduced to text (tags
 *                 dropped, block tags made line breaks, the character
 *                 references lt, gt, amp, quot, apos, nbsp and numeric
 *                 ones made characters, others kept as written; a
 *                 no-break space is a space), each leaf's text
 *                 followed by a line break; at most NTEXT_MAX bytes;
 *   ntext_head()  the same text, only as far as it holds a line end
 *                 (CR or LF) at an offset >= head with one more byte after
 *                 it, or all of it when it has none: a prefix of what
 *                 ntext_all() makes, every byte the same.  Quoted-printable
 *                 and unencoded leaves are read in pieces that end at line
 *                 ends of the raw body (no escape spans one), so a long
 *                 HTML part is decoded only as far as the head reaches.
 *
 * One of them is called, once.
 *
 * ntext_finish() then checks the transfer encoding of the raw bytes no
 * one decoded, so that REPORT_ERR_ENCODING says the same whatever was
 * read.
 *
 * Ownership: the leaves point into the caller's message, which must outlive
 * the struct; the text is NUL-terminated, starts in the caller's buffer
 * (buf0, NTEXT_FIRST bytes) and moves to the heap when it outgrows it;
 * ntext_release() frees what was allocated.  text is NULL until a byte
 * was added.  Memory that runs out sets *oom and the text stops growing.
 * Pure, reentrant, no globals; time linear in the leaves' bytes.
 */
#ifndef BG_NTEXT_H
#define BG_NTEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/mime.h"

#define NTEXT_MAX (512u * 1024u) /* notice text kept for the rules */
#define NTEXT_FIRST 8192         /* bytes of the caller's first buffer */
#define NTEXT_LEAVES_INLINE 4    /* leaves kept without allocating */
#define NTEXT_REF_MAX 12         /* "&#x" 8 hex digits ";": the longest
                                    character reference read */

enum ntext_kind {
    NTEXT_PLAIN, /* a text/ type other than HTML: charset applies */
    NTEXT_HTML,  /* text/html: tags dropped */
    NTEXT_RAW,   /* a multipart with no usable boundary: bytes as they are */
};

struct ntext_leaf {
    const char *body; /* raw (still encoded) body, in the message */
    size_t len;
    enum mime_cte cte;
    enum ntext_kind kind;
    char charset[32]; /* lower case, "" when none */
    size_t at;        /* raw bytes already turned into text */
};

struct ntext {
    char *text; /* NUL-terminated, or NULL while empty */
    size_t len, cap;
    char *buf0; /* the caller's NTEXT_FIRST bytes */
    struct ntext_leaf *leaves;
    size_t nleaves, leafcap, next; /* next: first leaf not read to its end */
    size_t seen; /* ntext_head(): text bytes known to hold no line end */
    struct ntext_leaf inline_leaves[NTEXT_LEAVES_INLINE];
    unsigned *errors; /* REPORT_ERR_ENCODING goes here */
    bool *oom;
};

void ntext_init(struct ntext *t, char *buf0, unsigned *errors, bool *oom);

/* Keeps the leaf p (MIME_EV_LEAF) to be read later as kind. */
void ntext_leaf(struct ntext *t, const struct mime_part *p,
                enum ntext_kind kind);

void ntext_all(struct ntext *t);
void ntext_head(struct ntext *t, size_t head);

/* Encoding checks of the raw bytes not decoded; once, at the end. */
void ntext_finish(struct ntext *t);

void ntext_release(struct ntext *t);

#endif
