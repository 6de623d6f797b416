/*
 * json.h - a small JSON writer: objects, strings, numbers, booleans, null,
 * appended to a growable buffer with a hard size cap.
 *
 * Strings are escaped as RFC 8259 requires: quote, backslash and the C0
 * controls (as \n, \t, ... or \u00XX); DEL is written as \u007f.  Bytes that
 * are not valid UTF-8 are replaced by U+FFFD so the output is always valid
 * JSON, whatever the input (bounce texts are often broken 8-bit).
 *
 * Usage: json_init(), then json_obj_begin(), json_key_*() pairs,
 * json_obj_end(); json_str()/json_len() give the text; json_free() releases.
 * Errors (allocation failure, cap exceeded, misuse) are sticky: later calls
 * do nothing and json_failed() returns true.
 *
 * Not thread-safe per object; objects are independent.
 */
#ifndef BG_JSON_H
#define BG_JSON_H

#include <stdbool.h>
#include <stddef.h>

struct json {
    char *buf;     /* NUL-terminated output */
    size_t len;    /* bytes used, without the NUL */
    size_t size;   /* bytes allocated */
    size_t cap;    /* hard limit on len */
    unsigned depth;
    bool need_comma[16]; /* per nesting level */
    bool failed;
};

#define JSON_DEFAULT_CAP (1024u * 1024u)

void json_init(struct json *j, size_t cap);
void json_reset(struct json *j); /* empties the text, keeps the memory */
void json_free(struct json *j);
bool json_failed(const struct json *j);
const char *json_str(const struct json *j);
size_t json_len(const struct json *j);

void json_obj_begin(struct json *j);
void json_obj_end(struct json *j);
void json_arr_begin(struct json *j);
void json_arr_end(struct json *j);

/* Values (inside an array or after json_key()). */
void json_key(struct json *j, const char *key);
void json_string(struct json *j, const char *s);  /* NULL -> null */
void json_string_n(struct json *j, const char *s, size_t len);
void json_int(struct json *j, long long v);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);

/* Key + value shorthands. */
void json_key_string(struct json *j, const char *key, const char *s);
void json_key_int(struct json *j, const char *key, long long v);
void json_key_bool(struct json *j, const char *key, bool v);
void json_key_null(struct json *j, const char *key);

#endif
