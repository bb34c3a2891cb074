/*
 * tpctl_stats_out.c: a refresh of turnpikectl stats printed as a table
 * (plain, or redrawn in place with ANSI sequences on a terminal) or as one
 * line of JSON.  Rates and quantiles are of the interval; the counts on
 * the right are since the daemon started.  turnpikectl only.
 */
#include "tpctl_stats.h"

#include <time.h>

#define SOUT_EOL(ansi) ((ansi) ? "\033[K\n" : "\n")

/* A row's route column: "GET /pets", a route key, or a marker. */
static const char *
sout_route(const struct tpctl_srow *r, char *buf, size_t len)
{
    switch (r->kind) {
    case TPCTL_SROW_ROUTE:
        if (r->info->method[0] != '\0') {
            snprintf(buf, len, "%s %s", r->info->method, r->info->resource);
            return buf;
        }
        return r->info->resource;
    case TPCTL_SROW_NOROUTE:
        return "(no route)";
    case TPCTL_SROW_STAGE:
        return "*";
    default:
        return "-";
    }
}

static const char *
sout_api(const struct tpctl_srow *r)
{
    return r->kind == TPCTL_SROW_TOTAL ? "TOTAL"
         : r->kind == TPCTL_SROW_NOAPI ? "(none)" : r->info->api_id;
}

static const char *
sout_stage(const struct tpctl_srow *r)
{
    return r->kind == TPCTL_SROW_TOTAL || r->kind == TPCTL_SROW_NOAPI
        ? "-" : r->info->stage;
}

/* Latency quantile <q> of <c> in ms; false when it counted no request. */
static bool
sout_quantile(const struct tp_mcount *c, double q, double *ms)
{
    uint64_t n = 0;
    unsigned i;

    for (i = 0; i < TP_MH_N; i++) {
        n += c->hist[TP_MH_LATENCY][i];
    }
    if (n == 0) {
        return false;
    }
    *ms = tp_mhist_quantile(c->hist[TP_MH_LATENCY], n, q) / 1000.0;
    return true;
}

static double
sout_rate(uint64_t n, double seconds)
{
    return seconds > 0 ? (double) n / seconds : 0;
}

static void
sout_uptime(char *buf, size_t len, uint64_t ms)
{
    uint64_t s = ms / 1000;

    if (s >= 86400) {
        snprintf(buf, len, "%llud %02u:%02u:%02u",
            (unsigned long long) (s / 86400), (unsigned) (s % 86400 / 3600),
            (unsigned) (s % 3600 / 60), (unsigned) (s % 60));
    } else {
        snprintf(buf, len, "%02u:%02u:%02u", (unsigned) (s / 3600),
            (unsigned) (s % 3600 / 60), (unsigned) (s % 60));
    }
}

static void
sout_header(FILE *f, const struct tpctl_sframe *fr, bool ansi)
{
    char clock[16], up[32];
    time_t t = (time_t) (fr->now_ms / 1000);
    struct tm tm;

    localtime_r(&t, &tm);
    strftime(clock, sizeof(clock), "%H:%M:%S", &tm);
    sout_uptime(up, sizeof(up), fr->uptime_ms);
    fprintf(f, "turnpike %s  up %s  master %d  workers %u alive", clock, up,
        (int) fr->master, fr->workers);
    if (fr->draining > 0) {
        fprintf(f, " (%u draining)", fr->draining);
    }
    fprintf(f, "%s  interval %.1f s%s", fr->fnhost ? "  function host up"
        : "", fr->seconds, SOUT_EOL(ansi));
}

struct sout_widths {
    int api, stage, route;
};

static void
sout_widths(const struct tpctl_sframe *fr, struct sout_widths *w)
{
    char buf[TP_MSTAT_FIELD + 24];
    unsigned i;
    int n;

    *w = (struct sout_widths) { 5, 5, 5 };
    for (i = 0; i < fr->nrows; i++) {
        const struct tpctl_srow *r = &fr->rows[i];

        n = (int) strlen(sout_api(r));
        w->api = n > w->api ? n : w->api;
        n = (int) strlen(sout_stage(r));
        w->stage = n > w->stage ? n : w->stage;
        n = (int) strlen(sout_route(r, buf, sizeof(buf)));
        w->route = n > w->route ? n : w->route;
    }
}

static void
sout_ms(FILE *f, const struct tp_mcount *c, double q)
{
    double ms;

    if (sout_quantile(c, q, &ms)) {
        fprintf(f, " %8.1f", ms);
    } else {
        fprintf(f, " %8s", "-");
    }
}

static void
sout_row(FILE *f, const struct tpctl_sframe *fr, const struct sout_widths *w,
    const struct tpctl_srow *r, bool ansi)
{
    const struct tp_mcount *d = &r->delta, *t = &r->total;
    char buf[TP_MSTAT_FIELD + 24];
    double s = fr->seconds;

    fprintf(f, "%-*s %-*s", w->api, sout_api(r), w->stage, sout_stage(r));
    if (fr->o->routes) {
        fprintf(f, " %-*s", w->route, sout_route(r, buf, sizeof(buf)));
    }
    fprintf(f, " %8.1f %8.1f %8.1f %8.1f",
        sout_rate(tp_mcount_requests(d), s),
        sout_rate(tp_mcount_class(d, 2), s),
        sout_rate(tp_mcount_class(d, 4), s),
        sout_rate(tp_mcount_class(d, 5), s));
    sout_ms(f, d, 0.5);
    sout_ms(f, d, 0.99);
    fprintf(f, " %10llu %8llu %8llu%s",
        (unsigned long long) tp_mcount_requests(t),
        (unsigned long long) tp_mcount_class(t, 4),
        (unsigned long long) tp_mcount_class(t, 5), SOUT_EOL(ansi));
}

void
tpctl_stats_table(FILE *f, const struct tpctl_sframe *fr, int height,
    bool ansi)
{
    struct sout_widths w;
    unsigned i, shown = fr->nrows - 1;

    sout_widths(fr, &w);
    /* on a terminal: the header, the titles, the rows that fit, TOTAL */
    if (height > 0 && (int) shown > height - 4) {
        shown = height > 5 ? (unsigned) (height - 5) : 0;
    }
    if (ansi) {
        fputs("\033[H", f);
    }
    sout_header(f, fr, ansi);
    fprintf(f, "%s%-*s %-*s", ansi ? "\033[7m" : "", w.api, "API", w.stage,
        "STAGE");
    if (fr->o->routes) {
        fprintf(f, " %-*s", w.route, "ROUTE");
    }
    fprintf(f, " %8s %8s %8s %8s %8s %8s %10s %8s %8s%s%s", "REQ/S",
        "2XX/S", "4XX/S", "5XX/S", "P50ms", "P99ms", "REQS", "4XX", "5XX",
        ansi ? "\033[0m" : "", SOUT_EOL(ansi));
    for (i = 0; i < shown; i++) {
        sout_row(f, fr, &w, &fr->rows[i], ansi);
    }
    if (shown < fr->nrows - 1) {
        fprintf(f, "... %u more rows (a taller terminal, or --once)%s",
            fr->nrows - 1 - shown, SOUT_EOL(ansi));
    }
    sout_row(f, fr, &w, &fr->rows[fr->nrows - 1], ansi);
    fputs(ansi ? "\033[J" : "\n", f);
}

/* ---- JSON ---- */

static void
sout_json_ms(FILE *f, const char *name, const struct tp_mcount *c, double q)
{
    double ms;

    if (sout_quantile(c, q, &ms)) {
        fprintf(f, ",\"%s\":%.3f", name, ms);
    } else {
        fprintf(f, ",\"%s\":null", name);
    }
}

static void
sout_json_classes(FILE *f, const struct tp_mcount *c)
{
    fprintf(f, "\"requests\":%llu,\"2xx\":%llu,\"4xx\":%llu,\"5xx\":%llu",
        (unsigned long long) tp_mcount_requests(c),
        (unsigned long long) tp_mcount_class(c, 2),
        (unsigned long long) tp_mcount_class(c, 4),
        (unsigned long long) tp_mcount_class(c, 5));
}

/* "rate", "interval" and "total" of a row. */
static void
sout_json_counts(FILE *f, const struct tpctl_srow *r, double s)
{
    const struct tp_mcount *d = &r->delta, *t = &r->total;
    char label[8];
    unsigned i, k = 0;

    fprintf(f, "\"rate\":{\"requests\":%.3f,\"2xx\":%.3f,\"4xx\":%.3f,"
        "\"5xx\":%.3f},\"interval\":{", sout_rate(tp_mcount_requests(d), s),
        sout_rate(tp_mcount_class(d, 2), s),
        sout_rate(tp_mcount_class(d, 4), s),
        sout_rate(tp_mcount_class(d, 5), s));
    sout_json_classes(f, d);
    sout_json_ms(f, "p50_ms", d, 0.5);
    sout_json_ms(f, "p99_ms", d, 0.99);
    fputs("},\"total\":{", f);
    sout_json_classes(f, t);
    sout_json_ms(f, "p50_ms", t, 0.5);
    sout_json_ms(f, "p99_ms", t, 0.99);
    fputs(",\"status\":{", f);
    for (i = 0; i < TP_MSTATUS_N; i++) {
        if (t->n[i] != 0) {
            fprintf(f, "%s\"%s\":%llu", k++ > 0 ? "," : "",
                tp_mstatus_label(i, label), (unsigned long long) t->n[i]);
        }
    }
    fputs("}}", f);
}

static const char *
sout_type(const struct tp_mseries *i)
{
    return i->kind == TP_MS_REST ? "REST" : i->kind == TP_MS_HTTP ? "HTTP"
         : "WEBSOCKET";
}

static void
sout_json_str_or_null(FILE *f, const char *s)
{
    if (s != NULL) {
        tpctl_json_str(f, s);
    } else {
        fputs("null", f);
    }
}

/* A stage row (or the no-API row) with its route rows after it. */
static unsigned
sout_json_stage(FILE *f, const struct tpctl_sframe *fr, unsigned i)
{
    const struct tpctl_srow *r = &fr->rows[i];
    bool api = r->kind == TPCTL_SROW_STAGE;
    char buf[TP_MSTAT_FIELD + 24];
    unsigned k = 0;

    fputs("{\"api\":", f);
    sout_json_str_or_null(f, api ? r->info->api_id : NULL);
    fputs(",\"api_name\":", f);
    sout_json_str_or_null(f, api ? r->info->api_name : NULL);
    fputs(",\"type\":", f);
    sout_json_str_or_null(f, api ? sout_type(r->info) : NULL);
    fputs(",\"stage\":", f);
    sout_json_str_or_null(f, api ? r->info->stage : NULL);
    fputc(',', f);
    sout_json_counts(f, r, fr->seconds);
    if (fr->o->routes && api) {
        fputs(",\"routes\":[", f);
        for (i++; i < fr->nrows && (fr->rows[i].kind == TPCTL_SROW_ROUTE
            || fr->rows[i].kind == TPCTL_SROW_NOROUTE); i++)
        {
            const struct tpctl_srow *rr = &fr->rows[i];

            fputs(k++ > 0 ? ",{\"route\":" : "{\"route\":", f);
            sout_json_str_or_null(f, rr->kind == TPCTL_SROW_ROUTE
                ? sout_route(rr, buf, sizeof(buf)) : NULL);
            fputc(',', f);
            sout_json_counts(f, rr, fr->seconds);
            fputc('}', f);
        }
        fputc(']', f);
        i--;
    }
    fputc('}', f);
    return i + 1;
}

void
tpctl_stats_json(FILE *f, const struct tpctl_sframe *fr)
{
    unsigned i = 0, k = 0;

    fputs("{\"time\":", f);
    tpctl_json_time(f, (int64_t) (fr->now_ms / 1000));
    fprintf(f, ",\"master\":%d,\"uptime_s\":%.3f,\"seconds\":%.6f,"
        "\"workers\":%u,\"draining\":%u,\"function_host\":%s,\"rows\":[",
        (int) fr->master, (double) fr->uptime_ms / 1000.0, fr->seconds,
        fr->workers, fr->draining, fr->fnhost ? "true" : "false");
    while (i < fr->nrows - 1) {
        fputs(k++ > 0 ? "," : "", f);
        i = sout_json_stage(f, fr, i);
    }
    fputs("],\"all\":{", f);
    sout_json_counts(f, &fr->rows[fr->nrows - 1], fr->seconds);
    fputs("}}\n", f);
}
