/*
 * cmd_report.c - "bounceguardctl report [--since 7d] [--domain D]
 * [--html FILE] [--db FILE]": what bounced, where and why, from the store's
 * history (report_data.h); terminal tables or one HTML page.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctl/ctl.h"
#include "ctl/report_data.h"

#define USAGE                                                                  \
    "usage: report [--since DURATION] [--domain D] [--html FILE] [--db FILE]"

/* "7d", "24h", "90m", "2w", "3600" or "3600s"; false when bad. */
static bool parse_span(const char *s, long long *secs_r)
{
    char *end;
    long long v = strtoll(s, &end, 10), mul = 1;

    if (end == s || v <= 0)
        return false;
    switch (*end) {
    case '\0':
    case 's':
        break;
    case 'm':
        mul = 60;
        break;
    case 'h':
        mul = 3600;
        break;
    case 'd':
        mul = 86400;
        break;
    case 'w':
        mul = 7 * 86400;
        break;
    default:
        return false;
    }
    if (*end != '\0' && end[1] != '\0')
        return false;
    if (v > 3660LL * 86400 / mul)
        return false;
    *secs_r = v * mul;
    return true;
}

/* ------------------------------------------------------------- command */

struct report_opts {
    long long span;
    char *domain;
    const char *html, *db;
};

static int report_options(int argc, char **argv, struct report_opts *o)
{
    static const struct option longopts[] = {
        {"since", required_argument, NULL, 's'},
        {"domain", required_argument, NULL, 'd'},
        {"html", required_argument, NULL, 'H'},
        {"db", required_argument, NULL, 'D'},
        {NULL, 0, NULL, 0},
    };
    int ch;

    while ((ch = getopt_long(argc, argv, "s:d:H:D:", longopts, NULL)) != -1) {
        switch (ch) {
        case 's':
            if (!parse_span(optarg, &o->span)) {
                ctl_error("report: bad --since \"%s\" (e.g. 7d, 24h)", optarg);
                return CTL_USAGE;
            }
            break;
        case 'd':
            o->domain = optarg;
            for (char *c = o->domain; *c; c++)
                *c = (char)tolower((unsigned char)*c);
            break;
        case 'H':
            o->html = optarg;
            break;
        case 'D':
            o->db = optarg;
            break;
        default:
            ctl_error(USAGE);
            return CTL_USAGE;
        }
    }
    if (optind != argc) {
        ctl_error(USAGE);
        return CTL_USAGE;
    }
    return CTL_OK;
}

/* Where the report reads: the SQLite file of --db, else the configured
 * store (its SQLite file, or its PostgreSQL conninfo when *pgsql_r).  NULL
 * after an error message. */
static const char *report_source(const struct ctl_env *env,
                                 const struct report_opts *o, bool *pgsql_r)
{
    const struct bg_settings *set;

    *pgsql_r = false;
    if (o->db != NULL)
        return o->db;
    set = ctl_settings(env);
    if (strcmp(set->store.backend, "postgresql") == 0) {
#ifdef HAVE_POSTGRESQL
        *pgsql_r = true;
        return set->store.conninfo;
#else
        ctl_error("report: store.backend is \"postgresql\", but this "
                  "bounceguardctl was built without PostgreSQL support");
        return NULL;
#endif
    }
    return set->store.path;
}

/* The queries on the source report_source() names. */
static int report_run(const char *src, bool pgsql, long long since,
                      long long now, const char *domain, struct report_data *d,
                      char *err, size_t errsize)
{
#ifdef HAVE_POSTGRESQL
    if (pgsql)
        return report_query_pgsql(src, since, now, domain, d, err, errsize);
#endif
    (void)pgsql;
    return report_query(src, since, now, domain, d, err, errsize);
}

/* The levels of monitor.warn and monitor.crit when a configuration is
 * there (validated percentages), else the defaults. */
static void report_levels(const struct ctl_env *env, struct report_data *d)
{
    struct bg_config *cfg = ctl_config_optional(env);
    const struct bg_settings *set;

    if (cfg == NULL)
        return;
    set = cfg_settings(cfg);
    d->warn = strtod(set->monitor.warn, NULL) / 100.0;
    d->crit = strtod(set->monitor.crit, NULL) / 100.0;
}

static int report_write_html(const struct report_data *d, const char *path)
{
    FILE *fp = fopen(path, "w");
    int rc;

    if (fp == NULL) {
        ctl_error("report: %s: %s", path, strerror(errno));
        return CTL_IOERR;
    }
    rc = report_html(d, fp);
    if (fclose(fp) != 0 || rc != 0) {
        ctl_error("report: %s: write error", path);
        return CTL_IOERR;
    }
    return CTL_OK;
}

int cmd_report(const struct ctl_env *env, int argc, char **argv)
{
    struct report_opts o = {7 * 86400, NULL, NULL, NULL};
    struct report_data *d;
    char err[512];
    const char *src;
    bool pgsql;
    long long now = (long long)time(NULL);
    int rc;

    if ((rc = report_options(argc, argv, &o)) != CTL_OK)
        return rc;
    if ((src = report_source(env, &o, &pgsql)) == NULL)
        return CTL_CONFIG;
    if ((d = calloc(1, sizeof *d)) == NULL) {
        ctl_error("report: out of memory");
        return CTL_SOFTWARE;
    }
    if (report_run(src, pgsql, now - o.span, now, o.domain, d, err,
                   sizeof err) != 0) {
        ctl_error("report: %s", err);
        rc = CTL_UNAVAILABLE;
    } else {
        report_levels(env, d);
        if (o.html != NULL) {
            rc = report_write_html(d, o.html);
        } else {
            report_text(d, stdout);
            rc = ferror(stdout) ? CTL_IOERR : CTL_OK;
        }
    }
    report_data_free(d);
    free(d);
    return rc;
}
