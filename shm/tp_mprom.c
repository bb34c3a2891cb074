/*
 * tp_mprom.c: Prometheus text exposition of the metrics region
 * (tp_mprom.h).  Pure.
 *
 * One pass over the series: each series is summed once (so its families
 * agree with each other) and its lines appended to one buffer per family,
 * since the format wants a family's samples together; the buffers are
 * then joined under their HELP and TYPE lines.
 */
#include "tp_mprom.h"
#include "tp_mhealth.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* Prometheus buckets in microseconds (1, 2.5, 5 x 10^k s, 10 us to
 * 100 s), each the lower bound of one of our buckets, so "le" counts
 * samples below it: with whole microseconds that is at most it. */
static const struct {
    uint64_t us;
    const char *le;
} prom_le[] = {
    { 10, "1e-05" }, { 25, "2.5e-05" }, { 50, "5e-05" },
    { 100, "0.0001" }, { 250, "0.00025" }, { 500, "0.0005" },
    { 1000, "0.001" }, { 2500, "0.0025" }, { 5000, "0.005" },
    { 10000, "0.01" }, { 25000, "0.025" }, { 50000, "0.05" },
    { 100000, "0.1" }, { 250000, "0.25" }, { 500000, "0.5" },
    { 1000000, "1" }, { 2500000, "2.5" }, { 5000000, "5" },
    { 10000000, "10" }, { 25000000, "25" }, { 50000000, "50" },
    { 100000000, "100" }
};

enum {
    F_REQ, F_LAT, F_INTEG, F_HIT, F_MISS, F_RX, F_TX,
    F_FINV, F_FERR, F_FTHR, F_FTO, F_FCOLD, F_FDUR, F_FINIT,
    F_WORKERS, F_N
};

static const struct {
    const char *name;
    const char *type;
    const char *help;
} fams[F_N] = {
    { "turnpike_requests_total", "counter",
      "Requests answered, by API, stage, method, resource and status." },
    { "turnpike_request_duration_seconds", "histogram",
      "Latency: from the request's head to its response written." },
    { "turnpike_integration_duration_seconds", "histogram",
      "Integration latency of requests that called a backend." },
    { "turnpike_cache_hits_total", "counter",
      "Requests answered from the stage cache." },
    { "turnpike_cache_misses_total", "counter",
      "Requests of a cached stage not found in the cache." },
    { "turnpike_received_bytes_total", "counter",
      "Request body bytes received." },
    { "turnpike_sent_bytes_total", "counter",
      "Response body bytes sent." },
    { "turnpike_function_invocations_total", "counter",
      "Function invocations answered." },
    { "turnpike_function_errors_total", "counter",
      "Function invocations that failed (handled or not)." },
    { "turnpike_function_throttles_total", "counter",
      "Function invocations refused at the concurrency limit." },
    { "turnpike_function_timeouts_total", "counter",
      "Function invocations that timed out." },
    { "turnpike_function_cold_starts_total", "counter",
      "Function invocations answered by a new instance." },
    { "turnpike_function_duration_seconds", "histogram",
      "Function duration." },
    { "turnpike_function_init_duration_seconds", "histogram",
      "Function instance init duration." },
    { "turnpike_workers", "gauge",
      "Request worker processes by state (stalled: no heartbeat for 5 s)." }
};

/* A growing text buffer; <err> once an allocation failed. */
struct pbuf {
    char *p;
    size_t len;
    size_t cap;
    bool err;
};

static bool
pb_room(struct pbuf *b, size_t n)
{
    size_t cap;
    char *p;

    if (b->err) {
        return false;
    }
    if (b->len + n <= b->cap) {
        return true;
    }
    cap = TP_MAX(b->cap * 2, TP_MAX(b->len + n, 4096));
    p = realloc(b->p, cap);
    if (p == NULL) {
        b->err = true;
        return false;
    }
    b->p = p;
    b->cap = cap;
    return true;
}

static void
pb_put(struct pbuf *b, const char *s, size_t n)
{
    if (n > 0 && pb_room(b, n)) {
        memcpy(b->p + b->len, s, n);
        b->len += n;
    }
}

static void
pb_str(struct pbuf *b, const char *s)
{
    pb_put(b, s, strlen(s));
}

static void
pb_u64(struct pbuf *b, uint64_t v)
{
    char t[24];

    pb_put(b, t, (size_t) snprintf(t, sizeof(t), "%llu",
        (unsigned long long) v));
}

size_t
tp_mprom_escape(char *out, const char *s)
{
    size_t n = 0;

    for (; *s != '\0'; s++) {
        if (*s == '\\' || *s == '"') {
            out[n++] = '\\';
            out[n++] = *s;
        } else if (*s == '\n') {
            out[n++] = '\\';
            out[n++] = 'n';
        } else {
            out[n++] = *s;
        }
    }
    return n;
}

/* name="value" (escaped) at <out> + <*n>, a comma before it unless first. */
static void
prom_label(char *out, size_t *n, const char *name, const char *value)
{
    size_t l = strlen(name);

    if (*n > 0) {
        out[(*n)++] = ',';
    }
    memcpy(out + *n, name, l);
    *n += l;
    out[(*n)++] = '=';
    out[(*n)++] = '"';
    *n += tp_mprom_escape(out + *n, value);
    out[(*n)++] = '"';
}

/* A sample line: NAME[SUFFIX]{LABELS[,EXTRA]} VALUE. */
static void
prom_line(struct pbuf *b, unsigned f, const char *suffix, const char *lab,
    const char *extra, uint64_t v)
{
    pb_str(b, fams[f].name);
    pb_str(b, suffix);
    pb_put(b, "{", 1);
    pb_str(b, lab);
    if (extra != NULL) {
        pb_put(b, ",", 1);
        pb_str(b, extra);
    }
    pb_put(b, "} ", 2);
    pb_u64(b, v);
    pb_put(b, "\n", 1);
}

/* A histogram's buckets (cumulative), _sum in seconds and _count; the
 * count is the histogram's own total, so +Inf always equals it. */
static void
prom_hist(struct pbuf *b, unsigned f, const char *lab, const uint64_t *h,
    uint64_t sum_us)
{
    uint64_t cum = 0, total = 0;
    unsigned i, k = 0, upto;
    char le[32], sum[48];

    for (i = 0; i < TP_MH_N; i++) {
        total += h[i];
    }
    for (k = 0; k < TP_NELEM(prom_le); k++) {
        upto = tp_mhist_bucket(prom_le[k].us);   /* first one not <= */
        for (i = k == 0 ? 0 : tp_mhist_bucket(prom_le[k - 1].us);
             i < upto; i++)
        {
            cum += h[i];
        }
        snprintf(le, sizeof(le), "le=\"%s\"", prom_le[k].le);
        prom_line(b, f, "_bucket", lab, le, cum);
    }
    prom_line(b, f, "_bucket", lab, "le=\"+Inf\"", total);
    pb_str(b, fams[f].name);
    pb_str(b, "_sum{");
    pb_str(b, lab);
    snprintf(sum, sizeof(sum), "} %llu.%06llu\n",
        (unsigned long long) (sum_us / 1000000),
        (unsigned long long) (sum_us % 1000000));
    pb_str(b, sum);
    prom_line(b, f, "_count", lab, NULL, total);
}

static void
prom_request(struct pbuf *fb, const struct tp_mseries *k,
    const struct tp_mcount *c)
{
    char lab[4 * (2 * TP_MSTAT_FIELD + 16)], st[32], code[8];
    size_t n = 0;
    unsigned i;
    bool noapi = k->kind == TP_MS_NOAPI;

    if (tp_mcount_requests(c) == 0) {
        return;                      /* a series appears once it counts */
    }
    prom_label(lab, &n, "api", noapi ? "" : k->api_id);
    prom_label(lab, &n, "stage", noapi ? "" : k->stage);
    prom_label(lab, &n, "method", k->route ? k->method : "");
    prom_label(lab, &n, "resource", k->route ? k->resource : "");
    lab[n] = '\0';
    for (i = 0; i < TP_MSTATUS_N; i++) {
        if (c->n[i] != 0) {
            snprintf(st, sizeof(st), "status=\"%s\"",
                tp_mstatus_label(i, code));
            prom_line(&fb[F_REQ], F_REQ, "", lab, st, c->n[i]);
        }
    }
    prom_hist(&fb[F_LAT], F_LAT, lab, c->hist[TP_MH_LATENCY],
        c->sum_us[TP_MH_LATENCY]);
    if (c->n[TP_MC_INTEG] != 0) {
        prom_hist(&fb[F_INTEG], F_INTEG, lab, c->hist[TP_MH_INTEG],
            c->sum_us[TP_MH_INTEG]);
    }
    prom_line(&fb[F_HIT], F_HIT, "", lab, NULL, c->n[TP_MC_CACHE_HIT]);
    prom_line(&fb[F_MISS], F_MISS, "", lab, NULL, c->n[TP_MC_CACHE_MISS]);
    prom_line(&fb[F_RX], F_RX, "", lab, NULL, c->n[TP_MC_BYTES_IN]);
    prom_line(&fb[F_TX], F_TX, "", lab, NULL, c->n[TP_MC_BYTES_OUT]);
}

static void
prom_function(struct pbuf *fb, const struct tp_mseries *k,
    const struct tp_mcount *c)
{
    char lab[2 * TP_MSTAT_FIELD + 16];
    size_t n = 0;
    unsigned i;

    prom_label(lab, &n, "function", k->api_id);
    lab[n] = '\0';
    for (i = 0; i < TP_MF_N; i++) {   /* F_FINV... follow TP_MF_* order */
        prom_line(&fb[F_FINV + i], F_FINV + i, "", lab, NULL, c->n[i]);
    }
    prom_hist(&fb[F_FDUR], F_FDUR, lab, c->hist[TP_MH_LATENCY],
        c->sum_us[TP_MH_LATENCY]);
    prom_hist(&fb[F_FINIT], F_FINIT, lab, c->hist[TP_MH_INTEG],
        c->sum_us[TP_MH_INTEG]);
}

static void
prom_workers(struct pbuf *b, const struct tp_mstat *m, uint64_t now_ms)
{
    uint64_t n[TP_MP_N] = { 0 };
    char st[32];
    unsigned i;

    for (i = 0; i < m->nblocks; i++) {
        const struct tp_mblock *k = tp_mstat_block(m, i);

        if (k->pid != 0 && k->role == TP_MB_WORKER) {
            n[tp_mhealth_state(k, now_ms)]++;
        }
    }
    for (i = 0; i < TP_MP_N; i++) {
        pb_str(b, fams[F_WORKERS].name);
        snprintf(st, sizeof(st), "{state=\"%s\"} ",
            tp_mhealth_state_name((enum tp_mproc_state) i));
        pb_str(b, st);
        pb_u64(b, n[i]);
        pb_put(b, "\n", 1);
    }
}

int
tp_mprom_render(const struct tp_mstat *m, uint64_t now_ms, char **out,
    size_t *len)
{
    struct pbuf fb[F_N], all = { 0 };
    struct tp_mcount *c = malloc(sizeof(*c));
    uint32_t s, ns = tp_mstat_nseries(m);
    unsigned f;
    bool err;

    _Static_assert(F_FINIT - F_FINV == TP_MF_N + 1, "function families");
    memset(fb, 0, sizeof(fb));
    for (s = 0; c != NULL && s < ns; s++) {
        const struct tp_mseries *k = tp_mstat_info(m, s);

        tp_mstat_sum(m, s, c);
        if (k->kind == TP_MS_FUNCTION) {
            prom_function(fb, k, c);
        } else {
            prom_request(fb, k, c);
        }
    }
    prom_workers(&fb[F_WORKERS], m, now_ms);
    err = c == NULL;
    for (f = 0; f < F_N; f++) {
        pb_str(&all, "# HELP ");
        pb_str(&all, fams[f].name);
        pb_put(&all, " ", 1);
        pb_str(&all, fams[f].help);
        pb_str(&all, "\n# TYPE ");
        pb_str(&all, fams[f].name);
        pb_put(&all, " ", 1);
        pb_str(&all, fams[f].type);
        pb_put(&all, "\n", 1);
        pb_put(&all, fb[f].p, fb[f].len);
        err = err || fb[f].err;
        free(fb[f].p);
    }
    free(c);
    if (err || all.err) {
        free(all.p);
        return TP_ERROR;
    }
    *out = all.p;
    *len = all.len;
    return TP_OK;
}
