/*
 * logline.h - one MTA delivery-log line, as parsed from its bytes.
 *
 * logline_parse() reads one line of Postfix's or Sendmail's mail log and
 * says what it reports: a delivery attempt for one recipient (Postfix
 * smtp, lmtp, local, virtual, error, retry, bounce, discard, pipe and
 * relay agents: "to=<...>, ..., dsn=4.2.2, status=deferred (...)";
 * Sendmail "to=<...>, ..., dsn=5.1.1, stat=User unknown"), a message
 * expiring in the queue (qmgr "status=expired"), or the sender of a queued
 * message (qmgr / sendmail "from=<...>"; Sendmail's also holds the
 * "msgid=<...>"), or the Message-ID of a message just queued (Postfix
 * cleanup "message-id=<...>").  Any other line is LOGLINE_OTHER, which is
 * a result, not an error.
 *
 * Prefixes understood: RFC 3164 syslog ("Nov 25 22:24:21 host tag[pid]: "),
 * with or without a "<PRI>" and with fractional seconds, ISO 8601 / RFC
 * 3339 timestamps as written by rsyslog and by Postfix's own maillog_file
 * ("2026-11-25T22:24:21.123456+00:00 host tag[pid]: "), and RFC 5424
 * ("<22>1 2026-11-25T22:24:21Z host postfix/smtp 123 - - msg").
 *
 * The remote reply of a Postfix status text is split out: for
 * "(host mx[192.0.2.1] said: 550 5.1.1 No such user (in reply to RCPT TO
 * command))" the reply is "550 5.1.1 No such user", its code 550, the
 * command "RCPT TO" and the host "mx[192.0.2.1]".  Connection and name
 * service failures, which carry no reply, are flagged.
 *
 * Zero-copy: every text of a struct logline is a span (pointer + length)
 * into the caller's line, valid while the line is.  Nothing is allocated.
 * Pure: no I/O, no clock, no globals; reentrant.  Time is linear in len;
 * the parser never reads past len and never needs a NUL terminator.
 */
#ifndef BG_LOGLINE_H
#define BG_LOGLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* A piece of the input line; p == NULL and len == 0 when absent. */
struct logline_span {
    const char *p;
    size_t len;
};

enum logline_kind {
    LOGLINE_OTHER = 0, /* not a line this parser reports on */
    LOGLINE_DELIVERY,  /* one recipient's delivery attempt */
    LOGLINE_EXPIRED,   /* qmgr: the message expired, returned to sender */
    LOGLINE_SENDER,    /* qmgr / sendmail: from=<...> of a queued message */
    LOGLINE_MESSAGE_ID, /* cleanup: message-id=<...> of a queued message */
};

enum logline_mta {
    LOGLINE_MTA_UNKNOWN = 0,
    LOGLINE_MTA_POSTFIX,
    LOGLINE_MTA_SENDMAIL,
};

enum logline_status {
    LOGSTAT_NONE = 0,
    LOGSTAT_SENT,        /* delivered (or relayed) */
    LOGSTAT_DEFERRED,    /* temporary failure, will be retried */
    LOGSTAT_BOUNCED,     /* permanent failure */
    LOGSTAT_EXPIRED,     /* gave up after the queue lifetime */
    LOGSTAT_SOFTBOUNCE,  /* Postfix soft_bounce=yes turned a bounce soft */
    LOGSTAT_DELIVERABLE, /* address verification probes (no delivery) */
    LOGSTAT_UNDELIVERABLE,
};

/* What the status text says besides the reply (LOGLINE_F_*). */
#define LOGLINE_F_SAID 0x01u      /* a remote server's reply ("said:") */
#define LOGLINE_F_CONNECT 0x02u   /* connect / lost connection / timeout */
#define LOGLINE_F_DNS 0x04u       /* host or domain name not found */
#define LOGLINE_F_SUSPENDED 0x08u /* "delivery temporarily suspended" */

/* Oddities met while parsing; the fields found are still reported. */
#define LOGLINE_ERR_PREFIX 0x01u /* no syslog / maillog prefix recognised */
#define LOGLINE_ERR_STATUS 0x02u /* unknown status word */
#define LOGLINE_ERR_DSN 0x04u    /* dsn= is not a valid enhanced status */
#define LOGLINE_ERR_PAREN 0x08u  /* status text not closed by ')' */
#define LOGLINE_ERR_NUL 0x10u    /* NUL byte in the line (line cut there) */

/* The timestamp as written.  year == 0 when the format has none (RFC
 * 3164); has_offset is false when the zone is not given (local time). */
struct logline_time {
    int year, mon, mday; /* mon 1..12 */
    int hour, min, sec;
    long usec;
    int offset_min; /* east of UTC, when has_offset */
    bool has_offset;
    bool valid;
};

struct logline {
    enum logline_kind kind;
    enum logline_mta mta;
    enum logline_status status;
    struct logline_time time;
    struct logline_span host;    /* host field of the prefix */
    struct logline_span program; /* "postfix/smtp", "sm-mta" */
    struct logline_span service; /* "smtp", "lmtp", "local", ... */
    long pid;                    /* 0 when absent */
    struct logline_span queue_id;
    struct logline_span to;        /* address without <> */
    struct logline_span orig_to;   /* Postfix orig_to=, without <> */
    struct logline_span from;      /* LOGLINE_SENDER, LOGLINE_EXPIRED */
    struct logline_span message_id; /* without <>: LOGLINE_MESSAGE_ID,
                                       Sendmail's LOGLINE_SENDER msgid= */
    struct logline_span relay;     /* "mx.example.com[192.0.2.1]:25" */
    struct logline_span delay;     /* "1.2" (Postfix), "00:00:01" (Sendmail) */
    struct logline_span mailer;    /* Sendmail mailer= */
    char dsn[16];                  /* "4.2.2" or "" */
    struct logline_span detail;    /* the whole status text: inside (...) for
                                      Postfix, after "Deferred: " etc. for
                                      Sendmail */
    struct logline_span reply;     /* the reply to classify: the remote
                                      reply after "said:", else detail */
    int reply_code;                /* 250, 452, 550 ... or 0 */
    struct logline_span reply_cmd; /* "RCPT TO", "end of DATA" or absent */
    struct logline_span remote;    /* "mx.example.com[192.0.2.1]" of said: */
    unsigned flags;                /* LOGLINE_F_* */
    unsigned errors;               /* LOGLINE_ERR_* */
};

/* Parses one line (a trailing "\n" or "\r\n" is ignored).  Always fills
 * *ll_r; returns its kind. */
enum logline_kind logline_parse(const char *line, size_t len,
                                struct logline *ll_r);

/* The time of the line as a time_t.  utc_offset_sec is the local zone's
 * offset, used when the line gives none; now completes a missing year
 * (a date more than a day ahead of now is taken from the year before).
 * Returns false when the line had no valid timestamp. */
bool logline_time_resolve(const struct logline_time *t, long utc_offset_sec,
                          time_t now, time_t *t_r);

const char *logline_status_name(enum logline_status s);
const char *logline_kind_name(enum logline_kind k);

/* True when the span equals the NUL-terminated s. */
bool logline_span_eq(struct logline_span sp, const char *s);

#endif
