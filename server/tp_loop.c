/*
 * tp_loop.c: epoll_wait + timer heap.  Workers only.
 */
#include "tp_loop.h"
#include "tp_log.h"
#include "tp_time.h"
#include "tp_uring.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#define TP_LOOP_EVENTS 256
#define URING_ROUNDS   8             /* owners woken, sends queued: again */

int
tp_loop_init(struct tp_loop *l)
{
    memset(l, 0, sizeof(*l));
    l->posted_tail = &l->posted;
    l->epfd = epoll_create1(EPOLL_CLOEXEC);
    return l->epfd >= 0 ? TP_OK : TP_ERROR;
}

int
tp_loop_add(struct tp_loop *l, struct tp_ev *ev)
{
    struct epoll_event e;

    e.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
    e.data.ptr = ev;
    return epoll_ctl(l->epfd, EPOLL_CTL_ADD, ev->fd, &e) == 0
        ? TP_OK : TP_ERROR;
}

int
tp_loop_add_reader(struct tp_loop *l, struct tp_ev *ev, bool exclusive)
{
    struct epoll_event e;

    e.events = EPOLLIN | (exclusive ? EPOLLEXCLUSIVE : 0);
    e.data.ptr = ev;
    return epoll_ctl(l->epfd, EPOLL_CTL_ADD, ev->fd, &e) == 0
        ? TP_OK : TP_ERROR;
}

void
tp_loop_del(struct tp_loop *l, struct tp_ev *ev)
{
    struct epoll_event e = { 0, { 0 } };

    (void) epoll_ctl(l->epfd, EPOLL_CTL_DEL, ev->fd, &e);
}

void
tp_loop_post(struct tp_loop *l, struct tp_ev *ev)
{
    if (ev->posted) {
        return;
    }
    ev->posted = true;
    ev->posted_next = NULL;
    *l->posted_tail = ev;
    l->posted_tail = &ev->posted_next;
}

void
tp_loop_defer_free(struct tp_loop *l, void *p)
{
    if (l->ngrave == l->grave_cap) {
        unsigned cap = l->grave_cap == 0 ? 64 : l->grave_cap * 2;
        void **g = realloc(l->graveyard, sizeof(*g) * cap);

        if (g == NULL) {
            return;                  /* leak rather than risk a stale use */
        }
        l->graveyard = g;
        l->grave_cap = cap;
    }
    l->graveyard[l->ngrave++] = p;
}

static void
loop_run_posted(struct tp_loop *l)
{
    struct tp_ev *ev;

    while ((ev = l->posted) != NULL) {
        l->posted = ev->posted_next;
        if (l->posted == NULL) {
            l->posted_tail = &l->posted;
        }
        ev->posted = false;
        if (ev->fd >= 0) {
            ev->handler(ev, 0);
        }
    }
}

static void
loop_bury(struct tp_loop *l)
{
    while (l->ngrave > 0) {
        free(l->graveyard[--l->ngrave]);
    }
}

/*
 * Hands the queued sends to the kernel and wakes the owners of those that
 * completed; true when sends are still queued (the wait must not sleep).
 */
static bool
loop_uring(struct tp_loop *l)
{
    unsigned i;

    for (i = 0; i < URING_ROUNDS && tp_uring_run(l->uring); i++) {
        loop_run_posted(l);
    }
    return l->uring->queued > 0;
}

void
tp_loop_once(struct tp_loop *l)
{
    struct epoll_event evs[TP_LOOP_EVENTS];
    uint64_t next;
    int timeout = -1, n, i;

    if (l->uring != NULL && loop_uring(l)) {
        timeout = 0;
    }
    next = tp_timer_next(&l->timers);
    if (timeout == 0 || l->posted != NULL) {
        timeout = 0;
    } else if (next != 0) {
        timeout = next > tp_clock.mono_ms
            ? (int) TP_MIN(next - tp_clock.mono_ms, 60000) : 0;
    }
    n = epoll_wait(l->epfd, evs, TP_LOOP_EVENTS, timeout);
    tp_time_update();
    if (n < 0 && errno != EINTR) {
        tp_log(TP_LOG_ERROR, errno, "epoll_wait() failed");
    }
    if (l->uring != NULL) {
        (void) tp_uring_run(l->uring);   /* completions during the wait */
    }
    for (i = 0; i < n; i++) {
        struct tp_ev *ev = evs[i].data.ptr;

        if (ev->fd >= 0) {
            ev->handler(ev, evs[i].events);
        }
    }
    loop_run_posted(l);
    tp_timer_expire(&l->timers, tp_clock.mono_ms);
    loop_run_posted(l);
    loop_bury(l);
}
