/*
 * tp_cache_stats.h: CacheHitCount and CacheMissCount per stage, in shared
 * memory so that every worker adds to the same counters and the metrics
 * worker reads them.  A fixed table keyed by the stage's hash; a stage
 * claims its slot with one compare-and-swap and keeps it.
 */
#ifndef TP_CACHE_STATS_H
#define TP_CACHE_STATS_H

#include "tp_core.h"

#include <stdatomic.h>

#define TP_CACHE_STATS_SLOTS 1024    /* stages with a cache, at most */

struct tp_shm;

struct tp_cache_stat_slot {
    _Atomic uint64_t stage;          /* tp_stage.hash; 0: free */
    _Atomic uint64_t hits;
    _Atomic uint64_t misses;
};

struct tp_cache_stats {
    struct tp_cache_stat_slot slots[TP_CACHE_STATS_SLOTS];
};

/* The table (carved by the master at segment creation). */
struct tp_cache_stats *tp_cache_stats_zone(struct tp_shm *shm);

/* Counts a hit or a miss for <stage>; dropped when the table is full. */
void tp_cache_stats_count(struct tp_cache_stats *t, uint64_t stage,
    bool hit);

/* The counts of <stage>; false when it has none yet. */
bool tp_cache_stats_get(struct tp_cache_stats *t, uint64_t stage,
    uint64_t *hits, uint64_t *misses);

#endif /* TP_CACHE_STATS_H */
