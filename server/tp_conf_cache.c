/*
 * tp_conf_cache.c: the response cache settings: the top-level cache group
 * (the LMDB map size), each stage's cache group (API Gateway's stage
 * cache: cachingEnabled, cacheTtlInSeconds, the invalidation rules) and
 * the cache overrides of route_settings entries (methodSettings).
 * Master only.
 */
#include "tp_conf_int.h"

#include <strings.h>

#define TTL_DEFAULT 300              /* seconds, as API Gateway */
#define TTL_MAX     3600

struct cache_build {
    int ttl;                         /* -1: not written */
    bool enabled, enabled_set;
    bool require_auth, require_set;
    const char *strategy;
};

static const struct tp_conf_field top_fields[] = {
    { "size", TP_CT_SIZE, offsetof(struct tp_server_conf, cache_size),
        1LL << 20, 1LL << 40, NULL },
};

static const struct tp_conf_field stage_fields[] = {
    { "enabled", TP_CT_BOOL, offsetof(struct cache_build, enabled), 0, 0,
        NULL },
    { "ttl", TP_CT_INT, offsetof(struct cache_build, ttl), 0, TTL_MAX, NULL },
    { "require_authorization", TP_CT_BOOL,
        offsetof(struct cache_build, require_auth), 0, 0, NULL },
    { "unauthorized_strategy", TP_CT_STR,
        offsetof(struct cache_build, strategy), 0, 0, NULL },
};

static const struct tp_conf_field route_fields[] = {
    { "enabled", TP_CT_BOOL, offsetof(struct cache_build, enabled), 0, 0,
        NULL },
    { "ttl", TP_CT_INT, offsetof(struct cache_build, ttl), 0, TTL_MAX, NULL },
};

static const char *const strategies[] = {
    [TP_CACHE_FAIL_403] = "FAIL_WITH_403",
    [TP_CACHE_IGNORE_WARN] = "SUCCEED_WITH_RESPONSE_HEADER",
    [TP_CACHE_IGNORE] = "SUCCEED_WITHOUT_RESPONSE_HEADER",
};

/* Applies <fields> to group <g> into <b>, noting what was written. */
static int
cache_read(struct tp_conf_ctx *c, const config_setting_t *g,
    const struct tp_conf_field *fields, size_t n, struct cache_build *b)
{
    memset(b, 0, sizeof(*b));
    b->ttl = -1;
    if (tp_conf_apply(c, g, fields, n, b) != TP_OK) {
        return TP_ERROR;
    }
    b->enabled_set = config_setting_get_member(g, "enabled") != NULL;
    b->require_set = config_setting_get_member(g, "require_authorization")
        != NULL;
    return TP_OK;
}

static int
cache_stage(struct tp_conf_ctx *c, struct tp_stage *st,
    const config_setting_t *g)
{
    struct tp_stage_cache *sc = &st->cache;
    struct cache_build b;
    unsigned i;

    if (cache_read(c, g, stage_fields, TP_NELEM(stage_fields), &b)
        != TP_OK)
    {
        return TP_ERROR;
    }
    sc->enabled = b.enabled_set ? b.enabled : true;
    sc->ttl_s = b.ttl >= 0 ? (uint32_t) b.ttl : TTL_DEFAULT;
    sc->require_auth = b.require_set ? b.require_auth : true;
    sc->unauth = TP_CACHE_IGNORE_WARN;
    sc->src = tp_conf_src(c, g);
    if (b.strategy != NULL) {
        for (i = 0; i < TP_NELEM(strategies); i++) {
            if (strcasecmp(b.strategy, strategies[i]) == 0) {
                break;
            }
        }
        if (i == TP_NELEM(strategies)) {
            return tp_conf_error(c, config_setting_get_member(g,
                "unauthorized_strategy"), "unauthorized_strategy \"%s\" must "
                "be FAIL_WITH_403, SUCCEED_WITH_RESPONSE_HEADER or "
                "SUCCEED_WITHOUT_RESPONSE_HEADER", b.strategy);
        }
        sc->unauth = (uint8_t) i;
    }
    return TP_OK;
}

/* The cache overrides of a stage's route_settings entries. */
static int
cache_routes(struct tp_conf_ctx *c, struct tp_api *api, struct tp_stage *st,
    const config_setting_t *l)
{
    int i, n = l != NULL ? config_setting_length(l) : 0;
    struct cache_build b;
    char who[160];
    long r;

    snprintf(who, sizeof(who), "stage \"%s/%s\"", api->id, st->name);
    for (i = 0; i < n; i++) {
        const config_setting_t *e = config_setting_get_elem(l, (unsigned) i);
        const config_setting_t *g = config_setting_get_member(e, "cache");

        if (g == NULL) {
            continue;
        }
        if (!config_setting_is_group(g)) {
            return tp_conf_error(c, g, "'cache' must be a group: cache = { "
                "enabled = true; ttl = 60; }");
        }
        if (cache_read(c, g, route_fields, TP_NELEM(route_fields), &b)
            != TP_OK)
        {
            return TP_ERROR;
        }
        r = tp_conf_route_index(c, api, config_setting_get_member(e,
            "route"), who);
        if (r < 0) {
            return TP_ERROR;
        }
        if (st->cache.routes == NULL) {
            st->cache.routes = tp_arena_alloc(c->a,
                sizeof(*st->cache.routes) * (api->nroutes + 1));
            if (st->cache.routes == NULL) {
                return tp_conf_error(c, g, "out of memory");
            }
            for (unsigned k = 0; k <= api->nroutes; k++) {
                st->cache.routes[k] = (struct tp_route_cache) { -1, -1 };
            }
        }
        st->cache.routes[r].enabled = b.enabled_set ? b.enabled : -1;
        st->cache.routes[r].ttl_s = b.ttl;
        if (!st->cache.enabled) {
            tp_conf_warn(c, g, "%s: route '%s' has cache settings but the "
                "stage's cache is off (add cache = { enabled = true; } to "
                "the stage); ignored", who, config_setting_get_string(
                config_setting_get_member(e, "route")));
        }
    }
    return TP_OK;
}

int
tp_conf_cache(struct tp_conf_ctx *c, config_t *cfg)
{
    const config_setting_t *top = config_lookup(cfg, "cache");
    const config_setting_t *apis = config_lookup(cfg, "apis"), *sl, *g;
    unsigned i, k;

    if (top != NULL && tp_conf_apply(c, top, top_fields,
            TP_NELEM(top_fields), &c->m->server) != TP_OK)
    {
        return TP_ERROR;
    }
    for (i = 0; i < c->m->napis; i++) {
        struct tp_api *api = &c->m->apis[i];

        sl = config_setting_get_member(config_setting_get_elem(apis, i),
            "stages");
        for (k = 0; sl != NULL && k < api->nstages; k++) {
            const config_setting_t *sg = config_setting_get_elem(sl, k);

            g = config_setting_get_member(sg, "cache");
            if (g != NULL && cache_stage(c, &api->stages[k], g) != TP_OK) {
                return TP_ERROR;
            }
            if (cache_routes(c, api, &api->stages[k],
                    config_setting_get_member(sg, "route_settings"))
                != TP_OK)
            {
                return TP_ERROR;
            }
            /* A route may cache on a stage whose own TTL is 0. */
            c->m->server.cache_used |= api->stages[k].cache.enabled;
        }
    }
    return TP_OK;
}
