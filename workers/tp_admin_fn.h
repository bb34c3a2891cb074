/*
 * tp_admin_fn.h: the admin Invoke API's view of local functions: whether
 * one is configured, and invoking it through tp_fn_invoke().  Kept in
 * one small file (tp_admin_fn.c) so the Invoke API builds before and
 * after the function host.  Workers only.
 */
#ifndef TP_ADMIN_FN_H
#define TP_ADMIN_FN_H

#include "tp_fn.h"

/* A local function named <name> is configured. */
bool tp_admin_fn_exists(struct tp_worker *w, const char *name);

/* tp_fn_invoke_ctx() / tp_fn_cancel() of a local function. */
struct tp_fn_call *tp_admin_fn_invoke(struct tp_worker *w, const char *name,
    struct tp_str payload, const char *request_id, bool event,
    struct tp_str client_ctx, tp_fn_done done, void *ctx);
void tp_admin_fn_cancel(struct tp_fn_call *call);

#endif /* TP_ADMIN_FN_H */
