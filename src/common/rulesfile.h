/*
 * rulesfile.h - loading the classification rules a configuration names.
 *
 * The local override file (classify.local_rules_file) is read first when it
 * is set and readable, so that its rules win; then the shipped rules file
 * (classify.rules_file).  A missing override is not an error: it is optional.
 * Errors come back as "FILE:LINE: what is wrong" (malloc'ed, caller frees).
 * rulesfile_check() is the check behind "bounceguard -n" and
 * "bounceguardctl check-config": the same load, plus the warnings an admin
 * should see before the daemon runs with these rules.
 * Thread-safe: touches no shared state.
 */
#ifndef BG_RULESFILE_H
#define BG_RULESFILE_H

#include "common/settings.h"
#include "core/classify.h"

int rulesfile_load(const struct classify_settings *cs,
                   struct classify_rules **rules_r, char **error_r);

/* Called once for each warning, a line without the final newline:
 * "FILE:LINE: rule ID: ..." or "local_rules_file FILE: ...". */
typedef void rulesfile_warn_fn(void *ctx, const char *message);

/* The warnings below for rules rulesfile_load() loaded from cs (NULL:
 * only the override's). */
void rulesfile_warnings(const struct classify_settings *cs,
                        const struct classify_rules *rules,
                        rulesfile_warn_fn *warn, void *ctx);

/* Loads the rules as rulesfile_load() would and frees them.  Returns 0
 * with what they hold in *stats_r, or -1 with the error in *error_r.
 * Warns about an override that is set but cannot be read (the daemon runs
 * without it) and about every rule whose text expression has no literal
 * the prefilter can look for (it runs on every reply its other conditions
 * let through). */
int rulesfile_check(const struct classify_settings *cs,
                    struct classify_rules_stats *stats_r,
                    rulesfile_warn_fn *warn, void *ctx, char **error_r);

/* What the rules' prefilter holds, as the daemon logs it when it loads
 * them and "bounceguardctl check-config" prints it: "prefilter: L
 * literals, S states, K kB" (its literals, the states of its automaton,
 * the size of its table). */
void rulesfile_describe(const struct classify_rules_stats *st, char *buf,
                        size_t size);

#endif
