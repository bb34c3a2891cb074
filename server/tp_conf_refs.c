/*
 * tp_conf_refs.c: references to sections that later features read (routes
 * -> authorizers): checked now so that -t names a dangling one with its
 * file and line even before the feature itself is served.  Master only.
 */
#include "tp_conf_int.h"

static const char *
refs_name(const config_setting_t *g)
{
    const config_setting_t *s = config_setting_get_member(g, "name");

    return s != NULL ? config_setting_get_string(s) : NULL;
}

static bool
refs_in(const config_setting_t *list, const char *name)
{
    int i, n = list != NULL ? config_setting_length(list) : 0;

    for (i = 0; i < n; i++) {
        const char *v = refs_name(config_setting_get_elem(list,
            (unsigned) i));

        if (v != NULL && strcmp(v, name) == 0) {
            return true;
        }
    }
    return false;
}

static int
refs_authorizers(struct tp_conf_ctx *c, const config_setting_t *auths)
{
    unsigned i, k;

    for (i = 0; i < c->m->napis; i++) {
        const struct tp_api *api = &c->m->apis[i];

        for (k = 0; k <= api->nroutes; k++) {
            const struct tp_route *r = k < api->nroutes ? &api->routes[k]
                : api->default_route;

            if (r == NULL) {
                continue;
            }

            if (r->authorizer != NULL && !r->imported
                && !refs_in(auths, r->authorizer))
            {
                return tp_conf_error_at(c, r->src, "route '%s' names "
                    "authorizer \"%s\", which authorizers does not define",
                    r->key, r->authorizer);
            }
        }
    }
    return TP_OK;
}

int
tp_conf_refs(struct tp_conf_ctx *c, config_t *cfg)
{
    return refs_authorizers(c, config_lookup(cfg, "authorizers"));
}
