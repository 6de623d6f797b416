/*
 * logfeed-run.c - test driver: runs the daemon's log feed (logfeed_start /
 * logfeed_stop, the same calls milter_start/milter_shutdown make) without
 * libmilter, from a configuration file: opens the store, loads the rules,
 * follows logfeed.path until SIGTERM or SIGINT, then stops the feed and
 * closes the store.
 *
 * Usage: logfeed-run CONF
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "common/cfg.h"
#include "common/log.h"
#include "common/rulesfile.h"
#include "core/classify.h"
#include "logfeed/logfeed.h"
#include "store/store.h"

static int load_rules(const struct bg_settings *set,
                      struct classify_rules **rules_r)
{
    char *err = NULL;

    if (rulesfile_load(&set->classify, rules_r, &err) < 0) {
        fprintf(stderr, "logfeed-run: %s\n", err ? err : "rules");
        free(err);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct bg_config *cfg = NULL;
    const struct bg_settings *set;
    struct classify_rules *rules = NULL;
    struct store *store = NULL;
    struct logfeed *feed;
    char *err = NULL;
    sigset_t mask;
    int sig;

    if (argc != 2) {
        fprintf(stderr, "usage: logfeed-run CONF\n");
        return 64;
    }
    sigemptyset(&mask);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGINT);
    pthread_sigmask(SIG_BLOCK, &mask, NULL);
    (void)log_open("logfeed-run", "mail", true);
    log_set_level(LOG_LVL_DEBUG);
    if (cfg_load(argv[1], &cfg, &err) < 0) {
        fprintf(stderr, "logfeed-run: %s\n", err);
        return 78;
    }
    set = cfg_settings(cfg);
    if (load_rules(set, &rules) < 0)
        return 78;
    struct store_settings ss = set->store;
    ss.daemon = true; /* as the daemon: opens while the server is down */
    if (store_open(&ss, &set->policy, &store, &err) < 0) {
        fprintf(stderr, "logfeed-run: store: %s\n", err);
        return 69;
    }
    feed = logfeed_start(&set->logfeed, store, rules, NULL, NULL, &err);
    if (feed == NULL) {
        fprintf(stderr, "logfeed-run: %s\n", err ? err : "no logfeed.path");
        return 78;
    }
    fprintf(stderr, "logfeed-run: following %s\n", set->logfeed.path);
    (void)sigwait(&mask, &sig);
    logfeed_stop(&feed);
    store_close(&store);
    classify_rules_free(&rules);
    cfg_unref(&cfg);
    log_close();
    return 0;
}
