/*
 * tp_cache_stats.c: per-stage cache hit and miss counters in shm.
 */
#include "tp_cache_stats.h"
#include "tp_shm.h"

struct tp_cache_stats *
tp_cache_stats_zone(struct tp_shm *shm)
{
    return shm != NULL ? tp_shm_zone(shm, "cache_stats",
        sizeof(struct tp_cache_stats)) : NULL;
}

static struct tp_cache_stat_slot *
stats_slot(struct tp_cache_stats *t, uint64_t stage, bool claim)
{
    uint64_t i = stage % TP_CACHE_STATS_SLOTS, k, n;

    stage |= stage == 0;             /* 0 marks a free slot */
    for (n = 0; n < TP_CACHE_STATS_SLOTS; n++) {
        struct tp_cache_stat_slot *s = &t->slots[(i + n)
            % TP_CACHE_STATS_SLOTS];

        k = atomic_load_explicit(&s->stage, memory_order_acquire);
        if (k == stage) {
            return s;
        }
        if (k == 0) {
            if (!claim) {
                return NULL;
            }
            if (atomic_compare_exchange_strong(&s->stage, &k, stage)
                || k == stage)
            {
                return s;
            }
        }
    }
    return NULL;
}

void
tp_cache_stats_count(struct tp_cache_stats *t, uint64_t stage, bool hit)
{
    struct tp_cache_stat_slot *s = t != NULL ? stats_slot(t, stage, true)
                                             : NULL;

    if (s != NULL) {
        atomic_fetch_add_explicit(hit ? &s->hits : &s->misses, 1,
            memory_order_relaxed);
    }
}

bool
tp_cache_stats_get(struct tp_cache_stats *t, uint64_t stage,
    uint64_t *hits, uint64_t *misses)
{
    struct tp_cache_stat_slot *s = t != NULL ? stats_slot(t, stage, false)
                                             : NULL;

    *hits = s != NULL ? atomic_load(&s->hits) : 0;
    *misses = s != NULL ? atomic_load(&s->misses) : 0;
    return s != NULL;
}
