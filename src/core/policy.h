/*
 * policy.h - the decision policy: given what is known of one recipient and
 * one new event, should the recipient be suppressed, stay suppressed, or be
 * released?
 *
 * Rules (policy group of bounceguard.conf(5)):
 *   - manual operations (add, remove, import) always apply and win over
 *     automatic decisions; an automatic event that is not newer than the
 *     last manual removal changes nothing;
 *   - an event that is not credible (possibly forged bounce) never changes
 *     anything;
 *   - hard: suppress at once, permanently unless hard_expiry is set;
 *   - soft: count; suppress, for soft_expiry, when soft_threshold failures
 *     span at least soft_span seconds with no known success between;
 *   - sender: never suppress the recipient (alerting is elsewhere);
 *   - success (bucket none, action delivered/relayed/expanded): clears the
 *     soft count and lifts an automatic soft-derived suppression;
 *   - a suppression that expired (expires <= now) is treated as absent.
 * Domain-level reasons (domain_not_found, no_mx: null MX) may in addition
 * suppress the whole domain: see policy_domain_level().
 *
 * Pure: no I/O, no clock (NOW is an argument), no globals; reentrant.
 */
#ifndef BG_POLICY_H
#define BG_POLICY_H

#include <stdbool.h>

#include "common/settings.h"
#include "core/classify.h"

/* What the store remembers of one key (address or domain). */
struct policy_state {
    bool suppressed;
    bool manual;          /* the suppression was added by hand/import */
    enum bucket bucket;   /* bucket of the suppression */
    long long expires;    /* 0 = permanent */
    long long soft_count; /* soft failures since the last success */
    long long soft_first; /* time of the first of them */
    long long soft_last;
    long long last_success;
    long long removed_at; /* last manual removal, 0 = never */
};

enum policy_kind {
    POLICY_EVENT_FAILURE = 0, /* a classified failure or delay */
    POLICY_EVENT_SUCCESS,     /* a delivery succeeded */
    POLICY_EVENT_ADD,         /* manual or imported suppression */
    POLICY_EVENT_REMOVE,      /* manual removal */
};

struct policy_input {
    long long when;
    enum policy_kind kind;
    enum bucket bucket;
    const char *reason; /* may be NULL */
    bool credible;
    long long expires; /* POLICY_EVENT_ADD: absolute expiry, 0 = none */
};

enum policy_action {
    POLICY_NONE = 0, /* history only */
    POLICY_IGNORED,  /* stale (before a removal) or not credible */
    POLICY_COUNT,    /* soft failure counted, not (yet) suppressed */
    POLICY_SUPPRESS, /* newly suppressed */
    POLICY_REFRESH,  /* already suppressed: last seen / count updated */
    POLICY_LIFT,     /* suppression released */
};
const char *policy_action_name(enum policy_action a);

/* Decides on IN against *ST and updates *ST to the new state.  Returns the
 * action; the suppression's new expiry is in st->expires. */
enum policy_action policy_decide(const struct policy_settings *set,
                                 const struct policy_input *in,
                                 struct policy_state *st, long long now);

/* True when IN is a hard failure whose reason concerns the whole domain
 * and suppress_domains is on: the caller then also decides on the domain's
 * own state with the same input. */
bool policy_domain_level(const struct policy_settings *set,
                         const struct policy_input *in);

/* Defaults: 3 failures, 72 h, 30 d, hard permanent, domains off. */
void policy_settings_default(struct policy_settings *set);

#endif
