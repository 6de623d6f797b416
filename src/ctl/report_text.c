/*
 * report_text.c - the report as terminal tables (report_data.h): sending
 * domains with their rates and alert level, top reasons, top rejecting
 * providers, new suppressions, authentication failures.  Every line fits
 * 100 columns: names are cut at 32 characters.
 */
#include "ctl/report_data.h"

#include <time.h>

static double pct(unsigned long long n, unsigned long long of)
{
    return of == 0 ? 0.0 : 100.0 * (double)n / (double)of;
}

static void when(long long t, char buf[32])
{
    time_t tt = (time_t)t;
    struct tm tm;

    if (gmtime_r(&tt, &tm) == NULL ||
        strftime(buf, 32, "%Y-%m-%d %H:%MZ", &tm) == 0)
        snprintf(buf, 32, "%lld", t);
}

static void text_domains(const struct report_data *d, FILE *fp)
{
    fprintf(fp, "\nSending domains\n%-32s %10s %9s %9s %9s %6s %6s %6s\n",
            "domain", "sent", "hard", "soft", "sender", "hard%", "soft%",
            "level");
    for (size_t i = 0; i < d->ndomains; i++) {
        const struct rpt_domain *m = &d->domains[i];
        double h = pct(m->fail[RPT_HARD], m->sent);
        fprintf(fp, "%-32.32s %10llu %9llu %9llu %9llu %5.2f%% %5.2f%% %6s\n",
                m->name, m->sent, m->fail[RPT_HARD], m->fail[RPT_SOFT],
                m->fail[RPT_SENDER], h, pct(m->fail[RPT_SOFT], m->sent),
                m->sent == 0         ? "-"
                : h >= 100 * d->crit ? "CRIT"
                : h >= 100 * d->warn ? "WARN"
                                     : "ok");
    }
    if (d->ndomains == 0)
        fprintf(fp, "(nothing sent or bounced)\n");
}

static void text_reasons(const struct report_data *d, FILE *fp)
{
    fprintf(fp, "\nTop reasons\n%-32s %-8s %10s %7s\n", "reason", "bucket",
            "failures", "share");
    for (size_t i = 0; i < d->nreasons && i < 10; i++)
        fprintf(fp, "%-32.32s %-8s %10llu %6.2f%%\n", d->reasons[i].name,
                rpt_bucket_name(d->reasons[i].bucket), d->reasons[i].n,
                pct(d->reasons[i].n, d->events));
}

static void text_providers(const struct report_data *d, FILE *fp)
{
    fprintf(fp, "\nTop rejecting providers\n%-32s %9s %9s %9s %9s  %s\n",
            "provider", "failures", "hard", "soft", "sender", "top reason");
    for (size_t i = 0; i < d->nproviders && i < 10; i++) {
        const struct rpt_provider *p = &d->providers[i];
        fprintf(fp, "%-32.32s %9llu %9llu %9llu %9llu  %.40s\n", p->name,
                p->fail[RPT_HARD] + p->fail[RPT_SOFT] + p->fail[RPT_SENDER],
                p->fail[RPT_HARD], p->fail[RPT_SOFT], p->fail[RPT_SENDER],
                p->top_reason);
    }
}

static void text_suppressions(const struct report_data *d, FILE *fp)
{
    fprintf(fp, "\nNew suppressions: %llu\n", d->supp_new);
    for (size_t i = 0; i < d->nsupp_reasons && i < 10; i++)
        fprintf(fp, "  %-32.32s %10llu\n", d->supp_reasons[i].name,
                d->supp_reasons[i].n);
}

static void text_auth(const struct report_data *d, FILE *fp)
{
    fprintf(fp, "\nAuthentication failures: %llu\n", d->auth_total);
    if (d->nauth == 0)
        return;
    fprintf(fp, "%-20s %-32s %-32s %10s\n", "reason", "our domain",
            "refused by", "count");
    for (size_t i = 0; i < d->nauth && i < 10; i++)
        fprintf(fp, "%-20.20s %-32.32s %-32.32s %10llu\n", d->auth[i].reason,
                d->auth[i].domain, d->auth[i].provider, d->auth[i].n);
}

void report_text(const struct report_data *d, FILE *fp)
{
    char from[32], to[32];

    when(d->since, from);
    when(d->now, to);
    fprintf(fp, "bounceguard report %s .. %s%s%s\n", from, to,
            d->domain_filter ? ", domain " : "",
            d->domain_filter ? d->domain_filter : "");
    text_domains(d, fp);
    text_reasons(d, fp);
    text_providers(d, fp);
    text_suppressions(d, fp);
    text_auth(d, fp);
}
