/*
 * credible.c - the forged-bounce credibility rule (pure).
 */
#include "config.h"

#include "auth/credible.h"

#include <stddef.h>
#include <strings.h>

static const char *const credible_mode_names[] = {
    [CREDIBLE_STRICT] = "strict",
    [CREDIBLE_LENIENT] = "lenient",
    [CREDIBLE_OFF] = "off",
};

bool credible_mode_parse(const char *name, enum credible_mode *mode_r)
{
    for (size_t i = 0; i < 3; i++) {
        if (strcasecmp(name, credible_mode_names[i]) == 0) {
            *mode_r = (enum credible_mode)i;
            return true;
        }
    }
    return false;
}

const char *credible_mode_name(enum credible_mode mode)
{
    return (unsigned)mode < 3 ? credible_mode_names[mode] : "strict";
}

static void credible_set(struct credible_decision *out, bool credible,
                         const char *why)
{
    out->credible = credible;
    out->by_correlation = false;
    out->why = why;
}

/* Step 4: SPF or DKIM of the reporting domain. */
static void credible_by_auth(const struct credible_input *in,
                             struct credible_decision *out)
{
    if (authres_is_pass(in->dkim))
        credible_set(out, true, "dkim-pass");
    else if (authres_is_pass(in->spf))
        credible_set(out, true, "spf-pass");
    else if (in->spf == AUTHRES_TEMPERROR || in->dkim == AUTHRES_TEMPERROR)
        credible_set(out, false, "auth-temperror");
    else
        credible_set(out, false, "auth-unverified");
}

void credible_decide(const struct credible_input *in,
                     struct credible_decision *out)
{
    if (in->mode == CREDIBLE_OFF) {
        credible_set(out, true, "check-off");
        return;
    }
    if (in->source == CREDIBLE_SRC_LOCAL_MTA) {
        credible_set(out, true, "local-mta");
        return;
    }
    switch (in->prvs) {
    case PRVS_VALID:
        /* the tag proves that mail of that sender left lately, not which
         * recipients it had (each of them sees the tag): with tracking,
         * the bounce must correlate as any other, and then speaks for
         * that mail's recipients alone */
        if (in->correlated) {
            credible_set(out, true, "prvs-correlated");
            out->by_correlation = true;
        } else if (in->tracking && in->mode == CREDIBLE_STRICT) {
            credible_set(out, false, "prvs-not-correlated");
        } else {
            credible_set(out, true, "prvs");
        }
        return;
    case PRVS_BAD_SIG:
    case PRVS_UNKNOWN_KEY:
    case PRVS_MALFORMED:
        credible_set(out, false, "prvs-invalid");
        return;
    case PRVS_EXPIRED:
        credible_set(out, false, "prvs-expired");
        return;
    case PRVS_UNSIGNED:
        break;
    }
    if (in->correlated) {
        credible_set(out, true, "correlated");
        out->by_correlation = true;
        return;
    }
    if (in->tracking && in->mode == CREDIBLE_STRICT) {
        credible_set(out, false, "not-correlated");
        return;
    }
    credible_by_auth(in, out);
}
