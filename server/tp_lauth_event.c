/*
 * tp_lauth_event.c: the event a Lambda authorizer gets (auth.md 2.1, 2.2,
 * 3): TOKEN, REST REQUEST, and HTTP APIs' REQUEST in payload formats 1.0
 * (the REST shape plus version, identitySource and authorizationToken)
 * and 2.0.  Pure: the values come in a struct tp_lauth_req.
 *
 * Repeated names: REST and 1.0 single-value maps keep the last value and
 * the multiValue* maps every one; 2.0 joins them with ',' (header names
 * lower case), as its integration events do (lambda.md 3).
 */
#include "tp_lauth.h"
#include "tp_jsonw.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

enum ev_map_mode {
    EV_LAST = 0,                     /* "name": last value */
    EV_MULTI,                        /* "name": [every value] */
    EV_JOIN                          /* "name": "v1,v2" */
};

static void
ev_kv(struct tp_jsonw *w, const char *key, struct tp_str v)
{
    tp_jsonw_key(w, key);
    tp_jsonw_str(w, v);
}

/* The values of <p>'s entries named like p[i], ',' between them. */
static struct tp_str
ev_join(const struct tp_lauth_pair *p, unsigned n, unsigned i, bool fold,
    struct tp_arena *a);

static bool
ev_same(struct tp_str a, struct tp_str b, bool fold)
{
    return a.len == b.len && (a.len == 0 || (fold
        ? strncasecmp(a.p, b.p, a.len) == 0 : memcmp(a.p, b.p, a.len) == 0));
}

/* A lower-case copy of <s> (2.0 header names); <s> when out of memory. */
static struct tp_str
ev_lower(struct tp_str s, struct tp_arena *a)
{
    char *p = tp_arena_alloc(a, s.len + 1);
    size_t i;

    if (p == NULL) {
        return s;
    }
    for (i = 0; i < s.len; i++) {
        p[i] = (char) tolower((unsigned char) s.p[i]);
    }
    p[s.len] = '\0';
    return (struct tp_str) { p, s.len };
}

/*
 * Member <key>: the map of <p, n> ({} when empty).  Names compare
 * case-insensitively when <fold> (headers).
 */
static void
ev_map(struct tp_jsonw *w, const char *key, const struct tp_lauth_pair *p,
    unsigned n, enum ev_map_mode mode, bool fold, struct tp_arena *a)
{
    unsigned i, k, last;
    struct tp_str name;
    bool seen;

    tp_jsonw_key(w, key);
    tp_jsonw_open(w, '{');
    for (i = 0; i < n; i++) {
        for (k = 0, seen = false; k < i && !seen; k++) {
            seen = ev_same(p[k].name, p[i].name, fold);
        }
        if (seen) {
            continue;                /* written with its first */
        }
        name = mode == EV_JOIN && fold ? ev_lower(p[i].name, a)
                                       : p[i].name;
        tp_jsonw_keyn(w, name);
        if (mode == EV_MULTI) {
            tp_jsonw_open(w, '[');
        }
        for (k = i, last = i; k < n; k++) {
            if (!ev_same(p[k].name, p[i].name, fold)) {
                continue;
            }
            if (mode == EV_MULTI) {
                tp_jsonw_str(w, p[k].value);
            }
            last = k;
        }
        if (mode == EV_MULTI) {
            tp_jsonw_close(w, ']');
        } else if (mode == EV_LAST) {
            tp_jsonw_str(w, p[last].value);
        } else {
            tp_jsonw_str(w, ev_join(p, n, i, fold, a));
        }
    }
    tp_jsonw_close(w, '}');
}

static struct tp_str
ev_join(const struct tp_lauth_pair *p, unsigned n, unsigned i, bool fold,
    struct tp_arena *a)
{
    size_t len = 0, off = 0;
    unsigned k;
    char *out;

    for (k = i; k < n; k++) {
        len += ev_same(p[k].name, p[i].name, fold) ? p[k].value.len + 1 : 0;
    }
    out = tp_arena_alloc(a, len + 1);
    if (out == NULL) {
        return TP_NULL_STR;          /* written as null: still JSON */
    }
    for (k = i; k < n; k++) {
        if (ev_same(p[k].name, p[i].name, fold)) {
            if (off > 0 || k > i) {
                out[off++] = ',';
            }
            memcpy(out + off, p[k].value.p, p[k].value.len);
            off += p[k].value.len;
        }
    }
    out[off] = '\0';
    return (struct tp_str) { out, off };
}

/* The identity values comma-joined (1.0's identitySource). */
static struct tp_str
ev_joined(const struct tp_lauth_req *q, struct tp_arena *a)
{
    size_t len = 0, off = 0;
    unsigned i;
    char *p;

    for (i = 0; i < q->nidentity; i++) {
        len += q->identity[i].len + 1;
    }
    p = tp_arena_alloc(a, len + 1);
    if (p == NULL) {
        return TP_NULL_STR;
    }
    for (i = 0; i < q->nidentity; i++) {
        if (i > 0) {
            p[off++] = ',';
        }
        memcpy(p + off, q->identity[i].p, q->identity[i].len);
        off += q->identity[i].len;
    }
    p[off] = '\0';
    return (struct tp_str) { p, off };
}

static void
ev_rest_context(struct tp_jsonw *w, const struct tp_lauth_req *q,
    struct tp_arena *a)
{
    struct tp_str path = TP_NULL_STR;

    if (q->stage.p != NULL && q->path.p != NULL) {
        path.p = tp_arena_sprintf(a, "/%.*s%.*s", (int) q->stage.len,
            q->stage.p, (int) q->path.len, q->path.p);
        path.len = path.p != NULL ? strlen(path.p) : 0;
    }
    tp_jsonw_key(w, "requestContext");
    tp_jsonw_open(w, '{');
    ev_kv(w, "path", path);
    ev_kv(w, "accountId", q->account_id);
    ev_kv(w, "resourceId", q->resource_id);
    ev_kv(w, "stage", q->stage);
    ev_kv(w, "domainName", q->domain_name);
    ev_kv(w, "domainPrefix", q->domain_prefix);
    ev_kv(w, "requestId", q->request_id);
    ev_kv(w, "protocol", q->protocol);
    ev_kv(w, "requestTime", q->time);
    tp_jsonw_key(w, "requestTimeEpoch");
    tp_jsonw_raw(w, q->time_epoch.p != NULL ? q->time_epoch : TP_STR("0"));
    ev_kv(w, "resourcePath", q->resource);
    ev_kv(w, "httpMethod", q->method);
    ev_kv(w, "apiId", q->api_id);
    tp_jsonw_key(w, "identity");
    tp_jsonw_open(w, '{');
    ev_kv(w, "apiKey", q->api_key);
    ev_kv(w, "sourceIp", q->source_ip);
    ev_kv(w, "userAgent", q->user_agent);
    tp_jsonw_close(w, '}');
    tp_jsonw_close(w, '}');
}

static void
ev_rest(struct tp_jsonw *w, const struct tp_lauth_req *q,
    enum tp_lauth_format format, struct tp_arena *a)
{
    struct tp_str ids;

    if (format == TP_LAUTH_HTTP_1) {
        ids = ev_joined(q, a);
        ev_kv(w, "version", TP_STR("1.0"));
        ev_kv(w, "identitySource", ids);
        ev_kv(w, "authorizationToken", ids);
    }
    ev_kv(w, "type", TP_STR("REQUEST"));
    ev_kv(w, "methodArn", q->arn);
    ev_kv(w, "resource", q->resource);
    ev_kv(w, "path", q->path);
    ev_kv(w, "httpMethod", q->method);
    ev_map(w, "headers", q->headers, q->nheaders, EV_LAST, true, a);
    ev_map(w, "multiValueHeaders", q->headers, q->nheaders, EV_MULTI, true,
        a);
    ev_map(w, "queryStringParameters", q->query, q->nquery, EV_LAST, false,
        a);
    ev_map(w, "multiValueQueryStringParameters", q->query, q->nquery,
        EV_MULTI, false, a);
    ev_map(w, "pathParameters", q->path_params, q->npath_params, EV_LAST,
        false, a);
    ev_map(w, "stageVariables", q->stage_vars, q->nstage_vars, EV_LAST,
        false, a);
    ev_rest_context(w, q, a);
}

static void
ev_http2_context(struct tp_jsonw *w, const struct tp_lauth_req *q)
{
    tp_jsonw_key(w, "requestContext");
    tp_jsonw_open(w, '{');
    ev_kv(w, "accountId", q->account_id);
    ev_kv(w, "apiId", q->api_id);
    ev_kv(w, "domainName", q->domain_name);
    ev_kv(w, "domainPrefix", q->domain_prefix);
    tp_jsonw_key(w, "http");
    tp_jsonw_open(w, '{');
    ev_kv(w, "method", q->method);
    ev_kv(w, "path", q->path);
    ev_kv(w, "protocol", q->protocol);
    ev_kv(w, "sourceIp", q->source_ip);
    ev_kv(w, "userAgent", q->user_agent);
    tp_jsonw_close(w, '}');
    ev_kv(w, "requestId", q->request_id);
    ev_kv(w, "routeKey", q->route_key);
    ev_kv(w, "stage", q->stage);
    ev_kv(w, "time", q->time);
    tp_jsonw_key(w, "timeEpoch");
    tp_jsonw_raw(w, q->time_epoch.p != NULL ? q->time_epoch : TP_STR("0"));
    tp_jsonw_close(w, '}');
}

/* The Cookie headers' cookies, split at ';' (2.0 "cookies"). */
static void
ev_cookies(struct tp_jsonw *w, const struct tp_lauth_req *q)
{
    const char *s, *e, *end;
    unsigned i;
    bool any = false;

    for (i = 0; i < q->nheaders; i++) {
        if (!tp_str_caseeq(q->headers[i].name, "cookie")) {
            continue;
        }
        end = q->headers[i].value.p + q->headers[i].value.len;
        for (s = q->headers[i].value.p; s < end; s = e + 1) {
            while (s < end && (*s == ' ' || *s == '\t')) {
                s++;
            }
            for (e = s; e < end && *e != ';'; e++) {
            }
            if (e > s) {
                if (!any) {
                    tp_jsonw_key(w, "cookies");
                    tp_jsonw_open(w, '[');
                    any = true;
                }
                tp_jsonw_str(w, (struct tp_str) { s, (size_t) (e - s) });
            }
        }
    }
    if (any) {
        tp_jsonw_close(w, ']');
    }
}

static void
ev_http2(struct tp_jsonw *w, const struct tp_lauth_req *q,
    struct tp_arena *a)
{
    struct tp_lauth_pair *h;
    unsigned i, n = 0;

    ev_kv(w, "version", TP_STR("2.0"));
    ev_kv(w, "type", TP_STR("REQUEST"));
    ev_kv(w, "routeArn", q->arn);
    tp_jsonw_key(w, "identitySource");
    tp_jsonw_open(w, '[');
    for (i = 0; i < q->nidentity; i++) {
        tp_jsonw_str(w, q->identity[i]);
    }
    tp_jsonw_close(w, ']');
    ev_kv(w, "routeKey", q->route_key);
    ev_kv(w, "rawPath", q->path);
    ev_kv(w, "rawQueryString", q->raw_query.p != NULL ? q->raw_query
        : TP_STR(""));
    ev_cookies(w, q);
    /* cookies travel in "cookies", not among the headers */
    h = tp_arena_alloc(a, sizeof(*h) * (q->nheaders + 1));
    for (i = 0; h != NULL && i < q->nheaders; i++) {
        if (!tp_str_caseeq(q->headers[i].name, "cookie")) {
            h[n++] = q->headers[i];
        }
    }
    ev_map(w, "headers", h != NULL ? h : q->headers, h != NULL ? n
        : q->nheaders, EV_JOIN, true, a);
    if (q->nquery > 0) {
        ev_map(w, "queryStringParameters", q->query, q->nquery, EV_JOIN,
            false, a);
    }
    ev_http2_context(w, q);
    if (q->npath_params > 0) {
        ev_map(w, "pathParameters", q->path_params, q->npath_params,
            EV_LAST, false, a);
    }
    if (q->nstage_vars > 0) {
        ev_map(w, "stageVariables", q->stage_vars, q->nstage_vars, EV_LAST,
            false, a);
    }
}

struct tp_str
tp_lauth_event(const struct tp_lauth_req *q, enum tp_lauth_format format,
    bool token, struct tp_arena *a)
{
    struct tp_jsonw w;
    struct tp_str out;

    tp_jsonw_init(&w, a, 2048);
    tp_jsonw_open(&w, '{');
    if (token) {
        ev_kv(&w, "type", TP_STR("TOKEN"));
        ev_kv(&w, "authorizationToken", q->token);
        ev_kv(&w, "methodArn", q->arn);
    } else if (format == TP_LAUTH_HTTP_2) {
        ev_http2(&w, q, a);
    } else {
        ev_rest(&w, q, format, a);
    }
    tp_jsonw_close(&w, '}');
    return tp_jsonw_done(&w, &out) == TP_OK ? out : TP_NULL_STR;
}
