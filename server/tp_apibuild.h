/*
 * tp_apibuild.h: building API objects (routes, integrations, gateway
 * responses, CORS) from source-neutral descriptions.  The config file
 * reader (tp_conf_api.c) and the OpenAPI importer (tp_openapi.c) fill the
 * same structs, so both sources get the same validation and the same
 * compiled result.  Master only.
 */
#ifndef TP_APIBUILD_H
#define TP_APIBUILD_H

#include "tp_conf_int.h"

/* A key/value string pair (mappings, templates). */
struct tp_pair {
    const char *key;
    const char *value;
    struct tp_src src;
};

struct tp_build_response {               /* REST integration response */
    const char *pattern;                 /* NULL or "default": default */
    const char *status;                  /* "200" */
    struct tp_pair *params;              /* method.response.header.X, value */
    unsigned nparams;
    struct tp_pair *templates;           /* content type, template */
    unsigned ntemplates;
    struct tp_src src;
};

struct tp_build_resp_params {            /* HTTP API responseParameters */
    const char *status;
    struct tp_pair *params;
    unsigned nparams;
    struct tp_src src;
};

struct tp_build_integ {
    const char *type;                    /* case-insensitive */
    struct tp_src type_src;              /* where <type> was written */
    const char *uri;
    const char *http_method;
    int64_t timeout_ms;                  /* 0: default */
    const char *tls_ca;                  /* absolute path or NULL */
    const char *passthrough;             /* when_no_match ... */
    struct tp_pair *params;              /* requestParameters */
    unsigned nparams;
    struct tp_pair *templates;           /* requestTemplates */
    unsigned ntemplates;
    struct tp_build_response *responses;
    unsigned nresponses;
    struct tp_build_resp_params *resp_params;
    unsigned nresp_params;
    const char *function;
    const char *payload_format;
    const char **cache_keys;             /* cacheKeyParameters */
    unsigned ncache_keys;
    const char *cache_ns;                /* cacheNamespace */
    struct tp_src src;
};

struct tp_build_route {
    const char *key;                     /* "GET /pets/{id}", "$default" */
    bool api_key_required;
    const char *authorization;           /* NONE AWS_IAM CUSTOM ... or NULL */
    const char *authorizer;
    const char **scopes;
    unsigned nscopes;
    struct tp_build_integ integ;
    struct tp_src src;
};

struct tp_build_gw {
    const char *type;                    /* "DEFAULT_4XX" ... */
    const char *status;                  /* NULL: the type's own */
    struct tp_pair *headers;             /* gatewayresponse.header.X */
    unsigned nheaders;
    struct tp_pair *templates;
    unsigned ntemplates;
    struct tp_src src;
};

struct tp_build_cors {
    const char **origins;
    unsigned norigins;
    const char **methods;
    unsigned nmethods;
    const char **headers;
    unsigned nheaders;
    const char **expose;
    unsigned nexpose;
    int64_t max_age;                     /* -1: unset */
    bool credentials;
    struct tp_src src;
};

/* An authorizer (top-level `authorizers` entry or an OpenAPI
 * x-amazon-apigateway-authorizer); strings in the config arena. */
struct tp_build_authorizer {
    const char *name;
    const char *type;                    /* JWT COGNITO_USER_POOLS REQUEST
                                            TOKEN, any case */
    const char *identity_source;         /* NULL: the type's default */
    const char *issuer;
    const char **audiences;
    unsigned naudiences;
    const char *jwks;                    /* absolute path or https URL */
    const char *discovery_url;           /* OpenAPI openIdConnectUrl */
    const char **algorithms;
    unsigned nalgorithms;
    const char *hs256_secret;
    const char **provider_arns;
    unsigned nprovider_arns;
    const char *tls_ca;                  /* absolute path or NULL */
    int64_t leeway_s;
    bool no_token_cache;
    bool imported;
    /* Lambda authorizers (REQUEST, TOKEN): tp_apibuild_lauth.c */
    const char *function;                /* a local function */
    const char *uri;                     /* a Lambda ARN or the
                                            apigateway invocation URI */
    const char **identity_sources;       /* REQUEST: every source */
    unsigned nidentity_sources;
    const char *validation;              /* TOKEN: a regex */
    int64_t ttl_s;                       /* -1: the default */
    const char *payload_format;          /* "1.0" | "2.0" */
    int simple_responses;                /* -1: unset, 0, 1 */
    struct tp_src src;
    struct tp_src jwks_src;              /* where `jwks` was written */
};

/*
 * Builds <b> into <out> (which the caller appends to its list): checks
 * every setting, reads and parses a JWKS file, makes the backend of a
 * JWKS URL or of OIDC discovery.  Errors name b->src (b->jwks_src for
 * the JWKS).  REQUEST and TOKEN are warned about (issue 7).
 */
int tp_build_authorizer(struct tp_conf_ctx *c,
    const struct tp_build_authorizer *b, struct tp_authorizer *out);

/* The REQUEST / TOKEN part of <a> (tp_apibuild_lauth.c). */
int tp_build_lambda_authorizer(struct tp_conf_ctx *c,
    const struct tp_build_authorizer *b, struct tp_authorizer *a);

/* Once `functions` is read: a `function` must be one of them; a uri's
 * function name that is one runs locally. */
int tp_build_lambda_resolve(struct tp_conf_ctx *c, struct tp_authorizer *a);

/*
 * Resolves every route's authorizer name (the API's own first, then the
 * top-level ones) and settles its authorization type: JWT routes need a
 * JWT authorizer, COGNITO_USER_POOLS ones a Cognito one, and a route with
 * an authorizer but no `authorization` takes the authorizer's type.
 */
int tp_build_resolve_authorizers(struct tp_conf_ctx *c);

/*
 * Adds a route to <api> (before its trie is compiled).  <imported>: it
 * comes from an OpenAPI file.  A config route replaces an imported one with
 * the same key; any other duplicate is an error.  Errors name <b->src>.
 */
int tp_build_route(struct tp_conf_ctx *c, struct tp_api *api,
    const struct tp_build_route *b, bool imported);

int tp_build_gw(struct tp_conf_ctx *c, struct tp_api *api,
    const struct tp_build_gw *b);

int tp_build_cors(struct tp_conf_ctx *c, struct tp_api *api,
    const struct tp_build_cors *b);

/* Compiles <b>'s cache key parameters into <in> (tp_apibuild_cache.c). */
int tp_build_cache_keys(struct tp_conf_ctx *c, const struct tp_build_integ *b,
    struct tp_integration *in);

/* Compiles the per-stage targets of every route (after stages are known). */
int tp_build_targets(struct tp_conf_ctx *c, struct tp_api *api);

#endif /* TP_APIBUILD_H */
