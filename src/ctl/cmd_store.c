/*
 * cmd_store.c - the suppression store's commands of bounceguardctl(8):
 * list, show, check, add, remove, import, export, stats, expire.
 *
 * Each opens the configured store (store group of bounceguard.conf(5))
 * without the PostgreSQL spool: an administrator's change either reaches
 * the store or fails loudly.  Changes go through the same queue, policy and
 * history as the daemon's decisions (source "manual" or "import"), so a
 * removal also stops older bounces from suppressing the address again.
 */
#include "ctl/ctl.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/json.h"
#include "core/addr.h"
#include "ctl/store_import.h"
#include "store/store.h"

#define FLUSH_TIMEOUT_MS 30000

enum out_format { OUT_TABLE, OUT_CSV, OUT_JSON };

struct list_ctx {
    enum out_format fmt;
    FILE *out;
    long long n;
    struct json j;
};

static int open_store(const struct ctl_env *env, struct store **st_r)
{
    const struct bg_settings *set = ctl_settings(env);
    struct store_settings ss = set->store;
    char *err = NULL;

    ss.spool = NULL;
    ss.lookup_timeout_ms = 0; /* listings may take long */
    if (store_open(&ss, &set->policy, st_r, &err) < 0) {
        ctl_error("store: %s", err ? err : "cannot open");
        free(err);
        return -1;
    }
    return 0;
}

static int finish(struct store **st, int status)
{
    if (*st != NULL && store_flush(*st, FLUSH_TIMEOUT_MS) < 0) {
        struct store_health h;
        store_get_health(*st, &h);
        ctl_error("store: changes not written: %s", h.last_error);
        status = CTL_UNAVAILABLE;
    }
    store_close(st);
    return status;
}

static void fmt_time(long long t, char *buf, size_t size)
{
    time_t tt = (time_t)t;
    struct tm tm;

    if (t <= 0) {
        snprintf(buf, size, "never");
        return;
    }
    gmtime_r(&tt, &tm);
    strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static bool parse_format(const char *s, enum out_format *f)
{
    if (strcmp(s, "table") == 0)
        *f = OUT_TABLE;
    else if (strcmp(s, "csv") == 0)
        *f = OUT_CSV;
    else if (strcmp(s, "json") == 0)
        *f = OUT_JSON;
    else
        return false;
    return true;
}

/* --------------------------------------------------------------- output */

static void csv_field(FILE *out, const char *s, bool last)
{
    if (strpbrk(s, ",\"\r\n") != NULL) {
        fputc('"', out);
        for (; *s; s++) {
            if (*s == '"')
                fputc('"', out);
            fputc(*s, out);
        }
        fputc('"', out);
    } else
        fputs(s, out);
    fputc(last ? '\n' : ',', out);
}

static const char csv_header[] =
    "address,reason,bucket,status,reply_code,diagnostic,source,rule,"
    "reporting_mta,remote_mta,first_seen,last_seen,count,expires,"
    "message_id,queue_id,sender,manual\n";

static void print_csv(FILE *out, const struct suppression *s)
{
    char n[6][24];

    snprintf(n[0], sizeof n[0], "%d", s->reply_code);
    snprintf(n[1], sizeof n[1], "%lld", s->first_seen);
    snprintf(n[2], sizeof n[2], "%lld", s->last_seen);
    snprintf(n[3], sizeof n[3], "%lld", s->count);
    snprintf(n[4], sizeof n[4], "%lld", s->expires);
    snprintf(n[5], sizeof n[5], "%d", s->manual);
    const char *f[] = {s->address,
                       s->reason,
                       bucket_name(s->bucket),
                       s->status,
                       n[0],
                       s->diagnostic,
                       store_source_name(s->source),
                       s->rule,
                       s->reporting_mta,
                       s->remote_mta,
                       n[1],
                       n[2],
                       n[3],
                       n[4],
                       s->message_id,
                       s->queue_id,
                       s->sender,
                       n[5]};
    for (size_t i = 0; i < sizeof f / sizeof *f; i++)
        csv_field(out, f[i], i + 1 == sizeof f / sizeof *f);
}

static void print_json(struct json *j, FILE *out, const struct suppression *s)
{
    json_reset(j);
    json_obj_begin(j);
    json_key_string(j, "address", s->address);
    json_key_string(j, "reason", s->reason);
    json_key_string(j, "bucket", bucket_name(s->bucket));
    json_key_string(j, "status", s->status);
    json_key_int(j, "reply_code", s->reply_code);
    json_key_string(j, "diagnostic", s->diagnostic);
    json_key_string(j, "source", store_source_name(s->source));
    json_key_string(j, "rule", s->rule);
    json_key_string(j, "reporting_mta", s->reporting_mta);
    json_key_string(j, "remote_mta", s->remote_mta);
    json_key_int(j, "first_seen", s->first_seen);
    json_key_int(j, "last_seen", s->last_seen);
    json_key_int(j, "count", s->count);
    json_key_int(j, "expires", s->expires);
    json_key_string(j, "message_id", s->message_id);
    json_key_string(j, "queue_id", s->queue_id);
    json_key_string(j, "sender", s->sender);
    json_key_bool(j, "manual", s->manual);
    json_obj_end(j);
    fprintf(out, "%s\n", json_str(j));
}

static int list_cb(const struct suppression *s, void *ctx)
{
    struct list_ctx *c = ctx;
    char last[32], exp[32];

    c->n++;
    switch (c->fmt) {
    case OUT_CSV:
        print_csv(c->out, s);
        break;
    case OUT_JSON:
        print_json(&c->j, c->out, s);
        break;
    case OUT_TABLE:
        fmt_time(s->last_seen, last, sizeof last);
        fmt_time(s->expires, exp, sizeof exp);
        fprintf(c->out, "%-40s %-18s %-6s %-6s %-20s %-20s %lld\n", s->address,
                s->reason, bucket_name(s->bucket), s->status, last, exp,
                s->count);
        break;
    }
    return 0;
}

static int walk(struct store *st, const struct store_filter *f,
                enum out_format fmt, FILE *out, long long *n_r)
{
    struct list_ctx c = {.fmt = fmt, .out = out};
    int rc;

    json_init(&c.j, JSON_DEFAULT_CAP);
    if (fmt == OUT_CSV)
        fputs(csv_header, out);
    else if (fmt == OUT_TABLE)
        fprintf(out, "%-40s %-18s %-6s %-6s %-20s %-20s %s\n", "ADDRESS",
                "REASON", "BUCKET", "STATUS", "LAST SEEN", "EXPIRES", "COUNT");
    rc = store_list(st, f, list_cb, &c);
    json_free(&c.j);
    *n_r = c.n;
    return rc;
}

/* ----------------------------------------------------------------- list */

int cmd_list(const struct ctl_env *env, int argc, char **argv)
{
    static const struct option opts[] = {
        {"reason", required_argument, NULL, 'r'},
        {"bucket", required_argument, NULL, 'b'},
        {"domain", required_argument, NULL, 'd'},
        {"since", required_argument, NULL, 's'},
        {"format", required_argument, NULL, 'f'},
        {"all", no_argument, NULL, 'a'},
        {NULL, 0, NULL, 0},
    };
    struct store_filter f = {.bucket = -1, .now = (long long)time(NULL)};
    enum out_format fmt = OUT_TABLE;
    enum bucket b;
    long long age, n;
    struct store *st;
    int ch, rc;

    while ((ch = getopt_long(argc, argv, "r:b:d:s:f:a", opts, NULL)) != -1) {
        switch (ch) {
        case 'r':
            f.reason = optarg;
            break;
        case 'd':
            f.domain = optarg;
            break;
        case 'a':
            f.now = 0;
            break;
        case 'b':
            if (!bucket_parse(optarg, &b))
                goto usage;
            f.bucket = (int)b;
            break;
        case 's':
            if (cfg_parse_duration(optarg, &age) < 0)
                goto usage;
            f.since = (long long)time(NULL) - age;
            break;
        case 'f':
            if (!parse_format(optarg, &fmt))
                goto usage;
            break;
        default:
            goto usage;
        }
    }
    if (optind != argc || open_store(env, &st) < 0)
        return optind != argc ? CTL_USAGE : CTL_UNAVAILABLE;
    rc = walk(st, &f, fmt, stdout, &n);
    store_close(&st);
    if (rc < 0) {
        ctl_error("list: store error");
        return CTL_UNAVAILABLE;
    }
    return CTL_OK;
usage:
    ctl_error("usage: list [--reason R] [--bucket hard|soft|sender|none] "
              "[--domain D] [--since AGE] [--all] "
              "[--format table|json|csv]");
    return CTL_USAGE;
}

/* ----------------------------------------------------------- show/check */

static void print_entry(const struct suppression *s)
{
    char t[3][32];

    fmt_time(s->first_seen, t[0], sizeof t[0]);
    fmt_time(s->last_seen, t[1], sizeof t[1]);
    fmt_time(s->expires, t[2], sizeof t[2]);
    printf("address:     %s\nsuppressed:  yes (%s)\nreason:      %s\n"
           "bucket:      %s\nstatus:      %s %d\ndiagnostic:  %s\n"
           "source:      %s%s\nrule:        %s\nremote MTA:  %s\n"
           "first seen:  %s\nlast seen:   %s\nevents:      %lld\n"
           "expires:     %s\nevidence:    message-id <%s>, queue id %s, "
           "sender <%s>\n",
           s->address, s->manual ? "manual" : "automatic", s->reason,
           bucket_name(s->bucket), s->status, s->reply_code, s->diagnostic,
           store_source_name(s->source), s->manual ? " (manual)" : "", s->rule,
           s->remote_mta, t[0], t[1], s->count, t[2], s->message_id,
           s->queue_id, s->sender);
}

static int history_cb(const struct store_history_row *h, void *ctx)
{
    char t[32];

    (*(int *)ctx)++;
    fmt_time(h->ev.when, t, sizeof t);
    printf("  %s %-10s %-10s %-6s %-16s %-6s %3d %-11s %s\n", t,
           h->decision ? h->decision : "-", h->ev.action ? h->ev.action : "-",
           bucket_name(h->ev.bucket), h->ev.reason ? h->ev.reason : "-",
           h->ev.status ? h->ev.status : "-", h->ev.reply_code,
           store_source_name(h->ev.source),
           h->ev.diagnostic ? h->ev.diagnostic : "");
    return 0;
}

int cmd_show(const struct ctl_env *env, int argc, char **argv)
{
    struct suppression s;
    struct store *st;
    int found, events = 0;

    if (argc != 2) {
        ctl_error("usage: show ADDRESS");
        return CTL_USAGE;
    }
    if (open_store(env, &st) < 0)
        return CTL_UNAVAILABLE;
    found = store_lookup(st, argv[1], (long long)time(NULL), &s);
    if (found == 1)
        print_entry(&s);
    else
        printf("address:     %s\nsuppressed:  no\n", argv[1]);
    printf("history:\n");
    if (store_history(st, argv[1], history_cb, &events) < 0)
        ctl_error("show: cannot read the history");
    if (events == 0)
        printf("  (no events)\n");
    store_close(&st);
    if (found < 0)
        return CTL_UNAVAILABLE;
    return found == 1 || events > 0 ? CTL_OK : CTL_NO;
}

int cmd_check(const struct ctl_env *env, int argc, char **argv)
{
    struct suppression s;
    struct store *st;
    bool quiet = argc == 3 && strcmp(argv[1], "-q") == 0;
    const char *addr = argv[argc - 1];
    char exp[32];
    int rc;

    if ((argc != 2 && !quiet) || addr[0] == '-') {
        ctl_error("usage: check [-q] ADDRESS");
        return CTL_USAGE;
    }
    if (open_store(env, &st) < 0)
        return CTL_UNAVAILABLE;
    rc = store_lookup(st, addr, (long long)time(NULL), &s);
    store_close(&st);
    if (rc < 0) {
        ctl_error("check: store error");
        return CTL_UNAVAILABLE;
    }
    if (!quiet && rc == 1) {
        fmt_time(s.expires, exp, sizeof exp);
        printf("%s: suppressed (%s, %s%s%s, expires %s)\n", addr, s.reason,
               bucket_name(s.bucket), strcmp(s.address, addr) ? ", by " : "",
               strcmp(s.address, addr) ? s.address : "", exp);
    } else if (!quiet)
        printf("%s: not suppressed\n", addr);
    return rc == 1 ? CTL_OK : CTL_NO;
}

/* ----------------------------------------------------------- add/remove */

static int change(const struct ctl_env *env, const char *addr,
                  const char *action, const char *reason, enum bucket b,
                  long long expires)
{
    struct store_event ev = {
        .when = (long long)time(NULL),
        .recipient = addr,
        .reason = reason,
        .bucket = b,
        .source = SRC_MANUAL,
        .action = action,
        .credible = true,
        .expires = expires,
    };
    struct store *st;

    if (open_store(env, &st) < 0)
        return CTL_UNAVAILABLE;
    if (store_record(st, &ev) < 0) {
        ctl_error("%s: not a valid address or domain", addr);
        store_close(&st);
        return CTL_DATAERR;
    }
    return finish(&st, CTL_OK);
}

int cmd_add(const struct ctl_env *env, int argc, char **argv)
{
    static const struct option opts[] = {
        {"reason", required_argument, NULL, 'r'},
        {"expires", required_argument, NULL, 'e'},
        {"bucket", required_argument, NULL, 'b'},
        {NULL, 0, NULL, 0},
    };
    const char *reason = "manual";
    enum bucket b = BUCKET_HARD;
    long long dur = 0;
    int ch, rc;

    while ((ch = getopt_long(argc, argv, "r:e:b:", opts, NULL)) != -1) {
        if (ch == 'r')
            reason = optarg;
        else if (ch == 'e' && cfg_parse_duration(optarg, &dur) == 0 && dur > 0)
            ;
        else if (ch == 'b' && bucket_parse(optarg, &b) &&
                 (b == BUCKET_HARD || b == BUCKET_SOFT))
            ;
        else
            goto usage;
    }
    if (optind + 1 != argc)
        goto usage;
    rc = change(env, argv[optind], STORE_ACTION_ADD, reason, b,
                dur > 0 ? (long long)time(NULL) + dur : 0);
    if (rc == CTL_OK)
        printf("%s: suppressed (%s)\n", argv[optind], reason);
    return rc;
usage:
    ctl_error("usage: add [--reason R] [--expires DURATION] "
              "[--bucket hard|soft] ADDRESS|DOMAIN");
    return CTL_USAGE;
}

int cmd_remove(const struct ctl_env *env, int argc, char **argv)
{
    int rc;

    if (argc != 2) {
        ctl_error("usage: remove ADDRESS|DOMAIN");
        return CTL_USAGE;
    }
    rc = change(env, argv[1], STORE_ACTION_REMOVE, NULL, BUCKET_NONE, 0);
    if (rc == CTL_OK)
        printf("%s: removed; older bounces will not suppress it again\n",
               argv[1]);
    return rc;
}

/* --------------------------------------------------------- import/export */

struct import_ctx {
    struct store *st;
    const char *file;
    enum addr_local_part lp;
    long long now;
    unsigned long imported, skipped;
};

static int import_cb(unsigned long line, const struct import_row *row,
                     const char *why, void *ctx)
{
    struct import_ctx *c = ctx;
    char key[ADDR_MAX + 1];

    if (row != NULL &&
        addr_normalize(row->address, strlen(row->address), c->lp,
                       ADDR_ALLOW_DOMAIN, key, sizeof key, &why) == 0 &&
        row->expires > 0 && row->expires <= c->now)
        why = "already expired";
    if (why != NULL) {
        fprintf(stderr, "%s:%lu: %s\n", c->file, line, why);
        c->skipped++;
        return 0;
    }
    struct store_event ev = {
        .when = row->when > 0 ? row->when : c->now,
        .recipient = key,
        .reason = row->reason,
        .bucket = row->bucket,
        .status = row->status,
        .reply_code = row->reply_code,
        .diagnostic = row->diagnostic,
        .source = SRC_IMPORT,
        .action = STORE_ACTION_ADD,
        .orig_message_id = row->message_id,
        .queue_id = row->queue_id,
        .sender = row->sender,
        .credible = true,
        .expires = row->expires,
    };
    while (store_record(c->st, &ev) < 0) /* queue full: let it drain */
        if (store_flush(c->st, FLUSH_TIMEOUT_MS) < 0)
            return -1;
    c->imported++;
    return 0;
}

int cmd_import(const struct ctl_env *env, int argc, char **argv)
{
    struct import_ctx c = {.now = (long long)time(NULL)};
    const char *format = NULL, *err = NULL;
    FILE *f;
    int rc, status;

    if (argc != 2) {
        ctl_error("usage: import FILE|-");
        return CTL_USAGE;
    }
    c.file = strcmp(argv[1], "-") == 0 ? "(stdin)" : argv[1];
    f = strcmp(argv[1], "-") == 0 ? stdin : fopen(argv[1], "r");
    if (f == NULL) {
        ctl_error("%s: cannot open", argv[1]);
        return CTL_NOINPUT;
    }
    if (!addr_local_part_parse(ctl_settings(env)->store.local_part, &c.lp) ||
        open_store(env, &c.st) < 0) {
        if (f != stdin)
            fclose(f);
        return CTL_UNAVAILABLE;
    }
    rc = store_import_read(f, import_cb, &c, &format, &err);
    if (f != stdin)
        fclose(f);
    if (rc < 0 && err != NULL)
        ctl_error("%s: %s", c.file, err);
    status = finish(&c.st, rc < 0 ? CTL_DATAERR : CTL_OK);
    if (status == CTL_OK && c.skipped > 0)
        status = CTL_DATAERR;
    printf("%s: %s: imported %lu, skipped %lu\n", c.file,
           format ? format : "unknown format",
           status == CTL_UNAVAILABLE ? 0 : c.imported, c.skipped);
    return status;
}

int cmd_export(const struct ctl_env *env, int argc, char **argv)
{
    struct store_filter f = {.bucket = -1, .now = (long long)time(NULL)};
    enum out_format fmt = OUT_CSV;
    struct store *st;
    long long n;
    FILE *out = stdout;
    int ch, rc;

    while ((ch = getopt(argc, argv, "f:")) != -1)
        if (ch != 'f' || !parse_format(optarg, &fmt) || fmt == OUT_TABLE)
            goto usage;
    if (argc - optind > 1)
        goto usage;
    if (optind < argc && (out = fopen(argv[optind], "w")) == NULL) {
        ctl_error("%s: cannot create", argv[optind]);
        return CTL_IOERR;
    }
    if (open_store(env, &st) < 0)
        rc = -1;
    else {
        rc = walk(st, &f, fmt, out, &n);
        store_close(&st);
    }
    if ((out != stdout && fclose(out) != 0) || rc < 0) {
        ctl_error("export failed");
        return CTL_IOERR;
    }
    if (out != stdout)
        printf("exported %lld\n", n);
    return CTL_OK;
usage:
    ctl_error("usage: export [-f csv|json] [FILE]");
    return CTL_USAGE;
}

/* ----------------------------------------------------------- stats/expire */

#define STATS_ROWS 64
#define WINDOWS 3

struct stats_ctx {
    char key[STATS_ROWS][ADDR_MAX + 1];
    long long n[STATS_ROWS][WINDOWS];
    size_t rows;
    int w;
};

static int stats_cb(const char *key, long long count, void *ctx)
{
    struct stats_ctx *c = ctx;
    size_t i;

    for (i = 0; i < c->rows && strcmp(c->key[i], key) != 0; i++)
        ;
    if (i == c->rows) {
        if (c->rows == STATS_ROWS)
            return 0; /* the largest STATS_ROWS (all time first) */
        snprintf(c->key[i], sizeof c->key[i], "%s", key);
        c->rows++;
    }
    c->n[i][c->w] = count;
    return 0;
}

int cmd_stats(const struct ctl_env *env, int argc, char **argv)
{
    static const char *const groups[] = {"reason", "bucket", "domain"};
    long long now = (long long)time(NULL);
    const long long since[WINDOWS] = {1, now - 7 * 86400, now - 86400};
    struct stats_ctx *c = malloc(sizeof *c);
    struct store *st;
    int rc = 0;

    (void)argv;
    if (argc != 1 || c == NULL) {
        free(c);
        ctl_error("usage: stats");
        return CTL_USAGE;
    }
    if (open_store(env, &st) < 0) {
        free(c);
        return CTL_UNAVAILABLE;
    }
    for (size_t g = 0; g < 3 && rc == 0; g++) {
        memset(c, 0, sizeof *c);
        for (c->w = 0; c->w < WINDOWS && rc == 0; c->w++)
            rc = store_stats(st, groups[g], since[c->w], now, stats_cb, c);
        printf("%-40s %10s %10s %10s\n", groups[g], "24h", "7d", "all");
        for (size_t i = 0; i < c->rows; i++)
            printf("%-40s %10lld %10lld %10lld\n", c->key[i], c->n[i][2],
                   c->n[i][1], c->n[i][0]);
        printf("\n");
    }
    store_close(&st);
    free(c);
    if (rc != 0) {
        ctl_error("stats: store error");
        return CTL_UNAVAILABLE;
    }
    return CTL_OK;
}

int cmd_expire(const struct ctl_env *env, int argc, char **argv)
{
    struct store *st;
    long long n;

    (void)argv;
    if (argc != 1) {
        ctl_error("usage: expire");
        return CTL_USAGE;
    }
    if (open_store(env, &st) < 0)
        return CTL_UNAVAILABLE;
    n = store_expire(st, (long long)time(NULL));
    store_close(&st);
    if (n < 0) {
        ctl_error("expire: store error");
        return CTL_UNAVAILABLE;
    }
    printf("expired %lld suppressions\n", n);
    return CTL_OK;
}
