/*
 * tp_timer.c: the timer heap.  Used by workers' event loops.
 */
#include "tp_timer.h"

#include <stdlib.h>

static void
heap_place(struct tp_timers *h, uint32_t i, struct tp_timer *t)
{
    h->heap[i] = t;
    t->idx = i;
}

static void
heap_up(struct tp_timers *h, uint32_t i)
{
    struct tp_timer *t = h->heap[i];

    while (i > 0) {
        uint32_t parent = (i - 1) / 2;

        if (h->heap[parent]->when <= t->when) {
            break;
        }
        heap_place(h, i, h->heap[parent]);
        i = parent;
    }
    heap_place(h, i, t);
}

static void
heap_down(struct tp_timers *h, uint32_t i)
{
    struct tp_timer *t = h->heap[i];

    for (;;) {
        uint32_t l = 2 * i + 1, m = i;
        uint64_t best = t->when;

        if (l < h->n && h->heap[l]->when < best) {
            m = l;
            best = h->heap[l]->when;
        }
        if (l + 1 < h->n && h->heap[l + 1]->when < best) {
            m = l + 1;
        }
        if (m == i) {
            break;
        }
        heap_place(h, i, h->heap[m]);
        i = m;
    }
    heap_place(h, i, t);
}

int
tp_timer_set(struct tp_timers *h, struct tp_timer *t, uint64_t when)
{
    uint64_t old = t->when;

    t->when = when;
    if (tp_timer_armed(t)) {
        if (when < old) {
            heap_up(h, t->idx);
        } else if (when > old) {
            heap_down(h, t->idx);
        }
        return TP_OK;
    }
    if (h->n == h->cap) {
        uint32_t cap = h->cap == 0 ? 64 : h->cap * 2;
        struct tp_timer **grown = realloc(h->heap, sizeof(*grown) * cap);

        if (grown == NULL) {
            return TP_ERROR;
        }
        h->heap = grown;
        h->cap = cap;
    }
    heap_place(h, h->n++, t);
    heap_up(h, t->idx);
    return TP_OK;
}

void
tp_timer_del(struct tp_timers *h, struct tp_timer *t)
{
    uint32_t i = t->idx;
    struct tp_timer *last;

    if (i == TP_TIMER_IDLE) {
        return;
    }
    tp_assert(i < h->n && h->heap[i] == t);
    t->idx = TP_TIMER_IDLE;
    last = h->heap[--h->n];
    if (last == t) {
        return;
    }
    heap_place(h, i, last);
    if (i > 0 && h->heap[(i - 1) / 2]->when > last->when) {
        heap_up(h, i);
    } else {
        heap_down(h, i);
    }
}

uint64_t
tp_timer_next(const struct tp_timers *h)
{
    return h->n > 0 ? h->heap[0]->when : 0;
}

unsigned
tp_timer_expire(struct tp_timers *h, uint64_t now)
{
    unsigned ran = 0;

    while (h->n > 0 && h->heap[0]->when <= now) {
        struct tp_timer *t = h->heap[0];

        tp_timer_del(h, t);
        t->fn(t);                    /* may re-arm itself or others */
        ran++;
    }
    return ran;
}

void
tp_timers_free(struct tp_timers *h)
{
    free(h->heap);
    h->heap = NULL;
    h->n = h->cap = 0;
}
