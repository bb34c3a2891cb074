/*
 * tp_admin_metrics.c: GET /metrics and GET /health on the admin listener,
 * read by the worker that took the request from the metrics region every
 * process maps (shm/tp_mprom.c and tp_mhealth.c make the text).  Served
 * by the workers, not the metrics worker: the admin listener is theirs
 * because its Invoke API needs a worker's function client.  Workers only.
 */
#include "tp_admin.h"
#include "tp_cycle.h"
#include "tp_mhealth.h"
#include "tp_mprom.h"
#include "tp_respond.h"
#include "tp_time.h"

#include <stdlib.h>

static const struct tp_hdr_out no_store = {
    TP_STR("Cache-Control"), TP_STR("no-store")
};

void
tp_admin_metrics(struct tp_request *r, struct tp_str unused)
{
    char *text;
    size_t len;

    (void) unused;
    if (tp_proc.mstat == NULL) {
        tp_admin_error(r, 503, "ServiceException",
            "The metrics region is not available", NULL);
        return;
    }
    if (tp_mprom_render(tp_proc.mstat, tp_clock.real_ms, &text, &len)
            != TP_OK)
    {
        tp_admin_error(r, 500, "ServiceException", "Out of memory", NULL);
        return;
    }
    /* the text lives until the response is written: the arena's end */
    if (tp_arena_cleanup_add(&r->c->arena, free, text) != TP_OK) {
        free(text);
        tp_admin_error(r, 500, "ServiceException", "Out of memory", NULL);
        return;
    }
    tp_respond_send(r, 200, TP_STR(TP_MPROM_CTYPE), &no_store, 1,
        (struct tp_str) { text, len }, NULL);
}

void
tp_admin_health(struct tp_request *r, struct tp_str unused)
{
    struct tp_str body;
    bool healthy;

    (void) unused;
    if (tp_proc.mstat == NULL) {
        tp_admin_error(r, 503, "ServiceException",
            "The metrics region is not available", NULL);
        return;
    }
    if (tp_mhealth_render(tp_proc.mstat, tp_clock.real_ms, &r->c->arena,
            &body, &healthy) != TP_OK)
    {
        tp_admin_error(r, 500, "ServiceException", "Out of memory", NULL);
        return;
    }
    tp_respond_send(r, healthy ? 200 : 503, TP_STR("application/json"),
        &no_store, 1, body, NULL);
}
