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
    tp_lev_member(w, "path", path);
    tp_lev_member(w, "accountId", q->account_id);
    tp_lev_member(w, "resourceId", q->resource_id);
    tp_lev_member(w, "stage", q->stage);
    tp_lev_member(w, "domainName", q->domain_name);
    tp_lev_member(w, "domainPrefix", q->domain_prefix);
    tp_lev_member(w, "requestId", q->request_id);
    tp_lev_member(w, "protocol", q->protocol);
    tp_lev_member(w, "requestTime", q->time);
    tp_jsonw_key(w, "requestTimeEpoch");
    tp_jsonw_raw(w, q->time_epoch.p != NULL ? q->time_epoch : TP_STR("0"));
    tp_lev_member(w, "resourcePath", q->resource);
    tp_lev_member(w, "httpMethod", q->method);
    tp_lev_member(w, "apiId", q->api_id);
    tp_jsonw_key(w, "identity");
    tp_jsonw_open(w, '{');
    tp_lev_member(w, "apiKey", q->api_key);
    tp_lev_member(w, "sourceIp", q->source_ip);
    tp_lev_member(w, "userAgent", q->user_agent);
    tp_jsonw_close(w, '}');
    tp_jsonw_close(w, '}');
}

static void
ev_rest(struct tp_jsonw *w, const struct tp_lauth_req *q,
    enum tp_lauth_format format, struct tp_arena *a)
{
    struct tp_lev_maps1 m = {
        q->headers, q->query, q->path_params, q->stage_vars,
        q->nheaders, q->nquery, q->npath_params, q->nstage_vars
    };
    struct tp_str ids;

    if (format == TP_LAUTH_HTTP_1) {
        ids = ev_joined(q, a);
        tp_lev_member(w, "version", TP_STR("1.0"));
        tp_lev_member(w, "identitySource", ids);
        tp_lev_member(w, "authorizationToken", ids);
    }
    tp_lev_member(w, "type", TP_STR("REQUEST"));
    tp_lev_member(w, "methodArn", q->arn);
    tp_lev_member(w, "resource", q->resource);
    tp_lev_member(w, "path", q->path);
    tp_lev_member(w, "httpMethod", q->method);
    tp_lev_maps_v1(w, a, &m, TP_LEV_EMPTY_OBJECT);
    ev_rest_context(w, q, a);
}

static void
ev_http2_context(struct tp_jsonw *w, const struct tp_lauth_req *q)
{
    struct tp_lev_ctx2 c = {
        q->domain_name, q->domain_prefix, q->method, q->path, q->protocol,
        q->source_ip, q->user_agent, q->request_id, q->route_key, q->stage,
        q->time, q->time_epoch.p != NULL ? q->time_epoch : TP_STR("0")
    };

    tp_jsonw_key(w, "requestContext");
    tp_jsonw_open(w, '{');
    tp_lev_member(w, "accountId", q->account_id);
    tp_lev_member(w, "apiId", q->api_id);
    tp_lev_ctx2_rest(w, &c);
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
    struct tp_lev_kv *h;
    unsigned i, n = 0;

    tp_lev_member(w, "version", TP_STR("2.0"));
    tp_lev_member(w, "type", TP_STR("REQUEST"));
    tp_lev_member(w, "routeArn", q->arn);
    tp_jsonw_key(w, "identitySource");
    tp_jsonw_open(w, '[');
    for (i = 0; i < q->nidentity; i++) {
        tp_jsonw_str(w, q->identity[i]);
    }
    tp_jsonw_close(w, ']');
    tp_lev_member(w, "routeKey", q->route_key);
    tp_lev_member(w, "rawPath", q->path);
    tp_lev_member(w, "rawQueryString", q->raw_query.p != NULL ? q->raw_query
        : TP_STR(""));
    ev_cookies(w, q);
    /* cookies travel in "cookies", not among the headers, whose names
     * 2.0 gives in lower case */
    h = tp_arena_alloc(a, sizeof(*h) * (q->nheaders + 1));
    if (h == NULL) {
        w->err = true;
        return;
    }
    for (i = 0; i < q->nheaders; i++) {
        if (!tp_str_caseeq(q->headers[i].name, "cookie")) {
            h[n].name = ev_lower(q->headers[i].name, a);
            h[n++].value = q->headers[i].value;
        }
    }
    tp_lev_map(w, a, "headers", h, n, true, TP_LEV_MAP_JOIN,
        TP_LEV_EMPTY_OBJECT);
    tp_lev_map(w, a, "queryStringParameters", q->query, q->nquery, false,
        TP_LEV_MAP_JOIN, TP_LEV_EMPTY_OMIT);
    ev_http2_context(w, q);
    tp_lev_map(w, a, "pathParameters", q->path_params, q->npath_params,
        false, TP_LEV_MAP_LAST, TP_LEV_EMPTY_OMIT);
    tp_lev_map(w, a, "stageVariables", q->stage_vars, q->nstage_vars,
        false, TP_LEV_MAP_LAST, TP_LEV_EMPTY_OMIT);
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
        tp_lev_member(&w, "type", TP_STR("TOKEN"));
        tp_lev_member(&w, "authorizationToken", q->token);
        tp_lev_member(&w, "methodArn", q->arn);
    } else if (format == TP_LAUTH_HTTP_2) {
        ev_http2(&w, q, a);
    } else {
        ev_rest(&w, q, format, a);
    }
    tp_jsonw_close(&w, '}');
    return tp_jsonw_done(&w, &out) == TP_OK ? out : TP_NULL_STR;
}
