/*
 * tp_aws_proxy.c: one AWS_PROXY exchange: the body collected, the event
 * built (tp_aws_proxy_event.c), the function invoked through the function
 * host (tp_aws_proxy_fn.c), its answer read by the payload format's rules
 * (tp_lambda_resp.c) and sent through the response cache and compression
 * like any integration response.  Failures get API Gateway's answers
 * (errors.md): a function error, crash or malformed answer 502
 * (HTTP APIs 500), the integration timeout 504 (HTTP APIs 503).
 * Workers only.
 */
#include "tp_aws_proxy.h"
#include "tp_aws_proxy_int.h"
#include "tp_base64.h"
#include "tp_execlog.h"
#include "tp_lambda_resp.h"
#include "tp_log.h"
#include "tp_respond.h"
#include "tp_time.h"
#include "tp_timer.h"
#include "tp_worker.h"

#include <strings.h>

struct ap {
    struct tp_request *r;
    struct tp_aws_proxy_call call;   /* in flight, or both NULL */
    struct tp_timer timer;           /* integration timeout */
};

static void
ap_detach(struct ap *ap)
{
    struct tp_request *r = ap->r;

    tp_aws_proxy_cancel(&ap->call);
    tp_timer_del(&r->c->w->loop.timers, &ap->timer);
    if (r->integ_start != 0 && r->integ_end == 0) {
        r->integ_end = tp_clock.mono_us;
    }
    r->integ = NULL;
    r->on_input = NULL;
    r->on_abort = NULL;
}

/* The exchange failed before any answer: a gateway response. */
static void
ap_fail(struct ap *ap, enum tp_gw gw, const char *why)
{
    struct tp_request *r = ap->r;
    const struct tp_integration *in = &r->match.route->integ;

    tp_log(TP_LOG_WARN, 0, "%s %.*s: function %s: %s", r->id,
        (int) r->path.len, r->path.p,
        in->function != NULL ? in->function : in->uri, why);
    r->integ_error = why;
    ap_detach(ap);
    if (!r->body_done) {
        r->c->closing = true;
    }
    tp_respond_gw(r, gw, NULL);
}

static void
ap_on_abort(struct tp_request *r)
{
    ap_detach(r->integ);
}

static void
ap_timeout(struct tp_timer *t)
{
    struct ap *ap = TP_CONTAINER_OF(t, struct ap, timer);

    ap_fail(ap, TP_GW_INTEGRATION_TIMEOUT, "integration timed out");
}

/* Headers the gateway writes itself, or that cannot pass (framing). */
static bool
ap_header_skipped(const struct tp_request *r, struct tp_str name)
{
    static const char *const own[] = {
        "content-length", "transfer-encoding", "connection", "keep-alive",
        "te", "trailer", "upgrade", "content-type"
    };
    unsigned i;

    for (i = 0; i < TP_NELEM(own); i++) {
        if (tp_str_caseeq(name, own[i])) {
            return true;
        }
    }
    /* A CORS configuration replaces the function's CORS headers. */
    return r->api->cors != NULL && name.len > 15
        && strncasecmp(name.p, "access-control-", 15) == 0;
}

/* REST answers isBase64Encoded bodies decoded only when the response is
 * binary: its Content-Type or the request's first Accept type is one of
 * the API's binaryMediaTypes (lambda.md 5.1); HTTP APIs always. */
static bool
ap_decode_b64(struct tp_request *r, struct tp_str ctype)
{
    const struct tp_api *api = r->api;
    int i;
    struct tp_str acc;
    const char *comma;

    if (api->type != TP_API_REST) {
        return true;
    }
    if (tp_lambda_media_match(api->binary_types, api->nbinary_types, ctype))
    {
        return true;
    }
    i = tp_http_find_header(&r->msg, r->c->buf, "accept", 0);
    if (i < 0) {
        return false;
    }
    acc = tp_req_header(r, (unsigned) i, true);
    comma = memchr(acc.p, ',', acc.len);
    if (comma != NULL) {
        acc.len = (size_t) (comma - acc.p);
    }
    return tp_lambda_media_match(api->binary_types, api->nbinary_types, acc);
}

static void
ap_answer(struct ap *ap, struct tp_str payload)
{
    struct tp_request *r = ap->r;
    struct tp_arena *a = &r->c->arena;
    struct tp_hdr_out *hdrs;
    struct tp_lresp res;
    struct tp_str ctype, body;
    const char *why;
    unsigned i, n = 0;
    unsigned char *dec;
    size_t len;

    if (tp_lambda_resp_parse(a, tp_aws_proxy_v2(r), payload, &res, &why)
        != TP_OK)
    {
        ap_fail(ap, TP_GW_INTEGRATION_FAILURE, why);
        return;
    }
    ctype = tp_lambda_resp_header(&res, "content-type");
    if (ctype.p == NULL) {
        ctype = TP_STR("application/json");
    }
    body = res.body;
    if (res.b64 && ap_decode_b64(r, ctype)) {
        dec = tp_arena_alloc(a, TP_BASE64_DEC_MAX(body.len) + 1);
        if (dec == NULL
            || tp_base64_decode(body.p, body.len, dec, &len) != TP_OK)
        {
            ap_fail(ap, r->api->type == TP_API_REST
                ? TP_GW_API_CONFIGURATION_ERROR : TP_GW_INTEGRATION_FAILURE,
                "the body is not valid base64");
            return;
        }
        body = (struct tp_str) { (const char *) dec, len };
    }
    hdrs = tp_arena_alloc(a, sizeof(*hdrs) * (res.nheaders + 1));
    if (hdrs == NULL) {
        ap_fail(ap, TP_GW_INTERNAL, "out of memory");
        return;
    }
    for (i = 0; i < res.nheaders; i++) {
        if (!ap_header_skipped(r, res.headers[i].name)) {
            hdrs[n++] = (struct tp_hdr_out) { res.headers[i].name,
                res.headers[i].value };
        }
    }
    r->integ_status = res.status;
    ap_detach(ap);
    if (!r->body_done) {
        r->c->closing = true;
    }
    tp_respond_integ(r, res.status, ctype, hdrs, n, body);
}

static void
ap_done(void *ctx, const struct tp_fn_result *res)
{
    struct ap *ap = ctx;
    struct tp_request *r = ap->r;
    struct tp_str copy;
    char *p;

    /* it has ended: nothing to cancel */
    memset(&ap->call, 0, sizeof(ap->call));
    r->integ_end = tp_clock.mono_us;
    if (tp_xlog_data_trace(r)) {
        tp_xlog_data(r, "Endpoint response body before transformations",
            res->payload);
    }
    switch (res->status) {
    case TP_FN_OK:
        /* The payload lives only during this call; the response is
         * written from it later. */
        p = tp_arena_alloc(&r->c->arena, res->payload.len + 1);
        if (p == NULL) {
            ap_fail(ap, TP_GW_INTERNAL, "out of memory");
            return;
        }
        memcpy(p, res->payload.p, res->payload.len);
        p[res->payload.len] = '\0';
        copy = (struct tp_str) { p, res->payload.len };
        ap_answer(ap, copy);
        return;
    case TP_FN_ERROR:
    case TP_FN_TIMEOUT:              /* the function's own timeout is a
                                        function error, as on Lambda */
    case TP_FN_CRASHED:
        ap_fail(ap, TP_GW_INTEGRATION_FAILURE, res->error_type != NULL
            ? res->error_type : "function error");
        return;
    case TP_FN_THROTTLED:
        ap_fail(ap, TP_GW_INTERNAL, "function throttled");
        return;
    default:
        ap_fail(ap, TP_GW_INTERNAL, "function unavailable");
        return;
    }
}

static void
ap_invoke(struct ap *ap)
{
    struct tp_request *r = ap->r;
    const struct tp_integration *in = &r->match.route->integ;
    struct tp_worker *w = r->c->w;
    struct tp_str event;
    uint32_t timeout_ms = in->timeout_ms != 0 ? in->timeout_ms
                                              : w->conf->integration_timeout_ms;

    if (tp_aws_proxy_event(r, &event) != TP_OK) {
        ap_fail(ap, TP_GW_INTERNAL, "out of memory");
        return;
    }
    if (r->xlog != NULL) {
        tp_xlog_add(r, "Endpoint request URI: %s%s", in->function != NULL
            ? "function:" : "", in->function != NULL ? in->function
                                                     : in->uri);
        if (tp_xlog_data_trace(r)) {
            tp_xlog_data(r, "Method request body before transformations",
                r->body);
            tp_xlog_data(r, "Endpoint request body after transformations",
                event);
        }
    }
    r->integ_start = tp_clock.mono_us;
    if (tp_aws_proxy_invoke(r, event, ap_done, ap, &ap->call) != TP_OK) {
        ap_fail(ap, TP_GW_INTERNAL, "function cannot be invoked");
        return;
    }
    (void) tp_timer_set(&w->loop.timers, &ap->timer,
        tp_clock.mono_ms + timeout_ms);
}

static void
ap_run(struct tp_request *r)
{
    struct ap *ap = r->integ;
    int rc = tp_body_collect(r);

    if (rc == TP_AGAIN) {
        return;                      /* ap_run again on input */
    }
    r->on_input = NULL;
    if (rc != TP_OK) {
        ap_detach(ap);
        tp_respond_status(r, rc);
        return;
    }
    ap_invoke(ap);
}

void
tp_aws_proxy_start(struct tp_request *r)
{
    struct ap *ap;

    ap = tp_arena_calloc(&r->c->arena, sizeof(*ap));
    if (ap == NULL) {
        tp_respond_gw(r, TP_GW_INTERNAL, NULL);
        return;
    }
    ap->r = r;
    tp_timer_init(&ap->timer, ap_timeout);
    r->integ = ap;
    r->on_input = ap_run;
    r->on_abort = ap_on_abort;
    ap_run(r);
}
