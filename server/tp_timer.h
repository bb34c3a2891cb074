/*
 * tp_timer.h: timers in a binary min-heap keyed by deadline (ms of
 * CLOCK_MONOTONIC).  One heap per event loop; used by workers.
 * Pure data structure: unit-tested with an injected clock.
 */
#ifndef TP_TIMER_H
#define TP_TIMER_H

#include "tp_core.h"

#define TP_TIMER_IDLE UINT32_MAX

struct tp_timer;
typedef void (*tp_timer_fn)(struct tp_timer *t);

struct tp_timer {
    uint64_t when;                   /* deadline, ms */
    uint32_t idx;                    /* heap position; TP_TIMER_IDLE: unarmed */
    tp_timer_fn fn;
};

struct tp_timers {
    struct tp_timer **heap;
    uint32_t n;
    uint32_t cap;
};

static inline void
tp_timer_init(struct tp_timer *t, tp_timer_fn fn)
{
    t->when = 0;
    t->idx = TP_TIMER_IDLE;
    t->fn = fn;
}

static inline bool
tp_timer_armed(const struct tp_timer *t)
{
    return t->idx != TP_TIMER_IDLE;
}

/* Arms (or re-arms) <t> for <when>.  TP_ERROR only on out-of-memory. */
int tp_timer_set(struct tp_timers *h, struct tp_timer *t, uint64_t when);
void tp_timer_del(struct tp_timers *h, struct tp_timer *t);

/* Earliest deadline, or 0 when no timer is armed. */
uint64_t tp_timer_next(const struct tp_timers *h);

/* Disarms and runs every timer due at <now>; returns how many ran. */
unsigned tp_timer_expire(struct tp_timers *h, uint64_t now);

void tp_timers_free(struct tp_timers *h);

#endif /* TP_TIMER_H */
