/*
 * tp_metrics_cache.c: response cache housekeeping in the metrics worker.
 * Expired entries are deleted in batches (eviction on a full map handles
 * the rest); each stage's CacheHitCount and CacheMissCount, summed from
 * the metrics region (shm/tp_mstat.h), are written to
 * data_dir/cache/stats.json (whole file replaced by rename, so a reader
 * never sees half of one) whenever they changed.  The counts run from the
 * gateway's start: the region holds them.
 */
#include "tp_metrics_cache.h"
#include "tp_cache.h"
#include "tp_cycle.h"
#include "tp_dirs.h"
#include "tp_log.h"
#include "tp_mstat.h"
#include "tp_time.h"

#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#define EXPIRE_BATCH    1000         /* entries deleted per second, at most */
#define REPORT_EVERY_MS 10000

void
tp_metrics_cache_init(struct tp_metrics_cache *mc)
{
    const struct tp_server_conf *sc = &tp_proc.cycle->model->server;
    char err[512], dpath[64];

    memset(mc, 0, sizeof(*mc));
    if (!sc->cache_used) {
        return;
    }
    mc->written = UINT64_MAX;        /* replace a previous run's file */
    if (tp_cache_open(&mc->cache, tp_dirs_data_path(tp_proc.cycle, dpath,
            sizeof(dpath)), sc->cache_size, err, sizeof(err)) != TP_OK)
    {
        tp_log(TP_LOG_ERROR, 0, "metrics worker: data_dir \"%s\": %s",
            sc->data_dir, err);
        mc->cache = NULL;
    }
}

static void
cache_report(struct tp_metrics_cache *mc, const char *what, const char *err)
{
    if (mc->reported == 0
        || tp_clock.mono_ms - mc->reported >= REPORT_EVERY_MS)
    {
        mc->reported = tp_clock.mono_ms;
        tp_log(TP_LOG_ERROR, 0, "response cache: %s: %s", what, err);
    }
}

/* The cache counts of <st>: its route series and its stage series (a
 * route that found the region full shares the latter: counted once). */
static void
cache_counts(const struct tp_api *api, const struct tp_stage *st,
    uint64_t *hits, uint64_t *misses)
{
    const struct tp_mstat *ms = tp_proc.mstat;
    uint32_t base;
    unsigned i;

    *hits = *misses = 0;
    if (ms == NULL || st->mseries == NULL) {
        return;
    }
    base = st->mseries[api->nroutes + 1];
    for (i = 0; i < api->nroutes + 2; i++) {
        if (st->mseries[i] != base || i == api->nroutes + 1) {
            *hits += tp_mstat_sum_n(ms, st->mseries[i], TP_MC_CACHE_HIT);
            *misses += tp_mstat_sum_n(ms, st->mseries[i], TP_MC_CACHE_MISS);
        }
    }
}

/* Writes stats.json when any count moved. */
static void
cache_write_stats(struct tp_metrics_cache *mc)
{
    const struct tp_model *m = tp_proc.cycle->model;
    char path[4200], tmp[4210], dpath[64];
    uint64_t hits, misses, sum = 0;
    unsigned i, k;
    bool first = true;
    FILE *f;

    for (i = 0; i < m->napis; i++) {
        for (k = 0; k < m->apis[i].nstages; k++) {
            if (m->apis[i].stages[k].cache.enabled) {
                cache_counts(&m->apis[i], &m->apis[i].stages[k], &hits,
                    &misses);
                sum += hits + misses;
            }
        }
    }
    if (sum == mc->written) {
        return;
    }
    snprintf(path, sizeof(path), "%s/cache/stats.json",
        tp_dirs_data_path(tp_proc.cycle, dpath, sizeof(dpath)));
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    f = fopen(tmp, "we");
    if (f == NULL) {
        cache_report(mc, "cannot write stats.json", strerror(errno));
        return;
    }
    fputs("{\"stages\":{", f);
    for (i = 0; i < m->napis; i++) {
        const struct tp_api *api = &m->apis[i];

        for (k = 0; k < api->nstages; k++) {
            const struct tp_stage *st = &api->stages[k];

            if (!st->cache.enabled) {
                continue;
            }
            cache_counts(api, st, &hits, &misses);
            /* Ids and stage names are plain (checked at load). */
            fprintf(f, "%s\"%s/%s\":{\"hits\":%llu,\"misses\":%llu}",
                first ? "" : ",", api->id, st->name,
                (unsigned long long) hits, (unsigned long long) misses);
            first = false;
        }
    }
    fputs("}}\n", f);
    if (fclose(f) != 0 || rename(tmp, path) != 0) {
        cache_report(mc, "cannot write stats.json", strerror(errno));
        (void) unlink(tmp);
        return;
    }
    mc->written = sum;
}

void
tp_metrics_cache_tick(struct tp_metrics_cache *mc)
{
    char err[512];
    size_t n = 0;

    if (mc->cache == NULL) {
        return;
    }
    if (tp_cache_expire(mc->cache, tp_clock.real_ms, EXPIRE_BATCH, &n, err,
            sizeof(err)) == TP_ERROR)
    {
        cache_report(mc, "expiry", err);
    }
    cache_write_stats(mc);
}

void
tp_metrics_cache_close(struct tp_metrics_cache *mc)
{
    if (mc->cache != NULL) {
        tp_cache_close(mc->cache);
        mc->cache = NULL;
    }
}
