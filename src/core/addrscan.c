/*
 * addrscan.c - finding and tidying addresses in free text (addrscan.h).
 */
#include "config.h"

#include "core/addrscan.h"

#include <stdint.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* Byte classes, one table lookup a byte: AS_ATEXT for a local part's
 * atext (RFC 5322, and UTF-8 bytes for RFC 6531 local parts, and '.'),
 * AS_LOCAL for the atext that never ends a local part found in prose (all
 * but '/', '&' and '=': addrscan_local_start()), AS_DTEXT for a domain's
 * letters, digits, "-._" and UTF-8 bytes, AS_DROP for what
 * addrscan_normalize() leaves out (quotes, <>, blanks, CR, LF, NUL),
 * AS_DOMAIN for what a normalised domain may hold (dtext, "[]:"). */
enum { AS_ATEXT = 1, AS_DTEXT = 2, AS_DROP = 4, AS_DOMAIN = 8,
       AS_LOCAL = 16 };
static const unsigned char addrscan_class[256] = {
    4, 0, 0, 0, 0, 0, 0, 0, 0, 4, 4, 0, 0, 4, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    4, 17, 4, 17, 17, 17, 1, 17, 0, 0, 17, 17, 0, 27, 27, 1,
    27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 8, 0, 4, 1, 4, 17,
    0, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27,
    27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 8, 0, 8, 17, 27,
    17, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27,
    27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 17, 17, 17, 17, 0,
    27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27,
    27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27,
    27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27,
    27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27,
    27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27,
    27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27,
    27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27,
    27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27,
};

static bool addrscan_dtext(unsigned char c)
{
    return (addrscan_class[c] & AS_DTEXT) != 0;
}

/* Is the UTF-8 sequence u[0..n) a space or punctuation mark that no
 * address holds, though its bytes are atext and dtext (RFC 6531): Latin-1
 * punctuation (U+00A0-U+00BF but the letters U+00AA, U+00B5 and U+00BA),
 * general punctuation (U+2000-U+205F but the joiners U+200C and U+200D,
 * which stand inside words), CJK symbols and punctuation (U+3000-U+303F)
 * and the full-width forms of ASCII punctuation ("\xef\xbc\x9a", the
 * full-width colon, before an address in Japanese or Chinese prose)? */
static bool addrscan_utf8_break(const unsigned char *u, size_t n)
{
    if (n == 2)
        return u[0] == 0xc2 && u[1] >= 0xa0 && u[1] <= 0xbf &&
               u[1] != 0xaa && u[1] != 0xb5 && u[1] != 0xba;
    if (n != 3 || (u[0] & 0xf0) != 0xe0 || (u[1] & 0xc0) != 0x80 ||
        (u[2] & 0xc0) != 0x80)
        return false;
    unsigned cp = (u[0] & 0x0fu) << 12 | (u[1] & 0x3fu) << 6 | (u[2] & 0x3fu);
    return (cp >= 0x2000 && cp <= 0x205f && cp != 0x200c && cp != 0x200d) ||
           (cp >= 0x3000 && cp <= 0x303f) ||
           (cp >= 0xff01 && cp <= 0xff0f) || (cp >= 0xff1a && cp <= 0xff20) ||
           (cp >= 0xff3b && cp <= 0xff40) || (cp >= 0xff5b && cp <= 0xff65);
}

/* Length of the UTF-8 sequence whose lead byte is c (2 or 3; 1 for any
 * other byte: only those sequences can be addrscan_utf8_break()). */
static size_t addrscan_utf8_len(unsigned char c)
{
    return (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : 1;
}

/* Does an addrscan_utf8_break() sequence start at s[i] (< len)? */
static bool addrscan_break_at(const char *s, size_t len, size_t i)
{
    size_t n = addrscan_utf8_len((unsigned char)s[i]);

    return n > 1 && len - i >= n &&
           addrscan_utf8_break((const unsigned char *)s + i, n);
}

/* Does an addrscan_utf8_break() sequence end at s[e - 1] (from <= e)? */
static bool addrscan_break_before(const char *s, size_t from, size_t e)
{
    size_t k = e; /* back over continuation bytes: s[k - 1] leads */

    while (k > from && e - k < 3 && ((unsigned char)s[k - 1] & 0xc0) == 0x80)
        k--;
    if (k == from || e - k >= 3)
        return false;
    size_t n = e - (k - 1);
    return addrscan_utf8_len((unsigned char)s[k - 1]) == n &&
           addrscan_utf8_break((const unsigned char *)s + k - 1, n);
}

/* The domain after the '@' at s[i]: dtext up to len, less a sentence's
 * full stop; its end in *end_r.  True when it is dot-separated non-empty
 * labels, at least two of them: the first '.' and the first ".." are
 * noted as it is read (a trimmed end holds neither a '.' nor a '-', so
 * that only they matter). */
static bool addrscan_domain(const char *s, size_t len, size_t i,
                            size_t *end_r)
{
    size_t de = i + 1, dot = 0, dotdot = 0; /* 0: none seen */

    while (de < len && addrscan_dtext((unsigned char)s[de]) &&
           !((unsigned char)s[de] >= 0xc0 && addrscan_break_at(s, len, de))) {
        if (s[de] == '.') {
            if (dot == 0)
                dot = de;
            if (s[de - 1] == '.' && dotdot == 0)
                dotdot = de;
        }
        de++;
    }
    while (de > i + 1 && (s[de - 1] == '.' || s[de - 1] == '-'))
        de--; /* a sentence's full stop */
    *end_r = de;
    return de > i + 1 && s[i + 1] != '.' && dot != 0 && dot < de &&
           (dotdot == 0 || dotdot >= de);
}

/* Start of the quoted string that ends with the '"' at q, searched back
 * at most 64 bytes and not before floor; q + 1 (no local part) if none. */
static size_t addrscan_quoted_start(const char *s, size_t q, size_t floor)
{
    for (size_t k = q; k > floor && q - k < 64; k--)
        if (s[k - 1] == '"')
            return k - 1;
    return q + 1;
}

/* Start of the local part before the '@' at s[i], not before from: back
 * over atext, up to a byte that ends it.  '/' and '&' are atext, but in
 * prose they join URL parts; a '=' ends it too unless "=?" follows (the
 * AS_LOCAL bytes are the others). */
static size_t addrscan_local_start(const char *s, size_t from, size_t i)
{
    size_t ls = i;

    for (;;) {
        while (ls > from &&
               (addrscan_class[(unsigned char)s[ls - 1]] & AS_LOCAL) != 0 &&
               !((unsigned char)s[ls - 1] >= 0x80 &&
                 addrscan_break_before(s, from, ls)))
            ls--;
        if (ls == from || s[ls - 1] != '=' || s[ls] != '?')
            return ls;
        ls--;
    }
}

bool addrscan_next(const char *s, size_t len, size_t *pos, size_t *start_r,
                   size_t *len_r)
{
    const char *at;
    size_t from = *pos; /* no local part starts before from */

    /* memchr() finds each '@'; its local part is read backwards, up to a
     * byte that breaks it, the '@' before or *pos */
    while (from < len && (at = memchr(s + from, '@', len - from)) != NULL) {
        size_t i = (size_t)(at - s), ls = addrscan_local_start(s, from, i);
        if (ls == i && i > 0 && s[i - 1] == '"') /* "quoted local"@d */
            ls = addrscan_quoted_start(s, i - 1, *pos);
        while (ls < i && (s[ls] == '.' || s[ls] == '\''))
            ls++; /* no leading dots or quotes */
        size_t de;
        bool domain_ok = addrscan_domain(s, len, i, &de);
        if (ls < i && de - ls < ADDRSCAN_MAX && domain_ok) {
            *start_r = ls;
            *len_r = de - ls;
            *pos = de;
            return true;
        }
        from = i + 1;
    }
    *pos = len;
    return false;
}

/* Bytes dropped before an address: blanks, '<', quotes, '('. */
static bool addrscan_lead(char c)
{
    switch (c) {
    case ' ': case '\t': case '\r': case '\n': case '<': case '"':
    case '\'': case '(':
        return true;
    default:
        return false;
    }
}

/* Bytes dropped after an address: blanks, '>', quotes, ')' and
 * punctuation. */
static bool addrscan_trail(char c)
{
    switch (c) {
    case ' ': case '\t': case '\r': case '\n': case '>': case '"':
    case '\'': case ')': case '.': case ',': case ';': case ':':
        return true;
    default:
        return false;
    }
}

/* Length of the run at p[0..n) of bytes that are certainly kept: above
 * ' ' and none of '"', '<', '>' (the other AS_DROP bytes are below).  16
 * bytes a step where SSE2 is, the last step overlapping the one before. */
static size_t addrscan_kept_run(const char *p, size_t n)
{
    size_t i = 0;

#if defined(__SSE2__)
    const __m128i sp = _mm_set1_epi8(' '), dq = _mm_set1_epi8('"');
    const __m128i lt = _mm_set1_epi8('<'), gt = _mm_set1_epi8('>');

    while (n >= 16) {
        if (i + 16 > n)
            i = n - 16; /* @UNSAFE: n >= 16; bytes before i are kept */
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
        __m128i m = _mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi8(_mm_max_epu8(x, sp), sp),
                         _mm_cmpeq_epi8(x, dq)),
            _mm_or_si128(_mm_cmpeq_epi8(x, lt), _mm_cmpeq_epi8(x, gt)));
        unsigned bits = (unsigned)_mm_movemask_epi8(m);
        if (bits != 0)
            return i + (size_t)__builtin_ctz(bits);
        if (i + 16 == n)
            return n;
        i += 16;
    }
#endif
    while (i < n && (unsigned char)p[i] > ' ' && p[i] != '"' && p[i] != '<' &&
           p[i] != '>')
        i++;
    return i;
}

/* Copies p[0..n) into out without the AS_DROP bytes, and a NUL; their
 * number in *n_r.  False when they do not fit in cap (cap - 1 of them
 * copied, no NUL). */
static bool addrscan_copy(const char *p, size_t n, char *out, size_t cap,
                          size_t *n_r)
{
    size_t k = 0, i = 0;

    while (i < n) {
        size_t r = addrscan_kept_run(p + i, n - i);
        if (r > 0 && k + r >= cap) {
            memcpy(out + k, p + i, cap - 1 - k); /* as much as fits */
            return false;
        }
        memcpy(out + k, p + i, r);
        k += r;
        i += r;
        if (i < n && !(addrscan_class[(unsigned char)p[i]] & AS_DROP)) {
            if (k + 1 >= cap)
                return false;
            out[k++] = p[i];
        }
        i++;
    }
    out[k] = '\0';
    *n_r = k;
    return true;
}

/* Lanes of x (bytes below 0x80, bit 7 clear) in lo..hi: bit 7 set. */
static uint64_t addrscan_in(uint64_t x, unsigned char lo, unsigned char hi)
{
    const uint64_t ones = 0x0101010101010101u, high = ones * 0x80;

    return (x + ones * (0x80u - lo)) & ~(x + ones * (0x7fu - hi)) & high;
}

/* Are all 8 bytes of the word at p plain domain bytes, a-z, 0-9, '-' or
 * '.': kept as they are by the domain loop of addrscan_normalize()?  One
 * word (SWAR), each range tested on all lanes at once. */
static bool addrscan_plain8(const char *p)
{
    const uint64_t high = 0x8080808080808080u;
    uint64_t x, t;

    memcpy(&x, p, sizeof x);
    t = x & ~high; /* no carry out of a lane below */
    uint64_t in = addrscan_in(t, 'a', 'z') | addrscan_in(t, '0', '9') |
                  addrscan_in(t, '-', '.');
    return (in & ~x & high) == high;
}

/* Is the quoting of the local part of p[0..n) (before its last '@')
 * redundant: between its first and last '"', only atext and '.'
 * ("john.doe"@x is john.doe@x)?  Dropping other quotes would name another
 * mailbox ("john doe"@x is not johndoe@x). */
static bool addrscan_quotes_redundant(const char *p, size_t n)
{
    const char *at = memrchr(p, '@', n);
    size_t local = at != NULL ? (size_t)(at - p) : n;
    const char *q = memchr(p, '"', local);

    if (q == NULL)
        return true;
    for (const char *c = q + 1, *end = memrchr(p, '"', local);
         c < (end > q ? end : p + local); c++) {
        if (*c != '"' && !(addrscan_class[(unsigned char)*c] & AS_ATEXT))
            return false;
    }
    return true;
}

bool addrscan_normalize(const char *in, size_t len, char *out, size_t cap)
{
    const char *p = in, *e = in + len;
    const char *semi = memchr(in, ';', len);
    size_t n = 0;

    if (semi != NULL) /* "rfc822; a@b" */
        p = semi + 1;
    while (p < e && addrscan_lead(*p))
        p++;
    if (p < e && *p == '@') { /* "@relay,@relay2:user@domain" */
        const char *colon = memchr(p, ':', (size_t)(e - p));
        if (colon != NULL)
            p = colon + 1;
    }
    while (e > p && addrscan_trail(e[-1]))
        e--;
    /* "john.doe"@x loses its quotes; "john doe"@x is no address here:
     * without them it would be another one */
    const char *q0 = semi != NULL ? semi + 1 : in; /* its quotes too */
    if (memchr(q0, '"', (size_t)(e - q0)) != NULL &&
        !addrscan_quotes_redundant(q0, (size_t)(e - q0)))
        return false;
    if (!addrscan_copy(p, (size_t)(e - p), out, cap, &n))
        return false;
    const char *last = memrchr(out, '@', n); /* the last '@' copied */
    size_t at = last != NULL ? (size_t)(last - out) : 0;
    if (last == NULL || at == 0 || at + 1 == n)
        return false;
    size_t d = at + 1;
    while (d + 8 <= n && addrscan_plain8(out + d))
        d += 8; /* most domains: lower case already */
    for (; d < n; d++) {
        unsigned char ch = (unsigned char)out[d];
        if (!(addrscan_class[ch] & AS_DOMAIN))
            return false;
        if (ch >= 'A' && ch <= 'Z')
            out[d] = (char)(ch - 'A' + 'a');
    }
    /* a dotless domain ("user@mailhub") is allowed here, where the text
     * is known to be an address field; addrscan_next() wants a dot */
    return out[at + 1] != '.' && out[n - 1] != '.';
}

bool addrscan_stable(const char *norm, size_t len)
{
    /* addrscan_normalize() keeps every byte of its own result (none is
     * dropped, the domain is in lower case already) unless a ';' cuts it,
     * a leading byte is skipped or a trailing one trimmed */
    return len > 0 && !addrscan_lead(norm[0]) && norm[0] != '@' &&
           !addrscan_trail(norm[len - 1]) && memchr(norm, ';', len) == NULL;
}
