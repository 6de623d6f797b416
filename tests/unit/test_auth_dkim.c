/*
 * test_auth_dkim.c - the header field handed to libopendkim, rebuilt from
 * what the milter gets, as a table.  "simple" header canonicalization
 * hashes the field as written, so the rebuilt bytes must be the original
 * ones: by default the MTA passes the value one leading SP shorter (if
 * there was one); with SMFIP_HDR_LEADSPC (raw) it passes it as written.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "auth/auth_int.h"

struct row {
    const char *what;
    const char *name, *value; /* as the milter gets them */
    bool raw;
    const char *field; /* what libopendkim must see */
};

static const struct row rows[] = {
    {"the common form gets its SP back", "Subject", "hello", false,
     "Subject: hello"},
    {"a second SP is the value's own", "Date", " Thu, 26 Nov 2026", false,
     "Date:  Thu, 26 Nov 2026"},
    {"a TAB right after the colon gets no SP", "Subject", "\thello", false,
     "Subject:\thello"},
    {"a field folded right after the colon gets no SP", "To", "\n\t<a@b.test>",
     false, "To:\r\n\t<a@b.test>"},
    {"the same with CRLF kept", "To", "\r\n\t<a@b.test>", false,
     "To:\r\n\t<a@b.test>"},
    {"bare LF inside a folded value becomes CRLF", "Received",
     "from x\n\tby y\r\n\tfor z", false,
     "Received: from x\r\n\tby y\r\n\tfor z"},
    {"an empty value", "Cc", "", false, "Cc: "},
    {"raw: written with no SP", "From", "<a@b.test>", true, "From:<a@b.test>"},
    {"raw: written with one SP", "From", " <a@b.test>", true,
     "From: <a@b.test>"},
    {"raw: SP then TAB", "Subject", " \thello", true, "Subject: \thello"},
    {"raw: folded", "To", "\n\t<a@b.test>", true, "To:\r\n\t<a@b.test>"},
};

static void test_rows(void **state)
{
    char out[256];
    (void)state;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const struct row *r = &rows[i];
        size_t n = auth_dkim_field(r->name, r->value, r->raw, out, sizeof out);
        if (n != strlen(r->field) || strcmp(out, r->field) != 0)
            fail_msg("%s: got \"%s\" (%zu), want \"%s\"", r->what, out, n,
                     r->field);
    }
}

/* Every size below what is needed gives 0 and never writes past out[size]. */
static void test_sizes(void **state)
{
    const char *want = "To:\r\n\t<a@b.test>\r\n\tx";
    size_t need = strlen(want) + 1;
    char out[64];
    (void)state;
    for (size_t size = 0; size <= need; size++) {
        memset(out, 'Z', sizeof out);
        size_t n =
            auth_dkim_field("To", "\n\t<a@b.test>\n\tx", false, out, size);
        if (size < need)
            assert_int_equal(n, 0);
        else
            assert_string_equal(out, want);
        for (size_t j = size; j < sizeof out; j++)
            assert_int_equal(out[j], 'Z');
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows),
        cmocka_unit_test(test_sizes),
    };
    return cmocka_run_group_tests_name("auth_dkim", tests, NULL, NULL);
}
