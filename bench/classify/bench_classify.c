/*
 * bench_classify.c - throughput of report_parse() + classify_report() on
 * one thread.  Reads the given files once into memory and loads the rules
 * (neither is timed), makes one untimed warm-up pass over all files, then
 * times ROUNDS passes one by one and prints
 *   files=N rounds=R recipients=K cpu_seconds=S files_per_second=F
 *   wall_files_per_second=W
 * (one line) where F is the median over the rounds of files per CPU second
 * of the process (CLOCK_PROCESS_CPUTIME_ID) and W the median of files per
 * wall-clock second; K counts the recipients of one pass.  Then, for the
 * classifier alone, it classifies every recipient's diagnostic (as parsed
 * once) ROUNDS times:
 *   replies=N seconds=S replies_per_second=F
 * Usage: bench_classify RULES ROUNDS FILE...
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/classify.h"
#include "core/report.h"

struct input {
    char *data;
    size_t len;
};

static int read_input(const char *path, struct input *in)
{
    FILE *fp = fopen(path, "rb");
    long n;

    if (fp == NULL || fseek(fp, 0, SEEK_END) != 0 || (n = ftell(fp)) < 0 ||
        fseek(fp, 0, SEEK_SET) != 0) {
        if (fp != NULL)
            fclose(fp);
        return -1;
    }
    in->len = (size_t)n;
    in->data = malloc(in->len + 1);
    if (in->data == NULL || fread(in->data, 1, in->len, fp) != in->len) {
        fclose(fp);
        return -1;
    }
    fclose(fp);
    return 0;
}

static double clock_s(clockid_t id)
{
    struct timespec ts;

    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double now(void)
{
    return clock_s(CLOCK_MONOTONIC);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

/* Median of v[0..n), n > 0; v is sorted in place. */
static double median(double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Parses and classifies one message; returns its recipients. */
static size_t one(const struct classify_rules *rules,
                  const struct mime_limits *lim, const struct input *in)
{
    struct report *rep = NULL;
    const char *err = NULL;
    struct verdict v[64];
    size_t n = 0;

    if (report_parse(in->data, in->len, lim, &rep, &err) < 0)
        return 0;
    if (rep->nrcpts > 0 && rep->nrcpts <= 64) {
        classify_report(rules, rep, v);
        n = rep->nrcpts;
    }
    report_free(&rep);
    return n;
}

/* Times classify_reply() alone on every recipient of every input. */
static void replies_only(const struct classify_rules *rules,
                         const struct mime_limits *lim,
                         const struct input *in, size_t nin, long rounds)
{
    size_t n = 0;
    double spent = 0;

    for (size_t i = 0; i < nin; i++) {
        struct report *rep = NULL;
        const char *err = NULL;
        if (report_parse(in[i].data, in[i].len, lim, &rep, &err) < 0)
            continue;
        double t0 = now();
        for (long r = 0; r < rounds; r++) {
            for (size_t k = 0; k < rep->nrcpts; k++) {
                const struct report_rcpt *rc = &rep->rcpts[k];
                struct verdict v;
                classify_reply(rules, rc->diagnostic,
                               rc->diagnostic ? strlen(rc->diagnostic) : 0,
                               rc->status, rc->reply_code, rc->action, &v);
            }
        }
        spent += now() - t0;
        n += rep->nrcpts * (size_t)rounds;
        report_free(&rep);
    }
    printf("replies=%zu seconds=%.3f replies_per_second=%.0f\n", n, spent,
           (double)n / spent);
}

int main(int argc, char **argv)
{
    struct classify_rules *rules = NULL;
    struct mime_limits lim;
    char *err = NULL;
    const char *paths[1];

    if (argc < 4) {
        fprintf(stderr, "usage: bench_classify RULES ROUNDS FILE...\n");
        return 64;
    }
    paths[0] = argv[1];
    if (classify_rules_load(paths, 1, &rules, &err) < 0) {
        fprintf(stderr, "%s\n", err);
        return 78;
    }
    long rounds = strtol(argv[2], NULL, 10);
    size_t nin = (size_t)(argc - 3), rcpts = 0;
    struct input *in = calloc(nin, sizeof *in);
    if (in == NULL || rounds < 1)
        return 70;
    for (size_t i = 0; i < nin; i++)
        if (read_input(argv[3 + i], &in[i]) < 0) {
            fprintf(stderr, "%s: cannot read\n", argv[3 + i]);
            return 66;
        }
    mime_limits_default(&lim);
    for (size_t i = 0; i < nin; i++) /* warm-up pass: not timed */
        rcpts += one(rules, &lim, &in[i]);
    double *cpu = calloc((size_t)rounds, sizeof *cpu);
    double *wall = calloc((size_t)rounds, sizeof *wall);
    double cpu_total = 0;
    if (cpu == NULL || wall == NULL)
        return 70;
    for (long r = 0; r < rounds; r++) {
        double c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID), w0 = now();
        for (size_t i = 0; i < nin; i++)
            (void)one(rules, &lim, &in[i]);
        double c1 = clock_s(CLOCK_PROCESS_CPUTIME_ID), w1 = now();
        cpu_total += c1 - c0;
        cpu[r] = (double)nin / (c1 - c0);
        wall[r] = (double)nin / (w1 - w0);
    }
    printf("files=%zu rounds=%ld recipients=%zu cpu_seconds=%.3f "
           "files_per_second=%.0f wall_files_per_second=%.0f\n",
           nin, rounds, rcpts, cpu_total, median(cpu, (size_t)rounds),
           median(wall, (size_t)rounds));
    free(cpu);
    free(wall);
    replies_only(rules, &lim, in, nin, rounds);
    for (size_t i = 0; i < nin; i++)
        free(in[i].data);
    free(in);
    classify_rules_free(&rules);
    return 0;
}
