/*
 * test_classify_replies.c - SMTP replies of receivers and providers as they
 * word them (Microsoft, Yahoo, Gmail, Apple, Postfix, Exim, qmail, Sendmail,
 * appliances, and replies without an enhanced status) land in the bucket
 * and reason a mail administrator would give them.  None of these texts is
 * in the seed documents (test_classify_seeds.c covers those): this table
 * checks that the rules generalise to wordings they were not written from.
 * A NULL reason accepts any reason of the bucket.  One TAP line per row.
 * Rules: $top_srcdir/conf/rules.conf.
 */
#include "reply_table.h"

static const struct reply_row rows[] = {
    /* --- Microsoft (Exchange Online, Outlook.com) --- */
    {"550 5.7.708 Service unavailable. Access denied, traffic not accepted "
     "from this IP. For more information please go to "
     "http://go.microsoft.com/fwlink/?LinkId=526653",
     X, "blocklisted", false},
    {"550 5.4.1 Recipient address rejected: Access denied. For more "
     "information see https://aka.ms/EXOSmtpErrors "
     "[AM0PR01MB0001.eurprd01.prod.example] AS(201806281)",
     H, "user_unknown", false},
    {"550 5.7.509 Access denied, sending domain example.com does not pass "
     "DMARC verification and has a DMARC policy of reject.",
     X, "auth_dmarc", true},
    {"550 5.7.515 Access denied, sending domain example.com doesn't meet "
     "the required authentication level.",
     X, "auth", true},
    {"421 4.7.650 The mail server [192.0.2.10] has been temporarily rate "
     "limited due to IP reputation. For e-mail delivery information, see "
     "https://postmaster.live.com (S775)",
     X, "rate_limited", false},
    {"550 5.1.1 RESOLVER.ADR.RecipNotFound; not found",
     H, "user_unknown", false},
    {"550 5.7.1 RESOLVER.RST.NotAuthorized; not authorized",
     X, "policy", false},
    {"554 5.2.2 mailbox full; "
     "STOREDRV.Deliver.Exception:QuotaExceededException.MapiExcept"
     "ionShutoffQuotaExceeded; Failed to process message due to a permanent "
     "exception",
     S, "mailbox_full", false},
    {"550 5.7.511 Access denied, banned sender[192.0.2.10]. To request "
     "removal from this list, forward this message to "
     "delist@messaging.microsoft.com.",
     X, "blocklisted", false},
    {"530 5.7.57 Client not authenticated to send mail. Error: 535 5.7.139 "
     "Authentication unsuccessful",
     X, "smtp_auth", false},
    {"550 5.7.133 RESOLVER.RST.SenderNotAuthenticatedForGroup; "
     "authentication required; Delivery restriction check failed because "
     "the sender was not authenticated when sending to this group",
     X, "policy", false},
    {"550 5.4.316 Message expired, connection refused(Socket error code "
     "10061)",
     S, "expired", false},
    {"550 4.4.7 QUEUE.Expired; message expired", S, "expired", false},
    {"441 4.4.1 Error encountered while communicating with primary target "
     "IP address: Failed to connect. Winsock error code: 10060, Win32 error "
     "code: 10060.",
     S, "network", false},
    {"554 5.4.14 Hop count exceeded - possible mail loop ATTR34",
     S, "network", false},
    {"550 5.4.310 DNS domain example.invalid does not exist "
     "[Message=InfoDomainNonexistent] "
     "[LastAttemptedServerName=example.invalid]",
     H, "domain_not_found", false},
    {"550 5.7.1 TRANSPORT.RULES.RejectMessage; the message was rejected by "
     "organization policy",
     X, "policy", false},
    {"550 5.7.520 Access denied, Your organization does not allow external "
     "forwarding. Please contact your administrator for further assistance. "
     "AS(7555)",
     X, "policy", false},
    {"550 5.6.11 SMTPSEND.BareLinefeedsAreIllegal; message contains bare "
     "linefeeds, which cannot be sent via DATA",
     X, "not_compliant", false},
    {"550 5.7.1 Service unavailable, MailFrom domain is listed in Spamhaus. "
     "To request removal from this list see "
     "https://www.spamhaus.org/query/lookup/ (S8002)",
     X, "blocklisted", false},
    {"550 5.7.1 Unfortunately, messages from [192.0.2.10] weren't sent. "
     "Please contact your Internet service provider since part of their "
     "network is on our block list (S3150).",
     X, "blocklisted", false},
    {"421 RP-001 (BAY004-MC1F37) Unfortunately, some messages from "
     "192.0.2.10 weren't sent. Please try again. We have limits for how "
     "many messages can be sent per hour and per day.",
     X, "rate_limited", false},
    {"550 SC-001 (BAY004-MC1F2) Unfortunately, messages from 192.0.2.10 "
     "weren't sent. Please contact your Internet service provider. You can "
     "tell them that Hotmail does not relay dynamically-assigned IP ranges.",
     X, "blocklisted", false},
    {"550 5.5.0 Requested action not taken: mailbox unavailable "
     "(S2017062302).",
     H, "user_unknown", false},
    {"550 5.1.90 Your message can't be sent because you've reached your "
     "daily limit for message recipients.",
     X, "rate_limited", false},

    /* --- Yahoo --- */
    {"421 4.7.0 [TSS04] Messages from 192.0.2.10 temporarily deferred due "
     "to unexpected volume or user complaints - 4.16.55.1; see "
     "https://postmaster.yahooinc.com/error-codes",
     X, "rate_limited", false},
    {"553 5.7.2 [TSS09] All messages from 192.0.2.10 will be permanently "
     "deferred; Retrying will NOT succeed. See "
     "https://postmaster.yahooinc.com/error-codes",
     X, "blocklisted", false},
    {"554 30 Sorry, your message to alice@yahoo.example cannot be "
     "delivered. This mailbox is disabled (554.30).",
     H, "mailbox_disabled", false},
    {"552 1 Requested mail action aborted, mailbox not found",
     H, "user_unknown", false},
    {"554 delivery error: dd This user doesn't have a yahoo.com account "
     "(alice@yahoo.example) [0] - mta1001.mail.ne1.yahoo.example",
     H, "user_unknown", false},
    {"554 delivery error: dd Sorry your message to bob@ymail.example cannot "
     "be delivered. This account has been disabled or discontinued [#102]. "
     "- mta1002.mail.ne1.yahoo.example",
     H, "mailbox_disabled", false},
    /* Yahoo's and AOL's refusal of mail that fails its domain's DMARC
     * policy; the same status with other words is not (a TLS refusal,
     * bounceguard-rules(5)) */
    {"554 5.7.9 Message not accepted for policy reasons.  See "
     "https://postmaster.yahooinc.com/error-codes",
     X, "auth_dmarc", true},
    {"554 5.7.9 Sending without TLS when required", X, NULL, false},

    /* --- Gmail (multi-line replies as sent) --- */
    {"450-4.2.1 The user you are trying to contact is receiving mail at a "
     "rate that\r\n"
     "450-4.2.1 prevents additional messages from being delivered. Please "
     "resend your\r\n"
     "450 4.2.1 message at a later time. For more information, go to\r\n"
     "450 4.2.1  https://support.google.com/mail/answer/6592 a1si123 - gsmtp",
     S, "rate_limited", false},
    {"552-5.2.2 The email account that you tried to reach is over quota. "
     "Please direct\r\n"
     "552-5.2.2 the recipient to\r\n"
     "552 5.2.2  https://support.google.com/mail/?p=OverQuotaPerm a1si123 - "
     "gsmtp",
     S, "mailbox_full", false},
    {"452-4.2.2 The recipient's inbox is out of storage space. Please "
     "direct the\r\n"
     "452-4.2.2 recipient to\r\n"
     "452 4.2.2  https://support.google.com/mail/?p=OverQuotaTemp a1si123 - "
     "gsmtp",
     S, "mailbox_full", false},
    {"550-5.7.1 [192.0.2.10      12] Our system has detected that this "
     "message is\r\n"
     "550-5.7.1 likely unsolicited mail. To reduce the amount of spam sent "
     "to Gmail,\r\n"
     "550-5.7.1 this message has been blocked. Please visit\r\n"
     "550 5.7.1  https://support.google.com/mail/?p=UnsolicitedMessageError "
     "a1si123 - gsmtp",
     X, "spam_detected", false},
    {"421-4.7.0 [192.0.2.10      15] Our system has detected an unusual "
     "rate of\r\n"
     "421-4.7.0 unsolicited mail originating from your IP address. To "
     "protect our\r\n"
     "421-4.7.0 users from spam, mail sent from your IP address has been "
     "temporarily\r\n"
     "421 4.7.0 rate limited.",
     X, "rate_limited", false},
    {"550-5.7.25 [192.0.2.10] The IP address sending this message does not "
     "have a\r\n"
     "550-5.7.25 PTR record setup, or the corresponding forward DNS entry "
     "does not\r\n"
     "550-5.7.25 point to the sending IP. As a policy, Gmail does not "
     "accept messages\r\n"
     "550 5.7.25 from IPs with missing PTR records.",
     X, "require_ptr", false},
    {"550-5.2.1 The email account that you tried to reach is disabled. "
     "Learn more at\r\n"
     "550 5.2.1  https://support.google.com/mail/?p=DisabledUser a1si123 - "
     "gsmtp",
     H, "mailbox_disabled", false},
    {"550-5.1.1 The email account that you tried to reach does not exist. "
     "Please try\r\n"
     "550-5.1.1 double-checking the recipient's email address for typos "
     "or\r\n"
     "550-5.1.1 unnecessary spaces. Learn more at\r\n"
     "550 5.1.1  https://support.google.com/mail/?p=NoSuchUser a1si123 - "
     "gsmtp",
     H, "user_unknown", false},
    {"552-5.7.0 This message was blocked because its content presents a "
     "potential\r\n"
     "552-5.7.0 security issue. Please visit\r\n"
     "552 5.7.0  https://support.google.com/mail/?p=BlockedMessage a1si123 "
     "- gsmtp",
     X, "content", false},
    {"550-5.7.26 Unauthenticated email from example.com is not accepted due "
     "to domain's\r\n"
     "550-5.7.26 DMARC policy. Please contact the administrator of "
     "example.com domain\r\n"
     "550 5.7.26 if this was a legitimate mail.",
     X, "auth_dmarc", true},
    {"421-4.7.26 This mail has been rate limited because it is "
     "unauthenticated.\r\n"
     "421-4.7.26 Gmail requires all senders to authenticate with either SPF "
     "or DKIM.",
     X, "auth", true},
    {"421-4.7.0 TLS required for RCPT domain, closing connection. For more "
     "information,\r\n"
     "421 4.7.0 go to https://support.google.com/a/answer/2520500 a1si123 - "
     "gsmtp",
     X, "tls_required", false},
    {"550-5.7.1 The user or domain that you are sending to (or from) has a "
     "policy that\r\n"
     "550-5.7.1 prohibited the mail that you sent. Please contact your "
     "domain\r\n"
     "550 5.7.1 administrator for further details.",
     X, "policy", false},
    {"550-5.4.5 Daily user sending limit exceeded. For more information on "
     "Gmail\r\n"
     "550 5.4.5 sending limits go to "
     "https://support.google.com/a/answer/166852",
     X, "rate_limited", false},

    /* --- Apple iCloud --- */
    {"550 5.7.1 [CS01] Message rejected due to local policy. Please visit "
     "https://support.apple.com/en-us/HT204137",
     X, "policy", false},
    {"554 5.7.1 [HM08] Message rejected due to local policy. Please visit "
     "https://support.apple.com/en-us/HT204137",
     X, "policy", false},

    /* --- Postfix and others: greylisting, rDNS, block lists, relay --- */
    {"451 4.7.1 Greylisting in action, please come back later",
     S, "greylisted", false},
    {"450 4.2.0 <bob@example.org>: Recipient address rejected: Greylisted, "
     "see http://postgrey.schweikert.ch/help/example.org.html",
     S, "greylisted", false},
    {"451 4.7.1 <dev@example.io>: Recipient address rejected: Intentional "
     "policy rejection, please try again later",
     S, "greylisted", false},
    {"421 4.7.0 Too many 'user unknown' errors from your IP address, "
     "closing connection",
     X, "rate_limited", false},
    {"Delivery attempt 1: 451 4.3.0 Temporary lookup failure\nDelivery "
     "attempt 7: 550 5.1.1 <mia@example.com>: User unknown in local "
     "recipient table",
     H, "user_unknown", false},
    {"450 4.2.1 Peak SMTP relay limit exceeded for customer. For more "
     "information on SMTP relay sending limits please contact your "
     "administrator",
     X, "rate_limited", false},
    {"554 cxr.mx.a.cox.net cxr mail from this sender has been blocked by "
     "Cox. CXMJ",
     X, "blocklisted", false},
    {"451 Ratelimit exceeded for mailbox jane.doe@example.ru. Try again "
     "later.",
     S, "rate_limited", false},
    {"Error message: There are no DNS entries for the hostname "
     "sales.example. I cannot determine where to send this message.",
     H, "domain_not_found", false},
    {"450 4.7.1 Client host rejected: Greylisted, please retry in 5 "
     "minutes",
     S, "greylisted", false},
    {"a.khan@example-gone.net\n    unrouteable mail domain "
     "\"example-gone.net\"",
     H, "domain_not_found", false},
    {"450 4.7.1 <a@example.de>: Recipient address rejected: Policy "
     "Rejection- Please try later.",
     S, "greylisted", false},
    {"451-The server has reached its limit for processing requests from "
     "your host.\n451 Please try again later.",
     X, "rate_limited", false},
    {"421-mx.example.net Nemesis ESMTP Service not available\n421-Service "
     "unavailable\n421-Reject due to policy restrictions.\n421 For "
     "explanation visit https://postmaster.example.net/en/error-messages",
     X, "policy", false},
    {"451 RP:CEL 163 mx12,IMMXCAAHaFpB2WdmTqI2AA--.8821S3 1746432819", X,
     "rate_limited", false},
    /* greylisting at MAIL FROM is no refusal of the sender */
    {"host mx.example.com[192.0.2.1] said: 451 4.7.1 Greylisted, please "
     "try again in 300 seconds (in reply to MAIL FROM command)",
     S, "greylisted", false},
    {"Connected to 192.0.2.61 but sender was rejected. Remote host said: "
     "451 4.7.1 Greylisted, please try again in 300 seconds",
     S, "greylisted", false},
    {"554 cxr.mx.a.cox.net cmsmtp IP address 198.51.100.77 has been "
     "blocked. Refer to CXBL",
     X, "blocklisted", false},
    {"450 4.7.1 Client host rejected: cannot find your reverse hostname, "
     "[192.0.2.10]",
     X, "require_ptr", false},
    {"450 4.7.25 Client host rejected: cannot find your hostname, "
     "[192.0.2.10]",
     X, "require_ptr", false},
    {"554 5.7.1 Service unavailable; Client host [192.0.2.10] blocked using "
     "zen.spamhaus.org; https://www.spamhaus.org/query/ip/192.0.2.10",
     X, "blocklisted", false},
    {"550 5.1.1 <bob@example.org>: Recipient address rejected: User unknown "
     "in virtual mailbox table",
     H, "user_unknown", false},
    {"554 5.7.1 <bob@example.org>: Relay access denied",
     X, "relay_denied", false},
    {"452 4.5.3 Error: too many recipients", X, "exceed_limit", false},
    {"552 5.3.4 Error: message file too big", X, "message_too_large", false},
    {"554 5.7.5 Permanent error evaluating DMARC policy",
     X, "auth_dmarc", true},

    /* --- replies without an enhanced status (qmail and others) --- */
    {"550 No such user here", H, "user_unknown", false},
    {"550 account is not found in this domain", H, "user_unknown", false},
    {"550 the domain is not found", H, "domain_not_found", false},
    {"451 domain is not found", S, "network", false},
    {"553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)",
     X, "relay_denied", false},
    {"452 Mailbox full", S, "mailbox_full", false},
    {"553 sorry, this recipient is not in my validrcptto list (#5.7.1)",
     H, "user_unknown", false},
    {"511 sorry, no mailbox here by that name (#5.1.1)",
     H, "user_unknown", false},
    {"552 sorry, mailbox bob@example.org is over quota temporarily (#5.1.1)",
     S, "mailbox_full", false},
    {"451 qq temporary problem (#4.3.0)", S, "system_error", false},
    {"550 The email address you entered couldn't be found", H,
     "user_unknown", false},
    /* Lotus Domino and Notes in Japanese: not in the directory */
    {"550 \xe3\x83\xa6\xe3\x83\xbc\xe3\x82\xb6\xe3\x83\xbc a@example.jp "
     "\xe3\x81\xaf Domino \xe3\x83\x87\xe3\x82\xa3\xe3\x83\xac\xe3\x82\xaf"
     "\xe3\x83\x88\xe3\x83\xaa\xe3\x81\xab\xe3\x81\xaf\xe8\xa6\x8b\xe3\x81"
     "\xa4\xe3\x81\x8b\xe3\x82\x8a\xe3\x81\xbe\xe3\x81\x9b\xe3\x82\x93",
     H, "user_unknown", false},
    /* an explicit null MX beats the DNS error it is reported with */
    {"550 DNS Error: DNS type 'mx' lookup of example.org responded with "
     "code NOERROR The domain example.org doesn't receive email according "
     "to the administrator: returned Null MX", H, "no_mx", false},
    /* a Google Groups notice in any language: its help link */
    {"Ahoj, skupina (x) pravdepodobne neexistuje. Centrum napovedy: "
     "https://groups.google.com/support/", X, "policy", false},
    /* T-Online: "(BL)" marks its block list */
    {"554 IP=192.0.2.1 - A problem occurred. (Ask your postmaster for help "
     "or to contact tosa@rx.t-online.de to clarify.) (BL)",
     X, "blocklisted", false},
    /* typographic apostrophes, as HTML notices and some servers write */
    {"550 User doesn\xe2\x80\x99t exist", H, "user_unknown", false},
    {"550 The email address you entered couldn\xe2\x80\x99t be found", H,
     "user_unknown", false},

    /* --- the envelope sender, HELO, callouts, SPF policy daemons --- */
    {"450 4.1.8 <bounce@example.com>: Sender address rejected: Domain not "
     "found",
     X, "sender_rejected", false},
    {"550 5.1.0 <bounce@example.com>: Sender address rejected: User unknown "
     "in local recipient table",
     X, "sender_rejected", false},
    {"504 5.5.2 <localhost>: Helo command rejected: need fully-qualified "
     "hostname",
     X, "sender_rejected", false},
    {"550-Verification failed for <bounce@example.com>\r\n"
     "550-Called:   192.0.2.20\r\n"
     "550-Sent:     RCPT TO:<bounce@example.com>\r\n"
     "550-Response: 550 5.1.1 <bounce@example.com>: Recipient address "
     "rejected: User unknown\r\n"
     "550 Sender verify failed",
     X, "sender_rejected", false},
    {"550-Callout verification failed:\r\n"
     "550 550 5.1.1 <bob@example.org>: Recipient address rejected: User "
     "unknown",
     H, "user_unknown", false},
    {"554 5.7.1 <bob@example.org>: Recipient address rejected: Message "
     "rejected due to: SPF fail - not authorized. Please see "
     "http://www.open-spf.org/Why?s=mfrom;id=bounce@example.com;ip"
     "=192.0.2.10;r=<UNKNOWN>",
     X, "auth_spf", true},
    {"550 5.7.1 <bob@example.org>: Recipient address rejected: Please see "
     "http://www.openspf.net/Why?s=mfrom;id=bounce@example.com;ip="
     "192.0.2.10;r=mx.example.org",
     X, "auth_spf", true},
    {"450 4.1.1 <bob@example.org>: Recipient address rejected: unverified "
     "address: Address verification in progress",
     S, NULL, false},

    /* --- Exim, connections, TLS, reputation --- */
    {"421 Too many concurrent SMTP connections from this IP address; please "
     "try again later.",
     X, "too_many_connections", false},
    {"550 Administrative prohibition", X, "policy", false},
    {"550 relay not permitted", X, "relay_denied", false},
    {"550 Unrouteable address", H, "user_unknown", false},
    {"451 Temporary local problem - please try later",
     S, "system_error", false},
    {"530 5.7.0 Must issue a STARTTLS command first",
     X, "tls_required", false},
    {"554 5.7.1 Your access to this mail system has been rejected due to "
     "the sending MTA's poor reputation. If you believe that this failure "
     "is in error, please contact the intended recipient via alternate "
     "means.",
     X, "bad_reputation", false},

    /* --- appliances (Barracuda, Mimecast), AOL, GMX --- */
    {"554 Service unavailable; Client host [192.0.2.10] blocked using "
     "Barracuda Reputation; "
     "http://www.barracudanetworks.com/reputation/?pr=1&ip=192.0.2.10",
     X, "blocklisted", false},
    {"550 Invalid Recipient - "
     "https://community.mimecast.com/docs/DOC-1369#550 [AbCdEfGhIjK.uk123]",
     H, "user_unknown", false},
    {"550 Administrative prohibition - envelope blocked - "
     "https://community.mimecast.com/docs/DOC-1369#550 [AbCdEfGhIjK.uk123]",
     X, "policy", false},
    /* mail whose From: claims a domain its origin may not send for */
    {"550 Rejected by header based Anti-Spoofing policy: bounce@example.com "
     "- https://community.mimecast.com/docs/DOC-1369#550",
     X, "auth", true},
    {"554 5.7.1 Message blocked due to spam content in the message.",
     X, "spam_detected", false},
    {"550 #5.1.0 Address rejected.", H, "user_unknown", false},
    {"521 5.2.1 :  AOL will not accept delivery of this message.",
     X, "policy", false},
    {"554-Transaction failed\r\n"
     "554-Reject due to policy restrictions.\r\n"
     "554 For explanation visit "
     "https://www.gmx.net/mail/senderguidelines?c=pi",
     X, "policy", false},
    {"550 5.7.1 Mail from 192.0.2.10 refused: see RBL",
     X, "blocklisted", false},

    /* --- what the text says of the mailbox, whatever the code --- */
    {"550 user has moved with no forwarding address", H, "has_moved", false},
    {"550 5.2.1 <bob@example.org>: Account inactive as unread for a long "
     "time",
     H, "mailbox_disabled", false},
    {"452 4.2.2 <bob@example.org>: Quota exceeded (mailbox for user is full)",
     S, "mailbox_full", false},
    {"550 Mailbox quota usage exceeded", S, "mailbox_full", false},
    {"552 Requested mail action aborted: exceeded storage allocation",
     S, "mailbox_full", false},
    {"451 4.4.0 DNS resolving error", S, "network", false},
    {"421 4.4.2 Connection dropped due to SocketError", S, "network", false},
    {"550 5.7.1 Email rejected per SPAM policy", X, "spam_detected", false},
    {"551 5.7.1 Message rejected due to virus found", X, "virus", false},
    {"554 5.7.0 Message rejected: DKIM signature verification failed",
     X, "auth_dkim", true},
    {"550 5.7.23 The message was rejected because of Sender Policy "
     "Framework violation",
     X, "auth_spf", true},

    /* --- Mail.ru, Yandex, Zoho, Comcast; local delivery, protocol --- */
    {"550 Message was not accepted -- invalid mailbox.  Local mailbox "
     "bob@mail.example is unavailable: account is disabled",
     H, "mailbox_disabled", false},
    {"550 Message was not accepted -- invalid mailbox.  Local mailbox "
     "bob@mail.example is unavailable: user not found",
     H, "user_unknown", false},
    {"550 spam message rejected. Please visit "
     "http://help.mail.example/notspam-support/id?c=AbCd or report details "
     "to abuse@corp.mail.example. Error code: 1234.",
     X, "spam_detected", false},
    {"554 5.7.1 [2] Message rejected under suspicion of SPAM; "
     "https://ya.cc/1IrBc 1234-AbCd",
     X, "spam_detected", false},
    {"550 5.7.1 No such user!", H, "user_unknown", false},
    {"452 4.2.2 Mailbox is full / Blocks limit exceeded / Inode limit "
     "exceeded",
     S, "mailbox_full", false},
    {"554 Message rejected: Email address is not verified. The following "
     "identities failed the check in region US-EAST-1: bounce@example.com",
     X, "sender_rejected", false},
    {"550 5.3.0 <bob@example.org>... unknown mailer error 75",
     S, "mailer_error", false},
    {"550 5.2.1 This mailbox has been blocked due to inactivity",
     H, "mailbox_disabled", false},
    {"550 5.2.1 This user's email account is temporarily locked",
     S, "mailbox_disabled", false},
    {"550 5.1.1 User does not exist - <bob@zoho.example>",
     H, "user_unknown", false},
    {"550 5.4.6 Unusual sending activity detected. Please try after "
     "sometime.",
     X, "rate_limited", false},
    {"550 5.7.1 Policy rejection on the target address", X, "policy", false},
    /* a limit on one sender's mail to one recipient: the sender's pace
     * (sender), not a load the recipient's mailbox bears (soft), which
     * counted again and again would end in its suppression */
    {"550 5.2.121 Recipient's per sender limit for number of messages has "
     "been exceeded. Please try again later.",
     X, "rate_limited", false},
    {"550 5.2.121 Recipient's per hour message receive limit from specific "
     "sender exceeded. [Hostname=PAXPR07MB8213.eurprd07.prod.outlook.com]",
     X, "rate_limited", false},
    {"550 5.7.1 Delivery not authorized, message refused: Message is not "
     "RFC 2822 compliant",
     X, "not_compliant", false},
    {"421 Service not available, closing transmission channel",
     S, NULL, false},
    {"451 4.3.5 Server configuration problem", S, "system_error", false},
    {"550 5.7.1 Unable to relay for bob@example.org",
     X, "relay_denied", false},
    {"554 5.4.0 Error: too many hops", S, "network", false},
    {"554 5.7.1 Comcast block for spam.  Please see "
     "http://postmaster.comcast.net/smtp-error-codes.php#BL000000",
     X, "spam_detected", false},
    {"550 5.1.1 Not our Customer", H, "user_unknown", false},
    {"554 5.7.1 <unknown[192.0.2.10]>: Client host rejected: Access denied",
     X, "blocklisted", false},
    {"550 5.7.1 Email rejected per DMARC policy for example.com (AbCd)",
     X, "auth_dmarc", true},
    {"535 5.7.8 Error: authentication failed: UGFzc3dvcmQ6",
     X, "smtp_auth", false},
    {"501 5.5.4 Syntax: MAIL FROM:<address>", X, "syntax", false},
    {"550 Unknown user", H, "user_unknown", false},
    {"550-Mailbox unknown. Either there is no mailbox associated with "
     "this\r\n"
     "550-name or you do not have authorization to see it.\r\n"
     "550 5.1.1 User unknown",
     H, "user_unknown", false},
    {"550 5.7.124 Sender not allowed to send to this group",
     X, "policy", false},
    {"553 5.1.8 <bounce@example.com>... Domain of sender address "
     "bounce@example.com does not exist",
     X, "sender_rejected", false},

    /* --- localised replies without an enhanced status; the sender's
     * domain (a Japanese "domain does not exist" is no user unknown, but a
     * domain not found, as in English) --- */
    {"550 Postfach nicht gefunden", H, "user_unknown", false},
    {"550 Empf\xc3\xa4ngeradresse existiert nicht", H, "user_unknown", false},
    {"550 \xe3\x83\x89\xe3\x83\xa1\xe3\x82\xa4\xe3\x83\xb3\xe3\x81\x8c"
     "\xe5\xad\x98\xe5\x9c\xa8\xe3\x81\x97\xe3\x81\xbe\xe3\x81\x9b\xe3"
     "\x82\x93", H, "domain_not_found", false},
    {"550 5.7.1 Sender domain has no MX or A record",
     X, "sender_rejected", false},
    /* --- more receivers: mailbox, envelope sender, content, DNS, limits --- */
    {"554 5.7.1 Service unavailable; Client host [192.0.2.10] blocked using "
     "pbl.spamhaus.org; https://www.spamhaus.org/query/ip/192.0.2.10",
     X, "blocklisted", false},
    {"550 5.7.1 Your message was rejected by this user and was not "
     "delivered.",
     X, "policy", false},
    {"550 5.1.1 <bob@example.org>: Email address could not be found, or was "
     "misspelled (G8)",
     H, "user_unknown", false},
    {"550-5.7.1 [192.0.2.10] Our system has detected that this message is "
     "not RFC\r\n"
     "550-5.7.1 5322 compliant: Multiple 'From' headers found.",
     X, "not_compliant", false},
    {"550 Message rejected because it contains a forbidden attachment type",
     X, "content", false},
    {"554 5.7.1 You are not allowed to send mail to this address",
     X, "policy", false},
    {"550 5.7.60 SMTP; Client does not have permissions to send as this "
     "sender",
     X, "sender_rejected", false},
    {"550 5.7.64 TenantAttribution; Relay Access Denied",
     X, "relay_denied", false},
    {"421 4.3.0 collect: Cannot write ./dfAbCd (bfcommit, uid=0, gid=8): No "
     "space left on device",
     S, "system_full", false},
    {"550 5.1.6 Recipient no longer on server", H, "has_moved", false},
    /* the forwarding that is off is the moved mailbox's, no policy */
    {"550 5.1.6 Recipient no longer on server; mailbox relocated, "
     "forwarding disabled",
     H, "has_moved", false},
    {"550 Mailbox relocated", H, "has_moved", false},
    /* a missing record or signature is a failure, no denial */
    {"550 5.7.1 Sender domain authentication required: example.net has no "
     "SPF record and the message is not DKIM signed",
     X, "auth_spf", true},
    /* an Authentication-Results trace where all passed is no failure */
    {"550 5.1.1 User unknown; ARC-Authentication-Results: i=1; "
     "mx.example.com; spf=pass; dkim=pass; dmarc=pass; arc=none",
     H, "user_unknown", false},
    {"451 4.7.1 Temporary ARC verification failure for i=1, try again later",
     X, "auth_arc", true},
    {"550 5.7.1 Account bob@example.com is frozen by administrator",
     H, "mailbox_disabled", false},
    {"<b@example.ch>: Mailaddress is administratively disabled. (#5.2.1)",
     H, "mailbox_disabled", false},
    {"550 \xe3\x83\xa6\xe3\x83\xbc\xe3\x82\xb6\xe3\x83\xbc a@example.jp \xe3\x81\xaf Domino "
     "\xe3\x83\x87\xe3\x82\xa3\xe3\x83\xac\xe3\x82\xaf\xe3\x83\x88\xe3\x83\xaa"
     "\xe3\x81\xab\xe7\x99\xbb\xe9\x8c\xb2\xe3\x81\x95\xe3\x82\x8c\xe3\x81\xa6"
     "\xe3\x81\x84\xe3\x81\xbe\xe3\x81\x9b\xe3\x82\x93",
     H, "user_unknown", false},
    {"550 \xd0\x9f\xd0\xbe\xd1\x88\xd1\x82\xd0\xbe\xd0\xb2\xd0\xb0 "
     "\xd1\x81\xd0\xba\xd1\x80\xd0\xb8\xd0\xbd\xd1\x8c\xd0\xba\xd0\xb0 "
     "\xd0\xbd\xd0\xb5 \xd1\x96\xd1\x81\xd0\xbd\xd1\x83\xd1\x94",
     H, "user_unknown", false},
    {"Skipped: bob@example.com is suppressed (previous bounce: 552 5.2.2 "
     "mailbox full x5)",
     H, "suppressed", false},
    {"550 5.7.0 Your message to bob@example.com could not be delivered "
     "because the recipient has exceeded their storage allowance",
     S, "mailbox_full", false},
    {"550 Requested action not taken: mailbox unavailable [bob@example.com] - "
     "user does not exist on this server; relay not attempted",
     H, "user_unknown", false},
    /* a domain with no mail host at all: NOERROR, no records */
    {"DNS Error: DNS type 'mx' lookup of shop.example responded with code "
     "NOERROR No MX or A/AAAA records found for shop.example",
     H, "domain_not_found", false},
    {"553 Relaying disallowed as sales@example.org", X, "relay_denied", false},
    /* too many messages (Ukrainian, Russian); grey list (Estonian) */
    {"450 4.7.1 \xd0\x97\xd0\xb0\xd0\xb1\xd0\xb0\xd0\xb3\xd0\xb0\xd1\x82\xd0\xbe "
     "\xd0\xbf\xd0\xbe\xd0\xb2\xd1\x96\xd0\xb4\xd0\xbe\xd0\xbc\xd0\xbb\xd0\xb5"
     "\xd0\xbd\xd1\x8c",
     X, "rate_limited", false},
    {"450 4.7.1 \xd0\xa1\xd0\xbb\xd0\xb8\xd1\x88\xd0\xba\xd0\xbe\xd0\xbc "
     "\xd0\xbc\xd0\xbd\xd0\xbe\xd0\xb3\xd0\xbe \xd1\x81\xd0\xbe\xd0\xbe\xd0\xb1"
     "\xd1\x89\xd0\xb5\xd0\xbd\xd0\xb8\xd0\xb9",
     X, "rate_limited", false},
    {"450 4.7.1 Hall nimekiri, palun proovige hiljem uuesti", S,
     "greylisted", false},
    /* a sender that mails many unknown addresses: its list, not one */
    {"421 4.7.0 [TSS11] Excessive unknown recipients - possible list "
     "hygiene issue; messages from 192.0.2.32 temporarily deferred",
     X, "bad_reputation", false},
    /* a limit on what one mailbox receives: the recipient's, for now */
    {"450 4.2.1 Too many messages for this recipient in a short time, "
     "please slow down",
     S, "rate_limited", false},
    /* a message too large for what is left of the mailbox: it is full */
    {"552 5.2.2 Message size exceeds remaining quota for <b@example.org>",
     S, "mailbox_full", false},
    {"550 5.7.1 This account has been temporarily suspended",
     S, "mailbox_disabled", false},
    {"550 5.2.1 <bob@example.org>: Recipient address rejected: Inactive user",
     H, "mailbox_disabled", false},
    {"550 User is over quota", S, "mailbox_full", false},
    {"550 5.2.2 User's mailbox is full", S, "mailbox_full", false},
    {"450 4.7.1 <mail.example.com>: Helo command rejected: Host not found",
     X, "sender_rejected", false},
    {"554 5.7.1 <bounce@example.com>: Sender address rejected: Access denied",
     X, "sender_rejected", false},
    {"553 5.7.1 <bounce@example.com>: Sender address rejected: not logged in",
     X, "sender_rejected", false},
    {"554 5.7.1 Your mail could not be delivered because the recipient is "
     "only accepting mail from specific email addresses",
     X, "policy", false},
    {"550 5.7.1 RESOLVER.RST.RecipSizeLimit; message too large for this "
     "recipient",
     X, "message_too_large", false},
    {"554 5.7.1 The message from (<bounce@example.com>) with the subject of "
     "(Hello) matches a profile the Internet community may consider spam. "
     "Please revise your message before resending.",
     X, "spam_detected", false},
    {"550 Your message looks like SPAM or has been reported as SPAM please "
     "read http://www.example.org/spam",
     X, "spam_detected", false},
    {"554 5.4.7 Delivery expired (message too old) 'timeout'",
     S, "expired", false},
    {"550 Recipient address rejected: undeliverable address: unknown user: "
     "\"bob\"",
     H, "user_unknown", false},
    {"550 5.1.1 <bob@example.org>... Addressee unknown, relay=[192.0.2.10]",
     H, "user_unknown", false},
    {"452-4.2.2 The email account that you tried to reach is over quota and "
     "inactive.",
     S, "mailbox_full", false},
    {"550 5.2.1 The email account that you tried to reach is inactive.",
     H, "mailbox_disabled", false},
    {"550 5.7.1 Connection refused due to poor sender reputation",
     X, "bad_reputation", false},
    {"451 4.7.0 Temporary server error. Please try again later. PRX4",
     S, "system_error", false},
    {"550 5.7.1 Email rejected due to DKIM failure", X, "auth_dkim", true},
    {"550 5.7.29 ARC-Seal of the chain does not verify", X, "auth_arc", true},
    {"451 4.7.1 Unable to verify ARC-Message-Signature: temporary DNS "
     "failure for key arc-2024._domainkey.relay.example.net",
     X, "auth_arc", true},
    {"550 5.7.1 Mail from IP 192.0.2.10 was rejected due to listing in "
     "Spamhaus SBL",
     X, "blocklisted", false},
    {"450 4.7.1 Try again later: greylisted for 5 minutes",
     S, "greylisted", false},
    {"451 4.7.1 Please try again later (greylisted)", S, "greylisted", false},
    {"452 4.5.3 Your message has too many recipients; limit is 100 per "
     "message",
     X, "exceed_limit", false},
    {"450 4.7.1 Message rate limit exceeded, please slow down",
     X, "rate_limited", false},
    {"550 5.1.1 The email account that you tried to reach does not exist",
     H, "user_unknown", false},
    {"554 5.7.1 Message rejected: infected attachment (Win.Trojan.Agent)",
     X, "virus", false},
    {"553 5.1.3 The recipient address <bob@@example.org> is not a valid "
     "RFC-5321 address.",
     H, "address_invalid", false},
    {"550 5.7.1 Recipient is not accepting mail from your domain",
     X, "policy", false},
    {"554 5.7.1 Access denied. Your IP address 192.0.2.10 is on our block "
     "list",
     X, "blocklisted", false},
    {"530 5.7.0 Authentication required", X, "smtp_auth", false},
    {"450 4.7.0 TLS required for this domain", X, "tls_required", false},
    {"451 4.4.3 Unable to resolve host mx.example.org", S, "network", false},
    {"550 5.1.2 Host unknown (Name server: example.invalid: host not found)",
     H, "domain_not_found", false},
    {"451 Temporary local problem - DNS lookup failed", S, "network", false},
    {"550 5.1.8 Cannot resolve your domain", X, "sender_rejected", false},
    {"550 5.7.1 Message rejected by recipient", X, "policy", false},
    {"550 5.7.350 Remote server returned message detected as spam",
     X, "spam_detected", false},
    {"421 4.7.0 Too many messages sent recently. Try again later.",
     X, "rate_limited", false},
    {"550 Address unknown", H, "user_unknown", false},
    {"550 5.2.2 Mailbox is over its storage limit", S, "mailbox_full", false},
    {"550 5.7.1 Rejected: IP in blocklist", X, "blocklisted", false},
    {"451 4.3.2 Please try again later", S, "system_error", false},
    {"550 5.7.1 Account blocked", H, "mailbox_disabled", false},

    /* --- a recipient's code, a sender's cause: never hard --- */
    {"550 5.1.1 <bob@example.org>: Recipient address rejected: SPF check "
     "failed",
     X, "auth_spf", true},
    {"550 5.1.1 <bob@example.org>: Recipient address rejected: Message from "
     "192.0.2.10 rejected: IP listed at zen.spamhaus.org",
     X, "blocklisted", false},
    {"550 5.2.1 Mailbox unavailable. Your IP has been temporarily blocked",
     X, "blocklisted", false},
    {"554 5.1.1 Rejected: sender is on the recipient's blocked senders list",
     X, "policy", false},
    {"550 5.7.1 The recipient has blocked messages from this sender",
     X, "policy", false},
    {"550 5.1.1 Message rejected: recipient has chosen not to receive mail "
     "from you",
     X, "policy", false},
    {"550 5.1.1 Message rejected as spam by the recipient's filter",
     X, "spam_detected", false},
    {"550 5.7.1 Delivery not authorized, message refused: Sender is on "
     "user's block list",
     X, "policy", false},
    {"550 5.1.1 <bounce@example.com>: Sender address rejected: User unknown "
     "in virtual mailbox table",
     X, "sender_rejected", false},
    {"550 5.1.1 <bob@example.org>: Relay access denied",
     X, "relay_denied", false},
    {"550 5.1.1 Too many invalid recipients from your IP, try again later",
     X, "rate_limited", false},

    /* --- a 4xx code is temporary, whatever its status says --- */
    {"450 5.1.1 <jdoe@example.com>: User unknown", S, "user_unknown", false},
    {"451 5.1.1 <jdoe@example.com>: Recipient address rejected: User "
     "unknown in local recipient table",
     S, "user_unknown", false},
    {"421 5.2.1 <jdoe@example.com>: Mailbox disabled", S, "mailbox_disabled",
     false},
    {"450 5.1.2 <jdoe@nx.example>: Recipient address rejected: Domain not "
     "found",
     S, NULL, false},

    /* --- the envelope sender's domain, a loop: not the recipient --- */
    {"550-Requested action not taken: mailbox unavailable\n550 invalid DNS "
     "MX or A/AAAA resource record",
     X, "sender_rejected", false},
    {"550 5.4.6 <jdoe@example.com>: Recipient address rejected: "
     "undeliverable address: mail for example.com loops back to myself",
     S, "network", false},
    {"554 5.4.14 Hop count exceeded - possible mail loop ATTR34", S,
     "network", false},
    {"451 4.4.1 delivery temporarily suspended: connect to "
     "mx.example.com[192.0.2.7]:25: Connection refused",
     S, "network", false},
    {"550 5.4.5 Daily user sending quota exceeded", X, "rate_limited", false},
    {"550 5.7.1 Daily sending quota exceeded", X, "rate_limited", false},
    {"450-4.2.1 The user you are trying to contact is receiving mail too "
     "quickly. Please resend your message at a later time.",
     S, "rate_limited", false},
    {"550 5.7.750 Service unavailable. Client blocked from sending from "
     "unregistered domains",
     X, "policy", false},
    {"550 Mail content denied", X, "content", false},

    /* --- block lists under other names --- */
    {"554 5.7.1 192.0.2.9 found on one or more DNSBLs, see "
     "http://postmaster.example.net/dnsbl",
     X, "blocklisted", false},
    {"521 5.3.0 Mail server 192.0.2.9 blocked by DNSRBL", X, "blocklisted",
     false},
    {"554 AUP#BL : 192.0.2.44 has been blocked", X, "blocklisted", false},
    {"550 permanent failure for one or more recipients "
     "(jdoe@example.com:blocked)",
     X, "policy", false},
    {"550 Envelope blocked - User Entry", X, "policy", false},

    /* --- dead addresses, in other words --- */
    {"550 User <jdoe@example.com> unknown", H, "user_unknown", false},
    {"550 5.1.1 <jdoe@example.com>: user or post office not found", H,
     "user_unknown", false},
    {"550 <jdoe@example.com>: Recipient address rejected: This address no "
     "longer accepts mail.",
     H, "mailbox_disabled", false},
    {"Not delivering to previously bounced address", H, "suppressed", false},
    {"521 5.3.2 mx.example.com does not accept mail", H, "no_mx", false},
    {"550 5.1.2 DNS Error: DNS type 'mx' lookup of example.invalid "
     "responded with code NXDOMAIN Domain name not found: example.invalid",
     H, "domain_not_found", false},
    {"550 Benutzerkonto gesperrt", H, "mailbox_disabled", false},
    {"550 Ce compte a \xc3\xa9t\xc3\xa9 d\xc3\xa9sactiv\xc3\xa9", H,
     "mailbox_disabled", false},
    {"550 L'adresse e-mail n'existe pas", H, "user_unknown", false},
    {"550 El buz\xc3\xb3n de correo no existe", H, "user_unknown", false},
    {"550 Cuenta deshabilitada", H, "mailbox_disabled", false},
    {"550 Conta desativada", H, "mailbox_disabled", false},
    {"550 Endere\xc3\xa7o de e-mail inexistente", H, "user_unknown", false},

    /* --- the sender's side and retries, in other languages --- */
    {"550 Absenderadresse unbekannt", X, "sender_rejected", false},
    {"451 4.7.1 Lista gris activada, int\xc3\xa9ntelo m\xc3\xa1s tarde", S,
     "greylisted", false},
    {"450 4.7.1 Veuillez r\xc3\xa9" "essayer plus tard", S, "system_error",
     false},
    {"550 5.2.1 <jdoe@example.com>: Account temporarily suspended", S,
     "mailbox_disabled", false},
    {"451 4.3.0 Internal resources are temporarily unavailable", S,
     "system_error", false},

    /* --- names say where mail went, not why: an address or a relay's
     * host name is no cause --- */
    {"550 5.1.1 <spam@example.com>: Recipient address rejected: User "
     "unknown",
     H, "user_unknown", false},
    {"550 5.1.1 <bookworm@example.com>... User unknown", H, "user_unknown",
     false},
    {"host mx.spamexperts.example[192.0.2.10] said: 550 5.1.1 "
     "<jo@example.com>: Recipient address rejected: User unknown in virtual "
     "alias table (in reply to RCPT TO command)",
     H, "user_unknown", false},
    {"host antivirus.example.net [192.0.2.11]: 550 5.1.1 <jo@example.net>: "
     "unknown user",
     H, "user_unknown", false},

    /* --- the sender's own address, domain or account failed --- */
    {"553 Sender address not found", X, "sender_rejected", false},
    {"550 5.7.1 MAIL FROM domain has no MX record", X, "sender_rejected",
     false},
    {"550 5.7.1 Unknown domain in From: header", X, "sender_rejected", false},
    {"550 5.7.1 The account you are sending from is disabled", X,
     "sender_rejected", false},
    {"550 5.7.1 Your SMTP relay account has been disabled. Contact billing.",
     X, "sender_rejected", false},
    {"550-Requested action not taken: mailbox unavailable\n550 Sender "
     "address is not allowed.",
     X, "sender_rejected", false},

    /* --- "mailbox unavailable" is RFC 5321's generic text: a cause said
     * with it wins --- */
    {"550 Requested action not taken: mailbox unavailable", H, "user_unknown",
     false},
    {"550 Mailbox unavailable - message contains a prohibited attachment "
     "type",
     X, NULL, false},
    {"550 Mailbox unavailable, try again later", S, "system_error", false},
    {"550 5.7.1 Requested action not taken: mailbox unavailable", X, "policy",
     false},

    /* --- other causes worded with recipient words --- */
    {"550 5.7.1 Mail for this domain does not accept mail from your country",
     X, NULL, false},
    {"551 This mail server requires authentication when attempting to send "
     "to a non-local e-mail address.",
     X, "smtp_auth", false},
    {"550 5.1.1 Delivery to this recipient is restricted to internal senders",
     X, "policy", false},
    {"550 5.7.1 Mail forwarding for this address is disabled", X, "policy",
     false},
    {"550 5.1.0 Address rejected: country blocked", X, NULL, false},
    {"550 5.7.1 <list@example.com>: Recipient address rejected: Access "
     "denied - only internal senders may write to this list",
     X, NULL, false},
    {"550 5.1.6 Account has been moved to another server, retry later", S,
     NULL, false},
    {"550 mailbox is locked by another process", S, "mailbox_disabled", false},
    {"550 5.1.1 Unable to verify recipient: LDAP server unreachable", S,
     "network", false},
    {"550 5.1.1 <ann@example.com>: Recipient address rejected: undeliverable "
     "address: connect to backend.example.com[10.0.0.2]:25: Connection timed "
     "out",
     S, "network", false},

    /* --- dead addresses worded as policy --- */
    {"550 5.7.1 <jo@example.com>: Recipient address rejected: Employee has "
     "left the company",
     H, "mailbox_disabled", false},
    {"550 5.7.1 Recipient's account is deleted", H, "mailbox_disabled", false},
    {"550 5.7.1 Recipient not authorized, closed account", H,
     "mailbox_disabled", false},
    {"550 5.7.1 This email address is not in service", H, "mailbox_disabled",
     false},
    /* ... but a server's state says nothing of a mailbox */
    {"550 This server has been decommissioned, use mx2.example.com", S, NULL,
     false},

    /* --- NetEase (163.com, 126.com) names its causes with codes --- */
    {"554 IP:B1 163 mx3,QsCowAAHk1 1715000000 "
     "http://mail.163.com/help/help_spam_16.htm?ip=192.0.2.7",
     X, "blocklisted", false},
    {"451 MI:SFQ 163 smtp2,GdxpCgD 1715000000, please retry later", X,
     "rate_limited", false},
    {"550 MI:DMA 126 mx8,QMCowAD 1715000000", X, "auth_dmarc", true},
    {"421 HL:ICC 163 mx1,QsCowAB http://mail.163.com/help/help_spam_16.htm",
     X, "too_many_connections", false},
    {"554 DT:SUM 163 smtp5,DMCowAD 1715000000", X, "not_compliant", false},

    /* --- the sender's own sending limits, as hosting panels word them --- */
    {"550 Domain shop.example has exceeded the max emails per hour "
     "(251/250 (100%)) allowed.  Message discarded.",
     X, "rate_limited", false},
    {"550 5.7.0 Sending failed: the limit on the number of allowed outgoing "
     "messages has been reached",
     X, "rate_limited", false},

    /* --- "No SMTP service" refuses a connection (RFC 5321 3.1); a null MX
     * is said otherwise --- */
    {"554-mx.mail.example Nemesis ESMTP Service not available\n554-No SMTP "
     "service\n554 Reject due to policy restrictions.",
     X, "policy", false},
    {"554 No SMTP service here", S, NULL, false},
    {"550 an MX or SRV record indicated no SMTP service", H, "no_mx", false},

    /* --- other wordings --- */
    {"554-Transaction failed\n554 Reject due to content restrictions.", X,
     "content", false},
    {"421 4.7.0 Zu viele gleichzeitige Verbindungen von Ihrer Adresse", X,
     "too_many_connections", false},
    {"450 4.7.1 Szara lista: sprobuj ponownie pozniej", S, "greylisted",
     false},
    {"550 5.7.1 Sender ID (PRA) Not Permitted", X, "auth_spf", true},
    {"421-4.7.29 This message wasn't sent over a TLS connection, so it was "
     "rate limited.",
     X, "tls_required", false},
    {"554 5.5.1 Error: no valid recipients", S, "undetermined", false},

    /* --- Japanese, Chinese and Russian --- */
    {"550 \xe6\x8c\x87\xe5\xae\x9a\xe3\x81\x95\xe3\x82\x8c\xe3\x81\x9f"
     "\xe3\x83\xa1\xe3\x83\xbc\xe3\x83\xab\xe3\x82\xa2\xe3\x83\x89\xe3"
     "\x83\xac\xe3\x82\xb9\xe3\x81\xaf\xe5\xad\x98\xe5\x9c\xa8\xe3\x81"
     "\x97\xe3\x81\xbe\xe3\x81\x9b\xe3\x82\x93",
     H, "user_unknown", false},
    {"452 \xe3\x83\xa1\xe3\x83\xbc\xe3\x83\xab\xe3\x83\x9c\xe3\x83\x83"
     "\xe3\x82\xaf\xe3\x82\xb9\xe3\x81\xae\xe5\xae\xb9\xe9\x87\x8f\xe3"
     "\x81\x8c\xe4\xb8\x8a\xe9\x99\x90\xe3\x82\x92\xe8\xb6\x85\xe3\x81"
     "\x88\xe3\x81\xa6\xe3\x81\x84\xe3\x81\xbe\xe3\x81\x99",
     S, "mailbox_full", false},
    {"550 \xe6\x94\xb6\xe4\xbb\xb6\xe4\xba\xba\xe4\xb8\x8d\xe5\xad\x98"
     "\xe5\x9c\xa8",
     H, "user_unknown", false},
    {"552 \xe5\xaf\xb9\xe6\x96\xb9\xe9\x82\xae\xe7\xae\xb1\xe5\xb7\xb2"
     "\xe6\xbb\xa1",
     S, "mailbox_full", false},
    {"554 \xe9\x82\xae\xe4\xbb\xb6\xe8\xa2\xab\xe5\x88\xa4\xe5\xae\x9a"
     "\xe4\xb8\xba\xe5\x9e\x83\xe5\x9c\xbe\xe9\x82\xae\xe4\xbb\xb6",
     X, "spam_detected", false},
    {"550 \xd0\x9f\xd0\xbe\xd0\xbb\xd1\x8c\xd0\xb7\xd0\xbe\xd0\xb2\xd0"
     "\xb0\xd1\x82\xd0\xb5\xd0\xbb\xd1\x8c \xd0\xbd\xd0\xb5 \xd0\xbd\xd0"
     "\xb0\xd0\xb9\xd0\xb4\xd0\xb5\xd0\xbd",
     H, "user_unknown", false},
    {"552 \xd0\x9f\xd0\xbe\xd1\x87\xd1\x82\xd0\xbe\xd0\xb2\xd1\x8b\xd0"
     "\xb9 \xd1\x8f\xd1\x89\xd0\xb8\xd0\xba \xd0\xbf\xd0\xb5\xd1\x80\xd0"
     "\xb5\xd0\xbf\xd0\xbe\xd0\xbb\xd0\xbd\xd0\xb5\xd0\xbd",
     S, "mailbox_full", false},
    {"550 \xd0\xa1\xd0\xbe\xd0\xbe\xd0\xb1\xd1\x89\xd0\xb5\xd0\xbd\xd0"
     "\xb8\xd0\xb5 \xd0\xbe\xd1\x82\xd0\xba\xd0\xbb\xd0\xbe\xd0\xbd\xd0"
     "\xb5\xd0\xbd\xd0\xbe \xd0\xba\xd0\xb0\xd0\xba \xd1\x81\xd0\xbf\xd0"
     "\xb0\xd0\xbc",
     X, "spam_detected", false},
    /* ... their sender's address, domain, IP or password is the sender's */
    {"550 \xe5\x8f\x91\xe4\xbb\xb6\xe4\xba\xba\xe5\x9c\xb0\xe5\x9d\x80"
     "\xe4\xb8\x8d\xe5\xad\x98\xe5\x9c\xa8",
     X, "sender_rejected", false},
    {"550 \xe9\x80\x81\xe4\xbf\xa1\xe8\x80\x85\xe3\x81\xae\xe3\x82\xa2"
     "\xe3\x83\x89\xe3\x83\xac\xe3\x82\xb9\xe3\x81\x8c\xe5\xad\x98\xe5"
     "\x9c\xa8\xe3\x81\x97\xe3\x81\xbe\xe3\x81\x9b\xe3\x82\x93",
     X, "sender_rejected", false},
    {"550 \xd0\x90\xd0\xb4\xd1\x80\xd0\xb5\xd1\x81 \xd0\xbe\xd1\x82\xd0"
     "\xbf\xd1\x80\xd0\xb0\xd0\xb2\xd0\xb8\xd1\x82\xd0\xb5\xd0\xbb\xd1"
     "\x8f \xd0\xbd\xd0\xb5 \xd1\x81\xd1\x83\xd1\x89\xd0\xb5\xd1\x81\xd1"
     "\x82\xd0\xb2\xd1\x83\xd0\xb5\xd1\x82",
     X, "sender_rejected", false},
    {"550 \xe8\xae\xa4\xe8\xaf\x81\xe5\xa4\xb1\xe8\xb4\xa5\xef\xbc\x8c"
     "\xe7\x94\xa8\xe6\x88\xb7\xe4\xb8\x8d\xe5\xad\x98\xe5\x9c\xa8\xe6"
     "\x88\x96\xe5\xaf\x86\xe7\xa0\x81\xe9\x94\x99\xe8\xaf\xaf",
     X, "smtp_auth", false},
    {"554 IP\xe5\x9c\xb0\xe5\x9d\x80\xe4\xb8\x8d\xe5\x9c\xa8\xe7\x99\xbd"
     "\xe5\x90\x8d\xe5\x8d\x95\xe4\xb8\xad",
     X, NULL, false},
    {"550 \xe6\x94\xb6\xe4\xbb\xb6\xe4\xba\xba\xe5\x9f\x9f\xe5\x90\x8d"
     "\xe4\xb8\x8d\xe5\xad\x98\xe5\x9c\xa8",
     H, "domain_not_found", false},
    {"552 5.3.4 \xe3\x83\xa1\xe3\x83\x83\xe3\x82\xbb\xe3\x83\xbc\xe3\x82"
     "\xb8\xe3\x81\xae\xe3\x82\xb5\xe3\x82\xa4\xe3\x82\xba\xe3\x81\x8c"
     "\xe4\xb8\x8a\xe9\x99\x90\xe3\x82\x92\xe8\xb6\x85\xe3\x81\x88\xe3"
     "\x81\xa6\xe3\x81\x84\xe3\x81\xbe\xe3\x81\x99", X,
     "message_too_large", false},

    /* --- a block list named beside a TLS demand; Postfix's answer to DATA
     * as quoted, and beside the RCPT reply that gave the cause --- */
    {"554 5.7.1 Client host [192.0.2.9] blocked using bl.example.org; TLS "
     "required",
     X, "blocklisted", false},
    {"host mx.example.com[192.0.2.1] said: 554 5.5.1 Error: no valid "
     "recipients (in reply to DATA command)",
     S, "undetermined", false},
    {"550 5.1.1 <ruth@example.org>... User unknown\n<<< 554 5.5.1 Error: no "
     "valid recipients",
     H, "user_unknown", false},
    /* --- the reply of AUTH (RFC 4954), whatever account it names --- */
    {"535 5.7.8 Authentication failed: account not found",
     X, "smtp_auth", false},
    {"535 Anmeldung fehlgeschlagen: Benutzer unbekannt", X, "smtp_auth", false},
    {"535 \xe7\x99\xbb\xe5\xbd\x95\xe5\xa4\xb1\xe8\xb4\xa5\xef\xbc\x9a"
     "\xe8\xb4\xa6\xe6\x88\xb7\xe4\xb8\x8d\xe5\xad\x98\xe5\x9c\xa8",
     X, "smtp_auth", false},

    /* --- the sender's own address, account, relay, HELO or country --- */
    {"550 5.7.1 Absenderadresse ist unbekannt", X, "sender_rejected", false},
    {"550 5.7.1 Votre compte est suspendu", X, "sender_rejected", false},
    {"550 5.7.1 Relais non autoris\xc3\xa9", X, "relay_denied", false},
    {"550 5.7.1 \xe5\xaf\x84\xe4\xbb\xb6\xe8\x80\x85\xe7\xb6\xb2\xe5\x9f"
     "\x9f\xe4\xb8\x8d\xe5\xad\x98\xe5\x9c\xa8",
     X, "sender_rejected", false},
    {"550 \xd0\x92\xd0\xb0\xd1\x88 \xd0\xb0\xd0\xba\xd0\xba\xd0\xb0\xd1"
     "\x83\xd0\xbd\xd1\x82 \xd0\xb7\xd0\xb0\xd0\xb1\xd0\xbb\xd0\xbe\xd0"
     "\xba\xd0\xb8\xd1\x80\xd0\xbe\xd0\xb2\xd0\xb0\xd0\xbd",
     X, "sender_rejected", false},
    {"550 5.7.1 This account is suspended from sending due to spam compl"
     "aints",
     X, "sender_rejected", false},
    {"550 5.7.1 HELO host unknown: relay.shop.example",
     X, "sender_rejected", false},
    {"550 5.7.1 Messages from your country are not permitted",
     X, "policy", false},
    {"550 This server does not accept mail via IPv6", S, NULL, false},

    /* --- the receiver's own lookup failed; a verification probe refused by
     * policy --- */
    {"550 5.1.1 Unable to verify recipient: directory lookup failed",
     S, "system_error", false},
    {"550 5.7.1 <a@b.example>: Recipient address rejected: undeliverable"
     " address: host mx.b.example[192.0.2.8] said: 550 Administrative pr"
     "ohibition (in reply to RCPT TO command)",
     X, "policy", false},

    /* --- dead addresses beside words that are no cause (a host, a code in
     * an id, results that passed, a directory) --- */
    {"550 5.1.1 User unknown (mx2.spamfilter.isp.example)",
     H, "user_unknown", false},
    /* ... but an Exchange code is no host, nor a name before a path */
    {"550 RESOLVER.ADR.RecipNotFound; not found", H, "user_unknown", false},
    {"550 see groups.google.com/support/bin/answer.py?answer=12", X, "policy",
     false},
    {"550 5.1.1 No such user (ref MI:SFQ-77)", H, "user_unknown", false},
    {"550 5.1.1 User unknown (SPF=pass)", H, "user_unknown", false},
    {"550 The recipient isn't listed in our company directory",
     H, "user_unknown", false},
    {"550 Message returned to sender: unknown recipient",
     H, "user_unknown", false},
    {"550 Mailbox nicht vorhanden", H, "user_unknown", false},
    {"550 Adresse e-mail inexistante", H, "user_unknown", false},
    {"550 L'indirizzo non esiste", H, "user_unknown", false},
    {"550 U\xc5\xbcytkownik nie istnieje", H, "user_unknown", false},
    {"550 U\xc5\xbeivatel neexistuje", H, "user_unknown", false},
    {"550 \xd0\x9d\xd0\xb5\xd0\xb8\xd0\xb7\xd0\xb2\xd0\xb5\xd1\x81\xd1"
     "\x82\xd0\xbd\xd1\x8b\xd0\xb9 \xd0\xbf\xd0\xbe\xd0\xbb\xd1\x83\xd1"
     "\x87\xd0\xb0\xd1\x82\xd0\xb5\xd0\xbb\xd1\x8c",
     H, "user_unknown", false},
    {"550 \xe6\x9f\xa5\xe7\x84\xa1\xe6\xad\xa4\xe6\x94\xb6\xe4\xbb\xb6"
     "\xe8\x80\x85",
     H, "user_unknown", false},
    {"550 \xe5\xae\x9b\xe5\x85\x88\xe4\xb8\x8d\xe6\x98\x8e",
     H, "user_unknown", false},
    {"550 \xec\xa1\xb4\xec\x9e\xac\xed\x95\x98\xec\xa7\x80 \xec\x95\x8a"
     "\xeb\x8a\x94 \xec\x82\xac\xec\x9a\xa9\xec\x9e\x90\xec\x9e\x85\xeb"
     "\x8b\x88\xeb\x8b\xa4",
     H, "user_unknown", false},
    {"550 Das Postfach wurde gel\xc3\xb6scht", H, "mailbox_disabled", false},
    {"550 \xe8\xaf\xa5\xe9\x82\xae\xe7\xae\xb1\xe5\xb7\xb2\xe5\x81\x9c"
     "\xe7\x94\xa8",
     H, "mailbox_disabled", false},

    /* --- his, her or their account is the recipient's; 'sending' is no
     * sender --- */
    {"550 5.2.1 El destinatario ha cerrado su cuenta de correo",
     H, "mailbox_disabled", false},
    {"550 El usuario no existe o su cuenta ha sido desactivada",
     H, "mailbox_disabled", false},
    {"550 5.1.1 Ontvanger onbekend; maak een nieuw account aan",
     H, "user_unknown", false},
    {"550 \xe5\x8f\x91\xe4\xbf\xa1\xe5\xa4\xb1\xe8\xb4\xa5\xef\xbc\x9a"
     "\xe6\x94\xb6\xe4\xbb\xb6\xe4\xba\xba\xe4\xb8\x8d\xe5\xad\x98\xe5"
     "\x9c\xa8",
     H, "user_unknown", false},
    {"550 \xeb\xa9\x94\xec\x9d\xbc \xeb\xb0\x9c\xec\x86\xa1 \xec\x8b\xa4"
     "\xed\x8c\xa8: \xec\x88\x98\xec\x8b\xa0\xec\x9e\x90 \xec\xa3\xbc"
     "\xec\x86\x8c\xea\xb0\x80 \xec\xa1\xb4\xec\x9e\xac\xed\x95\x98\xec"
     "\xa7\x80 \xec\x95\x8a\xec\x8a\xb5\xeb\x8b\x88\xeb\x8b\xa4",
     H, "user_unknown", false},
    {"550 5.1.1 Empf\xc3\xa4ngeradresse ung\xc3\xbcltig, Absender wurde "
     "benachrichtigt",
     H, "user_unknown", false},

    /* --- a block list zone is named after the words that name it, masked
     * or not --- */
    {"550 5.1.1 Recipient rejected: 192.0.2.1 found in zen.spamhaus.org",
     X, "blocklisted", false},
    {"550 Your IP 192.0.2.1 is on the bl.spamcop.net list",
     X, "blocklisted", false},
    {"550 5.7.1 See www.spamhaus.org for details", X, "blocklisted", false},

    /* --- the sender, its IP or its login 'not recognized'; a quoted dead
     * address stays one --- */
    {"550 5.7.1 Sender address not recognized", X, NULL, false},
    {"530 5.7.0 User not recognized", X, NULL, false},
    {"450 4.1.1 <u@example.com>: Recipient address rejected: undeliverab"
     "le address: host mx3.example.com[203.0.113.57] said: 550 Mailbox n"
     "ot found or access denied (in reply to RCPT TO command)",
     S, "user_unknown", false},
    {"550 5.1.1 <u@example.com>: Recipient address rejected: undeliverab"
     "le address: host mx.example.com[198.51.100.1] said: 550 5.4.1 Reci"
     "pient address rejected: Access denied (in reply to RCPT TO command"
     ")",
     H, "user_unknown", false},

    /* --- NetEase codes at the end; a message limit is a mailbox's --- */
    {"554 DT:SPM", X, "spam_detected", false},
    {"550 Mail is rejected by recipients (MI:DMA)", X, "auth_dmarc", true},
    {"452 4.2.2 Over quota: message limit for this user exceeded",
     S, "mailbox_full", false},

    /* --- a host name that ends with a dot is masked too --- */
    {"550 5.1.1 <u@x.example>... User unknown while talking to mx-spam01"
     ".isp.example.:",
     H, "user_unknown", false},

    /* --- the path of a help page is no cause; the words around it are --- */
    {"550 5.1.1 No such user here. Details: https://postmaster.example.net/"
     "reputation/faq.html#550",
     H, "user_unknown", false},
    {"550 5.1.1 Mailbox does not exist, see http://kb.example.org/rbl-spam/"
     "help.html", H, "user_unknown", false},
    {"550 5.1.1 Unknown recipient (https://support.example.com/mail/?p=dmarc-"
     "reject)", H, "user_unknown", false},
    {"550 5.7.1 Message refused by policy; codes at https://help.example.com"
     "/errors#UserUnknown", X, "policy", false},
    {"554 5.7.1 Message rejected as spam, see https://www.example.org/faq/"
     "x.html", X, "spam_detected", false},

    /* --- Postfix's recipient-table wording names the recipient, whatever
     * gateway name follows; its sender-side twin stays the sender's --- */
    {"550 5.1.1 <u@example.com>: Recipient address rejected: User unknown i"
     "n local recipient table [SpamShield]", H, "user_unknown", false},
    {"550 5.1.1 <u@example.com>: Recipient address rejected: User unknown i"
     "n virtual mailbox table (barracuda gateway)", H, "user_unknown", false},
    {"450 4.1.1 <u@example.com>: Recipient address rejected: User unknown i"
     "n relay recipient table (spam firewall)", S, "user_unknown", false},
    {"553 5.1.0 <s@example.com>: Sender address rejected: User unknown in l"
     "ocal recipient table", X, "sender_rejected", false},
    {"550 5.1.0 <s@example.com>: Sender address rejected: undeliverable add"
     "ress: host mx.example.org[192.0.2.9] said: 550 5.1.1 <s@example.com>:"
     " Recipient address rejected: User unknown in virtual mailbox table (in"
     " reply to RCPT TO command)", X, "sender_rejected", false},

    /* --- a failed lookup of the user, and "try again later", in other
     * languages: temporary, whatever status comes with them --- */
    {"550 5.1.1 수신자 확인 중 오류가 발생했습니다", S, "system_error", false},
    {"550 5.1.1 查找收件人失败", S, "system_error", false},
    {"554 Errore interno, riprova più tardi", S, "system_error", false},
    {"554 Сервис недоступен, попробуйте позже", S, "system_error", false},
    {"550 5.1.1 <u@example.com>: 사용자 없음, 잠시 후 다시 시도하지 마십시오. User "
     "unknown", H, "user_unknown", false},

    /* --- too many connections, in other languages --- */
    {"421 4.7.0 Muitas conexões a partir do seu endereço", X,
     "too_many_connections", false},
    {"421 Te veel verbindingen vanaf uw IP-adres", X, "too_many_connections",
     false},
    {"421 4.7.0 并发连接超过限制", X, "too_many_connections", false},

    /* --- the sender's login, quota and sending limits --- */
    {"553 5.7.1 Sender address does not match the authenticated account",
     X, "sender_rejected", false},
    {"550 5.7.1 Login user mismatch with MAIL FROM", X, "sender_rejected",
     false},
    {"552 5.2.2 Sender mailbox quota exceeded", X, "sender_rejected", false},
    {"550 Your account has reached its 24 hour sending limit", X,
     "rate_limited", false},
    {"554 Outbound mail limit reached for this domain", X, "rate_limited",
     false},

    /* --- X.4.4 is a missing route, not a missing domain, unless the text
     * says the domain does not exist --- */
    {"554 5.4.4 Unable to route: no next hop for this destination", S,
     "network", false},
    {"550 5.4.4 SMTPSEND.DNS.NonExistentDomain; nonexistent domain", H,
     "domain_not_found", false},
    {"554 5.4.4 No MX or A records for example.invalid", H,
     "domain_not_found", false},

    /* --- the sender's domain, named with its dots; a recipient named after
     * the word "sender" stays the recipient --- */
    {"550 5.7.1 Sender domain mail.shop.example has no valid MX record", X,
     "sender_rejected", false},
    {"553 Return-path domain shop.example does not exist", X,
     "sender_rejected", false},
    {"550 5.1.1 Dear sender: recipient <u@example.com> unknown", H,
     "user_unknown", false},
    {"550 5.1.0 Unknown sender domain news.shop.example", X,
     "sender_rejected", false},
    {"554 5.7.1 Unauthorized sender address", X, "sender_rejected", false},
    {"550 Wrong username or password for the relay", X, "smtp_auth",
     false},

    /* --- dead addresses in more words --- */
    {"550 Unable to locate the recipient in the directory", H, "user_unknown",
     false},
    {"550 Could not find the recipient's mail server", S, NULL, false},
    {"550 The user you wrote to no longer exists here", H,
     "user_unknown", false},
    {"550 Le destinataire n'existe plus", H,
     "user_unknown", false},
    {"550 This address is no longer monitored", H, "mailbox_disabled", false},
    {"554 jo wasn't found at corp.example", H, "user_unknown", false},
    {"550 The recipient may be a nonexistent mailbox", H, "user_unknown",
     false},
    {"550 5.1.1 No such user (Barracuda Email Security Service)", H,
     "user_unknown", false},
    {"554 5.7.1 Client host blocked using Barracuda Reputation", X,
     "blocklisted", false},

    /* --- null MX as Postfix writes it; a full mailbox named by address --- */
    {"<u@shop.example>: Domain shop.example does not accept mail (nullMX)",
     H, "no_mx", false},
    {"552 Message rejected: mailbox u@example.com is full", S,
     "mailbox_full", false},
    {"452 4.2.2 Message size exceeds account quota", S, "mailbox_full",
     false},

    /* --- greylisting is no block list; RFC 5321's 421 text; content --- */
    {"451 4.7.1 Greylisted by policyd, retry later", S, "greylisted", false},
    {"421 mx.example.com Service not available, closing transmission "
     "channel", S, "system_error", false},
    {"550 We do not accept attachments of this type (.exe)", X, "content",
     false},
    {"554 5.7.1 Banned attachment found", X, "content", false},

    /* --- "not in the directory" in other languages; a bare "Blocked" --- */
    {"550 Benutzer m.klein ist im Domino-Verzeichnis nicht aufgeführt", H,
     "user_unknown", false},
    {"550 Le destinataire n'est pas répertorié dans l'annuaire", H,
     "user_unknown", false},
    {"554 Blocked - see https://ipcheck.example.com/?ip=192.0.2.7", X,
     "blocklisted", false},

    /* --- RFC 5321's "mailbox unavailable" with a cause that is not the
     * mailbox --- */
    {"550 Mailbox unavailable: too many spam complaints from your network",
     X, "bad_reputation", false},
    {"550 Requested action not taken: mailbox unavailable (sender IP not on "
     "the allow list)", X, "policy", false},
    {"550 Mailbox unavailable, storage maintenance under way", S,
     "system_error", false},
    {"551 Relaying to this user is not authorized", X, NULL, false},

    /* --- the sender's login, header From, HELO and MAIL FROM, with the
     * dots of their names --- */
    {"550 5.7.1 SMTP user relay01 does not exist", X, "smtp_auth", false},
    {"550 5.7.1 From: address domain unknown", X, "sender_rejected", false},
    {"550 5.7.1 The domain of your envelope address has no MX", X,
     "sender_rejected", false},
    {"550 5.7.1 HELO name smtp.out.shop.example rejected: not found", X,
     "sender_rejected", false},
    {"501 5.5.4 Invalid address <a@shop.example> in MAIL FROM", X,
     "sender_rejected", false},
    {"550 5.1.10 Null MX at shop.example, the return-path domain", X,
     "sender_rejected", false},
    {"550 5.7.1 Outbound sending has been suspended for this account", X,
     "sender_rejected", false},
    {"554 mx.example.net ESMTP Mailserver 5.1.1 refuses this connection", X,
     "blocklisted", false},
    {"550 5.2.1 This mailbox does not accept mail from your organization", X,
     "policy", false},

    /* --- temporary causes behind dead-looking statuses --- */
    {"550 5.2.1 The user has received too many e-mails in the last hour", S,
     "rate_limited", false},
    {"550 5.1.1 <u@example.com>: mailbox backend unreachable, please retry",
     S, NULL, false},
    {"550 5.1.2 DNS soft error while looking up example.com", S, "network",
     false},
    {"550 5.1.1 <u@example.com>: alias expansion failed: loop detected", S,
     "network", false},

    /* --- a quoted display name is no cause --- */
    {"550 5.7.1 Mail to \"No Such User\" <u@example.com> refused by policy",
     X, "policy", false},

    /* --- Japanese "resend after a while" is temporary --- */
    {"451 4.7.1 しばらく時間を置いて再送してください", S, "system_error", false},

    /* --- what the new wordings must not take: a dead address stays hard,
     * a sender's or a server's failure never becomes hard --- */
    {"550 5.1.1 <u@example.com>: Recipient address rejected: User unknown i"
     "n local recipient table (in reply to DATA command)", X, "filtered",
     false},
    {"550 5.1.1 <u@example.com>: Recipient address rejected: User unknown i"
     "n virtual mailbox table; after end of data", X, "filtered", false},
    {"550 5.7.1 The MX record for example.com was not found at the DNS "
     "server", X, NULL, false},
    {"550 5.4.4 The mail server for example.com was not found at this time",
     S, NULL, false},
    {"550 5.7.1 Sender account no longer exists on this server", X,
     "sender_rejected", false},
    {"554 5.2.0 STOREDRV.Deliver: Cannot find mailbox database for this "
     "message", S, NULL, false},
    {"550 Could not locate user home directory, disk error", S, NULL, false},
    {"550 5.7.1 Host mx.example.com does not accept mail: policy violation",
     X, "policy", false},
    {"550 5.1.1 Sender OK, but user u@example.com is unknown", H,
     "user_unknown", false},
    {"550 Delivery from sender to u@example.com failed: no such user", H,
     "user_unknown", false},
    {"550 Dear sender, the mailbox you are trying to reach does not exist",
     H, "user_unknown", false},
    {"550 5.1.1 Sender accepted; recipient jo@example.com does not exist",
     H, "user_unknown", false},
    {"550 Sender mailbox disabled", X, "sender_rejected", false},
    {"550 5.1.1 Reverse-path rejected: mailbox <s@example.com> unknown", X,
     "sender_rejected", false},
    {"550 5.1.1 Blocked - recipient address does not exist", H,
     "user_unknown", false},
    {"550 5.1.1 Mailbox unavailable. Please retry with a valid recipient "
     "address", H, "user_unknown", false},
    {"550 5.1.1 <u@example.com>: 사용자 없음, 잠시 후 다시 시도하지 마십시오", H,
     "user_unknown", false},
    {"452 4.2.2 The recipient has reached its 24 hour message limit", S,
     "mailbox_full", false},
    {"550 5.1.10 Null MX: recipient domain example.com accepts no mail "
     "(envelope recipient rejected)", H, "no_mx", false},
    {"554 mx.example.com ESMTP Mailserver 5.2.1 service not available for "
     "your host", S, "system_error", false},
    {"554 Rejected by barracuda: sender IP on BRBL", X, "blocklisted",
     false},
    {"550 5.1.1 Mail from \"shop.example\" refused: your IP is on our block"
     " list; recipient: \"<u@example.com>\"", X, "blocklisted", false},
    {"550 5.1.1 The user <u.name@example.com> does not exist", H,
     "user_unknown", false},

    /* --- more dead addresses; a user named with dots --- */
    {"550 Mailbox <u@example.com> not found", H, "user_unknown", false},
    {"550 The recipient e-mail address may be incorrect", H, "user_unknown",
     false},
    {"550 5.0.0 Recipient address rejected: account deleted last month", H,
     "mailbox_disabled", false},
    {"Command died with status 67: deliver: Error: user jo.doe doesn't "
     "exist", H, "user_unknown", false},

    /* --- greylisting and temporary refusals in more languages --- */
    {"451 4.7.1 Серый список, повторите позже", S, "greylisted", false},
    {"451 Grålistad, försök igen senare", S, "greylisted", false},
    {"452 Поштова скринька переповнена", S, "mailbox_full", false},

    /* --- the recipient's own rate; an organisation's refusal; headers; the
     * sender's own mailbox; Exim's synchronisation check --- */
    {"450 4.2.1 The user has exceeded the rate limit, retry later", S,
     "rate_limited", false},
    {"550 This group only accepts messages from members of the group", X,
     "policy", false},
    {"550 Mail from outside the organisation is refused here", X, "policy",
     false},
    {"554 Rejected: missing or invalid Message-ID header", X, "not_compliant",
     false},
    {"552 5.2.2 Sender's mailbox is over quota", X,
     "sender_rejected", false},
    {"554 SMTP synchronisation error", X, "syntax", false},

    /* --- Exim's header syntax check names our headers, not the recipient
     * --- */
    {"550 syntax error in 'Reply-To:' header when scanning for sender: "
     "malformed address: example.com may not follow <a>", X, "not_compliant",
     false},

    /* --- a mailbox that "could not be found", and the sender's own; a
     * domain with no address records --- */
    {"Reason: the recipient's mailbox could not be found on this server.", H,
     "user_unknown", false},
    {"550 Account cannot be located here", H, "user_unknown", false},
    {"550 5.1.0 Sender's mailbox could not be found", X, "sender_rejected",
     false},
    {"553 Your mailbox could not be found, please log in again", X,
     "sender_rejected", false},
    {"example.net: no DNS A-data returned", H, "domain_not_found", false},

    /* --- a cause the reply denies is no cause; what it asserts is --- */
    {"550 5.1.1 Not a reputation block: the account <a@example.com> does "
     "not exist", H, "user_unknown", false},
    {"550 5.1.1 Your server is not on any block list; no such user here", H,
     "user_unknown", false},
    {"552 5.2.2 Mailbox over quota (your spam score was not the reason)", S,
     "mailbox_full", false},
    {"550 5.1.1 Spam scan passed, but user unknown", H, "user_unknown",
     false},
    {"550 5.2.1 Account closed. This is unrelated to blocklists or content "
     "filtering", H, "mailbox_disabled", false},
    {"554 This is not a newsletter, it is spam", X, "spam_detected", false},
    {"554 5.7.1 Message rejected: not delivered because of spam content", X,
     "spam_detected", false},
    /* a denial reaches the end of its clause, four words at most */
    {"554 Your IP is not a trusted host and is on our blacklist", X,
     "blocklisted", false},
    {"550 5.7.1 Client 192.0.2.4 is not a registered sender, blocked by "
     "RBL zen", X, "blocklisted", false},
    {"550 5.7.1 Message rejected: not a legitimate sender, classified as "
     "spam", X, "spam_detected", false},
    {"550 Sender address not in any allow list, rejected by spam filter", X,
     "spam_detected", false},
    {"554 5.7.1 Message rejected as spam, virus scan passed", X,
     "spam_detected", false},
    {"554 5.7.1 Message rejected as spam, sender reputation is fine", X,
     "spam_detected", false},
    {"554 Rejected: not a trusted sender per SpamCop", X, "blocklisted",
     false},
    {"550 5.7.1 <a@example.com> \"Your message looks like spam\"", X,
     "spam_detected", false},
    /* a quoted name after an address is no cause either */
    {"550 5.1.1 <abuse-desk@example.com> (\"Spam Desk\"): no such user", H,
     "user_unknown", false},

    /* --- Exim's restricted characters; a scanner that failed; the sender's
     * syntax; URI block lists; inappropriate content; the receiver's disk
     * at MAIL FROM; removed and retired mailboxes; quarantine --- */
    {"550 Restricted characters in address", H, "address_invalid", false},
    {"451 4.5.0 Error in processing, id=1234-01, virus-scan FAILED: timed "
     "out", S, "system_error", false},
    {"553 Sender address has a syntax error", X, "sender_rejected", false},
    {"550 Rejected by URIBL", X, "spam_detected", false},
    {"554 Rejected: URIBL_BLACK", X, "spam_detected", false},
    {"550 Your message may contain inappropriate content", X, "content",
     false},
    {"452 4.3.1 No space left on device (in reply to MAIL FROM command)", S,
     "system_full", false},
    {"550 Mailbox has been permanently removed", H, "mailbox_disabled",
     false},
    {"550 No such user; the quarantine address was retired", H,
     "user_unknown", false},
    {"554 5.7.1 Message quarantined by the recipient's filter policy", X,
     "policy", false},
    {"250 2.1.5 Recipient ok; 552 5.2.2 Mailbox full", S, "mailbox_full",
     false},

    /* --- a TLS peer that could not be verified, whatever the status --- */
    {"454 4.7.5 MTA-STS policy enforced: TLS certificate verification "
     "failed for mx.example.org", X, "tls_required", false},
    {"x509: certificate is valid for mail.host.example, not mx.example.org",
     X, "tls_required", false},

    /* --- block lists and reputation in other languages --- */
    {"550 5.7.1 Votre adresse IP est list\xc3\xa9" "e sur une liste noire. Ce "
     "n'est pas un probl\xc3\xa8me de bo\xc3\xae" "te pleine.",
     X, "blocklisted", false},
    {"550 Ihre IP-Adresse steht auf einer schwarzen Liste", X, "blocklisted",
     false},
    {"550 Adres IP nadawcy znajduje si\xc4\x99 na czarnej li\xc5\x9b" "cie", X,
     "blocklisted", false},
    {"554 \xe9\x82\xae\xe4\xbb\xb6\xe8\xa2\xab\xe6\x8b\x92\xe6\x94\xb6"
     "\xef\xbc\x8c\xe5\x8f\x91\xe4\xbb\xb6\xe4\xba\xbaIP"
     "\xe4\xbf\xa1\xe8\xaa\x89\xe5\xba\xa6\xe4\xbd\x8e",
     X, "bad_reputation", false},
    {"550 5.7.1 Mensaje rechazado por la baja reputaci\xc3\xb3n de su "
     "servidor", X, "bad_reputation", false},

    /* --- a denial in another language; rate limits in other languages;
     * a feminine unknown --- */
    {"550 5.1.1 Message refus\xc3\xa9. Ceci n'est pas li\xc3\xa9 \xc3\xa0 la "
     "r\xc3\xa9putation de votre adresse IP : l'adresse du destinataire "
     "n'existe pas sur ce serveur.",
     H, "user_unknown", false},
    {"550 5.7.1 Das Problem liegt nicht an einer Sperrliste: Benutzer "
     "unbekannt", H, "user_unknown", false},
    {"421 4.2.1 Trop de messages envoy\xc3\xa9s depuis votre adresse IP, "
     "d\xc3\xa9" "bit limit\xc3\xa9. R\xc3\xa9" "essayez ult\xc3\xa9rieurement.",
     X, "rate_limited", false},
    {"421 4.7.0 Przekroczono limit wysy\xc5\x82" "anych wiadomo\xc5\x9b" "ci",
     X, "rate_limited", false},
    {"550 5.7.1 <a@example.mx>: Direcci\xc3\xb3n de destinatario "
     "desconocida en esta organizaci\xc3\xb3n", H, "user_unknown", false},

    /* --- a status that contradicts its code on success says nothing --- */
    {"550 2.7.1 Message rejected: SPF check failed for example.com", X,
     "auth_spf", true},
    {"250 5.1.1 <a@example.com> accepted", N, "delivered", false},
    {"250 2.0.0 OK. Note: the previous attempt was greylisted "
     "(451 4.7.1); this one is accepted", N, "delivered", false},

    /* --- a recipient that refuses us; SMTPUTF8; a recipient named by
     * address as unknown; a bare "not" before a cause --- */
    {"550 Mail is rejected by recipients [Xy12Ab IP: 192.0.2.7]", X,
     "policy", false},
    {"SMTPUTF8 is required, but was not offered by host "
     "mx.example.org[192.0.2.1]", X, "not_compliant", false},
    {"550 5.4.1 Recipient a@example.org unknown", H, "user_unknown", false},
    {"452 4.2.2 Mailbox full. You are not blocked and your IP is not "
     "blacklisted", S, "mailbox_full", false},
    {"550 Message not delivered due to spam content", X, "spam_detected",
     false},
    /* Gmail's words for a dead domain, and the sender's own */
    {"Your message wasn't delivered to a@example.net because the domain "
     "example.net couldn't be found. Check for typos.", H, "domain_not_found",
     false},
    {"550 The sender domain example.com could not be found", X,
     "sender_rejected", false},
    /* NXDOMAIN is a dead domain whatever the code; "try again" is not */
    {"DNS Error: DNS type 'mx' lookup of example.net responded with code "
     "NXDOMAIN Domain name not found: example.net", H, "domain_not_found",
     false},
    {"Host or domain name not found. Name service error for name=example.net "
     "type=A: Host not found, try again", S, "network", false},
    /* block marks and codes; Croatian greylisting; an address not valid */
    {"554 IP=192.0.2.4 - A problem occurred. (BL) mx00.example.de", X,
     "blocklisted", false},
    {"550 SC-001 (BAY0-MC1-F1) Unfortunately, messages from 192.0.2.4 weren't "
     "sent.", X, "blocklisted", false},
    {"451 4.7.1 Privremena greška, pokušajte ponovno kasnije (siva lista)", S,
     "greylisted", false},
    {"550 5.0.0 Recipient's address is not valid: <a@example.org>", H,
     "user_unknown", false},
    {"553 Sender address is not valid", X, "sender_rejected", false},
    /* --- the receiver's own faults, at whatever stage or status --- */
    {"454 4.7.0 TLS not available due to local problem", S, "system_error",
     false},
    {"SMTP error from remote mail server after initial connection: 421 "
     "mx.example.co.uk: SMTP command timeout - closing connection",
     S, "network", false},
    /* greylisting, whatever spam filter or help page it names */
    {"450 4.2.0 <r.lee@example.com>: Recipient address rejected: Greylisted, "
     "see http://greylist.spamblock.example/help/example.com.html",
     S, "greylisted", false},
    {"451-4.7.1 Thank you for your message.\n451-4.7.1 Our server uses "
     "greylisting to fight spam;\n451 4.7.1 please retry in 5 minutes",
     S, "greylisted", false},
    /* the recipient's address, unqualified; a callout that found no such
     * recipient (the sender's callout says "Sender verify failed") */
    {"504 5.5.2 <admin>: Recipient address rejected: need fully-qualified "
     "address",
     H, "address_invalid", false},
    {"550-Verification failed for <jdoe@example.com>\n550-Called:   "
     "192.0.2.15\n550-Sent:     RCPT TO:<jdoe@example.com>\n550-Response: "
     "550 5.1.1 User unknown\n550 Recipient verify failed",
     H, "user_unknown", false},
    /* the sending side: its HELO, its domain's MX, its identity, its
     * account's quota, its relaying */
    {"550 HELO argument localhost.localdomain is not a valid hostname", X,
     "sender_rejected", false},
    {"553 sorry, can't find a valid MX for sender domain (#5.1.1 - chkuser)",
     X, "sender_rejected", false},
    {"550 The from address does not match a verified Sender Identity. Mail "
     "cannot be sent until this error is resolved.",
     X, "sender_rejected", false},
    {"550 5.2.2 STOREDRV.Submission.Exception:"
     "SubmissionQuotaExceededException; Failed to process message due to a "
     "permanent exception with message Cannot submit message.",
     X, "rate_limited", false},
    {"554 5.2.0 STOREDRV.Submission.Exception:OutboundSpamException; Failed "
     "to process message due to a permanent exception",
     X, "spam_detected", false},
    {"550 I cannot deliver mail for <pat@example.org>", X, "relay_denied",
     false},
    {"554 Transaction failed: Message length is more than 10485760 bytes "
     "long: '10612345'.",
     X, "message_too_large", false},
    /* AOL's and T-Online's codes alone */
    {"421 DYN:T1  http://postmaster.info.aol.com/errors/421dynt1.html", X,
     "rate_limited", false},
    {"554 RTR:BL  http://postmaster.info.aol.com/errors/554rtrbl.html", X,
     "blocklisted", false},
    {"554 DNS:NR  http://postmaster.info.aol.com/errors/554dnsnr.html", X,
     "require_ptr", false},
    {"554 IP=203.0.113.91 - A problem occurred. (Ask your postmaster for help "
     "or to contact tosa@rx.t-online.de to clarify.)",
     X, "blocklisted", false},
    /* greylisting, sending and connection limits in other languages */
    {"451 4.7.1 List\xc4\x83 gri, \xc3\xaencerca\xc8\x9bi din nou mai "
     "t\xc3\xa2rziu",
     S, "greylisted", false},
    {"451 4.7.1 \xd0\x93\xd1\x80\xd0\xb5\xd0\xb9\xd0\xbb\xd0\xb8"
     "\xd1\x81\xd1\x82\xd0\xb8\xd0\xbd\xd0\xb3: \xd0\xbf\xd0\xbe"
     "\xd0\xb2\xd1\x82\xd0\xbe\xd1\x80\xd0\xb8\xd1\x82\xd0\xb5 "
     "\xd0\xbf\xd0\xbe\xd0\xbf\xd1\x8b\xd1\x82\xd0\xba\xd1\x83",
     S, "greylisted", false},
    {"450 4.7.1 Limite de envio excedido para o seu servidor, tente "
     "novamente mais tarde",
     X, "rate_limited", false},
    {"421 4.7.0 \xeb\xb0\x9c\xec\x86\xa1\xeb\x9f\x89 \xec\xa0\x9c"
     "\xed\x95\x9c \xec\xb4\x88\xea\xb3\xbc",
     X, "rate_limited", false},
    {"421 4.7.0 \xe8\xbf\x9e\xe6\x8e\xa5\xe9\xa2\x91\xe7\x8e\x87"
     "\xe8\xbf\x87\xe9\xab\x98,\xe8\xaf\xb7\xe7\xa8\x8d\xe5\x90"
     "\x8e\xe5\x86\x8d\xe8\xaf\x95",
     X, NULL, false},
    /* a domain without mail hosts, permanently */
    {"550 5.4.4 Unable to route: no mail hosts for domain", H, "no_mx", false},
    /* what a success report says of a recipient, with no code */
    {"delivered via dovecot service", N, "delivered", false},
    {"delivered to command: /usr/bin/procmail -a \"$EXTENSION\"", N,
     "delivered", false},
    {"Delivery to these recipients or groups is complete, but no delivery "
     "notification was sent by the destination server",
     N, "delivered", false},
    {"Delivery to the following recipient succeeded.", N, "delivered", false},
    /* a sending service's own reasons for not sending */
    {"Bounced Address", H, "suppressed", false},
    {"Unsubscribed Address", H, "suppressed", false},
    {"dropped: Bounced Address", H, "suppressed", false},
    {"event=dropped reason=Unsubscribed Address", H, "suppressed", false},
    {"554 Sending paused for this account. For more information, please "
     "check the AWS Management Console.",
     X, "sender_rejected", false},
    {"unable to get mx info: failed to get IPs from PTR record: lookup <nil>: "
     "unrecognized address",
     S, "network", false},
    /* the receiver busy or shedding load, at whatever stage */
    {"host mx.example.com[203.0.113.5] said: 421 4.3.2 Service not "
     "available, closing transmission channel (in reply to MAIL FROM "
     "command)",
     S, "system_error", false},
    {"host mx.example.com[203.0.113.5] refused to talk to me: 421 4.3.2 "
     "System not accepting network messages",
     S, "system_error", false},
    /* a delivery program's temporary failure (EX_TEMPFAIL), whatever its
     * output says */
    {"Command died with status 75: \"/usr/lib/dovecot/dovecot-lda\". "
     "Command output: lda(ivy): Error: sieve: failed to store into mailbox "
     "'Archive/2024': Mailbox doesn't exist: Archive/2024",
     S, "mailer_error", false},
    /* dead domains and mailboxes in other software's words */
    {"all host address lookups failed permanently", H, "domain_not_found",
     false},
    {"lookup example.invalid on 127.0.0.53:53: no such host", H,
     "domain_not_found", false},
    {"Recipient's Domino Directory entry does not specify a valid Notes mail "
     "file",
     H, "user_unknown", false},
    /* a recipient that blocks the sender, whatever status comes with it */
    {"550 5.1.1 <kai@example.com>: Recipient address rejected: Blocked sender",
     X, "policy", false},    /* denials, and causes that are only named: the reply's own cause
     * decides (authentication that passed, checks that did not run, a
     * list of causes denied, the receiver's own scanner or TLS failing) */
    {"550 5.1.1 <a.chen@example.org>... User unknown (DKIM passed,"
     " SPF passed, sender verified)",
     H, "user_unknown", false},
    {"550 5.1.1 <d.walker@example.edu>: This address was retired"
     " when its owner left the university in 2021. Mail sent to it"
     " is not forwarded and will not be read. We do not block senders"
     " and your message was not considered spam or too large; the"
     " account simply no longer exists. If you need to reach the"
     " department, please write to helpdesk@example.edu instead.",
     H, "user_unknown", false},
    {"550 5.1.1 <f.lopez@example.mx>: No such user. (Note: this rejection"
     " is not about quota, rate limits or reputation.)",
     H, "user_unknown", false},
    {"550 5.1.1 <a.bose@example.com>: Recipient address rejected:"
     " User unknown; spf=pass (sender SPF authorized) smtp.mailfrom=news.example.org",
     H, "user_unknown", false},
    {"550 5.1.1 \xe2\x80\x98hr-jobs@example.com\xe2\x80\x99 \xe2\x80\x93"
     " no mailbox by that name (over-quota and spam checks were not"
     " reached)",
     H, "user_unknown", false},
    {"451 4.7.1 Greylisting in action, please come back later. (SPF"
     " pass, DKIM pass; this is not a reputation block)",
     S, "greylisted", false},
    {"421 4.7.0 mx.example.com Try again later, closing connection."
     " (Not a rate limit; server under maintenance)",
     S, NULL, false},
    {"451 4.3.0 Message held: temporary virus scanner failure on"
     " our side (not a virus detection)",
     S, "system_error", false},
    {"451 4.7.1 Please try again later (spam filter temporarily unavailable)",
     S, "system_error", false},
    {"451 4.3.2 Temporary failure, the antivirus daemon (clamd) is"
     " not responding",
     S, "system_error", false},
    {"452 4.2.2 Over quota. (This is not a reputation or rate-limit"
     " issue.)",
     S, "mailbox_full", false},
    {"452 4.2.2 Mailbox full (spam folder also full)",
     S, "mailbox_full", false},
    {"451 4.4.2 TLS handshake failed on our side (certificate store"
     " unavailable); please retry later",
     S, "system_error", false},
    /* a sending service's own refusals: an address that bounced before
     * is dead; one whose owner unsubscribed or complained is on the
     * service's suppression list too, and is never mailed again */
    {"550 Not delivering to previously bounced address: the recipient hard "
     "bounced on an earlier send",
     H, "suppressed", false},
    {"Rejected: recipient is on the denylist after a previous hard bounce", H,
     "suppressed", false},
    {"606 Not delivering to unsubscribed address", H, "suppressed", false},
    {"Suppressed - recipient is on your suppression list due to a complaint",
     H, "suppressed", false},
    /* lists and groups that refuse posts */
    {"Your message to board@example.com couldn't be delivered. The group "
     "moderator rejected your message.",
     X, "policy", false},
    {"550 Post by non-member to a members-only list", X, "policy", false},
    /* short category texts of a sending service */
    {"Hard bounce - Change of address", H, "has_moved", false},
    {"hardbounce: Invalid domain", H, "domain_not_found", false},
    {"bounce: no mail host", H, "no_mx", false},
    {"Hard bounce - Bad email address", H, "address_invalid", false},
    /* cPanel's callout refusal names block lists only as a possibility;
     * its sender verification is the sender's */
    {"550 The mail server could not deliver mail to info@orchard.example.com."
     "  The account or domain may not exist, they may be blacklisted, or "
     "missing the proper dns entries.",
     H, "user_unknown", false},
    {"550-Verification failed for <bounces@shop.example.net>\n550-The mail "
     "server could not deliver mail to bounces@shop.example.net.  The account "
     "or domain may not exist, they may be blacklisted, or missing the proper "
     "dns entries.\n550 Sender verify failed",
     X, NULL, false},
    {"550 5.1.1 <info@clinic.example.sa> Mailbox unavailable or access denied",
     H, "user_unknown", false},
    /* the same words about the sender's own address or domain */
    {"550 No mail servers exist for the sender's domain", X,
     "sender_rejected", false},
    {"550 Your sender address: bad email address", X, "sender_rejected",
     false},
    /* a cause the reply denies: "no virus found", checks it passed */
    {"552 5.2.2 No virus found, but the mailbox of <mo@example.com> is full",
     S, "mailbox_full", false},
    {"550 Requested action not taken: mailbox unavailable; user oscar not "
     "found (anti-spam and anti-virus checks passed)",
     H, "user_unknown", false},
    {"554 5.7.1 No spam allowed: message rejected as spam", X,
     "spam_detected", false},
    /* a connection lost at the greeting: the network, not a refusal */
    {"Connection reset by peer while reading SMTP greeting from "
     "mx.example.com[198.51.100.6]",
     S, "network", false},
    {"lost connection with mx.example.net[192.0.2.7] while receiving the "
     "initial server greeting",
     S, "network", false},
    {"554 5.7.1 Service unavailable; refused at SMTP greeting", X, NULL,
     false},
    /* Cox's AUP codes, and Microsoft's throttling of a sending IP */
    {"554 cox.net cxr-ibmta-03 ... rejected - AUP#CXBL https://www.cox.com/"
     "residential/support/email-error-codes.html",
     X, "blocklisted", false},
    {"554 cxr.mx ... rejected - no rDNS - AUP#CXDNS", X, "require_ptr",
     false},
    {"421 cox.net too many sessions from your IP - AUP#CXCNCT", X,
     "too_many_connections", false},
    {"451 4.7.500 Server busy. Please try again later from [203.0.113.5]. "
     "(S77719) [VI1EUR06FT012.eop-eur06.prod.protection.outlook.com]",
     X, "rate_limited", false},
    {"451 4.3.2 Server busy. Please try again later", S, "system_error",
     false},
    /* rspamd's symbols, an ARC chain that failed */
    {"554 5.7.1 Spam message rejected (DMARC_POLICY_REJECT, R_SPF_FAIL, "
     "R_DKIM_REJECT)",
     X, "auth_dmarc", true},
    {"554 5.7.1 Message rejected (ARC_REJECT: ARC chain validation failed, "
     "cv=fail)",
     X, "auth_arc", true},
    /* a recipient's own authentication, a signing domain on a block list,
     * authentication results the reply denies, skips or did not reach */
    {"550 5.1.1 <x.li@alumni.example.cn>: Recipient address rejected: "
     "recipient authentication failed - no such mailbox",
     H, "user_unknown", false},
    {"554 5.7.1 Blocked: DKIM-signing domain mailcampaign.example is listed "
     "on the Spamhaus DBL",
     X, "blocklisted", false},
    {"550 5.7.1 Message rejected: sender domain promo.example listed in "
     "dbl.spamhaus.org (not an SPF issue)",
     X, "blocklisted", false},
    {"554 5.7.1 Rejected: 198.51.100.99 listed at b.barracudacentral.org; "
     "SPF/DKIM not evaluated",
     X, "blocklisted", false},
    {"451 4.3.5 Server configuration problem; SPF check skipped", S,
     "system_error", false},
    {"550 5.7.1 Message refused by content policy (attachment type .exe "
     "blocked); SPF, DKIM and DMARC all passed",
     X, "content", false},
    {"550 5.7.1 Blocked: listed at zen.spamhaus.org, SPF check passed", X,
     "blocklisted", false},
    {"550 5.7.23 SPF validation failed; DKIM and DMARC not evaluated", X,
     "auth_spf", true},
    /* what a sending MTA writes of its own failures: a local delivery
     * agent's, SpamAssassin's programs by name, a lookup that failed for
     * now, a TLSA record that could not be looked up */
    {"X-Postfix; Command died with status 89: \"/usr/lib/dovecot/dovecot-lda"
     "\". Command output: lda(jdoe): Fatal: Invalid user settings.",
     S, "mailer_error", false},
    {"X-Postfix; internal software error. Command output: /usr/bin/spamc: "
     "unexpected EOF while reading from spamd",
     S, NULL, false},
    {"Temporary failure in MX lookup", S, "network", false},
    {"TLSA lookup error for mx.example.net:25", S, "network", false},
    {"DANE error: tlsa lookup DEFER", S, "network", false},
    {"x-halon; DANE: no TLSA record matched the certificate presented by "
     "mx.example.com[192.0.2.61]:25",
     X, "tls_required", false},
    {"Deferred: 421 4.3.2 Too many open connections.", X,
     "too_many_connections", false},
    {"421 4.3.2 Too many open sessions on this server, come back later", S,
     "system_error", false},
    /* Postfix's address verification: the 450 is the reply, the 550 the
     * probe's it quotes */
    {"host mx.example.com[192.0.2.1] said: 450 4.1.1 <carol@example.com>: "
     "Recipient address rejected: undeliverable address: host "
     "mailstore.example.com[10.1.2.3] said: 550 5.1.1 <carol@example.com>: "
     "User unknown (in reply to RCPT TO command)",
     S, NULL, false},
    {"attempt 1: 451 4.7.1 try again later; attempt 7: 550 5.1.1 "
     "<zed@example.net>: User unknown",
     H, "user_unknown", false},
    /* causes in other languages */
    {"550 5.0.0 Raison : l'adresse du destinataire est inconnue.", H,
     "user_unknown", false},
    {"550 5.0.0 Hata nedeni: Al\xc4\xb1" "c\xc4\xb1 adresi bulunamad\xc4\xb1.",
     H, "user_unknown", false},
    {"550 5.0.0 Przyczyna: konto odbiorcy zosta\xc5\x82o wy\xc5\x82\xc4\x85"
     "czone (dezaktywowane).",
     H, "mailbox_disabled", false},
    {"550 5.0.0 Ok: a c\xc3\xadmzett postafi\xc3\xb3kja megtelt.", S,
     "mailbox_full", false},
    {"550 5.0.0 Ok: a c\xc3\xadmzett domain nem l\xc3\xa9tezik.", H,
     "domain_not_found", false},
    {"Syy: vastaanottajan verkkotunnusta \"jarvi.example.fi\" ei "
     "l\xc3\xb6ydy.",
     H, "domain_not_found", false},
    {"550 5.0.0 Motivo: la casella di posta del destinatario risulta "
     "disabilitata.",
     H, "mailbox_disabled", false},
    {"Orsak: F\xc3\xb6r m\xc3\xa5nga meddelanden har skickats fr\xc3\xa5n "
     "din server p\xc3\xa5 kort tid.",
     X, "rate_limited", false},
    {"554 5.0.0 \xec\x82\xac\xec\x9c\xa0: \xec\x8a\xa4\xed\x8c\xb8 "
     "\xeb\xa9\x94\xec\x9d\xbc\xeb\xa1\x9c \xed\x8c\x90\xeb\x8b\xa8",
     X, "spam_detected", false},
    {"552 5.0.0 Causa: el mensaje excede el tama\xc3\xb1o m\xc3\xa1ximo "
     "permitido (20 MB).",
     X, "message_too_large", false},
    /* terse replies of small servers and filters */
    {"550 Casella inesistente", H, "user_unknown", false},
    {"550 \xd0\x90\xd0\xb4\xd1\x80\xd0\xb5\xd1\x81\xd0\xb0\xd1\x82 "
     "\xd0\xbd\xd0\xb5 \xd0\xbd\xd0\xb0\xd0\xb9\xd0\xb4\xd0\xb5\xd0\xbd",
     H, "user_unknown", false},
    {"550 Nieznany u\xc5\xbc" "ytkownik", H, "user_unknown", false},
    {"550 Ok\xc3\xa4nd mottagare", H, "user_unknown", false},
    {"550 RCPT unknown", H, "user_unknown", false},
    {"554 Rejected: SPAMD 8.2/5.0", X, "spam_detected", false},
    {"550 BAYES_99", X, "spam_detected", false},
    {"552 TOO LARGE", X, "message_too_large", false},
    {"550 no relay", X, "relay_denied", false},
    {"550 BANNED_FILENAME", X, "content", false},
    {"550 Message-ID missing", X, "not_compliant", false},
    {"550 Zugriff verweigert", X, "policy", false},
    {"554 IP bloccato", X, "blocklisted", false},
    {"550 ARC fail", X, "auth_arc", true},
    {"421 TOO MANY CONN", X, "too_many_connections", false},
    /* X.7.5 is TLS's when the text speaks of it, not authentication */
    {"554 5.7.5 Cannot start TLS: server certificate not trusted", X,
     "tls_required", false},
    {"554 5.7.5 Permanent error evaluating DMARC policy", X, "auth_dmarc",
     true},
    /* a submission server's login limit, Exchange Online's sender
     * concurrency, Orange's sending rate */
    {"454-4.7.0 Too many login attempts, please try again later.\n454 4.7.0 "
     "https://support.google.com/mail/answer/7126229",
     X, "smtp_auth", false},
    {"432 4.3.2 STOREDRV.ClientSubmit; sender thread limit exceeded", X,
     "too_many_connections", false},
    {"421 mwinf5c40 ME Trop de messages, veuillez reessayer plus tard. Too "
     "many messages, please try later. OFR004_102 [102]",
     X, "rate_limited", false},
    /* a sending service's list of addresses that bounced or complained */
    {"You tried to send to recipient(s) that have been marked as inactive. "
     "Found inactive addresses: bob@example.org. Inactive recipients are "
     "ones that have generated a hard bounce, a spam complaint, or a manual "
     "suppression.",
     H, "suppressed", false},
    {"rejected: reject_reason=hard-bounce (bob@example.org is on the "
     "account rejection denylist)",
     H, "suppressed", false},
    {"Message not sent: address is on the global bounce list", H,
     "suppressed", false},
    {"Not delivering to a user who unsubscribed", H, "suppressed", false},
    {"Email not sent: the recipient is on your account's blocklist (added "
     "automatically after a hard bounce on 2024-11-02)",
     H, "suppressed", false},
    /* what the text says beats the code's meaning */
    {"551 5.7.1 User not local; relaying to <bob@example.org> denied", X,
     "relay_denied", false},
    {"550 Rejected by recipient's filter rules", X, "filtered", false},
    {"550 Rejected by system filter", X, "filtered", false},
    {"501 <bob@example..org>: domain missing or malformed", H,
     "address_invalid", false},
    {"550 rejected after DATA: domain missing or malformed: failing address "
     "in \"From:\" header is: <noreply@>",
     X, "not_compliant", false},
    {"550 Nachricht entspricht nicht RFC 5322: mehrere From-Header", X,
     "not_compliant", false},
    {"InvalidParameterValue: Recipient count exceeds 50.", X, "exceed_limit",
     false},
    {"552 5.3.4 Requested mail action aborted: exceeded storage allocation",
     X, "message_too_large", false},
    {"552 Requested mail action aborted: exceeded storage allocation "
     "(message size 41943040 exceeds limit 26214400)",
     X, "message_too_large", false},
    {"500 Unknown error (#5.0.0)", S, "undetermined", false},
    {"500 5.0.0 An error occurred while processing your message", S,
     "undetermined", false},
    {"550 We do not accept \".exe\" attachments. Please zip them up.", X,
     "content", false},
    {"Out of Office: I am away until Monday", N, "vacation", false},
    /* qmail's "Giving up on" a host ends every permanent failure */
    {"<bob@example.org>: 192.0.2.8 does not like recipient. Remote host "
     "said: 550 Requested action not taken: mailbox unavailable Giving up "
     "on 192.0.2.8.",
     H, "user_unknown", false},
    {"554 cxr.mx.west.cox.net cmsmtp 192.0.2.62 blocked. Refer to Error "
     "Code: CXBL https://www.cox.com/residential/support/email-error-codes."
     "html",
     X, "blocklisted", false},
    {"Reason: The message could not be delivered because the domain name "
     "(shop.example) does not appear to be registered.",
     H, "domain_not_found", false},
    /* receipts, reports and success notices in their own words */
    {"Your message has been delivered to the following recipients: Grace "
     "Liang (grace@example.org)",
     N, "delivered", false},
    {"Your message To: Tom Whitcombe Subject: Budget was read on Tuesday, "
     "March 4, 2025 10:12:45 AM",
     N, "delivered", false},
    {"This is an email abuse report for an email message received from IP "
     "192.0.2.18. Feedback-Type: abuse",
     N, "feedback", false},
    {"550 5.3.190 Journaling on-premises messages to Microsoft 365 not "
     "supported when Journaling Archive is disabled",
     X, "policy", false},
    {"550 5.0.350 x-dg-ref header is too large", X, "not_compliant", false},
    /* sending services' events, in their own words */
    {"event=dropped reason=\"Bounced Address\" email=bob@example.org", H,
     "suppressed", false},
    {"event=blocked error_related_to=recipient error=\"preblocked\" "
     "email=bob@example.org",
     H, "suppressed", false},
    {"event=dropped reason=\"Spam Reporting Address\" email=bob@example.org",
     H, "suppressed", false},
    {"failed permanent reason=suppress-complaint delivery-status.code=607 "
     "delivery-status.message=\"Not delivering to a user who marked your "
     "messages as spam\"",
     H, "suppressed", false},
    {"event=dropped reason=\"Recipient List over Package Quota\" "
     "email=bob@example.org",
     X, "exceed_limit", false},
    {"event=bounce hard_bounce=true error_related_to=content error=\"content "
     "blocked\"",
     X, "content", false},
    {"event=delivered delivery-status.code=250 delivery-status.message=\"OK\"",
     N, "delivered", false},
    {"Type: SpamComplaint, Description: The subscriber explicitly marked this "
     "message as spam.",
     N, "feedback", false},
    /* unknown users and auto-replies in other languages */
    {"550 5.0.0 Die E-Mail-Adresse des Empf\xc3\xa4ngers existiert nicht: "
     "bob@example.org",
     H, "user_unknown", false},
    {"554 5.0.0 <bob@example.org>: Adres odbiorcy odrzucony: Nie ma takiego "
     "u\xc5\xbcytkownika",
     H, "user_unknown", false},
    {"Risposta automatica: Sono fuori ufficio fino al 5 gennaio", N,
     "vacation", false},
    {"\xe8\x87\xaa\xe5\x8a\xa8\xe5\x9b\x9e\xe5\xa4\x8d\xef\xbc\x9a"
     "\xe6\x82\xa8\xe5\xa5\xbd",
     N, "vacation", false},
    /* a 5xx code is permanent whatever its status says */
    {"550 4.1.1 <bob@example.org>: Recipient address rejected: User unknown",
     H, "user_unknown", false},
    {"550 5.1.1 Contact blocklisted (unsubscribed or hard bounced): message "
     "not sent to bob@example.org",
     H, "suppressed", false},
    {"event=blocked reason=Contact is blocklisted (unsubscribed)", H,
     "suppressed", false},
    {"550 Destinat\xc3\xa1rio na lista de supress\xc3\xa3o \xe2\x80\x93 envio "
     "n\xc3\xa3o realizado",
     H, "suppressed", false},
    {"550 5.1.0 Adresse abgelehnt", H, "user_unknown", false},
    {"517-Invalid domain, see <URL:ftp://ftp.isi.edu/in-notes/rfc1035.txt>\n"
     "517 Invalid domain, see <URL:ftp://ftp.isi.edu/in-notes/rfc1035.txt>",
     X, "sender_rejected", false},
    /* failures told in prose, without codes */
    {"There is no one here by the name you wrote to.", H, "user_unknown",
     false},
    {"We're sorry, but the person you emailed doesn't have an account with "
     "us.",
     H, "user_unknown", false},
    {"Oops! We couldn't find a mailbox called 'bob' at example.org.", H,
     "user_unknown", false},
    {"This domain only accepts mail over an encrypted connection; please "
     "enable STARTTLS and try again.",
     X, "tls_required", false},
    {"Your message wasn't delivered because the recipient's organization "
     "doesn't accept email from outside senders.",
     X, "policy", false},
    {"Sorry, you've hit the limit on the number of people you can email in "
     "one message.",
     X, "exceed_limit", false},
    {"We weren't able to reach the recipient's mail server - the connection "
     "was refused. We'll retry automatically.",
     S, "network", false},
    {"Server storage exhausted - incoming mail is being refused until space "
     "is freed.",
     S, "system_full", false},
    {"The recipient address contains invalid characters and could not be "
     "parsed.",
     H, "address_invalid", false},
    {"We couldn't deliver your message because the recipient's domain, "
     "example.org, doesn't seem to exist.",
     H, "domain_not_found", false},
    {"Your message to bob@example.org was rejected: the subscriber's email "
     "service has been discontinued.",
     H, "mailbox_disabled", false},
    {"Your message contains a type of file our system doesn't accept (.iso).",
     X, "content", false},
    {"The recipient has set up a rule that blocks messages from your "
     "address.",
     X, "filtered", false},
    {"421 Too much mail from this address. Please wait a while and try "
     "again later.",
     X, "rate_limited", false},
    {"You have reached a limit for sending mail. Your message was not sent.",
     X, "rate_limited", false},
    {"Your message has been relayed to the following recipients, but the "
     "requested delivery status notifications may not be generated by the "
     "destination: bob@example.org",
     N, "delivered", false},
    {"Your message\n  To: Bob\n  Subject: Contract\nwas deleted without "
     "being read on Tuesday, 5 March 2024 08:03.",
     N, "delivered", false},
    {"Thanks for your email. I'm away from the office until Monday.", N,
     "vacation", false},
    {"Thanks for contacting support! One of our team will get back to you "
     "within 1 business day.",
     N, "vacation", false},
    {"The domain name \"exmaple.org\" could not be found. Please check the "
     "spelling of the part after the @ sign.",
     H, "domain_not_found", false},
    {"Domain of the receiver is not existing. Please verify spelling of "
     "domain (after \"@\").",
     H, "domain_not_found", false},
    {"The mailbox you wrote to (bob@example.org) is not exist in our system, "
     "please check and resend.",
     H, "user_unknown", false},
    {"Skipped: this contact has bounced before and is on the do-not-mail "
     "list.",
     H, "suppressed", false},
    {"The address \"bob smith@example.org\" contains illegal characters "
     "(space). Message not sent.",
     H, "address_invalid", false},
    {"421 4.3.2 Service not available: the number of simultaneous "
     "connections from your network is limited to 2.",
     X, "too_many_connections", false},
    {"Ihre Nachricht konnte nicht zugestellt werden, weil der Empf\xc3\xa4nger "
     "\"bob@example.org\" unbekannt ist.",
     H, "user_unknown", false},
    {"550 Your message to bob@example.org was rejected: the hosting account "
     "of this domain is suspended.",
     H, "mailbox_disabled", false},
    {"551 5.1.6 Address changed. The recipient has a new e-mail address which "
     "we are not allowed to give out.",
     H, "has_moved", false},
    {"This is an automatic reply. The service centre is closed until 6 "
     "January.",
     N, "vacation", false},
    {"Your message was not delivered because it is too large. The "
     "recipient's mail server only accepts messages up to 20 MB.",
     X, "message_too_large", false},
    {"That mailbox is gone.", H, "user_unknown", false},
    {"Recipient rejected: nobody by that name works here", H, "user_unknown",
     false},
    {"no valid mail host for domain example.org", H, "domain_not_found",
     false},
    {"Address retired. This mailbox no longer receives mail.", H,
     "mailbox_disabled", false},
    {"Messages with more than one Date header are not accepted.", X,
     "not_compliant", false},
    {"The sending server isn't allowed to send mail for your domain.", X,
     "auth_spf", true},
    {"Your envelope sender isn't welcome here.", X, "sender_rejected", false},
    {"We could not verify who sent this.", X, "auth", true},
    {"Thank you for your email. This is an automated reply: our office is "
     "closed for the holidays.",
     N, "vacation", false},
    {"432 4.3.2 STOREDRV.Deliver; dynamic mailbox database throttling limit "
     "exceeded",
     S, "system_error", false},
    {"550 5.2.1 Account suspended: mailbox <bob@example.org> was suspended "
     "for sending spam and no longer accepts mail",
     H, "mailbox_disabled", false},
    {"Reporting-UA: mail.example.org; Microsoft Exchange Server\n"
     "Final-Recipient: rfc822;bob@example.org\n"
     "Disposition: manual-action/MDN-sent-manually; displayed",
     N, "delivered", false},
    {"Thank you for your email. I am on parental leave until 1 October and "
     "will not be reading mail.",
     N, "vacation", false},
    {"User Bob Smith (bob@example.org) not listed in public Name & Address "
     "Book",
     H, "user_unknown", false},
    {"421 4.7.0 Your IP 192.0.2.9 has exceeded the rate control limit. "
     "Please try again later.",
     X, "rate_limited", false},
    {"553-you are trying to use me [server-14.example.net] as a relay, but "
     "I have not been configured to let you (192.0.2.58, mail.example.com) "
     "do this.\n553 please consult your system administrator",
     X, "relay_denied", false},
    {"Delivery has completed for these recipients or groups, but no "
     "delivery notification was sent by the destination server: "
     "bob@example.org",
     N, "delivered", false},
    {"status=sent (delivered to maildir)", N, "delivered", false},
    {"{\"type\":\"out_of_band\",\"raw_reason\":\"Auto-Submitted: "
     "auto-replied\",\"rcpt_to\":\"bob@example.org\"}",
     N, "vacation", false},
    {"{\"email\":\"bob@example.org\",\"event\":\"dropped\",\"reason\":"
     "\"Bounced Address\"}",
     H, "suppressed", false},
    {"{\"event\":\"reject\",\"msg\":{\"email\":\"bob@example.org\","
     "\"reject\":{\"reason\":\"hard-bounce\"}}}",
     H, "suppressed", false},
    {"550 5.2.1 <bob@example.org>: Mailbox is dormant (inactive for over 12 "
     "months); message rejected",
     H, "mailbox_disabled", false},
    {"delivery to bob@example.org deferred (attempt 3): Error: connect "
     "ECONNREFUSED 192.0.2.84:25",
     S, "network", false},
    {"SMTP error from remote mail server after MAIL FROM:<a@example.com> "
     "SIZE=48211: 452 Space shortage, please try later",
     S, "system_full", false},
    {"{\\\"headers\\\":{\\\"Auto-Submitted\\\":\\\"auto-replied\\\"},"
     "\\\"text\\\":\\\"I am on leave until 2 April.\\\"}",
     N, "vacation", false},
    {"[{\\\"email\\\":\\\"bob@example.org\\\",\\\"status\\\":"
     "\\\"rejected\\\",\\\"reject_reason\\\":\\\"hard-bounce\\\"}]",
     H, "suppressed", false},
    {"unable to get mx info: failed to get IPs from PTR record: lookup "
     "example.org: no such host",
     H, "domain_not_found", false},
    {"error_related_to: recipient; error: preblocked", H, "suppressed",
     false},
    {"blocked : due to blacklist user", H, "suppressed", false},
    /* the folder a delivery agent wrote to, the name a resolver looked up
     * and the checks a message passed name no cause */
    {"Command died with status 1: \"/usr/bin/procmail\". Command output: "
     "procmail: Error while writing to \"/home/kim/Mail/spam\"",
     S, "mailer_error", false},
    {"554 \"|exec /usr/local/bin/procmail -f- || exit 75 #bob\"... "
     "Service unavailable",
     S, "mailer_error", false},
    {"550 <bob@example.org> recipient rejected", H, "user_unknown", false},
    {"550 Mailbox unavailable or access denied [MJ0hXg4Ljn== IP: "
     "192.0.2.31]. http://service.mail.qq.example/cgi-bin/help?id=20022",
     H, "user_unknown", false},
    {"452 4.5.3 mx.example.net - 192.0.2.41 You have exceeded the allowed "
     "number of recipients. Please wait and try again later",
     X, "exceed_limit", false},
    {"Your message was successfully relayed to the following recipients, "
     "but the requested delivery status notifications may not be generated "
     "by the destination.",
     N, "delivered", false},
    {"This is a receipt for the mail you sent to <bob@example.org>. This "
     "receipt verifies that the message has been displayed on the "
     "recipient's computer",
     N, "delivered", false},
    {"Vielen Dank f\xc3\xbcr Ihre Nachricht. Ich bin vom 12.08. bis "
     "einschlie\xc3\x9flich 23.08. nicht im B\xc3\xbcro.",
     N, "vacation", false},
    {"Bonjour, je suis actuellement absente jusqu'au 2 septembre inclus.", N,
     "vacation", false},
    {"Gracias por su mensaje. Estar\xc3\xa9 fuera de la oficina hasta el "
     "lunes.",
     N, "vacation", false},
    {"501 5.1.3 Recipient address exceeds maximum length of 254 characters",
     H, "address_invalid", false},
    {"554 5.3.0 Transaction failed: Local address contains control or "
     "whitespace",
     H, "address_invalid", false},
    {"Host or domain name not found. Name service error for "
     "name=virus-archive.example type=AAAA: Host not found",
     H, "domain_not_found", false},
    {"550 5.1.1 Mailbox <bob@example.org> does not exist; your message "
     "passed spam and virus checks",
     H, "user_unknown", false},
    /* --- a refusal in one word; protocol and HELO faults; local
     * delivery agents; logs and receipts --- */
    {"550 Deactivated", H, "mailbox_disabled", false},
    {"550 5.0.0 Suspended.", H, "mailbox_disabled", false},
    {"554 Filtered", X, "filtered", false},
    {"550 5.7.1 Access denied", X, "policy", false},
    {"554 denied", X, "policy", false},
    {"450 denied", S, NULL, false},
    {"550 Recipient suppressed", H, "suppressed", false},
    {"554 5.5.0 Improper use of SMTP command pipelining", X, "syntax", false},
    {"451 Bare LF received, see RFC 5321 section 2.3.8", X, NULL, false},
    {"451 See http://pobox.com/~djb/docs/smtplf.html.", X, "syntax", false},
    {"550 Forged HELO: mail.example.net is not 192.0.2.44", X,
     "sender_rejected", false},
    {"550 5.7.1 HELO name 10.1.2.3 is a private address", X,
     "sender_rejected", false},
    {"513 Syntax error.", H, "address_invalid", false},
    {"Uh-oh: home directory is writable. (#4.7.0)", S, "mailer_error", false},
    {"550 5.1.0 The recipient cannot be verified. Please check the "
     "address.",
     H, "user_unknown", false},
    {"550 5.7.1 Mail from your domain is not accepted here", X, "policy",
     false},
    {"Thanks for contacting the Harbour Clinic front desk. This is an "
     "automated reply: we will answer within two working days.",
     N, "vacation", false},
    {"Reporting-UA: mx.example.org; Sieve | Final-Recipient: rfc822; "
     "ann@example.org | Disposition: automatic-action/MDN-sent-"
     "automatically; deleted",
     X, "filtered", false},
    {"Final-Recipient: rfc822; ann@example.org | Disposition: manual-action/"
     "MDN-sent-manually; deleted",
     N, "delivered", false},
    {"=> ann <ann@example.org> R=virtual_user T=dovecot_lmtp H=127.0.0.1",
     N, "delivered", false},
    /* --- a sending service's or a relay's refusal of its own customer --- */
    {"451 4.7.1 Message rate limit exceeded for user news@example.com, try "
     "again later",
     X, "rate_limited", false},
    {"421 4.3.2 Exceeded the daily sending limit", X, "rate_limited", false},
    {"550 The From address you gave (ann@example.com) is not a Sender "
     "Signature on this account",
     X, "sender_rejected", false},
    {"554 Your sending account is not yet activated.", X, "sender_rejected",
     false},
    {"550 Your account is still pending review: send to your own domain only",
     X, "policy", false},
    {"Sandbox domains may only send to authorized recipients", X, "policy",
     false},
    {"550 5.6.0 Message has lines too long for transport", X, "not_compliant",
     false},
    {"Subject: Automatic reply: Away | I am away until Friday", N, "vacation",
     false},
    /* --- TLS: a failed handshake is the connection's; a certificate or a
     * policy that requires one is TLS's; an established one no failure;
     * receipts titled as Outlook titles them --- */
    {"Cannot start TLS: handshake failure", S, "network", false},
    {"403 4.7.0 TLS handshake failed.", S, "network", false},
    {"421 4.7.0 TLS handshake failed: client offered only TLSv1.0, minimum "
     "is TLSv1.2",
     X, "tls_required", false},
    {"450 4.7.5 TLS handshake with mx.example.net failed: server certificate "
     "has expired",
     X, "tls_required", false},
    /* a protocol, cipher or certificate the two sides cannot agree on */
    {"TLS library problem: error:0A00010B:SSL routines::wrong version number:"
     "ssl/record/ssl3_record.c:354:",
     X, "tls_required", false},
    {"TLS error on connection to mx.example.com [192.0.2.10] "
     "(gnutls_handshake): Could not negotiate a supported cipher suite.",
     X, "tls_required", false},
    {"TLS error on connection to mx.example.com [192.0.2.10] (cert/CRL "
     "verify): certificate invalid",
     X, "tls_required", false},
    {"TLS-Aushandlung fehlgeschlagen: Das Zertifikat von mx.example.de "
     "[192.0.2.30] ist nicht vertrauensw\xc3\xbcrdig",
     X, "tls_required", false},
    {"Verified TLS connection established to mx.example.net[192.0.2.5]:25: "
     "TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)",
     N, "delivered", false},
    {"host mx.example.net[192.0.2.7] refused to talk to me: 521 5.3.2 "
     "mx.example.net does not accept mail",
     H, "no_mx", false},
    {"Read: Budget 2027 Your message To: Ann Lee Subject: Budget 2027 Sent: "
     "Monday, 2 March 2026 10:00 was read on Monday, 2 March 2026 11:12.",
     N, "delivered", false},
    {"Delivered: Budget 2027 Your message has been delivered to the following "
     "recipients: Ann Lee (ann@example.org)",
     N, "delivered", false},
    {"Relayed: Budget 2027 Delivery to these recipients or groups is "
     "complete, but no delivery notification was sent by the destination "
     "server: Ann Lee (ann@example.org)",
     N, "delivered", false},
    /* --- replies inside the errors of sending programs and libraries --- */
    {"smtplib.SMTPRecipientsRefused: {'ann@example.com.': (553, b'5.1.3 The "
     "recipient address <ann@example.com.> is not a valid RFC 5321 "
     "address.')}",
     H, "address_invalid", false},
    {"smtplib.SMTPRecipientsRefused: {'a@b.example': (450, b'4.1.1 "
     "<a@b.example>: Recipient address rejected: unverified address: host "
     "mx.b.example[192.0.2.7] said: 550 5.1.1 <a@b.example>: User "
     "unknown')}",
     S, NULL, false},
    {"smtplib.SMTPConnectError: (521, b'5.3.2 mx.b.example does not accept "
     "mail')",
     H, "no_mx", false},
    {"javax.mail.internet.AddressException: Domain contains illegal "
     "character in string ``ann@exa mple.com''",
     H, "address_invalid", false},
    {"Email \"ann@example\" does not comply with addr-spec of RFC 2822.", H,
     "address_invalid", false},
    {"Error: Can't send mail - all recipients were rejected: 554 Blocked - "
     "see https://ipcheck.proofpoint.com/?ip=192.0.2.8",
     X, "blocklisted", false},
    {"Message sent: <k2@mg.example.com> response: '250 2.0.0 OK queued'", N,
     "delivered", false},
    /* --- greylisting that names SPF on the way; reports that are
     * feedback --- */
    {"451 4.7.1 Greylisting in action, please come back later (SPF neutral "
     "for example.com; sender not yet known)",
     S, "greylisted", false},
    {"550 5.7.23 SPF validation failed for example.com", X, "auth_spf", true},
    {"Feedback-Type: auth-failure | User-Agent: Halon/6.2.0 | Version: 1 | "
     "Auth-Failure: dmarc",
     N, "feedback", false},
    {"Report Domain: example.com Submitter: google.com Report-ID: "
     "<1483927105538> This is an aggregate report from google.com.",
     N, "feedback", false},
    /* --- auto-replies, receipts, suppressions and deferrals titled in
     * other scripts; a reply copied out of HTML --- */
    {"[\xec\x9e\x90\xeb\x8f\x99\xec\x9d\x91\xeb\x8b\xb5] "
     "\xec\x95\x88\xeb\x85\x95\xed\x95\x98\xec\x84\xb8\xec\x9a"
     "\x94.",
     N, "vacation", false},
    {"\xe8\x87\xaa\xe5\x8b\x95\xe5\xbf\x9c\xe7\xad\x94: "
     "\xe4\xb8\x8d\xe5\x9c\xa8",
     N, "vacation", false},
    {"\xd7\x9e\xd7\xa2\xd7\xa0\xd7\x94 \xd7\x90\xd7\x95\xd7\x98"
     "\xd7\x95\xd7\x9e\xd7\x98\xd7\x99: \xd7\x91\xd7\x97\xd7\x95"
     "\xd7\xa4\xd7\xa9\xd7\x94",
     N, "vacation", false},
    {"\xe5\xb7\xb2\xe8\xaf\xbb: \xe5\x90\x88\xe5\x90\x8c", N,
     "delivered", false},
    {"421 4.7.0 [TS01] Messages from 192.0.2.9 temporarily deferred", X,
     "rate_limited", false},
    {"You (kim) have reached your daily email limit of 300 emails", X,
     "rate_limited", false},
    /* --- a block list or a filter that could not answer for now; a
     * bare "Listed"; a SpamCop report --- */
    {"450 4.7.1 Client host rejected: DNSBL lookup for 192.0.2.88 timed out "
     "(zen.spamhaus.org), please try again later",
     S, "network", false},
    {"451 4.3.0 Content filter temporarily unavailable, please try again "
     "later (spamd not responding)",
     S, "system_error", false},
    {"421 4.4.0 Unable to relay to destination server mx.example.net: "
     "connection timed out, will retry",
     S, "network", false},
    {"550 Listed - https://mxtoolbox.com/SuperTool.aspx?action=blacklist%3a"
     "192.0.2.3",
     X, "blocklisted", false},
    {"[SpamCop (https://www.spamcop.net/sc?id=z6912) id:7281930122] This "
     "message is brief for your comfort.",
     N, "feedback", false},
    {"Address not sent to (suppressed: earlier hard bounce)", H,
     "suppressed", false},
    {"554 delivery error: dd This user doesn&#39;t have a yahoo.com account "
     "(ann@yahoo.com) [0] - mta4021.mail.bf1.yahoo.com",
     H, "user_unknown", false},
    /* --- older servers' wordings: vacation(1) and out-of-office texts,
     * "not a gateway", an unknown local user, success notices --- */
    {"I will be out of the office starting 03/08/2021 and will not return "
     "until 03/17/2021.",
     N, "vacation", false},
    {"Out of Office AutoReply: Invoice 4411", N, "vacation", false},
    {"Subject: away from my mail\n\nI will not be reading my mail for a "
     "while. Your mail concerning \"Offer\" will be read when I'm back.",
     N, "vacation", false},
    {"550 not local host example.org, not a gateway", X, "relay_denied",
     false},
    {"553 <ann@example.org>: Unknown local user", H, "user_unknown", false},
    {"----- The following addresses had successful delivery notifications "
     "-----\n<ann@example.org>  (relayed to non-DSN-aware mailer)",
     N, "delivered", false},
    {"----- The following addresses had permanent fatal errors -----\n"
     "<ann@example.co.uk>\n    (reason: 550 5.1.2 Host unknown)\n\n"
     "----- The following addresses had successful delivery notifications "
     "-----\n<bob@example.co.uk>  (relayed to non-DSN-aware mailer)",
     H, "domain_not_found", false},
    {"Delivery to these recipients or distribution lists is complete, but "
     "delivery notification was not sent by the destination:",
     N, "delivered", false},
    {"550 Mailbox unavailable or access denied - <ann@example.es>", H,
     "user_unknown", false},
    /* --- codes that disagree with their text or with each other --- */
    {"450 5.7.1 <ann@example.de>: Recipient address rejected: Greylisted "
     "for 300 seconds",
     S, "greylisted", false},
    {"452 5.3.4 Insufficient storage on mail server, message deferred", S,
     "system_full", false},
    {"556 5.7.27 <ann@example.uk>: Recipient domain has null MX", H, "no_mx",
     false},
    {"Thank you for contacting Support. Your request (#48213) has been "
     "received and is being reviewed by our staff.",
     N, "vacation", false},
    {"The message sent on 2024-03-14 to ann@example.org with subject "
     "\"Gala\" has been displayed. This is no guarantee that the message "
     "has been read or understood.",
     N, "delivered", false},
    /* --- sending services' events and API errors in their own words --- */
    {"Not delivering to a user who marked your messages as spam", H,
     "suppressed", false},
    {"[{\"email\":\"ann@example.es\",\"status\":\"rejected\","
     "\"reject_reason\":\"unsub\"}]",
     H, "suppressed", false},
    {"{\"event\":\"blocked\",\"email\":\"ann@example.com\","
     "\"error_related_to\":\"recipient\",\"error\":\"spam reporter\"}",
     H, "suppressed", false},
    {"ManuallyDeactivated: The email was manually deactivated.", H,
     "suppressed", false},
    {"SpamComplaint: The subscriber explicitly marked this message as spam.",
     N, "feedback", false},
    {"{\"event\":\"spam\",\"email\":\"ann@example.pe\"}", N,
     "feedback", false},
    {"{\"event\":\"delivered\",\"email\":\"ann@example.fr\"}", N,
     "delivered", false},
    {"{\"code\": 250, \"message\": \"OK\", \"attempt-no\": 1}", N,
     "delivered", false},
    {"AutoResponder: Automatic email responder (ex: \"Out of Office\").", N,
     "vacation", false},
    {"bounce_class: 60 (Auto-Reply) raw_reason: I'm away until 28 May.", N,
     "vacation", false},
    {"Auto: I am on annual leave until 3 June.", N, "vacation", false},
    {"Thank you for your message. I am travelling with limited access to "
     "email until 22 April and will respond on my return.",
     N, "vacation", false},
    {"<ann@example.nl>:\n    DNS lookup failed: nonexistent domain.", H,
     "domain_not_found", false},
    {"550 5.1.2 DNS lookup failure: queryMx ENOTFOUND example.org", H,
     "domain_not_found", false},
    {"DNS lookup failure: queryMx ENODATA, queryA ENODATA, queryAaaa ENODATA "
     "for example.com",
     H, "domain_not_found", false},
    {"DNS lookup failure: queryMx ESERVFAIL example.com", S, "network",
     false},
    {"DNS Error: 7710293 DNS type 'mx' lookup of example.biz responded with "
     "code NOERROR\nThe domain example.biz has no mail servers",
     H, "domain_not_found", false},
    {"Hi there,\n\nThanks for reaching out! I'm on parental leave until 4 "
     "November and won't be checking email.",
     N, "vacation", false},
    {"An error occurred (InvalidParameterValue) when calling the SendEmail "
     "operation: Missing final '@domain'",
     H, "address_invalid", false},
    {"Invalid", H, "address_invalid", false},
    {"554 5.2.0 STOREDRV.Submission.Exception:SendAsDeniedException."
     "MapiExceptionSendAsDenied; Failed to process message due to a permanent "
     "exception",
     X, "sender_rejected", false},
    {"This is an aggregate TLS report from google.com\n\nReport-ID: "
     "2025-06-02T00:00:00Z_example.com",
     N, "feedback", false},
    /* Postfix's "refused to talk to me" with a 421 greeting: the server
     * would not talk to this client at all (the reference classifier reads
     * it as a block too, lhost-postfix-49) */
    {"host mx2.example.io[192.0.2.18] refused to talk to me: 421 4.3.2 "
     "mx2.example.io Service not available, closing transmission channel",
     X, "blocklisted", false},
    {"was sent to ann@example.net. The owner of this address has closed "
     "their account and asked us to forward incoming mail to their new "
     "address. Your message HAS BEEN DELIVERED to the new address.",
     N, "delivered", false},
    {"452 4.5.3 <ann@example.com.au>: invalid recipient - maximum of 50 "
     "recipients per message exceeded",
     X, "exceed_limit", false},
    {"Direcci\xc3\xb3n no enrutable: el dominio \"example.es\" no existe o "
     "no tiene ning\xc3\xban servidor de correo asociado",
     H, "domain_not_found", false},
    {"550 Le domaine example.fr n'existe pas", H, "domain_not_found", false},
    {"Die Domain example.de existiert nicht", H, "domain_not_found", false},
    {"<ann@example.it>: host mx.example.it[192.0.2.129] said: 452 4.3.1 "
     "Insufficient system resources (in reply to MAIL FROM command)",
     S, "system_full", false},
    {"421 mx.example.net 192.0.2.14 Comcast block for exceeding max messages "
     "per session.",
     X, "rate_limited", false},
    {"Thank you for contacting us. This mailbox is not monitored and replies "
     "to this address will not be read.",
     N, "vacation", false},
    {"550 5.1.6 Ann Lee is no longer with Example LLP and this mailbox is not "
     "monitored. Please direct inquiries to info@example.com",
     H, "has_moved", false},
    {"Automatic email responder (ex: \"Out of Office\" or \"On "
     "Vacation\").",
     N, "vacation", false},
    {"bounce_description: invalid_domain", H, "domain_not_found", false},
    {"550 5.1.1 RESOLVER.ADR.RecipNotFound; not found; bounce_description: "
     "bad_mailbox",
     H, "user_unknown", false},
    {"blocked: address is in your blocklist (hard bounce on 2025-02-11)", H,
     "suppressed", false},
    /* a message that expired on the next server's temporary answer was
     * never refused for good; one whose last answer was final was */
    {"550 5.4.300 Message expired -> 450 4.2.1 <ann@example.com>: Mailbox "
     "disabled, not accepting messages",
     S, "mailbox_disabled", false},
    {"550 5.4.300 Message expired -> 450 4.1.1 <ann@example.com>: Recipient "
     "address rejected: User unknown",
     S, "user_unknown", false},
    {"550 5.4.300 Message expired -> 550 5.1.1 User unknown", H,
     "user_unknown", false},
    /* a sending service's own words for an address it drops */
    {"blocked: preblocked - address was blocked by Mailjet because it "
     "generated a hard bounce in a previous campaign",
     H, "suppressed", false},
    {"Message not sent: the contact lea@example.fr is blocklisted because "
     "they unsubscribed from your emails",
     H, "suppressed", false},
    /* a sending limit in Japanese, a delivery report in German */
    {"421 4.7.0 \xe9\x80\x81\xe4\xbf\xa1\xe6\x95\xb0\xe3\x81\x8c"
     "\xe5\x88\xb6\xe9\x99\x90\xe3\x82\x92\xe8\xb6\x85\xe3\x81"
     "\x88\xe3\x81\xbe\xe3\x81\x97\xe3\x81\x9f",
     X, "rate_limited", false},
    {"Ihre Nachricht wurde erfolgreich zugestellt an: jan@example.de", N,
     "delivered", false},
    /* a local delivery agent's log line for a message it stored */
    {"x-unix; lda(kim)<4711><Ab12>: msgid=<1@shop.example>: saved mail to "
     "INBOX",
     N, "delivered", false},
    /* the account disabled, a virus, in Chinese */
    {"550 \xe8\xaf\xa5\xe8\xb4\xa6\xe6\x88\xb7\xe5\xb7\xb2\xe8"
     "\xa2\xab\xe5\x81\x9c\xe7\x94\xa8",
     H, "mailbox_disabled", false},
    {"550 \xe9\x82\xae\xe4\xbb\xb6\xe4\xb8\xad\xe5\x90\xab\xe6"
     "\x9c\x89\xe7\x97\x85\xe6\xaf\x92",
     X, "virus", false},
    /* a list manager's reasons for a post it did not distribute */
    {"You do not have permission to post to the group team@example.com. "
     "Please contact the group owner to request permission to post.",
     X, "policy", false},
    {"Message has implicit destination", X, "policy", false},
    {"Message body is too big: 612488 bytes with a limit of 40 KB", X,
     "message_too_large", false},
    {"The message's content type was explicitly disallowed", X, "content",
     false},
    /* a complaint report in prose; a relay to a mailer without DSNs */
    {"This is a spam complaint report generated by the Junk Mail Reporting "
     "Program: a user marked your message as junk.",
     N, "feedback", false},
    {"relayed to non-DSN-aware mailer", N, "delivered", false},
    {"Relayed message to non-DSN-aware mailer", N, "delivered", false},
    /* Exchange's "the email address you entered couldn't be found" in its
     * localised NDRs */
    {"Die E-Mail-Adresse, die Sie eingegeben haben, wurde nicht gefunden. "
     "\xc3\x9c" "berpr\xc3\xbc" "fen Sie die E-Mail-Adresse des "
     "Empf\xc3\xa4ngers.",
     H, "user_unknown", false},
    {"Het e-mailadres dat u hebt opgegeven, is niet gevonden.", H,
     "user_unknown", false},
    {"Impossibile trovare l'indirizzo di posta elettronica immesso.", H,
     "user_unknown", false},
    {"O endere\xc3\xa7o de email que voc\xc3\xaa inseriu n\xc3\xa3o foi "
     "encontrado.",
     H, "user_unknown", false},
    {"L'adresse de messagerie que vous avez entr\xc3\xa9" "e est "
     "introuvable.",
     H, "user_unknown", false},
    {"No se encontr\xc3\xb3 la direcci\xc3\xb3n de correo "
     "electr\xc3\xb3nico que especific\xc3\xb3.",
     H, "user_unknown", false},
    /* Exchange's client submission limit: a rate, not a network failure */
    {"421 4.4.2 Message submission rate for this client has exceeded the "
     "configured limit",
     X, "rate_limited", false},
    /* the recipient's own rule refused the sender; told why, it is that */
    {"Your message to <ops@example.net> was automatically rejected: Ich "
     "nehme keine Nachrichten von diesem Absender mehr an.",
     X, "filtered", false},
    {"Your message to <ops@example.net> was automatically rejected: user "
     "unknown",
     H, "user_unknown", false},
    /* an enhanced status says why before the words do not */
    {"550 5.1.1 Your message to <ops@example.net> was automatically rejected",
     H, "user_unknown", false},
    {"451 4.3.0 Your message to <ops@example.net> was automatically rejected",
     S, NULL, false},
    /* the sender's address that could not be found is no recipient's */
    {"550 5.7.1 No se encontr\xc3\xb3 la direcci\xc3\xb3n de correo del "
     "remitente",
     X, NULL, false},
    /* Korean, Thai, Hindi, Persian, Chinese and Japanese words for a rate,
     * a missing mailbox or domain, a suppression list, an absence and
     * greylisting */
    {"421 4.7.0 단시간에 발송량이 너무 많아 일시적으로 제한되었습니다", X,
     "rate_limited", false},
    {"550 5.1.1 ไม่มีผู้ใช้ชื่อนี้ในระบบ", H, "user_unknown", false},
    {"550 ईमेल पता मौजूद नहीं है", H, "user_unknown", false},
    {"550 5.1.1 صندوق پستی مورد نظر وجود ندارد", H, "user_unknown", false},
    {"550 5.4.4 域名 shop.example.cn 没有有效的MX记录", H, "domain_not_found",
     false},
    {"收件人地址在退信列表中，邮件未发送", H, "suppressed", false},
    /* a recipient who refuses the sender's mail: no suppression list */
    {"수신거부한 주소입니다", X, "filtered", false},
    {"不在通知: 1月6日まで休暇のため不在にしております。", N, "vacation",
     false},
    {"451 4.7.1 لیست خاکستری، بعداً دوباره تلاش کنید", S, "greylisted",
     false},
    {"{\"ErrorCode\":300,\"Message\":\"Invalid 'To' address: You can "
     "have at most 50 email addresses in the To, Cc and Bcc fields "
     "combined.\"}",
     X, "exceed_limit", false},
    {"Relayed: the message was relayed to a mailer that does not support "
     "delivery status notifications",
     N, "delivered", false},
    {"Message is undeliverable. Reason: The following recipient is not "
     "known to the cc:Mail post office: Nakamura, Ken "
     "(ken.nakamura@example.com)",
     H, "user_unknown", false},
    /* Exchange Online's words for a bad address, for a message it gave up
     * on, for a recipient that takes mail from listed senders only */
    {"The format of the email address isn't correct. A correct address "
     "looks like this: someone@example.com.",
     H, "address_invalid", false},
    {"Your message couldn't be delivered. Despite repeated attempts to "
     "deliver your message, the recipient's email system refused to accept "
     "a connection from your email system.",
     S, "expired", false},
    {"Your message couldn't be delivered to the recipient because you don't "
     "have permission to send to it. Ask the recipient's email admin to add "
     "you to the accept list for the recipient.",
     X, "policy", false},
    /* Exim's rate limit; Postfix's and Sendmail's words for a delivery */
    {"550 Sender rate 312.5 / 1h exceeds the allowed limit of 100, try again "
     "later",
     X, "rate_limited", false},
    {"<bob@example.org>: delivery via local: delivered to mailbox", N,
     "delivered", false},
    {"Your message was successfully delivered to the destination(s) listed "
     "below. <lena@example.com> (relayed to non-DSN-aware mailer)",
     N, "delivered", false},
    {"I'm away until 10 June. Your mail will be read when I return.", N,
     "vacation", false},
    /* greylisting in other words; a domain that does not exist, in
     * Japanese; an auto-reply in Ukrainian; a sending account without
     * SMTP rights */
    {"421 4.7.0 Temporarily rejected: first contact from this sender/host "
     "pair, retry after 5 minutes",
     S, "greylisted", false},
    {"\xe5\xae\x9b\xe5\x85\x88\xe3\x83\x89\xe3\x83\xa1\xe3\x82\xa4\xe3"
     "\x83\xb3(example.jpp)\xe3\x81\x8c\xe5\xad\x98\xe5\x9c\xa8\xe3\x81"
     "\x97\xe3\x81\xaa\xe3\x81\x84\xe3\x81\x9f\xe3\x82\x81\xe3\x80\x81"
     "\xe3\x83\xa1\xe3\x83\xbc\xe3\x83\xab\xe3\x82\x92\xe9\x85\x8d\xe9"
     "\x80\x81\xe3\x81\xa7\xe3\x81\x8d\xe3\x81\xbe\xe3\x81\x9b\xe3\x82"
     "\x93\xe3\x81\xa7\xe3\x81\x97\xe3\x81\x9f\xe3\x80\x82",
     H, "domain_not_found", false},
    {"\xd0\x90\xd0\xb2\xd1\x82\xd0\xbe\xd0\xb2\xd1\x96\xd0\xb4\xd0\xbf"
     "\xd0\xbe\xd0\xb2\xd1\x96\xd0\xb4\xd1\x8c: \xd0\xaf \xd1\x83 \xd0"
     "\xb2\xd1\x96\xd0\xb4\xd0\xbf\xd1\x83\xd1\x81\xd1\x82\xd1\x86\xd1"
     "\x96 \xd0\xb4\xd0\xbe 3 \xd1\x87\xd0\xb5\xd1\x80\xd0\xb2\xd0\xbd"
     "\xd1\x8f.",
     N, "vacation", false},
    {"550 User has no permission", X, "smtp_auth", false},
    /* a challenge-response hold told as a delivery notice tells it */
    {"A message that you sent has not yet been delivered to its recipient: "
     "ann@example.org Your original message is being held pending "
     "confirmation that it was sent by a real person and not a spammer.",
     N, "vacation", false},
    /* a domain refused as a command's argument; one not found, in
     * Spanish; a complaint as a sending service exports it */
    {"501 5.5.4 Invalid domain name", X, "syntax", false},
    {"550 5.1.1 Invalid domain name", H, "domain_not_found", false},
    {"No se ha encontrado la direcci\xc3\xb3n. Tu mensaje no se ha entregado "
     "a ana@example.es porque no se ha encontrado el dominio example.es.",
     H, "domain_not_found", false},
    {"complaintFeedbackType: abuse, userAgent: Example Feedback Loop (V0.01), "
     "complainedRecipients: [kim@example.net]",
     N, "feedback", false},
    /* sending services' names for a moved address, a bad address, a
     * delivery; an attachment type refused */
    {"Postmark AddressChange: The recipient has requested an address "
     "change.",
     H, "has_moved", false},
    {"BadEmailAddress: The address is not a valid email address.", H,
     "address_invalid", false},
    {"reject_reason: invalid", H, "address_invalid", false},
    {"Mailgun delivered: 250 Great success", N, "delivered", false},
    {"550 Rejected: executable attachments (.exe, .scr, .js) are not "
     "accepted by this server",
     X, "content", false},
    /* a complaint report named as one; an attachment type refused */
    {"This is a spam complaint (ARF report): a user marked your message as "
     "spam",
     N, "feedback", false},
    {"550 Rejected: attachment extension \".js\" is blocked on this server",
     X, "content", false},
    /* out-of-office words in Spanish, Polish, Russian, Korean */
    {"Estoy fuera de la oficina hasta el lunes, con acceso limitado al correo.",
     N, "vacation", false},
    {"Jestem na urlopie do 20 sierpnia.", N, "vacation", false},
    {"\xd0\xaf \xd0\xb2 \xd0\xbe\xd1\x82\xd0\xbf\xd1\x83\xd1\x81"
     "\xd0\xba\xd0\xb5 \xd0\xb4\xd0\xbe 1 \xd1\x81\xd0\xb5\xd0\xbd"
     "\xd1\x82\xd1\x8f\xd0\xb1\xd1\x80\xd1\x8f.",
     N, "vacation", false},
    {"\xeb\xb6\x80\xec\x9e\xac\xec\xa4\x91\xec\x9e\x85\xeb\x8b"
     "\x88\xeb\x8b\xa4.",
     N, "vacation", false},
    /* filters in front of a mailbox: archives it cannot scan, a Sieve
     * reject, a domain refused, a client that talks before the greeting */
    {"550 Password-protected archives are not accepted by this server", X,
     "content", false},
    {"Your message was automatically rejected by Sieve, a mail filtering "
     "language. / The following reason was given: / Not wanted.",
     X, "filtered", false},
    {"Your message to <q@example.org> was automatically rejected: Mail from "
     "this domain is not accepted.",
     X, "policy", false},
    {"554 You talk too soon", X, "syntax", false},
    /* a connection that timed out at a stage of the session is the
     * network's doing; a "casilla" is a mailbox in Spanish of the Southern
     * Cone */
    {"SMTP error from remote mail server after initial connection: "
     "Connection timed out (mx.tiscali.it [213.205.33.60])",
     S, "network", false},
    {"SMTP timeout after initial connection: Connection timed out", S,
     "network", false},
    {"550 La casilla de correo mgomez@arnet.com.ar no existe", H,
     "user_unknown", false},
    {"550 5.2.2 La casilla de correo esta llena", S, "mailbox_full", false},
    /* auto-replies in Japanese (its brackets) and Thai; a complaint event
     * in words */
    {"\xe3\x80\x90\xe8\x87\xaa\xe5\x8b\x95\xe8\xbf\x94\xe4\xbf\xa1"
     "\xe3\x80\x91\xe4\xbc\x91\xe6\x9a\x87\xe4\xb8\xad\xe3\x81\xa7"
     "\xe3\x81\x99\xe3\x80\x82",
     N, "vacation", false},
    {"Complaint received: the recipient reported this message as spam", N,
     "feedback", false},
    {"550 5.7.1 The recipient has marked this message as spam", X,
     "spam_detected", false},
    /* causes named in words: a pipe transport's command, protocol faults
     * told while the client is refused, recipients per transaction, TLS
     * versions and certificates, authentication the receiver asks for; and
     * such words in Spanish, Portuguese, Arabic, Thai and Hindi */
    {"Child process of address_pipe transport returned 69 "
     "(could mean service or program unavailable) from command: "
     "/usr/local/bin/helpdesk-import",
     S, "mailer_error", false},
    {"Child process of address_pipe transport returned 67 (could mean "
     "unknown user) from command: /usr/lib/dovecot/deliver",
     H, "user_unknown", false},
    {"Command time limit exceeded: \"/usr/local/bin/mailfilter\"",
     S, "mailer_error", false},
    {"Message could not be delivered for 5 days / Message "
     "will be deleted from queue",
     S, "expired", false},
    {"Deferred: Connection timed out with mx.example.net. "
     "/ Message could not be delivered for 5 days",
     S, "network", false},
    {"El mensaje no pudo ser entregado despu\xc3\xa9s de 72 "
     "horas en cola. Se ha cancelado el env\xc3\xado.",
     S, "expired", false},
    {"Falha na conex\xc3\xa3o com o servidor de destino mx.example.com.b"
     "r: tempo esgotado",
     S, "network", false},
    {"503 5.5.0 <mail.example.com>: Client host rejected: "
     "Improper use of SMTP command pipelining",
     X, "syntax", false},
    {"501 Syntactically invalid EHLO argument(s)",
     X, "syntax", false},
    {"452-4.5.3 Domain policy size per transaction exceeded, "
     "please try this 452 4.5.3 recipient in a separate transaction.",
     X, "exceed_limit", false},
    {"421 4.7.66 TLS 1.0 and 1.1 are not supported. Please "
     "upgrade/update your client to support TLS 1.2.",
     X, "tls_required", false},
    {"550 5.7.322 certificate-expired: Destination mail server's "
     "certificate is expired.",
     X, "tls_required", false},
    {"550 5.7.325 certificate-host-mismatch: Remote certificate "
     "MUST have a common name or subject alternative name "
     "matching the hostname (DANE)",
     X, "tls_required", false},
    {"530 5.7.0 Debe emitir primero el comando STARTTLS",
     X, "tls_required", false},
    {"530 5.7.1 Client was not authenticated",
     X, "smtp_auth", false},
    {"534-5.7.9 Application-specific password required. 534 "
     "5.7.9 For more information, go to the help center.",
     X, "smtp_auth", false},
    {"554 5.7.1 \xd8\xaa\xd9\x85 \xd8\xb1\xd9\x81\xd8\xb6 "
     "\xd8\xa7\xd9\x84\xd8\xb1\xd8\xb3\xd8\xa7\xd9\x84\xd8\xa9 "
     "\xd9\x84\xd8\xa3\xd9\x86\xd9\x87\xd8\xa7 \xd8\xaa\xd8\xad\xd8\xaa"
     "\xd9\x88\xd9\x8a \xd8\xb9\xd9\x84\xd9\x89 \xd9\x81\xd9\x8a\xd8\xb1"
     "\xd9\x88\xd8\xb3",
     X, "virus", false},
    {"550 5.7.1 Mensagem recusada: v\xc3\xadrus encontrado "
     "no anexo",
     X, "virus", false},
    {"550 5.7.1 \xe0\xb8\x82\xe0\xb9\x89\xe0\xb8\xad\xe0\xb8\x84\xe0\xb8"
     "\xa7\xe0\xb8\xb2\xe0\xb8\xa1\xe0\xb8\x96\xe0\xb8\xb9\xe0\xb8\x81"
     "\xe0\xb8\x9b\xe0\xb8\x8f\xe0\xb8\xb4\xe0\xb9\x80\xe0\xb8\xaa\xe0"
     "\xb8\x98\xe0\xb9\x80\xe0\xb8\x99\xe0\xb8\xb7\xe0\xb9\x88\xe0\xb8"
     "\xad\xe0\xb8\x87\xe0\xb8\x88\xe0\xb8\xb2\xe0\xb8\x81\xe0\xb8\x96"
     "\xe0\xb8\xb9\xe0\xb8\x81\xe0\xb8\xa3\xe0\xb8\xb0\xe0\xb8\x9a\xe0"
     "\xb8\xb8\xe0\xb8\xa7\xe0\xb9\x88\xe0\xb8\xb2\xe0\xb9\x80\xe0\xb8"
     "\x9b\xe0\xb9\x87\xe0\xb8\x99\xe0\xb8\xaa\xe0\xb9\x81\xe0\xb8\x9b"
     "\xe0\xb8\xa1",
     X, "spam_detected", false},
    {"550 5.7.1 \xe0\xa4\xb8\xe0\xa4\x82\xe0\xa4\xa6\xe0\xa5\x87\xe0\xa4"
     "\xb6 \xe0\xa4\x95\xe0\xa5\x8b \xe0\xa4\xb8\xe0\xa5\x8d\xe0\xa4\xaa"
     "\xe0\xa5\x88\xe0\xa4\xae \xe0\xa4\xae\xe0\xa4\xbe\xe0\xa4\xa8\xe0"
     "\xa4\x95\xe0\xa4\xb0 \xe0\xa4\x85\xe0\xa4\xb8\xe0\xa5\x8d\xe0\xa4"
     "\xb5\xe0\xa5\x80\xe0\xa4\x95\xe0\xa4\xbe\xe0\xa4\xb0 "
     "\xe0\xa4\x95\xe0\xa4\xb0 \xe0\xa4\xa6\xe0\xa4\xbf\xe0\xa4\xaf\xe0"
     "\xa4\xbe \xe0\xa4\x97\xe0\xa4\xaf\xe0\xa4\xbe",
     X, "spam_detected", false},
    {"554 5.7.1 \xd8\xaa\xd9\x85 \xd8\xb1\xd9\x81\xd8\xb6 "
     "\xd8\xa7\xd9\x84\xd8\xb1\xd8\xb3\xd8\xa7\xd9\x84\xd8\xa9: "
     "\xd8\xb9\xd9\x86\xd9\x88\xd8\xa7\xd9\x86 IP \xd8\xa7\xd9\x84\xd8"
     "\xae\xd8\xa7\xd8\xb5 \xd8\xa8\xd9\x83 \xd9\x85\xd8\xaf\xd8\xb1\xd8"
     "\xac \xd9\x81\xd9\x8a \xd8\xa7\xd9\x84\xd9\x82\xd8\xa7\xd8\xa6\xd9"
     "\x85\xd8\xa9 \xd8\xa7\xd9\x84\xd8\xb3\xd9\x88\xd8\xaf\xd8\xa7\xd8"
     "\xa1",
     X, "blocklisted", false},
    {"550 5.7.1 <ventas@example.com.mx>: Relay no permitido",
     X, "relay_denied", false},
    {"452 4.3.1 Espa\xc3\xa7o em disco insuficiente no servidor, "
     "tente novamente mais tarde",
     S, "system_full", false},
    {"550 5.7.1 Tipo de archivo adjunto no permitido (.scr)",
     X, "content", false},
    {"554 5.7.1 Mensagem recusada pelas regras de filtragem "
     "do destinat\xc3\xa1rio",
     X, "filtered", false},
    /* an unverified From; recipients unknown, too many, blocklisted, a
     * DNS domain that does not exist (Exchange 5.4.310), suppression lists,
     * Exchange relay notices and auto-replies, in more languages */
    {"553 From address not verified",
     X, "sender_rejected", false},
    {"554 \xce\x86\xce\xb3\xce\xbd\xcf\x89\xcf\x83\xcf\x84\xce\xbf\xcf"
     "\x82 \xcf\x80\xce\xb1\xcf\x81\xce\xb1\xce\xbb\xce\xae\xcf\x80"
     "\xcf\x84\xce\xb7\xcf\x82 <maria@example.gr>",
     H, "user_unknown", false},
    {"550 5.7.1 \xce\x9f "
     "\xce\xbb\xce\xbf\xce\xb3\xce\xb1\xcf\x81\xce\xb9\xce\xb1\xcf\x83"
     "\xce\xbc\xcf\x8c\xcf\x82 \xcf\x84\xce\xbf\xcf\x85 "
     "\xcf\x80\xce\xb1\xcf\x81\xce\xb1\xce\xbb\xce\xae\xcf\x80\xcf\x84"
     "\xce\xb7 \xce\xb4\xce\xb5\xce\xbd \xcf\x85\xcf\x80\xce\xac\xcf"
     "\x81\xcf\x87\xce\xb5\xce\xb9",
     H, "user_unknown", false},
    {"452 Demasiados destinatarios en este mensaje",
     X, "exceed_limit", false},
    {"452 Trop de destinataires pour ce message",
     X, "exceed_limit", false},
    {"550 5.4.310 Le domaine DNS example.invalid n'existe pas",
     H, "domain_not_found", false},
    {"Die Zustellung an diese Empf\xc3\xa4nger oder Gruppen ist "
     "abgeschlossen, aber vom Zielserver wurden keine "
     "Zustellungsbenachrichtigungen bereitgestellt",
     N, "delivered", false},
    {"La remise \xc3\xa0 ces destinataires ou groupes est "
     "termin\xc3\xa9" "e, mais aucune notification de remise n'a "
     "\xc3\xa9t\xc3\xa9 envoy\xc3\xa9" "e par le serveur de "
     "destination",
     N, "delivered", false},
    {"Automatikus v\xc3\xa1lasz: Szabads\xc3\xa1gon vagyok "
     "j\xc3\xbanius 3-ig",
     N, "vacation", false},
    {"Automatiskt svar: Jag \xc3\xa4r tillbaka den 3 juni",
     N, "vacation", false},
    {"550 not local sender over smtp", X, "sender_rejected", false},
    {"554 5.6.1 Message refused: blocked file extension (.js) in attachment",
     X, "content", false},
    {"554 5.2.0 STOREDRV.Deliver.Exception:StoragePermanentException."
     "MapiExceptionMailboxDisabled; Failed to process message",
     H, "mailbox_disabled", false},
    {"550 RECIPIENT KLEE AT SYSB NOT DEFINED TO SMTP", H, "user_unknown",
     false},
    {"452 4.2.2 mailbox quota not defined, try later", S, "system_error",
     false},
    {"=?UTF-8?Q?R=C3=A9ponse_automatique_:_cong=C3=A9s?= retour le 12 mai",
     N, "vacation", false},
    {"450 4.2.121 Recipient's per hour message receive limit from specific "
     "sender exceeded.", X, "rate_limited", false},
    {"452 4.2.122 Recipient's per hour message receive limit exceeded.",
     S, "rate_limited", false},
    {"Thanks for your note! I'm on vacation until June 2 and will reply "
     "when I am back.", N, "vacation", false},
    {"Este es un mensaje autom\xc3\xa1tico: estar\xc3\xa9 de vacaciones "
     "hasta el 2 de mayo", N, "vacation", false},
    {"Estarei de f\xc3\xa9rias at\xc3\xa9 dia 9, respondo no regresso",
     N, "vacation", false},
    {"Grazie per il messaggio, sar\xc3\xb2 in ferie fino al 20 agosto",
     N, "vacation", false},
    {"Merci pour votre message, je serai absente jusqu'au 4 mars",
     N, "vacation", false},
    {"Your message to help@example.com has been delivered to the following "
     "recipients: help@example.com Subject: Order 5521",
     N, "delivered", false},
    {"Nicht zugestellt: Der Empf\xc3\xa4nger steht auf Ihrer "
     "Sperrliste",
     H, "suppressed", false},
    {"Non envoy\xc3\xa9 : le contact figure dans votre liste de "
     "contacts bloqu\xc3\xa9s",
     H, "suppressed", false},
    {"550 5.1.1 Az \xc3\x96n IP-c\xc3\xadme feketelist\xc3\xa1n "
     "van",
     X, "blocklisted", false},
    {"554 Adresa IP a fost inclus\xc4\x83 \xc3\xaen lista "
     "neagr\xc4\x83",
     X, "blocklisted", false},    {"<ana@example.org>... relayed; expect no further notifications",
     N, "delivered", false},
    {"The message was relayed to mx2.example.net which does not support "
     "delivery status notifications", N, "delivered", false},
    {"A sua mensagem foi entregue aos seguintes destinat\xc3\xa1rios: "
     "compras@example.com.br", N, "delivered", false},
    {"Mensagem autom\xc3\xa1tica: ausente por f\xc3\xa9rias at\xc3\xa9 "
     "dia 3", N, "vacation", false},
    {"\xe5\xa4\x8f\xe5\xad\xa3\xe4\xbc\x91\xe6\x9a\x87\xe3\x82"
     "\x92\xe3\x81\x84\xe3\x81\x9f\xe3\x81\xa0\xe3\x81\x84\xe3\x81"
     "\xa6\xe3\x81\x8a\xe3\x82\x8a\xe3\x81\xbe\xe3\x81\x99",
     N, "vacation", false},
    {"lda: Fatal: setgid(5000(vmail) from extra groups) failed: "
     "Operation not permitted", S, "mailer_error", false},
    {"deliver(jo@example.org): Error: open(/var/mail/jo) failed: "
     "Permission denied", S, "mailer_error", false},
    {"Your message was relayed to mx.partner.example, which did not return "
     "a delivery status notification.", N, "delivered", false},
    {"Het e-mailadres dat u hebt ingevoerd, is niet gevonden. Controleer "
     "het adres van de ontvanger.", H, "user_unknown", false},
    {"451 4.7.1 Te veel berichten verstuurd, probeer het later opnieuw",
     X, "rate_limited", false},
    {"421 Trop de messages envoy\xc3\xa9s, r\xc3\xa9" "essayez plus tard",
     X, "rate_limited", false},
    {"blocked: the recipient previously reported your messages as spam",
     H, "suppressed", false},
    {"A complaint was received for your message to <ann@example.org>: the "
     "recipient marked it as spam", N, "feedback", false},
    {"bounceType: Permanent, bounceSubType: NoEmail", H, "user_unknown",
     false},
    {"bounceType=Permanent bounceSubType=OnAccountSuppressionList", H,
     "suppressed", false},
    {"bounceType: Transient, bounceSubType: AttachmentRejected", X,
     "content", false},
    {"bounceType: Transient, bounceSubType: MessageTooLarge", X,
     "message_too_large", false},
    {"reject_reason: invalid-sender", X, "sender_rejected", false},
    {"Message accepted: 250 2.0.0 Ok: queued as 4XyT1", N, "delivered",
     false},
    {"<b.hoffmann@example.de>: delivered via dovecot service", N,
     "delivered", false},
    {"452 4.3.1 Insufficient system resources "
     "(SMTPReceive.ResourceThrottled)", S, "system_full", false},
    {"550 5.5.0 Le compte du destinataire est bloque. The recipient "
     "account isn't enabled.", H, "mailbox_disabled", false},
    {"Your message did not reach some or all of the intended recipients. "
     "Subject: Spam report: 12 messages blocked Sent: 03/07/2024 10:12 "
     "The following recipient(s) could not be reached: Ann Lee on "
     "03/07/2024 10:12 The e-mail account does not exist at the "
     "organization this message was sent to.", H, "user_unknown", false},
    {"Die E-Mail-Adresse, die Sie eingegeben haben, konnte nicht gefunden "
     "werden.", H, "user_unknown", false},
    {"Zpr\xc3\xa1vu se nepoda\xc5\x99ilo doru\xc4\x8dit: dom\xc3\xa9na "
     "p\xc5\x99\xc3\xadjemce neexistuje.", H, "domain_not_found", false},
    {"421 4.7.0 Demasiadas conex\xc3\xb5" "es simult\xc3\xa2neas a partir "
     "do seu IP.", X, "too_many_connections", false},
    {"554 mx.example.net rejected. Sending server does not comply with SMTP "
     "standards (RFC 5321). AUP#CXSMTP", X, "syntax", false},
    {"This is a spam report for a message received from 203.0.113.45. This "
     "message is generated by a Feedback Loop.", N, "feedback", false},
    {"\xe5\xae\x9b\xe5\x85\x88\xe3\x83\xa1\xe3\x83\xbc\xe3\x83\xab"
     "\xe3\x82\xa2\xe3\x83\x89\xe3\x83\xac\xe3\x82\xb9\xe3\x81\xae"
     "\xe5\xbd\xa2\xe5\xbc\x8f\xe3\x81\x8c\xe6\xad\xa3\xe3\x81\x97"
     "\xe3\x81\x8f\xe3\x81\x82\xe3\x82\x8a\xe3\x81\xbe\xe3\x81\x9b"
     "\xe3\x82\x93", H, "address_invalid", false},
    {"451 Sender rate overlimit - 105.3 / 1h / per_mail", X, "rate_limited",
     false},
    {"550 5.7.1 Konto odbiorcy jest nieaktywne", H, "mailbox_disabled",
     false},
    {"Die Nachricht konnte nicht zugestellt werden, da die Dom\xc3\xa4ne "
     "des Empf\xc3\xa4ngers nicht gefunden wurde.", H, "domain_not_found",
     false},
    {"The message you sent was too large to be delivered.", X,
     "message_too_large", false},    {"Recipient address: bo@nordfjord.example Reason: Illegal host/domain "
     "name found", H, "domain_not_found", false},    {"554 5.2.2 mailbox full; Cannot open mailbox /o=ExchangeLabs/ou=Exchange "
     "Administrative Group/cn=Recipients/cn=4f1c9a2e-spamfilter.", S,
     "mailbox_full", false},
    {"550 5.1.2 Bad destination system address: domain virus-labs.example "
     "does not exist", H, "domain_not_found", false},
    {"DNS type 'mx' lookup of spamfilter-example.net responded with code "
     "NXDOMAIN Domain name not found: spamfilter-example.net", H,
     "domain_not_found", false},
    {"501 <@mx.example.net>: missing or malformed local part (expected word "
     "or \"<\")", H, "address_invalid", false},
    {"550 Header syntax Error: missing or malformed local part (expected "
     "word or \"<\") in \"From:\" header", X, "syntax", false},
    {"<frank@example.com>: delivery via smtp.example.org[198.51.100.85]:587: "
     "250 Great success", N, "delivered", false},
    {"550 5.1.1 me@onenote.example: Sender not registered.", X,
     "sender_rejected", false},
    {"550 5.7.1 AT&T no longer supports email-to-text", H,
     "mailbox_disabled", false},    {"550 5.7.1 Mottagaren \xc3\xa4r ok\xc3\xa4nd p\xc3\xa5 denna server",
     H, "user_unknown", false},
    {"550 5.7.1 Destinat\xc3\xa1rio desconhecido neste servidor", H,
     "user_unknown", false},
    {"550 5.7.1 \xd8\xa7\xd9\x84\xd9\x85\xd8\xb3\xd8\xaa\xd8\xae\xd8\xaf"
     "\xd9\x85 \xd8\xba\xd9\x8a\xd8\xb1 \xd9\x85\xd8\xb9\xd8\xb1\xd9\x88"
     "\xd9\x81", H, "user_unknown", false},
    {"450 4.7.1 Hallnimekiri: kiri ajutiselt tagasi l\xc3\xbckatud", S,
     "greylisted", false},
    {"Automaatvastus: Olen puhkusel kuni 10. juulini.", N, "vacation",
     false},
    {"The student e-mail account t.weber@student.uni-nordheim.example.edu "
     "has been closed.", H, "mailbox_disabled", false},
    {"451 4.7.1 Sender domain greylisted.", S, "greylisted", false},
    {"554 5.7.1 Sender domain blacklisted.", X, "blocklisted", false},
    {"550 5.1.1 /o=Org/ou=Exchange Administrative Group "
     "(FYDIBOHF23SPDLT)/cn=Recipients/cn=jdoe mailbox disabled", H,
     "mailbox_disabled", false},
    {"421-4.7.23 [198.51.100.23] The sending IP does not match the IP "
     "address of the hostname specified in the pointer (PTR) record.",
     X, "require_ptr", false},
    {"451 4.7.652 The mail server [198.51.100.2] has exceeded the maximum "
     "number of connections.", X, "too_many_connections", false},
    {"550 Connection frequency limited. "
     "http://service.mail.qq.com/cgi-bin/help?subtype=1&&id=20022", X,
     "too_many_connections", false},
    {"421 4.7.0 Connection rate limited", X, "rate_limited", false},
    {"Child process of address_pipe transport returned 127 (could mean "
     "unable to exec or command does not exist) from command: "
     "/usr/local/bin/spamcheck-wrapper", S, "mailer_error", false},
    {"550-5.7.1 [203.0.113.45] Our system has detected that this message is "
     "not RFC 5322 compliant: 'From' header is missing. To reduce the amount "
     "of spam sent to Gmail, this message has been blocked.", X,
     "not_compliant", false},
    {"550-5.7.1 [192.0.2.8] Messages missing a valid messageId header are "
     "not 550 5.7.1 accepted.", X, "not_compliant", false},
    {"550 5.7.512 Access denied, message must be RFC 5322 section 3.6.2 "
     "compliant and include a valid From address.", X, "not_compliant",
     false},
    {"550 5.7.1 Bulk messages must include a List-Unsubscribe header with "
     "one-click unsubscribe (RFC 8058)", X, "not_compliant", false},
    {"554 5.6.0 Reject, id=45678-11 - BAD HEADER SECTION: Non-encoded 8-bit "
     "data", X, "not_compliant", false},
    {"554 5.7.0 Reject, id=34567-09 - BANNED: .exe,P=p003,L=1,"
     "M=application/x-msdownload,T=exe", X, "content", false},
    {"550 5.7.1 Message content rejected: prohibited file extension (.js) "
     "in attachment", X, "content", false},
    {"550 5.7.1 Message content rejected", X, "spam_detected", false},
    {"553 sorry, your envelope sender has been denied (#5.7.1)", X,
     "sender_rejected", false},
    {"Cannot send message for 5 days", S, "expired", false},
    {"retry time not reached for any host after a long failure period", S,
     "expired", false},
    {"501 5.1.3 Invalid address", H, "address_invalid", false},
    {"450 4.7.1 <olga@example.com>: Recipient address rejected: Policy "
     "rejection; message count quota exceeded", X, "rate_limited", false},
    {"452 4.2.2 Mailbox quota exceeded: message count limit", S,
     "mailbox_full", false},
    {"Unable to chdir to maildir. (#4.2.1)", S, "mailer_error", false},
    {"553 Requested action not taken: Local user only", X, "relay_denied",
     false},
    {"550 \xe9\x82\xae\xe4\xbb\xb6\xe5\x8c\x85\xe5\x90\xab\xe4\xb8\x8d"
     "\xe5\x85\x81\xe8\xae\xb8\xe7\x9a\x84\xe9\x99\x84\xe4\xbb\xb6"
     "\xe7\xb1\xbb\xe5\x9e\x8b (.exe)", X, "content", false},
    {"550 \xe6\x94\xb6\xe4\xbb\xb6\xe4\xba\xba\xe8\xae\xbe\xe7\xbd\xae"
     "\xe4\xba\x86\xe6\x8b\x92\xe6\x94\xb6\xe8\xa7\x84\xe5\x88\x99"
     "\xef\xbc\x8c\xe9\x82\xae\xe4\xbb\xb6\xe8\xa2\xab\xe6\x8b\x92"
     "\xe7\xbb\x9d", X, "filtered", false},
    {"SMTP error from remote mail server after end of data: 550 Attachments "
     "with .exe extension are not accepted", X, "content", false},
    {"550 Recipient is no longer with the organization", H,
     "mailbox_disabled", false},
    {"550 5.5.0 Boite du destinataire archivee. Archived recipient. OFR_418 "
     "[418]", H, "mailbox_disabled", false},
    {"421-4.7.28 Gmail has detected an unusual rate of unsolicited mail "
     "originating 421-4.7.28 from your DKIM domain [example.com 24].", X,
     "rate_limited", false},
    {"550 5.7.1 \xe9\x80\x81\xe4\xbf\xa1\xe3\x83\x89\xe3\x83\xa1\xe3\x82"
     "\xa4\xe3\x83\xb3\xe8\xaa\x8d\xe8\xa8\xbc\xe3\x81\xab\xe5\xa4\xb1"
     "\xe6\x95\x97\xe3\x81\x97\xe3\x81\x9f", X, "auth", true},
    {"451 4.7.1 \xe3\x82\xb0\xe3\x83\xac\xe3\x82\xa4\xe3\x83\xaa\xe3\x82"
     "\xb9\xe3\x83\x86\xe3\x82\xa3\xe3\x83\xb3\xe3\x82\xb0", S,
     "greylisted", false},
    {"R=dnslookup defer (-1): host lookup did not complete", S, "network",
     false},
    {"mail transport unavailable", S, "system_error", false},
    {"cannot update mailbox /var/mail/ray for user ray. error writing "
     "message: File too large", S, "mailbox_full", false},
    {"452 4.2.2 <olive@example.com>: Mailbox over quota. Anti-spam help: "
     "https://www.example.com/help/spam-filtering", S, "mailbox_full",
     false},
    {"552 5.2.2 <pete@example.org>: user is over quota (see "
     "http://spam.example.org/faq#quota)", S, "mailbox_full", false},
    {"550 5.1.1 <kate@example.com>: Recipient address rejected: This account "
     "has been suspended for sending spam", H, "mailbox_disabled", false},
    {"554 5.7.1 <leo@example.org>: Recipient address rejected: Account "
     "disabled due to abuse / spam complaints", H, "mailbox_disabled", false},
    {"550 5.7.1 Your account has been suspended for sending spam", X,
     "sender_rejected", false},
    {"550 5.7.1 \xe9\x80\x81\xe4\xbf\xa1\xe8\x80\x85\xe3\x83\x89\xe3\x83"
     "\xa1\xe3\x82\xa4\xe3\x83\xb3\xe3\x81\x8c\xe5\xad\x98\xe5\x9c\xa8"
     "\xe3\x81\x97\xe3\x81\xaa\xe3\x81\x84", X, "sender_rejected", false},
    {"Status code: 550 5.7.509", X, "auth_dmarc", true},
    {"Your message addressed to <ken@example.org> has been held because the "
     "recipient is using a challenge/response system to block unsolicited "
     "mail.", N, "vacation", false},
    {"550 5.7.1 <bob@example.com>: Recipient address rejected: Your account "
     "has been suspended for sending spam", X, "sender_rejected", false},
    {"550 5.2.1 <x@example.com>: Recipient address rejected: Account "
     "temporarily locked", S, "mailbox_disabled", false},
    {"550 5.1.1 Empf\xc3\xa4ngeradresse in der Domain beispiel.de existiert "
     "nicht", H, "user_unknown", false},
    {"Die Zieldomain example-buero.de existiert nicht (Host nicht gefunden).",
     H, "domain_not_found", false},
    {"550 \xd0\x94\xd0\xbe\xd0\xbc\xd0\xb5\xd0\xbd example.ru \xd1\x81\xd1"
     "\x83\xd1\x89\xd0\xb5\xd1\x81\xd1\x82\xd0\xb2\xd1\x83\xd0\xb5\xd1\x82, "
     "\xd0\xbd\xd0\xbe \xd0\xbf\xd0\xbe\xd1\x87\xd1\x82\xd0\xbe\xd0\xb2\xd1"
     "\x8b\xd0\xb9 \xd1\x8f\xd1\x89\xd0\xb8\xd0\xba ivan \xd0\xbd\xd0\xb5 "
     "\xd0\xbd\xd0\xb0\xd0\xb9\xd0\xb4\xd0\xb5\xd0\xbd", H, "user_unknown",
     false},
    {"554 \xe8\xaf\xa5\xe9\x82\xae\xe4\xbb\xb6\xe8\xa2\xab\xe5\xa4\xa7"
     "\xe9\x87\x8f\xe7\x94\xa8\xe6\x88\xb7\xe6\x8a\x95\xe8\xaf\x89\xe4"
     "\xb8\xba\xe5\x9e\x83\xe5\x9c\xbe\xe9\x82\xae\xe4\xbb\xb6", X,
     "spam_detected", false},
    {"421 Przekroczono limit po\xc5\x82\xc4\x85" "cze\xc5\x84", X,
     "rate_limited", false},
    {"Child process of dovecot_delivery transport returned 77 (could mean "
     "service or configuration error) from command: /usr/lib/dovecot/deliver: "
     "Quota exceeded (mailbox for user is full)", S, "mailbox_full", false},
    {"550 5.7.1 This distribution list accepts messages from local users only",
     X, "policy", false},
    {"554 5.4.4 [internal] Domain Lookup Failed", H, "domain_not_found", false},
    {"Permanent: NoEmail", H, "user_unknown", false},
    {"525 5.7.13 User Account Disabled", X, "smtp_auth", false},
    {"553 5.1.3 <jdoe.example.com>: illegal address", H, "address_invalid",
     false},
    {"525 5.7.13 <ann@example.org>: Recipient address rejected: User "
     "account disabled",
     H, "mailbox_disabled", false},
    {"Permanent/OnAccountSuppressionList", H, "suppressed", false},
    {"Transient: AttachmentRejected", X, "content", false},
    {"internal software error. Command output: /usr/local/bin/deliver-hook: "
     "line 12: syntax error near unexpected token `fi'",
     S, "mailer_error", false},
    {"host mx.example.net [198.51.100.14]: SMTP error from remote mail server "
     "after MAIL FROM:<design@example.jp> SIZE=31457962: 552 Message size "
     "exceeds maximum permitted",
     X, "message_too_large", false},
    {"host mx.example.net[192.0.2.1] said: 552 5.3.4 Message size exceeds "
     "fixed limit (in reply to MAIL FROM command)",
     X, "message_too_large", false},
    {"451 4.4.4 [internal] Domain Lookup Failed", S, "network", false},
    /* Sendmail's words for a recipient domain's null MX, under the status
     * RFC 7505 gives the sender's; a header field given twice is the
     * message's form, whichever field it is */
    {"550 5.7.27 Host does not accept mail", H, "no_mx", false},
    {"550 5.7.27 Sender address has null MX", X, "sender_rejected", false},
    {"554 Transaction failed: Duplicate header 'DKIM-Signature'.", X,
     "not_compliant", false},
    {"550 5.6.0 Header field 'From' appears more than once", X,
     "not_compliant", false},
    {"451 4.7.1 Sender rate exceeds limit (120 messages per 1h), please try "
     "again later",
     X, "rate_limited", false},
    {"El usuario ana (ana@example.es) no se encuentra en el Directorio de "
     "Domino",
     H, "user_unknown", false},
    {"\xe3\x81\x93\xe3\x81\xae\xe3\x83\xa1\xe3\x83\xbc\xe3\x83\xab"
     "\xe3\x82\xa2\xe3\x83\x89\xe3\x83\xac\xe3\x82\xb9\xe3\x81\xaf"
     "\xe5\x88\xa9\xe7\x94\xa8\xe5\x81\x9c\xe6\xad\xa2\xe4\xb8\xad"
     "\xe3\x81\xa7\xe3\x81\x99 (ann@example.jp)",
     H, "mailbox_disabled", false},
    {"Non-member submission from [ann@example.org]", X, "policy", false},
    /* Exchange's "ann wasn't found at example.de" as its localised NDRs
     * say it; a recipient's filter in French and Italian */
    {"Ihre Nachricht an ann@example.de konnte nicht zugestellt werden. ann "
     "wurde bei example.de nicht gefunden.",
     H, "user_unknown", false},
    {"Votre message pour ann@example.fr n'a pas pu \xc3\xaatre remis. ann est "
     "introuvable sur example.fr.",
     H, "user_unknown", false},
    {"Le message a \xc3\xa9t\xc3\xa9 rejet\xc3\xa9 par le filtre du "
     "destinataire.",
     X, "filtered", false},
    {"Il messaggio \xc3\xa8 stato rifiutato dal filtro del destinatario.", X,
     "filtered", false},
    {"ann no se encontr\xc3\xb3 en example.es.", H, "user_unknown", false},
    {"ann n\xc3\xa3o foi encontrado em example.pt.", H, "user_unknown",
     false},
    {"ann is niet gevonden op example.nl.", H, "user_unknown", false},
    {"ann non \xc3\xa8 stato trovato in example.it.", H, "user_unknown",
     false},
    {"El mensaje fue rechazado por el filtro del destinatario.", X,
     "filtered", false},
    {"A mensagem foi rejeitada pelo filtro do destinat\xc3\xa1rio.", X,
     "filtered", false},
    {"Die Nachricht wurde vom Filter des Empf\xc3\xa4ngers abgelehnt.", X,
     "filtered", false},
    /* ... but the sender's address, a record or another rate is none of
     * those */
    {"Der Absender wurde bei example.de nicht gefunden.", X,
     "sender_rejected", false},
    {"Der MX-Eintrag wurde bei der Zieldom\xc3\xa4ne nicht gefunden.", S,
     "undetermined", false},
    {"Your complaint rate exceeds the limit", X, "bad_reputation", false},
    /* a changed address and a closed one in Japanese; not the sender's */
    {"\xe3\x81\x93\xe3\x81\xae\xe3\x83\xa1\xe3\x83\xbc\xe3\x83\xab"
     "\xe3\x82\xa2\xe3\x83\x89\xe3\x83\xac\xe3\x82\xb9\xe3\x81\xaf"
     "\xe5\xa4\x89\xe6\x9b\xb4\xe3\x81\x95\xe3\x82\x8c\xe3\x81\xbe"
     "\xe3\x81\x97\xe3\x81\x9f\xe3\x80\x82",
     H, "has_moved", false},
    {"\xe9\x80\x81\xe4\xbf\xa1\xe8\x80\x85\xe3\x81\xae\xe3\x83\xa1"
     "\xe3\x83\xbc\xe3\x83\xab\xe3\x82\xa2\xe3\x83\x89\xe3\x83\xac"
     "\xe3\x82\xb9\xe3\x81\x8c\xe5\xa4\x89\xe6\x9b\xb4\xe3\x81\x95"
     "\xe3\x82\x8c\xe3\x81\x9f",
     S, "undetermined", false},
    /* a list's refusal of a post from outside it */
    {"Your message was rejected: post by non-member to a members-only list",
     X, "policy", false},
    {"452 4.5.3 Too many messages per connection limit reached", X,
     "rate_limited", false},
    {"554 5.7.1 Spam detected: invalid header", X, "spam_detected", false},
};

int main(void)
{
    return reply_table_run("classify_replies", rows,
                           sizeof rows / sizeof rows[0]);
}
