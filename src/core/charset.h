/*
 * charset.h - text in a declared MIME charset turned into UTF-8.
 *
 * charset_to_utf8() converts in[0..len), written in the charset named
 * cs[0..cslen) (a MIME charset name, any case: ISO-2022-JP, Shift_JIS,
 * EUC-JP, GB2312, GBK, KOI8-R, windows-1251 ... whatever glibc's iconv()
 * knows), into UTF-8 in out.  It is for the charsets the parser does not
 * read itself: UTF-8, US-ASCII and the ISO-8859-1 family are the caller's.
 *
 * Contract: returns false, out untouched, when the charset is unknown to
 * iconv() (7-bit text of an ASCII-compatible charset is copied without
 * asking iconv(), whatever the name); otherwise true, with *out_len_r bytes
 * written and out NUL-terminated (cap > 0).  Malformed input is a result, not
 * an error: an invalid byte becomes U+FFFD and the conversion goes on after it,
 * an incomplete sequence at the end becomes U+FFFD.  The output is bounded by
 * cap - 1 bytes and simply stops there; 3 * len + 4 suffices for the
 * byte-oriented charsets named above.  Text of an ASCII-compatible charset
 * that has only 7-bit bytes and no escape (ISO-2022 shifts with ESC) is
 * copied as it is.
 *
 * Pure (no I/O of its own; glibc may load its conversion modules on first
 * use) and reentrant: every call opens and closes its own converter.
 */
#ifndef BG_CHARSET_H
#define BG_CHARSET_H

#include <stdbool.h>
#include <stddef.h>

bool charset_to_utf8(const char *cs, size_t cslen, const char *in, size_t len,
                     char *out, size_t cap, size_t *out_len_r);

/* A code point (at most 0x10FFFF) as UTF-8 into out[4]; its length. */
size_t charset_utf8_put(unsigned long cp, char out[4]);

#endif
