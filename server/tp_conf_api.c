/*
 * tp_conf_api.c: the `apis` section: APIs, their routes (inline and from
 * OpenAPI files), stages, gateway responses and CORS.  The libconfig
 * settings are read into the source-neutral descriptions of tp_apibuild.h.
 * Master only.
 */
#include "tp_conf_int.h"
#include "tp_accesslog_conf.h"
#include "tp_execlog_conf.h"
#include "tp_apibuild.h"
#include "tp_conf_policy.h"
#include "tp_openapi.h"
#include "tp_route.h"

#include <stdio.h>

#define A_OFF(f) offsetof(struct tp_api, f)
#define I_OFF(f) offsetof(struct tp_build_integ, f)

static const struct tp_conf_field api_fields[] = {
    { "id", TP_CT_STR, A_OFF(id), 0, 0, NULL },
    { "name", TP_CT_STR, A_OFF(name), 0, 0, NULL },
    { "type", TP_CT_ANY, 0, 0, 0, NULL },
    { "routes", TP_CT_LIST, 0, 0, 0, NULL },
    { "stages", TP_CT_LIST, 0, 0, 0, NULL },
    { "openapi", TP_CT_PATH, A_OFF(openapi), 0, 0, NULL },
    { "gateway_responses", TP_CT_LIST, 0, 0, 0, NULL },
    { "cors", TP_CT_GROUP, 0, 0, 0, NULL },
    { "disable_execute_api_endpoint", TP_CT_BOOL,
        A_OFF(disable_execute_api), 0, 0, NULL },
    { "binary_media_types", TP_CT_LIST, 0, 0, 0, NULL },
    { "api_key_source", TP_CT_STR, A_OFF(api_key_source), 0, 0, NULL },
    { "minimum_compression_size", TP_CT_ANY, 0, 0, 0, NULL },
    { "policy", TP_CT_ANY, 0, 0, 0, NULL },
    { "policy_file", TP_CT_ANY, 0, 0, 0, NULL },
    { "endpoint_type", TP_CT_ANY, 0, 0, 0, NULL },
    { "route_selection_expression", TP_CT_UNSUPPORTED, 0, 0, 0,
        "WebSocket APIs" },
};

static const struct tp_conf_field route_fields[] = {
    { "route", TP_CT_STR, offsetof(struct tp_build_route, key), 0, 0, NULL },
    { "integration", TP_CT_GROUP, 0, 0, 0, NULL },
    { "api_key_required", TP_CT_BOOL,
        offsetof(struct tp_build_route, api_key_required), 0, 0, NULL },
    { "authorizer", TP_CT_STR, offsetof(struct tp_build_route, authorizer),
        0, 0, NULL },
    { "authorization", TP_CT_STR,
        offsetof(struct tp_build_route, authorization), 0, 0, NULL },
    { "authorization_scopes", TP_CT_LIST, 0, 0, 0, NULL },
    { "route_response", TP_CT_UNSUPPORTED, 0, 0, 0, "WebSocket APIs" },
};

static const struct tp_conf_field integ_fields[] = {
    { "type", TP_CT_STR, I_OFF(type), 0, 0, NULL },
    { "uri", TP_CT_STR, I_OFF(uri), 0, 0, NULL },
    { "http_method", TP_CT_STR, I_OFF(http_method), 0, 0, NULL },
    { "timeout_ms", TP_CT_ANY, 0, 0, 0, NULL },
    { "tls_ca", TP_CT_PATH, I_OFF(tls_ca), 0, 0, NULL },
    { "passthrough_behavior", TP_CT_STR, I_OFF(passthrough), 0, 0, NULL },
    { "request_parameters", TP_CT_LIST, 0, 0, 0, NULL },
    { "request_templates", TP_CT_LIST, 0, 0, 0, NULL },
    { "responses", TP_CT_LIST, 0, 0, 0, NULL },
    { "response_parameters", TP_CT_LIST, 0, 0, 0, NULL },
    { "function", TP_CT_STR, I_OFF(function), 0, 0, NULL },
    { "payload_format", TP_CT_STR, I_OFF(payload_format), 0, 0, NULL },
    { "cache_key_parameters", TP_CT_LIST, 0, 0, 0, NULL },
    { "cache_namespace", TP_CT_STR, I_OFF(cache_ns), 0, 0, NULL },
};

static const struct tp_conf_field response_fields[] = {
    { "pattern", TP_CT_STR, offsetof(struct tp_build_response, pattern),
        0, 0, NULL },
    { "status", TP_CT_ANY, 0, 0, 0, NULL },
    { "parameters", TP_CT_LIST, 0, 0, 0, NULL },
    { "templates", TP_CT_LIST, 0, 0, 0, NULL },
};

static const struct tp_conf_field gw_fields[] = {
    { "type", TP_CT_STR, offsetof(struct tp_build_gw, type), 0, 0, NULL },
    { "status", TP_CT_ANY, 0, 0, 0, NULL },
    { "headers", TP_CT_LIST, 0, 0, 0, NULL },
    { "templates", TP_CT_LIST, 0, 0, 0, NULL },
};

static const struct tp_conf_field cors_fields[] = {
    { "allow_origins", TP_CT_LIST, 0, 0, 0, NULL },
    { "allow_methods", TP_CT_LIST, 0, 0, 0, NULL },
    { "allow_headers", TP_CT_LIST, 0, 0, 0, NULL },
    { "expose_headers", TP_CT_LIST, 0, 0, 0, NULL },
    { "max_age", TP_CT_ANY, 0, 0, 0, NULL },
    { "allow_credentials", TP_CT_BOOL,
        offsetof(struct tp_build_cors, credentials), 0, 0, NULL },
};

static const struct tp_conf_field stage_fields[] = {
    { "name", TP_CT_ANY, 0, 0, 0, NULL },
    { "variables", TP_CT_GROUP, 0, 0, 0, NULL },
    { "access_log", TP_CT_GROUP, 0, 0, 0, NULL },
    { "execution_log", TP_CT_GROUP, 0, 0, 0, NULL },
    { "throttle", TP_CT_GROUP, 0, 0, 0, NULL },     /* tp_conf_limits.c */
    { "route_settings", TP_CT_LIST, 0, 0, 0, NULL },
    { "cache", TP_CT_GROUP, 0, 0, 0, NULL },        /* tp_conf_cache.c */
};

/* A list of strings: ( "a", "b" ). */
static int
api_strings(struct tp_conf_ctx *c, const config_setting_t *l,
    const char ***out, unsigned *n)
{
    int i, len = l != NULL ? config_setting_length(l) : 0;

    *n = 0;
    *out = tp_arena_calloc(c->a, sizeof(**out) * (size_t) (len + 1));
    for (i = 0; i < len; i++) {
        const config_setting_t *e = config_setting_get_elem(l, (unsigned) i);

        if (config_setting_type(e) != CONFIG_TYPE_STRING) {
            return tp_conf_error(c, e, "'%s' must be a list of strings",
                config_setting_name(l));
        }
        (*out)[(*n)++] = tp_conf_str(c, e);
    }
    return TP_OK;
}

/* A list of pairs: ( ("key", "value"), ... ). */
static int
api_pairs(struct tp_conf_ctx *c, const config_setting_t *l,
    struct tp_pair **out, unsigned *n)
{
    int i, len = l != NULL ? config_setting_length(l) : 0;

    *n = 0;
    *out = tp_arena_calloc(c->a, sizeof(**out) * (size_t) (len + 1));
    for (i = 0; i < len; i++) {
        const config_setting_t *e = config_setting_get_elem(l, (unsigned) i);
        const config_setting_t *k, *v;

        k = config_setting_get_elem(e, 0);
        v = config_setting_get_elem(e, 1);
        if ((!config_setting_is_list(e) && !config_setting_is_array(e))
            || config_setting_length(e) != 2
            || config_setting_type(k) != CONFIG_TYPE_STRING
            || config_setting_type(v) != CONFIG_TYPE_STRING)
        {
            return tp_conf_error(c, e, "each entry of '%s' must be a pair "
                "( \"key\", \"value\" )", config_setting_name(l));
        }
        (*out)[*n].key = tp_conf_str(c, k);
        (*out)[*n].value = tp_conf_str(c, v);
        (*out)[*n].src = tp_conf_src(c, e);
        (*n)++;
    }
    return TP_OK;
}

/* "status" as a number or a string. */
static const char *
api_status(struct tp_conf_ctx *c, const config_setting_t *s)
{
    if (s == NULL) {
        return NULL;
    }
    if (config_setting_type(s) == CONFIG_TYPE_STRING) {
        return tp_conf_str(c, s);
    }
    return tp_arena_sprintf(c->a, "%lld",
        (long long) config_setting_get_int64(s));
}

static int
api_response(struct tp_conf_ctx *c, const config_setting_t *g,
    struct tp_build_response *b)
{
    b->src = tp_conf_src(c, g);
    if (!config_setting_is_group(g)) {
        return tp_conf_error(c, g, "each integration response must be a "
            "group { pattern = ...; status = ...; }");
    }
    if (tp_conf_apply(c, g, response_fields, TP_NELEM(response_fields), b)
        != TP_OK)
    {
        return TP_ERROR;
    }
    b->status = api_status(c, config_setting_get_member(g, "status"));
    if (b->status == NULL) {
        return tp_conf_error(c, g, "an integration response needs 'status'");
    }
    return api_pairs(c, config_setting_get_member(g, "parameters"),
            &b->params, &b->nparams) != TP_OK
        || api_pairs(c, config_setting_get_member(g, "templates"),
            &b->templates, &b->ntemplates) != TP_OK ? TP_ERROR : TP_OK;
}

static int
api_responses(struct tp_conf_ctx *c, const config_setting_t *g,
    struct tp_build_integ *b)
{
    const config_setting_t *l = config_setting_get_member(g, "responses");
    const config_setting_t *rp;
    int i, n = l != NULL ? config_setting_length(l) : 0;

    b->responses = tp_arena_calloc(c->a, sizeof(*b->responses)
        * (size_t) (n + 1));
    for (i = 0; i < n; i++) {
        if (api_response(c, config_setting_get_elem(l, (unsigned) i),
                &b->responses[i]) != TP_OK)
        {
            return TP_ERROR;
        }
    }
    b->nresponses = (unsigned) n;
    l = config_setting_get_member(g, "response_parameters");
    n = l != NULL ? config_setting_length(l) : 0;
    b->resp_params = tp_arena_calloc(c->a, sizeof(*b->resp_params)
        * (size_t) (n + 1));
    for (i = 0; i < n; i++) {
        rp = config_setting_get_elem(l, (unsigned) i);
        b->resp_params[i].src = tp_conf_src(c, rp);
        b->resp_params[i].status = api_status(c,
            config_setting_get_member(rp, "status"));
        if (!config_setting_is_group(rp) || b->resp_params[i].status == NULL
            || api_pairs(c, config_setting_get_member(rp, "parameters"),
                &b->resp_params[i].params, &b->resp_params[i].nparams)
                != TP_OK)
        {
            return tp_conf_error(c, rp, "each response_parameters entry is "
                "{ status = \"500\"; parameters = ( (\"key\", \"value\") ); }");
        }
    }
    b->nresp_params = (unsigned) n;
    return TP_OK;
}

static int
api_integration(struct tp_conf_ctx *c, const config_setting_t *g,
    struct tp_build_integ *b)
{
    const config_setting_t *s;

    b->src = tp_conf_src(c, g);
    if (tp_conf_apply(c, g, integ_fields, TP_NELEM(integ_fields), b)
        != TP_OK)
    {
        return TP_ERROR;
    }
    s = config_setting_get_member(g, "type");
    b->type_src = s != NULL ? tp_conf_src(c, s) : b->src;
    if (b->type == NULL) {
        return tp_conf_error(c, g, "an integration needs 'type' (HTTP_PROXY, "
            "HTTP, MOCK, AWS_PROXY or AWS)");
    }
    s = config_setting_get_member(g, "timeout_ms");
    if (s != NULL) {
        if (config_setting_type(s) != CONFIG_TYPE_INT
            && config_setting_type(s) != CONFIG_TYPE_INT64)
        {
            return tp_conf_error(c, s, "'timeout_ms' must be an integer");
        }
        b->timeout_ms = config_setting_get_int64(s);
        if (b->timeout_ms < 50 || b->timeout_ms > 24LL * 3600 * 1000) {
            return tp_conf_error(c, s, "'timeout_ms' = %lld is out of range "
                "[50, 86400000]", (long long) b->timeout_ms);
        }
    }
    if (api_pairs(c, config_setting_get_member(g, "request_parameters"),
            &b->params, &b->nparams) != TP_OK
        || api_pairs(c, config_setting_get_member(g, "request_templates"),
            &b->templates, &b->ntemplates) != TP_OK
        || api_strings(c, config_setting_get_member(g,
            "cache_key_parameters"), &b->cache_keys, &b->ncache_keys)
            != TP_OK)
    {
        return TP_ERROR;
    }
    return api_responses(c, g, b);
}

static int
api_route(struct tp_conf_ctx *c, struct tp_api *api, const config_setting_t *g)
{
    struct tp_build_route b;
    const config_setting_t *s;

    memset(&b, 0, sizeof(b));
    b.src = tp_conf_src(c, g);
    if (!config_setting_is_group(g)) {
        return tp_conf_error(c, g, "each route must be a group { ... }");
    }
    if (tp_conf_apply(c, g, route_fields, TP_NELEM(route_fields), &b)
        != TP_OK)
    {
        return TP_ERROR;
    }
    if (b.key == NULL) {
        return tp_conf_error(c, g, "a route needs 'route' = \"METHOD /path\"");
    }
    if (api_strings(c, config_setting_get_member(g, "authorization_scopes"),
            &b.scopes, &b.nscopes) != TP_OK)
    {
        return TP_ERROR;
    }
    s = config_setting_get_member(g, "integration");
    if (s == NULL) {
        return tp_conf_error(c, g, "route '%s' needs an 'integration'",
            b.key);
    }
    if (api_integration(c, s, &b.integ) != TP_OK) {
        return TP_ERROR;
    }
    return tp_build_route(c, api, &b, false);
}

static int
api_gateway_responses(struct tp_conf_ctx *c, struct tp_api *api,
    const config_setting_t *l)
{
    int i, n = l != NULL ? config_setting_length(l) : 0;

    for (i = 0; i < n; i++) {
        const config_setting_t *g = config_setting_get_elem(l, (unsigned) i);
        struct tp_build_gw b;

        memset(&b, 0, sizeof(b));
        b.src = tp_conf_src(c, g);
        if (!config_setting_is_group(g)) {
            return tp_conf_error(c, g, "each gateway response must be a "
                "group { type = \"DEFAULT_4XX\"; ... }");
        }
        if (tp_conf_apply(c, g, gw_fields, TP_NELEM(gw_fields), &b) != TP_OK
            || api_pairs(c, config_setting_get_member(g, "headers"),
                &b.headers, &b.nheaders) != TP_OK
            || api_pairs(c, config_setting_get_member(g, "templates"),
                &b.templates, &b.ntemplates) != TP_OK)
        {
            return TP_ERROR;
        }
        b.status = api_status(c, config_setting_get_member(g, "status"));
        if (tp_build_gw(c, api, &b) != TP_OK) {
            return TP_ERROR;
        }
    }
    return TP_OK;
}

static int
api_cors(struct tp_conf_ctx *c, struct tp_api *api, const config_setting_t *g)
{
    struct tp_build_cors b;
    const config_setting_t *s;

    memset(&b, 0, sizeof(b));
    b.src = tp_conf_src(c, g);
    b.max_age = -1;
    if (tp_conf_apply(c, g, cors_fields, TP_NELEM(cors_fields), &b) != TP_OK
        || api_strings(c, config_setting_get_member(g, "allow_origins"),
            &b.origins, &b.norigins) != TP_OK
        || api_strings(c, config_setting_get_member(g, "allow_methods"),
            &b.methods, &b.nmethods) != TP_OK
        || api_strings(c, config_setting_get_member(g, "allow_headers"),
            &b.headers, &b.nheaders) != TP_OK
        || api_strings(c, config_setting_get_member(g, "expose_headers"),
            &b.expose, &b.nexpose) != TP_OK)
    {
        return TP_ERROR;
    }
    s = config_setting_get_member(g, "max_age");
    if (s != NULL) {
        if (config_setting_type(s) != CONFIG_TYPE_INT) {
            return tp_conf_error(c, s, "'max_age' must be an integer");
        }
        b.max_age = config_setting_get_int64(s);
    }
    return tp_build_cors(c, api, &b);
}

static int
api_stage(struct tp_conf_ctx *c, const config_setting_t *g,
    const struct tp_api *api, struct tp_stage *st)
{
    const config_setting_t *s, *v;
    const char *name;
    int i, n;

    st->src = tp_conf_src(c, g);
    if (!config_setting_is_group(g)) {
        return tp_conf_error(c, g, "each stage must be a group { ... }");
    }
    if (tp_conf_apply(c, g, stage_fields, TP_NELEM(stage_fields), NULL)
        != TP_OK)
    {
        return TP_ERROR;
    }
    s = config_setting_get_member(g, "name");
    name = s != NULL ? config_setting_get_string(s) : NULL;
    if (name == NULL || name[0] == '\0'
        || strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
               "0123456789_-$") != strlen(name) || strlen(name) > 128)
    {
        return tp_conf_error(c, s != NULL ? s : g,
            "a stage needs 'name' of letters, digits, '_' and '-' (<= 128)");
    }
    st->name = tp_arena_strdup(c->a, name);
    st->name_len = strlen(name);
    s = config_setting_get_member(g, "variables");
    n = s != NULL ? config_setting_length(s) : 0;
    st->vars = tp_arena_calloc(c->a, sizeof(struct tp_kv) * (size_t) (n + 1));
    for (i = 0; i < n; i++) {
        v = config_setting_get_elem(s, (unsigned) i);
        if (config_setting_type(v) != CONFIG_TYPE_STRING) {
            return tp_conf_error(c, v, "stage variable '%s' must be a string",
                config_setting_name(v));
        }
        st->vars[i].key = tp_arena_strdup(c->a, config_setting_name(v));
        st->vars[i].value = tp_conf_str(c, v);
    }
    st->nvars = (unsigned) n;
    s = config_setting_get_member(g, "access_log");
    if (s != NULL && tp_accesslog_conf(c, s, api, st) != TP_OK) {
        return TP_ERROR;
    }
    s = config_setting_get_member(g, "execution_log");
    return s != NULL ? tp_execlog_conf(c, s, st) : TP_OK;
}

static int
api_type(struct tp_conf_ctx *c, const config_setting_t *g, struct tp_api *api)
{
    const config_setting_t *s = config_setting_get_member(g, "type");
    const char *t = s != NULL ? config_setting_get_string(s) : "REST";

    if (t != NULL && strcmp(t, "REST") == 0) {
        api->type = TP_API_REST;
    } else if (t != NULL && strcmp(t, "HTTP") == 0) {
        api->type = TP_API_HTTP;
    } else if (t != NULL && strcmp(t, "WEBSOCKET") == 0) {
        api->type = TP_API_WEBSOCKET;
        tp_conf_warn(c, s, "not supported yet: WEBSOCKET APIs; api \"%s\" "
            "is not served", api->id);
    } else {
        return tp_conf_error(c, s, "api 'type' must be \"REST\", \"HTTP\" or "
            "\"WEBSOCKET\"");
    }
    return TP_OK;
}

static int
api_stages(struct tp_conf_ctx *c, const config_setting_t *g,
    struct tp_api *api)
{
    const config_setting_t *s = config_setting_get_member(g, "stages");
    int i, n = s != NULL ? config_setting_length(s) : 0;
    unsigned j;

    api->stages = tp_arena_calloc(c->a, sizeof(struct tp_stage)
        * (size_t) (n > 0 ? n : 1));
    if (api->stages == NULL) {
        return tp_conf_error(c, g, "out of memory");
    }
    for (i = 0; i < n; i++) {
        struct tp_stage *st = &api->stages[i];

        if (api_stage(c, config_setting_get_elem(s, (unsigned) i), api, st)
            != TP_OK)
        {
            return TP_ERROR;
        }
        st->idx = (unsigned) i;
        for (j = 0; j < (unsigned) i; j++) {
            if (strcmp(api->stages[j].name, st->name) == 0) {
                return tp_conf_error(c, config_setting_get_elem(s,
                    (unsigned) i), "duplicate stage \"%s\"", st->name);
            }
        }
    }
    api->nstages = (unsigned) n;
    if (n == 0) {
        tp_conf_warn(c, g, "api \"%s\" has no stages: it cannot be invoked",
            api->id);
    }
    return TP_OK;
}

static int
api_routes(struct tp_conf_ctx *c, const config_setting_t *g,
    struct tp_api *api)
{
    const config_setting_t *s = config_setting_get_member(g, "routes");
    int i, n = s != NULL ? config_setting_length(s) : 0;
    char msg[300];

    for (i = 0; i < n; i++) {
        if (api_route(c, api, config_setting_get_elem(s, (unsigned) i))
            != TP_OK)
        {
            return TP_ERROR;
        }
    }
    /* Route by route, so a conflict names the line of the route. */
    for (i = 0; i < (int) api->nroutes; i++) {
        if (tp_route_add(c->a, api, &api->routes[i], msg, sizeof(msg))
            != TP_OK)
        {
            return tp_conf_error_at(c, api->routes[i].src, "%s", msg);
        }
    }
    if (api->trie == NULL && tp_route_compile(c->a, api, msg, sizeof(msg))
        != TP_OK)
    {
        return tp_conf_error(c, g, "%s", msg);   /* no routes: empty trie */
    }
    return tp_build_targets(c, api);
}

/* minimum_compression_size: replaces the OpenAPI file's. */
static int
api_min_compress(struct tp_conf_ctx *c, const config_setting_t *g,
    struct tp_api *api)
{
    const config_setting_t *s = config_setting_get_member(g,
        "minimum_compression_size");
    long long v;

    if (s == NULL) {
        return TP_OK;
    }
    if (config_setting_type(s) != CONFIG_TYPE_INT
        && config_setting_type(s) != CONFIG_TYPE_INT64)
    {
        return tp_conf_error(c, s, "'minimum_compression_size' must be an "
            "integer (bytes)");
    }
    v = config_setting_get_int64(s);
    if (v < 0 || v > TP_MIN_COMPRESS_MAX) {
        return tp_conf_error(c, s, "'minimum_compression_size' = %lld is out "
            "of range [0, %d]", v, TP_MIN_COMPRESS_MAX);
    }
    api->min_compress = (int32_t) v;
    return TP_OK;
}

static int
api_one(struct tp_conf_ctx *c, const config_setting_t *g, struct tp_api *api)
{
    const config_setting_t *s;

    api->src = tp_conf_src(c, g);
    api->min_compress = -1;
    if (!config_setting_is_group(g)) {
        return tp_conf_error(c, g, "each api must be a group { ... }");
    }
    if (tp_conf_apply(c, g, api_fields, TP_NELEM(api_fields), api) != TP_OK) {
        return TP_ERROR;
    }
    if (api->id == NULL || api->id[0] == '\0'
        || strspn(api->id, "abcdefghijklmnopqrstuvwxyz0123456789-_")
            != strlen(api->id))
    {
        return tp_conf_error(c, g, "an api needs 'id' of lower-case letters, "
            "digits, '-' and '_' (it is the host label {id}.execute-api.*)");
    }
    api->id_len = strlen(api->id);
    s = config_setting_get_member(g, "api_key_source");
    if (s != NULL) {
        if (strcmp(api->api_key_source, "HEADER") != 0
            && strcmp(api->api_key_source, "AUTHORIZER") != 0)
        {
            return tp_conf_error(c, s, "api_key_source must be \"HEADER\" or "
                "\"AUTHORIZER\", not \"%s\"", api->api_key_source);
        }
    }
    s = config_setting_get_member(g, "binary_media_types");
    if (s != NULL) {
        tp_conf_warn(c, s, "binary_media_types apply to AWS_PROXY "
            "integrations only; not supported yet elsewhere (HTTP_PROXY "
            "bodies pass through unchanged; templates see bodies as text)");
    }
    if (tp_model_find_api(c->m, api->id, api->id_len) != api) {
        return tp_conf_error(c, g, "duplicate api id \"%s\"", api->id);
    }
    /* The OpenAPI file first: the config's own settings then replace or
     * add to what it defined. */
    if (api_type(c, g, api) != TP_OK || api_stages(c, g, api) != TP_OK
        || (api->openapi != NULL
            && tp_openapi_import(c, api, api->openapi) != TP_OK)
        || (config_setting_get_member(g, "binary_media_types") != NULL
            && api_strings(c, config_setting_get_member(g,
                "binary_media_types"), &api->binary_types,
                &api->nbinary_types) != TP_OK)
        || api_gateway_responses(c, api,
            config_setting_get_member(g, "gateway_responses")) != TP_OK)
    {
        return TP_ERROR;
    }
    s = config_setting_get_member(g, "cors");
    if ((s != NULL && api_cors(c, api, s) != TP_OK)
        || api_min_compress(c, g, api) != TP_OK
        || tp_conf_api_access(c, g, api) != TP_OK)
    {
        return TP_ERROR;
    }
    return api_routes(c, g, api);
}

int
tp_conf_apis(struct tp_conf_ctx *c, const config_setting_t *s)
{
    int i, n = config_setting_length(s);

    c->m->apis = tp_arena_calloc(c->a, sizeof(struct tp_api)
        * (size_t) (n > 0 ? n : 1));
    if (c->m->apis == NULL) {
        return tp_conf_error(c, s, "out of memory");
    }
    for (i = 0; i < n; i++) {
        c->m->napis++;
        if (api_one(c, config_setting_get_elem(s, (unsigned) i),
                &c->m->apis[i]) != TP_OK)
        {
            return TP_ERROR;
        }
    }
    return TP_OK;
}
