/*
 * rulesfile.h - loading the classification rules a configuration names.
 *
 * The local override file (classify.local_rules_file) is read first when it
 * is set and readable, so that its rules win; then the shipped rules file
 * (classify.rules_file).  A missing override is not an error: it is optional.
 * Errors come back as "FILE:LINE: what is wrong" (malloc'ed, caller frees).
 * Thread-safe: touches no shared state.
 */
#ifndef BG_RULESFILE_H
#define BG_RULESFILE_H

#include "common/settings.h"
#include "core/classify.h"

int rulesfile_load(const struct classify_settings *cs,
                   struct classify_rules **rules_r, char **error_r);

#endif
