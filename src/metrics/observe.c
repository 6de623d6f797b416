/*
 * observe.c - the daemon's monitor and metrics endpoint; see observe.h.
 */
#include "metrics/observe.h"

#include <stdlib.h>

#include "common/log.h"
#include "metrics/metrics_http.h"
#include "metrics/monitor.h"

struct observe {
    struct monitor *monitor;
    struct metrics_http *http;
};

int observe_start(const struct bg_settings *set, const char *host,
                  struct observe **obs_r, const char **error_r)
{
    struct metrics_collector coll[1];
    struct observe *obs;
    size_t ncoll = 0;

    *obs_r = NULL;
    if (!set->monitor.enable && !set->metrics.enable)
        return 0;
    if ((obs = calloc(1, sizeof *obs)) == NULL) {
        *error_r = "out of memory";
        return -1;
    }
    if (set->monitor.enable) {
        if (monitor_new(set, host, &obs->monitor, error_r) != 0)
            goto fail;
        monitor_install(obs->monitor);
        coll[ncoll++] =
            (struct metrics_collector){monitor_collect, obs->monitor};
    }
    if (set->metrics.enable) {
        if (metrics_http_start(set->metrics.listen, coll, ncoll, &obs->http,
                               error_r) != 0)
            goto fail;
        log_notice(NULL, "metrics on http://%s/metrics", set->metrics.listen);
    }
    *obs_r = obs;
    return 0;
fail:
    observe_stop(&obs);
    return -1;
}

void observe_stop(struct observe **obs)
{
    if (*obs == NULL)
        return;
    metrics_http_stop(&(*obs)->http);
    monitor_install(NULL);
    monitor_free(&(*obs)->monitor);
    free(*obs);
    *obs = NULL;
}
