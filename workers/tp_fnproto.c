/*
 * tp_fnproto.c: encoding and decoding the worker <-> function host
 * frames (layout in tp_fnproto.h).
 */
#include "tp_fnproto.h"
#include "tp_fn.h"

static uint32_t
get32(const uint8_t *p)
{
    return (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16
        | (uint32_t) p[2] << 8 | (uint32_t) p[3];
}

static void
put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t) (v >> 24);
    p[1] = (uint8_t) (v >> 16);
    p[2] = (uint8_t) (v >> 8);
    p[3] = (uint8_t) v;
}

/* Function names, request ids and error types: printable, no spaces. */
static bool
fnproto_token(const uint8_t *p, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (p[i] <= 0x20 || p[i] >= 0x7f || p[i] == '"' || p[i] == '\\') {
            return false;
        }
    }
    return true;
}

/* The client context becomes a header value: no control characters. */
static bool
fnproto_line(const uint8_t *p, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (p[i] < 0x20 || p[i] == 0x7f) {
            return false;
        }
    }
    return true;
}

static int
fnproto_check(const struct tp_fnmsg *m, uint8_t a, uint8_t b)
{
    if (m->type == TP_FNPROTO_INVOKE) {
        if (a == 0 || a > TP_FNPROTO_MAX_NAME || b > TP_FNPROTO_MAX_NAME) {
            return TP_ERROR;
        }
    } else if (m->type == TP_FNPROTO_RESULT) {
        if (a > TP_FNPROTO_MAX_NAME || b != 0
            || m->status > TP_FN_UNAVAILABLE)
        {
            return TP_ERROR;
        }
    } else {
        return TP_ERROR;
    }
    if (m->payload.len > TP_FNPROTO_MAX_PAYLOAD
        || m->client_ctx.len > TP_FNPROTO_MAX_CTX
        || (m->type != TP_FNPROTO_INVOKE && m->client_ctx.len > 0)
        || !fnproto_line((const uint8_t *) m->client_ctx.p,
            m->client_ctx.len)
        || !fnproto_token((const uint8_t *) m->name.p, m->name.len)
        || !fnproto_token((const uint8_t *) m->request_id.p,
            m->request_id.len))
    {
        return TP_ERROR;
    }
    return TP_OK;
}

int
tp_fnproto_decode(const uint8_t *buf, size_t len, struct tp_fnmsg *msg,
    size_t *frame_len)
{
    uint32_t body;
    uint8_t flags, a, b;
    size_t total, c = 0;

    *frame_len = 0;
    if (len < 4) {
        return TP_AGAIN;
    }
    body = get32(buf);
    if (body < TP_FNPROTO_FIXED - 4 || body > TP_FNPROTO_MAX_FRAME - 4) {
        return TP_ERROR;
    }
    total = (size_t) body + 4;
    *frame_len = total;
    if (len < TP_FNPROTO_FIXED) {
        return TP_AGAIN;
    }
    flags = buf[5];
    a = buf[6];
    b = buf[7];
    memset(msg, 0, sizeof(*msg));
    msg->type = buf[4];
    msg->call = get32(buf + 8);
    msg->duration_ms = get32(buf + 12);
    if (msg->type == TP_FNPROTO_INVOKE) {
        msg->event = (flags & TP_FNPROTO_F_EVENT) != 0;
        c = msg->duration_ms;
        msg->duration_ms = 0;
        if ((flags & ~TP_FNPROTO_F_EVENT) != 0 || c > TP_FNPROTO_MAX_CTX) {
            return TP_ERROR;
        }
    } else {
        msg->status = flags & TP_FNPROTO_STATUS_MASK;
        msg->cold = (flags & TP_FNPROTO_F_COLD) != 0;
        if ((flags & 0x70u) != 0) {
            return TP_ERROR;
        }
    }
    if ((size_t) TP_FNPROTO_FIXED + a + b + c > total) {
        return TP_ERROR;
    }
    msg->name.p = (const char *) buf + TP_FNPROTO_FIXED;
    msg->name.len = a;
    msg->request_id.p = msg->name.p + a;
    msg->request_id.len = b;
    msg->client_ctx.p = msg->request_id.p + b;
    msg->client_ctx.len = c;
    msg->payload.p = msg->client_ctx.p + c;
    msg->payload.len = total - TP_FNPROTO_FIXED - a - b - c;
    if (len < total) {
        return TP_AGAIN;
    }
    return fnproto_check(msg, a, b);
}

size_t
tp_fnproto_encode_head(const struct tp_fnmsg *msg, uint8_t *out)
{
    size_t head = TP_FNPROTO_FIXED + msg->name.len + msg->request_id.len
        + msg->client_ctx.len;
    uint8_t flags;

    if (fnproto_check(msg, (uint8_t) TP_MIN(msg->name.len, 255),
            (uint8_t) TP_MIN(msg->request_id.len, 255)) != TP_OK
        || msg->name.len > TP_FNPROTO_MAX_NAME
        || msg->request_id.len > TP_FNPROTO_MAX_NAME)
    {
        return 0;
    }
    if (msg->type == TP_FNPROTO_INVOKE) {
        flags = msg->event ? TP_FNPROTO_F_EVENT : 0;
    } else {
        flags = (uint8_t) (msg->status | (msg->cold ? TP_FNPROTO_F_COLD : 0));
    }
    put32(out, (uint32_t) (head + msg->payload.len - 4));
    out[4] = msg->type;
    out[5] = flags;
    out[6] = (uint8_t) msg->name.len;
    out[7] = (uint8_t) msg->request_id.len;
    put32(out + 8, msg->call);
    put32(out + 12, msg->type == TP_FNPROTO_INVOKE
        ? (uint32_t) msg->client_ctx.len : msg->duration_ms);
    if (msg->name.len > 0) {
        memcpy(out + TP_FNPROTO_FIXED, msg->name.p, msg->name.len);
    }
    if (msg->request_id.len > 0) {
        memcpy(out + TP_FNPROTO_FIXED + msg->name.len, msg->request_id.p,
            msg->request_id.len);
    }
    if (msg->client_ctx.len > 0) {
        memcpy(out + TP_FNPROTO_FIXED + msg->name.len + msg->request_id.len,
            msg->client_ctx.p, msg->client_ctx.len);
    }
    return head;
}
