/*
 * addr_quote_ref.h - the tests' reference for the quoting rule of
 * addrscan_normalize(), byte at a time from RFC 5322's atext: is the local
 * part of q0[0..e) (before its last '@'), from its first '"' (leading ones
 * included) to its last, only atext, '.' and '"'?  For the reference
 * normalisers of test_addrscan and test_mime.
 */
#ifndef BG_TEST_ADDR_QUOTE_REF_H
#define BG_TEST_ADDR_QUOTE_REF_H

#include <stdbool.h>
#include <string.h>

static inline bool ref_quotes_ok(const char *q0, const char *e)
{
    const char *at = NULL, *q1 = NULL, *q2 = NULL;

    for (const char *q = q0; q < e; q++)
        if (*q == '@')
            at = q;
    for (const char *q = q0; q < (at != NULL ? at : e); q++)
        if (*q == '"') {
            q1 = q1 == NULL ? q : q1;
            q2 = q;
        }
    for (const char *q = q1 != NULL ? q1 + 1 : e;
         q < (q2 > q1 ? q2 : (at != NULL ? at : e)); q++) {
        unsigned char c = (unsigned char)*q;
        if (!(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') &&
            !(c >= '0' && c <= '9') && c < 0x80 &&
            (c == '\0' || !strchr("!#$%&'*+-/=?^_`{|}~.\"", c)))
            return false;
    }
    return true;
}

#endif
