/*
 * test_classify_seeds.c - every reply code and example reply of the seed
 * documents (reply-code guides: RFC 5321 codes, RFC 3463 enhanced codes,
 * authentication failures, Gmail/Microsoft/Yahoo texts) lands in the
 * expected bucket, with the expected reason where the text says it.
 * One TAP line per row.  Rules: $top_srcdir/conf/rules.conf.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/classify.h"

#define H BUCKET_HARD
#define S BUCKET_SOFT
#define X BUCKET_SENDER
#define N BUCKET_NONE

struct row {
    const char *text;
    enum bucket bucket;
    const char *reason; /* NULL: any reason of that bucket */
    bool auth;
};

static const struct row rows[] = {
    /* --- SMTP reply codes (RFC 5321), with the guides' wording --- */
    {"220 Service ready", N, "delivered", false},
    {"221 Closing connection", N, "delivered", false},
    {"250 Requested action completed", N, "delivered", false},
    {"251 User not local - will forward", N, "delivered", false},
    {"252 Cannot verify user", N, "delivered", false},
    {"354 Start mail input", N, NULL, false},
    {"421 Service not available - try again later", S, "system_error",
     false},
    {"422 Recipient mailbox storage exceeded", S, "mailbox_full", false},
    {"431 Not enough disk space on server", S, "system_full", false},
    {"441 No response from recipient server", S, "network", false},
    {"450 Mailbox unavailable - busy or temporarily blocked", S, NULL,
     false},
    {"450 Mailbox unavailable", S, NULL, false},
    {"451 Local error in processing", S, "system_error", false},
    {"452 Insufficient system storage", S, "system_full", false},
    {"452 Insufficient storage", S, NULL, false},
    {"455 Server unable to accommodate parameters", S, "system_error",
     false},
    {"500 Syntax error - command unrecognized", X, "syntax", false},
    {"501 Syntax error in parameters or arguments", X, "syntax", false},
    {"502 Command not implemented", X, "syntax", false},
    {"503 Bad sequence of commands", X, "syntax", false},
    {"504 Command parameter not implemented", X, "syntax", false},
    {"521 Server does not accept mail", H, "no_mx", false},
    {"530 Authentication required", X, "smtp_auth", false},
    {"535 Authentication credentials invalid", X, "smtp_auth", false},
    {"541 Message rejected for policy reasons", X, "policy", false},
    {"550 Requested action not taken - mailbox unavailable", H,
     "user_unknown", false},
    {"550 Mailbox unavailable", H, "user_unknown", false},
    {"551 User not local; please try <forward@example.com>", H, "has_moved",
     false},
    {"551 User not local - please try another path", H, "has_moved", false},
    {"552 Message size exceeds fixed limit", X, "message_too_large", false},
    {"552 Message too large", X, "message_too_large", false},
    {"553 Mailbox name not allowed", H, "address_invalid", false},
    {"553 Mailbox name invalid", H, "address_invalid", false},
    {"553 Address not allowed", X, NULL, false},
    {"554 Transaction failed", S, NULL, false},
    {"556 Domain does not accept mail", H, "no_mx", false},

    /* --- enhanced status codes (RFC 3463 and its registry) --- */
    {"550 5.0.0 Other undefined status", S, "undetermined", false},
    {"550 5.1.0 Other address status", S, "undetermined", false},
    {"550 5.1.1 Bad destination mailbox address - user unknown", H,
     "user_unknown", false},
    {"550 5.1.1 Recipient not found", H, "user_unknown", false},
    {"550 5.1.2 Bad destination system address - domain not found", H,
     "domain_not_found", false},
    {"550 5.1.2 Domain not found", H, "domain_not_found", false},
    {"553 5.1.3 Bad destination mailbox address syntax", H, "address_invalid",
     false},
    {"553 5.1.3 Invalid address format", H, "address_invalid", false},
    {"550 5.1.4 Destination mailbox address ambiguous", H, "address_invalid",
     false},
    {"550 5.1.6 Destination mailbox has moved", H, "has_moved", false},
    {"550 5.1.7 Bad sender mailbox address syntax", X, "sender_rejected",
     false},
    {"550 5.1.8 Bad sender system address", X, "sender_rejected", false},
    {"550 5.2.1 Mailbox disabled or not accepting messages", H,
     "mailbox_disabled", false},
    {"550 5.2.1 Mailbox disabled", H, "mailbox_disabled", false},
    {"552 5.2.2 Mailbox full - over quota", S, "mailbox_full", false},
    {"552 5.2.2 mailbox full", S, "mailbox_full", false},
    {"552 5.2.3 Message length exceeds administrative limit", X, NULL, false},
    {"452 4.2.2 Mailbox full - temporary", S, "mailbox_full", false},
    {"452 4.2.2 Over quota", S, "mailbox_full", false},
    {"452 4.3.1 Mail system full", S, "system_full", false},
    {"451 4.3.2 System not accepting messages", S, "system_error", false},
    {"441 4.4.1 No answer from host", S, "network", false},
    {"451 4.4.7 Delivery time expired", S, "expired", false},
    {"421 4.7.0 Other security or policy status - temporary", X, "policy",
     false},
    {"550 5.7.1 Delivery not authorized - message refused", X, "policy",
     false},
    {"550 5.7.5 Authentication required", X, "auth", true},
    {"535 5.7.8 Authentication credentials invalid", X, "smtp_auth", false},
    {"550 5.7.13 DKIM signing required but not present", X, "auth_dkim",
     true},
    {"550 5.7.14 DKIM verification failed", X, "auth_dkim", true},
    {"550 5.7.20 SPF validation failed", X, "auth_spf", true},
    {"550 5.7.25 Reverse DNS validation failed", X, "require_ptr", false},
    {"550 5.7.26 DMARC authentication failed", X, "auth_dmarc", true},
    {"550 5.7.27 Sender address has null MX", X, "sender_rejected", false},
    {"550 5.7.28 Mail flood detected", X, "rate_limited", false},
    {"550 5.7.29 ARC validation failed", X, "auth_arc", true},
    {"552 5.5.3 Too many recipients", X, "exceed_limit", false},
    {"452 4.5.3 Too many recipients", X, "exceed_limit", false},
    {"552 5.3.4 Message too big for system", X, "message_too_large", false},
    {"550 5.7.30 REQUIRETLS support required", X, "tls_required", false},

    /* --- example replies of the guides --- */
    {"550 5.1.1 The email account that you tried to reach does not exist", H,
     "user_unknown", false},
    {"550 5.7.1 Message rejected per DMARC policy", X, "auth_dmarc", true},
    {"550 SPF check failed: IP not authorized", X, "auth_spf", true},
    {"550 5.7.26 This message does not have authentication information", X,
     "auth", true},
    {"552 5.3.4 Message size exceeds fixed maximum message size", X,
     "message_too_large", false},
    {"554 5.7.1 Service unavailable; Client host blocked", X, "blocklisted",
     false},
    {"554 5.7.1 IP blocked or blacklisted", X, "blocklisted", false},
    {"554 5.7.5 DMARC permanent error", X, "auth_dmarc", true},
    {"554 5.7.9 Sending without TLS when required", X, "tls_required",
     false},
    {"421 4.7.0 Try again later, closing connection", S, "system_error",
     false},
    {"450 4.2.1 Mailbox temporarily unavailable", S, NULL, false},
    {"451 4.3.0 Mail server temporarily rejected message", S, NULL, false},
    {"550 5.7.23 SPF validation failed", X, "auth_spf", true},
    {"550 5.7.24 SPF permerror", X, "auth_spf", true},
    {"451 4.7.24 SPF temperror", X, "auth_spf", true},
    {"550 5.7.20 DKIM failed", X, "auth_dkim", true},
    {"550 5.7.21 DKIM permerror", X, "auth_dkim", true},
    {"451 4.7.21 DKIM temperror", X, "auth_dkim", true},
    {"550 5.7.1 DMARC policy reject", X, "auth_dmarc", true},
    {"550 5.7.5 Permanent DMARC failure", X, "auth_dmarc", true},
    {"421 4.7.0 Connection rate limited", X, "rate_limited", false},
    {"450 4.2.1 Mailbox disabled/full", S, NULL, false},
    {"451 4.3.0 Mail system full", S, "system_full", false},
    {"421-4.7.0 IP has sent unusual traffic", X, "rate_limited", false},
    {"421-4.7.28 IP not in Gmail's allowlist", X, "rate_limited", false},
    {"421-4.7.28 Our system has detected an unusual rate of unsolicited mail "
     "originating from your IP address",
     X, "rate_limited", false},
    {"550 5.2.1 Mailbox disabled", H, "mailbox_disabled", false},
    {"550 5.4.1 Relay access denied", X, "relay_denied", false},
    {"550 5.7.0 Rejected by policy", X, "policy", false},
    {"550 5.7.1 Message rejected", X, "policy", false},
    {"550 5.7.25 IP not authenticated", X, "require_ptr", false},
    {"550-5.7.1 Gmail blocked your message", X, NULL, false},
    {"550-5.7.26 Unauthenticated email not accepted", X, "auth", true},
    {"550-5.7.27 SPF record doesn't include sending IP", X, "auth_spf",
     true},
    {"550 5.7.1 Sender rejected by Outlook", X, "sender_rejected", false},
    {"550 5.7.606 IP blocked due to spam", X, "blocklisted", false},
    {"550 5.7.1 high probability of spam", X, "spam_detected", false},
    {"550-5.1.1 The email account that you tried to reach does not exist", H,
     "user_unknown", false},
    {"550-5.7.26 This mail is unauthenticated, which poses a security risk "
     "to the\r\n550-5.7.26 sender and Gmail users",
     X, "auth", true},
    {"550 5.7.1 Service unavailable, Client host [192.0.2.1] blocked using "
     "Spamhaus",
     X, "blocklisted", false},
    {"553 5.7.1 [BL21] Connections will not be accepted from 192.0.2.1, "
     "because the\nip is in Spamhaus's list",
     X, "blocklisted", false},
    {"553 5.7.1 [BL21] Connections will not be accepted from your IP", X,
     "blocklisted", false},
    {"550 5.7.606 Access denied, banned sending IP [198.51.100.1]", X,
     "blocklisted", false},
    {"550 5.1.1 <user@example.com>: Recipient address rejected: User unknown",
     H, "user_unknown", false},
    {"550 5.2.1 Mailbox full", S, "mailbox_full", false},
    {"550 5.7.1 Message rejected due to spam or policy", X, "spam_detected",
     false},
    {"550 5.7.26 Authentication failure, SPF or DKIM problem", X, NULL, true},
    {"554 5.7.1 Message rejected: spam or virus", X, NULL, false},
    {"554 Transaction failed: DMARC policy reject", X, "auth_dmarc", true},
    {"421 4.7.0 Temporary system problem", S, "system_error", false},
    {"421 4.7.0 Too many connections from your host", X,
     "too_many_connections", false},
    {"421 4.7.0 Try again later; rate limit exceeded", X, "rate_limited",
     false},
    {"451 4.3.0 Temporary local problem", S, "system_error", false},
    {"451 4.3.2 Internal server error, try again later", S, "system_error",
     false},
    {"451 4.7.1 Greylisted, try again later", S, "greylisted", false},
    {"452 4.2.2 Mailbox full", S, "mailbox_full", false},
    {"452 4.3.1 Insufficient system storage", S, "system_full", false},
    {"554 5.7.1 Message rejected as spam", X, "spam_detected", false},
    {"421 4.7.0 Too many messages from this IP, try again later", X,
     "rate_limited", false},

    /* --- the issue's own examples: specific text beats a vague code --- */
    {"550 5.7.1 <a@example.com>... user unknown", H, "user_unknown", false},
    {"550 5.7.1 Service unavailable; client [192.0.2.1] blocked using "
     "zen.spamhaus.org",
     X, "blocklisted", false},
    {"smtp; 550 5.1.1 <a@example.com>: Recipient address rejected: User "
     "unknown in local recipient table",
     H, "user_unknown", false},
    {"host mx.example.com[192.0.2.1] said: 452 4.2.2 Mailbox full (in reply "
     "to RCPT TO command)",
     S, "mailbox_full", false},
    {"450 4.1.1 <a@example.com>: Recipient address rejected: User unknown",
     S, "user_unknown", false},

    /* --- reasons the guides name without an example reply --- */
    {"550 5.6.0 Message is not RFC 5322 compliant: duplicate header", X,
     "not_compliant", false},
    {"554 Address is on the suppression list of this account", H,
     "suppressed", false},
};

static struct classify_rules *rules;

static int load_rules(void **state)
{
    const char *top = getenv("top_srcdir");
    char path[4096];
    char *err = NULL;
    const char *paths[1] = {path};

    (void)state;
    snprintf(path, sizeof path, "%s/conf/rules.conf", top ? top : TOP_SRCDIR);
    if (classify_rules_load(paths, 1, &rules, &err) < 0) {
        fprintf(stderr, "# %s\n", err ? err : "cannot load rules");
        free(err);
        return -1;
    }
    return 0;
}

static int free_rules(void **state)
{
    (void)state;
    classify_rules_free(&rules);
    return 0;
}

static void check_row(void **state)
{
    const struct row *r = *state;
    struct verdict v;

    classify_reply(rules, r->text, strlen(r->text), NULL, 0, NULL, &v);
    if (v.bucket != r->bucket || (r->reason && strcmp(v.reason, r->reason)) ||
        v.auth != r->auth)
        fail_msg("\"%s\": got %s/%s%s by rule %s, want %s/%s%s", r->text,
                 bucket_name(v.bucket), v.reason, v.auth ? "/auth" : "",
                 v.rule, bucket_name(r->bucket),
                 r->reason ? r->reason : "*", r->auth ? "/auth" : "");
}

#define NROWS (sizeof rows / sizeof rows[0])

int main(void)
{
    static struct CMUnitTest tests[NROWS];
    static char names[NROWS][160];

    for (size_t i = 0; i < NROWS; i++) {
        /* one TAP line per row: no line breaks in the name */
        snprintf(names[i], sizeof names[i], "%s", rows[i].text);
        for (char *p = names[i]; *p != '\0'; p++)
            if (*p == '\r' || *p == '\n' || *p == '#')
                *p = ' ';
        tests[i].name = names[i];
        tests[i].test_func = check_row;
        tests[i].initial_state = (void *)&rows[i];
    }
    return cmocka_run_group_tests_name("classify_seeds", tests, load_rules,
                                       free_rules);
}
