/*
 * reload.c - implementation of reload.h.
 */
#include "config.h"

#include "milter/reload.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cfg.h"
#include "common/cfg_schema.h"
#include "common/log.h"
#include "milter/milter.h"

/* Keys that take effect on reload: the rest are read once, when the
 * daemon starts (socket and privileges, the store and its policy, the alert
 * service, the SPF/DKIM service, metrics and monitor).  milter.* and
 * classify.* are read per connection from the current snapshot; the log
 * feed is restarted with the new logfeed.* (milter_reloaded). */
static bool reload_applies(const char *group, const char *key)
{
    static const char *const live[] = {
        "log_level",          "auth.outbound_check",
        "auth.inbound_check", "auth.add_auth_results",
        "auth.credibility",   "alerts.outbound_auth",
    };
    char full[128];

    if (strcmp(group, "milter") == 0) /* but not the engine itself */
        return strcmp(key, "engine") != 0 && strcmp(key, "threads") != 0;
    if (strcmp(group, "classify") == 0 || strcmp(group, "logfeed") == 0)
        return true;
    snprintf(full, sizeof full, "%s%s%s", group, group[0] != '\0' ? "." : "",
             key);
    for (size_t i = 0; i < sizeof live / sizeof *live; i++)
        if (strcmp(full, live[i]) == 0)
            return true;
    return false;
}

/* Warns about every changed key only start-up reads (the daemon keeps its
 * old value until a restart). */
static void reload_warn_fixed(const struct bg_settings *a,
                              const struct bg_settings *b)
{
    char av[2048], bv[2048];

    for (size_t g = 0; g < cfg_groups_count; g++) {
        const struct cfg_group *grp = &cfg_groups[g];
        for (size_t k = 0; k < grp->n_keys; k++) {
            const struct cfg_key *key = &grp->keys[k];
            if (reload_applies(grp->name, key->name))
                continue;
            cfg_value_format(a, key, av, sizeof av);
            cfg_value_format(b, key, bv, sizeof bv);
            if (strcmp(av, bv) != 0)
                log_warning(NULL,
                            "%s%s%s changed: takes effect after a "
                            "restart",
                            grp->name, grp->name[0] != '\0' ? "." : "",
                            key->name);
        }
    }
}

int reload_config(const char *path)
{
    struct bg_config *cfg, *old;
    enum log_level level;
    char *error;

    if (cfg_load(path, &cfg, &error) != 0) {
        log_error(NULL, "reload failed: %s; keeping the running configuration",
                  error);
        free(error);
        return -1;
    }
    if (milter_reload_rules(cfg_settings(cfg)) != 0) {
        log_error(NULL,
                  "reload failed: %s: its classification rules do not load; "
                  "keeping the running configuration",
                  path);
        cfg_unref(&cfg);
        return -1;
    }
    if ((old = cfg_current()) != NULL)
        reload_warn_fixed(cfg_settings(old), cfg_settings(cfg));
    cfg_unref(&old);
    if (log_level_parse(cfg_settings(cfg)->log_level, &level))
        log_set_level(level);
    cfg_install(cfg);
    milter_reloaded();
    log_notice(NULL, "configuration reloaded from %s", path);
    return 0;
}
