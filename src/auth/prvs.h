/*
 * prvs.h - BATV "prvs" signed envelope senders (draft-levine-smtp-batv).
 *
 * Outbound mail may carry a signed return path:
 *
 *     prvs=KDDDSSSSSS=local@domain
 *
 * K is the key number (0-9), DDD the day the tag expires (days since the
 * epoch, modulo 1000), SSSSSS the first three bytes, in hex, of
 * HMAC-SHA256(key K, "KDDD" + lower-cased "local@domain").  A bounce comes
 * back to that address; prvs_verify() proves that we made it, recently.
 * A forged bounce for a message we never sent carries no valid tag.
 *
 * The keyring is loaded once (prvs_keyring_parse, pure; prvs_keyring_load
 * reads a file) and is immutable afterwards: any number of threads may sign
 * and verify with it.  Secrets are wiped when the keyring is freed.
 * Limits: addresses up to PRVS_ADDR_MAX bytes, secrets up to
 * PRVS_SECRET_MAX bytes, ten keys.
 */
#ifndef BG_PRVS_H
#define BG_PRVS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#define PRVS_ADDR_MAX 320
#define PRVS_SECRET_MAX 128
#define PRVS_KEYS 10
/* "prvs=" + 10 + "=" */
#define PRVS_OVERHEAD 16

enum prvs_result {
    PRVS_UNSIGNED = 0, /* not a prvs address at all */
    PRVS_VALID,        /* our tag, not expired */
    PRVS_EXPIRED,      /* our tag, too old (or too far in the future) */
    PRVS_BAD_SIG,      /* the tag does not verify: forged or corrupted */
    PRVS_UNKNOWN_KEY,  /* key number not in our keyring */
    PRVS_MALFORMED,    /* looks like prvs= but is not well formed */
};
const char *prvs_result_name(enum prvs_result r);

struct prvs_keyring;

/* Parses "K secret" lines (K = 0..9; '#' comments, blank lines allowed).
 * sign_key is the key number used for signing; it must be present.
 * Returns 0, or -1 with *error_r (static text). */
int prvs_keyring_parse(const char *text, size_t len, unsigned sign_key,
                       struct prvs_keyring **ring_r, const char **error_r);
/* Reads the file and parses it as above. */
int prvs_keyring_load(const char *path, unsigned sign_key,
                      struct prvs_keyring **ring_r, const char **error_r);
void prvs_keyring_free(struct prvs_keyring **ring);

/* Signs addr (local@domain, no <>) valid for `days` days from now into
 * out[size].  The null sender and already signed addresses are copied
 * unchanged.  Returns 0, or -1 with *error_r (too long, no '@', ...). */
int prvs_sign(const struct prvs_keyring *ring, const char *addr, unsigned days,
              time_t now, char *out, size_t size, const char **error_r);

/* Checks addr.  max_days is the longest validity prvs_sign was ever given
 * (tags further in the future are refused as expired).  When orig is not
 * NULL it receives the unsigned address (for every result but
 * PRVS_MALFORMED; for PRVS_UNSIGNED a copy of addr). */
enum prvs_result prvs_verify(const struct prvs_keyring *ring, const char *addr,
                             unsigned max_days, time_t now, char *orig,
                             size_t orig_size);

/* The address without a well-formed prvs tag (any key, unchecked) into
 * out[size]; a copy of addr when it carries none.  False if it does not
 * fit. */
bool prvs_strip(const char *addr, char *out, size_t size);

/* True when addr starts with "prvs=" (any case). */
bool prvs_is_signed(const char *addr);

#endif
