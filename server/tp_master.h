/*
 * tp_master.h: the master's supervision loop.  Master only.
 */
#ifndef TP_MASTER_H
#define TP_MASTER_H

#include "tp_cycle.h"

/*
 * Runs the master on the already loaded and bound tp_proc.cycle: forks the
 * workers and supervises them until a stop signal.  Returns the exit code.
 */
int tp_master_run(void);

/* Installs the master's signal handlers (all signals blocked outside of
 * sigsuspend). */
void tp_master_signals(void);

#endif /* TP_MASTER_H */
