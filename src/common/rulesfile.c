/*
 * rulesfile.c - the rules a configuration names: local override first.
 */
#include "config.h"

#include <stddef.h>
#include <unistd.h>

#include "common/rulesfile.h"

int rulesfile_load(const struct classify_settings *cs,
                   struct classify_rules **rules_r, char **error_r)
{
    const char *paths[2];
    size_t n = 0;

    if (cs->local_rules_file != NULL && cs->local_rules_file[0] != '\0' &&
        access(cs->local_rules_file, R_OK) == 0)
        paths[n++] = cs->local_rules_file;
    paths[n++] = cs->rules_file;
    return classify_rules_load(paths, n, rules_r, error_r) < 0 ? -1 : 0;
}
