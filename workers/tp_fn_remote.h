/*
 * tp_fn_remote.h: invoking a remote Lambda function (lambda.md 7): the
 * Invoke API at the `lambda` endpoint of the config (AWS, LocalStack, the
 * runtime interface emulator, another turnpike's admin listener), signed
 * with SigV4 (service "lambda") when credentials are configured.  The
 * answer comes back as the local function host's does: a struct
 * tp_fn_result through a tp_fn_done callback.  Workers only.
 */
#ifndef TP_FN_REMOTE_H
#define TP_FN_REMOTE_H

#include "tp_fn.h"
#include "tp_fnproto.h"
#include "tp_lambda_arn.h"

#define TP_FN_REMOTE_MAX 6291456     /* bytes of payload, as Lambda's */

struct tp_fn_remote;                 /* one invocation in flight */

/*
 * Invokes the function <fn> (a full ARN's parts: tp_lambda_uri_parse of
 * an integration uri, or tp_lambda_name_parse of one) with <payload>
 * (copied before the return); <event>: InvocationType Event.  <done>
 * runs later from the event loop, exactly once, unless cancelled first:
 *   200                        TP_FN_OK, the payload
 *   200 X-Amz-Function-Error   TP_FN_ERROR, error_type its value
 *   202 (Event)                TP_FN_OK, empty
 *   429                        TP_FN_THROTTLED
 *   no answer in time          TP_FN_TIMEOUT (lambda.timeout_ms)
 *   anything else              TP_FN_UNAVAILABLE (logged with the cause:
 *                              connect, TLS, 404, 5xx, bad framing ...)
 * NULL when no `lambda` endpoint is configured or the call cannot even
 * start (nothing runs then).
 */
struct tp_fn_remote *tp_fn_invoke_remote(struct tp_worker *w,
    const struct tp_lambda_ref *fn, struct tp_str payload,
    const char *request_id, bool event, tp_fn_done done, void *ctx);

/*
 * tp_fn_invoke_remote() with the Invoke API's client context: <client_ctx>
 * as tp_fn_invoke_ctx() takes it (the JSON text, at most
 * TP_FNPROTO_MAX_CTX bytes; len 0: none), sent base64-encoded as
 * X-Amz-Client-Context (and signed).
 */
struct tp_fn_remote *tp_fn_invoke_remote_ctx(struct tp_worker *w,
    const struct tp_lambda_ref *fn, struct tp_str payload,
    const char *request_id, bool event, struct tp_str client_ctx,
    tp_fn_done done, void *ctx);

/* The caller is going away: <done> will not run for <call>. */
void tp_fn_remote_cancel(struct tp_fn_remote *call);

#endif /* TP_FN_REMOTE_H */
