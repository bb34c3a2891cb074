/*
 * tp_admin_fn.c: local functions for the admin Invoke API.
 *
 * The function host (tp_fn.c, struct tp_function in the model) is not on
 * main yet: until it is, no local function exists, so every Invoke
 * answers 404 ResourceNotFoundException.  When it lands, this file
 * becomes tp_model_find_function() and tp_fn_invoke()/tp_fn_cancel().
 * Workers only.
 */
#include "tp_admin_fn.h"

bool
tp_admin_fn_exists(struct tp_worker *w, const char *name)
{
    (void) w;
    (void) name;
    return false;
}

struct tp_fn_call *
tp_admin_fn_invoke(struct tp_worker *w, const char *name,
    struct tp_str payload, const char *request_id, bool event,
    tp_fn_done done, void *ctx)
{
    (void) w;
    (void) name;
    (void) payload;
    (void) request_id;
    (void) event;
    (void) done;
    (void) ctx;
    return NULL;
}

void
tp_admin_fn_cancel(struct tp_fn_call *call)
{
    (void) call;
}
