/*
 * test_sesjson.c - the kind of an SES notification against a plain
 * reference: the value of the first "notificationType" key, or when there
 * is none of the first "eventType" key.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include "core/mime.h"
#include "core/sesjson.h"

/* Offset past the first "key" (quoted) in t[0..len), or 0: a byte at a
 * time. */
static size_t ref_key(const char *t, size_t len, const char *key)
{
    size_t kl = strlen(key);

    for (size_t i = 0; i + kl + 2 <= len; i++)
        if (t[i] == '"' && memcmp(t + i + 1, key, kl) == 0 &&
            t[i + kl + 1] == '"')
            return i + kl + 2;
    return 0;
}

static enum report_kind ref_kind(const char *t, size_t len)
{
    size_t k = ref_key(t, len, "notificationType"), i, n = 0;
    char v[64];

    if (k == 0)
        k = ref_key(t, len, "eventType");
    if (k == 0)
        return REPORT_NOT_BOUNCE;
    for (i = k; i < len && strchr(" :\n\r\t", t[i]) != NULL && t[i]; i++)
        ;
    if (i >= len || t[i] != '"')
        return REPORT_NOT_BOUNCE;
    for (i++; i < len && t[i] != '"'; i++) {
        if (t[i] == '\\' && i + 1 < len)
            i++;
        if (n + 1 < sizeof v)
            v[n++] = t[i];
    }
    v[n] = '\0';
    if (i >= len)
        return REPORT_NOT_BOUNCE;
    if (strcasecmp(v, "Bounce") == 0)
        return REPORT_BOUNCE;
    if (strcasecmp(v, "Complaint") == 0)
        return REPORT_FEEDBACK;
    if (strcasecmp(v, "Delivery") == 0)
        return REPORT_DELIVERED;
    return REPORT_NOT_BOUNCE;
}

/* Random texts of keys, values and quotes in any order: the same kind as
 * the reference, every prefix of them too. */
static void test_kind_as_reference(void **state)
{
    static const char *const piece[] = {
        "\"notificationType\"", "\"eventType\"", ": ", "\"Bounce\"",
        "\"complaint\"", "\"Delivery\"", "\"other\"", "\"", "x", " ",
        "\\", "\"notificationType", "eventType\"", "\n"};
    struct mime_limits lim;
    char t[256];
    unsigned seed = 99;
    (void)state;

    mime_limits_default(&lim);
    for (int round = 0; round < 3000; round++) {
        size_t n = 0;
        for (;;) {
            seed = seed * 1103515245u + 12345u;
            const char *p = piece[(seed >> 8) % (sizeof piece / sizeof *piece)];
            if (n + strlen(p) > sizeof t)
                break;
            memcpy(t + n, p, strlen(p));
            n += strlen(p);
        }
        size_t len = (size_t)round % 2 == 0 ? n : (seed >> 4) % (n + 1);
        struct report *r = calloc(1, sizeof *r);
        struct rbuild b = {.r = r, .lim = &lim};
        enum report_kind k;
        assert_non_null(r);
        (void)sesjson_parse(&b, t, len, &k);
        assert_int_equal(k, ref_kind(t, len));
        report_free(&r);
    }
}

/* An SNS notification whose "Message" is the SES one as an escaped
 * string: the bounced recipient alone, with its status and reply, not the
 * source, the destinations or the message id. */
static void test_sns_wrapped(void **state)
{
    static const char t[] =
        "{\n  \"Type\" : \"Notification\",\n"
        "  \"MessageId\" : \"5b7c9d1e-2f3a\",\n"
        "  \"Message\" : \"{\\\"notificationType\\\":\\\"Bounce\\\","
        "\\\"bounce\\\":{\\\"bounceType\\\":\\\"Permanent\\\","
        "\\\"bouncedRecipients\\\":[{\\\"emailAddress\\\":"
        "\\\"ann@example.net\\\",\\\"action\\\":\\\"failed\\\","
        "\\\"status\\\":\\\"5.1.1\\\",\\\"diagnosticCode\\\":"
        "\\\"smtp; 550 5.1.1 <ann@example.net>: User unknown\\\"}]},"
        "\\\"mail\\\":{\\\"source\\\":\\\"app@example.com\\\","
        "\\\"messageId\\\":\\\"0100abc@email.amazonses.com\\\","
        "\\\"destination\\\":[\\\"ann@example.net\\\","
        "\\\"lead@example.com\\\"]}}\",\n"
        "  \"Timestamp\" : \"2024-06-29T12:04:33.412Z\"\n}\n";
    struct mime_limits lim;
    enum report_kind k;
    (void)state;

    mime_limits_default(&lim);
    struct report *r = calloc(1, sizeof *r);
    struct rbuild b = {.r = r, .lim = &lim};
    assert_non_null(r);
    assert_int_equal(sesjson_parse(&b, t, sizeof t - 1, &k), 1);
    assert_int_equal(k, REPORT_BOUNCE);
    assert_int_equal(r->nrcpts, 1);
    assert_string_equal(r->rcpts[0].recipient, "ann@example.net");
    assert_string_equal(r->rcpts[0].status, "5.1.1");
    assert_int_equal(r->rcpts[0].reply_code, 550);
    assert_string_equal(r->rcpts[0].action, "failed");
    report_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kind_as_reference),
        cmocka_unit_test(test_sns_wrapped),
    };
    return cmocka_run_group_tests_name("sesjson", tests, NULL, NULL);
}
