/*
 * tp_listen.h: binding the listening sockets of a cycle.  Master only:
 * sockets are bound as root before children drop privileges, and a reload
 * takes over the previous cycle's socket for every unchanged address so no
 * connection in the kernel's accept queue is lost.
 */
#ifndef TP_LISTEN_H
#define TP_LISTEN_H

#include "tp_cycle.h"

/*
 * Binds every listener of <c>, reusing the fd of an identical address in
 * <old> (may be NULL; a reused fd is shared by both cycles until the old
 * one is closed).  TP_ERROR with a message naming the address in <err>.
 */
int tp_listen_open(struct tp_cycle *c, struct tp_cycle *old, char *err,
    size_t errlen);

/* Closes every listener fd of <c> that <keep> (may be NULL) does not use. */
void tp_listen_close(struct tp_cycle *c, const struct tp_cycle *keep);

#endif /* TP_LISTEN_H */
