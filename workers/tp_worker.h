/*
 * tp_worker.h: the request-worker role.  Runs in worker processes only.
 *
 * struct tp_worker is the worker's whole mutable state: its event loop,
 * connections, buffer pools and upstream connection pools.  It is created
 * after fork() and reached from every connection, never through a global.
 */
#ifndef TP_WORKER_H
#define TP_WORKER_H

#include "tp_mown.h"
#include "tp_core.h"
#include "tp_bufpool.h"
#include "tp_cycle.h"
#include "tp_loop.h"
#include "tp_period.h"
#include "tp_uring.h"

struct tp_cache;
struct tp_client;
struct tp_fn_client;
struct tp_jwt_worker;
struct tp_keymemo;
struct tp_logbuf;
struct tp_q_table;
struct tp_state;
struct tp_tt_table;
struct tp_upstream_pool;

struct tp_listen_ev {
    struct tp_ev ev;
    struct tp_worker *w;
    struct tp_listener *lst;
    bool active;                     /* registered with the loop */
};

struct tp_worker {
    struct tp_loop loop;
    struct tp_cycle *cycle;
    const struct tp_model *model;
    const struct tp_server_conf *conf;

    struct tp_ev channel_ev;
    struct tp_ev signal_ev;
    struct tp_listen_ev *listens;
    unsigned nlistens;
    bool accepting;

    struct tp_client *clients;       /* every open client connection */
    unsigned nclients;

    struct tp_bufpool client_bufs;   /* head + body window per request */
    struct tp_bufpool upstream_bufs; /* response window per exchange */
    struct tp_bufpool arena_blocks;  /* request arenas' blocks */
    struct tp_upstream_pool *pools;  /* [model->nbackends] */

    bool draining;                   /* QUIT: no new connections, finish */
    struct tp_timer drain_timer;     /* shutdown_timeout_ms */
    struct tp_timer idle_sweep;      /* draining: closes idle keep-alives */

    uint64_t rng[2];                 /* request ids: xorshift128+ state */

    struct tp_state *state;          /* data_dir/state, or NULL: no plans */
    struct tp_keymemo *keymemo;      /* made by the first request with a
                                        key; NULL until then */
    bool keymemo_failed;             /* could not be made: hash each key */
    struct tp_tt_table *throttles;   /* shm */
    struct tp_q_table *quotas;       /* shm */
    uint64_t limits_reported;        /* mono ms of the last "table full" */
    struct tp_period_span quota_periods[TP_PERIODS];  /* current, by kind */
    bool state_failed;               /* the last quota load hit an error */

    struct tp_cache *cache;          /* data_dir/cache, or NULL: unused */
    uint64_t cache_reported;         /* mono ms of the last cache error */
    uint64_t cache_errors;           /* since that report */

    struct tp_jwt_worker *jwt;       /* JWT/Cognito keys and token cache
                                        (tp_auth_jwt.c), made on first use */
    struct tp_fn_client *fn;         /* the function host connection
                                        (tp_fn.c), made on first use */

    struct tp_mown metrics;          /* this process's metrics block */
    struct tp_uring uring;           /* loop.uring points here when used */
    struct tp_cpend {                /* counts held until their response is
                                        sent (tp_count.h) */
        uint32_t series;
        uint32_t bin;
        uint64_t latency_us;
        uint64_t integ_us;           /* UINT64_MAX: no integration */
        uint64_t bytes_in;
        uint64_t bytes_out;
        bool hit;
        bool miss;
    } cpend[64];
    unsigned ncpend;

    uint64_t alog_lost;              /* log lines (access, execution) not
                                        written since the last report */
    uint64_t alog_reported;          /* mono ms of that report, 0: none */
    struct tp_logbuf *logbufs;       /* [nlogbufs]: by tp_logfile.num,
                                        buffered access logs (tp_logbuf.c) */
    unsigned nlogbufs;
};

/* Entry point of a worker process (called by tp_process_spawn). */
void tp_worker_main(void) __attribute__((noreturn));

/* Stops (or resumes) accepting: worker_connections reached. */
void tp_worker_pause_accept(struct tp_worker *w, bool pause);

/* Opens the response cache when a stage uses it (tp_worker_cache.c). */
void tp_worker_cache_init(struct tp_worker *w);

/* A cache operation failed (the request bypassed the cache): logged at
 * most every 10 s with the count. */
void tp_worker_cache_error(struct tp_worker *w, const char *what);

/* Re-enables accepting once a connection slot frees up. */
void tp_worker_conn_closed(struct tp_worker *w);

#endif /* TP_WORKER_H */
