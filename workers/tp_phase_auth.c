/*
 * tp_phase_auth.c: the authorize phase, after the route is known and
 * before API keys and throttles (auth.md 1, 7): it runs the route's
 * authorization type (tp_auth_*.c).  Each check either answers the
 * request (401/403/500) or lets it go on; a check that must wait (the
 * body for a SigV4 payload hash, a key set being fetched) returns
 * TP_PHASE_DONE and later calls tp_pipeline_resume().  Workers only.
 */
#include "tp_auth.h"
#include "tp_execlog.h"
#include "tp_pipeline.h"
#include "tp_respond.h"

int
tp_phase_auth(struct tp_request *r)
{
    const struct tp_route *rt = r->match.route;

    if (r->xlog != NULL) {
        tp_xlog_auth_start(r);
    }
    switch (rt->authorization) {
    case TP_AUTHZ_NONE:
        /* With a resource policy and no authorization type, the policy
         * alone decides: it needs an explicit Allow (auth.md 7). */
        if (r->api->policy == NULL
            && r->api->endpoint_type != TP_ENDPOINT_PRIVATE)
        {
            return TP_PHASE_CONTINUE;
        }
        return tp_auth_finish(r, TP_POLICY_SILENT, false);
    case TP_AUTHZ_AWS_IAM:
        return tp_auth_iam(r);
    case TP_AUTHZ_JWT:
    case TP_AUTHZ_COGNITO:
        return tp_auth_jwt(r);
    default:
        return tp_auth_lambda(r);
    }
}
