/*
 * tp_openapi_integ.c: x-amazon-apigateway-integration (and its responses),
 * x-amazon-apigateway-gateway-responses and x-amazon-apigateway-cors read
 * into the builder's descriptions (tp_apibuild.h).  Enumerations and
 * mappings are checked here first so that errors carry the JSON pointer of
 * the offending value.  Master only.
 */
#include "tp_openapi_int.h"
#include "tp_gwresp.h"

#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

static const char *const oa_integ_types[] = {
    "HTTP_PROXY", "HTTP", "MOCK", "AWS_PROXY", "AWS"
};

/* Integration properties that need no handling (no behaviour here). */
static const char *const oa_integ_quiet[] = {
    "connectionId", "description"
};

/* One of <names> (case-insensitively), else an error listing <list>. */
static int
oa_enum(struct tp_oa *o, int tok, const char *what,
    const char *const *names, size_t n, const char *list)
{
    const char *s = tp_oa_string(o, tok, what);
    size_t i;

    if (s == NULL) {
        return -1;
    }
    for (i = 0; i < n; i++) {
        if (strcasecmp(s, names[i]) == 0) {
            return (int) i;
        }
    }
    return tp_oa_error(o, tok, "unknown %s \"%s\" (%s)", what, s, list);
}

static int
oa_timeout(struct tp_oa *o, int tok, struct tp_build_integ *b)
{
    const char *s;
    char *end;

    if (tp_json_type(&o->d, tok) == TP_JSON_STRING) {
        s = tp_oa_string(o, tok, "'timeoutInMillis'");
        if (s == NULL) {
            return TP_ERROR;
        }
        b->timeout_ms = strtoll(s, &end, 10);
        if (*s == '\0' || *end != '\0') {
            return tp_oa_error(o, tok, "'timeoutInMillis' must be an "
                "integer, not the string \"%s\"", s);
        }
    } else if (tp_json_int(&o->d, tok, &b->timeout_ms) != TP_OK) {
        return tp_oa_error(o, tok, "'timeoutInMillis' must be an integer, "
            "not %s", tp_json_type_name(tp_json_type(&o->d, tok)));
    }
    if (b->timeout_ms < 50 || b->timeout_ms > 24LL * 3600 * 1000) {
        return tp_oa_error(o, tok, "'timeoutInMillis' %lld is out of range "
            "[50, 86400000]", (long long) b->timeout_ms);
    }
    return TP_OK;
}

/* "1.0" / "2.0", written as a string or a number. */
static int
oa_payload_format(struct tp_oa *o, int tok, struct tp_build_integ *b)
{
    const char *s = tp_oa_status(o, tok, "'payloadFormatVersion'");

    if (s == NULL) {
        return TP_ERROR;
    }
    if (strcmp(s, "1.0") == 0 || strcmp(s, "1") == 0) {
        b->payload_format = "1.0";
    } else if (strcmp(s, "2.0") == 0 || strcmp(s, "2") == 0) {
        b->payload_format = "2.0";
    } else {
        return tp_oa_error(o, tok, "'payloadFormatVersion' must be \"1.0\" "
            "or \"2.0\", not \"%s\"", s);
    }
    return TP_OK;
}

/* CONVERT_TO_TEXT changes nothing for text payloads; binary conversion
 * is a later feature. */
static int
oa_content_handling(struct tp_oa *o, int tok)
{
    static const char *const names[] = {
        "CONVERT_TO_TEXT", "CONVERT_TO_BINARY"
    };
    int v = oa_enum(o, tok, "'contentHandling'", names, TP_NELEM(names),
        "CONVERT_TO_TEXT or CONVERT_TO_BINARY");

    if (v < 0) {
        return TP_ERROR;
    }
    if (v == 1) {
        tp_oa_warn(o, tok, "not supported yet: contentHandling "
            "CONVERT_TO_BINARY; payloads pass unconverted");
    }
    return TP_OK;
}

static int
oa_status_code(struct tp_oa *o, int tok, const char **out)
{
    const char *s = tp_oa_status(o, tok, "'statusCode'");
    char *end;
    long v;

    if (s == NULL) {
        return TP_ERROR;
    }
    v = strtol(s, &end, 10);
    if (*s < '0' || *s > '9' || *end != '\0' || v < 100 || v > 599) {
        return tp_oa_error(o, tok, "invalid status code \"%s\" (100-599)",
            s);
    }
    *out = s;
    return TP_OK;
}

/* One entry of "responses": selection pattern -> method response. */
static int
oa_response(struct tp_oa *o, int key, struct tp_build_response *r)
{
    int v = tp_oa_object(o, key + 1, "an integration response"), m;
    const char *name;

    if (v < 0) {
        return TP_ERROR;
    }
    r->pattern = tp_oa_key(o, key);
    r->src = tp_oa_src(o, key);
    for (m = tp_json_child(&o->d, v); m >= 0; m = tp_json_next(&o->d, m)) {
        name = tp_oa_name(o, m);
        if (strcmp(name, "statusCode") == 0) {
            if (oa_status_code(o, m + 1, &r->status) != TP_OK) {
                return TP_ERROR;
            }
        } else if (strcmp(name, "responseParameters") == 0) {
            if (tp_oa_pairs(o, m + 1, "'responseParameters'",
                    TP_MAP_REST_RESPONSE, &r->params, &r->nparams) != TP_OK)
            {
                return TP_ERROR;
            }
        } else if (strcmp(name, "responseTemplates") == 0) {
            if (tp_oa_pairs(o, m + 1, "'responseTemplates'", -1,
                    &r->templates, &r->ntemplates) != TP_OK)
            {
                return TP_ERROR;
            }
        } else if (strcmp(name, "contentHandling") == 0) {
            if (oa_content_handling(o, m + 1) != TP_OK) {
                return TP_ERROR;
            }
        } else {
            tp_oa_warn(o, m, "unknown integration response property \"%s\"; "
                "ignored", name);
        }
    }
    if (r->status == NULL) {
        return tp_oa_error(o, v, "an integration response needs "
            "'statusCode'");
    }
    return TP_OK;
}

static int
oa_responses(struct tp_oa *o, int tok, struct tp_build_integ *b)
{
    int k;

    tok = tp_oa_object(o, tok, "'responses'");
    if (tok < 0) {
        return TP_ERROR;
    }
    b->responses = tp_arena_calloc(o->c->a, sizeof(*b->responses)
        * ((size_t) o->d.toks[tok].size + 1));
    if (b->responses == NULL) {
        return tp_oa_error(o, tok, "out of memory");
    }
    for (k = tp_json_child(&o->d, tok); k >= 0; k = tp_json_next(&o->d, k)) {
        if (oa_response(o, k, &b->responses[b->nresponses]) != TP_OK) {
            return TP_ERROR;
        }
        b->nresponses++;
    }
    return TP_OK;
}

/* HTTP APIs: {"500": {"overwrite:statuscode": "403", ...}, ...}. */
static int
oa_resp_params(struct tp_oa *o, int tok, struct tp_build_integ *b)
{
    struct tp_build_resp_params *rp;
    int k;

    tok = tp_oa_object(o, tok, "'responseParameters'");
    if (tok < 0) {
        return TP_ERROR;
    }
    b->resp_params = tp_arena_calloc(o->c->a, sizeof(*b->resp_params)
        * ((size_t) o->d.toks[tok].size + 1));
    if (b->resp_params == NULL) {
        return tp_oa_error(o, tok, "out of memory");
    }
    for (k = tp_json_child(&o->d, tok); k >= 0; k = tp_json_next(&o->d, k)) {
        rp = &b->resp_params[b->nresp_params];
        rp->src = tp_oa_src(o, k);
        if (oa_status_code(o, k, &rp->status) != TP_OK
            || tp_oa_pairs(o, k + 1, "'responseParameters'",
                TP_MAP_HTTP_RESPONSE, &rp->params, &rp->nparams) != TP_OK)
        {
            return TP_ERROR;
        }
        b->nresp_params++;
    }
    return TP_OK;
}

/* Properties whose absence of support changes behaviour: warn. */
static int
oa_integ_unsupported(struct tp_oa *o, const char *name, int v)
{
    bool skip = false;

    if (strcmp(name, "connectionType") == 0) {
        if (!tp_oa_caseeq(o, v, "INTERNET")) {
            tp_oa_warn(o, v, "not supported yet: private integrations "
                "(connectionType VPC_LINK); the uri is called directly");
        }
    } else if (strcmp(name, "credentials") == 0) {
        if (tp_json_type(&o->d, v) != TP_JSON_NULL) {
            tp_oa_warn(o, v, "not supported yet: integration credentials "
                "(IAM roles); ignored");
        }
    } else if (strcmp(name, "tlsConfig") == 0) {
        if (tp_oa_object(o, v, "'tlsConfig'") < 0) {
            return TP_ERROR;
        }
        tp_oa_warn(o, v, "not supported yet: tlsConfig (backend "
            "certificates are always verified against the trust store)");
    } else if (strcmp(name, "integrationSubtype") == 0) {
        tp_oa_warn(o, v, "not supported yet: AWS service integrations "
            "(integrationSubtype); the route answers 500");
    } else {
        skip = true;
    }
    return skip ? TP_DECLINED : TP_OK;
}

/* Request-side members: parameters and templates. */
static int
oa_integ_request(struct tp_oa *o, const char *name, int v,
    struct tp_build_integ *b, bool *subtype)
{
    bool http = o->api->type == TP_API_HTTP;

    if (strcmp(name, "requestParameters") == 0) {
        if (*subtype) {
            return TP_OK;            /* AWS service parameters: unused */
        }
        return tp_oa_pairs(o, v, "'requestParameters'",
            http ? TP_MAP_HTTP_REQUEST : TP_MAP_REST_REQUEST, &b->params,
            &b->nparams);
    }
    if (http) {
        tp_oa_warn(o, v, "'requestTemplates' apply to REST APIs; ignored");
        return TP_OK;
    }
    return tp_oa_pairs(o, v, "'requestTemplates'", -1, &b->templates,
        &b->ntemplates);
}

/* Response-side members: REST responses, HTTP responseParameters. */
static int
oa_integ_response(struct tp_oa *o, const char *name, int v,
    struct tp_build_integ *b)
{
    bool http = o->api->type == TP_API_HTTP;

    if (strcmp(name, "responses") == 0) {
        if (http) {
            tp_oa_warn(o, v, "integration 'responses' apply to REST APIs; "
                "ignored");
            return TP_OK;
        }
        return oa_responses(o, v, b);
    }
    if (!http) {
        tp_oa_warn(o, v, "integration 'responseParameters' apply to HTTP "
            "APIs; ignored");
        return TP_OK;
    }
    return oa_resp_params(o, v, b);
}

static int
oa_integ_member(struct tp_oa *o, int m, struct tp_build_integ *b,
    bool *subtype)
{
    static const char *const pass[] = {
        "WHEN_NO_MATCH", "WHEN_NO_TEMPLATES", "NEVER"
    };
    const char *name = tp_oa_name(o, m);
    int v = m + 1, rc;
    size_t i;

    if (strcmp(name, "type") == 0) {
        b->type_src = tp_oa_src(o, v);
        rc = oa_enum(o, v, "integration type", oa_integ_types,
            TP_NELEM(oa_integ_types), "HTTP_PROXY, HTTP, MOCK, AWS_PROXY or "
            "AWS");
        b->type = rc >= 0 ? oa_integ_types[rc] : NULL;
        return rc >= 0 ? TP_OK : TP_ERROR;
    }
    if (strcmp(name, "uri") == 0) {
        b->uri = tp_oa_string(o, v, "'uri'");
        return b->uri != NULL ? TP_OK : TP_ERROR;
    }
    if (strcmp(name, "httpMethod") == 0) {
        b->http_method = tp_oa_string(o, v, "'httpMethod'");
        return b->http_method != NULL ? TP_OK : TP_ERROR;
    }
    if (strcmp(name, "passthroughBehavior") == 0) {
        rc = oa_enum(o, v, "passthroughBehavior", pass, TP_NELEM(pass),
            "WHEN_NO_MATCH, WHEN_NO_TEMPLATES or NEVER");
        b->passthrough = rc >= 0 ? pass[rc] : NULL;
        return rc >= 0 ? TP_OK : TP_ERROR;
    }
    if (strcmp(name, "timeoutInMillis") == 0) {
        return oa_timeout(o, v, b);
    }
    if (strcmp(name, "payloadFormatVersion") == 0) {
        return oa_payload_format(o, v, b);
    }
    if (strcmp(name, "cacheKeyParameters") == 0) {
        return tp_oa_strings(o, v, "'cacheKeyParameters'", &b->cache_keys,
            &b->ncache_keys);
    }
    if (strcmp(name, "cacheNamespace") == 0) {
        b->cache_ns = tp_oa_string(o, v, "'cacheNamespace'");
        return b->cache_ns != NULL ? TP_OK : TP_ERROR;
    }
    if (strcmp(name, "contentHandling") == 0) {
        return oa_content_handling(o, v);
    }
    if (strcmp(name, "requestParameters") == 0
        || strcmp(name, "requestTemplates") == 0)
    {
        return oa_integ_request(o, name, v, b, subtype);
    }
    if (strcmp(name, "responses") == 0
        || strcmp(name, "responseParameters") == 0)
    {
        return oa_integ_response(o, name, v, b);
    }
    rc = oa_integ_unsupported(o, name, v);
    if (rc != TP_DECLINED) {
        return rc;
    }
    for (i = 0; i < TP_NELEM(oa_integ_quiet); i++) {
        if (strcmp(name, oa_integ_quiet[i]) == 0) {
            return TP_OK;
        }
    }
    tp_oa_warn(o, m, "unknown integration property \"%s\"; ignored", name);
    return TP_OK;
}

/* The type first: what this API type can serve decides the rest. */
static int
oa_integ_type(struct tp_oa *o, int tok, const char *route,
    struct tp_build_integ *b)
{
    int t = tp_json_get(&o->d, tok, "type");

    if (t < 0) {
        return tp_oa_error(o, tok, "the integration of %s needs 'type' "
            "(HTTP_PROXY, HTTP, MOCK, AWS_PROXY or AWS)", route);
    }
    if (oa_integ_member(o, t - 1, b, NULL) != TP_OK) {
        return TP_ERROR;
    }
    if (o->api->type == TP_API_HTTP && strcmp(b->type, "HTTP_PROXY") != 0
        && strcmp(b->type, "AWS_PROXY") != 0)
    {
        /* An import warning on AWS (failOnWarnings decides). */
        tp_oa_warn(o, t, "HTTP APIs support HTTP_PROXY and AWS_PROXY "
            "integrations, not %s; %s not routed", b->type, route);
        return TP_DECLINED;
    }
    return TP_OK;
}

/* What the type needs. */
static int
oa_integ_check(struct tp_oa *o, int tok, const char *route,
    struct tp_build_integ *b)
{
    if ((strcmp(b->type, "HTTP") == 0 || strcmp(b->type, "HTTP_PROXY") == 0)
        && (b->uri == NULL || b->uri[0] == '\0'))
    {
        return tp_oa_error(o, tok, "the %s integration of %s needs 'uri'",
            b->type, route);
    }
    return TP_OK;
}

int
tp_oa_integration(struct tp_oa *o, int tok, const char *route,
    struct tp_build_integ *b)
{
    bool subtype;
    int m;

    tok = tp_oa_object(o, tok, "x-amazon-apigateway-integration");
    if (tok < 0) {
        return TP_ERROR;
    }
    b->src = tp_oa_src(o, tok);
    m = oa_integ_type(o, tok, route, b);
    if (m != TP_OK) {
        return m;
    }
    subtype = tp_json_get(&o->d, tok, "integrationSubtype") >= 0;
    for (m = tp_json_child(&o->d, tok); m >= 0; m = tp_json_next(&o->d, m)) {
        if (!tp_json_streq(&o->d, m, "type", 4)
            && oa_integ_member(o, m, b, &subtype) != TP_OK)
        {
            return TP_ERROR;
        }
    }
    return oa_integ_check(o, tok, route, b);
}

/* One gateway response: "DEFAULT_4XX": {statusCode, responseParameters,
 * responseTemplates}. */
static int
oa_gw_one(struct tp_oa *o, int key)
{
    struct tp_build_gw b;
    const char *name;
    int v, m;

    memset(&b, 0, sizeof(b));
    b.type = tp_oa_key(o, key);
    b.src = tp_oa_src(o, key);
    if (tp_gwresp_from_name(b.type) < 0) {
        return tp_oa_error(o, key, "unknown gateway response type \"%s\"",
            b.type);
    }
    v = tp_oa_object(o, key + 1, "a gateway response");
    if (v < 0) {
        return TP_ERROR;
    }
    for (m = tp_json_child(&o->d, v); m >= 0; m = tp_json_next(&o->d, m)) {
        name = tp_oa_name(o, m);
        if (strcmp(name, "statusCode") == 0) {
            if (oa_status_code(o, m + 1, &b.status) != TP_OK) {
                return TP_ERROR;
            }
        } else if (strcmp(name, "responseParameters") == 0) {
            if (tp_oa_pairs(o, m + 1, "'responseParameters'",
                    TP_MAP_GW_RESPONSE, &b.headers, &b.nheaders) != TP_OK)
            {
                return TP_ERROR;
            }
        } else if (strcmp(name, "responseTemplates") == 0) {
            if (tp_oa_pairs(o, m + 1, "'responseTemplates'", -1,
                    &b.templates, &b.ntemplates) != TP_OK)
            {
                return TP_ERROR;
            }
        } else if (strcmp(name, "defaultResponse") != 0) {
            tp_oa_warn(o, m, "unknown gateway response property \"%s\"; "
                "ignored", name);
        }
    }
    if (tp_build_gw(o->c, o->api, &b) != TP_OK) {
        return tp_oa_builder_failed(o, key);
    }
    return TP_OK;
}

int
tp_oa_gateway_responses(struct tp_oa *o, int tok)
{
    int k;

    tok = tp_oa_object(o, tok, "x-amazon-apigateway-gateway-responses");
    if (tok < 0) {
        return TP_ERROR;
    }
    if (o->api->type == TP_API_HTTP) {
        tp_oa_warn(o, tok, "gateway responses apply to REST APIs; ignored");
        return TP_OK;
    }
    for (k = tp_json_child(&o->d, tok); k >= 0; k = tp_json_next(&o->d, k)) {
        if (oa_gw_one(o, k) != TP_OK) {
            return TP_ERROR;
        }
    }
    return TP_OK;
}

static int
oa_cors_member(struct tp_oa *o, int m, struct tp_build_cors *b)
{
    const char *name = tp_oa_name(o, m);
    int v = m + 1;

    if (strcmp(name, "allowOrigins") == 0) {
        return tp_oa_strings(o, v, "'allowOrigins'", &b->origins,
            &b->norigins);
    }
    if (strcmp(name, "allowMethods") == 0) {
        return tp_oa_strings(o, v, "'allowMethods'", &b->methods,
            &b->nmethods);
    }
    if (strcmp(name, "allowHeaders") == 0) {
        return tp_oa_strings(o, v, "'allowHeaders'", &b->headers,
            &b->nheaders);
    }
    if (strcmp(name, "exposeHeaders") == 0) {
        return tp_oa_strings(o, v, "'exposeHeaders'", &b->expose,
            &b->nexpose);
    }
    if (strcmp(name, "allowCredentials") == 0) {
        if (tp_json_bool(&o->d, v, &b->credentials) != TP_OK) {
            return tp_oa_expect(o, v, TP_JSON_TRUE, "'allowCredentials'");
        }
        return TP_OK;
    }
    if (strcmp(name, "maxAge") == 0) {
        if (tp_json_int(&o->d, v, &b->max_age) != TP_OK || b->max_age < 0) {
            return tp_oa_error(o, v, "'maxAge' must be a non-negative "
                "integer, not %s", tp_json_type_name(tp_json_type(&o->d,
                v)));
        }
        return TP_OK;
    }
    tp_oa_warn(o, m, "unknown CORS property \"%s\"; ignored", name);
    return TP_OK;
}

int
tp_oa_cors(struct tp_oa *o, int tok)
{
    struct tp_build_cors b;
    int m;

    tok = tp_oa_object(o, tok, "x-amazon-apigateway-cors");
    if (tok < 0) {
        return TP_ERROR;
    }
    memset(&b, 0, sizeof(b));
    b.src = tp_oa_src(o, tok);
    b.max_age = -1;
    for (m = tp_json_child(&o->d, tok); m >= 0; m = tp_json_next(&o->d, m)) {
        if (oa_cors_member(o, m, &b) != TP_OK) {
            return TP_ERROR;
        }
    }
    if (tp_build_cors(o->c, o->api, &b) != TP_OK) {
        return tp_oa_builder_failed(o, tok);
    }
    return TP_OK;
}
