/*
 * tp_throttle.c: the shared throttle table.  Lookups and admissions are
 * lock-free; inserts take the table lock so that a scope never gets two
 * entries.  Entries are never removed, only reused once idle (TAT in the
 * past), so a lookup can stop at the first never-used slot.  Reuse
 * claims the slot's TAT first, so that no charge lands on a slot while
 * its key changes, and an admission re-reads the key after charging.
 */
#include "tp_throttle.h"
#include "tp_shm.h"

/* The TAT of a slot changing hands: admissions wait for the new key. */
#define TT_EVICTING  UINT64_MAX
/* Rounds an admission waits for a slot changing hands before calling the
 * table full (an inserter died holding the claim). */
#define TT_RETRIES   4096

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

/* Claims an idle slot for a new key: its TAT becomes TT_EVICTING so that
 * no admission can land on it while the key changes.  False if an
 * admission charged it first (then it is not idle any more). */
static bool
tt_claim(struct tp_tt_slot *s, uint64_t now)
{
    uint64_t tat = atomic_load_explicit(&s->tat, memory_order_acquire);

    return tat <= now && atomic_compare_exchange_strong_explicit(&s->tat,
        &tat, TT_EVICTING, memory_order_acq_rel, memory_order_relaxed);
}

/* Under the lock: the entry of <key>, or a slot for it (a never-used
 * one, or an idle one met first on the probe path, claimed), or NULL.
 * Another process may have made the entry since our lock-free lookup,
 * past slots that went idle meanwhile: look for it before claiming. */
static struct tp_tt_slot *
tt_probe(struct tp_tt_table *t, uint64_t key, uint64_t now, bool *found)
{
    uint64_t mask = t->cap - 1, i, k;
    struct tp_tt_slot *s = tt_find(t, key);
    unsigned n;

    *found = s != NULL;
    for (n = 0, i = key & mask; s == NULL && n < TP_THROTTLE_PROBE;
        n++, i = (i + 1) & mask)
    {
        k = atomic_load_explicit(&t->slots[i].key, memory_order_relaxed);
        if (k == 0) {
            return &t->slots[i];
        }
        if (tt_claim(&t->slots[i], now)) {
            atomic_fetch_add_explicit(&t->reused, 1, memory_order_relaxed);
            return &t->slots[i];     /* full bucket: as good as absent */
        }
    }
    return s;
}

/* The entry of <key>, made under the lock; NULL if there is no room. */
static struct tp_tt_slot *
tt_insert(struct tp_tt_table *t, uint64_t key, uint64_t now)
{
    struct tp_tt_slot *s;
    bool found;

    tp_shm_lock(&t->lock);
    s = tt_probe(t, key, now, &found);
    if (s == NULL) {
        atomic_fetch_add_explicit(&t->full, 1, memory_order_relaxed);
    } else if (!found) {
        /* Key first, TAT last: an admission that read the old key and
         * then sees this TAT re-reads the key and finds it changed. */
        atomic_store_explicit(&s->key, key, memory_order_release);
        atomic_store_explicit(&s->tat, 0, memory_order_release);
    }
    tp_shm_unlock(&t->lock);
    return s;
}

void
tp_throttle_refund(struct tp_tt_slot **slots, const struct tp_tt_scope *sc,
    unsigned n)
{
    unsigned i;

    /* TAT - T: exact even when other requests charged in between, as
     * charges add T to max(TAT, now) and a TAT in the past means full.
     * A slot that changed hands since holds no charge of ours. */
    for (i = 0; i < n; i++) {
        if (atomic_load_explicit(&slots[i]->key, memory_order_acquire)
            == sc[i].key)
        {
            atomic_fetch_sub_explicit(&slots[i]->tat, sc[i].g.t,
                memory_order_relaxed);
        }
    }
}

/* One compare-and-swap loop on <s>: charged, refused, or the slot is
 * changing hands (look the key up again). */
enum tt_step { TT_CHARGED, TT_REFUSED, TT_AGAIN };

static enum tt_step
tt_cas(struct tp_tt_slot *s, const struct tp_tt_scope *sc, uint64_t now)
{
    uint64_t tat = atomic_load_explicit(&s->tat, memory_order_acquire), next;

    for (;;) {
        if (tat == TT_EVICTING) {
            return TT_AGAIN;
        }
        if (!tp_gcra_admit(&sc->g, tat, now, &next)) {
            /* Refused by a slot that changed hands? Look again. */
            return atomic_load_explicit(&s->key, memory_order_acquire)
                == sc->key ? TT_REFUSED : TT_AGAIN;
        }
        if (atomic_compare_exchange_weak_explicit(&s->tat, &tat, next,
                memory_order_acq_rel, memory_order_acquire))
        {
            return TT_CHARGED;
        }
    }
}

/* Charges one scope: TP_TT_ADMIT with its slot in <*out>. */
static enum tp_tt_result
tt_charge(struct tp_tt_table *t, const struct tp_tt_scope *sc, uint64_t now,
    struct tp_tt_slot **out)
{
    struct tp_tt_slot *s;
    unsigned round;

    for (round = 0; round < TT_RETRIES; round++) {
        s = tt_find(t, sc->key);
        if (s == NULL && (s = tt_insert(t, sc->key, now)) == NULL) {
            return TP_TT_FULL;
        }
        switch (tt_cas(s, sc, now)) {
        case TT_REFUSED:
            return TP_TT_THROTTLED;
        case TT_AGAIN:
            continue;
        case TT_CHARGED:
            break;
        }
        /* The TAT was read after the key (acquire), and an insert writes
         * the key before the TAT: a key still ours means the charge is. */
        if (atomic_load_explicit(&s->key, memory_order_acquire) == sc->key) {
            *out = s;
            return TP_TT_ADMIT;
        }
        /* The slot changed hands between our lookup and the charge: the
         * charge belongs to another key; give it back, look again. */
        atomic_fetch_sub_explicit(&s->tat, sc->g.t, memory_order_relaxed);
    }
    return TP_TT_FULL;
}

enum tp_tt_result
tp_throttle_admit(struct tp_tt_table *t, const struct tp_tt_scope *sc,
    unsigned n, uint64_t now, struct tp_tt_slot **out)
{
    struct tp_tt_slot *slots[TP_THROTTLE_SCOPES];
    enum tp_tt_result res;
    unsigned i;

    tp_assert(n <= TP_THROTTLE_SCOPES);
    for (i = 0; i < n; i++) {
        res = tt_charge(t, &sc[i], now, &slots[i]);
        if (res != TP_TT_ADMIT) {
            tp_throttle_refund(slots, sc, i);
            return res;
        }
    }
    if (out != NULL) {
        for (i = 0; i < n; i++) {
            out[i] = slots[i];
        }
    }
    return TP_TT_ADMIT;
}
