/*
 * tp_admin.c: the admin listener's request path: a table of built-in
 * routes (the Lambda Invoke API, /metrics, /health), Lambda-shaped errors
 * for the rest.  Workers only.
 */
#include "tp_admin.h"
#include "tp_pipeline.h"
#include "tp_respond.h"

#include <stdio.h>

#define INVOKE_PREFIX "/2015-03-31/functions/"
#define INVOKE_SUFFIX "/invocations"

/* A JSON string's contents: quotes, backslashes and controls escaped. */
static size_t
admin_json_escape(char *out, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    size_t n = 0;

    for (; *s != '\0'; s++) {
        unsigned char ch = (unsigned char) *s;

        if (ch == '"' || ch == '\\') {
            out[n++] = '\\';
            out[n++] = (char) ch;
        } else if (ch < 0x20) {
            memcpy(out + n, "\\u00", 4);
            out[n + 4] = hex[ch >> 4];
            out[n + 5] = hex[ch & 15];
            n += 6;
        } else {
            out[n++] = (char) ch;
        }
    }
    return n;
}

/* tp_admin_error() with response headers <hdrs>. */
static void
admin_error_hdrs(struct tp_request *r, int status, const char *type,
    const char *message, const char *reason, const struct tp_hdr_out *hdrs,
    unsigned nhdrs)
{
    size_t cap = 64 + 6 * strlen(message)
        + (reason != NULL ? 16 + strlen(reason) : 0), n;
    char *b = tp_arena_alloc(&r->c->arena, cap);

    if (b == NULL) {
        tp_client_abort(r->c, "out of memory");
        return;
    }
    n = (size_t) snprintf(b, cap, "{%s%s%s\"Type\":\"%s\",\"message\":\"",
        reason != NULL ? "\"Reason\":\"" : "", reason != NULL ? reason : "",
        reason != NULL ? "\"," : "", status >= 500 ? "Service" : "User");
    n += admin_json_escape(b + n, message);
    memcpy(b + n, "\"}", 2);
    r->error_message = message;
    tp_respond_send(r, status, TP_STR("application/json"), hdrs, nhdrs,
        (struct tp_str) { b, n + 2 }, type);
}

void
tp_admin_error(struct tp_request *r, int status, const char *type,
    const char *message, const char *reason)
{
    admin_error_hdrs(r, status, type, message, reason, NULL, 0);
}

/* The Invoke API's path: its FunctionName segment into <arg>. */
static bool
admin_match_invoke(struct tp_str path, struct tp_str *arg)
{
    size_t pre = sizeof(INVOKE_PREFIX) - 1, suf = sizeof(INVOKE_SUFFIX) - 1;

    if (path.len > pre + suf && memcmp(path.p, INVOKE_PREFIX, pre) == 0
        && memcmp(path.p + path.len - suf, INVOKE_SUFFIX, suf) == 0
        && memchr(path.p + pre, '/', path.len - pre - suf) == NULL)
    {
        *arg = (struct tp_str) { path.p + pre, path.len - pre - suf };
        return true;
    }
    return false;
}

#define M(m) (1u << TP_HTTP_##m)

/* The built-in routes: a literal path or a matcher, the methods taken. */
static const struct admin_route {
    const char *path;                /* exact path, or NULL: match() */
    bool (*match)(struct tp_str path, struct tp_str *arg);
    unsigned methods;                /* M(GET) | ... */
    const char *allow;               /* Allow header of a 405 */
    const char *not_allowed;         /* its message */
    void (*serve)(struct tp_request *r, struct tp_str arg);
} admin_routes[] = {
    { NULL, admin_match_invoke, M(POST), "POST",
      "The Invoke API takes POST", tp_admin_invoke },
    { "/metrics", NULL, M(GET) | M(HEAD), "GET, HEAD",
      "/metrics takes GET or HEAD", tp_admin_metrics },
    { "/health", NULL, M(GET) | M(HEAD), "GET, HEAD",
      "/health takes GET or HEAD", tp_admin_health },
};

int
tp_admin_request(struct tp_request *r)
{
    const char *t = r->c->buf + r->msg.target_off;
    size_t plen = r->msg.path_len;
    const struct admin_route *rt;
    struct tp_str arg = TP_NULL_STR;
    struct tp_hdr_out allow;

    r->path = (struct tp_str) { t, plen };
    r->query = r->msg.target_len > plen
        ? (struct tp_str) { t + plen + 1, r->msg.target_len - plen - 1 }
        : (struct tp_str) { t + plen, 0 };
    if (r->early_status != 0 && r->early_status != 413) {
        tp_respond_status(r, r->early_status);
        return TP_PHASE_DONE;
    }
    for (rt = admin_routes; rt < admin_routes + TP_NELEM(admin_routes);
         rt++)
    {
        if (rt->path != NULL ? strlen(rt->path) != plen
                || memcmp(rt->path, t, plen) != 0
            : !rt->match(r->path, &arg))
        {
            continue;
        }
        if ((rt->methods & (1u << r->msg.method)) == 0) {
            allow = (struct tp_hdr_out) {
                TP_STR("Allow"), { rt->allow, strlen(rt->allow) }
            };
            admin_error_hdrs(r, 405, "MethodNotAllowedException",
                rt->not_allowed, NULL, &allow, 1);
            return TP_PHASE_DONE;
        }
        rt->serve(r, arg);
        return TP_PHASE_DONE;
    }
    tp_admin_error(r, 404, "UnknownOperationException", "Unknown operation: "
        "the admin listener serves the Lambda Invoke API (POST "
        INVOKE_PREFIX "{FunctionName}" INVOKE_SUFFIX "), GET /metrics and "
        "GET /health only", NULL);
    return TP_PHASE_DONE;
}
