/*
 * test_charset.c - charset_to_utf8(): Japanese, Chinese and Cyrillic
 * charsets into UTF-8, invalid and truncated input, the output bound,
 * unknown charsets; and the parser using it for a Shift_JIS text part and
 * an ISO-2022-JP encoded word; ISO-2022-JP with its ASCII runs copied
 * against iconv() reading all of it, on random input.
 */
#include <errno.h>
#include <iconv.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/charset.h"
#include "core/report.h"

struct conv_case {
    const char *charset;
    const char *in;
    const char *utf8;
};

/* "テスト", "ユーザー不明", "中文", "Привет" in their usual charsets */
static const struct conv_case conv_cases[] = {
    {"ISO-2022-JP", "\x1b$B%F%9%H\x1b(B",
     "\xe3\x83\x86\xe3\x82\xb9\xe3\x83\x88"},
    {"Shift_JIS", "\x83\x86\x81\x5b\x83\x55\x81\x5b\x95\x73\x96\xbe",
     "\xe3\x83\xa6\xe3\x83\xbc\xe3\x82\xb6\xe3\x83\xbc\xe4\xb8\x8d\xe6\x98"
     "\x8e"},
    {"euc-jp", "\xa5\xc6\xa5\xb9\xa5\xc8",
     "\xe3\x83\x86\xe3\x82\xb9\xe3\x83\x88"},
    {"GB2312", "\xd6\xd0\xce\xc4", "\xe4\xb8\xad\xe6\x96\x87"},
    {"gbk", "\xd6\xd0\xce\xc4", "\xe4\xb8\xad\xe6\x96\x87"},
    {"KOI8-R", "\xf0\xd2\xc9\xd7\xc5\xd4",
     "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82"},
    {"windows-1251", "\xcf\xf0\xe8\xe2\xe5\xf2",
     "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82"},
    {"ISO-2022-JP", "550 5.1.1 user unknown", "550 5.1.1 user unknown"},
};

static void charsets_become_utf8(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof conv_cases / sizeof conv_cases[0]; i++) {
        const struct conv_case *k = &conv_cases[i];
        char out[128];
        size_t n = 0;
        assert_true(charset_to_utf8(k->charset, strlen(k->charset), k->in,
                                    strlen(k->in), out, sizeof out, &n));
        assert_int_equal(n, strlen(k->utf8));
        assert_string_equal(out, k->utf8);
    }
}

static void invalid_bytes_become_replacement_characters(void **state)
{
    /* a Shift_JIS lead byte before a byte that cannot follow it, then a
     * lone lead byte at the very end */
    const char in[] = "a\x83\x20"
                      "b\x83";
    char out[64];
    size_t n = 0;

    (void)state;
    assert_true(charset_to_utf8("shift_jis", 9, in, sizeof in - 1, out,
                                sizeof out, &n));
    assert_non_null(strstr(out, "\xef\xbf\xbd"));
    assert_non_null(strchr(out, 'a'));
    assert_non_null(strchr(out, 'b'));
    assert_int_equal(n, strlen(out));
}

static void truncated_escape_sequence_is_safe(void **state)
{
    const char in[] = "ok \x1b$B%F%"; /* shift in, one and a half chars */
    char out[64];
    size_t n = 0;

    (void)state;
    assert_true(charset_to_utf8("iso-2022-jp", 11, in, sizeof in - 1, out,
                                sizeof out, &n));
    assert_memory_equal(out, "ok ", 3);
    assert_int_equal(n, strlen(out));
}

static void output_is_bounded(void **state)
{
    const char *in = "\xa5\xc6\xa5\xb9\xa5\xc8\xa5\xc6\xa5\xb9\xa5\xc8";
    char out[8];
    size_t n = 99;

    (void)state;
    memset(out, 'x', sizeof out);
    assert_true(charset_to_utf8("EUC-JP", 6, in, strlen(in), out, 7, &n));
    assert_true(n <= 6);
    assert_int_equal(out[n], '\0');
    assert_int_equal(out[7], 'x'); /* nothing past cap */
}

static void unknown_charset_is_refused(void **state)
{
    char out[16] = "untouched";
    size_t n = 0;

    (void)state;
    assert_false(charset_to_utf8("x-no-such-charset", 17, "\xa5\xc6", 2, out,
                                 sizeof out, &n));
    assert_string_equal(out, "untouched");
}

/* The reference: what charset_to_utf8() gives when iconv() reads all of
 * the text (7-bit text without ESC copied, an invalid byte, or a run of
 * 8-bit bytes, one U+FFFD each, U+FFFD for an incomplete end). */
static size_t ref_iso2022jp(const char *in, size_t len, char *out, size_t cap)
{
    size_t i = 0, left = cap - 1;
    char *ip = (char *)(uintptr_t)in, *o = out;

    while (i < len && (unsigned char)in[i] < 0x80 && in[i] != 0x1b)
        i++;
    if (i == len) {
        size_t n = len < cap - 1 ? len : cap - 1;
        memcpy(out, in, n);
        out[n] = '\0';
        return n;
    }
    iconv_t cd = iconv_open("UTF-8", "iso-2022-jp");
    assert_true(cd != (iconv_t)-1);
    size_t il = len;
    while (il > 0) {
        if (iconv(cd, &ip, &il, &o, &left) != (size_t)-1)
            break;
        if (errno == EILSEQ) {
            size_t k = 1;
            while ((unsigned char)ip[0] >= 0x80 && k < il &&
                   (unsigned char)ip[k] >= 0x80 && 3 * (k + 1) + 8 <= left)
                k++;
            for (size_t j = 0; j < k && left >= 3; j++) {
                memcpy(o, "\xef\xbf\xbd", 3);
                o += 3;
                left -= 3;
            }
            ip += k;
            il -= k;
            continue;
        }
        if (errno == EINVAL && left >= 3) {
            memcpy(o, "\xef\xbf\xbd", 3);
            o += 3;
            left -= 3;
        }
        break;
    }
    (void)iconv(cd, NULL, NULL, &o, &left);
    iconv_close(cd);
    *o = '\0';
    return (size_t)(o - out);
}

/* Pieces of ISO-2022-JP text, good and bad: designations, lone and cut
 * escapes, JIS X 0208 pairs, ASCII, 8-bit bytes, shifts, NUL. */
static const char *const jp_pieces[] = {
    "\x1b(B", "\x1b$B", "\x1b(J", "\x1b$@", "\x1b",  "\x1b(",  "\x1b$",
    "\x1b(I", "\x1b$(D", "\x1bN", "%F",   "$3",    "!!",    "~",
    "\\",     "a",      "550 ", "\r\n",  "\x0e",  "\x0f",   "\x80",
    "\xa5",   "\xff\xfe", " ",  "\x7f",  "\x21",   "B",     "("};

static void iso2022jp_ascii_runs_match_iconv(void **state)
{
    char in[512], got[2048], want[2048];
    unsigned seed = 12345;

    (void)state;
    for (int round = 0; round < 3000; round++) {
        size_t len = 0, npieces = 1 + (seed = seed * 1103515245u + 12345u) %
                                          40;
        for (size_t k = 0; k < npieces; k++) {
            seed = seed * 1103515245u + 12345u;
            const char *pc =
                jp_pieces[(seed >> 8) % (sizeof jp_pieces / sizeof *jp_pieces)];
            size_t pl = pc[0] == '\0' ? 1 : strlen(pc);
            memcpy(in + len, pc, pl);
            len += pl;
        }
        seed = seed * 1103515245u + 12345u;
        size_t cap = round % 2 == 0 ? 3 * len + 4 : 1 + (seed >> 8) % (len + 8);
        size_t n = 0, wn = ref_iso2022jp(in, len, want, cap);
        memset(got, 'x', sizeof got);
        assert_true(charset_to_utf8("ISO-2022-JP", 11, in, len, got, cap, &n));
        assert_int_equal(n, wn);
        assert_memory_equal(got, want, wn + 1);
        assert_int_equal(got[cap], 'x'); /* nothing past cap */
    }
}

static const char sjis_bounce[] =
    "From: MAILER-DAEMON@mx.example.jp\r\n"
    "To: sender@example.org\r\n"
    "Subject: =?ISO-2022-JP?B?GyRCJWYhPCU2ITxJVExAGyhC?=\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: text/plain; charset=Shift_JIS\r\n"
    "Content-Transfer-Encoding: 8bit\r\n"
    "\r\n"
    "Delivery to the following recipient failed permanently:\r\n"
    "\r\n"
    "    <user@example.jp>: 550 5.1.1 \x83\x86\x81\x5b\x83\x55\x81\x5b"
    "\x95\x73\x96\xbe\r\n";

static void parser_reads_japanese_notices_as_utf8(void **state)
{
    struct mime_limits lim;
    struct report *r = NULL;
    const char *err = NULL;

    (void)state;
    mime_limits_default(&lim);
    assert_int_equal(
        report_parse(sjis_bounce, sizeof sjis_bounce - 1, &lim, &r, &err), 0);
    assert_non_null(r->subject);
    /* "ユーザー不明" from the encoded word */
    assert_non_null(strstr(r->subject, "\xe3\x83\xa6\xe3\x83\xbc\xe3\x82\xb6"));
    assert_int_equal(r->nrcpts, 1);
    assert_string_equal(r->rcpts[0].recipient, "user@example.jp");
    assert_non_null(r->rcpts[0].diagnostic);
    assert_non_null(strstr(r->rcpts[0].diagnostic,
                           "\xe4\xb8\x8d\xe6\x98\x8e")); /* "不明" */
    report_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(charsets_become_utf8),
        cmocka_unit_test(invalid_bytes_become_replacement_characters),
        cmocka_unit_test(truncated_escape_sequence_is_safe),
        cmocka_unit_test(output_is_bounded),
        cmocka_unit_test(unknown_charset_is_refused),
        cmocka_unit_test(iso2022jp_ascii_runs_match_iconv),
        cmocka_unit_test(parser_reads_japanese_notices_as_utf8),
    };
    return cmocka_run_group_tests_name("charset", tests, NULL, NULL);
}
