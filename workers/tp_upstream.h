/*
 * tp_upstream.h: connections to backends, with a per-worker keep-alive pool
 * per backend.  Workers only.
 *
 * A connection belongs either to one exchange (owner != NULL), which gets
 * every event through on_event, or to its backend's idle pool, where any
 * input or hang-up means the backend closed it and it is dropped.
 */
#ifndef TP_UPSTREAM_H
#define TP_UPSTREAM_H

#include "tp_core.h"
#include "tp_loop.h"
#include "tp_model.h"
#include "tp_sock.h"

struct tp_worker;

enum tp_up_what {
    TP_UP_READY = 1,                 /* connected (TLS handshake done) */
    TP_UP_IO,                        /* socket events for the owner */
    TP_UP_FAILED                     /* connect/handshake failed: errno-ish */
};

typedef void (*tp_up_fn)(void *owner, int what, uint32_t events);

struct tp_upconn {
    struct tp_ev ev;
    struct tp_sock sock;
    struct tp_worker *w;
    struct tp_backend *be;
    struct tp_upconn *next;          /* idle list */
    struct tp_timer timer;           /* idle keep-alive expiry */
    void *owner;
    tp_up_fn on_event;
    bool connecting;                 /* TCP or TLS setup in progress */
    bool reused;                     /* came from the idle pool */
    bool rd_ready;
    bool rd_eof;                     /* FIN/RST seen: reads go on to EOF */
    bool wr_ready;
    int error;                       /* errno of a failed connect */
    uint32_t nrequests;
};

struct tp_upstream_pool {
    struct tp_upconn *idle;
    uint32_t nidle;
    void *session;                   /* SSL_SESSION * to resume */
};

int tp_upstream_init(struct tp_worker *w);

/*
 * A connection to <be> for <owner>: an idle pooled one (reused = true)
 * unless <fresh>, else a new one (connecting = true; TP_UP_READY follows).
 * NULL when the socket cannot even be created (errno set).
 */
struct tp_upconn *tp_upstream_get(struct tp_worker *w, struct tp_backend *be,
    bool fresh, void *owner, tp_up_fn fn);

/* Gives <u> back: to the pool when <reusable>, else closed. */
void tp_upstream_release(struct tp_upconn *u, bool reusable);

/* Closes with RST: the backend must not see a partial request as whole. */
void tp_upstream_abort(struct tp_upconn *u);

/* Closes every idle pooled connection (drain, exit). */
void tp_upstream_close_idle(struct tp_worker *w);

#endif /* TP_UPSTREAM_H */
