/*
 * tp_conf_authorizers.c: the top-level `authorizers` section, read into
 * the source-neutral description of tp_apibuild.h and built by
 * tp_apibuild_auth.c (which the OpenAPI importer shares).  Master only.
 *
 *   authorizers = (
 *     { name = "jwt"; type = "JWT"; issuer = "https://...";
 *       audience = ( "client-a" ); jwks = "jwks.json" | "https://...";
 *       algorithms = ( "RS256" ); hs256_secret = "..."; tls_ca = "ca.pem";
 *       identity_source = "$request.header.Authorization"; },
 *     { name = "pool"; type = "COGNITO_USER_POOLS";
 *       provider_arns = ( "arn:aws:cognito-idp:REGION:ACCT:userpool/ID" ); },
 *     { name = "custom"; type = "TOKEN"; function = "auth";
 *       identity_source = "method.request.header.Authorization";
 *       identity_validation_expression = "^Bearer .+"; ttl = 300; },
 *     { name = "req"; type = "REQUEST"; function = "auth";
 *       identity_source = ( "$request.header.X-User", "$context.routeKey" );
 *       payload_format = "2.0"; simple_responses = true; ttl = 0; }
 *   );
 */
#include "tp_apibuild.h"
#include "tp_lauth.h"

#define B_OFF(f) offsetof(struct tp_build_authorizer, f)

static const struct tp_conf_field authorizer_fields[] = {
    { "name", TP_CT_STR, B_OFF(name), 0, 0, NULL },
    { "type", TP_CT_STR, B_OFF(type), 0, 0, NULL },
    { "identity_source", TP_CT_ANY, 0, 0, 0, NULL }, /* conf_az_sources */
    { "issuer", TP_CT_STR, B_OFF(issuer), 0, 0, NULL },
    { "audience", TP_CT_LIST, 0, 0, 0, NULL },
    { "jwks", TP_CT_ANY, 0, 0, 0, NULL },            /* conf_az_scalars */
    { "algorithms", TP_CT_LIST, 0, 0, 0, NULL },
    { "hs256_secret", TP_CT_STR, B_OFF(hs256_secret), 0, 0, NULL },
    { "provider_arns", TP_CT_LIST, 0, 0, 0, NULL },
    { "tls_ca", TP_CT_PATH, B_OFF(tls_ca), 0, 0, NULL },
    { "clock_skew_s", TP_CT_ANY, 0, 0, 0, NULL },
    { "token_cache", TP_CT_ANY, 0, 0, 0, NULL },
    /* Lambda authorizers (REQUEST, TOKEN): tp_apibuild_lauth.c */
    { "function", TP_CT_STR, B_OFF(function), 0, 0, NULL },
    { "uri", TP_CT_STR, B_OFF(uri), 0, 0, NULL },
    { "identity_sources", TP_CT_ANY, 0, 0, 0, NULL },
    { "ttl", TP_CT_ANY, 0, 0, 0, NULL },
    { "simple_responses", TP_CT_ANY, 0, 0, 0, NULL },
    { "payload_format", TP_CT_STR, B_OFF(payload_format), 0, 0, NULL },
    { "identity_validation_expression", TP_CT_STR, B_OFF(validation), 0, 0,
      NULL },
};

/* A list of strings: ( "a", "b" ). */
static int
conf_az_strings(struct tp_conf_ctx *c, const config_setting_t *g,
    const char *name, const char ***out, unsigned *n)
{
    const config_setting_t *l = config_setting_get_member(g, name), *e;
    int i, len = l != NULL ? config_setting_length(l) : 0;

    *n = 0;
    *out = tp_arena_calloc(c->a, sizeof(**out) * (size_t) (len + 1));
    if (*out == NULL) {
        return tp_conf_error(c, g, "out of memory");
    }
    for (i = 0; i < len; i++) {
        e = config_setting_get_elem(l, (unsigned) i);
        if (config_setting_type(e) != CONFIG_TYPE_STRING
            || *config_setting_get_string(e) == '\0')
        {
            return tp_conf_error(c, e, "'%s' must be a list of non-empty "
                "strings", name);
        }
        (*out)[(*n)++] = tp_conf_str(c, e);
    }
    return TP_OK;
}

static int
conf_az_scalars(struct tp_conf_ctx *c, const config_setting_t *g,
    struct tp_build_authorizer *b)
{
    const config_setting_t *s;
    const char *v;

    s = config_setting_get_member(g, "jwks");
    if (s != NULL) {
        v = config_setting_get_string(s);
        if (v == NULL || *v == '\0') {
            return tp_conf_error(c, s, "'jwks' must be a file name or an "
                "https:// URL");
        }
        b->jwks_src = tp_conf_src(c, s);
        /* a file is relative to the config's directory; a URL stays */
        b->jwks = strstr(v, "://") != NULL ? tp_conf_str(c, s)
                                           : tp_conf_path(c, v);
    }
    s = config_setting_get_member(g, "clock_skew_s");
    if (s != NULL) {
        if (config_setting_type(s) != CONFIG_TYPE_INT
            || config_setting_get_int(s) < 0
            || config_setting_get_int(s) > 300)
        {
            return tp_conf_error(c, s, "'clock_skew_s' must be an integer "
                "of seconds in [0, 300]");
        }
        b->leeway_s = config_setting_get_int(s);
    }
    s = config_setting_get_member(g, "token_cache");
    if (s != NULL) {
        if (config_setting_type(s) != CONFIG_TYPE_BOOL) {
            return tp_conf_error(c, s, "'token_cache' must be true or "
                "false");
        }
        b->no_token_cache = !config_setting_get_bool(s);
    }
    s = config_setting_get_member(g, "ttl");
    b->ttl_s = -1;
    if (s != NULL) {
        if (config_setting_type(s) != CONFIG_TYPE_INT
            || config_setting_get_int(s) < 0
            || config_setting_get_int(s) > TP_LAUTH_TTL_MAX)
        {
            return tp_conf_error(c, s, "'ttl' must be an integer of seconds "
                "in [0, %d] (0: no cache)", TP_LAUTH_TTL_MAX);
        }
        b->ttl_s = config_setting_get_int(s);
    }
    s = config_setting_get_member(g, "simple_responses");
    b->simple_responses = -1;
    if (s != NULL) {
        if (config_setting_type(s) != CONFIG_TYPE_BOOL) {
            return tp_conf_error(c, s, "'simple_responses' must be true or "
                "false");
        }
        b->simple_responses = config_setting_get_bool(s);
    }
    return TP_OK;
}

/* identity_source (or identity_sources): one string, "a, b" or a list.
 * JWT authorizers take one header; a one-element list is fine. */
static int
conf_az_sources(struct tp_conf_ctx *c, const config_setting_t *g,
    struct tp_build_authorizer *b)
{
    const config_setting_t *s = config_setting_get_member(g,
        "identity_source");
    const char *name = "identity_source";

    if (s == NULL) {
        s = config_setting_get_member(g, "identity_sources");
        name = "identity_sources";
    }
    if (s == NULL) {
        return TP_OK;
    }
    if (config_setting_type(s) == CONFIG_TYPE_STRING) {
        b->identity_source = tp_conf_str(c, s);
        return TP_OK;
    }
    if (config_setting_type(s) != CONFIG_TYPE_LIST
        && config_setting_type(s) != CONFIG_TYPE_ARRAY)
    {
        return tp_conf_error(c, s, "'%s' must be a string or a list of "
            "strings", name);
    }
    if (conf_az_strings(c, g, name, &b->identity_sources,
            &b->nidentity_sources) != TP_OK)
    {
        return TP_ERROR;
    }
    if (b->nidentity_sources == 1) {
        b->identity_source = b->identity_sources[0];
    }
    return TP_OK;
}

static int
conf_authorizer(struct tp_conf_ctx *c, const config_setting_t *g,
    struct tp_authorizer *out)
{
    struct tp_build_authorizer b;

    memset(&b, 0, sizeof(b));
    b.src = tp_conf_src(c, g);
    if (!config_setting_is_group(g)) {
        return tp_conf_error(c, g, "each authorizer must be a group "
            "{ name = ...; type = ...; }");
    }
    if (tp_conf_apply(c, g, authorizer_fields, TP_NELEM(authorizer_fields),
            &b) != TP_OK
        || conf_az_strings(c, g, "audience", &b.audiences, &b.naudiences)
            != TP_OK
        || conf_az_strings(c, g, "algorithms", &b.algorithms,
            &b.nalgorithms) != TP_OK
        || conf_az_strings(c, g, "provider_arns", &b.provider_arns,
            &b.nprovider_arns) != TP_OK
        || conf_az_scalars(c, g, &b) != TP_OK
        || conf_az_sources(c, g, &b) != TP_OK)
    {
        return TP_ERROR;
    }
    if (b.type == NULL) {
        return tp_conf_error(c, g, "authorizer \"%s\" needs a 'type' (JWT, "
            "COGNITO_USER_POOLS, REQUEST or TOKEN)", b.name != NULL
            ? b.name : "");
    }
    return tp_build_authorizer(c, &b, out);
}

/* The parser of one element, in tp_conf_named_list()'s shape. */
static int
conf_authorizer_item(struct tp_conf_ctx *c, const config_setting_t *g, void *it)
{
    return conf_authorizer(c, g, it);
}

int
tp_conf_authorizers(struct tp_conf_ctx *c, const config_setting_t *l)
{
    void *list = NULL;

    if (tp_conf_named_list(c, l, sizeof(struct tp_authorizer),
            offsetof(struct tp_authorizer, name),
            offsetof(struct tp_authorizer, src), "authorizer",
            conf_authorizer_item, &list, &c->m->nauthorizers) != TP_OK)
    {
        return TP_ERROR;
    }
    c->m->authorizers = list;
    return TP_OK;
}
