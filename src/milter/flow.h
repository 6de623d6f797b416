/*
 * flow.h - the decisions the milter takes on a transaction, as pure
 * functions: which way a message flows, whether it may be a bounce worth
 * buffering, whether a recipient is exempt or suppressed and what to do
 * about it, and the text of a refusal.
 *
 * Everything here takes strings, settings and times as arguments and returns
 * values: no libmilter, no store, no clock, no logging.  The milter glue
 * (milter.c) gathers the facts from Sendmail macros and the store and hands
 * them over; the unit test (tests/unit/test_flow.c) drives the same
 * functions with tables.
 *
 * Address patterns (flow_addr_match):
 *   "user@example.com"   that address, case-insensitive
 *   "@example.com"       any address at that domain
 *   "example.com"        the same as "@example.com"
 *   ".example.com"       any address at a subdomain of example.com
 *   "bounce-*@x.test"    '*' matches any run of characters
 *
 * Network lists (flow_addr_in_networks): "192.0.2.0/24", "10.1.2.3",
 * "2001:db8::/32", "::1".  Invalid entries never match (flow_network_valid()
 * tells the configuration checker).
 *
 * Envelope ids (flow_envid_decode): the ENVID= parameter of MAIL FROM
 * (RFC 3461), xtext-decoded and bounded, which outbound tracking keeps so
 * that a DSN carrying only an Original-Envelope-Id can be joined.
 *
 * Thread-safety: reentrant; no state.  Limits: addresses and patterns up to
 * FLOW_ADDR_MAX bytes are compared, longer ones never match.
 */
#ifndef BG_FLOW_H
#define BG_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "common/settings.h"

#define FLOW_ADDR_MAX 512

/* Which way a message goes, and why we think so. */
enum flow_dir {
    FLOW_INBOUND = 0,
    FLOW_OUTBOUND,
};

enum flow_why {
    FLOW_WHY_DEFAULT = 0, /* nothing says outbound: inbound */
    FLOW_WHY_AUTH,        /* {auth_authen} is set */
    FLOW_WHY_NETWORK,     /* client in milter.internal_networks */
    FLOW_WHY_NON_SMTP,    /* Postfix's non-SMTP stream (pickup, bounce) */
    FLOW_WHY_DAEMON,      /* {daemon_name} in milter.outbound_daemons */
};

/* Facts about the client, from the connect and MAIL stages. */
struct flow_conn {
    const char *client_addr; /* {client_addr} or the socket address, or NULL */
    const char *daemon_name; /* {daemon_name} or NULL */
    const char *auth_authen; /* {auth_authen} or NULL */
    bool non_smtp;           /* Postfix's non-SMTP stream */
};

enum flow_dir flow_direction(const struct milter_settings *ms,
                             const struct flow_conn *conn,
                             enum flow_why *why_r);
const char *flow_dir_name(enum flow_dir dir);
const char *flow_why_name(enum flow_why why);

/* True when Postfix's cleanup simulates the connect of its non-SMTP stream:
 * host name "localhost", address 127.0.0.1, port 0 (a real SMTP client never
 * has port 0). */
bool flow_is_non_smtp_connect(const char *hostname, const char *addr,
                              unsigned port);

/* True when a libmilter socket specification ("unix:/path", "local:/path",
 * or a bare path) names a unix-domain socket; false for "inet:" and
 * "inet6:" (and NULL).  Steps without replies (milter.noreply) are only
 * asked for on unix sockets: over TCP, Nagle's algorithm holds the MTA's
 * small unanswered writes back. */
bool flow_socket_is_local(const char *spec);

/* Network lists. */
bool flow_network_valid(const char *entry);
bool flow_addr_in_networks(const struct str_list *nets, const char *addr);

/* Address patterns (see above).  addr may carry angle brackets. */
bool flow_addr_match(const char *pattern, const char *addr);
bool flow_addr_match_list(const struct str_list *patterns, const char *addr);

/* Strips "<>" and surrounding blanks from an envelope address into buf;
 * returns buf ("" for the null sender) or NULL when it does not fit. */
const char *flow_addr_bare(const char *addr, char *buf, size_t size);
/* The null sender as Sendmail ("<>") or Postfix's cleanup ("") sends it. */
bool flow_sender_is_null(const char *mail_from);

/* Bounce candidates: a header that makes a message worth buffering even
 * with a non-null sender (multipart/report, X-Failed-Recipients, a
 * MAILER-DAEMON From:, a typical bounce Subject:). */
bool flow_header_is_bounce_hint(const char *name, const char *value);

/* Enforcement. */
enum flow_enforce {
    FLOW_ENFORCE_OFF = 0,
    FLOW_ENFORCE_REJECT,
    FLOW_ENFORCE_TEMPFAIL,
    FLOW_ENFORCE_REMOVE,
    FLOW_ENFORCE_TAG,
};
/* Parses milter.enforce ("reject", ...); NULL gives "reject". */
bool flow_enforce_parse(const char *name, enum flow_enforce *mode_r);
const char *flow_enforce_name(enum flow_enforce mode);

/* What happens to one outbound recipient. */
enum flow_act {
    FLOW_ACT_PASS = 0, /* not suppressed, or enforcement off */
    FLOW_ACT_EXEMPT,   /* suppressed, but sender or domain exempt */
    FLOW_ACT_DRY_RUN,  /* suppressed: log "would suppress" only */
    FLOW_ACT_REJECT,   /* 5xx at RCPT */
    FLOW_ACT_TEMPFAIL, /* 4xx at RCPT */
    FLOW_ACT_REMOVE,   /* delete the recipient at end of message */
    FLOW_ACT_TAG,      /* add a header at end of message */
};
const char *flow_act_name(enum flow_act act);

enum flow_act flow_recipient_action(const struct milter_settings *ms,
                                    enum flow_dir dir, const char *sender,
                                    const char *recipient, bool suppressed);

/* Whether the RCPT step may answer with a refusal: enforcement by reject
 * or tempfail (not a dry run), or a lookup whose failure tempfails
 * (milter.on_error).  When it may not, the MTA need not wait for an
 * answer to RCPT (SMFIP_NR_RCPT).  An unknown enforce value may. */
bool flow_rcpt_may_refuse(const struct milter_settings *ms);

/* Whether Message-IDs of outbound mail come from the MTA's log
 * (milter.message_ids = "logfeed"): then the milter asks for the DATA
 * step. */
bool flow_message_ids_logged(const struct milter_settings *ms);

/* What is known of a message at DATA. */
struct flow_data_facts {
    enum flow_dir dir;
    bool null_sender;
    bool non_smtp;       /* Postfix's non-SMTP stream: our own alerts, its
                            own DSNs; always looked at */
    bool ids_logged;     /* flow_message_ids_logged() */
    size_t nenforce;     /* recipients to remove or tag at EOM */
    bool sign_sender;    /* prvs: the sender is signed at EOM */
    bool auth_settled;   /* nothing for SPF/DKIM to look at
                            (auth_msg_settled()) */
};
/* True when an outbound message needs neither its headers nor its end:
 * it is tracked (its Message-ID follows from the log) and accepted at
 * DATA, so the MTA skips the header phase of the filter. */
bool flow_accept_at_data(const struct flow_data_facts *f);

/* Expands a refusal template ("550 5.1.1 <%r>: suppressed (%s since %d)")
 * into its reply code, enhanced status and text.  %r recipient, %s reason,
 * %b bucket, %d date (YYYY-MM-DD, UTC); any other %x gives '?'.  The text
 * is sanitised (printable ASCII, no %, which libmilter reserves).  A
 * template that does not start with a reply code of the class tempfail
 * demands (4xx, else 5xx) gets the default code and status (450 4.1.1 or
 * 550 5.1.1); a leading code or status of the other class is dropped from
 * the text.
 * Returns false only when the text does not fit. */
struct flow_reply {
    char code[4];   /* "550" */
    char xcode[16]; /* "5.1.1" or "" */
    char text[512];
};
bool flow_reply_format(const char *tmpl, bool tempfail, const char *recipient,
                       const char *reason, const char *bucket, time_t since,
                       struct flow_reply *reply_r);

/* At end of message: should a processed DSN be discarded because it is
 * addressed to one of milter.discard_bounces_to? */
bool flow_discard_bounce(const struct milter_settings *ms,
                         const char *const *rcpts, size_t nrcpts);

/* RFC 3461's bound on an ENVID parameter value, as sent (xtext). */
#define FLOW_ENVID_MAX 100

/* Decodes the xtext S (LEN bytes; RFC 3461: "+XX" with two hex digits
 * stands for a byte, any other printable ASCII character but '+' and '='
 * for itself) into BUF as a NUL-terminated string.  Returns false, BUF
 * then empty, for what cannot be an envelope id: nothing, more than
 * FLOW_ENVID_MAX bytes, a character outside xtext, a broken "+XX", a
 * decoded byte that is not printable ASCII (controls, NUL, 8-bit), or a
 * BUF too small (FLOW_ENVID_MAX + 1 bytes always suffice). */
bool flow_envid_decode(const char *s, size_t len, char *buf, size_t size);

/* Finds the ENVID= parameter (keyword in any case) among the ESMTP
 * parameters of MAIL FROM (ARGS, NULL-terminated; NULL is none) and
 * decodes it into BUF.  False when there is none, or when it (the first
 * one) is not valid xtext: then nothing should be recorded. */
bool flow_envid_from_args(const char *const *args, char *buf, size_t size);

#endif
