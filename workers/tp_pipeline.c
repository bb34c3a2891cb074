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
    { "authorize", tp_phase_auth },           /* IAM, JWT, policies */
    { "apikey", tp_phase_apikey },            /* key + its usage plan */
    { "throttle", tp_phase_throttle },        /* buckets, then the quota */
    { "cache", tp_phase_cache },              /* answer from the cache */
    { "integration", tp_phase_integration },  /* HTTP_PROXY, ... */
};

/* Runs from r->phase on; a phase that waits (TP_PHASE_DONE without an
 * answer) comes back through tp_pipeline_resume(). */
void
tp_pipeline_run(struct tp_request *r)
{
    for (; r->phase < TP_NELEM(phases); r->phase++) {
        if (phases[r->phase].run(r) != TP_PHASE_CONTINUE) {
            return;
        }
    }
}

void
tp_pipeline_resume(struct tp_request *r)
{
    r->phase++;
    tp_pipeline_run(r);
}
