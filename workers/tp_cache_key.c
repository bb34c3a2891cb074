/*
 * tp_cache_key.c: whether a request uses its stage's response cache, for
 * how long, and under which key.  The key is the stage's namespace (so
 * that a stage is flushed as a range) and a SHA-256 over the method, the
 * resource (or the integration's cacheNamespace) and the values of the
 * integration's cacheKeyParameters, as API Gateway composes it.  Workers
 * only.
 */
#include "tp_cache.h"
#include "tp_cache_key.h"
#include "tp_cache_keymat.h"
#include "tp_mapping.h"
#include "tp_worker.h"

bool
tp_cache_key_plan(struct tp_request *r)
{
    const struct tp_stage_cache *sc = &r->stage->cache;
    const struct tp_route *rt = r->match.route;
    const struct tp_route_cache *rc = NULL;
    enum tp_http_method m = r->msg.method;
    bool enabled;
    int64_t ttl;

    if (!sc->enabled || rt == NULL) {
        return false;
    }
    if (sc->routes != NULL) {
        rc = &sc->routes[tp_api_route_index(r->api, rt)];
    }
    /* Only GET by default (HEAD reads GET's entries); a route setting may
     * enable other methods or turn GET off. */
    enabled = rc != NULL && rc->enabled >= 0 ? rc->enabled != 0
        : m == TP_HTTP_GET || m == TP_HTTP_HEAD;
    ttl = rc != NULL && rc->ttl_s >= 0 ? rc->ttl_s : (int64_t) sc->ttl_s;
    if (!enabled || ttl <= 0) {
        return false;
    }
    r->cache.ttl_s = (uint32_t) ttl;
    return true;
}

/* The request's material; its length (see tp_cache_keymat()). */
static size_t
key_material(struct tp_request *r, char *buf, size_t cap)
{
    const struct tp_integration *in = &r->match.route->integ;
    struct tp_cache_keypart parts[16], *p = parts;
    enum tp_http_method m = r->msg.method == TP_HTTP_HEAD ? TP_HTTP_GET
                                                         : r->msg.method;
    const char *name = tp_http_method_name(m);
    const char *res = in->cache_ns != NULL ? in->cache_ns
                                           : r->match.route->path;
    unsigned i;
    size_t len;

    if (in->ncache_keys > TP_NELEM(parts)) {
        p = tp_arena_alloc(&r->c->arena, sizeof(*p) * in->ncache_keys);
        if (p == NULL) {
            return 0;
        }
    }
    for (i = 0; i < in->ncache_keys; i++) {
        p[i].name = (struct tp_str) { in->cache_key_names[i],
            strlen(in->cache_key_names[i]) };
        p[i].present = tp_expr_eval(&in->cache_keys[i], r, NULL,
            &p[i].value) == TP_OK;
    }
    len = tp_cache_keymat(buf, cap, (struct tp_str) { name, strlen(name) },
        (struct tp_str) { res, strlen(res) }, p, in->ncache_keys);
    return len;
}

int
tp_cache_key_make(struct tp_request *r)
{
    char small[1024], *buf = small;
    size_t len = key_material(r, small, sizeof(small));

    if (len == 0) {
        return TP_ERROR;
    }
    if (len > sizeof(small)) {
        buf = tp_arena_alloc(&r->c->arena, len);
        if (buf == NULL || key_material(r, buf, len) != len) {
            return TP_ERROR;
        }
    }
    tp_cache_keymat_key(r->stage->hash, buf, len, r->cache.key);
    return TP_OK;
}

_Static_assert(TP_CACHE_KEYLEN == TP_CACHE_KEY_LEN, "one key length");
