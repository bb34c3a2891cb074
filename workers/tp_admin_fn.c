/*
 * tp_admin_fn.c: local functions for the admin Invoke API: a function of
 * the config's `functions`, run by the function host through
 * tp_fn_invoke_ctx() (tp_fn.c).  Workers only.
 */
#include "tp_admin_fn.h"
#include "tp_worker.h"

bool
tp_admin_fn_exists(struct tp_worker *w, const char *name)
{
    return tp_model_find_function(w->model, name) != NULL;
}

struct tp_fn_call *
tp_admin_fn_invoke(struct tp_worker *w, const char *name,
    struct tp_str payload, const char *request_id, bool event,
    struct tp_str client_ctx, tp_fn_done done, void *ctx)
{
    return tp_fn_invoke_ctx(w, name, payload, request_id, event, client_ctx,
        done, ctx);
}

void
tp_admin_fn_cancel(struct tp_fn_call *call)
{
    tp_fn_cancel(call);
}
