/*
 * scan.h - byte scanning primitives shared by the parsers: where a line
 * ends, and which lines start with two given bytes.
 *
 * Mail is read line by line, and lines differ in length from one to the
 * next: a search that stops at a line's end after a number of steps that
 * follows the text costs a mispredicted branch almost every line.  These
 * test 64 places a step (SSE2, which every x86-64 has), so that most lines
 * end within the first step and the only branches taken follow the lines
 * found, not the bytes read.  A byte loop stands in where SSE2 is not.
 *
 * Pure and inline; every function reads only the bytes its bounds give.
 */
#ifndef BG_SCAN_H
#define BG_SCAN_H

#include <stddef.h>
#include <stdint.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#if defined(__SSE2__)
/* The CR and LF bits of the 16 bytes at p. */
static inline unsigned scan_eol16(const char *p)
{
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);

    return (unsigned)_mm_movemask_epi8(
        _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('\r')),
                     _mm_cmpeq_epi8(x, _mm_set1_epi8('\n'))));
}

/* The CR and LF bits of the 64 bytes at p. */
static inline uint64_t scan_eol64(const char *p)
{
    return (uint64_t)scan_eol16(p) | (uint64_t)scan_eol16(p + 16) << 16 |
           (uint64_t)scan_eol16(p + 32) << 32 |
           (uint64_t)scan_eol16(p + 48) << 48;
}

/* Bits k of the 16 places q + k (q - 1 and q + 16 readable) where a line
 * starts with the bytes a, b: a CR or LF at q + k - 1, then a and b, each
 * byte or-ed with fold first (0x20 with lower-case letters a, b: either
 * case; 0 for bytes compared as they are). */
static inline unsigned scan_starts16(const char *q, char a, char b,
                                     char fold)
{
    const __m128i f = _mm_set1_epi8(fold);
    __m128i before = _mm_loadu_si128((const __m128i *)(const void *)(q - 1));
    __m128i at = _mm_loadu_si128((const __m128i *)(const void *)q);
    __m128i after = _mm_loadu_si128((const __m128i *)(const void *)(q + 1));
    __m128i brk = _mm_or_si128(_mm_cmpeq_epi8(before, _mm_set1_epi8('\n')),
                               _mm_cmpeq_epi8(before, _mm_set1_epi8('\r')));
    __m128i two = _mm_and_si128(
        _mm_cmpeq_epi8(_mm_or_si128(at, f), _mm_set1_epi8(a)),
        _mm_cmpeq_epi8(_mm_or_si128(after, f), _mm_set1_epi8(b)));

    return (unsigned)_mm_movemask_epi8(_mm_and_si128(brk, two));
}
#endif

#if defined(__SSE2__)
/* The bits of the 16 bytes at p equal to a or to b. */
static inline unsigned scan_eq2_16(const char *p, char a, char b)
{
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);

    return (unsigned)_mm_movemask_epi8(
        _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8(a)),
                     _mm_cmpeq_epi8(x, _mm_set1_epi8(b))));
}
#endif

/* Offset of the first byte a or b in s[i..end), or end (a == b: the first
 * a).  32 bytes a step where SSE2 is: short distances, as between the
 * tags of HTML, end in the first. */
static inline size_t scan_find2(const char *s, size_t i, size_t end, char a,
                                char b)
{
#if defined(__SSE2__)
    for (; i + 32 <= end; i += 32) {
        uint32_t m = scan_eq2_16(s + i, a, b) |
                     (uint32_t)scan_eq2_16(s + i + 16, a, b) << 16;
        if (m != 0)
            return i + (size_t)__builtin_ctz(m);
    }
    if (i + 16 <= end) {
        unsigned m = scan_eq2_16(s + i, a, b);
        if (m != 0)
            return i + (size_t)__builtin_ctz(m);
        i += 16;
    }
#endif
    while (i < end && s[i] != a && s[i] != b)
        i++;
    return i;
}

/* Offset of the first CR or LF in s[i..end), or end. */
static inline size_t scan_eol(const char *s, size_t i, size_t end)
{
#if defined(__SSE2__)
    for (; i + 64 <= end; i += 64) {
        uint64_t m = scan_eol64(s + i);
        if (m != 0)
            return i + (size_t)__builtin_ctzll(m);
    }
    for (; i + 16 <= end; i += 16) {
        unsigned m = scan_eol16(s + i);
        if (m != 0)
            return i + (size_t)__builtin_ctz(m);
    }
#endif
    while (i < end && s[i] != '\r' && s[i] != '\n')
        i++;
    return i;
}

/* Offset of the first place p in t[from..len) (from >= 1) where a line
 * starts with the bytes a, b (or-ed with fold first, as in
 * scan_starts16()): t[p - 1] a CR or LF; len when there is none.  32
 * places a step where SSE2 is. */
static inline size_t scan_line_pair(const char *t, size_t from, size_t len,
                                    char a, char b, char fold)
{
    size_t p = from;

#if defined(__SSE2__)
    for (; p + 33 <= len; p += 32) {
        uint32_t m = scan_starts16(t + p, a, b, fold) |
                     (uint32_t)scan_starts16(t + p + 16, a, b, fold) << 16;
        if (m != 0)
            return p + (size_t)__builtin_ctz(m);
    }
#endif
    for (; p + 1 < len; p++)
        if ((t[p - 1] == '\n' || t[p - 1] == '\r') &&
            (char)(t[p] | fold) == a && (char)(t[p + 1] | fold) == b)
            return p;
    return len;
}

#endif
