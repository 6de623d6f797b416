/*
 * authres.h - email-authentication result values and the
 * Authentication-Results header field (RFC 8601).
 *
 * One enum names every outcome an SPF (RFC 7208) or DKIM (RFC 6376) check
 * can have, with the spellings RFC 8601 registers.  authres_format() writes
 * an Authentication-Results field body from the results of one message;
 * authres_field_id() reads the authserv-id back out of one, so that a field
 * claiming ours can be told apart (RFC 8601 section 5).
 *
 * Pure: no I/O, no globals; reentrant.  Output goes to caller buffers of
 * explicit size and is always NUL-terminated (truncation is reported).
 */
#ifndef BG_AUTHRES_H
#define BG_AUTHRES_H

#include <stdbool.h>
#include <stddef.h>

enum authres {
    AUTHRES_NONE = 0, /* nothing to check (no record, no signature) */
    AUTHRES_PASS,
    AUTHRES_FAIL,
    AUTHRES_SOFTFAIL, /* SPF only */
    AUTHRES_NEUTRAL,
    AUTHRES_POLICY,    /* DKIM: valid but unacceptable (e.g. unaligned) */
    AUTHRES_TEMPERROR, /* DNS timeout or SERVFAIL: try again, never "fail" */
    AUTHRES_PERMERROR, /* broken record or key */
};

/* "none", "pass", ...; never NULL. */
const char *authres_name(enum authres r);
/* Case-insensitive inverse of authres_name(). */
bool authres_parse(const char *name, enum authres *r_r);
/* A result that proves the identity: pass. */
bool authres_is_pass(enum authres r);
/* A result that says the domain's own publication is broken or refuses the
 * sender: fail, softfail, permerror (not temperror, not none). */
bool authres_is_broken(enum authres r);

/* What one message was checked for.  NULL strings are left out. */
struct authres_info {
    const char *authserv_id; /* our host name (required) */
    enum authres spf;
    const char *spf_identity; /* "mailfrom" or "helo" */
    const char *spf_domain;   /* the checked identity's value */
    bool spf_checked;
    enum authres dkim;
    const char *dkim_domain;   /* header.d */
    const char *dkim_selector; /* header.s */
    bool dkim_checked;
};

/* Writes "authserv-id; spf=pass smtp.mailfrom=x; dkim=pass header.d=y ..."
 * (the field body without the name) into buf.  Values that are not safe
 * RFC 8601 tokens are dropped.  Returns false when it did not fit. */
bool authres_format(const struct authres_info *info, char *buf, size_t size);

/* The longest authserv-id read back (the longest authres_format() writes). */
#define AUTHRES_ID_MAX 255

/* The authserv-id of an Authentication-Results field body (the value, the
 * name and colon left out), into buf: CFWS skipped first (blanks, folded
 * lines, comments in parentheses nested to any depth), then a token up to
 * ';', CFWS or the end, or a quoted-string without its quotes.  A missing
 * ';' does not matter.  false, with buf "", when there is no id (an empty
 * value, only CFWS, an unterminated comment or quoted-string) or it does
 * not fit in size bytes. */
bool authres_field_id(const char *value, char *buf, size_t size);
/* Whether the field body's authserv-id is ours (case-insensitive). */
bool authres_field_claims(const char *value, const char *authserv_id);

#endif
