/*
 * jscan.c - reading members of JSON text (see jscan.h).
 */
#include "core/jscan.h"

#include <string.h>

size_t jscan_key(const char *t, size_t len, size_t from, size_t to,
                 const char *key)
{
    size_t kl = strlen(key), end = to < len ? to : len, i = from;

    if (end < kl + 2)
        return 0;
    /* the quotes are found by memchr(); candidates start at or before last */
    size_t last = end - kl - 2;
    while (i <= last) {
        const char *q = memchr(t + i, '"', last - i + 1);
        if (q == NULL)
            return 0;
        i = (size_t)(q - t);
        if (t[i + kl + 1] == '"' && memcmp(t + i + 1, key, kl) == 0)
            return i + kl + 2;
        i++;
    }
    return 0;
}

bool jscan_key_at(const char *t, size_t len, size_t i, const char *key,
                  size_t kl)
{
    return i + kl + 2 <= len && t[i + kl + 1] == '"' &&
           memcmp(t + i + 1, key, kl) == 0;
}

/* Offset of the first byte of the value after a key ending at k: past
 * blanks, line ends and the colon. */
static size_t jscan_skip(const char *t, size_t len, size_t k)
{
    size_t i = k;

    while (i < len && (t[i] == ' ' || t[i] == ':' || t[i] == '\n' ||
                       t[i] == '\r' || t[i] == '\t'))
        i++;
    return i;
}

size_t jscan_value_at(const char *t, size_t len, size_t k)
{
    size_t i = jscan_skip(t, len, k);

    return i < len && t[i] == '"' ? i : len;
}

size_t jscan_string(const char *t, size_t len, size_t k, char *out, size_t cap)
{
    size_t i = jscan_value_at(t, len, k), n = 0;

    out[0] = '\0';
    if (i >= len)
        return 0;
    for (i++; i < len && t[i] != '"'; i++) {
        if (t[i] == '\\' && i + 1 < len)
            i++;
        if (n + 1 < cap)
            out[n++] = t[i];
    }
    out[n] = '\0';
    return i < len ? i + 1 : 0;
}

/* May c be part of a number or of true, false and null? */
static bool jscan_bare(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '-' ||
           c == '+' || c == '.' || c == 'E';
}

size_t jscan_scalar(const char *t, size_t len, size_t k, char *out, size_t cap)
{
    size_t i = jscan_skip(t, len, k), n = 0;

    out[0] = '\0';
    if (i < len && t[i] == '"')
        return jscan_string(t, len, k, out, cap);
    for (; i < len && jscan_bare(t[i]); i++)
        if (n + 1 < cap)
            out[n++] = t[i];
    out[n] = '\0';
    return n > 0 ? i : 0;
}

size_t jscan_string_end(const char *t, size_t len, size_t open)
{
    size_t i = open + 1;

    for (; i < len && t[i] != '"'; i++)
        if (t[i] == '\\')
            i++;
    return i < len ? i : len;
}

size_t jscan_object_end(const char *t, size_t len, size_t open)
{
    size_t depth = 0;

    for (size_t i = open; i < len; i++) {
        switch (t[i]) {
        case '"':
            i = jscan_string_end(t, len, i);
            break;
        case '{':
            depth++;
            break;
        case '}':
            if (depth <= 1) /* open was no '{' when 0 */
                return i + 1;
            depth--;
            break;
        default:
            break;
        }
    }
    return len;
}
