/*
 * tp_count.h: counting finished requests in this worker's metrics block
 * (shm/tp_mstat.h, workers/tp_mown.h).  Workers only.
 */
#ifndef TP_COUNT_H
#define TP_COUNT_H

#include "tp_request.h"

/*
 * Counts <r> (status, latency, integration latency, cache, bytes) in its
 * series, once: right before the write that sends the response's last
 * bytes (tp_respond_send, the proxy's last piece), and when it ends for
 * a request that ends otherwise.  Not after that write: a kill -9 takes
 * effect when a system call returns, so a worker killed in its last
 * write would have sent a response it never counted.
 */
void tp_count_request(struct tp_request *r);

/*
 * With io_uring the response's last write is only queued: its count is
 * held (struct tp_worker.cpend) and added here, which the ring runs right
 * before every system call that sends (tp_uring.h before_send), so counts
 * still go out just before their responses.  <arg>: the worker.
 */
void tp_count_flush(void *arg);

#endif /* TP_COUNT_H */
