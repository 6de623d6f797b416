/*
 * test_authres.c - the authserv-id read back from an Authentication-Results
 * field body (authres_field_id, authres_field_claims), as a table: CFWS
 * and comments before it, case, folded lines, a missing ';', empty and
 * broken values, and ids that are a prefix of ours or have ours as one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "auth/authres.h"

#define OURS "bg.a.test"

struct row {
    const char *what;
    const char *value;
    const char *id; /* NULL: no id */
    bool ours;
};

static const struct row rows[] = {
    {"ours, as we write it", "bg.a.test; spf=pass smtp.helo=x", OURS, true},
    {"the leading SP of SMFIP_HDR_LEADSPC", " bg.a.test; spf=pass", OURS, true},
    {"another case", "BG.A.Test; dkim=pass", "BG.A.Test", true},
    {"a comment before it", "(checked here) bg.a.test; spf=pass", OURS, true},
    {"nested comments", " (a (b (c) \\) d)) bg.a.test;", OURS, true},
    {"comments and blanks after it", "bg.a.test (x) ; spf=pass", OURS, true},
    {"a comment right after it", "bg.a.test(x); spf=pass", OURS, true},
    {"folded before it", "\r\n\t(comment)\r\n bg.a.test;\r\n\tspf=pass", OURS,
     true},
    {"folded with bare LF", "\n\tbg.a.test;\n\tspf=pass", OURS, true},
    {"a version after it", "bg.a.test 1; spf=pass", OURS, true},
    {"no ';' at all", "bg.a.test", OURS, true},
    {"no ';', then a result", "bg.a.test spf=pass", OURS, true},
    {"a quoted-string", "\"bg.a.test\"; spf=pass", OURS, true},
    {"a quoted-string with a quoted pair", "\"bg.a\\.test\";", OURS, true},
    {"another authserv-id", "mx.other.test; spf=pass", "mx.other.test", false},
    {"ours is a prefix of it", "bg.a.test.evil; spf=pass", "bg.a.test.evil",
     false},
    {"it is a prefix of ours", "bg.a; spf=pass", "bg.a", false},
    {"ours inside a comment only", "(bg.a.test) other.test;", "other.test",
     false},
    {"empty", "", NULL, false},
    {"blanks only", " \t\r\n ", NULL, false},
    {"a ';' first", " ; spf=pass", NULL, false},
    {"a comment only", "(bg.a.test)", NULL, false},
    {"an unterminated comment", "(x bg.a.test; spf=pass", NULL, false},
    {"an unterminated quoted-string", "\"bg.a.test; spf=pass", NULL, false},
    {"an empty quoted-string", "\"\"; spf=pass", NULL, false},
};

static void field_ids(void **state)
{
    char id[AUTHRES_ID_MAX + 1];

    (void)state;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const struct row *r = &rows[i];
        bool got = authres_field_id(r->value, id, sizeof id);

        print_message("%s\n", r->what);
        assert_int_equal(got, r->id != NULL);
        assert_string_equal(id, r->id != NULL ? r->id : "");
        assert_int_equal(authres_field_claims(r->value, OURS), r->ours);
    }
}

static void ids_bounded(void **state)
{
    char small[5], big[AUTHRES_ID_MAX + 40];

    (void)state;
    assert_true(authres_field_id(" abcd;", small, sizeof small));
    assert_string_equal(small, "abcd");
    assert_false(authres_field_id(" abcde;", small, sizeof small));
    assert_string_equal(small, "");
    assert_false(authres_field_id("\"abcde\";", small, sizeof small));
    assert_false(authres_field_id("x", small, 0));
    /* longer than any authserv-id we write: never ours */
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_false(authres_field_claims(big, "aaa"));
    assert_false(authres_field_claims(OURS ";", NULL));
}

/* What authres_format() writes, authres_field_id() reads back. */
static void formatted_reads_back(void **state)
{
    struct authres_info info = {
        .authserv_id = OURS,
        .spf = AUTHRES_FAIL,
        .spf_identity = "helo",
        .spf_domain = "mx.forged.test",
        .spf_checked = true,
    };
    char buf[256], id[AUTHRES_ID_MAX + 1];

    (void)state;
    assert_true(authres_format(&info, buf, sizeof buf));
    assert_true(authres_field_id(buf, id, sizeof id));
    assert_string_equal(id, OURS);
    assert_true(authres_field_claims(buf, "BG.A.TEST"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(field_ids),
        cmocka_unit_test(ids_bounded),
        cmocka_unit_test(formatted_reads_back),
    };
    return cmocka_run_group_tests_name("authres", tests, NULL, NULL);
}
