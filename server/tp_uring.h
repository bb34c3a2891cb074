/*
 * tp_uring.h: plain-TCP sends batched through io_uring.  Workers only.
 *
 * A system call costs about a microsecond on the machines we measure, and a
 * proxied request made four of them plus its share of epoll_wait().  Here
 * a send of up to TP_URING_MAX bytes is copied into a buffer of the
 * ring's and queued; the loop hands the whole queue to the kernel in one
 * io_uring_enter() just before it waits, so the small responses and
 * upstream requests of one loop turn cost one system call between them
 * (docs/BENCHMARKS.md, "Where the time goes").
 *
 * To its caller a queued send is written.  A socket has at most one send
 * in flight: further writes get TP_AGAIN until it completes, and then the
 * socket's owner is called as by EPOLLOUT, so back-pressure and the
 * owners' send timeouts work as with direct sends.  A send's failure is
 * returned by the next write (TP_ERROR, errno).  Every send carries a
 * linked timeout (send_timeout_ms), so one to a peer that stopped reading
 * ends even after its owner closed the socket.
 */
#ifndef TP_URING_H
#define TP_URING_H

#include "tp_core.h"
#include "tp_loop.h"

#include <liburing.h>
#include <sys/uio.h>

struct tp_sock;
struct tp_usend;

struct tp_uring {
    struct io_uring ring;
    struct tp_loop *loop;            /* holds the eventfd and the owners */
    struct __kernel_timespec timeout;   /* every send's linked timeout */
    uint32_t timeout_ms;             /* the same */
    struct tp_usend *free;           /* buffers to reuse */
    unsigned nfree;
    unsigned queued;                 /* SQEs not yet submitted */
    unsigned inflight;               /* sends not yet completed */
    int efd;                         /* eventfd: a completion after a wait */
    void (*before_send)(void *);     /* runs before every system call that
                                        sends: the workers' held counts */
    void *before_arg;
    struct tp_ev eev;                /* its loop registration */
};

/*
 * Sets <u> up for <l>; TP_ERROR (errno) when this kernel or its settings
 * (kernel.io_uring_disabled) refuse io_uring: then sends stay direct.
 */
int tp_uring_init(struct tp_uring *u, struct tp_loop *l,
    uint32_t timeout_ms);

/* Runs the before_send hook (a direct send on a ring's socket is next). */
static inline void
tp_uring_before_send(struct tp_uring *u)
{
    if (u->before_send != NULL) {
        u->before_send(u->before_arg);
    }
}

/* Whether this kernel lets us set up a ring: 0, or the errno it gave
 * (turnpike -v says which). */
int tp_uring_probe(void);

/* Waits at most <max_ms> (and a send timeout) for the sends in flight,
 * then frees. */
void tp_uring_exit(struct tp_uring *u, uint32_t max_ms);

/* The most one queued send takes.  A larger write (a big response) goes
 * out directly: its system call is a small part of its cost, and copying
 * it would not be. */
#define TP_URING_MAX 4096

/* Queues <iov> for <s> (see above): all its bytes, TP_AGAIN, TP_ERROR, or
 * TP_DECLINED when it is larger (no send is in flight: write directly). */
ssize_t tp_uring_send(struct tp_uring *u, struct tp_sock *s,
    const struct iovec *iov, int iovcnt);

/*
 * TP_OK when <s> has no send in flight, so that a write that bypasses the
 * ring (sendfile) keeps the order; else TP_AGAIN (the owner is called when
 * it completes) or TP_ERROR for a send that failed.
 */
int tp_uring_idle(struct tp_sock *s);

/*
 * The socket is closing: its send, if any, goes on without it (aborted
 * when <abort>).  Queued sends are submitted first: they name the
 * descriptor by number, which close() frees for reuse.
 */
void tp_uring_detach(struct tp_uring *u, struct tp_sock *s, bool abort);

/*
 * Submits the queue and handles completions, waking owners; true when it
 * woke any (their handlers may have queued more).  From the loop only.
 */
bool tp_uring_run(struct tp_uring *u);

#endif /* TP_URING_H */
