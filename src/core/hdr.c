/*
 * hdr.c - RFC 5322 header fields in a buffer (see hdr.h).
 */
#include "core/hdr.h"

#include <stdint.h>
#include <string.h>
#include <strings.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "core/charset.h"
#include "core/codec.h"
#include "core/scan.h"

/* Offset of the first CR or LF in s[0..len), or len. */
static inline size_t hdr_eol(const char *s, size_t len)
{
    return scan_eol(s, 0, len);
}

/* Offset of the line after the one that ends at s[i] (i == len: none). */
static inline size_t hdr_after_eol(const char *s, size_t i, size_t len)
{
    if (i >= len)
        return len;
    return s[i] == '\r' && i + 1 < len && s[i + 1] == '\n' ? i + 2 : i + 1;
}

size_t hdr_line(const char *s, size_t len, size_t *next_r)
{
    size_t i = hdr_eol(s, len);

    *next_r = hdr_after_eol(s, i, len);
    return i;
}

static bool hdr_is_wsp(char c)
{
    return c == ' ' || c == '\t';
}

/* Offset just past the continuation lines that start at p. */
static size_t hdr_skip_continuations(const char *blk, size_t len, size_t p)
{
    while (p < len && hdr_is_wsp(blk[p]))
        p += hdr_after_eol(blk + p, hdr_eol(blk + p, len - p), len - p);
    return p;
}

/* Length of the name of a field line that ends at colon: blanks before the
 * colon are not part of it. */
static size_t hdr_name_len(const char *line, const char *colon)
{
    size_t n = (size_t)(colon - line);

    while (n > 0 && hdr_is_wsp(line[n - 1]))
        n--;
    return n;
}

/* The field whose first line (name nlen bytes, then the colon) starts at
 * line, the next line at p, into *f; returns the offset past its
 * continuation lines. */
static size_t hdr_field_at(const char *blk, size_t len, const char *line,
                           const char *colon, size_t nlen, size_t p,
                           struct hdr_field *f)
{
    f->name = line;
    f->name_len = nlen;
    f->value = colon + 1;
    p = hdr_skip_continuations(blk, len, p);
    size_t vstart = (size_t)(f->value - blk), end = p;
    while (end > vstart && (blk[end - 1] == '\n' || blk[end - 1] == '\r'))
        end--;
    f->value_len = end - vstart;
    return p;
}

bool hdr_next(const char *blk, size_t len, size_t *pos, struct hdr_field *f)
{
    size_t p = *pos;

    while (p < len) {
        size_t next, ll = hdr_line(blk + p, len - p, &next);
        const char *line = blk + p;
        const char *colon = memchr(line, ':', ll);

        if (ll == 0)
            break; /* the blank line ends the block */
        p += next;
        if (hdr_is_wsp(line[0]) || colon == NULL || colon == line)
            continue; /* stray continuation or garbage line */
        *pos = hdr_field_at(blk, len, line, colon, hdr_name_len(line, colon),
                            p, f);
        return true;
    }
    *pos = len;
    return false;
}

bool hdr_find(const char *blk, size_t len, const char *name,
              struct hdr_field *f)
{
    size_t pos = 0, nlen = strlen(name);

    while (hdr_next(blk, len, &pos, f))
        if (f->name_len == nlen && hdr_caseeq(f->name, name, nlen))
            return true;
    return false;
}

/* hdr_name_end(), inlined where lines are read in bulk. */
static inline size_t hdr_name_end_in(const char *line, size_t i, size_t ll)
{
#if defined(__SSE2__)
    const __m128i colon = _mm_set1_epi8(':'), sp = _mm_set1_epi8(' ');
    const __m128i del = _mm_set1_epi8(0x7f);

    for (; i + 16 <= ll; i += 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(line + i));
        /* name bytes: ' ' < x < 0x7f as signed bytes (8-bit ones are < 0) */
        __m128i name =
            _mm_and_si128(_mm_cmpgt_epi8(x, sp), _mm_cmplt_epi8(x, del));
        unsigned m = (unsigned)_mm_movemask_epi8(
            _mm_andnot_si128(_mm_cmpeq_epi8(x, colon), name));
        if (m != 0xffffu)
            return i + (size_t)__builtin_ctz(~m & 0xffffu);
    }
#endif
    for (; i < ll; i++) {
        unsigned char c = (unsigned char)line[i];
        if (c == ':' || c <= ' ' || c >= 0x7f)
            break;
    }
    return i;
}

/* Fills the names' lengths, clears found and sets in firsts[] the first
 * bytes of the names (| 0x20). */
static void hdr_pick_prepare(struct hdr_want *want, size_t n,
                             uint64_t firsts[4])
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)(want[i].name[0] | 0x20);
        want[i].found = false;
        if (want[i].name_len == 0)
            want[i].name_len = strlen(want[i].name);
        firsts[c >> 6] |= (uint64_t)1 << (c & 63);
    }
}

static bool hdr_first_wanted(const uint64_t firsts[4], char ch)
{
    unsigned char c = (unsigned char)(ch | 0x20);

    return ((firsts[c >> 6] >> (c & 63)) & 1) != 0;
}

/* Index of the wanted name, not found yet, that name[0..nlen) is, or n. */
static size_t hdr_pick_which(const struct hdr_want *want, size_t n,
                             const char *name, size_t nlen)
{
    char c0 = (char)(name[0] | 0x20);

    for (size_t i = 0; i < n; i++)
        if (!want[i].found && want[i].name_len == nlen &&
            (want[i].name[0] | 0x20) == c0 &&
            hdr_caseeq(name, want[i].name, nlen))
            return i;
    return n;
}

void hdr_pick(const char *blk, size_t len, struct hdr_want *want, size_t n)
{
    size_t pos = 0, left = n;
    uint64_t firsts[4] = {0}; /* first bytes of the names, | 0x20 */
    struct hdr_field f;

    hdr_pick_prepare(want, n, firsts);
    /* the fields hdr_next() returns, in order; a line is parsed as a field
     * only when its name is one still wanted (continuations start with a
     * blank, garbage lines have no colon or start with one: hdr_next()
     * passes over both) */
    while (left > 0 && pos < len) {
        const char *line = blk + pos, *colon;
        size_t rest = len - pos, ll, nlen, k;
        if (line[0] == '\r' || line[0] == '\n')
            break; /* the blank line */
        if (hdr_is_wsp(line[0]) || !hdr_first_wanted(firsts, line[0])) {
            pos += hdr_after_eol(line, hdr_eol(line, rest), rest);
            continue;
        }
        /* a name of name bytes right before the colon, as usual, found
         * 16 bytes a step; any other line as hdr_next() reads it */
        if ((nlen = hdr_name_end_in(line, 0, rest)) > 0 && nlen < rest &&
            line[nlen] == ':') {
            colon = line + nlen;
            ll = nlen + 1 + hdr_eol(colon + 1, rest - nlen - 1);
        } else {
            ll = hdr_eol(line, rest);
            colon = memchr(line, ':', ll);
            if (colon == NULL || colon == line) {
                pos += hdr_after_eol(line, ll, rest);
                continue;
            }
            nlen = hdr_name_len(line, colon);
        }
        size_t next = hdr_after_eol(line, ll, rest);
        if ((k = hdr_pick_which(want, n, line, nlen)) == n) {
            pos += next;
            continue;
        }
        pos = hdr_field_at(blk, len, line, colon, nlen, pos + next, &f);
        want[k].f = f;
        want[k].found = true;
        left--;
    }
}

/* The signature of a name, which hdr_index_link() chains fields by: its
 * first byte (| 0x20) and its length. */
static inline unsigned hdr_sig_bit(char c0, size_t len)
{
    return ((unsigned char)(c0 | 0x20) + (unsigned)len * 7u) & 63u;
}

/* tail[] of an index with no field: each signature's own head. */
static const unsigned char hdr_tail0[HDR_INDEX_SIGS] = {
#define HDR_T8(b) b, b + 1, b + 2, b + 3, b + 4, b + 5, b + 6, b + 7
    HDR_T8(HDR_INDEX_MAX), HDR_T8(HDR_INDEX_MAX + 8),
    HDR_T8(HDR_INDEX_MAX + 16), HDR_T8(HDR_INDEX_MAX + 24),
    HDR_T8(HDR_INDEX_MAX + 32), HDR_T8(HDR_INDEX_MAX + 40),
    HDR_T8(HDR_INDEX_MAX + 48), HDR_T8(HDR_INDEX_MAX + 56)
#undef HDR_T8
};

void hdr_index_begin(struct hdr_index *ix, const char *blk)
{
    _Static_assert(HDR_INDEX_MAX + HDR_INDEX_SIGS <= HDR_INDEX_END,
                   "chain links are bytes");
    ix->blk = blk;
    ix->len = 0;
    ix->n = 0;
    ix->over = false;
    ix->open = false;
    memset(ix->next + HDR_INDEX_MAX, HDR_INDEX_END, HDR_INDEX_SIGS);
    memcpy(ix->tail, hdr_tail0, sizeof ix->tail);
}

/* Chains field i (its name complete) to the fields of its signature:
 * no branch on the name. */
static inline void hdr_index_link(struct hdr_index *ix, size_t i)
{
    unsigned s = hdr_sig_bit(ix->f[i].name[0], ix->f[i].name_len);

    ix->next[ix->tail[s]] = (unsigned char)i;
    ix->tail[s] = (unsigned char)i;
    ix->next[i] = HDR_INDEX_END;
}

/* The open field ends where the line at off starts.  Its value already
 * ends where the content of its last line does (lines hold no CR or LF:
 * hdr_line() ends them at the first), as hdr_next() has it once it has
 * dropped the line end. */
static void hdr_index_close(struct hdr_index *ix, size_t off)
{
    struct hdr_field *f;
    size_t vstart, end;

    if (!ix->open) /* then n > 0 */
        return;
    f = &ix->f[ix->n - 1];
    ix->open = false;
    vstart = (size_t)(f->value - ix->blk);
    if (vstart + f->value_len <= off)
        return;
    end = off; /* a block that ends inside its last line */
    while (end > vstart &&
           (ix->blk[end - 1] == '\n' || ix->blk[end - 1] == '\r'))
        end--;
    f->value_len = end - vstart;
}

/* A continuation line[0..ll): the open field's value runs to its end for
 * now. */
static void hdr_index_cont(struct hdr_index *ix, const char *line, size_t ll)
{
    if (ix->open)
        ix->f[ix->n - 1].value_len =
            (size_t)(line + ll - ix->f[ix->n - 1].value);
}

/* A field line line[0..ll) whose first ':' is colon (the value of the
 * field before it already ends where its last line does). */
static void hdr_index_field(struct hdr_index *ix, const char *line, size_t ll,
                            const char *colon)
{
    struct hdr_field *f;

    ix->open = false;
    if (ix->over)
        return;
    if (ix->n == HDR_INDEX_MAX) {
        ix->over = true;
        return;
    }
    f = &ix->f[ix->n++];
    f->name = line;
    f->name_len = (size_t)(colon - line);
    while (f->name_len > 0 && hdr_is_wsp(line[f->name_len - 1]))
        f->name_len--;
    f->value = colon + 1;
    f->value_len = (size_t)(line + ll - f->value);
    ix->open = true;
    hdr_index_link(ix, ix->n - 1);
}

void hdr_index_line(struct hdr_index *ix, size_t off, size_t ll, size_t next,
                    size_t colon_at)
{
    const char *line = ix->blk + off;
    const char *colon;

    (void)next;
    if (ll > 0 && hdr_is_wsp(line[0])) { /* a continuation, or stray */
        hdr_index_cont(ix, line, ll);
        return;
    }
    /* the open field ends here: its value ends where its last line does */
    ix->open = false;
    if (ll == 0 || ix->over)
        return;
    if (colon_at == HDR_COLON_UNKNOWN)
        colon = memchr(line, ':', ll);
    else
        colon = colon_at < ll ? line + colon_at : NULL;
    if (colon == NULL || colon == line)
        return; /* garbage line */
    hdr_index_field(ix, line, ll, colon);
}

size_t hdr_name_end(const char *line, size_t i, size_t ll)
{
    return hdr_name_end_in(line, i, ll);
}

/* Adds the field whose name, without blanks, is line[0..colon) and
 * whose value runs to the end of the line at line[ll] (what
 * hdr_index_field() does for such a name). */
static inline void hdr_index_named(struct hdr_index *ix, const char *line,
                                   size_t colon, size_t ll)
{
    struct hdr_field *f;

    ix->open = false;
    if (ix->over || ix->n == HDR_INDEX_MAX) {
        ix->over = true;
        return;
    }
    f = &ix->f[ix->n++];
    f->name = line;
    f->name_len = colon;
    f->value = line + colon + 1;
    f->value_len = ll - colon - 1;
    ix->open = true;
    hdr_index_link(ix, ix->n - 1);
}

#if defined(__SSE2__)
/* The bits of the bytes of the 16 at p that no field name holds: ':' and
 * those up to ' ' or from 0x7f (hdr_name_end_in()). */
static inline unsigned hdr_nonname16(const char *p)
{
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i name = _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8(' ')),
                                 _mm_cmplt_epi8(x, _mm_set1_epi8(0x7f)));

    return ~(unsigned)_mm_movemask_epi8(_mm_andnot_si128(
               _mm_cmpeq_epi8(x, _mm_set1_epi8(':')), name)) &
           0xffffu;
}
#endif

/* The end of the name at line[0..rest) (hdr_name_end_in()) into *c, and
 * the offset of the line's first CR or LF (or rest) into *ll: where 64
 * bytes remain, both from one pass over them, which holds most lines
 * whole. */
static inline void hdr_line_marks(const char *line, size_t rest, size_t *c,
                                  size_t *ll)
{
#if defined(__SSE2__)
    if (rest >= 64) {
        uint64_t nn = (uint64_t)hdr_nonname16(line) |
                      (uint64_t)hdr_nonname16(line + 16) << 16 |
                      (uint64_t)hdr_nonname16(line + 32) << 32 |
                      (uint64_t)hdr_nonname16(line + 48) << 48;
        uint64_t e = scan_eol64(line);
        *c = nn != 0 ? (size_t)__builtin_ctzll(nn)
                     : hdr_name_end_in(line, 64, rest);
        *ll = e != 0 ? (size_t)__builtin_ctzll(e) : scan_eol(line, 64, rest);
        return;
    }
#endif
    *c = hdr_name_end_in(line, 0, rest);
    *ll = hdr_eol(line, rest);
}

size_t hdr_index_run(struct hdr_index *ix, size_t pos, size_t len,
                     size_t *ll_r, size_t *next_r)
{
    while (pos < len) {
        const char *line = ix->blk + pos;
        size_t rest = len - pos, ll, c;
        /* the name ends at ':' or a byte no name has (CR and LF among
         * them), so a colon found is on this line, and the line's end is
         * past it */
        hdr_line_marks(line, rest, &c, &ll);

        if (c > 0 && c < rest && line[c] == ':' && line[0] != '-') {
            hdr_index_named(ix, line, c, ll);
        } else if (c == 0 && hdr_is_wsp(line[0]) && pos > 0) {
            hdr_index_cont(ix, line, ll);
        } else {
            *ll_r = ll;
            *next_r = hdr_after_eol(line, ll, rest);
            return pos;
        }
        pos += hdr_after_eol(line, ll, rest);
    }
    return pos;
}

void hdr_index_end(struct hdr_index *ix, size_t len)
{
    hdr_index_close(ix, len);
    ix->len = len;
}

void hdr_index_build(const char *blk, size_t len, struct hdr_index *ix)
{
    size_t pos = 0;
    struct hdr_field f;

    hdr_index_begin(ix, blk);
    ix->len = len;
    while (hdr_next(blk, len, &pos, &f)) {
        if (ix->n == HDR_INDEX_MAX) {
            ix->over = true;
            return;
        }
        ix->f[ix->n++] = f;
        hdr_index_link(ix, ix->n - 1);
    }
}

const struct hdr_field *hdr_index_find(const struct hdr_index *ix,
                                       const char *name, size_t nlen)
{
    unsigned i = ix->next[HDR_INDEX_MAX + hdr_sig_bit(name[0], nlen)];

    for (; i != HDR_INDEX_END; i = ix->next[i]) {
        const struct hdr_field *f = &ix->f[i];
        if (f->name_len == nlen && hdr_caseeq(f->name, name, nlen))
            return f;
    }
    return NULL;
}

void hdr_index_pick(const struct hdr_index *ix, struct hdr_want *want, size_t n)
{
    if (ix->over) {
        hdr_pick(ix->blk, ix->len, want, n);
        return;
    }
    /* each name among the fields of its signature (hdr_index_link()):
     * the branches follow the names wanted, not every field of the block */
    for (size_t k = 0; k < n; k++) {
        if (want[k].name_len == 0)
            want[k].name_len = strlen(want[k].name);
        const struct hdr_field *f =
            hdr_index_find(ix, want[k].name, want[k].name_len);
        want[k].found = f != NULL;
        if (f != NULL)
            want[k].f = *f;
    }
}

/* Bytes that hdr_unfold() turns into (at most) one space. */
static bool hdr_unfold_blank(unsigned char c)
{
    return c <= ' ' &&
           (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == 0);
}

#if defined(__SSE2__)
/* Lanes of the 16 bytes at p where hdr_unfold_run() must look byte by
 * byte: bytes <= ' ' (unsigned) but for a space followed, in the same 16
 * bytes, by a byte above ' ' (a single space between words). */
static unsigned hdr_unfold_stops(const char *p)
{
    const __m128i sp = _mm_set1_epi8(' ');
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
    unsigned low = (unsigned)_mm_movemask_epi8(
        _mm_cmpeq_epi8(_mm_max_epu8(x, sp), sp));
    unsigned space = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, sp));

    return low & ~(space & ~(low >> 1) & 0x7fffu);
}
#endif

/* End of the run from v[j], at most lim, of bytes other than
 * hdr_unfold_blank() ones and of single spaces between two such bytes
 * (which unfolding keeps as they are: prose is copied a line, not a word,
 * at a time): 16 bytes a step where SSE2 is, the last step over the 16
 * bytes that end at lim (those before j were read already). */
static size_t hdr_unfold_run(const char *v, size_t j, size_t lim)
{
    while (j < lim) {
#if defined(__SSE2__)
        if (j + 16 <= lim) {
            unsigned m = hdr_unfold_stops(v + j);
            if (m == 0) {
                j += 16;
                continue;
            }
            j += (size_t)__builtin_ctz(m);
        } else if (lim >= 16) {
            unsigned m = hdr_unfold_stops(v + lim - 16) >> (j - (lim - 16));
            if (m == 0)
                return lim;
            j += (size_t)__builtin_ctz(m);
        }
#endif
        if (hdr_unfold_blank((unsigned char)v[j])) {
            /* a lone space before a byte that is no blank stays */
            if (v[j] != ' ' || j + 1 >= lim ||
                hdr_unfold_blank((unsigned char)v[j + 1]))
                break;
        }
        j++;
    }
    return j;
}

size_t hdr_unfold(const char *v, size_t vlen, char *out, size_t cap)
{
    size_t n = 0, i = 0;
    bool space = false;

    if (cap == 0)
        return 0;
    while (i < vlen) {
        if (hdr_unfold_blank((unsigned char)v[i])) {
            space = n > 0;
            i++;
            continue;
        }
        if (space && n + 1 < cap)
            out[n++] = ' ';
        space = false;
        /* a run of other bytes, as much of it as fits before the NUL */
        size_t room = cap - 1 - n; /* @UNSAFE: n < cap here */
        size_t lim = vlen - i < room ? vlen : i + room;
        size_t j = hdr_unfold_run(v, i, lim);
        if (j == i)
            break; /* full */
        memcpy(out + n, v + i, j - i);
        n += j - i;
        i = j;
    }
    out[n] = '\0';
    return n;
}

bool hdr_get(const char *blk, size_t len, const char *name, char *out,
             size_t cap)
{
    struct hdr_field f;

    if (!hdr_find(blk, len, name, &f))
        return false;
    hdr_unfold(f.value, f.value_len, out, cap);
    return true;
}

/* ISO-8859-1 byte c as UTF-8 into out[*n..cap). */
static void hdr_put_latin1(unsigned char c, char *out, size_t *n, size_t cap)
{
    if (c < 0x80) {
        if (*n + 1 < cap)
            out[(*n)++] = (char)c;
    } else if (*n + 2 < cap) {
        out[(*n)++] = (char)(0xc0 | (c >> 6));
        out[(*n)++] = (char)(0x80 | (c & 0x3f));
    }
}

/* Charset names (not terminated) read as ISO-8859-1 / as UTF-8. */
static bool hdr_latin1(const char *cs, size_t n)
{
    return (n == 10 && strncasecmp(cs, "iso-8859-1", 10) == 0) ||
           (n == 11 && strncasecmp(cs, "iso-8859-15", 11) == 0) ||
           (n == 12 && strncasecmp(cs, "windows-1252", 12) == 0) ||
           (n == 6 && strncasecmp(cs, "latin1", 6) == 0);
}

static bool hdr_utf8(const char *cs, size_t n)
{
    return (n == 5 && strncasecmp(cs, "utf-8", 5) == 0) ||
           (n == 4 && strncasecmp(cs, "utf8", 4) == 0) ||
           (n == 8 && strncasecmp(cs, "us-ascii", 8) == 0);
}

/* Decodes one encoded word w[0..wlen) ("=?cs?X?text?=") into out; returns
 * false when it is not a well-formed encoded word. */
static bool hdr_word(const char *w, size_t wlen, char *out, size_t *n,
                     size_t cap)
{
    const char *q1 = memchr(w + 2, '?', wlen - 2);
    if (q1 == NULL || q1 + 3 >= w + wlen || q1[2] != '?')
        return false;
    char enc = q1[1];
    const char *text = q1 + 3;
    size_t tlen = (size_t)(w + wlen - 2 - text);
    char tmp[1024];
    size_t csl = (size_t)(q1 - (w + 2)), dl;
    bool bad = false, latin1 = hdr_latin1(w + 2, csl);

    if (enc == 'B' || enc == 'b')
        dl = codec_base64(text, tlen, tmp, sizeof tmp, &bad);
    else if (enc == 'Q' || enc == 'q')
        dl = codec_qp(text, tlen, tmp, sizeof tmp, true, &bad);
    else
        return false;
    if (!latin1 && !hdr_utf8(w + 2, csl)) {
        /* other charsets through iconv(); unknown ones stay encoded */
        size_t m;
        if (*n >= cap ||
            !charset_to_utf8(w + 2, csl, tmp, dl, out + *n, cap - *n, &m))
            return false;
        *n += m;
        return true;
    }
    for (size_t i = 0; i < dl; i++) {
        if (latin1) {
            hdr_put_latin1((unsigned char)tmp[i], out, n, cap);
        } else if (*n + 1 < cap) {
            out[(*n)++] = tmp[i];
        }
    }
    return true;
}

/* Length of the encoded word at s[0..len) or 0 when none starts there. */
static size_t hdr_word_len(const char *s, size_t len)
{
    size_t q = 0;

    if (len < 8 || s[0] != '=' || s[1] != '?')
        return 0;
    for (size_t i = 2; i + 1 < len && i < 1000; i++) {
        if (s[i] == ' ')
            return 0;
        if (s[i] == '?') {
            q++;
            if (q >= 3 && s[i + 1] == '=')
                return i + 2;
        }
    }
    return 0;
}

bool hdr_has_word_start(const char *s, size_t len)
{
    const char *p = s, *end = s + len;

    while (p + 1 < end && (p = memchr(p, '=', (size_t)(end - p - 1))) != NULL) {
        if (p[1] == '?')
            return true;
        p++;
    }
    return false;
}

size_t hdr_decode(const char *v, size_t vlen, char *out, size_t cap)
{
    bool words;

    return hdr_decode_words(v, vlen, out, cap, &words);
}

size_t hdr_decode_words(const char *v, size_t vlen, char *out, size_t cap,
                        bool *words_r)
{
    size_t ul = hdr_unfold(v, vlen, out, cap);
    size_t n = 0, i = 0, pending_space = 0;
    bool last_word = false;

    *words_r = false;
    if (!hdr_has_word_start(out, ul))
        return ul; /* nothing encoded: the unfolded text is the result */

    /* Decoding never lengthens the text except Latin-1 (x2): decode from
     * out into itself is not safe, so work from the right to a copy. */
    char buf[2048];
    if (ul >= sizeof buf)
        return ul; /* too long to bother: left undecoded */
    *words_r = true; /* (perhaps: words that do not decode stay as they are) */
    memcpy(buf, out, ul);
    while (i < ul) {
        size_t wl = hdr_word_len(buf + i, ul - i);
        if (wl > 0 && hdr_word(buf + i, wl, out, &n, cap)) {
            pending_space = 0; /* space between words is dropped */
            last_word = true;
            i += wl;
            continue;
        }
        if (buf[i] == ' ' && last_word) {
            pending_space++;
            i++;
            continue;
        }
        for (; pending_space > 0 && n + 1 < cap; pending_space--)
            out[n++] = ' ';
        last_word = false;
        if (n + 1 < cap)
            out[n++] = buf[i];
        i++;
    }
    out[n] = '\0';
    return n;
}

/* Blanks around MIME parameters (NUL counts as one). */
static bool hdr_param_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\0';
}

/* Bytes that end a run of a parameter value: HDR_PV_BARE for a bare
 * value (';' and the hdr_param_blank() ones end it), HDR_PV_QUOTED for a
 * quoted one ('"' ends it; '\\', CR and LF need a closer look). */
#define HDR_PV_BARE 1
#define HDR_PV_QUOTED 2
static const unsigned char hdr_pv_stop[256] = {
    ['\0'] = HDR_PV_BARE,
    [' '] = HDR_PV_BARE,
    ['\t'] = HDR_PV_BARE,
    [';'] = HDR_PV_BARE,
    ['\r'] = HDR_PV_BARE | HDR_PV_QUOTED,
    ['\n'] = HDR_PV_BARE | HDR_PV_QUOTED,
    ['"'] = HDR_PV_QUOTED,
    ['\\'] = HDR_PV_QUOTED};

/* Offset of the first byte of v[k..vlen) that ends a run of a value
 * (hdr_pv_stop[] & stop), or vlen: 16 bytes a step where SSE2 is. */
static size_t hdr_pv_run(const char *v, size_t k, size_t vlen, unsigned stop)
{
#if defined(__SSE2__)
    const __m128i cr = _mm_set1_epi8('\r'), lf = _mm_set1_epi8('\n');
    const __m128i a = _mm_set1_epi8(stop == HDR_PV_QUOTED ? '"' : ';');
    const __m128i b = _mm_set1_epi8(stop == HDR_PV_QUOTED ? '\\' : ' ');
    const __m128i c = _mm_set1_epi8(stop == HDR_PV_QUOTED ? '\r' : '\t');
    const __m128i d = _mm_set1_epi8(stop == HDR_PV_QUOTED ? '\r' : '\0');

    for (; k + 16 <= vlen; k += 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(v + k));
        __m128i e = _mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi8(x, cr), _mm_cmpeq_epi8(x, lf)),
            _mm_or_si128(_mm_cmpeq_epi8(x, a), _mm_cmpeq_epi8(x, b)));
        e = _mm_or_si128(e, _mm_or_si128(_mm_cmpeq_epi8(x, c),
                                         _mm_cmpeq_epi8(x, d)));
        unsigned m = (unsigned)_mm_movemask_epi8(e);
        if (m != 0)
            return k + (size_t)__builtin_ctz(m);
    }
#endif
    while (k < vlen && (hdr_pv_stop[(unsigned char)v[k]] & stop) == 0)
        k++;
    return k;
}

/* Reads the value that starts at v[j] (after its opening quote when
 * quoted) into out: a bare one ends at ';' or a blank, a quoted one at
 * '"', where '\\' quotes the byte after it and CR and LF are dropped.
 * Runs of plain bytes are copied at once. */
static void hdr_param_value(const char *v, size_t vlen, size_t j, bool quoted,
                            char *out, size_t cap)
{
    unsigned stop = quoted ? HDR_PV_QUOTED : HDR_PV_BARE;
    size_t n = 0;

    while (j < vlen) {
        size_t k = hdr_pv_run(v, j, vlen, stop);
        size_t room = cap > n + 1 ? cap - n - 1 : 0; /* @UNSAFE */
        size_t run = k - j < room ? k - j : room;
        memcpy(out + n, v + j, run);
        n += run;
        j = k;
        if (j >= vlen || !quoted || v[j] == '"')
            break;
        if (v[j] == '\\' && j + 1 < vlen)
            j++; /* the quoted byte, CR and LF dropped as below */
        if (v[j] != '\r' && v[j] != '\n' && n + 1 < cap)
            out[n++] = v[j];
        j++;
    }
    if (cap > 0)
        out[n] = '\0';
}

/* Is the parameter at v[i..vlen) (its name's first byte) called name?
 * Then its value, unquoted, goes to out and true is returned. */
static bool hdr_param_at(const char *v, size_t vlen, size_t i, const char *name,
                         size_t nlen, char *out, size_t cap)
{
    /* a first byte that differs, case bit aside, is no match */
    if (vlen - i <= nlen || (v[i] | 0x20) != (name[0] | 0x20) ||
        !hdr_caseeq(v + i, name, nlen))
        return false;
    size_t j = i + nlen;
    while (j < vlen && (v[j] == ' ' || v[j] == '\t'))
        j++;
    if (j >= vlen || v[j] != '=')
        return false;
    j++;
    while (j < vlen && (v[j] == ' ' || v[j] == '\t'))
        j++;
    bool quoted = j < vlen && v[j] == '"';
    hdr_param_value(v, vlen, j + quoted, quoted, out, cap);
    return true;
}

bool hdr_param(const char *v, size_t vlen, const char *name, char *out,
               size_t cap)
{
    struct hdr_pwant w = {.name = name, .out = out, .cap = cap};

    hdr_params(v, vlen, &w, 1);
    return w.found;
}

void hdr_params(const char *v, size_t vlen, struct hdr_pwant *want, size_t n)
{
    size_t i = 0, left = n;

    for (size_t k = 0; k < n; k++) {
        want[k].found = false;
        if (want[k].name_len == 0)
            want[k].name_len = strlen(want[k].name);
    }
    while (i < vlen && left > 0) {
        const char *semi = memchr(v + i, ';', vlen - i);
        if (semi == NULL)
            return;
        i = (size_t)(semi - v) + 1;
        while (i < vlen && hdr_param_blank(v[i]))
            i++;
        for (size_t k = 0; k < n; k++) {
            struct hdr_pwant *w = &want[k];
            if (!w->found && hdr_param_at(v, vlen, i, w->name, w->name_len,
                                          w->out, w->cap)) {
                w->found = true;
                left--;
            }
        }
    }
}
