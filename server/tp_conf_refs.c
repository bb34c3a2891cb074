/*
 * tp_conf_refs.c: references across sections, checked once every API is
 * loaded: the top-level authorizers are built, then each route's
 * authorizer name is resolved (tp_apibuild_auth.c) and each integration's
 * function must be defined, so that -t names a dangling one with its file
 * and line.  Master only.
 */
#include "tp_apibuild.h"

static int
refs_function(struct tp_conf_ctx *c, const struct tp_route *r)
{
    const struct tp_integration *in = &r->integ;

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
        const struct tp_api *api = &c->m->apis[i];

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
