/*
 * test_dsn.c - RFC 3464 / RFC 6533 delivery-status bodies and the reply
 * scanner (src/core/dsn.c), table-driven.
 */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include "core/dsn.h"
#include "core/rbuild.h"

static void test_scan_reply(void **state)
{
    static const struct {
        const char *text, *status;
        int code;
    } t[] = {
        {"550 5.1.1 <a@b.example>: User unknown", "5.1.1", 550},
        {"550-5.7.26 Unauthenticated email", "5.7.26", 550},
        {"  421 4.7.0 [TSS04] deferred", "4.7.0", 421},
        {"#5.1.10 RESOLVER.ADR.RecipientNotFound", "5.1.10", 0},
        {"User unknown", "", 0},
        {"5500 not a code 1.2.3.4", "", 0},
        {"250 2.0.0 Ok: queued", "2.0.0", 250},
        {"host 192.0.2.5 said: 554 5.7.1", "5.7.1", 0},
    };
    (void)state;
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        char st[16];
        int code;
        dsn_scan_reply(t[i].text, strlen(t[i].text), &code, st, sizeof st);
        assert_string_equal(st, t[i].status);
        assert_int_equal(code, t[i].code);
    }
}

struct want {
    const char *rcpt, *orig, *action, *status, *diag, *remote;
    int code;
};

static const struct {
    const char *name, *body;
    size_t n;
    struct want w[2];
} cases[] = {
    {"two groups, folded diagnostic",
     "Reporting-MTA: dns; mx.example.net\n"
     "X-Postfix-Queue-ID: 4F00\n\n"
     "Final-Recipient: rfc822; a@example.org\n"
     "Original-Recipient: rfc822;A@Example.org\n"
     "Action: failed\nStatus: 5.1.1\nRemote-MTA: dns; mx.example.org\n"
     "Diagnostic-Code: smtp; 550 5.1.1 <a@example.org>: Recipient\n"
     "    address rejected: User unknown\n\n"
     "Final-Recipient: rfc822; b@example.org\nAction: Delayed\n"
     "Status: 4.4.1\n",
     2,
     {{"a@example.org", "A@Example.org", "failed", "5.1.1",
       "550 5.1.1 <a@example.org>: Recipient address rejected: User unknown",
       "mx.example.org", 550},
      {"b@example.org", NULL, "delayed", "4.4.1", NULL, NULL, 0}}},
    {"no blank line between groups, CRLF, Status wins over diagnostic",
     "Final-Recipient: rfc822;<c@example.org>\r\nAction: failed\r\n"
     "Diagnostic-Code: smtp; 550 5.7.1 denied\r\nStatus: 5.7.26\r\n"
     "Final-Recipient: rfc822; d@example.org\r\nAction: failed\r\n",
     2,
     {{"c@example.org", NULL, "failed", "5.7.26", "550 5.7.1 denied", NULL,
       550},
      {"d@example.org", NULL, "failed", "", NULL, NULL, 0}}},
    {"source-routed final recipient: the original is the address",
     "Original-recipient: rfc822;e@example.net\n"
     "Final-recipient: rfc822;@smtp.example.net:e@server\n"
     "Action: failed\nStatus: 5.2.0\n",
     1,
     {{"e@example.net", "e@example.net", "failed", "5.2.0", NULL, NULL,
       0}}},
    {"Exchange's encapsulated X.500 name as final recipient: the original",
     "Original-Recipient: rfc822;k.moss@example.net\n"
     "Final-Recipient: rfc822;IMCEAEX-_o=Org_ou=Exchange+20Administrative"
     "+20Group+20+28FYDIBOHF23SPDLT+29_cn=Recipients_cn=kmoss@example.net\n"
     "Action: failed\nStatus: 5.1.1\n",
     1,
     {{"k.moss@example.net", "k.moss@example.net", "failed", "5.1.1", NULL,
       NULL, 0}}},
    {"an encapsulated final recipient with no original stays",
     "Final-Recipient: rfc822;"
     "IMCEAEX-_o=Org_cn=Recipients_cn=kmoss@example.net\n"
     "Action: failed\nStatus: 5.1.1\n",
     1,
     {{"IMCEAEX-_o=Org_cn=Recipients_cn=kmoss@example.net", NULL, "failed",
       "5.1.1", NULL, NULL, 0}}},
    {"an encapsulated final recipient whose original is no address stays",
     "Original-Recipient: x400;/c=us/o=org/cn=kmoss/\n"
     "Final-Recipient: rfc822;IMCEAEX-_o=Org_cn=kmoss@example.net\n"
     "Action: failed\nStatus: 5.1.1\n",
     1,
     {{"IMCEAEX-_o=Org_cn=kmoss@example.net", "/c=us/o=org/cn=kmoss/",
       "failed", "5.1.1", NULL, NULL, 0}}},
    {"an X.400 final recipient: the original is the address",
     "Original-Recipient: rfc822;j.smith@example.net\n"
     "Final-Recipient: x400; /C=US/ADMD=TELEMAIL/PRMD=ACME/S=Smith/G=John/\n"
     "Action: failed\nStatus: 5.1.1\n",
     1,
     {{"j.smith@example.net", "j.smith@example.net", "failed", "5.1.1", NULL,
       NULL, 0}}},
    {"a local part that only starts like one is an address",
     "Original-Recipient: rfc822;imcea@example.net\n"
     "Final-Recipient: rfc822;imceab@example.net\n"
     "Action: failed\nStatus: 5.1.1\n",
     1,
     {{"imceab@example.net", "imcea@example.net", "failed", "5.1.1", NULL,
       NULL, 0}}},
    {"a program as final recipient: the address inside it",
     "Final-Recipient: rfc822;|/usr/bin/prog f@example.com /home/f\n"
     "Action: failed\nStatus: 5.0.0\n",
     1,
     {{"f@example.com", NULL, "failed", "5.0.0", NULL, NULL, 0}}},
    {"duplicate recipient is one entry",
     "Final-Recipient: rfc822; g@example.com\nAction: failed\n\n"
     "Final-Recipient: rfc822; G@EXAMPLE.COM\nAction: failed\n",
     1,
     {{"g@example.com", NULL, "failed", "", NULL, NULL, 0}}},
    {"fields before Final-Recipient belong to it (Facebook's order)",
     "Reporting-MTA: dns; 10.0.0.1\n\n"
     "Diagnostic-Code: SMTP; 550 5.1.1 RCP-P1 Recipient address does not\n"
     "    exist\nStatus: 5.1.1\nFinal-Recipient: rfc822; h@example.com\n"
     "Action: failed\n",
     1,
     {{"h@example.com", NULL, "failed", "5.1.1",
       "550 5.1.1 RCP-P1 Recipient address does not exist", NULL, 550}}},
    {"a group with an Original-Recipient and no Final-Recipient: its "
     "fields are the original recipient's, brackets dropped",
     "Reporting-MTA: dns; mx.example.net\n\n"
     "Original-Recipient: rfc822; <k.lund@example.org>\nAction: failed\n"
     "Status: 5.1.1\nRemote-MTA: dns; mx.example.org\n"
     "Diagnostic-Code: smtp; 550 5.1.1 Mailbox does not exist\n\n"
     "Original-Recipient: <m.aho@example.org>\nAction: delayed\n"
     "Status: 4.4.1\n",
     2,
     {{"k.lund@example.org", "k.lund@example.org", "failed", "5.1.1",
       "550 5.1.1 Mailbox does not exist", "mx.example.org", 550},
      {"m.aho@example.org", "m.aho@example.org", "delayed", "4.4.1", NULL,
       NULL, 0}}},
    {"per-message fields only", "Reporting-MTA: dns; x.example\n\n", 0, {{0}}},
};

static void check_str(const char *got, const char *want)
{
    if (want == NULL)
        assert_null(got);
    else
        assert_string_equal(got, want);
}

static void test_dsn_cases(void **state)
{
    struct mime_limits lim;
    (void)state;

    mime_limits_default(&lim);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct report *r = calloc(1, sizeof *r);
        struct rbuild b = {.r = r, .lim = &lim};
        assert_non_null(r);
        (void)dsn_parse(&b, cases[i].body, strlen(cases[i].body));
        assert_false(b.oom);
        assert_int_equal(r->nrcpts, cases[i].n);
        for (size_t k = 0; k < cases[i].n; k++) {
            const struct want *w = &cases[i].w[k];
            const struct report_rcpt *rc = &r->rcpts[k];
            check_str(rc->recipient, w->rcpt);
            check_str(rc->original_recipient, w->orig);
            check_str(rc->action, w->action);
            assert_string_equal(rc->status, w->status);
            check_str(rc->diagnostic, w->diag);
            check_str(rc->remote_mta, w->remote);
            assert_int_equal(rc->reply_code, w->code);
        }
        report_free(&r);
    }
}

static void test_dsn_per_message_fields(void **state)
{
    static const char body[] =
        "Reporting-MTA: dns; mx.example.net\nX-Postfix-Queue-ID: 4F00\n"
        "X-Postfix-Sender: rfc822; s@example.com\n"
        "Arrival-Date: Mon, 23 Nov 2026 19:12:37 +0000 (UTC)\n"
        "Original-Envelope-Id: env-1\n\n"
        "Final-Recipient: rfc822; a@example.org\nAction: failed\n";
    struct mime_limits lim;
    struct report *r = calloc(1, sizeof *r);
    struct rbuild b = {.r = r, .lim = &lim};
    (void)state;

    mime_limits_default(&lim);
    assert_int_equal(dsn_parse(&b, body, strlen(body)), 1);
    assert_string_equal(r->reporting_mta, "mx.example.net");
    assert_string_equal(r->postfix_queue_id, "4F00");
    assert_string_equal(r->postfix_sender, "s@example.com");
    assert_string_equal(r->envelope_id, "env-1");
    assert_string_equal(r->arrival_date,
                        "Mon, 23 Nov 2026 19:12:37 +0000 (UTC)");
    report_free(&r);
}

/* A Diagnostic-Code in ISO-2022-JP (7-bit, with its escapes; no charset
 * declared) is kept as UTF-8; an ESC that shifts into nothing known leaves
 * the text as written. */
static void test_dsn_iso2022jp_diagnostic(void **state)
{
    static const char body[] =
        "Reporting-MTA: dns; mx.example.jp\n\n"
        "Final-Recipient: rfc822; a@example.jp\nAction: failed\n"
        "Status: 5.0.0\nDiagnostic-Code: X-Notes; \x1b$B%f!<%6!<\x1b(B a "
        "\x1b$B$O\x1b(B Domino\n\n"
        "Final-Recipient: rfc822; b@example.jp\nAction: failed\n"
        "Status: 5.0.0\nDiagnostic-Code: smtp; 550 \x1b[1m odd\n";
    struct mime_limits lim;
    struct report *r = calloc(1, sizeof *r);
    struct rbuild b = {.r = r, .lim = &lim};
    (void)state;

    mime_limits_default(&lim);
    assert_int_equal(dsn_parse(&b, body, strlen(body)), 2);
    assert_string_equal(r->rcpts[0].diagnostic,
                        "\xe3\x83\xa6\xe3\x83\xbc\xe3\x82\xb6\xe3\x83\xbc a "
                        "\xe3\x81\xaf Domino");
    assert_string_equal(r->rcpts[1].diagnostic, "550 \x1b[1m odd");
    report_free(&r);
}

/* RFC 6533: an address of type utf-8 may spell a character as
 * \x{HEXPOINT}; the recipient is kept in UTF-8.  An escape that is no
 * character (a surrogate, past U+10FFFF, no closing brace) and one in an
 * rfc822 address stay as written. */
static void test_dsn_utf8_address(void **state)
{
    static const char body[] =
        "Reporting-MTA: dns; mx.example.ru\n\n"
        "Original-Recipient: utf-8; \\x{0438}van@example.ru\n"
        "Final-Recipient: UTF-8; ivan\\x{0438}@\\x{4F8B}.example\n"
        "Action: failed\nStatus: 5.1.1\n\n"
        "Final-Recipient: utf-8; a\\x{D800}b\\x{110000}c\\x{41@example.ru\n"
        "Action: failed\nStatus: 5.1.1\n\n"
        "Final-Recipient: rfc822; d\\x{0438}@example.ru\n"
        "Action: failed\nStatus: 5.1.1\n";
    struct mime_limits lim;
    struct report *r = calloc(1, sizeof *r);
    struct rbuild b = {.r = r, .lim = &lim};
    (void)state;

    mime_limits_default(&lim);
    assert_int_equal(dsn_parse(&b, body, strlen(body)), 3);
    assert_string_equal(r->rcpts[0].recipient,
                        "ivan\xd0\xb8@\xe4\xbe\x8b.example");
    assert_string_equal(r->rcpts[0].original_recipient,
                        "\xd0\xb8van@example.ru");
    assert_non_null(strstr(r->rcpts[1].recipient, "\\x{D800}b\\x{110000}"));
    assert_non_null(strstr(r->rcpts[2].recipient, "\\x{0438}"));
    report_free(&r);
}

static void test_dsn_recipient_limit(void **state)
{
    struct mime_limits lim;
    struct report *r = calloc(1, sizeof *r);
    struct rbuild b = {.r = r, .lim = &lim};
    char body[4096];
    size_t n = 0;
    (void)state;

    mime_limits_default(&lim);
    lim.max_recipients = 3;
    for (int i = 0; i < 10; i++)
        n += (size_t)snprintf(body + n, sizeof body - n,
                              "Final-Recipient: rfc822; u%d@example.com\n"
                              "Action: failed\n\n", i);
    (void)dsn_parse(&b, body, n);
    assert_int_equal(r->nrcpts, 3);
    assert_true(r->errors & REPORT_ERR_RECIPIENTS);
    report_free(&r);
}

/* A group of more fields than one index holds (hdr.h) is read all the
 * same: the fields before and after its recipient belong to it. */
static void test_dsn_group_of_many_fields(void **state)
{
    struct mime_limits lim;
    struct report *r = calloc(1, sizeof *r);
    struct rbuild b = {.r = r, .lim = &lim};
    char body[8192];
    size_t n = 0;
    (void)state;

    mime_limits_default(&lim);
    n += (size_t)snprintf(body + n, sizeof body - n,
                          "Diagnostic-Code: smtp; 550 5.1.1 gone\n");
    for (int i = 0; i < 120; i++)
        n += (size_t)snprintf(body + n, sizeof body - n, "X-Junk-%d: %d\n",
                              i, i);
    n += (size_t)snprintf(body + n, sizeof body - n,
                          "Final-Recipient: rfc822; a@example.org\n"
                          "Action: failed\nStatus: 5.1.1\n\n"
                          "Final-Recipient: rfc822; b@example.org\n"
                          "Action: delayed\n");
    assert_int_equal(dsn_parse(&b, body, n), 2);
    assert_int_equal(r->nrcpts, 2);
    assert_string_equal(r->rcpts[0].recipient, "a@example.org");
    assert_string_equal(r->rcpts[0].diagnostic, "550 5.1.1 gone");
    assert_string_equal(r->rcpts[0].status, "5.1.1");
    assert_int_equal(r->rcpts[0].reply_code, 550);
    assert_string_equal(r->rcpts[1].action, "delayed");
    report_free(&r);
}

/* The field a name read in a recipient group fills, by its index in
 * test_names[] (per-message fields are recognised there too). */
static const char *const test_names[] = {
    "Action", "Status", "Remote-MTA", "Diagnostic-Code", "Last-Attempt-Date",
    "Will-Retry-Until", "Original-Recipient", "Reporting-MTA",
    "Arrival-Date", "Original-Envelope-Id", "X-Postfix-Queue-ID",
    "X-Postfix-Sender"};

static const char *test_name_field(const struct report *r, size_t k)
{
    const struct report_rcpt *rc = &r->rcpts[0];
    const char *const got[] = {
        rc->action, rc->status[0] != '\0' ? rc->status : NULL,
        rc->remote_mta, rc->diagnostic, rc->last_attempt,
        rc->will_retry_until, rc->original_recipient, r->reporting_mta,
        r->arrival_date, r->envelope_id, r->postfix_queue_id,
        r->postfix_sender};
    return got[k];
}

/* Field names as usually written or in random case, some with one byte
 * changed: a name is read exactly when strncasecmp() says it is the one
 * it stands for (the exact and the word at a time comparisons against that
 * reference). */
static void test_dsn_names_any_case(void **state)
{
    static const char junk[] = "-_.aAzZ@`[{09\x80";
    struct mime_limits lim;
    unsigned seed = 777;
    (void)state;

    mime_limits_default(&lim);
    for (int round = 0; round < 4000; round++) {
        size_t k = (size_t)round % (sizeof test_names / sizeof *test_names);
        char name[32], body[128];
        size_t nl = strlen(test_names[k]);
        memcpy(name, test_names[k], nl + 1);
        for (size_t i = 0; i < nl && round % 4 != 0; i++) {
            seed = seed * 1103515245u + 12345u; /* else as usually written */
            if ((seed >> 16) & 1)
                name[i] = (char)(name[i] >= 'a' && name[i] <= 'z'
                                     ? name[i] - 32
                                     : name[i] >= 'A' && name[i] <= 'Z'
                                           ? name[i] + 32
                                           : name[i]);
        }
        seed = seed * 1103515245u + 12345u;
        if ((seed >> 16) % 3 == 0)
            name[(seed >> 20) % nl] = junk[(seed >> 8) % (sizeof junk - 1)];
        bool want = strncasecmp(name, test_names[k], nl) == 0;
        int n = snprintf(body, sizeof body,
                         "Final-Recipient: rfc822; a@example.org\n"
                         "%s: 5.1.1\n", name);
        struct report *r = calloc(1, sizeof *r);
        struct rbuild b = {.r = r, .lim = &lim};
        assert_non_null(r);
        assert_int_equal(dsn_parse(&b, body, (size_t)n), 1);
        const char *got = test_name_field(r, k);
        if (want)
            assert_string_equal(got, "5.1.1");
        else
            assert_null(got);
        report_free(&r);
    }
}

/* v with its blank runs (space, tab, CR, LF) as one space, none at the
 * ends: what hdr_unfold() makes of a value. */
static size_t test_unfold(const char *v, char *out)
{
    size_t n = 0;

    for (; *v != '\0'; v++) {
        bool blank = strchr(" \t\r\n", *v) != NULL;
        if (!blank)
            out[n++] = *v;
        else if (n > 0 && out[n - 1] != ' ')
            out[n++] = ' ';
    }
    if (n > 0 && out[n - 1] == ' ')
        n--;
    out[n] = '\0';
    return n;
}

/* Action and Status values folded over lines (never one of blanks alone:
 * that ends a group), with blanks, comments and statuses anywhere: read
 * as they stand, they give what their unfolded text gives (the same body
 * with the values unfolded), and the action is the first word of the
 * unfolded value, lower-cased. */
static void test_dsn_folded_action_status(void **state)
{
    static const char *const piece[] = {
        " ", "\t", "\r\n ", "\n\t", "failed", "Delayed", "(x)", ";", "5.1.1",
        "4.2.2", "x", "2.0.0", ".", "5", "FAILED;", "relayed(", "6.1.1"};
    struct mime_limits lim;
    unsigned seed = 8086;
    (void)state;

    mime_limits_default(&lim);
    for (int round = 0; round < 3000; round++) {
        char val[2][128], flat[2][128], body[2][512], want[32];
        for (int k = 0; k < 2; k++) {
            size_t n = 0, m = 1 + (size_t)round % 7;
            val[k][0] = '\0';
            for (size_t j = 0; j < m; j++) {
                seed = seed * 1103515245u + 12345u;
                const char *p = piece[(seed >> 8) %
                                      (sizeof piece / sizeof *piece)];
                if (n == 0 && (p[0] == '\r' || p[0] == '\n'))
                    p = " "; /* a value starts on its field's line */
                n += (size_t)snprintf(val[k] + n, sizeof val[k] - n, "%s",
                                      p);
                if (p[0] == '\r' || p[0] == '\n') /* no blank line */
                    n += (size_t)snprintf(val[k] + n, sizeof val[k] - n,
                                          "%s", piece[4 + j % 13]);
            }
            test_unfold(val[k], flat[k]);
        }
        struct report *r[2];
        for (int f = 0; f < 2; f++) {
            int len = snprintf(body[f], sizeof body[f],
                               "Final-Recipient: rfc822; a@example.org\n"
                               "Action:%s\nStatus:%s\n",
                               f == 0 ? val[0] : flat[0],
                               f == 0 ? val[1] : flat[1]);
            struct rbuild b = {.r = r[f] = calloc(1, sizeof *r[f]),
                               .lim = &lim};
            assert_non_null(r[f]);
            assert_int_equal(dsn_parse(&b, body[f], (size_t)len), 1);
        }
        check_str(r[0]->rcpts[0].action, r[1]->rcpts[0].action);
        assert_string_equal(r[0]->rcpts[0].status, r[1]->rcpts[0].status);
        size_t n = 0;
        for (const char *p = flat[0];
             *p != '\0' && *p != ' ' && *p != '(' && *p != ';' && n < 31; p++)
            want[n++] = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
        want[n] = '\0';
        if (r[0]->rcpts[0].action == NULL) /* an empty word is no action */
            assert_int_equal(n, 0);
        else
            assert_string_equal(r[0]->rcpts[0].action, want);
        report_free(&r[0]);
        report_free(&r[1]);
    }
}

/* A Final-Recipient reported by two groups (an alias whose expansions
 * failed for different reasons) keeps its first group's status with its
 * first group's diagnostic, in either order of Status and Diagnostic-Code. */
static void test_dsn_recipient_twice(void **state)
{
    static const char *const body[] = {
        "Final-Recipient: rfc822; team@example.org\n"
        "Action: failed\nStatus: 5.1.1\n"
        "Diagnostic-Code: smtp; 550 5.1.1 <a@example.net>... User unknown\n\n"
        "Final-Recipient: rfc822; team@example.org\n"
        "Action: failed\nStatus: 5.2.2\n"
        "Diagnostic-Code: smtp; 552 5.2.2 <b@example.com>: Mailbox full\n",
        "Final-Recipient: rfc822; team@example.org\n"
        "Action: failed\n"
        "Diagnostic-Code: smtp; 550 5.1.1 <a@example.net>... User unknown\n"
        "Status: 5.1.1\n\n"
        "Final-Recipient: rfc822; team@example.org\n"
        "Action: failed\n"
        "Diagnostic-Code: smtp; 552 5.2.2 <b@example.com>: Mailbox full\n"
        "Status: 5.2.2\n"};
    struct mime_limits lim;
    (void)state;

    mime_limits_default(&lim);
    for (size_t k = 0; k < sizeof body / sizeof *body; k++) {
        struct report *r = calloc(1, sizeof *r);
        struct rbuild b = {.r = r, .lim = &lim};
        assert_non_null(r);
        assert_int_equal(dsn_parse(&b, body[k], strlen(body[k])), 2);
        assert_int_equal(r->nrcpts, 1);
        assert_string_equal(r->rcpts[0].status, "5.1.1");
        assert_non_null(strstr(r->rcpts[0].diagnostic, "User unknown"));
        report_free(&r);
    }
}

/* dsn_skip_type() as first written: blanks, up to 24 letters, digits, '-'
 * or '_', then a ';'. */
static const char *ref_skip_type(const char *v, size_t len)
{
    size_t i = 0;

    while (i < len && (v[i] == ' ' || v[i] == '\t'))
        i++;
    size_t t = i;
    while (i < len && i - t < 24 &&
           ((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= 'A' && v[i] <= 'Z') ||
            (v[i] >= '0' && v[i] <= '9') || v[i] == '-' || v[i] == '_'))
        i++;
    if (i > t && i < len && v[i] == ';')
        return v + i + 1;
    return v;
}

/* Every byte value in a type name, and random short values: the same
 * place as the reference. */
static void test_skip_type_as_reference(void **state)
{
    static const char alpha[] = "rfc822;sSmMtTpP -_\t@[`{/:;Zz09";
    char v[40];
    unsigned seed = 4242;
    (void)state;

    for (unsigned c = 0; c < 256; c++) {
        int n = snprintf(v, sizeof v, "rf%cc822; a@b", (char)c);
        assert_ptr_equal(dsn_skip_type(v, (size_t)n),
                         ref_skip_type(v, (size_t)n));
    }
    for (int round = 0; round < 20000; round++) {
        size_t len = (size_t)round % 36;
        for (size_t i = 0; i < len; i++) {
            seed = seed * 1103515245u + 12345u;
            v[i] = alpha[(seed >> 16) % (sizeof alpha - 1)];
        }
        assert_ptr_equal(dsn_skip_type(v, len), ref_skip_type(v, len));
    }
}

static void check_same(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        assert_ptr_equal(a, b);
    else
        assert_string_equal(a, b);
}

/* Values of every field read as text, of one line (read as they stand
 * when they hold no blank but single spaces) or folded, blanks and
 * control bytes anywhere, short and long: the same report as their
 * unfolded text gives. */
static void test_dsn_values_as_unfolded(void **state)
{
    static const char *const word[] = {
        "dns;", "smtp;", "rfc822;", "a@b.example", "550", "5.1.1", "x",
        "mx.example.org", "(y)", "\x01z", "Mon, 1 Jan 2026", "<c@d.example>",
        "a-long-word-of-more-than-sixteen-bytes"};
    static const char *const blank[] = {" ", "\t", "  ", "\r\n ", "\n\t", ""};
    struct mime_limits lim;
    unsigned seed = 1234;
    (void)state;

    mime_limits_default(&lim);
    for (int round = 0; round < 3000; round++) {
        char val[6][160], flat[6][160], body[2][1200];
        for (int k = 0; k < 6; k++) {
            size_t n = 0, m = 1 + (size_t)(round + k) % 6;
            val[k][0] = '\0';
            for (size_t j = 0; j < m; j++) {
                seed = seed * 1103515245u + 12345u;
                const char *b = blank[(seed >> 8) % 6];
                if (j == 0 && (b[0] == '\r' || b[0] == '\n'))
                    b = " "; /* a value starts on its field's line */
                n += (size_t)snprintf(val[k] + n, sizeof val[k] - n, "%s%s",
                                      b, word[(seed >> 16) % 13]);
            }
            test_unfold(val[k], flat[k]);
        }
        struct report *r[2];
        for (int f = 0; f < 2; f++) {
            char (*v)[160] = f == 0 ? val : flat;
            int len = snprintf(body[f], sizeof body[f],
                               "Reporting-MTA:%s\nArrival-Date:%s\n\n"
                               "Final-Recipient: rfc822; q@r.example\n"
                               "Original-Recipient:%s\nRemote-MTA:%s\n"
                               "Diagnostic-Code:%s\nLast-Attempt-Date:%s\n",
                               v[0], v[1], v[2], v[3], v[4], v[5]);
            struct rbuild b = {.r = r[f] = calloc(1, sizeof *r[f]),
                               .lim = &lim};
            assert_non_null(r[f]);
            assert_int_equal(dsn_parse(&b, body[f], (size_t)len), 1);
        }
        check_same(r[0]->reporting_mta, r[1]->reporting_mta);
        check_same(r[0]->arrival_date, r[1]->arrival_date);
        const struct report_rcpt *a = &r[0]->rcpts[0], *b = &r[1]->rcpts[0];
        check_same(a->original_recipient, b->original_recipient);
        check_same(a->remote_mta, b->remote_mta);
        check_same(a->diagnostic, b->diagnostic);
        check_same(a->last_attempt, b->last_attempt);
        assert_string_equal(a->status, b->status);
        assert_int_equal(a->reply_code, b->reply_code);
        report_free(&r[0]);
        report_free(&r[1]);
    }
}

/* dsn_find_status() as first written, a byte at a time: the reference
 * for the memchr()-driven one. */
static size_t ref_find_status(const char *s, size_t len, char *out,
                              size_t cap)
{
    for (size_t i = 0; i + 5 <= len; i++) {
        if ((s[i] != '2' && s[i] != '4' && s[i] != '5') || s[i + 1] != '.')
            continue;
        if (i > 0 && ((s[i - 1] >= '0' && s[i - 1] <= '9') ||
                      s[i - 1] == '.'))
            continue;
        size_t j = i + 2, d1 = 0, d2 = 0;
        while (j < len && s[j] >= '0' && s[j] <= '9' && d1 < 4)
            j++, d1++;
        if (d1 == 0 || d1 > 3 || j >= len || s[j] != '.')
            continue;
        j++;
        while (j < len && s[j] >= '0' && s[j] <= '9' && d2 < 4)
            j++, d2++;
        if (d2 == 0 || d2 > 3 ||
            (j < len && ((s[j] >= '0' && s[j] <= '9') ||
                         (s[j] == '.' && j + 1 < len && s[j + 1] >= '0' &&
                          s[j + 1] <= '9'))))
            continue;
        if (j - i + 1 > cap)
            return 0;
        memcpy(out, s + i, j - i);
        out[j - i] = '\0';
        return i + 1;
    }
    if (cap > 0)
        out[0] = '\0';
    return 0;
}

/* Random texts of status-like bytes, every length up to 40, two output
 * capacities: the same offset and status as the reference. */
static void test_find_status_as_reference(void **state)
{
    static const char alpha[] = "2455.10. x9";
    char s[48], a[16], b[16];
    unsigned seed = 12345;
    (void)state;

    for (int round = 0; round < 20000; round++) {
        size_t len = (size_t)round % 41;
        for (size_t i = 0; i < len; i++) {
            seed = seed * 1103515245u + 12345u;
            s[i] = alpha[(seed >> 16) % (sizeof alpha - 1)];
        }
        size_t cap = round % 3 == 0 ? 6 : sizeof a;
        memset(a, 'a', sizeof a);
        memset(b, 'a', sizeof b);
        size_t x = dsn_find_status(s, len, a, cap);
        size_t y = ref_find_status(s, len, b, cap);
        assert_int_equal(x, y);
        assert_memory_equal(a, b, sizeof a);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scan_reply),
        cmocka_unit_test(test_find_status_as_reference),
        cmocka_unit_test(test_dsn_cases),
        cmocka_unit_test(test_dsn_per_message_fields),
        cmocka_unit_test(test_dsn_iso2022jp_diagnostic),
        cmocka_unit_test(test_dsn_utf8_address),
        cmocka_unit_test(test_dsn_recipient_limit),
        cmocka_unit_test(test_dsn_group_of_many_fields),
        cmocka_unit_test(test_dsn_names_any_case),
        cmocka_unit_test(test_dsn_folded_action_status),
        cmocka_unit_test(test_dsn_recipient_twice),
        cmocka_unit_test(test_skip_type_as_reference),
        cmocka_unit_test(test_dsn_values_as_unfolded),
    };
    return cmocka_run_group_tests_name("dsn", tests, NULL, NULL);
}
