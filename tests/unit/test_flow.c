/*
 * test_flow.c - table-driven tests of the milter's pure decisions
 * (src/milter/flow.c): direction, networks, address patterns, bounce
 * hints, recipient actions, refusal templates, discard of DSNs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "milter/flow.h"

#define LIST(...)                                                              \
    {                                                                          \
        (char *[]){__VA_ARGS__},                                               \
            sizeof((char *[]){__VA_ARGS__}) / sizeof(char *)                   \
    }

static char *nets[] = {"10.0.0.0/8", "192.0.2.7", "2001:db8::/32"};
static char *daemons[] = {"submission"};

static struct milter_settings base(void)
{
    struct milter_settings ms;

    memset(&ms, 0, sizeof ms);
    ms.enforce = "reject";
    ms.internal_networks = (struct str_list){nets, 3};
    ms.outbound_daemons = (struct str_list){daemons, 1};
    return ms;
}

static void direction_by_each_fact(void **state)
{
    struct milter_settings ms = base();
    static const struct {
        struct flow_conn conn;
        enum flow_dir dir;
        enum flow_why why;
    } cases[] = {
        {{"198.51.100.1", "mx", NULL, false}, FLOW_INBOUND, FLOW_WHY_DEFAULT},
        {{"198.51.100.1", "mx", "alice", false}, FLOW_OUTBOUND, FLOW_WHY_AUTH},
        {{"198.51.100.1", "mx", "", false}, FLOW_INBOUND, FLOW_WHY_DEFAULT},
        {{"10.20.30.40", "mx", NULL, false}, FLOW_OUTBOUND, FLOW_WHY_NETWORK},
        {{"11.0.0.1", "mx", NULL, false}, FLOW_INBOUND, FLOW_WHY_DEFAULT},
        {{"192.0.2.7", NULL, NULL, false}, FLOW_OUTBOUND, FLOW_WHY_NETWORK},
        {{"192.0.2.8", NULL, NULL, false}, FLOW_INBOUND, FLOW_WHY_DEFAULT},
        {{"IPv6:2001:db8::5", NULL, NULL, false},
         FLOW_OUTBOUND,
         FLOW_WHY_NETWORK},
        {{"::ffff:10.1.1.1", NULL, NULL, false},
         FLOW_OUTBOUND,
         FLOW_WHY_NETWORK},
        {{"127.0.0.1", NULL, NULL, true}, FLOW_OUTBOUND, FLOW_WHY_NON_SMTP},
        {{"198.51.100.1", "SUBMISSION", NULL, false},
         FLOW_OUTBOUND,
         FLOW_WHY_DAEMON},
        {{NULL, NULL, NULL, false}, FLOW_INBOUND, FLOW_WHY_DEFAULT},
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        enum flow_why why;

        assert_int_equal(flow_direction(&ms, &cases[i].conn, &why),
                         cases[i].dir);
        assert_int_equal(why, cases[i].why);
    }
}

static void network_entries_validated(void **state)
{
    (void)state;
    assert_true(flow_network_valid("10.0.0.0/8"));
    assert_true(flow_network_valid("::1"));
    assert_true(flow_network_valid("2001:db8::/128"));
    assert_false(flow_network_valid("10.0.0.0/33"));
    assert_false(flow_network_valid("10.0.0/8"));
    assert_false(flow_network_valid("10.0.0.0/"));
    assert_false(flow_network_valid("example.com"));
    assert_false(flow_network_valid(""));
}

static void non_smtp_connect_is_localhost_port_zero(void **state)
{
    (void)state;
    assert_true(flow_is_non_smtp_connect("localhost", "127.0.0.1", 0));
    assert_false(flow_is_non_smtp_connect("localhost", "127.0.0.1", 41234));
    assert_false(flow_is_non_smtp_connect("[127.0.0.1]", "127.0.0.1", 0));
    assert_false(flow_is_non_smtp_connect(NULL, NULL, 0));
}

static void address_patterns(void **state)
{
    static const struct {
        const char *pattern, *addr;
        bool match;
    } cases[] = {
        {"alice@example.com", "<Alice@Example.COM>", true},
        {"alice@example.com", "bob@example.com", false},
        {"@example.com", "x@EXAMPLE.com", true},
        {"example.com", "x@example.com", true},
        {"example.com", "x@sub.example.com", false},
        {".example.com", "x@sub.example.com", true},
        {".example.com", "x@example.com", false},
        {"bounce-*@lists.test", "bounce-123-abc@lists.test", true},
        {"bounce-*@lists.test", "news@lists.test", false},
        {"*@*", "a@b", true},
        {"example.com", "<>", false},
        {"", "x@example.com", false},
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_int_equal(flow_addr_match(cases[i].pattern, cases[i].addr),
                         cases[i].match);
}

static void null_sender_forms(void **state)
{
    char buf[8];

    (void)state;
    assert_true(flow_sender_is_null(""));
    assert_true(flow_sender_is_null("<>"));
    assert_true(flow_sender_is_null(" < > "));
    assert_true(flow_sender_is_null(NULL));
    assert_false(flow_sender_is_null("<a@b>"));
    assert_false(flow_sender_is_null("a@b"));
    assert_null(flow_addr_bare("<toolongaddress@x>", buf, sizeof buf));
    assert_string_equal(flow_addr_bare("<a@b>", buf, sizeof buf), "a@b");
}

static void bounce_hints(void **state)
{
    (void)state;
    assert_true(flow_header_is_bounce_hint(
        "Content-Type", "multipart/report; report-type=delivery-status;"));
    assert_true(
        flow_header_is_bounce_hint("content-type", "Multipart/Report; x=y"));
    assert_false(flow_header_is_bounce_hint("Content-Type", "text/plain"));
    assert_true(flow_header_is_bounce_hint("X-Failed-Recipients", "a@b"));
    assert_true(flow_header_is_bounce_hint(
        "From", "Mail Delivery System <MAILER-DAEMON@x.test>"));
    assert_false(flow_header_is_bounce_hint("From", "alice@x.test"));
    assert_true(flow_header_is_bounce_hint(
        "Subject", "Undelivered Mail Returned to Sender"));
    assert_true(flow_header_is_bounce_hint("Subject", "failure notice"));
    assert_false(flow_header_is_bounce_hint("Subject", "lunch?"));
    assert_false(flow_header_is_bounce_hint("Received", "multipart/report"));
}

/* RCPT may go without an answer only when nothing there can refuse. */
static void rcpt_refusal_possible(void **state)
{
    static const struct {
        const char *enforce, *on_error;
        bool dry_run, may_refuse;
    } t[] = {
        {"reject", "accept", false, true},
        {NULL, "accept", false, true}, /* the default is reject */
        {"tempfail", "accept", false, true},
        {"reject", "accept", true, false}, /* a dry run only logs */
        {"remove", "accept", false, false},
        {"tag", "accept", false, false},
        {"off", "accept", false, false},
        {"remove", "tempfail", false, true}, /* a failed lookup tempfails */
        {"tag", "tempfail", true, true},
        {"off", "tempfail", false, false}, /* no lookup at all */
        {"bogus", "accept", false, true},
    };

    (void)state;
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        struct milter_settings ms = base();

        ms.enforce = (char *)t[i].enforce;
        ms.on_error = (char *)t[i].on_error;
        ms.dry_run = t[i].dry_run;
        if (flow_rcpt_may_refuse(&ms) != t[i].may_refuse)
            fail_msg("row %zu: enforce %s, on_error %s, dry_run %d", i,
                     t[i].enforce ? t[i].enforce : "(null)", t[i].on_error,
                     t[i].dry_run);
    }
}

/* An outbound message is accepted at DATA only when nothing is left to
 * do with it; each row changes one fact of the first. */
static void accept_at_data_only_with_nothing_to_do(void **state)
{
    static const struct {
        struct flow_data_facts f;
        bool accept;
    } t[] = {
        {{FLOW_OUTBOUND, false, false, true, 0, false, true}, true},
        {{FLOW_INBOUND, false, false, true, 0, false, true}, false},
        {{FLOW_OUTBOUND, true, false, true, 0, false, true}, false},
        {{FLOW_OUTBOUND, false, true, true, 0, false, true}, false},
        {{FLOW_OUTBOUND, false, false, false, 0, false, true}, false},
        {{FLOW_OUTBOUND, false, false, true, 1, false, true}, false},
        {{FLOW_OUTBOUND, false, false, true, 0, true, true}, false},
        {{FLOW_OUTBOUND, false, false, true, 0, false, false}, false},
    };
    struct milter_settings ms = base();

    (void)state;
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (flow_accept_at_data(&t[i].f) != t[i].accept)
            fail_msg("row %zu: want %s", i, t[i].accept ? "accept" : "go on");
    assert_false(flow_message_ids_logged(&ms));
    ms.message_ids = "headers";
    assert_false(flow_message_ids_logged(&ms));
    ms.message_ids = "logfeed";
    assert_true(flow_message_ids_logged(&ms));
}

static void recipient_actions(void **state)
{
    struct milter_settings ms = base();

    (void)state;
    ms.exempt_domains = (struct str_list)LIST("vip.test");
    ms.exempt_senders = (struct str_list)LIST("ceo@a.test");
    assert_int_equal(flow_recipient_action(&ms, FLOW_OUTBOUND, "s@a.test",
                                           "x@remote.test", false),
                     FLOW_ACT_PASS);
    assert_int_equal(flow_recipient_action(&ms, FLOW_INBOUND, "s@a.test",
                                           "x@remote.test", true),
                     FLOW_ACT_PASS);
    assert_int_equal(flow_recipient_action(&ms, FLOW_OUTBOUND, "s@a.test",
                                           "x@remote.test", true),
                     FLOW_ACT_REJECT);
    assert_int_equal(flow_recipient_action(&ms, FLOW_OUTBOUND, "s@a.test",
                                           "x@vip.test", true),
                     FLOW_ACT_EXEMPT);
    assert_int_equal(flow_recipient_action(&ms, FLOW_OUTBOUND, "<CEO@a.test>",
                                           "x@remote.test", true),
                     FLOW_ACT_EXEMPT);
    ms.enforce = "remove";
    assert_int_equal(flow_recipient_action(&ms, FLOW_OUTBOUND, "s@a.test",
                                           "x@remote.test", true),
                     FLOW_ACT_REMOVE);
    ms.enforce = "tag";
    assert_int_equal(flow_recipient_action(&ms, FLOW_OUTBOUND, "s@a.test",
                                           "x@remote.test", true),
                     FLOW_ACT_TAG);
    ms.enforce = "tempfail";
    assert_int_equal(flow_recipient_action(&ms, FLOW_OUTBOUND, "s@a.test",
                                           "x@remote.test", true),
                     FLOW_ACT_TEMPFAIL);
    ms.dry_run = true;
    assert_int_equal(flow_recipient_action(&ms, FLOW_OUTBOUND, "s@a.test",
                                           "x@remote.test", true),
                     FLOW_ACT_DRY_RUN);
    ms.enforce = "off";
    assert_int_equal(flow_recipient_action(&ms, FLOW_OUTBOUND, "s@a.test",
                                           "x@remote.test", true),
                     FLOW_ACT_PASS);
}

static void reply_templates(void **state)
{
    struct flow_reply r;
    time_t day = 1795392000; /* 2026-11-23 00:00:00 UTC */

    (void)state;
    assert_true(flow_reply_format(NULL, false, "x@remote.test", "user_unknown",
                                  "hard", day, &r));
    assert_string_equal(r.code, "550");
    assert_string_equal(r.xcode, "5.1.1");
    assert_string_equal(
        r.text, "<x@remote.test>: recipient suppressed (user_unknown since "
                "2026-11-23)");
    assert_true(flow_reply_format("553 5.7.1 no %r (%b) 100%", false,
                                  "a%b\r\n@x", "r", "hard", 0, &r));
    assert_string_equal(r.code, "553");
    assert_string_equal(r.xcode, "5.7.1");
    assert_string_equal(r.text, "no a?b??@x (hard) 100");
    /* tempfail needs a 4xx: a 5xx template's code and status are dropped,
     * its text kept */
    assert_true(
        flow_reply_format("550 5.1.1 gone %q", true, "x", "r", "b", 0, &r));
    assert_string_equal(r.code, "450");
    assert_string_equal(r.xcode, "4.1.1");
    assert_string_equal(r.text, "gone ?");
    /* the default template while tempfailing */
    assert_true(flow_reply_format(NULL, true, "x@remote.test", "user_unknown",
                                  "hard", day, &r));
    assert_string_equal(r.code, "450");
    assert_string_equal(r.xcode, "4.1.1");
    assert_string_equal(
        r.text, "<x@remote.test>: recipient suppressed (user_unknown since "
                "2026-11-23)");
    /* a 4xx template while tempfailing is used as it is */
    assert_true(
        flow_reply_format("451 4.7.1 later", true, "x", "r", "b", 0, &r));
    assert_string_equal(r.code, "451");
    assert_string_equal(r.xcode, "4.7.1");
    assert_string_equal(r.text, "later");
    /* a 4xx template while rejecting: 550 5.1.1, the text only */
    assert_true(
        flow_reply_format("451 4.7.1 later", false, "x", "r", "b", 0, &r));
    assert_string_equal(r.code, "550");
    assert_string_equal(r.xcode, "5.1.1");
    assert_string_equal(r.text, "later");
    char big[600];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_false(flow_reply_format(big, false, "x", "r", "b", 0, &r));
}

static void local_sockets_recognised(void **state)
{
    (void)state;
    assert_true(flow_socket_is_local("unix:/run/bounceguard/bg.sock"));
    assert_true(flow_socket_is_local("local:/run/bg.sock"));
    assert_true(flow_socket_is_local("UNIX:/run/bg.sock"));
    assert_true(flow_socket_is_local("/run/bounceguard/bg.sock"));
    assert_false(flow_socket_is_local("inet:8891@127.0.0.1"));
    assert_false(flow_socket_is_local("inet6:8891@[::1]"));
    assert_false(flow_socket_is_local(""));
    assert_false(flow_socket_is_local(NULL));
}

static void discard_only_when_all_rcpts_listed(void **state)
{
    struct milter_settings ms = base();
    const char *one[] = {"noreply@a.test"};
    const char *two[] = {"noreply@a.test", "alice@a.test"};

    (void)state;
    assert_false(flow_discard_bounce(&ms, one, 1));
    ms.discard_bounces_to =
        (struct str_list)LIST("noreply@a.test", "bounce-*@a.test");
    assert_true(flow_discard_bounce(&ms, one, 1));
    assert_false(flow_discard_bounce(&ms, two, 2));
    assert_false(flow_discard_bounce(&ms, NULL, 0));
}

static void envid_xtext_decoded(void **state)
{
    char buf[FLOW_ENVID_MAX + 1], small[4], longid[FLOW_ENVID_MAX + 2];

    (void)state;
    assert_true(flow_envid_decode("QQ314159", 8, buf, sizeof buf));
    assert_string_equal(buf, "QQ314159");
    assert_true(flow_envid_decode("a+2Bb+3Dc+20d", 13, buf, sizeof buf));
    assert_string_equal(buf, "a+b=c d");
    assert_true(flow_envid_decode("x+2b", 4, buf, sizeof buf));
    assert_string_equal(buf, "x+");
    /* only LEN bytes are read */
    assert_true(flow_envid_decode("abcdef", 3, buf, sizeof buf));
    assert_string_equal(buf, "abc");
    /* garbage: nothing decoded */
    const char *bad[] = {"",    "a+",    "a+2", "a+2G",   "a=b",   "a b",
                         "+00", "a+0Ab", "+7F", "+C3+A9", "\x01x", "\xc3\xa9"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        strcpy(buf, "junk");
        assert_false(
            flow_envid_decode(bad[i], strlen(bad[i]), buf, sizeof buf));
        assert_string_equal(buf, "");
    }
    assert_false(flow_envid_decode(NULL, 3, buf, sizeof buf));
    /* RFC 3461's 100 characters, and not one more */
    memset(longid, 'e', sizeof longid - 1);
    longid[sizeof longid - 1] = '\0';
    assert_false(
        flow_envid_decode(longid, FLOW_ENVID_MAX + 1, buf, sizeof buf));
    assert_true(flow_envid_decode(longid, FLOW_ENVID_MAX, buf, sizeof buf));
    assert_int_equal(strlen(buf), FLOW_ENVID_MAX);
    /* a buffer too small is a refusal, never a cut value */
    assert_true(flow_envid_decode("abc", 3, small, sizeof small));
    assert_false(flow_envid_decode("abcd", 4, small, sizeof small));
    assert_string_equal(small, "");
}

static void envid_found_among_esmtp_args(void **state)
{
    char buf[FLOW_ENVID_MAX + 1];
    const char *plain[] = {"RET=HDRS", "envid=job+2D42", "SIZE=10", NULL};
    const char *none[] = {"RET=FULL", "BODY=8BITMIME", NULL};
    const char *bad[] = {"ENVID=a=b", "ENVID=ok", NULL};
    const char *empty[] = {"ENVID=", NULL};
    const char *prefix[] = {"XENVID=zz", "ENVIDX=zz", NULL};

    (void)state;
    assert_true(flow_envid_from_args(plain, buf, sizeof buf));
    assert_string_equal(buf, "job-42");
    assert_false(flow_envid_from_args(none, buf, sizeof buf));
    assert_string_equal(buf, "");
    assert_false(flow_envid_from_args(bad, buf, sizeof buf));
    assert_false(flow_envid_from_args(empty, buf, sizeof buf));
    assert_false(flow_envid_from_args(prefix, buf, sizeof buf));
    assert_false(flow_envid_from_args(NULL, buf, sizeof buf));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(direction_by_each_fact),
        cmocka_unit_test(network_entries_validated),
        cmocka_unit_test(non_smtp_connect_is_localhost_port_zero),
        cmocka_unit_test(local_sockets_recognised),
        cmocka_unit_test(address_patterns),
        cmocka_unit_test(null_sender_forms),
        cmocka_unit_test(bounce_hints),
        cmocka_unit_test(recipient_actions),
        cmocka_unit_test(rcpt_refusal_possible),
        cmocka_unit_test(accept_at_data_only_with_nothing_to_do),
        cmocka_unit_test(reply_templates),
        cmocka_unit_test(discard_only_when_all_rcpts_listed),
        cmocka_unit_test(envid_xtext_decoded),
        cmocka_unit_test(envid_found_among_esmtp_args),
    };
    return cmocka_run_group_tests_name("flow", tests, NULL, NULL);
}
