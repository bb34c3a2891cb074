/*
 * tp_quota.h: usage plan quota counters in shared memory, exact across
 * workers.
 *
 * One entry per (usage plan, API key), keyed by tp_quota_id().  Its word
 * packs the quota period number and the requests counted in it; a request
 * is admitted by one compare-and-swap from count c to c + 1 only while
 * c < limit, so N workers together never admit more than the limit, and
 * never fewer.  <total> counts every admitted request ever: the metrics
 * worker turns its growth into daily usage when it flushes the entry to
 * the state database (every second), and that is also where a missing
 * entry is loaded from.
 *
 * Only the metrics worker evicts, and only entries idle for a while whose
 * counts are already in the database; an evicted slot is marked deleted
 * (lookups go past it) and reused by inserts.
 */
#ifndef TP_QUOTA_H
#define TP_QUOTA_H

#include "tp_core.h"
#include "tp_shm_lock.h"
#include "tp_state.h"

#include <stdatomic.h>

#define TP_QUOTA_PROBE       32
#define TP_QUOTA_COUNT_BITS  44
#define TP_QUOTA_COUNT_MASK  ((UINT64_C(1) << TP_QUOTA_COUNT_BITS) - 1)
#define TP_QUOTA_PERIOD_MASK ((UINT64_C(1) << (64 - TP_QUOTA_COUNT_BITS)) - 1)
#define TP_QUOTA_EVICTING    UINT64_MAX     /* word while being evicted */
#define TP_QUOTA_DELETED     1              /* key of an evicted slot */

struct tp_shm;

struct tp_q_slot {                   /* one cache line */
    _Atomic uint64_t key;            /* 0: never used; 1: deleted */
    _Atomic uint64_t word;           /* period << 44 | count */
    _Atomic uint64_t total;
    _Atomic uint32_t used_s;         /* last admission, monotonic seconds */
    uint32_t pad;
    uint64_t flushed_word;           /* as last stored (metrics worker) */
    uint64_t flushed_total;
    uint64_t pad2[2];
};

struct tp_q_table {
    uint64_t cap;                    /* slots, a power of two */
    struct tp_shm_lock lock;
    _Atomic uint64_t used;           /* live entries */
    _Atomic uint64_t full;           /* inserts that found no room */
    _Atomic uint64_t evicted;
    uint64_t pad[3];
    struct tp_q_slot slots[];
};

/* The period field: the period's kind (enum tp_period) in its top two
 * bits, so that a plan whose period changes (DAY -> MONTH) starts over,
 * and the period number in the rest. */
#define TP_QUOTA_KIND_SHIFT  18

static inline uint64_t
tp_quota_period(unsigned kind, int64_t number)
{
    return (uint64_t) kind << TP_QUOTA_KIND_SHIFT
        | ((uint64_t) number & ((UINT64_C(1) << TP_QUOTA_KIND_SHIFT) - 1));
}

static inline uint64_t
tp_quota_word(uint64_t period, uint64_t count)
{
    return (period & TP_QUOTA_PERIOD_MASK) << TP_QUOTA_COUNT_BITS | count;
}

size_t tp_quota_zone_size(uint32_t entries);
struct tp_q_table *tp_quota_zone(struct tp_shm *shm, uint32_t entries);

/* The live entry of <id>, or NULL (lock-free). */
struct tp_q_slot *tp_quota_find(struct tp_q_table *t, uint64_t id);

/*
 * Makes the entry of <id> from <rec> (its stored counts, loaded by the
 * caller before; NULL: none stored).  An entry another process made
 * meanwhile wins.  NULL when the table has no room near <id>'s home.
 */
struct tp_q_slot *tp_quota_insert(struct tp_q_table *t, uint64_t id,
    const struct tp_quota_rec *rec, uint32_t now_s);

enum tp_q_result {
    TP_Q_OK = 0,
    TP_Q_EXCEEDED,
    TP_Q_RETRY                       /* the entry moved: look it up again */
};

/* Counts one request of period <period> (tp_quota_period) if fewer than
 * <limit> are. */
enum tp_q_result tp_quota_take(struct tp_q_slot *s, uint64_t id,
    uint64_t period, uint64_t limit, uint32_t now_s);

/* The period and count an entry's word holds. */
static inline uint64_t
tp_quota_word_period(uint64_t w)
{
    return w >> TP_QUOTA_COUNT_BITS;
}

static inline uint64_t
tp_quota_word_count(uint64_t w)
{
    return w & TP_QUOTA_COUNT_MASK;
}

/*
 * Metrics worker.  tp_quota_dirty copies up to <max> entries whose counts
 * changed since their last flush, scanning from <*cursor> (0 to start;
 * it returns to 0 after the last slot); tp_quota_flushed records that
 * <r> is now stored.  tp_quota_evict removes entries idle for <idle_s>
 * seconds whose counts are stored, once the table is more than 3/4 full;
 * it returns how many.
 */
size_t tp_quota_dirty(struct tp_q_table *t, struct tp_quota_rec *out,
    size_t max, uint64_t *cursor);
void tp_quota_flushed(struct tp_q_table *t, const struct tp_quota_rec *r,
    size_t n);
size_t tp_quota_evict(struct tp_q_table *t, uint32_t now_s, uint32_t idle_s);

#endif /* TP_QUOTA_H */
