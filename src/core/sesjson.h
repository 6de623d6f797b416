/*
 * sesjson.h - Amazon SES / SNS JSON notifications (Bounce, Complaint,
 * Delivery) carried in the text of a message.
 *
 * sesjson_parse() looks for the SES notification object in text: its
 * "notificationType" (or "eventType"), and for each recipient object
 * ("bouncedRecipients", "complainedRecipients", or the "recipients" list of
 * a Delivery) the emailAddress, action, status and diagnosticCode.  The
 * "source" of the mail (the sender) is never taken as a recipient.  An
 * Amazon SNS notification that carries the SES one as the string value of
 * its "Message" is read through it (unescaped, once).  It is a scanner for
 * this one shape, not a general JSON parser: string escapes are honoured,
 * nesting is not checked.
 *
 * Pure, reentrant; time linear in len.
 */
#ifndef BG_SESJSON_H
#define BG_SESJSON_H

#include <stddef.h>

#include "core/rbuild.h"

/* Returns the number of recipients added and the kind of the notification
 * in *kind_r (REPORT_NOT_BOUNCE when text holds no SES notification). */
size_t sesjson_parse(struct rbuild *b, const char *text, size_t len,
                     enum report_kind *kind_r);

#endif
