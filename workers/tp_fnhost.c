/*
 * tp_fnhost.c: the function host process: its loop, the master channel
 * and signals (SIGCHLD reaps instances), and the workers' connections on
 * the generation's Unix socket, each a stream of INVOKE frames in and
 * RESULT frames out (tp_fnproto.h).
 *
 * A reload that leaves the functions unchanged keeps this process (the
 * master hands it the new generation's socket: FNSOCK), so warm
 * instances survive; one that changes them starts a new host.
 *
 * Stopping: TERMINATE (or SIGTERM) kills every instance and exits at
 * once; QUIT (a reload or a graceful stop) or the master's death drains:
 * the host keeps answering the workers still connected until they have
 * all gone and no invocation is in flight, or until shutdown_timeout.
 */
#include "tp_fnhost.h"
#include "tp_fnhost_int.h"
#include "tp_channel.h"
#include "tp_logfile.h"
#include "tp_cycle.h"
#include "tp_log.h"
#include "tp_process.h"
#include "tp_proctitle.h"
#include "tp_time.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define WC_READ_CHUNK 65536

static void __attribute__((noreturn))
fh_exit(struct fh_host *h, int code)
{
    fh_pools_kill(h);
    exit(code);
}

/* getrandom() failed (it does not, short of a kernel without it): ids
 * need uniqueness, not secrecy, so splitmix64 from the clock and pid. */
static void
fh_random_fallback(struct fh_host *h)
{
    struct timespec ts;
    uint64_t x, z;
    size_t i;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    x = (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec
        + ((uint64_t) getpid() << 40);
    for (i = 0; i + 8 <= sizeof(h->rnd); i += 8) {
        x += 0x9e3779b97f4a7c15ULL;
        z = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        z ^= z >> 31;
        memcpy(h->rnd + i, &z, 8);
    }
}

/* <n> bytes of the host's pool of kernel randomness (refilled with one
 * getrandom() when used up: a system call per FH_RANDOM_POOL bytes rather
 * than per id). */
static void
fh_random_bytes(struct fh_host *h, uint8_t *out, size_t n)
{
    while (n > 0) {
        size_t k;

        if (h->rnd_off >= sizeof(h->rnd)) {
            if (getrandom(h->rnd, sizeof(h->rnd), 0)
                != (ssize_t) sizeof(h->rnd))
            {
                fh_random_fallback(h);
            }
            h->rnd_off = 0;
        }
        k = TP_MIN(n, sizeof(h->rnd) - h->rnd_off);
        memcpy(out, h->rnd + h->rnd_off, k);
        h->rnd_off += k;
        out += k;
        n -= k;
    }
}

void
fh_random_hex(struct fh_host *h, char *out, size_t nhex)
{
    static const char hex[] = "0123456789abcdef";
    uint8_t b[32];
    size_t i;

    nhex = TP_MIN(nhex, 2 * sizeof(b));
    fh_random_bytes(h, b, (nhex + 1) / 2);
    for (i = 0; i < nhex; i++) {
        out[i] = hex[(b[i / 2] >> (i % 2 == 0 ? 4 : 0)) & 15];
    }
    out[i] = '\0';
}

void
fh_random_uuid(struct fh_host *h, char out[37])
{
    char hex[33];
    int i, o = 0;

    fh_random_hex(h, hex, 32);
    hex[12] = '4';                   /* version 4 */
    hex[16] = "89ab"[hex[16] & 3];   /* RFC 4122 variant */
    for (i = 0; i < 32; i++) {
        if (i == 8 || i == 12 || i == 16 || i == 20) {
            out[o++] = '-';
        }
        out[o++] = hex[i];
    }
    out[o] = '\0';
}

/* Its buffers now; itself after the batch (events may still name it). */
static void
wc_free(struct fh_wconn *wc)
{
    struct fh_out *o, *next;

    for (o = wc->out; o != NULL; o = next) {
        next = o->next;
        free(o);
    }
    wc->out = NULL;
    free(wc->in);
    wc->in = NULL;
    tp_loop_defer_free(&wc->host->loop, wc);
}

static void
wc_close(struct fh_wconn *wc)
{
    struct fh_host *h = wc->host;

    if (wc->closed) {
        return;
    }
    wc->closed = true;
    tp_loop_del(&h->loop, &wc->ev);
    close(wc->ev.fd);
    wc->ev.fd = -1;
    if (wc->prev != NULL) {
        wc->prev->next = wc->next;
    } else {
        h->wconns = wc->next;
    }
    if (wc->next != NULL) {
        wc->next->prev = wc->prev;
    }
    if (wc->refs == 0) {
        wc_free(wc);
    }
    fh_check_drained(h);
}

void
fh_wconn_release(struct fh_wconn *wc)
{
    if (--wc->refs == 0 && wc->closed) {
        wc_free(wc);
    }
}

static void
wc_flush(struct fh_wconn *wc)
{
    while (wc->out != NULL) {
        struct fh_out *o = wc->out;
        ssize_t n = write(wc->ev.fd, o->data + wc->out_off,
            o->len - wc->out_off);

        if (n < 0) {
            if (errno != EAGAIN && errno != EINTR) {
                wc_close(wc);
            }
            return;
        }
        wc->out_off += (size_t) n;
        if (wc->out_off == o->len) {
            wc->out = o->next;
            wc->out_off = 0;
            free(o);
        }
    }
    wc->out_tail = &wc->out;
}

void
fh_send_result(struct fh_wconn *wc, uint32_t call,
    const struct tp_fn_result *res)
{
    struct tp_fnmsg m;
    struct fh_out *o;
    uint8_t head[TP_FNPROTO_HEAD_MAX];
    size_t hl;

    if (wc == NULL || wc->closed) {
        return;
    }
    memset(&m, 0, sizeof(m));
    m.type = TP_FNPROTO_RESULT;
    m.status = (uint8_t) res->status;
    m.cold = res->cold;
    m.call = call;
    m.duration_ms = res->duration_ms;
    if (res->error_type != NULL) {
        m.name.p = res->error_type;
        m.name.len = strlen(res->error_type);
    }
    m.payload = res->payload;
    hl = tp_fnproto_encode_head(&m, head);
    if (hl == 0) {
        /* An error type we cannot frame: say so without it. */
        m.name = TP_NULL_STR;
        m.payload = TP_NULL_STR;
        m.status = TP_FN_CRASHED;
        hl = tp_fnproto_encode_head(&m, head);
    }
    o = malloc(sizeof(*o) + hl + m.payload.len);
    if (o == NULL) {
        tp_log(TP_LOG_ERROR, errno, "function host: a result is lost");
        wc_close(wc);
        return;
    }
    o->next = NULL;
    o->len = hl + m.payload.len;
    memcpy(o->data, head, hl);
    if (m.payload.len > 0) {
        memcpy(o->data + hl, m.payload.p, m.payload.len);
    }
    *wc->out_tail = o;
    wc->out_tail = &o->next;
    wc_flush(wc);
}

/* Frames received: each is handed to its function's pool. */
static int
wc_frames(struct fh_wconn *wc)
{
    size_t off = 0, flen;
    struct tp_fnmsg m;
    int rc;

    while ((rc = tp_fnproto_decode(wc->in + off, wc->in_len - off, &m,
                &flen)) == TP_OK)
    {
        if (m.type != TP_FNPROTO_INVOKE) {
            return TP_ERROR;
        }
        fh_invoke(wc->host, wc, &m);
        if (wc->closed) {
            return TP_ERROR;
        }
        off += flen;
    }
    if (rc == TP_ERROR) {
        return TP_ERROR;
    }
    memmove(wc->in, wc->in + off, wc->in_len - off);
    wc->in_len -= off;
    /* Room for the whole frame once its length is known. */
    if (flen > wc->in_cap) {
        uint8_t *p = realloc(wc->in, flen);

        if (p == NULL) {
            return TP_ERROR;
        }
        wc->in = p;
        wc->in_cap = flen;
    }
    return TP_OK;
}

static void
wc_event(struct tp_ev *ev, uint32_t events)
{
    struct fh_wconn *wc = TP_CONTAINER_OF(ev, struct fh_wconn, ev);
    size_t room;
    ssize_t n;

    if (wc->closed) {
        return;
    }
    if (events & EPOLLOUT) {
        wc_flush(wc);
        if (wc->closed) {
            return;
        }
    }
    if (!(events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))) {
        return;                      /* write-ready only: each read
                                        before emptied the socket */
    }
    for (;;) {
        if (wc->in_cap - wc->in_len < 4096) {
            size_t cap = wc->in_cap + WC_READ_CHUNK;
            uint8_t *p = realloc(wc->in, cap);

            if (p == NULL) {
                wc_close(wc);
                return;
            }
            wc->in = p;
            wc->in_cap = cap;
        }
        room = wc->in_cap - wc->in_len;
        n = read(ev->fd, wc->in + wc->in_len, room);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
            wc_close(wc);
            return;
        }
        if (n < 0) {
            return;
        }
        wc->in_len += (size_t) n;
        if (wc_frames(wc) != TP_OK) {
            if (!wc->closed) {
                tp_log(TP_LOG_ERROR, 0, "function host: a worker sent a "
                    "malformed frame; closing its connection");
                wc_close(wc);
            }
            return;
        }
        if (tp_loop_read_drained(n, room, events)) {
            return;
        }
    }
}

static void
fh_accept(struct tp_ev *ev, uint32_t events)
{
    struct fh_listen *l = TP_CONTAINER_OF(ev, struct fh_listen, ev);
    struct fh_host *h = l->host;
    struct fh_wconn *wc;
    int fd;

    (void) events;
    while ((fd = accept4(ev->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC))
        >= 0)
    {
        wc = calloc(1, sizeof(*wc));
        if (wc == NULL) {
            close(fd);
            continue;
        }
        wc->host = h;
        wc->ev.fd = fd;
        wc->ev.handler = wc_event;
        wc->out_tail = &wc->out;
        if (tp_loop_add(&h->loop, &wc->ev) != TP_OK) {
            close(fd);
            free(wc);
            continue;
        }
        wc->next = h->wconns;
        if (h->wconns != NULL) {
            h->wconns->prev = wc;
        }
        h->wconns = wc;
    }
}

void
fh_check_drained(struct fh_host *h)
{
    if (h->draining && h->wconns == NULL && !fh_pools_busy(h)) {
        fh_exit(h, 0);
    }
}

static void
fh_drain_due(struct tp_timer *t)
{
    struct fh_host *h = TP_CONTAINER_OF(t, struct fh_host, drain_timer);

    tp_log(TP_LOG_WARN, 0, "function host: invocations still in flight at "
        "shutdown_timeout; stopping their instances");
    fh_exit(h, 0);
}

static void
fh_drain(struct fh_host *h)
{
    if (h->draining) {
        return;
    }
    h->draining = true;
    tp_mown_draining(&h->metrics);
    tp_timer_init(&h->drain_timer, fh_drain_due);
    (void) tp_timer_set(&h->loop.timers, &h->drain_timer, tp_clock.mono_ms
        + h->model->server.shutdown_timeout_ms);
    fh_check_drained(h);
}

/* Accepts on <fd> too (the kept host's new generation's socket). */
static int
fh_listen_add(struct fh_host *h, int fd)
{
    struct fh_listen *l = calloc(1, sizeof(*l));

    if (l == NULL) {
        return TP_ERROR;
    }
    l->host = h;
    l->ev.fd = fd;
    l->ev.handler = fh_accept;
    if (tp_loop_add_reader(&h->loop, &l->ev, false) != TP_OK) {
        free(l);
        return TP_ERROR;
    }
    l->next = h->listens;
    h->listens = l;
    return TP_OK;
}

/* Kept across a reload: the new generation's workers connect here. */
static void
fh_adopt_socket(struct fh_host *h, const struct tp_channel_msg *msg)
{
    int fd = msg->nfds == 1 ? fcntl(msg->fds[0], F_DUPFD_CLOEXEC, 3) : -1;
    struct fh_listen *l;

    /* The previous generation's socket stays (its draining workers may
     * still connect); older ones go, so reloads do not pile them up. */
    while (h->listens != NULL && (l = h->listens->next) != NULL) {
        h->listens->next = l->next;
        tp_loop_del(&h->loop, &l->ev);
        close(l->ev.fd);
        l->ev.fd = -1;
        tp_loop_defer_free(&h->loop, l);
    }

    if (fd < 0 || fh_listen_add(h, fd) != TP_OK) {
        tp_log(TP_LOG_ERROR, errno, "function host: cannot accept on the "
            "new generation's socket; its workers cannot invoke");
        if (fd >= 0) {
            close(fd);
        }
        return;
    }
    tp_log(TP_LOG_INFO, 0, "function host: kept by a reload, warm "
        "instances stay");
}

static void
fh_channel(struct tp_ev *ev, uint32_t events)
{
    struct fh_host *h = TP_CONTAINER_OF(ev, struct fh_host, channel_ev);
    struct tp_channel_msg msg;
    uint32_t i;
    int rc;

    (void) events;
    while ((rc = tp_channel_recv(ev->fd, &msg)) == TP_OK) {
        if (msg.cmd == TP_CMD_FNSOCK) {
            fh_adopt_socket(h, &msg);        /* dups it: closed below */
        }
        tp_logfile_reopened(NULL, &msg);   /* fd 2 only */
        for (i = 0; i < msg.nfds; i++) {
            close(msg.fds[i]);
        }
        if (msg.cmd == TP_CMD_REOPEN && TP_REOPEN_FIRST(msg.arg) == 0) {
            fh_pools_reopen(h);
        } else if (msg.cmd == TP_CMD_TERMINATE) {
            fh_exit(h, 0);
        } else if (msg.cmd == TP_CMD_QUIT) {
            fh_drain(h);
        }
    }
    if (rc == TP_DONE || rc == TP_ERROR) {
        /* The master is gone: serve the workers that are left. */
        tp_loop_del(&h->loop, ev);
        ev->fd = -1;
        fh_drain(h);
    }
}

static void
fh_signal(struct tp_ev *ev, uint32_t events)
{
    struct fh_host *h = TP_CONTAINER_OF(ev, struct fh_host, signal_ev);
    struct signalfd_siginfo si;
    bool child = false;

    (void) events;
    while (read(ev->fd, &si, sizeof(si)) == (ssize_t) sizeof(si)) {
        if (si.ssi_signo == SIGCHLD) {
            child = true;
        } else if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) {
            fh_exit(h, 0);
        } else if (si.ssi_signo == SIGQUIT) {
            fh_drain(h);
        }
    }
    if (child) {
        fh_reap(h);
    }
}

static int
fh_signals(struct fh_host *h)
{
    sigset_t set;

    /* tp_process_signalfd() blocks the stop signals; SIGCHLD too here,
     * so that instances' exits arrive on the same descriptor. */
    if (tp_process_signalfd() < 0) {
        return TP_ERROR;
    }
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGQUIT);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGCHLD);
    sigprocmask(SIG_BLOCK, &set, NULL);
    h->signal_ev.fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    h->signal_ev.handler = fh_signal;
    return h->signal_ev.fd >= 0
        ? tp_loop_add_reader(&h->loop, &h->signal_ev, false) : TP_ERROR;
}

static int
fh_init(struct fh_host *h)
{
    h->model = tp_proc.cycle->model;
    h->rnd_off = sizeof(h->rnd);     /* drawn on first use */
    tp_time_update();
    if (tp_loop_init(&h->loop) != TP_OK || fh_signals(h) != TP_OK) {
        tp_log(TP_LOG_ERROR, errno, "function host initialisation failed");
        return TP_ERROR;
    }
    /* Only the master and the request workers hold the write end; the
     * read end is the metrics worker's business. */
    if (tp_proc.alive[1] >= 0) {
        close(tp_proc.alive[1]);
        tp_proc.alive[1] = -1;
    }
    if (fh_pools_init(h) != TP_OK) {
        return TP_ERROR;
    }
    tp_mown_start(&h->metrics, &h->loop.timers,
        h->model->server.metrics.enabled);
    h->channel_ev.fd = tp_proc.channel;
    h->channel_ev.handler = fh_channel;
    if (fh_listen_add(h, tp_proc.cycle->fn_fd) != TP_OK
        || tp_loop_add_reader(&h->loop, &h->channel_ev, false) != TP_OK)
    {
        tp_log(TP_LOG_ERROR, errno, "function host initialisation failed");
        return TP_ERROR;
    }
    return TP_OK;
}

void
tp_fnhost_main(void)
{
    struct fh_host *h = calloc(1, sizeof(*h));

    tp_proc.role = TP_ROLE_FNHOST;
    tp_log_set_tag("fnhost", -1);
    tp_proctitle_set("turnpike: function host", "tp-fnhost");
    if (h == NULL
        || tp_process_drop_privileges(&tp_proc.cycle->model->server) != TP_OK
        || fh_init(h) != TP_OK)
    {
        exit(2);
    }
    for (;;) {
        tp_loop_once(&h->loop);
    }
}
