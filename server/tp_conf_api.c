/*
 * tp_conf_api.c: the `apis` section: APIs, routes, stages and integrations,
 * compiled into route tries and per-stage integration targets.  Master only.
 */
#include "tp_conf_int.h"
#include "tp_route.h"
#include "tp_upstream_conf.h"

#include <stdio.h>

#define A_OFF(f) offsetof(struct tp_api, f)

static const struct tp_conf_field api_fields[] = {
    { "id", TP_CT_STR, A_OFF(id), 0, 0, NULL },
    { "name", TP_CT_STR, A_OFF(name), 0, 0, NULL },
    { "type", TP_CT_ANY, 0, 0, 0, NULL },
    { "routes", TP_CT_LIST, 0, 0, 0, NULL },
    { "stages", TP_CT_LIST, 0, 0, 0, NULL },
    { "openapi", TP_CT_UNSUPPORTED, 0, 0, 0, "OpenAPI import" },
    { "policy", TP_CT_UNSUPPORTED, 0, 0, 0, "resource policies" },
    { "route_selection_expression", TP_CT_UNSUPPORTED, 0, 0, 0,
        "WebSocket APIs" },
};

static const struct tp_conf_field route_fields[] = {
    { "route", TP_CT_ANY, 0, 0, 0, NULL },
    { "integration", TP_CT_GROUP, 0, 0, 0, NULL },
    { "api_key_required", TP_CT_UNSUPPORTED, 0, 0, 0, "API keys" },
    { "authorizer", TP_CT_UNSUPPORTED, 0, 0, 0, "authorizers" },
    { "authorization", TP_CT_UNSUPPORTED, 0, 0, 0, "authorization" },
    { "authorization_scopes", TP_CT_UNSUPPORTED, 0, 0, 0, "authorizers" },
    { "route_response", TP_CT_UNSUPPORTED, 0, 0, 0, "WebSocket APIs" },
};

static const struct tp_conf_field integ_fields[] = {
    { "type", TP_CT_ANY, 0, 0, 0, NULL },
    { "uri", TP_CT_STR, offsetof(struct tp_integration, uri), 0, 0, NULL },
    { "timeout_ms", TP_CT_INT, offsetof(struct tp_integration, timeout_ms),
        50, 24LL * 3600 * 1000, NULL },
    { "tls_ca", TP_CT_PATH, offsetof(struct tp_integration, tls_ca),
        0, 0, NULL },
    { "function", TP_CT_UNSUPPORTED, 0, 0, 0, "function integrations" },
    { "payload_format", TP_CT_UNSUPPORTED, 0, 0, 0, "function integrations" },
};

static const struct tp_conf_field stage_fields[] = {
    { "name", TP_CT_ANY, 0, 0, 0, NULL },
    { "variables", TP_CT_GROUP, 0, 0, 0, NULL },
    { "throttle", TP_CT_UNSUPPORTED, 0, 0, 0, "stage throttling" },
    { "cache", TP_CT_UNSUPPORTED, 0, 0, 0, "stage cache" },
    { "access_log", TP_CT_UNSUPPORTED, 0, 0, 0, "access logs" },
};

static const char *const integ_names[] = {
    "HTTP_PROXY", "HTTP", "MOCK", "AWS_PROXY", "AWS"
};

static int
api_integration(struct tp_conf_ctx *c, struct tp_api *api, struct tp_route *r,
    const config_setting_t *g)
{
    struct tp_integration *in = &r->integ;
    const config_setting_t *s;
    const char *t;
    unsigned i;

    in->src = tp_conf_src(c, g);
    if (tp_conf_apply(c, g, integ_fields, TP_NELEM(integ_fields), in)
        != TP_OK)
    {
        return TP_ERROR;
    }
    s = config_setting_get_member(g, "type");
    t = s != NULL ? config_setting_get_string(s) : NULL;
    if (t == NULL) {
        return tp_conf_error(c, s != NULL ? s : g,
            "an integration needs 'type' (HTTP_PROXY, HTTP, MOCK, AWS_PROXY "
            "or AWS)");
    }
    for (i = 0; i < TP_NELEM(integ_names); i++) {
        if (strcmp(t, integ_names[i]) == 0) {
            break;
        }
    }
    if (i == TP_NELEM(integ_names)) {
        return tp_conf_error(c, s, "unknown integration type \"%s\" "
            "(HTTP_PROXY, HTTP, MOCK, AWS_PROXY or AWS)", t);
    }
    in->type = (enum tp_integ_type) i;
    if (in->type != TP_INTEG_HTTP_PROXY) {
        tp_conf_warn(c, s, "not supported yet: integration type %s; route "
            "'%s' answers 500", t, r->key);
        return TP_OK;
    }
    if (in->uri == NULL) {
        return tp_conf_error(c, g, "an HTTP_PROXY integration needs 'uri'");
    }
    return tp_upstream_conf_targets(c, api, r);
}

static int
api_route(struct tp_conf_ctx *c, struct tp_api *api,
    const config_setting_t *g, struct tp_route *r)
{
    const config_setting_t *s;
    const char *key;
    char msg[300];

    r->src = tp_conf_src(c, g);
    if (!config_setting_is_group(g)) {
        return tp_conf_error(c, g, "each route must be a group { ... }");
    }
    if (tp_conf_apply(c, g, route_fields, TP_NELEM(route_fields), NULL)
        != TP_OK)
    {
        return TP_ERROR;
    }
    s = config_setting_get_member(g, "route");
    key = s != NULL ? config_setting_get_string(s) : NULL;
    if (key == NULL) {
        return tp_conf_error(c, s != NULL ? s : g,
            "a route needs 'route' = \"METHOD /path\"");
    }
    key = tp_arena_strdup(c->a, key);
    if (strcmp(key, "$default") == 0 && api->type == TP_API_HTTP) {
        r->key = key;
        r->method = TP_ROUTE_ANY;
        r->path = "/";
    } else if (tp_route_parse_key(c->a, key, r, msg, sizeof(msg)) != TP_OK) {
        return tp_conf_error(c, s, "%s", msg);
    }
    s = config_setting_get_member(g, "integration");
    if (s == NULL) {
        return tp_conf_error(c, g, "route '%s' needs an 'integration'", key);
    }
    return api_integration(c, api, r, s);
}

static int
api_stage(struct tp_conf_ctx *c, const config_setting_t *g,
    struct tp_stage *st)
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
    return TP_OK;
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

        if (api_stage(c, config_setting_get_elem(s, (unsigned) i), st)
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
api_one(struct tp_conf_ctx *c, const config_setting_t *g, struct tp_api *api)
{
    const config_setting_t *s;
    char msg[300];
    int i, n;

    api->src = tp_conf_src(c, g);
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
    if (tp_model_find_api(c->m, api->id, api->id_len) != api) {
        return tp_conf_error(c, g, "duplicate api id \"%s\"", api->id);
    }
    if (api_type(c, g, api) != TP_OK || api_stages(c, g, api) != TP_OK) {
        return TP_ERROR;
    }
    s = config_setting_get_member(g, "routes");
    n = s != NULL ? config_setting_length(s) : 0;
    api->routes = tp_arena_calloc(c->a, sizeof(struct tp_route)
        * (size_t) (n > 0 ? n : 1));
    for (i = 0; i < n; i++) {
        struct tp_route r;

        memset(&r, 0, sizeof(r));
        if (api_route(c, api, config_setting_get_elem(s, (unsigned) i), &r)
            != TP_OK)
        {
            return TP_ERROR;
        }
        if (strcmp(r.key, "$default") != 0) {
            api->routes[api->nroutes++] = r;
        } else if (api->default_route != NULL) {
            return tp_conf_error(c, config_setting_get_elem(s, (unsigned) i),
                "route '$default' is defined twice");
        } else {
            api->default_route = tp_arena_alloc(c->a, sizeof(r));
            *api->default_route = r;
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
    return TP_OK;
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
