/*
 * reply.h - reading an SMTP reply or a DSN diagnostic: its reply code
 * (RFC 5321), its enhanced status code (RFC 3463) and its text.
 *
 * reply_parse() accepts what bounces actually carry:
 *   "550 5.1.1 <a@b>: Recipient address rejected: User unknown"
 *   "550-5.7.26 This mail is unauthenticated, ...\n550 5.7.26 ... sender"
 *   "smtp; 550 5.1.1 ..."   (RFC 3464 Diagnostic-Code with its type)
 *   "host mx.example[192.0.2.1] said: 550 5.1.1 ... (in reply to RCPT TO)"
 *   "5.1.1 user unknown", "user unknown" (neither code nor status)
 * It never reads past len and never allocates.  The text is normalised into
 * the caller's buffer: multi-line continuation prefixes ("550-5.7.26 ")
 * removed, the diagnostic type removed, line breaks and runs of white space
 * squashed to one space, typographic apostrophes made ASCII ones ("\u2019"
 * as "'"), HTML character references of ASCII characters decoded ("&lt;",
 * "&#39;"), truncated (not failed) at the buffer size.
 *
 * reply_status_valid() checks an enhanced status the way RFC 3463 defines
 * it: class 2, 4 or 5, subject 0-999, detail 0-999, no leading junk.
 *
 * Pure, reentrant, no globals.
 */
#ifndef BG_REPLY_H
#define BG_REPLY_H

#include <stdbool.h>
#include <stddef.h>

#define REPLY_STATUS_MAX 16

struct reply {
    int code;                      /* 200..599, or 0 when none was found */
    char status[REPLY_STATUS_MAX]; /* "5.1.1" or "" */
    char *text;      /* normalised text (the caller's buffer), NUL-ended */
    size_t text_len;
    bool truncated;  /* the text did not fit in the buffer */
};

/* Parses text[0..len) into *r, writing the normalised text into
 * buf[0..bufsize) (bufsize >= 1).  Returns true when a reply code or an
 * enhanced status was found. */
bool reply_parse(const char *text, size_t len, char *buf, size_t bufsize,
                 struct reply *r);

/* True when s[0..len) is exactly a valid enhanced status code. */
bool reply_status_valid(const char *s, size_t len);

/* Does s[0..len) start with a unit of size ("KB", "MB", "bytes", ...,
 * any case) that ends a word?  A number before one is a size, not a
 * reply code ("(412 KB)"). */
bool reply_size_unit(const char *s, size_t len);

/* Are the three digits at s[i] (of len bytes) part of a telephone number:
 * a '-' and two digits or more after them ("555-0143"), where a reply
 * continued would have a status ("550-5.1.1") or words ("550-Mailbox"),
 * or an area code in parentheses before such digits ("(408) 555-0143")? */
bool reply_phone_digits(const char *s, size_t len, size_t i);

/* Copies the first enhanced status found in s[0..len) into status_r
 * (REPLY_STATUS_MAX bytes); returns false (status_r = "") when none. */
bool reply_find_status(const char *s, size_t len, char *status_r);

/* The class digit of a status ("5.1.1" -> 5) or code (550 -> 5), 0 if none.
 */
int reply_class(const char *status, int code);

/* Extracts the first <local@domain> or bare local@domain address from the
 * text into addr_r (size addr_size).  Returns false when none. */
bool reply_find_address(const char *s, size_t len, char *addr_r,
                        size_t addr_size);

#endif
