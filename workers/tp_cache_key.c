/*
 * tp_cache_key.c: whether a request uses its stage's response cache, for
 * how long, and under which key.  The key is the stage's namespace (so
 * that a stage is flushed as a range) and a SHA-256 over the method, the
 * resource (or the integration's cacheNamespace) and the values of the
 * integration's cacheKeyParameters, as API Gateway composes it.  Workers
 * only.
 */
#include "tp_cache_key.h"
#include "tp_apikey.h"
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
        rc = &sc->routes[rt == r->api->default_route ? r->api->nroutes
            : (unsigned) (rt - r->api->routes)];
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

/* Appends <n> bytes and a NUL separator to the key material. */
static void
key_put(char *buf, size_t cap, size_t *len, const char *p, size_t n)
{
    if (*len + n + 1 <= cap) {
        memcpy(buf + *len, p, n);
        buf[*len + n] = '\0';
    }
    *len += n + 1;                   /* past <cap>: the caller allocates */
}

static size_t
key_material(struct tp_request *r, char *buf, size_t cap)
{
    const struct tp_integration *in = &r->match.route->integ;
    enum tp_http_method m = r->msg.method == TP_HTTP_HEAD ? TP_HTTP_GET
                                                         : r->msg.method;
    const char *name = tp_http_method_name(m);
    const char *res = in->cache_ns != NULL ? in->cache_ns
                                           : r->match.route->path;
    struct tp_str v;
    size_t len = 0;
    unsigned i;

    key_put(buf, cap, &len, name, strlen(name));
    key_put(buf, cap, &len, res, strlen(res));
    for (i = 0; i < in->ncache_keys; i++) {
        const char *k = in->cache_key_names[i];

        key_put(buf, cap, &len, k, strlen(k));
        /* An absent parameter differs from an empty one. */
        if (tp_expr_eval(&in->cache_keys[i], r, NULL, &v) == TP_OK) {
            key_put(buf, cap, &len, "=", 1);
            key_put(buf, cap, &len, v.p, v.len);
        } else {
            key_put(buf, cap, &len, "-", 1);
        }
    }
    return len;
}

int
tp_cache_key_make(struct tp_request *r)
{
    uint8_t digest[TP_APIKEY_HASH_LEN];
    char small[1024], *buf = small;
    size_t len = key_material(r, small, sizeof(small));
    uint64_t ns = r->stage->hash;

    if (len > sizeof(small)) {
        buf = tp_arena_alloc(&r->c->arena, len);
        if (buf == NULL || key_material(r, buf, len) != len) {
            return TP_ERROR;
        }
    }
    tp_cache_key_ns(ns, r->cache.key);
    tp_apikey_hash(buf, len, digest);    /* SHA-256 of the material */
    memcpy(r->cache.key + 8, digest, 24);
    return TP_OK;
}

void
tp_cache_key_ns(uint64_t stage_hash, uint8_t ns[8])
{
    unsigned i;

    for (i = 0; i < 8; i++) {
        ns[i] = (uint8_t) (stage_hash >> (56 - 8 * i));
    }
}
