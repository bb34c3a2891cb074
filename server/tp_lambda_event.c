/*
 * tp_lambda_event.c: Lambda proxy events (tp_lambda_event.h), REST and
 * HTTP API 1.0 / 2.0, per ../shared/reference/lambda.md.  Pure.
 */
#include "tp_lambda_event.h"
#include "tp_base64.h"
#include "tp_jsonw.h"

#include <stdio.h>
#include <strings.h>

/* ---- helpers ---- */

static const char *const dropped[] = {
    "connection", "content-length", "content-md5", "expect",
    "max-forwards", "proxy-authenticate", "server", "te",
    "transfer-encoding", "trailer", "upgrade", "www-authenticate"
};

bool
tp_lambda_header_dropped(struct tp_str name)
{
    size_t i;

    for (i = 0; i < TP_NELEM(dropped); i++) {
        if (tp_str_caseeq(name, dropped[i])) {
            return true;
        }
    }
    return false;
}

/* The media type of a Content-Type, lower case compare: no parameters,
 * no blanks. */
static struct tp_str
media_type(struct tp_str ct)
{
    const char *semi = memchr(ct.p, ';', ct.len);
    size_t n = semi != NULL ? (size_t) (semi - ct.p) : ct.len;

    while (n > 0 && (ct.p[n - 1] == ' ' || ct.p[n - 1] == '\t')) {
        n--;
    }
    while (n > 0 && (ct.p[0] == ' ' || ct.p[0] == '\t')) {
        ct.p++;
        n--;
    }
    return (struct tp_str) { ct.p, n };
}

bool
tp_lambda_media_match(const char *const *types, unsigned n,
    struct tp_str ctype)
{
    struct tp_str mt;
    const char *slash;
    unsigned i;
    size_t tl;

    if (ctype.p == NULL) {
        return false;
    }
    mt = media_type(ctype);
    slash = memchr(mt.p, '/', mt.len);
    for (i = 0; i < n; i++) {
        const char *t = types[i];

        tl = strlen(t);
        if (strcmp(t, "*/*") == 0) {
            return true;
        }
        if (tl >= 2 && t[tl - 1] == '*' && t[tl - 2] == '/'
            && slash != NULL && (size_t) (slash - mt.p) + 1 == tl - 1
            && strncasecmp(mt.p, t, tl - 1) == 0)
        {
            return true;
        }
        if (tl == mt.len && strncasecmp(mt.p, t, tl) == 0) {
            return true;
        }
    }
    return false;
}

static bool
str_endcase(struct tp_str s, const char *suffix)
{
    size_t n = strlen(suffix);

    return s.len >= n && strncasecmp(s.p + s.len - n, suffix, n) == 0;
}

static bool
valid_utf8(struct tp_str s)
{
    const unsigned char *p = (const unsigned char *) s.p;
    size_t i = 0, k;

    while (i < s.len) {
        k = tp_utf8_len(p + i, s.len - i);
        if (k == 0) {
            return false;
        }
        i += k;
    }
    return true;
}

bool
tp_lambda_body_binary_http(struct tp_str ctype, struct tp_str body)
{
    struct tp_str mt;

    if (ctype.p == NULL || ctype.len == 0) {
        return !valid_utf8(body);
    }
    mt = media_type(ctype);
    if ((mt.len >= 5 && strncasecmp(mt.p, "text/", 5) == 0)
        || str_endcase(mt, "/json") || str_endcase(mt, "+json")
        || str_endcase(mt, "/xml") || str_endcase(mt, "+xml")
        || str_endcase(mt, "/javascript")
        || str_endcase(mt, "/x-www-form-urlencoded")
        || str_endcase(mt, "/graphql"))
    {
        return false;
    }
    return true;
}

static int
hexval(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    c = (char) (c | 0x20);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* %XX decoded ('+' stays: API Gateway does not form-decode); a bad
 * escape stays as written. */
static struct tp_str
pct_decode(struct tp_arena *a, const char *p, size_t n)
{
    char *out;
    size_t i, o = 0;
    int h, l;

    if (memchr(p, '%', n) == NULL) {
        return (struct tp_str) { p, n };
    }
    out = tp_arena_alloc(a, n + 1);
    if (out == NULL) {
        return TP_NULL_STR;
    }
    for (i = 0; i < n; i++) {
        if (p[i] == '%' && i + 2 < n
            && (h = hexval(p[i + 1])) >= 0 && (l = hexval(p[i + 2])) >= 0)
        {
            out[o++] = (char) (h << 4 | l);
            i += 2;
        } else {
            out[o++] = p[i];
        }
    }
    return (struct tp_str) { out, o };
}

/* ---- the builder ---- */

struct ev {
    const struct tp_lev_in *in;
    struct tp_arena *a;
    struct tp_jsonw w;
    bool v2;
    bool http;
    struct tp_lev_kv *hdrs;          /* kept headers (v2: no cookie) */
    unsigned nhdrs;
    struct tp_lev_kv *query;         /* decoded pairs */
    unsigned nquery;
    struct tp_lev_kv *params;        /* path parameters, decoded */
};

static void
ev_lower(struct ev *e, struct tp_str *s)
{
    char *p = tp_arena_strndup(e->a, s->p, s->len);
    size_t i;

    if (p == NULL) {
        e->w.err = true;
        return;
    }
    for (i = 0; i < s->len; i++) {
        if (p[i] >= 'A' && p[i] <= 'Z') {
            p[i] = (char) (p[i] | 0x20);
        }
    }
    s->p = p;
}

static int
ev_prepare(struct ev *e)
{
    const struct tp_lev_in *in = e->in;
    const char *q, *end, *amp, *eq;
    unsigned i;

    e->hdrs = tp_arena_alloc(e->a, sizeof(*e->hdrs) * (in->nheaders + 1));
    if (e->hdrs == NULL) {
        return TP_ERROR;
    }
    for (i = 0; i < in->nheaders; i++) {
        struct tp_lev_kv h = in->headers[i];

        if (tp_lambda_header_dropped(h.name)
            || (e->v2 && tp_str_caseeq(h.name, "cookie")))
        {
            continue;
        }
        if (e->http) {
            ev_lower(e, &h.name);    /* HTTP APIs lower-case names */
        }
        e->hdrs[e->nhdrs++] = h;
    }
    e->params = tp_arena_alloc(e->a,
        sizeof(*e->params) * (in->npath_params + 1));
    if (e->params == NULL) {
        return TP_ERROR;
    }
    for (i = 0; i < in->npath_params; i++) {
        e->params[i].name = in->path_params[i].name;
        e->params[i].value = pct_decode(e->a, in->path_params[i].value.p,
            in->path_params[i].value.len);
        if (e->params[i].value.p == NULL) {
            return TP_ERROR;
        }
    }
    if (in->query.p == NULL || in->query.len == 0) {
        return TP_OK;
    }
    e->query = tp_arena_alloc(e->a,
        sizeof(*e->query) * (in->query.len / 2 + 2));
    if (e->query == NULL) {
        return TP_ERROR;
    }
    for (q = in->query.p, end = q + in->query.len; q < end; q = amp + 1) {
        struct tp_lev_kv kv;

        amp = memchr(q, '&', (size_t) (end - q));
        if (amp == NULL) {
            amp = end;
        }
        if (amp == q) {
            continue;
        }
        eq = memchr(q, '=', (size_t) (amp - q));
        kv.name = pct_decode(e->a, q, (size_t) ((eq != NULL ? eq : amp) - q));
        kv.value = eq != NULL
            ? pct_decode(e->a, eq + 1, (size_t) (amp - eq - 1))
            : TP_STR("");
        if (kv.name.p == NULL || kv.value.p == NULL) {
            return TP_ERROR;
        }
        e->query[e->nquery++] = kv;
    }
    return TP_OK;
}

static void
ev_client_cert(struct ev *e)
{
    const struct tp_lev_in *in = e->in;
    struct tp_jsonw *w = &e->w;

    tp_jsonw_key(w, "clientCert");
    tp_jsonw_open(w, '{');
    tp_lev_member(w, "clientCertPem", in->cert_pem);
    tp_lev_member(w, "subjectDN", in->cert_subject);
    tp_lev_member(w, "issuerDN", in->cert_issuer);
    tp_lev_member(w, "serialNumber", in->cert_serial);
    tp_jsonw_key(w, "validity");
    tp_jsonw_open(w, '{');
    tp_lev_member(w, "notBefore", in->cert_not_before);
    tp_lev_member(w, "notAfter", in->cert_not_after);
    tp_jsonw_close(w, '}');
    tp_jsonw_close(w, '}');
}

static void
ev_identity(struct ev *e)
{
    const struct tp_lev_in *in = e->in;
    struct tp_jsonw *w = &e->w;
    bool iam = in->iam;

    tp_jsonw_key(w, "identity");
    tp_jsonw_open(w, '{');
    tp_lev_member(w, "accessKey", iam ? in->access_key : TP_NULL_STR);
    tp_lev_member(w, "accountId", iam ? in->caller_account : TP_NULL_STR);
    tp_lev_member(w, "apiKey", in->api_key);
    tp_lev_member(w, "apiKeyId", in->api_key_id);
    tp_lev_member(w, "caller", iam ? in->caller : TP_NULL_STR);
    if (in->client_cert) {
        ev_client_cert(e);
    }
    tp_lev_member(w, "cognitoAuthenticationProvider", TP_NULL_STR);
    tp_lev_member(w, "cognitoAuthenticationType", TP_NULL_STR);
    tp_lev_member(w, "cognitoIdentityId", TP_NULL_STR);
    tp_lev_member(w, "cognitoIdentityPoolId", TP_NULL_STR);
    tp_lev_member(w, "principalOrgId", TP_NULL_STR);
    tp_lev_member(w, "sourceIp", in->source_ip);
    tp_lev_member(w, "user", iam ? in->user : TP_NULL_STR);
    tp_lev_member(w, "userAgent", in->user_agent);
    tp_lev_member(w, "userArn", iam ? in->user_arn : TP_NULL_STR);
    tp_jsonw_close(w, '}');
}

/* The token's scopes ("scope" or "scp"); null without. */
static void
ev_scopes(struct ev *e)
{
    const struct tp_lev_in *in = e->in;
    struct tp_jsonw *w = &e->w;
    unsigned i;

    tp_jsonw_key(w, "scopes");
    if (in->scopes == NULL) {
        tp_jsonw_null(w);
        return;
    }
    tp_jsonw_open(w, '[');
    for (i = 0; i < in->nscopes; i++) {
        tp_jsonw_str(w, in->scopes[i]);
    }
    tp_jsonw_close(w, ']');
}

static void
ev_claims(struct ev *e)
{
    const struct tp_lev_in *in = e->in;
    unsigned i;

    tp_jsonw_key(&e->w, "claims");
    tp_jsonw_open(&e->w, '{');
    for (i = 0; i < in->nclaims; i++) {
        tp_jsonw_keyn(&e->w, in->claims[i].name);
        tp_jsonw_str(&e->w, in->claims[i].value);
    }
    tp_jsonw_close(&e->w, '}');
}

static void
ev_auth_context(struct ev *e)
{
    const struct tp_lev_in *in = e->in;
    unsigned i;

    for (i = 0; i < in->nauth_context; i++) {
        tp_jsonw_keyn(&e->w, in->auth_context[i].name);
        tp_jsonw_raw(&e->w, in->auth_context[i].value);
    }
}

/* REST / 1.0 requestContext.authorizer. */
static void
ev_authorizer_v1(struct ev *e)
{
    const struct tp_lev_in *in = e->in;
    struct tp_jsonw *w = &e->w;

    if (!in->jwt && in->principal_id.p == NULL) {
        if (e->http) {               /* lambda.md 2: unauthenticated */
            tp_jsonw_key(w, "authorizer");
            tp_jsonw_open(w, '{');
            tp_lev_member(w, "claims", TP_NULL_STR);
            tp_lev_member(w, "scopes", TP_NULL_STR);
            tp_jsonw_close(w, '}');
        }
        return;
    }
    tp_jsonw_key(w, "authorizer");
    tp_jsonw_open(w, '{');
    if (in->jwt) {
        ev_claims(e);
        ev_scopes(e);
    } else {
        tp_lev_member(w, "principalId", in->principal_id);
        ev_auth_context(e);
    }
    tp_jsonw_close(w, '}');
}

static void
ev_context_v1(struct ev *e)
{
    const struct tp_lev_in *in = e->in;
    struct tp_jsonw *w = &e->w;

    tp_jsonw_key(w, "requestContext");
    tp_jsonw_open(w, '{');
    tp_lev_member(w, "accountId", in->account_id);
    tp_lev_member(w, "apiId", in->api_id);
    ev_authorizer_v1(e);
    tp_lev_member(w, "domainName", in->domain_name);
    tp_lev_member(w, "domainPrefix", in->domain_prefix);
    tp_lev_member(w, "extendedRequestId", in->extended_id);
    tp_lev_member(w, "httpMethod", in->method);
    ev_identity(e);
    tp_lev_member(w, "path", in->raw_path);
    tp_lev_member(w, "protocol", in->protocol);
    tp_lev_member(w, "requestId", in->request_id);
    tp_lev_member(w, "requestTime", in->request_time);
    tp_jsonw_key(w, "requestTimeEpoch");
    tp_jsonw_u64(w, in->request_time_epoch);
    tp_lev_member(w, "resourceId", e->http ? TP_NULL_STR : in->resource_id);
    tp_lev_member(w, "resourcePath", in->resource);
    tp_lev_member(w, "stage", in->stage);
    tp_jsonw_close(w, '}');
}

static void
ev_authorizer_v2(struct ev *e)
{
    const struct tp_lev_in *in = e->in;
    struct tp_jsonw *w = &e->w;

    if (!in->jwt && !in->iam && in->principal_id.p == NULL) {
        return;
    }
    tp_jsonw_key(w, "authorizer");
    tp_jsonw_open(w, '{');
    if (in->jwt) {
        tp_jsonw_key(w, "jwt");
        tp_jsonw_open(w, '{');
        ev_claims(e);
        ev_scopes(e);
        tp_jsonw_close(w, '}');
    } else if (in->iam) {
        tp_jsonw_key(w, "iam");
        tp_jsonw_open(w, '{');
        tp_lev_member(w, "accessKey", in->access_key);
        tp_lev_member(w, "accountId", in->caller_account);
        tp_lev_member(w, "callerId", in->caller);
        tp_lev_member(w, "cognitoIdentity", TP_NULL_STR);
        tp_lev_member(w, "principalOrgId", TP_NULL_STR);
        tp_lev_member(w, "userArn", in->user_arn);
        tp_lev_member(w, "userId", in->user);
        tp_jsonw_close(w, '}');
    } else {
        tp_jsonw_key(w, "lambda");
        tp_jsonw_open(w, '{');
        ev_auth_context(e);
        tp_jsonw_close(w, '}');
    }
    tp_jsonw_close(w, '}');
}

static void
ev_context_v2(struct ev *e)
{
    const struct tp_lev_in *in = e->in;
    struct tp_jsonw *w = &e->w;

    char epoch[24];
    struct tp_lev_ctx2 c = {
        in->domain_name, in->domain_prefix, in->method, in->raw_path,
        in->protocol, in->source_ip, in->user_agent, in->request_id,
        in->route_key, in->stage, in->request_time,
        { epoch, (size_t) snprintf(epoch, sizeof(epoch), "%llu",
                                   (unsigned long long)
                                   in->request_time_epoch) }
    };

    tp_jsonw_key(w, "requestContext");
    tp_jsonw_open(w, '{');
    tp_lev_member(w, "accountId", in->account_id);
    tp_lev_member(w, "apiId", in->api_id);
    if (in->client_cert) {
        tp_jsonw_key(w, "authentication");
        tp_jsonw_open(w, '{');
        ev_client_cert(e);
        tp_jsonw_close(w, '}');
    }
    ev_authorizer_v2(e);
    tp_lev_ctx2_rest(w, &c);
    tp_jsonw_close(w, '}');
}

/* 2.0: every Cookie header's pairs, one entry each. */
static void
ev_cookies(struct ev *e)
{
    const struct tp_lev_in *in = e->in;
    struct tp_jsonw *w = &e->w;
    const char *p, *end, *semi;
    bool any = false;
    unsigned i;

    for (i = 0; i < in->nheaders; i++) {
        if (!tp_str_caseeq(in->headers[i].name, "cookie")) {
            continue;
        }
        p = in->headers[i].value.p;
        for (end = p + in->headers[i].value.len; p < end; p = semi + 1) {
            const char *s, *t;

            semi = memchr(p, ';', (size_t) (end - p));
            if (semi == NULL) {
                semi = end;
            }
            for (s = p; s < semi && (*s == ' ' || *s == '\t'); s++) {
                /* leading blanks */
            }
            for (t = semi; t > s && (t[-1] == ' ' || t[-1] == '\t'); t--) {
                /* trailing blanks */
            }
            if (t == s) {
                continue;
            }
            if (!any) {
                tp_jsonw_key(w, "cookies");
                tp_jsonw_open(w, '[');
                any = true;
            }
            tp_jsonw_str(w, (struct tp_str) { s, (size_t) (t - s) });
        }
    }
    if (any) {
        tp_jsonw_close(w, ']');
    }
}

static void
ev_body(struct ev *e)
{
    const struct tp_lev_in *in = e->in;
    struct tp_jsonw *w = &e->w;
    bool none = in->body.p == NULL || in->body.len == 0;
    char *b64;
    size_t n;

    if (none) {
        if (!e->v2) {
            tp_lev_member(w, "body", TP_NULL_STR);
        }
    } else if (in->binary) {
        b64 = tp_arena_alloc(e->a, TP_BASE64_ENC_LEN(in->body.len) + 1);
        if (b64 == NULL) {
            w->err = true;
            return;
        }
        n = tp_base64_encode((const unsigned char *) in->body.p,
            in->body.len, b64);
        tp_lev_member(w, "body", (struct tp_str) { b64, n });
    } else {
        tp_lev_member(w, "body", in->body);
    }
    tp_jsonw_key(w, "isBase64Encoded");
    tp_jsonw_bool(w, !none && in->binary);
}

static void
ev_v1(struct ev *e)
{
    const struct tp_lev_in *in = e->in;
    struct tp_jsonw *w = &e->w;
    struct tp_lev_maps1 m = {
        e->hdrs, e->query, e->params, in->stage_vars,
        e->nhdrs, e->nquery, in->npath_params, in->nstage_vars
    };

    if (e->http) {
        tp_lev_member(w, "version", TP_STR("1.0"));
    }
    tp_lev_member(w, "resource", in->resource);
    tp_lev_member(w, "path", in->path);
    tp_lev_member(w, "httpMethod", in->method);
    tp_lev_maps_v1(w, e->a, &m, TP_LEV_EMPTY_NULL);
    ev_context_v1(e);
    ev_body(e);
}

static void
ev_v2(struct ev *e)
{
    const struct tp_lev_in *in = e->in;
    struct tp_jsonw *w = &e->w;

    tp_lev_member(w, "version", TP_STR("2.0"));
    tp_lev_member(w, "routeKey", in->route_key);
    tp_lev_member(w, "rawPath", in->raw_path);
    tp_lev_member(w, "rawQueryString",
        in->query.p != NULL ? in->query : TP_STR(""));
    ev_cookies(e);
    tp_lev_map(w, e->a, "headers", e->hdrs, e->nhdrs, true,
        TP_LEV_MAP_JOIN, TP_LEV_EMPTY_OMIT);
    tp_lev_map(w, e->a, "queryStringParameters", e->query, e->nquery,
        false, TP_LEV_MAP_JOIN, TP_LEV_EMPTY_OMIT);
    tp_lev_map(w, e->a, "pathParameters", e->params, in->npath_params,
        false, TP_LEV_MAP_LAST, TP_LEV_EMPTY_OMIT);
    tp_lev_map(w, e->a, "stageVariables", in->stage_vars, in->nstage_vars,
        false, TP_LEV_MAP_LAST, TP_LEV_EMPTY_OMIT);
    ev_context_v2(e);
    ev_body(e);
}

int
tp_lambda_event(const struct tp_lev_in *in, struct tp_arena *a,
    struct tp_str *out)
{
    struct ev e;
    size_t hint = 2048 + in->body.len / 3 * 4 + in->query.len * 3;
    unsigned i;

    memset(&e, 0, sizeof(e));
    e.in = in;
    e.a = a;
    e.v2 = in->format == TP_LEV_HTTP_V2;
    e.http = in->format != TP_LEV_REST;
    for (i = 0; i < in->nheaders; i++) {
        hint += (in->headers[i].name.len + in->headers[i].value.len) * 3;
    }
    tp_jsonw_init(&e.w, a, hint);
    if (ev_prepare(&e) != TP_OK) {
        return TP_ERROR;
    }
    tp_jsonw_open(&e.w, '{');
    if (e.v2) {
        ev_v2(&e);
    } else {
        ev_v1(&e);
    }
    tp_jsonw_close(&e.w, '}');
    return tp_jsonw_done(&e.w, out);
}
