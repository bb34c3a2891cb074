/*
 * tp_lev_json.h: the JSON pieces that Lambda proxy events
 * (tp_lambda_event.c) and Lambda authorizer events (tp_lauth_event.c)
 * share: name/value maps of repeated names (headers, query string,
 * parameters) in their three shapes, REST and 1.0's six maps, and 2.0's
 * requestContext members after the authorizer.  Pure.
 */
#ifndef TP_LEV_JSON_H
#define TP_LEV_JSON_H

#include "tp_core.h"
#include "tp_arena.h"
#include "tp_jsonw.h"

struct tp_lev_kv {
    struct tp_str name;
    struct tp_str value;
};

/* What a map gives for each name. */
enum tp_lev_map_kind {
    TP_LEV_MAP_LAST = 0,             /* "name": its last value */
    TP_LEV_MAP_MULTI,                /* "name": [every value] */
    TP_LEV_MAP_JOIN                  /* "name": "v1,v2" (2.0) */
};

/* What an empty map is. */
enum tp_lev_map_empty {
    TP_LEV_EMPTY_NULL = 0,           /* "key": null */
    TP_LEV_EMPTY_OMIT,               /* no member */
    TP_LEV_EMPTY_OBJECT              /* "key": {} */
};

/* "key": a string (NULL <v.p>: null). */
void tp_lev_member(struct tp_jsonw *w, const char *key, struct tp_str v);

/*
 * Member <key>: the map of <kv, n>, one entry per name in order of first
 * appearance, named as it first appears; names compare case-insensitively
 * when <nocase>.  Out of memory sets w->err.
 */
void tp_lev_map(struct tp_jsonw *w, struct tp_arena *a, const char *key,
    const struct tp_lev_kv *kv, unsigned n, bool nocase,
    enum tp_lev_map_kind kind, enum tp_lev_map_empty empty);

/* REST and 1.0: headers, multiValueHeaders, queryStringParameters,
 * multiValueQueryStringParameters, pathParameters, stageVariables. */
struct tp_lev_maps1 {
    const struct tp_lev_kv *headers, *query, *path_params, *stage_vars;
    unsigned nheaders, nquery, npath_params, nstage_vars;
};

void tp_lev_maps_v1(struct tp_jsonw *w, struct tp_arena *a,
    const struct tp_lev_maps1 *m, enum tp_lev_map_empty empty);

/* 2.0 requestContext's members from domainName on (after accountId,
 * apiId and what the authorizer adds). */
struct tp_lev_ctx2 {
    struct tp_str domain_name, domain_prefix;
    struct tp_str method, path, protocol, source_ip, user_agent;
    struct tp_str request_id, route_key, stage, time;
    struct tp_str time_epoch;        /* JSON number text */
};

void tp_lev_ctx2_rest(struct tp_jsonw *w, const struct tp_lev_ctx2 *c);

#endif /* TP_LEV_JSON_H */
