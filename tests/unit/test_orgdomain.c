/*
 * test_orgdomain.c - organisational domains for DKIM alignment, and the
 * Authentication-Results field.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "auth/authres.h"
#include "auth/orgdomain.h"

struct row {
    const char *name;
    const char *org; /* NULL: not a usable domain */
};

static void check_rows(const struct orgdomain_list *list,
                       const struct row *rows, size_t n)
{
    char out[256];
    for (size_t i = 0; i < n; i++) {
        bool ok = orgdomain_get(list, rows[i].name, out, sizeof out);
        if (rows[i].org == NULL) {
            if (ok)
                fail_msg("%s: got %s, want none", rows[i].name, out);
        } else if (!ok || strcmp(out, rows[i].org) != 0) {
            fail_msg("%s: got %s, want %s", rows[i].name, ok ? out : "none",
                     rows[i].org);
        }
    }
}

static void last_two_labels_without_a_list(void **state)
{
    static const struct row rows[] = {
        {"mail.example.com", "example.com"},
        {"Mail.Example.COM.", "example.com"},
        {"example.com", "example.com"},
        {"com", "com"},
        {"a.b.c.example.co.uk", "co.uk"}, /* the known approximation */
        {"", NULL},
        {"a..b.com", NULL},
        {".com", NULL},
    };
    (void)state;
    check_rows(NULL, rows, sizeof rows / sizeof rows[0]);
}

static void public_suffix_list_rules(void **state)
{
    static const char psl[] = "// comment\n"
                              "com\n"
                              "uk\n"
                              "co.uk\n"
                              "*.ck\n"
                              "!www.ck\n"
                              "\n";
    static const struct row rows[] = {
        {"a.b.example.co.uk", "example.co.uk"},
        {"example.co.uk", "example.co.uk"},
        {"mail.example.com", "example.com"},
        {"x.y.ck", "x.y.ck"}, /* y.ck is a public suffix by wildcard */
        {"a.www.ck", "www.ck"}, /* the exception */
        {"host.unlisted", "host.unlisted"},
        {"co.uk", "co.uk"},
    };
    struct orgdomain_list *list = NULL;
    const char *err = NULL;
    (void)state;
    assert_int_equal(orgdomain_list_parse(psl, sizeof psl - 1, &list, &err),
                     0);
    check_rows(list, rows, sizeof rows / sizeof rows[0]);
    assert_true(orgdomain_aligned(list, "news.example.co.uk",
                                  "EXAMPLE.co.uk"));
    assert_false(orgdomain_aligned(list, "a.co.uk", "b.co.uk"));
    assert_true(orgdomain_aligned(NULL, "a.co.uk", "b.co.uk"));
    orgdomain_list_free(&list);
    assert_null(list);
}

static void auth_results_field(void **state)
{
    char buf[256];
    struct authres_info in = {
        .authserv_id = "mx.example.org",
        .spf = AUTHRES_PASS,
        .spf_identity = "helo",
        .spf_domain = "mta.remote.test",
        .spf_checked = true,
        .dkim = AUTHRES_FAIL,
        .dkim_domain = "remote.test",
        .dkim_selector = "s1",
        .dkim_checked = true,
    };
    (void)state;
    assert_true(authres_format(&in, buf, sizeof buf));
    assert_string_equal(buf, "mx.example.org; spf=pass "
                             "smtp.helo=mta.remote.test; dkim=fail "
                             "header.d=remote.test header.s=s1");
    in.dkim_domain = "bad domain;x";
    in.spf_checked = false;
    assert_true(authres_format(&in, buf, sizeof buf));
    assert_string_equal(buf, "mx.example.org; dkim=fail header.s=s1");
    in.dkim_checked = false;
    assert_true(authres_format(&in, buf, sizeof buf));
    assert_string_equal(buf, "mx.example.org; none");
    assert_false(authres_format(&in, buf, 10));
    enum authres r;
    assert_true(authres_parse("TempError", &r));
    assert_int_equal(r, AUTHRES_TEMPERROR);
    assert_false(authres_is_broken(AUTHRES_TEMPERROR));
    assert_true(authres_is_broken(AUTHRES_PERMERROR));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(last_two_labels_without_a_list),
        cmocka_unit_test(public_suffix_list_rules),
        cmocka_unit_test(auth_results_field),
    };
    return cmocka_run_group_tests_name("orgdomain", tests, NULL, NULL);
}
