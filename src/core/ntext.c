/*
 * ntext.c - the notice text, made from raw leaves when needed (see
 * ntext.h).
 */
#include "core/ntext.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/charset.h"
#include "core/codec.h"
#include "core/scan.h"

#define NTEXT_CHUNK 4096 /* raw bytes read a step by ntext_head() */

void ntext_init(struct ntext *t, char *buf0, unsigned *errors, bool *oom)
{
    memset(t, 0, sizeof *t);
    t->buf0 = buf0;
    t->leaves = t->inline_leaves;
    t->leafcap = NTEXT_LEAVES_INLINE;
    t->errors = errors;
    t->oom = oom;
}

void ntext_release(struct ntext *t)
{
    if (t->text != t->buf0)
        free(t->text);
    t->text = NULL;
    if (t->leaves != t->inline_leaves)
        free(t->leaves);
    t->leaves = t->inline_leaves;
    t->nleaves = 0;
}

/* Room for n more bytes and a NUL; false (and *oom) when memory runs out. */
static bool ntext_room(struct ntext *t, size_t n)
{
    size_t ncap = t->cap == 0 ? NTEXT_FIRST : t->cap;
    char *s = NULL;

    if (t->len + n + 1 <= t->cap)
        return true;
    while (ncap < t->len + n + 1)
        ncap *= 2;
    if (t->cap == 0 && ncap == NTEXT_FIRST)
        s = t->buf0; /* the first text: in the caller's buffer */
    else if (t->text == t->buf0 && (s = malloc(ncap)) != NULL)
        memcpy(s, t->text, t->len); /* out of it */
    else if (t->text != t->buf0)
        s = realloc(t->text, ncap);
    if (s == NULL) {
        *t->oom = true;
        return false;
    }
    t->text = s;
    t->cap = ncap;
    return true;
}

/* Appends s[0..n), bounded so that a line break still fits under
 * NTEXT_MAX: a leaf added in pieces gets what one call would have given
 * it.  Returns the bytes appended. */
static size_t ntext_put(struct ntext *t, const char *s, size_t n)
{
    if (t->len + n + 2 > NTEXT_MAX)
        n = NTEXT_MAX > t->len + 2 ? NTEXT_MAX - t->len - 2 : 0;
    if (n == 0 || !ntext_room(t, n + 1))
        return 0;
    memcpy(t->text + t->len, s, n);
    t->len += n;
    t->text[t->len] = '\0';
    return n;
}

/* The line break that ends a leaf's text, when the leaf gave any. */
static void ntext_end_leaf(struct ntext *t, size_t len_before)
{
    if (t->len > len_before && ntext_room(t, 1)) {
        t->text[t->len++] = '\n';
        t->text[t->len] = '\0';
    }
}

/* How a text leaf's charset (lower case) is read. */
enum ntext_cs {
    NCS_NATIVE, /* none, UTF-8, US-ASCII: the text goes in as it is */
    NCS_LATIN1, /* ISO-8859-1 and its kin: turned into UTF-8 here */
    NCS_ICONV,  /* any other: turned into UTF-8 by iconv() */
};

/* Is the charset cs (a NUL-ended string in the 32 bytes of
 * ntext_leaf.charset) the literal lit?  Its bytes with the NUL, in a word
 * or two, not by a call. */
#define NTEXT_CS_IS(cs, lit) (memcmp((cs), lit, sizeof lit) == 0)

/* The class of charset cs, told by its first byte before any compare. */
static enum ntext_cs ntext_charset_kind(const char cs[32])
{
    switch (cs[0]) {
    case '\0':
        return NCS_NATIVE;
    case 'a':
        return NTEXT_CS_IS(cs, "ascii") ? NCS_NATIVE : NCS_ICONV;
    case 'u':
        return NTEXT_CS_IS(cs, "utf-8") || NTEXT_CS_IS(cs, "utf8") ||
                       NTEXT_CS_IS(cs, "us-ascii")
                   ? NCS_NATIVE
                   : NCS_ICONV;
    case 'i':
        return NTEXT_CS_IS(cs, "iso-8859-1") ||
                       NTEXT_CS_IS(cs, "iso-8859-15")
                   ? NCS_LATIN1
                   : NCS_ICONV;
    case 'w':
        return NTEXT_CS_IS(cs, "windows-1252") ? NCS_LATIN1 : NCS_ICONV;
    case 'l':
        return NTEXT_CS_IS(cs, "latin1") ? NCS_LATIN1 : NCS_ICONV;
    default:
        return NCS_ICONV;
    }
}

/* Text of another charset (ISO-2022-JP, Shift_JIS, KOI8-R ...) turned
 * into UTF-8 by iconv(); text iconv() does not know goes in as it is. */
static void ntext_put_iconv(struct ntext *t, const char *charset,
                            const char *d, size_t dn)
{
    size_t cap = 3 * dn + 4, n; /* @UNSAFE: dn <= max_message_bytes */
    char *u = malloc(cap);

    if (u == NULL) {
        *t->oom = true;
        return;
    }
    if (charset_to_utf8(charset, strlen(charset), d, dn, u, cap, &n))
        (void)ntext_put(t, u, n);
    else
        (void)ntext_put(t, d, dn);
    free(u);
}

/* Offset of the first byte of d[0..dn) above 0x7f, or dn: 8 bytes a
 * step. */
static size_t ntext_first_high(const char *d, size_t dn)
{
    size_t i = 0;

    for (; i + 8 <= dn; i += 8) {
        uint64_t x;
        memcpy(&x, d + i, sizeof x);
        if ((x & UINT64_C(0x8080808080808080)) != 0)
            break;
    }
    while (i < dn && (unsigned char)d[i] < 0x80)
        i++;
    return i;
}

/* ISO-8859-1 bytes d[0..dn) as UTF-8 into u (2 * dn bytes at most);
 * their length. */
static size_t ntext_latin1(const char *d, size_t dn, char *u)
{
    size_t o = 0;

    for (size_t i = 0; i < dn; i++) {
        unsigned char ch = (unsigned char)d[i];
        if (ch < 0x80) {
            u[o++] = (char)ch;
        } else {
            u[o++] = (char)(0xc0 | (ch >> 6));
            u[o++] = (char)(0x80 | (ch & 0x3f));
        }
    }
    return o;
}

/* Text of a charset of kind cs (not NCS_ICONV): ISO-8859-1 and its kin
 * turned into UTF-8 one byte at a time, so that pieces of a leaf come out
 * as the whole leaf would. */
static void ntext_put_plain(struct ntext *t, enum ntext_cs cs, const char *d,
                            size_t dn)
{
    size_t first = cs == NCS_LATIN1 ? ntext_first_high(d, dn) : dn, o;

    if (first == dn) {
        (void)ntext_put(t, d, dn);
        return;
    }
    /* two bytes at most for each byte from the first 8-bit one on */
    char *u = malloc(dn + (dn - first) + 1); /* @UNSAFE: first < dn */
    if (u == NULL) {
        *t->oom = true;
        return;
    }
    memcpy(u, d, first);
    o = first + ntext_latin1(d + first, dn - first, u + first);
    (void)ntext_put(t, u, o);
    free(u);
}

static char ntext_lower(char c)
{
    return (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
}

/* Does the text after a '<' make it a tag? */
static bool ntext_tag_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '/' ||
           c == '!';
}

/* Tags that become a line break: names starting "br", "p", "/p", "div",
 * "tr" or "/tr", ignoring ASCII case.  A byte is read only after the one
 * before it matched, and '>' matches none: nothing past the tag's '>' (or
 * past a NUL) is read. */
static bool ntext_block_tag(const char *s)
{
    size_t k = s[0] == '/';
    char c0 = ntext_lower(s[k]);

    if (c0 == 'p')
        return true;
    if (c0 == 't')
        return ntext_lower(s[k + 1]) == 'r';
    if (k == 1)
        return false;
    if (c0 == 'b')
        return ntext_lower(s[1]) == 'r';
    return c0 == 'd' && ntext_lower(s[1]) == 'i' && ntext_lower(s[2]) == 'v';
}

/* Is the tag whose name starts at s (after its '<') an inline one
 * ("span", "b", "a", "font", ...; opening or closing), which a browser
 * shows with no space of its own ("<span>a</span>&#64;<span>b.example")?
 * Bytes are read as ntext_block_tag() reads them. */
static bool ntext_inline_tag(const char *s)
{
    static const char *const names[] = {"span", "b",    "i",      "u",
                                        "a",    "font", "strong", "em",
                                        "small", "big", "tt",     "code",
                                        "sub",  "sup"};
    size_t k = s[0] == '/';

    switch (ntext_lower(s[k])) { /* the first letters of names[] */
    case 's': case 'b': case 'i': case 'u': case 'a': case 'f': case 'e':
    case 't': case 'c':
        break;
    default:
        return false;
    }
    for (size_t n = 0; n < sizeof names / sizeof names[0]; n++) {
        size_t j = 0;
        while (names[n][j] != '\0' && ntext_lower(s[k + j]) == names[n][j])
            j++;
        if (names[n][j] != '\0')
            continue;
        char c = s[k + j];
        if (c == '>' || c == ' ' || c == '\t' || c == '\r' || c == '\n' ||
            c == '/')
            return true;
    }
    return false;
}

/* Where ntext_untag() is in a text that comes in pieces: bytes read,
 * bytes written, and the end of the bytes known to hold no '>' after the
 * '<' it stopped at (so that a tag open for long is not searched again). */
struct ntext_untag_at {
    size_t i, o, gt_from;
};

/* The value of a digit in base 10 or 16, -1 when c is none. */
static int ntext_digit(char c, bool hex)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (hex && c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (hex && c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* A numeric character reference at s[0..n) ("&#39;", "&#x27;"): the code
 * point, with *used the bytes it took; 0 when s does not hold one whole
 * (eight digits at most), or it names no character (NUL, a surrogate,
 * past U+10FFFF). */
static unsigned long ntext_numeric_ref(const char *s, size_t n, size_t *used)
{
    bool hex = n > 2 && (s[2] == 'x' || s[2] == 'X');
    size_t i = 2 + hex, digits = 0;
    unsigned long cp = 0;
    int v;

    if (n < 4 || s[1] != '#')
        return 0;
    for (; i < n && digits < 8 && (v = ntext_digit(s[i], hex)) >= 0;
         i++, digits++)
        cp = cp * (hex ? 16 : 10) + (unsigned long)v;
    if (digits == 0 || i >= n || s[i] != ';' || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    *used = i + 1;
    return cp;
}

/* The character of an HTML character reference at s[0..n) (s[0] is the
 * '&') as UTF-8 into out[4]: its length, with *used the bytes it took; 0
 * when s does not start one this reader knows (it is then kept as
 * written).  A no-break space is a space. */
static size_t ntext_ref_char(const char *s, size_t n, size_t *used,
                             char out[4])
{
    static const struct {
        const char *name;
        char c;
    } named[] = {{"nbsp;", ' '}, {"lt;", '<'},    {"gt;", '>'},
                 {"amp;", '&'},  {"quot;", '"'}, {"apos;", '\''}};
    unsigned long cp;

    for (size_t k = 0; k < sizeof named / sizeof named[0]; k++) {
        size_t l = strlen(named[k].name);
        if (n > l && strncasecmp(s + 1, named[k].name, l) == 0) {
            *used = l + 1;
            out[0] = named[k].c;
            return 1;
        }
    }
    if ((cp = ntext_numeric_ref(s, n, used)) == 0)
        return 0;
    return charset_utf8_put(cp == 0xA0 ? ' ' : cp, out);
}

/* The '&' at s[*i] (of s[0..n)): the character of the reference it
 * starts written at s + *o, or the '&' itself; both advanced. */
static void ntext_ref(char *s, size_t n, size_t *i, size_t *o)
{
    char ch[4];
    size_t used = 0, k = ntext_ref_char(s + *i, n - *i, &used, ch);

    if (k == 0) {
        s[(*o)++] = s[(*i)++]; /* an '&' as written */
        return;
    }
    memcpy(s + *o, ch, k); /* @UNSAFE: k <= used, *o <= *i */
    *o += k;
    *i += used;
}

/* Can the bytes s[0..n) after an '&' still become a character reference
 * that they do not show whole yet?  (Then the caller waits for more.) */
static bool ntext_ref_open(const char *s, size_t n)
{
    return n < NTEXT_REF_MAX && memchr(s, ';', n) == NULL;
}


/* The address of a link to write to ('<a href="mailto:a@b?subject=x">'),
 * the tag being tag[0..n) (after its '<', before its '>'): its offset in
 * tag and its length in *len_r, or 0 when the tag is no such link.  A
 * notice may show a recipient by name alone, its address in the link. */
static size_t ntext_mailto(const char *tag, size_t n, size_t *len_r)
{
    static const char key[] = "mailto:";
    const size_t kn = sizeof key - 1;

    if (n < 2 + kn || ntext_lower(tag[0]) != 'a' ||
        (tag[1] != ' ' && tag[1] != '\t' && tag[1] != '\r' && tag[1] != '\n'))
        return 0;
    for (size_t i = 2; i + kn < n; i++) {
        if (ntext_lower(tag[i]) != 'm' || strncasecmp(tag + i, key, kn) != 0)
            continue;
        size_t a = i + kn, e = a;
        while (e < n && memchr("\"' \t\r\n?>", tag[e], 8) == NULL)
            e++;
        *len_r = e - a;
        return memchr(tag + a, '@', e - a) != NULL ? a : 0;
    }
    return 0;
}

/* Crude HTML to text, in place, resumable: s[at->i..n) (s NUL-terminated
 * at n) is read and its text written at s + at->o (o <= i): tags dropped
 * (a space for each but an inline one: ntext_inline_tag()), a link to
 * write to left as its address and a space (ntext_mailto()), block tags
 * become line breaks, character references the characters they stand for
 * (a reference is never shorter than its character), the text between
 * moved in runs.  Unless final, it stops at
 * a '<' or '&' that the bytes up to n cannot tell (the last byte, a tag
 * with no '>' yet, a reference not whole yet), so that more bytes
 * appended at n go on from there with the same result as one call over
 * all of them.  Returns false once a tag that never closes has hidden the
 * rest (final only). */
static bool ntext_untag(char *s, size_t n, struct ntext_untag_at *at,
                        bool final)
{
    size_t o = at->o, i = at->i;
    bool more = true;

    while (i < n) {
        size_t run = scan_find2(s, i, n, '<', '&') - i;
        memmove(s + o, s + i, run); /* @UNSAFE: o <= i */
        o += run;
        i += run;
        if (i < n && s[i] == '&') {
            if (!final && ntext_ref_open(s + i + 1, n - i - 1))
                break; /* told once more bytes come */
            ntext_ref(s, n, &i, &o);
            continue;
        }
        if (i >= n || (!final && i + 1 >= n))
            break;
        if (i + 1 >= n || !ntext_tag_start(s[i + 1])) {
            s[o++] = s[i++]; /* a lone '<' */
            continue;
        }
        size_t from = at->gt_from > i + 1 ? at->gt_from : i + 1;
        size_t gt = scan_find2(s, from, n, '>', '>');
        if (gt >= n && !final) {
            at->gt_from = n;
            break; /* told once more bytes come */
        }
        if (ntext_block_tag(s + i + 1))
            s[o++] = '\n';
        if (gt >= n) {
            i = n; /* a tag that never closes hides the rest */
            more = false;
            break;
        }
        size_t al, a = ntext_mailto(s + i + 1, gt - i - 1, &al);
        if (a > 0) { /* the address and a blank: shorter than the tag */
            memmove(s + o, s + i + 1 + a, al); /* @UNSAFE: o <= i */
            o += al;
            s[o++] = ' ';
        } else if (!ntext_inline_tag(s + i + 1)) {
            s[o++] = ' ';
        }
        i = gt + 1;
    }
    at->i = i;
    at->o = o;
    return more;
}

/* Keeps leaves in an array that grows, the first few inline. */
void ntext_leaf(struct ntext *t, const struct mime_part *p,
                enum ntext_kind kind)
{
    struct ntext_leaf *lf;

    if (t->nleaves == t->leafcap) {
        size_t ncap = 2 * t->leafcap; /* @UNSAFE: leaves <= max_parts */
        lf = malloc(ncap * sizeof *lf);
        if (lf == NULL) {
            *t->oom = true;
            return;
        }
        memcpy(lf, t->leaves, t->nleaves * sizeof *lf);
        if (t->leaves != t->inline_leaves)
            free(t->leaves);
        t->leaves = lf;
        t->leafcap = ncap;
    }
    lf = &t->leaves[t->nleaves++];
    lf->body = p->body;
    lf->len = p->body_len;
    lf->cte = p->cte;
    lf->kind = kind;
    memcpy(lf->charset, p->charset, sizeof lf->charset);
    lf->at = 0;
}

/* Decodes raw[0..len) of encoding cte into out (len bytes suffice). */
static size_t ntext_decode(struct ntext *t, enum mime_cte cte, const char *raw,
                           size_t len, char *out, size_t cap)
{
    bool bad = false;
    size_t n;

    if (cte == MIME_CTE_BASE64) {
        n = codec_base64(raw, len, out, cap, &bad);
    } else if (cte == MIME_CTE_QP) {
        n = codec_qp(raw, len, out, cap, false, &bad);
    } else {
        n = len < cap ? len : cap;
        memcpy(out, raw, n);
    }
    if (bad)
        *t->errors |= REPORT_ERR_ENCODING;
    return n;
}

/* An HTML leaf, decoded (d[0..dn), d[dn] writable), untagged: in UTF-8
 * first when its charset is another (the bytes of ISO-2022-JP, Shift_JIS
 * or GBK may look like '<' or '&'), then its tags and entities read. */
static void ntext_put_html(struct ntext *t, enum ntext_cs cs,
                           const char *charset, char *d, size_t dn)
{
    struct ntext_untag_at at = {0, 0, 0};
    char *u = NULL;
    size_t un = dn;

    if (cs != NCS_NATIVE) {
        size_t cap = 3 * dn + 4; /* @UNSAFE: dn <= max_message_bytes */
        if ((u = malloc(cap)) == NULL) {
            *t->oom = true;
            return;
        }
        if (cs == NCS_LATIN1) {
            un = ntext_latin1(d, dn, u);
            u[un] = '\0';
        } else if (!charset_to_utf8(charset, strlen(charset), d, dn, u, cap,
                                    &un)) {
            memcpy(u, d, dn + 1); /* a charset iconv() does not know */
            un = dn;
        }
        d = u;
    }
    (void)ntext_untag(d, un, &at, true);
    (void)ntext_put(t, d, at.o);
    free(u);
}

/* A leaf read whole, at once. */
static void ntext_read_all(struct ntext *t, struct ntext_leaf *lf)
{
    size_t before = t->len;
    enum ntext_cs cs = ntext_charset_kind(lf->charset);

    lf->at = lf->len;
    if (lf->cte == MIME_CTE_IDENTITY && lf->kind != NTEXT_HTML) {
        if (lf->kind == NTEXT_PLAIN && cs == NCS_ICONV)
            ntext_put_iconv(t, lf->charset, lf->body, lf->len);
        else
            ntext_put_plain(t, lf->kind == NTEXT_RAW ? NCS_NATIVE : cs,
                            lf->body, lf->len);
        ntext_end_leaf(t, before);
        return;
    }
    char *d = malloc(lf->len + 1);
    if (d == NULL) {
        *t->oom = true;
        return;
    }
    size_t dn = ntext_decode(t, lf->cte, lf->body, lf->len, d, lf->len);
    d[dn] = '\0';
    if (lf->kind == NTEXT_HTML) {
        ntext_put_html(t, cs, lf->charset, d, dn);
    } else if (lf->kind == NTEXT_PLAIN && cs == NCS_ICONV) {
        ntext_put_iconv(t, lf->charset, d, dn);
    } else {
        ntext_put_plain(t, lf->kind == NTEXT_RAW ? NCS_NATIVE : cs, d, dn);
    }
    ntext_end_leaf(t, before);
    free(d);
}

/* Does the text hold a line end at an offset >= head with a byte after
 * it?  (Then every line that starts before head ends within the text,
 * and so does the line end's own CRLF-or-CR question.)  The text only
 * grows, so the bytes looked at once are not looked at again. */
static bool ntext_enough(struct ntext *t, size_t head)
{
    size_t j = t->seen > head ? t->seen : head;

    for (; j + 1 < t->len; j++)
        if (t->text[j] == '\n' || t->text[j] == '\r')
            return true;
    t->seen = j;
    return false;
}

/* Where the piece of raw[0..len) read from at ends: after the first line
 * end at or past at + NTEXT_CHUNK - 1 (an LF, a CRLF, or a CR that no LF
 * follows), or len.  No quoted-printable escape spans such a line end: a
 * soft line break ends with it, and the others hold none.  The bytes
 * looked at are those the piece takes. */
static size_t ntext_piece_end(const char *raw, size_t len, size_t at)
{
    if (len - at <= NTEXT_CHUNK)
        return len;
    for (size_t j = at + NTEXT_CHUNK - 1; j < len; j++) {
        if (raw[j] == '\n')
            return j + 1;
        if (raw[j] == '\r')
            return j + 1 < len && raw[j + 1] == '\n' ? j + 2 : j + 1;
    }
    return len;
}

/* A quoted-printable or unencoded leaf read in pieces until the text is
 * enough for head or the leaf ends.  d holds the decoded bytes: HTML is
 * untagged in it as they come (at: ntext_untag()'s place). */
static void ntext_read_head(struct ntext *t, struct ntext_leaf *lf,
                            size_t head)
{
    size_t before = t->len, dn = 0;
    struct ntext_untag_at at = {0, 0, 0};
    enum ntext_cs cs = lf->kind == NTEXT_PLAIN
                           ? ntext_charset_kind(lf->charset)
                           : NCS_NATIVE;
    bool copy = lf->cte == MIME_CTE_QP || lf->kind == NTEXT_HTML, more = true;
    char *d = copy ? malloc(lf->len + 1) : NULL;

    if (copy && d == NULL) {
        *t->oom = true;
        return;
    }
    while (lf->at < lf->len && !ntext_enough(t, head)) {
        size_t end = ntext_piece_end(lf->body, lf->len, lf->at);
        const char *piece = lf->body + lf->at;
        size_t pn = end - lf->at, o0 = at.o;
        if (copy) {
            pn = ntext_decode(t, lf->cte, piece, pn, d + dn, lf->len - dn);
            piece = d + dn;
            dn += pn;
            d[dn] = '\0';
        }
        lf->at = end;
        if (lf->kind != NTEXT_HTML)
            ntext_put_plain(t, cs, piece, pn);
        else if (more) {
            more = ntext_untag(d, dn, &at, end == lf->len);
            (void)ntext_put(t, d + o0, at.o - o0);
        }
    }
    if (lf->at == lf->len)
        ntext_end_leaf(t, before);
    free(d);
}

void ntext_all(struct ntext *t)
{
    for (; t->next < t->nleaves && !*t->oom; t->next++)
        ntext_read_all(t, &t->leaves[t->next]);
}

void ntext_head(struct ntext *t, size_t head)
{
    for (; t->next < t->nleaves && !*t->oom; t->next++) {
        struct ntext_leaf *lf = &t->leaves[t->next];
        if (ntext_enough(t, head))
            return;
        enum ntext_cs cs = ntext_charset_kind(lf->charset);
        if (lf->cte == MIME_CTE_BASE64 ||
            (lf->kind == NTEXT_PLAIN && cs == NCS_ICONV) ||
            (lf->kind == NTEXT_HTML && cs != NCS_NATIVE))
            ntext_read_all(t, lf); /* no pieces: iconv(), base64, HTML
                                      to turn into UTF-8 */
        else
            ntext_read_head(t, lf, head);
        if (lf->at < lf->len)
            return; /* enough, within this leaf */
    }
}

void ntext_finish(struct ntext *t)
{
    char none;

    for (size_t k = t->next; k < t->nleaves; k++) {
        const struct ntext_leaf *lf = &t->leaves[k];
        if ((*t->errors & REPORT_ERR_ENCODING) != 0)
            return;
        if (lf->cte != MIME_CTE_IDENTITY && lf->at < lf->len)
            (void)ntext_decode(t, lf->cte, lf->body + lf->at,
                               lf->len - lf->at, &none, 0);
    }
}
