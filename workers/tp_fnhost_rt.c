/*
 * tp_fnhost_rt.c: the Lambda Runtime API (lambda.md section 8) an
 * instance calls, on its own 127.0.0.1 port so that the host knows which
 * instance speaks:
 *
 *   GET  /2018-06-01/runtime/invocation/next          long poll: 200 + event
 *   POST /2018-06-01/runtime/invocation/{id}/response 202 {"status":"OK"}
 *   POST /2018-06-01/runtime/invocation/{id}/error    202 {"status":"OK"}
 *   POST /2018-06-01/runtime/init/error               202 {"status":"OK"}
 *
 * An unknown or already answered id is 400 InvalidRequestID, a body over
 * 6291556 bytes 413 RequestEntityTooLarge (and the invocation fails with
 * Function.ResponseSizeTooLarge).  Bodies need a Content-Length: response
 * streaming (chunked) is not served.  Each connection is a small state
 * machine: HEAD -> (BODY) -> PARKED (next only) -> WRITE -> HEAD, or
 * HEAD -> DISCARD (a body over the limit) -> WRITE -> closed.
 */
#include "tp_fnhost_int.h"
#include "tp_cycle.h"
#include "tp_log.h"
#include "tp_time.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#define RT_PREFIX  "/2018-06-01/runtime/"
#define RT_READ    16384

static const struct tp_http_limits rt_limits = {
    .max_line = 4096, .max_head = FH_RT_MAX_HEAD
};

static void rt_process(struct fh_rt *rt);

#define RT_DISCARD_MAX  (64 * 1024 * 1024)

static void
rt_close(struct fh_rt *rt)
{
    struct fh_inst *in = rt->inst;
    struct fh_rt **pp;

    if (rt->ev.fd < 0) {
        return;
    }
    if (in->parked == rt) {
        in->parked = NULL;
    }
    for (pp = &in->conns; *pp != NULL; pp = &(*pp)->next) {
        if (*pp == rt) {
            *pp = rt->next;
            break;
        }
    }
    tp_loop_del(&in->pool->host->loop, &rt->ev);
    close(rt->ev.fd);
    rt->ev.fd = -1;
    /* After the batch: the request being handled may still read its
     * body from rt->in (an answer with close_after closes at once). */
    if (rt->in != NULL) {
        tp_loop_defer_free(&in->pool->host->loop, rt->in);
    }
    free(rt->out);
    rt->out = NULL;
    tp_loop_defer_free(&in->pool->host->loop, rt);
}

static void
rt_flush(struct fh_rt *rt)
{
    while (rt->out_off < rt->out_len) {
        ssize_t n = write(rt->ev.fd, rt->out + rt->out_off,
            rt->out_len - rt->out_off);

        if (n < 0) {
            if (errno != EAGAIN && errno != EINTR) {
                rt_close(rt);
            }
            return;
        }
        rt->out_off += (size_t) n;
    }
    free(rt->out);
    rt->out = NULL;
    rt->out_len = rt->out_off = 0;
    if (rt->close_after) {
        rt_close(rt);
        return;
    }
    rt->state = FH_RT_HEAD;
    if (rt->in_len > 0) {
        /* A pipelined request: later, as its caller may still read the
         * request just answered. */
        tp_loop_post(&rt->inst->pool->host->loop, &rt->ev);
    }
}

/* Queues an answer: <hdrs> are extra header lines, each ending CRLF. */
static void
rt_answer(struct fh_rt *rt, int status, const char *hdrs, const char *body,
    size_t len)
{
    const char *reason = status == 200 ? "OK" : status == 202 ? "Accepted"
        : status == 400 ? "Bad Request" : status == 403 ? "Forbidden"
        : status == 404 ? "Not Found" : status == 413
        ? "Request Entity Too Large" : "Internal Server Error";
    char head[1024 + FH_RT_MAX_HDRS];
    int n;

    n = snprintf(head, sizeof(head), "HTTP/1.1 %d %s\r\n"
        "Content-Type: application/json\r\nContent-Length: %zu\r\n%s%s\r\n",
        status, reason, len, hdrs != NULL ? hdrs : "",
        rt->close_after ? "Connection: close\r\n" : "");
    free(rt->out);
    rt->out = malloc((size_t) n + len);
    if (n < 0 || (size_t) n >= sizeof(head) || rt->out == NULL) {
        rt_close(rt);
        return;
    }
    memcpy(rt->out, head, (size_t) n);
    if (len > 0) {
        memcpy(rt->out + n, body, len);
    }
    rt->out_len = (size_t) n + len;
    rt->out_off = 0;
    rt->state = FH_RT_WRITE;
    rt_flush(rt);
}

static void
rt_error(struct fh_rt *rt, int status, const char *type, const char *msg)
{
    char body[256];
    int n = snprintf(body, sizeof(body), "{\"errorMessage\":\"%s\","
        "\"errorType\":\"%s\"}", msg, type);

    rt_answer(rt, status, NULL, body, (size_t) TP_MIN(n,
        (int) sizeof(body) - 1));
}

static void
rt_accepted(struct fh_rt *rt)
{
    static const char ok[] = "{\"status\":\"OK\"}";

    rt_answer(rt, 202, NULL, ok, sizeof(ok) - 1);
}

void
fh_rt_deliver(struct fh_rt *rt, const struct fh_inv *inv)
{
    const struct fh_pool *p;
    const struct tp_server_conf *sc;
    char hdrs[FH_RT_MAX_HDRS], trace[40], parent[20];
    int n;

    if (rt == NULL) {
        return;
    }
    if (inv == NULL) {
        rt->close_after = true;
        rt_close(rt);
        return;
    }
    p = inv->pool;
    sc = &p->host->model->server;
    fh_random_hex(p->host, trace, 24);
    fh_random_hex(p->host, parent, 16);
    n = snprintf(hdrs, sizeof(hdrs),
        "Lambda-Runtime-Aws-Request-Id: %s\r\n"
        "Lambda-Runtime-Deadline-Ms: %llu\r\n"
        "Lambda-Runtime-Invoked-Function-Arn: arn:aws:lambda:%s:%s:"
        "function:%s\r\n"
        "Lambda-Runtime-Trace-Id: Root=1-%08llx-%s;Parent=%s;Sampled=0\r\n",
        inv->id, (unsigned long long) (tp_clock.real_ms
            + (uint64_t) p->fn->timeout_s * 1000),
        sc->region, sc->account_id, p->fn->name,
        (unsigned long long) (tp_clock.real_ms / 1000), trace, parent);
    /* Only when the Invoke API gave one (no Cognito identity source
     * exists: Lambda-Runtime-Cognito-Identity is never sent). */
    if (inv->ctx_len > 0 && n > 0 && (size_t) n < sizeof(hdrs)) {
        snprintf(hdrs + n, sizeof(hdrs) - (size_t) n,
            "Lambda-Runtime-Client-Context: %.*s\r\n", (int) inv->ctx_len,
            (const char *) inv->payload + inv->len);
    }
    rt_answer(rt, 200, hdrs, (const char *) inv->payload, inv->len);
}

/* The id of ".../invocation/{id}/<what>" when <id> is the one in flight. */
static bool
rt_id_matches(const struct fh_rt *rt, const char *id, size_t len)
{
    const struct fh_inv *inv = rt->inst->inv;

    return inv != NULL && rt->inst->state == FH_INST_BUSY
        && strlen(inv->id) == len && memcmp(inv->id, id, len) == 0;
}

static void
rt_post_invocation(struct fh_rt *rt, const char *rest, size_t len,
    const char *body, size_t blen)
{
    struct fh_inst *in = rt->inst;
    const char *slash = memchr(rest, '/', len);
    char doc[160];
    int e, n;

    if (slash == NULL || slash == rest) {
        rt_error(rt, 404, "NotFound", "Not Found");
        return;
    }
    if (!rt_id_matches(rt, rest, (size_t) (slash - rest))) {
        rt_error(rt, 400, "InvalidRequestID", "Invalid request ID");
        return;
    }
    if ((size_t) (rest + len - slash) == 9
        && memcmp(slash, "/response", 9) == 0)
    {
        rt_accepted(rt);
        fh_inst_answer(in, TP_FN_OK, NULL, body, blen);
        return;
    }
    if ((size_t) (rest + len - slash) != 6 || memcmp(slash, "/error", 6) != 0)
    {
        rt_error(rt, 404, "NotFound", "Not Found");
        return;
    }
    rt_accepted(rt);
    if (blen == 0) {
        e = tp_http_find_header(&rt->msg, rt->in,
            "Lambda-Runtime-Function-Error-Type", 0);
        n = snprintf(doc, sizeof(doc), "{\"errorType\":\"%.*s\","
            "\"errorMessage\":\"\"}", e >= 0
            ? (int) TP_MIN(rt->msg.hdrs[e].value_len, 64) : 15,
            e >= 0 ? rt->in + rt->msg.hdrs[e].value_off : "Runtime.Unknown");
        body = doc;
        blen = (size_t) TP_MIN(n, (int) sizeof(doc) - 1);
    }
    fh_inst_answer(in, TP_FN_ERROR, "Unhandled", body, blen);
}

/* A whole request (head and body) is in rt->in. */
static void
rt_request(struct fh_rt *rt)
{
    const struct tp_http_msg *m = &rt->msg;
    const char *path = rt->in + m->target_off, *body = rt->in + m->head_len;
    size_t plen = m->path_len, blen = rt->body_len;
    size_t pre = sizeof(RT_PREFIX) - 1;

    if (plen < pre || memcmp(path, RT_PREFIX, pre) != 0) {
        rt_error(rt, 404, "NotFound", "Not Found");
        return;
    }
    path += pre;
    plen -= pre;
    if (plen == 15 && memcmp(path, "invocation/next", 15) == 0
        && m->method == TP_HTTP_GET)
    {
        rt->state = FH_RT_PARKED;
        fh_inst_next(rt->inst, rt);
        return;
    }
    if (m->method != TP_HTTP_POST) {
        rt_error(rt, 404, "NotFound", "Not Found");
        return;
    }
    if (plen == 10 && memcmp(path, "init/error", 10) == 0) {
        rt->close_after = true;
        rt_accepted(rt);
        fh_inst_init_error(rt->inst, body, blen);
        return;
    }
    if (plen > 11 && memcmp(path, "invocation/", 11) == 0) {
        rt_post_invocation(rt, path + 11, plen - 11, body, blen);
        return;
    }
    rt_error(rt, 404, "NotFound", "Not Found");
}

static void
rt_refuse_large(struct fh_rt *rt)
{
    rt_error(rt, 413, "RequestEntityTooLarge", "Exceeded maximum allowed "
        "payload size (6291556 bytes).");
}

/*
 * The body is over the limit: the invocation fails at once; the body is
 * read and dropped (up to RT_DISCARD_MAX) so that the runtime, still
 * sending it, gets to read the 413 rather than a reset.
 */
static void
rt_too_large(struct fh_rt *rt)
{
    static const char doc[] = "{\"errorType\":\"Function.ResponseSizeTooLarge"
        "\",\"errorMessage\":\"Response payload size exceeded maximum "
        "allowed payload size (6291556 bytes).\"}";
    struct fh_inst *in = rt->inst;
    size_t have = rt->in_len - rt->msg.head_len;

    rt->close_after = true;
    if (in->inv != NULL && in->state == FH_INST_BUSY) {
        fh_inst_answer(in, TP_FN_ERROR, "Unhandled", doc, sizeof(doc) - 1);
    }
    if (rt->msg.content_length > RT_DISCARD_MAX) {
        rt_refuse_large(rt);
        return;
    }
    rt->discard = (size_t) rt->msg.content_length - TP_MIN(have,
        (size_t) rt->msg.content_length);
    rt->in_len = 0;
    rt->state = FH_RT_DISCARD;
    if (rt->discard == 0) {
        rt_refuse_large(rt);
    }
}

/* Parses what has arrived; runs a request once it is complete. */
static void
rt_process(struct fh_rt *rt)
{
    size_t used;
    int rc;

    if (rt->state == FH_RT_HEAD) {
        tp_http_msg_init(&rt->msg);
        rc = tp_http_parse_request(&rt->msg, rt->in, rt->in_len,
            &rt_limits);
        if (rc == TP_AGAIN) {
            return;
        }
        if (rc != TP_OK || (rt->msg.flags & TP_HTTP_F_CHUNKED) != 0) {
            rt->close_after = true;
            rt_error(rt, 400, rc != TP_OK ? "TruncatedHTTPRequest"
                : "InvalidFunctionResponseMode", rc != TP_OK
                ? "Malformed HTTP request" : "Invalid function response "
                "mode (bodies need a Content-Length)");
            return;
        }
        rt->close_after = (rt->msg.flags & TP_HTTP_F_CONN_CLOSE) != 0
            || (rt->msg.version == 10
                && (rt->msg.flags & TP_HTTP_F_CONN_KEEP) == 0);
        rt->body_len = rt->msg.content_length > 0
            ? (size_t) rt->msg.content_length : 0;
        if (rt->msg.content_length > (int64_t) TP_FNPROTO_MAX_PAYLOAD) {
            rt_too_large(rt);
            return;
        }
        rt->state = FH_RT_BODY;
    }
    if (rt->state != FH_RT_BODY
        || rt->in_len < rt->msg.head_len + rt->body_len)
    {
        return;
    }
    rt_request(rt);
    if (rt->ev.fd < 0) {
        return;
    }
    /* Done with it (answers went out whole or were copied): what followed
     * it stays for the next request. */
    used = rt->msg.head_len + rt->body_len;
    memmove(rt->in, rt->in + used, rt->in_len - used);
    rt->in_len -= used;
    if (rt->state == FH_RT_HEAD && rt->in_len > 0) {
        tp_loop_post(&rt->inst->pool->host->loop, &rt->ev);
    }
}

static void
rt_event(struct tp_ev *ev, uint32_t events)
{
    struct fh_rt *rt = TP_CONTAINER_OF(ev, struct fh_rt, ev);
    size_t room;
    ssize_t n;

    if (ev->fd < 0) {
        return;
    }
    if ((events & EPOLLOUT) && rt->state == FH_RT_WRITE) {
        rt_flush(rt);
        if (ev->fd < 0) {
            return;
        }
    }
    if (events == 0 && rt->state == FH_RT_HEAD && rt->in_len > 0) {
        rt_process(rt);              /* posted: a pipelined request */
        if (ev->fd < 0) {
            return;
        }
    }
    if (!(events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))) {
        return;                      /* write-ready only, or posted: each
                                        read before emptied the socket */
    }
    for (;;) {
        size_t want = rt->state == FH_RT_BODY
            ? rt->msg.head_len + rt->body_len : rt->in_len + RT_READ;

        if (want > rt->in_cap || rt->in_cap - rt->in_len < 1024) {
            size_t cap = TP_MAX(want, rt->in_len + RT_READ);
            char *p = realloc(rt->in, cap);

            if (p == NULL) {
                rt_close(rt);
                return;
            }
            rt->in = p;
            rt->in_cap = cap;
        }
        if (rt->state == FH_RT_DISCARD) {
            rt->in_len = 0;
        }
        room = rt->in_cap - rt->in_len;
        n = read(ev->fd, rt->in + rt->in_len, room);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
            rt_close(rt);
            return;
        }
        if (n < 0) {
            return;
        }
        rt->in_len += (size_t) n;
        if (rt->state == FH_RT_DISCARD) {
            rt->discard -= TP_MIN(rt->discard, (size_t) n);
            if (rt->discard == 0) {
                rt_refuse_large(rt);
                return;
            }
            if (tp_loop_read_drained(n, room, events)) {
                return;
            }
            continue;
        }
        if (rt->state == FH_RT_HEAD || rt->state == FH_RT_BODY) {
            rt_process(rt);
            if (ev->fd < 0) {
                return;
            }
        }
        if (rt->in_len > FH_RT_MAX_HEAD + TP_FNPROTO_MAX_PAYLOAD) {
            rt_close(rt);
            return;
        }
        if (tp_loop_read_drained(n, room, events)) {
            return;
        }
    }
}

static void
rt_accept(struct tp_ev *ev, uint32_t events)
{
    struct fh_inst *in = TP_CONTAINER_OF(ev, struct fh_inst, listen);
    struct fh_rt *rt;
    int fd;

    (void) events;
    while ((fd = accept4(ev->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC))
        >= 0)
    {
        rt = calloc(1, sizeof(*rt));
        if (rt == NULL) {
            close(fd);
            continue;
        }
        rt->inst = in;
        rt->ev.fd = fd;
        rt->ev.handler = rt_event;
        if (tp_loop_add(&in->pool->host->loop, &rt->ev) != TP_OK) {
            close(fd);
            free(rt);
            continue;
        }
        rt->next = in->conns;
        in->conns = rt;
    }
}

int
fh_rt_listen(struct fh_inst *in)
{
    struct sockaddr_in sa;
    socklen_t len = sizeof(sa);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || bind(fd, (struct sockaddr *) &sa, sizeof(sa)) != 0
        || listen(fd, 16) != 0
        || getsockname(fd, (struct sockaddr *) &sa, &len) != 0)
    {
        tp_log(TP_LOG_ERROR, errno, "function \"%s\": Runtime API socket",
            in->pool->fn->name);
        if (fd >= 0) {
            close(fd);
        }
        return TP_ERROR;
    }
    in->port = ntohs(sa.sin_port);
    in->listen.fd = fd;
    in->listen.handler = rt_accept;
    if (tp_loop_add_reader(&in->pool->host->loop, &in->listen, false)
        != TP_OK)
    {
        close(fd);
        in->listen.fd = -1;
        return TP_ERROR;
    }
    return TP_OK;
}

void
fh_rt_close_all(struct fh_inst *in)
{
    while (in->conns != NULL) {
        rt_close(in->conns);
    }
    in->parked = NULL;
    if (in->listen.fd >= 0) {
        tp_loop_del(&in->pool->host->loop, &in->listen);
        close(in->listen.fd);
        in->listen.fd = -1;
    }
}
