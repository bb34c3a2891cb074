/*
 * tp_admin_invoke.c: the Lambda Invoke API on the admin listener
 * (lambda.md 7), so AWS SDKs and the AWS CLI invoke local functions:
 *
 *   POST /2015-03-31/functions/{FunctionName}/invocations[?Qualifier=Q]
 *   X-Amz-Invocation-Type: RequestResponse (default) | Event | DryRun
 *
 * 200 with the function's payload (X-Amz-Function-Error: Unhandled when
 * it failed), 202 for Event, 204 for DryRun, X-Amz-Executed-Version:
 * $LATEST; service errors as Lambda's (tp_admin_error).  Local functions
 * have no versions or aliases: a qualifier other than $LATEST is not
 * found.  X-Amz-Client-Context (base64 of a JSON object, at most 3583
 * bytes) reaches a local function's runtime as
 * Lambda-Runtime-Client-Context, and is sent on (re-encoded from the JSON
 * text) with a remote call; X-Amz-Log-Type is not served.
 * Workers only.
 */
#include "tp_admin.h"
#include "tp_admin_fn.h"
#include "tp_base64.h"
#include "tp_fn_remote.h"
#include "tp_fnproto.h"
#include "tp_json.h"
#include "tp_lambda_arn.h"
#include "tp_model.h"
#include "tp_respond.h"
#include "tp_time.h"
#include "tp_worker.h"

#include <ctype.h>
#include <stdlib.h>
#include <strings.h>

#define PAYLOAD_MAX 6291456          /* bytes: Lambda's synchronous limit */
#define CLIENT_CTX_MAX 3583          /* X-Amz-Client-Context, base64 */

enum inv_type {
    INV_SYNC = 0,                    /* RequestResponse */
    INV_EVENT,
    INV_DRYRUN
};

struct inv {
    struct tp_request *r;
    struct tp_fn_call *call;
    struct tp_fn_remote *remote;     /* forwarded to the lambda endpoint */
    struct tp_lambda_ref ref;
    const char *name;                /* the function, NUL-terminated */
    const char *arn;                 /* for messages */
    struct tp_str client_ctx;        /* decoded JSON; len 0: none */
    enum inv_type type;
};

static const struct tp_hdr_out executed = {
    TP_STR("X-Amz-Executed-Version"), TP_STR("$LATEST")
};

/* %XX-decodes <in> into the arena; NULL on a bad escape or a NUL. */
static char *
inv_decode(struct tp_arena *a, struct tp_str in)
{
    char *out = tp_arena_alloc(a, in.len + 1), hex[3] = { 0 };
    size_t i, n = 0;

    for (i = 0; out != NULL && i < in.len; i++) {
        if (in.p[i] != '%') {
            out[n++] = in.p[i];
            continue;
        }
        if (i + 2 >= in.len || !isxdigit((unsigned char) in.p[i + 1])
            || !isxdigit((unsigned char) in.p[i + 2]))
        {
            return NULL;
        }
        memcpy(hex, in.p + i + 1, 2);
        out[n] = (char) strtol(hex, NULL, 16);
        if (out[n++] == '\0') {
            return NULL;
        }
        i += 2;
    }
    if (out != NULL) {
        out[n] = '\0';
    }
    return out;
}

/* The Qualifier query parameter, decoded; "" when absent. */
static const char *
inv_qualifier(struct tp_request *r)
{
    const char *p = r->query.p, *end = p + r->query.len, *amp;

    while (p < end) {
        amp = memchr(p, '&', (size_t) (end - p));
        if (amp == NULL) {
            amp = end;
        }
        if (amp - p > 10 && memcmp(p, "Qualifier=", 10) == 0) {
            return inv_decode(&r->c->arena,
                (struct tp_str) { p + 10, (size_t) (amp - p - 10) });
        }
        p = amp + 1;
    }
    return "";
}

static void
inv_too_large(struct tp_request *r)
{
    tp_admin_error(r, 413, "RequestTooLargeException", "Request must be "
        "smaller than 6291456 bytes for the InvokeFunction operation", NULL);
}

static int
inv_type(struct tp_request *r, enum inv_type *t)
{
    int i = tp_http_find_header(&r->msg, r->c->buf, "X-Amz-Invocation-Type",
        0);
    struct tp_str v;

    *t = INV_SYNC;
    if (i < 0) {
        return TP_OK;
    }
    v = tp_req_header(r, (unsigned) i, true);
    if (v.len == 15 && memcmp(v.p, "RequestResponse", 15) == 0) {
        return TP_OK;
    }
    if (v.len == 5 && memcmp(v.p, "Event", 5) == 0) {
        *t = INV_EVENT;
        return TP_OK;
    }
    if (v.len == 6 && memcmp(v.p, "DryRun", 6) == 0) {
        *t = INV_DRYRUN;
        return TP_OK;
    }
    return TP_ERROR;
}

/* The function's ARN for messages: ours, or the one the caller wrote. */
static const char *
inv_arn(struct tp_request *r, const struct tp_lambda_ref *ref,
    const char *qualifier)
{
    const struct tp_server_conf *sc = r->c->w->conf;

    return tp_arena_sprintf(&r->c->arena,
        "arn:aws:lambda:%.*s:%.*s:function:%.*s%s%s",
        (int) (ref->region.len > 0 ? ref->region.len : strlen(sc->region)),
        ref->region.len > 0 ? ref->region.p : sc->region,
        (int) (ref->account.len > 0 ? ref->account.len
                                    : strlen(sc->account_id)),
        ref->account.len > 0 ? ref->account.p : sc->account_id,
        (int) ref->name.len, ref->name.p, qualifier[0] != '\0' ? ":" : "",
        qualifier);
}

static void
inv_abort(struct tp_request *r)
{
    struct inv *v = r->integ;

    if (v != NULL && v->call != NULL) {
        tp_admin_fn_cancel(v->call);
        v->call = NULL;
    }
    if (v != NULL && v->remote != NULL) {
        tp_fn_remote_cancel(v->remote);
        v->remote = NULL;
    }
}

/* A function's failure without an error document of its own. */
static struct tp_str
inv_error_doc(struct inv *v, const struct tp_fn_result *res)
{
    const char *type = res->status == TP_FN_TIMEOUT ? "Sandbox.Timedout"
                                                    : "Runtime.ExitError";
    const char *msg = res->status == TP_FN_TIMEOUT ? "Task timed out"
        : "Runtime exited without providing a reason";
    char *b;

    if (res->payload.len > 0) {
        return res->payload;
    }
    b = tp_arena_sprintf(&v->r->c->arena, "{\"errorType\":\"%s\","
        "\"errorMessage\":\"RequestId: %s Error: %s\"}", type, v->r->id, msg);
    return b != NULL ? (struct tp_str) { b, strlen(b) } : TP_STR("{}");
}

static void
inv_done(void *ctx, const struct tp_fn_result *res)
{
    struct inv *v = ctx;
    struct tp_request *r = v->r;
    struct tp_hdr_out h[2] = { executed,
        { TP_STR("X-Amz-Function-Error"), TP_STR("Unhandled") } };

    v->call = NULL;
    v->remote = NULL;
    r->on_abort = NULL;
    r->integ_end = tp_clock.mono_us;
    switch (res->status) {
    case TP_FN_OK:
        if (v->type == INV_EVENT) {
            tp_respond_send(r, 202, TP_STR("application/json"), NULL, 0,
                TP_STR(""), NULL);
            return;
        }
        tp_respond_send(r, 200, TP_STR("application/json"), h, 1,
            res->payload, NULL);
        return;
    case TP_FN_ERROR:
    case TP_FN_TIMEOUT:
    case TP_FN_CRASHED:
        if (res->status == TP_FN_ERROR && res->error_type != NULL
            && strcmp(res->error_type, "Handled") == 0)
        {
            h[1].value = TP_STR("Handled");
        }
        tp_respond_send(r, 200, TP_STR("application/json"), h, 2,
            inv_error_doc(v, res), NULL);
        return;
    case TP_FN_THROTTLED:
        tp_admin_error(r, 429, "TooManyRequestsException", "Rate Exceeded.",
            "ReservedFunctionConcurrentInvocationLimitExceeded");
        return;
    case TP_FN_UNAVAILABLE:
    default:
        tp_admin_error(r, 502, "ResourceNotReadyException", "The function "
            "host cannot run the function now", NULL);
        return;
    }
}

/*
 * X-Amz-Client-Context: base64 of a JSON object, decoded into
 * v->client_ctx on one line (the runtime gets it as a header value).
 */
static int
inv_client_ctx(struct inv *v)
{
    struct tp_request *r = v->r;
    int i = tp_http_find_header(&r->msg, r->c->buf, "X-Amz-Client-Context",
        0);
    struct tp_str b64;
    struct tp_json doc;
    unsigned char *out;
    size_t n, k;

    if (i < 0) {
        return TP_OK;
    }
    b64 = tp_req_header(r, (unsigned) i, true);
    if (b64.len == 0) {
        return TP_OK;
    }
    out = b64.len <= CLIENT_CTX_MAX
        ? tp_arena_alloc(&r->c->arena, TP_BASE64_DEC_MAX(b64.len) + 1)
        : NULL;
    if (out == NULL || tp_base64_decode(b64.p, b64.len, out, &n) != TP_OK
        || n == 0 || n > TP_FNPROTO_MAX_CTX
        || tp_json_parse(&doc, &r->c->arena, (const char *) out, n, NULL, 0)
            != TP_OK
        || tp_json_type(&doc, 0) != TP_JSON_OBJECT)
    {
        return TP_ERROR;
    }
    for (k = 0; k < n; k++) {
        if (out[k] < 0x20 || out[k] == 0x7f) {
            out[k] = ' ';            /* JSON whitespace (or a stray byte
                                        inside a string) */
        }
    }
    v->client_ctx = (struct tp_str) { (const char *) out, n };
    return TP_OK;
}

/* The payload: JSON, at most 6 MB; an empty one is Lambda's "{}". */
static int
inv_payload(struct inv *v, struct tp_str *out)
{
    struct tp_request *r = v->r;
    struct tp_json doc;
    char err[160], *msg;
    int rc;

    rc = tp_body_collect(r);
    if (rc == TP_AGAIN) {
        return TP_AGAIN;
    }
    r->on_input = NULL;
    if (rc == 413 || (rc == TP_OK && r->body.len > PAYLOAD_MAX)) {
        inv_too_large(r);
        return TP_ERROR;
    }
    if (rc != TP_OK) {
        tp_respond_status(r, rc);
        return TP_ERROR;
    }
    *out = r->body.len > 0 ? r->body : TP_STR("{}");
    if (tp_json_parse(&doc, &r->c->arena, out->p, out->len, err,
            sizeof(err)) != TP_OK)
    {
        msg = tp_arena_sprintf(&r->c->arena, "Could not parse request body "
            "into json: %s", err);
        tp_admin_error(r, 400, "InvalidRequestContentException",
            msg != NULL ? msg : "Could not parse request body into json",
            NULL);
        return TP_ERROR;
    }
    return TP_OK;
}

static void
inv_run(struct tp_request *r)
{
    struct inv *v = r->integ;
    struct tp_str payload;

    if (inv_payload(v, &payload) != TP_OK) {
        return;                      /* answered, or inv_on_input goes on */
    }
    r->integ_start = tp_clock.mono_us;
    r->on_abort = inv_abort;
    if (v->ref.name.len > 0) {
        v->remote = tp_fn_invoke_remote_ctx(r->c->w, &v->ref, payload,
            r->id, v->type == INV_EVENT, v->client_ctx, inv_done, v);
    } else {
        v->call = tp_admin_fn_invoke(r->c->w, v->name, payload, r->id,
            v->type == INV_EVENT, v->client_ctx, inv_done, v);
    }
    if (v->call == NULL && v->remote == NULL) {
        r->on_abort = NULL;
        tp_admin_error(r, 502, "ResourceNotReadyException", "The function "
            "host cannot take the invocation now", NULL);
    }
}

static void
inv_on_input(struct tp_request *r)
{
    inv_run(r);
}

/*
 * A foreign function's call goes to the lambda endpoint: a full ARN, not
 * DryRun, and not from another turnpike's remote invoke (whose
 * User-Agent is "turnpike"), so two gateways pointed at each other do
 * not pass a call back and forth.
 */
static bool
inv_forwardable(struct tp_request *r, const struct tp_lambda_ref *ref,
    enum inv_type type)
{
    int i = tp_http_find_header(&r->msg, r->c->buf, "User-Agent", 0);
    struct tp_str ua = i >= 0 ? tp_req_header(r, (unsigned) i, true)
                              : TP_STR("");

    return r->c->w->model->lambda.endpoint != NULL && type != INV_DRYRUN
        && ref->region.len > 0 && ref->account.len > 0
        && !(ua.len >= 8 && memcmp(ua.p, "turnpike", 8) == 0);
}

void
tp_admin_invoke(struct tp_request *r, struct tp_str enc)
{
    struct tp_lambda_ref ref;
    const char *fn = inv_decode(&r->c->arena, enc), *q = inv_qualifier(r);
    struct inv *v = tp_arena_calloc(&r->c->arena, sizeof(*v));
    const struct tp_server_conf *sc = r->c->w->conf;
    bool foreign;
    char *msg;

    if (v == NULL) {
        tp_client_abort(r->c, "out of memory");
        return;
    }
    v->r = r;
    if (fn == NULL || q == NULL
        || tp_lambda_name_parse(fn, strlen(fn), &ref) != TP_OK)
    {
        tp_admin_error(r, 400, "InvalidParameterValueException",
            "Invalid function name or qualifier", NULL);
        return;
    }
    if (ref.qualifier.len > 0 && q[0] != '\0'
        && (ref.qualifier.len != strlen(q)
            || memcmp(ref.qualifier.p, q, ref.qualifier.len) != 0))
    {
        tp_admin_error(r, 400, "InvalidParameterValueException", "The "
            "derived qualifier from the function name does not match the "
            "specified qualifier.", NULL);
        return;
    }
    if (q[0] == '\0' && ref.qualifier.len > 0) {
        q = tp_arena_strndup(&r->c->arena, ref.qualifier.p,
            ref.qualifier.len);
    }
    if (inv_type(r, &v->type) != TP_OK) {
        tp_admin_error(r, 400, "InvalidParameterValueException",
            "1 validation error detected: Value at 'invocationType' failed "
            "to satisfy constraint: Member must satisfy enum value set: "
            "[Event, RequestResponse, DryRun]", NULL);
        return;
    }
    if (inv_client_ctx(v) != TP_OK) {
        tp_admin_error(r, 400, "InvalidRequestContentException", "Client "
            "context must be a valid Base64-encoded JSON object.", NULL);
        return;
    }
    v->name = tp_arena_strndup(&r->c->arena, ref.name.p, ref.name.len);
    v->arn = inv_arn(r, &ref, q != NULL ? q : "");
    if (v->name == NULL || v->arn == NULL) {
        tp_client_abort(r->c, "out of memory");
        return;
    }
    if (r->msg.content_length > PAYLOAD_MAX) {
        inv_too_large(r);
        return;
    }
    /* Another region's or account's function is not one of ours: it is
     * forwarded when a lambda endpoint is configured. */
    foreign = (ref.region.len > 0 && (ref.region.len != strlen(sc->region)
            || memcmp(ref.region.p, sc->region, ref.region.len) != 0))
        || (ref.account.len > 0 && (ref.account.len != strlen(sc->account_id)
            || memcmp(ref.account.p, sc->account_id, ref.account.len) != 0));
    if (foreign && inv_forwardable(r, &ref, v->type)) {
        v->ref = ref;
        if (ref.qualifier.len == 0 && q != NULL && q[0] != '\0') {
            v->ref.qualifier = (struct tp_str) { q, strlen(q) };
        }
        r->integ = v;
        r->on_input = inv_on_input;
        inv_run(r);
        return;
    }
    if (foreign || (q != NULL && q[0] != '\0' && strcmp(q, "$LATEST") != 0)
        || !tp_admin_fn_exists(r->c->w, v->name))
    {
        msg = tp_arena_sprintf(&r->c->arena, "Function not found: %s",
            v->arn);
        tp_admin_error(r, 404, "ResourceNotFoundException",
            msg != NULL ? msg : "Function not found", NULL);
        return;
    }
    if (v->type == INV_DRYRUN) {
        tp_respond_send(r, 204, TP_STR("application/json"), &executed, 1,
            TP_STR(""), NULL);
        return;
    }
    r->integ = v;
    r->on_input = inv_on_input;
    inv_run(r);
}
