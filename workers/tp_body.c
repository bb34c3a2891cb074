/*
 * tp_body.c: the request body reader.  Workers only.
 *
 * The body is read into the client buffer right after the head (which stays
 * at offset 0).  Content-Length bodies are read exactly; chunked bodies are
 * decoded in place (data moved down over the chunk framing), so consumers
 * always see plain decoded bytes at [head_len, dend).
 *
 * A Content-Length body that fits the buffer is handed out whole; a larger
 * one streams piece by piece (its size was checked against the limit up
 * front).  A chunked body has no declared size, so it is kept until its end
 * (the part beyond the buffer in an unlinked file under data_dir, "the
 * spool"): a too large or malformed one never reaches a backend, and a
 * complete one is forwarded with a Content-Length.
 */
#include "tp_client_int.h"
#include "tp_log.h"
#include "tp_worker.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static const char continue_100[] = "HTTP/1.1 100 Continue\r\n\r\n";

int
tp_body_init(struct tp_request *r)
{
    struct tp_client *c = r->c;
    const struct tp_http_msg *m = &r->msg;
    uint64_t avail = c->len - m->head_len;

    r->dend = r->raw = r->next_off = m->head_len;
    r->spool_fd = -1;
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

static void
body_spool_close(void *data)
{
    struct tp_request *r = data;

    if (r->spool_fd >= 0) {
        close(r->spool_fd);
        r->spool_fd = -1;
    }
}

static int
body_spool_open(struct tp_request *r)
{
    const char *dir = r->c->w->conf->data_dir;
    int dfd = r->c->w->cycle->data_fd;
    char name[64];
    int fd;

    /* Relative to the master's descriptor: no path lookup above it. */
    fd = openat(dfd, ".", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd < 0) {
        /* Filesystems without O_TMPFILE: create, then unlink at once. */
        snprintf(name, sizeof(name), "body.%d.%s", (int) getpid(), r->id);
        fd = openat(dfd, name, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600);
        if (fd >= 0) {
            unlinkat(dfd, name, 0);
        }
    }
    if (fd < 0) {
        tp_log(TP_LOG_ERROR, errno, "cannot create a body spool file in "
            "\"%s\"", dir);
        return TP_ERROR;
    }
    r->spool_fd = fd;
    if (tp_arena_cleanup_add(&r->c->arena, body_spool_close, r) != TP_OK) {
        close(fd);
        r->spool_fd = -1;
        return TP_ERROR;
    }
    return TP_OK;
}

/* The buffer is full of decoded chunked data: move it to the spool. */
static int
body_spill(struct tp_request *r)
{
    struct tp_client *c = r->c;
    uint32_t start = r->msg.head_len;
    size_t n = r->dend - start, off = 0;
    ssize_t w;

    if (r->spool_fd < 0 && body_spool_open(r) != TP_OK) {
        return 500;
    }
    while (off < n) {
        w = pwrite(r->spool_fd, c->buf + start + off, n - off,
            (off_t) (r->spool_len + off));
        if (w <= 0) {
            tp_log(TP_LOG_ERROR, errno, "writing a body spool file");
            r->msg.why = "cannot buffer the request body";
            return 500;
        }
        off += (size_t) w;
    }
    r->spool_len += n;
    /* Undecoded bytes (a partial chunk header) move down. */
    memmove(c->buf + start, c->buf + r->raw, c->len - r->raw);
    c->len = start + (c->len - r->raw);
    r->raw = r->dend = start;
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
    if ((size_t) n < room && c->sock.ssl == NULL && !c->rd_eof) {
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
        if (r->body_done || (r->body_kind == TP_BODY_LENGTH
                && r->dend > start && (!whole || c->len == c->cap)))
        {
            break;
        }
        if (c->len == c->cap) {
            if (r->body_kind != TP_BODY_CHUNKED || r->dend == start) {
                r->msg.why = "chunk framing too large";
                return 400;
            }
            if ((status = body_spill(r)) != 0) {
                return status;
            }
            continue;
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

/* Appends <n> bytes to the collected body (allocated on first use). */
static int
body_collect_put(struct tp_request *r, const char *p, size_t n, size_t want)
{
    struct tp_client *c = r->c;
    char *buf = (char *) r->body.p;

    if (buf == NULL) {
        buf = tp_arena_alloc(&c->arena, want + 1);
        if (buf == NULL) {
            return 500;
        }
        r->body = (struct tp_str) { buf, 0 };
    }
    if (r->body.len + n > want) {
        return 500;                  /* cannot happen: sizes are known */
    }
    memcpy(buf + r->body.len, p, n);
    r->body.len += n;
    return 0;
}

int
tp_body_collect(struct tp_request *r)
{
    const char *p;
    size_t n, want;
    bool last;
    int rc, status;
    ssize_t got;

    if (r->body_collected) {
        return TP_OK;
    }
    for (;;) {
        rc = tp_body_next(r, true, &p, &n, &last);
        if (rc != TP_OK) {
            return rc;               /* TP_AGAIN or an HTTP status */
        }
        if (last && r->body.p == NULL && r->spool_len == 0) {
            r->body = (struct tp_str) { p != NULL ? p : "", n };
            r->body_collected = true;
            return TP_OK;            /* it all fit: use it in place */
        }
        want = r->body_kind == TP_BODY_LENGTH
            ? (size_t) r->msg.content_length : (size_t) r->spool_len + n;
        if (r->body.p == NULL && r->spool_len > 0) {
            if (body_collect_put(r, "", 0, want) != 0) {
                return 500;
            }
            got = pread(r->spool_fd, (char *) r->body.p, r->spool_len, 0);
            if (got != (ssize_t) r->spool_len) {
                r->msg.why = "cannot read the buffered request body";
                return 500;
            }
            r->body.len = r->spool_len;
        }
        if ((status = body_collect_put(r, p, n, want)) != 0) {
            return status;
        }
        if (last) {
            r->body_collected = true;
            return TP_OK;
        }
        tp_body_consumed(r);
    }
}
