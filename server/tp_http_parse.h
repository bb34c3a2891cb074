/*
 * tp_http_parse.h: the HTTP/1.1 message parser (RFC 9110/9112), used by
 * workers for client requests and upstream responses.
 *
 * Pure functions: no I/O, no globals, no allocation.  The parser is
 * incremental and zero-copy: the caller keeps every byte of the message head
 * in one contiguous buffer and calls again with the same buffer grown by the
 * newly read bytes (it may be moved/realloc'd between calls, because results
 * are offsets from the start of the message, never pointers).  Parsing resumes
 * where the previous call stopped, so a head delivered one byte at a time
 * costs O(total length).
 */
#ifndef TP_HTTP_PARSE_H
#define TP_HTTP_PARSE_H

#include "tp_core.h"

#define TP_HTTP_MAX_HEADERS 100

enum tp_http_method {
    TP_HTTP_OTHER = 0,      /* a valid token we have no constant for */
    TP_HTTP_GET,
    TP_HTTP_HEAD,
    TP_HTTP_POST,
    TP_HTTP_PUT,
    TP_HTTP_DELETE,
    TP_HTTP_OPTIONS,
    TP_HTTP_PATCH,
    TP_HTTP_CONNECT,
    TP_HTTP_TRACE
};

/* Parse outcomes besides TP_OK (head complete) and TP_AGAIN (need more). */
enum tp_http_err {
    TP_HTTP_E400 = 400,     /* malformed: syntax, bytes, obs-fold, CL+TE */
    TP_HTTP_E414 = 414,     /* request line longer than limits.max_line */
    TP_HTTP_E417 = 417,     /* Expect other than 100-continue */
    TP_HTTP_E431 = 431,     /* head over max_head / too many headers */
    TP_HTTP_E501 = 501,     /* Transfer-Encoding other than "chunked" */
    TP_HTTP_E505 = 505,     /* HTTP version other than 1.0 / 1.1 */
    TP_HTTP_E502 = 502      /* (responses only) malformed upstream response */
};

/* Message flags (struct tp_http_msg.flags). */
#define TP_HTTP_F_CHUNKED       0x0001u /* Transfer-Encoding: chunked */
#define TP_HTTP_F_CONN_CLOSE    0x0002u /* Connection: close */
#define TP_HTTP_F_CONN_KEEP     0x0004u /* Connection: keep-alive */
#define TP_HTTP_F_CONN_UPGRADE  0x0008u /* Connection: upgrade */
#define TP_HTTP_F_EXPECT_100    0x0010u /* Expect: 100-continue */
#define TP_HTTP_F_HAS_CL        0x0020u /* a Content-Length was present */
#define TP_HTTP_F_HAS_TE        0x0040u /* a Transfer-Encoding was present */
#define TP_HTTP_F_CONN_OTHER    0x0080u /* Connection names other headers */
#define TP_HTTP_F_ABSOLUTE_URI  0x0100u /* request target was absolute-form */

/* One header field: offsets from the start of the message. */
struct tp_http_hdr {
    uint32_t name_off;
    uint32_t value_off;     /* value without leading/trailing SP/HTAB */
    uint16_t name_len;
    uint16_t value_len;     /* heads are limited well below 64 KiB */
};

struct tp_http_limits {
    uint32_t max_line;      /* request line / status line, bytes (414 above) */
    uint32_t max_head;      /* whole head incl. final CRLF, bytes (431 above) */
};

/*
 * Parse state and results of one message head.  Zero it (or call
 * tp_http_msg_init) before the first call for each new message.
 */
struct tp_http_msg {
    /* parser position: private */
    uint32_t pos;           /* bytes of the buffer consumed so far */
    uint16_t state;
    uint16_t line_start_hi; /* private scratch */
    uint32_t mark;          /* private scratch: start of the current token */
    uint32_t mark2;         /* private scratch */

    /* results, valid once TP_OK was returned */
    uint32_t head_len;      /* bytes of the head incl. the blank line */
    uint16_t nhdrs;
    uint16_t version;       /* 10 for HTTP/1.0, 11 for HTTP/1.1 */
    uint32_t flags;         /* TP_HTTP_F_* */
    int64_t content_length; /* -1 when absent */
    const char *why;        /* after an error: what was wrong (static text) */

    /* request line (requests) */
    uint8_t method;         /* enum tp_http_method */
    uint32_t method_off;
    uint16_t method_len;
    uint32_t target_off;    /* where the path begins (any form) */
    uint32_t target_len;    /* path + '?' + query */
    uint32_t path_len;      /* bytes of the path, before '?' */
    int16_t host_idx;       /* index into hdrs of Host, -1 if absent */

    /* status line (responses) */
    uint16_t status;
    uint32_t reason_off;
    uint16_t reason_len;

    struct tp_http_hdr hdrs[TP_HTTP_MAX_HEADERS];
};

void tp_http_msg_init(struct tp_http_msg *m);

/*
 * Parse a request head from <buf> (all bytes of the message received so far,
 * <len> of them).  Returns TP_OK when the head is complete (m->head_len is the
 * offset of the body), TP_AGAIN when more bytes are needed, or an enum
 * tp_http_err status.  Validation (request smuggling defences): CL with TE,
 * differing duplicate CLs, bad CL digits, TE not exactly "chunked", TE in
 * HTTP/1.0, obs-fold, whitespace before ':', control bytes, bare CR, missing
 * or duplicate Host in HTTP/1.1 -> error.
 */
int tp_http_parse_request(struct tp_http_msg *m, const char *buf, size_t len,
    const struct tp_http_limits *lim);

/*
 * Parse a response head.  Like the above, but for upstream responses; errors
 * are TP_HTTP_E502.  With both TE: chunked and CL, chunked wins (CL dropped);
 * 1xx responses are returned as complete heads (caller skips them).
 */
int tp_http_parse_response(struct tp_http_msg *m, const char *buf, size_t len,
    const struct tp_http_limits *lim);

/* Find header <name> (case-insensitive); returns its index or -1. */
int tp_http_find_header(const struct tp_http_msg *m, const char *buf,
    const char *name, int from);

/* Method name lookup used by the parser and by route compilation. */
enum tp_http_method tp_http_method_from(const char *p, size_t len);
const char *tp_http_method_name(enum tp_http_method m);

/*
 * Chunked transfer coding decoder (RFC 9112 7.1).  Zero it before the body.
 * Each call consumes bytes from <buf>/<len>:
 *   TP_OK     a data span was found (*data_off, *data_len in buf); *consumed
 *             is the number of bytes up to the end of that span (call again
 *             with buf + *consumed)
 *   TP_AGAIN  all of buf consumed (*consumed == len), no data in it
 *   TP_DONE   the last chunk and trailers ended; *consumed bytes were part of
 *             the body (any further bytes belong to the next message)
 *   TP_ERROR  invalid framing (bad hex, overflow, missing CRLF, bad trailer)
 */
struct tp_http_chunked {
    uint8_t state;
    uint8_t hexdigits;
    uint16_t trailer_len;   /* bytes of trailer section seen (bounded) */
    uint64_t remaining;     /* bytes of chunk data still to come */
};

int tp_http_chunked_parse(struct tp_http_chunked *c, const char *buf,
    size_t len, size_t *consumed, size_t *data_off, size_t *data_len);

#endif /* TP_HTTP_PARSE_H */
