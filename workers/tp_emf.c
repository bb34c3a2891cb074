/*
 * tp_emf.c: Embedded Metric Format documents (tp_emf.h).  Pure.
 */
#include "tp_emf.h"
#include "tp_jsonw.h"

#include <stdio.h>

#define EMF_MAX_METRICS 9

/* A metric of a document: its name, unit and value (a count or an
 * array of milliseconds). */
struct emf_metric {
    const char *name;
    const char *unit;
    uint64_t count;
    const uint64_t *hist;            /* non-NULL: an array of values */
};

struct emf_doc {
    const char *ns;
    const char *const *dims[2];      /* NULL-terminated dimension sets */
    unsigned ndims;
    const char *names[4], *values[4];   /* the dimensions' members */
    unsigned nmembers;
    struct emf_metric m[EMF_MAX_METRICS];
    unsigned nm;
};

static uint64_t
emf_hist_n(const uint64_t *h)
{
    uint64_t n = 0;
    unsigned i;

    for (i = 0; i < TP_MH_N; i++) {
        n += h[i];
    }
    return n;
}

/* A bucket's middle in microseconds (the last one: its lower bound). */
static double
emf_mid_us(unsigned i)
{
    double lo = (double) tp_mhist_lower(i);

    if (i == TP_MH_N - 1) {
        return lo;
    }
    return (lo + (double) tp_mhist_upper(i)) / 2;
}

unsigned
tp_emf_values(const uint64_t *h, double ms[TP_EMF_VALUES])
{
    uint64_t n = emf_hist_n(h), k;
    unsigned i, j = 0;

    if (n <= TP_EMF_VALUES) {
        for (i = 0; i < TP_MH_N; i++) {
            for (k = 0; k < h[i]; k++) {
                ms[j++] = emf_mid_us(i) / 1000;
            }
        }
        return j;
    }
    for (j = 0; j < TP_EMF_VALUES; j++) {
        ms[j] = tp_mhist_quantile(h, n, (j + 0.5) / TP_EMF_VALUES) / 1000;
    }
    return j;
}

/* <v> ms with at most 4 decimals (0.1 us), no trailing zeros. */
static void
emf_number(struct tp_jsonw *w, double v)
{
    char buf[40];
    int n = snprintf(buf, sizeof(buf), "%.4f", v);

    while (n > 1 && buf[n - 1] == '0') {
        n--;
    }
    if (buf[n - 1] == '.') {
        n--;
    }
    tp_jsonw_raw(w, (struct tp_str) { buf, (size_t) n });
}

static void
emf_add(struct emf_doc *d, const char *name, const char *unit,
    uint64_t count, const uint64_t *hist)
{
    if (hist != NULL && emf_hist_n(hist) == 0) {
        return;                      /* a metric needs a value */
    }
    d->m[d->nm++] = (struct emf_metric) { name, unit, count, hist };
}

static void
emf_member(struct emf_doc *d, const char *name, const char *value)
{
    d->names[d->nmembers] = name;
    d->values[d->nmembers++] = value;
}

static void
emf_directive(struct tp_jsonw *w, const struct emf_doc *d)
{
    const char *const *k;
    unsigned i;

    tp_jsonw_open(w, '{');
    tp_jsonw_key(w, "Namespace");
    tp_jsonw_cstr(w, d->ns);
    tp_jsonw_key(w, "Dimensions");
    tp_jsonw_open(w, '[');
    for (i = 0; i < d->ndims; i++) {
        tp_jsonw_open(w, '[');
        for (k = d->dims[i]; *k != NULL; k++) {
            tp_jsonw_cstr(w, *k);
        }
        tp_jsonw_close(w, ']');
    }
    tp_jsonw_close(w, ']');
    tp_jsonw_key(w, "Metrics");
    tp_jsonw_open(w, '[');
    for (i = 0; i < d->nm; i++) {
        tp_jsonw_open(w, '{');
        tp_jsonw_key(w, "Name");
        tp_jsonw_cstr(w, d->m[i].name);
        tp_jsonw_key(w, "Unit");
        tp_jsonw_cstr(w, d->m[i].unit);
        tp_jsonw_close(w, '}');
    }
    tp_jsonw_close(w, ']');
    tp_jsonw_close(w, '}');
}

static int
emf_write(const struct emf_doc *d, uint64_t ts, struct tp_arena *a,
    struct tp_str *out)
{
    double ms[TP_EMF_VALUES];
    struct tp_jsonw w;
    unsigned i, j, n;

    tp_jsonw_init(&w, a, 2048);
    tp_jsonw_open(&w, '{');
    tp_jsonw_key(&w, "_aws");
    tp_jsonw_open(&w, '{');
    tp_jsonw_key(&w, "Timestamp");
    tp_jsonw_u64(&w, ts);
    tp_jsonw_key(&w, "CloudWatchMetrics");
    tp_jsonw_open(&w, '[');
    emf_directive(&w, d);
    tp_jsonw_close(&w, ']');
    tp_jsonw_close(&w, '}');
    for (i = 0; i < d->nmembers; i++) {
        tp_jsonw_key(&w, d->names[i]);
        tp_jsonw_cstr(&w, d->values[i]);
    }
    for (i = 0; i < d->nm; i++) {
        tp_jsonw_key(&w, d->m[i].name);
        if (d->m[i].hist == NULL) {
            tp_jsonw_u64(&w, d->m[i].count);
            continue;
        }
        n = tp_emf_values(d->m[i].hist, ms);
        tp_jsonw_open(&w, '[');
        for (j = 0; j < n; j++) {
            emf_number(&w, ms[j]);
        }
        tp_jsonw_close(&w, ']');
    }
    tp_jsonw_close(&w, '}');
    tp_jsonw_raw(&w, TP_STR("\n"));
    return tp_jsonw_done(&w, out);
}

static const char *const rest_stage[] = { "ApiName", "Stage", NULL };
static const char *const rest_route[] = { "ApiName", "Method", "Resource",
    "Stage", NULL };
static const char *const http_stage[] = { "ApiId", "Stage", NULL };
static const char *const http_route[] = { "ApiId", "Stage", "Route",
    NULL };
static const char *const fn_dims[] = { "FunctionName", NULL };

/* REST and HTTP APIs share everything but names. */
static void
emf_api(struct emf_doc *d, const struct tp_emf_in *in, bool rest)
{
    const struct tp_mseries *s = in->info;
    const struct tp_mcount *c = in->delta;

    d->ns = in->namespace_;
    d->dims[d->ndims++] = rest ? rest_stage : http_stage;
    emf_member(d, rest ? "ApiName" : "ApiId",
        rest ? s->api_name : s->api_id);
    emf_member(d, "Stage", s->stage);
    if (s->route) {
        d->dims[d->ndims++] = rest ? rest_route : http_route;
        if (rest) {
            emf_member(d, "Method", s->method);
            emf_member(d, "Resource", s->resource);
        } else {
            emf_member(d, "Route", s->resource);
        }
    }
    emf_add(d, "Count", "Count", tp_mcount_requests(c), NULL);
    emf_add(d, rest ? "4XXError" : "4xx", "Count", tp_mcount_class(c, 4),
        NULL);
    emf_add(d, rest ? "5XXError" : "5xx", "Count", tp_mcount_class(c, 5),
        NULL);
    emf_add(d, "Latency", "Milliseconds", 0, c->hist[TP_MH_LATENCY]);
    emf_add(d, "IntegrationLatency", "Milliseconds", 0,
        c->hist[TP_MH_INTEG]);
    if (rest && (in->cache || c->n[TP_MC_CACHE_HIT] != 0
            || c->n[TP_MC_CACHE_MISS] != 0))
    {
        emf_add(d, "CacheHitCount", "Count", c->n[TP_MC_CACHE_HIT], NULL);
        emf_add(d, "CacheMissCount", "Count", c->n[TP_MC_CACHE_MISS],
            NULL);
    }
    if (!rest) {
        emf_add(d, "DataProcessed", "Bytes",
            c->n[TP_MC_BYTES_IN] + c->n[TP_MC_BYTES_OUT], NULL);
    }
}

static void
emf_function(struct emf_doc *d, const struct tp_emf_in *in)
{
    const struct tp_mcount *c = in->delta;

    d->ns = TP_EMF_LAMBDA;
    d->dims[d->ndims++] = fn_dims;
    emf_member(d, "FunctionName", in->info->api_id);
    emf_add(d, "Invocations", "Count", c->n[TP_MF_INVOKES], NULL);
    emf_add(d, "Errors", "Count", c->n[TP_MF_ERRORS], NULL);
    emf_add(d, "Throttles", "Count", c->n[TP_MF_THROTTLES], NULL);
    emf_add(d, "Duration", "Milliseconds", 0, c->hist[TP_MH_LATENCY]);
    emf_add(d, "InitDuration", "Milliseconds", 0, c->hist[TP_MH_INTEG]);
}

/*
 * Histogram samples without a request happen: a reading taken while a
 * request was being counted (its status already in, its latency not
 * yet), or a function's warm instance starting (Init Duration) with no
 * invocation.  They are reported with zero counts rather than held back
 * for a period that may never come.
 */
static bool
emf_samples(const struct tp_mcount *c)
{
    return emf_hist_n(c->hist[TP_MH_LATENCY]) != 0
        || emf_hist_n(c->hist[TP_MH_INTEG]) != 0;
}

int
tp_emf_doc(const struct tp_emf_in *in, struct tp_arena *a,
    struct tp_str *out)
{
    const struct tp_mcount *c = in->delta;
    struct emf_doc d;

    memset(&d, 0, sizeof(d));
    switch (in->info->kind) {
    case TP_MS_REST:
    case TP_MS_HTTP:
        if (tp_mcount_requests(c) == 0 && !emf_samples(c)) {
            return TP_DONE;
        }
        emf_api(&d, in, in->info->kind == TP_MS_REST);
        break;
    case TP_MS_FUNCTION:
        if (c->n[TP_MF_INVOKES] + c->n[TP_MF_ERRORS]
            + c->n[TP_MF_THROTTLES] == 0 && !emf_samples(c))
        {
            return TP_DONE;
        }
        emf_function(&d, in);
        break;
    default:
        return TP_DONE;              /* AWS never sees these */
    }
    return emf_write(&d, in->timestamp_ms, a, out);
}
