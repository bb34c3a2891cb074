/*
 * tp_fnhost_count.c: the function host's metrics: invocations, errors,
 * throttles, timeouts, cold starts, Duration and Init Duration of each
 * function in the host's block of the metrics region (shm/tp_mstat.h),
 * and the block's heartbeat.  Function host only.
 */
#include "tp_cycle.h"
#include "tp_fnhost_int.h"
#include "tp_mstat.h"
#include "tp_time.h"

#define BEAT_MS 1000

static void
count_beat(struct tp_timer *t)
{
    struct fh_host *h = TP_CONTAINER_OF(t, struct fh_host, mbeat);

    h->mblock->beat_ms = tp_clock.real_ms;
    (void) tp_timer_set(&h->loop.timers, &h->mbeat,
        tp_clock.mono_ms + BEAT_MS);
}

void
fh_count_start(struct fh_host *h)
{
    struct tp_mstat *m = tp_proc.mstat;

    if (m == NULL || tp_proc.mblock < 0
        || !h->model->server.metrics.enabled)
    {
        return;
    }
    h->mblock = tp_mstat_block(m, (unsigned) tp_proc.mblock);
    h->mcounts = tp_mstat_counts(m, (unsigned) tp_proc.mblock, 0);
    h->mblock->started_ms = tp_clock.real_ms;
    tp_timer_init(&h->mbeat, count_beat);
    count_beat(&h->mbeat);
}

void
fh_count_draining(struct fh_host *h)
{
    if (h->mblock != NULL) {
        h->mblock->draining = true;
    }
}

void
fh_count_invoke(struct fh_host *h, const struct tp_function *fn,
    enum tp_fn_status st, bool cold, int64_t duration_us)
{
    struct tp_mcount *c;

    if (h->mcounts == NULL || fn->mseries == TP_MSTAT_NONE) {
        return;
    }
    c = h->mcounts + fn->mseries;
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
    if (h->mcounts != NULL && fn->mseries != TP_MSTAT_NONE) {
        tp_mc_sample(h->mcounts + fn->mseries, TP_MH_INTEG, init_us);
    }
}
