/*
 * test_prvs.c - BATV prvs signing and verification.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "auth/prvs.h"

#define DAY 86400
static const time_t t0 = 1764000000; /* 2025-11-24 */
static const char keys[] = "# test keys\n"
                           "0 0123456789abcdef0123456789abcdef\n"
                           "\n"
                           "  3   another-secret-of-enough-length  \n";

static struct prvs_keyring *ring_new(unsigned sign_key)
{
    struct prvs_keyring *ring = NULL;
    const char *err = NULL;
    assert_int_equal(
        prvs_keyring_parse(keys, sizeof keys - 1, sign_key, &ring, &err), 0);
    assert_non_null(ring);
    return ring;
}

static void signed_address_has_batv_shape(void **state)
{
    struct prvs_keyring *ring = ring_new(0);
    char out[400];
    const char *err;
    (void)state;
    assert_int_equal(
        prvs_sign(ring, "news@example.org", 7, t0, out, sizeof out, &err), 0);
    assert_int_equal(strncmp(out, "prvs=0", 6), 0);
    assert_int_equal(strlen(out), strlen("prvs=0DDDSSSSSS=news@example.org"));
    assert_string_equal(out + 16, "news@example.org");
    assert_true(prvs_is_signed(out));
    prvs_keyring_free(&ring);
    assert_null(ring);
}

/*
 * Known answers, computed outside this code base with OpenSSL:
 *   t0 is day 1764000000 / 86400 = 20416, 416 modulo 1000.
 *   printf '0423news@example.org' |
 *       openssl dgst -sha256 -hmac 0123456789abcdef0123456789abcdef
 *   -> 397770351ad9...  (tag 0 423 397770: key 0, expires day 416 + 7)
 *   printf '3420bounce@example.net' |
 *       openssl dgst -sha256 -hmac another-secret-of-enough-length
 *   -> e6433cc663ed...  (tag 3 420 e6433c)
 * (python3: hmac.new(secret, b"0423news@example.org", "sha256") agrees.)
 */
static void known_answer_tags(void **state)
{
    struct prvs_keyring *ring = ring_new(0);
    char out[400], orig[400];
    const char *err;
    (void)state;
    assert_int_equal(
        prvs_sign(ring, "News@Example.org", 7, t0, out, sizeof out, &err), 0);
    assert_string_equal(out, "prvs=0423397770=News@Example.org");
    assert_int_equal(prvs_verify(ring, "prvs=3420e6433c=bounce@example.net", 7,
                                 t0, orig, sizeof orig),
                     PRVS_VALID);
    assert_string_equal(orig, "bounce@example.net");
    assert_int_equal(
        prvs_verify(ring, "prvs=3420e6433d=bounce@example.net", 7, t0, NULL, 0),
        PRVS_BAD_SIG);
    prvs_keyring_free(&ring);
}

static void own_signature_verifies_and_unwraps(void **state)
{
    struct prvs_keyring *ring = ring_new(3);
    char out[400], orig[400];
    const char *err;
    (void)state;
    assert_int_equal(
        prvs_sign(ring, "News@Example.ORG", 7, t0, out, sizeof out, &err), 0);
    assert_int_equal(out[5], '3');
    assert_int_equal(prvs_verify(ring, out, 7, t0 + 3 * DAY, orig, sizeof orig),
                     PRVS_VALID);
    assert_string_equal(orig, "News@Example.ORG");
    prvs_keyring_free(&ring);
}

static void case_changed_by_relays_still_verifies(void **state)
{
    struct prvs_keyring *ring = ring_new(0);
    char out[400];
    const char *err;
    (void)state;
    assert_int_equal(
        prvs_sign(ring, "a@example.org", 7, t0, out, sizeof out, &err), 0);
    for (char *p = out; *p; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 'a' + 'A');
    assert_int_equal(prvs_verify(ring, out, 7, t0, NULL, 0), PRVS_VALID);
    prvs_keyring_free(&ring);
}

static void tampered_tag_or_address_fails(void **state)
{
    struct prvs_keyring *ring = ring_new(0);
    char out[400];
    const char *err;
    (void)state;
    assert_int_equal(
        prvs_sign(ring, "a@example.org", 7, t0, out, sizeof out, &err), 0);
    char forged[400];
    strcpy(forged, out);
    forged[14] = forged[14] == '0' ? '1' : '0';
    assert_int_equal(prvs_verify(ring, forged, 7, t0, NULL, 0), PRVS_BAD_SIG);
    strcpy(forged, out);
    forged[strlen(forged) - 1] = 'x'; /* example.orx */
    assert_int_equal(prvs_verify(ring, forged, 7, t0, NULL, 0), PRVS_BAD_SIG);
    /* a forger's own choice of day */
    strcpy(forged, out);
    forged[8] = forged[8] == '9' ? '8' : '9';
    assert_int_equal(prvs_verify(ring, forged, 7, t0, NULL, 0), PRVS_BAD_SIG);
    prvs_keyring_free(&ring);
}

static void old_tag_expires(void **state)
{
    struct prvs_keyring *ring = ring_new(0);
    char out[400];
    const char *err;
    (void)state;
    assert_int_equal(
        prvs_sign(ring, "a@example.org", 7, t0, out, sizeof out, &err), 0);
    assert_int_equal(prvs_verify(ring, out, 7, t0 + 7 * DAY, NULL, 0),
                     PRVS_VALID);
    assert_int_equal(prvs_verify(ring, out, 7, t0 + 8 * DAY, NULL, 0),
                     PRVS_EXPIRED);
    assert_int_equal(prvs_verify(ring, out, 7, t0 + 500 * DAY, NULL, 0),
                     PRVS_EXPIRED);
    /* tag made with a longer validity than we accept: from the future */
    assert_int_equal(
        prvs_sign(ring, "a@example.org", 30, t0, out, sizeof out, &err), 0);
    assert_int_equal(prvs_verify(ring, out, 7, t0, NULL, 0), PRVS_EXPIRED);
    prvs_keyring_free(&ring);
}

static void unknown_key_and_garbage_are_not_valid(void **state)
{
    struct prvs_keyring *ring = ring_new(0);
    char orig[64];
    (void)state;
    assert_int_equal(
        prvs_verify(ring, "prvs=5123abcdef=a@example.org", 7, t0, NULL, 0),
        PRVS_UNKNOWN_KEY);
    static const char *const bad[] = {
        "prvs=",
        "prvs=0123abcdef",
        "prvs=0123abcdef=nodomain",
        "prvs=x123abcdef=a@b.c",
        "prvs=0123abcdeg=a@b.c",
        "prvs=0123abcde=a@b.c",
        "PRVS=0123abcdef-a@b.c",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(prvs_verify(ring, bad[i], 7, t0, NULL, 0),
                         PRVS_MALFORMED);
    assert_int_equal(
        prvs_verify(ring, "plain@example.org", 7, t0, orig, sizeof orig),
        PRVS_UNSIGNED);
    assert_string_equal(orig, "plain@example.org");
    prvs_keyring_free(&ring);
}

static void null_sender_and_signed_are_left_alone(void **state)
{
    struct prvs_keyring *ring = ring_new(0);
    char out[400];
    const char *err;
    (void)state;
    assert_int_equal(prvs_sign(ring, "", 7, t0, out, sizeof out, &err), 0);
    assert_string_equal(out, "");
    assert_int_equal(
        prvs_sign(ring, "prvs=0123abcdef=a@b.c", 7, t0, out, sizeof out, &err),
        0);
    assert_string_equal(out, "prvs=0123abcdef=a@b.c");
    assert_int_equal(
        prvs_sign(ring, "no-at-sign", 7, t0, out, sizeof out, &err), -1);
    assert_int_equal(prvs_sign(ring, "a@example.org", 7, t0, out, 20, &err),
                     -1);
    prvs_keyring_free(&ring);
}

static void strip_unwraps_any_well_formed_tag(void **state)
{
    char out[64];
    (void)state;
    assert_true(prvs_strip("prvs=9123abcdef=a@b.example", out, sizeof out));
    assert_string_equal(out, "a@b.example");
    assert_true(prvs_strip("PRVS=0000000000=x@y", out, sizeof out));
    assert_string_equal(out, "x@y");
    assert_true(prvs_strip("prvs=broken=a@b.example", out, sizeof out));
    assert_string_equal(out, "prvs=broken=a@b.example");
    assert_true(prvs_strip("plain@b.example", out, sizeof out));
    assert_string_equal(out, "plain@b.example");
    assert_false(prvs_strip("plain@b.example", out, 5));
}

static void keyring_errors_are_reported(void **state)
{
    struct prvs_keyring *ring = NULL;
    const char *err = NULL;
    static const char *const bad[] = {
        "0 short\n", "x 0123456789abcdef0123\n",
        "0 0123456789abcdef0123\n0 0123456789abcdef0124\n",
        "1 0123456789abcdef0123\n", /* signing key 0 missing */
    };
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err = NULL;
        assert_int_equal(
            prvs_keyring_parse(bad[i], strlen(bad[i]), 0, &ring, &err), -1);
        assert_null(ring);
        assert_non_null(err);
    }
    assert_int_equal(prvs_keyring_parse(keys, sizeof keys - 1, 10, &ring, &err),
                     -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(signed_address_has_batv_shape),
        cmocka_unit_test(known_answer_tags),
        cmocka_unit_test(own_signature_verifies_and_unwraps),
        cmocka_unit_test(case_changed_by_relays_still_verifies),
        cmocka_unit_test(tampered_tag_or_address_fails),
        cmocka_unit_test(old_tag_expires),
        cmocka_unit_test(unknown_key_and_garbage_are_not_valid),
        cmocka_unit_test(null_sender_and_signed_are_left_alone),
        cmocka_unit_test(strip_unwraps_any_well_formed_tag),
        cmocka_unit_test(keyring_errors_are_reported),
    };
    return cmocka_run_group_tests_name("prvs", tests, NULL, NULL);
}
