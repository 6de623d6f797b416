/*
 * json.c - see json.h.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"

#define JSON_MAX_DEPTH (sizeof(((struct json *)0)->need_comma) / sizeof(bool))

void json_init(struct json *j, size_t cap)
{
    memset(j, 0, sizeof *j);
    j->cap = cap ? cap : JSON_DEFAULT_CAP;
}

void json_reset(struct json *j)
{
    j->len = 0;
    if (j->buf)
        j->buf[0] = '\0';
    j->depth = 0;
    memset(j->need_comma, 0, sizeof j->need_comma);
    j->failed = false;
}

void json_free(struct json *j)
{
    free(j->buf);
    j->buf = NULL;
    j->len = j->size = 0;
}

bool json_failed(const struct json *j)
{
    return j->failed;
}

const char *json_str(const struct json *j)
{
    return j->buf ? j->buf : "";
}

size_t json_len(const struct json *j)
{
    return j->len;
}

/* Makes room for n more bytes plus the NUL. */
static bool json_grow(struct json *j, size_t n)
{
    if (j->failed)
        return false;
    if (n > j->cap - j->len) { /* @UNSAFE: len <= cap always holds */
        j->failed = true;
        return false;
    }
    if (j->len + n + 1 <= j->size)
        return true;
    size_t want = j->size ? j->size : 256;
    while (want < j->len + n + 1)
        want *= 2;
    char *p = realloc(j->buf, want);
    if (p == NULL) {
        j->failed = true;
        return false;
    }
    j->buf = p;
    j->size = want;
    return true;
}

static void json_put(struct json *j, const char *s, size_t n)
{
    if (!json_grow(j, n))
        return;
    memcpy(j->buf + j->len, s, n);
    j->len += n;
    j->buf[j->len] = '\0';
}

static void json_putc(struct json *j, char c)
{
    json_put(j, &c, 1);
}

/* Writes the comma a new element needs at the current level. */
static void json_sep(struct json *j)
{
    if (j->depth == 0)
        return;
    if (j->need_comma[j->depth - 1])
        json_putc(j, ',');
    j->need_comma[j->depth - 1] = true;
}

static void json_open(struct json *j, char c)
{
    json_sep(j);
    if (j->depth >= JSON_MAX_DEPTH) {
        j->failed = true;
        return;
    }
    json_putc(j, c);
    j->need_comma[j->depth++] = false;
}

static void json_close(struct json *j, char c)
{
    if (j->depth == 0) {
        j->failed = true;
        return;
    }
    j->depth--;
    json_putc(j, c);
}

void json_obj_begin(struct json *j)
{
    json_open(j, '{');
}

void json_obj_end(struct json *j)
{
    json_close(j, '}');
}

void json_arr_begin(struct json *j)
{
    json_open(j, '[');
}

void json_arr_end(struct json *j)
{
    json_close(j, ']');
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when invalid. */
static size_t utf8_seq_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t need;
    uint32_t cp;

    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf) {
        need = 2;
        cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        need = 3;
        cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        need = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (n < need)
        return 0;
    for (size_t i = 1; i < need; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if ((need == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
        (need == 4 && (cp < 0x10000 || cp > 0x10ffff)))
        return 0;
    return need;
}

static void json_escape_byte(struct json *j, unsigned char c)
{
    char esc[8];

    switch (c) {
    case '"': json_put(j, "\\\"", 2); return;
    case '\\': json_put(j, "\\\\", 2); return;
    case '\n': json_put(j, "\\n", 2); return;
    case '\r': json_put(j, "\\r", 2); return;
    case '\t': json_put(j, "\\t", 2); return;
    case '\b': json_put(j, "\\b", 2); return;
    case '\f': json_put(j, "\\f", 2); return;
    default:
        snprintf(esc, sizeof esc, "\\u%04x", (unsigned)c);
        json_put(j, esc, 6);
    }
}

static void json_put_escaped(struct json *j, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;

    json_putc(j, '"');
    while (i < len && !j->failed) {
        size_t run = i;
        /* copy plain printable ASCII in one go */
        while (run < len && p[run] >= 0x20 && p[run] < 0x7f &&
               p[run] != '"' && p[run] != '\\')
            run++;
        if (run > i) {
            json_put(j, s + i, run - i);
            i = run;
            continue;
        }
        if (p[i] < 0x20 || p[i] == '"' || p[i] == '\\' || p[i] == 0x7f) {
            json_escape_byte(j, p[i]);
            i++;
            continue;
        }
        size_t n = utf8_seq_len(p + i, len - i);
        if (n == 0) {
            json_put(j, "\xef\xbf\xbd", 3); /* U+FFFD */
            i++;
        } else {
            json_put(j, s + i, n);
            i += n;
        }
    }
    json_putc(j, '"');
}

void json_key(struct json *j, const char *key)
{
    json_sep(j);
    json_put_escaped(j, key, strlen(key));
    json_putc(j, ':');
    /* the value that follows must not write a comma */
    if (j->depth > 0)
        j->need_comma[j->depth - 1] = false;
}

/* After a value, the next element at this level needs a comma. */
static void json_value_done(struct json *j)
{
    if (j->depth > 0)
        j->need_comma[j->depth - 1] = true;
}

void json_string_n(struct json *j, const char *s, size_t len)
{
    json_sep(j);
    json_put_escaped(j, s, len);
    json_value_done(j);
}

void json_string(struct json *j, const char *s)
{
    if (s == NULL)
        json_null(j);
    else
        json_string_n(j, s, strlen(s));
}

void json_int(struct json *j, long long v)
{
    char num[32];
    int n = snprintf(num, sizeof num, "%lld", v);

    json_sep(j);
    json_put(j, num, (size_t)n);
    json_value_done(j);
}

void json_bool(struct json *j, bool v)
{
    json_sep(j);
    if (v)
        json_put(j, "true", 4);
    else
        json_put(j, "false", 5);
    json_value_done(j);
}

void json_null(struct json *j)
{
    json_sep(j);
    json_put(j, "null", 4);
    json_value_done(j);
}

void json_key_string(struct json *j, const char *key, const char *s)
{
    json_key(j, key);
    json_string(j, s);
}

void json_key_int(struct json *j, const char *key, long long v)
{
    json_key(j, key);
    json_int(j, v);
}

void json_key_bool(struct json *j, const char *key, bool v)
{
    json_key(j, key);
    json_bool(j, v);
}

void json_key_null(struct json *j, const char *key)
{
    json_key(j, key);
    json_null(j);
}
