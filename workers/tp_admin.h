/*
 * tp_admin.h: requests on the admin listener (metrics.admin).  It serves
 * built-in routes only, never an API's: the Lambda Invoke API
 * (tp_admin_invoke.c), /metrics and /health (tp_admin_metrics.c).
 * Workers only.
 */
#ifndef TP_ADMIN_H
#define TP_ADMIN_H

#include "tp_request.h"

/* Answers (now or later) a request that came in on an admin listener;
 * always TP_PHASE_DONE: no other phase runs for it. */
int tp_admin_request(struct tp_request *r);

/*
 * A Lambda service error (lambda.md 7): <status>, x-amzn-ErrorType
 * <type>, body {"Type":"User"|"Service","message":<message>} (Service
 * for 5xx), plus {"Reason": <reason>} when not NULL.
 */
void tp_admin_error(struct tp_request *r, int status, const char *type,
    const char *message, const char *reason);

/* POST /2015-03-31/functions/{name}/invocations (tp_admin_invoke.c);
 * <name> is the path segment still percent-encoded. */
void tp_admin_invoke(struct tp_request *r, struct tp_str name);

/* GET /metrics: the metrics region in Prometheus text format; <unused>
 * is the routes table's argument. */
void tp_admin_metrics(struct tp_request *r, struct tp_str unused);

/* GET /health: the processes' states as JSON, 503 when one stalled. */
void tp_admin_health(struct tp_request *r, struct tp_str unused);

#endif /* TP_ADMIN_H */
