/*
 * addr.h - normalising e-mail addresses into the store's keys.
 *
 * Rules (documented in bounceguard.conf(5), store group):
 *   - surrounding white space, one pair of <> and an "rfc822;" address-type
 *     prefix are removed;
 *   - the split is at the last '@'; the local part is kept as is
 *     (ADDR_LOCAL_PRESERVE, RFC 5321 says it is case-sensitive) or
 *     lower-cased in ASCII (ADDR_LOCAL_LOWERCASE);
 *   - the domain is lower-cased in ASCII and loses one trailing dot;
 *     internationalised (UTF-8) labels are left as they are, not converted
 *     to or from A-labels;
 *   - validation: local part 1..64 octets, domain 1..255 octets of labels
 *     1..63 octets (letters, digits, '-', '_', UTF-8) or an address literal
 *     "[...]"; no control characters, no white space outside a quoted
 *     local part.
 * A key without '@' (accepted only with ADDR_ALLOW_DOMAIN) names a whole
 * domain, follows the domain rules and needs at least two labels.
 *
 * Pure: no I/O, no allocation, reentrant.  Errors are static strings.
 */
#ifndef BG_ADDR_H
#define BG_ADDR_H

#include <stdbool.h>
#include <stddef.h>

#define ADDR_LOCAL_MAX 64
#define ADDR_DOMAIN_MAX 255
#define ADDR_MAX (ADDR_LOCAL_MAX + 1 + ADDR_DOMAIN_MAX)

enum addr_local_part {
    ADDR_LOCAL_PRESERVE = 0,
    ADDR_LOCAL_LOWERCASE,
};
/* "preserve" / "lowercase"; false for anything else. */
bool addr_local_part_parse(const char *name, enum addr_local_part *lp_r);

#define ADDR_ALLOW_DOMAIN 0x1u /* a bare domain is a valid key */

/* Normalises IN (LEN bytes) into BUF (SIZE bytes, NUL-terminated; at least
 * ADDR_MAX + 1 always suffices).  Returns 0, or -1 and *error_r. */
int addr_normalize(const char *in, size_t len, enum addr_local_part lp,
                   unsigned flags, char *buf, size_t size,
                   const char **error_r);

/* The domain of a normalised key: after the last '@', or the whole key
 * when it is a domain. */
const char *addr_domain(const char *key);
bool addr_is_domain(const char *key);

#endif
