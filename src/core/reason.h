/*
 * reason.h - the reason taxonomy: every reason a rule may name, the decision
 * bucket it maps to, whether it is an email-authentication failure, and one
 * line of description (shown by bounceguard-rules(5) and the CLI).
 *
 * The table is constant data; lookups are pure and thread-safe.  Reason
 * names are lower case with underscores ("user_unknown").
 */
#ifndef BG_REASON_H
#define BG_REASON_H

#include <stdbool.h>
#include <stddef.h>

#include "core/classify.h"

struct reason_info {
    const char *name;
    enum bucket bucket;
    bool auth;
    const char *description;
};

/* NULL when the name is not in the taxonomy. */
const struct reason_info *reason_lookup(const char *name);
/* The i-th reason (0..reason_count()-1), in taxonomy order. */
const struct reason_info *reason_at(size_t i);
size_t reason_count(void);

#endif
