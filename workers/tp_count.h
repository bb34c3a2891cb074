/*
 * tp_count.h: counting finished requests in this worker's metrics block
 * (shm/tp_mstat.h, workers/tp_mown.h).  Workers only.
 */
#ifndef TP_COUNT_H
#define TP_COUNT_H

#include "tp_request.h"

/* Counts <r> (status, latency, integration latency, cache, bytes) in
 * its series.  Called once per request, when it ends. */
void tp_count_request(struct tp_request *r);

#endif /* TP_COUNT_H */
