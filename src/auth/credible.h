/*
 * credible.h - the forged-bounce defence: may this bounce suppress anyone?
 *
 * A bounce is credible when it provably answers mail we sent:
 *   1. it is Postfix's own DSN (seen on the non_smtpd_milters stream), or
 *   2. its returned original (Message-ID / Original-Envelope-Id) is found
 *      in outbound tracking (the milter then holds each recipient it names
 *      against the recipients of that message), or
 *   3. where outbound tracking is off (or mode is "lenient"), it returns to
 *      a valid prvs-signed envelope sender of ours (a tag every recipient
 *      of ours sees: with tracking, a bounce to one must also correlate),
 *      or
 *   4. where outbound tracking is off (or mode is "lenient"), the reporting
 *      domain passes SPF or DKIM.
 * A bounce to a prvs address whose tag is bad, expired or unknown is never
 * credible: we signed every sender, so somebody made that address up.
 * Mode "off" makes every bounce credible (logged as such).
 *
 * credible_decide() is a pure function: all facts come in the input
 * struct, the verdict and a static reason string come out.  Reentrant.
 */
#ifndef BG_CREDIBLE_H
#define BG_CREDIBLE_H

#include <stdbool.h>

#include "auth/authres.h"
#include "auth/prvs.h"

enum credible_mode {
    CREDIBLE_STRICT = 0, /* default: correlation/prvs; auth only w/o tracking */
    CREDIBLE_LENIENT,    /* SPF or DKIM pass is enough even with tracking */
    CREDIBLE_OFF,        /* every bounce is credible */
};
bool credible_mode_parse(const char *name, enum credible_mode *mode_r);
const char *credible_mode_name(enum credible_mode mode);

enum credible_source {
    CREDIBLE_SRC_REMOTE = 0, /* arrived by SMTP from outside */
    CREDIBLE_SRC_LOCAL_MTA,  /* our MTA's own DSN (non_smtpd stream) */
    CREDIBLE_SRC_INTERNAL,   /* from an internal network, not our MTA */
};

struct credible_input {
    enum credible_source source;
    bool tracking;         /* outbound tracking is on */
    bool correlated;       /* the original was found in tracking */
    enum prvs_result prvs; /* of the bounce's envelope recipient;
                              PRVS_UNSIGNED when we have no keyring */
    enum authres spf;      /* of the reporting host (HELO for <>) */
    enum authres dkim;     /* of the reporting domain's signature */
    enum credible_mode mode;
};

struct credible_decision {
    bool credible;
    const char *why;     /* static: "local-mta", "prvs", "correlated", ... */
    bool by_correlation; /* credible because it joined tracked mail: it
                            speaks for that mail's recipients alone */
};

void credible_decide(const struct credible_input *in,
                     struct credible_decision *out);

#endif
