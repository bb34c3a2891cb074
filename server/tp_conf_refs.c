/*
 * tp_conf_refs.c: references across sections, checked once every API is
 * loaded: the top-level authorizers are built, then each route's
 * authorizer name is resolved (tp_apibuild_auth.c) and each integration's
 * function must be defined, so that -t names a dangling one with its file
 * and line.  Master only.
 */
#include "tp_apibuild.h"
#include "tp_lambda_arn.h"

/*
 * An AWS_PROXY integration with only a uri: a Lambda ARN (or API
 * Gateway's invocations form) naming a local function runs it (as
 * OpenAPI exports name functions); any other is invoked at the `lambda`
 * endpoint, without which it answers 500 (said here).
 */
static int
refs_aws_proxy_uri(struct tp_conf_ctx *c, struct tp_route *r)
{
    struct tp_integration *in = &r->integ;
    struct tp_lambda_ref ref;
    char name[TP_LAMBDA_NAME_MAX + 1];
    const struct tp_function *fn;
    int rc;

    if (in->type != TP_INTEG_AWS_PROXY || in->function != NULL) {
        return TP_OK;
    }
    rc = in->uri != NULL ? tp_lambda_uri_parse(in->uri, &ref) : TP_DECLINED;
    if (rc != TP_OK) {
        /* Imported definitions may name functions through stage
         * variables: a warning, not an error. */
        tp_conf_warn_at(c, in->src, "not supported yet: AWS_PROXY "
            "integration of route '%s' without 'function' or a Lambda "
            "function ARN in 'uri'; it answers 500", r->key);
        return TP_OK;
    }
    if (ref.name.len <= TP_LAMBDA_NAME_MAX) {
        memcpy(name, ref.name.p, ref.name.len);
        name[ref.name.len] = '\0';
        fn = tp_model_find_function(c->m, name);
        if (fn != NULL) {
            in->function = fn->name;
            return TP_OK;
        }
    }
    if (c->m->lambda.endpoint == NULL) {
        tp_conf_warn_at(c, in->src, "AWS_PROXY integration of route '%s': "
            "function \"%.*s\" is not local and no 'lambda' endpoint is "
            "configured; it answers 500",
            r->key, (int) ref.name.len, ref.name.p);
    }
    return TP_OK;
}

static int
refs_function(struct tp_conf_ctx *c, struct tp_route *r)
{
    const struct tp_integration *in = &r->integ;

    if (refs_aws_proxy_uri(c, r) != TP_OK) {
        return TP_ERROR;
    }

    /* Only Lambda integrations call it (a MOCK's is ignored). */
    if (in->function == NULL || (in->type != TP_INTEG_AWS_PROXY
            && in->type != TP_INTEG_AWS)
        || tp_model_find_function(c->m, in->function) != NULL)
    {
        return TP_OK;
    }
    return tp_conf_error_at(c, in->src, "route '%s': function \"%s\" is "
        "not defined in 'functions'", r->key, in->function);
}

static int
refs_functions(struct tp_conf_ctx *c)
{
    unsigned i, k;

    for (i = 0; i < c->m->napis; i++) {
        struct tp_api *api = &c->m->apis[i];

        for (k = 0; k < api->nroutes; k++) {
            if (refs_function(c, &api->routes[k]) != TP_OK) {
                return TP_ERROR;
            }
        }
        if (api->default_route != NULL
            && refs_function(c, api->default_route) != TP_OK)
        {
            return TP_ERROR;
        }
    }
    return TP_OK;
}

int
tp_conf_refs(struct tp_conf_ctx *c, config_t *cfg)
{
    if (tp_conf_functions(c, config_lookup(cfg, "functions")) != TP_OK
        || refs_functions(c) != TP_OK
        || tp_conf_authorizers(c, config_lookup(cfg, "authorizers"))
            != TP_OK)
    {
        return TP_ERROR;
    }
    return tp_build_resolve_authorizers(c);
}
