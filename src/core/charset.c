/*
 * charset.c - declared charsets into UTF-8 through iconv() (see charset.h).
 */
#include "core/charset.h"

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <string.h>

#define CHARSET_NAME_MAX 64

/* Charsets whose 7-bit bytes are not plain ASCII. */
static bool charset_not_ascii(const char *name)
{
    static const char *const wide[] = {"utf-7",  "utf7",  "utf-16", "utf16",
                                       "utf-32", "utf32", "ucs",    "unicode"};

    for (size_t i = 0; i < sizeof wide / sizeof wide[0]; i++)
        if (strstr(name, wide[i]) != NULL)
            return true;
    return false;
}

/* Only 7-bit bytes and no ESC in s[0..len)? */
static bool charset_plain(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] >= 0x80 || s[i] == 0x1b)
            return false;
    return true;
}

/* Appends U+FFFD when it fits. */
static void charset_bad(char **o, size_t *left)
{
    if (*left < 3)
        return;
    memcpy(*o, "\xef\xbf\xbd", 3);
    *o += 3;
    *left -= 3;
}

/* Charsets of 7-bit bytes (the ISO-2022 family): iconv() refuses a byte
 * of 0x80 or more in any shift state, without consuming it or changing the
 * state. */
static bool charset_7bit(const char *name)
{
    return strncmp(name, "iso-2022-", 9) == 0;
}

/* Invalid bytes at ip[0..il) skipped at once: 1, or in a 7-bit charset
 * the run of 8-bit bytes there (each of which iconv() would refuse in
 * turn), as long as their U+FFFDs fit in left with room to spare. */
static size_t charset_skip(bool seven, const char *ip, size_t il, size_t left)
{
    size_t k = 1;

    if (!seven || (unsigned char)ip[0] < 0x80)
        return 1;
    while (k < il && (unsigned char)ip[k] >= 0x80 && 3 * (k + 1) + 8 <= left)
        k++;
    return k;
}

/* Runs cd over in[0..len) into out[0..room); returns bytes written.  seven:
 * the charset is one of charset_7bit(). */
static size_t charset_run(iconv_t cd, bool seven, const char *in, size_t len,
                          char *out, size_t room)
{
    char *ip = (char *)(uintptr_t)in, *o = out; /* iconv() takes char ** */
    size_t il = len, left = room;

    while (il > 0) {
        if (iconv(cd, &ip, &il, &o, &left) != (size_t)-1)
            break;
        if (errno == EILSEQ) {
            size_t k = charset_skip(seven, ip, il, left);
            for (size_t j = 0; j < k; j++)
                charset_bad(&o, &left);
            ip += k; /* past the invalid bytes, then on */
            il -= k;
            continue;
        }
        if (errno == EINVAL)
            charset_bad(&o, &left); /* incomplete at the end */
        break;                      /* EINVAL, or E2BIG: out is full */
    }
    (void)iconv(cd, NULL, NULL, &o, &left); /* back to the initial shift */
    return (size_t)(o - out);
}

bool charset_to_utf8(const char *cs, size_t cslen, const char *in, size_t len,
                     char *out, size_t cap, size_t *out_len_r)
{
    char name[CHARSET_NAME_MAX];

    if (cap == 0 || cslen == 0 || cslen >= sizeof name)
        return false;
    for (size_t i = 0; i < cslen; i++)
        name[i] = (char)(cs[i] >= 'A' && cs[i] <= 'Z' ? cs[i] + 32 : cs[i]);
    name[cslen] = '\0';
    size_t n;
    if (!charset_not_ascii(name) && charset_plain(in, len)) {
        n = len < cap - 1 ? len : cap - 1; /* the same in any such charset */
        memcpy(out, in, n);
        out[n] = '\0';
        *out_len_r = n;
        return true;
    }
    iconv_t cd = iconv_open("UTF-8", name);
    if (cd == (iconv_t)-1)
        return false;
    n = charset_run(cd, charset_7bit(name), in, len, out, cap - 1);
    iconv_close(cd);
    out[n] = '\0';
    *out_len_r = n;
    return true;
}
