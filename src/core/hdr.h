/*
 * hdr.h - RFC 5322 header fields in a header block held in a buffer.
 *
 * A header block is the bytes from the start of an entity up to (not
 * including) the blank line that ends its headers; lines may end in LF, CRLF
 * or a bare CR.  hdr_next() walks the fields in order, hdr_find() returns the
 * first field of a name; values come back raw (still folded) and
 * hdr_unfold() / hdr_decode() turn them into one line of text (RFC 2047
 * encoded words decoded to UTF-8: UTF-8, US-ASCII and ISO-8859-1 here, other
 * charsets through iconv() (charset.h); a word in a charset iconv() does not
 * know stays encoded).  hdr_param() reads a MIME parameter (boundary,
 * charset, report-type) from a Content-Type value.
 *
 * Pure, reentrant, no allocation: outputs go to caller buffers with their
 * capacity and are always NUL-terminated and truncated to fit.  Time is
 * linear in the block length per call.
 */
#ifndef BG_HDR_H
#define BG_HDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct hdr_field {
    const char *name; /* field name, not terminated */
    size_t name_len;
    const char *value; /* raw value after the colon, folded */
    size_t value_len;
};

/* Returns the field at *pos and advances *pos; false at the end of block. */
bool hdr_next(const char *blk, size_t len, size_t *pos, struct hdr_field *f);

/* First field called name (case-insensitive); false when absent. */
bool hdr_find(const char *blk, size_t len, const char *name,
              struct hdr_field *f);

/* Several fields in one pass: for each want[i].name, want[i].f is set to
 * its first occurrence and want[i].found to true (false when absent). */
struct hdr_want {
    const char *name;
    size_t name_len; /* strlen(name); hdr_pick() fills it when 0 */
    struct hdr_field f;
    bool found;
};
void hdr_pick(const char *blk, size_t len, struct hdr_want *want, size_t n);

/* An initializer of struct hdr_want for a string literal name. */
#define HDR_WANT(lit)                                                          \
    {                                                                          \
        .name = (lit), .name_len = sizeof(lit) - 1                             \
    }

/* The fields of one header block, split once and looked up many times:
 * the MIME walker fills it while it reads the block's lines (so that
 * neither it nor its caller splits them again), hdr_index_build() fills it
 * from a block in a buffer.  Fields are those hdr_next() returns, in its
 * order.  A block of more than HDR_INDEX_MAX fields is marked over and
 * hdr_index_pick() then reads the block itself (same result, more work).
 * The index points into the block and lives on the caller's stack. */
#define HDR_INDEX_MAX 96
#define HDR_INDEX_SIGS 64    /* name signatures: first byte and length */
#define HDR_INDEX_END 0xff   /* the end of a chain */
struct hdr_index {
    const char *blk; /* the block and its length */
    size_t len;
    struct hdr_field f[HDR_INDEX_MAX];
    size_t n;
    bool over; /* more fields than HDR_INDEX_MAX */
    bool open; /* hdr_index_line(): f[n - 1] may still take continuations */
    /* the fields of each name signature, chained in order, so that a name
     * is looked up among the few fields that share its signature:
     * next[HDR_INDEX_MAX + s] is the first field of signature s, next[i]
     * the one after field i, tail[s] the last (HDR_INDEX_MAX + s while
     * there is none) */
    unsigned char next[HDR_INDEX_MAX + HDR_INDEX_SIGS];
    unsigned char tail[HDR_INDEX_SIGS];
};

/* Incremental filling: hdr_index_begin(), then hdr_index_line() for each
 * line of the block in order (offset from blk, length without the line
 * end as hdr_line() finds it, so that a line holds no CR or LF, offset of
 * the next line, and the offset in the line of its first
 * ':' when the caller has found it already, ll when it has none, or
 * HDR_COLON_UNKNOWN), then hdr_index_end() with the block's length.
 * Lines must not include the blank line that ends the block. */
#define HDR_COLON_UNKNOWN ((size_t)-1)
void hdr_index_begin(struct hdr_index *ix, const char *blk);
void hdr_index_line(struct hdr_index *ix, size_t off, size_t ll, size_t next,
                    size_t colon);
void hdr_index_end(struct hdr_index *ix, size_t len);

/* Length of the run of field-name bytes (printable ASCII but ':') at
 * line[i..ll), i.e. the offset of the first byte that is ':' or cannot be
 * in a field name, or ll. */
size_t hdr_name_end(const char *line, size_t i, size_t ll);

/* Many lines at once, for a reader that splits a block as it goes: from
 * the line at offset pos (0: the block's first line) of ix->blk[0..len),
 * every line that is a continuation (not the first line) or a field line
 * (a name as hdr_name_end() has it, not empty and not starting with '-',
 * then ':') goes to the index as hdr_index_line() takes it.  Returns the
 * offset of the first other line (blank, garbage, starting with '-', or
 * the first line starting with a blank), with its length and that of the
 * next line as hdr_line() finds them in *ll_r and *next_r; len when every
 * line was taken. */
size_t hdr_index_run(struct hdr_index *ix, size_t pos, size_t len,
                     size_t *ll_r, size_t *next_r);

/* The whole block at once. */
void hdr_index_build(const char *blk, size_t len, struct hdr_index *ix);

/* hdr_pick() over an index, for wanted names that differ from each
 * other. */
void hdr_index_pick(const struct hdr_index *ix, struct hdr_want *want,
                    size_t n);

/* The first field of ix called name (nlen bytes, ASCII case ignored), or
 * NULL; ix must not be over. */
const struct hdr_field *hdr_index_find(const struct hdr_index *ix,
                                       const char *name, size_t nlen);

/* Unfolds value into out: line breaks and runs of white space become one
 * space, leading and trailing space is dropped.  Returns the length. */
size_t hdr_unfold(const char *v, size_t vlen, char *out, size_t cap);

/* hdr_unfold() and then RFC 2047 decoding of encoded words. */
size_t hdr_decode(const char *v, size_t vlen, char *out, size_t cap);

/* Does s[0..len) contain "=?", where every RFC 2047 encoded word starts? */
bool hdr_has_word_start(const char *s, size_t len);

/* hdr_decode(), telling in *words_r whether an encoded word was decoded;
 * when none was, out is what hdr_unfold() made, which holds no NUL. */
size_t hdr_decode_words(const char *v, size_t vlen, char *out, size_t cap,
                        bool *words_r);

/* Value of MIME parameter name (case-insensitive) in a Content-Type-like
 * value, unquoted; false when absent. */
bool hdr_param(const char *v, size_t vlen, const char *name, char *out,
               size_t cap);

/* Several parameters in one pass: each want[i] as hdr_param(v, vlen,
 * want[i].name, want[i].out, want[i].cap) would have it, found telling
 * what it returns (out is left alone when not found).  name_len is
 * strlen(name), filled here when 0. */
struct hdr_pwant {
    const char *name;
    size_t name_len;
    char *out;
    size_t cap;
    bool found;
};
void hdr_params(const char *v, size_t vlen, struct hdr_pwant *want, size_t n);

/* Finds field name and stores its unfolded value; false when absent. */
bool hdr_get(const char *blk, size_t len, const char *name, char *out,
             size_t cap);

/* Do the words x (of a name) and y (of a literal) agree but for bit 0x20
 * of the lanes where y holds an ASCII letter (SWAR: no lane carries into
 * the next)?  Equal words, the usual case, at the cost of one test. */
static inline bool hdr_caseeq_word(uint64_t x, uint64_t y)
{
    const uint64_t ones = 0x0101010101010101u, high = ones * 0x80;
    uint64_t lo, letter;

    if (x == y)
        return true;
    lo = (y | ones * 0x20) & ~high; /* 8-bit lanes: no letter */
    letter = (lo + ones * 0x1f) & ~(lo + ones * 0x05) & ~y & high;
    return ((x ^ y) & ~(letter >> 2)) == 0;
}

/* Do s[0..n) and lit[0..n) (no NUL in it) agree but for the case of
 * ASCII letters, as strncasecmp(s, lit, n) == 0 says in the C locale?
 * A word of 8 bytes at a time (hdr_caseeq_word()), the last overlapping
 * the one before; under 8 bytes, two overlapping words of 4 or 2 bytes.
 * Inline, for names. */
static inline bool hdr_caseeq(const char *s, const char *lit, size_t n)
{
    uint64_t x, y;
    uint32_t x4[2], y4[2];
    uint16_t x2[2], y2[2];

    if (n >= 8) {
        for (size_t i = 0;; i += 8) {
            if (i + 8 > n)
                i = n - 8; /* @UNSAFE: n >= 8 */
            memcpy(&x, s + i, sizeof x);
            memcpy(&y, lit + i, sizeof y);
            if (!hdr_caseeq_word(x, y))
                return false;
            if (i + 8 == n)
                return true;
        }
    }
    if (n >= 4) { /* @UNSAFE: bytes n - 4 .. n - 1 */
        memcpy(&x4[0], s, 4), memcpy(&x4[1], s + n - 4, 4);
        memcpy(&y4[0], lit, 4), memcpy(&y4[1], lit + n - 4, 4);
        return hdr_caseeq_word((uint64_t)x4[0] << 32 | x4[1],
                               (uint64_t)y4[0] << 32 | y4[1]);
    }
    if (n >= 2) { /* @UNSAFE: bytes n - 2, n - 1 */
        memcpy(&x2[0], s, 2), memcpy(&x2[1], s + n - 2, 2);
        memcpy(&y2[0], lit, 2), memcpy(&y2[1], lit + n - 2, 2);
        return hdr_caseeq_word((uint64_t)x2[0] << 16 | x2[1],
                               (uint64_t)y2[0] << 16 | y2[1]);
    }
    return n == 0 || hdr_caseeq_word((unsigned char)s[0],
                                     (unsigned char)lit[0]);
}

/* Length of the line at s[0..len) without its end, and in *next_r the
 * offset of the following line (LF, CRLF or bare CR end a line). */
size_t hdr_line(const char *s, size_t len, size_t *next_r);

#endif
