/*
 * tp_metrics.h: the metrics worker, one child per generation next to the
 * request workers.  Today it makes quota counting durable: every second it
 * writes the quota entries that changed to the state database (turning
 * their growth into daily usage) and evicts idle, already stored entries
 * when the shared table fills; it flushes once more when told to stop,
 * and when the master dies.  (CloudWatch-style metrics join it later.)
 */
#ifndef TP_METRICS_H
#define TP_METRICS_H

#include "tp_core.h"

/* Entry point of the metrics worker (called by tp_process_spawn). */
void tp_metrics_main(void) __attribute__((noreturn));

#endif /* TP_METRICS_H */
