/*
 * report_html.c - the report as one self-contained HTML page: inline CSS,
 * inline SVG charts, no script, nothing fetched (it opens offline).
 *
 * Charts: the hard-bounce rate over time per sending domain with the 2 %
 * line, the reasons, the providers rejecting us and why, and new
 * suppressions over time.  Every chart is an <svg class="chart"> with a
 * data-points attribute giving how many data points it draws, so a test
 * can check that the charts have data.  Every string from the store is
 * HTML-escaped.
 */
#include "ctl/report_data.h"

#include <string.h>
#include <time.h>

#define W 960 /* chart width, px */
#define H 300
#define ML 60 /* margins */
#define MR 20
#define MT 20
#define MB 40
#define MAX_LINES 8

static const char *const palette[MAX_LINES] = {"#1f77b4", "#ff7f0e", "#2ca02c",
                                               "#9467bd", "#8c564b", "#e377c2",
                                               "#17becf", "#7f7f7f"};
static const char *const bucket_color[RPT_NBUCKETS] = {"#d62728", "#ff9f1c",
                                                       "#6a4c93"};

static void esc(FILE *fp, const char *s)
{
    for (; s != NULL && *s; s++) {
        switch (*s) {
        case '<':
            fputs("&lt;", fp);
            break;
        case '>':
            fputs("&gt;", fp);
            break;
        case '&':
            fputs("&amp;", fp);
            break;
        case '"':
            fputs("&quot;", fp);
            break;
        default:
            if ((unsigned char)*s >= ' ')
                fputc(*s, fp);
        }
    }
}

static void day_label(long long t, long long step, char buf[32])
{
    time_t tt = (time_t)t;
    struct tm tm;

    if (gmtime_r(&tt, &tm) == NULL ||
        strftime(buf, 32, step < 86400 ? "%m-%d %H:%M" : "%Y-%m-%d", &tm) == 0)
        buf[0] = '\0';
}

static double xpos(const struct report_data *d, size_t i)
{
    size_t n = d->npoints > 1 ? d->npoints - 1 : 1;

    return ML + (double)(W - ML - MR) * (double)i / (double)n;
}

static double ypos(double v, double vmax)
{
    return MT + (double)(H - MT - MB) * (1.0 - (vmax > 0 ? v / vmax : 0));
}

static void x_axis(const struct report_data *d, FILE *fp)
{
    char label[32];
    size_t every = d->npoints / 6 + 1;

    fprintf(fp, "<line x1='%d' y1='%d' x2='%d' y2='%d' class='axis'/>\n", ML,
            H - MB, W - MR, H - MB);
    for (size_t i = 0; i < d->npoints; i += every) {
        day_label(d->since + (long long)i * d->step, d->step, label);
        fprintf(fp, "<text x='%.1f' y='%d' class='tick'>%s</text>\n",
                xpos(d, i), H - MB + 16, label);
    }
}

/* ------------------------------------------------------- the rate chart */

static double rate_at(const struct rpt_domain *m, size_t i)
{
    return m->sent_at[i] ? (double)m->hard_at[i] / (double)m->sent_at[i] : -1;
}

static double rate_max(const struct report_data *d)
{
    double vmax = d->crit > 0.05 ? d->crit : 0.05;

    for (size_t k = 0; k < d->ndomains && k < MAX_LINES; k++)
        for (size_t i = 0; i < d->npoints; i++)
            if (rate_at(&d->domains[k], i) > vmax)
                vmax = rate_at(&d->domains[k], i);
    return vmax > 1 ? 1 : vmax * 1.1;
}

/* One polyline per run of slots with something sent; returns points. */
static size_t rate_line(const struct report_data *d, size_t k, double vmax,
                        FILE *fp)
{
    const struct rpt_domain *m = &d->domains[k];
    size_t points = 0;
    bool open = false;

    for (size_t i = 0; i < d->npoints; i++) {
        double r = rate_at(m, i);
        if (r < 0) {
            if (open)
                fputs("'/>\n", fp);
            open = false;
            continue;
        }
        if (!open)
            fprintf(fp, "<polyline class='rate' stroke='%s' points='",
                    palette[k]);
        fprintf(fp, "%.1f,%.1f ", xpos(d, i), ypos(r, vmax));
        open = true;
        points++;
    }
    if (open)
        fputs("'/>\n", fp);
    return points;
}

static void chart_rate(const struct report_data *d, FILE *fp)
{
    double vmax = rate_max(d), y2 = ypos(d->warn, vmax);
    size_t points = 0,
           nlines = d->ndomains < MAX_LINES ? d->ndomains : MAX_LINES;

    for (size_t k = 0; k < nlines; k++)
        for (size_t i = 0; i < d->npoints; i++)
            points += rate_at(&d->domains[k], i) >= 0;
    fprintf(fp,
            "<h2>Hard-bounce rate over time</h2>\n"
            "<svg class='chart' id='rate-chart' data-points='%zu' "
            "viewBox='0 0 %d %d' width='%d' height='%d' role='img' "
            "aria-label='hard-bounce rate per sending domain'>\n",
            points, W, H, W, H);
    x_axis(d, fp);
    for (int t = 0; t <= 4; t++)
        fprintf(fp, "<text x='%d' y='%.1f' class='ytick'>%.1f%%</text>\n",
                ML - 6, ypos(vmax * t / 4, vmax) + 4, 100 * vmax * t / 4);
    fprintf(fp,
            "<line x1='%d' y1='%.1f' x2='%d' y2='%.1f' class='warn'/>\n"
            "<text x='%d' y='%.1f' class='warnlabel'>%g%%</text>\n",
            ML, y2, W - MR, y2, W - MR - 34, y2 - 4, 100 * d->warn);
    for (size_t k = 0; k < nlines; k++)
        (void)rate_line(d, k, vmax, fp);
    fputs("</svg>\n<p class='legend'>", fp);
    for (size_t k = 0; k < nlines; k++) {
        fprintf(fp, "<span style='color:%s'>&#9632;</span> ", palette[k]);
        esc(fp, d->domains[k].name);
        fputs(" &nbsp; ", fp);
    }
    fprintf(fp,
            "<span class='warnkey'>- - -</span> %g%% (monitor.warn; "
            "providers expect bulk senders under 2%%)</p>\n",
            100 * d->warn);
}

/* ------------------------------------------------------ bars and tables */

static void chart_reasons(const struct report_data *d, FILE *fp)
{
    size_t n = d->nreasons < 12 ? d->nreasons : 12;
    unsigned long long max = n > 0 ? d->reasons[0].n : 1;
    int rowh = 22, h = MT + (int)n * rowh + 10;

    fprintf(fp,
            "<h2>Reasons</h2>\n<svg class='chart' id='reasons-chart' "
            "data-points='%zu' viewBox='0 0 %d %d' width='%d' height='%d'>\n",
            n, W, h, W, h);
    for (size_t i = 0; i < n; i++) {
        const struct rpt_reason *r = &d->reasons[i];
        double w = (double)(W - 420) * (double)r->n / (double)(max ? max : 1);
        int y = MT + (int)i * rowh;
        fprintf(fp, "<text x='200' y='%d' class='label'>", y + 14);
        esc(fp, r->name);
        fprintf(fp,
                "</text><rect x='210' y='%d' width='%.1f' height='16' "
                "fill='%s'/><text x='%.1f' y='%d' class='val'>%llu (%s)"
                "</text>\n",
                y, w < 1 ? 1 : w, bucket_color[r->bucket >= 0 ? r->bucket : 0],
                216 + w, y + 13, r->n, rpt_bucket_name(r->bucket));
    }
    fputs("</svg>\n", fp);
}

static void chart_providers(const struct report_data *d, FILE *fp)
{
    size_t n = d->nproviders < 15 ? d->nproviders : 15;
    unsigned long long max = 1;
    int rowh = 22, h = MT + (int)n * rowh + 10;

    for (size_t i = 0; i < n; i++) {
        const unsigned long long *f = d->providers[i].fail;
        if (f[0] + f[1] + f[2] > max)
            max = f[0] + f[1] + f[2];
    }
    fprintf(fp,
            "<h2>Providers rejecting us, and why</h2>\n<svg class='chart' "
            "id='providers-chart' data-points='%zu' viewBox='0 0 %d %d' "
            "width='%d' height='%d'>\n",
            n, W, h, W, h);
    for (size_t i = 0; i < n; i++) {
        const struct rpt_provider *p = &d->providers[i];
        int y = MT + (int)i * rowh;
        double x = 210;
        fprintf(fp, "<text x='200' y='%d' class='label'>", y + 14);
        esc(fp, p->name);
        fputs("</text>", fp);
        for (int b = 0; b < RPT_NBUCKETS; b++) {
            double w = (double)(W - 500) * (double)p->fail[b] / (double)max;
            fprintf(fp,
                    "<rect x='%.1f' y='%d' width='%.1f' height='16' "
                    "fill='%s'><title>%s %llu</title></rect>",
                    x, y, w, bucket_color[b], rpt_bucket_name(b), p->fail[b]);
            x += w;
        }
        fprintf(fp, "<text x='%.1f' y='%d' class='val'>%llu, mostly ", x + 6,
                y + 13, p->fail[0] + p->fail[1] + p->fail[2]);
        esc(fp, p->top_reason);
        fputs("</text>\n", fp);
    }
    fputs("</svg>\n<p class='legend'>", fp);
    for (int b = 0; b < RPT_NBUCKETS; b++)
        fprintf(fp, "<span style='color:%s'>&#9632;</span> %s &nbsp; ",
                bucket_color[b], rpt_bucket_name(b));
    fputs("</p>\n", fp);
}

static void chart_suppressions(const struct report_data *d, FILE *fp)
{
    unsigned long long max = 1;
    double bw = (double)(W - ML - MR) / (double)(d->npoints ? d->npoints : 1);
    size_t points = 0;

    for (size_t i = 0; i < d->npoints; i++) {
        if (d->supp_at[i] > max)
            max = d->supp_at[i];
        points += d->supp_at[i] > 0;
    }
    fprintf(fp,
            "<h2>New suppressions over time (%llu)</h2>\n<svg class='chart' "
            "id='suppressions-chart' data-points='%zu' viewBox='0 0 %d %d' "
            "width='%d' height='%d'>\n",
            d->supp_new, points, W, H, W, H);
    x_axis(d, fp);
    fprintf(fp, "<text x='%d' y='%d' class='ytick'>%llu</text>\n", ML - 6,
            MT + 4, max);
    for (size_t i = 0; i < d->npoints; i++) {
        double y = ypos((double)d->supp_at[i], (double)max);
        if (d->supp_at[i] == 0)
            continue;
        fprintf(fp,
                "<rect x='%.1f' y='%.1f' width='%.1f' height='%.1f' "
                "fill='#1f77b4'><title>%llu</title></rect>\n",
                ML + bw * (double)i, y, bw > 2 ? bw - 1 : bw, H - MB - y,
                d->supp_at[i]);
    }
    fputs("</svg>\n", fp);
}

static void table_domains(const struct report_data *d, FILE *fp)
{
    fputs("<h2>Sending domains</h2>\n<table><tr><th>domain</th><th>sent</th>"
          "<th>hard</th><th>soft</th><th>sender</th><th>hard rate</th></tr>\n",
          fp);
    for (size_t i = 0; i < d->ndomains; i++) {
        const struct rpt_domain *m = &d->domains[i];
        double r =
            m->sent ? 100.0 * (double)m->fail[RPT_HARD] / (double)m->sent : 0;
        fputs("<tr><td>", fp);
        esc(fp, m->name);
        fprintf(fp,
                "</td><td>%llu</td><td>%llu</td><td>%llu</td><td>%llu</td>"
                "<td class='%s'>%.2f%%</td></tr>\n",
                m->sent, m->fail[RPT_HARD], m->fail[RPT_SOFT],
                m->fail[RPT_SENDER], r >= 100 * d->warn ? "bad" : "good", r);
    }
    fputs("</table>\n", fp);
}

static void table_auth(const struct report_data *d, FILE *fp)
{
    fprintf(fp, "<h2>Authentication failures (%llu)</h2>\n", d->auth_total);
    if (d->nauth == 0)
        return;
    fputs("<table><tr><th>reason</th><th>our domain</th><th>refused by</th>"
          "<th>count</th></tr>\n",
          fp);
    for (size_t i = 0; i < d->nauth && i < 20; i++) {
        fputs("<tr><td>", fp);
        esc(fp, d->auth[i].reason);
        fputs("</td><td>", fp);
        esc(fp, d->auth[i].domain);
        fputs("</td><td>", fp);
        esc(fp, d->auth[i].provider);
        fprintf(fp, "</td><td>%llu</td></tr>\n", d->auth[i].n);
    }
    fputs("</table>\n", fp);
}

static const char css[] =
    "body{font:14px/1.4 sans-serif;margin:2em;color:#222;background:#fff}"
    "h1{font-size:1.5em}h2{font-size:1.15em;margin-top:1.6em}"
    "table{border-collapse:collapse}td,th{padding:2px 10px;text-align:right;"
    "border-bottom:1px solid #ddd}td:first-child,th:first-child{text-align:"
    "left}.bad{color:#d62728;font-weight:bold}.good{color:#2ca02c}"
    ".axis{stroke:#444}.tick,.ytick,.label,.val{font-size:11px;fill:#333}"
    ".tick{text-anchor:middle}.ytick,.label{text-anchor:end}"
    ".warn{stroke:#d62728;stroke-dasharray:6 4;stroke-width:1.5}"
    ".warnlabel{fill:#d62728;font-size:12px}.warnkey{color:#d62728}"
    ".rate{fill:none;stroke-width:2}.legend{font-size:12px}";

int report_html(const struct report_data *d, FILE *fp)
{
    char from[32], to[32];

    day_label(d->since, 3600, from);
    day_label(d->now, 3600, to);
    fprintf(fp,
            "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
            "<title>bounceguard report</title><style>%s</style></head>"
            "<body>\n<h1>bounceguard report, %s to %s (UTC)",
            css, from, to);
    if (d->domain_filter != NULL) {
        fputs(", domain ", fp);
        esc(fp, d->domain_filter);
    }
    fprintf(fp,
            "</h1>\n<p>%llu failures, %llu new suppressions, %llu "
            "authentication failures.</p>\n",
            d->events, d->supp_new, d->auth_total);
    table_domains(d, fp);
    chart_rate(d, fp);
    chart_reasons(d, fp);
    chart_providers(d, fp);
    chart_suppressions(d, fp);
    table_auth(d, fp);
    fputs("</body></html>\n", fp);
    return ferror(fp) ? -1 : 0;
}
