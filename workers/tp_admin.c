/*
 * tp_admin.c: the admin listener's request path: a table of built-in
 * routes (the Lambda Invoke API), Lambda-shaped errors for the rest.
 * Workers only.
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

void
tp_admin_error(struct tp_request *r, int status, const char *type,
    const char *message, const char *reason)
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
    tp_respond_send(r, status, TP_STR("application/json"), NULL, 0,
        (struct tp_str) { b, n + 2 }, type);
}

int
tp_admin_request(struct tp_request *r)
{
    const char *t = r->c->buf + r->msg.target_off;
    size_t plen = r->msg.path_len, pre = sizeof(INVOKE_PREFIX) - 1;
    size_t suf = sizeof(INVOKE_SUFFIX) - 1;

    r->path = (struct tp_str) { t, plen };
    r->query = r->msg.target_len > plen
        ? (struct tp_str) { t + plen + 1, r->msg.target_len - plen - 1 }
        : (struct tp_str) { t + plen, 0 };
    if (r->early_status != 0 && r->early_status != 413) {
        tp_respond_status(r, r->early_status);
        return TP_PHASE_DONE;
    }
    if (plen > pre + suf && memcmp(t, INVOKE_PREFIX, pre) == 0
        && memcmp(t + plen - suf, INVOKE_SUFFIX, suf) == 0
        && memchr(t + pre, '/', plen - pre - suf) == NULL)
    {
        if (r->msg.method != TP_HTTP_POST) {
            tp_admin_error(r, 405, "MethodNotAllowedException",
                "The Invoke API takes POST", NULL);
            return TP_PHASE_DONE;
        }
        tp_admin_invoke(r, (struct tp_str) { t + pre, plen - pre - suf });
        return TP_PHASE_DONE;
    }
    tp_admin_error(r, 404, "UnknownOperationException", "Unknown operation: "
        "the admin listener serves the Lambda Invoke API (POST "
        INVOKE_PREFIX "{FunctionName}" INVOKE_SUFFIX ") only", NULL);
    return TP_PHASE_DONE;
}
