/*
 * tp_conf_refs.c: references between sections that later features read
 * (usage plans -> API stages, API keys -> usage plans, routes ->
 * authorizers): checked now so that -t names a dangling one with its file
 * and line even before the feature itself is served.  Master only.
 */
#include "tp_conf_int.h"

static const char *
refs_name(const config_setting_t *g)
{
    const config_setting_t *s = config_setting_get_member(g, "name");

    return s != NULL ? config_setting_get_string(s) : NULL;
}

/* "api/stage" names an existing stage of an existing API. */
static int
refs_stage(struct tp_conf_ctx *c, const config_setting_t *s, const char *plan)
{
    const char *v = config_setting_get_string(s), *slash;
    struct tp_api *api;

    slash = v != NULL ? strchr(v, '/') : NULL;
    if (slash == NULL) {
        return tp_conf_error(c, s, "usage plan \"%s\": stages entries are "
            "\"API/STAGE\"", plan);
    }
    api = tp_model_find_api(c->m, v, (size_t) (slash - v));
    if (api == NULL) {
        return tp_conf_error(c, s, "usage plan \"%s\" names api \"%.*s\", "
            "which no apis entry defines", plan, (int) (slash - v), v);
    }
    if (tp_model_find_stage(api, slash + 1, strlen(slash + 1)) == NULL) {
        return tp_conf_error(c, s, "usage plan \"%s\" names stage \"%s\", "
            "which api \"%s\" does not have", plan, slash + 1, api->id);
    }
    return TP_OK;
}

static int
refs_plans(struct tp_conf_ctx *c, const config_setting_t *plans)
{
    int i, k, n = config_setting_length(plans);

    for (i = 0; i < n; i++) {
        const config_setting_t *g = config_setting_get_elem(plans,
            (unsigned) i), *st;
        const char *name = refs_name(g);

        if (!config_setting_is_group(g) || name == NULL) {
            return tp_conf_error(c, g, "each usage plan is a group with a "
                "'name'");
        }
        st = config_setting_get_member(g, "stages");
        for (k = 0; st != NULL && k < config_setting_length(st); k++) {
            if (refs_stage(c, config_setting_get_elem(st, (unsigned) k),
                    name) != TP_OK)
            {
                return TP_ERROR;
            }
        }
    }
    return TP_OK;
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
refs_keys(struct tp_conf_ctx *c, const config_setting_t *keys,
    const config_setting_t *plans)
{
    int i, k, n = config_setting_length(keys);

    for (i = 0; i < n; i++) {
        const config_setting_t *g = config_setting_get_elem(keys,
            (unsigned) i);
        const config_setting_t *pl = config_setting_get_member(g, "plans");

        for (k = 0; pl != NULL && k < config_setting_length(pl); k++) {
            const config_setting_t *p = config_setting_get_elem(pl,
                (unsigned) k);
            const char *v = config_setting_get_string(p);

            if (v == NULL || !refs_in(plans, v)) {
                return tp_conf_error(c, p, "API key \"%s\" names usage plan "
                    "\"%s\", which usage_plans does not define",
                    refs_name(g) != NULL ? refs_name(g) : "?",
                    v != NULL ? v : "");
            }
        }
    }
    return TP_OK;
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
    const config_setting_t *plans = config_lookup(cfg, "usage_plans");
    const config_setting_t *keys = config_lookup(cfg, "api_keys");

    if ((plans != NULL && refs_plans(c, plans) != TP_OK)
        || (keys != NULL && refs_keys(c, keys, plans) != TP_OK))
    {
        return TP_ERROR;
    }
    return refs_authorizers(c, config_lookup(cfg, "authorizers"));
}
