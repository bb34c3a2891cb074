/*
 * tp_count.c: a finished request into the worker's metrics block.
 */
#include "tp_count.h"
#include "tp_time.h"
#include "tp_worker.h"

static uint32_t
count_series(const struct tp_request *r)
{
    const struct tp_api *api = r->api;

    if (api == NULL || r->stage == NULL || r->stage->mseries == NULL) {
        return r->c->w->model->mseries_noapi;
    }
    if (r->match.route == NULL) {
        return r->stage->mseries[api->nroutes + 1];
    }
    return r->stage->mseries[tp_api_route_index(api, r->match.route)];
}

static void
count_add(struct tp_worker *w, const struct tp_cpend *p)
{
    struct tp_mcount *c = w->metrics.counts + p->series;

    tp_mc_add(&c->n[p->bin], 1);
    tp_mc_sample(c, TP_MH_LATENCY, p->latency_us);
    if (p->integ_us != UINT64_MAX) {
        tp_mc_add(&c->n[TP_MC_INTEG], 1);
        tp_mc_sample(c, TP_MH_INTEG, p->integ_us);
    }
    if (p->hit) {
        tp_mc_add(&c->n[TP_MC_CACHE_HIT], 1);
    } else if (p->miss) {
        tp_mc_add(&c->n[TP_MC_CACHE_MISS], 1);
    }
    tp_mc_add(&c->n[TP_MC_BYTES_IN], p->bytes_in);
    tp_mc_add(&c->n[TP_MC_BYTES_OUT], p->bytes_out);
}

void
tp_count_flush(void *arg)
{
    struct tp_worker *w = arg;
    unsigned i;

    for (i = 0; i < w->ncpend; i++) {
        count_add(w, &w->cpend[i]);
    }
    w->ncpend = 0;
}

void
tp_count_request(struct tp_request *r)
{
    struct tp_worker *w = r->c->w;
    struct tp_cpend p;
    uint64_t now;

    if (w->metrics.counts == NULL || r->counted || r->c->lst->admin) {
        return;                      /* the admin listener serves no API:
                                        its scrapes are not traffic */
    }
    r->counted = true;
    now = tp_time_mono_us();         /* fresh: not the loop's */
    p.series = count_series(r);
    p.bin = tp_mstatus_bin(r->status);
    p.latency_us = now - r->start_mono;
    p.integ_us = r->integ_start == 0 ? UINT64_MAX
        : (r->integ_end != 0 ? r->integ_end : now) - r->integ_start;
    p.hit = r->cache.hit;
    p.miss = r->cache.miss;
    p.bytes_in = r->body_total;
    p.bytes_out = r->resp_bytes;
    /* A plain socket's last write may only be queued on the ring: hold
     * the count until the ring sends (TLS writes at once). */
    if (w->loop.uring != NULL && r->c->sock.ssl == NULL) {
        if (w->ncpend == TP_NELEM(w->cpend)) {
            tp_count_flush(w);
        }
        w->cpend[w->ncpend++] = p;
        return;
    }
    count_add(w, &p);
}
