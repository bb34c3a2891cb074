/*
 * tp_worker_cache.c: a worker's handles on the response cache: the LMDB
 * environment data_dir/cache (opened after fork) and the shared hit and
 * miss counters.  A cache that fails is bypassed, never fatal: requests go
 * to their integrations and the error is logged.  Workers only.
 */
#include "tp_cache.h"
#include "tp_dirs.h"
#include "tp_log.h"
#include "tp_time.h"
#include "tp_worker.h"

#define REPORT_EVERY_MS 10000

void
tp_worker_cache_init(struct tp_worker *w)
{
    char err[512], dpath[64];

    if (!w->conf->cache_used) {
        return;
    }
    if (tp_cache_open(&w->cache, tp_dirs_data_path(w->cycle, dpath,
            sizeof(dpath)), w->conf->cache_size, err, sizeof(err)) != TP_OK)
    {
        tp_log(TP_LOG_ERROR, 0, "data_dir \"%s\": %s; this worker serves "
            "without the response cache", w->conf->data_dir, err);
        w->cache = NULL;
    }
}

void
tp_worker_cache_error(struct tp_worker *w, const char *what)
{
    w->cache_errors++;
    if (w->cache_reported != 0
        && tp_clock.mono_ms - w->cache_reported < REPORT_EVERY_MS)
    {
        return;
    }
    tp_log(TP_LOG_ERROR, 0, "response cache: %s (%llu requests bypassed the "
        "cache since the last report)", what,
        (unsigned long long) w->cache_errors);
    w->cache_reported = tp_clock.mono_ms;
    w->cache_errors = 0;
}
