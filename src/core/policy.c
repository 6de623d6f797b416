/*
 * policy.c - the decision policy (policy.h).
 */
#include "core/policy.h"

#include <string.h>

/* Reasons that say the whole domain takes no mail. */
static const char *const domain_reasons[] = {
    "domain_not_found", "null_mx", "no_mx", "hostunknown", "notaccept",
};

const char *policy_action_name(enum policy_action a)
{
    switch (a) {
    case POLICY_NONE:
        return "none";
    case POLICY_IGNORED:
        return "ignored";
    case POLICY_COUNT:
        return "counted";
    case POLICY_SUPPRESS:
        return "suppressed";
    case POLICY_REFRESH:
        return "refreshed";
    case POLICY_LIFT:
        return "lifted";
    }
    return "none";
}

void policy_settings_default(struct policy_settings *set)
{
    memset(set, 0, sizeof *set);
    set->soft_threshold = 3;
    set->soft_span = 72 * 3600;
    set->soft_expiry = 30 * 86400;
    set->hard_expiry = 0;
    set->suppress_domains = false;
}

bool policy_domain_level(const struct policy_settings *set,
                         const struct policy_input *in)
{
    if (!set->suppress_domains || in->kind != POLICY_EVENT_FAILURE ||
        in->bucket != BUCKET_HARD || !in->credible || in->reason == NULL)
        return false;
    for (size_t i = 0; i < sizeof domain_reasons / sizeof *domain_reasons; i++)
        if (strcmp(in->reason, domain_reasons[i]) == 0)
            return true;
    return false;
}

static void reset_soft(struct policy_state *st)
{
    st->soft_count = 0;
    st->soft_first = 0;
    st->soft_last = 0;
}

static enum policy_action suppress(struct policy_state *st, enum bucket b,
                                   long long expires, bool manual)
{
    st->suppressed = true;
    st->manual = manual;
    st->bucket = b;
    st->expires = expires;
    reset_soft(st);
    return POLICY_SUPPRESS;
}

static enum policy_action on_manual(const struct policy_input *in,
                                    struct policy_state *st)
{
    if (in->kind == POLICY_EVENT_ADD)
        return suppress(st,
                        in->bucket == BUCKET_NONE ? BUCKET_HARD : in->bucket,
                        in->expires, true);
    if (in->when > st->removed_at)
        st->removed_at = in->when;
    reset_soft(st);
    if (!st->suppressed)
        return POLICY_NONE;
    st->suppressed = false;
    st->manual = false;
    st->expires = 0;
    return POLICY_LIFT;
}

static enum policy_action on_success(const struct policy_input *in,
                                     struct policy_state *st)
{
    if (in->when > st->last_success)
        st->last_success = in->when;
    if (st->soft_last <= in->when)
        reset_soft(st);
    if (st->suppressed && !st->manual && st->bucket == BUCKET_SOFT) {
        st->suppressed = false;
        st->expires = 0;
        return POLICY_LIFT;
    }
    return POLICY_NONE;
}

static enum policy_action on_hard(const struct policy_settings *set,
                                  const struct policy_input *in,
                                  struct policy_state *st)
{
    long long exp = set->hard_expiry > 0 ? in->when + set->hard_expiry : 0;

    if (st->suppressed) {
        if (!st->manual && st->bucket != BUCKET_HARD) {
            st->bucket = BUCKET_HARD; /* a soft entry hardens */
            st->expires = exp;
        }
        return POLICY_REFRESH;
    }
    return suppress(st, BUCKET_HARD, exp, false);
}

static enum policy_action on_soft(const struct policy_settings *set,
                                  const struct policy_input *in,
                                  struct policy_state *st)
{
    if (in->when <= st->last_success)
        return POLICY_NONE; /* a success came after it */
    if (st->suppressed)
        return POLICY_REFRESH;
    if (st->soft_count == 0 || in->when < st->soft_first)
        st->soft_first = in->when;
    if (in->when > st->soft_last)
        st->soft_last = in->when;
    st->soft_count++;
    if (st->soft_count >= set->soft_threshold &&
        st->soft_last - st->soft_first >= set->soft_span)
        return suppress(st, BUCKET_SOFT,
                        set->soft_expiry > 0 ? in->when + set->soft_expiry : 0,
                        false);
    return POLICY_COUNT;
}

enum policy_action policy_decide(const struct policy_settings *set,
                                 const struct policy_input *in,
                                 struct policy_state *st, long long now)
{
    if (st->suppressed && st->expires > 0 && st->expires <= now) {
        st->suppressed = false;
        st->manual = false;
        st->expires = 0;
    }
    if (in->kind == POLICY_EVENT_ADD || in->kind == POLICY_EVENT_REMOVE)
        return on_manual(in, st);
    if (!in->credible || in->when <= st->removed_at)
        return POLICY_IGNORED;
    if (in->kind == POLICY_EVENT_SUCCESS)
        return on_success(in, st);
    switch (in->bucket) {
    case BUCKET_HARD:
        return on_hard(set, in, st);
    case BUCKET_SOFT:
        return on_soft(set, in, st);
    case BUCKET_SENDER:
    case BUCKET_NONE:
        break;
    }
    return POLICY_NONE;
}
