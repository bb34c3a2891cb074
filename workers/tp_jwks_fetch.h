/*
 * tp_jwks_fetch.h: the key set of an authorizer whose JWKS is an https
 * URL (or found by OIDC discovery), as one worker holds it: fetched on
 * first use, kept up to two hours (auth.md 4), fetched again sooner for a
 * token whose kid it does not know, at most once every 30 seconds.
 * Requests that need the keys wait for the fetch in flight.  Workers only.
 *
 * The exchange is a small HTTP/1.1 GET of its own over the backend
 * connections of tp_upstream.h, an explicit state machine: connect (TCP
 * and TLS, certificate checked), send, receive; 1,500 ms for each
 * document; 200 with a JSON content type and at most 150,000 bytes of
 * body (auth.md 4), Content-Length, chunked or up to the close.
 */
#ifndef TP_JWKS_FETCH_H
#define TP_JWKS_FETCH_H

#include "tp_http_parse.h"
#include "tp_jwks.h"
#include "tp_timer.h"
#include "tp_upstream.h"

#define TP_JWKS_TIMEOUT_MS    1500   /* auth.md 4: discovery, JWKS each */
#define TP_JWKS_MAX_AGE_MS    (2 * 3600 * 1000)  /* auth.md 4: 2 hours */
#define TP_JWKS_KID_EVERY_MS  30000  /* unknown kid: one refresh per 30 s */
#define TP_JWKS_RETRY_MS      5000   /* after a failed fetch */

struct tp_request;
struct tp_jwks_state;

/* A request waiting for a fetch; lives in the request's arena. */
struct tp_jwks_waiter {
    struct tp_request *r;
    void (*done)(struct tp_jwks_waiter *wt);    /* the fetch ended */
    struct tp_jwks_state *st;
    struct tp_jwks_waiter *prev, *next;
};

enum tp_jwks_phase {
    TP_JF_IDLE = 0,
    TP_JF_CONNECT,                   /* TCP + TLS handshake */
    TP_JF_SEND,
    TP_JF_RECV
};

struct tp_jwks_state {
    const struct tp_authorizer *az;
    struct tp_worker *w;
    struct tp_jwks *keys;            /* the current set, or NULL */
    uint32_t gen;                    /* +1 whenever <keys> changes */
    uint64_t doc_hash;               /* of the document <keys> came from */
    uint64_t fetched_ms;             /* mono ms of the last success */
    uint64_t started_ms;             /* mono ms the last fetch began */
    uint64_t kid_ms;                 /* ... the last one for a kid */
    uint64_t failed_ms;              /* mono ms of the last failure */
    char error[256];                 /* why the last fetch failed */
    char *jwks_path;                 /* discovered: "/path?query" */
    struct tp_jwks_waiter *waiters;

    /* the exchange in flight */
    uint8_t phase;                   /* enum tp_jwks_phase */
    bool discovery;                  /* fetching openid-configuration */
    bool head_done;
    bool chunked;
    struct tp_upconn *up;
    struct tp_timer timer;
    char *buf;                       /* response: head, then the body */
    size_t len;                      /* bytes read */
    size_t raw;                      /* chunked: next undecoded byte */
    size_t body_end;                 /* end of the decoded body */
    struct tp_http_chunked ch;
    char req[1024];
    size_t req_len, req_off;
    struct tp_http_msg msg;
};

/* A state for <az> in worker <w>; NULL when out of memory. */
struct tp_jwks_state *tp_jwks_state_new(struct tp_worker *w,
    const struct tp_authorizer *az);

/*
 * The keys to verify with now (NULL: none yet).  Keys older than two
 * hours are still returned while a refresh, started here, runs (and while
 * refreshes fail: each failure is logged).
 */
const struct tp_jwks *tp_jwks_current(struct tp_jwks_state *st);

enum tp_jwks_need {
    TP_JWKS_NEED_KEYS = 0,           /* there are none yet */
    TP_JWKS_NEED_KID                 /* a token's kid is not among them */
};

/*
 * Queues <wt> until the fetch in flight ends, starting one if none runs
 * and <need> allows it now (no keys: not within 5 s of a failure; unknown
 * kid: not within 30 s of the last fetch for an unknown kid).  TP_AGAIN:
 * queued, wt->done runs later; TP_DECLINED: no fetch to wait for.
 */
int tp_jwks_wait(struct tp_jwks_state *st, struct tp_jwks_waiter *wt,
    enum tp_jwks_need need);

/* Takes <wt> off its queue (the request went away). */
void tp_jwks_cancel(struct tp_jwks_waiter *wt);

#endif /* TP_JWKS_FETCH_H */
