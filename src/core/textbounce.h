/*
 * textbounce.h - bounces that are not RFC 3464 DSNs: the plain-text
 * notices of qmail, Exim, Sendmail, Postfix, Exchange / Office 365, Gmail,
 * Yahoo, Courier, Domino, appliances and ESPs.
 *
 * textbounce_parse() reads the human-readable text of a notice (the text
 * parts of the bounce, transfer-decoded, HTML reduced to text, the returned
 * original already cut off by the caller or by textbounce_cut()) and adds
 * each failed recipient it can tie to a failure statement, with the reply
 * text, reply code and enhanced status near it.  It works by family-neutral
 * rules first (an address followed by an SMTP reply, "said:", "(reason:",
 * "<addr>: host ... said: 550 ...", lists under "The following addresses had
 * permanent fatal errors", ...), then by the few per-family markers that the
 * generic rules cannot see.
 *
 * textbounce_cut() returns the length of text before the start of an
 * inline returned original ("----- Original message -----", qmail's
 * "--- Below this line is a copy of the message.", ...) and stores where
 * the original's header block starts (or len when there is none).
 *
 * Pure, reentrant; time linear in len.
 */
#ifndef BG_TEXTBOUNCE_H
#define BG_TEXTBOUNCE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/rbuild.h"

struct textbounce_hints {
    const char *subject; /* the bounce's decoded Subject or "" */
    const char *from;    /* the bounce's From address or "" */
    const char *exclude[8]; /* addresses that are never recipients */
    size_t nexclude;
    /* recipients a DSN names already (or NULL): read as any recipient
     * is, even a role's ("postmaster@b.example: Domain does not exist") */
    const struct report_rcpt *known;
    size_t nknown;
};

/* Returns the static name of the family recognised ("qmail", "exim", ...,
 * "text" when only generic rules matched), or NULL when the text shows no
 * failure at all (no recipient added). */
const char *textbounce_parse(struct rbuild *b, const char *text, size_t len,
                             const struct textbounce_hints *h);

/* textbounce_parse() without the family: true when the report has
 * recipients afterwards (for a caller that has named the family already). */
bool textbounce_recipients(struct rbuild *b, const char *text, size_t len,
                           const struct textbounce_hints *h);

/* Is the local part of addr (a notice's sender) a mail system's role,
 * written in any of the usual ways (MAILER-DAEMON, Mailer_Daemon,
 * post_master, Mail Delivery System's "mail.delivery"...)? */
bool textbounce_sender_role(const char *addr);

/* Does the text / subject / sender look like a failure notice at all? */
bool textbounce_signal(const char *text, size_t len,
                       const struct textbounce_hints *h);

size_t textbounce_cut(const char *text, size_t len, size_t *orig_r);

/* The family a notice text belongs to by its signature phrases, or "text"
 * when none is recognised. */
const char *textbounce_family(const char *text, size_t len);

/* What textbounce_family() and textbounce_notice_family() read of a text:
 * its first TEXTBOUNCE_HEAD bytes, and the lines that start in them (a
 * caller that makes the text lazily, report.c, makes this much). */
#define TEXTBOUNCE_HEAD 4096

/* textbounce_family() of the text before the returned original
 * (textbounce_cut()), without looking for the cut further than the family
 * reads. */
const char *textbounce_notice_family(const char *text, size_t len);

/* The one line of text[0..len) (or lines alike) that holds a reply code
 * and a failure status and names no address ("Response: 550 5.1.1
 * Mailbox unavailable"), unfolded into out (cap bytes, cap > 0,
 * NUL-terminated): its length, 0 when there is none or two lines differ. */
size_t textbounce_lone_reply(const char *text, size_t len, char *out,
                             size_t cap);

/* A session transcript's last failed reply in text[0..len): a line where
 * a server reply marker ("<-- ", "<<< ", "<- ") stands before a 4xx or
 * 5xx code, with the lines after it that go on with the same code
 * ("552-5.3.4 ..." then "552 5.3.4 ..."), copied into out (cap bytes, cap
 * > 0) without their markers, joined by a space and NUL-terminated (cut
 * short if need be).  Returns the length copied, 0 when there is none. */
size_t textbounce_transcript_reply(const char *text, size_t len, char *out,
                                   size_t cap);

/* Does diag hold a multi-line reply without its last line ("550-5.7.1
 * Our system has detected that this message is", its "550 5.7.1 ..."
 * missing), as a Sendmail DSN's Diagnostic-Code keeps one?
 * textbounce_whole_reply() completes one that holds the first line
 * alone. */
bool textbounce_reply_cut(const char *diag);

/* The whole multi-line reply whose first line, unfolded, is first
 * (textbounce_reply_cut()), as text[0..len) gives it, in a transcript
 * (after "<<< " markers) or as lines of their own: its lines unfolded and
 * joined by a space into out (cap bytes, cap > 0, NUL-terminated, cut
 * short if need be).  Returns its length, 0 when the text holds no more
 * of it. */
size_t textbounce_whole_reply(const char *text, size_t len, const char *first,
                              char *out, size_t cap);

#endif
