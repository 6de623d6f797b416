/*
 * addrscan.c - finding and tidying addresses in free text (addrscan.h).
 */
#include "core/addrscan.h"

#include <stdint.h>
#include <string.h>

/* Byte classes, one table lookup a byte: AS_ATEXT for a local part's
 * atext (RFC 5322, and UTF-8 bytes for RFC 6531 local parts, and '.'),
 * AS_DTEXT for a domain's letters, digits, "-._" and UTF-8 bytes, AS_DROP
 * for what addrscan_normalize() leaves out (quotes, <>, blanks, CR, LF,
 * NUL), AS_DOMAIN for what a normalised domain may hold (dtext, "[]:"). */
enum { AS_ATEXT = 1, AS_DTEXT = 2, AS_DROP = 4, AS_DOMAIN = 8 };
static const unsigned char addrscan_class[256] = {
    4, 0, 0, 0, 0, 0, 0, 0, 0, 4, 4, 0, 0, 4, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    4, 1, 4, 1, 1, 1, 1, 1, 0, 0, 1, 1, 0, 11, 11, 1,
    11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 8, 0, 4, 1, 4, 1,
    0, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11,
    11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 8, 0, 8, 1, 11,
    1, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11,
    11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 1, 1, 1, 1, 0,
    11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11,
    11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11,
    11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11,
    11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11,
    11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11,
    11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11,
    11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11,
    11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11,
};

static bool addrscan_atext(unsigned char c)
{
    return (addrscan_class[c] & AS_ATEXT) != 0;
}

static bool addrscan_dtext(unsigned char c)
{
    return (addrscan_class[c] & AS_DTEXT) != 0;
}

/* Domain d[0..n): dot-separated non-empty labels, at least two of them. */
static bool addrscan_domain_ok(const char *d, size_t n)
{
    size_t dots = 0, label = 0;

    for (size_t i = 0; i < n; i++) {
        if (d[i] == '.') {
            if (label == 0)
                return false;
            dots++;
            label = 0;
        } else {
            label++;
        }
    }
    return dots > 0 && label > 0;
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

/* Does s[k] end a would-be local part?  '/' and '&' are atext, but in
 * prose they join URL parts; "=?" starts an encoded word. */
static bool addrscan_breaks(const char *s, size_t len, size_t k)
{
    return !addrscan_atext((unsigned char)s[k]) || s[k] == '/' ||
           s[k] == '&' || (s[k] == '=' && k + 1 < len && s[k + 1] != '?');
}

bool addrscan_next(const char *s, size_t len, size_t *pos, size_t *start_r,
                   size_t *len_r)
{
    const char *at;
    size_t from = *pos; /* no local part starts before from */

    /* memchr() finds each '@'; its local part is read backwards, up to a
     * byte that breaks it, the '@' before or *pos */
    while (from < len && (at = memchr(s + from, '@', len - from)) != NULL) {
        size_t i = (size_t)(at - s), ls = i;
        while (ls > from && !addrscan_breaks(s, len, ls - 1))
            ls--;
        if (ls == i && i > 0 && s[i - 1] == '"') /* "quoted local"@d */
            ls = addrscan_quoted_start(s, i - 1, *pos);
        while (ls < i && (s[ls] == '.' || s[ls] == '\''))
            ls++; /* no leading dots or quotes */
        size_t de = i + 1;
        while (de < len && addrscan_dtext((unsigned char)s[de]))
            de++;
        while (de > i + 1 && (s[de - 1] == '.' || s[de - 1] == '-'))
            de--; /* a sentence's full stop */
        if (ls < i && de - ls < ADDRSCAN_MAX &&
            addrscan_domain_ok(s + i + 1, de - i - 1)) {
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
    size_t at = SIZE_MAX; /* the last '@' copied */
    bool room = (size_t)(e - p) < cap; /* all of it fits with the NUL */
    for (const char *q = p; q < e; q++) {
        unsigned char c = (unsigned char)*q;
        if (addrscan_class[c] & AS_DROP)
            continue; /* "john doe"@x loses its quotes */
        if (!room && n + 1 >= cap)
            return false;
        if (c == '@')
            at = n;
        out[n++] = (char)c;
    }
    out[n] = '\0';
    if (at == SIZE_MAX || at == 0 || at + 1 == n)
        return false;
    for (size_t d = at + 1; d < n; d++) {
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
