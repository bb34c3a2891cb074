/*
 * tp_aws_proxy_int.h: what tp_aws_proxy.c (the exchange) needs from its
 * neighbours: the event built from a request (tp_aws_proxy_event.c) and
 * the function call itself (tp_aws_proxy_fn.c, the one place that calls
 * tp_fn_invoke()).  Workers only.
 */
#ifndef TP_AWS_PROXY_INT_H
#define TP_AWS_PROXY_INT_H

#include "tp_fn.h"
#include "tp_request.h"

/* The proxy event for <r> (body collected) in its arena.  TP_ERROR on
 * out-of-memory. */
int tp_aws_proxy_event(struct tp_request *r, struct tp_str *out);

/* The payload format's: an HTTP API route with payload_format "1.0" or
 * a REST API reads answers by 1.0's rules. */
bool tp_aws_proxy_v2(const struct tp_request *r);

struct tp_fn_call *tp_aws_proxy_invoke(struct tp_worker *w,
    const char *function, struct tp_str payload, const char *request_id,
    tp_fn_done done, void *ctx);
void tp_aws_proxy_cancel(struct tp_fn_call *call);

#endif /* TP_AWS_PROXY_INT_H */
