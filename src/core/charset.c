/*
 * charset.c - declared charsets into UTF-8 through iconv() (see charset.h).
 */
#include "core/charset.h"

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

/* Length of the run of 7-bit bytes other than ESC at s[0..len): 16
 * bytes a step where SSE2 is. */
static size_t charset_ascii_run(const char *s, size_t len)
{
    size_t i = 0;

#if defined(__SSE2__)
    const __m128i esc = _mm_set1_epi8(0x1b);
    for (; i + 16 <= len; i += 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        unsigned m = (unsigned)_mm_movemask_epi8(
            _mm_or_si128(x, _mm_cmpeq_epi8(x, esc))); /* high bit: stop */
        if (m != 0)
            return i + (size_t)__builtin_ctz(m);
    }
#endif
    while (i < len && (unsigned char)s[i] < 0x80 && s[i] != 0x1b)
        i++;
    return i;
}

/* Only 7-bit bytes and no ESC in s[0..len)? */
static bool charset_plain(const char *s, size_t len)
{
    return charset_ascii_run(s, len) == len;
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

/* Where a conversion stands: input left, output room left. */
struct charset_io {
    char *ip, *o;
    size_t il, left;
};

/* Runs cd over the next seg bytes of io's input; false when the
 * conversion stops there (output full, or incomplete input at the end).
 * seven: the charset is one of charset_7bit(). */
static bool charset_iconv(iconv_t cd, bool seven, struct charset_io *io,
                          size_t seg)
{
    size_t rest = io->il - seg; /* @UNSAFE: seg <= io->il */
    bool go = true;

    while (seg > 0) {
        if (iconv(cd, &io->ip, &seg, &io->o, &io->left) != (size_t)-1)
            break;
        if (errno == EILSEQ) {
            size_t k = charset_skip(seven, io->ip, seg, io->left);
            for (size_t j = 0; j < k; j++)
                charset_bad(&io->o, &io->left);
            io->ip += k; /* past the invalid bytes, then on */
            seg -= k;
            continue;
        }
        if (errno == EINVAL)
            charset_bad(&io->o, &io->left); /* incomplete at the end */
        go = false;                         /* EINVAL, or E2BIG: out is full */
        break;
    }
    io->il = rest + seg;
    return go;
}

/* ISO-2022-JP: the text that follows the start or an ESC ( B (which
 * designates ASCII) up to the next ESC or 8-bit byte is ASCII, and
 * iconv() would turn each byte of it into itself; it is copied, and
 * iconv() reads the rest, from each such byte up to and including the
 * next ESC ( B. */
static bool charset_jp(const char *name)
{
    return strcmp(name, "iso-2022-jp") == 0;
}

/* Length of s[0..len) up to and including its first ESC ( B, or len. */
static size_t charset_to_ascii(const char *s, size_t len)
{
    const char *p = s, *end = s + len;

    while (end - p >= 3 && (p = memchr(p, 0x1b, (size_t)(end - p - 2)))) {
        if (p[1] == '(' && p[2] == 'B')
            return (size_t)(p + 3 - s);
        p++;
    }
    return len;
}

/* Runs cd over in[0..len) into out[0..room); returns bytes written.  seven:
 * the charset is one of charset_7bit(); jp: it is charset_jp(). */
static size_t charset_run(iconv_t cd, bool seven, bool jp, const char *in,
                          size_t len, char *out, size_t room)
{
    /* iconv() takes char ** */
    struct charset_io io = {
        .ip = (char *)(uintptr_t)in, .o = out, .il = len, .left = room};

    while (io.il > 0) {
        size_t k = jp ? charset_ascii_run(io.ip, io.il) : 0;
        if (k > 0 && k <= io.left) { /* ASCII in ASCII: as it is */
            memcpy(io.o, io.ip, k);
            io.ip += k;
            io.o += k;
            io.il -= k;
            io.left -= k;
            continue;
        }
        size_t seg = jp && k == 0 ? charset_to_ascii(io.ip, io.il) : io.il;
        if (!charset_iconv(cd, seven, &io, seg))
            break;
    }
    (void)iconv(cd, NULL, NULL, &io.o, &io.left); /* back to the initial shift */
    return (size_t)(io.o - out);
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
    n = charset_run(cd, charset_7bit(name), charset_jp(name), in, len, out,
                    cap - 1);
    iconv_close(cd);
    out[n] = '\0';
    *out_len_r = n;
    return true;
}

/* A code point (at most 0x10FFFF) as UTF-8 into out[4]; its length. */
size_t charset_utf8_put(unsigned long cp, char out[4])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xc0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xe0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    out[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}
