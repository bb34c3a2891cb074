/*
 * tp_request.h: a client connection and the request in flight on it.
 * Workers only.
 *
 * A client connection reads one request head into its buffer (the head stays
 * at offset 0 for the whole request: parsed fields are offsets into it), runs
 * the pipeline, and writes the response.  The request lives in the
 * connection's arena, which is reset when the request ends.
 */
#ifndef TP_REQUEST_H
#define TP_REQUEST_H

#include "tp_core.h"
#include "tp_arena.h"
#include "tp_http_parse.h"
#include "tp_loop.h"
#include "tp_route.h"
#include "tp_sock.h"

struct tp_clientcert;
struct tp_lauth_kv;
struct tp_json;
struct tp_worker;
struct tp_request;
struct tp_xlog;

enum tp_client_state {
    TP_CL_HANDSHAKE = 0,             /* TLS handshake */
    TP_CL_IDLE,                      /* keep-alive: waiting for a request */
    TP_CL_HEAD,                      /* reading a request head */
    TP_CL_ACTIVE,                    /* request in the pipeline */
    TP_CL_LINGER                     /* response sent, draining input, close */
};

enum tp_body_kind {
    TP_BODY_NONE = 0,
    TP_BODY_LENGTH,
    TP_BODY_CHUNKED
};

/* Called when every queued byte has been written to the client. */
typedef void (*tp_drain_fn)(struct tp_request *r);

#define TP_CLIENT_IOV 8

struct tp_client {
    struct tp_ev ev;
    struct tp_sock sock;
    struct tp_worker *w;
    struct tp_listener *lst;
    struct tp_client *prev, *next;   /* worker->clients */
    struct tp_timer timer;
    struct tp_arena arena;           /* per request: reset at its end */

    uint8_t state;                   /* enum tp_client_state */
    uint8_t depth;                   /* synchronous pipelined responses */
    bool closing;                    /* close after the current response */
    bool want_read;                  /* the request owner waits for input */
    bool rd_ready;                   /* input may be pending (edge seen) */
    bool rd_eof;                     /* the peer's FIN/RST has been seen */
    bool wr_ready;                   /* output space may be free */

    char *buf;                       /* head (at 0) + body window */
    uint32_t cap;
    uint32_t len;                    /* bytes valid in buf */
    uint32_t nrequests;

    struct tp_request *req;          /* in flight, or NULL */

    struct iovec out[TP_CLIENT_IOV]; /* queued output */
    int nout;
    int out_i;
    tp_drain_fn on_drain;

    char peer[46];                   /* client IP, text */
    uint8_t peer_len;                /* strlen(peer), once per connection */
    uint64_t accepted_ms;
    uint64_t idle_since;             /* entered keep-alive idle, mono ms */
};

struct tp_request {
    struct tp_client *c;
    struct tp_http_msg msg;          /* offsets into c->buf */
    char id[40];                     /* x-amzn-RequestId (UUID) */
    char short_id[17];               /* apigw-requestid / extendedRequestId */
    uint64_t start_ms;
    int status;                      /* response status sent */
    uint8_t phase;                   /* pipeline phase running/waiting */

    /* resolved by the pipeline */
    struct tp_api *api;
    struct tp_stage *stage;
    struct tp_xlog *xlog;            /* execution log lines (tp_execlog.h),
                                        NULL: the stage logs none */
    struct tp_domain *domain;        /* custom domain matched, or NULL */
    struct tp_clientcert *client_cert;   /* mutual TLS: the connection's
                                        verified client certificate */
    struct tp_str base_path;         /* its base path mapping matched */
    struct tp_str path;              /* resource path, no stage, no query */
    struct tp_str query;             /* after '?', may be empty */
    struct tp_route_match match;
    struct tp_str api_key;           /* the key value presented, or none */
    const char *api_key_id;          /* the key's id once accepted */
    const struct tp_usage_plan *plan;    /* its plan serving this stage */
    uint64_t quota_id;               /* with <plan>: tp_quota_id() */
    uint64_t plan_bucket;            /* and tp_plan_bucket() of it */

    /* who the request is, once the authorize phase let it in
     * (tp_phase_auth.c and the tp_auth_*.c it calls) */
    struct {
        const struct tp_principal *principal;    /* AWS_IAM */
        const char *principal_id;    /* $context.authorizer.principalId */
        void *claims;                /* JWT/Cognito: struct tp_jwt_result */
        const struct tp_lauth_kv *lambda_ctx;    /* a Lambda authorizer's
                                        context: $context.authorizer.<key>
                                        (text), events (json) */
        unsigned nlambda_ctx;
        void *pending;               /* tp_auth_lambda.c: the invocation
                                        in flight */
        const char *error;           /* $context.authorizer.error */
        bool sigv4;                  /* Authorization carried a SigV4
                                        signature: not forwarded */
        bool sigv4_query;            /* presigned: the signature is in
                                        the query */
    } auth;

    /* outcome, for $context and access logs */
    uint64_t start_mono;             /* tp_clock.mono_us when the head was in */
    uint64_t integ_start;            /* mono us; 0: no integration call */
    uint64_t integ_end;
    int integ_status;                /* backend status, 0: none */
    const char *integ_error;         /* why the integration failed */
    int error_type;                  /* enum tp_gw of a gateway response, -1 */
    const char *error_message;
    uint64_t resp_bytes;             /* response body bytes sent */
    bool backend_date;               /* the response carries the backend's
                                        Date (HTTP APIs): no second one */
    bool counted;                    /* in the metrics block already */

    /* request body reader (tp_body.c) */
    uint16_t early_status;           /* refused before the pipeline (413) */
    uint8_t body_kind;               /* enum tp_body_kind */
    bool body_done;                  /* every body byte has been read */
    bool body_streaming;             /* pieces already handed out */
    bool sent_100;                   /* "100 Continue" written */
    uint64_t body_left;              /* CL bytes not yet read */
    uint64_t body_total;             /* decoded bytes so far */
    uint32_t raw;                    /* chunked: next undecoded byte in buf */
    uint32_t dend;                   /* end of decoded, unconsumed bytes */
    uint32_t next_off;               /* body_done: the next message starts */
    struct tp_http_chunked chunked;
    struct tp_str body;              /* the whole body once collected
                                        (tp_body_collect) */
    bool body_collected;             /* <body> is complete: collecting
                                        again returns it (the authorize
                                        phase may collect first) */
    struct tp_json *body_json;       /* <body> parsed, on first use */
    int spool_fd;                    /* chunked body beyond the buffer, or -1 */
    uint64_t spool_len;              /* bytes in the spool (before the piece) */

    /* response cache (tp_phase_cache.c) and compression */
    struct {
        uint8_t key[32];             /* namespace (stage) + entry hash */
        uint32_t ttl_s;
        bool store;                  /* a miss or a refresh: store the
                                        integration's response */
        bool warn;                   /* ignored max-age=0: say so */
        bool hit;
        bool miss;                   /* looked up and not found (or a
                                        refresh): CacheMissCount */
    } cache;
    uint8_t coding;                  /* enum tp_coding + 1; 0: not read */

    void *integ;                     /* the integration's exchange state */
    void (*on_input)(struct tp_request *r);  /* more body bytes may be ready */
    void (*on_abort)(struct tp_request *r);  /* connection is going away */
    /* Set while the response points into memory lent only for now (a
     * cache entry read in place): tp_client_send copies what the socket
     * does not take at once, then calls this to give the memory back. */
    void (*out_release)(struct tp_worker *w);
};

/* Helpers on the current request head. */
static inline struct tp_str
tp_req_header(const struct tp_request *r, unsigned i, bool value)
{
    const struct tp_http_hdr *h = &r->msg.hdrs[i];

    return value ? (struct tp_str) { r->c->buf + h->value_off, h->value_len }
                 : (struct tp_str) { r->c->buf + h->name_off, h->name_len };
}

/* ---- tp_client.c ---- */

void tp_client_accept(struct tp_worker *w, struct tp_listener *lst, int fd,
    const struct sockaddr *sa, socklen_t salen);

/*
 * Writes <iov> to the client now, as far as the socket takes it.
 *   TP_OK     everything was written; <done> is not called
 *   TP_AGAIN  the rest is queued (the memory must stay valid, or be lent
 *             through r->out_release: then the rest is copied into the
 *             request's arena); <done> runs from the event loop once it
 *             is written
 *   TP_ERROR  the connection failed and was closed: <r> is gone
 * Never calls <done> before returning, so callers decide what follows.
 * r->out_release, if set, has run (and is cleared) by the return.
 */
int tp_client_send(struct tp_request *r, const struct iovec *iov, int n,
    tp_drain_fn done);

/* The request is over (response fully written): keep-alive or close. */
void tp_request_done(struct tp_request *r);

/* Closes the client connection now (errors, aborts). */
void tp_client_abort(struct tp_client *c, const char *why);

void tp_client_close_all(struct tp_worker *w, bool idle_only);

/* ---- tp_body.c ---- */

/*
 * Sets up the body reader from the parsed head.  Returns 0, or an HTTP
 * status (413) when the declared length is already too large.
 */
int tp_body_init(struct tp_request *r);

/*
 * Hands out the next piece of decoded body in c->buf.  With <whole>, waits
 * until the entire body is buffered or the buffer is full; a chunked body is
 * always returned whole: when r->spool_len > 0, the spool file r->spool_fd
 * holds the bytes that come before the piece.
 *   TP_OK     *p and *n are a piece, *last set when it ends the body
 *   TP_AGAIN  needs more input: r->on_input runs when some arrives
 *   >= 400    an HTTP status: the body is invalid (400) or too large (413)
 */
int tp_body_next(struct tp_request *r, bool whole, const char **p,
    size_t *n, bool *last);

/* The last piece was written out: its buffer space can be reused. */
void tp_body_consumed(struct tp_request *r);

/*
 * Gathers the whole body into r->body (in place when it fits the buffer,
 * else in the request arena; at most max_request_body bytes).  TP_OK,
 * TP_AGAIN (r->on_input runs when more arrives) or an HTTP status.  Once
 * it returned TP_OK, later calls return TP_OK with the same r->body; the
 * body reader is then done (tp_body_next must not be used).
 */
int tp_body_collect(struct tp_request *r);

/* Reads more client bytes into the buffer if there is room (ET rule). */
int tp_body_fill(struct tp_request *r);

#endif /* TP_REQUEST_H */
