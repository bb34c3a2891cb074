/*
 * tp_quota.c: the shared quota table (tp_quota.h says how it stays exact).
 */
#include "tp_quota.h"
#include "tp_shm.h"

size_t
tp_quota_zone_size(uint32_t entries)
{
    return sizeof(struct tp_q_table)
        + tp_shm_pow2(entries) * sizeof(struct tp_q_slot);
}

struct tp_q_table *
tp_quota_zone(struct tp_shm *shm, uint32_t entries)
{
    size_t size = tp_quota_zone_size(entries);
    struct tp_q_table *t = tp_shm_zone_any(shm, "quota", &size);

    if (t != NULL && t->cap == 0) {
        t->cap = tp_shm_table_cap(size, sizeof(*t), sizeof(t->slots[0]));
    }
    return t;
}

struct tp_q_slot *
tp_quota_find(struct tp_q_table *t, uint64_t id)
{
    uint64_t mask = t->cap - 1, i = id & mask, k;
    unsigned n;

    for (n = 0; n < TP_QUOTA_PROBE; n++, i = (i + 1) & mask) {
        k = atomic_load_explicit(&t->slots[i].key, memory_order_acquire);
        if (k == id) {
            return &t->slots[i];
        }
        if (k == 0) {
            return NULL;             /* deleted slots are passed over */
        }
    }
    return NULL;
}

struct tp_q_slot *
tp_quota_insert(struct tp_q_table *t, uint64_t id,
    const struct tp_quota_rec *rec, uint32_t now_s)
{
    uint64_t mask = t->cap - 1, i = id & mask, k;
    struct tp_q_slot *s, *room = NULL;
    unsigned n;

    tp_shm_lock(&t->lock);
    for (n = 0; n < TP_QUOTA_PROBE; n++, i = (i + 1) & mask) {
        s = &t->slots[i];
        k = atomic_load_explicit(&s->key, memory_order_relaxed);
        if (k == id) {
            tp_shm_unlock(&t->lock);
            return s;
        }
        if (k == TP_QUOTA_DELETED && room == NULL) {
            room = s;
        }
        if (k == 0) {
            if (room == NULL) {
                room = s;
            }
            break;
        }
    }
    if (room == NULL) {
        atomic_fetch_add_explicit(&t->full, 1, memory_order_relaxed);
        tp_shm_unlock(&t->lock);
        return NULL;
    }
    room->flushed_word = rec != NULL ? rec->word : 0;
    room->flushed_total = rec != NULL ? rec->total : 0;
    atomic_store_explicit(&room->word, room->flushed_word,
        memory_order_relaxed);
    atomic_store_explicit(&room->total, room->flushed_total,
        memory_order_relaxed);
    atomic_store_explicit(&room->used_s, now_s, memory_order_relaxed);
    atomic_store_explicit(&room->key, id, memory_order_release);
    atomic_fetch_add_explicit(&t->used, 1, memory_order_relaxed);
    tp_shm_unlock(&t->lock);
    return room;
}

enum tp_q_result
tp_quota_take(struct tp_q_slot *s, uint64_t id, uint64_t period,
    uint64_t limit, uint32_t now_s)
{
    uint64_t w = atomic_load_explicit(&s->word, memory_order_acquire);
    uint64_t p, c;

    period &= TP_QUOTA_PERIOD_MASK;
    for (;;) {
        if (w == TP_QUOTA_EVICTING) {
            return TP_Q_RETRY;
        }
        p = tp_quota_word_period(w);
        c = tp_quota_word_count(w);
        /* A later period, or another kind of period, starts from zero;
         * a worker whose clock lags behind at a boundary counts in the
         * newer period another one already started. */
        if (p < period || p >> TP_QUOTA_KIND_SHIFT
            != period >> TP_QUOTA_KIND_SHIFT)
        {
            p = period;
            c = 0;
        }
        if (c >= limit) {
            return TP_Q_EXCEEDED;
        }
        if (atomic_compare_exchange_weak_explicit(&s->word, &w,
                tp_quota_word(p, c + 1), memory_order_acq_rel,
                memory_order_acquire))
        {
            break;
        }
    }
    /* Reused for another id meanwhile (it sat idle for a minute while we
     * held it): count again in the right one. */
    if (atomic_load_explicit(&s->key, memory_order_acquire) != id) {
        return TP_Q_RETRY;
    }
    atomic_fetch_add_explicit(&s->total, 1, memory_order_relaxed);
    atomic_store_explicit(&s->used_s, now_s, memory_order_relaxed);
    return TP_Q_OK;
}

size_t
tp_quota_dirty(struct tp_q_table *t, struct tp_quota_rec *out, size_t max,
    uint64_t *cursor)
{
    size_t n = 0;
    uint64_t i, k, w, total;

    for (i = *cursor; i < t->cap && n < max; i++) {
        struct tp_q_slot *s = &t->slots[i];

        k = atomic_load_explicit(&s->key, memory_order_acquire);
        if (k <= TP_QUOTA_DELETED) {
            continue;
        }
        w = atomic_load_explicit(&s->word, memory_order_acquire);
        total = atomic_load_explicit(&s->total, memory_order_acquire);
        if (w == TP_QUOTA_EVICTING
            || (w == s->flushed_word && total == s->flushed_total))
        {
            continue;
        }
        out[n++] = (struct tp_quota_rec) { k, w, total };
    }
    *cursor = i < t->cap ? i : 0;
    return n;
}

void
tp_quota_flushed(struct tp_q_table *t, const struct tp_quota_rec *r,
    size_t n)
{
    struct tp_q_slot *s;
    size_t i;

    for (i = 0; i < n; i++) {
        s = tp_quota_find(t, r[i].id);
        if (s != NULL) {
            s->flushed_word = r[i].word;
            s->flushed_total = r[i].total;
        }
    }
}

size_t
tp_quota_evict(struct tp_q_table *t, uint32_t now_s, uint32_t idle_s)
{
    uint64_t i, k, w, live = atomic_load_explicit(&t->used,
        memory_order_relaxed);
    size_t n = 0;

    if (live * 4 <= t->cap * 3) {
        return 0;
    }
    tp_shm_lock(&t->lock);
    for (i = 0; i < t->cap && live * 4 > t->cap * 3; i++) {
        struct tp_q_slot *s = &t->slots[i];

        k = atomic_load_explicit(&s->key, memory_order_relaxed);
        if (k <= TP_QUOTA_DELETED
            || now_s - atomic_load_explicit(&s->used_s, memory_order_relaxed)
                < idle_s)
        {
            continue;
        }
        /* Claim the word first: no admission can land after the check. */
        w = s->flushed_word;
        if (!atomic_compare_exchange_strong_explicit(&s->word, &w,
                TP_QUOTA_EVICTING, memory_order_acq_rel,
                memory_order_relaxed))
        {
            continue;
        }
        if (atomic_load_explicit(&s->total, memory_order_acquire)
            != s->flushed_total)
        {
            atomic_store_explicit(&s->word, s->flushed_word,
                memory_order_release);
            continue;
        }
        atomic_store_explicit(&s->key, TP_QUOTA_DELETED,
            memory_order_release);
        atomic_store_explicit(&s->total, 0, memory_order_relaxed);
        atomic_store_explicit(&s->word, 0, memory_order_release);
        live--;
        n++;
    }
    atomic_fetch_sub_explicit(&t->used, n, memory_order_relaxed);
    atomic_fetch_add_explicit(&t->evicted, n, memory_order_relaxed);
    tp_shm_unlock(&t->lock);
    return n;
}
