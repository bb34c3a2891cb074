/*
 * tp_aws_proxy_fn.c: the one place that chooses where an AWS_PROXY
 * integration's function runs: its `function` (or the local function
 * its uri's ARN names, resolved at load by tp_conf_refs.c) in the
 * function host (tp_fn_invoke()); any other Lambda ARN at the `lambda`
 * endpoint (tp_fn_invoke_remote()).  Workers only.
 */
#include "tp_aws_proxy_int.h"
#include "tp_worker.h"

int
tp_aws_proxy_invoke(struct tp_request *r, struct tp_str payload,
    tp_fn_done done, void *ctx, struct tp_aws_proxy_call *call)
{
    const struct tp_integration *in = &r->match.route->integ;
    struct tp_worker *w = r->c->w;
    struct tp_lambda_ref ref;

    memset(call, 0, sizeof(*call));
    if (in->function != NULL) {
        call->local = tp_fn_invoke(w, in->function, payload, r->id, false,
            done, ctx);
        return call->local != NULL ? TP_OK : TP_ERROR;
    }
    if (in->uri == NULL || w->model->lambda.endpoint == NULL
        || tp_lambda_uri_parse(in->uri, &ref) != TP_OK)
    {
        return TP_ERROR;
    }
    call->remote = tp_fn_invoke_remote(w, &ref, payload, r->id, false, done,
        ctx);
    return call->remote != NULL ? TP_OK : TP_ERROR;
}

void
tp_aws_proxy_cancel(struct tp_aws_proxy_call *call)
{
    if (call->local != NULL) {
        tp_fn_cancel(call->local);
    }
    if (call->remote != NULL) {
        tp_fn_remote_cancel(call->remote);
    }
    call->local = NULL;
    call->remote = NULL;
}
