/*
 * tp_lev_json.c: JSON pieces shared by Lambda proxy and authorizer events
 * (tp_lev_json.h).  Pure.
 */
#include "tp_lev_json.h"

#include <stdlib.h>
#include <strings.h>

void
tp_lev_member(struct tp_jsonw *w, const char *key, struct tp_str v)
{
    tp_jsonw_key(w, key);
    tp_jsonw_str(w, v);
}

/* ---- grouping of repeated names, first appearance order ---- */

struct group_ctx {
    const struct tp_lev_kv *kv;
    bool nocase;
};

static int
name_cmp(struct tp_str a, struct tp_str b, bool nocase)
{
    size_t n = TP_MIN(a.len, b.len);
    int c = n == 0 ? 0 : nocase ? strncasecmp(a.p, b.p, n)
                                : memcmp(a.p, b.p, n);

    if (c != 0) {
        return c;
    }
    return a.len < b.len ? -1 : a.len > b.len;
}

static int
idx_cmp(const void *x, const void *y, void *arg)
{
    const struct group_ctx *g = arg;
    unsigned i = *(const unsigned *) x, j = *(const unsigned *) y;
    int c = name_cmp(g->kv[i].name, g->kv[j].name, g->nocase);

    return c != 0 ? c : i < j ? -1 : i > j;
}

static int
first_cmp(const void *x, const void *y, void *arg)
{
    const unsigned *order = arg;
    unsigned i = order[*(const unsigned *) x];
    unsigned j = order[*(const unsigned *) y];

    return i < j ? -1 : i > j;
}

/*
 * <kv> grouped by name: <order> holds the indices sorted by (name,
 * position); <starts> the start in <order> of each group, in order of
 * the groups' first appearance; ends[start] where that group ends.
 */
struct groups {
    unsigned *order;
    unsigned *starts;
    unsigned *ends;
    unsigned n;
};

static int
group(struct tp_arena *a, const struct tp_lev_kv *kv, unsigned n,
    bool nocase, struct groups *g)
{
    struct group_ctx ctx = { kv, nocase };
    unsigned i;

    g->n = 0;
    g->order = tp_arena_alloc(a, sizeof(unsigned) * (n + 1));
    g->starts = tp_arena_alloc(a, sizeof(unsigned) * (n + 1));
    g->ends = tp_arena_alloc(a, sizeof(unsigned) * (n + 1));
    if (g->order == NULL || g->starts == NULL || g->ends == NULL) {
        return TP_ERROR;
    }
    for (i = 0; i < n; i++) {
        g->order[i] = i;
    }
    qsort_r(g->order, n, sizeof(unsigned), idx_cmp, &ctx);
    for (i = 0; i < n; i++) {
        if (i == 0 || name_cmp(kv[g->order[i - 1]].name,
            kv[g->order[i]].name, nocase) != 0)
        {
            if (g->n > 0) {
                g->ends[g->starts[g->n - 1]] = i;
            }
            g->starts[g->n++] = i;
        }
    }
    if (g->n > 0) {
        g->ends[g->starts[g->n - 1]] = n;
    }
    qsort_r(g->starts, g->n, sizeof(unsigned), first_cmp, g->order);
    return TP_OK;
}

/* The values of order[s..end) joined with ','. */
static void
map_join(struct tp_jsonw *w, struct tp_arena *a, const struct tp_lev_kv *kv,
    const unsigned *order, unsigned s, unsigned end)
{
    size_t len = 0, o = 0;
    unsigned k;
    char *p;

    for (k = s; k < end; k++) {
        len += kv[order[k]].value.len + 1;
    }
    p = tp_arena_alloc(a, len);
    if (p == NULL) {
        w->err = true;
        return;
    }
    for (k = s; k < end; k++) {
        struct tp_str v = kv[order[k]].value;

        if (k > s) {
            p[o++] = ',';
        }
        memcpy(p + o, v.p, v.len);
        o += v.len;
    }
    tp_jsonw_str(w, (struct tp_str) { p, o });
}

void
tp_lev_map(struct tp_jsonw *w, struct tp_arena *a, const char *key,
    const struct tp_lev_kv *kv, unsigned n, bool nocase,
    enum tp_lev_map_kind kind, enum tp_lev_map_empty empty)
{
    struct groups g;
    unsigned i, k;

    if (n == 0 && empty != TP_LEV_EMPTY_OBJECT) {
        if (empty == TP_LEV_EMPTY_NULL) {
            tp_jsonw_key(w, key);
            tp_jsonw_null(w);
        }
        return;
    }
    if (group(a, kv, n, nocase, &g) != TP_OK) {
        w->err = true;
        return;
    }
    tp_jsonw_key(w, key);
    tp_jsonw_open(w, '{');
    for (i = 0; i < g.n; i++) {
        unsigned s = g.starts[i], end = g.ends[s];

        tp_jsonw_keyn(w, kv[g.order[s]].name);
        if (kind == TP_LEV_MAP_LAST) {
            tp_jsonw_str(w, kv[g.order[end - 1]].value);
        } else if (kind == TP_LEV_MAP_MULTI) {
            tp_jsonw_open(w, '[');
            for (k = s; k < end; k++) {
                tp_jsonw_str(w, kv[g.order[k]].value);
            }
            tp_jsonw_close(w, ']');
        } else {
            map_join(w, a, kv, g.order, s, end);
        }
    }
    tp_jsonw_close(w, '}');
}

void
tp_lev_maps_v1(struct tp_jsonw *w, struct tp_arena *a,
    const struct tp_lev_maps1 *m, enum tp_lev_map_empty empty)
{
    tp_lev_map(w, a, "headers", m->headers, m->nheaders, true,
        TP_LEV_MAP_LAST, empty);
    tp_lev_map(w, a, "multiValueHeaders", m->headers, m->nheaders, true,
        TP_LEV_MAP_MULTI, empty);
    tp_lev_map(w, a, "queryStringParameters", m->query, m->nquery, false,
        TP_LEV_MAP_LAST, empty);
    tp_lev_map(w, a, "multiValueQueryStringParameters", m->query,
        m->nquery, false, TP_LEV_MAP_MULTI, empty);
    tp_lev_map(w, a, "pathParameters", m->path_params, m->npath_params,
        false, TP_LEV_MAP_LAST, empty);
    tp_lev_map(w, a, "stageVariables", m->stage_vars, m->nstage_vars,
        false, TP_LEV_MAP_LAST, empty);
}

void
tp_lev_ctx2_rest(struct tp_jsonw *w, const struct tp_lev_ctx2 *c)
{
    tp_lev_member(w, "domainName", c->domain_name);
    tp_lev_member(w, "domainPrefix", c->domain_prefix);
    tp_jsonw_key(w, "http");
    tp_jsonw_open(w, '{');
    tp_lev_member(w, "method", c->method);
    tp_lev_member(w, "path", c->path);
    tp_lev_member(w, "protocol", c->protocol);
    tp_lev_member(w, "sourceIp", c->source_ip);
    tp_lev_member(w, "userAgent", c->user_agent);
    tp_jsonw_close(w, '}');
    tp_lev_member(w, "requestId", c->request_id);
    tp_lev_member(w, "routeKey", c->route_key);
    tp_lev_member(w, "stage", c->stage);
    tp_lev_member(w, "time", c->time);
    tp_jsonw_key(w, "timeEpoch");
    tp_jsonw_raw(w, c->time_epoch);
}
