/*
 * jscan.h - reading members of JSON text that a notice carries, without a
 * parser: a key is found as its quoted name, its value read after the
 * colon.  The readers of sending services' notifications (sesjson.h,
 * evjson.h) share it.  String escapes are honoured; nesting is followed
 * only by jscan_object_end().  Nothing is allocated; every offset stays
 * within [0, len).
 *
 * Pure, reentrant; each call reads at most the bytes it is given, once.
 */
#ifndef BG_JSCAN_H
#define BG_JSCAN_H

#include <stdbool.h>
#include <stddef.h>

/* Offset just past the first "key" (with its quotes) that starts at or
 * after from and ends before to, or 0 when there is none. */
size_t jscan_key(const char *t, size_t len, size_t from, size_t to,
                 const char *key);

/* Does "key" (kl bytes, with its closing quote) follow the '"' at t[i]? */
bool jscan_key_at(const char *t, size_t len, size_t i, const char *key,
                  size_t kl);

/* Offset of the opening quote of the string value after a key that ends
 * at k ('  : "value"'), or len when no string value follows. */
size_t jscan_value_at(const char *t, size_t len, size_t k);

/* The string value after a key ending at k, into out (cap > 0 bytes,
 * NUL-ended, cut short if need be; an escaped character is kept without
 * its backslash).  Returns the offset just after the value, 0 when there
 * is no string value. */
size_t jscan_string(const char *t, size_t len, size_t k, char *out, size_t cap);

/* As jscan_string(), but a number, true, false or null value is read too
 * (as written). */
size_t jscan_scalar(const char *t, size_t len, size_t k, char *out, size_t cap);

/* Offset of the quote that closes the string opened at t[open] ('"'),
 * escapes skipped; len when it is not closed within len. */
size_t jscan_string_end(const char *t, size_t len, size_t open);

/* Offset just after the '}' that closes the object opened at t[open]
 * ('{'), strings skipped; len when it is not closed within len. */
size_t jscan_object_end(const char *t, size_t len, size_t open);

#endif
