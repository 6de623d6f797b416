/*
 * rulesfile.c - the rules a configuration names: local override first.
 */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/rulesfile.h"
#include "core/rules.h"

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

/* Warns when the override is set but the daemon would skip it. */
static void check_override(const struct classify_settings *cs,
                           rulesfile_warn_fn *warn, void *ctx)
{
    char msg[1024];

    if (cs->local_rules_file == NULL || cs->local_rules_file[0] == '\0' ||
        access(cs->local_rules_file, R_OK) == 0)
        return;
    snprintf(msg, sizeof msg,
             "local_rules_file %s: cannot read it (%s): only the shipped "
             "rules are used",
             cs->local_rules_file, strerror(errno));
    warn(ctx, msg);
}

/* Warns about each rule whose text expression runs on every reply. */
static void check_prefilter(const struct classify_rules *rules,
                            rulesfile_warn_fn *warn, void *ctx)
{
    char msg[1024];
    struct rule_info ri;

    for (size_t i = 0; rules_at(rules, i, &ri); i++) {
        if (!rules_has_text(rules, i) || rules_prefilter_literals(rules, i) > 0)
            continue;
        snprintf(msg, sizeof msg,
                 "%s:%u: rule %s: its text= expression has no literal to "
                 "look for first, so it runs on every reply its other "
                 "conditions let through (bounceguard-rules(5))",
                 ri.file != NULL ? ri.file : "?", ri.line, ri.id);
        warn(ctx, msg);
    }
}

void rulesfile_warnings(const struct classify_settings *cs,
                        const struct classify_rules *rules,
                        rulesfile_warn_fn *warn, void *ctx)
{
    check_override(cs, warn, ctx);
    if (rules != NULL)
        check_prefilter(rules, warn, ctx);
}

int rulesfile_check(const struct classify_settings *cs,
                    struct classify_rules_stats *stats_r,
                    rulesfile_warn_fn *warn, void *ctx, char **error_r)
{
    struct classify_rules *rules = NULL;

    if (rulesfile_load(cs, &rules, error_r) != 0) {
        check_override(cs, warn, ctx);
        return -1;
    }
    rulesfile_warnings(cs, rules, warn, ctx);
    classify_rules_stats(rules, stats_r);
    classify_rules_free(&rules);
    return 0;
}

void rulesfile_describe(const struct classify_rules_stats *st, char *buf,
                        size_t size)
{
    snprintf(buf, size, "prefilter: %zu literals, %zu states, %zu kB",
             st->literals, st->states, (st->table_bytes + 1023) / 1024);
}
