/*
 * tp_aws_proxy_event.c: the Lambda proxy event of a request: struct
 * tp_lev_in filled from the request head, its route match, stage,
 * identity and $context values (tp_context.c, so that the event and the
 * access logs agree), then built by the pure tp_lambda_event().
 * Workers only.
 */
#include "tp_aws_proxy_int.h"
#include "tp_context.h"
#include "tp_hash.h"
#include "tp_hdr.h"
#include "tp_jwt.h"
#include "tp_lambda_event.h"
#include "tp_lauth.h"
#include "tp_worker.h"

#include <stdio.h>

bool
tp_aws_proxy_v2(const struct tp_request *r)
{
    const char *pf = r->match.route->integ.payload_format;

    return r->api->type == TP_API_HTTP
        && (pf == NULL || strcmp(pf, "1.0") != 0);
}

/* $context.<id>, or a NULL string when unset. */
static struct tp_str
ev_ctx(struct tp_request *r, enum tp_ctxvar id)
{
    char *buf = tp_arena_alloc(&r->c->arena, TP_CONTEXT_BUF);
    struct tp_str v;

    if (buf == NULL || tp_context_value(r, id, buf, &v) != TP_OK) {
        return TP_NULL_STR;
    }
    return v;
}

static struct tp_str
ev_cstr(const char *s)
{
    return s != NULL ? (struct tp_str) { s, strlen(s) } : TP_NULL_STR;
}

/* API Gateway's resourceId: a stable id of the API's resource (AWS makes
 * up ten characters of [a-z0-9]); here one hashed from the route. */
static struct tp_str
ev_resource_id(struct tp_request *r)
{
    static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
    const char *parts[2] = { r->api->id, r->match.route->key };
    uint64_t h = tp_hash_strs(2, parts);
    char *id = tp_arena_alloc(&r->c->arena, 10);
    unsigned i;

    if (id == NULL) {
        return TP_NULL_STR;
    }
    for (i = 0; i < 10; i++, h /= 36) {
        id[i] = digits[h % 36];
    }
    return (struct tp_str) { id, 10 };
}

/*
 * The headers of the event: the client's, with X-Forwarded-For (the
 * client's hops, then the peer), -Port and -Proto set by the gateway
 * (lambda.md 1, "Added headers"), and an X-Amzn-Trace-Id when the client
 * sent none.
 */
static int
ev_headers(struct tp_request *r, struct tp_lev_in *in)
{
    struct tp_client *c = r->c;
    struct tp_arena *a = &c->arena;
    struct tp_lev_kv *h = tp_arena_alloc(a, sizeof(*h)
        * (r->msg.nhdrs + 4));
    struct tp_str xff = TP_NULL_STR, name;
    bool trace = false;
    unsigned i, n = 0;
    char *p;

    if (h == NULL) {
        return TP_ERROR;
    }
    for (i = 0; i < r->msg.nhdrs; i++) {
        enum tp_hdr_id id;

        name = tp_req_header(r, i, false);
        id = tp_hdr_lookup(name.p, name.len);
        if (id == TP_HDR_X_FORWARDED_FOR) {
            struct tp_str v = tp_req_header(r, i, true);

            p = xff.p == NULL ? tp_arena_strndup(a, v.p, v.len)
                : tp_arena_sprintf(a, "%.*s, %.*s", (int) xff.len, xff.p,
                    (int) v.len, v.p);
            if (p == NULL) {
                return TP_ERROR;
            }
            xff = (struct tp_str) { p, strlen(p) };
            continue;
        }
        if (id == TP_HDR_X_FORWARDED_PROTO || id == TP_HDR_X_FORWARDED_PORT) {
            continue;
        }
        trace |= tp_str_caseeq(name, "x-amzn-trace-id");
        h[n++] = (struct tp_lev_kv) { name, tp_req_header(r, i, true) };
    }
    p = xff.p == NULL ? tp_arena_strdup(a, c->peer)
        : tp_arena_sprintf(a, "%.*s, %s", (int) xff.len, xff.p, c->peer);
    if (p == NULL) {
        return TP_ERROR;
    }
    h[n++] = (struct tp_lev_kv) { TP_STR("X-Forwarded-For"), ev_cstr(p) };
    p = tp_arena_sprintf(a, "%u", (unsigned) c->lst->port);
    if (p == NULL) {
        return TP_ERROR;
    }
    h[n++] = (struct tp_lev_kv) { TP_STR("X-Forwarded-Port"), ev_cstr(p) };
    h[n++] = (struct tp_lev_kv) { TP_STR("X-Forwarded-Proto"),
        c->lst->tls != NULL ? TP_STR("https") : TP_STR("http") };
    if (!trace) {
        /* X-Ray's form: Root=1-<epoch seconds, hex>-<96 bits, hex>. */
        p = tp_arena_sprintf(a, "Root=1-%08llx-%.8s%.4s%.4s%.4s%.4s",
            (unsigned long long) (r->start_ms / 1000), r->id, r->id + 9,
            r->id + 14, r->id + 19, r->id + 24);
        if (p == NULL) {
            return TP_ERROR;
        }
        h[n++] = (struct tp_lev_kv) { TP_STR("X-Amzn-Trace-Id"), ev_cstr(p) };
    }
    in->headers = h;
    in->nheaders = n;
    return TP_OK;
}

static int
ev_params(struct tp_request *r, struct tp_lev_in *in)
{
    const struct tp_route *rt = r->match.route;
    const struct tp_stage *st = r->stage;
    struct tp_arena *a = &r->c->arena;
    struct tp_lev_kv *kv;
    unsigned i;

    kv = tp_arena_alloc(a, sizeof(*kv) * (r->match.nparams + st->nvars + 1));
    if (kv == NULL) {
        return TP_ERROR;
    }
    for (i = 0; i < r->match.nparams && i < rt->nparams; i++) {
        kv[i] = (struct tp_lev_kv) { ev_cstr(rt->params[i]),
            r->match.params[i] };
    }
    in->path_params = kv;
    in->npath_params = i;
    kv += i;
    for (i = 0; i < st->nvars; i++) {
        kv[i] = (struct tp_lev_kv) { ev_cstr(st->vars[i].key),
            ev_cstr(st->vars[i].value) };
    }
    in->stage_vars = kv;
    in->nstage_vars = st->nvars;
    return TP_OK;
}

/* A Lambda authorizer's context entries as the event's pairs. */
static const struct tp_lev_kv *
ev_lambda_ctx(struct tp_request *r, unsigned *n)
{
    struct tp_lev_kv *kv;
    unsigned i;

    *n = 0;
    if (r->auth.nlambda_ctx == 0) {
        return NULL;
    }
    kv = tp_arena_alloc(&r->c->arena, sizeof(*kv) * r->auth.nlambda_ctx);
    for (i = 0; kv != NULL && i < r->auth.nlambda_ctx; i++) {
        kv[i].name = (struct tp_str) { r->auth.lambda_ctx[i].key,
            strlen(r->auth.lambda_ctx[i].key) };
        kv[i].value = r->auth.lambda_ctx[i].json;
        *n = i + 1;
    }
    return kv;
}

static void
ev_identity(struct tp_request *r, struct tp_lev_in *in)
{
    in->source_ip = ev_ctx(r, TP_CTX_IDENTITY_SOURCE_IP);
    in->user_agent = ev_ctx(r, TP_CTX_IDENTITY_USER_AGENT);
    if (r->api_key_id != NULL) {
        /* The function gets the key itself, as on AWS ($context and the
         * access logs only its last four characters). */
        in->api_key = r->api_key;
        in->api_key_id = ev_cstr(r->api_key_id);
    }
    if (r->auth.principal != NULL) {
        in->iam = true;
        in->access_key = ev_ctx(r, TP_CTX_IDENTITY_ACCESS_KEY);
        in->caller_account = ev_ctx(r, TP_CTX_IDENTITY_ACCOUNT_ID);
        in->caller = ev_ctx(r, TP_CTX_IDENTITY_CALLER);
        in->user = ev_ctx(r, TP_CTX_IDENTITY_USER);
        in->user_arn = ev_ctx(r, TP_CTX_IDENTITY_USER_ARN);
    }
    if (r->client_cert != NULL) {
        in->client_cert = true;
        in->cert_pem = ev_ctx(r, TP_CTX_CLIENT_CERT_PEM);
        in->cert_subject = ev_ctx(r, TP_CTX_CLIENT_CERT_SUBJECT_DN);
        in->cert_issuer = ev_ctx(r, TP_CTX_CLIENT_CERT_ISSUER_DN);
        in->cert_serial = ev_ctx(r, TP_CTX_CLIENT_CERT_SERIAL);
        in->cert_not_before = ev_ctx(r, TP_CTX_CLIENT_CERT_NOT_BEFORE);
        in->cert_not_after = ev_ctx(r, TP_CTX_CLIENT_CERT_NOT_AFTER);
    }
    in->principal_id = ev_cstr(r->auth.principal_id);
    /* a Lambda authorizer's context (its values as the function wrote
     * them); simple responses have no principalId but still show their
     * context as requestContext.authorizer.lambda */
    in->auth_context = ev_lambda_ctx(r, &in->nauth_context);
    if (in->principal_id.p == NULL && r->match.route->auth != NULL
        && r->match.route->auth->lambda != NULL)
    {
        in->principal_id = TP_STR("");
    }
}

/* A verified JWT / Cognito token's claims and scopes. */
static int
ev_claims(struct tp_request *r, struct tp_lev_in *in)
{
    const struct tp_jwt_result *res = r->auth.claims;
    struct tp_lev_kv *kv;
    unsigned i;

    if (res == NULL) {
        return TP_OK;
    }
    kv = tp_arena_alloc(&r->c->arena, sizeof(*kv) * (res->nclaims + 1));
    if (kv == NULL) {
        return TP_ERROR;
    }
    for (i = 0; i < res->nclaims; i++) {
        kv[i] = (struct tp_lev_kv) { res->claims[i].name,
            res->claims[i].value };
    }
    in->jwt = true;
    in->claims = kv;
    in->nclaims = res->nclaims;
    in->scopes = res->scopes;
    in->nscopes = res->nscopes;
    return TP_OK;
}

static void
ev_body(struct tp_request *r, struct tp_lev_in *in)
{
    int i = tp_http_find_header(&r->msg, r->c->buf, "content-type", 0);
    struct tp_str ct = i >= 0 ? tp_req_header(r, (unsigned) i, true)
                              : TP_NULL_STR;

    in->body = r->body.len > 0 ? r->body : TP_NULL_STR;
    if (r->api->type == TP_API_REST) {
        in->binary = tp_lambda_media_match(r->api->binary_types,
            r->api->nbinary_types, ct);
    } else {
        in->binary = tp_lambda_body_binary_http(ct, r->body);
    }
}

int
tp_aws_proxy_event(struct tp_request *r, struct tp_str *out)
{
    const struct tp_route *rt = r->match.route;
    struct tp_lev_in in;

    memset(&in, 0, sizeof(in));
    in.format = r->api->type == TP_API_REST ? TP_LEV_REST
        : tp_aws_proxy_v2(r) ? TP_LEV_HTTP_V2 : TP_LEV_HTTP_V1;
    in.method = ev_ctx(r, TP_CTX_HTTP_METHOD);
    /* HTTP APIs' $default route is its own resource ("$default"). */
    in.resource = ev_cstr(rt->path != NULL && rt != r->api->default_route
        ? rt->path : rt->key);
    in.route_key = tp_context_route_key(r);
    in.path = r->path;
    in.raw_path = ev_ctx(r, TP_CTX_PATH);
    in.query = r->query.len > 0 ? r->query : TP_NULL_STR;
    in.account_id = ev_ctx(r, TP_CTX_ACCOUNT_ID);
    in.api_id = ev_ctx(r, TP_CTX_API_ID);
    in.stage = ev_ctx(r, TP_CTX_STAGE);
    in.request_id = ev_ctx(r, TP_CTX_REQUEST_ID);
    in.extended_id = ev_ctx(r, TP_CTX_EXTENDED_REQUEST_ID);
    in.request_time = ev_ctx(r, TP_CTX_REQUEST_TIME);
    in.request_time_epoch = r->start_ms;
    in.domain_name = ev_ctx(r, TP_CTX_DOMAIN_NAME);
    in.domain_prefix = ev_ctx(r, TP_CTX_DOMAIN_PREFIX);
    in.protocol = ev_ctx(r, TP_CTX_PROTOCOL);
    in.resource_id = ev_resource_id(r);
    ev_identity(r, &in);
    ev_body(r, &in);
    if (ev_headers(r, &in) != TP_OK || ev_params(r, &in) != TP_OK
        || ev_claims(r, &in) != TP_OK)
    {
        return TP_ERROR;
    }
    return tp_lambda_event(&in, &r->c->arena, out);
}
