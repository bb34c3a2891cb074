/*
 * tp_context.c: $context variable values.  Workers only.
 */
#include "tp_context.h"
#include "tp_lauth.h"
#include "tp_clientcert.h"
#include "tp_gwresp.h"
#include "tp_hdr.h"
#include "tp_http_parse.h"
#include "tp_jwt.h"
#include "tp_reqid.h"
#include "tp_time.h"
#include "tp_worker.h"

#include <stdio.h>
#include <time.h>

struct tp_str
tp_context_route_key(const struct tp_request *r)
{
    const struct tp_route *rt = r->match.route;

    return rt != NULL ? (struct tp_str) { rt->key, strlen(rt->key) }
                      : TP_NULL_STR;
}

static __attribute__((noinline)) int
ctx_route_key(const struct tp_request *r, struct tp_str *out)
{
    *out = tp_context_route_key(r);
    return out->p != NULL ? TP_OK : TP_DECLINED;
}

static __attribute__((noinline)) int
ctx_num(char *buf, uint64_t v, struct tp_str *out)
{
    *out = (struct tp_str) { buf, (size_t) (tp_fmt_u64(buf, v) - buf) };
    return TP_OK;
}

static __attribute__((noinline)) int
ctx_str(const char *s, struct tp_str *out)
{
    if (s == NULL) {
        return TP_DECLINED;
    }
    *out = (struct tp_str) { s, strlen(s) };
    return TP_OK;
}

/* dd/MMM/yyyy:HH:mm:ss +0000 */
static __attribute__((noinline)) int
ctx_time(const struct tp_request *r, char *buf, struct tp_str *out)
{
    time_t t = (time_t) (r->start_ms / 1000);

    /* the clock formats its second once; most requests began in it */
    if (t == tp_clock.sec) {
        *out = (struct tp_str) { tp_clock.clf_date, tp_clock.clf_date_len };
        return TP_OK;
    }
    *out = (struct tp_str) { buf, tp_time_clf_date(t, buf) };
    return TP_OK;
}

static int
ctx_host(const struct tp_request *r, bool prefix, struct tp_str *out)
{
    struct tp_str h;
    const char *dot, *colon;

    if (r->msg.host_idx < 0) {
        return TP_DECLINED;
    }
    h = tp_req_header(r, (unsigned) r->msg.host_idx, true);
    colon = memchr(h.p, ':', h.len);
    if (colon != NULL && h.p[0] != '[') {
        h.len = (size_t) (colon - h.p);     /* domainName has no port */
    }
    if (prefix) {
        dot = memchr(h.p, '.', h.len);
        if (dot != NULL) {
            h.len = (size_t) (dot - h.p);
        }
    }
    *out = h;
    return h.len > 0 ? TP_OK : TP_DECLINED;
}

static int
ctx_header(const struct tp_request *r, const char *name, struct tp_str *out)
{
    int i = tp_http_find_header(&r->msg, r->c->buf, name, 0);

    if (i < 0) {
        return TP_DECLINED;
    }
    *out = tp_req_header(r, (unsigned) i, true);
    return TP_OK;
}

/* The key a request was admitted with, masked like API Gateway's
 * execution logs: only its last four characters (values are secrets and
 * access logs are not). */
static int
ctx_api_key(const struct tp_request *r, char *buf, struct tp_str *out)
{
    size_t n = TP_MIN(r->api_key.len, TP_CONTEXT_BUF);

    if (r->api_key_id == NULL || n < 4) {
        return TP_DECLINED;
    }
    memset(buf, '*', n - 4);
    memcpy(buf + n - 4, r->api_key.p + r->api_key.len - 4, 4);
    *out = (struct tp_str) { buf, n };
    return TP_OK;
}

/* The request path as received: /{stage}/... (no query). */
static int
ctx_path(const struct tp_request *r, struct tp_str *out)
{
    *out = (struct tp_str) { r->c->buf + r->msg.target_off, r->msg.path_len };
    return TP_OK;
}

static int
ctx_error(const struct tp_request *r, enum tp_ctxvar id, char *buf,
    struct tp_str *out)
{
    const char *m = r->error_message;

    if (r->error_type < 0) {
        return TP_DECLINED;
    }
    if (m == NULL) {
        m = tp_gwresp_get((enum tp_gw) r->error_type)->message;
    }
    switch (id) {
    case TP_CTX_ERROR_RESPONSE_TYPE:
        return ctx_str(tp_gwresp_get((enum tp_gw) r->error_type)->type, out);
    case TP_CTX_ERROR_MESSAGE:
        return ctx_str(m, out);
    default:
        /* messageString: the message already in JSON quotes ("null"). */
        if (m == NULL) {
            return ctx_str("null", out);
        }
        *out = (struct tp_str) { buf, (size_t) snprintf(buf, TP_CONTEXT_BUF,
            "\"%.*s\"", TP_CONTEXT_BUF - 3, m) };
        return TP_OK;
    }
}

static int
ctx_integration(const struct tp_request *r, enum tp_ctxvar id, char *buf,
    struct tp_str *out)
{
    switch (id) {
    case TP_CTX_INTEGRATION_LATENCY:
    case TP_CTX_INTEGRATION_LATENCY_2:
        if (r->integ_start == 0) {
            return TP_DECLINED;
        }
        return ctx_num(buf, ((r->integ_end != 0 ? r->integ_end
            : tp_clock.mono_us) - r->integ_start) / 1000, out);
    case TP_CTX_INTEGRATION_STATUS_2:
        return r->integ_status != 0 ? ctx_num(buf,
            (uint64_t) r->integ_status, out) : TP_DECLINED;
    case TP_CTX_INTEGRATION_ERROR:
    case TP_CTX_INTEGRATION_ERROR_MESSAGE:
        return ctx_str(r->integ_error, out);
    default:
        return TP_DECLINED;          /* Lambda-service fields: later */
    }
}

/* Who signed the request (AWS_IAM routes, auth.md 6.2): the caller and
 * user are the principal's name (AWS gives IAM's unique id, which a
 * config-file principal does not have). */
static __attribute__((noinline)) int
ctx_iam(const struct tp_request *r, enum tp_ctxvar id, struct tp_str *out)
{
    const struct tp_principal *p = r->auth.principal;

    if (p == NULL) {
        return TP_DECLINED;
    }
    switch (id) {
    case TP_CTX_IDENTITY_ACCESS_KEY:
        return ctx_str(p->access_key_id, out);
    case TP_CTX_IDENTITY_ACCOUNT_ID:
        return ctx_str(p->account_id, out);
    case TP_CTX_IDENTITY_USER_ARN:
        return ctx_str(p->arn, out);
    default:                         /* caller, user */
        return ctx_str(p->name, out);
    }
}

int
tp_context_claim(const struct tp_request *r, const char *name, size_t len,
    struct tp_str *out)
{
    const struct tp_jwt_result *res = r->auth.claims;
    const struct tp_jwt_claim *c;

    if (res == NULL || len == 0) {
        return TP_DECLINED;
    }
    c = tp_jwt_claim_get(res->claims, res->nclaims, name, len);
    if (c == NULL) {
        return TP_DECLINED;
    }
    *out = c->value;
    return TP_OK;
}

int
tp_context_authorizer(const struct tp_request *r, const char *name,
    size_t len, struct tp_str *out)
{
    unsigned i;

    for (i = 0; i < r->auth.nlambda_ctx; i++) {
        const char *k = r->auth.lambda_ctx[i].key;

        if (strlen(k) == len && memcmp(k, name, len) == 0) {
            *out = r->auth.lambda_ctx[i].text;
            return TP_OK;
        }
    }
    return TP_DECLINED;
}

/* "authorizer.claims.NAME" or "authorizer.claims['NAME']" (templates,
 * for names with ':' like custom:role): TP_DECLINED when <name> is
 * neither, with *<is_claim> false. */
static int
ctx_claim_ref(const struct tp_request *r, const char *name, size_t len,
    bool *is_claim, struct tp_str *out)
{
    static const char pre[] = "authorizer.claims";
    size_t n = sizeof(pre) - 1;
    char q;

    *is_claim = false;
    if (len <= n || memcmp(name, pre, n) != 0) {
        return TP_DECLINED;
    }
    if (name[n] == '.') {
        *is_claim = true;
        return tp_context_claim(r, name + n + 1, len - n - 1, out);
    }
    q = len >= n + 5 ? name[n + 1] : '\0';
    if (name[n] != '[' || (q != '\'' && q != '"') || name[len - 1] != ']'
        || name[len - 2] != q)
    {
        return TP_DECLINED;
    }
    *is_claim = true;
    return tp_context_claim(r, name + n + 2, len - n - 4, out);
}

/* The variables tp_context_value() does not answer itself. */
static __attribute__((noinline)) int
ctx_value(const struct tp_request *r, enum tp_ctxvar id, char *buf,
    struct tp_str *out)
{
    switch (id) {
    case TP_CTX_ACCOUNT_ID:
        return ctx_str(r->c->w->model->server.account_id, out);
    case TP_CTX_API_ID:
        return ctx_str(r->api != NULL ? r->api->id : NULL, out);
    case TP_CTX_BASE_PATH_MATCHED:
        if (r->domain == NULL) {
            return TP_DECLINED;
        }
        *out = r->base_path;
        return TP_OK;
    case TP_CTX_DOMAIN_NAME:
        return ctx_host(r, false, out);
    case TP_CTX_DOMAIN_PREFIX:
        return ctx_host(r, true, out);
    case TP_CTX_ERROR_MESSAGE:
    case TP_CTX_ERROR_MESSAGE_STRING:
    case TP_CTX_ERROR_RESPONSE_TYPE:
        return ctx_error(r, id, buf, out);
    case TP_CTX_IDENTITY_USER_AGENT:
        return ctx_header(r, "user-agent", out);
    case TP_CTX_IDENTITY_API_KEY:
        return ctx_api_key(r, buf, out);
    case TP_CTX_IDENTITY_API_KEY_ID:
        return ctx_str(r->api_key_id, out);
    case TP_CTX_IDENTITY_ACCESS_KEY:
    case TP_CTX_IDENTITY_ACCOUNT_ID:
    case TP_CTX_IDENTITY_USER_ARN:
        return ctx_iam(r, id, out);
    case TP_CTX_IS_CANARY:
        return ctx_str("false", out);
    case TP_CTX_PATH:
        return ctx_path(r, out);
    case TP_CTX_REQUEST_TIME_EPOCH:
        return ctx_num(buf, r->start_ms, out);
    case TP_CTX_STAGE:
        return ctx_str(r->stage != NULL ? r->stage->name : NULL, out);
    case TP_CTX_RESPONSE_LATENCY:
        return ctx_num(buf, (tp_clock.mono_us - r->start_mono) / 1000, out);
    case TP_CTX_CLIENT_CERT_PEM:
    case TP_CTX_CLIENT_CERT_SUBJECT_DN:
    case TP_CTX_CLIENT_CERT_ISSUER_DN:
    case TP_CTX_CLIENT_CERT_SERIAL:
    case TP_CTX_CLIENT_CERT_NOT_BEFORE:
    case TP_CTX_CLIENT_CERT_NOT_AFTER:
        return tp_clientcert_value(r, id, out);
    case TP_CTX_AUTHORIZER_ERROR:
        return ctx_str(r->auth.error, out);
    case TP_CTX_AUTHORIZER_PRINCIPAL_ID:
        return ctx_str(r->auth.principal_id, out);
    case TP_CTX_AUTHORIZER_CLAIMS:
        return TP_DECLINED;          /* auth.md 4.5: null alone */
    case TP_CTX_AUTHORIZER_CONTEXT:
        return TP_DECLINED;          /* by name: tp_context_authorizer */
    default:
        return ctx_integration(r, id, buf, out);
    }
}

/*
 * The variables of the usual access-log formats are answered here, each
 * a field of the request or a tail call: so this function needs no stack
 * frame, and an access-log line, which asks for eight to eleven of them,
 * does not pay for ctx_value()'s on each.  (The helpers it calls are
 * noinline for the same reason: inlined, they would bring their frames.)
 */
int
tp_context_value(const struct tp_request *r, enum tp_ctxvar id, char *buf,
    struct tp_str *out)
{
    switch (id) {
    case TP_CTX_EXTENDED_REQUEST_ID:
        *out = (struct tp_str) { r->short_id, 16 };
        return TP_OK;
    case TP_CTX_HTTP_METHOD:
        *out = (struct tp_str) { r->c->buf + r->msg.method_off,
            r->msg.method_len };
        return TP_OK;
    case TP_CTX_PROTOCOL:
        *out = r->msg.version == 10 ? TP_STR("HTTP/1.0") : TP_STR("HTTP/1.1");
        return TP_OK;
    case TP_CTX_REQUEST_ID:
        *out = (struct tp_str) { r->id, 36 };
        return TP_OK;
    case TP_CTX_REQUEST_TIME:
        return ctx_time(r, buf, out);
    case TP_CTX_IDENTITY_SOURCE_IP:
        *out = (struct tp_str) { r->c->peer, r->c->peer_len };
        return TP_OK;
    case TP_CTX_IDENTITY_CALLER:
    case TP_CTX_IDENTITY_USER:
        return ctx_iam(r, id, out);
    case TP_CTX_RESOURCE_PATH:
        return r->match.route != NULL ? ctx_str(r->match.route->path, out)
                                      : TP_DECLINED;
    case TP_CTX_ROUTE_KEY:
        return ctx_route_key(r, out);
    case TP_CTX_STATUS:
        return r->status != 0 ? ctx_num(buf, (uint64_t) r->status, out)
                              : TP_DECLINED;
    case TP_CTX_RESPONSE_LENGTH:
    case TP_CTX_DATA_PROCESSED:
        return ctx_num(buf, r->resp_bytes, out);
    default:
        return ctx_value(r, id, buf, out);
    }
}

int
tp_context_get(const struct tp_request *r, const char *name, size_t len,
    struct tp_arena *a, struct tp_str *out)
{
    char *buf;
    int id = tp_ctxvar_id(name, len), rc;
    bool claim;

    rc = ctx_claim_ref(r, name, len, &claim, out);
    if (claim) {
        return rc;
    }
    if (id < 0 && len > 11 && memcmp(name, "authorizer.", 11) == 0) {
        return tp_context_authorizer(r, name + 11, len - 11, out);
    }
    if (id < 0 || id == TP_CTX_AUTHORIZER_CONTEXT) {
        return TP_DECLINED;
    }
    buf = tp_arena_alloc(a, TP_CONTEXT_BUF);
    if (buf == NULL) {
        return TP_DECLINED;
    }
    return tp_context_value(r, (enum tp_ctxvar) id, buf, out);
}
