/*
 * tp_process.c: fork + child setup, privilege drop.  The master forks; the
 * post-fork half runs in the child before its main function.
 */
#include "tp_process.h"
#include "tp_channel.h"
#include "tp_log.h"
#include "tp_time.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <unistd.h>

pid_t
tp_process_spawn(struct tp_cycle *cycle, int slot, tp_child_main_fn fn,
    struct tp_child *all, unsigned n, int *master_end)
{
    int fds[2];
    pid_t pid;
    unsigned i;

    if (tp_channel_open(fds) != TP_OK) {
        tp_log(TP_LOG_ERROR, errno, "socketpair() for worker %d failed", slot);
        return -1;
    }
    pid = fork();
    if (pid < 0) {
        tp_log(TP_LOG_ERROR, errno, "fork() for worker %d failed", slot);
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid > 0) {
        close(fds[1]);
        *master_end = fds[0];
        return pid;
    }

    /* Child: siblings' channels must not keep the master's ends alive. */
    close(fds[0]);
    for (i = 0; i < n; i++) {
        if (all[i].pid != 0 && all[i].channel >= 0) {
            close(all[i].channel);
        }
    }
    tp_proc.role = TP_ROLE_WORKER;
    tp_proc.slot = slot;
    tp_proc.cycle = cycle;
    tp_proc.channel = fds[1];
    tp_log_set_tag("worker", slot);
    /* Drain and exit with the master even if the channel end leaks. */
    (void) prctl(PR_SET_PDEATHSIG, SIGQUIT);
    if (getppid() != tp_proc.master_pid) {
        _exit(1);
    }
    fn();
}

int
tp_process_signalfd(void)
{
    sigset_t set;

    sigset_t mine;

    sigemptyset(&mine);
    sigaddset(&mine, SIGTERM);
    sigaddset(&mine, SIGINT);
    sigaddset(&mine, SIGQUIT);
    sigaddset(&mine, SIGHUP);
    sigaddset(&mine, SIGUSR1);
    sigprocmask(SIG_BLOCK, &mine, NULL);
    signal(SIGCHLD, SIG_DFL);
    signal(SIGALRM, SIG_IGN);
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigaddset(&set, SIGALRM);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    return signalfd(-1, &mine, SFD_NONBLOCK | SFD_CLOEXEC);
}

int
tp_process_worker_ids(const struct tp_server_conf *sc, uid_t *uid,
    gid_t *gid)
{
    const char *user = sc->user != NULL ? sc->user : "nobody";
    struct passwd *pw = getpwnam(user);
    struct group *gr;

    if (pw == NULL) {
        tp_log(TP_LOG_ERROR, 0, "user \"%s\" does not exist", user);
        return TP_ERROR;
    }
    *uid = pw->pw_uid;
    *gid = pw->pw_gid;
    if (sc->group != NULL) {
        gr = getgrnam(sc->group);
        if (gr == NULL) {
            tp_log(TP_LOG_ERROR, 0, "group \"%s\" does not exist", sc->group);
            return TP_ERROR;
        }
        *gid = gr->gr_gid;
    }
    return TP_OK;
}

int
tp_process_drop_privileges(const struct tp_server_conf *sc)
{
    const char *user = sc->user != NULL ? sc->user : "nobody";
    uid_t uid;
    gid_t gid;

    if (geteuid() != 0) {
        return TP_OK;                /* nothing to drop */
    }
    if (tp_process_worker_ids(sc, &uid, &gid) != TP_OK) {
        return TP_ERROR;
    }
    if (setgid(gid) != 0 || initgroups(user, gid) != 0) {
        tp_log(TP_LOG_ERROR, errno, "setgid(%d) failed", (int) gid);
        return TP_ERROR;
    }
    if (setuid(uid) != 0) {
        tp_log(TP_LOG_ERROR, errno, "setuid(%d) failed", (int) uid);
        return TP_ERROR;
    }
    /* Keep core dumps possible after the switch (for post-mortems). */
    (void) prctl(PR_SET_DUMPABLE, 1);
    return TP_OK;
}
