/*
 * tp_respond.c: gateway-generated responses.  Workers only.
 */
#include "tp_respond.h"
#include "tp_count.h"
#include "tp_context.h"
#include "tp_cors.h"
#include "tp_hdr.h"
#include "tp_mapping.h"
#include "tp_reqid.h"
#include "tp_time.h"
#include "tp_tmpl.h"
#include "tp_worker.h"

#include <stdio.h>

/* Appends <n> bytes; the hot path avoids the printf family. */
static int
respond_put(char *out, size_t cap, size_t *len, const char *p, size_t n)
{
    if (n > cap - *len) {
        return TP_ERROR;
    }
    memcpy(out + *len, p, n);
    *len += n;
    return TP_OK;
}

/* A header value: line breaks in it become spaces (tp_hdr_value_copy). */
static int
respond_put_value(char *out, size_t cap, size_t *len, struct tp_str v)
{
    if (v.len > cap - *len) {
        return TP_ERROR;
    }
    tp_hdr_value_copy(out + *len, v.p, v.len);
    *len += v.len;
    return TP_OK;
}

#define RPUTS(lit) respond_put(out, cap, len, lit, sizeof(lit) - 1)

int
tp_respond_common_headers(struct tp_request *r, char *out, size_t cap,
    size_t *len)
{
    struct tp_client *c = r->c;
    int rc;

    rc = TP_OK;
    if (!r->backend_date) {
        rc |= RPUTS("Date: ");
        rc |= respond_put(out, cap, len, tp_clock.http_date,
            tp_clock.http_date_len);
        rc |= RPUTS("\r\n");
    }
    /* Every response carries x-amzn-RequestId; HTTP APIs add AWS's short
     * apigw-requestid as well. */
    rc |= RPUTS("x-amzn-RequestId: ");
    rc |= respond_put(out, cap, len, r->id, 36);
    rc |= RPUTS("\r\n");
    if (r->api != NULL && r->api->type == TP_API_HTTP) {
        rc |= RPUTS("apigw-requestid: ");
        rc |= respond_put(out, cap, len, r->short_id, 16);
        rc |= RPUTS("\r\n");
        if (r->api->cors != NULL) {
            rc |= tp_cors_headers(r, out, cap, len);
        }
    }
    if (c->closing || c->w->draining) {
        rc |= RPUTS("Connection: close\r\n");
    } else if (r->msg.version == 10) {
        rc |= RPUTS("Connection: keep-alive\r\n");
    }
    return rc == TP_OK ? TP_OK : TP_ERROR;
}

static void
respond_done(struct tp_request *r)
{
    tp_request_done(r);
}

static int
respond_head(struct tp_request *r, int status, struct tp_str ctype,
    const struct tp_hdr_out *hdrs, unsigned nhdrs, size_t blen,
    const char *error_type, char *out, size_t cap, size_t *len)
{
    const char *reason = tp_http_reason(status);
    char num[24];
    unsigned i;
    int rc;

    rc = RPUTS("HTTP/1.1 ");
    rc |= respond_put(out, cap, len, num,
        (size_t) (tp_fmt_u64(num, (uint64_t) status) - num));
    rc |= RPUTS(" ");
    rc |= respond_put(out, cap, len, reason, strlen(reason));
    rc |= RPUTS("\r\nServer: turnpike\r\n");
    if (status != 204 && status != 304) {   /* no body, no framing */
        rc |= RPUTS("Content-Type: ");
        rc |= respond_put(out, cap, len, ctype.p, ctype.len);
        rc |= RPUTS("\r\nContent-Length: ");
        rc |= respond_put(out, cap, len, num,
            (size_t) (tp_fmt_u64(num, blen) - num));
        rc |= RPUTS("\r\n");
    }
    for (i = 0; i < nhdrs; i++) {
        rc |= respond_put(out, cap, len, hdrs[i].name.p, hdrs[i].name.len);
        rc |= RPUTS(": ");
        rc |= respond_put_value(out, cap, len, hdrs[i].value);
        rc |= RPUTS("\r\n");
    }
    if (error_type != NULL) {
        rc |= RPUTS("x-amzn-ErrorType: ");
        rc |= respond_put(out, cap, len, error_type, strlen(error_type));
        rc |= RPUTS("\r\n");
    }
    rc |= tp_respond_common_headers(r, out, cap, len);
    rc |= RPUTS("\r\n");
    return rc == TP_OK ? TP_OK : TP_ERROR;
}

void
tp_respond_send(struct tp_request *r, int status, struct tp_str ctype,
    const struct tp_hdr_out *hdrs, unsigned nhdrs, struct tp_str body,
    const char *error_type)
{
    size_t cap = 1024 + ctype.len, len = 0;
    struct iovec iov[2];
    unsigned i;
    char *head;

    for (i = 0; i < nhdrs; i++) {
        cap += hdrs[i].name.len + hdrs[i].value.len + 4;
    }
    head = tp_arena_alloc(&r->c->arena, cap);
    if (head == NULL || respond_head(r, status, ctype, hdrs, nhdrs, body.len,
            error_type, head, cap, &len) != TP_OK)
    {
        tp_client_abort(r->c, "cannot build a response");
        return;
    }
    r->status = status;
    r->resp_bytes = r->msg.method == TP_HTTP_HEAD || status == 204
        || status == 304 ? 0 : body.len;
    iov[0] = (struct iovec) { head, len };
    iov[1] = (struct iovec) { (void *) body.p, (size_t) r->resp_bytes };
    tp_count_request(r);             /* before the write: see tp_count.h */
    if (tp_client_send(r, iov, 2, respond_done) == TP_OK) {
        tp_request_done(r);
    }
}

/* {"message":"..."} with the message JSON-escaped. */
static struct tp_str
respond_json_message(struct tp_request *r, const char *key, const char *msg)
{
    size_t n = msg != NULL ? strlen(msg) : 0, i, o = 0;
    char *out = tp_arena_alloc(&r->c->arena, n * 6 + 32);

    if (out == NULL) {
        return TP_STR("{}");
    }
    o += (size_t) sprintf(out, "{\"%s\":", key);
    if (msg == NULL) {
        memcpy(out + o, "null}", 5);
        return (struct tp_str) { out, o + 5 };
    }
    out[o++] = '"';
    for (i = 0; i < n; i++) {
        unsigned char ch = (unsigned char) msg[i];

        if (ch == '"' || ch == '\\') {
            out[o++] = '\\';
            out[o++] = (char) ch;
        } else if (ch < 0x20) {
            o += (size_t) sprintf(out + o, "\\u%04x", ch);
        } else {
            out[o++] = (char) ch;
        }
    }
    out[o++] = '"';
    out[o++] = '}';
    return (struct tp_str) { out, o };
}

/* Template variables of gateway responses: $context.*, $stageVariables.* */
static int
respond_tmpl_var(void *ctx, enum tp_tmpl_var kind, const char *name,
    size_t len, struct tp_arena *a, struct tp_str *out)
{
    struct tp_request *r = ctx;
    const char *v;

    if (kind == TP_TV_CONTEXT) {
        return tp_context_get(r, name, len, a, out);
    }
    if (kind == TP_TV_STAGEVAR && r->stage != NULL) {
        v = tp_model_stage_var(r->stage, name, len);
        if (v != NULL) {
            *out = (struct tp_str) { v, strlen(v) };
            return TP_OK;
        }
    }
    return TP_DECLINED;
}

/* The API's customisation of <type>, or of DEFAULT_4XX / DEFAULT_5XX. */
static const struct tp_gw_custom *
respond_custom(const struct tp_request *r, enum tp_gw type, int status)
{
    const struct tp_api *api = r->api;

    if (api == NULL || type >= TP_GW__AWS_COUNT
        || type == TP_GW_REQUEST_TOO_LARGE)  /* never customised (AWS) */
    {
        return NULL;
    }
    if (api->gw[type] != NULL) {
        return api->gw[type];
    }
    return api->gw[status >= 500 ? TP_GW_DEFAULT_5XX : TP_GW_DEFAULT_4XX];
}

static unsigned
respond_custom_headers(struct tp_request *r, const struct tp_gw_custom *g,
    struct tp_hdr_out *out)
{
    unsigned i, n = 0;
    struct tp_str v;

    for (i = 0; g != NULL && i < g->nheaders && n < 32; i++) {
        const struct tp_mapping *m = &g->headers[i];

        if (m->target == TP_MT_HEADER
            && tp_expr_eval(&m->value, r, NULL, &v) == TP_OK)
        {
            out[n].name = (struct tp_str) { m->name, strlen(m->name) };
            out[n++].value = v;
        }
    }
    return n;
}

/* The customised body: the template for Accept, else application/json,
 * else the first one. */
static bool
respond_custom_body(struct tp_request *r, const struct tp_gw_custom *g,
    struct tp_str *ctype, struct tp_str *body)
{
    const struct tp_template *t = NULL;
    struct tp_str accept;

    if (g == NULL || g->ntemplates == 0) {
        return false;
    }
    if (tp_req_header_get(r, "accept", false, &accept)) {
        t = tp_tmpl_select(g->templates, g->ntemplates, accept.p, accept.len);
    }
    if (t == NULL) {
        t = tp_tmpl_select(g->templates, g->ntemplates, "application/json",
            16);
    }
    if (t == NULL) {
        t = &g->templates[0];
    }
    if (tp_tmpl_render(t, respond_tmpl_var, r, &r->c->arena, body) != TP_OK) {
        return false;
    }
    *ctype = (struct tp_str) { t->content_type, strlen(t->content_type) };
    return true;
}

static void
respond_gw(struct tp_request *r, enum tp_gw type, const char *message,
    const char *error_type)
{
    const struct tp_gwresp *g = tp_gwresp_get(type);
    const struct tp_gw_custom *cu;
    struct tp_hdr_out hdrs[32];
    struct tp_str ctype = TP_STR("application/json"), body;
    unsigned n;
    int status;

    r->error_type = (int) type;
    r->error_message = message != NULL ? message : g->message;
    if (r->api != NULL && r->api->type == TP_API_HTTP && error_type != NULL) {
        /* SigV4 failures: the same texts as REST APIs (errors.md 4). */
        tp_respond_send(r, g->status, ctype, NULL, 0,
            respond_json_message(r, "message", r->error_message), NULL);
        return;
    }
    if (r->api != NULL && r->api->type == TP_API_HTTP) {
        /* HTTP APIs have fixed error bodies and no x-amzn-ErrorType. */
        tp_respond_send(r, g->http_status, ctype, NULL, 0,
            respond_json_message(r, "message", g->http_message), NULL);
        return;
    }
    cu = respond_custom(r, type, g->status);
    /* A DEFAULT_xXX status replaces those of the types falling back to it;
     * without one each type keeps its own (errors.md 1.3). */
    status = cu != NULL && cu->status != 0 ? cu->status : g->status;
    n = respond_custom_headers(r, cu, hdrs);
    if (!respond_custom_body(r, cu, &ctype, &body)) {
        body = respond_json_message(r,
            type == TP_GW_ACCESS_DENIED ? "Message" : "message",
            r->error_message);
    }
    tp_respond_send(r, status, ctype, hdrs, n, body,
        error_type != NULL ? error_type : g->error_type);
}

void
tp_respond_gw(struct tp_request *r, enum tp_gw type, const char *message)
{
    respond_gw(r, type, message, NULL);
}

void
tp_respond_gw_as(struct tp_request *r, enum tp_gw type, const char *message,
    const char *error_type)
{
    respond_gw(r, type, message, error_type);
}

void
tp_respond_status(struct tp_request *r, int status)
{
    const char *msg = r->msg.why;

    if (status == 413) {
        tp_respond_gw(r, TP_GW_REQUEST_TOO_LARGE, NULL);
        return;
    }
    if (msg == NULL) {
        msg = tp_http_reason(status);
    }
    r->error_type = status >= 500 ? TP_GW_DEFAULT_5XX : TP_GW_DEFAULT_4XX;
    r->error_message = msg;
    tp_respond_send(r, status, TP_STR("application/json"), NULL, 0,
        respond_json_message(r, "message", msg), status >= 500
        ? "InternalServerErrorException" : "BadRequestException");
}
