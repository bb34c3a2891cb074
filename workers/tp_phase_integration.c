/*
 * tp_phase_integration.c: hands the request to its route's integration.
 * Workers only.
 */
#include "tp_pipeline.h"
#include "tp_respond.h"
#include "integrations/tp_aws_proxy.h"
#include "integrations/tp_http_proxy.h"
#include "integrations/tp_mock.h"

int
tp_phase_integration(struct tp_request *r)
{
    const struct tp_integration *in = &r->match.route->integ;

    switch (in->type) {
    case TP_INTEG_HTTP_PROXY:
    case TP_INTEG_HTTP:
        tp_http_proxy_start(r);
        return TP_PHASE_DONE;
    case TP_INTEG_MOCK:
        tp_mock_start(r);
        return TP_PHASE_DONE;
    case TP_INTEG_AWS_PROXY:
        tp_aws_proxy_start(r);
        return TP_PHASE_DONE;
    default:
        /* Parsed but not implemented yet; the config load warned. */
        tp_respond_gw(r, TP_GW_API_CONFIGURATION_ERROR, NULL);
        return TP_PHASE_DONE;
    }
}
