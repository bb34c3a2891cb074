/*
 * tp_fnhost.h: the function host, one child of the master per generation
 * (when the config has functions) next to the request workers and the
 * metrics worker.  It runs each function's bootstrap as Lambda custom
 * runtime instances, serves them the Runtime API on 127.0.0.1 (one port
 * per instance), keeps `warm` instances, enforces `concurrency` and
 * `timeout`, and takes invocations from workers (tp_fn.h) over a Unix
 * socket in data_dir ("fnhost-<generation>.sock"; frames: tp_fnproto.h).
 */
#ifndef TP_FNHOST_H
#define TP_FNHOST_H

#include "tp_cycle.h"

/*
 * Master: creates <c>'s listening socket in data_dir (c->fn_fd; closed
 * and unlinked when <c> is freed), before any child of <c> is forked.
 * Nothing when <c> has no functions.  TP_ERROR + <err>.
 */
int tp_fnhost_listen(struct tp_cycle *c, char *err, size_t errlen);

/* Master, when it exits: closes and unlinks <c>'s socket. */
void tp_fnhost_unlisten(struct tp_cycle *c);

/*
 * Master, on a reload: true when the function host of <old> can serve
 * <new> as it is (same functions, region, account, data_dir and user),
 * so that its warm instances survive the reload.
 */
bool tp_fnhost_same(const struct tp_model *old, const struct tp_model *new);

/* The socket's path as a child of <c> reaches it; "" when too long. */
const char *tp_fnhost_sock_path(const struct tp_cycle *c, char *buf,
    size_t len);

/* Entry point of the function host (called by tp_process_spawn). */
void tp_fnhost_main(void) __attribute__((noreturn));

#endif /* TP_FNHOST_H */
