/*
 * codec.h - Content-Transfer-Encoding decoders: base64 and quoted-printable
 * (RFC 2045), and the "Q" variant of RFC 2047 encoded words.
 *
 * Each decoder reads in[0..len) and writes at most cap bytes to out; the
 * decoded form is never longer than the input, so cap >= len always
 * suffices.  Bytes of out past the returned length (within cap) may have
 * been used as scratch.  Broken input (invalid characters, bad padding, stray
 * '=') is decoded as well as it can be and reported through *bad_r; decoding
 * never fails.  Pure, reentrant, linear time, no allocation.  codec_base64()
 * and codec_qp() with cap 0 only check the input (16 bytes a step where
 * SSE2 is there) and return 0: how errors are counted in parts nobody
 * reads, or reads only in part.
 */
#ifndef BG_CODEC_H
#define BG_CODEC_H

#include <stdbool.h>
#include <stddef.h>

size_t codec_base64(const char *in, size_t len, char *out, size_t cap,
                    bool *bad_r);
/* q_mode: RFC 2047 "Q" (underscore is a space, no soft line breaks). */
size_t codec_qp(const char *in, size_t len, char *out, size_t cap, bool q_mode,
                bool *bad_r);

#endif
