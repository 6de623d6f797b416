/*
 * test_mproto.c - the milter wire codec (src/milter/mproto.c): framing of
 * whole, partial and oversized packets, the decoders of the MTA's
 * commands, the encoders of replies and modifications, and the macros of
 * each stage.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "milter/mproto.h"

/* A packet as the MTA writes it: length, command, data. */
static size_t frame(unsigned char *buf, char cmd, const void *data,
                    size_t len)
{
    uint32_t n = (uint32_t)len + 1;

    buf[0] = (unsigned char)(n >> 24);
    buf[1] = (unsigned char)(n >> 16);
    buf[2] = (unsigned char)(n >> 8);
    buf[3] = (unsigned char)n;
    buf[4] = (unsigned char)cmd;
    if (len > 0)
        memcpy(buf + 5, data, len);
    return len + 5;
}

static void whole_partial_and_oversized_packets(void **state)
{
    unsigned char buf[64];
    struct mp_packet p;
    size_t n = frame(buf, MPC_HEADER, "Subject\0hi\0", 11);

    (void)state;
    assert_int_equal(mp_next(buf, n, MP_PACKET_MAX, &p), (long)n);
    assert_int_equal(p.cmd, MPC_HEADER);
    assert_int_equal(p.len, 11);
    assert_memory_equal(p.data, "Subject\0hi\0", 11);
    for (size_t cut = 0; cut < n; cut++) /* every prefix is incomplete */
        assert_int_equal(mp_next(buf, cut, MP_PACKET_MAX, &p), 0);
    assert_int_equal(mp_next(buf, n, 5, &p), -1); /* above max */
    memset(buf, 0, 4);                             /* length 0 */
    assert_int_equal(mp_next(buf, 8, MP_PACKET_MAX, &p), -1);
    buf[0] = 0xff; /* a 4 GB length is refused before any data arrives */
    assert_int_equal(mp_next(buf, 4, MP_PACKET_MAX, &p), -1);
}

static void two_packets_back_to_back(void **state)
{
    unsigned char buf[64];
    struct mp_packet p;
    size_t n = frame(buf, MPC_MAIL, "<a@b>\0", 6);
    long used;

    (void)state;
    n += frame(buf + n, MPC_EOH, NULL, 0);
    used = mp_next(buf, n, MP_PACKET_MAX, &p);
    assert_int_equal(used, 11);
    assert_int_equal(p.cmd, MPC_MAIL);
    assert_int_equal(mp_next(buf + used, n - (size_t)used, MP_PACKET_MAX, &p),
                     5);
    assert_int_equal(p.cmd, MPC_EOH);
    assert_int_equal(p.len, 0);
}

static void strings_of_a_packet(void **state)
{
    const char *v[4];
    struct mp_packet p = {MPC_MAIL, (const unsigned char *)"<a@b>\0SIZE=10\0",
                          14};

    (void)state;
    assert_int_equal(mp_strings(&p, v, 4), 2);
    assert_string_equal(v[0], "<a@b>");
    assert_string_equal(v[1], "SIZE=10");
    assert_null(v[2]);
    assert_int_equal(mp_strings(&p, v, 2), -1); /* room for one only */
    p.len = 13; /* the last string has no NUL */
    assert_int_equal(mp_strings(&p, v, 4), -1);
    p.len = 0;
    assert_int_equal(mp_strings(&p, v, 4), 0);
    assert_null(v[0]);
}

static void optneg_decoded(void **state)
{
    const unsigned char d[12] = {0, 0, 0, 6, 0, 0, 1, 0xff, 0, 0x1f, 0xff, 0xff};
    struct mp_packet p = {MPC_OPTNEG, d, 12};
    uint32_t v, a, pr;

    (void)state;
    assert_true(mp_optneg(&p, &v, &a, &pr));
    assert_int_equal(v, 6);
    assert_int_equal(a, 0x1ff);
    assert_int_equal(pr, 0x1fffff);
    p.len = 11;
    assert_false(mp_optneg(&p, &v, &a, &pr));
}

static void connect_decoded(void **state)
{
    const char *host, *addr;
    char fam;
    unsigned port;
    static const unsigned char in4[] = "mx.test\0"
                                       "4\x01\xbb"
                                       "192.0.2.1";
    static const unsigned char unk[] = "localhost\0U";
    struct mp_packet p = {MPC_CONNECT, in4, sizeof in4};

    (void)state;
    assert_true(mp_connect(&p, &host, &fam, &port, &addr));
    assert_string_equal(host, "mx.test");
    assert_int_equal(fam, '4');
    assert_int_equal(port, 443);
    assert_string_equal(addr, "192.0.2.1");
    p.len = sizeof in4 - 1; /* the address has no NUL */
    assert_false(mp_connect(&p, &host, &fam, &port, &addr));
    p.len = 10; /* no family */
    assert_false(mp_connect(&p, &host, &fam, &port, &addr));
    p.data = unk;
    p.len = sizeof unk - 1;
    assert_true(mp_connect(&p, &host, &fam, &port, &addr));
    assert_int_equal(fam, 'U');
    assert_string_equal(addr, "");
}

static void header_decoded(void **state)
{
    const char *name, *value;
    struct mp_packet p = {MPC_HEADER, (const unsigned char *)"To\0 <x@y>\0",
                          10};

    (void)state;
    assert_true(mp_header(&p, &name, &value));
    assert_string_equal(name, "To");
    assert_string_equal(value, " <x@y>");
    p.len = 3; /* a name without a value */
    assert_false(mp_header(&p, &name, &value));
}

static void replies_encoded(void **state)
{
    struct mp_out o = {0};

    (void)state;
    assert_true(mp_put(&o, MPR_CONTINUE, NULL, 0));
    assert_int_equal(o.len, 5);
    assert_memory_equal(o.buf, "\0\0\0\1c", 5);
    assert_true(mp_put_optneg(&o, 6, 0x9, 0x1400));
    assert_memory_equal(o.buf + 5, "\0\0\0\x0dO\0\0\0\6\0\0\0\x09\0\0\x14\0",
                        17);
    o.len = 0;
    assert_true(mp_put_strs(&o, MPR_INSHEADER, 0, "A-R", " x", NULL));
    assert_memory_equal(o.buf, "\0\0\0\x0ci\0\0\0\0A-R\0 x\0", 16);
    o.len = 0; /* CHGHEADER deleting the second A-R: an empty value */
    assert_true(mp_put_strs(&o, MPR_CHGHEADER, 2, "A-R", "", NULL));
    assert_memory_equal(o.buf, "\0\0\0\x0am\0\0\0\2A-R\0\0", 14);
    o.len = 0;
    assert_true(mp_put_strs(&o, MPR_DELRCPT, -1, "<a@b>", NULL, NULL));
    assert_memory_equal(o.buf, "\0\0\0\x07-<a@b>\0", 11);
    mp_out_free(&o);
    assert_null(o.buf);
}

static void smtp_replies_encoded(void **state)
{
    struct mp_out o = {0};

    (void)state;
    assert_true(mp_put_reply(&o, "550", "5.1.1", "gone"));
    assert_memory_equal(o.buf + 4, "y550 5.1.1 gone", 16);
    o.len = 0;
    assert_true(mp_put_reply(&o, "451", NULL, "later"));
    assert_memory_equal(o.buf + 4, "y451 later", 11);
    o.len = 0;
    {   /* 1,200 bytes of two-byte characters: cut between two of them */
        char text[1201];

        for (size_t i = 0; i < 1200; i += 2)
            memcpy(text + i, "\xc3\xa9", 2);
        text[1200] = '\0';
        assert_true(mp_put_reply(&o, "550", "5.1.1", text));
        assert_true(o.len <= 5 + 1024);
        assert_int_equal(o.buf[o.len - 1], '\0');
        assert_int_not_equal(o.buf[o.len - 2] & 0xc0, 0xc0); /* not a lead */
        assert_int_equal((o.len - 5 - 1 - 10) % 2, 0);       /* whole chars */
    }
    o.len = 0;
    assert_false(mp_put_reply(&o, "250", NULL, "ok"));
    assert_false(mp_put_reply(&o, "55", NULL, "short"));
    assert_false(mp_put_reply(&o, "550", NULL, "two\r\nlines"));
    assert_int_equal(o.len, 0);
    mp_out_free(&o);
}

/* A MACRO packet: the stage's command byte, then name/value pairs. */
static struct mp_packet macro_pkt(const char *data, size_t len)
{
    struct mp_packet p = {MPC_MACRO, (const unsigned char *)data, len};

    return p;
}

static void macros_by_stage(void **state)
{
    struct mp_macros m = {0};
    struct mp_packet p;

    (void)state;
    p = macro_pkt("Cj\0mx.test\0{daemon_name}\0smtpd\0", 31);
    assert_true(mp_macros_set(&m, &p));
    p = macro_pkt("M{i}\0ABC123\0{auth_authen}\0\0", 27);
    assert_true(mp_macros_set(&m, &p));
    assert_string_equal(mp_macros_get(&m, "j"), "mx.test");
    assert_string_equal(mp_macros_get(&m, "{j}"), "mx.test");
    assert_string_equal(mp_macros_get(&m, "i"), "ABC123");
    assert_string_equal(mp_macros_get(&m, "{i}"), "ABC123");
    assert_string_equal(mp_macros_get(&m, "daemon_name"), "smtpd");
    assert_string_equal(mp_macros_get(&m, "{auth_authen}"), "");
    assert_null(mp_macros_get(&m, "{client_addr}"));
    /* a later stage wins over an earlier one */
    p = macro_pkt("Rj\0other\0", 9);
    assert_true(mp_macros_set(&m, &p));
    assert_string_equal(mp_macros_get(&m, "j"), "other");
    mp_macros_clear(&m, MPS_MAIL);
    assert_string_equal(mp_macros_get(&m, "j"), "mx.test");
    assert_null(mp_macros_get(&m, "i"));
    /* replaced, not added to */
    p = macro_pkt("Cv\0Postfix\0", 11);
    assert_true(mp_macros_set(&m, &p));
    assert_null(mp_macros_get(&m, "j"));
    assert_string_equal(mp_macros_get(&m, "v"), "Postfix");
    mp_macros_clear(&m, MPS_CONNECT);
    assert_null(mp_macros_get(&m, "v"));
}

static void malformed_macros_refused(void **state)
{
    struct mp_macros m = {0};
    struct mp_packet p;

    (void)state;
    p = macro_pkt("Xj\0v\0", 5); /* unknown stage */
    assert_false(mp_macros_set(&m, &p));
    p = macro_pkt("Cj\0v", 4); /* no final NUL */
    assert_false(mp_macros_set(&m, &p));
    assert_null(mp_macros_get(&m, "j"));
    p = macro_pkt("Cj\0", 3); /* a name without a value */
    assert_true(mp_macros_set(&m, &p));
    assert_null(mp_macros_get(&m, "j"));
    p = macro_pkt("", 0);
    assert_false(mp_macros_set(&m, &p));
    mp_macros_clear(&m, MPS_CONNECT);
}

/* Random bytes never make the decoders read past their packet (ASan in
 * the sanitizer run). */
static void random_packets_stay_in_bounds(void **state)
{
    unsigned seed = 12345;

    (void)state;
    for (int round = 0; round < 20000; round++) {
        size_t len = (seed = seed * 1103515245u + 12345u) % 40;
        unsigned char *d = malloc(len ? len : 1);
        struct mp_macros m = {0};
        const char *v[8], *a, *b;
        char fam;
        unsigned port;
        uint32_t x, y, z;

        assert_non_null(d);
        for (size_t i = 0; i < len; i++)
            d[i] = (seed = seed * 1103515245u + 12345u) >> 16 & 3
                       ? (unsigned char)"C\0ab4U{}"[(seed >> 8) % 8]
                       : (unsigned char)(seed >> 20);
        struct mp_packet p = {MPC_MACRO, d, len};

        (void)mp_strings(&p, v, 8);
        (void)mp_connect(&p, &a, &fam, &port, &b);
        (void)mp_header(&p, &a, &b);
        (void)mp_optneg(&p, &x, &y, &z);
        if (mp_macros_set(&m, &p))
            (void)mp_macros_get(&m, "a");
        mp_macros_clear(&m, MPS_CONNECT);
        free(d);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(whole_partial_and_oversized_packets),
        cmocka_unit_test(two_packets_back_to_back),
        cmocka_unit_test(strings_of_a_packet),
        cmocka_unit_test(optneg_decoded),
        cmocka_unit_test(connect_decoded),
        cmocka_unit_test(header_decoded),
        cmocka_unit_test(replies_encoded),
        cmocka_unit_test(smtp_replies_encoded),
        cmocka_unit_test(macros_by_stage),
        cmocka_unit_test(malformed_macros_refused),
        cmocka_unit_test(random_packets_stay_in_bounds),
    };
    return cmocka_run_group_tests_name("mproto", tests, NULL, NULL);
}
