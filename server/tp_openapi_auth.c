/*
 * tp_openapi_auth.c: the OpenAPI importer's security: "security"
 * requirements of operations (or of the document) resolved through
 * securitySchemes / securityDefinitions into a route's authorization
 * (AWS_IAM, CUSTOM, COGNITO_USER_POOLS, JWT, API keys), and
 * x-amazon-apigateway-auth; x-amazon-apigateway-authorizer definitions
 * become the API's own authorizers (tp_apibuild_auth.c builds them).
 * Master only.
 */
#include "tp_openapi_int.h"

/* The kind of x-amazon-apigateway-authorizer: "CUSTOM", "JWT" ...;
 * <type> gets the authorizer's own type name (TOKEN, REQUEST ...). */
static const char *
oa_authorizer_kind(struct tp_oa *o, int az, const char **type)
{
    static const char *const types[][2] = {
        { "token", "CUSTOM" }, { "request", "CUSTOM" },
        { "cognito_user_pools", "COGNITO_USER_POOLS" }, { "jwt", "JWT" }
    };
    static const char *const upper[] = {
        "TOKEN", "REQUEST", "COGNITO_USER_POOLS", "JWT"
    };
    int t;
    size_t i;

    az = tp_oa_object(o, az, "x-amazon-apigateway-authorizer");
    if (az < 0) {
        return NULL;
    }
    t = tp_json_get(&o->d, az, "type");
    if (t < 0) {
        tp_oa_error(o, az, "an x-amazon-apigateway-authorizer needs 'type' "
            "(token, request, cognito_user_pools or jwt)");
        return NULL;
    }
    for (i = 0; i < TP_NELEM(types); i++) {
        if (tp_oa_caseeq(o, t, types[i][0])) {
            *type = upper[i];
            return types[i][1];
        }
    }
    if (tp_oa_expect(o, t, TP_JSON_STRING, "the authorizer 'type'")
        == TP_OK)
    {
        tp_oa_error(o, t, "unknown authorizer type \"%s\" (token, request, "
            "cognito_user_pools or jwt)", tp_oa_name(o, t));
    }
    return NULL;
}

/* Sets the route's authorization once; a second, different one is an
 * error (API Gateway allows one per method). */
static int
oa_set_authz(struct tp_oa *o, int key, struct tp_build_route *b,
    const char *authz, const char *authorizer)
{
    if (b->authorization != NULL && (strcmp(b->authorization, authz) != 0
            || (b->authorizer != NULL && authorizer != NULL
                && strcmp(b->authorizer, authorizer) != 0)))
    {
        return tp_oa_error(o, key, "%s uses two authorizations (%s%s%s and "
            "%s%s%s); API Gateway allows one", b->key, b->authorization,
            b->authorizer != NULL ? " " : "",
            b->authorizer != NULL ? b->authorizer : "", authz,
            authorizer != NULL ? " " : "",
            authorizer != NULL ? authorizer : "");
    }
    b->authorization = authz;
    b->authorizer = authorizer;
    return TP_OK;
}

/* A scheme without extensions: an API key requirement when apiKey. */
static int
oa_plain_scheme(struct tp_oa *o, int key, int s, struct tp_build_route *b)
{
    int t = tp_json_get(&o->d, s, "type"), n = tp_json_get(&o->d, s, "name");

    if (!tp_oa_caseeq(o, t, "apiKey")) {
        tp_oa_warn(o, key, "security scheme \"%s\" has no "
            "x-amazon-apigateway-authorizer; ignored", tp_oa_name(o, key));
        return TP_OK;
    }
    if (o->api->type == TP_API_HTTP) {
        /* API Gateway imports such HTTP APIs and drops the requirement. */
        tp_oa_warn(o, key, "HTTP APIs have no API keys; security scheme "
            "\"%s\" ignored", tp_oa_name(o, key));
        return TP_OK;
    }
    if (n >= 0 && !tp_oa_caseeq(o, n, "x-api-key")) {
        tp_oa_warn(o, n, "API keys are read from the x-api-key header; "
            "header \"%s\" ignored", tp_oa_name(o, n));
    }
    b->api_key_required = true;
    return TP_OK;
}

/* One scheme of a security requirement: <key> names it, key + 1 holds
 * the scopes. */
static int
oa_scheme(struct tp_oa *o, int key, struct tp_build_route *b)
{
    const char *name = tp_oa_key(o, key), *authz, *type = NULL;
    int s = tp_json_get(&o->d, o->schemes, name), az, at;

    if (tp_oa_expect(o, key + 1, TP_JSON_ARRAY, "a list of scopes")
        != TP_OK)
    {
        return TP_ERROR;
    }
    if (s < 0) {
        tp_oa_warn(o, key, "security scheme \"%s\" is not defined in %s; "
            "ignored", name, o->v3 ? "components.securitySchemes"
                                   : "securityDefinitions");
        return TP_OK;
    }
    s = tp_oa_object(o, s, "a security scheme");
    if (s < 0) {
        return TP_ERROR;
    }
    az = tp_json_get(&o->d, s, TP_OA_EXT "authorizer");
    at = tp_json_get(&o->d, s, TP_OA_EXT "authtype");
    if (az >= 0) {
        authz = oa_authorizer_kind(o, az, &type);
        if (authz == NULL) {
            return TP_ERROR;
        }
    } else if (tp_oa_caseeq(o, at, "awsSigv4")) {
        return oa_set_authz(o, key, b, "AWS_IAM", NULL);
    } else if (tp_oa_caseeq(o, at, "cognito_user_pools")) {
        authz = "COGNITO_USER_POOLS";
    } else {
        return oa_plain_scheme(o, key, s, b);
    }
    if (oa_set_authz(o, key, b, authz, name) != TP_OK) {
        return TP_ERROR;
    }
    if (strcmp(authz, "CUSTOM") == 0 || b->nscopes > 0) {
        return TP_OK;                /* scopes mean nothing to Lambda */
    }
    return tp_oa_strings(o, key + 1, "a list of scopes", &b->scopes,
        &b->nscopes);
}

/*
 * The operation's "security", or the document's when it has none (as
 * OpenAPI defines and API Gateway does: an AWS-recorded import of
 * openapi.cognito-auth.json gives the root-level authorizer and scopes
 * to the method without its own).  "security": [] means none.
 */
int
tp_oa_security(struct tp_oa *o, int op, struct tp_build_route *b)
{
    int sec = tp_json_get(&o->d, op, "security"), r, k;

    if (sec < 0) {
        sec = o->root_security;
    }
    if (sec < 0) {
        return TP_OK;
    }
    if (tp_oa_expect(o, sec, TP_JSON_ARRAY, "'security'") != TP_OK) {
        return TP_ERROR;
    }
    if (o->api->type == TP_API_HTTP && o->d.toks[sec].size > 1) {
        return tp_oa_error(o, sec, "HTTP APIs allow one security "
            "requirement per operation");
    }
    for (r = tp_json_child(&o->d, sec); r >= 0; r = tp_json_next(&o->d, r)) {
        if (tp_oa_expect(o, r, TP_JSON_OBJECT, "a security requirement")
            != TP_OK)
        {
            return TP_ERROR;
        }
        for (k = tp_json_child(&o->d, r); k >= 0;
            k = tp_json_next(&o->d, k))
        {
            if (oa_scheme(o, k, b) != TP_OK) {
                return TP_ERROR;
            }
        }
    }
    return TP_OK;
}

/* x-amazon-apigateway-auth: {"type": "AWS_IAM" | "NONE"}, which wins
 * over "security". */
int
tp_oa_auth(struct tp_oa *o, int op, struct tp_build_route *b)
{
    int a = tp_json_get(&o->d, op, TP_OA_EXT "auth"), t;

    if (a < 0) {
        return TP_OK;
    }
    a = tp_oa_object(o, a, "x-amazon-apigateway-auth");
    if (a < 0) {
        return TP_ERROR;
    }
    t = tp_json_get(&o->d, a, "type");
    if (tp_oa_caseeq(o, t, "AWS_IAM")) {
        b->authorization = "AWS_IAM";
    } else if (tp_oa_caseeq(o, t, "NONE")) {
        b->authorization = "NONE";
    } else {
        return tp_oa_error(o, t >= 0 ? t : a, "x-amazon-apigateway-auth "
            "needs 'type' AWS_IAM or NONE");
    }
    b->authorizer = NULL;
    b->scopes = NULL;
    b->nscopes = 0;
    return TP_OK;
}

/* The string member <name> of object <obj>, or NULL (absent). */
static int
oa_az_string(struct tp_oa *o, int obj, const char *name, const char **out)
{
    int t = tp_json_get(&o->d, obj, name);

    *out = NULL;
    if (t < 0) {
        return TP_OK;
    }
    *out = tp_oa_string(o, t, name);
    return *out != NULL ? TP_OK : TP_ERROR;
}

/* The strings of array member <name> of <obj>, if any. */
static int
oa_az_strings(struct tp_oa *o, int obj, const char *name,
    const char ***out, unsigned *n)
{
    int t = tp_json_get(&o->d, obj, name);

    *n = 0;
    return t < 0 ? TP_OK : tp_oa_strings(o, t, name, out, n);
}

/*
 * A JWT authorizer (HTTP APIs): jwtConfiguration {issuer, audience},
 * identitySource; an openIdConnect scheme's openIdConnectUrl gives the
 * issuer when jwtConfiguration has none (openapi.md 4).
 */
static int
oa_az_jwt(struct tp_oa *o, int scheme, int az, struct tp_build_authorizer *b)
{
    int cfg = tp_json_get(&o->d, az, "jwtConfiguration");

    if (oa_az_string(o, az, "identitySource", &b->identity_source) != TP_OK
        || oa_az_string(o, scheme, "openIdConnectUrl", &b->discovery_url)
            != TP_OK)
    {
        return TP_ERROR;
    }
    if (cfg < 0) {
        return TP_OK;                /* the builder names what is missing */
    }
    cfg = tp_oa_object(o, cfg, "jwtConfiguration");
    if (cfg < 0 || oa_az_string(o, cfg, "issuer", &b->issuer) != TP_OK) {
        return TP_ERROR;
    }
    return oa_az_strings(o, cfg, "audience", &b->audiences, &b->naudiences);
}

/* A Cognito authorizer (REST): providerARNs; the token is in the
 * identitySource, else in the apiKey scheme's header "name". */
static int
oa_az_cognito(struct tp_oa *o, int scheme, int az,
    struct tp_build_authorizer *b)
{
    const char *header;

    if (oa_az_strings(o, az, "providerARNs", &b->provider_arns,
            &b->nprovider_arns) != TP_OK
        || oa_az_string(o, az, "identitySource", &b->identity_source)
            != TP_OK
        || oa_az_string(o, scheme, "name", &header) != TP_OK)
    {
        return TP_ERROR;
    }
    if (b->identity_source == NULL && header != NULL) {
        b->identity_source = tp_arena_sprintf(o->c->a,
            "method.request.header.%s", header);
    }
    return TP_OK;
}

/*
 * A Lambda authorizer (token, request; auth.md 2, 3): authorizerUri names
 * the function (a local one of the ARN's function name), identitySource
 * ("a, b"), identityValidationExpression, authorizerResultTtlInSeconds,
 * and for HTTP APIs authorizerPayloadFormatVersion and
 * enableSimpleResponses.  A token authorizer's header may also come from
 * the apiKey scheme's "name".
 */
static int
oa_az_lambda(struct tp_oa *o, int scheme, int az,
    struct tp_build_authorizer *b)
{
    int t;
    const char *header;

    b->ttl_s = -1;
    b->simple_responses = -1;
    if (oa_az_string(o, az, "authorizerUri", &b->uri) != TP_OK
        || oa_az_string(o, az, "identitySource", &b->identity_source)
            != TP_OK
        || oa_az_string(o, az, "identityValidationExpression",
            &b->validation) != TP_OK
        || oa_az_string(o, az, "authorizerPayloadFormatVersion",
            &b->payload_format) != TP_OK
        || oa_az_string(o, scheme, "name", &header) != TP_OK)
    {
        return TP_ERROR;
    }
    if (b->identity_source == NULL && header != NULL
        && strcmp(b->type, "TOKEN") == 0)
    {
        b->identity_source = tp_arena_sprintf(o->c->a,
            "method.request.header.%s", header);
    }
    t = tp_json_get(&o->d, az, "authorizerResultTtlInSeconds");
    if (t >= 0 && tp_json_int(&o->d, t, &b->ttl_s) != TP_OK) {
        return tp_oa_error(o, t, "authorizerResultTtlInSeconds must be an "
            "integer of seconds in [0, 3600]");
    }
    t = tp_json_get(&o->d, az, "enableSimpleResponses");
    if (t >= 0) {
        bool v;

        if (tp_json_bool(&o->d, t, &v) != TP_OK) {
            return tp_oa_error(o, t, "enableSimpleResponses must be true "
                "or false");
        }
        b->simple_responses = v;
    }
    return TP_OK;
}

/* Appends the scheme's authorizer to the API's own. */
static int
oa_az_add(struct tp_oa *o, int key, int tok, struct tp_build_authorizer *b)
{
    struct tp_api *api = o->api;
    struct tp_authorizer *grown;
    unsigned i;

    for (i = 0; i < api->nauthorizers; i++) {
        if (strcmp(api->authorizers[i].name, b->name) == 0) {
            return tp_oa_error(o, key, "authorizer \"%s\" is defined twice",
                b->name);
        }
    }
    grown = tp_arena_alloc(o->c->a, sizeof(*grown)
        * (api->nauthorizers + 1));
    if (grown == NULL) {
        return tp_oa_error(o, key, "out of memory");
    }
    if (api->nauthorizers > 0) {
        memcpy(grown, api->authorizers,
            sizeof(*grown) * api->nauthorizers);
    }
    if (tp_build_authorizer(o->c, b, &grown[api->nauthorizers]) != TP_OK) {
        return tp_oa_builder_failed(o, tok);
    }
    api->authorizers = grown;
    api->nauthorizers++;
    return TP_OK;
}

/*
 * Every scheme with an x-amazon-apigateway-authorizer becomes an
 * authorizer of this API, named like the scheme (routes name it in
 * "security"; tp_build_resolve_authorizers() looks it up before the
 * top-level ones).
 */
int
tp_oa_authorizer_defs(struct tp_oa *o)
{
    struct tp_build_authorizer b;
    const char *type = NULL;
    int k, s, az, rc;

    for (k = tp_json_child(&o->d, o->schemes); k >= 0;
        k = tp_json_next(&o->d, k))
    {
        s = tp_oa_object(o, k + 1, "a security scheme");
        if (s < 0) {
            return TP_ERROR;
        }
        az = tp_json_get(&o->d, s, TP_OA_EXT "authorizer");
        if (az < 0) {
            continue;
        }
        if (oa_authorizer_kind(o, az, &type) == NULL) {
            return TP_ERROR;
        }
        az = tp_oa_object(o, az, "x-amazon-apigateway-authorizer");
        memset(&b, 0, sizeof(b));
        b.name = tp_oa_key(o, k);
        b.type = type;
        b.imported = true;
        b.src = tp_oa_src(o, k);
        rc = TP_OK;
        if (strcmp(type, "JWT") == 0) {
            rc = oa_az_jwt(o, s, az, &b);
        } else if (strcmp(type, "COGNITO_USER_POOLS") == 0) {
            rc = oa_az_cognito(o, s, az, &b);
        } else {
            rc = oa_az_lambda(o, s, az, &b);
        }
        if (rc != TP_OK || oa_az_add(o, k, az, &b) != TP_OK) {
            return TP_ERROR;
        }
    }
    return TP_OK;
}
