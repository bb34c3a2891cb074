/*
 * tp_route.c: route keys and the per-API route trie.
 * Compilation runs in the master; matching in workers (no allocation).
 */
#include "tp_route.h"
#include "tp_http_parse.h"

#include <stdio.h>

struct tp_route_child {
    const char *seg;
    size_t len;
    struct tp_route_node *node;
};

struct tp_route_node {
    struct tp_route_child *lits;     /* sorted by (len, bytes) */
    unsigned nlits;
    unsigned lits_cap;               /* grows by doubling: no waste */
    struct tp_route_node *param;     /* {name} */
    const char *param_name;
    struct tp_route_node *greedy;    /* {name+}: a leaf */
    const char *greedy_name;
    struct tp_route *methods[16];    /* by enum tp_http_method; [15] = ANY */
};

static const char *const route_methods[] = {
    "GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"
};

static int
route_err(char *err, size_t errlen, const char *fmt, const char *arg)
{
    snprintf(err, errlen, fmt, arg);
    return TP_ERROR;
}

static int
route_parse_method(const char *m, size_t len)
{
    size_t i;

    if (len == 3 && memcmp(m, "ANY", 3) == 0) {
        return TP_ROUTE_ANY;
    }
    for (i = 0; i < TP_NELEM(route_methods); i++) {
        if (strlen(route_methods[i]) == len
            && memcmp(route_methods[i], m, len) == 0)
        {
            return (int) tp_http_method_from(m, len);
        }
    }
    return -1;
}

/* Checks one path segment; records a parameter name when it is {x}/{x+}. */
static int
route_parse_segment(struct tp_arena *a, struct tp_route *r, const char *s,
    size_t len, bool last, char *err, size_t errlen)
{
    size_t i;
    bool plus;

    if (len == 0) {
        return route_err(err, errlen, "empty path segment in route '%s'",
            r->key);
    }
    if (s[0] != '{') {
        for (i = 0; i < len; i++) {
            if (s[i] == '{' || s[i] == '}' || (unsigned char) s[i] <= 0x20) {
                return route_err(err, errlen,
                    "invalid character in path of route '%s'", r->key);
            }
        }
        return TP_OK;
    }
    plus = len >= 3 && s[len - 2] == '+';
    if (s[len - 1] != '}' || len < 3 + (plus ? 1 : 0)) {
        return route_err(err, errlen, "malformed {parameter} in route '%s'",
            r->key);
    }
    if (plus && !last) {
        return route_err(err, errlen,
            "a greedy {name+} parameter must be the last segment of '%s'",
            r->key);
    }
    if (r->nparams == TP_ROUTE_MAX_PARAMS) {
        return route_err(err, errlen, "too many parameters in route '%s'",
            r->key);
    }
    r->params[r->nparams] = tp_arena_strndup(a, s + 1, len - 2 - plus);
    if (r->params[r->nparams] == NULL) {
        return route_err(err, errlen, "out of memory%s", "");
    }
    for (i = 0; i < r->nparams; i++) {
        if (strcmp(r->params[i], r->params[r->nparams]) == 0) {
            return route_err(err, errlen,
                "duplicate parameter name in route '%s'", r->key);
        }
    }
    r->nparams++;
    r->greedy = plus;
    return TP_OK;
}

int
tp_route_parse_key(struct tp_arena *a, const char *key, struct tp_route *r,
    char *err, size_t errlen)
{
    const char *sp = strchr(key, ' ');
    const char *p, *end, *slash;
    int m;

    r->key = key;
    r->nparams = 0;
    r->greedy = false;
    if (sp == NULL || sp[1] != '/') {
        return route_err(err, errlen,
            "route '%s' must be \"METHOD /path\" (e.g. \"GET /pets/{id}\")",
            key);
    }
    m = route_parse_method(key, (size_t) (sp - key));
    if (m < 0) {
        return route_err(err, errlen, "unknown method in route '%s' "
            "(GET HEAD POST PUT DELETE OPTIONS PATCH ANY)", key);
    }
    r->method = (uint8_t) m;
    r->path = sp + 1;
    end = r->path + strlen(r->path);
    if (end - r->path > 1 && end[-1] == '/') {
        return route_err(err, errlen, "route '%s' must not end with '/'", key);
    }
    for (p = r->path + 1; p < end; p = slash + 1) {
        slash = memchr(p, '/', (size_t) (end - p));
        if (slash == NULL) {
            slash = end;
        }
        if (end - r->path == 1) {
            break;                   /* the root resource "/" */
        }
        if (route_parse_segment(a, r, p, (size_t) (slash - p), slash == end,
                err, errlen) != TP_OK)
        {
            return TP_ERROR;
        }
    }
    return TP_OK;
}

static struct tp_route_node *
route_child(struct tp_arena *a, struct tp_route_node *n, const char *seg,
    size_t len, char *err, size_t errlen)
{
    struct tp_route_child *c;
    unsigned i, j;
    bool plus;

    if (seg[0] == '{') {
        plus = seg[len - 2] == '+';
        struct tp_route_node **slot = plus ? &n->greedy : &n->param;
        const char **name = plus ? &n->greedy_name : &n->param_name;

        if (*slot == NULL) {
            *slot = tp_arena_calloc(a, sizeof(**slot));
            *name = tp_arena_strndup(a, seg + 1, len - 2 - plus);
        } else if (strlen(*name) != len - 2 - plus
            || memcmp(*name, seg + 1, len - 2 - plus) != 0)
        {
            snprintf(err, errlen, "conflicting parameter names {%s} and "
                "{%.*s} at the same position", *name,
                (int) (len - 2 - plus), seg + 1);
            return NULL;
        }
        return *slot;
    }
    for (i = 0; i < n->nlits; i++) {
        if (n->lits[i].len == len && memcmp(n->lits[i].seg, seg, len) == 0) {
            return n->lits[i].node;
        }
    }
    /* Insert keeping (len, bytes) order for the binary search in match. */
    if (n->nlits == n->lits_cap) {
        n->lits_cap = n->lits_cap == 0 ? 4 : n->lits_cap * 2;
        c = tp_arena_alloc(a, sizeof(*c) * n->lits_cap);
        if (c == NULL) {
            return NULL;
        }
        if (n->nlits > 0) {
            memcpy(c, n->lits, sizeof(*c) * n->nlits);
        }
        n->lits = c;
    }
    c = n->lits;
    for (i = 0; i < n->nlits; i++) {
        if (c[i].len > len || (c[i].len == len
                && memcmp(c[i].seg, seg, len) > 0))
        {
            break;
        }
    }
    for (j = n->nlits; j > i; j--) {
        c[j] = c[j - 1];
    }
    c[i].seg = seg;
    c[i].len = len;
    c[i].node = tp_arena_calloc(a, sizeof(struct tp_route_node));
    n->nlits++;
    return c[i].node;
}

int
tp_route_add(struct tp_arena *a, struct tp_api *api, struct tp_route *r,
    char *err, size_t errlen)
{
    struct tp_route_node *n;
    char why[256];
    const char *p = r->path + 1, *end = r->path + strlen(r->path), *slash;

    if (api->trie == NULL) {
        api->trie = tp_arena_calloc(a, sizeof(*api->trie));
        if (api->trie == NULL) {
            snprintf(err, errlen, "out of memory");
            return TP_ERROR;
        }
    }
    n = api->trie;
    while (p < end) {
        slash = memchr(p, '/', (size_t) (end - p));
        if (slash == NULL) {
            slash = end;
        }
        why[0] = '\0';
        n = route_child(a, n, p, (size_t) (slash - p), why, sizeof(why));
        if (n == NULL) {
            snprintf(err, errlen, "route '%s': %s", r->key,
                why[0] != '\0' ? why : "out of memory");
            return TP_ERROR;
        }
        p = slash + 1;
    }
    if (n->methods[r->method] != NULL) {
        snprintf(err, errlen, "route '%s' is defined twice", r->key);
        return TP_ERROR;
    }
    n->methods[r->method] = r;
    return TP_OK;
}

int
tp_route_compile(struct tp_arena *a, struct tp_api *api, char *err,
    size_t errlen)
{
    unsigned i;

    api->trie = NULL;
    for (i = 0; i < api->nroutes; i++) {
        if (tp_route_add(a, api, &api->routes[i], err, errlen) != TP_OK) {
            return TP_ERROR;
        }
    }
    if (api->trie == NULL) {
        api->trie = tp_arena_calloc(a, sizeof(*api->trie));
    }
    return api->trie != NULL ? TP_OK : TP_ERROR;
}

static const struct tp_route_node *
route_find_lit(const struct tp_route_node *n, const char *seg, size_t len)
{
    unsigned lo = 0, hi = n->nlits;

    while (lo < hi) {
        unsigned mid = (lo + hi) / 2;
        const struct tp_route_child *c = &n->lits[mid];
        int cmp = c->len != len ? (c->len < len ? -1 : 1)
                                : memcmp(c->seg, seg, len);

        if (cmp == 0) {
            return c->node;
        }
        if (cmp < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return NULL;
}

static struct tp_route *
route_pick(const struct tp_route_node *n, int method, bool *path_matched)
{
    struct tp_route *r;

    r = (method > 0 && method < 15) ? n->methods[method] : NULL;
    /* ANY covers the seven methods API Gateway knows, not TRACE/CONNECT. */
    if (r == NULL && method >= TP_HTTP_GET && method <= TP_HTTP_PATCH) {
        r = n->methods[TP_ROUTE_ANY];
    }
    for (int i = 0; r == NULL && i < 16; i++) {
        if (n->methods[i] != NULL) {
            *path_matched = true;
        }
    }
    return r;
}

/*
 * Depth-first with backtracking: literal, then {param}, then {greedy+}.
 * Depth is bounded by the number of segments of the configured routes.
 */
static struct tp_route *
route_walk(const struct tp_route_node *n, int method, const char *p,
    const char *end, struct tp_route_match *out)
{
    const struct tp_route_node *c;
    const char *slash;
    struct tp_route *r;
    unsigned saved = out->nparams;

    if (p >= end) {
        return route_pick(n, method, &out->path_matched);
    }
    slash = memchr(p, '/', (size_t) (end - p));
    if (slash == NULL) {
        slash = end;
    }
    c = route_find_lit(n, p, (size_t) (slash - p));
    if (c != NULL) {
        r = route_walk(c, method, slash < end ? slash + 1 : end, end, out);
        if (r != NULL) {
            return r;
        }
    }
    if (n->param != NULL && slash > p && saved < TP_ROUTE_MAX_PARAMS) {
        out->params[saved] = (struct tp_str) { p, (size_t) (slash - p) };
        out->nparams = saved + 1;
        r = route_walk(n->param, method, slash < end ? slash + 1 : end, end,
            out);
        if (r != NULL) {
            return r;
        }
        out->nparams = saved;
    }
    if (n->greedy != NULL && saved < TP_ROUTE_MAX_PARAMS) {
        out->params[saved] = (struct tp_str) { p, (size_t) (end - p) };
        out->nparams = saved + 1;
        r = route_pick(n->greedy, method, &out->path_matched);
        if (r != NULL) {
            return r;
        }
        out->nparams = saved;
    }
    return NULL;
}

/*
 * REST APIs resolve the resource first (API Gateway's resource tree), then
 * the method on it: a request whose path names an existing resource that
 * lacks the method is refused (403), not handed to a less specific
 * {proxy+}.  Backtracking only happens when a branch cannot match the
 * path at all.
 */
static const struct tp_route_node *
route_resource(const struct tp_route_node *n, const char *p, const char *end,
    struct tp_route_match *out)
{
    const struct tp_route_node *c, *found;
    const char *slash;
    unsigned saved = out->nparams;

    if (p >= end) {
        return n;
    }
    slash = memchr(p, '/', (size_t) (end - p));
    if (slash == NULL) {
        slash = end;
    }
    c = route_find_lit(n, p, (size_t) (slash - p));
    if (c != NULL) {
        found = route_resource(c, slash < end ? slash + 1 : end, end, out);
        if (found != NULL) {
            return found;
        }
    }
    if (n->param != NULL && slash > p && saved < TP_ROUTE_MAX_PARAMS) {
        out->params[saved] = (struct tp_str) { p, (size_t) (slash - p) };
        out->nparams = saved + 1;
        found = route_resource(n->param, slash < end ? slash + 1 : end, end,
            out);
        if (found != NULL) {
            return found;
        }
        out->nparams = saved;
    }
    if (n->greedy != NULL && saved < TP_ROUTE_MAX_PARAMS) {
        out->params[saved] = (struct tp_str) { p, (size_t) (end - p) };
        out->nparams = saved + 1;
        return n->greedy;
    }
    return NULL;
}

void
tp_route_match(const struct tp_api *api, int method, const char *path,
    size_t len, struct tp_route_match *out)
{
    const struct tp_route_node *n;

    out->nparams = 0;
    out->path_matched = false;
    out->route = NULL;
    if (api->trie == NULL || len == 0 || path[0] != '/') {
        return;
    }
    if (api->type == TP_API_REST) {
        n = route_resource(api->trie, path + 1, path + len, out);
        if (n != NULL) {
            out->route = route_pick(n, method, &out->path_matched);
        }
        return;
    }
    /* HTTP APIs: routes are (method, path) pairs, the most specific one
     * that matches both wins. */
    out->route = route_walk(api->trie, method, path + 1, path + len, out);
}
