/*
 * tp_body.c: the request body reader.  Workers only.
 *
 * The body is read into the client buffer right after the head (which stays
 * at offset 0).  Content-Length bodies are read exactly; chunked bodies are
 * decoded in place (data moved down over the chunk framing), so consumers
 * always see plain decoded bytes at [head_len, dend).  A body that fits the
 * buffer is handed out whole, so invalid input is rejected before anything
 * reaches a backend; a larger one is streamed piece by piece.
 */
#include "tp_client_int.h"
#include "tp_worker.h"

static const char continue_100[] = "HTTP/1.1 100 Continue\r\n\r\n";

int
tp_body_init(struct tp_request *r)
{
    struct tp_client *c = r->c;
    const struct tp_http_msg *m = &r->msg;
    uint64_t avail = c->len - m->head_len;

    r->dend = r->raw = r->next_off = m->head_len;
    if (m->flags & TP_HTTP_F_CHUNKED) {
        r->body_kind = TP_BODY_CHUNKED;
        return 0;
    }
    if (m->content_length <= 0) {
        r->body_kind = TP_BODY_NONE;
        r->body_done = true;
        return 0;
    }
    r->body_kind = TP_BODY_LENGTH;
    if ((uint64_t) m->content_length > c->w->conf->max_request_body) {
        return 413;
    }
    avail = TP_MIN(avail, (uint64_t) m->content_length);
    r->dend += (uint32_t) avail;
    r->body_total = avail;
    r->body_left = (uint64_t) m->content_length - avail;
    if (r->body_left == 0) {
        r->body_done = true;
        r->next_off = r->dend;
    }
    return 0;
}

/* Decodes buffered chunked bytes in place.  0 or an HTTP status. */
static int
body_decode(struct tp_request *r)
{
    struct tp_client *c = r->c;
    size_t used, off, n;
    int rc;

    while (!r->body_done && r->raw < c->len) {
        rc = tp_http_chunked_parse(&r->chunked, c->buf + r->raw,
            c->len - r->raw, &used, &off, &n);
        if (rc == TP_ERROR) {
            r->msg.why = "invalid chunked transfer coding in body";
            return 400;
        }
        if (rc == TP_OK) {
            memmove(c->buf + r->dend, c->buf + r->raw + off, n);
            r->dend += (uint32_t) n;
            r->body_total += n;
            if (r->body_total > c->w->conf->max_request_body) {
                return 413;
            }
        } else if (rc == TP_DONE) {
            r->body_done = true;
            r->next_off = r->raw + (uint32_t) used;
        }
        r->raw += (uint32_t) used;
    }
    return 0;
}

int
tp_body_fill(struct tp_request *r)
{
    struct tp_client *c = r->c;
    size_t room = c->cap - c->len;
    ssize_t n;

    if (r->body_kind == TP_BODY_LENGTH) {
        room = (size_t) TP_MIN(room, r->body_left);
    }
    if (room == 0 || r->body_done) {
        return TP_OK;
    }
    if (!c->rd_ready && c->sock.ssl == NULL) {
        return TP_AGAIN;
    }
    n = tp_sock_read(&c->sock, c->buf + c->len, room);
    if (n == TP_AGAIN) {
        c->rd_ready = false;
        return TP_AGAIN;
    }
    if (n <= 0) {
        return TP_ERROR;             /* client went away mid-body */
    }
    if ((size_t) n < room && c->sock.ssl == NULL) {
        c->rd_ready = false;
    }
    c->len += (uint32_t) n;
    if (r->body_kind == TP_BODY_LENGTH) {
        r->dend += (uint32_t) n;
        r->body_total += (uint64_t) n;
        r->body_left -= (uint64_t) n;
        if (r->body_left == 0) {
            r->body_done = true;
            r->next_off = r->dend;
        }
    }
    return TP_OK;
}

/* Sends "100 Continue" once, when the body is first needed. */
static void
body_continue(struct tp_request *r)
{
    struct tp_client *c = r->c;
    struct iovec iov = { (void *) continue_100, sizeof(continue_100) - 1 };

    if (r->sent_100 || !(r->msg.flags & TP_HTTP_F_EXPECT_100)
        || r->msg.version != 11 || c->len > r->msg.head_len)
    {
        return;
    }
    r->sent_100 = true;
    /* 25 bytes into an empty socket buffer: a short write means the peer
     * is gone, and the body read will notice. */
    (void) tp_sock_writev(&c->sock, &iov, 1);
}

int
tp_body_next(struct tp_request *r, bool whole, const char **p, size_t *n,
    bool *last)
{
    struct tp_client *c = r->c;
    uint32_t start = r->msg.head_len;
    int rc, status;

    for (;;) {
        if (r->body_kind == TP_BODY_CHUNKED
            && (status = body_decode(r)) != 0)
        {
            return status;
        }
        if (r->body_done || (r->dend > start && (!whole
                || c->len == c->cap)))
        {
            break;
        }
        if (c->len == c->cap) {
            r->msg.why = "chunk framing too large";
            return 400;
        }
        body_continue(r);
        rc = tp_body_fill(r);
        if (rc == TP_AGAIN) {
            c->want_read = true;
            tp_client_timer(c, c->w->conf->client_body_timeout_ms);
            return TP_AGAIN;
        }
        if (rc == TP_ERROR) {
            r->msg.why = "connection closed before the body was complete";
            return 400;
        }
    }
    c->want_read = false;
    if (!c->nout) {
        tp_client_timer(c, 0);
    }
    *p = c->buf + start;
    *n = r->dend - start;
    *last = r->body_done;
    return TP_OK;
}

void
tp_body_consumed(struct tp_request *r)
{
    struct tp_client *c = r->c;
    uint32_t start = r->msg.head_len;

    if (r->body_done) {
        return;                      /* keep any pipelined bytes in place */
    }
    r->body_streaming = true;
    if (r->body_kind == TP_BODY_CHUNKED) {
        /* Undecoded bytes (a partial chunk header) move down too. */
        memmove(c->buf + start, c->buf + r->raw, c->len - r->raw);
        c->len = start + (c->len - r->raw);
    } else {
        c->len = start;              /* LENGTH reads never overshoot */
    }
    r->raw = r->dend = start;
}
