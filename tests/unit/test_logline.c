/*
 * test_logline.c - golden tests of the delivery-log line parser
 * (core/logline.h): one TAP line per log line, covering every status and
 * transport of Postfix, Sendmail's formats and the syslog prefixes.
 *
 * Each expected text field is compared exactly; NULL means "must be
 * absent".  The lines are written in the formats the MTAs log.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/logline.h"

#define PFX "Nov 25 22:24:21 mail "
#define QID "4HqRzT1xYbz9sWL"

struct golden {
    const char *name;
    const char *line;
    enum logline_kind kind;
    enum logline_mta mta;
    enum logline_status status;
    const char *service, *queue_id, *to, *orig_to, *from, *relay, *dsn;
    const char *reply, *cmd, *remote;
    int code;
    unsigned flags, errors;
};

static const struct golden golden[] = {
    {"smtp_deferred_452_said",
     PFX "postfix/smtp[4242]: " QID ": to=<u@example.com>, "
         "relay=mx.example.com[192.0.2.1]:25, delay=1.2, "
         "delays=0.1/0.01/0.6/0.5, dsn=4.2.2, status=deferred (host "
         "mx.example.com[192.0.2.1] said: 452 4.2.2 Mailbox full (in reply "
         "to RCPT TO command))",
     LOGLINE_DELIVERY, LOGLINE_MTA_POSTFIX, LOGSTAT_DEFERRED, "smtp", QID,
     "u@example.com", NULL, NULL, "mx.example.com[192.0.2.1]:25", "4.2.2",
     "452 4.2.2 Mailbox full", "RCPT TO", "mx.example.com[192.0.2.1]", 452,
     LOGLINE_F_SAID, 0},
    {"smtp_bounced_550_orig_to_iso_prefix",
     "2026-11-25T22:24:21.123456+00:00 mail postfix/smtp[4242]: " QID
     ": to=<bob@example.org>, orig_to=<bob@lists.example.net>, "
     "relay=mx1.example.org[198.51.100.5]:25, delay=0.41, "
     "delays=0.05/0/0.2/0.16, dsn=5.1.1, status=bounced (host "
     "mx1.example.org[198.51.100.5] said: 550 5.1.1 <bob@example.org>: "
     "Recipient address rejected: User unknown in virtual mailbox table "
     "(in reply to RCPT TO command))",
     LOGLINE_DELIVERY, LOGLINE_MTA_POSTFIX, LOGSTAT_BOUNCED, "smtp", QID,
     "bob@example.org", "bob@lists.example.net", NULL,
     "mx1.example.org[198.51.100.5]:25", "5.1.1",
     "550 5.1.1 <bob@example.org>: Recipient address rejected: User "
     "unknown in virtual mailbox table",
     "RCPT TO", "mx1.example.org[198.51.100.5]", 550, LOGLINE_F_SAID, 0},
    {"smtp_sent_250_queued_as",
     PFX "postfix/smtp[4243]: " QID ": to=<carol@example.com>, "
         "relay=mx.example.com[192.0.2.1]:25, delay=0.35, "
         "delays=0.02/0.01/0.12/0.2, dsn=2.0.0, status=sent (250 2.0.0 Ok: "
         "queued as 4HqS0B2kZbz9sWM)",
     LOGLINE_DELIVERY, LOGLINE_MTA_POSTFIX, LOGSTAT_SENT, "smtp", QID,
     "carol@example.com", NULL, NULL, "mx.example.com[192.0.2.1]:25", "2.0.0",
     "250 2.0.0 Ok: queued as 4HqS0B2kZbz9sWM", NULL, NULL, 250, 0, 0},
    {"smtp_deferred_connect_timed_out",
     PFX "postfix/smtp[4244]: 3F1A2B4C5D: to=<a@example.net>, relay=none, "
         "delay=30, delays=0.01/0.01/30/0, dsn=4.4.1, status=deferred "
         "(connect to mx.example.net[198.51.100.7]:25: Connection timed out)",
     LOGLINE_DELIVERY, LOGLINE_MTA_POSTFIX, LOGSTAT_DEFERRED, "smtp",
     "3F1A2B4C5D", "a@example.net", NULL, NULL, "none", "4.4.1",
     "connect to mx.example.net[198.51.100.7]:25: Connection timed out", NULL,
     NULL, 0, LOGLINE_F_CONNECT, 0},
    {"smtp_bounced_host_not_found",
     PFX "postfix/smtp[4245]: 3F1A2B4C5E: to=<x@nonexistent.invalid>, "
         "relay=none, delay=0.05, delays=0.01/0.01/0.03/0, dsn=5.4.4, "
         "status=bounced (Host or domain name not found. Name service error "
         "for name=nonexistent.invalid type=A: Host not found)",
     LOGLINE_DELIVERY, LOGLINE_MTA_POSTFIX, LOGSTAT_BOUNCED, "smtp",
     "3F1A2B4C5E", "x@nonexistent.invalid", NULL, NULL, "none", "5.4.4",
     "Host or domain name not found. Name service error for "
     "name=nonexistent.invalid type=A: Host not found",
     NULL, NULL, 0, LOGLINE_F_DNS, 0},
    {"smtp_deferred_dns_try_again",
     PFX "postfix/smtp[4246]: 3F1A2B4C5F: to=<y@example.org>, relay=none, "
         "delay=2, delays=0/0/2/0, dsn=4.4.3, status=deferred (Host or "
         "domain name not found. Name service error for name=example.org "
         "type=MX: Host not found, try again)",
     LOGLINE_DELIVERY, LOGLINE_MTA_POSTFIX, LOGSTAT_DEFERRED, "smtp",
     "3F1A2B4C5F", "y@example.org", NULL, NULL, "none", "4.4.3",
     "Host or domain name not found. Name service error for "
     "name=example.org type=MX: Host not found, try again",
     NULL, NULL, 0, LOGLINE_F_DNS, 0},
    {"smtp_deferred_suspended_refused",
     PFX "postfix/smtp[4247]: 3F1A2B4C60: to=<z@example.net>, relay=none, "
         "delay=301, delays=300/1/0/0, dsn=4.4.1, status=deferred (delivery "
         "temporarily suspended: connect to mx.example.net[198.51.100.7]:25: "
         "Connection refused)",
     LOGLINE_DELIVERY, LOGLINE_MTA_POSTFIX, LOGSTAT_DEFERRED, "smtp",
     "3F1A2B4C60", "z@example.net", NULL, NULL, "none", "4.4.1",
     "connect to mx.example.net[198.51.100.7]:25: Connection refused", NULL,
     NULL, 0, LOGLINE_F_CONNECT | LOGLINE_F_SUSPENDED, 0},
    {"smtp_deferred_refused_to_talk",
     PFX "postfix/smtp[4248]: 3F1A2B4C61: to=<w@example.com>, "
         "relay=mx.example.com[192.0.2.1]:25, delay=0.3, "
         "delays=0.01/0/0.29/0, dsn=4.7.0, status=deferred (host "
         "mx.example.com[192.0.2.1] refused to talk to me: 421 4.7.0 Try "
         "again later, closing connection.)",
     LOGLINE_DELIVERY, LOGLINE_MTA_POSTFIX, LOGSTAT_DEFERRED, "smtp",
     "3F1A2B4C61", "w@example.com", NULL, NULL, "mx.example.com[192.0.2.1]:25",
     "4.7.0", "421 4.7.0 Try again later, closing connection.", NULL,
     "mx.example.com[192.0.2.1]", 421, LOGLINE_F_SAID, 0},
    {"smtp_bounced_multiline_end_of_data",
     PFX "postfix/smtp[4249]: 3F1A2B4C62: to=<v@example.com>, "
         "relay=mx.example.com[192.0.2.1]:25, delay=1, delays=0/0/0.5/0.5, "
         "dsn=5.7.1, status=bounced (host mx.example.com[192.0.2.1] said: "
         "550-5.7.1 Message rejected as spam. 550 5.7.1 See the policy page "
         "(in reply to end of DATA command))",
     LOGLINE_DELIVERY, LOGLINE_MTA_POSTFIX, LOGSTAT_BOUNCED, "smtp",
     "3F1A2B4C62", "v@example.com", NULL, NULL, "mx.example.com[192.0.2.1]:25",
     "5.7.1",
     "550-5.7.1 Message rejected as spam. 550 5.7.1 See the policy page",
     "end of DATA", "mx.example.com[192.0.2.1]", 550, LOGLINE_F_SAID, 0},
    {"smtp_deferred_lost_connection",
     PFX "postfix/smtp[4250]: 3F1A2B4C63: to=<t@example.com>, "
         "relay=mx.example.com[192.0.2.1]:25, delay=60, "
         "delays=0/0/0.1/60, dsn=4.4.2, status=deferred (lost connection "
         "with mx.example.com[192.0.2.1] while sending RCPT TO)",
     LOGLINE_DELIVERY, LOGLINE_MTA_POSTFIX, LOGSTAT_DEFERRED, "smtp",
     "3F1A2B4C63", "t@example.com", NULL, NULL, "mx.example.com[192.0.2.1]:25",
     "4.4.2",
     "lost connection with mx.example.com[192.0.2.1] while sending RCPT TO",
     NULL, NULL, 0, LOGLINE_F_CONNECT, 0},
    {"smtp_deferred_conversation_timed_out",
     PFX "postfix/smtp[4251]: 3F1A2B4C64: to=<s@example.com>, "
         "relay=mx.example.com[192.0.2.1]:25, delay=300, "
         "delays=0/0/0/300, dsn=4.4.2, status=deferred (conversation with "
         "mx.example.com[192.0.2.1] timed out while receiving the initial "
         "server greeting)",
     LOGLINE_DELIVERY, LOGLINE_MTA_POSTFIX, LOGSTAT_DEFERRED, "smtp",
     "3F1A2B4C64", "s@example.com", NULL, NULL, "mx.example.com[192.0.2.1]:25",
     "4.4.2",
     "conversation with mx.example.com[192.0.2.1] timed out while receiving "
     "the initial server greeting",
     NULL, NULL, 0, LOGLINE_F_CONNECT, 0},
    {"relay_service_sent_conn_use",
     PFX "postfix/relay/smtp[4252]: 3F1A2B4C65: to=<r@example.com>, "
         "relay=smarthost.example.net[203.0.113.4]:587, conn_use=2, "
         "delay=0.2, delays=0.1/0/0/0.1, dsn=2.0.0, status=sent (250 2.0.0 "
         "Ok: queued as 9B8C7D6E5F)",
     LOGLINE_DELIVERY, LOGLINE_MTA_POSTFIX, LOGSTAT_SENT, "smtp", "3F1A2B4C65",
     "r@example.com", NULL, NULL, "smarthost.example.net[203.0.113.4]:587",
     "2.0.0", "250 2.0.0 Ok: queued as 9B8C7D6E5F", NULL, NULL, 250, 0, 0},
    {"lmtp_bounced_unix_socket",
     PFX "postfix/lmtp[777]: 3F1A2B4C66: to=<bob@example.com>, "
         "relay=mail.example.com[private/dovecot-lmtp], delay=0.09, "
         "delays=0.04/0.01/0.01/0.03, dsn=5.1.1, status=bounced (host "
         "mail.example.com[private/dovecot-lmtp] said: 550 5.1.1 "
         "<bob@example.com> User doesn't exist: bob@example.com (in reply "
         "to RCPT TO command))",
     LOGLINE_DELIVERY, LOGLINE_MTA_POSTFIX, LOGSTAT_BOUNCED, "lmtp",
     "3F1A2B4C66", "bob@example.com", NULL, NULL,
     "mail.example.com[private/dovecot-lmtp]", "5.1.1",
     "550 5.1.1 <bob@example.com> User doesn't exist: bob@example.com",
     "RCPT TO", "mail.example.com[private/dovecot-lmtp]", 550, LOGLINE_F_SAID,
     0},
    {"lmtp_deferred_452_over_quota",
     PFX "postfix/lmtp[778]: 3F1A2B4C67: to=<eve@example.com>, "
         "relay=mail.example.com[private/dovecot-lmtp], delay=0.1, "
         "delays=0.05/0/0/0.05, dsn=4.2.2, status=deferred (host "
         "mail.example.com[private/dovecot-lmtp] said: 452 4.2.2 "
         "<eve@example.com> Quota exceeded (mailbox for user is full) (in "
         "reply to end of DATA command))",
     LOGLINE_DELIVERY, LOGLINE_MTA_POSTFIX, LOGSTAT_DEFERRED, "lmtp",
     "3F1A2B4C67", "eve@example.com", NULL, NULL,
     "mail.example.com[private/dovecot-lmtp]", "4.2.2",
     "452 4.2.2 <eve@example.com> Quota exceeded (mailbox for user is full)",
     "end of DATA", "mail.example.com[private/dovecot-lmtp]", 452,
     LOGLINE_F_SAID, 0},
    {"local_sent_mailbox_orig_to",
     PFX "postfix/local[888]: 3F1A2B4C68: to=<root@mail.example.com>, "
         "orig_to=<root>, relay=local, delay=0.02, delays=0.01/0/0/0.01, "
         "dsn=2.0.0, status=sent (delivered to mailbox)",
     LOGLINE_DELIVERY, LOGLINE_MTA_POSTFIX, LOGSTAT_SENT, "local", "3F1A2B4C68",
     "root@mail.example.com", "root", NULL, "local", "2.0.0",
     "delivered to mailbox", NULL, NULL, 0, 0, 0},
    {"local_bounced_unknown_user",
     PFX "postfix/local[889]: 3F1A2B4C69: to=<nobody2@mail.example.com>, "
         "relay=local, delay=0.01, delays=0/0/0/0, dsn=5.1.1, "
         "status=bounced (unknown user: \"nobody2\")",
     LOGLINE_DELIVERY, LOGLINE_MTA_POSTFIX, LOGSTAT_BOUNCED, "local",
     "3F1A2B4C69", "nobody2@mail.example.com", NULL, NULL, "local", "5.1.1",
     "unknown user: \"nobody2\"", NULL, NULL, 0, 0, 0},
    {"local_deferred_mailbox_full",
     PFX "postfix/local[890]: 3F1A2B4C6A: to=<ann@mail.example.com>, "
         "relay=local, delay=0.01, delays=0/0/0/0, dsn=4.2.2, "
         "status=deferred (cannot update mailbox /var/mail/ann for user "
         "ann. error writing message: File too large)",
     LOGLINE_DELIVERY, LOGLINE_MTA_POSTFIX, LOGSTAT_DEFERRED, "local",
     "3F1A2B4C6A", "ann@mail.example.com", NULL, NULL, "local", "4.2.2",
     "cannot update mailbox /var/mail/ann for user ann. error writing "
     "message: File too large",
     NULL, NULL, 0, 0, 0},
    {"virtual_sent_maildir",
     PFX "postfix/virtual[901]: 3F1A2B4C6B: to=<u@virt.example>, "
         "relay=virtual, delay=0.1, delays=0.05/0/0/0.05, dsn=2.0.0, "
         "status=sent (delivered to maildir)",
     LOGLINE_DELIVERY, LOGLINE_MTA_POSTFIX, LOGSTAT_SENT, "virtual",
     "3F1A2B4C6B", "u@virt.example", NULL, NULL, "virtual", "2.0.0",
     "delivered to maildir", NULL, NULL, 0, 0, 0},
    {"virtual_bounced_unknown",
     PFX "postfix/virtual[902]: 3F1A2B4C6C: to=<gone@virt.example>, "
         "relay=virtual, delay=0.1, delays=0.05/0/0/0.05, dsn=5.1.1, "
         "status=bounced (unknown user: \"gone@virt.example\")",
     LOGLINE_DELIVERY, LOGLINE_MTA_POSTFIX, LOGSTAT_BOUNCED, "virtual",
     "3F1A2B4C6C", "gone@virt.example", NULL, NULL, "virtual", "5.1.1",
     "unknown user: \"gone@virt.example\"", NULL, NULL, 0, 0, 0},
    {"error_bounced_alias_table",
     PFX "postfix/error[903]: 3F1A2B4C6D: to=<old@example.com>, "
         "relay=none, delay=0.3, delays=0.3/0/0/0, dsn=5.1.1, "
         "status=bounced (User unknown in virtual alias table)",
     LOGLINE_DELIVERY, LOGLINE_MTA_POSTFIX, LOGSTAT_BOUNCED, "error",
     "3F1A2B4C6D", "old@example.com", NULL, NULL, "none", "5.1.1",
     "User unknown in virtual alias table", NULL, NULL, 0, 0, 0},
    {"retry_deferred_suspended",
     PFX "postfix/retry[904]: 3F1A2B4C6E: to=<q@example.net>, relay=none, "
         "delay=600, delays=600/0/0/0, dsn=4.4.1, status=deferred (delivery "
         "temporarily suspended: connect to mx.example.net[198.51.100.7]:25: "
         "Connection timed out)",
     LOGLINE_DELIVERY, LOGLINE_MTA_POSTFIX, LOGSTAT_DEFERRED, "retry",
     "3F1A2B4C6E", "q@example.net", NULL, NULL, "none", "4.4.1",
     "connect to mx.example.net[198.51.100.7]:25: Connection timed out", NULL,
     NULL, 0, LOGLINE_F_CONNECT | LOGLINE_F_SUSPENDED, 0},
    {"discard_sent",
     PFX "postfix/discard[905]: 3F1A2B4C6F: to=<x@a.test>, relay=none, "
         "delay=0.03, delays=0.02/0.01/0/0, dsn=2.0.0, status=sent (a.test)",
     LOGLINE_DELIVERY, LOGLINE_MTA_POSTFIX, LOGSTAT_SENT, "discard",
     "3F1A2B4C6F", "x@a.test", NULL, NULL, "none", "2.0.0", "a.test", NULL,
     NULL, 0, 0, 0},
    {"pipe_sent_dovecot",
     PFX "postfix/pipe[906]: 3F1A2B4C70: to=<u@example.com>, "
         "relay=dovecot, delay=0.2, delays=0.1/0/0/0.1, dsn=2.0.0, "
         "status=sent (delivered via dovecot service)",
     LOGLINE_DELIVERY, LOGLINE_MTA_POSTFIX, LOGSTAT_SENT, "pipe", "3F1A2B4C70",
     "u@example.com", NULL, NULL, "dovecot", "2.0.0",
     "delivered via dovecot service", NULL, NULL, 0, 0, 0},
    {"pipe_bounced_command_output",
     PFX "postfix/pipe[907]: 3F1A2B4C71: to=<n@example.com>, "
         "relay=dovecot, delay=0.2, delays=0.1/0/0/0.1, dsn=5.1.1, "
         "status=bounced (user unknown. Command output: lda: Fatal: Unknown "
         "user)",
     LOGLINE_DELIVERY, LOGLINE_MTA_POSTFIX, LOGSTAT_BOUNCED, "pipe",
     "3F1A2B4C71", "n@example.com", NULL, NULL, "dovecot", "5.1.1",
     "user unknown. Command output: lda: Fatal: Unknown user", NULL, NULL, 0, 0,
     0},
    {"bounce_daemon_notification_is_other",
     PFX "postfix/bounce[908]: 3F1A2B4C72: sender non-delivery "
         "notification: 4F1A2B4C73",
     LOGLINE_OTHER, LOGLINE_MTA_POSTFIX, LOGSTAT_NONE, "bounce", "3F1A2B4C72",
     NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, 0},
    {"smtp_softbounce",
     PFX "postfix/smtp[4253]: 3F1A2B4C74: to=<p@example.com>, "
         "relay=mx.example.com[192.0.2.1]:25, delay=0.5, delays=0/0/0.2/0.3, "
         "dsn=4.1.1, status=SOFTBOUNCE (host mx.example.com[192.0.2.1] said: "
         "550 5.1.1 No such user (in reply to RCPT TO command))",
     LOGLINE_DELIVERY, LOGLINE_MTA_POSTFIX, LOGSTAT_SOFTBOUNCE, "smtp",
     "3F1A2B4C74", "p@example.com", NULL, NULL, "mx.example.com[192.0.2.1]:25",
     "4.1.1", "550 5.1.1 No such user", "RCPT TO", "mx.example.com[192.0.2.1]",
     550, LOGLINE_F_SAID, 0},
    {"verify_undeliverable",
     PFX "postfix/smtp[4254]: 3F1A2B4C75: to=<probe@example.com>, "
         "relay=mx.example.com[192.0.2.1]:25, delay=0.5, "
         "delays=0/0/0.2/0.3, dsn=5.1.1, status=undeliverable (host "
         "mx.example.com[192.0.2.1] said: 550 5.1.1 No such user (in reply "
         "to RCPT TO command))",
     LOGLINE_DELIVERY, LOGLINE_MTA_POSTFIX, LOGSTAT_UNDELIVERABLE, "smtp",
     "3F1A2B4C75", "probe@example.com", NULL, NULL,
     "mx.example.com[192.0.2.1]:25", "5.1.1", "550 5.1.1 No such user",
     "RCPT TO", "mx.example.com[192.0.2.1]", 550, LOGLINE_F_SAID, 0},
    {"qmgr_expired",
     PFX "postfix/qmgr[321]: 3F1A2B4C76: from=<app@example.org>, "
         "status=expired, returned to sender",
     LOGLINE_EXPIRED, LOGLINE_MTA_POSTFIX, LOGSTAT_EXPIRED, "qmgr",
     "3F1A2B4C76", NULL, NULL, "app@example.org", NULL, NULL, NULL, NULL, NULL,
     0, 0, 0},
    {"qmgr_from_queue_active",
     PFX "postfix/qmgr[321]: 3F1A2B4C77: from=<app@example.org>, "
         "size=1234, nrcpt=2 (queue active)",
     LOGLINE_SENDER, LOGLINE_MTA_POSTFIX, LOGSTAT_NONE, "qmgr", "3F1A2B4C77",
     NULL, NULL, "app@example.org", NULL, NULL, NULL, NULL, NULL, 0, 0, 0},
    {"qmgr_from_null_sender",
     PFX "postfix/qmgr[321]: 3F1A2B4C78: from=<>, size=3210, nrcpt=1 "
         "(queue active)",
     LOGLINE_SENDER, LOGLINE_MTA_POSTFIX, LOGSTAT_NONE, "qmgr", "3F1A2B4C78",
     NULL, NULL, "", NULL, NULL, NULL, NULL, NULL, 0, 0, 0},
    {"smtpd_noqueue_reject_is_other",
     PFX "postfix/smtpd[555]: NOQUEUE: reject: RCPT from "
         "unknown[192.0.2.9]: 550 5.1.1 <x@example.com>: Recipient address "
         "rejected: User unknown; from=<a@example.net> to=<x@example.com> "
         "proto=ESMTP helo=<h.example.net>",
     LOGLINE_OTHER, LOGLINE_MTA_POSTFIX, LOGSTAT_NONE, "smtpd", "NOQUEUE", NULL,
     NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, 0},
    {"rfc5424_prefix",
     "<22>1 2026-11-25T22:24:21.123456+01:00 mail postfix/smtp 4242 - - "
     "3F1A2B4C79: to=<o@example.com>, relay=mx.example.com[192.0.2.1]:25, "
     "delay=0.4, delays=0/0/0.2/0.2, dsn=5.2.1, status=bounced (host "
     "mx.example.com[192.0.2.1] said: 550 5.2.1 Mailbox disabled (in reply "
     "to RCPT TO command))",
     LOGLINE_DELIVERY, LOGLINE_MTA_POSTFIX, LOGSTAT_BOUNCED, "smtp",
     "3F1A2B4C79", "o@example.com", NULL, NULL, "mx.example.com[192.0.2.1]:25",
     "5.2.1", "550 5.2.1 Mailbox disabled", "RCPT TO",
     "mx.example.com[192.0.2.1]", 550, LOGLINE_F_SAID, 0},
    {"maillog_file_syslog_name",
     "Nov  5 09:01:02 A pf-A/smtp[31337]: 4Hq0a1b2c3d4e5f: "
     "to=<later@remote.test>, relay=127.0.0.1[127.0.0.1]:2526, delay=0.07, "
     "delays=0.03/0.01/0.02/0.01, dsn=4.2.1, status=deferred (host "
     "127.0.0.1[127.0.0.1] said: 450 4.2.1 <later@remote.test>: Recipient "
     "address rejected: try later (in reply to RCPT TO command))",
     LOGLINE_DELIVERY, LOGLINE_MTA_POSTFIX, LOGSTAT_DEFERRED, "smtp",
     "4Hq0a1b2c3d4e5f", "later@remote.test", NULL, NULL,
     "127.0.0.1[127.0.0.1]:2526", "4.2.1",
     "450 4.2.1 <later@remote.test>: Recipient address rejected: try later",
     "RCPT TO", "127.0.0.1[127.0.0.1]", 450, LOGLINE_F_SAID, 0},
    {"quoted_local_part_with_comma",
     PFX "postfix/smtp[4255]: 3F1A2B4C7A: to=<\"doe, john\"@example.com>, "
         "relay=mx.example.com[192.0.2.1]:25, delay=0.2, delays=0/0/0.1/0.1, "
         "dsn=2.0.0, status=sent (250 Ok)",
     LOGLINE_DELIVERY, LOGLINE_MTA_POSTFIX, LOGSTAT_SENT, "smtp", "3F1A2B4C7A",
     "\"doe, john\"@example.com", NULL, NULL, "mx.example.com[192.0.2.1]:25",
     "2.0.0", "250 Ok", NULL, NULL, 250, 0, 0},
    {"crlf_and_no_host_prefix",
     "postfix/smtp[4256]: 3F1A2B4C7B: to=<m@example.com>, relay=none, "
     "delay=1, delays=0/0/1/0, dsn=4.4.1, status=deferred (connect to "
     "mx.example.com[192.0.2.1]:25: Connection refused)\r\n",
     LOGLINE_DELIVERY, LOGLINE_MTA_POSTFIX, LOGSTAT_DEFERRED, "smtp",
     "3F1A2B4C7B", "m@example.com", NULL, NULL, "none", "4.4.1",
     "connect to mx.example.com[192.0.2.1]:25: Connection refused", NULL, NULL,
     0, LOGLINE_F_CONNECT, LOGLINE_ERR_PREFIX},
    {"truncated_status_text",
     PFX "postfix/smtp[4257]: 3F1A2B4C7C: to=<l@example.com>, "
         "relay=mx.example.com[192.0.2.1]:25, dsn=4.2.2, status=deferred "
         "(host mx.example.com[192.0.2.1] said: 452 4.2.2 Mailbox fu",
     LOGLINE_DELIVERY, LOGLINE_MTA_POSTFIX, LOGSTAT_DEFERRED, "smtp",
     "3F1A2B4C7C", "l@example.com", NULL, NULL, "mx.example.com[192.0.2.1]:25",
     "4.2.2", "452 4.2.2 Mailbox fu", NULL, "mx.example.com[192.0.2.1]", 452,
     LOGLINE_F_SAID, LOGLINE_ERR_PAREN},
    {"unknown_status_and_bad_dsn",
     PFX "postfix/smtp[4258]: 3F1A2B4C7D: to=<k@example.com>, relay=none, "
         "dsn=9.9.9, status=weird (something)",
     LOGLINE_DELIVERY, LOGLINE_MTA_POSTFIX, LOGSTAT_NONE, "smtp", "3F1A2B4C7D",
     "k@example.com", NULL, NULL, "none", NULL, "something", NULL, NULL, 0, 0,
     LOGLINE_ERR_STATUS | LOGLINE_ERR_DSN},
    {"sendmail_deferred_452",
     PFX "sm-mta[12345]: 4APMOLq1012345: to=<u@example.com>, "
         "ctladdr=<app@example.org> (1000/1000), delay=00:00:02, "
         "xdelay=00:00:02, mailer=esmtp, pri=120394, relay=mx.example.com. "
         "[192.0.2.1], dsn=4.2.2, stat=Deferred: 452 4.2.2 Mailbox full",
     LOGLINE_DELIVERY, LOGLINE_MTA_SENDMAIL, LOGSTAT_DEFERRED, "sm-mta",
     "4APMOLq1012345", "u@example.com", NULL, NULL,
     "mx.example.com. [192.0.2.1]", "4.2.2", "452 4.2.2 Mailbox full", NULL,
     NULL, 452, 0, 0},
    {"sendmail_user_unknown",
     PFX "sendmail[999]: 4APMOLq1012346: to=<nobody@example.com>, "
         "delay=00:00:01, xdelay=00:00:01, mailer=esmtp, pri=30321, "
         "relay=mx.example.com. [192.0.2.1], dsn=5.1.1, stat=User unknown",
     LOGLINE_DELIVERY, LOGLINE_MTA_SENDMAIL, LOGSTAT_BOUNCED, "sendmail",
     "4APMOLq1012346", "nobody@example.com", NULL, NULL,
     "mx.example.com. [192.0.2.1]", "5.1.1", "User unknown", NULL, NULL, 0, 0,
     0},
    {"sendmail_sent",
     PFX "sm-mta[12346]: 4APMOLq1012347: to=<c@example.com>, "
         "delay=00:00:01, xdelay=00:00:01, mailer=esmtp, pri=120394, "
         "relay=mx.example.com. [192.0.2.1], dsn=2.0.0, stat=Sent "
         "(4HqS0B2kZbz9sWM Message accepted for delivery)",
     LOGLINE_DELIVERY, LOGLINE_MTA_SENDMAIL, LOGSTAT_SENT, "sm-mta",
     "4APMOLq1012347", "c@example.com", NULL, NULL,
     "mx.example.com. [192.0.2.1]", "2.0.0",
     "4HqS0B2kZbz9sWM Message accepted for delivery", NULL, NULL, 0, 0, 0},
    {"sendmail_deferred_connection_refused",
     PFX "sm-mta[12347]: 4APMOLq1012348: to=<d@example.com>, "
         "delay=00:00:00, xdelay=00:00:00, mailer=esmtp, pri=120394, "
         "relay=mx.example.com., dsn=4.0.0, stat=Deferred: Connection "
         "refused by mx.example.com.",
     LOGLINE_DELIVERY, LOGLINE_MTA_SENDMAIL, LOGSTAT_DEFERRED, "sm-mta",
     "4APMOLq1012348", "d@example.com", NULL, NULL, "mx.example.com.", "4.0.0",
     "Connection refused by mx.example.com.", NULL, NULL, 0, LOGLINE_F_CONNECT,
     0},
    {"sendmail_host_unknown",
     PFX "sm-mta[12348]: 4APMOLq1012349: to=<e@nonexistent.invalid>, "
         "delay=00:00:00, xdelay=00:00:00, mailer=esmtp, pri=30000, "
         "relay=nonexistent.invalid, dsn=5.1.2, stat=Host unknown (Name "
         "server: nonexistent.invalid: host not found)",
     LOGLINE_DELIVERY, LOGLINE_MTA_SENDMAIL, LOGSTAT_BOUNCED, "sm-mta",
     "4APMOLq1012349", "e@nonexistent.invalid", NULL, NULL,
     "nonexistent.invalid", "5.1.2",
     "Host unknown (Name server: nonexistent.invalid: host not found)", NULL,
     NULL, 0, LOGLINE_F_DNS, 0},
    {"sendmail_from",
     PFX "sm-mta[12349]: 4APMOLq1012350: from=<app@example.org>, "
         "size=1234, class=0, nrcpts=1, msgid=<abc@example.org>, "
         "proto=ESMTP, daemon=MTA, relay=localhost [127.0.0.1]",
     LOGLINE_SENDER, LOGLINE_MTA_SENDMAIL, LOGSTAT_NONE, "sm-mta",
     "4APMOLq1012350", NULL, NULL, "app@example.org", "localhost [127.0.0.1]",
     NULL, NULL, NULL, NULL, 0, 0, 0},
    {"said_without_host_name",
     PFX "postfix/smtp[4259]: 3F1A2B4C7F: to=<j@example.com>, relay=none, "
         "dsn=4.0.0, status=deferred (host said: 451 later)",
     LOGLINE_DELIVERY, LOGLINE_MTA_POSTFIX, LOGSTAT_DEFERRED, "smtp",
     "3F1A2B4C7F", "j@example.com", NULL, NULL, "none", "4.0.0",
     "host said: 451 later", NULL, NULL, 0, 0, 0},
    {"in_reply_to_overlapping_suffix",
     PFX "postfix/smtp[4260]: 3F1A2B4C80: to=<i@example.com>, relay=none, "
         "dsn=4.0.0, status=deferred (host mx[192.0.2.1] said: x (in reply "
         "to command))",
     LOGLINE_DELIVERY, LOGLINE_MTA_POSTFIX, LOGSTAT_DEFERRED, "smtp",
     "3F1A2B4C80", "i@example.com", NULL, NULL, "none", "4.0.0",
     "x (in reply to command)", NULL, "mx[192.0.2.1]", 0, LOGLINE_F_SAID, 0},
    {"quoted_local_part_names_no_field",
     PFX "postfix/smtp[4261]: 3F1A2B4C81: to=<\"x, orig_to=<ceo@victim.test>,"
         " dsn=5.1.1, status=bounced (x\\\", y\"@remote.test>, "
         "relay=mx.remote.test[192.0.2.1]:25, delay=0.05, dsn=2.0.0, "
         "status=sent (250 2.0.0 Ok)",
     LOGLINE_DELIVERY, LOGLINE_MTA_POSTFIX, LOGSTAT_SENT, "smtp",
     "3F1A2B4C81",
     "\"x, orig_to=<ceo@victim.test>, dsn=5.1.1, status=bounced (x\\\", "
     "y\"@remote.test",
     NULL, NULL, "mx.remote.test[192.0.2.1]:25", "2.0.0", "250 2.0.0 Ok",
     NULL, NULL, 250, 0, 0},
    {"garbage_is_other", "this is not a mail log line at all", LOGLINE_OTHER,
     LOGLINE_MTA_UNKNOWN, LOGSTAT_NONE, NULL, NULL, NULL, NULL, NULL, NULL,
     NULL, NULL, NULL, NULL, 0, 0, LOGLINE_ERR_PREFIX},
};

#define NGOLDEN (sizeof golden / sizeof golden[0])

static void check_span(const char *what, const char *name,
                       struct logline_span got, const char *want)
{
    if (want == NULL) {
        if (got.p != NULL)
            fail_msg("%s: %s: want absent, got \"%.*s\"", name, what,
                     (int)got.len, got.p);
        return;
    }
    if (!logline_span_eq(got, want))
        fail_msg("%s: %s: want \"%s\", got %s\"%.*s\"", name, what, want,
                 got.p ? "" : "(absent) ", (int)got.len, got.p ? got.p : "");
}

static void parses_golden_line(void **state)
{
    const struct golden *g = *state;
    struct logline ll;

    enum logline_kind k = logline_parse(g->line, strlen(g->line), &ll);
    assert_int_equal(k, ll.kind);
    assert_int_equal(ll.kind, g->kind);
    assert_int_equal(ll.mta, g->mta);
    assert_int_equal(ll.status, g->status);
    check_span("service", g->name, ll.service, g->service);
    check_span("queue_id", g->name, ll.queue_id, g->queue_id);
    check_span("to", g->name, ll.to, g->to);
    check_span("orig_to", g->name, ll.orig_to, g->orig_to);
    check_span("from", g->name, ll.from, g->from);
    check_span("relay", g->name, ll.relay, g->relay);
    assert_string_equal(ll.dsn, g->dsn ? g->dsn : "");
    check_span("reply", g->name, ll.reply, g->reply);
    check_span("reply_cmd", g->name, ll.reply_cmd, g->cmd);
    check_span("remote", g->name, ll.remote, g->remote);
    assert_int_equal(ll.reply_code, g->code);
    assert_int_equal(ll.flags, g->flags);
    assert_int_equal(ll.errors, g->errors);
}

/* Every prefix of every golden line parses without reading past it (run
 * under ASan this catches overreads) and never claims more than the line. */
static void survives_every_truncation(void **state)
{
    (void)state;
    for (size_t i = 0; i < NGOLDEN; i++) {
        size_t n = strlen(golden[i].line);
        for (size_t cut = 0; cut <= n; cut++) {
            char *copy = test_malloc(cut ? cut : 1);
            struct logline ll;
            memcpy(copy, golden[i].line, cut);
            (void)logline_parse(copy, cut, &ll);
            if (ll.reply.p != NULL)
                assert_true(ll.reply.p + ll.reply.len <= copy + cut);
            test_free(copy);
        }
    }
}

static void nul_byte_cuts_the_line(void **state)
{
    static const char line[] =
        PFX "postfix/smtp[1]: 3F1A2B4C7E: to=<a@example.com>, relay=none, "
            "dsn=2.0.0, status=sent (ok)\0garbage";
    struct logline ll;
    (void)state;
    assert_int_equal(logline_parse(line, sizeof line - 1, &ll),
                     LOGLINE_DELIVERY);
    assert_true(ll.errors & LOGLINE_ERR_NUL);
    assert_true(logline_span_eq(ll.reply, "ok"));
}

/* Where a queued message's Message-ID is logged: Postfix cleanup(8) on a
 * line of its own, Sendmail in its from= line. */
struct mid_case {
    const char *line;
    enum logline_kind kind;
    const char *queue_id, *message_id;
};

static const struct mid_case mid_cases[] = {
    {PFX "postfix/cleanup[777]: " QID ": message-id=<20261125.abc@example.org>",
     LOGLINE_MESSAGE_ID, QID, "20261125.abc@example.org"},
    /* a Message-ID with ", " and "=" in it is still one value */
    {PFX "postfix/cleanup[777]: 3F1A2B4C80: message-id=<a, b=c@example.org>\n",
     LOGLINE_MESSAGE_ID, "3F1A2B4C80", "a, b=c@example.org"},
    /* cleanup logs the header as the client wrote it: no brackets */
    {PFX "postfix/cleanup[777]: 3F1A2B4C81: message-id=bare-id@example.org",
     LOGLINE_MESSAGE_ID, "3F1A2B4C81", "bare-id@example.org"},
    /* an empty header is no id */
    {PFX "postfix/cleanup[777]: 3F1A2B4C82: message-id=",
     LOGLINE_OTHER, "3F1A2B4C82", NULL},
    /* the resent id is not the message's own */
    {PFX "postfix/cleanup[777]: 3F1A2B4C83: resent-message-id=<r@example.org>",
     LOGLINE_OTHER, "3F1A2B4C83", NULL},
    {"2026-11-25T22:24:21.123456+00:00 mail postfix/submission/cleanup[9]: "
     "3F1A2B4C84: message-id=<iso@example.org>",
     LOGLINE_MESSAGE_ID, "3F1A2B4C84", "iso@example.org"},
    {PFX "sm-mta[12349]: 4APMOLq1012350: from=<app@example.org>, "
         "size=1234, class=0, nrcpts=1, msgid=<abc@example.org>, "
         "proto=ESMTP, daemon=MTA, relay=localhost [127.0.0.1]",
     LOGLINE_SENDER, "4APMOLq1012350", "abc@example.org"},
    {PFX "postfix/qmgr[321]: 3F1A2B4C77: from=<app@example.org>, "
         "size=1234, nrcpt=2 (queue active)",
     LOGLINE_SENDER, "3F1A2B4C77", NULL},
};

static void finds_message_ids(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof mid_cases / sizeof mid_cases[0]; i++) {
        const struct mid_case *m = &mid_cases[i];
        struct logline ll;
        char name[16];

        snprintf(name, sizeof name, "case %zu", i);
        assert_int_equal(logline_parse(m->line, strlen(m->line), &ll),
                         m->kind);
        check_span("queue_id", name, ll.queue_id, m->queue_id);
        check_span("message_id", name, ll.message_id, m->message_id);
        assert_true(ll.to.p == NULL && ll.status == LOGSTAT_NONE);
    }
}

static void resolves_rfc3164_time_in_current_year(void **state)
{
    struct logline ll;
    time_t t;
    (void)state;
    /* now = 2026-11-25T23:00:00Z */
    time_t now = 1795647600;
    logline_parse(PFX "postfix/smtp[1]: x", strlen(PFX) + 18, &ll);
    assert_true(ll.time.valid);
    assert_int_equal(ll.time.year, 0);
    assert_true(logline_time_resolve(&ll.time, 0, now, &t));
    assert_int_equal((long long)t, 1795645461LL); /* 22:24:21Z */
    /* the same wall clock one hour east of UTC */
    assert_true(logline_time_resolve(&ll.time, 3600, now, &t));
    assert_int_equal((long long)t, 1795645461LL - 3600);
}

static void resolves_december_line_in_january_to_last_year(void **state)
{
    static const char line[] = "Dec 31 23:59:59 mail postfix/smtp[1]: x";
    struct logline ll;
    time_t t;
    (void)state;
    time_t now = 1798761600; /* 2027-01-01T00:00:00Z */
    logline_parse(line, sizeof line - 1, &ll);
    assert_true(logline_time_resolve(&ll.time, 0, now, &t));
    assert_int_equal((long long)t, 1798761599LL); /* 2026-12-31T23:59:59Z */
}

static void resolves_iso_offset(void **state)
{
    static const char line[] =
        "2026-11-25T23:24:21.5+01:00 mail postfix/smtp[1]: x";
    struct logline ll;
    time_t t;
    (void)state;
    logline_parse(line, sizeof line - 1, &ll);
    assert_true(ll.time.has_offset);
    assert_int_equal(ll.time.usec, 500000);
    assert_true(logline_time_resolve(&ll.time, 7200, 0, &t));
    assert_int_equal((long long)t, 1795645461LL);
}

int main(void)
{
    struct CMUnitTest tests[NGOLDEN + 6];
    size_t n = 0;

    for (size_t i = 0; i < NGOLDEN; i++) {
        struct CMUnitTest t = {golden[i].name, parses_golden_line, NULL, NULL,
                               (void *)&golden[i]};
        tests[n++] = t;
    }
    struct CMUnitTest extra[] = {
        cmocka_unit_test(survives_every_truncation),
        cmocka_unit_test(nul_byte_cuts_the_line),
        cmocka_unit_test(finds_message_ids),
        cmocka_unit_test(resolves_rfc3164_time_in_current_year),
        cmocka_unit_test(resolves_december_line_in_january_to_last_year),
        cmocka_unit_test(resolves_iso_offset),
    };
    for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++)
        tests[n++] = extra[i];
    return cmocka_run_group_tests_name("logline", tests, NULL, NULL);
}
