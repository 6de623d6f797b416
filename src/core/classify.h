/*
 * classify.h - turning a failure (SMTP reply, DSN diagnostic, log line) into
 * a reason and a decision bucket, by the ordered rules of a rules file.
 *
 * The rules are data (conf/rules.conf, plus an optional local override file
 * loaded first).  classify_reply() is the one function through which every
 * reply goes: live SMTP replies, DSN diagnostics, Postfix log "said:" texts.
 * Every verdict names the rule that made it.
 *
 * Pure: no I/O beyond classify_rules_load() reading its files; a loaded rule
 * set is immutable and may be shared by any number of threads.
 */
#ifndef BG_CLASSIFY_H
#define BG_CLASSIFY_H

#include <stdbool.h>
#include <stddef.h>

#include "core/report.h"

enum bucket {
    BUCKET_NONE = 0, /* not a failure of the address (success, auto-reply) */
    BUCKET_SOFT,     /* temporary: count, suppress only when it persists */
    BUCKET_HARD,     /* the address is dead: suppress */
    BUCKET_SENDER,   /* the sender's fault: alert, never suppress */
};
const char *bucket_name(enum bucket b);
bool bucket_parse(const char *name, enum bucket *b_r);

struct verdict {
    const char *reason; /* taxonomy name, static ("user_unknown", ...) */
    enum bucket bucket;
    bool auth;          /* an email-authentication failure (SPF/DKIM/DMARC) */
    const char *rule;   /* id of the rule that decided; owned by the rules */
    char status[16];    /* enhanced status used ("5.1.1") or "" */
    int reply_code;     /* reply code used or 0 */
};

struct classify_rules;

/* Loads the rule files in order (the local override first, then the shipped
 * file); a NULL or missing-but-optional override is skipped by the caller.
 * On error returns -1 and *error_r = "FILE:LINE: what is wrong" (malloc'ed,
 * the caller frees it). */
int classify_rules_load(const char *const *paths, size_t npaths,
                        struct classify_rules **rules_r, char **error_r);
void classify_rules_free(struct classify_rules **rules);
size_t classify_rules_count(const struct classify_rules *rules);

/* What loaded rules cost: their number, the literals their text
 * expressions are looked for by, and the states and bytes of the search
 * automaton made of those (prefilter.h). */
struct classify_rules_stats {
    size_t rules, literals, states, table_bytes;
};
void classify_rules_stats(const struct classify_rules *rules,
                          struct classify_rules_stats *st);

/* Classifies one reply or diagnostic text (multi-line replies allowed).
 * status_hint / code_hint come from structured fields (DSN Status:, the
 * reply code) and may be NULL / 0; action_hint is the DSN Action or NULL.
 * Always fills *v_r (an unknown failure still gets a reason and a bucket). */
void classify_reply(const struct classify_rules *rules, const char *text,
                    size_t len, const char *status_hint, int code_hint,
                    const char *action_hint, struct verdict *v_r);

/* Classifies every recipient of a parsed report: verdicts[i] for
 * report->rcpts[i] (the caller passes an array of report->nrcpts). */
void classify_report(const struct classify_rules *rules,
                     const struct report *report, struct verdict *verdicts);

#endif
