/*
 * evjson.h - a sending service's delivery events in JSON (the shapes of
 * SendGrid, Mailgun, Postmark, SparkPost, Mandrill, Brevo, Mailjet and
 * the like), carried in the text of a message that passes them on.
 *
 * evjson_parse() finds each event object: the innermost object holding
 * a kind member ("event", "RecordType", "type", "Type", "event_type")
 * whose value names a failure ("bounce", "failed", "dropped", "blocked",
 * "policy_rejection", ...), a delay ("deferred", "delayed", ...) or a
 * complaint ("spamreport", "complaint", ...).  Within it, the recipient
 * is the value of "recipient", "rcpt_to", "email" and the like (never
 * of a sender's or a header's field), and the diagnostic gathers the
 * reply code ("code", "error_code") and the texts that say why
 * ("message", "raw_reason", "reason", "Details", "description", "error",
 * ...), in that order, for the rules to read.  "severity": "temporary"
 * makes a failure a delay.  Deliveries, opens and clicks are no events
 * here.
 *
 * Amazon SES has a reader of its own (sesjson.h).  Pure, reentrant; time
 * linear in len (each event's object is read a bounded number of times,
 * and at most EVJSON_EVENTS events are read).
 */
#ifndef BG_EVJSON_H
#define BG_EVJSON_H

#include <stddef.h>

#include "core/rbuild.h"

#define EVJSON_EVENTS 64 /* events read in one text, at most */

/* Returns the number of recipients added, and the kind of the events in
 * *kind_r: REPORT_BOUNCE when any failed or was delayed, else
 * REPORT_FEEDBACK for complaints alone, REPORT_NOT_BOUNCE when text holds
 * no event with a recipient. */
size_t evjson_parse(struct rbuild *b, const char *text, size_t len,
                    enum report_kind *kind_r);

#endif
