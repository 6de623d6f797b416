/*
 * dsn.h - RFC 3464 message/delivery-status and RFC 6533
 * message/global-delivery-status bodies, and the reply code / enhanced
 * status found in a diagnostic text.
 *
 * dsn_parse() reads the (already transfer-decoded) body: the per-message
 * group (Reporting-MTA, Arrival-Date, Original-Envelope-Id, Postfix's
 * X-Postfix-Queue-ID and X-Postfix-Sender) and one group per recipient
 * (Final-Recipient, Original-Recipient, Action, Status, Remote-MTA,
 * Diagnostic-Code, Last-Attempt-Date, Will-Retry-Until), with continuation
 * lines.  Groups are separated by blank lines; a missing separator is
 * tolerated (a second Final-Recipient starts a new recipient).  The
 * "smtp;" / "dns;" / "rfc822;" type prefixes are removed.  Recipients go
 * through the report builder (normalised, deduplicated, bounded).
 *
 * dsn_scan_reply() pulls the reply code (leading "550", "550-", "550 ")
 * and the first enhanced status code ("5.1.1", also "#5.1.1") out of a
 * diagnostic or reply text.
 *
 * Pure, reentrant; time linear in the body length.
 */
#ifndef BG_DSN_H
#define BG_DSN_H

#include <stddef.h>

#include "core/rbuild.h"

/* Returns the number of recipient groups found. */
size_t dsn_parse(struct rbuild *b, const char *text, size_t len);

/* *code_r = reply code at the start of text (after white space) or 0;
 * status (cap >= 16) = first enhanced status code in text or "". */
void dsn_scan_reply(const char *text, size_t len, int *code_r, char *status,
                    size_t cap);

/* Finds an enhanced status code x.y.z in s[0..len); stores it in out and
 * returns its offset + 1, or 0 when none. */
size_t dsn_find_status(const char *s, size_t len, char *out, size_t cap);

/* Pointer past a "type;" prefix ("smtp; ", "dns; ") in v[0..len), or v. */
const char *dsn_skip_type(const char *v, size_t len);

#endif
