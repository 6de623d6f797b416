/*
 * milter_ctx.h - the per-connection and per-message state of the milter.
 *
 * A struct mctx_conn lives from xxfi_connect to xxfi_close (libmilter's
 * private pointer); it holds a reference to the configuration snapshot
 * taken at connect, so a reload never changes the rules under a running
 * transaction.  A struct mctx_msg lives from MAIL FROM to end of message or
 * abort; mctx_msg_end() is the one cleanup path (eom, abort, close).
 *
 * Bounded memory: the message copy kept for a bounce candidate (headers,
 * then body) never exceeds the cap given to mctx_msg_begin(); what comes
 * after is counted, not kept.  Recipients are kept up to MCTX_RCPT_MAX
 * (more are counted, and tracked outbound messages list the first ones),
 * except those to remove or tag at end of message, which are all kept.
 * Of the Authentication-Results fields that claim our authserv-id (to be
 * removed, RFC 8601 section 5) the numbers of the first MCTX_AR_MAX are
 * kept; more are counted.
 *
 * No libmilter include: the glue copies the macros it needs into these
 * structs.  Not thread-safe by itself; libmilter calls one connection's
 * callbacks from one thread at a time.
 */
#ifndef BG_MILTER_CTX_H
#define BG_MILTER_CTX_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "auth/auth_msg.h"
#include "core/classify.h"
#include "milter/flow.h"

#define MCTX_RCPT_MAX 1000
#define MCTX_AR_MAX 16

struct bg_config;
struct bg_settings;

/* One accepted recipient of the current message. */
struct mctx_rcpt {
    char *addr;        /* as given, angle brackets stripped */
    enum flow_act act; /* what enforcement decided at RCPT */
    char reason[64];   /* suppression reason, when suppressed */
    enum bucket bucket;
    time_t since; /* suppression first seen */
};

struct mctx_msg {
    char *queue_id; /* "i" macro, or NULL until known */
    char *sender;   /* envelope sender, angle brackets stripped */
    bool null_sender;
    enum flow_dir dir;
    enum flow_why why;
    bool candidate;    /* may be a bounce: keep the message */
    bool bounce_hint;  /* a bounce-like header was seen */
    char *message_id;  /* Message-ID without <>, or NULL */
    char *envelope_id; /* MAIL FROM's ENVID=, decoded, or NULL */
    struct mctx_rcpt *rcpts;
    size_t nrcpts, rcpts_cap;
    size_t rcpts_seen; /* including those over MCTX_RCPT_MAX */
    size_t nenforce;   /* recipients marked FLOW_ACT_REMOVE / TAG */
    /* the message copy of a candidate: header lines, blank line, body */
    char *buf;
    size_t len, alloc, cap;
    size_t total;   /* bytes offered, kept or not */
    bool truncated; /* total > cap */
    bool in_body;
    /* SPF/DKIM of this message (auth/auth_msg.h) and loop safety */
    struct auth_msg *auth; /* NULL: nothing checked */
    struct auth_msg_result auth_r;
    bool auth_done; /* auth_r is filled */
    bool own_alert; /* our own alert mail: neither checked nor learnt */
    /* Authentication-Results fields claiming our authserv-id, by their
     * number among the message's fields of that name (1-based) */
    bool ar_strip;            /* look for them (milter_auth.h) */
    int ar_seen;              /* Authentication-Results fields so far */
    int ar_ours[MCTX_AR_MAX]; /* in message order */
    size_t nar_ours;
    size_t ar_ours_over; /* past MCTX_AR_MAX: counted only */
};

struct mctx_conn {
    struct bg_config *cfg;         /* reference taken at connect */
    const struct bg_settings *set; /* cfg_settings(cfg) */
    char *hostname;                /* as given to xxfi_connect */
    char *client_addr;             /* {client_addr} or socket address */
    char *daemon_name;             /* {daemon_name} */
    char *helo;                    /* HELO name, when negotiated */
    bool non_smtp;                 /* Postfix's non-SMTP stream */
    bool skip_ok;                  /* the MTA understands SMFIS_SKIP */
    bool nr_conn, nr_mail, nr_rcpt, nr_hdr; /* steps that get no reply */
    bool enforce;                  /* milter.enforce is not "off" */
    bool prvs;                     /* sign outbound senders (CHGFROM) */
    bool leadspc;                  /* header values keep their leading
                                      SP (SMFIP_HDR_LEADSPC) */
    unsigned long messages;        /* messages begun on this connection */
    struct mctx_msg msg;           /* the current message */
    bool in_msg;
};

/* Returns a zeroed connection context or NULL when memory runs out; the
 * strings may be NULL.  cfg: a reference the context takes over. */
struct mctx_conn *mctx_conn_new(struct bg_config *cfg, const char *hostname,
                                const char *client_addr,
                                const char *daemon_name, bool non_smtp);
/* Ends any message and frees *conn (drops its configuration reference). */
void mctx_conn_free(struct mctx_conn **conn);

/* Starts a message (ending any previous one).  Returns false when memory
 * runs out; then no message is open (in_msg false, nothing to free). */
bool mctx_msg_begin(struct mctx_conn *conn, const char *sender, size_t cap);
/* Frees the message state; safe to call twice. */
void mctx_msg_end(struct mctx_conn *conn);

/* Sets a string field once (queue id, message id): false on no memory. */
bool mctx_set_str(char **field, const char *value);

/* Keeps the Message-ID header value without blanks and angle brackets
 * (the first one only); false on no memory. */
bool mctx_set_message_id(struct mctx_msg *msg, const char *value);

/* Keeps the ENVID= parameter among MAIL FROM's ESMTP parameters ARGS
 * (NULL-terminated, or NULL), decoded (flow_envid_from_args()); a missing
 * or malformed one keeps none.  False on no memory only. */
bool mctx_set_envelope_id(struct mctx_msg *msg, const char *const *args);

/* Adds a recipient; returns it, or NULL when over MCTX_RCPT_MAX or out of
 * memory (the recipient is then only counted). */
struct mctx_rcpt *mctx_rcpt_add(struct mctx_msg *msg, const char *addr);
/* The same for a recipient to remove or tag at end of message: kept past
 * MCTX_RCPT_MAX as well (NULL only when out of memory). */
struct mctx_rcpt *mctx_rcpt_add_enforced(struct mctx_msg *msg,
                                         const char *addr);

/* Appends to the message copy, up to the cap: a header line
 * "name: value\r\n", the end of the header ("\r\n"), a body chunk.
 * Return false when the cap is reached (the rest is counted only) or
 * memory runs out; the caller may then skip the rest of the body. */
bool mctx_add_header(struct mctx_msg *msg, const char *name, const char *value);
bool mctx_add_eoh(struct mctx_msg *msg);
bool mctx_add_body(struct mctx_msg *msg, const unsigned char *data, size_t len);

/* An Authentication-Results field, in message order: counted, and its
 * number kept when it claims our authserv-id (ours).  false when it does
 * but MCTX_AR_MAX are kept already, or the count is at INT_MAX (then it
 * is counted in ar_ours_over). */
bool mctx_add_authres(struct mctx_msg *msg, bool ours);

#endif
