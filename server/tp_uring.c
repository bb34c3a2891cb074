/*
 * tp_uring.c: plain-TCP sends batched through io_uring (tp_uring.h).
 * Workers only.
 */
#include "tp_uring.h"
#include "tp_log.h"
#include "tp_sock.h"
#include "tp_time.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#define RING_ENTRIES 256             /* two per send: the send, its timeout */
#define KEEP_FREE    256             /* free buffers kept for reuse */

struct tp_usend {
    struct tp_usend *next;           /* free list */
    struct tp_sock *sock;            /* NULL once its socket closed */
    uint32_t len;
    uint64_t since_ms;               /* queued at (monotonic) */
    bool wake;                       /* the owner met TP_AGAIN: call it */
    char data[];
};

static void
uring_ready(struct tp_ev *ev, uint32_t events)
{
    struct tp_uring *u = TP_CONTAINER_OF(ev, struct tp_uring, eev);
    uint64_t v;

    /* Only clears it: the loop runs the completions after every wait. */
    (void) events;
    if (read(u->efd, &v, sizeof(v)) < 0 && errno != EAGAIN) {
        tp_log(TP_LOG_ERROR, errno, "read() of the io_uring eventfd");
    }
}

int
tp_uring_probe(void)
{
    struct io_uring r;
    int rc = io_uring_queue_init(2, &r, 0);

    if (rc < 0) {
        return -rc;
    }
    io_uring_queue_exit(&r);
    return 0;
}

int
tp_uring_init(struct tp_uring *u, struct tp_loop *l, uint32_t timeout_ms)
{
    int rc;

    memset(u, 0, sizeof(*u));
    u->efd = -1;
    rc = io_uring_queue_init(RING_ENTRIES, &u->ring, 0);
    if (rc < 0) {
        errno = -rc;
        return TP_ERROR;
    }
    /* Sends that complete at once need no wake-up; a send that had to
     * wait for room completes later and must interrupt epoll_wait(). */
    u->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (u->efd < 0 || io_uring_register_eventfd_async(&u->ring, u->efd) < 0)
    {
        goto fail;
    }
    u->eev.handler = uring_ready;
    u->eev.fd = u->efd;
    if (tp_loop_add_reader(l, &u->eev, false) != TP_OK) {
        goto fail;
    }
    u->loop = l;
    u->timeout_ms = timeout_ms;
    u->timeout.tv_sec = timeout_ms / 1000;
    u->timeout.tv_nsec = (long long) (timeout_ms % 1000) * 1000000;
    return TP_OK;

fail:
    rc = errno;
    if (u->efd >= 0) {
        close(u->efd);
    }
    io_uring_queue_exit(&u->ring);
    errno = rc;
    return TP_ERROR;
}

static struct tp_usend *
usend_get(struct tp_uring *u)
{
    struct tp_usend *us = u->free;

    if (us != NULL) {
        u->free = us->next;
        u->nfree--;
    } else if ((us = malloc(sizeof(*us) + TP_URING_MAX)) == NULL) {
        return NULL;
    }
    us->next = NULL;
    us->wake = false;
    return us;
}

static void
usend_put(struct tp_uring *u, struct tp_usend *us)
{
    if (u->nfree < KEEP_FREE) {
        us->next = u->free;
        u->free = us;
        u->nfree++;
    } else {
        free(us);
    }
}

static void
uring_submit(struct tp_uring *u)
{
    int rc;

    tp_uring_before_send(u);
    if (u->queued == 0) {
        return;
    }
    rc = io_uring_submit(&u->ring);
    if (rc < 0) {
        /* The SQEs stay queued; the next turn of the loop retries. */
        tp_log(TP_LOG_ERROR, -rc, "io_uring_submit() failed");
        return;
    }
    u->queued = 0;
}

int
tp_uring_idle(struct tp_sock *s)
{
    if (s->usend != NULL) {
        s->usend->wake = true;
        return TP_AGAIN;
    }
    if (s->uerr != 0) {
        errno = s->uerr;
        return TP_ERROR;
    }
    return TP_OK;
}

ssize_t
tp_uring_send(struct tp_uring *u, struct tp_sock *s,
    const struct iovec *iov, int iovcnt)
{
    struct io_uring_sqe *sqe, *tsqe;
    struct tp_usend *us;
    size_t len = 0;
    int i, rc;

    if ((rc = tp_uring_idle(s)) != TP_OK) {
        return rc;
    }
    for (i = 0; i < iovcnt && len <= TP_URING_MAX; i++) {
        len += iov[i].iov_len;
    }
    if (len > TP_URING_MAX || len == 0) {
        return TP_DECLINED;
    }
    if (io_uring_sq_space_left(&u->ring) < 2) {
        uring_submit(u);
        if (io_uring_sq_space_left(&u->ring) < 2) {
            return TP_DECLINED;      /* nothing of <s> in flight: direct */
        }
    }
    us = usend_get(u);
    if (us == NULL) {
        return TP_ERROR;
    }
    for (i = 0, us->len = 0; i < iovcnt; i++) {
        memcpy(us->data + us->len, iov[i].iov_base, iov[i].iov_len);
        us->len += (uint32_t) iov[i].iov_len;
    }
    /* MSG_WAITALL: the kernel retries a short send itself, so the
     * completion is all of it or an error. */
    sqe = io_uring_get_sqe(&u->ring);
    io_uring_prep_send(sqe, s->fd, us->data, us->len,
        MSG_NOSIGNAL | MSG_WAITALL);
    io_uring_sqe_set_data(sqe, us);
    sqe->flags |= IOSQE_IO_LINK;
    tsqe = io_uring_get_sqe(&u->ring);
    io_uring_prep_link_timeout(tsqe, &u->timeout, 0);
    io_uring_sqe_set_data(tsqe, NULL);
    u->queued += 2;
    u->inflight++;
    us->sock = s;
    us->since_ms = tp_clock.mono_ms;
    s->usend = us;
    return (ssize_t) us->len;
}

void
tp_uring_detach(struct tp_uring *u, struct tp_sock *s, bool abort)
{
    struct tp_usend *us = s->usend;
    struct io_uring_sqe *sqe;

    if (us == NULL) {
        return;
    }
    s->usend = NULL;
    s->shut_wr = false;              /* the last reference closes it */
    us->sock = NULL;
    /* The send holds the socket open past close(), and epoll forgets a
     * socket only when it is closed for good: it would go on reporting
     * events for an owner that is gone. */
    if (s->owner != NULL) {
        tp_loop_del(u->loop, s->owner);
    }
    if (abort && io_uring_sq_space_left(&u->ring) >= 1) {
        sqe = io_uring_get_sqe(&u->ring);
        io_uring_prep_cancel(sqe, us, 0);
        io_uring_sqe_set_data(sqe, NULL);
        u->queued++;
    }
    uring_submit(u);
}

/* A send ended with <res>: its owner learns of it, its buffer is free. */
static bool
uring_complete(struct tp_uring *u, struct tp_usend *us, int res)
{
    struct tp_sock *s = us->sock;
    struct tp_ev *owner;
    bool wake = false;

    u->inflight--;
    if (s != NULL) {
        s->usend = NULL;
        if (res < 0 || (uint32_t) res != us->len) {
            /* Cut by its linked timeout, it ends with ECANCELED, EINTR or
             * the bytes it got out: its age tells. */
            s->uerr = tp_clock.mono_ms - us->since_ms + 10 >= u->timeout_ms
                ? ETIMEDOUT : res < 0 ? -res : EPIPE;
        }
        if (s->shut_wr) {
            s->shut_wr = false;
            (void) shutdown(s->fd, SHUT_WR);
        }
        owner = s->owner;
        if ((us->wake || s->uerr != 0) && owner != NULL && owner->fd >= 0) {
            owner->handler(owner, EPOLLOUT);
            wake = true;
        }
    }
    usend_put(u, us);
    return wake;
}

bool
tp_uring_run(struct tp_uring *u)
{
    struct io_uring_cqe *cqe;
    struct tp_usend *us;
    bool woke = false;
    int res;

    uring_submit(u);
    while (io_uring_peek_cqe(&u->ring, &cqe) == 0) {
        us = io_uring_cqe_get_data(cqe);
        res = cqe->res;
        io_uring_cqe_seen(&u->ring, cqe);
        if (us != NULL && uring_complete(u, us, res)) {
            woke = true;
        }
    }
    return woke;
}

void
tp_uring_exit(struct tp_uring *u, uint32_t max_ms)
{
    uint64_t end = tp_time_mono_us() / 1000 + TP_MIN(max_ms, u->timeout_ms);
    struct __kernel_timespec ts;
    struct io_uring_cqe *cqe;
    struct tp_usend *us;
    uint64_t now;

    if (u->loop == NULL) {
        return;
    }
    /* A response already "written" must not be cut by our exit. */
    while (u->inflight > 0 && (now = tp_time_mono_us() / 1000) < end) {
        uring_submit(u);
        ts.tv_sec = (long long) ((end - now) / 1000);
        ts.tv_nsec = (long long) ((end - now) % 1000) * 1000000;
        if (io_uring_wait_cqe_timeout(&u->ring, &cqe, &ts) != 0) {
            break;
        }
        (void) tp_uring_run(u);
    }
    tp_loop_del(u->loop, &u->eev);
    close(u->efd);
    io_uring_queue_exit(&u->ring);
    while ((us = u->free) != NULL) {
        u->free = us->next;
        free(us);
    }
    u->loop = NULL;
}
