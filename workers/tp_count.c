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

void
tp_count_request(struct tp_request *r)
{
    struct tp_worker *w = r->c->w;
    struct tp_mcount *c;
    uint64_t now;

    if (w->metrics.counts == NULL || r->counted || r->c->lst->admin) {
        return;                      /* the admin listener serves no API:
                                        its scrapes are not traffic */
    }
    r->counted = true;
    c = w->metrics.counts + count_series(r);
    now = tp_time_mono_us();         /* fresh: not the loop's */
    tp_mc_add(&c->n[tp_mstatus_bin(r->status)], 1);
    tp_mc_sample(c, TP_MH_LATENCY, now - r->start_mono);
    if (r->integ_start != 0) {
        tp_mc_add(&c->n[TP_MC_INTEG], 1);
        tp_mc_sample(c, TP_MH_INTEG, (r->integ_end != 0 ? r->integ_end
            : now) - r->integ_start);
    }
    if (r->cache.hit) {
        tp_mc_add(&c->n[TP_MC_CACHE_HIT], 1);
    } else if (r->cache.miss) {
        tp_mc_add(&c->n[TP_MC_CACHE_MISS], 1);
    }
    tp_mc_add(&c->n[TP_MC_BYTES_IN], r->body_total);
    tp_mc_add(&c->n[TP_MC_BYTES_OUT], r->resp_bytes);
}
