/*
 * codec.c - base64 and quoted-printable decoders (see codec.h).
 */
#include "core/codec.h"

#include <stdint.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* Value of each byte as a base64 digit (both alphabets), -1 otherwise. */
static const signed char codec_b64[256] = {
    ['A'] = 1,  ['B'] = 2,  ['C'] = 3,  ['D'] = 4,  ['E'] = 5,  ['F'] = 6,
    ['G'] = 7,  ['H'] = 8,  ['I'] = 9,  ['J'] = 10, ['K'] = 11, ['L'] = 12,
    ['M'] = 13, ['N'] = 14, ['O'] = 15, ['P'] = 16, ['Q'] = 17, ['R'] = 18,
    ['S'] = 19, ['T'] = 20, ['U'] = 21, ['V'] = 22, ['W'] = 23, ['X'] = 24,
    ['Y'] = 25, ['Z'] = 26, ['a'] = 27, ['b'] = 28, ['c'] = 29, ['d'] = 30,
    ['e'] = 31, ['f'] = 32, ['g'] = 33, ['h'] = 34, ['i'] = 35, ['j'] = 36,
    ['k'] = 37, ['l'] = 38, ['m'] = 39, ['n'] = 40, ['o'] = 41, ['p'] = 42,
    ['q'] = 43, ['r'] = 44, ['s'] = 45, ['t'] = 46, ['u'] = 47, ['v'] = 48,
    ['w'] = 49, ['x'] = 50, ['y'] = 51, ['z'] = 52, ['0'] = 53, ['1'] = 54,
    ['2'] = 55, ['3'] = 56, ['4'] = 57, ['5'] = 58, ['6'] = 59, ['7'] = 60,
    ['8'] = 61, ['9'] = 62, ['+'] = 63, ['-'] = 63, ['/'] = 64, ['_'] = 64,
};

/* The table holds value + 1 so that its zero default means "not base64". */
static int codec_b64val(unsigned char c)
{
    return codec_b64[c] - 1;
}

/* Bytes a base64 body may hold besides the digits. */
static bool codec_b64_other(unsigned char c)
{
    return c == '=' || c == '\r' || c == '\n' || c == ' ' || c == '\t';
}

#if defined(__SSE2__)
/* Lanes of x holding a byte of [lo, hi] (ASCII, signed compares). */
static __m128i codec_in(__m128i x, char lo, char hi)
{
    return _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8((char)(lo - 1))),
                         _mm_cmplt_epi8(x, _mm_set1_epi8((char)(hi + 1))));
}

static __m128i codec_is(__m128i x, char c)
{
    return _mm_cmpeq_epi8(x, _mm_set1_epi8(c));
}

/* Lanes of the 16 bytes x that are digits (either alphabet) or other
 * bytes codec_b64_other() allows.  A letter is a byte that bit 0x20 makes
 * one of a-z ('@' and '[' .. '_' it makes no letter); '/' and the digits
 * are one range. */
static inline __m128i codec_b64_ok(__m128i x)
{
    __m128i ok = codec_in(_mm_or_si128(x, _mm_set1_epi8(0x20)), 'a', 'z');

    ok = _mm_or_si128(ok, _mm_or_si128(codec_in(x, '/', '9'),
                                       codec_in(x, '\t', '\n')));
    ok = _mm_or_si128(ok, _mm_or_si128(codec_is(x, '+'), codec_is(x, '-')));
    ok = _mm_or_si128(ok, _mm_or_si128(codec_is(x, '_'), codec_is(x, '=')));
    return _mm_or_si128(ok,
                        _mm_or_si128(codec_is(x, '\r'), codec_is(x, ' ')));
}

/* Are the 16 bytes at p all as codec_b64_ok() wants? */
static inline __m128i codec_b64_ok_at(const char *p)
{
    return codec_b64_ok(_mm_loadu_si128((const __m128i *)(const void *)p));
}
#endif

/* codec_base64() with no room for output: only whether in is broken;
 * 32 bytes a step (one test of both halves) where SSE2 is. */
static bool codec_base64_bad(const char *in, size_t len)
{
    size_t i = 0;

#if defined(__SSE2__)
    for (; i + 32 <= len; i += 32)
        if (_mm_movemask_epi8(_mm_and_si128(codec_b64_ok_at(in + i),
                                            codec_b64_ok_at(in + i + 16))) !=
            0xffff)
            return true;
    if (i + 16 <= len) {
        if (_mm_movemask_epi8(codec_b64_ok_at(in + i)) != 0xffff)
            return true;
        i += 16;
    }
#endif
    for (; i < len; i++) {
        unsigned char c = (unsigned char)in[i];
        if (codec_b64val(c) < 0 && !codec_b64_other(c))
            return true;
    }
    return false;
}

size_t codec_base64(const char *in, size_t len, char *out, size_t cap,
                    bool *bad_r)
{
    unsigned acc = 0;
    int bits = 0;
    size_t n = 0;

    if (cap == 0) { /* nothing to write: a check of the input */
        if (codec_base64_bad(in, len))
            *bad_r = true;
        return 0;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)in[i];
        int v = codec_b64val(c);

        if (v < 0) {
            if (c == '=')
                bits = 0; /* padding: drop the partial group */
            else if (c != '\r' && c != '\n' && c != ' ' && c != '\t')
                *bad_r = true;
            continue;
        }
        acc = (acc << 6) | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (n < cap)
                out[n++] = (char)((acc >> bits) & 0xff);
        }
    }
    return n;
}

/* Value + 1 of each hexadecimal digit (either case), 0 for other bytes. */
static const unsigned char codec_hex[256] = {
    ['0'] = 1,  ['1'] = 2,  ['2'] = 3,  ['3'] = 4,  ['4'] = 5,  ['5'] = 6,
    ['6'] = 7,  ['7'] = 8,  ['8'] = 9,  ['9'] = 10, ['A'] = 11, ['B'] = 12,
    ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16, ['a'] = 11, ['b'] = 12,
    ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
};

static int codec_hexval(unsigned char c)
{
    return codec_hex[c] - 1;
}

/* Handles the '=' at in[i]; returns the number of input bytes consumed. */
static size_t codec_qp_escape(const char *in, size_t len, size_t i, char *out,
                              size_t *n, size_t cap, bool *bad_r)
{
    if (i + 2 < len) { /* @UNSAFE: i < len, so no overflow */
        int h = codec_hexval((unsigned char)in[i + 1]);
        int l = codec_hexval((unsigned char)in[i + 2]);
        if (h >= 0 && l >= 0) {
            if (*n < cap)
                out[(*n)++] = (char)(h * 16 + l);
            return 3;
        }
    }
    /* soft line break: "=" then optional blanks then CRLF / LF / CR */
    size_t j = i + 1;
    while (j < len && (in[j] == ' ' || in[j] == '\t'))
        j++;
    if (j < len && in[j] == '\r')
        return j + 1 < len && in[j + 1] == '\n' ? j + 2 - i : j + 1 - i;
    if (j < len && in[j] == '\n')
        return j + 1 - i;
    if (j >= len)
        return len - i;
    *bad_r = true;
    if (*n < cap)
        out[(*n)++] = '=';
    return 1;
}

#if defined(__SSE2__)
/* Copies the bytes of in[i..len) before its next '=' to out[*n..cap), 16
 * a step while both 16 in and 16 out remain (a step stores all 16 bytes:
 * those past the '=' are scratch beyond the new *n); returns the bytes
 * consumed. */
static size_t codec_qp_run16(const char *in, size_t len, size_t i, char *out,
                             size_t *n, size_t cap)
{
    const __m128i eq = _mm_set1_epi8('=');
    size_t start = i;

    while (i + 16 <= len && cap - *n >= 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(in + i));
        unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, eq));
        _mm_storeu_si128((__m128i *)(void *)(out + *n), x);
        if (m != 0) {
            size_t k = (size_t)__builtin_ctz(m);
            *n += k;
            return i + k - start;
        }
        *n += 16;
        i += 16;
    }
    return i - start;
}
#endif

/* Is the '=' at in[i] a broken escape: neither two hex digits nor a soft
 * line break (blanks, then a line end or the end of the input)? */
static bool codec_qp_bad_at(const char *in, size_t len, size_t i)
{
    if (i + 2 < len && codec_hexval((unsigned char)in[i + 1]) >= 0 &&
        codec_hexval((unsigned char)in[i + 2]) >= 0)
        return false;
    size_t j = i + 1;
    while (j < len && (in[j] == ' ' || in[j] == '\t'))
        j++;
    return j < len && in[j] != '\r' && in[j] != '\n';
}

/* Is the '=' at in[i] plainly good: two hex digits or a line end after
 * it (the usual escapes and soft line breaks, told without a call)? */
static inline bool codec_qp_good_at(const char *in, size_t len, size_t i)
{
    if (i + 1 >= len) /* a soft line break at the end */
        return true;
    unsigned char c1 = (unsigned char)in[i + 1];
    if (c1 == '\r' || c1 == '\n')
        return true;
    return i + 2 < len && codec_hex[c1] != 0 &&
           codec_hex[(unsigned char)in[i + 2]] != 0;
}

/* Is one of the '=' at in[i + k], for the bits k of m, a broken escape? */
static bool codec_qp_bad_bits(const char *in, size_t len, size_t i,
                              uint32_t m)
{
    for (; m != 0; m &= m - 1) {
        size_t k = i + (size_t)__builtin_ctz(m);
        if (!codec_qp_good_at(in, len, k) && codec_qp_bad_at(in, len, k))
            return true;
    }
    return false;
}

/* codec_qp() with no room for output: only whether in is broken.  No
 * escape holds an '=' but at its start (hex digits, blanks and line ends
 * are all it consumes), so every '=' starts one and is checked alone;
 * 32 bytes a step are searched for them where SSE2 is there. */
static bool codec_qp_bad(const char *in, size_t len)
{
    size_t i = 0;

#if defined(__SSE2__)
    const __m128i eq = _mm_set1_epi8('=');
    for (; i + 32 <= len; i += 32) {
        __m128i a = _mm_loadu_si128((const __m128i *)(const void *)(in + i));
        __m128i b =
            _mm_loadu_si128((const __m128i *)(const void *)(in + i + 16));
        uint32_t m = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(a, eq)) |
                     (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(b, eq)) << 16;
        if (m != 0 && codec_qp_bad_bits(in, len, i, m))
            return true;
    }
#endif
    for (; i < len; i++)
        if (in[i] == '=' && !codec_qp_good_at(in, len, i) &&
            codec_qp_bad_at(in, len, i))
            return true;
    return false;
}

size_t codec_qp(const char *in, size_t len, char *out, size_t cap, bool q_mode,
                bool *bad_r)
{
    size_t n = 0, i = 0;

    if (cap == 0) { /* nothing to write: a check of the input */
        if (codec_qp_bad(in, len))
            *bad_r = true;
        return 0;
    }
    while (i < len) {
        if (in[i] == '=') {
            i += codec_qp_escape(in, len, i, out, &n, cap, bad_r);
            continue;
        }
        if (q_mode) {
            if (n < cap)
                out[n++] = in[i] == '_' ? ' ' : in[i];
            i++;
            continue;
        }
#if defined(__SSE2__)
        /* the run up to the next '=' is copied 16 bytes a step while they
         * fit (the bytes of a step past the '=' are overwritten later) */
        if (i + 16 <= len && cap - n >= 16) {
            size_t k = codec_qp_run16(in, len, i, out, &n, cap);
            i += k;
            if (i < len && in[i] == '=')
                continue;
        }
#endif
        /* the run up to the next '=' is copied as it is, in one go */
        const char *eq = memchr(in + i, '=', len - i);
        size_t run = eq != NULL ? (size_t)(eq - in) - i : len - i;
        size_t room = cap - n; /* n <= cap always */
        memcpy(out + n, in + i, run < room ? run : room);
        n += run < room ? run : room;
        i += run;
    }
    return n;
}
