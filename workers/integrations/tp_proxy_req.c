/*
 * tp_proxy_req.c: the request an HTTP integration sends to its backend:
 * method, path (uri template with route parameters and mapped path
 * parameters), query string and headers after the integration's parameter
 * mappings, X-Forwarded-*, framing.  Workers only.
 *
 *   HTTP_PROXY: the client's headers and query pass through; mappings
 *               add, replace or (HTTP APIs) remove entries.
 *   HTTP:       only mapped headers and query parameters are sent, with
 *               the (transformed) body's Content-Type.
 */
#include "tp_http_proxy.h"
#include "tp_mapping.h"
#include "tp_proxy_int.h"
#include "tp_worker.h"

#include <strings.h>

static bool
px_name_eq(struct tp_str a, struct tp_str b, bool nocase)
{
    return a.len == b.len && (nocase ? strncasecmp(a.p, b.p, a.len) == 0
                                     : memcmp(a.p, b.p, a.len) == 0);
}

void
px_list_add(struct px_list *l, struct tp_str name, struct tp_str value)
{
    if (l->n < l->cap) {
        l->e[l->n++] = (struct px_kv) { name, value };
    }
}

/* Applies one mapping action to <l> (headers: names case-insensitive). */
void
px_list_apply(struct tp_arena *a, struct px_list *l, int action,
    struct tp_str name, struct tp_str value, bool nocase)
{
    unsigned i, k = 0;
    char *joined;

    if (action == TP_MA_APPEND) {
        for (i = 0; i < l->n; i++) {
            if (px_name_eq(l->e[i].name, name, nocase)) {
                joined = tp_arena_alloc(a, l->e[i].value.len + value.len + 2);
                if (joined == NULL) {
                    return;
                }
                memcpy(joined, l->e[i].value.p, l->e[i].value.len);
                joined[l->e[i].value.len] = ',';
                memcpy(joined + l->e[i].value.len + 1, value.p, value.len);
                l->e[i].value = (struct tp_str) { joined,
                    l->e[i].value.len + 1 + value.len };
                return;
            }
        }
        px_list_add(l, name, value);
        return;
    }
    for (i = 0; i < l->n; i++) {     /* SET, OVERWRITE, REMOVE: drop all */
        if (!px_name_eq(l->e[i].name, name, nocase)) {
            l->e[k++] = l->e[i];
        }
    }
    l->n = k;
    if (action != TP_MA_REMOVE) {
        px_list_add(l, name, value);
    }
}

/*
 * The credentials of a verified SigV4 request stay at the gateway
 * (auth.md 6.2 step 8): the Authorization header that carried the
 * signature, the session token, and a presigned URL's signature.  The
 * other X-Amz-* values (date, content hash, scope) pass on as sent.
 */
static bool
px_sigv4_secret(const struct tp_request *r, struct tp_str name, bool query)
{
    if (!r->auth.sigv4) {
        return false;
    }
    if (query) {
        /* Names as sent: a presigned URL spells them this way. */
        return r->auth.sigv4_query
            && (tp_str_eq(name, TP_STR("X-Amz-Signature"))
                || tp_str_eq(name, TP_STR("X-Amz-Security-Token")));
    }
    return (!r->auth.sigv4_query && tp_str_caseeq(name, "authorization"))
        || tp_str_caseeq(name, "x-amz-security-token");
}

/* The client's query string as name/value pairs (raw, still encoded). */
static void
px_query_parse(const struct tp_request *r, struct tp_str q,
    struct px_list *l)
{
    const char *p = q.p, *end = q.p + q.len, *amp, *eq;
    struct tp_str name;

    while (p < end) {
        amp = memchr(p, '&', (size_t) (end - p));
        if (amp == NULL) {
            amp = end;
        }
        eq = memchr(p, '=', (size_t) (amp - p));
        name = (struct tp_str) { p, (size_t) ((eq != NULL ? eq : amp) - p) };
        if (amp > p && !px_sigv4_secret(r, name, true)) {
            px_list_add(l, name, eq != NULL ? (struct tp_str) { eq + 1,
                (size_t) (amp - eq - 1) } : TP_NULL_STR);
        }
        p = amp + 1;
    }
}

/* Percent-encodes what must not appear raw in a query value; '%' stays,
 * so values taken from the (encoded) client query are not encoded twice. */
static struct tp_str
px_query_encode(struct tp_arena *a, struct tp_str v)
{
    static const char hex[] = "0123456789ABCDEF";
    char *out = tp_arena_alloc(a, v.len * 3 + 1);
    size_t i, o = 0;

    if (out == NULL) {
        return TP_NULL_STR;
    }
    for (i = 0; i < v.len; i++) {
        unsigned char ch = (unsigned char) v.p[i];

        if (ch <= 0x20 || ch >= 0x7f || ch == '&' || ch == '#' || ch == '"'
            || ch == '<' || ch == '>' || ch == '\\' || ch == '^' || ch == '`'
            || ch == '{' || ch == '|' || ch == '}')
        {
            out[o++] = '%';
            out[o++] = hex[ch >> 4];
            out[o++] = hex[ch & 15];
        } else {
            out[o++] = (char) ch;
        }
    }
    return (struct tp_str) { out, o };
}

/* The integration's request mappings onto headers, query and path. */
static void
px_apply_mappings(struct px *px, struct px_list *hdrs, struct px_list *qs,
    struct tp_str *path)
{
    struct tp_request *r = px->r;
    const struct tp_integration *in = &r->match.route->integ;
    struct tp_arena *a = &r->c->arena;
    struct tp_str v = TP_NULL_STR;
    unsigned i;

    for (i = 0; i < in->nreq_params; i++) {
        const struct tp_mapping *m = &in->req_params[i];
        struct tp_str name = { m->name, strlen(m->name) };

        if (m->action != TP_MA_REMOVE
            && tp_expr_eval(&m->value, r, NULL, &v) != TP_OK)
        {
            continue;                /* no value: the mapping is skipped */
        }
        switch (m->target) {
        case TP_MT_HEADER:
            px_list_apply(a, hdrs, m->action, name, v, true);
            break;
        case TP_MT_QUERY:
            px_list_apply(a, qs, m->action, name,
                m->action == TP_MA_REMOVE ? v : px_query_encode(a, v), false);
            break;
        case TP_MT_PATH_WHOLE:
            *path = v;
            break;
        default:
            break;                   /* path params: in the uri template */
        }
    }
}

int
tp_http_proxy_path(const struct tp_request *r, const struct tp_target *t,
    char *out, size_t cap)
{
    struct tp_request *rw = (struct tp_request *) r;
    size_t len = 0, i;

    for (i = 0; i < t->nparts; i++) {
        const struct tp_tmpl_part *pt = &t->parts[i];
        struct tp_str v = TP_STR("");

        if (pt->kind == TP_TMPL_LIT) {
            v = (struct tp_str) { pt->p, pt->len };
        } else if (pt->kind == TP_TMPL_PARAM) {
            if (pt->param < r->match.nparams) {
                v = r->match.params[pt->param];
            }
        } else if (tp_expr_eval(
                &r->match.route->integ.req_params[pt->param].value, rw, NULL,
                &v) != TP_OK)
        {
            v = TP_STR("");
        }
        if (len + v.len >= cap) {
            return -1;
        }
        memcpy(out + len, v.p, v.len);
        len += v.len;
    }
    /* An HTTP API's $default route sends the full request path on
     * (http-api.md 2): https://backend + /store/checkout. */
    if (r->api != NULL && r->match.route == r->api->default_route
        && r->api->type == TP_API_HTTP && r->path.len > 1)
    {
        if (len > 0 && out[len - 1] == '/') {
            len--;
        }
        if (len + r->path.len >= cap) {
            return -1;
        }
        memcpy(out + len, r->path.p, r->path.len);
        len += r->path.len;
    }
    if (len == 0) {
        out[len++] = '/';
    }
    return (int) len;
}

/* Appends <v> to the comma-separated list <*l> (repeated headers). */
static void
px_join(struct tp_arena *a, struct tp_str *l, struct tp_str v)
{
    char *p;

    if (l->p == NULL) {
        *l = v;
        return;
    }
    p = tp_arena_alloc(a, l->len + v.len + 2);
    if (p != NULL) {
        memcpy(p, l->p, l->len);
        memcpy(p + l->len, ", ", 2);
        memcpy(p + l->len + 2, v.p, v.len);
        *l = (struct tp_str) { p, l->len + 2 + v.len };
    }
}

/* Collects the client headers that pass through (HTTP_PROXY); <xff> and
 * <fwd> get the client's X-Forwarded-For and Forwarded lists. */
static void
px_client_headers(struct px *px, struct px_list *hdrs, struct tp_str *xff,
    struct tp_str *fwd)
{
    struct tp_request *r = px->r;
    struct tp_arena *a = &r->c->arena;
    const struct tp_http_msg *m = &r->msg;
    bool rest = r->api->type == TP_API_REST;
    unsigned i;

    for (i = 0; i < m->nhdrs; i++) {
        struct tp_str name = tp_req_header(r, i, false);
        enum tp_hdr_id id = tp_hdr_lookup(name.p, name.len);

        if (id == TP_HDR_X_FORWARDED_FOR) {
            px_join(a, xff, tp_req_header(r, i, true));
        }
        if (px_skip_header(m, r->c->buf, name, id, true)
            || px_sigv4_secret(r, name, false))
        {
            continue;
        }
        /* HTTP APIs fold these into one Forwarded (http-api.md 3). */
        if (!rest && tp_str_caseeq(name, "forwarded")) {
            px_join(a, fwd, tp_req_header(r, i, true));
            continue;
        }
        if (!rest && tp_str_caseeq(name, "x-forwarded-host")) {
            continue;
        }
        /* What API Gateway never forwards from clients (rest-api.md 9). */
        if (rest && (tp_str_caseeq(name, "content-md5")
                || tp_str_caseeq(name, "max-forwards")
                || tp_str_caseeq(name, "proxy-authenticate")
                || tp_str_caseeq(name, "server")
                || tp_str_caseeq(name, "www-authenticate")
                || tp_str_caseeq(name, "via")))
        {
            continue;
        }
        px_list_add(hdrs, name, tp_req_header(r, i, true));
    }
}

static size_t
px_list_size(const struct px_list *l)
{
    size_t n = 0;
    unsigned i;

    for (i = 0; i < l->n; i++) {
        n += l->e[i].name.len + l->e[i].value.len + 4;
    }
    return n;
}

/* The method toward the backend: the integration's, unless ANY/unset. */
static struct tp_str
px_method(const struct px *px)
{
    const struct tp_request *r = px->r;
    const char *m = r->match.route->integ.http_method;

    if (m != NULL && m[0] != '\0' && strcasecmp(m, "ANY") != 0) {
        return (struct tp_str) { m, strlen(m) };
    }
    return (struct tp_str) { r->c->buf + r->msg.method_off,
        r->msg.method_len };
}

static void
px_put_framing(struct px *px, char *out, size_t *len, size_t body_len,
    bool whole)
{
    const struct tp_request *r = px->r;

    if (px->req_whole || whole || r->body_kind == TP_BODY_LENGTH) {
        if (!px->buffered && r->body_kind == TP_BODY_NONE
            && !(r->msg.flags & TP_HTTP_F_HAS_CL))
        {
            return;                  /* no body and none announced */
        }
        PUTS(out, len, "Content-Length: ");
        *len = (size_t) (tp_fmt_u64(out + *len, whole || px->req_whole
            ? (uint64_t) body_len : (uint64_t) r->msg.content_length) - out);
        PUTS(out, len, "\r\n");
        return;
    }
    PUTS(out, len, "Transfer-Encoding: chunked\r\n");
    px->chunked_out = true;
}

/* REST: X-Forwarded-For (the client's hops, then the peer), -Proto and
 * -Port replace whatever the client sent. */
static void
px_put_xff(const struct px *px, char *out, size_t *lenp, struct tp_str xff)
{
    const struct tp_client *c = px->r->c;
    size_t len = *lenp;

    PUTS(out, &len, "X-Forwarded-For: ");
    if (xff.len > 0) {
        px_put(out, &len, xff.p, xff.len);
        PUTS(out, &len, ", ");
    }
    px_put(out, &len, c->peer, strlen(c->peer));
    PUTS(out, &len, "\r\nX-Forwarded-Proto: ");
    if (c->lst->tls != NULL) {
        PUTS(out, &len, "https");
    } else {
        PUTS(out, &len, "http");
    }
    PUTS(out, &len, "\r\nX-Forwarded-Port: ");
    len = (size_t) (tp_fmt_u64(out + len, c->lst->port) - out);
    PUTS(out, &len, "\r\n");
    *lenp = len;
}

int
px_build_head(struct px *px, size_t body_len, bool whole)
{
    struct tp_request *r = px->r;
    struct tp_client *c = r->c;
    struct tp_arena *a = &c->arena;
    const struct tp_http_msg *m = &r->msg;
    unsigned lcap = m->nhdrs + r->match.route->integ.nreq_params + 8;
    struct px_list hdrs = { tp_arena_alloc(a, sizeof(struct px_kv) * lcap),
        0, lcap };
    struct px_list qs = { tp_arena_alloc(a, sizeof(struct px_kv)
        * (m->target_len + lcap)), 0, m->target_len + lcap };
    struct tp_str xff = TP_NULL_STR, fwd = TP_NULL_STR, path = TP_NULL_STR;
    struct tp_str meth = px_method(px);
    size_t cap, len = 0, pcap;
    char *out, *pbuf;
    unsigned i;
    int plen;

    if (hdrs.e == NULL || qs.e == NULL) {
        return TP_ERROR;
    }
    if (!px->buffered) {
        px_client_headers(px, &hdrs, &xff, &fwd);
        px_query_parse(r, r->query, &qs);
    } else if (px->req_ctype.len > 0) {
        px_list_add(&hdrs, TP_STR("Content-Type"), px->req_ctype);
    }
    px_apply_mappings(px, &hdrs, &qs, &path);
    pcap = m->target_len * 2 + 1024;
    pbuf = tp_arena_alloc(a, pcap);
    if (pbuf == NULL) {
        return TP_ERROR;
    }
    if (path.p == NULL) {
        plen = tp_http_proxy_path(r, px->target, pbuf, pcap);
        if (plen < 0) {
            return TP_ERROR;
        }
        path = (struct tp_str) { pbuf, (size_t) plen };
    }
    if (r->api->type != TP_API_REST) {
        struct tp_str host = m->host_idx >= 0
            ? tp_req_header(r, (unsigned) m->host_idx, true) : TP_NULL_STR;

        fwd = px_forwarded(a, fwd, xff, (struct tp_str) { c->peer,
            strlen(c->peer) }, host, c->lst->tls != NULL);
        if (fwd.p == NULL) {
            return TP_ERROR;
        }
    }
    cap = meth.len + path.len + px_list_size(&qs) + px_list_size(&hdrs)
        + strlen(px->be->hostport) + xff.len + fwd.len + 512;
    out = tp_arena_alloc(a, cap);
    if (out == NULL) {
        return TP_ERROR;
    }
    px_put(out, &len, meth.p, meth.len);
    out[len++] = ' ';
    px_put(out, &len, path.p, path.len);
    for (i = 0; i < qs.n; i++) {
        /* A template that already has '?' continues it with '&'. */
        out[len++] = i > 0 || memchr(path.p, '?', path.len) != NULL
            ? '&' : '?';
        px_put(out, &len, qs.e[i].name.p, qs.e[i].name.len);
        if (qs.e[i].value.p != NULL) {
            out[len++] = '=';
            px_put(out, &len, qs.e[i].value.p, qs.e[i].value.len);
        }
    }
    PUTS(out, &len, " HTTP/1.1\r\nHost: ");
    px_put(out, &len, px->be->hostport, strlen(px->be->hostport));
    PUTS(out, &len, "\r\n");
    for (i = 0; i < hdrs.n; i++) {
        px_put(out, &len, hdrs.e[i].name.p, hdrs.e[i].name.len);
        PUTS(out, &len, ": ");
        px_put_value(out, &len, hdrs.e[i].value);
        PUTS(out, &len, "\r\n");
    }
    if (r->api->type == TP_API_REST) {
        px_put_xff(px, out, &len, xff);
    } else {
        PUTS(out, &len, "Forwarded: ");
        px_put(out, &len, fwd.p, fwd.len);
        PUTS(out, &len, "\r\n");
    }
    px_put_framing(px, out, &len, body_len, whole);
    PUTS(out, &len, "\r\n");
    tp_assert(len <= cap);
    px->head = out;
    px->head_len = len;
    return TP_OK;
}
