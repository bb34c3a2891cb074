/*
 * tp_loop.h: the epoll event loop of a child process.  Workers only.
 *
 * Every descriptor is registered once, edge-triggered, for both directions
 * (EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET); handlers then read or write
 * until EAGAIN, so the hot path makes no epoll_ctl() calls.  Listening
 * sockets are level-triggered with EPOLLEXCLUSIVE so one worker wakes per
 * connection.
 */
#ifndef TP_LOOP_H
#define TP_LOOP_H

#include "tp_core.h"
#include "tp_timer.h"

#include <sys/epoll.h>

struct tp_ev;
struct tp_uring;
typedef void (*tp_ev_fn)(struct tp_ev *ev, uint32_t events);

/*
 * Embedded in anything registered with the loop.  A handler called with
 * events == 0 was posted (tp_loop_post), not woken by epoll.
 */
struct tp_ev {
    tp_ev_fn handler;
    int fd;                          /* -1 once closed: stale events ignored */
    struct tp_ev *posted_next;
    bool posted;
};

struct tp_loop {
    int epfd;
    struct tp_timers timers;
    struct tp_ev *posted;            /* run after the current batch */
    struct tp_ev **posted_tail;
    void **graveyard;                /* freed after the current batch */
    unsigned ngrave;
    unsigned grave_cap;
    struct tp_uring *uring;          /* batched sends, or NULL (tp_uring.h) */
};

int tp_loop_init(struct tp_loop *l);

/* Edge-triggered, both directions (connections). */
int tp_loop_add(struct tp_loop *l, struct tp_ev *ev);

/* Level-triggered EPOLLIN (+ EPOLLEXCLUSIVE when <exclusive>). */
int tp_loop_add_reader(struct tp_loop *l, struct tp_ev *ev, bool exclusive);

void tp_loop_del(struct tp_loop *l, struct tp_ev *ev);

/* Runs <ev>'s handler with events == 0 after the current batch. */
void tp_loop_post(struct tp_loop *l, struct tp_ev *ev);

/*
 * Frees <p> (malloc'd) after the current batch, so events already fetched
 * for it still find valid memory (their handlers see fd == -1).
 */
void tp_loop_defer_free(struct tp_loop *l, void *p);

/*
 * Whether a read that returned <n> of <room> bytes on an edge-triggered
 * stream emptied it, so that reading again would only meet EAGAIN: a
 * short read when <events> report no end of stream (data that arrives
 * later raises a new edge; an EOF already reported must still be read).
 */
static inline bool
tp_loop_read_drained(ssize_t n, size_t room, uint32_t events)
{
    return n >= 0 && (size_t) n < room
        && !(events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR));
}

/* Waits at most until the next timer, dispatches events, runs timers. */
void tp_loop_once(struct tp_loop *l);

#endif /* TP_LOOP_H */
