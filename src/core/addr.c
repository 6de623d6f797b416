/*
 * addr.c - normalising e-mail addresses into the store's keys (addr.h).
 */
#include "core/addr.h"

#include <string.h>

bool addr_local_part_parse(const char *name, enum addr_local_part *lp_r)
{
    if (name == NULL || strcmp(name, "preserve") == 0) {
        *lp_r = ADDR_LOCAL_PRESERVE;
        return true;
    }
    if (strcmp(name, "lowercase") == 0) {
        *lp_r = ADDR_LOCAL_LOWERCASE;
        return true;
    }
    return false;
}

static char ascii_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Trims white space, an "rfc822;" prefix and one pair of <>. */
static void trim(const char **p, size_t *len)
{
    static const char pfx[] = "rfc822;";
    const char *s = *p;
    size_t n = *len, i;

    while (n > 0 && is_space(s[0]))
        s++, n--;
    while (n > 0 && is_space(s[n - 1]))
        n--;
    for (i = 0; i < 7 && i < n && ascii_lower(s[i]) == pfx[i]; i++)
        ;
    if (i == 7) {
        s += 7, n -= 7;
        while (n > 0 && is_space(s[0]))
            s++, n--;
    }
    if (n >= 2 && s[0] == '<' && s[n - 1] == '>')
        s++, n -= 2;
    *p = s;
    *len = n;
}

static bool domain_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c >= 0x80;
}

/* Validates an already lower-cased domain of LEN bytes (no trailing dot). */
static int check_domain(const char *d, size_t len, const char **error_r)
{
    size_t label = 0;

    if (len == 0) {
        *error_r = "empty domain";
        return -1;
    }
    if (len > ADDR_DOMAIN_MAX) {
        *error_r = "domain longer than 255 octets";
        return -1;
    }
    if (d[0] == '[') {
        if (d[len - 1] != ']' || len < 3) {
            *error_r = "malformed address literal";
            return -1;
        }
        for (size_t i = 1; i + 1 < len; i++) {
            unsigned char c = (unsigned char)d[i];
            if (c <= ' ' || c == '[' || c == ']' || c == '\\' || c == 0x7f) {
                *error_r = "malformed address literal";
                return -1;
            }
        }
        return 0;
    }
    for (size_t i = 0; i <= len; i++) {
        if (i == len || d[i] == '.') {
            if (label == 0 || label > 63) {
                *error_r = label ? "domain label longer than 63 octets"
                                 : "empty domain label";
                return -1;
            }
            label = 0;
        } else if (!domain_char((unsigned char)d[i])) {
            *error_r = "invalid character in domain";
            return -1;
        } else {
            label++;
        }
    }
    return 0;
}

/* Validates the local part: no control characters; white space, '@' and
 * '<>' only inside a quoted string. */
static int check_local(const char *l, size_t len, const char **error_r)
{
    bool quoted = len >= 2 && l[0] == '"' && l[len - 1] == '"';

    if (len == 0) {
        *error_r = "empty local part";
        return -1;
    }
    if (len > ADDR_LOCAL_MAX) {
        *error_r = "local part longer than 64 octets";
        return -1;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)l[i];
        if (c < ' ' || c == 0x7f) {
            *error_r = "control character in local part";
            return -1;
        }
        if (!quoted && (c == ' ' || c == '@' || c == '<' || c == '>' ||
                        c == ',' || c == ';' || c == '"')) {
            *error_r = "invalid character in local part";
            return -1;
        }
    }
    return 0;
}

/* Copies and lower-cases the domain part, dropping one trailing dot. */
static int put_domain(const char *d, size_t dlen, char *out, size_t room,
                      const char **error_r)
{
    if (dlen > 0 && d[dlen - 1] == '.')
        dlen--;
    if (dlen + 1 > room) {
        *error_r = "address too long for the buffer";
        return -1;
    }
    for (size_t i = 0; i < dlen; i++)
        out[i] = ascii_lower(d[i]);
    out[dlen] = '\0';
    return check_domain(out, dlen, error_r);
}

int addr_normalize(const char *in, size_t len, enum addr_local_part lp,
                   unsigned flags, char *buf, size_t size, const char **error_r)
{
    const char *at;
    size_t llen;

    if (in == NULL || size == 0) {
        *error_r = "no address";
        return -1;
    }
    trim(&in, &len);
    if (memchr(in, '\0', len) != NULL) {
        *error_r = "NUL byte in address";
        return -1;
    }
    at = NULL;
    for (size_t i = len; i > 0; i--)
        if (in[i - 1] == '@') {
            at = in + i - 1;
            break;
        }
    if (at == NULL) {
        if (!(flags & ADDR_ALLOW_DOMAIN) || memchr(in, '.', len) == NULL) {
            /* a domain key needs two labels at least */
            *error_r = len ? "no '@' in address" : "empty address";
            return -1;
        }
        return put_domain(in, len, buf, size, error_r);
    }
    llen = (size_t)(at - in);
    if (check_local(in, llen, error_r) < 0)
        return -1;
    if (llen + 2 > size) { /* local, '@', at least the NUL */
        *error_r = "address too long for the buffer";
        return -1;
    }
    for (size_t i = 0; i < llen; i++)
        buf[i] = lp == ADDR_LOCAL_LOWERCASE ? ascii_lower(in[i]) : in[i];
    buf[llen] = '@';
    return put_domain(at + 1, len - llen - 1, buf + llen + 1, size - llen - 1,
                      error_r);
}

const char *addr_domain(const char *key)
{
    const char *at = strrchr(key, '@');

    return at ? at + 1 : key;
}

bool addr_is_domain(const char *key)
{
    return strchr(key, '@') == NULL;
}
