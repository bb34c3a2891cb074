/*
 * tp_fn_remote.c: one remote Lambda invocation (see tp_fn_remote.h), an
 * explicit state machine over a fresh backend connection of tp_upstream:
 *
 *   CONNECT (TCP, TLS) -> SEND (head + payload) -> RECV -> done
 *
 * The request is the Invoke API's, as botocore sends it:
 *
 *   POST {prefix}/2015-03-31/functions/{url-encoded ARN}/invocations
 *        [?Qualifier=Q]
 *   X-Amz-Invocation-Type: RequestResponse | Event
 *   X-Amz-Client-Context: base64 of the JSON (when the caller gave one)
 *   Authorization: AWS4-HMAC-SHA256 ... (when credentials are set)
 *
 * One connection per call, closed after it ("Connection: close"): a
 * pooled connection the endpoint closed meanwhile would need a retry, and
 * a retried invocation may run twice.  Workers only.
 */
#include "tp_fn_remote.h"
#include "tp_base64.h"
#include "tp_http_parse.h"
#include "tp_log.h"
#include "tp_sigv4.h"
#include "tp_sock.h"
#include "tp_time.h"
#include "tp_timer.h"
#include "tp_upstream.h"
#include "tp_upx.h"
#include "tp_worker.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define RF_HEAD_MAX  16384
#define RF_BODY_MAX  (TP_FN_REMOTE_MAX + 4096)   /* an error document
                                                   beyond the payload */
#define RF_REQ_HEAD  4096

enum rf_phase {
    RF_CONNECT = 0,
    RF_SEND,
    RF_RECV
};

struct tp_fn_remote {
    struct tp_worker *w;
    tp_fn_done done;
    void *ctx;
    bool event;
    uint8_t phase;                   /* enum rf_phase */
    bool head_done;
    bool chunked;
    struct tp_upconn *up;
    struct tp_timer timer;
    char fn[200];                    /* the ARN, for messages */
    char *req;                       /* head + payload */
    size_t req_len, req_off;
    char *buf;                       /* response: head, then the body */
    size_t len, cap;
    size_t raw;                      /* chunked: next undecoded byte */
    size_t body_end;                 /* end of the decoded body */
    struct tp_http_chunked ch;
    struct tp_http_msg msg;
    uint64_t start_ms;
};

static void rf_event(void *owner, int what, uint32_t events);

static void
rf_free(struct tp_fn_remote *f)
{
    tp_timer_del(&f->w->loop.timers, &f->timer);
    if (f->up != NULL) {
        tp_upstream_release(f->up, false);
    }
    free(f->req);
    free(f->buf);
    free(f);
}

void
tp_fn_remote_cancel(struct tp_fn_remote *f)
{
    if (f != NULL) {
        rf_free(f);
    }
}

/* Ends the call: <done> with <status> and <payload>, then frees it. */
static void
rf_finish(struct tp_fn_remote *f, enum tp_fn_status status,
    const char *error_type, struct tp_str payload)
{
    struct tp_fn_result res;

    memset(&res, 0, sizeof(res));
    res.status = status;
    res.error_type = error_type;
    res.payload = payload;
    res.duration_ms = (uint32_t) (tp_clock.mono_ms - f->start_ms);
    tp_timer_del(&f->w->loop.timers, &f->timer);
    f->done(f->ctx, &res);
    rf_free(f);
}

static void
rf_fail(struct tp_fn_remote *f, enum tp_fn_status status, const char *why)
{
    tp_log(TP_LOG_ERROR, 0, "remote function %s: %s", f->fn, why);
    rf_finish(f, status, NULL, TP_STR(""));
}

static void
rf_timeout(struct tp_timer *t)
{
    struct tp_fn_remote *f = TP_CONTAINER_OF(t, struct tp_fn_remote, timer);
    char why[64];

    snprintf(why, sizeof(why), "no answer within %u ms",
        f->w->model->lambda.timeout_ms);
    rf_fail(f, TP_FN_TIMEOUT, why);
}

/* The function's ARN without its qualifier, into f->fn. */
static int
rf_arn(struct tp_fn_remote *f, const struct tp_lambda_ref *fn)
{
    const struct tp_model *m = f->w->model;
    struct tp_str region = fn->region, account = fn->account;
    int n;

    if (region.len == 0) {
        region = (struct tp_str) { m->lambda.region,
                                   strlen(m->lambda.region) };
    }
    if (account.len == 0) {
        account = (struct tp_str) { m->server.account_id,
                                    strlen(m->server.account_id) };
    }
    n = snprintf(f->fn, sizeof(f->fn), "arn:aws:lambda:%.*s:%.*s:function:"
        "%.*s", (int) region.len, region.p, (int) account.len, account.p,
        (int) fn->name.len, fn->name.p);
    return n > 0 && (size_t) n < sizeof(f->fn) ? TP_OK : TP_ERROR;
}

/* "YYYYMMDDTHHMMSSZ" of now. */
static void
rf_amz_date(char out[17])
{
    time_t now = time(NULL);
    struct tm tm;

    gmtime_r(&now, &tm);
    strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm);
}

/* The names rf_request() signs, sorted, by which of the optional
 * headers are present: [client context][security token]. */
static const struct tp_str rf_signed[2][2] = {
    { TP_STR("content-type;host;x-amz-date;x-amz-invocation-type"),
      TP_STR("content-type;host;x-amz-date;x-amz-invocation-type;"
             "x-amz-security-token") },
    { TP_STR("content-type;host;x-amz-client-context;x-amz-date;"
             "x-amz-invocation-type"),
      TP_STR("content-type;host;x-amz-client-context;x-amz-date;"
             "x-amz-invocation-type;x-amz-security-token") }
};

/* The Authorization value for the request described by <h>, or "". */
static int
rf_sign(struct tp_fn_remote *f, struct tp_arena *a, struct tp_str path,
    struct tp_str query, const struct tp_sigv4_hdr *h, size_t nh,
    struct tp_str payload, const char *date, bool ctx, struct tp_str *authz)
{
    const struct tp_lambda_conf *l = &f->w->model->lambda;
    struct tp_sigv4_req req = {
        TP_STR("POST"), path, query, h, nh, payload.p, payload.len, NULL
    };
    struct tp_sigv4_sign_in in = {
        .akid = { l->access_key_id, strlen(l->access_key_id) },
        .secret = { l->secret_access_key, strlen(l->secret_access_key) },
        .token = { l->session_token, l->session_token != NULL
                                     ? strlen(l->session_token) : 0 },
        .region = { l->region, strlen(l->region) },
        .service = TP_STR("lambda"),
        .date = { date, 16 },
        .signed_headers = rf_signed[ctx][l->session_token != NULL],
        .expires = -1,
    };

    return tp_sigv4_sign_header(a, &req, &in, authz);
}

/* Builds f->req: the head (signed when there are credentials), then the
 * payload. */
static int
rf_request(struct tp_fn_remote *f, const struct tp_lambda_ref *fn,
    struct tp_str payload, struct tp_str client_ctx)
{
    const struct tp_lambda_conf *l = &f->w->model->lambda;
    const char *itype = f->event ? "Event" : "RequestResponse";
    char path[1024], query[400], date[17];
    char ctx[TP_BASE64_ENC_LEN(TP_FNPROTO_MAX_CTX)];
    struct tp_str authz = TP_STR("");
    struct tp_sigv4_hdr h[6];
    struct tp_arena a;
    size_t pl, ql = 0, nh = 4, cl = 0, room;
    int n, rc = TP_OK;

    if (strlen(l->path_prefix) + 3 * strlen(f->fn) + 40 > sizeof(path)
        || fn->qualifier.len > 128 || client_ctx.len > TP_FNPROTO_MAX_CTX)
    {
        return TP_ERROR;
    }
    if (client_ctx.len > 0) {
        cl = tp_base64_encode((const unsigned char *) client_ctx.p,
            client_ctx.len, ctx);
    }
    pl = (size_t) snprintf(path, sizeof(path), "%s/2015-03-31/functions/",
        l->path_prefix);
    pl += tp_sigv4_encode(f->fn, strlen(f->fn), path + pl, false);
    memcpy(path + pl, "/invocations", 13);
    pl += 12;
    if (fn->qualifier.len > 0) {
        memcpy(query, "Qualifier=", 10);
        ql = 10 + tp_sigv4_encode(fn->qualifier.p, fn->qualifier.len,
            query + 10, false);
    }
    rf_amz_date(date);
    h[0] = (struct tp_sigv4_hdr) { TP_STR("Content-Type"),
                                   TP_STR("application/json") };
    h[1] = (struct tp_sigv4_hdr) { TP_STR("Host"),
        { l->endpoint->hostport, strlen(l->endpoint->hostport) } };
    h[2] = (struct tp_sigv4_hdr) { TP_STR("X-Amz-Date"), { date, 16 } };
    h[3] = (struct tp_sigv4_hdr) { TP_STR("X-Amz-Invocation-Type"),
                                   { itype, strlen(itype) } };
    if (cl > 0) {
        h[nh++] = (struct tp_sigv4_hdr) { TP_STR("X-Amz-Client-Context"),
                                          { ctx, cl } };
    }
    if (l->session_token != NULL) {
        h[nh++] = (struct tp_sigv4_hdr) { TP_STR("X-Amz-Security-Token"),
            { l->session_token, strlen(l->session_token) } };
    }
    tp_arena_init(&a, 4096);
    if (l->access_key_id != NULL
        && rf_sign(f, &a, (struct tp_str) { path, pl },
            (struct tp_str) { query, ql }, h, nh, payload, date, cl > 0,
            &authz) != TP_OK)
    {
        tp_arena_free(&a);
        return TP_ERROR;
    }
    room = RF_REQ_HEAD + authz.len + cl;
    f->req = malloc(room + payload.len);
    if (f->req == NULL) {
        tp_arena_free(&a);
        return TP_ERROR;
    }
    n = snprintf(f->req, room, "POST %.*s%s%.*s HTTP/1.1"
        "\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: "
        "%zu\r\nX-Amz-Date: %s\r\nX-Amz-Invocation-Type: %s\r\n%s%.*s%s"
        "%s%s%s%s%.*s%s"
        "User-Agent: turnpike\r\nConnection: close\r\n\r\n", (int) pl, path,
        ql > 0 ? "?" : "", (int) ql, query, l->endpoint->hostport,
        payload.len, date, itype,
        cl > 0 ? "X-Amz-Client-Context: " : "", (int) cl, ctx,
        cl > 0 ? "\r\n" : "",
        l->session_token != NULL ? "X-Amz-Security-Token: " : "",
        l->session_token != NULL ? l->session_token : "",
        l->session_token != NULL ? "\r\n" : "",
        authz.len > 0 ? "Authorization: " : "", (int) authz.len, authz.p,
        authz.len > 0 ? "\r\n" : "");
    tp_arena_free(&a);
    if (n < 0 || (size_t) n >= room) {
        rc = TP_ERROR;
    } else {
        memcpy(f->req + n, payload.p, payload.len);
        f->req_len = (size_t) n + payload.len;
    }
    return rc;
}

struct tp_fn_remote *
tp_fn_invoke_remote(struct tp_worker *w, const struct tp_lambda_ref *fn,
    struct tp_str payload, const char *request_id, bool event,
    tp_fn_done done, void *ctx)
{
    return tp_fn_invoke_remote_ctx(w, fn, payload, request_id, event,
        TP_NULL_STR, done, ctx);
}

struct tp_fn_remote *
tp_fn_invoke_remote_ctx(struct tp_worker *w, const struct tp_lambda_ref *fn,
    struct tp_str payload, const char *request_id, bool event,
    struct tp_str client_ctx, tp_fn_done done, void *ctx)
{
    const struct tp_lambda_conf *l = &w->model->lambda;
    struct tp_fn_remote *f;

    (void) request_id;               /* Lambda makes its own */
    if (l->endpoint == NULL || l->endpoint->addrlen == 0
        || payload.len > TP_FN_REMOTE_MAX
        || (f = calloc(1, sizeof(*f))) == NULL)
    {
        return NULL;
    }
    f->w = w;
    f->done = done;
    f->ctx = ctx;
    f->event = event;
    f->start_ms = tp_clock.mono_ms;
    tp_timer_init(&f->timer, rf_timeout);
    tp_http_msg_init(&f->msg);
    if (rf_arn(f, fn) != TP_OK
        || rf_request(f, fn, payload, client_ctx) != TP_OK)
    {
        rf_free(f);
        return NULL;
    }
    f->up = tp_upstream_get(w, l->endpoint, true, f, rf_event);
    if (f->up == NULL) {
        tp_log(TP_LOG_ERROR, errno, "remote function %s: cannot connect to "
            "%s", f->fn, l->endpoint->hostport);
        rf_free(f);
        return NULL;
    }
    (void) tp_timer_set(&w->loop.timers, &f->timer,
        tp_clock.mono_ms + l->timeout_ms);
    return f;
}

/* A header of the response, or an empty string. */
static struct tp_str
rf_header(const struct tp_fn_remote *f, const char *name)
{
    int i = tp_http_find_header(&f->msg, f->buf, name, 0);

    return i < 0 ? TP_STR("") : (struct tp_str) {
        f->buf + f->msg.hdrs[i].value_off, f->msg.hdrs[i].value_len };
}

/* The whole response is in: its status says what became of the call. */
static void
rf_complete(struct tp_fn_remote *f)
{
    struct tp_str body = { f->buf + f->msg.head_len,
                           f->body_end - f->msg.head_len };
    struct tp_str ferr = rf_header(f, "X-Amz-Function-Error");
    struct tp_str etype = rf_header(f, "x-amzn-ErrorType");
    char why[300];

    switch (f->msg.status) {
    case 200:
        if (ferr.len > 0) {
            rf_finish(f, TP_FN_ERROR, ferr.len == 7
                && memcmp(ferr.p, "Handled", 7) == 0 ? "Handled"
                : "Unhandled", body);
            return;
        }
        rf_finish(f, TP_FN_OK, NULL, body);
        return;
    case 202:
    case 204:
        rf_finish(f, TP_FN_OK, NULL, TP_STR(""));
        return;
    case 429:
        rf_finish(f, TP_FN_THROTTLED, NULL, body);
        return;
    default:
        snprintf(why, sizeof(why), "the Invoke API answered %u %.*s: %.*s",
            f->msg.status, (int) TP_MIN(etype.len, 80), etype.p,
            (int) TP_MIN(body.len, 160), body.p);
        rf_fail(f, TP_FN_UNAVAILABLE, why);
        return;
    }
}

/*
 * What has been read so far: TP_DONE once the response is whole,
 * TP_AGAIN for more, TP_ERROR with <why> set.
 */
static int
rf_progress(struct tp_fn_remote *f, bool eof, const char **why)
{
    struct tp_http_limits lim = { 8192, RF_HEAD_MAX };
    int rc;

    if (!f->head_done) {
        rc = tp_http_parse_response(&f->msg, f->buf, f->len, &lim);
        if (rc == TP_AGAIN && !eof) {
            return TP_AGAIN;
        }
        if (rc != TP_OK) {
            *why = rc == TP_AGAIN ? "closed before a response"
                                  : "malformed response";
            return TP_ERROR;
        }
        if (f->msg.status < 200) {
            /* 100 Continue and the like: drop the interim head */
            memmove(f->buf, f->buf + f->msg.head_len,
                f->len - f->msg.head_len);
            f->len -= f->msg.head_len;
            tp_http_msg_init(&f->msg);
            return rf_progress(f, eof, why);
        }
        f->head_done = true;
        f->chunked = (f->msg.flags & TP_HTTP_F_CHUNKED) != 0;
        f->raw = f->body_end = f->msg.head_len;
    }
    if (f->chunked) {
        rc = tp_upx_dechunk(&f->ch, f->buf, f->len, &f->raw, &f->body_end);
        if (rc == TP_ERROR) {
            *why = "bad chunked framing";
            return TP_ERROR;
        }
    } else if (f->msg.content_length >= 0) {
        f->body_end = TP_MIN(f->len,
            f->msg.head_len + (size_t) f->msg.content_length);
        rc = f->body_end - f->msg.head_len
            == (size_t) f->msg.content_length ? TP_DONE : TP_AGAIN;
    } else {
        f->body_end = f->len;
        rc = eof ? TP_DONE : TP_AGAIN;   /* the body ends with the close */
    }
    if (rc == TP_AGAIN && eof) {
        *why = "closed mid-body";
        return TP_ERROR;
    }
    return rc;
}

static int
rf_send(struct tp_fn_remote *f)
{
    int rc = tp_upx_send(f->up, f->req, f->req_len, &f->req_off);

    if (rc == TP_OK) {
        free(f->req);
        f->req = NULL;
        f->phase = RF_RECV;
    }
    return rc;
}

/* Room for at least one more read; TP_ERROR past the limits. */
static int
rf_room(struct tp_fn_remote *f)
{
    size_t cap;
    char *p;

    if (f->len < f->cap) {
        return TP_OK;
    }
    if (f->cap >= RF_HEAD_MAX + RF_BODY_MAX) {
        return TP_ERROR;
    }
    cap = TP_MIN(f->cap == 0 ? 16384 : f->cap * 2,
        (size_t) (RF_HEAD_MAX + RF_BODY_MAX));
    p = realloc(f->buf, cap);
    if (p == NULL) {
        return TP_ERROR;
    }
    f->buf = p;
    f->cap = cap;
    return TP_OK;
}

static void
rf_recv(struct tp_fn_remote *f)
{
    const char *why = NULL;
    ssize_t n;
    int rc;

    for (;;) {
        if (rf_room(f) != TP_OK) {
            rf_fail(f, TP_FN_UNAVAILABLE, "response too large");
            return;
        }
        n = tp_sock_read(&f->up->sock, f->buf + f->len, f->cap - f->len);
        if (n == TP_AGAIN) {
            return;
        }
        if (n < 0) {
            rf_fail(f, TP_FN_UNAVAILABLE, "read failed");
            return;
        }
        f->len += (size_t) n;
        rc = rf_progress(f, n == 0, &why);
        if (rc == TP_ERROR) {
            rf_fail(f, TP_FN_UNAVAILABLE, why);
            return;
        }
        if (rc == TP_DONE) {
            rf_complete(f);
            return;
        }
    }
}

static void
rf_event(void *owner, int what, uint32_t events)
{
    struct tp_fn_remote *f = owner;
    char why[160];
    int rc;

    (void) events;
    if (what == TP_UP_FAILED) {
        snprintf(why, sizeof(why), "cannot connect to %s%s: %s",
            f->w->model->lambda.endpoint->hostport,
            f->w->model->lambda.endpoint->tls ? " (or TLS handshake failed)"
            : "", strerror(f->up->error));
        rf_fail(f, TP_FN_UNAVAILABLE, why);
        return;
    }
    if (f->phase == RF_CONNECT) {
        f->phase = RF_SEND;
    }
    if (f->phase == RF_SEND) {
        rc = rf_send(f);
        if (rc == TP_ERROR) {
            rf_fail(f, TP_FN_UNAVAILABLE, "send failed");
            return;
        }
        if (rc == TP_AGAIN) {
            return;
        }
    }
    if (f->phase == RF_RECV) {
        rf_recv(f);
    }
}
