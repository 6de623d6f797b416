/*
 * test_report.c - report_parse() on whole messages: kinds, recipients,
 * families, returned originals (src/core/report.c), table-driven.
 */
#include <ctype.h>
#include <iconv.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/codec.h"
#include "core/ntext.h"
#include "core/rbuild.h"
#include "core/report.h"
#include "core/textbounce.h"

/* The head of a local delivery's DSN, to its per-message fields (the
 * cases of a bare local part below). */
#define BARE_DSN_HEAD                                                          \
    "From: MAILER-DAEMON@mail.example.net\nTo: office@example.edu\n"           \
    "Subject: Returned mail\nMIME-Version: 1.0\n"                              \
    "Content-Type: multipart/report; report-type=delivery-status; "            \
    "boundary=B\n\n--B\nContent-Type: text/plain\n\nfailed.\n--B\n"            \
    "Content-Type: message/delivery-status\n\n"                                \
    "Reporting-MTA: dns; mail.example.net\n\n"

static const struct {
    const char *name, *msg;
    enum report_kind kind;
    const char *mta;
    const char *rcpts; /* space-separated, in order; "" for none */
    const char *status0;
} cases[] = {
    {"ordinary mail is not a bounce",
     "From: a@example.com\nTo: b@example.net\nSubject: hi\n\n"
     "Call me at a@example.com, it failed to reach you.\n",
     REPORT_NOT_BOUNCE, NULL, "", ""},
    {"an address alone on a line with failure words is not enough",
     "From: a@example.com\nTo: b@example.net\nSubject: the report\n\n"
     "The upload failed again, ask\n<carl@example.org>\nfor the logs.\n",
     REPORT_NOT_BOUNCE, NULL, "", ""},
    {"vacation notice names the auto-replying address",
     "From: Bob <bob@example.net>\nTo: a@example.com\n"
     "Subject: Automatic reply: hi\nAuto-Submitted: auto-replied\n\n"
     "I am away.\n",
     REPORT_AUTOREPLY, "rfc3834", "bob@example.net", ""},
    {"an automatic reply titled in Swedish, marked auto-generated",
     "From: Lars <lars@example.se>\nTo: a@example.com\n"
     "Subject: Automatiskt svar: Offert\nAuto-Submitted: auto-generated\n\n"
     "Jag har inte tillg\xc3\xa5ng till min e-post f\xc3\xb6rr\xc3\xa4n "
     "den 3 juni.\n",
     REPORT_AUTOREPLY, "rfc3834", "lars@example.se", ""},
    {"an automatic reply titled in Hungarian, the title encoded",
     "From: Anna <anna@example.hu>\nTo: a@example.com\n"
     "Subject: =?UTF-8?Q?Automatikus_v=C3=A1lasz:_Aj=C3=A1nlat?=\n"
     "Auto-Submitted: auto-generated\n\n"
     "Szabads\xc3\xa1gon vagyok augusztus 20-ig.\n",
     REPORT_AUTOREPLY, "rfc3834", "anna@example.hu", ""},
    {"a bounce marked auto-replied is still a bounce",
     "From: MAILER-DAEMON@mx.example.com\nTo: a@example.com\n"
     "Subject: Undelivered Mail Returned to Sender\n"
     "Auto-Submitted: auto-replied\n\n"
     "<x@example.org>: host mx.example.org[192.0.2.1] said: 550 5.1.1 "
     "User unknown (in reply to RCPT TO command)\n",
     REPORT_BOUNCE, "text", "x@example.org", "5.1.1"},
    {"X-Failed-Recipients is read",
     "From: Mailer-Daemon@mx.example.com\nTo: a@example.com\n"
     "Subject: Mail delivery failed\nX-Failed-Recipients: y@example.org, "
     "z@example.org\n\nA message that you sent could not be delivered.\n",
     REPORT_BOUNCE, "text", "y@example.org z@example.org", ""},
    {"the bounce's To is not a recipient unless it stands alone",
     "From: postmaster@mx.example.com\nTo: a@example.com\n"
     "Subject: failure notice\n\nYour mail from a@example.com to "
     "w@example.org failed: 550 user unknown\n",
     REPORT_BOUNCE, "text", "w@example.org", ""},
    {"help-desk addresses are not recipients",
     "From: postmaster@mx.example.com\nTo: a@example.com\n"
     "Subject: Undeliverable\n\nFor help, please contact "
     "<help@example.com>.\n\n<v@example.org>:\n550 5.1.1 no such user\n",
     REPORT_BOUNCE, "text", "v@example.org", "5.1.1"},
    {"a delivery-status part with only successes",
     "From: MAILER-DAEMON@mx.example.com\nMIME-Version: 1.0\n"
     "Content-Type: multipart/report; report-type=delivery-status; "
     "boundary=B\n\n--B\nContent-Type: message/delivery-status\n\n"
     "Reporting-MTA: dns; mx.example.com\n\n"
     "Final-Recipient: rfc822; ok@example.org\nAction: delivered\n"
     "Status: 2.0.0\n--B--\n",
     REPORT_DELIVERED, "rfc3464", "ok@example.org", "2.0.0"},
    {"ARF report with Original-Rcpt-To",
     "From: fbl@isp.example\nMIME-Version: 1.0\n"
     "Content-Type: multipart/report; report-type=feedback-report; "
     "boundary=F\n\n--F\nContent-Type: message/feedback-report\n\n"
     "Feedback-Type: abuse\nOriginal-Rcpt-To: <u@isp.example>\n--F--\n",
     REPORT_FEEDBACK, "arf", "u@isp.example", ""},
    {"bare CR line ends",
     "From: MAILER-DAEMON@q.example.org\rTo: a@example.com\r"
     "Subject: failure notice\r\rHi. This is the qmail-send program.\r"
     "<t@example.net>:\rRemote host said: 550 5.1.1 unknown\r",
     REPORT_BOUNCE, "qmail", "t@example.net", "5.1.1"},
    {"a notice enclosed in message/rfc822 is read when the outer one is "
     "empty",
     "From: MAILER-DAEMON@a.example\nTo: n@example.com\nMIME-Version: 1.0\n"
     "Subject: Returned mail\n"
     "Content-Type: multipart/mixed; boundary=O\n\n--O\n\n"
     "The following addresses had permanent delivery errors\n\n--O\n"
     "Content-Type: message/rfc822\n\nFrom: MAILER-DAEMON@b.example\n"
     "Content-Type: multipart/report; boundary=I\n\n--I\n"
     "Content-Type: message/delivery-status\n\n"
     "Final-Recipient: rfc822; s@example.org\nAction: failed\n"
     "Status: 5.1.1\n--I--\n--O--\n",
     REPORT_BOUNCE, "rfc3464", "s@example.org", "5.1.1"},
    {"a notice naming no recipient: the returned original's To:, whose "
     "display name is not part of the address",
     "From: MAILER-DAEMON@mx.example.com\nTo: a@example.com\n"
     "Subject: Undeliverable: hello\nMIME-Version: 1.0\n"
     "Content-Type: multipart/mixed; boundary=X\n\n--X\n"
     "Content-Type: text/plain\n\nYour message could not be delivered. "
     "The recipient's mailbox is unavailable.\n--X\n"
     "Content-Type: message/rfc822\n\nFrom: a@example.com\n"
     "To: Dave Example <dave@example.org>\nSubject: hello\n\nbody\n--X--\n",
     REPORT_BOUNCE, "text", "dave@example.org", ""},
    {"an HTML notice: character references are the characters they stand "
     "for (an apostrophe in the address, a no-break space in the reply)",
     "From: postmaster@mx.example.com\nTo: a@example.com\n"
     "Subject: Undeliverable: hello\nMIME-Version: 1.0\n"
     "Content-Type: text/html; charset=utf-8\n\n<html><body><p>Your "
     "message couldn&#39;t be delivered to wes.o&#39;brien@example.org "
     "because the remote server rejected it.</p>\n<p>Remote server "
     "response: 550&nbsp;5.1.1 &lt;wes.o&#x27;brien@example.org&gt;: User "
     "unknown</p></body></html>\n",
     REPORT_BOUNCE, "exchange", "wes.o'brien@example.org", "5.1.1"},
    {"ARF report without Original-Rcpt-To: the original's To:, without "
     "its display name",
     "From: fbl@isp.example\nMIME-Version: 1.0\n"
     "Content-Type: multipart/report; report-type=feedback-report; "
     "boundary=F\n\n--F\nContent-Type: message/feedback-report\n\n"
     "Feedback-Type: abuse\nVersion: 1\n--F\n"
     "Content-Type: message/rfc822\n\nFrom: news@example.com\n"
     "To: Rose Example <rose@isp.example>\nSubject: offer\n\nbody\n--F--\n",
     REPORT_FEEDBACK, "arf", "rose@isp.example", ""},
    {"a person's reply (\"Re:\", no reply headers) that tells of a bounce: "
     "no notice of a mail system",
     "From: Iris <iris@mail.example.net>\nTo: desk@example.com\n"
     "Subject: Re: your reminder\n\nYour mail to old@example.org bounced "
     "with 550 5.1.1 user unknown; please use this address.\n",
     REPORT_NOT_BOUNCE, NULL, "", ""},
    {"a local delivery's DSN names a bare local part: the returned "
     "original's X-Original-To with that local part is the recipient",
     "From: MAILER-DAEMON@mail.example.net\nTo: office@example.edu\n"
     "Subject: Returned mail: see transcript for details\nMIME-Version: 1.0\n"
     "Content-Type: multipart/report; report-type=delivery-status; "
     "boundary=B\n\n--B\nContent-Type: text/plain\n\n"
     "   ----- The following addresses had permanent fatal errors -----\n"
     "kelly\n    (reason: 550 5.2.1 Mailbox disabled)\n--B\n"
     "Content-Type: message/delivery-status\n\n"
     "Reporting-MTA: dns; mail.example.net\n\n"
     "Final-Recipient: RFC822; kelly\nAction: failed\nStatus: 5.2.1\n"
     "--B\nContent-Type: text/rfc822-headers\n\n"
     "X-Original-To: Kelly@example.net\nFrom: office@example.edu\n"
     "To: undisclosed-recipients:;\nSubject: reunion\n--B--\n",
     REPORT_BOUNCE, "sendmail", "Kelly@example.net", "5.2.1"},
    {"the same with the returned original's To: naming one address",
     BARE_DSN_HEAD
     "Final-Recipient: rfc822;<kelly>\nAction: failed\nStatus: 5.1.1\n"
     "--B\nContent-Type: message/rfc822\n\nFrom: office@example.edu\n"
     "To: Kelly Jones <kelly@example.net>\nSubject: reunion\n\nhi\n--B--\n",
     REPORT_BOUNCE, "rfc3464", "kelly@example.net", "5.1.1"},
    {"a bare local part that is not the returned original's (an alias's "
     "target, say): the DSN's fields go to no other address; read as text, "
     "the original's one envelope recipient failed, with no status",
     BARE_DSN_HEAD
     "Final-Recipient: RFC822; kelly\nAction: failed\nStatus: 5.1.1\n"
     "--B\nContent-Type: text/rfc822-headers\n\n"
     "X-Original-To: kellyj@example.net\nFrom: office@example.edu\n"
     "Subject: reunion\n--B--\n",
     REPORT_BOUNCE, "text", "kellyj@example.net", ""},
    {"a person forwards a notice as an attachment: its recipient failed, "
     "not the one the notice was sent to",
     "From: Pat <pat@example.com>\nTo: admin@example.com\n"
     "Subject: Fwd: Returned mail: see transcript for details\n"
     "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=F\n\n"
     "--F\nContent-Type: text/plain\n\nThis keeps coming back, help?\n"
     "--F\nContent-Type: message/rfc822\n\n"
     "From: Mail Delivery Subsystem <MAILER-DAEMON@relay.example.com>\n"
     "To: <pat@example.com>\nSubject: Returned mail: see transcript for "
     "details\n\n"
     "   ----- The following addresses had permanent fatal errors -----\n"
     "<lee@example.org>\n    (reason: 550 5.1.1 User unknown)\n--F--\n",
     REPORT_BOUNCE, "sendmail", "lee@example.org", "5.1.1"},
    {"a list robot's notice that a post awaits its moderators, with the "
     "post's headers: no failure of the list",
     "From: SYMPA <sympa@lists.example.org>\nTo: ann@example.net\n"
     "Subject: Your message to the list climate was forwarded to the "
     "moderators\nAuto-Submitted: auto-replied\nMIME-Version: 1.0\n"
     "Content-Type: multipart/mixed; boundary=S\n\n--S\n"
     "Content-Type: text/plain\n\nYour message for the list "
     "climate@lists.example.org was forwarded to the list moderators.\n"
     "It will be distributed once a moderator has approved it.\n--S\n"
     "Content-Type: text/rfc822-headers\n\nFrom: ann@example.net\n"
     "To: climate@lists.example.org\nSubject: seminar\n--S--\n",
     REPORT_NOT_BOUNCE, NULL, "", ""},
    {"the same robot's refusal of a post: the list refused it",
     "From: SYMPA <sympa@lists.example.org>\nTo: ann@example.net\n"
     "Subject: Message rejected\nMIME-Version: 1.0\n"
     "Content-Type: multipart/mixed; boundary=S\n\n--S\n"
     "Content-Type: text/plain\n\nYour message for the list "
     "climate@lists.example.org was rejected: only subscribers may post.\n"
     "--S\nContent-Type: text/rfc822-headers\n\nFrom: ann@example.net\n"
     "To: climate@lists.example.org\nSubject: seminar\n--S--\n",
     REPORT_BOUNCE, "text", "climate@lists.example.org", ""},
    {"a mail system's bounce of a post to a list robot's own address: that "
     "address failed",
     "From: MAILER-DAEMON@mx.example.org\n"
     "Subject: Undelivered Mail Returned to Sender\nMIME-Version: 1.0\n"
     "Content-Type: multipart/mixed; boundary=B\n\n--B\n"
     "Content-Type: text/plain\n\nThis is the mail system at host "
     "mx.example.org. Your message could not be delivered.\n--B\n"
     "Content-Type: text/rfc822-headers\n\nFrom: ann@example.net\n"
     "To: sympa@lists.example.org\nSubject: subscribe dev\n\n--B--\n",
     REPORT_BOUNCE, "text", "sympa@lists.example.org", ""},
    {"a list manager's notice of a bounce it could not read, enclosing a "
     "DSN: the DSN's recipient failed",
     "From: dev-bounces@lists.example.org\nTo: dev-owner@lists.example.org\n"
     "Subject: Uncaught bounce notification\nMIME-Version: 1.0\n"
     "Content-Type: multipart/mixed; boundary=M\n\n--M\n"
     "Content-Type: text/plain\n\nThe attached message was received, but "
     "no member addresses could be extracted from it.\n\n--M\n"
     "Content-Type: message/rfc822\n\nFrom: MAILER-DAEMON@mx.example.net\n"
     "To: dev-bounces@lists.example.org\nSubject: Undelivered Mail\n"
     "MIME-Version: 1.0\nContent-Type: multipart/report; "
     "report-type=delivery-status; boundary=R\n\n--R\n"
     "Content-Type: message/delivery-status\n\n"
     "Reporting-MTA: dns; mx.example.net\n\n"
     "Final-Recipient: rfc822; gone@example.net\nAction: failed\n"
     "Status: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 User unknown\n\n"
     "--R--\n\n--M--\n",
     REPORT_BOUNCE, "rfc3464", "gone@example.net", "5.1.1"},
    {"a filter's summary of held mail, titled in Dutch, lists senders, no "
     "failed recipient",
     "From: Filter <quarantine@example.nl>\nTo: f@example.nl\n"
     "Subject: Quarantaineoverzicht: 2 nieuwe berichten\n"
     "Auto-Submitted: auto-generated\n\n"
     "spam@bad.example  Undeliverable: invoice overdue  Spam\n"
     "news@bulk.example  Mailbox full? Read this  Bulk\n",
     REPORT_NOT_BOUNCE, NULL, "", ""},
    {"a filter's digest titled without a word for held mail, from an "
     "address named for it: its list of senders names no failed recipient",
     "From: Protection Server <pps-digest@example.com>\n"
     "To: bounces@example.com\nSubject: End User Digest: 2 New Messages\n"
     "Auto-Submitted: auto-generated\n\n"
     "The emails listed below have been placed in your personal "
     "Quarantine.\n\nScore  From  Subject\n"
     "97  no-reply@invoices.example  Mail delivery failed: returning "
     "message to sender\n95  dse@sign.example  Please review\n",
     REPORT_NOT_BOUNCE, NULL, "", ""},
    {"a disposition notification of a message its reader deleted by hand: "
     "a read receipt, no failure",
     "From: Ann <ann@example.org>\nTo: a@example.com\nMIME-Version: 1.0\n"
     "Content-Type: multipart/report; report-type=disposition-notification; "
     "boundary=M\n\n--M\nContent-Type: text/plain\n\nYour message was "
     "deleted without being read.\n--M\n"
     "Content-Type: message/disposition-notification\n\n"
     "Final-Recipient: rfc822; ann@example.org\n"
     "Disposition: manual-action/MDN-sent-manually; deleted\n--M--\n",
     REPORT_NOT_BOUNCE, NULL, "", ""},
    {"a disposition notification of a message discarded automatically (a "
     "Sieve reject): its Final-Recipient failed",
     "From: MAILER-DAEMON@example.org\nTo: a@example.com\nMIME-Version: "
     "1.0\nContent-Type: multipart/report; "
     "report-type=disposition-notification; boundary=M\n\n--M\n"
     "Content-Type: text/plain\n\nYour message to <ann@example.org> was "
     "automatically rejected: I no longer read this address\n--M\n"
     "Content-Type: message/disposition-notification\n\n"
     "Final-Recipient: rfc822; ann@example.org\n"
     "Disposition: automatic-action/MDN-sent-automatically; deleted\n--M--\n",
     REPORT_BOUNCE, "mdn", "ann@example.org", ""},
    {"an automatic reply titled \"Re:\" with no reply headers stays one",
     "From: Iris <iris@mail.example.net>\nTo: desk@example.com\n"
     "Subject: Re: your reminder\nAuto-Submitted: auto-replied\n\n"
     "I am away until Monday.\n",
     REPORT_AUTOREPLY, "rfc3834", "iris@mail.example.net", ""},
};

static void check_rcpts(const struct report *r, const char *want)
{
    char buf[512] = "";

    for (size_t i = 0; i < r->nrcpts; i++) {
        if (i > 0)
            strcat(buf, " ");
        strcat(buf, r->rcpts[i].recipient);
    }
    assert_string_equal(buf, want);
}

static void test_report_cases(void **state)
{
    struct mime_limits lim;
    (void)state;

    mime_limits_default(&lim);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct report *r = NULL;
        const char *err = NULL;
        print_message("# %s\n", cases[i].name);
        assert_int_equal(report_parse(cases[i].msg, strlen(cases[i].msg),
                                      &lim, &r, &err),
                         0);
        assert_int_equal(r->kind, cases[i].kind);
        if (cases[i].mta == NULL)
            assert_null(r->mta);
        else
            assert_string_equal(r->mta, cases[i].mta);
        check_rcpts(r, cases[i].rcpts);
        if (r->nrcpts > 0)
            assert_string_equal(r->rcpts[0].status, cases[i].status0);
        report_free(&r);
        assert_null(r);
    }
}

/* DSN fields pasted as text at the end of a first text part, then a
 * second part, of every size around the first text buffer (on the stack,
 * then moved to the heap): the fields are read whole. */
static void test_long_text_is_kept_whole(void **state)
{
    static const size_t sizes[] = {10, 4000, 8000, 8100, 8190, 9000, 20000};
    static const char head[] =
        "From: postmaster@mx.example.org\nTo: a@example.com\n"
        "Subject: notice\nMIME-Version: 1.0\n"
        "Content-Type: multipart/mixed; boundary=\"b\"\n\n";
    static const char fields[] =
        "Final-Recipient: rfc822; far@example.org\nAction: failed\n"
        "Status: 5.1.1\n";
    struct mime_limits lim;
    (void)state;

    mime_limits_default(&lim);
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        for (size_t j = 0; j < sizeof sizes / sizeof sizes[0]; j++) {
            size_t cap = sizeof head + sizeof fields + sizes[i] + sizes[j] +
                         200;
            char *msg = malloc(cap);
            size_t n = 0;
            struct report *r = NULL;
            const char *err = NULL;
            assert_non_null(msg);
            memcpy(msg, head, sizeof head - 1);
            n = sizeof head - 1;
            for (size_t k = 0; k < 2; k++) {
                size_t fill = k == 0 ? sizes[i] : sizes[j];
                n += (size_t)snprintf(msg + n, cap - n,
                                      "--b\nContent-Type: text/plain\n\n");
                for (size_t f = 0; f < fill; f++)
                    msg[n++] = f % 60 == 59 ? '\n' : "lorem ipsum "[f % 12];
                msg[n++] = '\n';
                if (k == 0) {
                    memcpy(msg + n, fields, sizeof fields - 1);
                    n += sizeof fields - 1;
                }
            }
            n += (size_t)snprintf(msg + n, cap - n, "--b--\n");
            assert_int_equal(report_parse(msg, n, &lim, &r, &err), 0);
            assert_int_equal(r->kind, REPORT_BOUNCE);
            check_rcpts(r, "far@example.org");
            assert_string_equal(r->rcpts[0].status, "5.1.1");
            report_free(&r);
            free(msg);
        }
    }
}

/* The text of a part in charset cs as the parser should take it: "caf"
 * then 0xe9 as UTF-8 for the ISO-8859-1 kin, as it is for none, UTF-8
 * and US-ASCII, and as iconv() reads it for any other charset (as it is
 * when iconv() does not know it): the reference. */
static void ref_cafe(const char *cs, char *out, size_t cap)
{
    static const char *const latin1[] = {"iso-8859-1", "iso-8859-15",
                                         "windows-1252", "latin1"};
    static const char *const native[] = {"", "utf-8", "utf8", "us-ascii",
                                         "ascii"};
    char in[] = "caf\xe9", *ip = in, *op = out;
    size_t il = 4, ol = cap - 1;

    for (size_t i = 0; i < 4; i++)
        if (strcmp(cs, latin1[i]) == 0) {
            snprintf(out, cap, "caf\xc3\xa9");
            return;
        }
    for (size_t i = 0; i < 5; i++)
        if (strcmp(cs, native[i]) == 0) {
            snprintf(out, cap, "%s", in);
            return;
        }
    iconv_t cd = iconv_open("UTF-8", cs);
    if (cd == (iconv_t)-1) {
        snprintf(out, cap, "%s", in);
        return;
    }
    assert_true(iconv(cd, &ip, &il, &op, &ol) != (size_t)-1);
    *op = '\0';
    iconv_close(cd);
}

/* A notice's text part in charsets of every class, and names close to
 * theirs: its text goes in as the reference says. */
static void test_text_charsets_as_reference(void **state)
{
    static const char *const names[] = {
        "", "utf-8", "utf8", "us-ascii", "ascii", "iso-8859-1",
        "iso-8859-15", "windows-1252", "latin1", "iso-8859-2",
        "windows-1251", "koi8-r", "latin2", "ascii7", "utf-88", "us-asciix",
        "a", "u", "i", "w", "l", "x-unknown", "iso-8859-1x", "windows-125"};
    struct mime_limits lim;
    (void)state;

    mime_limits_default(&lim);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char msg[512], want[32];
        struct report *r = NULL;
        const char *err = NULL;
        int n = snprintf(
            msg, sizeof msg,
            "From: postmaster@mx.example.org\nTo: a@example.com\n"
            "Subject: notice\nMIME-Version: 1.0\n"
            "Content-Type: text/plain; charset=\"%s\"\n\n"
            "Final-Recipient: rfc822; u@example.org\nAction: failed\n"
            "Status: 5.1.1\nDiagnostic-Code: smtp; 550 caf\xe9 closed\n",
            names[i]);
        print_message("# charset \"%s\"\n", names[i]);
        ref_cafe(names[i], want, sizeof want);
        assert_int_equal(report_parse(msg, (size_t)n, &lim, &r, &err), 0);
        check_rcpts(r, "u@example.org");
        assert_non_null(r->rcpts[0].diagnostic);
        assert_non_null(strstr(r->rcpts[0].diagnostic, want));
        report_free(&r);
    }
}

/* report_parse() with the default limits, which must succeed. */
static struct report *parse_default(const char *msg, size_t len)
{
    struct mime_limits lim;
    struct report *r = NULL;
    const char *err = NULL;

    mime_limits_default(&lim);
    assert_int_equal(report_parse(msg, len, &lim, &r, &err), 0);
    return r;
}

static void test_returned_original_fields(void **state)
{
    static const char msg[] =
        "From: MAILER-DAEMON@mx.example.com\nTo: a@example.com\n"
        "Subject: failure notice\nMessage-ID: <ndr@mx.example.com>\n\n"
        "<b@example.org>:\nRemote host said: 550 5.1.1 unknown\n\n"
        "--- Below this line is a copy of the message.\n\n"
        "Return-Path: <a@example.com>\nMessage-ID: <orig-1@example.com>\n"
        "From: A <a@example.com>\nTo: b@example.org\n"
        "Subject: =?UTF-8?Q?caf=C3=A9?=\n\nbody\n";
    struct report *r = parse_default(msg, strlen(msg));
    (void)state;

    assert_string_equal(r->orig_message_id, "orig-1@example.com");
    assert_string_equal(r->orig_from, "A <a@example.com>");
    assert_string_equal(r->orig_to, "b@example.org");
    assert_string_equal(r->orig_subject, "caf\xc3\xa9");
    assert_string_equal(r->message_id, "ndr@mx.example.com");
    check_rcpts(r, "b@example.org");
    report_free(&r);
}

/* A NUL in a header value, raw or out of an encoded word, never cuts the
 * string stored: unfolding blanks raw ones, decoded ones are blanked. */
static void test_header_nul_blanked(void **state)
{
    static const char msg[] =
        "From: MAILER-DAEMON@mx.example.com\nTo: a@example.com\n"
        "Subject: =?UTF-8?B?YQBi?= c\0d\n"
        "Message-ID: <=?UTF-8?Q?x=00y?=@mx.example.com>\n\n"
        "<b@example.org>:\nRemote host said: 550 5.1.1 unknown\n";
    struct report *r = parse_default(msg, sizeof msg - 1);
    (void)state;

    assert_string_equal(r->subject, "a b c d");
    assert_string_equal(r->message_id, "x y@mx.example.com");
    report_free(&r);
}

static void test_latin1_notice_becomes_utf8(void **state)
{
    static const char msg[] =
        "From: MAILER-DAEMON@mx.example.fr\nTo: a@example.com\n"
        "Subject: Mail non remis\nMIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=ISO-8859-1\n\n"
        "<b@example.fr>: 550 5.1.1 adresse refus\xe9" "e\n";
    struct report *r = parse_default(msg, strlen(msg));
    (void)state;

    check_rcpts(r, "b@example.fr");
    assert_non_null(strstr(r->rcpts[0].diagnostic, "refus\xc3\xa9" "e"));
    report_free(&r);
}

/* References the reader knows become characters; anything else stays as
 * written (a lone '&', unknown names, code points out of range, NUL). */
/* A lone recipient alone on its line after a label of recipients, its
 * paragraph saying nothing: the notice's own words before the label are
 * its reason; a reason in its paragraph (or a "Reason:" line after it)
 * stays its diagnostic. */
static void test_labelled_address_takes_notice_reason(void **state)
{
    static const char lead[] =
        "From: Gateway Notices <notices@gw.example.net>\n"
        "To: sam@example.com\nSubject: Undelivered: figures\n"
        "Auto-Submitted: auto-generated\n\n"
        "Your message could not be delivered.\n\n"
        "The mail gateway stopped it because it holds a password-protected\n"
        "archive, which the receiving organisation does not allow.\n\n"
        "Recipients affected:\n\n   jo@example.org\n";
    static const char *const tails[] = {
        "\nPlease contact your administrator, and do not send the same\n"
        "archive again.\n",
        "   mailbox unavailable\n\nPlease contact your administrator.\n",
        "\nReason: Attachment type blocked\n\nPlease contact your "
        "administrator.\n"};
    static const char *const want[] = {"password-protected",
                                       "mailbox unavailable",
                                       "Attachment type blocked"};
    static const bool whole[] = {true, false, false};
    char msg[2048];
    (void)state;

    for (size_t i = 0; i < sizeof tails / sizeof tails[0]; i++) {
        snprintf(msg, sizeof msg, "%s%s", lead, tails[i]);
        struct report *r = parse_default(msg, strlen(msg));
        assert_int_equal(r->nrcpts, 1);
        assert_string_equal(r->rcpts[0].recipient, "jo@example.org");
        assert_non_null(r->rcpts[0].diagnostic);
        assert_non_null(strstr(r->rcpts[0].diagnostic, want[i]));
        assert_int_equal(strstr(r->rcpts[0].diagnostic, "Your message") ==
                             r->rcpts[0].diagnostic,
                         whole[i]);
        report_free(&r);
    }
}

/* Sendmail's notice for two recipients, one failed, one delayed: the
 * delayed one's block ends at the transcript's heading (the failed one's
 * conversation is not its), and its result line ("<b@...>... Deferred:
 * ...") is its diagnostic; its DSN status stays. */
static void test_sendmail_sections_and_result_lines(void **state)
{
    static const char msg[] =
        "From: Mail Delivery Subsystem <MAILER-DAEMON@mail.example.com>\n"
        "To: ann@example.com\nSubject: Returned mail: see transcript\n"
        "MIME-Version: 1.0\nContent-Type: multipart/report; "
        "report-type=delivery-status; boundary=B\n\n--B\n\n"
        "   ----- The following addresses had permanent fatal errors -----\n"
        "<c@example.net>\n    (reason: 550 5.7.1 Rejected by policy)\n\n"
        "   ----- The following addresses had transient non-fatal errors "
        "-----\n<d@example.org>\n\n"
        "   ----- Transcript of session follows -----\n"
        "... while talking to mx.example.net.:\n>>> DATA\n"
        "<<< 550 5.7.1 Rejected by policy\n"
        "<d@example.org>... Deferred: Connection refused by mx.example.org.\n"
        "\n--B\nContent-Type: message/delivery-status\n\n"
        "Reporting-MTA: dns; mail.example.com\n\n"
        "Final-Recipient: RFC822; c@example.net\nAction: failed\n"
        "Status: 5.7.1\nDiagnostic-Code: SMTP; 550 5.7.1 Rejected by policy\n"
        "\nFinal-Recipient: RFC822; d@example.org\nAction: delayed\n"
        "Status: 4.4.1\n\n--B--\n";
    struct report *r = parse_default(msg, strlen(msg));
    (void)state;

    assert_int_equal(r->nrcpts, 2);
    assert_string_equal(r->rcpts[1].recipient, "d@example.org");
    assert_string_equal(r->rcpts[1].status, "4.4.1");
    assert_int_equal(r->rcpts[1].reply_code, 0);
    assert_non_null(r->rcpts[1].diagnostic);
    assert_string_equal(r->rcpts[1].diagnostic,
                        "<d@example.org>... Deferred: Connection refused by "
                        "mx.example.org.");
    report_free(&r);
}

static void test_html_references(void **state)
{
    static const char msg[] =
        "From: postmaster@mx.example.com\nMIME-Version: 1.0\n"
        "Content-Type: text/html\n\n<p>Delivery failed: a@example.org "
        "&lt;&GT;&amp;&quot;&apos;&nbsp;&#65;&#x42;&#X43;&#233;&#x20AC;"
        "&#128512; &#0; &#x110000; &#xD800; &bogus; & &#12345678901; "
        "&#65</p>\n";
    static const char want[] =
        "<>&\"' ABC\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80 &#0; &#x110000; "
        "&#xD800; &bogus; & &#12345678901; &#65";
    struct report *r = parse_default(msg, strlen(msg));
    (void)state;

    assert_true(r->nrcpts > 0);
    assert_non_null(r->rcpts[0].diagnostic);
    assert_non_null(strstr(r->rcpts[0].diagnostic, want));
    report_free(&r);
}

/* Recipients only X-Failed-Recipients names: the notice's text before
 * the returned original is their diagnostic; a recipient the text names
 * keeps its own block, and then no other gets the whole text. */
static void test_failed_recipients_header_diagnostic(void **state)
{
    static const char msg[] =
        "From: mailer-daemon@groups.example.com\nTo: a@example.com\n"
        "Subject: Delivery Status Notification (Failure)\n"
        "X-Failed-Recipients: list@groups.example.com\n\n"
        "Hello a@example.com,\n\nThe group you tried to contact may not "
        "exist, or you may not have permission to post to it.\n\n"
        "----- Original message -----\nTo: list@groups.example.com\n"
        "Subject: hi\n\nbody\n";
    static const char msg2[] =
        "From: MAILER-DAEMON@mx.example.com\nTo: a@example.com\n"
        "Subject: Undelivered Mail\n"
        "X-Failed-Recipients: b@example.org, c@example.org\n\n"
        "Delivery failed.\n\n<b@example.org>: 550 5.1.1 user unknown\n";
    struct report *r = parse_default(msg, strlen(msg));
    (void)state;

    check_rcpts(r, "list@groups.example.com");
    assert_non_null(r->rcpts[0].diagnostic);
    assert_non_null(strstr(r->rcpts[0].diagnostic,
                           "may not have permission to post"));
    assert_null(strstr(r->rcpts[0].diagnostic, "Original message"));
    report_free(&r);
    /* what says why may come late in a long notice (a translation) */
    char *long_msg = malloc(sizeof msg + 1600);
    const char *body = strstr(msg, "\n\n") + 2;
    assert_non_null(long_msg);
    memcpy(long_msg, msg, (size_t)(body - msg));
    memset(long_msg + (body - msg), 'w', 1600);
    long_msg[body - msg + 1599] = ' ';
    strcpy(long_msg + (body - msg) + 1600, body);
    r = parse_default(long_msg, strlen(long_msg));
    assert_non_null(r->rcpts[0].diagnostic);
    assert_non_null(strstr(r->rcpts[0].diagnostic,
                           "may not have permission to post"));
    report_free(&r);
    free(long_msg);
    r = parse_default(msg2, strlen(msg2));
    assert_int_equal(r->nrcpts, 2);
    for (size_t i = 0; i < r->nrcpts; i++) {
        if (strcmp(r->rcpts[i].recipient, "c@example.org") == 0)
            assert_null(r->rcpts[i].diagnostic);
        else
            assert_string_equal(r->rcpts[i].status, "5.1.1");
    }
    report_free(&r);
}

/* X-Failed-Recipients, when present, bounds the recipients: an address
 * the notice quotes besides them did not fail.  Without the header, a
 * recipient the returned original names first (a JMRP field) bounds
 * nothing. */
static void test_failed_recipients_header_bounds(void **state)
{
    static const char listed[] =
        "From: MAILER-DAEMON@mx.example.com\nTo: a@example.com\n"
        "Subject: Mail delivery failed\n"
        "X-Failed-Recipients: b@example.org\n\n"
        "Delivery failed.\n\n  b@example.org\n"
        "    550 5.1.1 Mailbox unavailable, write to <c@example.org> "
        "instead\n";
    static const char unlisted[] =
        "From: MAILER-DAEMON@mx.example.com\nTo: a@example.com\n"
        "Subject: Undelivered Mail\n\n"
        "Delivery failed.\n\n<b@example.org>: 550 5.1.1 user unknown\n\n"
        "----- Original message -----\n"
        "X-HmXmrOriginalRecipient: d@example.org\n"
        "From: a@example.com\nTo: b@example.org\nSubject: hi\n\nbody\n";
    struct report *r = parse_default(listed, strlen(listed));
    (void)state;

    check_rcpts(r, "b@example.org");
    report_free(&r);
    r = parse_default(unlisted, strlen(unlisted));
    bool found = false;
    for (size_t i = 0; i < r->nrcpts; i++)
        found = found || strcmp(r->rcpts[i].recipient, "b@example.org") == 0;
    assert_true(found);
    report_free(&r);
}

/* A reply stated once for many recipients is each one's diagnostic, read
 * once and kept short whatever the line's length (a 100 KB line, 300
 * recipients). */
static void test_shared_reply_bounded(void **state)
{
    static const char head[] =
        "From: MAILER-DAEMON@mx.example.com\nTo: a@example.com\n"
        "Subject: Undelivered Mail\n\nRefused because of:\n\n550 5.1.1 ";
    size_t cap = sizeof head + 100000 + 300 * 32 + 64, n = sizeof head - 1;
    char *msg = malloc(cap);
    (void)state;

    assert_non_null(msg);
    memcpy(msg, head, n);
    memset(msg + n, 'x', 100000);
    n += 100000;
    n += (size_t)snprintf(msg + n, cap - n, "\n\nRecipients:\n");
    for (int i = 0; i < 300; i++)
        n += (size_t)snprintf(msg + n, cap - n, "  u%d@example.org\n", i);
    struct report *r = parse_default(msg, n);
    assert_true(r->nrcpts >= 2);
    for (size_t i = 0; i < r->nrcpts; i++) {
        assert_int_equal(r->rcpts[i].reply_code, 550);
        assert_string_equal(r->rcpts[i].status, "5.1.1");
        assert_non_null(r->rcpts[i].diagnostic);
        assert_true(strlen(r->rcpts[i].diagnostic) <= 4096);
    }
    report_free(&r);
    free(msg);
}

/* The addresses of a list read the heading of their own list, not one of
 * an earlier list, whatever decorates the list's first line. */
static void test_list_reads_its_own_heading(void **state)
{
    static const char msg[] =
        "From: MAILER-DAEMON@mx.example.com\nTo: a@example.com\n"
        "Subject: Delivery Status Notification\n\n"
        "Delivery to these was delayed:\n\nd@example.org\n\n"
        "Delivery to the following recipients failed permanently:\n"
        "********** a@example.net\nb@example.net\n\n";
    struct report *r = parse_default(msg, sizeof msg - 1);
    (void)state;

    for (size_t i = 0; i < r->nrcpts; i++)
        if (strcmp(r->rcpts[i].recipient, "b@example.net") == 0) {
            assert_non_null(r->rcpts[i].diagnostic);
            assert_non_null(
                strstr(r->rcpts[i].diagnostic, "failed permanently"));
            assert_null(strstr(r->rcpts[i].diagnostic, "delayed"));
        }
    report_free(&r);
}

/* An automatic reply's own words end at the first line it quotes, with
 * any line end (CR alone too); a quote it starts with is passed over. */
static void test_autoreply_words_end_at_quote(void **state)
{
    static const struct {
        const char *body, *diag;
    } replies[] = {
        {"I am away.\n> <bob@example.net>: 550 5.1.1 User unknown\n",
         "I am away."},
        {"I am away.\r> <bob@example.net>: 550 5.1.1 User unknown\r",
         "I am away."},
        {"I am away.\r\n\r\n  > quoted\r\nnot mine\r\n", "I am away."},
        {"> hi\nThis mailbox is closed.\n", "> hi This mailbox is closed."},
    };
    (void)state;

    for (size_t i = 0; i < sizeof replies / sizeof replies[0]; i++) {
        char msg[512];
        int n = snprintf(msg, sizeof msg,
                         "From: Al <al@example.com>\nTo: b@example.net\n"
                         "Subject: Away\nAuto-Submitted: auto-replied\n\n%s",
                         replies[i].body);
        assert_true(n > 0 && (size_t)n < sizeof msg);
        struct report *r = parse_default(msg, (size_t)n);
        assert_int_equal(r->kind, REPORT_AUTOREPLY);
        assert_int_equal(r->nrcpts, 1);
        assert_non_null(r->rcpts[0].diagnostic);
        assert_string_equal(r->rcpts[0].diagnostic, replies[i].diag);
        report_free(&r);
    }
}

static void test_truncation_is_flagged(void **state)
{
    static const char msg[] = "From: a@example.com\n\nlong body here\n";
    struct mime_limits lim;
    struct report *r = NULL;
    const char *err;
    (void)state;

    mime_limits_default(&lim);
    lim.max_message_bytes = 10;
    assert_int_equal(report_parse(msg, strlen(msg), &lim, &r, &err), 0);
    assert_true(r->errors & REPORT_ERR_TRUNCATED);
    report_free(&r);
}

/* Length of the remote_mta string test_strings_in_blocks() gives
 * recipient i: 0 (none), short ones, and some longer than a block. */
static size_t blocks_len(unsigned i)
{
    return i % 50 == 0 ? 3000 : i % 7 == 0 ? 260 : i;
}

/* The strings of a report are carved out of shared blocks: many of them,
 * some longer than a block, all stay intact and apart; a diagnostic is
 * dropped and set again; report_free() releases it all (ASan builds see
 * overlaps and leaks). */
/* A report with room for its first recipients and strings, made as
 * report_parse() makes it (report_free() frees it whole). */
struct room_report {
    struct report r;
    struct report_rcpt rcpts[4];
    uint64_t strings[68];
};

/* 200 recipients and strings of every size, in a report with room
 * (rbuild_room()) or without. */
static void strings_in_blocks(bool room)
{
    struct mime_limits lim;
    struct room_report *m = malloc(sizeof *m);
    struct report *r = &m->r;
    struct rbuild b = {.r = r, .lim = &lim};
    char addr[64], big[3000];

    assert_non_null(m);
    memset(r, 0, sizeof *r);
    if (room)
        rbuild_room(&b, m->rcpts, 4, m->strings, sizeof m->strings);
    mime_limits_default(&lim);
    memset(big, 'x', sizeof big);
    for (unsigned i = 0; i < 200; i++) {
        snprintf(addr, sizeof addr, "user%u@example.com", i);
        struct report_rcpt *rc = rbuild_rcpt(&b, addr, strlen(addr), NULL);
        assert_non_null(rc);
        rbuild_str(&b, &rc->action, "failed", 6);
        rbuild_str(&b, &rc->remote_mta, big, blocks_len(i));
        rbuild_str(&b, &rc->diagnostic, addr, strlen(addr));
    }
    rbuild_drop(&b, &r->rcpts[7].diagnostic);
    assert_null(r->rcpts[7].diagnostic);
    rbuild_str(&b, &r->rcpts[7].diagnostic, "550 again", 9);
    assert_false(b.oom);
    assert_int_equal(r->nrcpts, 200);
    for (unsigned i = 0; i < 200; i++) {
        const struct report_rcpt *rc = &r->rcpts[i];
        snprintf(addr, sizeof addr, "user%u@example.com", i);
        assert_string_equal(rc->recipient, addr);
        assert_string_equal(rc->action, "failed");
        assert_string_equal(rc->diagnostic, i == 7 ? "550 again" : addr);
        if (blocks_len(i) == 0) {
            assert_null(rc->remote_mta);
            continue;
        }
        assert_int_equal(strlen(rc->remote_mta), blocks_len(i));
        assert_memory_equal(rc->remote_mta, big, blocks_len(i));
    }
    report_free(&r);
    assert_null(r);
}

static void test_strings_in_blocks(void **state)
{
    (void)state;
    strings_in_blocks(false);
    strings_in_blocks(true);
}

static void test_kind_names(void **state)
{
    (void)state;
    assert_string_equal(report_kind_name(REPORT_BOUNCE), "bounce");
    assert_string_equal(report_kind_name(REPORT_NOT_BOUNCE), "not-bounce");
    assert_string_equal(report_kind_name(REPORT_FEEDBACK), "feedback");
    assert_string_equal(report_kind_name(REPORT_AUTOREPLY), "autoreply");
    assert_string_equal(report_kind_name(REPORT_DELIVERED), "delivered");
}

/* textbounce_notice_family() is textbounce_family() of the text before
 * textbounce_cut(): texts built from signature phrases, cut markers and
 * filler in random order, on both sides of the 4 KB the family reads. */
static void test_notice_family_as_cut_then_family(void **state)
{
    static const char *const pieces[] = {
        "This is the mail system at host mx.example.org.\n",
        "Original message follows.\n",
        "----- Original message -----\n",
        "Received: from x by y\n",
        "Google tried to deliver your message\n",
        "Remote Server returned '550 5.1.1'\n",
        "the qmail-send program here\n",
        "some filler text that says nothing at all\n",
        "\n",
        "Delivery has failed to these recipients or groups:\n",
        "   Below this line is a copy of the message.\n",
        "Barracuda\n",
    };
    char text[6000];
    unsigned seed = 31337;
    (void)state;

    for (int round = 0; round < 4000; round++) {
        size_t n = 0, orig;
        size_t want_len = (size_t)(round % 3 == 0 ? 5000 : 600);
        while (n + 64 < want_len) {
            seed = seed * 1103515245u + 12345u;
            unsigned r = (seed >> 16) % 40;
            const char *piece = pieces[r < 12 ? r : 7];
            size_t pl = strlen(piece);
            memcpy(text + n, piece, pl);
            n += pl;
        }
        const char *want = textbounce_family(text, textbounce_cut(text, n,
                                                                  &orig));
        assert_string_equal(textbounce_notice_family(text, n), want);
    }
}

/* The notice text as it was made in one go, before ntext read leaves in
 * pieces: the reference for ntext_all() and ntext_head(). */
/* Is the tag name at t[0..n) (its '>' at t[n]) one shown with no space
 * of its own: a name of the list, then a blank, '/' or the end? */
static bool ref_inline(const char *t, size_t n)
{
    static const char *const names[] = {"span", "b", "i", "u", "a",
                                        "font", "strong", "em", "small",
                                        "big", "tt", "code", "sub", "sup"};

    for (size_t k = 0; k < sizeof names / sizeof *names; k++) {
        size_t l = strlen(names[k]);
        if (n >= l && strncasecmp(t, names[k], l) == 0 &&
            (n == l || t[l] == ' ' || t[l] == '\t' || t[l] == '\r' ||
             t[l] == '\n' || t[l] == '/'))
            return true;
    }
    return false;
}

static size_t ref_untag(char *s, size_t n)
{
    size_t o = 0, i = 0;

    while (i < n) {
        char c = s[i];
        if (c != '<') {
            s[o++] = s[i++];
            continue;
        }
        char d = i + 1 < n ? s[i + 1] : '\0';
        if (!((d >= 'a' && d <= 'z') || (d >= 'A' && d <= 'Z') || d == '/' ||
              d == '!')) {
            s[o++] = s[i++];
            continue;
        }
        const char *t = s + i + 1; /* NUL-terminated at n */
        size_t k = t[0] == '/';
        int c0 = tolower((unsigned char)t[k]);
        bool block = c0 == 'p' ||
                     (c0 == 't' && tolower((unsigned char)t[k + 1]) == 'r') ||
                     (k == 0 && c0 == 'b' && tolower((unsigned char)t[1]) == 'r') ||
                     (k == 0 && c0 == 'd' && tolower((unsigned char)t[1]) == 'i' &&
                      tolower((unsigned char)t[2]) == 'v');
        if (block)
            s[o++] = '\n';
        const char *gt = memchr(s + i + 1, '>', n - i - 1);
        if (gt == NULL)
            break;
        if (!ref_inline(t + k, (size_t)(gt - t) - k))
            s[o++] = ' ';
        i = (size_t)(gt - s) + 1;
    }
    return o;
}

/* Character references as characters, the reference's way: the six
 * names and numbers of at most eight digits naming a character. */
static size_t ref_unentity(char *s, size_t n)
{
    static const char *const names[] = {"nbsp;", "lt;", "gt;", "amp;",
                                        "quot;", "apos;"};
    static const char chars[] = " <>&\"'";
    size_t o = 0;

    for (size_t i = 0; i < n;) {
        size_t k, used = 0;
        char *end;
        unsigned long cp = 0;
        for (k = 0; s[i] == '&' && k < 6 && !used; k++)
            if (n - i > strlen(names[k]) &&
                strncasecmp(s + i + 1, names[k], strlen(names[k])) == 0)
                used = strlen(names[k]) + 1, cp = (unsigned char)chars[k];
        if (!used && s[i] == '&' && i + 2 < n && s[i + 1] == '#') {
            bool hex = s[i + 2] == 'x' || s[i + 2] == 'X';
            const char *d = s + i + 2 + hex;
            cp = isxdigit((unsigned char)*d) ? strtoul(d, &end, hex ? 16 : 10)
                                             : 0;
            if (cp > 0 && (size_t)(end - s) < n && *end == ';' &&
                end - d <= 8 && end - d >= 1 && cp <= 0x10FFFF &&
                !(cp >= 0xD800 && cp <= 0xDFFF) &&
                (hex || isdigit((unsigned char)*d)))
                used = (size_t)(end - s) + 1 - i;
        }
        if (!used) {
            s[o++] = s[i++];
            continue;
        }
        if (cp == 0xA0)
            cp = ' ';
        if (cp < 0x80) {
            s[o++] = (char)cp;
        } else if (cp < 0x800) {
            s[o++] = (char)(0xc0 | (cp >> 6));
            s[o++] = (char)(0x80 | (cp & 0x3f));
        } else if (cp < 0x10000) {
            s[o++] = (char)(0xe0 | (cp >> 12));
            s[o++] = (char)(0x80 | ((cp >> 6) & 0x3f));
            s[o++] = (char)(0x80 | (cp & 0x3f));
        } else {
            s[o++] = (char)(0xf0 | (cp >> 18));
            s[o++] = (char)(0x80 | ((cp >> 12) & 0x3f));
            s[o++] = (char)(0x80 | ((cp >> 6) & 0x3f));
            s[o++] = (char)(0x80 | (cp & 0x3f));
        }
        i += used;
    }
    return o;
}

struct ref_leaf {
    char body[24000];
    size_t len;
    enum mime_cte cte;
    enum ntext_kind kind;
    const char *charset;
};

/* ISO-8859-1 d[0..dn) as UTF-8 into u; its length. */
static size_t ref_latin1(const char *d, size_t dn, char *u)
{
    size_t o = 0;

    for (size_t i = 0; i < dn; i++) {
        unsigned char ch = (unsigned char)d[i];
        if (ch >= 0x80) {
            u[o++] = (char)(0xc0 | (ch >> 6));
            u[o++] = (char)(0x80 | (ch & 0x3f));
        } else {
            u[o++] = (char)ch;
        }
    }
    return o;
}

/* Appends leaf l's text as the parser made it in one go: text in
 * ISO-8859-1 turned into UTF-8, HTML before its tags and entities are
 * read. */
static void ref_text_add(const struct ref_leaf *l, char *out, size_t *n)
{
    static char d[24001], u[48002];
    bool bad = false, latin1 = strcmp(l->charset, "iso-8859-1") == 0;
    size_t dn;

    if (l->cte == MIME_CTE_QP)
        dn = codec_qp(l->body, l->len, d, l->len, false, &bad);
    else if (l->cte == MIME_CTE_BASE64)
        dn = codec_base64(l->body, l->len, d, l->len, &bad);
    else
        memcpy(d, l->body, dn = l->len);
    d[dn] = '\0';
    if (l->kind == NTEXT_RAW || !latin1) {
        memcpy(u, d, dn + 1);
    } else {
        dn = ref_latin1(d, dn, u);
        u[dn] = '\0';
    }
    if (l->kind == NTEXT_HTML)
        dn = ref_unentity(u, ref_untag(u, dn));
    memcpy(out + *n, u, dn);
    *n += dn;
    if (dn > 0)
        out[(*n)++] = '\n';
}

/* A random raw body: escapes good and broken, soft breaks, tags and
 * stray '<' '>', 8-bit bytes, every line end, long runs. */
static size_t rand_body(char *b, size_t cap, unsigned *seed)
{
    static const char *const piece[] = {
        "=3D", "=\r\n", "=\n", "= \n", "=4", "=zz", "=", "<p>", "<DIV class=",
        "</tr>", "<br>", "<", ">", "</P>", "<!-- x -->", "<b>bold</b>", "\r\n",
        "\n", "\r", "\xe9t\xe9", "word ", "A", "QUJD", "+/==",
        "This is the mail system at host mx.example.org.\n",
        "----- Original message -----\n", "the qmail-send program here\n",
        "&amp;", "&LT;", "&#39;", "&#x27;", "&", "&#", "&#x1F600;", "&nbsp;",
        "&bogus;", "2;"};
    size_t n = 0, want;

    *seed = *seed * 1103515245u + 12345u;
    want = (*seed >> 8) % (cap - 400); /* a piece or run more fits */
    while (n < want) {
        *seed = *seed * 1103515245u + 12345u;
        unsigned r = (*seed >> 16) % 40;
        if (r >= sizeof piece / sizeof piece[0]) { /* a run */
            size_t run = (*seed >> 4) % 300;
            memset(b + n, 'a' + (int)(r % 26), run);
            n += run;
            continue;
        }
        memcpy(b + n, piece[r], strlen(piece[r]));
        n += strlen(piece[r]);
    }
    return n;
}

/* A character reference split by a quoted-printable soft line break
 * where ntext_head() ends a piece (the first raw line end 4,095 bytes or
 * more into the leaf) is read whole, as ntext_all() reads it. */
static void test_html_reference_across_pieces(void **state)
{
    static char body[4200 + 64];
    size_t n = 4200;
    struct ntext a, h;
    char buf_a[NTEXT_FIRST], buf_h[NTEXT_FIRST];
    unsigned err_a = 0, err_h = 0;
    bool oom_a = false, oom_h = false;
    struct mime_part p;
    (void)state;

    memset(body, 'x', n);
    static const char tail[] = "&#3=\n9;s &amp=\n; t\nmore\n";
    memcpy(body + n, tail, sizeof tail - 1);
    n += sizeof tail - 1;
    memset(&p, 0, sizeof p);
    p.body = body;
    p.body_len = n;
    p.cte = MIME_CTE_QP;
    ntext_init(&a, buf_a, &err_a, &oom_a);
    ntext_init(&h, buf_h, &err_h, &oom_h);
    ntext_leaf(&a, &p, NTEXT_HTML);
    ntext_leaf(&h, &p, NTEXT_HTML);
    ntext_all(&a);
    ntext_head(&h, 0);
    assert_non_null(strstr(a.text, "x's & t\nmore"));
    assert_true(h.len > 4200);
    assert_memory_equal(h.text, a.text, h.len);
    ntext_release(&a);
    ntext_release(&h);
}

/* ntext_all() is the text made in one go; ntext_head() is a prefix of it
 * that either is all of it or holds a line end past the head; both flag
 * the same encoding errors once ntext_finish() has run. */
static void test_text_head_as_whole(void **state)
{
    static struct ref_leaf lv[3];
    static char want[3 * 2 * 24000 + 8];
    static const char *const cs[] = {"", "us-ascii", "iso-8859-1", "utf-8"};
    static const size_t heads[] = {0, 1, 100, 4096, 5000, 9000};
    unsigned seed = 4711;
    (void)state;

    for (int round = 0; round < 600; round++) {
        size_t nl = (size_t)round % 3 + 1, wn = 0;
        struct ntext a, h;
        char buf_a[NTEXT_FIRST], buf_h[NTEXT_FIRST];
        unsigned err_a = 0, err_h = 0;
        bool oom_a = false, oom_h = false;

        ntext_init(&a, buf_a, &err_a, &oom_a);
        ntext_init(&h, buf_h, &err_h, &oom_h);
        for (size_t k = 0; k < nl; k++) {
            struct ref_leaf *l = &lv[k];
            struct mime_part p;
            memset(&p, 0, sizeof p);
            seed = seed * 1103515245u + 12345u;
            l->len = rand_body(l->body, sizeof l->body, &seed);
            l->cte = (enum mime_cte)((seed >> 20) % 3);
            l->kind = (enum ntext_kind)((seed >> 12) % 3);
            l->charset = cs[(seed >> 24) % 4];
            p.body = l->body;
            p.body_len = l->len;
            p.cte = l->cte;
            strcpy(p.charset, l->charset);
            ntext_leaf(&a, &p, l->kind);
            ntext_leaf(&h, &p, l->kind);
            ref_text_add(l, want, &wn);
        }
        size_t head = heads[(size_t)round % 6];
        ntext_all(&a);
        ntext_head(&h, head);
        ntext_finish(&a);
        ntext_finish(&h);
        assert_false(oom_a || oom_h);
        assert_int_equal(a.len, wn);
        if (wn > 0)
            assert_memory_equal(a.text, want, wn);
        else
            assert_null(a.text);
        assert_int_equal(err_a, err_h);
        assert_true(h.len <= a.len);
        if (h.len > 0)
            assert_memory_equal(h.text, a.text, h.len);
        if (h.len < a.len) {
            bool end = false;
            for (size_t j = head; j + 1 < h.len && !end; j++)
                end = h.text[j] == '\n' || h.text[j] == '\r';
            assert_true(end);
        }
        ntext_release(&a);
        ntext_release(&h);
    }
}

/* A DSN that answers for its recipient: the family comes from the head of
 * the text only, and is the one the whole text names, wherever its phrases
 * and cut markers fall, QP-encoded (soft breaks anywhere) or not. */
static void test_dsn_family_from_text_head(void **state)
{
    static const char *const pieces[] = {
        "This is the mail system at host mx.example.org.\n",
        "----- Original message -----\n",
        "Google tried to deliver your message\n",
        "the qmail-send program here\n",
        "some filler text that says nothing at all\n",
        "\n",
        "Delivery has failed to these recipients or groups:\n",
        "   Below this line is a copy of the message.\n",
    };
    static char text[16000], body[24000], msg[32000];
    unsigned seed = 99;
    (void)state;

    for (int round = 0; round < 1500; round++) {
        size_t n = 0, bn = 0, want_len, orig;
        struct report *r;
        seed = seed * 1103515245u + 12345u;
        want_len = 3000 + (seed >> 8) % 9000;
        size_t filler = (seed >> 4) % 6000; /* phrases that come late */
        while (n < filler) {
            memcpy(text + n, pieces[4], strlen(pieces[4]));
            n += strlen(pieces[4]);
        }
        while (n < want_len) {
            seed = seed * 1103515245u + 12345u;
            unsigned k = (seed >> 16) % 24;
            const char *pc = pieces[k < 8 ? k : 4];
            memcpy(text + n, pc, strlen(pc));
            n += strlen(pc);
        }
        bool qp = round % 2 == 1;
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            if (qp && (seed >> 16) % 50 == 0) {
                memcpy(body + bn, "=\n", 2);
                bn += 2;
            }
            body[bn++] = text[i];
        }
        int ml = snprintf(
            msg, sizeof msg,
            "From: MAILER-DAEMON@example.org\nTo: a@example.com\n"
            "Subject: failure\nMIME-Version: 1.0\nContent-Type: "
            "multipart/report; report-type=delivery-status; boundary=\"B\"\n"
            "\n--B\nContent-Type: text/plain\n%s\n%.*s\n--B\n"
            "Content-Type: message/delivery-status\n\n"
            "Reporting-MTA: dns; mx.example.org\n\n"
            "Final-Recipient: rfc822; u@example.net\nAction: failed\n"
            "Status: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 no such user\n"
            "\n--B--\n",
            qp ? "Content-Transfer-Encoding: quoted-printable\n" : "",
            (int)bn, body);
        assert_true(ml > 0 && (size_t)ml < sizeof msg);
        text[n++] = '\n'; /* the text ends each leaf with a line break */
        const char *fam = textbounce_notice_family(text, n);
        r = parse_default(msg, (size_t)ml);
        assert_int_equal(r->kind, REPORT_BOUNCE);
        assert_string_equal(r->mta,
                            strcmp(fam, "text") != 0 ? fam : "rfc3464");
        (void)orig;
        report_free(&r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_report_cases),
        cmocka_unit_test(test_returned_original_fields),
        cmocka_unit_test(test_header_nul_blanked),
        cmocka_unit_test(test_long_text_is_kept_whole),
        cmocka_unit_test(test_text_charsets_as_reference),
        cmocka_unit_test(test_latin1_notice_becomes_utf8),
        cmocka_unit_test(test_failed_recipients_header_bounds),
        cmocka_unit_test(test_autoreply_words_end_at_quote),
        cmocka_unit_test(test_truncation_is_flagged),
        cmocka_unit_test(test_shared_reply_bounded),
        cmocka_unit_test(test_list_reads_its_own_heading),
        cmocka_unit_test(test_html_references),
        cmocka_unit_test(test_sendmail_sections_and_result_lines),
        cmocka_unit_test(test_labelled_address_takes_notice_reason),
        cmocka_unit_test(test_failed_recipients_header_diagnostic),
        cmocka_unit_test(test_kind_names),
        cmocka_unit_test(test_strings_in_blocks),
        cmocka_unit_test(test_notice_family_as_cut_then_family),
        cmocka_unit_test(test_text_head_as_whole),
        cmocka_unit_test(test_html_reference_across_pieces),
        cmocka_unit_test(test_dsn_family_from_text_head),
    };
    return cmocka_run_group_tests_name("report", tests, NULL, NULL);
}
