/*
 * tp_mstat_prepare.c: series for a configuration's stages, routes and
 * functions.  Master only.
 */
#include "tp_mstat_prepare.h"
#include "tp_log.h"
#include "tp_shm.h"

#include <string.h>

#define MSTAT_MIN_SERIES 256
#define MSTAT_GENERATIONS 4          /* generations counting at once */

static uint32_t
mstat_count(const struct tp_model *m)
{
    uint32_t n = 1 + m->nfunctions;
    unsigned i;

    for (i = 0; i < m->napis; i++) {
        n += m->apis[i].nstages * (m->apis[i].nroutes + 2);
    }
    return n;
}

void
tp_mstat_plan(const struct tp_model *m, uint32_t *series_cap,
    uint32_t *nblocks)
{
    uint64_t n = (uint64_t) mstat_count(m) * 4;

    *series_cap = (uint32_t) tp_shm_pow2(n < MSTAT_MIN_SERIES
        ? MSTAT_MIN_SERIES : n);
    *nblocks = MSTAT_GENERATIONS * (m->server.workers + 1);
}

/* Copies <s> (at most TP_MSTAT_FIELD - 1 bytes); <ascii> drops the rest
 * (CloudWatch's ApiName). */
static void
mstat_copy(char *dst, const char *s, size_t n, bool ascii)
{
    size_t j = 0;

    for (; *s != '\0' && j + 1 < n; s++) {
        if (!ascii || (unsigned char) *s < 0x80) {
            dst[j++] = *s;
        }
    }
    dst[j] = '\0';
}

static void
mstat_api_key(struct tp_mseries *k, const struct tp_api *api,
    const struct tp_stage *st)
{
    memset(k, 0, sizeof(*k));
    k->kind = api->type == TP_API_HTTP ? TP_MS_HTTP
        : api->type == TP_API_WEBSOCKET ? TP_MS_WEBSOCKET : TP_MS_REST;
    mstat_copy(k->api_id, api->id, sizeof(k->api_id), false);
    mstat_copy(k->api_name, api->name != NULL ? api->name : "",
        sizeof(k->api_name), true);
    if (k->api_name[0] == '\0') {
        mstat_copy(k->api_name, api->id, sizeof(k->api_name), false);
    }
    mstat_copy(k->stage, st->name, sizeof(k->stage), false);
}

/* REST: Method and Resource; HTTP and WebSocket: the route key. */
static void
mstat_route_key(struct tp_mseries *k, const struct tp_route *rt)
{
    const char *sp = strchr(rt->key, ' ');

    k->route = true;
    if (k->kind != TP_MS_REST || sp == NULL) {
        mstat_copy(k->resource, rt->key, sizeof(k->resource), false);
        return;
    }
    mstat_copy(k->method, rt->key, (size_t) (sp - rt->key) + 1 <
        sizeof(k->method) ? (size_t) (sp - rt->key) + 1 : sizeof(k->method),
        false);
    mstat_copy(k->resource, sp + 1, sizeof(k->resource), false);
}

static void
mstat_stage(struct tp_model *m, struct tp_arena *a, struct tp_mstat *ms,
    struct tp_api *api, struct tp_stage *st, unsigned *folded)
{
    unsigned nr = api->nroutes, i;
    struct tp_mseries k;
    uint32_t base;

    st->mseries = tp_arena_alloc(a, (nr + 2) * sizeof(uint32_t));
    mstat_api_key(&k, api, st);
    base = tp_mstat_series(ms, &k);
    if (base == TP_MSTAT_NONE) {
        base = m->mseries_noapi;
        (*folded)++;
    }
    st->mseries[nr + 1] = base;
    for (i = 0; i <= nr; i++) {
        const struct tp_route *rt = i < nr ? &api->routes[i]
                                           : api->default_route;

        st->mseries[i] = base;
        if (rt == NULL) {
            continue;
        }
        mstat_api_key(&k, api, st);
        mstat_route_key(&k, rt);
        st->mseries[i] = tp_mstat_series(ms, &k);
        if (st->mseries[i] == TP_MSTAT_NONE) {
            st->mseries[i] = base;
            (*folded)++;
        }
    }
}

void
tp_mstat_prepare(struct tp_model *m, struct tp_arena *a,
    struct tp_mstat *ms)
{
    struct tp_mseries k;
    unsigned i, j, folded = 0;

    memset(&k, 0, sizeof(k));
    k.kind = TP_MS_NOAPI;
    m->mseries_noapi = tp_mstat_series(ms, &k);
    if (m->mseries_noapi == TP_MSTAT_NONE) {
        m->mseries_noapi = 0;        /* the first series ever made */
    }
    for (i = 0; i < m->napis; i++) {
        for (j = 0; j < m->apis[i].nstages; j++) {
            mstat_stage(m, a, ms, &m->apis[i], &m->apis[i].stages[j],
                &folded);
        }
    }
    for (i = 0; i < m->nfunctions; i++) {
        memset(&k, 0, sizeof(k));
        k.kind = TP_MS_FUNCTION;
        mstat_copy(k.api_id, m->functions[i].name, sizeof(k.api_id), false);
        m->functions[i].mseries = tp_mstat_series(ms, &k);
        if (m->functions[i].mseries == TP_MSTAT_NONE) {
            m->functions[i].mseries = TP_MSTAT_NONE;
            folded++;
        }
    }
    if (folded > 0) {
        tp_log(TP_LOG_WARN, 0, "metrics: %u series did not fit in the "
            "region sized at start (%u series): they count with their "
            "stage (or not at all, for functions); restart to resize",
            folded, ms->series_cap);
    }
}
