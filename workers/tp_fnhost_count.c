/*
 * tp_fnhost_count.c: the function host's metrics: invocations, errors,
 * throttles, timeouts, cold starts, Duration and Init Duration of each
 * function in the host's block of the metrics region (shm/tp_mstat.h,
 * workers/tp_mown.h).  Function host only.
 */
#include "tp_fnhost_int.h"
#include "tp_mstat.h"

void
fh_count_invoke(struct fh_host *h, const struct tp_function *fn,
    enum tp_fn_status st, bool cold, int64_t duration_us)
{
    struct tp_mcount *c;

    if (h->metrics.counts == NULL || fn->mseries == TP_MSTAT_NONE) {
        return;
    }
    c = h->metrics.counts + fn->mseries;
    if (st == TP_FN_THROTTLED) {
        tp_mc_add(&c->n[TP_MF_THROTTLES], 1);
        return;
    }
    tp_mc_add(&c->n[TP_MF_INVOKES], 1);
    if (st != TP_FN_OK) {
        tp_mc_add(&c->n[TP_MF_ERRORS], 1);
    }
    if (st == TP_FN_TIMEOUT) {
        tp_mc_add(&c->n[TP_MF_TIMEOUTS], 1);
    }
    if (cold) {
        tp_mc_add(&c->n[TP_MF_COLD], 1);
    }
    if (duration_us >= 0) {
        tp_mc_sample(c, TP_MH_LATENCY, (uint64_t) duration_us);
    }
}

void
fh_count_instance(struct fh_host *h, const struct tp_function *fn,
    uint64_t init_us)
{
    if (h->metrics.counts != NULL && fn->mseries != TP_MSTAT_NONE) {
        tp_mc_sample(h->metrics.counts + fn->mseries, TP_MH_INTEG, init_us);
    }
}
