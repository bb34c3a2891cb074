/*
 * tp_auth_lambda_event.c: a request gathered into the values of a Lambda
 * authorizer's event (struct tp_lauth_req; the JSON is written by the
 * pure server/tp_lauth_event.c): headers as received, the query string
 * and path parameters decoded, stage variables, and requestContext's
 * fields from the request's $context values.  Workers only.
 */
#include "tp_auth_lambda.h"
#include "tp_context.h"
#include "tp_worker.h"

static int
ev_hex(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f'
        ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

struct tp_str
tp_auth_lambda_decode(struct tp_request *r, struct tp_str s)
{
    char *p = tp_arena_alloc(&r->c->arena, s.len + 1);
    size_t i, n = 0;

    if (p == NULL) {
        return TP_NULL_STR;
    }
    for (i = 0; i < s.len; i++) {
        if (s.p[i] == '%' && i + 2 < s.len && ev_hex(s.p[i + 1]) >= 0
            && ev_hex(s.p[i + 2]) >= 0)
        {
            p[n++] = (char) (ev_hex(s.p[i + 1]) * 16 + ev_hex(s.p[i + 2]));
            i += 2;
        } else {
            p[n++] = s.p[i];
        }
    }
    p[n] = '\0';
    return (struct tp_str) { p, n };
}

/* $context variable <id>, copied into the arena; { NULL, 0 }: unset. */
static struct tp_str
ev_ctx(struct tp_request *r, enum tp_ctxvar id)
{
    char buf[TP_CONTEXT_BUF];
    struct tp_str v;
    char *p;

    if (tp_context_value(r, id, buf, &v) != TP_OK) {
        return TP_NULL_STR;
    }
    p = tp_arena_strndup(&r->c->arena, v.p, v.len);
    return p != NULL ? (struct tp_str) { p, v.len } : TP_NULL_STR;
}

/* The query string's parameters, names and values decoded. */
static struct tp_lev_kv *
ev_query(struct tp_request *r, unsigned *n)
{
    const char *p = r->query.p, *end = r->query.p + r->query.len, *amp, *eq;
    struct tp_lev_kv *out;
    unsigned cap = 1;
    size_t i;

    *n = 0;
    for (i = 0; i < r->query.len; i++) {
        cap += r->query.p[i] == '&';
    }
    out = tp_arena_alloc(&r->c->arena, sizeof(*out) * cap);
    while (out != NULL && p != NULL && p < end) {
        for (amp = p; amp < end && *amp != '&'; amp++) {
        }
        for (eq = p; eq < amp && *eq != '='; eq++) {
        }
        if (eq > p) {
            out[*n].name = tp_auth_lambda_decode(r, (struct tp_str) { p,
                (size_t) (eq - p) });
            out[*n].value = eq < amp ? tp_auth_lambda_decode(r,
                (struct tp_str) { eq + 1, (size_t) (amp - eq - 1) })
                : TP_STR("");
            (*n)++;
        }
        p = amp + 1;
    }
    return out;
}

static struct tp_lev_kv *
ev_headers(struct tp_request *r, unsigned *n)
{
    struct tp_lev_kv *out = tp_arena_alloc(&r->c->arena,
        sizeof(*out) * ((size_t) r->msg.nhdrs + 1));
    unsigned i;

    *n = 0;
    for (i = 0; out != NULL && i < r->msg.nhdrs; i++) {
        out[i].name = tp_req_header(r, i, false);
        out[i].value = tp_req_header(r, i, true);
        *n = i + 1;
    }
    return out;
}

static struct tp_lev_kv *
ev_params(struct tp_request *r, unsigned *n)
{
    const struct tp_route *rt = r->match.route;
    struct tp_lev_kv *out;
    unsigned i;

    *n = 0;
    out = tp_arena_alloc(&r->c->arena, sizeof(*out) * (rt->nparams + 1));
    for (i = 0; out != NULL && i < rt->nparams && i < r->match.nparams; i++)
    {
        out[i].name = (struct tp_str) { rt->params[i],
            strlen(rt->params[i]) };
        out[i].value = tp_auth_lambda_decode(r, r->match.params[i]);
        *n = i + 1;
    }
    return out;
}

static struct tp_lev_kv *
ev_stage_vars(struct tp_request *r, unsigned *n)
{
    const struct tp_stage *st = r->stage;
    struct tp_lev_kv *out;
    unsigned i;

    *n = 0;
    if (st == NULL || st->nvars == 0) {
        return NULL;
    }
    out = tp_arena_alloc(&r->c->arena, sizeof(*out) * st->nvars);
    for (i = 0; out != NULL && i < st->nvars; i++) {
        out[i].name = (struct tp_str) { st->vars[i].key,
            strlen(st->vars[i].key) };
        out[i].value = (struct tp_str) { st->vars[i].value,
            strlen(st->vars[i].value) };
        *n = i + 1;
    }
    return out;
}

/* requestContext's fields that are $context variables. */
static const struct {
    size_t off;
    enum tp_ctxvar id;
} ev_ctx_fields[] = {
#define F(field, id) { offsetof(struct tp_lauth_req, field), TP_CTX_##id }
    F(account_id, ACCOUNT_ID), F(api_id, API_ID), F(stage, STAGE),
    F(request_id, REQUEST_ID), F(resource_id, RESOURCE_ID),
    F(protocol, PROTOCOL), F(source_ip, IDENTITY_SOURCE_IP),
    F(user_agent, IDENTITY_USER_AGENT), F(api_key, IDENTITY_API_KEY),
    F(domain_name, DOMAIN_NAME), F(domain_prefix, DOMAIN_PREFIX),
    F(time, REQUEST_TIME), F(time_epoch, REQUEST_TIME_EPOCH),
#undef F
};

struct tp_str
tp_auth_lambda_event(struct tp_request *r, const char *arn,
    const struct tp_str *vals, unsigned nvals, enum tp_lauth_format format,
    bool token)
{
    const struct tp_route *rt = r->match.route;
    struct tp_lauth_req q;
    size_t i;

    memset(&q, 0, sizeof(q));
    q.arn = (struct tp_str) { arn, strlen(arn) };
    q.token = nvals > 0 ? vals[0] : TP_NULL_STR;
    q.identity = vals;
    q.nidentity = nvals;
    q.resource = rt->path != NULL ? (struct tp_str) { rt->path,
        strlen(rt->path) } : TP_STR("/");
    q.path = r->path;
    q.method = (struct tp_str) { r->c->buf + r->msg.method_off,
        r->msg.method_len };
    q.raw_query = r->query;
    q.route_key = tp_context_route_key(r);
    q.headers = ev_headers(r, &q.nheaders);
    q.query = ev_query(r, &q.nquery);
    q.path_params = ev_params(r, &q.npath_params);
    q.stage_vars = ev_stage_vars(r, &q.nstage_vars);
    for (i = 0; i < TP_NELEM(ev_ctx_fields); i++) {
        *(struct tp_str *) (void *) ((char *) &q + ev_ctx_fields[i].off) =
            ev_ctx(r, ev_ctx_fields[i].id);
    }
    return tp_lauth_event(&q, format, token, &r->c->arena);
}
