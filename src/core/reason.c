/*
 * reason.c - see reason.h.  Keep this table and bounceguard-rules(5) in step.
 */
#include <string.h>

#include "core/reason.h"

static const struct reason_info reasons[] = {
    /* the address is dead */
    {"user_unknown", BUCKET_HARD, false,
     "the mailbox does not exist (X.1.1)"},
    {"address_invalid", BUCKET_HARD, false,
     "the recipient address is syntactically invalid (X.1.3)"},
    {"domain_not_found", BUCKET_HARD, false,
     "the recipient domain does not exist or has no mail host (X.1.2)"},
    {"no_mx", BUCKET_HARD, false,
     "the recipient domain accepts no mail: null MX, 521/556 (X.1.10)"},
    {"has_moved", BUCKET_HARD, false,
     "the mailbox has moved and mail is not forwarded (X.1.6, 551)"},
    {"mailbox_disabled", BUCKET_HARD, false,
     "the mailbox is disabled, suspended or closed (X.2.1)"},
    {"suppressed", BUCKET_HARD, false,
     "a sending service dropped the address: on its suppression list"},
    /* temporary: count */
    {"mailbox_full", BUCKET_SOFT, false,
     "the mailbox is over quota (X.2.2)"},
    {"expired", BUCKET_SOFT, false,
     "the sending MTA gave up after its queue lifetime (X.4.7)"},
    {"network", BUCKET_SOFT, false,
     "DNS, routing or connection failure, mail loop (X.4.x)"},
    {"system_error", BUCKET_SOFT, false,
     "the receiving system failed internally (X.3.x, 451)"},
    {"system_full", BUCKET_SOFT, false,
     "the receiving system is out of storage (X.3.1, 452)"},
    {"mailer_error", BUCKET_SOFT, false,
     "the local delivery program failed (pipe, procmail)"},
    {"greylisted", BUCKET_SOFT, false,
     "greylisting: the receiver asks for a later retry"},
    {"undetermined", BUCKET_SOFT, false,
     "a failure whose cause cannot be told; never suppressed at once"},
    /* the sender's fault: alert, never suppress the recipient */
    {"relay_denied", BUCKET_SENDER, false,
     "the receiving host does not relay for the sender (X.7.1, X.4.1)"},
    {"rate_limited", BUCKET_SENDER, false,
     "the sender sends too fast or too much (4.7.28, 421, 450)"},
    {"too_many_connections", BUCKET_SENDER, false,
     "the sender opens too many connections at once"},
    {"blocklisted", BUCKET_SENDER, false,
     "the sending IP or domain is on a block list (DNSBL, [BL21])"},
    {"bad_reputation", BUCKET_SENDER, false,
     "the sender's IP or domain reputation is too low"},
    {"spam_detected", BUCKET_SENDER, false,
     "the message was judged to be spam"},
    {"virus", BUCKET_SENDER, false, "a virus or malware was found"},
    {"content", BUCKET_SENDER, false,
     "the message content or format was refused (X.6.x)"},
    {"not_compliant", BUCKET_SENDER, false,
     "the message is not RFC 5322 compliant (headers, line length)"},
    {"filtered", BUCKET_SENDER, false,
     "the recipient's filter refused the message after DATA (often worded "
     "as user unknown by mobile carriers)"},
    {"policy", BUCKET_SENDER, false,
     "a local policy refused the message (X.7.x)"},
    {"auth_spf", BUCKET_SENDER, true,
     "SPF failed: the sending IP is not authorised (5.7.23, 5.7.24)"},
    {"auth_dkim", BUCKET_SENDER, true,
     "DKIM failed or is required (5.7.20, 5.7.21, 5.7.13, 5.7.14)"},
    {"auth_dmarc", BUCKET_SENDER, true,
     "DMARC failed and the domain's policy says reject (5.7.1, 5.7.26)"},
    {"auth_arc", BUCKET_SENDER, true, "ARC validation failed (5.7.29)"},
    {"auth", BUCKET_SENDER, true,
     "the mail is unauthenticated, SPF/DKIM/DMARC unspecified (5.7.26)"},
    {"require_ptr", BUCKET_SENDER, false,
     "the sending IP lacks valid reverse DNS (5.7.25)"},
    {"smtp_auth", BUCKET_SENDER, false,
     "SMTP AUTH required or refused (530, 535, 5.7.8)"},
    {"tls_required", BUCKET_SENDER, false,
     "TLS is required and was not used or failed (5.7.10, 5.7.30)"},
    {"message_too_large", BUCKET_SENDER, false,
     "the message is larger than the receiver accepts (5.3.4, 552)"},
    {"exceed_limit", BUCKET_SENDER, false,
     "a per-message limit was exceeded: size (5.2.3), recipients (5.5.3)"},
    {"syntax", BUCKET_SENDER, false,
     "SMTP protocol or command syntax error (5.5.x, 500-504)"},
    {"sender_rejected", BUCKET_SENDER, false,
     "the envelope sender was refused (5.1.7, 5.1.8, 5.7.27)"},
    /* not a failure of the address */
    {"vacation", BUCKET_NONE, false, "an auto-reply (RFC 3834)"},
    {"feedback", BUCKET_NONE, false, "an ARF feedback report (RFC 5965)"},
    {"delivered", BUCKET_NONE, false, "delivery or relay succeeded (2.x.x)"},
};

size_t reason_count(void)
{
    return sizeof reasons / sizeof reasons[0];
}

const struct reason_info *reason_at(size_t i)
{
    return i < reason_count() ? &reasons[i] : NULL;
}

const struct reason_info *reason_lookup(const char *name)
{
    for (size_t i = 0; i < reason_count(); i++) /* first bytes first */
        if (reasons[i].name[0] == name[0] &&
            strcmp(reasons[i].name, name) == 0)
            return &reasons[i];
    return NULL;
}
