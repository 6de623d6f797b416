/*
 * test_mime.c - the MIME walker, header access, decoders and address
 * scanner (src/core/mime.c, hdr.c, codec.c, addrscan.c), table-driven.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include "addr_quote_ref.h"
#include "core/addrscan.h"
#include "core/codec.h"
#include "core/hdr.h"
#include "core/mime.h"

static void test_base64_decodes_and_flags_garbage(void **state)
{
    static const struct {
        const char *in, *out;
        bool bad;
    } t[] = {
        {"aGVsbG8=", "hello", false},
        {"aGVs\r\nbG8gd29y\nbGQ=", "hello world", false},
        {"aGVsbG8", "hello", false}, /* no padding: whole bytes kept */
        {"aGV*sbG8=", "hello", true},
        {"", "", false},
    };
    (void)state;
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        char out[64];
        bool bad = false;
        size_t n = codec_base64(t[i].in, strlen(t[i].in), out, sizeof out,
                                &bad);
        assert_int_equal(n, strlen(t[i].out));
        assert_memory_equal(out, t[i].out, n);
        assert_int_equal(bad, t[i].bad);
    }
}

/* With no room for output, codec_base64() only checks the input: it must
 * flag exactly what decoding flags, every byte value at positions inside
 * and across its 16- and 32-byte steps (inputs of 40 and 56 bytes). */
static void test_base64_check_only_agrees(void **state)
{
    static const size_t at[] = {0,  5,  15, 16, 17, 31,
                                32, 39, 40, 47, 48, 55};
    const char *base = "QUJD REVG\r\nR0hJ-_+/SktMTU5P\tUFFSU1R=Ux==";
    char in[64], out[64];
    size_t len = strlen(base);

    (void)state;
    assert_true(len == 40);
    for (size_t k = 0; k < sizeof at / sizeof at[0]; k++) {
        if (at[k] == 40) { /* the same with 16 more bytes */
            base = "QUJD REVG\r\nR0hJ-_+/SktMTU5P\tUFFSU1R=Ux==azAZ09+/_-\n"
                   "\t =\r\n";
            len = strlen(base);
            assert_true(len == 56);
        }
        for (unsigned c = 0; c < 256; c++) {
            bool bad_dec = false, bad_chk = false;
            memcpy(in, base, len);
            in[at[k]] = (char)c;
            (void)codec_base64(in, len, out, sizeof out, &bad_dec);
            assert_int_equal(codec_base64(in, len, out, 0, &bad_chk), 0);
            if (bad_dec != bad_chk)
                fail_msg("byte %u at %zu: %d decoding, %d checking", c,
                         at[k], bad_dec, bad_chk);
        }
    }
}

static void test_qp_decodes_soft_breaks_and_q_words(void **state)
{
    static const struct {
        const char *in, *out;
        bool q, bad;
    } t[] = {
        {"caf=C3=A9", "caf\xc3\xa9", false, false},
        {"caf=c3=a9=09=3D=3g", "caf\xc3\xa9\t==3g", false, true},
        {"long=\r\nline", "longline", false, false},
        {"long= \nline", "longline", false, false},
        {"a=ZZb", "a=ZZb", false, true},
        {"hello_world", "hello world", true, false},
        {"end=", "end", false, false},
    };
    (void)state;
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        char out[64];
        bool bad = false;
        size_t n = codec_qp(t[i].in, strlen(t[i].in), out, sizeof out, t[i].q,
                            &bad);
        assert_int_equal(n, strlen(t[i].out));
        assert_memory_equal(out, t[i].out, n);
        assert_int_equal(bad, t[i].bad);
    }
}

/* Quoted-printable (not Q) decoded one byte a step: the reference. */
static int ref_hex(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

static size_t ref_qp(const char *in, size_t len, char *out, size_t cap,
                     bool *bad)
{
    size_t n = 0, i = 0;

    while (i < len) {
        if (in[i] != '=') {
            if (n < cap)
                out[n++] = in[i];
            i++;
            continue;
        }
        if (i + 2 < len && ref_hex(in[i + 1]) >= 0 && ref_hex(in[i + 2]) >= 0) {
            if (n < cap)
                out[n++] = (char)(ref_hex(in[i + 1]) * 16 + ref_hex(in[i + 2]));
            i += 3;
            continue;
        }
        size_t j = i + 1;
        while (j < len && (in[j] == ' ' || in[j] == '\t'))
            j++;
        if (j >= len) {
            i = len;
        } else if (in[j] == '\r') {
            i = j + 1 < len && in[j + 1] == '\n' ? j + 2 : j + 1;
        } else if (in[j] == '\n') {
            i = j + 1;
        } else {
            *bad = true;
            if (n < cap)
                out[n++] = '=';
            i++;
        }
    }
    return n;
}

/* codec_qp() against the reference on long random inputs (runs of every
 * length between escapes, soft breaks, broken escapes) and every output
 * capacity up to the input's length. */
static void test_qp_matches_bytewise(void **state)
{
    static const char *const piece[] = {"=3D", "=\r\n", "=\n", "= \n",
                                        "=4", "=zz", "=", "<a href", "x",
                                        "0123456789abcdef0123", " ", "\r\n"};
    char in[300], got[300], want[300];
    unsigned seed = 2045;
    (void)state;

    for (int round = 0; round < 4000; round++) {
        size_t len = 0;
        while (len < 200) {
            seed = seed * 1103515245u + 12345u;
            const char *pc = piece[(seed >> 16) % (sizeof piece /
                                                   sizeof piece[0])];
            size_t pl = strlen(pc);
            memcpy(in + len, pc, pl);
            len += pl;
        }
        size_t cap = (size_t)round % (len + 1);
        bool bad1 = false, bad2 = false;
        size_t n = codec_qp(in, len, got, cap, false, &bad1);
        size_t m = ref_qp(in, len, want, cap, &bad2);
        assert_int_equal(n, m);
        assert_memory_equal(got, want, n);
        assert_int_equal(bad1, bad2);
    }
}

/* With no room for output, codec_qp() only checks the input: it must flag
 * exactly what decoding flags, for every byte value put at positions
 * inside and across its 16-byte steps of a text with escapes of every
 * kind, and on random texts of escapes and runs. */
static void test_qp_check_only_agrees(void **state)
{
    static const size_t at[] = {0, 1, 2, 14, 15, 16, 17, 30, 31, 32, 45, 47};
    static const char *const piece[] = {"=3D", "=\r\n", "=\n", "= \t\r",
                                        "=4", "=zz", "=", "==", "x", " ",
                                        "0123456789abcdef0", "\r\n", "=\t"};
    const char *base = "ab=3Dc= \r\nd=\nefghij=41=4a=\r0123456789=  \nk=lmno=";
    char in[300], out[300];
    size_t len = strlen(base);
    unsigned seed = 77;

    (void)state;
    assert_true(len == 48);
    for (size_t k = 0; k < sizeof at / sizeof at[0]; k++) {
        for (unsigned c = 0; c < 256; c++) {
            bool bad_dec = false, bad_chk = false;
            memcpy(in, base, len);
            in[at[k]] = (char)c;
            (void)codec_qp(in, len, out, sizeof out, false, &bad_dec);
            assert_int_equal(codec_qp(in, len, out, 0, false, &bad_chk), 0);
            if (bad_dec != bad_chk)
                fail_msg("byte %u at %zu: %d decoding, %d checking", c,
                         at[k], bad_dec, bad_chk);
        }
    }
    for (int round = 0; round < 20000; round++) {
        size_t n = 0, lim;
        seed = seed * 1103515245u + 12345u;
        lim = (seed >> 16) % 200;
        while (n < lim) {
            seed = seed * 1103515245u + 12345u;
            const char *pc = piece[(seed >> 16) % (sizeof piece /
                                                   sizeof piece[0])];
            memcpy(in + n, pc, strlen(pc));
            n += strlen(pc);
        }
        bool bad_dec = false, bad_chk = false;
        (void)codec_qp(in, n, out, sizeof out, false, &bad_dec);
        (void)codec_qp(in, n, out, 0, false, &bad_chk);
        assert_int_equal(bad_dec, bad_chk);
    }
}

/* hdr_unfold() as written one byte a step: the reference. */
static size_t ref_unfold(const char *v, size_t vlen, char *out, size_t cap)
{
    size_t n = 0;
    bool space = false;

    if (cap == 0)
        return 0;
    for (size_t i = 0; i < vlen; i++) {
        unsigned char c = (unsigned char)v[i];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == 0) {
            space = n > 0;
            continue;
        }
        if (space && n + 1 < cap)
            out[n++] = ' ';
        space = false;
        if (n + 1 >= cap)
            break;
        out[n++] = (char)c;
    }
    out[n] = '\0';
    return n;
}

/* Runs of every length around the 16-byte steps, with blanks, other
 * control bytes and 8-bit bytes, into buffers of every size. */
static void test_hdr_unfold_matches_bytewise(void **state)
{
    static const char bytes[] = {'a', ' ', '\t', '\r', '\n', '\0', '\x01',
                                 '\x1f', '!', '\x80', '\xff', 'Z'};
    char v[80], got[96], want[96];
    unsigned seed = 12345;

    (void)state;
    for (int round = 0; round < 30000; round++) {
        size_t vlen = (size_t)(round % 80);
        for (size_t i = 0; i < vlen; i++) {
            seed = seed * 1103515245u + 12345u;
            /* mostly letters, so that long runs occur */
            unsigned r = (seed >> 16) % 40;
            v[i] = r < sizeof bytes ? bytes[r] : (char)('a' + r % 26);
        }
        size_t cap = (size_t)(round % 96);
        size_t n = hdr_unfold(v, vlen, got, cap);
        size_t m = ref_unfold(v, vlen, want, cap);
        assert_int_equal(n, m);
        if (cap > 0)
            assert_memory_equal(got, want, n + 1);
    }
}

/* hdr_line() against a byte-at-a-time reference: random lines of every
 * length up to 100, line ends at every position, all three kinds. */
static void test_hdr_line_matches_bytewise(void **state)
{
    char s[128];
    unsigned seed = 99;
    (void)state;

    for (int round = 0; round < 20000; round++) {
        size_t len = (size_t)round % 101, next, want_next, i = 0;
        for (size_t k = 0; k < len; k++) {
            seed = seed * 1103515245u + 12345u;
            unsigned r = (seed >> 16) % 300;
            s[k] = r == 0 ? '\r' : r == 1 ? '\n' : (char)('a' + r % 26);
        }
        while (i < len && s[i] != '\r' && s[i] != '\n')
            i++;
        want_next = i >= len ? len
                    : s[i] == '\r' && i + 1 < len && s[i + 1] == '\n' ? i + 2
                                                                      : i + 1;
        assert_int_equal(hdr_line(s, len, &next), i);
        assert_int_equal(next, want_next);
    }
}

/* hdr_caseeq() against strncasecmp() (C locale): names of every length
 * up to 40 made from a literal of any non-NUL bytes by changing the case
 * of letters, flipping bit 0x20 of other bytes or putting in any byte. */
static void test_hdr_caseeq_as_strncasecmp(void **state)
{
    char lit[41], s[41];
    unsigned seed = 7;
    (void)state;

    for (int round = 0; round < 200000; round++) {
        size_t n = (size_t)round % 41;
        for (size_t k = 0; k < n; k++) {
            seed = seed * 1103515245u + 12345u;
            unsigned r = (seed >> 16) % 512;
            lit[k] = r < 256 ? (char)('A' + r % 58) : (char)(1 + r % 255);
            s[k] = lit[k];
        }
        seed = seed * 1103515245u + 12345u;
        for (unsigned e = (seed >> 16) % 4; e > 0 && n > 0; e--) {
            seed = seed * 1103515245u + 12345u;
            size_t at = (seed >> 8) % n;
            unsigned how = (seed >> 20) % 3;
            s[at] = how == 0   ? (char)(s[at] ^ 0x20)
                    : how == 1 ? (char)(s[at] ^ 0x01)
                               : (char)(seed >> 24);
        }
        assert_int_equal(hdr_caseeq(s, lit, n), strncasecmp(s, lit, n) == 0);
    }
}

/* hdr_index_run() as written a line at a time, a byte at a time: lines
 * taken are handed to hdr_index_line() (the colon of a field line found
 * here); returns the first line not taken, as hdr_index_run() does. */
static size_t ref_index_run(struct hdr_index *ix, size_t pos, size_t len,
                            size_t *ll_r, size_t *next_r)
{
    const char *blk = ix->blk;

    while (pos < len) {
        const char *line = blk + pos;
        size_t ll = 0, next, c = 0;
        while (pos + ll < len && line[ll] != '\r' && line[ll] != '\n')
            ll++;
        next = pos + ll >= len ? len - pos
               : line[ll] == '\r' && pos + ll + 1 < len && line[ll + 1] == '\n'
                   ? ll + 2
                   : ll + 1;
        while (c < ll && line[c] != ':' && (unsigned char)line[c] > ' ' &&
               (unsigned char)line[c] < 0x7f)
            c++;
        if (ll > 0 && (line[0] == ' ' || line[0] == '\t') && pos > 0) {
            hdr_index_line(ix, pos, ll, next, HDR_COLON_UNKNOWN);
        } else if (c > 0 && c < ll && line[c] == ':' && line[0] != '-') {
            hdr_index_line(ix, pos, ll, next, c);
        } else {
            *ll_r = ll;
            *next_r = next;
            return pos;
        }
        pos += next;
    }
    return pos;
}

/* hdr_index_run() against the reference on random blocks: field lines
 * with short and long names, continuations, lines that start with '-',
 * garbage, 8-bit and NUL bytes, blank lines, all three line ends; a line
 * not taken goes to hdr_index_line() and the run goes on after it, as
 * the walker does. */
static void test_hdr_index_run_as_reference(void **state)
{
    static const char *const piece[] = {
        "From: a <b@c>", "X-Very-Long-Field-Name-Here: v", "To:", "TO : y",
        " folded", "\tfolded", "-X: dash", "--b", "garbage", ":no name",
        "From x", "N\xe9: v", "N\x01: v", "A:", "Received: from x by y with z "
        "for <q@r>; Mon, 1 Jan 2024 10:00:00 +0000", "\n", "\r\n", "\r",
        "\r\r\n", "K\0: nul", "Name-Of-Exactly-16: v", "X", " "};
    char blk[700];
    unsigned seed = 4711;
    (void)state;

    for (int round = 0; round < 20000; round++) {
        size_t len = 0, k;
        seed = seed * 1103515245u + 12345u;
        k = (seed >> 16) % 30;
        while (k-- > 0) {
            seed = seed * 1103515245u + 12345u;
            const char *pc = piece[(seed >> 16) % (sizeof piece /
                                                   sizeof piece[0])];
            size_t pl = pc[0] == 'K' ? 7 : strlen(pc);
            if (len + pl + 1 >= sizeof blk)
                break;
            memcpy(blk + len, pc, pl);
            len += pl;
            if ((seed >> 8) % 3 != 0)
                blk[len++] = '\n';
        }
        struct hdr_index a, b;
        size_t pa = 0, pb = 0;
        hdr_index_begin(&a, blk);
        hdr_index_begin(&b, blk);
        while (pa < len) {
            size_t lla = 0, nexta = 0, llb = 0, nextb = 0;
            pa = hdr_index_run(&a, pa, len, &lla, &nexta);
            pb = ref_index_run(&b, pb, len, &llb, &nextb);
            assert_int_equal(pa, pb);
            if (pa >= len)
                break;
            assert_int_equal(lla, llb);
            assert_int_equal(nexta, nextb);
            hdr_index_line(&a, pa, lla, nexta, HDR_COLON_UNKNOWN);
            hdr_index_line(&b, pb, llb, nextb, HDR_COLON_UNKNOWN);
            pa += nexta;
            pb += nextb;
        }
        hdr_index_end(&a, len);
        hdr_index_end(&b, len);
        assert_int_equal(a.n, b.n);
        assert_int_equal(a.over, b.over);
        for (size_t i = 0; i < a.n; i++) {
            assert_ptr_equal(a.f[i].name, b.f[i].name);
            assert_int_equal(a.f[i].name_len, b.f[i].name_len);
            assert_ptr_equal(a.f[i].value, b.f[i].value);
            assert_int_equal(a.f[i].value_len, b.f[i].value_len);
        }
    }
}

static void test_hdr_find_unfolds_any_line_end(void **state)
{
    static const char *const blocks[] = {
        "From: a@b.example\nSubject: one\n two\nX: y\n",
        "From: a@b.example\r\nSubject: one\r\n two\r\nX: y\r\n",
        "From: a@b.example\rSubject: one\r two\rX: y\r",
    };
    (void)state;
    for (size_t i = 0; i < 3; i++) {
        char v[64];
        assert_true(hdr_get(blocks[i], strlen(blocks[i]), "subject", v,
                            sizeof v));
        assert_string_equal(v, "one two");
        assert_false(hdr_get(blocks[i], strlen(blocks[i]), "To", v,
                             sizeof v));
    }
}

static void test_hdr_decode_encoded_words(void **state)
{
    static const struct {
        const char *in, *out;
    } t[] = {
        {"=?UTF-8?Q?Invoice_n=C2=B0_42?=", "Invoice n\xc2\xb0 42"},
        {"=?utf-8?B?5L2g5aW9?=", "\xe4\xbd\xa0\xe5\xa5\xbd"},
        {"=?ISO-8859-1?Q?caf=E9?=", "caf\xc3\xa9"},
        {"=?UTF-8?Q?a?= =?UTF-8?Q?b?=", "ab"}, /* space between words goes */
        {"plain =?x?Q?text", "plain =?x?Q?text"},
        {"=?UTF-8?Q?AutoRespons?= :Nyaan?", "AutoRespons :Nyaan?"},
        /* other charsets through iconv(): "です。" */
        {"=?ISO-2022-JP?B?GyRCJEckOSEjGyhC?=",
         "\xe3\x81\xa7\xe3\x81\x99\xe3\x80\x82"},
        /* a charset iconv() does not know stays encoded: the text stays
         * UTF-8 */
        {"=?X-NO-SUCH-CHARSET?B?GyRCJEckOSEjGyhC?=",
         "=?X-NO-SUCH-CHARSET?B?GyRCJEckOSEjGyhC?="},
    };
    (void)state;
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        char out[128];
        hdr_decode(t[i].in, strlen(t[i].in), out, sizeof out);
        assert_string_equal(out, t[i].out);
    }
}

static void test_hdr_param_quoted_and_bare(void **state)
{
    static const char v[] =
        " multipart/report; report-type=delivery-status;\n\t"
        "boundary=\"a b\\\"c\"; charset=UTF-8";
    char out[64];
    (void)state;
    assert_true(hdr_param(v, strlen(v), "boundary", out, sizeof out));
    assert_string_equal(out, "a b\"c");
    assert_true(hdr_param(v, strlen(v), "REPORT-TYPE", out, sizeof out));
    assert_string_equal(out, "delivery-status");
    assert_true(hdr_param(v, strlen(v), "charset", out, sizeof out));
    assert_string_equal(out, "UTF-8");
    assert_false(hdr_param(v, strlen(v), "name", out, sizeof out));
}

/* A random Content-Type-like value of up to cap - 1 bytes from pieces
 * that make parameters, quotes, folds and odd bytes likely. */
static size_t random_ctype(char *v, size_t cap, unsigned *seed)
{
    static const char *const piece[] = {
        "multipart/mixed", "Text/Plain", "message/rfc822", "; ", ";",
        "charset=", "CHARSET = ", "boundary=", "Boundary=\"", "\"", "\\",
        "utf-8", "ISO-2022-JP", "a;b", " ", "\t", "\r\n ", "\n\t", "=",
        "base64", "Quoted-Printable", "/", "x", "\0", "\x80"};
    size_t n = 0, k;

    *seed = *seed * 1103515245u + 12345u;
    k = (*seed >> 16) % 12;
    while (k-- > 0) {
        *seed = *seed * 1103515245u + 12345u;
        size_t i = (*seed >> 16) % (sizeof piece / sizeof piece[0]);
        size_t pl = piece[i][0] == '\0' ? 1 : strlen(piece[i]);
        if (n + pl >= cap)
            break;
        memcpy(v + n, piece[i], pl);
        n += pl;
    }
    return n;
}

/* hdr_param() as first written, a byte at a time: the reference. */
static bool ref_param(const char *v, size_t vlen, const char *name, char *out,
                      size_t cap)
{
    size_t i = 0, nlen = strlen(name);

    while (i < vlen) {
        const char *semi = memchr(v + i, ';', vlen - i);
        if (semi == NULL)
            return false;
        i = (size_t)(semi - v) + 1;
        while (i < vlen && (v[i] == ' ' || v[i] == '\t' || v[i] == '\r' ||
                            v[i] == '\n' || v[i] == '\0'))
            i++;
        if (vlen - i <= nlen || strncasecmp(v + i, name, nlen) != 0)
            continue;
        size_t j = i + nlen, n = 0;
        while (j < vlen && (v[j] == ' ' || v[j] == '\t'))
            j++;
        if (j >= vlen || v[j] != '=')
            continue;
        j++;
        while (j < vlen && (v[j] == ' ' || v[j] == '\t'))
            j++;
        bool quoted = j < vlen && v[j] == '"';
        for (j += quoted; j < vlen; j++) {
            char c = v[j];
            if (!quoted && (c == ';' || c == ' ' || c == '\t' || c == '\r' ||
                            c == '\n' || c == '\0'))
                break;
            if (quoted && c == '"')
                break;
            if (quoted && c == '\\' && j + 1 < vlen)
                c = v[++j];
            if (quoted && (c == '\r' || c == '\n'))
                continue;
            if (n + 1 < cap)
                out[n++] = c;
        }
        if (cap > 0)
            out[n] = '\0';
        return true;
    }
    return false;
}

/* hdr_param() against the reference on random values with long runs (so
 * that whole 16-byte steps are taken), quotes, escapes and odd bytes, into
 * outputs of every size up to 40. */
static void test_hdr_param_as_bytewise(void **state)
{
    static const char *const names[] = {"charset", "boundary", "x",
                                         "report-type"};
    static const char *const longs[] = {
        "----=_NextPart_000_0012_01D9ABCDEF.123456789",
        "\"----=_Part_12345_67890.1700000000000\"",
        "\"quoted \\\"long\\\" value with\r\n folds and more\"",
        "boundary=0123456789abcdefghijABCDEFGHIJ0123456789",
        "; charset=\"windows-1252-with-a-long-tail-0123\""};
    char v[400];
    unsigned seed = 2718;
    (void)state;

    for (int round = 0; round < 20000; round++) {
        size_t vlen = 0;
        for (int part = 0; part < 3; part++) {
            vlen += random_ctype(v + vlen, 120, &seed);
            seed = seed * 1103515245u + 12345u;
            const char *l = longs[(seed >> 16) % 5];
            memcpy(v + vlen, l, strlen(l));
            vlen += strlen(l);
        }
        for (size_t k = 0; k < 4; k++) {
            char got[48], want[48];
            size_t cap = 1 + (size_t)(round + (int)k) % 40;
            memset(got, 'g', sizeof got);
            memset(want, 'g', sizeof want);
            bool a = hdr_param(v, vlen, names[k], got, cap);
            bool b = ref_param(v, vlen, names[k], want, cap);
            assert_int_equal(a, b);
            assert_memory_equal(got, want, sizeof got);
        }
    }
}

/* hdr_params() finds each parameter as hdr_param() does alone. */
static void test_hdr_params_as_hdr_param(void **state)
{
    static const char *const names[] = {"charset", "boundary", "x"};
    char v[200];
    unsigned seed = 4242;
    (void)state;

    for (int round = 0; round < 20000; round++) {
        size_t vlen = random_ctype(v, sizeof v, &seed);
        char out[3][40], want[40];
        struct hdr_pwant w[3];
        for (size_t k = 0; k < 3; k++)
            w[k] = (struct hdr_pwant){.name = names[k], .out = out[k],
                                      .cap = (size_t)round % 40};
        hdr_params(v, vlen, w, 3);
        for (size_t k = 0; k < 3; k++) {
            bool found = hdr_param(v, vlen, names[k], want, w[k].cap);
            assert_int_equal(w[k].found, found);
            if (found && w[k].cap > 0)
                assert_string_equal(out[k], want);
        }
    }
}

/* hdr_pick() finds the first field of each name as a walk with
 * hdr_next() does, on random blocks of fields, continuations, garbage
 * lines and line ends of all kinds. */
static void test_hdr_pick_as_hdr_next(void **state)
{
    static const char *const piece[] = {
        "From: a <b@c>", "X-From: x", "To:", "TO : y", "Subject: s",
        "Sub: t", "garbage", ":no name", " folded", "\tfolded", "x-mailer: m",
        "Return-Path: <r@s>", "Message-ID: <m@n>", "Received: r", "\n",
        "\r\n", "\r", "\n\n", "Subject\t: tab", "Fr\xc3\xb6m: 8 bit",
        "X-HmXmrOriginalRecipient: <j@k>", "X-HmXmrOriginalRecipients: l",
        "Message-ID-And-Then-Some-More: long", "To :: two"};
    static const char *const names[] = {"From", "To", "Subject",
                                        "Message-ID", "Return-Path",
                                        "X-HmXmrOriginalRecipient"};
    enum { NN = sizeof names / sizeof names[0] };
    char blk[400];
    unsigned seed = 31337;
    (void)state;

    for (int round = 0; round < 20000; round++) {
        size_t len = 0, k;
        seed = seed * 1103515245u + 12345u;
        k = (seed >> 16) % 24;
        while (k-- > 0) {
            seed = seed * 1103515245u + 12345u;
            const char *pc = piece[(seed >> 16) % (sizeof piece /
                                                   sizeof piece[0])];
            size_t pl = strlen(pc);
            if (len + pl + 1 >= sizeof blk)
                break;
            memcpy(blk + len, pc, pl);
            len += pl;
            if (pc[pl - 1] != '\n' && pc[pl - 1] != '\r')
                blk[len++] = '\n';
        }
        struct hdr_want w[NN];
        for (size_t i = 0; i < NN; i++)
            w[i] = (struct hdr_want){.name = names[i]};
        hdr_pick(blk, len, w, NN);
        for (size_t i = 0; i < NN; i++) {
            struct hdr_field f;
            bool found = hdr_find(blk, len, names[i], &f);
            assert_int_equal(w[i].found, found);
            if (found) {
                assert_ptr_equal(w[i].f.name, f.name);
                assert_int_equal(w[i].f.name_len, f.name_len);
                assert_ptr_equal(w[i].f.value, f.value);
                assert_int_equal(w[i].f.value_len, f.value_len);
            }
        }
    }
}

struct type_seen {
    char type[64], charset[32];
    enum mime_cte cte;
    bool seen;
};

static void type_cb(void *ctx, enum mime_event ev, const struct mime_part *p)
{
    struct type_seen *t = ctx;

    if (ev != MIME_EV_ENTITY || p->index != 0)
        return;
    strcpy(t->type, p->type);
    strcpy(t->charset, p->charset);
    t->cte = p->cte;
    t->seen = true;
}

/* The walker's type, charset and transfer encoding of an entity agree with
 * the plain reading: the value unfolded, its first word up to ';' lower
 * case ("text/plain" without a '/'), the charset as hdr_param() reads it,
 * lower case, the encoding's unfolded value compared in ASCII case. */
static void test_walk_type_as_unfolded(void **state)
{
    char ct[120], cte[60], msg[256];
    unsigned seed = 777;
    struct mime_limits lim;
    (void)state;

    mime_limits_default(&lim);
    for (int round = 0; round < 20000; round++) {
        size_t cl = random_ctype(ct, sizeof ct, &seed);
        size_t el = random_ctype(cte, sizeof cte, &seed);
        size_t n = 0;
        memcpy(msg + n, "Content-Type:", 13);
        n += 13;
        memcpy(msg + n, ct, cl);
        n += cl;
        memcpy(msg + n, "\nContent-Transfer-Encoding:", 27);
        n += 27;
        memcpy(msg + n, cte, el);
        n += el;
        memcpy(msg + n, "\n\nbody\n", 7);
        n += 7;

        struct type_seen t = {.seen = false};
        (void)mime_walk(msg, n, &lim, type_cb, &t);
        assert_true(t.seen);

        /* the reference, from the fields as hdr_find() reads them */
        struct hdr_field f;
        char v[64], type[64] = "text/plain", cs[32] = "";
        enum mime_cte want_cte = MIME_CTE_IDENTITY;
        size_t i;
        if (hdr_find(msg, n, "Content-Type", &f)) {
            size_t ul = hdr_unfold(f.value, f.value_len, v, sizeof v);
            for (i = 0; i < ul && i + 1 < sizeof type && v[i] != ';' &&
                        v[i] != ' ';
                 i++)
                type[i] = (char)(v[i] >= 'A' && v[i] <= 'Z' ? v[i] + 32
                                                            : v[i]);
            type[i] = '\0';
            if (i == 0 || strchr(type, '/') == NULL)
                strcpy(type, "text/plain");
            if (hdr_param(f.value, f.value_len, "charset", cs, sizeof cs))
                for (char *c = cs; *c != '\0'; c++)
                    *c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
        }
        if (hdr_find(msg, n, "Content-Transfer-Encoding", &f)) {
            hdr_unfold(f.value, f.value_len, v, sizeof v);
            if (strncasecmp(v, "base64", 6) == 0)
                want_cte = MIME_CTE_BASE64;
            else if (strncasecmp(v, "quoted-printable", 16) == 0)
                want_cte = MIME_CTE_QP;
        }
        assert_string_equal(t.type, type);
        assert_string_equal(t.charset, cs);
        assert_int_equal(t.cte, want_cte);
    }
}

static void test_addrscan_finds_and_normalizes(void **state)
{
    static const struct {
        const char *text, *first; /* first normalised address or NULL */
    } t[] = {
        {"<Bob@Example.ORG>: host said", "Bob@example.org"},
        {"rfc822; user@mail.example.net.", "user@mail.example.net"},
        {"mail to x@localhost only", NULL},
        {"see http://h.example/a/b@c.example.com", "b@c.example.com"},
        {"\"quoted\"@example.com", "quoted@example.com"},
        {"no address here @ all", NULL},
        {"=?utf-8?Q?a+=F0=9F=90=88?=@gmail.example", NULL},
    };
    (void)state;
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        size_t pos = 0, s, l;
        char out[ADDRSCAN_MAX];
        bool got = addrscan_next(t[i].text, strlen(t[i].text), &pos, &s, &l);
        if (t[i].first == NULL && got &&
            strchr(t[i].text, '?') != NULL) { /* encoded local part */
            assert_true(addrscan_normalize(t[i].text + s, l, out,
                                           sizeof out));
            continue;
        }
        assert_int_equal(got, t[i].first != NULL);
        if (!got)
            continue;
        assert_true(addrscan_normalize(t[i].text + s, l, out, sizeof out));
        assert_string_equal(out, t[i].first);
    }
    char out[ADDRSCAN_MAX];
    assert_true(addrscan_normalize("@relay.example:u@h.example", 26, out,
                                   sizeof out));
    assert_string_equal(out, "u@h.example");
    assert_false(addrscan_normalize("not-an-address", 14, out, sizeof out));
}

/* addrscan_next() as first written, a byte at a time: the reference for
 * the memchr()-driven one (same atext, dtext and domain rules). */
static bool ref_atext(unsigned char c)
{
    return c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || strchr("!#$%&'*+-/=?^_`{|}~.", c) != NULL;
}

static bool ref_dtext(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
           c >= 0x80;
}

static bool ref_domain_ok(const char *d, size_t n)
{
    size_t dots = 0, label = 0;

    for (size_t i = 0; i < n; i++) {
        if (d[i] == '.') {
            if (label == 0)
                return false;
            dots++;
            label = 0;
        } else {
            label++;
        }
    }
    return dots > 0 && label > 0;
}

static bool ref_next(const char *s, size_t len, size_t *pos, size_t *start_r,
                     size_t *len_r)
{
    size_t word = *pos;

    for (size_t i = *pos; i < len; i++) {
        if (s[i] != '@') {
            if (s[i] == '\0' || !ref_atext((unsigned char)s[i]) ||
                s[i] == '/' || s[i] == '&' ||
                (s[i] == '=' && i + 1 < len && s[i + 1] != '?'))
                word = i + 1;
            continue;
        }
        size_t ls = word;
        if (ls == i && i > 0 && s[i - 1] == '"') {
            ls = i;
            for (size_t k = i - 1; k > *pos && i - 1 - k < 64; k--)
                if (s[k - 1] == '"') {
                    ls = k - 1;
                    break;
                }
        }
        while (ls < i && (s[ls] == '.' || s[ls] == '\''))
            ls++;
        size_t de = i + 1;
        while (de < len && ref_dtext((unsigned char)s[de]))
            de++;
        while (de > i + 1 && (s[de - 1] == '.' || s[de - 1] == '-'))
            de--;
        if (ls < i && de - ls < ADDRSCAN_MAX &&
            ref_domain_ok(s + i + 1, de - i - 1)) {
            *start_r = ls;
            *len_r = de - ls;
            *pos = de;
            return true;
        }
        word = i + 1;
    }
    *pos = len;
    return false;
}

/* addrscan_normalize() as first written: the reference. */
static bool ref_normalize(const char *in, size_t len, char *out, size_t cap)
{
    const char *p = in, *e = in + len;
    const char *semi = memchr(in, ';', len);
    size_t n = 0;

    if (semi != NULL)
        p = semi + 1;
    while (p < e && strchr(" \t\r\n<\"'(", *p) != NULL && *p != '\0')
        p++;
    if (p < e && *p == '@') {
        const char *colon = memchr(p, ':', (size_t)(e - p));
        if (colon != NULL)
            p = colon + 1;
    }
    while (e > p && strchr(" \t\r\n>\"').,;:", e[-1]) != NULL && e[-1] != 0)
        e--;
    /* a local part quoted around other than atext and '.' is refused */
    if (!ref_quotes_ok(semi != NULL ? semi + 1 : in, e))
        return false;
    for (const char *q = p; q < e; q++) {
        if (*q == '"' || *q == '<' || *q == '>' || *q == ' ' || *q == '\t' ||
            *q == '\r' || *q == '\n' || *q == '\0')
            continue;
        if (n + 1 >= cap)
            return false;
        out[n++] = *q;
    }
    out[n] = '\0';
    char *at = strrchr(out, '@');
    if (at == NULL || at == out || at[1] == '\0')
        return false;
    for (char *d = at + 1; *d != '\0'; d++) {
        if (*d >= 'A' && *d <= 'Z')
            *d = (char)(*d - 'A' + 'a');
        else if (!ref_dtext((unsigned char)*d) && *d != '[' && *d != ']' &&
                 *d != ':')
            return false;
    }
    return at[1] != '.' && at[strlen(at) - 1] != '.';
}

/* Random address-like texts, every output capacity up to 24: the same
 * verdict and, when it holds, the same address. */
static void test_addrscan_normalize_as_reference(void **state)
{
    static const char alpha[] = "aB.@@\"<> \t;:('),xY-[]\xc3\x00";
    char s[40], a[32], b[32];
    unsigned seed = 4242;
    (void)state;

    for (int round = 0; round < 30000; round++) {
        size_t len = (size_t)round % 40, cap = 1 + (size_t)round % 24;
        for (size_t i = 0; i < len; i++) {
            seed = seed * 1103515245u + 12345u;
            s[i] = alpha[(seed >> 16) % (sizeof alpha - 1)];
        }
        bool x = addrscan_normalize(s, len, a, cap);
        bool y = ref_normalize(s, len, b, cap);
        assert_int_equal(x, y);
        if (x)
            assert_string_equal(a, b);
    }
}

/* Random texts of address-like bytes: every address, in order, as the
 * reference finds them. */
static void test_addrscan_next_as_reference(void **state)
{
    static const char alpha[] = "ab.@@\"\" =?/&-x.y<>:\xc3";
    char s[64];
    unsigned seed = 777;
    (void)state;

    for (int round = 0; round < 20000; round++) {
        size_t len = (size_t)round % 60, p1 = 0, p2 = 0, s1, l1, s2, l2;
        for (size_t i = 0; i < len; i++) {
            seed = seed * 1103515245u + 12345u;
            s[i] = alpha[(seed >> 16) % (sizeof alpha - 1)];
        }
        for (;;) {
            bool a = addrscan_next(s, len, &p1, &s1, &l1);
            bool b = ref_next(s, len, &p2, &s2, &l2);
            assert_int_equal(a, b);
            assert_int_equal(p1, p2);
            if (!a)
                break;
            assert_int_equal(s1, s2);
            assert_int_equal(l1, l2);
        }
    }
}

/* The last line break of a body belongs to what follows (a delimiter or
 * the end); bodies are reported without it. */
/* Records the walk as a compact string: "E:type/d/m" and "L:type:len". */
struct walk_log {
    char s[1024];
};

static void walk_cb(void *ctx, enum mime_event ev, const struct mime_part *p)
{
    struct walk_log *w = ctx;
    size_t n = strlen(w->s);

    if (ev == MIME_EV_ENTITY)
        snprintf(w->s + n, sizeof w->s - n, "E:%s/%u/%u ", p->type, p->depth,
                 p->msg_depth);
    else
        snprintf(w->s + n, sizeof w->s - n, "L:%s:%zu ", p->type,
                 p->body_len);
}

static void walk(const char *msg, unsigned *errors_r, struct walk_log *w)
{
    struct mime_limits lim;

    mime_limits_default(&lim);
    memset(w, 0, sizeof *w);
    *errors_r = mime_walk(msg, strlen(msg), &lim, walk_cb, w);
}

static void charset_cb(void *ctx, enum mime_event ev,
                       const struct mime_part *p)
{
    struct walk_log *w = ctx;
    size_t n = strlen(w->s);

    if (ev == MIME_EV_LEAF)
        snprintf(w->s + n, sizeof w->s - n, "%s/%u/[%s] ", p->type,
                 p->msg_depth, p->charset);
}

/* The charset is read outside enclosed messages only; inside one a
 * multipart's boundary still is, with a charset beside it. */
static void test_walk_charset_outside_enclosed(void **state)
{
    const char *msg =
        "Content-Type: multipart/mixed; boundary=a\n\n--a\n"
        "Content-Type: text/plain; charset=ISO-8859-1\n\nx\n--a\n"
        "Content-Type: message/rfc822\n\n"
        "Content-Type: multipart/alternative; charset=utf-8; boundary=b\n\n"
        "--b\nContent-Type: text/plain; charset=utf-8\n\ny\n--b--\n"
        "--a--\n";
    struct mime_limits lim;
    struct walk_log w;
    (void)state;

    mime_limits_default(&lim);
    memset(&w, 0, sizeof w);
    assert_int_equal(mime_walk(msg, strlen(msg), &lim, charset_cb, &w), 0);
    assert_string_equal(w.s, "text/plain/0/[iso-8859-1] text/plain/1/[] ");
}

static void test_multipart_whole(void **state)
{
    static const struct {
        const char *msg;
        bool whole;
    } t[] = {
        {"Content-Type: multipart/report; boundary=o\n\n--o\n\nx\n--o\n"
         "Content-Type: message/rfc822\n\n"
         "Content-Type: multipart/mixed; boundary=i\n\n--i\n\ny\n--i--\n"
         "--o--\n\n",
         true},
        /* the outer boundary left open, or an inner one */
        {"Content-Type: multipart/mixed; boundary=o\n\n--o\n\nx\n", false},
        {"Content-Type: multipart/report; boundary=o\n\n--o\n"
         "Content-Type: message/rfc822\n\n"
         "Content-Type: multipart/mixed; boundary=i\n\n--i\n\ny\n--o--\n",
         false},
        /* a multipart without a boundary is read as one leaf */
        {"Content-Type: multipart/mixed\n\nx\n--o--\n", false},
        /* no multipart: nothing says where it ends */
        {"Subject: x\n\nbody\nFrom a@b.example Mon\n", false},
        {"", false},
    };
    struct mime_limits lim;
    (void)state;

    mime_limits_default(&lim);
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        assert_int_equal(
            mime_multipart_whole(t[i].msg, strlen(t[i].msg), &lim),
            t[i].whole);
}

static void test_walk_structures(void **state)
{
    static const struct {
        const char *msg, *log;
        unsigned errors;
    } t[] = {
        {"Subject: x\n\nbody\n", "E:text/plain/0/0 L:text/plain:4 ", 0},
        {"Content-Type: multipart/mixed; boundary=b\n\npre\n--b\n"
         "Content-Type: text/plain\n\none\n--b\n\ntwo\n--b--\nepi\n",
         "E:multipart/mixed/0/0 E:text/plain/1/0 L:text/plain:3 "
         "E:text/plain/1/0 L:text/plain:3 ",
         0},
        {"Content-Type: multipart/report; boundary=o\n\n--o\n"
         "Content-Type: message/rfc822\n\nSubject: inner\n"
         "Content-Type: multipart/alternative; boundary=i\n\n--i\n\nx\n"
         "--i--\n--o--\n",
         "E:multipart/report/0/0 E:message/rfc822/1/0 "
         "E:multipart/alternative/1/1 E:text/plain/2/1 L:text/plain:1 ",
         0},
        /* unterminated: the walk still reports the open part */
        {"Content-Type: multipart/mixed; boundary=b\n\n--b\n\nopen",
         "E:multipart/mixed/0/0 E:text/plain/1/0 L:text/plain:4 ",
         REPORT_ERR_BOUNDARY},
        /* the boundary never shows: the preamble is read as text */
        {"Content-Type: multipart/mixed; boundary=zz\n\nonly text\n",
         "E:multipart/mixed/0/0 L:text/plain:9 ", REPORT_ERR_BOUNDARY},
        /* a long name with a space or an 8-bit byte is no field: the
         * body starts there */
        {"Subject: x\nX-Long-Name-Of-Twenty two: y\n\nbody\n",
         "E:text/plain/0/0 L:text/plain:34 ", 0},
        {"Subject: x\nX-Long-Name-Of-Twenty-\xe9x: y\n\nbody\n",
         "E:text/plain/0/0 L:text/plain:33 ", 0},
        {"X-A-Name-Longer-Than-Sixteen-Bytes:v\nContent-Type: text/html\n"
         "\nb\n", "E:text/html/0/0 L:text/html:1 ", 0},
        /* headers that never end in a blank line: body of no headers */
        {"no header line\nsecond\n", "E:text/plain/0/0 L:text/plain:21 ",
         0},
    };
    (void)state;
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        struct walk_log w;
        unsigned errors;
        walk(t[i].msg, &errors, &w);
        assert_string_equal(w.s, t[i].log);
        assert_int_equal(errors, t[i].errors);
    }
}

struct part_starts {
    size_t off[600];
    size_t n;
    const char *msg;
};

static void part_starts_cb(void *ctx, enum mime_event ev,
                           const struct mime_part *p)
{
    struct part_starts *ps = ctx;

    if (ev == MIME_EV_ENTITY && p->depth == 1 && ps->n < 600)
        ps->off[ps->n++] = (size_t)(p->hdr - ps->msg);
}

/* The parts of a multipart with boundary "b" as a byte loop finds them:
 * each starts after a line "--b" (blanks may follow) up to the first
 * line that starts "--b--". */
static size_t ref_part_starts(const char *m, size_t len, size_t body,
                              size_t *off)
{
    size_t n = 0, i = body;

    while (i < len) {
        size_t e = i;
        while (e < len && m[e] != '\r' && m[e] != '\n')
            e++;
        size_t next = e >= len                                     ? len
                      : m[e] == '\r' && e + 1 < len && m[e + 1] == '\n' ? e + 2
                                                                      : e + 1;
        if (e - i >= 3 && memcmp(m + i, "--b", 3) == 0) {
            size_t k = i + 3;
            if (e - k >= 2 && m[k] == '-' && m[k + 1] == '-')
                return n;
            while (k < e && (m[k] == ' ' || m[k] == '\t'))
                k++;
            if (k == e)
                off[n++] = next;
        }
        i = next;
    }
    return n;
}

/* Delimiter lines among text full of dashes (single, double, runs, at
 * line starts and inside lines, near and far apart), all line ends: the
 * walker finds the parts the byte loop does. */
static void test_walk_finds_delimiters_among_dashes(void **state)
{
    static const char top[] =
        "Content-Type: multipart/mixed; boundary=b\n\n";
    static const char *const piece[] = {
        "-", "--", "---", "a-b", "--b", "--b--", "--bx", " --b", "x",
        "font-family: x; margin-top: 0; border-left-width: 1px",
        "----------------------------------------", "\n", "\r\n", "\r",
        "--b \t", "e-mail re-sent", "plain text without any dash at all here",
        "=2D=2D", "<!-- comment -->", "-\n-"};
    char msg[4096];
    size_t want[600];
    unsigned seed = 777;
    struct mime_limits lim;
    (void)state;

    mime_limits_default(&lim);
    for (int round = 0; round < 5000; round++) {
        size_t len = sizeof top - 1, k;
        memcpy(msg, top, len);
        seed = seed * 1103515245u + 12345u;
        k = (seed >> 16) % 80;
        while (k-- > 0) {
            seed = seed * 1103515245u + 12345u;
            const char *pc = piece[(seed >> 16) % (sizeof piece /
                                                   sizeof piece[0])];
            size_t pl = strlen(pc);
            if (len + pl + 1 >= sizeof msg)
                break;
            memcpy(msg + len, pc, pl);
            len += pl;
            if ((seed >> 8) % 2 == 0)
                msg[len++] = '\n';
        }
        struct part_starts got = {.msg = msg};
        (void)mime_walk(msg, len, &lim, part_starts_cb, &got);
        size_t n = ref_part_starts(msg, len, sizeof top - 1, want);
        assert_int_equal(got.n, n);
        for (size_t i = 0; i < n; i++)
            assert_int_equal(got.off[i], want[i]);
    }
}

static void test_walk_same_for_lf_crlf_cr(void **state)
{
    static const char lf[] =
        "Content-Type: multipart/mixed; boundary=b\n\n--b\n"
        "Content-Type: text/plain\n\nline\n--b--\n";
    char crlf[256], cr[256];
    struct walk_log a, b, c;
    unsigned e;
    size_t j = 0, k = 0;
    (void)state;

    for (size_t i = 0; lf[i] != '\0'; i++) {
        if (lf[i] == '\n') {
            crlf[j++] = '\r';
            cr[k++] = '\r';
        } else {
            cr[k++] = lf[i];
        }
        if (lf[i] == '\n')
            crlf[j++] = '\n';
        else
            crlf[j++] = lf[i];
    }
    crlf[j] = cr[k] = '\0';
    walk(lf, &e, &a);
    walk(crlf, &e, &b);
    walk(cr, &e, &c);
    assert_string_equal(a.s, b.s);
    assert_string_equal(a.s, c.s);
}

/* Checks, at each entity, that the walker's field index is what hdr_next()
 * finds in the header block, and that lookups through it agree with
 * hdr_pick() (also when the index is over). */
static void fields_cb(void *ctx, enum mime_event ev, const struct mime_part *p)
{
    static const char *const names[] = {"Subject", "From", "To", "X-A",
                                        "Content-Type", "X-Z", "Y", "From x"};
    struct hdr_want a[8], b[8];
    struct hdr_index built;
    struct hdr_field f;
    size_t pos = 0, k = 0;
    unsigned *entities = ctx;

    if (ev != MIME_EV_ENTITY) {
        assert_null(p->fields);
        return;
    }
    (*entities)++;
    assert_non_null(p->fields);
    hdr_index_build(p->hdr, p->hdr_len, &built);
    assert_int_equal(built.over, p->fields->over);
    while (hdr_next(p->hdr, p->hdr_len, &pos, &f)) {
        if (k == HDR_INDEX_MAX)
            break;
        const struct hdr_field *g = &p->fields->f[k], *h = &built.f[k];
        assert_ptr_equal(g->name, f.name);
        assert_int_equal(g->name_len, f.name_len);
        assert_ptr_equal(g->value, f.value);
        assert_int_equal(g->value_len, f.value_len);
        assert_ptr_equal(h->value, f.value);
        assert_int_equal(h->value_len, f.value_len);
        k++;
    }
    assert_int_equal(k, p->fields->n);
    for (size_t i = 0; i < 8; i++) {
        memset(&a[i], 0, sizeof a[i]);
        a[i].name = names[i];
        b[i] = a[i];
    }
    hdr_pick(p->hdr, p->hdr_len, a, 8);
    hdr_index_pick(p->fields, b, 8);
    for (size_t i = 0; i < 8; i++) {
        assert_int_equal(a[i].found, b[i].found);
        if (a[i].found) {
            assert_ptr_equal(a[i].f.value, b[i].f.value);
            assert_int_equal(a[i].f.value_len, b[i].f.value_len);
        }
    }
}

static void test_walk_fields_as_hdr_next(void **state)
{
    static const char *const msgs[] = {
        "From a@b Mon Jan  1 10:00:00 2024\nSubject: x\n  folded\n\nbody\n",
        "From nobody\n  stray\nTo: t\r\n\tmore\r\nX-A : v\r\n\r\nb\r\n",
        "Subject: cr\rTo: t\r more\r\rbody\r",
        "Content-Type: multipart/mixed; boundary=b\n\n--b\nX-Z: 1\n"
        " 2\n--b\nY:\n\n--b--\n",
        "Content-Type: message/rfc822\n\nFrom: in@x\nSubject: s\n",
        "To: no end\n continued",
        "Subject: last\n \n",
    };
    char big[HDR_INDEX_MAX * 16 + 64];
    size_t n = 0;
    struct mime_limits lim;
    unsigned entities = 0;
    (void)state;

    mime_limits_default(&lim);
    for (size_t i = 0; i < sizeof msgs / sizeof msgs[0]; i++)
        (void)mime_walk(msgs[i], strlen(msgs[i]), &lim, fields_cb, &entities);
    for (int i = 0; i < HDR_INDEX_MAX + 3; i++)
        n += (size_t)snprintf(big + n, sizeof big - n, "X-F%03d: %d\n", i, i);
    n += (size_t)snprintf(big + n, sizeof big - n, "Y: last\n\nbody\n");
    (void)mime_walk(big, n, &lim, fields_cb, &entities);
    assert_int_equal(entities, 11);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_base64_decodes_and_flags_garbage),
        cmocka_unit_test(test_base64_check_only_agrees),
        cmocka_unit_test(test_qp_decodes_soft_breaks_and_q_words),
        cmocka_unit_test(test_qp_matches_bytewise),
        cmocka_unit_test(test_qp_check_only_agrees),
        cmocka_unit_test(test_hdr_unfold_matches_bytewise),
        cmocka_unit_test(test_hdr_line_matches_bytewise),
        cmocka_unit_test(test_hdr_caseeq_as_strncasecmp),
        cmocka_unit_test(test_hdr_index_run_as_reference),
        cmocka_unit_test(test_hdr_find_unfolds_any_line_end),
        cmocka_unit_test(test_hdr_decode_encoded_words),
        cmocka_unit_test(test_hdr_param_quoted_and_bare),
        cmocka_unit_test(test_hdr_params_as_hdr_param),
        cmocka_unit_test(test_hdr_param_as_bytewise),
        cmocka_unit_test(test_hdr_pick_as_hdr_next),
        cmocka_unit_test(test_walk_type_as_unfolded),
        cmocka_unit_test(test_addrscan_finds_and_normalizes),
        cmocka_unit_test(test_addrscan_next_as_reference),
        cmocka_unit_test(test_addrscan_normalize_as_reference),
        cmocka_unit_test(test_walk_structures),
        cmocka_unit_test(test_walk_charset_outside_enclosed),
        cmocka_unit_test(test_multipart_whole),
        cmocka_unit_test(test_walk_same_for_lf_crlf_cr),
        cmocka_unit_test(test_walk_finds_delimiters_among_dashes),
        cmocka_unit_test(test_walk_fields_as_hdr_next),
    };
    return cmocka_run_group_tests_name("mime", tests, NULL, NULL);
}
