/*
 * tp_phase_integration.c: hands the request to its route's integration.
 * Workers only.
 */
#include "tp_pipeline.h"
#include "tp_respond.h"
#include "integrations/tp_http_proxy.h"

int
tp_phase_integration(struct tp_request *r)
{
    const struct tp_integration *in = &r->match.route->integ;

    switch (in->type) {
    case TP_INTEG_HTTP_PROXY:
        tp_http_proxy_start(r);
        return TP_PHASE_DONE;
    default:
        /* Parsed but not implemented yet; the config load warned. */
        tp_respond_gw(r, TP_GW_API_CONFIGURATION_ERROR, NULL);
        return TP_PHASE_DONE;
    }
}
