/*
 * tp_phase_route.c: matching the resource path and method against the
 * API's route trie.  A miss is AWS's 403 "Missing Authentication Token" on
 * REST APIs and 404 "Not Found" on HTTP APIs.  Workers only.
 */
#include "tp_pipeline.h"
#include "tp_respond.h"

int
tp_phase_route(struct tp_request *r)
{
    tp_route_match(r->api, r->msg.method, r->path.p, r->path.len, &r->match);
    if (r->match.route == NULL && r->api->default_route != NULL) {
        r->match.route = r->api->default_route;
        r->match.nparams = 0;
    }
    if (r->match.route == NULL) {
        tp_respond_gw(r, TP_GW_MISSING_AUTHENTICATION_TOKEN, NULL);
        return TP_PHASE_DONE;
    }
    return TP_PHASE_CONTINUE;
}
