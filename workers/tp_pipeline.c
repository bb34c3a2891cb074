/*
 * tp_pipeline.c: the phase table and its driver.  Workers only.
 */
#include "tp_pipeline.h"
#include "tp_cors.h"

static const struct tp_phase phases[] = {
    { "resolve", tp_phase_resolve },          /* API + stage from host/path */
    { "limits", tp_phase_limits },            /* 413 found while parsing */
    { "cors", tp_phase_cors },                /* HTTP API preflights */
    { "route", tp_phase_route },              /* resource + method */
    { "apikey", tp_phase_apikey },            /* key + its usage plan */
    { "throttle", tp_phase_throttle },        /* buckets, then the quota */
    { "cache", tp_phase_cache },              /* answer from the cache */
    { "integration", tp_phase_integration },  /* HTTP_PROXY, ... */
};

void
tp_pipeline_run(struct tp_request *r)
{
    size_t i;

    for (i = 0; i < TP_NELEM(phases); i++) {
        if (phases[i].run(r) != TP_PHASE_CONTINUE) {
            return;
        }
    }
}
