/*
 * tp_respond.c: gateway-generated responses.  Workers only.
 */
#include "tp_respond.h"
#include "tp_reqid.h"
#include "tp_time.h"
#include "tp_worker.h"

#include <stdarg.h>
#include <stdio.h>

static int
respond_add(char *out, size_t cap, size_t *len, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(out + *len, cap - *len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t) n >= cap - *len) {
        return TP_ERROR;
    }
    *len += (size_t) n;
    return TP_OK;
}

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

#define RPUTS(lit) respond_put(out, cap, len, lit, sizeof(lit) - 1)

int
tp_respond_common_headers(struct tp_request *r, char *out, size_t cap,
    size_t *len)
{
    struct tp_client *c = r->c;
    char shortid[17];
    int rc;

    rc = RPUTS("Date: ");
    rc |= respond_put(out, cap, len, tp_clock.http_date,
        tp_clock.http_date_len);
    /* Every response carries x-amzn-RequestId; HTTP APIs add AWS's short
     * apigw-requestid as well. */
    rc |= RPUTS("\r\nx-amzn-RequestId: ");
    rc |= respond_put(out, cap, len, r->id, 36);
    rc |= RPUTS("\r\n");
    if (r->api != NULL && r->api->type == TP_API_HTTP) {
        tp_reqid_short(r->id, shortid);
        rc |= RPUTS("apigw-requestid: ");
        rc |= respond_put(out, cap, len, shortid, 16);
        rc |= RPUTS("\r\n");
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

/* Writes a complete JSON response: status line, headers, body. */
static void
respond_json(struct tp_request *r, int status, const char *error_type,
    const char *message)
{
    char *head;
    char body[512];
    size_t len = 0, cap = 1024;
    int blen;
    struct iovec iov[2];

    r->status = status;
    blen = snprintf(body, sizeof(body), "{\"message\":\"%s\"}", message);
    head = tp_arena_alloc(&r->c->arena, cap + sizeof(body));
    if (head == NULL || blen < 0) {
        tp_client_abort(r->c, "out of memory");
        return;
    }
    if (respond_add(head, cap, &len, "HTTP/1.1 %d %s\r\nServer: turnpike\r\n"
            "Content-Type: application/json\r\nContent-Length: %d\r\n",
            status, tp_http_reason(status), blen) != TP_OK
        || (error_type != NULL && respond_add(head, cap, &len,
            "x-amzn-ErrorType: %s\r\n", error_type) != TP_OK)
        || tp_respond_common_headers(r, head, cap, &len) != TP_OK
        || respond_add(head, cap, &len, "\r\n") != TP_OK)
    {
        tp_client_abort(r->c, "response head too large");
        return;
    }
    memcpy(head + cap, body, (size_t) blen);
    iov[0].iov_base = head;
    iov[0].iov_len = len;
    iov[1].iov_base = head + cap;
    iov[1].iov_len = r->msg.method == TP_HTTP_HEAD ? 0 : (size_t) blen;
    if (tp_client_send(r, iov, 2, respond_done) == TP_OK) {
        tp_request_done(r);
    }
}

void
tp_respond_gw(struct tp_request *r, enum tp_gw type, const char *message)
{
    const struct tp_gwresp *g = tp_gwresp_get(type);

    if (r->api != NULL && r->api->type == TP_API_HTTP) {
        /* HTTP APIs have fixed error bodies and no x-amzn-ErrorType. */
        respond_json(r, g->http_status, NULL, g->http_message);
        return;
    }
    respond_json(r, g->status, g->error_type,
        message != NULL ? message : g->message);
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
    respond_json(r, status, status >= 500 ? "InternalServerErrorException"
        : "BadRequestException", msg);
}
