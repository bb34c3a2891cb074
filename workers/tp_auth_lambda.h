/*
 * tp_auth_lambda.h: what the Lambda authorizer's files share
 * (tp_auth_lambda.c decides, tp_auth_lambda_event.c gathers a request
 * into the event).  Workers only.
 */
#ifndef TP_AUTH_LAMBDA_H
#define TP_AUTH_LAMBDA_H

#include "tp_fn.h"
#include "tp_lauth.h"
#include "tp_request.h"

struct tp_fn_remote;

/* An invocation in flight: one of the two (tp_auth_lambda_call.c). */
struct tp_auth_lambda_call {
    struct tp_fn_call *local;
    struct tp_fn_remote *remote;
};

/*
 * Invokes <r>'s authorizer function with <event>; <done>(<ctx>) runs
 * later from the event loop unless cancelled.  TP_ERROR: it cannot be
 * invoked (nothing runs).
 */
int tp_auth_lambda_invoke(struct tp_request *r, struct tp_str event,
    tp_fn_done done, void *ctx, struct tp_auth_lambda_call *out);

void tp_auth_lambda_cancel(struct tp_auth_lambda_call *c);

/*
 * The authorizer event of <r> (server/tp_lauth_event.c's shapes), in the
 * request's arena: <arn> its method ARN, <vals> the identity sources'
 * values ({ NULL, 0 }: absent).  { NULL, 0 } when out of memory.
 */
struct tp_str tp_auth_lambda_event(struct tp_request *r, const char *arn,
    const struct tp_str *vals, unsigned nvals, enum tp_lauth_format format,
    bool token);

/* <s> percent-decoded into the request's arena; { NULL, 0 } when out of
 * memory.  A '%' without two hex digits stays as it is. */
struct tp_str tp_auth_lambda_decode(struct tp_request *r, struct tp_str s);

#endif /* TP_AUTH_LAMBDA_H */
