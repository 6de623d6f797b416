/*
 * addrscan.c - finding and tidying addresses in free text (addrscan.h).
 */
#include "core/addrscan.h"

#include <stdint.h>
#include <string.h>

static bool addrscan_atext(unsigned char c)
{
    if (c >= 0x80)
        return true; /* RFC 6531 UTF-8 local parts */
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
        (c >= '0' && c <= '9'))
        return true;
    switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*':
    case '+': case '-': case '/': case '=': case '?': case '^': case '_':
    case '`': case '{': case '|': case '}': case '~': case '.':
        return true;
    default:
        return false;
    }
}

static bool addrscan_dtext(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
           c >= 0x80;
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
    for (const char *q = p; q < e; q++) {
        unsigned char c = (unsigned char)*q;
        /* every byte dropped is at most '>': letters go straight in */
        if (c <= '>' && (c == '"' || c == '<' || c == '>' || c == ' ' ||
                         c == '\t' || c == '\r' || c == '\n' || c == '\0'))
            continue; /* "john doe"@x loses its quotes */
        if (n + 1 >= cap)
            return false;
        if (c == '@')
            at = n;
        out[n++] = (char)c;
    }
    out[n] = '\0';
    if (at == SIZE_MAX || at == 0 || at + 1 == n)
        return false;
    for (size_t d = at + 1; d < n; d++) {
        char ch = out[d];
        if (ch >= 'A' && ch <= 'Z')
            out[d] = (char)(ch - 'A' + 'a');
        else if (!addrscan_dtext((unsigned char)ch) && ch != '[' &&
                 ch != ']' && ch != ':')
            return false;
    }
    /* a dotless domain ("user@mailhub") is allowed here, where the text
     * is known to be an address field; addrscan_next() wants a dot */
    return out[at + 1] != '.' && out[n - 1] != '.';
}
