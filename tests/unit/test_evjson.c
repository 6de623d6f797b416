/*
 * test_evjson.c - sending services' events in JSON: the recipients, their
 * actions, statuses and diagnostics, in the shapes the services use; no
 * recipient from a sender's or a header's field; bounded work on hostile
 * input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/evjson.h"
#include "core/mime.h"

struct parsed {
    struct report *r;
    struct rbuild b;
    struct mime_limits lim;
    enum report_kind kind;
    size_t n;
};

static void parse(struct parsed *p, const char *t, size_t len)
{
    mime_limits_default(&p->lim);
    p->r = calloc(1, sizeof *p->r);
    assert_non_null(p->r);
    p->b = (struct rbuild){.r = p->r, .lim = &p->lim};
    p->n = evjson_parse(&p->b, t, len, &p->kind);
    assert_false(p->b.oom);
}

static const struct report_rcpt *rcpt(const struct parsed *p, const char *addr)
{
    for (size_t i = 0; i < p->r->nrcpts; i++)
        if (strcmp(p->r->rcpts[i].recipient, addr) == 0)
            return &p->r->rcpts[i];
    fail_msg("no recipient %s", addr);
    return NULL;
}

/* An array of flat events: a bounce, a drop, a deferral and a delivery;
 * the delivery names no recipient, the sender's fields none either. */
static void test_flat_array(void **state)
{
    static const char t[] =
        "[{\"email\":\"ann@example.net\",\"event\":\"bounce\","
        "\"type\":\"bounce\",\"status\":\"5.1.1\",\"reason\":\"550 5.1.1 "
        "<ann@example.net>: User unknown\",\"smtp-id\":\"<id@example.com>\"},"
        "{\"email\":\"bob@example.org\",\"event\":\"dropped\",\"reason\":"
        "\"Bounced Address\",\"from\":\"news@example.com\"},\n"
        "{\"email\":\"cy@example.org\",\"event\":\"deferred\",\"response\":"
        "\"451 4.7.1 Greylisted, try again later\"},\n"
        "{\"email\":\"dee@example.org\",\"event\":\"delivered\",\"response\":"
        "\"250 2.0.0 OK\"}]";
    struct parsed p;
    (void)state;

    parse(&p, t, sizeof t - 1);
    assert_int_equal(p.n, 3);
    assert_int_equal(p.kind, REPORT_BOUNCE);
    assert_int_equal(p.r->nrcpts, 3);
    const struct report_rcpt *a = rcpt(&p, "ann@example.net");
    assert_string_equal(a->action, "failed");
    assert_string_equal(a->status, "5.1.1");
    assert_int_equal(a->reply_code, 550);
    assert_string_equal(rcpt(&p, "bob@example.org")->diagnostic,
                        "Bounced Address");
    const struct report_rcpt *c = rcpt(&p, "cy@example.org");
    assert_string_equal(c->action, "delayed");
    assert_int_equal(c->reply_code, 451);
    report_free(&p.r);
}

/* Nested: the event's object holds the recipient and, deeper, the reply
 * code and message; "severity": "temporary" is a delay; the headers' "to"
 * and the envelope's sender are no recipients. */
static void test_nested_event(void **state)
{
    static const char t[] =
        "{\"signature\":{\"token\":\"x\"},\"event-data\":{\"event\":"
        "\"failed\",\"severity\":\"temporary\",\"reason\":\"generic\","
        "\"envelope\":{\"sender\":\"bounce+1@mg.example.com\"},"
        "\"recipient\":\"eve@example.net\",\"message\":{\"headers\":"
        "{\"to\":\"eve@example.net\",\"from\":\"shop@example.com\"}},"
        "\"delivery-status\":{\"code\":421,\"message\":\"4.7.0 [TS04] "
        "Messages temporarily deferred\",\"description\":\"\"}}}";
    struct parsed p;
    (void)state;

    parse(&p, t, sizeof t - 1);
    assert_int_equal(p.n, 1);
    const struct report_rcpt *e = rcpt(&p, "eve@example.net");
    assert_string_equal(e->action, "delayed");
    assert_int_equal(e->reply_code, 421);
    assert_string_equal(e->status, "4.7.0");
    assert_string_equal(e->diagnostic, "421 4.7.0 [TS04] Messages "
                                       "temporarily deferred; reason: "
                                       "generic");
    report_free(&p.r);
}

/* A record type and a bounce type (the first kind member decides), the
 * details after their "smtp;" type. */
static void test_record_type(void **state)
{
    static const char t[] =
        "{\n  \"RecordType\": \"Bounce\",\n  \"Type\": \"HardBounce\",\n"
        "  \"Email\": \"fay@example.net\",\n  \"From\": "
        "\"app@example.com\",\n  \"Details\": \"smtp;550 No Such User "
        "Here\",\n  \"Description\": \"The server was unable to deliver "
        "your message (ex: unknown user, mailbox not found).\"\n}\n";
    struct parsed p;
    (void)state;

    parse(&p, t, sizeof t - 1);
    assert_int_equal(p.n, 1);
    const struct report_rcpt *f = rcpt(&p, "fay@example.net");
    assert_int_equal(f->reply_code, 550);
    assert_non_null(strstr(f->diagnostic, "550 No Such User Here; The "));
    report_free(&p.r);
}

/* A word alone keeps its key ("reason: hard-bounce"); complaints alone
 * make a feedback report. */
static void test_word_and_complaint(void **state)
{
    static const char rej[] =
        "[{\"event\":\"reject\",\"msg\":{\"email\":\"gus@example.net\","
        "\"state\":\"rejected\",\"reject\":{\"reason\":\"hard-bounce\"},"
        "\"sender\":\"app@example.com\"}}]";
    static const char spam[] =
        "[{\"event\":\"spamreport\",\"email\":\"hal@example.net\"}]";
    struct parsed p;
    (void)state;

    parse(&p, rej, sizeof rej - 1);
    assert_int_equal(p.n, 1);
    assert_string_equal(rcpt(&p, "gus@example.net")->diagnostic,
                        "reason: hard-bounce");
    report_free(&p.r);
    parse(&p, spam, sizeof spam - 1);
    assert_int_equal(p.n, 1);
    assert_int_equal(p.kind, REPORT_FEEDBACK);
    assert_null(rcpt(&p, "hal@example.net")->action);
    report_free(&p.r);
}

/* No event: an object without a kind, a kind no failure names, a kind
 * with no recipient, a recipient that is no address, prose. */
static void test_not_events(void **state)
{
    static const char *const texts[] = {
        "{\"email\":\"ann@example.net\",\"status\":\"5.1.1\"}",
        "{\"event\":\"open\",\"email\":\"ann@example.net\"}",
        "{\"event\":\"bounce\",\"from\":\"ann@example.net\"}",
        "{\"event\":\"bounce\",\"email\":\"nobody\"}",
        "Your message to ann@example.net bounced: {event} bounce",
        "\"event\":\"bounce\",\"email\":\"ann@example.net\""};
    (void)state;

    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        struct parsed p;
        parse(&p, texts[i], strlen(texts[i]));
        if (p.n != 0 || p.kind != REPORT_NOT_BOUNCE)
            fail_msg("text %zu: %zu recipients", i, p.n);
        report_free(&p.r);
    }
}

/* Hostile input: every prefix of an event (no read past the length),
 * nesting deeper than is followed, more events than are read. */
static void test_hostile(void **state)
{
    static const char ev[] =
        "[{\"event\":\"bounce\",\"email\":\"ann@example.net\",\"reason\":"
        "\"550 \\\"quoted\\\" \\\\ end\"}]";
    size_t big = 200000;
    char *t = malloc(big);
    (void)state;

    assert_non_null(t);
    for (size_t len = 0; len <= sizeof ev - 1; len++) {
        char *c = malloc(len + 1); /* exactly len bytes: ASan checks */
        struct parsed p;
        assert_non_null(c);
        memcpy(c, ev, len);
        parse(&p, c, len);
        report_free(&p.r);
        free(c);
    }
    /* 100,000 nested objects, an event at the bottom */
    size_t n = 0;
    for (; n < big / 2 - 100; n++)
        t[n] = '{';
    n += (size_t)snprintf(t + n, big - n,
                          "\"event\":\"bounce\",\"email\":"
                          "\"ann@example.net\"}");
    struct parsed p;
    parse(&p, t, n);
    assert_int_equal(p.n, 0); /* deeper than followed */
    report_free(&p.r);
    /* 1,000 events: EVJSON_EVENTS read */
    n = 0;
    for (int i = 0; i < 1000; i++)
        n += (size_t)snprintf(t + n, big - n,
                              "{\"event\":\"bounce\",\"email\":"
                              "\"u%d@example.net\"}",
                              i);
    parse(&p, t, n);
    assert_int_equal(p.n, EVJSON_EVENTS);
    report_free(&p.r);
    free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flat_array),
        cmocka_unit_test(test_nested_event),
        cmocka_unit_test(test_record_type),
        cmocka_unit_test(test_word_and_complaint),
        cmocka_unit_test(test_not_events),
        cmocka_unit_test(test_hostile),
    };
    return cmocka_run_group_tests_name("evjson", tests, NULL, NULL);
}
