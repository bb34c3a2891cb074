/*
 * tp_aws_proxy_fn.c: the AWS_PROXY integration's call into the function
 * host (workers/tp_fn.h), kept apart so that the rest of the integration
 * is built and tested on its own.  Workers only.
 */
#include "tp_aws_proxy_int.h"

struct tp_fn_call *
tp_aws_proxy_invoke(struct tp_worker *w, const char *function,
    struct tp_str payload, const char *request_id, tp_fn_done done,
    void *ctx)
{
    return tp_fn_invoke(w, function, payload, request_id, false, done, ctx);
}

void
tp_aws_proxy_cancel(struct tp_fn_call *call)
{
    tp_fn_cancel(call);
}
