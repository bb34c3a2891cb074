/*
 * tp_proxy_msg.c: the messages of an HTTP_PROXY exchange: the upstream
 * request head, the client response head, and body framing in both
 * directions.  Workers only.
 */
#include "tp_execlog.h"
#include "tp_hdr.h"
#include "tp_http_proxy.h"
#include "tp_proxy_int.h"
#include "tp_respond.h"
#include "tp_time.h"
#include "tp_worker.h"

#include <stdio.h>
#include <strings.h>

#define UP_MAX_LINE  8192
#define UP_MAX_HEAD  16384




bool
tp_http_proxy_hop_by_hop(const char *name, size_t len)
{
    enum tp_hdr_id id = tp_hdr_lookup(name, len);

    return TP_HDR_IS_HOP(id);
}

/* True when a Connection header of <m> names <name> (it is hop-by-hop). */
static bool
px_conn_named(const struct tp_http_msg *m, const char *buf, const char *name,
    size_t nlen)
{
    int i = -1;

    while ((i = tp_http_find_header(m, buf, "connection", i + 1)) >= 0) {
        const char *v = buf + m->hdrs[i].value_off;
        const char *end = v + m->hdrs[i].value_len, *tok;

        while (v < end) {
            while (v < end && (*v == ' ' || *v == '\t' || *v == ',')) {
                v++;
            }
            tok = v;
            while (v < end && *v != ',' && *v != ' ' && *v != '\t') {
                v++;
            }
            if ((size_t) (v - tok) == nlen
                && strncasecmp(tok, name, nlen) == 0)
            {
                return true;
            }
        }
    }
    return false;
}

/* Headers not copied through; <id> is tp_hdr_lookup(<name>). */
bool
px_skip_header(const struct tp_http_msg *m, const char *buf,
    struct tp_str name, enum tp_hdr_id id, bool request)
{
    if (TP_HDR_IS_HOP(id)) {
        return true;
    }
    switch (id) {
    case TP_HDR_HOST:
    case TP_HDR_EXPECT:
    case TP_HDR_X_FORWARDED_FOR:
    case TP_HDR_X_FORWARDED_PROTO:
    case TP_HDR_X_FORWARDED_PORT:
        if (request) {
            return true;             /* replaced by the gateway's own */
        }
        break;
    default:
        break;
    }
    return (m->flags & TP_HTTP_F_CONN_OTHER)
        && px_conn_named(m, buf, name.p, name.len);
}

/* Decides how the response body is delimited, both ways. */
static void
px_framing(struct px *px)
{
    const struct tp_http_msg *m = px->resp;
    struct tp_request *r = px->r;
    int st = m->status;

    if (r->msg.method == TP_HTTP_HEAD || st == 204 || st == 304) {
        px->resp_kind = TP_PX_NONE;
    } else if (m->flags & TP_HTTP_F_CHUNKED) {
        px->resp_kind = TP_PX_CHUNKED;
    } else if (m->flags & TP_HTTP_F_HAS_CL) {
        px->resp_kind = m->content_length > 0 ? TP_PX_LENGTH : TP_PX_NONE;
        px->resp_left = (uint64_t) m->content_length;
    } else {
        px->resp_kind = TP_PX_EOF;
    }
    if ((m->flags & TP_HTTP_F_CONN_CLOSE) || px->resp_kind == TP_PX_EOF
        || (m->version == 10 && !(m->flags & TP_HTTP_F_CONN_KEEP)))
    {
        px->up_keep = false;
    }
    px->out_kind = px->resp_kind;
    if (px->resp_kind == TP_PX_CHUNKED || px->resp_kind == TP_PX_EOF) {
        if (r->msg.version == 11) {
            px->out_kind = TP_PX_CHUNKED;
        } else {
            px->out_kind = TP_PX_EOF;
            r->c->closing = true;    /* HTTP/1.0: the close ends the body */
        }
    }
}

int
px_parse_head(struct px *px)
{
    struct tp_http_limits lim = { UP_MAX_LINE,
        TP_MIN(UP_MAX_HEAD, px->ucap) };
    struct tp_request *r = px->r;
    int rc;

    for (;;) {
        if (px->resp == NULL) {
            px->resp = tp_arena_alloc(&r->c->arena, sizeof(*px->resp));
            if (px->resp == NULL) {
                px_fail(px, TP_GW_INTERNAL, NULL, "out of memory");
                return TP_ERROR;
            }
            tp_http_msg_init(px->resp);
        }
        rc = tp_http_parse_response(px->resp, px->ubuf, px->ulen, &lim);
        if (rc == TP_AGAIN) {
            if (px->ulen >= lim.max_head) {
                (void) px_fail(px, TP_GW_INTEGRATION_FAILURE, NULL,
                    "response head too large");
                return TP_ERROR;
            }
            return TP_AGAIN;
        }
        if (rc != TP_OK || px->resp->status == 101) {
            px_fail(px, TP_GW_INTEGRATION_FAILURE, NULL,
                "malformed response head");
            return TP_ERROR;
        }
        if (px->resp->status >= 200) {
            break;
        }
        /* 1xx interim response: drop it, the final one follows. */
        px->ulen -= px->resp->head_len;
        memmove(px->ubuf, px->ubuf + px->resp->head_len, px->ulen);
        tp_http_msg_init(px->resp);
        if (px->ulen == 0) {
            return TP_AGAIN;
        }
    }
    px->resp_head = true;
    r->integ_end = tp_clock.mono_us;
    r->integ_status = px->resp->status;
    if (r->xlog != NULL) {
        tp_xlog_received(r);
        if (tp_xlog_data_trace(r)) {
            tp_xlog_headers(r, "Endpoint response headers", px->resp,
                px->ubuf);
        }
    }
    px_framing(px);
    px->whole = !px->buffered && px_want_whole(px);
    if (px->buffered || px->whole) {
        /* Header values are offsets into the head: keep its bytes, since
         * the body read next overwrites the buffer. */
        px->rhead = tp_arena_strndup(&r->c->arena, px->ubuf,
            px->resp->head_len);
        if (px->rhead == NULL) {
            px_fail(px, TP_GW_INTERNAL, NULL, "out of memory");
            return TP_ERROR;
        }
        px->upos = px->uraw = px->resp->head_len;
        return TP_OK;                /* the integration response answers */
    }
    if (px_client_head(px) != TP_OK) {
        px_fail(px, TP_GW_INTEGRATION_FAILURE, NULL,
            "response head too large");
        return TP_ERROR;
    }
    px->upos = px->uraw = px->resp->head_len;
    return TP_OK;
}

/* Chunked: decodes [uraw, ulen) in place after [upos, dend). */
static int
px_take_chunked(struct px *px, const char **data, size_t *len)
{
    uint32_t dend = px->upos;
    size_t used, off, n;
    int rc;

    while (!px->resp_done && px->uraw < px->ulen) {
        rc = tp_http_chunked_parse(&px->rchunk, px->ubuf + px->uraw,
            px->ulen - px->uraw, &used, &off, &n);
        if (rc == TP_ERROR) {
            return TP_ERROR;
        }
        if (rc == TP_OK) {
            memmove(px->ubuf + dend, px->ubuf + px->uraw + off, n);
            dend += (uint32_t) n;
        } else if (rc == TP_DONE) {
            px->resp_done = true;
        }
        px->uraw += (uint32_t) used;
    }
    if (px->resp_done && px->uraw < px->ulen) {
        px->up_keep = false;         /* bytes after the end: not reusable */
    }
    *data = px->ubuf + px->upos;
    *len = dend - px->upos;
    px->upos = dend;
    return TP_OK;
}

int
px_body_take(struct px *px, const char **data, size_t *len)
{
    size_t avail = px->ulen - px->upos, k;

    *data = px->ubuf + px->upos;
    *len = 0;
    switch (px->resp_kind) {
    case TP_PX_NONE:
        px->resp_done = true;
        if (avail > 0) {
            px->up_keep = false;
        }
        return TP_OK;
    case TP_PX_LENGTH:
        k = (size_t) TP_MIN((uint64_t) avail, px->resp_left);
        px->resp_left -= k;
        px->upos += (uint32_t) k;
        *len = k;
        if (px->resp_left == 0) {
            px->resp_done = true;
            if (avail > k) {
                px->up_keep = false;
            }
        }
        return TP_OK;
    case TP_PX_CHUNKED:
        return px_take_chunked(px, data, len);
    default:
        px->upos = px->ulen;
        *len = avail;
        return TP_OK;
    }
}

int
px_frame_out(struct px *px, const char *data, size_t len, struct iovec *iov)
{
    int n = 0, k;

    if (px->out_kind != TP_PX_CHUNKED) {
        if (len > 0) {
            iov[n++] = (struct iovec) { (void *) data, len };
        }
        return n;
    }
    if (len > 0) {
        char *e = tp_fmt_hex(px->out_chunk, len);

        *e++ = '\r';
        *e++ = '\n';
        k = (int) (e - px->out_chunk);
        iov[n++] = (struct iovec) { px->out_chunk, (size_t) k };
        iov[n++] = (struct iovec) { (void *) data, len };
        iov[n++] = (struct iovec) { (void *) "\r\n", 2 };
    }
    if (px->resp_done) {
        iov[n++] = (struct iovec) { (void *) "0\r\n\r\n", 5 };
    }
    return n;
}

void
px_compact(struct px *px)
{
    if (px->resp_kind == TP_PX_CHUNKED && px->uraw < px->ulen) {
        /* A partial chunk header stays for the next read to complete. */
        memmove(px->ubuf, px->ubuf + px->uraw, px->ulen - px->uraw);
        px->ulen -= px->uraw;
    } else {
        px->ulen = 0;
    }
    px->upos = px->uraw = 0;
}
