/*
 * tp_proxy_resp.c: the response head an HTTP_PROXY integration sends to
 * the client: the backend's status and end-to-end headers, REST's
 * x-amzn-Remapped-* renaming, HTTP API responseParameters, framing, and
 * the gateway's own headers.  Workers only.
 */
#include "tp_accept_enc.h"
#include "tp_cache.h"
#include "tp_mapping.h"
#include "tp_proxy_int.h"
#include "tp_respond.h"

#include <stdlib.h>
#include <strings.h>

/* Backend headers REST APIs hand on under another name (rest-api.md 9). */
static bool
resp_remapped(enum tp_hdr_id id, struct tp_str name)
{
    return id == TP_HDR_DATE || id == TP_HDR_CONNECTION
        || id == TP_HDR_CONTENT_LENGTH || tp_str_caseeq(name, "server");
}

/* The backend's headers that reach the client, in order. */
static void
resp_backend_headers(struct px *px, struct px_list *l)
{
    const struct tp_http_msg *m = px->resp;
    struct tp_request *r = px->r;
    struct tp_arena *a = &r->c->arena;
    bool rest = r->api->type == TP_API_REST;
    unsigned i;

    for (i = 0; i < m->nhdrs; i++) {
        const struct tp_http_hdr *h = &m->hdrs[i];
        struct tp_str name = { px->ubuf + h->name_off, h->name_len };
        struct tp_str value = { px->ubuf + h->value_off, h->value_len };
        enum tp_hdr_id id = tp_hdr_lookup(name.p, name.len);
        bool keep_cl = px->resp_kind == TP_PX_NONE
            && id == TP_HDR_CONTENT_LENGTH;

        if (rest && !keep_cl && resp_remapped(id, name)) {
            char *n = tp_arena_sprintf(a, "x-amzn-Remapped-%.*s",
                (int) name.len, name.p);

            if (n != NULL) {
                px_list_add(l, (struct tp_str) { n, strlen(n) }, value);
            }
            continue;
        }
        if (!keep_cl && px_skip_header(m, px->ubuf, name, id, false)) {
            continue;
        }
        /* REST drops the backend's Via (rest-api.md 9).  Content-Encoding,
         * which AWS drops too, stays: the body is passed on undecoded. */
        if (rest && tp_str_caseeq(name, "via")) {
            continue;
        }
        if (id == TP_HDR_DATE) {
            r->backend_date = true;  /* HTTP APIs pass it: ours is not sent */
        }
        /* A CORS configuration replaces the backend's CORS headers. */
        if (r->api->cors != NULL && name.len > 15
            && strncasecmp(name.p, "access-control-", 15) == 0)
        {
            continue;
        }
        px_list_add(l, name, value);
    }
}

/* HTTP APIs: responseParameters for the backend's status code. */
static void
resp_parameters(struct px *px, struct px_list *l, int *status)
{
    struct tp_request *r = px->r;
    const struct tp_integration *in = &r->match.route->integ;
    struct tp_resp_view view = { px->ubuf, px->resp, TP_NULL_STR, NULL };
    struct tp_str v = TP_NULL_STR;
    unsigned i, k;
    long code;

    for (i = 0; i < in->nresp_params; i++) {
        const struct tp_resp_params *rp = &in->resp_params[i];

        if (rp->status != px->resp->status) {
            continue;
        }
        for (k = 0; k < rp->nmaps; k++) {
            const struct tp_mapping *m = &rp->maps[k];

            if (m->action != TP_MA_REMOVE
                && tp_expr_eval(&m->value, r, &view, &v) != TP_OK)
            {
                continue;
            }
            if (m->target == TP_MT_STATUS) {
                code = v.len == 3 ? strtol(v.p, NULL, 10) : 0;
                if (code >= 100 && code <= 599) {
                    *status = (int) code;
                }
                continue;
            }
            px_list_apply(&r->c->arena, l, m->action,
                (struct tp_str) { m->name, strlen(m->name) }, v, true);
        }
    }
}

/* The response's headers (framing aside) and status, into <l>. */
static int
resp_headers(struct px *px, struct px_list *l, int *status)
{
    struct tp_request *r = px->r;
    unsigned lcap = px->resp->nhdrs + 16;

    *l = (struct px_list) { tp_arena_alloc(&r->c->arena,
        sizeof(struct px_kv) * lcap), 0, lcap };
    if (l->e == NULL) {
        return TP_ERROR;
    }
    *status = px->resp->status;
    resp_backend_headers(px, l);
    if (r->api->type == TP_API_HTTP) {
        resp_parameters(px, l, status);
    }
    return TP_OK;
}

bool
px_want_whole(struct px *px)
{
    const struct tp_http_msg *m = px->resp;
    struct tp_request *r = px->r;
    int32_t min = r->api->min_compress;
    bool sized = px->resp_kind == TP_PX_LENGTH;

    /* To cache: a response that may fit an entry (an unsized one is
     * collected up to the 10 MB payload limit); a 204 too, not a 304 (a
     * conditional answer for this client only). */
    if (r->cache.store && m->status < 500 && m->status != 304
        && (!sized || m->content_length <= (int64_t) TP_CACHE_ITEM_MAX))
    {
        return true;
    }
    if (px->resp_kind == TP_PX_NONE) {
        return false;                /* nothing to compress */
    }
    /* To compress: not encoded yet, not known to be under the minimum,
     * and the client takes gzip or deflate. */
    if (min < 0 || (sized && m->content_length < (int64_t) min)
        || tp_http_find_header(m, px->ubuf, "content-encoding", 0) >= 0)
    {
        return false;
    }
    return tp_respond_coding(r) != TP_CODING_IDENTITY;
}

void
px_client_whole(struct px *px, struct tp_str body)
{
    struct tp_request *r = px->r;
    struct tp_str ctype = TP_STR("application/octet-stream");
    struct tp_hdr_out *hdrs;
    struct px_list l;
    unsigned i, n = 0;
    int status;

    if (resp_headers(px, &l, &status) != TP_OK
        || (hdrs = tp_arena_alloc(&r->c->arena, sizeof(*hdrs)
            * (l.n + 1))) == NULL)
    {
        tp_client_abort(r->c, "out of memory");
        return;
    }
    /* The backend's Date would be stale when the entry is replayed. */
    r->backend_date = false;
    for (i = 0; i < l.n; i++) {
        if (tp_str_caseeq(l.e[i].name, "content-type")) {
            ctype = l.e[i].value;
        } else if (!tp_str_caseeq(l.e[i].name, "date")
            && !tp_str_caseeq(l.e[i].name, "content-length"))
        {
            hdrs[n++] = (struct tp_hdr_out) { l.e[i].name, l.e[i].value };
        }
    }
    tp_respond_integ(r, status, ctype, hdrs, n, body);
}

int
px_client_head(struct px *px)
{
    const struct tp_http_msg *m = px->resp;
    struct tp_request *r = px->r;
    struct px_list l;
    size_t cap = m->head_len + 1024, len = 0;
    const char *reason;
    int status;
    unsigned i;
    char *out;

    if (resp_headers(px, &l, &status) != TP_OK) {
        return TP_ERROR;
    }
    for (i = 0; i < l.n; i++) {
        cap += l.e[i].name.len + l.e[i].value.len + 4;
    }
    out = tp_arena_alloc(&r->c->arena, cap);
    if (out == NULL) {
        return TP_ERROR;
    }
    reason = status != m->status || m->reason_len == 0
        ? tp_http_reason(status) : NULL;
    PUTS(out, &len, "HTTP/1.1 ");
    len = (size_t) (tp_fmt_u64(out + len, (uint64_t) status) - out);
    out[len++] = ' ';
    if (reason != NULL) {
        px_put(out, &len, reason, strlen(reason));
    } else {
        px_put(out, &len, px->ubuf + m->reason_off, m->reason_len);
    }
    PUTS(out, &len, "\r\n");
    for (i = 0; i < l.n; i++) {
        px_put(out, &len, l.e[i].name.p, l.e[i].name.len);
        PUTS(out, &len, ": ");
        px_put_value(out, &len, l.e[i].value);
        PUTS(out, &len, "\r\n");
    }
    if (px->out_kind == TP_PX_LENGTH) {
        PUTS(out, &len, "Content-Length: ");
        len = (size_t) (tp_fmt_u64(out + len, (uint64_t) m->content_length)
            - out);
        PUTS(out, &len, "\r\n");
    } else if (px->out_kind == TP_PX_CHUNKED) {
        PUTS(out, &len, "Transfer-Encoding: chunked\r\n");
    }
    r->status = status;
    if (tp_respond_common_headers(r, out, cap - 2, &len) != TP_OK) {
        return TP_ERROR;
    }
    PUTS(out, &len, "\r\n");
    px->chead = out;
    px->chead_len = len;
    return TP_OK;
}
