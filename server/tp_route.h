/*
 * tp_route.h: the route trie of one API.
 *
 * Compiled by the master at config load, matched by workers.  One node per
 * path segment; at each node a literal child beats a {param} child, which
 * beats a {name+} greedy child (API Gateway's most-specific-match rule), and
 * a matched path picks the method's route or else the ANY route.
 */
#ifndef TP_ROUTE_H
#define TP_ROUTE_H

#include "tp_core.h"
#include "tp_arena.h"
#include "tp_model.h"

struct tp_route_match {
    struct tp_route *route;          /* NULL: nothing matched */
    bool path_matched;               /* a resource exists, method does not */
    unsigned nparams;
    struct tp_str params[TP_ROUTE_MAX_PARAMS]; /* raw (still %-encoded) */
};

/*
 * Parses <key> ("GET /a/{b}", "ANY /{proxy+}") into <r> (method, path,
 * params).  On error returns TP_ERROR with a message in <err>.
 */
int tp_route_parse_key(struct tp_arena *a, const char *key,
    struct tp_route *r, char *err, size_t errlen);

/*
 * Adds <r> to api->trie (created on first use).  TP_ERROR with <err>
 * naming the route on a conflict.
 */
int tp_route_add(struct tp_arena *a, struct tp_api *api, struct tp_route *r,
    char *err, size_t errlen);

/*
 * Builds api->trie from api->routes.  TP_ERROR with <err> set on a conflict
 * (the same method and path twice, two different names for one {param}).
 */
int tp_route_compile(struct tp_arena *a, struct tp_api *api, char *err,
    size_t errlen);

/*
 * Matches <method> and the resource <path> (no query, starts with '/') in
 * <api>.  Pure: no allocation; <out> points into <path>.
 */
void tp_route_match(const struct tp_api *api, int method, const char *path,
    size_t len, struct tp_route_match *out);

#endif /* TP_ROUTE_H */
