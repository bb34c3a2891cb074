/*
 * tp_throttle.c: the shared throttle table.  Lookups and admissions are
 * lock-free; inserts take the table lock so that a scope never gets two
 * entries.  Entries are never removed, only reused once idle (TAT in the
 * past), so a lookup can stop at the first never-used slot.
 */
#include "tp_throttle.h"
#include "tp_shm.h"

size_t
tp_throttle_zone_size(uint32_t entries)
{
    return sizeof(struct tp_tt_table)
        + tp_shm_pow2(entries) * sizeof(struct tp_tt_slot);
}

struct tp_tt_table *
tp_throttle_zone(struct tp_shm *shm, uint32_t entries)
{
    size_t size = tp_throttle_zone_size(entries);
    struct tp_tt_table *t = tp_shm_zone_any(shm, "throttle", &size);

    if (t != NULL && t->cap == 0) {
        t->cap = tp_shm_table_cap(size, sizeof(*t), sizeof(t->slots[0]));
    }
    return t;
}

static struct tp_tt_slot *
tt_find(struct tp_tt_table *t, uint64_t key)
{
    uint64_t mask = t->cap - 1, i = key & mask, k;
    unsigned n;

    for (n = 0; n < TP_THROTTLE_PROBE; n++, i = (i + 1) & mask) {
        k = atomic_load_explicit(&t->slots[i].key, memory_order_acquire);
        if (k == key) {
            return &t->slots[i];
        }
        if (k == 0) {
            return NULL;
        }
    }
    return NULL;
}

/* Under the lock: the entry of <key>, made in a free or idle slot. */
static struct tp_tt_slot *
tt_insert(struct tp_tt_table *t, uint64_t key, uint64_t now)
{
    uint64_t mask = t->cap - 1, i = key & mask, k;
    struct tp_tt_slot *s, *idle = NULL;
    unsigned n;

    tp_shm_lock(&t->lock);
    for (n = 0; n < TP_THROTTLE_PROBE; n++, i = (i + 1) & mask) {
        s = &t->slots[i];
        k = atomic_load_explicit(&s->key, memory_order_relaxed);
        if (k == key) {
            tp_shm_unlock(&t->lock);
            return s;
        }
        if (k == 0) {
            break;
        }
        if (idle == NULL
            && atomic_load_explicit(&s->tat, memory_order_relaxed) <= now)
        {
            idle = s;                /* full bucket: as good as absent */
        }
    }
    if (n < TP_THROTTLE_PROBE && idle == NULL) {
        idle = &t->slots[i];
    } else if (idle != NULL) {
        atomic_fetch_add_explicit(&t->reused, 1, memory_order_relaxed);
    }
    if (idle != NULL) {
        atomic_store_explicit(&idle->tat, 0, memory_order_relaxed);
        atomic_store_explicit(&idle->key, key, memory_order_release);
    } else {
        atomic_fetch_add_explicit(&t->full, 1, memory_order_relaxed);
    }
    tp_shm_unlock(&t->lock);
    return idle;
}

void
tp_throttle_refund(struct tp_tt_slot **slots, const struct tp_tt_scope *sc,
    unsigned n)
{
    unsigned i;

    /* TAT - T: exact even when other requests charged in between, as
     * charges add T to max(TAT, now) and a TAT in the past means full. */
    for (i = 0; i < n; i++) {
        atomic_fetch_sub_explicit(&slots[i]->tat, sc[i].g.t,
            memory_order_relaxed);
    }
}

enum tp_tt_result
tp_throttle_admit(struct tp_tt_table *t, const struct tp_tt_scope *sc,
    unsigned n, uint64_t now, struct tp_tt_slot **out)
{
    struct tp_tt_slot *slots[TP_THROTTLE_SCOPES];
    uint64_t tat, next;
    unsigned i;

    tp_assert(n <= TP_THROTTLE_SCOPES);
    for (i = 0; i < n; i++) {
        slots[i] = tt_find(t, sc[i].key);
        if (slots[i] == NULL) {
            slots[i] = tt_insert(t, sc[i].key, now);
            if (slots[i] == NULL) {
                tp_throttle_refund(slots, sc, i);
                return TP_TT_FULL;
            }
        }
        tat = atomic_load_explicit(&slots[i]->tat, memory_order_relaxed);
        do {
            if (!tp_gcra_admit(&sc[i].g, tat, now, &next)) {
                tp_throttle_refund(slots, sc, i);
                return TP_TT_THROTTLED;
            }
        } while (!atomic_compare_exchange_weak_explicit(&slots[i]->tat, &tat,
            next, memory_order_relaxed, memory_order_relaxed));
    }
    if (out != NULL) {
        for (i = 0; i < n; i++) {
            out[i] = slots[i];
        }
    }
    return TP_TT_ADMIT;
}
