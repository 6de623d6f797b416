/*
 * reload.c - implementation of reload.h.
 */
#include "config.h"

#include "milter/reload.h"

#include <stdlib.h>
#include <string.h>

#include "common/cfg.h"
#include "common/log.h"
#include "milter/milter.h"

/* Warns about keys only start-up reads (the daemon keeps their old
 * values). */
static void reload_warn_fixed(const struct bg_settings *a,
                              const struct bg_settings *b)
{
    static const char *const keys[] = {"socket",  "user",  "group",
                                       "pidfile", "umask", "syslog_facility"};
    const char *const av[] = {a->socket,  a->user,      a->group,
                              a->pidfile, a->umask_str, a->syslog_facility};
    const char *const bv[] = {b->socket,  b->user,      b->group,
                              b->pidfile, b->umask_str, b->syslog_facility};

    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        if ((av[i] == NULL) != (bv[i] == NULL) ||
            (av[i] != NULL && strcmp(av[i], bv[i]) != 0))
            log_warning(NULL, "%s changed: takes effect after a restart",
                        keys[i]);
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
