/*
 * dump_report.c - prints what report_parse() makes of message files, in a
 * stable text form, for the golden tests (tests/golden/run.sh) and the
 * corpus recall check (tests/integration/corpus_recipients.sh).
 *
 * Usage: dump_report FILE...            full dump of each file
 *        dump_report -r FILE...         one "basename<TAB>recipient" line
 *                                       per recipient (or "basename<TAB>"
 *                                       when there is none)
 *        dump_report -b ROUNDS FILE...  parses the files ROUNDS times and
 *                                       prints files per CPU second and the
 *                                       peak RSS (parser throughput)
 * Exit status: 0, or 1 when a file cannot be read or parsed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "core/report.h"

static char *dump_read(const char *path, size_t *len_r)
{
    FILE *fp = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, len = 0, n;

    if (fp == NULL)
        return NULL;
    do {
        if (len == cap) {
            char *nb = realloc(buf, cap = cap ? cap * 2 : 65536);
            if (nb == NULL) {
                free(buf);
                fclose(fp);
                return NULL;
            }
            buf = nb;
        }
        n = fread(buf + len, 1, cap - len, fp);
        len += n;
    } while (n > 0);
    fclose(fp);
    *len_r = len;
    return buf;
}

static void dump_str(const char *name, const char *v)
{
    printf("%s: %s\n", name, v != NULL ? v : "(null)");
}

static void dump_full(const struct report *r)
{
    printf("kind: %s\n", report_kind_name(r->kind));
    dump_str("mta", r->mta);
    printf("errors: 0x%04x\n", r->errors);
    dump_str("from", r->from);
    dump_str("subject", r->subject);
    dump_str("message-id", r->message_id);
    dump_str("reporting-mta", r->reporting_mta);
    dump_str("arrival-date", r->arrival_date);
    dump_str("envelope-id", r->envelope_id);
    dump_str("postfix-queue-id", r->postfix_queue_id);
    dump_str("postfix-sender", r->postfix_sender);
    dump_str("orig-message-id", r->orig_message_id);
    dump_str("orig-from", r->orig_from);
    dump_str("orig-to", r->orig_to);
    dump_str("orig-subject", r->orig_subject);
    dump_str("orig-return-path", r->orig_return_path);
    for (size_t i = 0; i < r->nrcpts; i++) {
        const struct report_rcpt *rc = &r->rcpts[i];
        printf("rcpt %zu:\n", i);
        dump_str("  recipient", rc->recipient);
        dump_str("  original-recipient", rc->original_recipient);
        dump_str("  action", rc->action);
        printf("  status: %s\n  reply-code: %d\n", rc->status,
               rc->reply_code);
        dump_str("  diagnostic", rc->diagnostic);
        dump_str("  remote-mta", rc->remote_mta);
        dump_str("  last-attempt", rc->last_attempt);
        dump_str("  will-retry-until", rc->will_retry_until);
    }
}

static void dump_rcpts(const char *path, const struct report *r)
{
    const char *base = strrchr(path, '/');

    base = base != NULL ? base + 1 : path;
    if (r->nrcpts == 0)
        printf("%s\t\t%s\t%s\n", base, report_kind_name(r->kind),
               r->mta != NULL ? r->mta : "");
    for (size_t i = 0; i < r->nrcpts; i++)
        printf("%s\t%s\t%s\t%s\t%s\t%d\n", base, r->rcpts[i].recipient,
               report_kind_name(r->kind), r->mta != NULL ? r->mta : "",
               r->rcpts[i].status, r->rcpts[i].reply_code);
}

static double dump_cpu(void)
{
    struct rusage ru;

    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* -b ROUNDS FILE...: the files are read once, then parsed ROUNDS times. */
static int dump_bench(int rounds, int n, char **paths)
{
    struct mime_limits lim;
    char **buf = calloc((size_t)n, sizeof *buf);
    size_t *len = calloc((size_t)n, sizeof *len), rcpts = 0;
    struct rusage ru;

    if (buf == NULL || len == NULL || rounds < 1)
        return 1;
    mime_limits_default(&lim);
    for (int i = 0; i < n; i++)
        if ((buf[i] = dump_read(paths[i], &len[i])) == NULL)
            return 1;
    double t0 = dump_cpu();
    for (int k = 0; k < rounds; k++)
        for (int i = 0; i < n; i++) {
            struct report *r;
            const char *err;
            if (report_parse(buf[i], len[i], &lim, &r, &err) == 0) {
                rcpts += r->nrcpts;
                report_free(&r);
            }
        }
    double cpu = dump_cpu() - t0;
    getrusage(RUSAGE_SELF, &ru);
    printf("files=%d rounds=%d recipients=%zu cpu_seconds=%.3f "
           "files_per_cpu_second=%.0f peak_rss_kb=%ld\n",
           n, rounds, rcpts, cpu, cpu > 0 ? n * (double)rounds / cpu : 0.0,
           ru.ru_maxrss);
    for (int i = 0; i < n; i++)
        free(buf[i]);
    free(buf);
    free(len);
    return 0;
}

int main(int argc, char **argv)
{
    struct mime_limits lim;
    bool brief = argc > 1 && strcmp(argv[1], "-r") == 0;
    int rc = 0;

    if (argc > 2 && strcmp(argv[1], "-b") == 0)
        return dump_bench(atoi(argv[2]), argc - 3, argv + 3);
    mime_limits_default(&lim);
    for (int i = brief ? 2 : 1; i < argc; i++) {
        size_t len = 0;
        char *buf = dump_read(argv[i], &len);
        struct report *r = NULL;
        const char *err;

        if (buf == NULL) {
            fprintf(stderr, "%s: %s\n", argv[i], strerror(errno));
            rc = 1;
            continue;
        }
        if (report_parse(buf, len, &lim, &r, &err) < 0) {
            fprintf(stderr, "%s: %s\n", argv[i], err);
            rc = 1;
        } else if (brief) {
            dump_rcpts(argv[i], r);
        } else {
            dump_full(r);
        }
        report_free(&r);
        free(buf);
    }
    return rc;
}
