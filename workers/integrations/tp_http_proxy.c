/*
 * tp_http_proxy.c: one request/response exchange with a backend.
 * Workers only.
 *
 * Two pumps run side by side:
 *   request:  client body (tp_body) -> upstream socket
 *   response: upstream socket -> upstream buffer -> client socket
 * Each stops when its destination would block and resumes on that side's
 * next event.  Errors before the response head reaches the client become
 * gateway responses (502, 504); later ones can only cut the connection.
 *
 * Lifetime rule: the exchange lives in the request arena.  Any function
 * that can end the request returns TP_DONE when it did; the caller must
 * then return without touching <px> again.
 */
#include "tp_http_proxy.h"
#include "tp_count.h"
#include "tp_execlog.h"
#include "tp_integ.h"
#include "tp_proxy_int.h"
#include "tp_log.h"
#include "tp_respond.h"
#include "tp_time.h"
#include "tp_upstream.h"
#include "tp_worker.h"

#include <errno.h>
#include <stdio.h>
#include <unistd.h>


#define NETWORK_ERROR "Network error communicating with endpoint"
#define MAX_BUFFERED_RESPONSE (10u * 1024 * 1024)   /* AWS's payload limit */

static int px_try_send(struct px *px);
static void px_read_response(struct px *px);
static void px_up_event(void *owner, int what, uint32_t events);

/* ---- teardown ---- */

static void
px_detach(struct px *px)
{
    struct tp_request *r = px->r;

    tp_timer_del(&r->c->w->loop.timers, &px->timer);
    if (px->ubuf != NULL) {
        tp_bufpool_put(&r->c->w->upstream_bufs, px->ubuf);
        px->ubuf = NULL;
    }
    r->integ = NULL;
    r->on_input = NULL;
    r->on_abort = NULL;
    r->c->want_read = false;
}

/* The client went away: drop the backend side without a clean end. */
static void
px_on_client_abort(struct tp_request *r)
{
    struct px *px = r->integ;

    if (px->up != NULL) {
        tp_upstream_abort(px->up);
        px->up = NULL;
    }
    px_detach(px);
}

void
px_finish(struct px *px)
{
    struct tp_request *r = px->r;
    bool reuse = px->up_keep && px->req_sent && px->resp_done;

    if (px->up != NULL) {
        tp_upstream_release(px->up, reuse);
        px->up = NULL;
    }
    if (!r->body_done) {
        r->c->closing = true;        /* unread request body: cannot go on */
    }
    px_detach(px);
    tp_request_done(r);
}

/*
 * The backend failed (<why> for the log).  Before the response started:
 * retry once on a fresh connection when that is safe, else a gateway
 * response.  After: the client connection is cut.  Always TP_DONE for the
 * caller's purposes except when a retry keeps the exchange going (TP_OK).
 */
int
px_fail(struct px *px, enum tp_gw gw, const char *msg, const char *why)
{
    struct tp_request *r = px->r;
    bool retry = px->up != NULL && px->up->reused && px->retryable
        && !px->resp_any && gw == TP_GW_INTEGRATION_FAILURE
        && px->attempts == 1;

    if (px->up != NULL) {
        tp_upstream_abort(px->up);
        px->up = NULL;
    }
    if (retry) {
        return px_restart(px);
    }
    tp_log(TP_LOG_WARN, 0, "%s %.*s: backend %s: %s", r->id,
        (int) r->path.len, r->path.p, px->be->hostport, why);
    r->integ_error = why;
    if (r->integ_end == 0) {
        r->integ_end = tp_clock.mono_us;
    }
    if (px->resp_started) {
        px_detach(px);
        tp_client_abort(r->c, "backend failed mid-response");
        return TP_DONE;
    }
    if (!r->body_done) {
        r->c->closing = true;
    }
    px_detach(px);
    tp_respond_gw(r, gw, msg);
    return TP_DONE;
}

/* (Re)starts the integration timeout: the backend must answer within it. */
static void
px_arm(struct px *px)
{
    (void) tp_timer_set(&px->r->c->w->loop.timers, &px->timer,
        tp_clock.mono_ms + px->timeout_ms);
}

static void
px_timeout(struct tp_timer *t)
{
    struct px *px = TP_CONTAINER_OF(t, struct px, timer);

    (void) px_fail(px, TP_GW_INTEGRATION_TIMEOUT, NULL,
        px->resp_head ? "read timed out" : "timed out");
}

/* ---- request pump ---- */

/* Writes pending request bytes.  TP_OK when all went out. */
static int
px_write(struct px *px)
{
    struct tp_upconn *u = px->up;
    ssize_t n;

    while (px->iov_i < px->niov) {
        if (!u->wr_ready && u->sock.ssl == NULL) {
            return TP_AGAIN;
        }
        n = tp_sock_writev(&u->sock, &px->iov[px->iov_i],
            px->niov - px->iov_i);
        if (n == TP_AGAIN) {
            u->wr_ready = false;
            return TP_AGAIN;
        }
        if (n < 0) {
            return TP_ERROR;
        }
        px->iov_i += tp_iov_advance(&px->iov[px->iov_i],
            px->niov - px->iov_i, (size_t) n);
        if (px->iov_i < px->niov && u->sock.ssl == NULL) {
            u->wr_ready = false;
        }
    }
    px->niov = px->iov_i = 0;
    return TP_OK;
}

/* Queues body piece <p>/<n> (framed as a chunk when re-chunking). */
static void
px_queue_piece(struct px *px, const char *p, size_t n, bool last)
{
    if (px->chunked_out) {
        if (n > 0) {
            int k = snprintf(px->chunk_hdr, sizeof(px->chunk_hdr), "%zx\r\n",
                n);

            px->iov[px->niov++] = (struct iovec) { px->chunk_hdr, (size_t) k };
            px->iov[px->niov++] = (struct iovec) { (void *) p, n };
            px->iov[px->niov++] = (struct iovec) { (void *) "\r\n", 2 };
        }
        if (last) {
            px->iov[px->niov++] = (struct iovec) { (void *) "0\r\n\r\n", 5 };
        }
    } else if (n > 0) {
        px->iov[px->niov++] = (struct iovec) { (void *) p, n };
    }
    px->piece_out = true;
    px->piece_last = last;
}

/*
 * The client's body is invalid (400) or too large (413).  The backend got at
 * most a partial message, which the RST makes it discard.
 */
static int
px_bad_body(struct px *px, int status)
{
    struct tp_request *r = px->r;

    r->c->closing = true;
    if (px->up != NULL) {
        tp_upstream_abort(px->up);
        px->up = NULL;
    }
    px_detach(px);
    tp_respond_status(r, status);
    return TP_DONE;
}

/* Execution log: "Endpoint request URI: http://host:port/path?query". */
static void
px_log_uri(struct px *px)
{
    const char *target = memchr(px->head, ' ', px->head_len);
    const char *end = target != NULL
        ? memchr(target + 1, ' ', px->head_len - (size_t) (target + 1
            - px->head)) : NULL;

    if (end != NULL) {
        tp_xlog_add(px->r, "Endpoint request URI: %s://%s%.*s",
            px->be->tls ? "https" : "http", px->be->hostport,
            (int) (end - target - 1), target + 1);
    }
}

/* First write: the head with its framing, plus the first body piece. */
static int
px_start_request(struct px *px)
{
    struct tp_request *r = px->r;
    const char *p = NULL;
    size_t n = 0;
    bool last = true;
    int rc;

    if (px->req_whole) {
        p = px->req_body.p;          /* collected (and transformed), whole */
        n = px->req_body.len;
    } else if (r->body_kind != TP_BODY_NONE) {
        rc = tp_body_next(r, true, &p, &n, &last);
        if (rc != TP_OK) {
            return rc;               /* TP_AGAIN or an HTTP status */
        }
    }
    if (px_build_head(px, (px->req_whole ? 0 : r->spool_len) + n, last)
        != TP_OK)
    {
        r->msg.why = "request too large to forward";
        return 431;
    }
    if (r->xlog != NULL) {
        px_log_uri(px);
    }
    px->niov = px->iov_i = 0;
    px->iov[px->niov++] = (struct iovec) { px->head, px->head_len };
    px->body_p = p;
    px->body_n = n;
    if (px->req_whole || r->spool_len == 0) {
        px_queue_piece(px, p, n, last);
    }                                /* else: head, spool, then the piece */
    px->head_queued = true;
    /* All of it in hand: a stale pooled connection can be retried. */
    px->retryable = last;
    return TP_OK;
}

/* Sends the spooled part of a chunked body.  TP_OK when all of it went. */
static int
px_write_spool(struct px *px)
{
    struct tp_request *r = px->r;
    struct tp_upconn *u = px->up;
    struct iovec iov;
    ssize_t n;
    off_t off;

    while (px->spool_sent < r->spool_len) {
        if (!u->wr_ready && u->sock.ssl == NULL) {
            return TP_AGAIN;
        }
        if (u->sock.ssl == NULL) {
            off = (off_t) px->spool_sent;
            n = tp_sock_sendfile(&u->sock, r->spool_fd, &off,
                (size_t) TP_MIN(r->spool_len - px->spool_sent, 1u << 20));
            if (n == TP_AGAIN) {
                u->wr_ready = false;
                return TP_AGAIN;
            }
            if (n <= 0) {
                return TP_ERROR;
            }
            px->spool_sent += (uint64_t) n;
            continue;
        }
        if (px->sbuf_off == px->sbuf_len) {
            /* TLS retries need the same bytes: refill only when empty. */
            if (px->sbuf == NULL) {
                px->sbuf = tp_arena_alloc(&r->c->arena, 16384);
            }
            n = px->sbuf == NULL ? -1 : pread(r->spool_fd, px->sbuf,
                (size_t) TP_MIN(r->spool_len - px->spool_sent, 16384u),
                (off_t) px->spool_sent);
            if (n <= 0) {
                return TP_ERROR;
            }
            px->sbuf_len = (uint32_t) n;
            px->sbuf_off = 0;
        }
        iov.iov_base = px->sbuf + px->sbuf_off;
        iov.iov_len = px->sbuf_len - px->sbuf_off;
        n = tp_sock_writev(&u->sock, &iov, 1);
        if (n == TP_AGAIN) {
            return TP_AGAIN;
        }
        if (n < 0) {
            return TP_ERROR;
        }
        px->sbuf_off += (uint32_t) n;
        px->spool_sent += (uint64_t) n;
    }
    return TP_OK;
}

/* Moves the request forward.  TP_OK while the exchange lives. */
static int
px_try_send(struct px *px)
{
    struct tp_request *r = px->r;
    const char *p = NULL;
    size_t n = 0;
    bool last = false, first;
    int rc;

    for (;;) {
        if (px->up == NULL || px->req_sent) {
            return TP_OK;
        }
        if (px->niov == 0 && px->head_queued && !px->piece_out
            && r->spool_len > 0 && !px->req_whole)
        {
            /* Head written; the spooled body, then the buffered tail. */
            rc = px->up->connecting ? TP_AGAIN : px_write_spool(px);
            if (rc == TP_AGAIN) {
                return TP_OK;
            }
            if (rc == TP_ERROR) {
                return px_fail(px, TP_GW_INTEGRATION_FAILURE, NETWORK_ERROR,
                    strerror(errno));
            }
            px_queue_piece(px, px->body_p, px->body_n, true);
            continue;
        }
        if (px->niov == 0 && px->piece_out) {
            px->piece_out = false;   /* the queued piece is fully written */
            if (px->piece_last) {
                px->req_sent = true;
                return TP_OK;
            }
            tp_body_consumed(r);
        }
        if (px->niov == 0) {
            first = !px->head_queued;
            rc = first ? px_start_request(px)
                       : tp_body_next(r, false, &p, &n, &last);
            if (rc == TP_AGAIN) {
                return TP_OK;        /* r->on_input resumes us */
            }
            if (rc != TP_OK) {
                return px_bad_body(px, rc);
            }
            if (!first) {
                px_queue_piece(px, p, n, last);
            }
        }
        if (px->up->connecting) {
            return TP_OK;            /* TP_UP_READY resumes us */
        }
        rc = px_write(px);
        if (rc == TP_AGAIN) {
            return TP_OK;
        }
        if (rc == TP_ERROR) {
            return px_fail(px, TP_GW_INTEGRATION_FAILURE, NETWORK_ERROR,
                strerror(errno));
        }
    }
}

static void
px_on_input(struct tp_request *r)
{
    (void) px_try_send(r->integ);
}

/* ---- response pump ---- */

/*
 * Sends what the buffer holds: the head once, then body data.
 * TP_OK: written, read on; TP_AGAIN: queued, the drain callback resumes;
 * TP_DONE: the exchange is over.
 */
static int px_forward(struct px *px);

static void
px_client_drained(struct tp_request *r)
{
    struct px *px = r->integ;

    px->client_busy = false;
    if (px->resp_done) {
        px_finish(px);
        return;
    }
    px_arm(px);                      /* the backend's turn again */
    px_compact(px);
    px_read_response(px);
}

/*
 * HTTP (non-proxy), or HTTP_PROXY collected whole: the whole response is
 * in; the integration response (or the backend's, to be cached or
 * compressed) answers.  The buffer goes back; the head's bytes were
 * copied to the arena when it was parsed.
 */
static int
px_buffered_done(struct px *px)
{
    struct tp_request *r = px->r;
    struct tp_resp_view view = { NULL, px->resp, px->rbody, NULL };
    bool reuse = px->up_keep && px->req_sent;
    char *head = px->rhead;          /* copied when the head was parsed */

    if (tp_xlog_data_trace(r)) {
        tp_xlog_data(r, "Endpoint response body before transformations",
            px->rbody);
    }
    view.buf = head;
    if (px->up != NULL) {
        tp_upstream_release(px->up, reuse);
        px->up = NULL;
    }
    if (!r->body_done) {
        r->c->closing = true;
    }
    px_detach(px);
    if (px->whole) {
        px->ubuf = head;             /* the head's offsets, in the arena */
        px_client_whole(px, px->rbody);
    } else {
        tp_integ_respond(r, px->resp->status, &view);
    }
    return TP_DONE;
}

/* HTTP (non-proxy): keeps the response body for the integration response. */
static int
px_buffer(struct px *px, const char *data, size_t dlen)
{
    struct tp_arena *a = &px->r->c->arena;
    char *grown;

    if (dlen > 0) {
        if (px->rbody.len + dlen > MAX_BUFFERED_RESPONSE) {
            return px_fail(px, TP_GW_INTEGRATION_FAILURE, NULL,
                "response larger than 10 MB");
        }
        if (px->rbody.len + dlen > px->rbody_cap) {
            px->rbody_cap = TP_MAX(px->rbody_cap * 2, px->rbody.len + dlen
                + 4096);
            grown = tp_arena_alloc(a, px->rbody_cap);
            if (grown == NULL) {
                return px_fail(px, TP_GW_INTERNAL, NULL, "out of memory");
            }
            if (px->rbody.len > 0) {
                memcpy(grown, px->rbody.p, px->rbody.len);
            }
            px->rbody.p = grown;
        }
        memcpy((char *) px->rbody.p + px->rbody.len, data, dlen);
        px->rbody.len += dlen;
    }
    if (px->resp_done) {
        return px_buffered_done(px);
    }
    px_compact(px);
    return TP_OK;
}

static int
px_forward(struct px *px)
{
    struct iovec iov[TP_CLIENT_IOV];
    const char *data = NULL;
    size_t dlen = 0;
    int n = 0, rc;

    if (px_body_take(px, &data, &dlen) != TP_OK) {
        return px_fail(px, TP_GW_INTEGRATION_FAILURE, NULL,
            "malformed response body");
    }
    if (px->buffered || px->whole) {
        return px_buffer(px, data, dlen);
    }
    px->r->resp_bytes += dlen;
    if (!px->resp_started) {
        if (tp_xlog_data_trace(px->r)) {
            /* streamed: its first piece (a line holds 1 KB anyway) */
            tp_xlog_data(px->r, "Endpoint response body before "
                "transformations", (struct tp_str) { data, dlen });
        }
        iov[n++] = (struct iovec) { px->chead, px->chead_len };
        px->resp_started = true;
    }
    n += px_frame_out(px, data, dlen, &iov[n]);
    if (n > 0) {
        /* While the client is slow, its send timeout applies, not ours. */
        tp_timer_del(&px->r->c->w->loop.timers, &px->timer);
        if (px->resp_done) {
            tp_count_request(px->r); /* the last piece: see tp_count.h */
        }
        rc = tp_client_send(px->r, iov, n, px_client_drained);
        if (rc == TP_AGAIN) {
            px->client_busy = true;
            return TP_AGAIN;
        }
        if (rc == TP_ERROR) {
            return TP_DONE;          /* the client is gone, and us with it */
        }
        px_arm(px);
    }
    if (px->resp_done) {
        px_finish(px);
        return TP_DONE;
    }
    px_compact(px);
    return TP_OK;
}

/* The backend closed (or reset) the connection. */
int
px_on_eof(struct px *px, const char *why)
{
    if (px->resp_head && px->resp_kind == TP_PX_EOF) {
        px->resp_done = true;        /* close-delimited body complete */
        px->up_keep = false;
        return px_forward(px) == TP_AGAIN ? TP_OK : TP_DONE;
    }
    return px_fail(px, TP_GW_INTEGRATION_FAILURE,
        px->resp_any ? NULL : NETWORK_ERROR, why);
}

static void
px_read_response(struct px *px)
{
    struct tp_upconn *u;
    ssize_t n;
    int rc;

    while (px->up != NULL && !px->client_busy) {
        u = px->up;
        if (!u->rd_ready && u->sock.ssl == NULL) {
            return;
        }
        if (px->ubuf == NULL) {
            px->ubuf = tp_bufpool_get(&px->r->c->w->upstream_bufs);
            px->ucap = px->r->c->w->upstream_bufs.size;
            if (px->ubuf == NULL) {
                (void) px_fail(px, TP_GW_INTERNAL, NULL, "out of memory");
                return;
            }
        }
        n = tp_sock_read(&u->sock, px->ubuf + px->ulen, px->ucap - px->ulen);
        if (n == TP_AGAIN) {
            u->rd_ready = false;
            return;
        }
        if (n <= 0) {
            (void) px_on_eof(px, n == 0 ? "connection closed"
                                        : strerror(errno));
            return;
        }
        if ((size_t) n < px->ucap - px->ulen && u->sock.ssl == NULL
            && !u->rd_eof)
        {
            u->rd_ready = false;
        }
        px->ulen += (uint32_t) n;
        px->resp_any = true;
        if (!px->resp_head) {
            rc = px_parse_head(px);
            if (rc == TP_AGAIN) {
                continue;
            }
            if (rc != TP_OK) {
                return;              /* px_parse_head answered */
            }
        }
        if (px_forward(px) != TP_OK) {
            return;
        }
    }
}

static void
px_up_event(void *owner, int what, uint32_t events)
{
    struct px *px = owner;

    if (what == TP_UP_FAILED) {
        (void) px_fail(px, TP_GW_INTEGRATION_FAILURE, NETWORK_ERROR,
            strerror(px->up->error));
        return;
    }
    if ((what == TP_UP_READY || (events & EPOLLOUT))
        && px_try_send(px) != TP_OK)
    {
        return;
    }
    if (what == TP_UP_IO && (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP
            | EPOLLERR)))
    {
        px_read_response(px);
    }
}

/* ---- start ---- */

static int
px_connect(struct px *px, bool fresh)
{
    px->up = tp_upstream_get(px->r->c->w, px->be, fresh, px, px_up_event);
    if (px->up == NULL) {
        return px_fail(px, TP_GW_INTEGRATION_FAILURE, NETWORK_ERROR,
            strerror(errno));
    }
    return px_try_send(px);          /* buffers the body while connecting */
}

/* Second attempt after a pooled connection turned out to be dead. */
int
px_restart(struct px *px)
{
    px->attempts++;
    px->req_sent = false;
    px->piece_out = false;
    px->niov = px->iov_i = 0;
    px->spool_sent = 0;
    px->sbuf_len = px->sbuf_off = 0;
    px->iov[px->niov++] = (struct iovec) { px->head, px->head_len };
    if (px->req_whole || px->r->spool_len == 0) {
        px_queue_piece(px, px->body_p, px->body_n, true);
    }
    return px_connect(px, true);
}

/*
 * HTTP (non-proxy): the whole request body first, through the request
 * template or passthrough rules, then the backend.
 */
static void
px_collect(struct px *px)
{
    struct tp_request *r = px->r;
    int rc = tp_body_collect(r);

    if (rc == TP_AGAIN) {
        return;                      /* px_collect_input continues */
    }
    if (rc == TP_OK && px->buffered) {
        rc = tp_integ_request_body(r, &px->req_body, &px->req_ctype);
    } else if (rc == TP_OK) {
        px->req_body = r->body;      /* HTTP_PROXY: passed on unchanged */
    }
    if (rc == 415 || (rc != TP_OK && rc != 400 && rc != 413)) {
        px_detach(px);
        tp_respond_gw(r, rc == 415 ? TP_GW_UNSUPPORTED_MEDIA_TYPE
                                   : TP_GW_API_CONFIGURATION_ERROR, NULL);
        return;
    }
    if (rc != TP_OK) {
        (void) px_bad_body(px, rc);
        return;
    }
    if (tp_xlog_data_trace(r)) {
        tp_xlog_data(r, "Method request body before transformations",
            r->body);
        tp_xlog_data(r, "Endpoint request body after transformations",
            px->req_body);
    }
    r->on_input = px_on_input;
    (void) px_connect(px, false);
}

static void
px_collect_input(struct tp_request *r)
{
    px_collect(r->integ);
}

void
tp_http_proxy_start(struct tp_request *r)
{
    const struct tp_integration *in = &r->match.route->integ;
    const struct tp_target *t = &in->targets[r->stage->idx];
    struct tp_worker *w = r->c->w;
    struct px *px;

    if (t->backend == NULL) {
        tp_respond_gw(r, TP_GW_API_CONFIGURATION_ERROR, NULL);
        return;
    }
    px = tp_arena_calloc(&r->c->arena, sizeof(*px));
    if (px == NULL) {
        tp_respond_gw(r, TP_GW_INTERNAL, NULL);
        return;
    }
    px->r = r;
    px->target = t;
    px->be = t->backend;
    px->attempts = 1;
    px->up_keep = true;
    tp_timer_init(&px->timer, px_timeout);
    px->timeout_ms = in->timeout_ms != 0 ? in->timeout_ms
                                         : w->conf->integration_timeout_ms;
    r->integ = px;
    r->on_input = px_on_input;
    r->on_abort = px_on_client_abort;
    r->integ_start = tp_clock.mono_us;
    px_arm(px);
    if (in->type == TP_INTEG_HTTP || in->needs_body || r->body_collected
        || tp_xlog_data_trace(r))
    {
        /* Non-proxy: templates see the body; proxy: a mapping reads it,
         * the authorize phase has read it (a SigV4 payload hash), or the
         * execution log traces it. */
        px->buffered = in->type == TP_INTEG_HTTP;
        px->req_whole = true;
        r->on_input = px_collect_input;
        px_collect(px);
        return;
    }
    (void) px_connect(px, false);
}
