/*
 * tp_process.h: creating child processes and dropping privileges.
 * tp_process_spawn runs in the master; the child half of it (closing
 * inherited descriptors, switching user) runs in the new child.
 */
#ifndef TP_PROCESS_H
#define TP_PROCESS_H

#include "tp_cycle.h"

/* The master's record of one child. */
struct tp_child {
    pid_t pid;                       /* 0: slot free */
    int slot;
    int channel;                     /* master's end, -1 when closed */
    struct tp_cycle *cycle;          /* generation it serves */
    uint64_t started_ms;             /* tp_clock.mono_ms at fork */
    bool quitting;                   /* told to drain / terminate */
    uint32_t quit_cmd;               /* metrics worker: command held back */
    bool told;                       /* metrics worker: quit_cmd sent */
    int mblock;                      /* its metrics block, -1: none */
};

typedef void (*tp_child_main_fn)(void) __attribute__((noreturn));

/*
 * Forks a child that serves <cycle> as worker <slot> and runs <fn>.  In the
 * child every master-side channel in <all> (n entries) is closed first.
 * Returns the pid (>0) in the master, -1 on failure.
 */
pid_t tp_process_spawn(struct tp_cycle *cycle, int slot, tp_child_main_fn fn,
    struct tp_child *all, unsigned n, int *master_end);

/*
 * A child's signals: TERM, INT, QUIT, HUP and USR1 are blocked and read
 * from the returned signalfd (non-blocking), and the master's CHLD and
 * ALRM handling is undone.  -1 on failure.
 */
int tp_process_signalfd(void);

/* Switches to the configured user/group when running as root. */
int tp_process_drop_privileges(const struct tp_server_conf *sc);

/* Resolves the unprivileged user for workers (for chown of data dirs). */
int tp_process_worker_ids(const struct tp_server_conf *sc, uid_t *uid,
    gid_t *gid);

#endif /* TP_PROCESS_H */
