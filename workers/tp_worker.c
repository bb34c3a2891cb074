/*
 * tp_worker.c: the request-worker process: its event loop, accepting on the
 * shared listening sockets, the master channel and graceful drain.
 * Worker processes only.
 */
#include "tp_worker.h"
#include "tp_accesslog.h"
#include "tp_channel.h"
#include "tp_count.h"
#include "tp_logfile.h"
#include "tp_logbuf.h"
#include "tp_dirs.h"
#include "tp_log.h"
#include "tp_process.h"
#include "tp_proctitle.h"
#include "tp_quota.h"
#include "tp_reqid.h"
#include "tp_request.h"
#include "tp_state.h"
#include "tp_throttle.h"
#include "tp_time.h"
#include "tp_upstream.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#define ACCEPT_BATCH     32
#define SWEEP_MS         250
#define CLIENT_BUF_WINDOW 16384   /* body window after the largest head */
#define UPSTREAM_BUF     32768
#define FREE_BUFS        256

static void worker_drain(struct tp_worker *w);

static void
worker_accept(struct tp_ev *ev, uint32_t events)
{
    struct tp_listen_ev *le = TP_CONTAINER_OF(ev, struct tp_listen_ev, ev);
    struct tp_worker *w = le->w;
    struct sockaddr_storage ss;
    socklen_t len;
    int fd, i;

    for (i = 0; i < ACCEPT_BATCH && w->accepting; i++) {
        len = sizeof(ss);
        fd = accept4(ev->fd, (struct sockaddr *) &ss, &len,
            SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EMFILE || errno == ENFILE) {
                tp_log(TP_LOG_ERROR, errno, "accept() on %s",
                    le->lst->address);
            }
            return;                  /* EAGAIN: another worker took it */
        }
        tp_client_accept(w, le->lst, fd, (struct sockaddr *) &ss, len);
        if (w->nclients >= w->conf->worker_connections) {
            tp_worker_pause_accept(w, true);
        }
    }
}

void
tp_worker_pause_accept(struct tp_worker *w, bool pause)
{
    unsigned i;

    if (w->draining) {
        return;
    }
    for (i = 0; i < w->nlistens; i++) {
        struct tp_listen_ev *le = &w->listens[i];

        if (pause && le->active) {
            tp_loop_del(&w->loop, &le->ev);
            le->active = false;
        } else if (!pause && !le->active) {
            le->active = tp_loop_add_reader(&w->loop, &le->ev, true) == TP_OK;
        }
    }
    w->accepting = !pause;
    if (pause) {
        tp_log(TP_LOG_WARN, 0, "worker_connections (%u) reached; not "
            "accepting until a connection closes", w->conf->worker_connections);
    }
}

void
tp_worker_conn_closed(struct tp_worker *w)
{
    if (!w->accepting && !w->draining
        && w->nclients < w->conf->worker_connections)
    {
        tp_worker_pause_accept(w, false);
    }
}

/*
 * The master's fresh log files (layout: tp_channel.h); it closes them.
 * Kept access-log lines were made before the reopen: to the old file.
 */
static void
worker_reopen(struct tp_worker *w, const struct tp_channel_msg *msg)
{
    tp_logbuf_flush_all(w);
    tp_logfile_reopened(w->model, msg);
}

/* Every way out of a serving worker: kept access-log lines first. */
static void __attribute__((noreturn))
worker_exit(struct tp_worker *w)
{
    tp_logbuf_flush_all(w);
    exit(0);
}

static void
worker_channel(struct tp_ev *ev, uint32_t events)
{
    struct tp_worker *w = TP_CONTAINER_OF(ev, struct tp_worker, channel_ev);
    struct tp_channel_msg msg;
    int rc;
    uint32_t i;

    while ((rc = tp_channel_recv(ev->fd, &msg)) == TP_OK) {
        switch (msg.cmd) {
        case TP_CMD_QUIT:
            worker_drain(w);
            break;
        case TP_CMD_TERMINATE:
            worker_exit(w);
        case TP_CMD_REOPEN:
            worker_reopen(w, &msg);
            break;
        default:
            break;
        }
        for (i = 0; i < msg.nfds; i++) {
            close(msg.fds[i]);
        }
    }
    if (rc == TP_DONE || rc == TP_ERROR) {
        /* The master is gone: stop serving, finish what is in flight. */
        tp_loop_del(&w->loop, ev);
        ev->fd = -1;
        worker_drain(w);
    }
}

static void
worker_signal(struct tp_ev *ev, uint32_t events)
{
    struct tp_worker *w = TP_CONTAINER_OF(ev, struct tp_worker, signal_ev);
    struct signalfd_siginfo si;

    while (read(ev->fd, &si, sizeof(si)) == (ssize_t) sizeof(si)) {
        switch (si.ssi_signo) {
        case SIGTERM:
        case SIGINT:
            worker_exit(w);
        case SIGQUIT:
            worker_drain(w);
            break;
        default:
            break;                   /* HUP, USR1: the master's business */
        }
    }
}

static void
worker_drain_timeout(struct tp_timer *t)
{
    struct tp_worker *w = TP_CONTAINER_OF(t, struct tp_worker, drain_timer);

    tp_log(TP_LOG_WARN, 0, "shutdown timeout: closing %u connections",
        w->nclients);
    tp_client_close_all(w, false);
}

static void
worker_sweep(struct tp_timer *t)
{
    struct tp_worker *w = TP_CONTAINER_OF(t, struct tp_worker, idle_sweep);

    tp_client_close_all(w, true);
    (void) tp_timer_set(&w->loop.timers, &w->idle_sweep,
        tp_clock.mono_ms + SWEEP_MS);
}

/*
 * Stop accepting, let requests in flight finish (their responses carry
 * Connection: close), close keep-alive connections once idle.
 */
static void
worker_drain(struct tp_worker *w)
{
    unsigned i;

    if (w->draining) {
        return;
    }
    tp_log(TP_LOG_INFO, 0, "draining %u connections", w->nclients);
    for (i = 0; i < w->nlistens; i++) {
        if (w->listens[i].active) {
            tp_loop_del(&w->loop, &w->listens[i].ev);
            w->listens[i].active = false;
        }
        close(w->listens[i].ev.fd);
        w->listens[i].ev.fd = -1;
    }
    w->accepting = false;
    w->draining = true;
    tp_mown_draining(&w->metrics);
    tp_upstream_close_idle(w);
    tp_timer_init(&w->drain_timer, worker_drain_timeout);
    (void) tp_timer_set(&w->loop.timers, &w->drain_timer,
        tp_clock.mono_ms + w->conf->shutdown_timeout_ms);
    tp_timer_init(&w->idle_sweep, worker_sweep);
    worker_sweep(&w->idle_sweep);
}

static int
worker_signals(struct tp_worker *w)
{
    w->signal_ev.fd = tp_process_signalfd();
    w->signal_ev.handler = worker_signal;
    if (w->signal_ev.fd < 0) {
        return TP_ERROR;
    }
    return tp_loop_add_reader(&w->loop, &w->signal_ev, false);
}

static int
worker_listen(struct tp_worker *w)
{
    const struct tp_model *m = w->model;
    unsigned i;

    w->listens = calloc(m->nlisteners > 0 ? m->nlisteners : 1,
        sizeof(*w->listens));
    if (w->listens == NULL) {
        return TP_ERROR;
    }
    for (i = 0; i < m->nlisteners; i++) {
        struct tp_listen_ev *le = &w->listens[i];

        le->ev.handler = worker_accept;
        le->ev.fd = m->listeners[i].fd;
        le->w = w;
        le->lst = &m->listeners[i];
        if (tp_loop_add_reader(&w->loop, &le->ev, true) != TP_OK) {
            return TP_ERROR;
        }
        le->active = true;
    }
    w->nlistens = m->nlisteners;
    w->accepting = true;
    return TP_OK;
}

/* The shared tables, and the state database when usage plans exist. */
static int
worker_limits(struct tp_worker *w)
{
    char err[512], dpath[64];

    w->throttles = tp_throttle_zone(tp_proc.shm, w->conf->throttle_entries);
    w->quotas = tp_quota_zone(tp_proc.shm, w->conf->quota_entries);
    if (w->throttles == NULL || w->quotas == NULL) {
        tp_log(TP_LOG_ERROR, 0, "the shared throttle and quota tables are "
            "missing");
        return TP_ERROR;
    }
    if (w->model->nplans > 0 && tp_state_open(&w->state,
            tp_dirs_data_path(w->cycle, dpath, sizeof(dpath)),
            w->conf->state_size, 0, err, sizeof(err)) != TP_OK)
    {
        tp_log(TP_LOG_ERROR, 0, "data_dir \"%s\": %s", w->conf->data_dir,
            err);
        return TP_ERROR;
    }
    tp_worker_cache_init(w);
    return TP_OK;
}

/* Batched sends when configured and the kernel allows io_uring. */
static void
worker_uring(struct tp_worker *w)
{
    if (!w->conf->io_uring) {
        return;
    }
    if (tp_uring_init(&w->uring, &w->loop, w->conf->send_timeout_ms)
        != TP_OK)
    {
        tp_log(TP_LOG_WARN, errno, "io_uring is not available; sending "
            "with one system call per write (set io_uring = false to "
            "silence this)");
        return;
    }
    w->loop.uring = &w->uring;
    w->uring.before_send = tp_count_flush;
    w->uring.before_arg = w;
}

static int
worker_init(struct tp_worker *w)
{
    w->cycle = tp_proc.cycle;
    w->model = w->cycle->model;
    w->conf = &w->model->server;
    tp_time_update();
    tp_reqid_seed(w);
    tp_bufpool_init(&w->client_bufs, w->conf->max_header_size
        + CLIENT_BUF_WINDOW, FREE_BUFS);
    tp_bufpool_init(&w->upstream_bufs, UPSTREAM_BUF, FREE_BUFS);
    tp_bufpool_init(&w->arena_blocks, (uint32_t) tp_arena_pool_size(8192),
        FREE_BUFS);
    if (worker_limits(w) != TP_OK) {
        return TP_ERROR;
    }
    if (tp_loop_init(&w->loop) != TP_OK || tp_logbuf_init(w) != TP_OK
        || worker_signals(w) != TP_OK
        || tp_upstream_init(w) != TP_OK || worker_listen(w) != TP_OK)
    {
        tp_log(TP_LOG_ERROR, errno, "worker initialisation failed");
        return TP_ERROR;
    }
    worker_uring(w);
    tp_mown_start(&w->metrics, &w->loop.timers,
        w->conf->metrics.enabled);
    w->channel_ev.fd = tp_proc.channel;
    w->channel_ev.handler = worker_channel;
    return tp_loop_add_reader(&w->loop, &w->channel_ev, false);
}

void
tp_worker_main(void)
{
    struct tp_worker *w = calloc(1, sizeof(*w));

    tp_proctitle_set("turnpike: worker process", "tp-worker");
    /* This process keeps the write end: the metrics worker waits for it
     * to close (tp_cycle.h). */
    if (tp_proc.alive[0] >= 0) {
        close(tp_proc.alive[0]);
        tp_proc.alive[0] = -1;
    }
    if (w == NULL || tp_process_drop_privileges(
            &tp_proc.cycle->model->server) != TP_OK
        || worker_init(w) != TP_OK)
    {
        exit(2);
    }
    for (;;) {
        tp_loop_once(&w->loop);
        if (w->draining && w->nclients == 0) {
            break;
        }
    }
    tp_log(TP_LOG_INFO, 0, "drained, exiting");
    if (w->loop.uring != NULL) {
        /* Responses still being sent, within the drain's time limit. */
        tp_uring_exit(w->loop.uring, w->conf->shutdown_timeout_ms);
    }
    worker_exit(w);
}
