/*
 * report.h - what a bounce message says, as parsed from its bytes.
 *
 * report_parse() reads one RFC 5322 message from a buffer of explicit length
 * (never past it) and says what kind of message it is and, for bounces,
 * which recipients failed or were delayed, with the status, reply code,
 * diagnostic and remote MTA each one carries.  It understands RFC 3464
 * multipart/report DSNs, RFC 6533 global DSNs, and the plain-text formats of
 * many MTAs and providers; it also recognises messages that are NOT failures
 * (auto-replies, ARF feedback reports, success notifications) so that callers
 * never suppress on them.
 *
 * Recipients: for REPORT_BOUNCE and REPORT_DELIVERED the failed (or
 * delivered) recipients; for REPORT_FEEDBACK the reported recipients
 * (Original-Rcpt-To, or the returned message's lone To:); for
 * REPORT_AUTOREPLY the auto-replying address (the reply's From:).  Never
 * the bounce's own To:, unless a notice lists it as the failed address.
 * Plain-text rules apply only to messages that carry a failure signal (a
 * MAILER-DAEMON/postmaster sender, a bounce subject or notice phrase).
 *
 * Modules behind it: mime (structure walk), hdr (fields, RFC 2047),
 * codec (base64, QP), ntext (the notice text, made as far as it is
 * needed), dsn (RFC 3464/6533 fields), textbounce (plain-text
 * notices), sesjson (Amazon SES notifications), rbuild (recipient list),
 * addrscan (addresses in prose).
 *
 * Pure: no I/O, no clock, no globals; reentrant.  Malformed input is a
 * result (flags in report.errors), never a crash.  Time is linear in len.
 * Stack: about 24 KB a call (the walker's frames and field index, the
 * first 8 KB of notice text), twice that for a notice forwarded inline.
 * Ownership: a struct report and everything it points to belong to the
 * caller and are released with report_free(); the strings are not freed
 * one by one (they share a few blocks of memory), so a caller never frees
 * or replaces one itself.
 */
#ifndef BG_REPORT_H
#define BG_REPORT_H

#include <stdbool.h>
#include <stddef.h>

/* Parser limits; the configuration fills them (classify group). */
struct mime_limits {
    size_t max_message_bytes; /* bytes looked at; the rest is ignored */
    unsigned max_depth;       /* MIME nesting depth */
    unsigned max_parts;       /* MIME parts in all */
    size_t max_header_bytes;  /* one (unfolded) header field */
    unsigned max_recipients;  /* recipients reported per message */
};
void mime_limits_default(struct mime_limits *lim);

enum report_kind {
    REPORT_NOT_BOUNCE = 0, /* ordinary mail: nothing to learn */
    REPORT_BOUNCE,         /* failure or delay notification */
    REPORT_DELIVERED,      /* success/relay notification (DSN 2.x.x) */
    REPORT_AUTOREPLY,      /* vacation / RFC 3834 auto-reply */
    REPORT_FEEDBACK,       /* ARF (RFC 5965) abuse / complaint report */
};

/* Error flags: parsing went on regardless. */
#define REPORT_ERR_TRUNCATED 0x0001u  /* message longer than max_message_bytes */
#define REPORT_ERR_DEPTH 0x0002u      /* MIME nesting over max_depth */
#define REPORT_ERR_PARTS 0x0004u      /* more parts than max_parts */
#define REPORT_ERR_HEADER 0x0008u     /* a header over max_header_bytes */
#define REPORT_ERR_BOUNDARY 0x0010u   /* missing/unterminated boundary */
#define REPORT_ERR_ENCODING 0x0020u   /* invalid base64 / QP */
#define REPORT_ERR_NUL 0x0040u        /* NUL bytes in the input */
#define REPORT_ERR_RECIPIENTS 0x0080u /* more recipients than max_recipients */
#define REPORT_ERR_8BIT 0x0100u       /* raw 8-bit bytes in headers */

struct report_rcpt {
    char *recipient;          /* address only (no <>, no rfc822;), or NULL */
    char *original_recipient; /* Original-Recipient address or NULL */
    char *action;             /* "failed", "delayed", "delivered", "relayed",
                                 "expanded" (lower case) or NULL */
    char status[16];          /* enhanced status "5.1.1" or "" */
    int reply_code;           /* SMTP reply code (550) or 0 */
    char *diagnostic;         /* diagnostic / remote reply text, unfolded */
    char *remote_mta;         /* Remote-MTA host or NULL */
    char *last_attempt;       /* Last-Attempt-Date or NULL */
    char *will_retry_until;   /* Will-Retry-Until or NULL */
    unsigned key;             /* hash of recipient, case folded, once
                                 indexed (rbuild.h) */
};

struct rbuild_block;

struct report {
    enum report_kind kind;
    const char *mta;        /* static name of the format detected:
                               "rfc3464", "postfix", "exim", "qmail", ... */
    char *reporting_mta;    /* Reporting-MTA or NULL */
    char *arrival_date;     /* Arrival-Date or NULL */
    char *envelope_id;      /* Original-Envelope-Id or NULL */
    char *postfix_queue_id; /* X-Postfix-Queue-ID (the original message) */
    char *postfix_sender;   /* X-Postfix-Sender */
    /* the returned original message, when present */
    char *orig_message_id;  /* without <> */
    char *orig_from;
    char *orig_to;
    char *orig_subject;     /* RFC 2047 decoded, UTF-8 */
    char *orig_return_path;
    /* the bounce's own headers */
    char *message_id;
    char *from;
    char *subject;
    struct report_rcpt *rcpts;
    size_t nrcpts;
    unsigned errors;        /* REPORT_ERR_* */
    /* private to the parser: the blocks that hold the strings above (see
     * rbuild.h), and room for the first recipients made with the report
     * (rcpts points there until they outgrow it; never freed alone) */
    struct rbuild_block *blocks;
    struct report_rcpt *rcpts_room;
};

/* Returns 0 and *report_r on success (also for non-bounces: see kind);
 * -1 with *error_r (static string) only when memory runs out. */
int report_parse(const char *msg, size_t len, const struct mime_limits *lim,
                 struct report **report_r, const char **error_r);
void report_free(struct report **report);
const char *report_kind_name(enum report_kind kind);

#endif
