/*
 * tp_context.h: the values of $context variables for a request, shared by
 * access logs, templates, parameter mappings and gateway responses.
 * Workers only.
 */
#ifndef TP_CONTEXT_H
#define TP_CONTEXT_H

#include "tp_ctxvars.h"
#include "tp_request.h"

/* Room for any formatted value (numbers, dates, ids). */
#define TP_CONTEXT_BUF 64

/*
 * The value of variable <id> for <r>: TP_OK with *out set (it may point
 * into <buf>, TP_CONTEXT_BUF bytes, or into the request), TP_DECLINED when
 * the variable is unset for this request.
 */
int tp_context_value(const struct tp_request *r, enum tp_ctxvar id,
    char *buf, struct tp_str *out);

/* By name ("requestId", "error.messageString"); unknown names: DECLINED. */
int tp_context_get(const struct tp_request *r, const char *name, size_t len,
    struct tp_arena *a, struct tp_str *out);

/*
 * Claim <name, len> of the request's verified JWT or Cognito token
 * ($context.authorizer.claims.<name>): a string claim's value, any other
 * as its JSON text.  TP_DECLINED without a token or such a claim.
 */
int tp_context_claim(const struct tp_request *r, const char *name,
    size_t len, struct tp_str *out);

/*
 * Key <name, len> of the context a Lambda authorizer returned
 * ($context.authorizer.<key>): strings as they are, numbers and booleans
 * as their text.  TP_DECLINED without such a key.
 */
int tp_context_authorizer(const struct tp_request *r, const char *name,
    size_t len, struct tp_str *out);

/* The route key for $context.routeKey / resourcePath ("GET /pets/{id}"). */
struct tp_str tp_context_route_key(const struct tp_request *r);

#endif /* TP_CONTEXT_H */
