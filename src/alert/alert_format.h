/*
 * alert_format.h - the words of an alert: subject, one-line summary, mail
 * text and JSON bodies (generic, Slack- and Matrix-compatible).
 *
 * Every sink renders through these functions, so all channels say the same
 * thing.  The JSON "generic" body is an object with every field of struct
 * alert_msg; "slack" is {"text": ...} (Slack and Mattermost incoming
 * webhooks); "matrix" is {"msgtype": "m.text", "body": ...} (a Matrix
 * room message event body, or a hookshot generic webhook).
 *
 * Pure: no I/O, no clock (times come in the message); reentrant.  Strings
 * from the outside world (diagnostics) are cut at ALERT_FMT_FIELD_MAX bytes
 * and stripped of control characters in text output; JSON output is always
 * valid (common/json.h escapes it).
 */
#ifndef BG_ALERT_FORMAT_H
#define BG_ALERT_FORMAT_H

#include <stdbool.h>
#include <stddef.h>

#include "alert/alert_agg.h"
#include "common/json.h"

#define ALERT_FMT_FIELD_MAX 512

enum alert_json_style {
    ALERT_JSON_GENERIC = 0,
    ALERT_JSON_SLACK,
    ALERT_JSON_MATRIX,
};
bool alert_json_style_parse(const char *name, enum alert_json_style *s_r);

/* "[bounceguard] gmail.example refuses example.org: dmarc_fail (5.7.26),
 * 1000 events" and the like.  Always NUL-terminated; false if cut. */
bool alert_format_subject(const struct alert_msg *m, char *buf, size_t size);

/* One line for syslog: "alert opened kind=auth-bounce sender=... count=N
 * new=N first=... last=... status=... qids=A,B,...". */
bool alert_format_line(const struct alert_msg *m, char *buf, size_t size);

/* The human text (mail body, chat message).  Returns a malloc'ed string or
 * NULL when memory runs out. */
char *alert_format_text(const struct alert_msg *m);

/* Appends the JSON body of the given style to j (which the caller
 * json_init()ed).  Returns false when j failed. */
bool alert_format_json(const struct alert_msg *m, enum alert_json_style style,
                       const char *host, struct json *j);

/* "2025-11-24T16:00:00Z" into buf[21]. */
void alert_format_time(long long t, char buf[21]);

#endif
