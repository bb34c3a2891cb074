/*
 * tp_metrics_emf.c: the metrics worker's EMF reports (tp_metrics_emf.h).
 *
 * A report covers everything counted since the last one, whoever wrote
 * it: the growth of each series' sum over the totals in the region's
 * report table.  Each document goes out with one write(2) on the
 * O_APPEND descriptor, its totals marked reported just before (and put
 * back when the write fails: its counts go in the next period), all under
 * report_lock, so a second metrics worker (the old generation's, during a
 * reload) finds the period already reported.  A report is due at each
 * wall-clock multiple of the period and stamped with the period's start;
 * the final one at a stop is stamped with the current period's start and
 * the next report (the successor's) covers the rest of that period, so
 * CloudWatch adds the two documents up.
 */
#include "tp_metrics_emf.h"
#include "tp_emf.h"
#include "tp_cycle.h"
#include "tp_log.h"
#include "tp_process.h"
#include "tp_time.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#define EMF_ERROR_EVERY_MS 10000

static struct tp_mcount *
emf_reported(const struct tp_mstat *m, uint32_t s)
{
    return (struct tp_mcount *) ((char *) m + m->off_report) + s;
}

/* Marks every series of a caching stage (CacheHitCount and
 * CacheMissCount are then reported even when zero, as AWS does). */
static void
emf_mark_caches(struct tp_metrics_emf *e, const struct tp_model *m)
{
    unsigned i, j, k;

    e->ncached = tp_mstat_nseries(tp_proc.mstat);
    e->cached = calloc(e->ncached / 8 + 1, 1);
    if (e->cached == NULL) {
        e->ncached = 0;
        return;
    }
    for (i = 0; i < m->napis; i++) {
        for (j = 0; j < m->apis[i].nstages; j++) {
            const struct tp_stage *st = &m->apis[i].stages[j];

            for (k = 0; st->cache.enabled && st->mseries != NULL
                && k < m->apis[i].nroutes + 2; k++)
            {
                if (st->mseries[k] < e->ncached) {
                    e->cached[st->mseries[k] / 8] |=
                        (uint8_t) (1u << (st->mseries[k] % 8));
                }
            }
        }
    }
}

static bool
emf_caches(const struct tp_metrics_emf *e, uint32_t s)
{
    return s < e->ncached && (e->cached[s / 8] & (1u << (s % 8))) != 0;
}

static void
emf_failed(struct tp_metrics_emf *e, int err, const char *what)
{
    if (e->failed_at != 0
        && tp_clock.mono_ms - e->failed_at < EMF_ERROR_EVERY_MS)
    {
        return;
    }
    e->failed_at = tp_clock.mono_ms;
    tp_log(TP_LOG_ERROR, err, "metrics: %s \"%s\" failed; its counts go "
        "in the next period's documents", what,
        tp_proc.cycle->model->server.metrics.emf_log);
}

/* Series <s>: its document, written, and its totals. */
static void
emf_series(struct tp_metrics_emf *e, uint32_t s, uint64_t stamp)
{
    struct tp_mstat *m = tp_proc.mstat;
    struct tp_mcount cur, prev, delta;
    struct tp_emf_in in;
    struct tp_str doc;
    ssize_t n;
    int rc;

    tp_mstat_sum(m, s, &cur);
    prev = *emf_reported(m, s);
    tp_mstat_diff(&cur, &prev, &delta);
    in.info = tp_mstat_info(m, s);
    in.delta = &delta;
    in.namespace_ = e->namespace_;
    in.timestamp_ms = stamp;
    in.cache = emf_caches(e, s);
    tp_arena_reset(&e->arena);
    rc = tp_emf_doc(&in, &e->arena, &doc);
    if (rc == TP_DONE) {
        return;                      /* left for a period with requests */
    }
    if (rc != TP_OK) {
        emf_failed(e, ENOMEM, "a document for");
        return;
    }
    /* The totals go first: a kill -9 takes effect when a system call
     * returns, so stored after the write they would be lost with a
     * process killed in it, and the document repeated. */
    *emf_reported(m, s) = cur;
    n = write(e->fd, doc.p, doc.len);
    if (n != (ssize_t) doc.len) {
        *emf_reported(m, s) = prev;
        emf_failed(e, n < 0 ? errno : ENOSPC, "writing to");
    }
}

/*
 * Reports what was counted up to now as the period starting at <stamp>,
 * and marks everything up to <until> reported; nothing when another
 * metrics worker already did (the clock stepping back aside).
 */
static void
emf_report(struct tp_metrics_emf *e, uint64_t until, uint64_t stamp)
{
    struct tp_mstat *m = tp_proc.mstat;
    uint32_t s, n;

    tp_shm_lock(&m->report_lock);
    if (m->reported_until < until || m->reported_until > tp_clock.real_ms) {
        n = tp_mstat_nseries(m);
        for (s = 0; s < n; s++) {
            uint8_t kind = tp_mstat_info(m, s)->kind;

            if (kind == TP_MS_REST || kind == TP_MS_HTTP
                || kind == TP_MS_FUNCTION)
            {
                emf_series(e, s, stamp);
            }
        }
        m->reported_until = until;
    }
    tp_shm_unlock(&m->report_lock);
}

static void
emf_arm(struct tp_metrics_emf *e)
{
    uint64_t next = (tp_clock.real_ms / e->period_ms + 1) * e->period_ms;

    (void) tp_timer_set(&e->loop->timers, &e->tick,
        tp_clock.mono_ms + (next - tp_clock.real_ms));
}

static void
emf_tick(struct tp_timer *t)
{
    struct tp_metrics_emf *e = TP_CONTAINER_OF(t, struct tp_metrics_emf,
        tick);
    uint64_t start;

    tp_time_update();
    /* A timer a millisecond early finds this period reported already
     * and fires again at its end. */
    start = tp_clock.real_ms / e->period_ms * e->period_ms;
    emf_report(e, start, start - e->period_ms);
    emf_arm(e);
}

void
tp_metrics_emf_init(struct tp_metrics_emf *e, struct tp_loop *loop)
{
    const struct tp_model *m = tp_proc.cycle->model;
    const struct tp_metrics_conf *mc = &m->server.metrics;

    e->loop = loop;
    e->fd = mc->emf_file != NULL ? mc->emf_file->fd : -1;
    if (e->fd < 0 || tp_proc.mstat == NULL) {
        e->fd = -1;
        return;
    }
    e->period_ms = (uint64_t) mc->period_s * 1000;
    e->namespace_ = mc->namespace_;
    emf_mark_caches(e, m);
    tp_arena_init(&e->arena, 8192);
    tp_timer_init(&e->tick, emf_tick);
    tp_time_update();
    emf_arm(e);
}

void
tp_metrics_emf_final(struct tp_metrics_emf *e)
{
    uint64_t start;

    if (e->fd < 0) {
        return;
    }
    tp_time_update();
    start = tp_clock.real_ms / e->period_ms * e->period_ms;
    /* A period that ended before its report ran is reported as such. */
    emf_report(e, start, start - e->period_ms);
    emf_report(e, tp_clock.real_ms, start);
}
