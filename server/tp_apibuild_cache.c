/*
 * tp_apibuild_cache.c: an integration's cache key parameters
 * (cacheKeyParameters) compiled like mapping sources, and its cache
 * namespace.  Master only.
 */
#include "tp_apibuild.h"
#include "tp_expr.h"

static bool
cache_key_source(const char *k)
{
    static const char *const ok[] = {
        "method.request.path.", "method.request.querystring.",
        "method.request.multivaluequerystring.", "method.request.header.",
        "method.request.multivalueheader."
    };
    unsigned i;

    for (i = 0; i < TP_NELEM(ok); i++) {
        if (strncmp(k, ok[i], strlen(ok[i])) == 0 && k[strlen(ok[i])] != 0) {
            return true;
        }
    }
    return false;
}

int
tp_build_cache_keys(struct tp_conf_ctx *c, const struct tp_build_integ *b,
    struct tp_integration *in)
{
    char err[256];
    unsigned i;

    in->cache_ns = b->cache_ns != NULL && b->cache_ns[0] != '\0'
        ? tp_arena_strdup(c->a, b->cache_ns) : NULL;
    if (b->ncache_keys == 0) {
        return TP_OK;
    }
    in->cache_keys = tp_arena_calloc(c->a, sizeof(*in->cache_keys)
        * b->ncache_keys);
    in->cache_key_names = tp_arena_calloc(c->a,
        sizeof(*in->cache_key_names) * b->ncache_keys);
    if (in->cache_keys == NULL || in->cache_key_names == NULL) {
        return tp_conf_error_at(c, b->src, "out of memory");
    }
    for (i = 0; i < b->ncache_keys; i++) {
        const char *k = b->cache_keys[i];

        /* The request's head only: a constant or a stage variable would
         * not tell requests apart, and the body is not read yet when the
         * cache is looked up. */
        if (!cache_key_source(k)
            || tp_expr_rest(c->a, TP_MAP_REST_REQUEST, k,
                &in->cache_keys[i], err, sizeof(err)) != TP_OK)
        {
            return tp_conf_error_at(c, b->src, "cache key parameter \"%s\": "
                "expected method.request.path.NAME, "
                "method.request.querystring.NAME or "
                "method.request.header.NAME", k);
        }
        in->cache_key_names[i] = tp_arena_strdup(c->a, k);
    }
    in->ncache_keys = b->ncache_keys;
    return TP_OK;
}
