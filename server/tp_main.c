/*
 * tp_main.c: the command line (-c -f -t -p -s -v -h), daemonizing, pid file,
 * then hand-over to the master loop.  Runs in the master (and in the
 * short-lived processes of -t, -s and -v).
 */
#include "tp_cache_prepare.h"
#include "tp_cycle.h"
#include "tp_dirs.h"
#include "tp_limits_prepare.h"
#include "tp_mstat_prepare.h"
#include "tp_listen.h"
#include "tp_log.h"
#include "tp_master.h"
#include "tp_pidfile.h"
#include "tp_process.h"
#include "tp_proctitle.h"
#include "tp_shm.h"
#include "tp_time.h"
#include "tp_tls.h"
#include "tp_uring.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <libconfig.h>
#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

struct main_opts {
    bool test;
    const char *signal;
};

static void
main_usage(FILE *f)
{
    fprintf(f,
        "usage: turnpike [-c file] [-f] [-t] [-p dir] "
        "[-s reload|reopen|stop|quit] [-v] [-h]\n"
        "  -c file   configuration file (default " TP_CONF_PATH ")\n"
        "  -f        stay in the foreground, log to stderr\n"
        "  -t        test the configuration and every API it names, exit\n"
        "  -p dir    runtime prefix: pid file, error log and data dir\n"
        "            default to dir/turnpike.pid, dir/error.log, dir/data\n"
        "  -s sig    signal the running master: reload, reopen, stop, quit\n"
        "  -v        print version and library versions, exit\n"
        "  -h        this help\n");
}

static void
main_version(void)
{
    int err;

    printf("turnpike %s\n", TP_VERSION);
    printf("  %s\n", tp_tls_version());
    printf("  libconfig %d.%d.%d\n", LIBCONFIG_VER_MAJOR, LIBCONFIG_VER_MINOR,
        LIBCONFIG_VER_REVISION);
    printf("  %s\n", mdb_version(NULL, NULL, NULL));
    printf("  zlib %s\n", zlibVersion());
    printf("  jsmn (header-only)\n");
    err = tp_uring_probe();
    printf("  liburing: io_uring %s%s\n", err == 0 ? "available" : "refused: ",
        err == 0 ? "" : strerror(err));
}

static int
main_args(int argc, char **argv, struct main_opts *o)
{
    int ch;

    tp_proc.conf_path = TP_CONF_PATH;
    while ((ch = getopt(argc, argv, "c:ftp:s:vh")) != -1) {
        switch (ch) {
        case 'c': tp_proc.conf_path = optarg; break;
        case 'f': tp_proc.foreground = true; break;
        case 't': o->test = true; break;
        case 'p': tp_proc.prefix = optarg; break;
        case 's': o->signal = optarg; break;
        case 'v': main_version(); exit(0);
        case 'h': main_usage(stdout); exit(0);
        default: main_usage(stderr); return TP_ERROR;
        }
    }
    if (optind != argc) {
        fprintf(stderr, "turnpike: unexpected argument \"%s\"\n",
            argv[optind]);
        main_usage(stderr);
        return TP_ERROR;
    }
    return TP_OK;
}

/*
 * Forks into the background.  The parent waits on <*ready> until the
 * daemon has written its pid file (init systems read it as soon as the
 * parent exits), and exits 0, or 1 if the daemon failed first.
 */
static int
main_daemonize(int logfd, int *ready)
{
    int null, p[2];
    pid_t pid;
    char ok;

    if (pipe2(p, O_CLOEXEC) != 0) {
        fprintf(stderr, "turnpike: pipe: %s\n", strerror(errno));
        return TP_ERROR;
    }
    pid = fork();
    if (pid < 0) {
        fprintf(stderr, "turnpike: fork: %s\n", strerror(errno));
        return TP_ERROR;
    }
    if (pid > 0) {
        close(p[1]);
        _exit(read(p[0], &ok, 1) == 1 ? 0 : 1);
    }
    close(p[0]);
    *ready = p[1];
    if (setsid() < 0 || chdir("/") != 0) {
        return TP_ERROR;
    }
    null = open("/dev/null", O_RDWR);
    if (null >= 0) {
        dup2(null, STDIN_FILENO);
        dup2(null, STDOUT_FILENO);
        close(null);
    }
    dup2(logfd, STDERR_FILENO);
    return TP_OK;
}

static int
main_test(void)
{
    char err[1024];
    struct tp_cycle *c = tp_cycle_load(true, err, sizeof(err));

    if (c == NULL) {
        fprintf(stderr, "turnpike: %s\n", err);
        fprintf(stderr, "turnpike: %s: test failed\n", tp_proc.conf_path);
        return 1;
    }
    fprintf(stderr, "turnpike: %s: syntax ok\n", tp_proc.conf_path);
    fprintf(stderr, "turnpike: %s: test is successful\n", tp_proc.conf_path);
    tp_cycle_free(c);
    return 0;
}

/* The metrics region; the master keeps its memfd open (close-on-exec)
 * for turnpikectl to find in /proc. */
static int
main_metrics(struct tp_cycle *c, char *err, size_t errlen)
{
    uint32_t cap, nblocks;
    int fd;

    tp_mstat_plan(c->model, &cap, &nblocks);
    tp_proc.mstat = tp_mstat_create(cap, nblocks, &fd, err, errlen);
    if (tp_proc.mstat == NULL) {
        return TP_ERROR;
    }
    tp_mstat_prepare(c->model, &c->arena, tp_proc.mstat);
    return TP_OK;
}

static int
main_start(void)
{
    struct tp_cycle *c;
    const struct tp_server_conf *sc;
    static char abs_conf[PATH_MAX];
    char err[1024];
    int logfd = -1, ready = -1, rc;

    /* Reloads happen after chdir("/"): remember where the config is. */
    if (realpath(tp_proc.conf_path, abs_conf) != NULL) {
        tp_proc.conf_path = abs_conf;
    }
    c = tp_cycle_load(false, err, sizeof(err));
    if (c == NULL) {
        fprintf(stderr, "turnpike: %s\n", err);
        return 1;
    }
    c->generation = 1;
    sc = &c->model->server;
    tp_log_level = sc->log_level;
    if (tp_dirs_prepare(c, err, sizeof(err)) != TP_OK) {
        fprintf(stderr, "turnpike: %s\n", err);
        return 1;
    }
    if (!tp_proc.foreground) {
        logfd = open(sc->error_log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
            0644);
        if (logfd < 0) {
            fprintf(stderr, "turnpike: cannot open error log \"%s\": %s\n",
                sc->error_log, strerror(errno));
            return 1;
        }
    }
    if (tp_listen_open(c, NULL, err, sizeof(err)) != TP_OK) {
        fprintf(stderr, "turnpike: %s\n", err);
        return 1;
    }
    tp_proc.shm = tp_shm_create(sc, err, sizeof(err));
    if (tp_proc.shm == NULL || main_metrics(c, err, sizeof(err)) != TP_OK
        || tp_limits_prepare(c->model, NULL, err, sizeof(err)) != TP_OK
        || tp_cache_prepare(c->model, err, sizeof(err)) != TP_OK
        || tp_dirs_check(c, err, sizeof(err)) != TP_OK)
    {
        fprintf(stderr, "turnpike: %s\n", err);
        return 1;
    }
    if (!tp_proc.foreground && main_daemonize(logfd, &ready) != TP_OK) {
        return 1;
    }
    if (logfd >= 0) {
        close(logfd);
    }
    tp_proc.master_pid = getpid();
    tp_proc.mstat->master = tp_proc.master_pid;
    tp_proc.mstat->generation = c->generation;
    tp_proc.cycle = c;
    tp_log_set_tag("master", -1);
    if (tp_pidfile_write(sc->pid_file) != TP_OK) {
        tp_log(TP_LOG_ERROR, errno, "cannot write pid file \"%s\"",
            sc->pid_file);
        return 1;
    }
    if (ready >= 0) {
        (void) !write(ready, "", 1);     /* the parent may exit now */
        close(ready);
    }
    tp_master_signals();
    rc = tp_master_run();
    tp_pidfile_remove(tp_proc.cycle->model->server.pid_file);
    tp_mstat_destroy(tp_proc.mstat);
    return rc;
}

int
main(int argc, char **argv)
{
    struct main_opts o = { false, NULL };

    tp_proctitle_init(argc, argv);
    tp_proc.role = TP_ROLE_MASTER;
    tp_log_set_tag("turnpike", -1);
    if (main_args(argc, argv, &o) != TP_OK) {
        return 1;
    }
    if (o.test) {
        return main_test();
    }
    if (o.signal != NULL) {
        return tp_pidfile_signal(tp_proc.conf_path, tp_proc.prefix, o.signal);
    }
    return main_start();
}
