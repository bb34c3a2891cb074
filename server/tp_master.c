/*
 * tp_master.c: supervision.  Master only: it never serves a request.
 *
 * Signal handlers only set flags; the master sleeps in sigsuspend() with
 * every signal blocked elsewhere, and each turn of the loop handles, in
 * order: dead children -> stop requests -> reload -> reopen -> respawns.
 */
#include "tp_master.h"
#include "tp_logfile.h"
#include "tp_cache_prepare.h"
#include "tp_channel.h"
#include "tp_dirs.h"
#include "tp_fnhost.h"
#include "tp_limits_prepare.h"
#include "tp_listen.h"
#include "tp_log.h"
#include "tp_metrics.h"
#include "tp_mstat_prepare.h"
#include "tp_process.h"
#include "tp_time.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#define TP_MAX_CHILDREN      1024
#define TP_MAX_SLOTS         514       /* 512 workers + the metrics worker
                                          + the function host */
#define RESPAWN_MIN_MS       100       /* first back-off after a quick death */
#define RESPAWN_MAX_MS       30000
#define QUICK_DEATH_MS       2000      /* died sooner than this: back off */
#define TERM_GRACE_MS        5000      /* TERM -> KILL escalation */

struct master_slot {
    uint64_t respawn_at;               /* 0: none pending */
    uint32_t backoff_ms;
};

struct master {
    struct tp_child children[TP_MAX_CHILDREN];
    unsigned nchildren;                /* high-water mark of used entries */
    struct master_slot slots[TP_MAX_SLOTS];
    struct tp_cycle *old[64];          /* generations still draining */
    unsigned nold;
    bool stopping;                     /* TERM/INT or QUIT received */
    bool graceful;
    uint64_t kill_at;                  /* escalate to SIGKILL at this time */
};


static void
master_on_signal(int signo)
{
    switch (signo) {
    case SIGCHLD: tp_sig_child = 1; break;
    case SIGTERM:
    case SIGINT: tp_sig_terminate = 1; break;
    case SIGQUIT: tp_sig_quit = 1; break;
    case SIGHUP: tp_sig_reload = 1; break;
    case SIGUSR1: tp_sig_reopen = 1; break;
    case SIGALRM: tp_sig_alarm = 1; break;
    default: break;
    }
}

void
tp_master_signals(void)
{
    static const int sigs[] = { SIGCHLD, SIGTERM, SIGINT, SIGQUIT, SIGHUP,
        SIGUSR1, SIGALRM };
    struct sigaction sa;
    sigset_t set;
    size_t i;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = master_on_signal;
    sigemptyset(&sa.sa_mask);
    sigemptyset(&set);
    for (i = 0; i < TP_NELEM(sigs); i++) {
        sigaction(sigs[i], &sa, NULL);
        sigaddset(&set, sigs[i]);
    }
    signal(SIGPIPE, SIG_IGN);
    sigprocmask(SIG_BLOCK, &set, NULL);
}

extern void tp_worker_main(void) __attribute__((noreturn));

/* Slots of a generation: its workers, its metrics worker, then its
 * function host when it has functions. */
static int
master_nslots(const struct tp_cycle *c)
{
    return c->model->server.workers + 1 + (c->model->nfunctions > 0);
}

static bool
master_is_fnhost(const struct tp_child *ch)
{
    return ch->slot == ch->cycle->model->server.workers + 1;
}

static const char *
master_child_name(const struct tp_child *ch, char *buf, size_t len)
{
    if (master_is_fnhost(ch)) {
        snprintf(buf, len, "function host");
    } else if (ch->slot == ch->cycle->model->server.workers) {
        snprintf(buf, len, "metrics worker");
    } else {
        snprintf(buf, len, "worker %d", ch->slot);
    }
    return buf;
}

static bool
master_is_metrics(const struct tp_child *ch)
{
    return ch->slot == ch->cycle->model->server.workers;
}

static struct tp_child *
master_free_entry(struct master *ms)
{
    unsigned i;

    for (i = 0; i < ms->nchildren; i++) {
        if (ms->children[i].pid == 0) {
            return &ms->children[i];
        }
    }
    return ms->nchildren < TP_MAX_CHILDREN ? &ms->children[ms->nchildren++]
                                           : NULL;
}

/*
 * The metrics block of a process about to be forked: request workers and
 * the function host count, the metrics worker only reads.
 */
static int
master_claim_block(struct tp_cycle *cycle, int slot)
{
    int workers = cycle->model->server.workers, b;

    if (slot == workers || tp_proc.mstat == NULL) {
        return -1;
    }
    b = tp_mstat_claim(tp_proc.mstat, slot < workers ? TP_MB_WORKER
        : TP_MB_FNHOST, slot, cycle->generation);
    if (b < 0) {
        tp_log(TP_LOG_ERROR, 0, "metrics: no free block for slot %d of "
            "generation %u (too many generations draining): its requests "
            "are not counted", slot, cycle->generation);
    }
    return b;
}

static void
master_spawn(struct master *ms, struct tp_cycle *cycle, int slot)
{
    struct tp_child *ch = master_free_entry(ms);
    char who[32];
    int chan = -1, blk;
    pid_t pid;

    if (ch == NULL) {
        tp_log(TP_LOG_ERROR, 0, "too many child processes");
        return;
    }
    blk = master_claim_block(cycle, slot);
    tp_proc.mblock = blk;            /* inherited by the child */
    pid = tp_process_spawn(cycle, slot,
        slot == cycle->model->server.workers ? tp_metrics_main
        : slot > cycle->model->server.workers ? tp_fnhost_main
                                              : tp_worker_main,
        ms->children, ms->nchildren, &chan);
    tp_proc.mblock = -1;
    if (pid < 0) {
        tp_mstat_release(tp_proc.mstat, blk);
        ms->slots[slot].respawn_at = tp_clock.mono_ms + RESPAWN_MIN_MS;
        return;
    }
    tp_mstat_set_owner(tp_proc.mstat, blk, pid);
    ch->mblock = blk;
    ch->pid = pid;
    ch->slot = slot;
    ch->channel = chan;
    ch->cycle = cycle;
    ch->started_ms = tp_clock.mono_ms;
    ch->quitting = false;
    ch->quit_cmd = 0;
    ch->told = false;
    cycle->live_children++;
    tp_log(TP_LOG_INFO, 0, "started %s, pid %d, generation %u",
        master_child_name(ch, who, sizeof(who)), (int) pid,
        cycle->generation);
}

static void
master_send(struct tp_child *ch, uint32_t cmd)
{
    if (ch->channel < 0
        || tp_channel_send(ch->channel, cmd, NULL, 0) != TP_OK)
    {
        /* The signal is the fallback when the channel is gone. */
        kill(ch->pid, cmd == TP_CMD_TERMINATE ? SIGTERM : SIGQUIT);
    }
}

static void
master_send_all(struct master *ms, struct tp_cycle *only, uint32_t cmd)
{
    unsigned i;

    for (i = 0; i < ms->nchildren; i++) {
        struct tp_child *ch = &ms->children[i];

        if (ch->pid == 0 || (only != NULL && ch->cycle != only)) {
            continue;
        }
        if (cmd == TP_CMD_QUIT || cmd == TP_CMD_TERMINATE) {
            ch->quitting = true;
            if (master_is_metrics(ch)) {
                /* Held back until the request workers have gone:
                 * master_quit_metrics(). */
                if (!ch->told && ch->quit_cmd != TP_CMD_TERMINATE) {
                    ch->quit_cmd = cmd;
                }
                continue;
            }
        }
        master_send(ch, cmd);
    }
}

/*
 * A stopping metrics worker flushes what the request workers counted, so
 * it goes last: once a running metrics worker of a newer generation takes
 * over (a reload), or once no request worker is left (a stop).
 */
static void
master_quit_metrics(struct master *ms)
{
    bool successor = false, workers = false;
    unsigned i;

    for (i = 0; i < ms->nchildren; i++) {
        const struct tp_child *ch = &ms->children[i];

        if (ch->pid == 0) {
            continue;
        }
        if (!master_is_metrics(ch)) {
            workers = true;
        } else if (!ch->quitting) {
            successor = true;
        }
    }
    for (i = 0; i < ms->nchildren; i++) {
        struct tp_child *ch = &ms->children[i];

        if (ch->pid != 0 && master_is_metrics(ch) && ch->quitting
            && !ch->told && (successor || !workers))
        {
            ch->told = true;
            master_send(ch, ch->quit_cmd);
        }
    }
}

static void
master_log_exit(const struct tp_child *ch, int status)
{
    char who[32];

    master_child_name(ch, who, sizeof(who));
    if (WIFEXITED(status)) {
        tp_log(WEXITSTATUS(status) == 0 ? TP_LOG_INFO : TP_LOG_ERROR, 0,
            "%s (pid %d) exited with code %d", who, (int) ch->pid,
            WEXITSTATUS(status));
    } else if (WIFSIGNALED(status)) {
        tp_log(TP_LOG_ERROR, 0, "%s (pid %d) killed by signal %d%s", who,
            (int) ch->pid, WTERMSIG(status),
            WCOREDUMP(status) ? " (core dumped)" : "");
    }
}

/* Schedules the replacement of a worker of the current generation. */
static void
master_plan_respawn(struct master *ms, const struct tp_child *ch)
{
    struct master_slot *s = &ms->slots[ch->slot];
    char who[32];

    if (tp_clock.mono_ms - ch->started_ms < QUICK_DEATH_MS) {
        s->backoff_ms = s->backoff_ms == 0 ? RESPAWN_MIN_MS
            : TP_MIN(s->backoff_ms * 2, RESPAWN_MAX_MS);
        s->respawn_at = tp_clock.mono_ms + s->backoff_ms;
        tp_log(TP_LOG_WARN, 0, "%s died %llu ms after start; "
            "respawning in %u ms", master_child_name(ch, who, sizeof(who)),
            (unsigned long long) (tp_clock.mono_ms - ch->started_ms),
            s->backoff_ms);
    } else {
        s->backoff_ms = 0;
        s->respawn_at = tp_clock.mono_ms;
    }
}

static void
master_reap(struct master *ms)
{
    int status;
    pid_t pid;
    unsigned i;

    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        for (i = 0; i < ms->nchildren; i++) {
            struct tp_child *ch = &ms->children[i];

            if (ch->pid != pid) {
                continue;
            }
            master_log_exit(ch, status);
            if (ch->channel >= 0) {
                close(ch->channel);
            }
            ch->cycle->live_children--;
            tp_mstat_release(tp_proc.mstat, ch->mblock);
            ch->mblock = -1;
            if (!ch->quitting && !ms->stopping
                && ch->cycle == tp_proc.cycle)
            {
                master_plan_respawn(ms, ch);
            }
            ch->pid = 0;
            ch->channel = -1;
            break;
        }
    }
}

/* Frees drained generations: their sockets close unless still in use. */
static void
master_release_old(struct master *ms)
{
    unsigned i = 0;

    while (i < ms->nold) {
        struct tp_cycle *c = ms->old[i];

        if (c->live_children > 0) {
            i++;
            continue;
        }
        tp_log(TP_LOG_INFO, 0, "generation %u drained", c->generation);
        tp_listen_close(c, tp_proc.cycle);
        tp_cycle_free(c);
        ms->old[i] = ms->old[--ms->nold];
    }
}

/*
 * A reload that leaves the functions as they were keeps the function
 * host and its warm instances: it moves to the new generation (slot and
 * all) and accepts on the new generation's socket as well as on the old
 * one, which the draining workers still use.
 */
static bool
master_keep_fnhost(struct master *ms, struct tp_cycle *old,
    struct tp_cycle *c, int slot)
{
    unsigned i;

    if (!tp_fnhost_same(old->model, c->model)) {
        return false;
    }
    for (i = 0; i < ms->nchildren; i++) {
        struct tp_child *ch = &ms->children[i];

        if (ch->pid == 0 || ch->cycle != old || !master_is_fnhost(ch)
            || ch->quitting || ch->channel < 0
            || tp_channel_send(ch->channel, TP_CMD_FNSOCK, &c->fn_fd, 1)
                != TP_OK)
        {
            continue;
        }
        old->live_children--;
        c->live_children++;
        ch->cycle = c;
        ch->slot = slot;
        tp_log(TP_LOG_INFO, 0, "function host, pid %d, kept for generation "
            "%u: its functions did not change", (int) ch->pid,
            c->generation);
        return true;
    }
    return false;
}

static void
master_reload(struct master *ms)
{
    struct tp_cycle *old = tp_proc.cycle, *c;
    char err[1024];
    int i;

    tp_log(TP_LOG_INFO, 0, "reloading %s", tp_proc.conf_path);
    if (ms->nold == TP_NELEM(ms->old)) {
        tp_log(TP_LOG_ERROR, 0, "reload refused: too many generations still "
            "draining");
        return;
    }
    c = tp_cycle_load(false, err, sizeof(err));
    if (c == NULL) {
        tp_log(TP_LOG_ERROR, 0, "reload failed, still serving generation "
            "%u: %s", old->generation, err);
        return;
    }
    c->generation = old->generation + 1;
    if (tp_dirs_prepare(c, err, sizeof(err)) != TP_OK
        || tp_fnhost_listen(c, err, sizeof(err)) != TP_OK
        || tp_limits_prepare(c->model, tp_proc.shm, err, sizeof(err))
            != TP_OK
        || tp_cache_prepare(c->model, err, sizeof(err)) != TP_OK
        || tp_dirs_check(c, err, sizeof(err)) != TP_OK
        || tp_listen_open(c, old, err, sizeof(err)) != TP_OK)
    {
        tp_log(TP_LOG_ERROR, 0, "reload failed, still serving generation "
            "%u: %s", old->generation, err);
        tp_cycle_free(c);
        return;
    }
    tp_log_level = c->model->server.log_level;
    tp_mstat_prepare(c->model, &c->arena, tp_proc.mstat);
    __atomic_store_n(&tp_proc.mstat->generation, c->generation,
        __ATOMIC_RELAXED);
    tp_proc.cycle = c;
    for (i = 0; i < master_nslots(c); i++) {
        ms->slots[i].respawn_at = 0;
        ms->slots[i].backoff_ms = 0;
        if (i <= c->model->server.workers
            || !master_keep_fnhost(ms, old, c, i))
        {
            master_spawn(ms, c, i);
        }
    }
    /* The old generation stops accepting and drains its connections. */
    master_send_all(ms, old, TP_CMD_QUIT);
    ms->old[ms->nold++] = old;
    tp_log(TP_LOG_INFO, 0, "generation %u serving; generation %u draining",
        c->generation, old->generation);
}

/*
 * Hands cycle <c>'s reopened files to its children: the error log <errfd>
 * (-1: none) and the model's log files, in as many REOPEN messages as they
 * need
 * (layout: tp_channel.h).
 */
static void
master_send_reopen(struct master *ms, struct tp_cycle *c, int errfd)
{
    int fds[TP_CHANNEL_MAX_FDS];
    unsigned first = 0, n, nlogs, room, i;
    uint32_t arg;

    do {
        n = 0;
        arg = first;
        if (first == 0 && errfd >= 0) {
            fds[n++] = errfd;
            arg |= TP_REOPEN_ERRLOG;
        }
        room = TP_CHANNEL_MAX_FDS - n;
        nlogs = tp_logfile_fds(c->model, first, fds + n, room);
        n += nlogs;
        /* The first message goes even without files: the function host
         * reopens its functions' logs on it. */
        for (i = 0; (n > 0 || first == 0) && i < ms->nchildren; i++) {
            struct tp_child *ch = &ms->children[i];

            if (ch->pid != 0 && ch->channel >= 0 && ch->cycle == c) {
                (void) tp_channel_send_arg(ch->channel, TP_CMD_REOPEN, arg,
                    fds, n);
            }
        }
        first += nlogs;
    } while (nlogs == room);
}

/* Reopens cycle <c>'s log files and sends every one to its children. */
static void
master_reopen_cycle(struct master *ms, struct tp_cycle *c, int errfd)
{
    tp_logfile_reopen_all(c);
    master_send_reopen(ms, c, errfd);
}

/*
 * USR1: a fresh error log (unless it is stderr, in the foreground) and
 * fresh log files (access, execution ...), for the master and for the
 * children of every live generation (draining ones still write lines).
 */
static void
master_reopen(struct master *ms)
{
    const char *path = tp_proc.cycle->model->server.error_log;
    unsigned i;
    int fd = -1;

    if (!tp_proc.foreground) {
        fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0) {
            tp_log(TP_LOG_ERROR, errno, "reopen of \"%s\" failed", path);
        } else {
            dup2(fd, STDERR_FILENO);
        }
    }
    master_reopen_cycle(ms, tp_proc.cycle, fd);
    for (i = 0; i < ms->nold; i++) {
        master_reopen_cycle(ms, ms->old[i], fd);
    }
    if (fd >= 0) {
        close(fd);
        tp_log(TP_LOG_INFO, 0, "reopened \"%s\" and the log files", path);
    } else {
        tp_log(TP_LOG_INFO, 0, "reopened the log files");
    }
}

static void
master_stop(struct master *ms, bool graceful)
{
    uint32_t wait_ms = graceful
        ? tp_proc.cycle->model->server.shutdown_timeout_ms + TERM_GRACE_MS
        : TERM_GRACE_MS;

    if (ms->stopping && (graceful || !ms->graceful)) {
        return;
    }
    tp_log(TP_LOG_INFO, 0, "%s stop requested",
        graceful ? "graceful" : "fast");
    ms->stopping = true;
    ms->graceful = graceful;
    ms->kill_at = tp_clock.mono_ms + wait_ms;
    master_send_all(ms, NULL, graceful ? TP_CMD_QUIT : TP_CMD_TERMINATE);
    if (!graceful) {
        for (unsigned i = 0; i < ms->nchildren; i++) {
            if (ms->children[i].pid != 0
                && !master_is_metrics(&ms->children[i]))
            {
                kill(ms->children[i].pid, SIGTERM);
            }
        }
    }
}

static unsigned
master_live(const struct master *ms)
{
    unsigned i, n = 0;

    for (i = 0; i < ms->nchildren; i++) {
        n += ms->children[i].pid != 0;
    }
    return n;
}

/* Arms SIGALRM for the nearest pending respawn or kill escalation. */
static void
master_arm_timer(struct master *ms)
{
    uint64_t next = 0;
    struct itimerval it;
    int i;

    for (i = 0; i < master_nslots(tp_proc.cycle); i++) {
        uint64_t t = ms->slots[i].respawn_at;

        if (t != 0 && (next == 0 || t < next)) {
            next = t;
        }
    }
    if (ms->stopping && (next == 0 || ms->kill_at < next)) {
        next = ms->kill_at;
    }
    memset(&it, 0, sizeof(it));
    if (next != 0) {
        uint64_t d = next > tp_clock.mono_ms ? next - tp_clock.mono_ms : 1;

        it.it_value.tv_sec = (time_t) (d / 1000);
        it.it_value.tv_usec = (suseconds_t) ((d % 1000) * 1000);
    }
    setitimer(ITIMER_REAL, &it, NULL);
}

static void
master_due(struct master *ms)
{
    int i;

    if (ms->stopping) {
        if (tp_clock.mono_ms >= ms->kill_at) {
            for (unsigned k = 0; k < ms->nchildren; k++) {
                if (ms->children[k].pid != 0) {
                    tp_log(TP_LOG_WARN, 0, "worker pid %d did not stop in "
                        "time; killing it", (int) ms->children[k].pid);
                    kill(ms->children[k].pid, SIGKILL);
                }
            }
            ms->kill_at = tp_clock.mono_ms + TERM_GRACE_MS;
        }
        return;
    }
    for (i = 0; i < master_nslots(tp_proc.cycle); i++) {
        if (ms->slots[i].respawn_at != 0
            && ms->slots[i].respawn_at <= tp_clock.mono_ms)
        {
            ms->slots[i].respawn_at = 0;
            master_spawn(ms, tp_proc.cycle, i);
        }
    }
}

int
tp_master_run(void)
{
    static struct master ms;           /* large; the master has one */
    char err[512];
    sigset_t empty;
    int i;

    sigemptyset(&empty);
    tp_time_update();
    if (pipe2(tp_proc.alive, O_CLOEXEC) != 0) {
        tp_log(TP_LOG_ERROR, errno, "pipe() failed");
        return 1;
    }
    if (tp_fnhost_listen(tp_proc.cycle, err, sizeof(err)) != TP_OK) {
        tp_log(TP_LOG_ERROR, 0, "%s", err);
        return 1;
    }
    for (i = 0; i < master_nslots(tp_proc.cycle); i++) {
        master_spawn(&ms, tp_proc.cycle, i);
    }
    tp_log(TP_LOG_INFO, 0, "turnpike %s running, %d workers", TP_VERSION,
        tp_proc.cycle->model->server.workers);

    for (;;) {
        master_arm_timer(&ms);
        sigsuspend(&empty);
        tp_time_update();
        if (tp_sig_child) {
            tp_sig_child = 0;
            master_reap(&ms);
        }
        if (tp_sig_terminate) {
            tp_sig_terminate = 0;
            master_stop(&ms, false);
        }
        if (tp_sig_quit) {
            tp_sig_quit = 0;
            master_stop(&ms, true);
        }
        if (tp_sig_reload) {
            tp_sig_reload = 0;
            if (!ms.stopping) {
                master_reload(&ms);
            }
        }
        if (tp_sig_reopen) {
            tp_sig_reopen = 0;
            master_reopen(&ms);
        }
        tp_sig_alarm = 0;
        master_due(&ms);
        master_quit_metrics(&ms);
        master_release_old(&ms);
        if (ms.stopping && master_live(&ms) == 0) {
            break;
        }
    }
    tp_fnhost_unlisten(tp_proc.cycle);
    tp_log(TP_LOG_INFO, 0, "exiting");
    return 0;
}
