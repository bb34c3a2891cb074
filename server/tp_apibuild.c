/*
 * tp_apibuild.c: validated construction of routes, integrations, gateway
 * responses and CORS from source-neutral descriptions (config file or
 * OpenAPI document).  Master only.
 */
#include "tp_apibuild.h"
#include "tp_expr.h"
#include "tp_gwresp.h"
#include "tp_route.h"
#include "tp_tmpl.h"
#include "tp_upstream_conf.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

static const char *const integ_names[] = {
    "HTTP_PROXY", "HTTP", "MOCK", "AWS_PROXY", "AWS"
};

static const char *const authz_names[] = {
    "NONE", "AWS_IAM", "CUSTOM", "COGNITO_USER_POOLS", "JWT"
};

static void
build_regex_free(void *re)
{
    pcre2_code_free(re);
}

static int
build_status(struct tp_conf_ctx *c, struct tp_src src, const char *s,
    uint16_t *out)
{
    char *end;
    long v = s != NULL ? strtol(s, &end, 10) : 0;

    if (s == NULL || *s == '\0' || *end != '\0' || v < 100 || v > 599) {
        return tp_conf_error_at(c, src, "invalid status code \"%s\" (100-599)",
            s != NULL ? s : "");
    }
    *out = (uint16_t) v;
    return TP_OK;
}

/* Compiles mapping pairs in <dialect>; errors name the pair's source. */
static int
build_mappings(struct tp_conf_ctx *c, enum tp_map_dialect dialect,
    const struct tp_pair *pairs, unsigned n, struct tp_mapping **out,
    unsigned *nout)
{
    char err[512];
    unsigned i;

    *out = tp_arena_calloc(c->a, sizeof(**out) * (n > 0 ? n : 1));
    if (*out == NULL) {
        return tp_conf_error(c, NULL, "out of memory");
    }
    for (i = 0; i < n; i++) {
        if (tp_mapping_compile(c->a, dialect, pairs[i].key,
                pairs[i].value != NULL ? pairs[i].value : "", &(*out)[i], err,
                sizeof(err)) != TP_OK)
        {
            return tp_conf_error_at(c, pairs[i].src, "%s", err);
        }
        (*out)[i].src = pairs[i].src;
    }
    *nout = n;
    return TP_OK;
}

/* Templates: compiled now; a VTL-only one is kept with a warning. */
static int
build_templates(struct tp_conf_ctx *c, const struct tp_pair *pairs,
    unsigned n, struct tp_template **out, unsigned *nout)
{
    char err[256];
    unsigned i;
    int rc;

    *out = tp_arena_calloc(c->a, sizeof(**out) * (n > 0 ? n : 1));
    if (*out == NULL) {
        return tp_conf_error(c, NULL, "out of memory");
    }
    for (i = 0; i < n; i++) {
        struct tp_template *t = &(*out)[i];

        t->content_type = tp_arena_strdup(c->a, pairs[i].key);
        t->text = tp_arena_strdup(c->a, pairs[i].value != NULL
            ? pairs[i].value : "");
        rc = tp_tmpl_compile(c->a, t, err, sizeof(err));
        if (rc == TP_DECLINED) {
            tp_conf_warn_at(c, pairs[i].src, "not supported yet: %s in the %s "
                "template (the VTL engine comes later); requests that need "
                "it answer 500", err,
                t->content_type);
        } else if (rc != TP_OK) {
            return tp_conf_error_at(c, pairs[i].src, "out of memory");
        }
    }
    *nout = n;
    return TP_OK;
}

static int
build_response(struct tp_conf_ctx *c, const struct tp_build_response *b,
    struct tp_int_response *r)
{
    PCRE2_SIZE off;
    int ecode;
    char msg[256];

    if (build_status(c, b->src, b->status, &r->status) != TP_OK) {
        return TP_ERROR;
    }
    if (b->pattern != NULL && b->pattern[0] != '\0'
        && strcmp(b->pattern, "default") != 0)
    {
        r->pattern = tp_arena_strdup(c->a, b->pattern);
        /* AWS's selection patterns match the whole status / message. */
        r->re = pcre2_compile((PCRE2_SPTR) r->pattern, PCRE2_ZERO_TERMINATED,
            PCRE2_ANCHORED | PCRE2_ENDANCHORED | PCRE2_DOTALL, &ecode, &off,
            NULL);
        if (r->re == NULL) {
            pcre2_get_error_message(ecode, (PCRE2_UCHAR *) msg, sizeof(msg));
            return tp_conf_error_at(c, b->src, "invalid selection pattern "
                "\"%s\": %s at offset %zu", b->pattern, msg, (size_t) off);
        }
        if (tp_arena_cleanup_add(c->a, build_regex_free, r->re) != TP_OK) {
            pcre2_code_free(r->re);
            return tp_conf_error_at(c, b->src, "out of memory");
        }
    }
    if (build_mappings(c, TP_MAP_REST_RESPONSE, b->params, b->nparams,
            &r->params, &r->nparams) != TP_OK)
    {
        return TP_ERROR;
    }
    return build_templates(c, b->templates, b->ntemplates, &r->templates,
        &r->ntemplates);
}

static int
build_type(struct tp_conf_ctx *c, const struct tp_build_integ *b,
    struct tp_integration *in)
{
    unsigned i;

    for (i = 0; b->type != NULL && i < TP_NELEM(integ_names); i++) {
        if (strcasecmp(b->type, integ_names[i]) == 0) {
            in->type = (enum tp_integ_type) i;
            return TP_OK;
        }
    }
    return tp_conf_error_at(c, b->type_src.file != NULL ? b->type_src
        : b->src, "unknown integration type \"%s\" "
        "(HTTP_PROXY, HTTP, MOCK, AWS_PROXY or AWS)",
        b->type != NULL ? b->type : "");
}

static int
build_passthrough(struct tp_conf_ctx *c, const struct tp_build_integ *b,
    struct tp_integration *in)
{
    if (b->passthrough == NULL
        || strcasecmp(b->passthrough, "when_no_match") == 0)
    {
        in->passthrough = TP_PASS_WHEN_NO_MATCH;
    } else if (strcasecmp(b->passthrough, "when_no_templates") == 0) {
        in->passthrough = TP_PASS_WHEN_NO_TEMPLATES;
    } else if (strcasecmp(b->passthrough, "never") == 0) {
        in->passthrough = TP_PASS_NEVER;
    } else {
        return tp_conf_error_at(c, b->src, "passthrough behavior \"%s\" must "
            "be WHEN_NO_MATCH, WHEN_NO_TEMPLATES or NEVER", b->passthrough);
    }
    return TP_OK;
}

static int
build_resp_params(struct tp_conf_ctx *c, const struct tp_build_integ *b,
    struct tp_integration *in)
{
    unsigned i;

    in->resp_params = tp_arena_calloc(c->a, sizeof(*in->resp_params)
        * (b->nresp_params > 0 ? b->nresp_params : 1));
    for (i = 0; i < b->nresp_params; i++) {
        const struct tp_build_resp_params *rp = &b->resp_params[i];
        struct tp_resp_params *out = &in->resp_params[i];

        if (build_status(c, rp->src, rp->status, &out->status) != TP_OK
            || build_mappings(c, TP_MAP_HTTP_RESPONSE, rp->params,
                rp->nparams, &out->maps, &out->nmaps) != TP_OK)
        {
            return TP_ERROR;
        }
    }
    in->nresp_params = b->nresp_params;
    return TP_OK;
}

/* What each integration type needs, and what is not served yet. */
static int
build_check_integration(struct tp_conf_ctx *c, struct tp_api *api,
    struct tp_route *r)
{
    struct tp_integration *in = &r->integ;

    if (api->type == TP_API_HTTP && in->type != TP_INTEG_HTTP_PROXY
        && in->type != TP_INTEG_AWS_PROXY)
    {
        return tp_conf_error_at(c, in->src, "route '%s': HTTP APIs support "
            "HTTP_PROXY and AWS_PROXY integrations, not %s", r->key,
            integ_names[in->type]);
    }
    /* Imported definitions routinely carry these (AWS exports do). */
    if (!r->imported && in->type == TP_INTEG_HTTP_PROXY
        && (in->nreq_templates > 0 || in->nresponses > 0))
    {
        tp_conf_warn_at(c, in->src, "route '%s': request_templates and "
            "responses apply to HTTP and MOCK integrations; ignored for "
            "HTTP_PROXY", r->key);
    }
    if (!r->imported && api->type == TP_API_REST && in->nresp_params > 0) {
        tp_conf_warn_at(c, in->src, "route '%s': response_parameters is for "
            "HTTP APIs; ignored (REST maps response headers in 'responses')",
            r->key);
    }
    switch (in->type) {
    case TP_INTEG_HTTP_PROXY:
    case TP_INTEG_HTTP:
        if (in->uri == NULL || in->uri[0] == '\0') {
            return tp_conf_error_at(c, in->src, "route '%s': an %s "
                "integration needs 'uri'", r->key, integ_names[in->type]);
        }
        return TP_OK;
    case TP_INTEG_MOCK:
        return TP_OK;
    case TP_INTEG_AWS_PROXY:
        /* Served (workers/integrations/tp_aws_proxy.c); a uri is checked
         * once the functions are known (tp_conf_refs.c). */
        return TP_OK;
    default:
        tp_conf_warn_at(c, in->src, "not supported yet: AWS service "
            "integration (%s) of route '%s'; it answers 500",
            in->uri != NULL ? in->uri : "no uri", r->key);
        return TP_OK;
    }
}

static int
build_integration(struct tp_conf_ctx *c, struct tp_api *api,
    const struct tp_build_route *br, struct tp_route *r)
{
    const struct tp_build_integ *b = &br->integ;
    struct tp_integration *in = &r->integ;
    bool http = api->type == TP_API_HTTP;
    unsigned i;

    in->src = b->src;
    if (build_type(c, b, in) != TP_OK || build_passthrough(c, b, in) != TP_OK)
    {
        return TP_ERROR;
    }
    if (b->timeout_ms != 0 && (b->timeout_ms < 50
            || b->timeout_ms > 24LL * 3600 * 1000))
    {
        return tp_conf_error_at(c, b->src, "timeout %lld ms is out of range "
            "[50, 86400000]", (long long) b->timeout_ms);
    }
    in->timeout_ms = (uint32_t) b->timeout_ms;
    in->uri = b->uri != NULL ? tp_arena_strdup(c->a, b->uri) : NULL;
    in->http_method = b->http_method != NULL
        ? tp_arena_strdup(c->a, b->http_method) : NULL;
    in->tls_ca = b->tls_ca;
    in->function = b->function;
    in->payload_format = b->payload_format;
    if (build_mappings(c, http ? TP_MAP_HTTP_REQUEST : TP_MAP_REST_REQUEST,
            b->params, b->nparams, &in->req_params, &in->nreq_params) != TP_OK
        || build_templates(c, b->templates, b->ntemplates,
            &in->req_templates, &in->nreq_templates) != TP_OK
        || build_resp_params(c, b, in) != TP_OK
        || tp_build_cache_keys(c, b, in) != TP_OK)
    {
        return TP_ERROR;
    }
    for (i = 0; i < in->nreq_params; i++) {
        const struct tp_expr *e = &in->req_params[i].value;

        for (unsigned k = 0; k < e->nparts; k++) {
            in->needs_body |= e->parts[k].kind == TP_EX_REQ_BODY;
        }
    }
    in->responses = tp_arena_calloc(c->a, sizeof(*in->responses)
        * (b->nresponses > 0 ? b->nresponses : 1));
    for (i = 0; i < b->nresponses; i++) {
        if (build_response(c, &b->responses[i], &in->responses[i]) != TP_OK) {
            return TP_ERROR;
        }
    }
    in->nresponses = b->nresponses;
    return build_check_integration(c, api, r);
}

static int
build_authorization(struct tp_conf_ctx *c, const struct tp_build_route *b,
    struct tp_route *r)
{
    unsigned i;

    r->api_key_required = b->api_key_required;
    r->authorizer = b->authorizer;
    r->scopes = b->scopes;
    r->nscopes = b->nscopes;
    if (b->authorization == NULL) {
        /* settled by the authorizer's type once authorizers are known
         * (tp_build_resolve_authorizers) */
        r->authorization = b->authorizer != NULL ? TP_AUTHZ_CUSTOM
                                                 : TP_AUTHZ_NONE;
        r->authz_implicit = b->authorizer != NULL;
    } else {
        for (i = 0; i < TP_NELEM(authz_names); i++) {
            if (strcasecmp(b->authorization, authz_names[i]) == 0) {
                break;
            }
        }
        if (i == TP_NELEM(authz_names)) {
            return tp_conf_error_at(c, b->src, "route '%s': authorization "
                "\"%s\" must be NONE, AWS_IAM, CUSTOM, COGNITO_USER_POOLS or "
                "JWT", r->key, b->authorization);
        }
        r->authorization = (uint8_t) i;
    }
    /* AWS_IAM, JWT and COGNITO_USER_POOLS are served; CUSTOM is warned
     * about with its authorizer (tp_apibuild_auth.c) */
    if (r->authorization == TP_AUTHZ_CUSTOM && b->authorizer == NULL) {
        tp_conf_warn_at(c, b->src, "not supported yet: %s authorization "
            "of route '%s' (not enforced: the route is open)",
            authz_names[r->authorization], r->key);
    }
    return TP_OK;
}

/*
 * Route keys -> index in api->routes while loading, so that 10,000 routes
 * are checked for duplicates in linear time.  Open addressing; the table
 * is rebuilt at twice the size when half full.
 */
struct tp_route_index {
    uint32_t *slot;                  /* route index + 1; 0 = empty */
    uint32_t cap;                    /* power of two */
    uint32_t used;
};

static uint64_t
build_hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;

    while (*s != '\0') {
        h = (h ^ (uint8_t) *s++) * 1099511628211ULL;
    }
    return h;
}

/* The slot of <key>: its route's, or the empty one where it would go. */
static uint32_t *
build_index_find(const struct tp_api *api, const char *key)
{
    const struct tp_route_index *ix = api->route_index;
    uint32_t i = (uint32_t) build_hash(key) & (ix->cap - 1);

    while (ix->slot[i] != 0
        && strcmp(api->routes[ix->slot[i] - 1].key, key) != 0)
    {
        i = (i + 1) & (ix->cap - 1);
    }
    return &ix->slot[i];
}

static int
build_index_grow(struct tp_conf_ctx *c, struct tp_api *api)
{
    struct tp_route_index *ix = api->route_index;
    uint32_t cap = ix == NULL ? 64 : ix->cap * 2, i;

    if (ix == NULL) {
        ix = tp_arena_calloc(c->a, sizeof(*ix));
        if (ix == NULL) {
            return TP_ERROR;
        }
        api->route_index = ix;
    }
    ix->slot = tp_arena_calloc(c->a, sizeof(*ix->slot) * cap);
    if (ix->slot == NULL) {
        return TP_ERROR;
    }
    ix->cap = cap;
    for (i = 0; i < api->nroutes; i++) {
        *build_index_find(api, api->routes[i].key) = i + 1;
    }
    ix->used = api->nroutes;
    return TP_OK;
}

/* Makes room for one more route (the array is copied by value until the
 * trie is compiled, so growing it is safe). */
static struct tp_route *
build_route_slot(struct tp_conf_ctx *c, struct tp_api *api)
{
    struct tp_route *grown;
    unsigned cap;

    if (api->nroutes == api->routes_cap) {
        cap = api->routes_cap == 0 ? 16 : api->routes_cap * 2;
        grown = tp_arena_alloc(c->a, sizeof(*grown) * cap);
        if (grown == NULL) {
            return NULL;
        }
        if (api->nroutes > 0) {
            memcpy(grown, api->routes, sizeof(*grown) * api->nroutes);
        }
        api->routes = grown;
        api->routes_cap = cap;
    }
    return &api->routes[api->nroutes];
}

int
tp_build_route(struct tp_conf_ctx *c, struct tp_api *api,
    const struct tp_build_route *b, bool imported)
{
    struct tp_route r, *slot;
    char msg[300];
    uint32_t *idx;
    unsigned i;

    memset(&r, 0, sizeof(r));
    r.src = b->src;
    r.imported = imported;
    r.key = tp_arena_strdup(c->a, b->key);
    if (strcmp(r.key, "$default") == 0) {
        if (api->type != TP_API_HTTP) {
            return tp_conf_error_at(c, b->src, "route '$default' exists "
                "only in HTTP APIs");
        }
        r.method = TP_ROUTE_ANY;
        r.path = "/";
    } else if (tp_route_parse_key(c->a, r.key, &r, msg, sizeof(msg))
        != TP_OK)
    {
        return tp_conf_error_at(c, b->src, "%s", msg);
    }
    if (build_authorization(c, b, &r) != TP_OK
        || build_integration(c, api, b, &r) != TP_OK)
    {
        return TP_ERROR;
    }
    if (r.api_key_required && api->type == TP_API_HTTP) {
        return tp_conf_error_at(c, b->src, "route '%s': HTTP APIs have no API "
            "keys (api_key_required is for REST APIs)", r.key);
    }
    if (strcmp(r.key, "$default") == 0) {
        if (api->default_route != NULL
            && (imported || !api->default_route->imported))
        {
            return tp_conf_error_at(c, b->src, "route '$default' is defined "
                "twice");
        }
        api->default_route = tp_arena_alloc(c->a, sizeof(r));
        if (api->default_route == NULL) {
            return tp_conf_error_at(c, b->src, "out of memory");
        }
        *api->default_route = r;
        return TP_OK;
    }
    if ((api->route_index == NULL
            || api->route_index->used * 2 >= api->route_index->cap)
        && build_index_grow(c, api) != TP_OK)
    {
        return tp_conf_error_at(c, b->src, "out of memory");
    }
    idx = build_index_find(api, r.key);
    if (*idx != 0) {
        i = *idx - 1;
        if (imported || !api->routes[i].imported) {
            return tp_conf_error_at(c, b->src, "route '%s' is defined "
                "twice (also at %s:%d)", r.key, api->routes[i].src.file,
                api->routes[i].src.line);
        }
        api->routes[i] = r;          /* the config replaces the import */
        return TP_OK;
    }
    slot = build_route_slot(c, api);
    if (slot == NULL) {
        return tp_conf_error_at(c, b->src, "out of memory");
    }
    *slot = r;
    *idx = ++api->nroutes;
    api->route_index->used++;
    return TP_OK;
}

int
tp_build_gw(struct tp_conf_ctx *c, struct tp_api *api,
    const struct tp_build_gw *b)
{
    struct tp_gw_custom *g;
    int type = b->type != NULL ? tp_gwresp_from_name(b->type) : -1;
    unsigned i;

    if (type < 0) {
        return tp_conf_error_at(c, b->src, "unknown gateway response type "
            "\"%s\"", b->type != NULL ? b->type : "");
    }
    if (api->type == TP_API_HTTP) {
        tp_conf_warn_at(c, b->src, "HTTP APIs have no gateway responses (as "
            "on AWS); %s ignored", b->type);
        return TP_OK;
    }
    if (type == TP_GW_REQUEST_TOO_LARGE) {
        tp_conf_warn_at(c, b->src, "REQUEST_TOO_LARGE cannot be customized "
            "(as on AWS); ignored");
        return TP_OK;
    }
    g = tp_arena_calloc(c->a, sizeof(*g));
    if (g == NULL) {
        return tp_conf_error_at(c, b->src, "out of memory");
    }
    g->src = b->src;
    if (b->status != NULL && b->status[0] != '\0'
        && build_status(c, b->src, b->status, &g->status) != TP_OK)
    {
        return TP_ERROR;
    }
    if (build_mappings(c, TP_MAP_GW_RESPONSE, b->headers, b->nheaders,
            &g->headers, &g->nheaders) != TP_OK
        || build_templates(c, b->templates, b->ntemplates, &g->templates,
            &g->ntemplates) != TP_OK)
    {
        return TP_ERROR;
    }
    for (i = 0; i < g->nheaders; i++) {
        if (g->headers[i].target != TP_MT_HEADER) {
            tp_conf_warn_at(c, b->src, "gateway response %s: only header "
                "mappings reach the client; gatewayresponse.%s ignored",
                b->type, g->headers[i].target == TP_MT_PATH ? "path"
                                                            : "querystring");
        }
    }
    api->gw[type] = g;
    return TP_OK;
}

static const char *
build_join(struct tp_conf_ctx *c, const char **items, unsigned n)
{
    size_t len = 1;
    char *out;
    unsigned i;

    if (n == 0) {
        return NULL;
    }
    for (i = 0; i < n; i++) {
        len += strlen(items[i]) + 2;
    }
    out = tp_arena_alloc(c->a, len);
    if (out == NULL) {
        return NULL;
    }
    out[0] = '\0';
    for (i = 0; i < n; i++) {
        if (i > 0) {
            strcat(out, ", ");
        }
        strcat(out, items[i]);
    }
    return out;
}

int
tp_build_cors(struct tp_conf_ctx *c, struct tp_api *api,
    const struct tp_build_cors *b)
{
    struct tp_cors *cors;

    if (api->type != TP_API_HTTP) {
        tp_conf_warn_at(c, b->src, "a CORS configuration applies to HTTP "
            "APIs; REST APIs answer preflights from an OPTIONS route (MOCK)");
        return TP_OK;
    }
    cors = tp_arena_calloc(c->a, sizeof(*cors));
    if (cors == NULL) {
        return tp_conf_error_at(c, b->src, "out of memory");
    }
    cors->origins = b->origins;
    cors->norigins = b->norigins;
    cors->credentials = b->credentials;
    cors->methods = build_join(c, b->methods, b->nmethods);
    cors->headers = build_join(c, b->headers, b->nheaders);
    cors->expose = build_join(c, b->expose, b->nexpose);
    cors->max_age = b->max_age >= 0 && b->max_age <= 86400
        ? (int) b->max_age : -1;
    if (b->max_age > 86400) {
        return tp_conf_error_at(c, b->src, "CORS max age %lld is out of "
            "range [0, 86400]", (long long) b->max_age);
    }
    api->cors = cors;
    return TP_OK;
}

int
tp_build_targets(struct tp_conf_ctx *c, struct tp_api *api)
{
    unsigned i;

    for (i = 0; i <= api->nroutes; i++) {
        struct tp_route *r = i < api->nroutes ? &api->routes[i]
                                              : api->default_route;

        if (r == NULL) {
            continue;
        }
        if ((r->integ.type == TP_INTEG_HTTP_PROXY
                || r->integ.type == TP_INTEG_HTTP)
            && tp_upstream_conf_targets(c, api, r) != TP_OK)
        {
            return TP_ERROR;
        }
    }
    return TP_OK;
}
