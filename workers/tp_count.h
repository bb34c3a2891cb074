/*
 * tp_count.h: counting finished requests in this worker's metrics block
 * (shm/tp_mstat.h), and the block's heartbeat.  Workers only.
 */
#ifndef TP_COUNT_H
#define TP_COUNT_H

#include "tp_request.h"

struct tp_worker;

/* Takes the block the master gave this process; without one (or with
 * metrics off) nothing is counted. */
void tp_count_init(struct tp_worker *w);

/* Counts <r> (status, latency, integration latency, cache, bytes) in
 * its series.  Called once per request, when it ends. */
void tp_count_request(struct tp_request *r);

/* The worker was told to drain (shown by /health). */
void tp_count_draining(struct tp_worker *w);

#endif /* TP_COUNT_H */
