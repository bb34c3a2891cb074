/*
 * tp_metrics_cache.h: the metrics worker's duties toward the response
 * cache: deleting expired entries every second, and writing each stage's
 * hit and miss counts to data_dir/cache/stats.json for turnpikectl.
 * Metrics worker only.
 */
#ifndef TP_METRICS_CACHE_H
#define TP_METRICS_CACHE_H

#include "tp_core.h"

struct tp_cache;

struct tp_metrics_cache {
    struct tp_cache *cache;          /* NULL: no stage caches */
    uint64_t written;                /* sum of the counts last written */
    uint64_t reported;               /* mono ms of the last error report */
};

/* Opens the cache when a stage uses it; errors are logged, not fatal. */
void tp_metrics_cache_init(struct tp_metrics_cache *mc);

/* Once a second (and at exit). */
void tp_metrics_cache_tick(struct tp_metrics_cache *mc);

void tp_metrics_cache_close(struct tp_metrics_cache *mc);

#endif /* TP_METRICS_CACHE_H */
