/*
 * tp_fnproto.h: the frames workers and the function host exchange over
 * their Unix socket (workers/tp_fn.c, workers/tp_fnhost.c).  Pure
 * functions: no I/O, no allocation; unit-tested and fuzzed.
 *
 * A frame, all integers big-endian:
 *
 *   u32 length      bytes after this field: 12 + a + b + c + payload
 *   u8  type        1 INVOKE (worker -> host), 2 RESULT (host -> worker)
 *   u8  flags       INVOKE: bit 0 event invocation
 *                   RESULT: bits 0-3 enum tp_fn_status, bit 7 cold start
 *   u8  a           INVOKE: function name length (1-64)
 *                   RESULT: error type length (0-64)
 *   u8  b           INVOKE: request id length (0-64); RESULT: 0
 *   u32 call        the worker's call id, echoed in the RESULT
 *   u32 duration    RESULT: ms inside the host; INVOKE: c, the client
 *                   context's length (0-TP_FNPROTO_MAX_CTX)
 *   a bytes, b bytes, c bytes, then the payload (at most
 *   TP_FNPROTO_MAX_PAYLOAD)
 *
 * The client context is the Invoke API's X-Amz-Client-Context decoded:
 * JSON text on one line (no control characters), which the host passes
 * on as Lambda-Runtime-Client-Context.
 *
 * Anything else (an unknown type, a length that does not add up, a name
 * out of its alphabet, an oversized payload) is a protocol error: the
 * reader closes the connection.
 */
#ifndef TP_FNPROTO_H
#define TP_FNPROTO_H

#include "tp_core.h"

/* Lambda's synchronous limit: 6 MB + 100 bytes. */
#define TP_FNPROTO_MAX_PAYLOAD  6291556u
#define TP_FNPROTO_FIXED        16u          /* length field + fixed part */
#define TP_FNPROTO_MAX_NAME     64u
/* X-Amz-Client-Context: at most 3583 bytes of base64, decoded. */
#define TP_FNPROTO_MAX_CTX      2687u
#define TP_FNPROTO_HEAD_MAX     (TP_FNPROTO_FIXED + 2 * TP_FNPROTO_MAX_NAME \
                                 + TP_FNPROTO_MAX_CTX)
#define TP_FNPROTO_MAX_FRAME    (TP_FNPROTO_HEAD_MAX + TP_FNPROTO_MAX_PAYLOAD)

enum tp_fnproto_type {
    TP_FNPROTO_INVOKE = 1,
    TP_FNPROTO_RESULT = 2
};

#define TP_FNPROTO_F_EVENT      0x01u
#define TP_FNPROTO_F_COLD       0x80u
#define TP_FNPROTO_STATUS_MASK  0x0fu

/* A decoded frame; strings point into the decoder's input. */
struct tp_fnmsg {
    uint8_t type;                    /* enum tp_fnproto_type */
    uint8_t status;                  /* RESULT: enum tp_fn_status */
    bool event;                      /* INVOKE */
    bool cold;                       /* RESULT */
    uint32_t call;
    uint32_t duration_ms;            /* RESULT */
    struct tp_str name;              /* INVOKE: function; RESULT: error
                                        type (len 0: none) */
    struct tp_str request_id;        /* INVOKE */
    struct tp_str client_ctx;        /* INVOKE: len 0: none */
    struct tp_str payload;
};

/*
 * Decodes the frame at the start of <buf> (<len> bytes received so far).
 * TP_OK: *msg filled, *frame_len bytes belong to it; TP_AGAIN: incomplete
 * (*frame_len: the whole frame's size once its length field arrived,
 * else 0); TP_ERROR: not a valid frame.
 */
int tp_fnproto_decode(const uint8_t *buf, size_t len, struct tp_fnmsg *msg,
    size_t *frame_len);

/*
 * Writes the head of <msg>'s frame (everything before the payload, whose
 * length is msg->payload.len) to <out> (TP_FNPROTO_HEAD_MAX bytes).
 * Returns its length, or 0 when <msg> cannot be framed.
 */
size_t tp_fnproto_encode_head(const struct tp_fnmsg *msg, uint8_t *out);

#endif /* TP_FNPROTO_H */
