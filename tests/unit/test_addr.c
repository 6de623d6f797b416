/*
 * test_addr.c - address normalisation (core/addr.h), table-driven.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/addr.h"

struct norm_case {
    const char *in;
    enum addr_local_part lp;
    unsigned flags;
    const char *out; /* NULL: must be rejected */
};

static const struct norm_case cases[] = {
    {"user@Example.COM", ADDR_LOCAL_PRESERVE, 0, "user@example.com"},
    {"User@Example.COM", ADDR_LOCAL_PRESERVE, 0, "User@example.com"},
    {"User@Example.COM", ADDR_LOCAL_LOWERCASE, 0, "user@example.com"},
    {"  <John.Doe@EXAMPLE.org>  ", ADDR_LOCAL_PRESERVE, 0,
     "John.Doe@example.org"},
    {"rfc822; bob@example.net", ADDR_LOCAL_PRESERVE, 0, "bob@example.net"},
    {"RFC822;<bob@example.net>", ADDR_LOCAL_PRESERVE, 0, "bob@example.net"},
    {"bob@example.net.", ADDR_LOCAL_PRESERVE, 0, "bob@example.net"},
    {"\"a b@c\"@example.net", ADDR_LOCAL_PRESERVE, 0, "\"a b@c\"@example.net"},
    {"x@[192.0.2.1]", ADDR_LOCAL_PRESERVE, 0, "x@[192.0.2.1]"},
    {"jörg@bücher.DE", ADDR_LOCAL_PRESERVE, 0, "jörg@bücher.de"},
    {"x@xn--bcher-kva.example", ADDR_LOCAL_PRESERVE, 0,
     "x@xn--bcher-kva.example"},
    {"Example.COM", ADDR_LOCAL_PRESERVE, ADDR_ALLOW_DOMAIN, "example.com"},
    {"Example.COM", ADDR_LOCAL_PRESERVE, 0, NULL},
    {"localhost", ADDR_LOCAL_PRESERVE, ADDR_ALLOW_DOMAIN, NULL},
    {"", ADDR_LOCAL_PRESERVE, 0, NULL},
    {"<>", ADDR_LOCAL_PRESERVE, 0, NULL},
    {"@example.com", ADDR_LOCAL_PRESERVE, 0, NULL},
    {"user@", ADDR_LOCAL_PRESERVE, 0, NULL},
    {"user@exa mple.com", ADDR_LOCAL_PRESERVE, 0, NULL},
    {"us er@example.com", ADDR_LOCAL_PRESERVE, 0, NULL},
    {"user@example..com", ADDR_LOCAL_PRESERVE, 0, NULL},
    {"user@.example.com", ADDR_LOCAL_PRESERVE, 0, NULL},
    {"us\ner@example.com", ADDR_LOCAL_PRESERVE, 0, NULL},
    {"a@b@example.com", ADDR_LOCAL_PRESERVE, 0, NULL},
    {"user@[192.0.2.1", ADDR_LOCAL_PRESERVE, 0, NULL},
    {"12345678901234567890123456789012345678901234567890123456789012345"
     "@example.com",
     ADDR_LOCAL_PRESERVE, 0, NULL},
    {"x@a23456789012345678901234567890123456789012345678901234567890123"
     "4.com",
     ADDR_LOCAL_PRESERVE, 0, NULL},
};

static void normalises_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char buf[ADDR_MAX + 1];
        const char *err = NULL;
        int rc = addr_normalize(cases[i].in, strlen(cases[i].in), cases[i].lp,
                                cases[i].flags, buf, sizeof buf, &err);
        if (cases[i].out == NULL) {
            if (rc != -1)
                fail_msg("case %zu '%s' accepted as '%s'", i, cases[i].in, buf);
            assert_non_null(err);
        } else {
            if (rc != 0)
                fail_msg("case %zu '%s' rejected: %s", i, cases[i].in, err);
            assert_string_equal(buf, cases[i].out);
        }
    }
}

static void respects_length_argument(void **state)
{
    char buf[ADDR_MAX + 1];
    const char *err;
    const char *in = "bob@example.comGARBAGE";

    (void)state;
    assert_int_equal(
        addr_normalize(in, 15, ADDR_LOCAL_PRESERVE, 0, buf, sizeof buf, &err),
        0);
    assert_string_equal(buf, "bob@example.com");
}

static void small_buffer_is_an_error(void **state)
{
    char buf[8];
    const char *err;

    (void)state;
    assert_int_equal(addr_normalize("bob@example.com", 15, ADDR_LOCAL_PRESERVE,
                                    0, buf, sizeof buf, &err),
                     -1);
}

static void domain_of_key(void **state)
{
    (void)state;
    assert_string_equal(addr_domain("a@b.example"), "b.example");
    assert_string_equal(addr_domain("b.example"), "b.example");
    assert_true(addr_is_domain("b.example"));
    assert_false(addr_is_domain("a@b.example"));
}

static void local_part_setting(void **state)
{
    enum addr_local_part lp;

    (void)state;
    assert_true(addr_local_part_parse("lowercase", &lp));
    assert_int_equal(lp, ADDR_LOCAL_LOWERCASE);
    assert_true(addr_local_part_parse("preserve", &lp));
    assert_int_equal(lp, ADDR_LOCAL_PRESERVE);
    assert_false(addr_local_part_parse("upper", &lp));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(normalises_table),
        cmocka_unit_test(respects_length_argument),
        cmocka_unit_test(small_buffer_is_an_error),
        cmocka_unit_test(domain_of_key),
        cmocka_unit_test(local_part_setting),
    };
    return cmocka_run_group_tests_name("addr", tests, NULL, NULL);
}
