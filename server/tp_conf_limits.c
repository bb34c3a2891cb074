/*
 * tp_conf_limits.c: traffic control settings: the account throttle, stage
 * and route throttles, usage plans (throttle, quota, per-route throttles)
 * and the API keys defined in the file.  Runs after the APIs are loaded,
 * since these settings name their stages and routes.  Master only (and
 * turnpikectl, which reads the same file).
 */
#include "tp_conf_int.h"
#include "tp_hash.h"
#include "tp_period.h"

#include <math.h>
#include <stdlib.h>

static const struct tp_conf_field throttle_fields[] = {
    { "rate", TP_CT_ANY, 0, 0, 0, NULL },
    { "burst", TP_CT_INT, offsetof(struct tp_throttle, burst), 0,
        UINT32_MAX, NULL },
};

static const struct tp_conf_field plan_fields[] = {
    { "name", TP_CT_STR, offsetof(struct tp_usage_plan, name), 0, 0, NULL },
    { "description", TP_CT_ANY, 0, 0, 0, NULL },
    { "stages", TP_CT_LIST, 0, 0, 0, NULL },
    { "throttle", TP_CT_GROUP, 0, 0, 0, NULL },
    { "quota", TP_CT_GROUP, 0, 0, 0, NULL },
    { "method_throttles", TP_CT_LIST, 0, 0, 0, NULL },
};

static const struct tp_conf_field quota_fields[] = {
    { "limit", TP_CT_INT, offsetof(struct tp_usage_plan, quota_limit), 0,
        1LL << 40, NULL },
    { "offset", TP_CT_INT, offsetof(struct tp_usage_plan, quota_offset), 0,
        1LL << 40, NULL },
    { "period", TP_CT_ANY, 0, 0, 0, NULL },
};

static const struct tp_conf_field method_fields[] = {
    { "stage", TP_CT_ANY, 0, 0, 0, NULL },
    { "route", TP_CT_ANY, 0, 0, 0, NULL },
    { "throttle", TP_CT_GROUP, 0, 0, 0, NULL },
};

static const struct tp_conf_field route_setting_fields[] = {
    { "route", TP_CT_ANY, 0, 0, 0, NULL },
    { "throttle", TP_CT_GROUP, 0, 0, 0, NULL },
    { "cache", TP_CT_GROUP, 0, 0, 0, NULL },         /* tp_conf_cache.c */
};

static const struct tp_conf_field key_fields[] = {
    { "name", TP_CT_STR, offsetof(struct tp_conf_key, name), 0, 0, NULL },
    { "value", TP_CT_ANY, 0, 0, 0, NULL },
    { "description", TP_CT_ANY, 0, 0, 0, NULL },
    { "plans", TP_CT_LIST, 0, 0, 0, NULL },
    { "enabled", TP_CT_ANY, 0, 0, 0, NULL },
};

/* throttle = { rate = 100.0; burst = 200; }: both required. */
static int
lim_throttle(struct tp_conf_ctx *c, const config_setting_t *g,
    struct tp_throttle *t)
{
    const config_setting_t *r = config_setting_get_member(g, "rate");

    if (tp_conf_apply(c, g, throttle_fields, TP_NELEM(throttle_fields), t)
        != TP_OK)
    {
        return TP_ERROR;
    }
    if (r == NULL || config_setting_get_member(g, "burst") == NULL) {
        return tp_conf_error(c, g, "a throttle needs both 'rate' (requests "
            "per second) and 'burst'");
    }
    if (config_setting_type(r) == CONFIG_TYPE_FLOAT) {
        t->rate = config_setting_get_float(r);
    } else if (config_setting_type(r) == CONFIG_TYPE_INT
        || config_setting_type(r) == CONFIG_TYPE_INT64)
    {
        t->rate = (double) config_setting_get_int64(r);
    } else {
        return tp_conf_error(c, r, "'rate' must be a number");
    }
    if (!isfinite(t->rate) || t->rate < 0 || t->rate > 1e9) {
        return tp_conf_error(c, r, "'rate' = %g is out of range [0, 1e9]",
            t->rate);
    }
    t->set = true;
    t->src = tp_conf_src(c, g);
    return TP_OK;
}

/* "api/stage" -> the stage (and its API). */
static struct tp_stage *
lim_stage(struct tp_conf_ctx *c, const config_setting_t *s, const char *who,
    struct tp_api **api_out)
{
    const char *v = config_setting_get_string(s), *slash;
    struct tp_api *api;
    struct tp_stage *st;

    slash = v != NULL ? strchr(v, '/') : NULL;
    if (slash == NULL) {
        tp_conf_error(c, s, "%s: stages are named \"API/STAGE\"", who);
        return NULL;
    }
    api = tp_model_find_api(c->m, v, (size_t) (slash - v));
    if (api == NULL) {
        tp_conf_error(c, s, "%s names api \"%.*s\", which no apis entry "
            "defines", who, (int) (slash - v), v);
        return NULL;
    }
    st = tp_model_find_stage(api, slash + 1, strlen(slash + 1));
    if (st == NULL) {
        tp_conf_error(c, s, "%s names stage \"%s\", which api \"%s\" does "
            "not have", who, slash + 1, api->id);
        return NULL;
    }
    *api_out = api;
    return st;
}

long
tp_conf_route_index(struct tp_conf_ctx *c, const struct tp_api *api,
    const config_setting_t *s, const char *who)
{
    const char *key = s != NULL ? config_setting_get_string(s) : NULL;
    unsigned i;

    if (key == NULL) {
        tp_conf_error(c, s, "%s needs 'route' = \"METHOD /path\"", who);
        return -1;
    }
    if (strcmp(key, "$default") == 0 && api->default_route != NULL) {
        return (long) api->nroutes;
    }
    for (i = 0; i < api->nroutes; i++) {
        if (strcmp(api->routes[i].key, key) == 0) {
            return (long) i;
        }
    }
    tp_conf_error(c, s, "%s names route '%s', which api \"%s\" does not "
        "define", who, key, api->id);
    return -1;
}

/* A stage's throttle and route_settings (the stage group <g>). */
static int
lim_stage_settings(struct tp_conf_ctx *c, struct tp_api *api,
    struct tp_stage *st, const config_setting_t *g)
{
    const config_setting_t *s = config_setting_get_member(g, "throttle");
    const config_setting_t *l = config_setting_get_member(g,
        "route_settings");
    char who[160];
    int i, n = l != NULL ? config_setting_length(l) : 0;
    long r;

    snprintf(who, sizeof(who), "stage \"%s/%s\"", api->id, st->name);
    if (s != NULL && lim_throttle(c, s, &st->throttle) != TP_OK) {
        return TP_ERROR;
    }
    if (n > 0) {
        st->route_throttle = tp_arena_calloc(c->a,
            sizeof(*st->route_throttle) * (api->nroutes + 1));
    }
    for (i = 0; i < n; i++) {
        const config_setting_t *e = config_setting_get_elem(l, (unsigned) i);

        if (!config_setting_is_group(e) || tp_conf_apply(c, e,
                route_setting_fields, TP_NELEM(route_setting_fields), NULL)
                != TP_OK)
        {
            return c->failed ? TP_ERROR : tp_conf_error(c, e, "each "
                "route_settings entry is { route = \"GET /x\"; throttle = "
                "{ rate = 10.0; burst = 20; }; }");
        }
        r = tp_conf_route_index(c, api, config_setting_get_member(e,
            "route"), who);
        if (r < 0) {
            return TP_ERROR;
        }
        s = config_setting_get_member(e, "throttle");
        if (s == NULL && config_setting_get_member(e, "cache") != NULL) {
            continue;                /* tp_conf_cache.c */
        }
        if (s == NULL) {
            return tp_conf_error(c, e, "%s: a route_settings entry needs "
                "'throttle' or 'cache'", who);
        }
        if (lim_throttle(c, s, &st->route_throttle[r]) != TP_OK) {
            return TP_ERROR;
        }
    }
    return TP_OK;
}

static int
lim_stages(struct tp_conf_ctx *c, config_t *cfg)
{
    const config_setting_t *apis = config_lookup(cfg, "apis"), *sl;
    unsigned i, k;

    for (i = 0; i < c->m->napis; i++) {
        struct tp_api *api = &c->m->apis[i];
        const char *parts[2];

        sl = config_setting_get_member(config_setting_get_elem(apis, i),
            "stages");
        for (k = 0; k < api->nstages; k++) {
            parts[0] = api->id;
            parts[1] = api->stages[k].name;
            api->stages[k].hash = tp_hash_strs(2, parts);
            if (sl != NULL && lim_stage_settings(c, api, &api->stages[k],
                    config_setting_get_elem(sl, k)) != TP_OK)
            {
                return TP_ERROR;
            }
        }
    }
    return TP_OK;
}

static int
lim_quota(struct tp_conf_ctx *c, struct tp_usage_plan *p,
    const config_setting_t *g)
{
    const config_setting_t *per = config_setting_get_member(g, "period");
    enum tp_period period;

    if (tp_conf_apply(c, g, quota_fields, TP_NELEM(quota_fields), p)
        != TP_OK)
    {
        return TP_ERROR;
    }
    if (config_setting_get_member(g, "limit") == NULL) {
        return tp_conf_error(c, g, "usage plan \"%s\": a quota needs "
            "'limit'", p->name);
    }
    if (per == NULL || config_setting_get_string(per) == NULL
        || tp_period_parse(config_setting_get_string(per), &period)
            != TP_OK)
    {
        return tp_conf_error(c, per != NULL ? per : g, "usage plan \"%s\": "
            "quota 'period' must be \"DAY\", \"WEEK\" or \"MONTH\"",
            p->name);
    }
    if (p->quota_offset >= p->quota_limit && p->quota_offset > 0) {
        return tp_conf_error(c, config_setting_get_member(g, "offset"),
            "usage plan \"%s\": quota offset %llu must be less than the "
            "limit %llu", p->name, (unsigned long long) p->quota_offset,
            (unsigned long long) p->quota_limit);
    }
    p->quota_period = (uint8_t) period;
    p->has_quota = true;
    return TP_OK;
}

/* Adds <p> to <st>'s plans. */
static int
lim_stage_add_plan(struct tp_conf_ctx *c, struct tp_stage *st,
    struct tp_usage_plan *p, const config_setting_t *s)
{
    struct tp_usage_plan **n;
    unsigned i;

    for (i = 0; i < st->nplans; i++) {
        if (st->plans[i] == p) {
            return tp_conf_error(c, s, "usage plan \"%s\" names stage "
                "\"%s\" twice", p->name, st->name);
        }
    }
    n = tp_arena_alloc(c->a, sizeof(*n) * (st->nplans + 1));
    if (n == NULL) {
        return tp_conf_error(c, s, "out of memory");
    }
    if (st->nplans > 0) {
        memcpy(n, st->plans, sizeof(*n) * st->nplans);
    }
    n[st->nplans++] = p;
    st->plans = n;
    return TP_OK;
}

static bool
lim_plan_has_stage(const struct tp_usage_plan *p, const struct tp_stage *st)
{
    unsigned i;

    for (i = 0; i < st->nplans; i++) {
        if (st->plans[i] == p) {
            return true;
        }
    }
    return false;
}

static int
lim_plan_methods(struct tp_conf_ctx *c, struct tp_usage_plan *p,
    const config_setting_t *l)
{
    int i, n = l != NULL ? config_setting_length(l) : 0;
    char who[200];
    struct tp_api *api;
    long r;

    snprintf(who, sizeof(who), "usage plan \"%s\"", p->name);
    p->methods = tp_arena_calloc(c->a, sizeof(*p->methods) * (size_t) (n + 1));
    for (i = 0; i < n; i++) {
        const config_setting_t *e = config_setting_get_elem(l, (unsigned) i);
        struct tp_plan_method *m = &p->methods[i];
        const config_setting_t *s;

        if (!config_setting_is_group(e) || tp_conf_apply(c, e, method_fields,
                TP_NELEM(method_fields), NULL) != TP_OK)
        {
            return c->failed ? TP_ERROR : tp_conf_error(c, e, "each "
                "method_throttles entry is { stage = \"API/STAGE\"; route = "
                "\"GET /x\"; throttle = { ... }; }");
        }
        s = config_setting_get_member(e, "stage");
        if (s == NULL) {
            return tp_conf_error(c, e, "%s: a method_throttles entry needs "
                "'stage'", who);
        }
        m->stage = lim_stage(c, s, who, &api);
        if (m->stage == NULL) {
            return TP_ERROR;
        }
        if (!lim_plan_has_stage(p, m->stage)) {
            return tp_conf_error(c, s, "%s: method_throttles names stage "
                "\"%s/%s\", which is not in the plan's stages", who, api->id,
                m->stage->name);
        }
        r = tp_conf_route_index(c, api, config_setting_get_member(e,
            "route"), who);
        if (r < 0) {
            return TP_ERROR;
        }
        m->route = r < (long) api->nroutes ? &api->routes[r]
                                           : api->default_route;
        s = config_setting_get_member(e, "throttle");
        if (s == NULL) {
            return tp_conf_error(c, e, "%s: a method_throttles entry needs "
                "'throttle'", who);
        }
        if (lim_throttle(c, s, &m->throttle) != TP_OK) {
            return TP_ERROR;
        }
    }
    p->nmethods = (unsigned) n;
    return TP_OK;
}

static int
lim_plan(struct tp_conf_ctx *c, struct tp_usage_plan *p,
    const config_setting_t *g)
{
    const config_setting_t *l, *s;
    char who[200];
    struct tp_api *api;
    struct tp_stage *st;
    unsigned i;
    int k;

    p->src = tp_conf_src(c, g);
    if (!config_setting_is_group(g)) {
        return tp_conf_error(c, g, "each usage plan is a group { name = "
            "...; stages = ( \"API/STAGE\" ); ... }");
    }
    if (tp_conf_apply(c, g, plan_fields, TP_NELEM(plan_fields), p) != TP_OK) {
        return TP_ERROR;
    }
    if (p->name == NULL || p->name[0] == '\0'
        || strlen(p->name) > TP_PLAN_NAME_MAX)
    {
        return tp_conf_error(c, g, "a usage plan needs a 'name' of 1 to 128 "
            "characters");
    }
    p->hash = tp_plan_hash(p->name);
    for (i = 0; c->m->plans + i < p; i++) {
        if (strcmp(c->m->plans[i].name, p->name) == 0) {
            return tp_conf_error(c, g, "duplicate usage plan \"%s\" (also "
                "at %s:%d)", p->name, c->m->plans[i].src.file,
                c->m->plans[i].src.line);
        }
    }
    snprintf(who, sizeof(who), "usage plan \"%s\"", p->name);
    l = config_setting_get_member(g, "stages");
    for (k = 0; l != NULL && k < config_setting_length(l); k++) {
        s = config_setting_get_elem(l, (unsigned) k);
        st = lim_stage(c, s, who, &api);
        if (st == NULL) {
            return TP_ERROR;
        }
        if (api->type != TP_API_REST) {
            return tp_conf_error(c, s, "%s: only REST APIs have usage plans "
                "(\"%s\" is an HTTP API)", who, api->id);
        }
        if (lim_stage_add_plan(c, st, p, s) != TP_OK) {
            return TP_ERROR;
        }
    }
    s = config_setting_get_member(g, "throttle");
    if (s != NULL && lim_throttle(c, s, &p->throttle) != TP_OK) {
        return TP_ERROR;
    }
    s = config_setting_get_member(g, "quota");
    if (s != NULL && lim_quota(c, p, s) != TP_OK) {
        return TP_ERROR;
    }
    return lim_plan_methods(c, p, config_setting_get_member(g,
        "method_throttles"));
}

static int
lim_plans(struct tp_conf_ctx *c, const config_setting_t *l)
{
    int i, n = config_setting_length(l);

    c->m->plans = tp_arena_calloc(c->a, sizeof(*c->m->plans)
        * (size_t) (n + 1));
    if (c->m->plans == NULL) {
        return tp_conf_error(c, l, "out of memory");
    }
    for (i = 0; i < n; i++) {
        if (lim_plan(c, &c->m->plans[i], config_setting_get_elem(l,
                (unsigned) i)) != TP_OK)
        {
            return TP_ERROR;
        }
        c->m->nplans++;
    }
    return TP_OK;
}

static struct tp_usage_plan *
lim_find_plan(const struct tp_model *m, const char *name)
{
    unsigned i;

    for (i = 0; i < m->nplans; i++) {
        if (strcmp(m->plans[i].name, name) == 0) {
            return &m->plans[i];
        }
    }
    return NULL;
}

/* AWS: a key is in at most one plan per stage. */
static int
lim_key_stages(struct tp_conf_ctx *c, const struct tp_conf_key *k,
    struct tp_usage_plan **plans, const config_setting_t *at)
{
    unsigned i, j, a, s;

    for (i = 0; i < c->m->napis; i++) {
        const struct tp_api *api = &c->m->apis[i];

        for (s = 0; s < api->nstages; s++) {
            const struct tp_stage *st = &api->stages[s];

            for (a = 0; a < k->info.nplans; a++) {
                for (j = a + 1; j < k->info.nplans; j++) {
                    if (lim_plan_has_stage(plans[a], st)
                        && lim_plan_has_stage(plans[j], st))
                    {
                        return tp_conf_error(c, at, "API key \"%s\": usage "
                            "plans \"%s\" and \"%s\" both serve stage "
                            "\"%s/%s\" (a key is in one plan per stage)",
                            k->name, plans[a]->name, plans[j]->name,
                            api->id, st->name);
                    }
                }
            }
        }
    }
    return TP_OK;
}

static int
lim_key_plans(struct tp_conf_ctx *c, struct tp_conf_key *k,
    const config_setting_t *g)
{
    const config_setting_t *l = config_setting_get_member(g, "plans");
    struct tp_usage_plan *plans[TP_APIKEY_MAX_PLANS];
    int i, n = l != NULL ? config_setting_length(l) : 0;

    if (n > TP_APIKEY_MAX_PLANS) {
        return tp_conf_error(c, l, "API key \"%s\" is in %d usage plans; "
            "at most %d", k->name, n, TP_APIKEY_MAX_PLANS);
    }
    k->plan_names = tp_arena_calloc(c->a, sizeof(char *) * (size_t) (n + 1));
    for (i = 0; i < n; i++) {
        const config_setting_t *s = config_setting_get_elem(l, (unsigned) i);
        const char *v = config_setting_get_string(s);

        plans[i] = v != NULL ? lim_find_plan(c->m, v) : NULL;
        if (plans[i] == NULL) {
            return tp_conf_error(c, s, "API key \"%s\" names usage plan "
                "\"%s\", which usage_plans does not define", k->name,
                v != NULL ? v : "");
        }
        k->plan_names[i] = plans[i]->name;
        k->info.plans[i] = plans[i]->hash;
        k->quota_ids[i] = tp_quota_id(plans[i]->hash, k->info.id);
        k->buckets[i] = tp_plan_bucket(k->quota_ids[i]);
    }
    k->info.nplans = (uint8_t) n;
    return lim_key_stages(c, k, plans, g);
}

static int
lim_key(struct tp_conf_ctx *c, struct tp_conf_key *k, unsigned idx,
    const config_setting_t *g)
{
    const config_setting_t *v;
    const char *why, *value;
    unsigned i;

    k->src = tp_conf_src(c, g);
    k->info.enabled = true;
    if (!config_setting_is_group(g)) {
        return tp_conf_error(c, g, "each API key is a group { name = ...; "
            "value = ...; plans = ( ... ); }");
    }
    if (tp_conf_apply(c, g, key_fields, TP_NELEM(key_fields), k) != TP_OK) {
        return TP_ERROR;
    }
    v = config_setting_get_member(g, "enabled");
    if (v != NULL) {
        if (config_setting_type(v) != CONFIG_TYPE_BOOL) {
            return tp_conf_error(c, v, "'enabled' must be true or false");
        }
        k->info.enabled = config_setting_get_bool(v) != 0;
    }
    if (k->name == NULL || k->name[0] == '\0'
        || strlen(k->name) > TP_APIKEY_NAME_MAX)
    {
        return tp_conf_error(c, g, "an API key needs a 'name' of 1 to 1024 "
            "characters");
    }
    v = config_setting_get_member(g, "value");
    value = v != NULL ? config_setting_get_string(v) : NULL;
    if (value == NULL) {
        return tp_conf_error(c, v != NULL ? v : g, "API key \"%s\" needs a "
            "'value' string (20 to 128 characters)", k->name);
    }
    why = tp_apikey_value_error(value, strlen(value));
    if (why != NULL) {
        return tp_conf_error(c, v, "API key \"%s\": %s", k->name, why);
    }
    tp_apikey_hash(value, strlen(value), k->hash);
    tp_apikey_id_from_name(k->name, k->info.id);
    for (i = 0; i < idx; i++) {
        if (strcmp(c->m->keys[i].name, k->name) == 0) {
            return tp_conf_error(c, g, "duplicate API key name \"%s\"",
                k->name);
        }
        if (memcmp(c->m->keys[i].hash, k->hash, sizeof(k->hash)) == 0) {
            return tp_conf_error(c, v, "API keys \"%s\" and \"%s\" have the "
                "same value", c->m->keys[i].name, k->name);
        }
    }
    return lim_key_plans(c, k, g);
}

static int
lim_key_cmp(const void *a, const void *b)
{
    return memcmp(((const struct tp_conf_key *) a)->hash,
        ((const struct tp_conf_key *) b)->hash, TP_APIKEY_HASH_LEN);
}

static int
lim_keys(struct tp_conf_ctx *c, const config_setting_t *l)
{
    int i, n = config_setting_length(l);

    c->m->keys = tp_arena_calloc(c->a, sizeof(*c->m->keys)
        * (size_t) (n + 1));
    if (c->m->keys == NULL) {
        return tp_conf_error(c, l, "out of memory");
    }
    /* Names and values are compared pairwise: a file holds few keys
     * (turnpikectl manages the many). */
    for (i = 0; i < n; i++) {
        if (lim_key(c, &c->m->keys[i], (unsigned) i,
                config_setting_get_elem(l, (unsigned) i)) != TP_OK)
        {
            return TP_ERROR;
        }
    }
    c->m->nkeys = (unsigned) n;
    if (n == 0) {
        return TP_OK;   /* qsort() takes no NULL base */
    }
    qsort(c->m->keys, c->m->nkeys, sizeof(*c->m->keys), lim_key_cmp);
    return TP_OK;
}

/* Routes that need a key, where the key can never come: with
 * api_key_source AUTHORIZER only a Lambda authorizer's
 * usageIdentifierKey brings one. */
static void
lim_warn_keys(struct tp_conf_ctx *c)
{
    unsigned i, k;

    for (i = 0; i < c->m->napis; i++) {
        const struct tp_api *api = &c->m->apis[i];

        if (api->api_key_source == NULL
            || strcmp(api->api_key_source, "AUTHORIZER") != 0)
        {
            continue;
        }
        for (k = 0; k < api->nroutes; k++) {
            const struct tp_route *r = &api->routes[k];

            if (r->api_key_required && r->authorizer == NULL
                && r->authorization != TP_AUTHZ_CUSTOM)
            {
                tp_conf_warn_at(c, r->src, "route '%s' requires an API key, "
                    "but api \"%s\" takes keys from a Lambda authorizer "
                    "(api_key_source AUTHORIZER) and the route has none: it "
                    "answers 403", r->key, api->id);
            }
        }
    }
}

int
tp_conf_limits(struct tp_conf_ctx *c, config_t *cfg)
{
    const config_setting_t *s = config_lookup(cfg, "throttle");

    /* API Gateway's account defaults (limits.md). */
    c->m->account = (struct tp_throttle) { 10000.0, 5000, true,
        { NULL, 0 } };
    if (s != NULL && lim_throttle(c, s, &c->m->account) != TP_OK) {
        return TP_ERROR;
    }
    if (lim_stages(c, cfg) != TP_OK) {
        return TP_ERROR;
    }
    s = config_lookup(cfg, "usage_plans");
    if (s != NULL && lim_plans(c, s) != TP_OK) {
        return TP_ERROR;
    }
    s = config_lookup(cfg, "api_keys");
    if (s != NULL && lim_keys(c, s) != TP_OK) {
        return TP_ERROR;
    }
    lim_warn_keys(c);
    return TP_OK;
}
