/*
 * tp_execlog.c: collecting a request's execution-log lines in its arena
 * and writing them with one write(2) when it ends (tp_execlog.h).  The
 * messages are API Gateway's (monitoring.md 4).  Workers only.
 */
#include "tp_execlog.h"
#include "tp_accesslog.h"
#include "tp_gwresp.h"
#include "tp_lauth.h"
#include "tp_time.h"
#include "tp_worker.h"

#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#define XLOG_FIRST_CAP 4096

struct tp_xlog {
    const struct tp_exec_log *conf;
    char *buf;
    uint32_t len;
    uint32_t cap;
    bool auth_pending;               /* authorizer started, no outcome yet */
    bool received;                   /* "Received response" logged */
};

/* A message being assembled (maps, data lines): cut at the line limit. */
struct xmsg {
    char p[TP_XLOG_LINE];
    size_t len;
};

static void
xmsg_put(struct xmsg *m, const char *s, size_t n)
{
    n = TP_MIN(n, sizeof(m->p) - m->len);
    memcpy(m->p + m->len, s, n);
    m->len += n;
}

static void
xmsg_puts(struct xmsg *m, const char *s)
{
    xmsg_put(m, s, strlen(s));
}

/* Room for one more line; false when out of memory (the line is lost). */
static bool
xlog_room(struct tp_request *r, struct tp_xlog *x)
{
    uint32_t cap = x->cap != 0 ? x->cap : XLOG_FIRST_CAP;
    char *nb;

    if (x->buf != NULL && x->cap - x->len >= TP_XLOG_LINE) {
        return true;
    }
    while (cap - x->len < TP_XLOG_LINE) {
        cap *= 2;
    }
    nb = tp_arena_alloc(&r->c->arena, cap);
    if (nb == NULL) {
        return false;
    }
    if (x->len > 0) {
        memcpy(nb, x->buf, x->len);
    }
    x->buf = nb;
    x->cap = cap;
    return true;
}

static void
xlog_line(struct tp_request *r, struct tp_str msg)
{
    struct tp_xlog *x = r->xlog;

    if (xlog_room(r, x)) {
        x->len += (uint32_t) tp_xlog_format_line(x->buf + x->len,
            x->cap - x->len, tp_clock.real_ms, r->id, msg);
    }
}

void
tp_xlog_begin(struct tp_request *r)
{
    struct tp_xlog *x;

    if (r->stage->exec_log == NULL || r->xlog != NULL) {
        return;
    }
    x = tp_arena_calloc(&r->c->arena, sizeof(*x));
    if (x != NULL) {
        x->conf = r->stage->exec_log;
        r->xlog = x;
    }
}

void
tp_xlog_add(struct tp_request *r, const char *fmt, ...)
{
    struct xmsg m;
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(m.p, sizeof(m.p), fmt, ap);
    va_end(ap);
    m.len = n < 0 ? 0 : TP_MIN((size_t) n, sizeof(m.p) - 1);
    xlog_line(r, (struct tp_str) { m.p, m.len });
}

bool
tp_xlog_data_trace(const struct tp_request *r)
{
    return r->xlog != NULL && r->xlog->conf->data_trace;
}

void
tp_xlog_data(struct tp_request *r, const char *label, struct tp_str value)
{
    struct xmsg m = { .len = 0 };

    xmsg_puts(&m, label);
    xmsg_puts(&m, ": ");
    xmsg_put(&m, value.p, value.len);
    xlog_line(r, (struct tp_str) { m.p, m.len });
}

/* The header an authorizer reads its identity from, or NULL. */
static const char *
xlog_identity_header(const struct tp_authorizer *az)
{
    const struct tp_lauth *la = az != NULL ? az->lambda : NULL;

    if (az == NULL) {
        return NULL;
    }
    if (az->identity_header != NULL) {
        return az->identity_header;  /* JWT, Cognito */
    }
    if (la != NULL && la->token && la->nsources > 0
        && la->sources[0].kind == TP_LAUTH_HEADER)
    {
        return la->sources[0].name;  /* a TOKEN authorizer's header */
    }
    return NULL;
}

void
tp_xlog_headers(struct tp_request *r, const char *label,
    const struct tp_http_msg *hm, const char *buf)
{
    const char *also = xlog_identity_header(r->match.route->auth);
    struct xmsg m = { .len = 0 };
    char masked[TP_XLOG_LINE];
    struct tp_str name, value;
    unsigned i;

    xmsg_puts(&m, label);
    xmsg_puts(&m, ": {");
    for (i = 0; i < hm->nhdrs; i++) {
        name = (struct tp_str) { buf + hm->hdrs[i].name_off,
            hm->hdrs[i].name_len };
        value = (struct tp_str) { buf + hm->hdrs[i].value_off,
            hm->hdrs[i].value_len };
        if (tp_xlog_secret_header(name, also)) {
            value.len = tp_xlog_mask(value, masked, sizeof(masked));
            value.p = masked;
        }
        xmsg_puts(&m, i > 0 ? ", " : "");
        xmsg_put(&m, name.p, name.len);
        xmsg_puts(&m, "=");
        xmsg_put(&m, value.p, value.len);
    }
    xmsg_puts(&m, "}");
    xlog_line(r, (struct tp_str) { m.p, m.len });
}

/* "Method request path: {petId=1}" */
static void
xlog_path_params(struct tp_request *r)
{
    const struct tp_route *rt = r->match.route;
    struct xmsg m = { .len = 0 };
    unsigned i;

    xmsg_puts(&m, "Method request path: {");
    for (i = 0; i < r->match.nparams && i < rt->nparams; i++) {
        xmsg_puts(&m, i > 0 ? ", " : "");
        xmsg_puts(&m, rt->params[i]);
        xmsg_puts(&m, "=");
        xmsg_put(&m, r->match.params[i].p, r->match.params[i].len);
    }
    xmsg_puts(&m, "}");
    xlog_line(r, (struct tp_str) { m.p, m.len });
}

/* "Method request query string: {a=1, b=2}" (as sent, not decoded). */
static void
xlog_query(struct tp_request *r)
{
    struct xmsg m = { .len = 0 };
    const char *p = r->query.p, *end = p + r->query.len, *amp, *eq;
    bool first = true;

    xmsg_puts(&m, "Method request query string: {");
    while (p < end) {
        amp = memchr(p, '&', (size_t) (end - p));
        amp = amp != NULL ? amp : end;
        if (amp > p) {
            eq = memchr(p, '=', (size_t) (amp - p));
            xmsg_puts(&m, first ? "" : ", ");
            xmsg_put(&m, p, (size_t) ((eq != NULL ? eq : amp) - p));
            xmsg_puts(&m, "=");
            if (eq != NULL) {
                xmsg_put(&m, eq + 1, (size_t) (amp - eq - 1));
            }
            first = false;
        }
        p = amp + 1;
    }
    xmsg_puts(&m, "}");
    xlog_line(r, (struct tp_str) { m.p, m.len });
}

static const char *
xlog_method(const struct tp_request *r)
{
    return tp_http_method_name((enum tp_http_method) r->msg.method);
}

void
tp_xlog_auth_start(struct tp_request *r)
{
    const struct tp_authorizer *az = r->match.route->auth;
    const char *hdr = xlog_identity_header(az);
    char masked[TP_XLOG_LINE];
    struct tp_str v;
    int i;

    if (az == NULL) {
        return;                      /* AWS_IAM, resource policies */
    }
    r->xlog->auth_pending = true;
    tp_xlog_add(r, "Starting authorizer: %s for request: %s", az->name,
        r->id);
    if (hdr == NULL) {
        return;                      /* REQUEST: several sources */
    }
    i = tp_http_find_header(&r->msg, r->c->buf, hdr, 0);
    v = i >= 0 ? tp_req_header(r, (unsigned) i, true) : TP_NULL_STR;
    v.len = tp_xlog_mask(v, masked, sizeof(masked));
    tp_xlog_add(r, "Incoming identity: %.*s", (int) v.len, masked);
}

void
tp_xlog_auth_passed(struct tp_request *r)
{
    if (r->xlog->auth_pending) {
        r->xlog->auth_pending = false;
        tp_xlog_add(r, "Successfully completed authorizer execution");
    }
}

/* The authorizer's outcome when it answered the request itself. */
static void
xlog_auth_refused(struct tp_request *r)
{
    r->xlog->auth_pending = false;
    switch (r->error_type) {
    case TP_GW_UNAUTHORIZED:
        tp_xlog_add(r, "Unauthorized request: %s", r->id);
        break;
    case TP_GW_ACCESS_DENIED:
        tp_xlog_add(r, "The client is not authorized to perform this "
            "operation.");
        break;
    default:
        tp_xlog_add(r, "Execution failed due to configuration error: "
            "Authorizer error");
        break;
    }
}

void
tp_xlog_usage_plan(struct tp_request *r, enum tp_xlog_key outcome)
{
    const char *api = r->api->id, *st = r->stage->name;
    const char *path = r->match.route->path;
    char key[TP_XLOG_LINE];
    int klen;

    if (r->api->type != TP_API_REST) {
        return;                      /* HTTP APIs have no API keys */
    }
    klen = (int) tp_xlog_mask(r->api_key, key, sizeof(key));
    tp_xlog_add(r, "Verifying Usage Plan for request: %s. API Key: %.*s "
        "API Stage: %s/%s", r->id, klen, key, api, st);
    switch (outcome) {
    case TP_XLOG_KEY_NOT_REQUIRED:
        tp_xlog_add(r, "API Key authorized because method '%s %s' does not "
            "require API Key. Request will not contribute to throttle or "
            "quota limits", xlog_method(r), path);
        break;
    case TP_XLOG_KEY_ACCEPTED:
        tp_xlog_add(r, "Usage Plan check succeeded for API Key %.*s and API "
            "Stage %s/%s", klen, key, api, st);
        break;
    default:
        if (klen == 0) {
            tp_xlog_add(r, "API Key not authorized because method '%s %s' "
                "requires API Key and no API Key was sent", xlog_method(r),
                path);
        } else {
            tp_xlog_add(r, "API Key %.*s not authorized because method "
                "'%s %s' requires API Key and API Key is not associated "
                "with a Usage Plan for API Stage %s/%s", klen, key,
                xlog_method(r), path, api, st);
        }
        break;
    }
}

void
tp_xlog_start(struct tp_request *r)
{
    tp_xlog_add(r, "Starting execution for request: %s", r->id);
    tp_xlog_add(r, "HTTP Method: %s, Resource Path: %s", xlog_method(r),
        r->match.route == r->api->default_route ? "$default"
                                                : r->match.route->path);
    if (r->xlog->conf->data_trace) {
        xlog_path_params(r);
        xlog_query(r);
        tp_xlog_headers(r, "Method request headers", &r->msg, r->c->buf);
    }
}

void
tp_xlog_received(struct tp_request *r)
{
    uint64_t end = r->integ_end != 0 ? r->integ_end : tp_clock.mono_us;

    r->xlog->received = true;
    tp_xlog_add(r, "Received response. Status: %d, Integration latency: "
        "%llu ms", r->integ_status,
        (unsigned long long) ((end - r->integ_start) / 1000));
}

/* The integration's outcome. */
static void
xlog_integration(struct tp_request *r)
{
    if (r->integ_error != NULL) {
        if (r->error_type == TP_GW_INTEGRATION_TIMEOUT) {
            tp_xlog_add(r, "Execution failed due to a timeout error");
        } else {
            tp_xlog_add(r, "Execution failed due to configuration error: "
                "%s", r->integ_error);
        }
    } else if (r->integ_start != 0 && r->integ_status != 0
        && !r->xlog->received)
    {
        tp_xlog_received(r);
    }
}

/* The request's lines in one write(2), when the level wants them. */
static void
xlog_write(struct tp_request *r, bool failed)
{
    struct tp_xlog *x = r->xlog;
    ssize_t n;

    if (x->len == 0 || (x->conf->level < TP_XLOG_INFO && !failed)
        || x->conf->file.fd < 0)
    {
        return;
    }
    n = write(x->conf->file.fd, x->buf, x->len);
    if (n != (ssize_t) x->len) {
        tp_accesslog_failed(r->c->w, &x->conf->file, n);
    }
}

void
tp_xlog_end(struct tp_request *r)
{
    bool failed = r->status >= 400 || r->integ_error != NULL;

    if (r->xlog->auth_pending) {
        xlog_auth_refused(r);
    }
    xlog_integration(r);
    if (r->error_type >= 0 && r->status >= 400) {
        tp_xlog_add(r, "Gateway response type: %s with status code: %d",
            tp_gwresp_get((enum tp_gw) r->error_type)->type, r->status);
    }
    if (!failed) {
        tp_xlog_add(r, "Successfully completed execution");
    }
    tp_xlog_add(r, "Method completed with status: %d", r->status);
    xlog_write(r, failed);
}

void
tp_xlog_abort(struct tp_request *r, const char *why)
{
    xlog_integration(r);
    tp_xlog_add(r, "Execution failed: the client connection was closed "
        "(%s)", why != NULL ? why : "connection closed");
    if (r->status != 0) {
        tp_xlog_add(r, "Method completed with status: %d", r->status);
    }
    xlog_write(r, true);
    r->xlog = NULL;                  /* written: once */
}
