/*
 * tp_aws_proxy_int.h: what tp_aws_proxy.c (the exchange) needs from its
 * neighbours: the event built from a request (tp_aws_proxy_event.c) and
 * the function call itself (tp_aws_proxy_fn.c, the one place that calls
 * tp_fn_invoke()).  Workers only.
 */
#ifndef TP_AWS_PROXY_INT_H
#define TP_AWS_PROXY_INT_H

#include "tp_fn.h"
#include "tp_fn_remote.h"
#include "tp_request.h"

/* The proxy event for <r> (body collected) in its arena.  TP_ERROR on
 * out-of-memory. */
int tp_aws_proxy_event(struct tp_request *r, struct tp_str *out);

/* The payload format's: an HTTP API route with payload_format "1.0" or
 * a REST API reads answers by 1.0's rules. */
bool tp_aws_proxy_v2(const struct tp_request *r);

/* One invocation in flight: of a local function or a remote one. */
struct tp_aws_proxy_call {
    struct tp_fn_call *local;
    struct tp_fn_remote *remote;
};

/*
 * Invokes the route's function with <payload>: its `function` in the
 * function host, else the Lambda ARN of its `uri` at the `lambda`
 * endpoint.  TP_OK with *<call> set, or TP_ERROR when it cannot start
 * (<done> never runs then).
 */
int tp_aws_proxy_invoke(struct tp_request *r, struct tp_str payload,
    tp_fn_done done, void *ctx, struct tp_aws_proxy_call *call);

/* <done> will not run; nothing when no call is in flight. */
void tp_aws_proxy_cancel(struct tp_aws_proxy_call *call);

#endif /* TP_AWS_PROXY_INT_H */
