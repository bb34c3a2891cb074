/*
 * tp_client.c: the client connection state machine.  Workers only.
 *
 *   accept -> [HANDSHAKE] -> HEAD -> ACTIVE -> (keep-alive) IDLE -> HEAD ...
 *                                         \-> LINGER -> closed
 *
 * Readiness is tracked the edge-triggered way: rd_ready/wr_ready are set by
 * epoll events and cleared when a read or write comes up short, so the hot
 * path never makes a system call just to learn that it would block.
 */
#include "tp_accesslog.h"
#include "tp_count.h"
#include "tp_execlog.h"
#include "tp_client_int.h"
#include "tp_log.h"
#include "tp_pipeline.h"
#include "tp_reqid.h"
#include "tp_respond.h"
#include "tp_time.h"
#include "tp_worker.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/ssl.h>

#define LINGER_MS        2000     /* drain input before close after errors */
#define DRAIN_IDLE_MS    1000     /* draining: close keep-alives this idle */
#define MAX_PIPELINE_DEPTH 4      /* synchronous responses before posting */

static void client_handler(struct tp_ev *ev, uint32_t events);
static void client_read_head(struct tp_client *c);

void
tp_client_timer(struct tp_client *c, uint32_t ms)
{
    if (ms == 0) {
        tp_timer_del(&c->w->loop.timers, &c->timer);
        return;
    }
    (void) tp_timer_set(&c->w->loop.timers, &c->timer, tp_clock.mono_ms + ms);
}

void
tp_client_free(struct tp_client *c)
{
    struct tp_worker *w = c->w;

    if (c->ev.fd < 0) {
        return;
    }
    if (c->req != NULL && c->req->on_abort != NULL) {
        void (*abort_fn)(struct tp_request *) = c->req->on_abort;

        c->req->on_abort = NULL;
        abort_fn(c->req);
    }
    if (c->req != NULL && c->req->xlog != NULL) {
        tp_xlog_abort(c->req, NULL); /* before the arena goes */
    }
    tp_timer_del(&w->loop.timers, &c->timer);
    tp_sock_close(&c->sock);
    c->ev.fd = -1;
    tp_bufpool_put(&w->client_bufs, c->buf);
    c->buf = NULL;
    tp_arena_free(&c->arena);
    if (c->prev != NULL) {
        c->prev->next = c->next;
    } else {
        w->clients = c->next;
    }
    if (c->next != NULL) {
        c->next->prev = c->prev;
    }
    w->nclients--;
    tp_loop_defer_free(&w->loop, c);
    tp_worker_conn_closed(w);
}

void
tp_client_abort(struct tp_client *c, const char *why)
{
    if (why != NULL) {
        tp_log(TP_LOG_INFO, 0, "closing connection from %s: %s", c->peer, why);
    }
    if (c->sock.ssl == NULL && c->sock.fd >= 0 && c->state == TP_CL_ACTIVE) {
        tp_sock_abort(&c->sock);     /* mid-response: the peer must see RST */
    }
    if (c->req != NULL && c->req->xlog != NULL) {
        tp_xlog_abort(c->req, why);  /* with the reason */
    }
    tp_client_free(c);
}

static void
client_timeout(struct tp_timer *t)
{
    struct tp_client *c = TP_CONTAINER_OF(t, struct tp_client, timer);

    switch (c->state) {
    case TP_CL_HANDSHAKE:
    case TP_CL_HEAD:
        tp_client_abort(c, c->len > 0 ? "client header timeout" : NULL);
        break;
    case TP_CL_ACTIVE:
        tp_client_abort(c, c->nout > 0 ? "client send timeout"
                                        : "client body timeout");
        break;
    default:
        tp_client_free(c);           /* keep-alive idle or linger over */
        break;
    }
}

void
tp_client_accept(struct tp_worker *w, struct tp_listener *lst, int fd,
    const struct sockaddr *sa, socklen_t salen)
{
    struct tp_client *c;
    struct tp_cidr ip;

    /* A listener's allow list works as a firewall (or a VPC endpoint's
     * security group) would: others are closed before a byte is read. */
    if (lst->nallow > 0 && (tp_cidr_from_sockaddr(sa, &ip) != TP_OK
            || !tp_cidr_list_has(lst->allow, lst->nallow, &ip)))
    {
        tp_log(TP_LOG_DEBUG, 0, "connection to %s refused: not in its "
            "'allow' list", lst->address);
        close(fd);
        return;
    }
    c = calloc(1, sizeof(*c));
    if (c == NULL) {
        tp_log(TP_LOG_ERROR, errno, "no memory for a connection");
        close(fd);
        return;
    }
    c->ev.handler = client_handler;
    c->ev.fd = fd;
    c->sock.fd = fd;
    c->sock.ring = w->loop.uring;
    c->sock.owner = &c->ev;
    c->w = w;
    c->lst = lst;
    c->wr_ready = true;              /* a new socket's buffer is empty */
    c->accepted_ms = tp_clock.mono_ms;
    tp_timer_init(&c->timer, client_timeout);
    tp_arena_init_pool(&c->arena, &w->arena_blocks);
    if (sa->sa_family == AF_INET) {
        inet_ntop(AF_INET, &((const struct sockaddr_in *) sa)->sin_addr,
            c->peer, sizeof(c->peer));
    } else if (sa->sa_family == AF_INET6) {
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *) sa)->sin6_addr,
            c->peer, sizeof(c->peer));
    }
    c->peer_len = (uint8_t) strlen(c->peer);
    (void) salen;
    c->next = w->clients;
    if (w->clients != NULL) {
        w->clients->prev = c;
    }
    w->clients = c;
    w->nclients++;

    c->state = TP_CL_HEAD;
    if (lst->tls != NULL) {
        c->sock.ssl = SSL_new(lst->tls->ctx);
        if (c->sock.ssl == NULL || SSL_set_fd(c->sock.ssl, fd) != 1) {
            tp_client_free(c);
            return;
        }
        SSL_set_accept_state(c->sock.ssl);
        c->state = TP_CL_HANDSHAKE;
    }
    if (tp_loop_add(&w->loop, &c->ev) != TP_OK) {
        tp_log(TP_LOG_ERROR, errno, "epoll_ctl() for a connection failed");
        tp_client_free(c);
        return;
    }
    tp_client_timer(c, w->conf->client_header_timeout_ms);
}

/* ---- output ---- */

/* Writes queued output.  TP_OK: all written; TP_AGAIN: wait for the socket;
 * TP_ERROR: the connection was aborted (and freed). */
static int
client_write(struct tp_client *c)
{
    ssize_t n;

    while (c->out_i < c->nout) {
        if (!c->wr_ready && c->sock.ssl == NULL) {
            break;
        }
        n = tp_sock_writev(&c->sock, &c->out[c->out_i], c->nout - c->out_i);
        if (n == TP_AGAIN) {
            c->wr_ready = false;
            break;
        }
        if (n < 0) {
            /* ETIMEDOUT: a send the kernel held (tp_uring.h) outlived
             * send_timeout_ms before our own timer said so. */
            tp_client_abort(c, errno == ETIMEDOUT ? "client send timeout"
                                                  : "write error");
            return TP_ERROR;
        }
        c->out_i += tp_iov_advance(&c->out[c->out_i], c->nout - c->out_i,
            (size_t) n);
        if (c->out_i < c->nout && c->sock.ssl == NULL) {
            c->wr_ready = false;     /* short write: an edge will come */
        }
    }
    if (c->out_i < c->nout) {
        tp_client_timer(c, c->w->conf->send_timeout_ms);
        return TP_AGAIN;
    }
    c->nout = c->out_i = 0;
    return TP_OK;
}

/* EPOLLOUT on a connection with queued output. */
static void
client_flush(struct tp_client *c)
{
    tp_drain_fn fn;

    if (client_write(c) != TP_OK) {
        return;
    }
    tp_client_timer(c, 0);
    fn = c->on_drain;
    c->on_drain = NULL;
    if (fn != NULL) {
        fn(c->req);
    }
}

/* Copies the queued output into the request's arena: it pointed into
 * lent memory.  TP_ERROR: no memory. */
static int
client_keep_output(struct tp_client *c)
{
    int i;
    void *p;

    for (i = c->out_i; i < c->nout; i++) {
        p = tp_arena_alloc(&c->arena, c->out[i].iov_len);
        if (p == NULL) {
            return TP_ERROR;
        }
        memcpy(p, c->out[i].iov_base, c->out[i].iov_len);
        c->out[i].iov_base = p;
    }
    return TP_OK;
}

int
tp_client_send(struct tp_request *r, const struct iovec *iov, int n,
    tp_drain_fn done)
{
    struct tp_client *c = r->c;
    struct tp_worker *w = c->w;
    void (*release)(struct tp_worker *) = r->out_release;
    int i, k = 0, rc;

    tp_assert(c->nout == 0 && n <= TP_CLIENT_IOV);
    for (i = 0; i < n; i++) {
        if (iov[i].iov_len > 0) {
            c->out[k++] = iov[i];
        }
    }
    c->nout = k;
    c->out_i = 0;
    r->out_release = NULL;
    rc = client_write(c);            /* TP_ERROR: <c> and <r> are gone */
    if (rc == TP_AGAIN && release != NULL && client_keep_output(c) != TP_OK)
    {
        tp_client_abort(c, "out of memory");
        rc = TP_ERROR;
    }
    if (release != NULL) {
        release(w);                  /* before the request can end */
    }
    if (rc == TP_AGAIN) {
        c->on_drain = done;          /* runs from the EPOLLOUT handler */
    }
    return rc;
}

/* ---- request lifecycle ---- */

static void client_discard(struct tp_client *c);

static void
client_linger(struct tp_client *c)
{
    c->state = TP_CL_LINGER;
    if (c->sock.ssl != NULL) {
        tp_client_free(c);           /* close_notify already said it */
        return;
    }
    tp_sock_shutdown_wr(&c->sock);
    tp_client_timer(c, LINGER_MS);
    c->rd_ready = true;
    client_discard(c);
}

static void
client_discard(struct tp_client *c)
{
    char sink[4096];
    ssize_t n;

    for (;;) {
        n = tp_sock_read(&c->sock, sink, sizeof(sink));
        if (n == TP_AGAIN) {
            c->rd_ready = false;
            return;
        }
        if (n <= 0) {
            tp_client_free(c);
            return;
        }
    }
}

void
tp_request_done(struct tp_request *r)
{
    struct tp_client *c = r->c;
    uint32_t end = r->body_done ? r->next_off : 0;

    tp_count_request(r);
    if (r->stage != NULL && r->stage->access_log != NULL) {
        tp_accesslog_write(r);       /* the line, before the arena goes */
    }
    if (r->xlog != NULL) {
        tp_xlog_end(r);
    }
    c->req = NULL;
    c->nrequests++;
    if (c->closing || end == 0 || c->w->draining) {
        tp_arena_free(&c->arena);     /* blocks back to the pool */
        if (end == 0 || end < c->len) {
            client_linger(c);        /* unread input: avoid an RST */
        } else {
            tp_client_free(c);
        }
        return;
    }
    /* Keep-alive: move a pipelined next request to the front. */
    if (end < c->len) {
        memmove(c->buf, c->buf + end, c->len - end);
    }
    c->len -= end;
    tp_arena_free(&c->arena);     /* blocks back to the pool */
    c->state = TP_CL_IDLE;
    c->idle_since = tp_clock.mono_ms;
    tp_client_timer(c, c->w->conf->keepalive_timeout_ms);
    if (c->len > 0 || c->rd_ready) {
        if (++c->depth > MAX_PIPELINE_DEPTH) {
            tp_loop_post(&c->w->loop, &c->ev);   /* bound the recursion */
        } else {
            client_read_head(c);
        }
        return;
    }
    tp_bufpool_put(&c->w->client_bufs, c->buf);
    c->buf = NULL;
}

static void
client_dispatch(struct tp_client *c)
{
    struct tp_request *r = c->req;

    int status;

    c->state = TP_CL_ACTIVE;
    tp_timer_del(&c->w->loop.timers, &c->timer);
    if ((r->msg.version == 10 && !(r->msg.flags & TP_HTTP_F_CONN_KEEP))
        || (r->msg.flags & TP_HTTP_F_CONN_CLOSE)
        || c->nrequests + 1 >= c->w->conf->keepalive_requests)
    {
        c->closing = true;           /* and the response says so */
    }
    status = tp_body_init(r);
    if (status != 0) {
        /* Answered after "resolve", so the API's own error format
         * applies (e.g. an HTTP API's 413). */
        c->closing = true;
        r->early_status = (uint16_t) status;
    }
    tp_pipeline_run(r);
}

/* Parses what is buffered; dispatches a complete head. */
static int
client_parse(struct tp_client *c)
{
    struct tp_http_limits lim = { c->w->conf->max_uri_length,
        c->w->conf->max_header_size };
    struct tp_request *r = c->req;
    int rc;

    if (r == NULL) {
        r = tp_arena_alloc(&c->arena, sizeof(*r));
        if (r == NULL) {
            tp_client_abort(c, "out of memory");
            return TP_ERROR;
        }
        memset(r, 0, offsetof(struct tp_request, msg));
        tp_http_msg_init(&r->msg);
        memset(&r->id, 0, sizeof(*r) - offsetof(struct tp_request, id));
        r->c = c;
        r->start_ms = tp_clock.real_ms;
        r->start_mono = tp_clock.mono_us;
        r->error_type = -1;
        tp_reqid_pair(c->w, r->id, r->short_id);
        c->req = r;
    }
    rc = tp_http_parse_request(&r->msg, c->buf, c->len, &lim);
    if (rc == TP_AGAIN) {
        return TP_AGAIN;
    }
    c->state = TP_CL_ACTIVE;
    tp_timer_del(&c->w->loop.timers, &c->timer);
    if (rc != TP_OK) {
        c->closing = true;
        tp_respond_status(r, rc);
        return TP_DONE;
    }
    client_dispatch(c);
    return TP_DONE;
}

static void
client_read_head(struct tp_client *c)
{
    ssize_t n;

    if (c->buf == NULL) {
        c->buf = tp_bufpool_get(&c->w->client_bufs);
        if (c->buf == NULL) {
            tp_client_abort(c, "out of memory");
            return;
        }
        c->cap = c->w->client_bufs.size;
        c->len = 0;
    }
    for (;;) {
        if (c->len > 0 && client_parse(c) != TP_AGAIN) {
            return;
        }
        if (!c->rd_ready && c->sock.ssl == NULL) {
            break;
        }
        n = tp_sock_read(&c->sock, c->buf + c->len, c->cap - c->len);
        if (n == TP_AGAIN) {
            c->rd_ready = false;
            break;
        }
        if (n <= 0) {
            tp_client_free(c);       /* EOF or error before a full head */
            return;
        }
        if ((size_t) n < c->cap - c->len && c->sock.ssl == NULL
            && !c->rd_eof)
        {
            c->rd_ready = false;
        }
        if (c->state == TP_CL_IDLE) {
            c->state = TP_CL_HEAD;
            tp_client_timer(c, c->w->conf->client_header_timeout_ms);
        }
        c->len += (uint32_t) n;
    }
    if (c->len == 0 && c->state == TP_CL_IDLE) {
        tp_bufpool_put(&c->w->client_bufs, c->buf);
        c->buf = NULL;
    }
}

static void
client_handshake(struct tp_client *c)
{
    int rc = tp_sock_handshake(&c->sock);

    if (rc == TP_AGAIN) {
        return;
    }
    if (rc != TP_OK) {
        long v = SSL_get_verify_result(c->sock.ssl);

        /* Mutual TLS: say why a client certificate was refused. */
        tp_log(TP_LOG_INFO, 0, "TLS handshake with %s failed%s%s", c->peer,
            v != X509_V_OK ? ": client certificate: " : "",
            v != X509_V_OK ? X509_verify_cert_error_string(v) : "");
        tp_client_free(c);
        return;
    }
    c->state = TP_CL_HEAD;
    c->rd_ready = true;
    client_read_head(c);
}

static void
client_handler(struct tp_ev *ev, uint32_t events)
{
    struct tp_client *c = TP_CONTAINER_OF(ev, struct tp_client, ev);

    c->depth = 0;
    if (events == 0) {               /* posted: continue pipelined input */
        if (c->state == TP_CL_IDLE || c->state == TP_CL_HEAD) {
            client_read_head(c);
        }
        return;
    }
    if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
        c->rd_ready = true;
    }
    if (events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
        c->rd_eof = true;            /* no further edge will announce it */
    }
    if (events & (EPOLLOUT | EPOLLHUP | EPOLLERR)) {
        c->wr_ready = true;
    }
    switch (c->state) {
    case TP_CL_HANDSHAKE:
        client_handshake(c);
        return;
    case TP_CL_IDLE:
    case TP_CL_HEAD:
        if (c->rd_ready) {
            client_read_head(c);
        }
        return;
    case TP_CL_LINGER:
        client_discard(c);
        return;
    default:
        break;
    }
    /* ACTIVE: output first, then input for whoever waits for it. */
    if (c->wr_ready && c->nout > 0) {
        client_flush(c);
        if (c->ev.fd < 0 || c->state != TP_CL_ACTIVE) {
            return;
        }
    }
    if ((events & (EPOLLHUP | EPOLLERR)) && c->nout == 0 && !c->want_read) {
        tp_client_abort(c, "connection reset by client");
        return;
    }
    if (c->rd_ready && c->want_read && c->req != NULL
        && c->req->on_input != NULL)
    {
        c->req->on_input(c->req);
    }
}

void
tp_client_close_all(struct tp_worker *w, bool idle_only)
{
    struct tp_client *c, *next;

    for (c = w->clients; c != NULL; c = next) {
        next = c->next;
        c->closing = true;
        if (!idle_only) {
            tp_client_free(c);
        } else if ((c->state == TP_CL_IDLE || (c->state == TP_CL_HEAD
                        && c->len == 0))
            && tp_clock.mono_ms - TP_MAX(c->idle_since, c->accepted_ms)
                >= DRAIN_IDLE_MS)
        {
            tp_client_free(c);
        }
    }
}
