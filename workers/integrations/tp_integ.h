/*
 * tp_integ.h: what REST non-proxy integrations (HTTP, MOCK) share: the
 * request body after request templates and passthrough, and the method
 * response built from the integration responses.  Workers only.
 */
#ifndef TP_INTEG_H
#define TP_INTEG_H

#include "tp_mapping.h"
#include "tp_request.h"

/*
 * The integration request body: the request template for the request's
 * Content-Type, rendered; or the body itself per passthroughBehavior.
 * TP_OK with *body and *ctype set; 415 (UNSUPPORTED_MEDIA_TYPE) or 500.
 * r->body must have been collected.
 */
int tp_integ_request_body(struct tp_request *r, struct tp_str *body,
    struct tp_str *ctype);

/*
 * Answers the client from the integration response <resp> (backend status
 * <status>): selects the integration response by its pattern, maps
 * headers, renders the response template for Accept.  Ends the request.
 */
void tp_integ_respond(struct tp_request *r, int status,
    const struct tp_resp_view *resp);

/* MOCK: the status a rendered request template asks for (default 200). */
int tp_integ_mock_status(struct tp_str body);

#endif /* TP_INTEG_H */
