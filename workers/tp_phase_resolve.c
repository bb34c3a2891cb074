/*
 * tp_phase_resolve.c: which API and stage a request addresses
 * (CONFIG.md "Invoking an API").  Workers only.
 *
 *   Host = a custom domain with mappings -> base path mapping (API, stage)
 *          (mutual TLS domains: only over a connection that verified a
 *          client certificate for them, else 403)
 *   Host {api-id}.execute-api.{anything} -> that API, path /{stage}/...
 *   otherwise the listener's default_api,   path /{stage}/...
 * HTTP APIs with a "$default" stage take paths without a stage segment.
 * The admin listener never serves an API: tp_admin.c answers there.
 */
#include "tp_admin.h"
#include "tp_clientcert.h"
#include "tp_execlog.h"
#include "tp_log.h"
#include "tp_pipeline.h"
#include "tp_respond.h"
#include "tp_worker.h"

#include <strings.h>

#define EXECUTE_API ".execute-api."

/* The Host header without its port. */
static struct tp_str
resolve_host(const struct tp_request *r)
{
    struct tp_str host;
    const char *colon;

    if (r->msg.host_idx < 0) {
        return TP_NULL_STR;
    }
    host = tp_req_header(r, (unsigned) r->msg.host_idx, true);
    if (host.len > 0 && host.p[0] != '[') {
        colon = memchr(host.p, ':', host.len);
        if (colon != NULL) {
            host.len = (size_t) (colon - host.p);
        }
    }
    return host;
}

/* {api-id}.execute-api.{anything} */
static struct tp_api *
resolve_execute_api(struct tp_request *r, struct tp_str host)
{
    const char *dot = memchr(host.p, '.', host.len);
    struct tp_api *api;

    if (dot == NULL || (size_t) (host.p + host.len - dot)
            < sizeof(EXECUTE_API) - 1
        || strncasecmp(dot, EXECUTE_API, sizeof(EXECUTE_API) - 1) != 0)
    {
        return NULL;
    }
    api = tp_model_find_api(r->c->w->model, host.p, (size_t) (dot - host.p));
    return api != NULL && !api->disable_execute_api ? api : NULL;
}

/*
 * A custom domain: the longest base path mapping that prefixes the path
 * (whole segments) picks API and stage; the rest is the resource path.
 */
static int
resolve_domain(struct tp_request *r, struct tp_domain *d)
{
    const char *p = r->path.p, *end = p + r->path.len;
    unsigned i;

    for (i = 0; i < d->nmappings; i++) {
        const struct tp_base_mapping *bm = &d->mappings[i];
        size_t n = bm->len;

        if (n > 0 && (r->path.len < n + 1 || memcmp(p + 1, bm->base_path, n)
                != 0 || (p + 1 + n < end && p[1 + n] != '/')))
        {
            continue;
        }
        r->domain = d;
        r->base_path = (struct tp_str) { bm->base_path, n };
        r->api = bm->api;
        r->stage = bm->stage;
        p += n > 0 ? 1 + n : 0;
        r->path = p < end ? (struct tp_str) { p, (size_t) (end - p) }
                          : TP_STR("/");
        return TP_OK;
    }
    return TP_DECLINED;
}

static void
resolve_split(struct tp_request *r)
{
    const char *t = r->c->buf + r->msg.target_off;

    r->path = (struct tp_str) { t, r->msg.path_len };
    r->query = r->msg.target_len > r->msg.path_len
        ? (struct tp_str) { t + r->msg.path_len + 1,
                            r->msg.target_len - r->msg.path_len - 1 }
        : (struct tp_str) { t + r->msg.path_len, 0 };
}

/* Takes the first path segment as the stage; the rest is the resource. */
static struct tp_stage *
resolve_stage(struct tp_request *r)
{
    const char *p = r->path.p, *end = p + r->path.len, *slash;
    struct tp_stage *st;

    if (r->path.len > 1 && p[0] == '/') {
        slash = memchr(p + 1, '/', (size_t) (end - p - 1));
        if (slash == NULL) {
            slash = end;
        }
        st = tp_model_find_stage(r->api, p + 1, (size_t) (slash - p - 1));
        if (st != NULL) {
            r->path = slash < end ? (struct tp_str) { slash,
                                        (size_t) (end - slash) }
                                  : TP_STR("/");
            return st;
        }
    }
    if (r->api->type == TP_API_HTTP) {
        return tp_model_find_stage(r->api, "$default", 8);
    }
    return NULL;
}

/* A request the head already disqualified (Content-Length over the
 * limit), answered in the format of the API it addressed. */
int
tp_phase_limits(struct tp_request *r)
{
    if (r->early_status == 0) {
        return TP_PHASE_CONTINUE;
    }
    tp_respond_status(r, r->early_status);
    return TP_PHASE_DONE;
}

int
tp_phase_resolve(struct tp_request *r)
{
    struct tp_str host;
    struct tp_domain *d;

    if (r->c->lst->admin) {
        return tp_admin_request(r);  /* built-in routes, no API */
    }
    resolve_split(r);
    host = resolve_host(r);
    d = host.len > 0 ? tp_model_find_domain(r->c->w->model, host.p, host.len)
                     : NULL;
    /* A mutual TLS domain over a connection that did not verify a client
     * certificate for it (another SNI name, none, a plain listener): the
     * handshake would have refused such a client, so the request is. */
    if (!tp_clientcert_allows(r, d)) {
        tp_respond_gw(r, TP_GW_FORBIDDEN, NULL);
        return TP_PHASE_DONE;
    }
    if (d != NULL && d->nmappings > 0) {
        if (resolve_domain(r, d) != TP_OK) {
            tp_respond_gw(r, TP_GW_FORBIDDEN, NULL);
            return TP_PHASE_DONE;
        }
    } else {
        r->api = host.len > 0 ? resolve_execute_api(r, host) : NULL;
        if (r->api == NULL) {
            r->api = r->c->lst->default_api;
        }
    }
    if (r->api == NULL || r->api->type == TP_API_WEBSOCKET) {
        r->api = NULL;
        tp_respond_gw(r, TP_GW_NOT_FOUND, NULL);
        return TP_PHASE_DONE;
    }
    if (r->api->endpoint_type == TP_ENDPOINT_PRIVATE && !r->c->lst->private) {
        /* AWS answers a private API's call through a public endpoint
         * with a bare 403 Forbidden; the log says why. */
        tp_log(TP_LOG_DEBUG, 0, "api \"%s\" is PRIVATE: not served on "
            "listener %s (not private)", r->api->id, r->c->lst->address);
        tp_respond_gw(r, TP_GW_FORBIDDEN, NULL);
        return TP_PHASE_DONE;
    }
    if (r->stage == NULL) {
        r->stage = resolve_stage(r);
    }
    if (r->stage == NULL) {
        tp_respond_gw(r, TP_GW_MISSING_AUTHENTICATION_TOKEN, NULL);
        return TP_PHASE_DONE;
    }
    if (r->stage->exec_log != NULL) {
        tp_xlog_begin(r);
    }
    return TP_PHASE_CONTINUE;
}
