/*
 * tp_mapping.c: values of mapping expressions.  Workers only.
 */
#include "tp_mapping.h"
#include "tp_context.h"
#include "tp_json.h"
#include "tp_worker.h"

#include <strings.h>

bool
tp_query_get(struct tp_str q, const char *name, size_t len,
    struct tp_str *out)
{
    const char *p = q.p, *end = q.p + q.len, *amp, *eq;

    while (p < end) {
        amp = memchr(p, '&', (size_t) (end - p));
        if (amp == NULL) {
            amp = end;
        }
        eq = memchr(p, '=', (size_t) (amp - p));
        if ((size_t) ((eq != NULL ? eq : amp) - p) == len
            && memcmp(p, name, len) == 0)
        {
            /* A field without '=' has an empty value that still
             * points into the query (at its '&' or end), not at a
             * static "": query_all() resumes after a value. */
            *out = eq != NULL ? (struct tp_str) { eq + 1,
                                    (size_t) (amp - eq - 1) }
                              : (struct tp_str) { amp, 0 };
            return true;
        }
        p = amp + 1;
    }
    return false;
}

/* Every value of <name>, joined with ','. */
static bool
query_all(struct tp_request *r, const char *name, size_t len,
    struct tp_str *out)
{
    struct tp_str q = r->query, v;
    char *buf = NULL;
    size_t n = 0;
    const char *amp;

    while (tp_query_get(q, name, len, &v)) {
        char *grown = tp_arena_alloc(&r->c->arena, n + v.len + 2);

        if (grown == NULL) {
            return false;
        }
        if (buf != NULL) {           /* not n > 0: "" is a value too */
            memcpy(grown, buf, n);
            grown[n++] = ',';
        }
        memcpy(grown + n, v.p, v.len);
        n += v.len;
        buf = grown;
        amp = memchr(v.p, '&', (size_t) (q.p + q.len - v.p));
        if (amp == NULL) {
            break;
        }
        q = (struct tp_str) { amp + 1, (size_t) (q.p + q.len - amp - 1) };
    }
    if (buf == NULL) {
        return false;
    }
    *out = (struct tp_str) { buf, n };
    return true;
}

static bool
header_get(const struct tp_http_msg *m, const char *buf, const char *name,
    size_t len, bool all, struct tp_arena *a, struct tp_str *out)
{
    char *joined = NULL;
    size_t n = 0;
    unsigned i;

    for (i = 0; i < m->nhdrs; i++) {
        const struct tp_http_hdr *h = &m->hdrs[i];
        struct tp_str v = { buf + h->value_off, h->value_len };

        if (h->name_len != len
            || strncasecmp(buf + h->name_off, name, len) != 0)
        {
            continue;
        }
        if (!all) {
            *out = v;
            return true;
        }
        char *grown = tp_arena_alloc(a, n + v.len + 2);

        if (grown == NULL) {
            return false;
        }
        if (n > 0) {
            memcpy(grown, joined, n);
            grown[n++] = ',';
        }
        memcpy(grown + n, v.p, v.len);
        n += v.len;
        joined = grown;
    }
    if (joined == NULL) {
        return false;
    }
    *out = (struct tp_str) { joined, n };
    return true;
}

bool
tp_req_header_get(const struct tp_request *r, const char *name, bool all,
    struct tp_str *out)
{
    return header_get(&r->msg, r->c->buf, name, strlen(name), all,
        &r->c->arena, out);
}

static bool
path_param(const struct tp_request *r, const char *name, size_t len,
    struct tp_str *out)
{
    const struct tp_route *rt = r->match.route;
    unsigned i;

    for (i = 0; rt != NULL && i < rt->nparams && i < r->match.nparams; i++) {
        if (strlen(rt->params[i]) == len
            && memcmp(rt->params[i], name, len) == 0)
        {
            *out = r->match.params[i];
            return true;
        }
    }
    return false;
}

int
tp_body_json_path(struct tp_str body, struct tp_json **cache,
    const char *path, size_t len, struct tp_arena *a, struct tp_str *out)
{
    int tok;

    if (*cache == NULL) {
        /* Parsed once per request, then every mapping reuses it. */
        *cache = tp_arena_calloc(a, sizeof(**cache));
        if (*cache == NULL || body.len == 0 || tp_json_parse(*cache, a,
                body.p, body.len, NULL, 0) != TP_OK)
        {
            if (*cache != NULL) {
                (*cache)->ntoks = 0;     /* remembered: not JSON */
            }
            return TP_DECLINED;
        }
    }
    if ((*cache)->ntoks == 0) {
        return TP_DECLINED;
    }
    tok = tp_json_path(*cache, 0, path, len);
    if (tok < 0) {
        return TP_DECLINED;
    }
    *out = tp_json_text(*cache, tok, a);
    return out->p != NULL ? TP_OK : TP_DECLINED;
}

/* A JSONPath of a JSON body; "" is the whole body. */
static bool
body_get(struct tp_str body, struct tp_json **cache, const char *path,
    size_t len, struct tp_arena *a, struct tp_str *out)
{
    if (len == 0) {
        *out = body;
        return body.p != NULL;
    }
    return tp_body_json_path(body, cache, path, len, a, out) == TP_OK;
}

static bool
expr_part(const struct tp_expr_part *pt, struct tp_request *r,
    const struct tp_resp_view *resp, struct tp_str *out)
{
    struct tp_arena *a = &r->c->arena;
    const char *v;

    switch (pt->kind) {
    case TP_EX_STATIC:
        *out = (struct tp_str) { pt->name, pt->len };
        return true;
    case TP_EX_REQ_PATH:
        return path_param(r, pt->name, pt->len, out);
    case TP_EX_REQ_PATH_WHOLE:
        *out = r->path;
        return true;
    case TP_EX_REQ_QUERY:
        return tp_query_get(r->query, pt->name, pt->len, out);
    case TP_EX_REQ_MULTI_QUERY:
        return query_all(r, pt->name, pt->len, out);
    case TP_EX_REQ_HEADER:
    case TP_EX_REQ_MULTI_HEADER:
        return header_get(&r->msg, r->c->buf, pt->name, pt->len,
            pt->kind == TP_EX_REQ_MULTI_HEADER, a, out);
    case TP_EX_REQ_BODY:
        return body_get(r->body, &r->body_json, pt->name, pt->len, a, out);
    case TP_EX_CONTEXT:
        return tp_context_get(r, pt->name, pt->len, a, out) == TP_OK;
    case TP_EX_STAGEVAR:
        v = r->stage != NULL ? tp_model_stage_var(r->stage, pt->name, pt->len)
                             : NULL;
        *out = v != NULL ? (struct tp_str) { v, strlen(v) } : TP_NULL_STR;
        return v != NULL;
    case TP_EX_RESP_HEADER:
    case TP_EX_RESP_MULTI_HEADER:
        return resp != NULL && resp->msg != NULL && header_get(resp->msg,
            resp->buf, pt->name, pt->len,
            pt->kind == TP_EX_RESP_MULTI_HEADER, a, out);
    case TP_EX_RESP_BODY:
        return resp != NULL && body_get(resp->body,
            (struct tp_json **) &resp->json, pt->name, pt->len, a, out);
    default:
        return false;
    }
}

int
tp_expr_eval(const struct tp_expr *e, struct tp_request *r,
    const struct tp_resp_view *resp, struct tp_str *out)
{
    struct tp_str *vals;
    size_t total = 0, off = 0;
    char *buf;
    unsigned i;

    if (e->nparts == 1) {
        return expr_part(&e->parts[0], r, resp, out) ? TP_OK : TP_DECLINED;
    }
    vals = tp_arena_alloc(&r->c->arena, sizeof(*vals) * (e->nparts + 1));
    if (vals == NULL) {
        return TP_DECLINED;
    }
    for (i = 0; i < e->nparts; i++) {
        if (!expr_part(&e->parts[i], r, resp, &vals[i])) {
            vals[i] = TP_STR("");    /* mixed values: a missing part is "" */
        }
        total += vals[i].len;
    }
    buf = tp_arena_alloc(&r->c->arena, total + 1);
    if (buf == NULL) {
        return TP_DECLINED;
    }
    for (i = 0; i < e->nparts; i++) {
        memcpy(buf + off, vals[i].p, vals[i].len);
        off += vals[i].len;
    }
    *out = (struct tp_str) { buf, off };
    return TP_OK;
}
