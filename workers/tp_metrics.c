/*
 * tp_metrics.c: the metrics worker's loop: a one-second timer, the master
 * channel and signals.  Durability bound: a power loss loses at most the
 * last second of quota counting; a stop, a reload, a crashed worker or a
 * killed master lose nothing: shm outlives workers, the master stops this
 * process only after the request workers, and when the master dies this
 * process goes on flushing until the request workers have gone too (the
 * "alive" pipe, see tp_cycle.h).
 */
#include "tp_metrics.h"
#include "tp_metrics_cache.h"
#include "tp_metrics_emf.h"
#include "tp_channel.h"
#include "tp_logfile.h"
#include "tp_cycle.h"
#include "tp_dirs.h"
#include "tp_log.h"
#include "tp_loop.h"
#include "tp_period.h"
#include "tp_process.h"
#include "tp_proctitle.h"
#include "tp_quota.h"
#include "tp_state.h"
#include "tp_throttle.h"
#include "tp_time.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/signalfd.h>
#include <unistd.h>

#define FLUSH_MS        1000
#define EVICT_IDLE_S    60           /* unused this long: may be evicted */
#define REPORT_EVERY_MS 10000
#define TABLES_EVERY_MS 60000        /* how often table pressure is logged */
#define ORPHAN_GRACE_MS 5000         /* past shutdown_timeout, master gone */

struct tp_metrics {
    struct tp_loop loop;
    struct tp_ev channel_ev;
    struct tp_ev signal_ev;
    struct tp_ev alive_ev;           /* EOF: no request worker is left */
    struct tp_timer tick;
    struct tp_metrics_cache cache;   /* response cache housekeeping */
    struct tp_metrics_emf emf;       /* EMF documents every period */
    struct tp_timer orphan;          /* master gone: the last moment */
    bool orphaned;
    struct tp_q_table *quotas;
    struct tp_tt_table *throttles;
    uint64_t tables_at;              /* mono ms of the last table report */
    uint64_t seen_reused, seen_full, seen_qfull;
    struct tp_state *state;          /* NULL: no usage plans */
    struct tp_quota_rec *recs;       /* [quotas->cap] */
    uint64_t reported;               /* mono ms of the last error report */
};

/* Once a minute: what a full table cost since the last report. */
static void
metrics_tables(struct tp_metrics *mw)
{
    uint64_t reused = atomic_load(&mw->throttles->reused);
    uint64_t full = atomic_load(&mw->throttles->full);
    uint64_t qfull = atomic_load(&mw->quotas->full);

    if (tp_clock.mono_ms - mw->tables_at < TABLES_EVERY_MS) {
        return;
    }
    mw->tables_at = tp_clock.mono_ms;
    if (reused != mw->seen_reused) {
        tp_log(TP_LOG_WARN, 0, "throttle table full: %llu idle (full) "
            "buckets reused in the last minute; consider raising "
            "server.throttle_entries (%llu)",
            (unsigned long long) (reused - mw->seen_reused),
            (unsigned long long) mw->throttles->cap);
    }
    if (full != mw->seen_full || qfull != mw->seen_qfull) {
        tp_log(TP_LOG_ERROR, 0, "%llu requests answered 500 in the last "
            "minute for want of room in the throttle (%llu) or quota (%llu) "
            "table: raise server.throttle_entries or server.quota_entries",
            (unsigned long long) (full - mw->seen_full + qfull
                - mw->seen_qfull),
            (unsigned long long) mw->throttles->cap,
            (unsigned long long) mw->quotas->cap);
    }
    mw->seen_reused = reused;
    mw->seen_full = full;
    mw->seen_qfull = qfull;
}

static void
metrics_flush(struct tp_metrics *mw)
{
    uint64_t cursor = 0;
    char err[512];
    size_t n;

    if (mw->state == NULL) {
        return;
    }
    n = tp_quota_dirty(mw->quotas, mw->recs, mw->quotas->cap, &cursor);
    if (n > 0) {
        if (tp_state_quota_flush(mw->state, mw->recs, n,
                tp_day_number((int64_t) (tp_clock.real_ms / 1000)), err,
                sizeof(err)) != TP_OK)
        {
            if (mw->reported == 0
                || tp_clock.mono_ms - mw->reported >= REPORT_EVERY_MS)
            {
                mw->reported = tp_clock.mono_ms;
                tp_log(TP_LOG_ERROR, 0, "quota flush failed (retried every "
                    "second): %s", err);
            }
            return;
        }
        tp_quota_flushed(mw->quotas, mw->recs, n);
    }
    n = tp_quota_evict(mw->quotas, (uint32_t) (tp_clock.mono_ms / 1000),
        EVICT_IDLE_S);
    if (n > 0) {
        tp_log(TP_LOG_WARN, 0, "quota table over 3/4 full: evicted %zu idle "
            "entries (stored; they reload on use); consider raising "
            "server.quota_entries (%llu)", n,
            (unsigned long long) mw->quotas->cap);
    }
}

static void __attribute__((noreturn))
metrics_exit(struct tp_metrics *mw)
{
    tp_time_update();
    metrics_flush(mw);
    tp_metrics_emf_final(&mw->emf);
    tp_metrics_cache_tick(&mw->cache);
    tp_metrics_cache_close(&mw->cache);
    if (mw->state != NULL) {
        tp_state_close(mw->state);
    }
    exit(0);
}

static void
metrics_orphan_due(struct tp_timer *t)
{
    metrics_exit(TP_CONTAINER_OF(t, struct tp_metrics, orphan));
}

/*
 * Told to stop.  With the master alive the request workers are gone
 * already; without it they may still be draining and counting, so this
 * process keeps flushing until they have all gone (or a deadline).
 */
static void
metrics_stop(struct tp_metrics *mw, bool master_gone)
{
    if (!master_gone || mw->alive_ev.fd < 0) {
        metrics_exit(mw);
    }
    if (mw->orphaned) {
        return;
    }
    mw->orphaned = true;
    tp_log(TP_LOG_WARN, 0, "the master is gone; flushing quota usage until "
        "the request workers have stopped");
    tp_loop_del(&mw->loop, &mw->channel_ev);
    tp_timer_init(&mw->orphan, metrics_orphan_due);
    (void) tp_timer_set(&mw->loop.timers, &mw->orphan, tp_clock.mono_ms
        + tp_proc.cycle->model->server.shutdown_timeout_ms + ORPHAN_GRACE_MS);
}

static void
metrics_alive(struct tp_ev *ev, uint32_t events)
{
    (void) events;
    metrics_exit(TP_CONTAINER_OF(ev, struct tp_metrics, alive_ev));
}

static void
metrics_tick(struct tp_timer *t)
{
    struct tp_metrics *mw = TP_CONTAINER_OF(t, struct tp_metrics, tick);

    metrics_flush(mw);
    metrics_tables(mw);
    tp_metrics_cache_tick(&mw->cache);
    (void) tp_timer_set(&mw->loop.timers, &mw->tick,
        tp_clock.mono_ms + FLUSH_MS);
}

static void
metrics_channel(struct tp_ev *ev, uint32_t events)
{
    struct tp_metrics *mw = TP_CONTAINER_OF(ev, struct tp_metrics,
        channel_ev);
    struct tp_channel_msg msg;
    uint32_t i;
    int rc;

    while ((rc = tp_channel_recv(ev->fd, &msg)) == TP_OK) {
        tp_logfile_reopened(tp_proc.cycle->model, &msg);
        for (i = 0; i < msg.nfds; i++) {
            close(msg.fds[i]);
        }
        if (msg.cmd == TP_CMD_QUIT || msg.cmd == TP_CMD_TERMINATE) {
            metrics_stop(mw, false);
            return;
        }
    }
    /* The master is gone, even if getppid() does not say so yet: its
     * descriptors close before its children are handed to a reaper. */
    if (rc == TP_DONE || rc == TP_ERROR) {
        metrics_stop(mw, true);
    }
}

static void
metrics_signal(struct tp_ev *ev, uint32_t events)
{
    struct tp_metrics *mw = TP_CONTAINER_OF(ev, struct tp_metrics,
        signal_ev);
    struct signalfd_siginfo si;

    while (read(ev->fd, &si, sizeof(si)) == (ssize_t) sizeof(si)) {
        if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT
            || si.ssi_signo == SIGQUIT)
        {
            /* PDEATHSIG comes after the reparenting: getppid() tells. */
            metrics_stop(mw, getppid() != tp_proc.master_pid);
        }
    }
}

static int
metrics_signals(struct tp_metrics *mw)
{
    mw->signal_ev.fd = tp_process_signalfd();
    mw->signal_ev.handler = metrics_signal;
    return mw->signal_ev.fd >= 0
        ? tp_loop_add_reader(&mw->loop, &mw->signal_ev, false) : TP_ERROR;
}

static int
metrics_init(struct tp_metrics *mw)
{
    const struct tp_model *m = tp_proc.cycle->model;
    const struct tp_server_conf *sc = &m->server;
    char err[512], dpath[64];

    tp_time_update();
    mw->quotas = tp_quota_zone(tp_proc.shm, sc->quota_entries);
    mw->throttles = tp_throttle_zone(tp_proc.shm, sc->throttle_entries);
    if (mw->quotas == NULL || mw->throttles == NULL
        || tp_loop_init(&mw->loop) != TP_OK
        || metrics_signals(mw) != TP_OK)
    {
        tp_log(TP_LOG_ERROR, errno, "metrics worker initialisation failed");
        return TP_ERROR;
    }
    if (m->nplans > 0) {
        mw->recs = calloc(mw->quotas->cap, sizeof(*mw->recs));
        if (mw->recs == NULL || tp_state_open(&mw->state,
                tp_dirs_data_path(tp_proc.cycle, dpath, sizeof(dpath)),
                sc->state_size, 0, err, sizeof(err)) != TP_OK)
        {
            tp_log(TP_LOG_ERROR, 0, "metrics worker: data_dir \"%s\": %s",
                sc->data_dir, mw->recs == NULL ? "out of memory" : err);
            return TP_ERROR;
        }
    }
    tp_metrics_cache_init(&mw->cache);
    tp_metrics_emf_init(&mw->emf, &mw->loop);
    /* What happened before this process started was its predecessor's. */
    mw->tables_at = tp_clock.mono_ms;
    mw->seen_reused = atomic_load(&mw->throttles->reused);
    mw->seen_full = atomic_load(&mw->throttles->full);
    mw->seen_qfull = atomic_load(&mw->quotas->full);
    /* Only the master and the request workers hold the write end. */
    close(tp_proc.alive[1]);
    tp_proc.alive[1] = -1;
    mw->alive_ev.fd = tp_proc.alive[0];
    mw->alive_ev.handler = metrics_alive;
    if (mw->alive_ev.fd >= 0
        && tp_loop_add_reader(&mw->loop, &mw->alive_ev, false) != TP_OK)
    {
        mw->alive_ev.fd = -1;
    }
    mw->channel_ev.fd = tp_proc.channel;
    mw->channel_ev.handler = metrics_channel;
    tp_timer_init(&mw->tick, metrics_tick);
    (void) tp_timer_set(&mw->loop.timers, &mw->tick,
        tp_clock.mono_ms + FLUSH_MS);
    return tp_loop_add_reader(&mw->loop, &mw->channel_ev, false);
}

void
tp_metrics_main(void)
{
    struct tp_metrics *mw = calloc(1, sizeof(*mw));

    tp_proc.role = TP_ROLE_METRICS;
    tp_log_set_tag("metrics", -1);
    tp_proctitle_set("turnpike: metrics worker", "tp-metrics");
    if (mw == NULL
        || tp_process_drop_privileges(&tp_proc.cycle->model->server) != TP_OK
        || metrics_init(mw) != TP_OK)
    {
        exit(2);
    }
    for (;;) {
        tp_loop_once(&mw->loop);
    }
}
