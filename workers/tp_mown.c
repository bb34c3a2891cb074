/*
 * tp_mown.c: taking this process's metrics block and beating in it.
 */
#include "tp_mown.h"
#include "tp_cycle.h"
#include "tp_time.h"

#define BEAT_MS 1000

static void
mown_beat(struct tp_timer *t)
{
    struct tp_mown *o = TP_CONTAINER_OF(t, struct tp_mown, beat);

    o->block->beat_ms = tp_clock.real_ms;
    (void) tp_timer_set(o->timers, &o->beat, tp_clock.mono_ms + BEAT_MS);
}

void
tp_mown_start(struct tp_mown *o, struct tp_timers *timers, bool enabled)
{
    struct tp_mstat *m = tp_proc.mstat;

    if (m == NULL || tp_proc.mblock < 0 || !enabled) {
        return;
    }
    o->block = tp_mstat_block(m, (unsigned) tp_proc.mblock);
    o->counts = tp_mstat_counts(m, (unsigned) tp_proc.mblock, 0);
    o->block->started_ms = tp_clock.real_ms;
    o->timers = timers;
    tp_timer_init(&o->beat, mown_beat);
    mown_beat(&o->beat);
}

void
tp_mown_draining(struct tp_mown *o)
{
    if (o->block != NULL) {
        o->block->draining = true;
    }
}
