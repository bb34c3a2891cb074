/*
 * tp_phase_resolve.c: which API and stage a request addresses
 * (CONFIG.md "Invoking an API").  Workers only.
 *
 *   Host {api-id}.execute-api.{anything} -> that API, path /{stage}/...
 *   otherwise the listener's default_api,   path /{stage}/...
 * HTTP APIs with a "$default" stage take paths without a stage segment.
 */
#include "tp_pipeline.h"
#include "tp_respond.h"
#include "tp_worker.h"

#include <strings.h>

#define EXECUTE_API ".execute-api."

static struct tp_api *
resolve_by_host(struct tp_request *r)
{
    struct tp_str host;
    const char *dot;

    if (r->msg.host_idx < 0) {
        return NULL;
    }
    host = tp_req_header(r, (unsigned) r->msg.host_idx, true);
    dot = memchr(host.p, '.', host.len);
    if (dot == NULL || (size_t) (host.p + host.len - dot)
            < sizeof(EXECUTE_API) - 1
        || strncasecmp(dot, EXECUTE_API, sizeof(EXECUTE_API) - 1) != 0)
    {
        return NULL;
    }
    return tp_model_find_api(r->c->w->model, host.p, (size_t) (dot - host.p));
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

int
tp_phase_resolve(struct tp_request *r)
{
    resolve_split(r);
    r->api = resolve_by_host(r);
    if (r->api == NULL) {
        r->api = r->c->lst->default_api;
    }
    if (r->api == NULL || r->api->type == TP_API_WEBSOCKET) {
        r->api = NULL;
        tp_respond_gw(r, TP_GW_NOT_FOUND, NULL);
        return TP_PHASE_DONE;
    }
    r->stage = resolve_stage(r);
    if (r->stage == NULL) {
        tp_respond_gw(r, TP_GW_MISSING_AUTHENTICATION_TOKEN, NULL);
        return TP_PHASE_DONE;
    }
    return TP_PHASE_CONTINUE;
}
