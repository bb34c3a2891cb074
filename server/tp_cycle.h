/*
 * tp_cycle.h: the per-process context and the one place that says what
 * crosses fork().  Used by all processes.
 *
 * A cycle is one loaded configuration generation: the immutable model, its
 * listeners (bound sockets) and TLS contexts, all owned by cycle->arena.
 * A reload builds a new cycle in the master; if that fails the master keeps
 * the old one.  Children inherit, through fork():
 *   - the current cycle (model, listening fds, TLS contexts, the
 *     stages' access-log fds),
 *   - the shared-memory segment (tp_proc.shm),
 *   - the error log as fd 2,
 *   - their end of a socketpair to the master (tp_proc.channel),
 *   - the master's pid.
 *
 * The only globals in turnpike are tp_proc below, the signal flags, the
 * clock cache (tp_clock), the log threshold (tp_log_level), the
 * SHA-256 digest and context tp_apikey_hash() fetches once (tp_apikey.c
 * says why) and the deflate streams tp_zlib_compress() reuses (tp_zlib.c
 * says why).
 */
#ifndef TP_CYCLE_H
#define TP_CYCLE_H

#include "tp_core.h"
#include "tp_arena.h"
#include "tp_model.h"

#include <signal.h>

struct tp_shm;
struct tp_mstat;

struct tp_cycle {
    struct tp_arena arena;           /* owns the model and everything in it */
    struct tp_model *model;
    unsigned generation;             /* 1, 2, ... one per successful load */
    int data_fd;                     /* data_dir, opened by the master */
    int fn_fd;                       /* the function host's listening
                                        socket (tp_fnhost.h), or -1 */
    unsigned live_children;          /* master: children of this generation */
};

enum tp_role {
    TP_ROLE_MASTER = 0,
    TP_ROLE_WORKER,
    TP_ROLE_METRICS,                 /* quota flush (and metrics, later) */
    TP_ROLE_FNHOST                   /* runs local functions */
};

struct tp_process {
    enum tp_role role;
    int slot;                        /* worker index, -1 in the master */
    pid_t master_pid;
    struct tp_cycle *cycle;          /* the generation this process serves */
    struct tp_shm *shm;              /* created before the first fork */
    struct tp_mstat *mstat;          /* the metrics region, or NULL */
    int mblock;                      /* this process's block in it, -1 */
    int channel;                     /* child: its socketpair end; else -1 */
    int alive[2];                    /* pipe: the metrics worker reads EOF
                                      * once the master and every request
                                      * worker (the writers) are gone */
    bool foreground;                 /* -f: stay attached, log to stderr */
    const char *conf_path;
    const char *prefix;              /* -p DIR or NULL */
    char *title;                     /* argv's strings (tp_proctitle.c) */
    size_t title_len;
};

extern struct tp_process tp_proc;

/* Set by signal handlers only; read and cleared by the loops. */
extern volatile sig_atomic_t tp_sig_child;
extern volatile sig_atomic_t tp_sig_terminate;
extern volatile sig_atomic_t tp_sig_quit;
extern volatile sig_atomic_t tp_sig_reload;
extern volatile sig_atomic_t tp_sig_reopen;
extern volatile sig_atomic_t tp_sig_alarm;

/*
 * Loads <tp_proc.conf_path> into a new cycle.  NULL on failure with
 * "FILE:LINE: message" in <err>.  Does not bind sockets.
 */
struct tp_cycle *tp_cycle_load(bool test_only, char *err, size_t errlen);
void tp_cycle_free(struct tp_cycle *c);

#endif /* TP_CYCLE_H */
