/*
 * tp_auth_lambda_call.c: invoking a Lambda authorizer's function, the one
 * place that chooses where it runs: a `function` of the config, or the
 * local function a `uri`'s ARN names (an OpenAPI authorizerUri), runs in
 * the local function host (tp_fn_invoke()); any other `uri` is invoked
 * at the `lambda` endpoint (tp_fn_invoke_remote()) when one is
 * configured.  Workers only.
 */
#include "tp_auth_lambda.h"
#include "tp_fn_remote.h"
#include "tp_worker.h"

int
tp_auth_lambda_invoke(struct tp_request *r, struct tp_str event,
    tp_fn_done done, void *ctx, struct tp_auth_lambda_call *out)
{
    const struct tp_lauth *la = r->match.route->auth->lambda;
    struct tp_worker *w = r->c->w;
    struct tp_lambda_ref ref;

    memset(out, 0, sizeof(*out));
    if (la->uri != NULL && !la->local && w->model->lambda.endpoint != NULL
        && tp_lambda_uri_parse(la->uri, &ref) == TP_OK)
    {
        out->remote = tp_fn_invoke_remote(w, &ref, event, r->id, false,
            done, ctx);
        return out->remote != NULL ? TP_OK : TP_ERROR;
    }
    out->local = tp_fn_invoke(w, la->function, event, r->id, false, done,
        ctx);
    return out->local != NULL ? TP_OK : TP_ERROR;
}

void
tp_auth_lambda_cancel(struct tp_auth_lambda_call *c)
{
    if (c->remote != NULL) {
        tp_fn_remote_cancel(c->remote);
    }
    if (c->local != NULL) {
        tp_fn_cancel(c->local);
    }
    c->remote = NULL;
    c->local = NULL;
}
