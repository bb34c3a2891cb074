/*
 * tp_fnhost_int.h: the function host's parts (function host process
 * only): the process and its worker connections (tp_fnhost.c), each
 * function's pool of instances and queue (tp_fnhost_pool.c), starting an
 * instance (tp_fnhost_spawn.c) and the Runtime API it calls
 * (tp_fnhost_rt.c).
 *
 * An invocation's life: a worker's INVOKE frame becomes a struct fh_inv
 * on its function's queue; the pool hands it to an instance (IDLE: at
 * once; INIT: when the instance first asks for work; none: a new one
 * when concurrency allows); the instance's GET .../next delivers it, its
 * POST .../response or .../error (or a timeout, a crash, an init error)
 * finishes it, and the RESULT frame goes back to the worker.
 */
#ifndef TP_FNHOST_INT_H
#define TP_FNHOST_INT_H

#include "tp_mown.h"
#include "tp_core.h"
#include "tp_fn.h"
#include "tp_fnproto.h"
#include "tp_http_parse.h"
#include "tp_loop.h"
#include "tp_model.h"

#include <sys/types.h>

#define FH_INIT_TIMEOUT_MS   10000   /* bootstrap start to its first next */
#define FH_QUEUE_WAIT_MS     2000    /* at most, for a free instance */
#define FH_MAX_EVENTS        1000    /* queued event invocations */
#define FH_RT_MAX_HEAD       16384   /* a Runtime API request's head */
#define FH_RT_MAX_HDRS       (640 + 40 + TP_FNPROTO_MAX_CTX)   /* /next's */
#define FH_RANDOM_POOL       4096    /* getrandom() bytes drawn at once */
#define FH_MEM_SAMPLE_MS     1000    /* VmHWM read at most this often */

struct fh_host;
struct fh_pool;
struct fh_inst;

/* A worker's connection (a tp_fn client). */
struct fh_wconn {
    struct tp_ev ev;
    struct fh_host *host;
    struct fh_wconn *next, *prev;
    uint8_t *in;                     /* frames being received */
    size_t in_len, in_cap;
    struct fh_out *out;              /* RESULT frames to send, in order */
    struct fh_out **out_tail;
    size_t out_off;                  /* bytes of out's first frame sent */
    unsigned refs;                   /* invocations answering to it */
    bool closed;                     /* gone; freed when refs drop to 0 */
};

struct fh_out {
    struct fh_out *next;
    size_t len;
    uint8_t data[];
};

struct fh_inv {
    struct fh_pool *pool;
    struct fh_inv *next;             /* queue */
    struct fh_wconn *wc;             /* NULL: an event invocation */
    uint32_t call;
    bool cold;                       /* its instance started for it */
    struct tp_timer wait;            /* queued: the wait for an instance */
    uint64_t start_ms;               /* delivered (mono) */
    uint64_t start_us;               /* the same, us: Duration metrics */
    char id[TP_FNPROTO_MAX_NAME + 1];    /* Lambda-Runtime-Aws-Request-Id */
    size_t len;
    size_t ctx_len;                  /* the client context, after the
                                        payload; 0: none */
    uint8_t payload[];
};

enum fh_inst_state {
    FH_INST_INIT = 0,                /* started, has not asked for work */
    FH_INST_IDLE,                    /* a GET .../next waits */
    FH_INST_BUSY,                    /* an invocation was delivered */
    FH_INST_DEAD                     /* killed or exited; not yet reaped */
};

enum fh_rt_state {
    FH_RT_HEAD = 0,                  /* reading a request head */
    FH_RT_BODY,                      /* reading its Content-Length body */
    FH_RT_PARKED,                    /* GET .../next waits for work */
    FH_RT_WRITE,                     /* sending the answer */
    FH_RT_DISCARD                    /* dropping a body over the limit */
};

/* A Runtime API connection of an instance. */
struct fh_rt {
    struct tp_ev ev;
    struct fh_inst *inst;
    struct fh_rt *next;
    enum fh_rt_state state;
    struct tp_http_msg msg;
    char *in;
    size_t in_len, in_cap;
    size_t body_len;
    size_t discard;                  /* DISCARD: bytes still to drop */
    char *out;
    size_t out_len, out_off;
    bool close_after;
};

struct fh_inst {
    struct fh_pool *pool;
    struct fh_inst *next;
    enum fh_inst_state state;
    pid_t pid;                       /* 0 once reaped */
    struct tp_ev listen;             /* its Runtime API, 127.0.0.1:port */
    uint16_t port;
    struct fh_rt *conns;
    struct fh_rt *parked;            /* the GET .../next waiting */
    struct fh_inv *inv;              /* assigned or delivered */
    struct tp_timer timer;           /* init deadline, invocation
                                        deadline or idle reap */
    uint64_t started_ms;
    uint32_t init_ms;                /* cold start: start to first next */
    bool reported_init;              /* init_ms went into a REPORT */
    bool prestarted;                 /* a warm one, not started for an
                                        invocation */
    bool stale;                      /* its stdout and stderr are a log
                                        file from before a reopen: it is
                                        replaced once it has no work */
    int status_fd;                   /* its /proc/PID/status, or -1 */
    uint64_t mem_read_ms;            /* VmHWM last read (mono); 0: never */
    unsigned peak_mb;                /* as then */
};

struct fh_pool {
    struct fh_host *host;
    const struct tp_function *fn;
    struct fh_inst *insts;
    unsigned ninsts;                 /* not DEAD */
    struct fh_inv *queue, **queue_tail;
    unsigned nqueued, nevents;
    int log_fd;                      /* data_dir/functions/<name>.log */
    struct tp_timer refill;          /* warm instances, with back-off */
    uint32_t backoff_ms;             /* after an instance failed at once */
};

/* A socket workers connect to: its generation's, and after reloads that
 * kept the host, the newer generations'. */
struct fh_listen {
    struct tp_ev ev;
    struct fh_host *host;
    struct fh_listen *next;
};

struct fh_host {
    struct tp_loop loop;
    const struct tp_model *model;    /* of the generation that started it
                                        (a kept host's functions are the
                                        same in the newer ones) */
    struct tp_ev channel_ev;
    struct tp_ev signal_ev;
    struct fh_listen *listens;
    struct fh_wconn *wconns;
    struct fh_pool *pools;           /* [model->nfunctions] */
    bool draining;
    struct tp_timer drain_timer;
    struct tp_mown metrics;          /* this process's metrics block */
    /* Ids (trace ids, log stream names): kernel randomness drawn
     * FH_RANDOM_POOL bytes at a time, each byte used once. */
    size_t rnd_off;                  /* == FH_RANDOM_POOL: refill */
    uint8_t rnd[FH_RANDOM_POOL];
};

/* tp_fnhost.c */
void fh_send_result(struct fh_wconn *wc, uint32_t call,
    const struct tp_fn_result *res);
void fh_wconn_release(struct fh_wconn *wc);
void fh_random_hex(struct fh_host *h, char *out, size_t nhex);
void fh_random_uuid(struct fh_host *h, char out[37]);
void fh_check_drained(struct fh_host *h);

/* tp_fnhost_count.c: an invocation's end (<duration_us> -1: it never
 * ran), an instance's init (warm ones too). */
void fh_count_invoke(struct fh_host *h, const struct tp_function *fn,
    enum tp_fn_status st, bool cold, int64_t duration_us);
void fh_count_instance(struct fh_host *h, const struct tp_function *fn,
    uint64_t init_us);

/* tp_fnhost_pool.c */
int fh_pools_init(struct fh_host *h);
void fh_pools_reopen(struct fh_host *h);
void fh_pools_kill(struct fh_host *h);
bool fh_pools_busy(const struct fh_host *h);
void fh_invoke(struct fh_host *h, struct fh_wconn *wc,
    const struct tp_fnmsg *m);
void fh_reap(struct fh_host *h);
/* An instance asks for work (rt: its parked GET). */
void fh_inst_next(struct fh_inst *in, struct fh_rt *rt);
/* The instance's answer for its invocation. */
void fh_inst_answer(struct fh_inst *in, enum tp_fn_status st,
    const char *error_type, const char *body, size_t len);
/* POST .../init/error */
void fh_inst_init_error(struct fh_inst *in, const char *body, size_t len);

/* tp_fnhost_spawn.c: the process with the Lambda environment; the pid
 * or -1. */
pid_t fh_spawn(struct fh_pool *p, uint16_t port);

/* tp_fnhost_rt.c */
int fh_rt_listen(struct fh_inst *in);
void fh_rt_close_all(struct fh_inst *in);
void fh_rt_deliver(struct fh_rt *rt, const struct fh_inv *inv);

#endif /* TP_FNHOST_INT_H */
