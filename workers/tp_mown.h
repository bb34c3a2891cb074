/*
 * tp_mown.h: a counting process's own block of the metrics region
 * (shm/tp_mstat.h): where its counts go, and the heartbeat it writes
 * into the block's header every second.  Request workers and the
 * function host.
 */
#ifndef TP_MOWN_H
#define TP_MOWN_H

#include "tp_mstat.h"
#include "tp_timer.h"

struct tp_mown {
    struct tp_mblock *block;         /* NULL: nothing is counted */
    struct tp_mcount *counts;        /* by series */
    struct tp_timers *timers;
    struct tp_timer beat;
};

/* Takes the block the master gave this process (tp_proc.mblock); with
 * none, or with <enabled> false, o->counts stays NULL. */
void tp_mown_start(struct tp_mown *o, struct tp_timers *timers,
    bool enabled);

/* The process was told to drain (shown by /health). */
void tp_mown_draining(struct tp_mown *o);

#endif /* TP_MOWN_H */
