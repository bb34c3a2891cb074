/*
 * tp_proxy_int.h: state of one HTTP_PROXY exchange, shared by
 * tp_http_proxy.c (the pumps) and tp_proxy_msg.c (heads and framing).
 * Workers only.
 */
#ifndef TP_PROXY_INT_H
#define TP_PROXY_INT_H

#include "tp_gwresp.h"
#include "tp_hdr.h"
#include "tp_http_parse.h"
#include "tp_request.h"
#include "tp_timer.h"

struct tp_upconn;

enum tp_px_body {
    TP_PX_NONE = 0,                  /* no body (HEAD, 204, 304) */
    TP_PX_LENGTH,
    TP_PX_CHUNKED,
    TP_PX_EOF                        /* delimited by the backend's close */
};

struct px {
    struct tp_request *r;
    const struct tp_target *target;
    struct tp_backend *be;
    struct tp_upconn *up;
    struct tp_timer timer;           /* integration timeout */
    uint32_t timeout_ms;
    int attempts;

    /* request pump */
    char *head;                      /* upstream request head (arena) */
    size_t head_len;
    bool head_queued;
    bool chunked_out;                /* body re-chunked toward the backend */
    bool piece_out;                  /* a body piece is queued in iov */
    bool piece_last;
    bool req_sent;                   /* the whole request is written */
    bool retryable;                  /* whole request still in hand */
    bool buffered;                   /* HTTP (non-proxy): whole bodies */
    bool whole;                      /* HTTP_PROXY response collected whole
                                        (to cache or compress it) */
    bool req_whole;                  /* the request body is px->req_body */
    struct tp_str req_body;          /* buffered: the transformed body */
    struct tp_str req_ctype;         /* buffered: its Content-Type */
    struct tp_str rbody;             /* buffered: the response body */
    size_t rbody_cap;
    const char *body_p;              /* that whole body, for a retry */
    size_t body_n;
    uint64_t spool_sent;             /* bytes of r->spool_fd written */
    char *sbuf;                      /* TLS: spool bytes on their way */
    uint32_t sbuf_len;
    uint32_t sbuf_off;
    struct iovec iov[5];
    int niov;
    int iov_i;
    char chunk_hdr[24];

    /* response pump */
    char *ubuf;
    uint32_t ucap;
    uint32_t ulen;                   /* bytes in ubuf */
    uint32_t upos;                   /* start of unforwarded body bytes */
    uint32_t uraw;                   /* chunked: next undecoded byte */
    struct tp_http_msg *resp;
    char *rhead;                     /* buffered/whole: the head's bytes,
                                        copied before the body reuses ubuf */
    bool resp_any;                   /* any byte came back */
    bool resp_head;                  /* the head is parsed */
    bool resp_started;               /* the client head is queued */
    bool resp_done;
    bool up_keep;                    /* backend connection reusable */
    bool client_busy;                /* client output pending */
    uint8_t resp_kind;               /* enum tp_px_body */
    uint8_t out_kind;                /* framing toward the client */
    uint64_t resp_left;              /* LENGTH: bytes still to come */
    struct tp_http_chunked rchunk;
    char *chead;                     /* client response head (arena) */
    size_t chead_len;
    char out_chunk[24];
};

/* A header value: line breaks in it become spaces (tp_hdr_value_copy). */
static inline void
px_put_value(char *out, size_t *len, struct tp_str v)
{
    tp_hdr_value_copy(out + *len, v.p, v.len);
    *len += v.len;
}

#define PUTS(out, len, lit) px_put(out, len, lit, sizeof(lit) - 1)

struct px_kv {
    struct tp_str name;
    struct tp_str value;
};

/* A small ordered multimap for headers or query parameters. */
struct px_list {
    struct px_kv *e;
    unsigned n;
    unsigned cap;
};

void px_list_add(struct px_list *l, struct tp_str name, struct tp_str value);

/* <action>: enum tp_map_action; header names compare case-insensitively. */
void px_list_apply(struct tp_arena *a, struct px_list *l, int action,
    struct tp_str name, struct tp_str value, bool nocase);

/* Appends <n> bytes at <*len>; the head buffers are sized up front. */
static inline void
px_put(char *out, size_t *len, const char *p, size_t n)
{
    memcpy(out + *len, p, n);
    *len += n;
}

/* tp_forwarded.c: the Forwarded value HTTP APIs send: <prior> (the
 * client's Forwarded), its X-Forwarded-For hops, then this hop. */
struct tp_str px_forwarded(struct tp_arena *a, struct tp_str prior,
    struct tp_str xff, struct tp_str peer, struct tp_str host, bool https);

/* tp_proxy_msg.c */
bool px_skip_header(const struct tp_http_msg *m, const char *buf,
    struct tp_str name, enum tp_hdr_id id, bool request);

/* tp_proxy_resp.c */
int px_client_head(struct px *px);
/* Whether to collect the response whole (head parsed), and answering
 * with it once collected. */
bool px_want_whole(struct px *px);
void px_client_whole(struct px *px, struct tp_str body);

/* tp_proxy_req.c */
int px_build_head(struct px *px, size_t body_len, bool whole);
int px_parse_head(struct px *px);
int px_body_take(struct px *px, const char **data, size_t *len);
int px_frame_out(struct px *px, const char *data, size_t len,
    struct iovec *iov);
void px_compact(struct px *px);

/* tp_http_proxy.c: TP_DONE from these means the exchange is over and
 * <px> must not be touched again. */
int px_on_eof(struct px *px, const char *why);
int px_restart(struct px *px);
int px_fail(struct px *px, enum tp_gw gw, const char *msg, const char *why);
void px_finish(struct px *px);

#endif /* TP_PROXY_INT_H */
