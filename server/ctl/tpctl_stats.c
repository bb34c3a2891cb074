/*
 * tpctl_stats.c: turnpikectl stats [-i SECONDS] [-n COUNT | --once]
 * [--json] [-r]: `top` for the gateway.  Finds the master through the
 * config's pid_file, maps its metrics region read-only (shm/tp_mstat.h)
 * and every interval prints requests per second, 2xx/4xx/5xx per second
 * and the latency quantiles of that interval, and the totals since the
 * start, per API stage (and route).  On a terminal it redraws in place
 * until Ctrl-C; otherwise, or with -n / --once, it prints plain tables
 * (or JSON lines) one after the other.  turnpikectl only.
 */
#include "tpctl_stats.h"
#include "tp_pidfile.h"
#include "tp_time.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define STATS_BEAT_MS 3000           /* a heartbeat older than this: dead */

static volatile sig_atomic_t stats_stop;

static void
stats_on_signal(int sig)
{
    stats_stop = 1;
}

struct stats_run {
    const struct tp_mstat *m;
    pid_t pid;
    const char *pid_file;
    struct tp_mcount *cur, *prev;    /* [series_cap] */
    struct tpctl_sref *order;        /* [series_cap] */
    struct tpctl_srow *rows;         /* [2 * series_cap + 2] */
};

static int
stats_number(const struct tpctl_cmd *cmd, const char *opt, const char *v,
    double lo, double hi, double *out)
{
    char *end;

    errno = 0;
    *out = v != NULL ? strtod(v, &end) : NAN;
    if (v == NULL || end == v || *end != '\0' || errno != 0
        || !(*out >= lo && *out <= hi))
    {
        return tpctl_usage(cmd, "%s needs a number from %g to %g%s%s%s",
            opt, lo, hi, v != NULL ? " (not \"" : "", v != NULL ? v : "",
            v != NULL ? "\")" : "");
    }
    return TPCTL_OK;
}

/* "-x VALUE", "--long VALUE" or "--long=VALUE": 1 (and <*val>), 0, -1. */
static int
stats_opt(int argc, char **argv, int *i, char s, const char *name,
    const char **val)
{
    if (argv[*i][0] == '-' && argv[*i][1] == s && argv[*i][2] == '\0') {
        *val = *i + 1 < argc ? argv[++*i] : NULL;
        return 1;
    }
    switch (tpctl_opt(argc, argv, i, name, val)) {
    case 1:
        return 1;
    case -1:
        *val = NULL;
        return 1;
    default:
        return 0;
    }
}

static int
stats_args(const struct tpctl_cmd *cmd, int argc, char **argv,
    struct tpctl_stats_opts *o)
{
    const char *v;
    double d;
    int i, rc;

    *o = (struct tpctl_stats_opts) { 1.0, 0, false, false, false };
    for (i = 0; i < argc; i++) {
        const char *a = argv[i];

        if (stats_opt(argc, argv, &i, 'i', "interval", &v)) {
            rc = stats_number(cmd, "-i", v, 0.1, 3600, &o->interval);
        } else if (stats_opt(argc, argv, &i, 'n', "count", &v)) {
            rc = stats_number(cmd, "-n", v, 1, 1e9, &d);
            o->count = (long) d;
            if (rc == TPCTL_OK && d != (double) o->count) {
                rc = tpctl_usage(cmd, "-n needs a whole number");
            }
        } else if (strcmp(a, "--once") == 0) {
            o->count = 1;
            rc = TPCTL_OK;
        } else if (strcmp(a, "--json") == 0) {
            o->json = true;
            rc = TPCTL_OK;
        } else if (strcmp(a, "-r") == 0 || strcmp(a, "--routes") == 0) {
            o->routes = true;
            rc = TPCTL_OK;
        } else {
            rc = tpctl_bad_arg(cmd, a);
        }
        if (rc != TPCTL_OK) {
            return rc;
        }
    }
    o->live = o->count == 0 && !o->json && isatty(STDOUT_FILENO);
    return TPCTL_OK;
}

/* The master: its pid from the pid file, alive. */
static int
stats_master(const struct tpctl *c, struct stats_run *run)
{
    struct stat sb;

    run->pid_file = c->m->server.pid_file;
    if (stat(run->pid_file, &sb) != 0 && errno != EACCES) {
        return tpctl_fail("turnpike is not running (pid file %s: %s)",
            run->pid_file, strerror(errno));
    }
    if (access(run->pid_file, R_OK) != 0) {
        return tpctl_fail("cannot read the pid file %s: %s%s",
            run->pid_file, strerror(errno), errno == EACCES
            ? " (run as root or as the user turnpike runs as)" : "");
    }
    run->pid = tp_pidfile_read(run->pid_file);
    if (run->pid <= 0) {
        return tpctl_fail("pid file %s holds no pid", run->pid_file);
    }
    if (kill(run->pid, 0) != 0 && errno == ESRCH) {
        return tpctl_fail("turnpike is not running (no process %d, the pid "
            "in %s)", (int) run->pid, run->pid_file);
    }
    return TPCTL_OK;
}

/* Has the master gone (a zombie counts as gone)? */
static bool
stats_master_gone(pid_t pid)
{
    char path[64], buf[256], *p;
    FILE *f;
    size_t n;

    if (kill(pid, 0) != 0 && errno == ESRCH) {
        return true;
    }
    snprintf(path, sizeof(path), "/proc/%d/stat", (int) pid);
    f = fopen(path, "r");
    if (f == NULL) {
        return errno == ENOENT;
    }
    n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    p = strrchr(buf, ')');
    return p != NULL && (p[2] == 'Z' || p[2] == 'X');
}

static uint64_t
stats_real_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t) ts.tv_sec * 1000 + (uint64_t) ts.tv_nsec / 1000000;
}

/* Sums every series into run->cur. */
static uint32_t
stats_read(struct stats_run *run)
{
    uint32_t n = tp_mstat_nseries(run->m), s;

    if (n > run->m->series_cap) {
        n = run->m->series_cap;
    }
    for (s = 0; s < n; s++) {
        tp_mstat_sum(run->m, s, &run->cur[s]);
    }
    return n;
}

/* The processes alive: a pid and a heartbeat of the last seconds. */
static void
stats_blocks(const struct tp_mstat *m, struct tpctl_sframe *fr)
{
    unsigned b;

    for (b = 0; b < m->nblocks; b++) {
        const struct tp_mblock *k = tp_mstat_block(m, b);
        uint64_t beat = __atomic_load_n(&k->beat_ms, __ATOMIC_RELAXED);

        if (__atomic_load_n(&k->pid, __ATOMIC_RELAXED) == 0
            || beat + STATS_BEAT_MS < fr->now_ms)
        {
            continue;
        }
        if (k->role == TP_MB_FNHOST) {
            fr->fnhost = true;
        } else if (k->role == TP_MB_WORKER) {
            fr->workers++;
            fr->draining += k->draining;
        }
    }
}

static int
stats_height(void)
{
    struct winsize ws;

    return ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 ? ws.ws_row : 0;
}

/* Sleeps until <deadline> (monotonic ns); false when told to stop. */
static bool
stats_sleep(uint64_t deadline)
{
    struct timespec ts = { (time_t) (deadline / 1000000000ull),
                           (long) (deadline % 1000000000ull) };

    while (!stats_stop) {
        if (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL)
            == 0)
        {
            return !stats_stop;
        }
    }
    return false;
}

static int
stats_loop(struct stats_run *run, const struct tpctl_stats_opts *o)
{
    struct tpctl_sframe fr;
    uint64_t last, now;
    uint64_t step = (uint64_t) (o->interval * 1e9);
    struct tp_mcount *t;
    uint32_t n;
    long k;

    stats_read(run);
    last = tp_time_mono_ns();
    t = run->prev, run->prev = run->cur, run->cur = t;
    for (k = 1; o->count == 0 || k <= o->count; k++) {
        /* from the last reading: an interval is never shorter than asked,
         * also after a refresh that came late */
        if (!stats_sleep(last + step)) {
            return TPCTL_OK;
        }
        if (stats_master_gone(run->pid)) {
            return tpctl_fail("turnpike (pid %d) exited", (int) run->pid);
        }
        n = stats_read(run);
        now = tp_time_mono_ns();
        memset(&fr, 0, sizeof(fr));
        fr.o = o;
        fr.master = run->pid;
        fr.now_ms = stats_real_ms();
        fr.uptime_ms = fr.now_ms > run->m->created_ms
            ? fr.now_ms - run->m->created_ms : 0;
        fr.seconds = (double) (now - last) / 1e9;
        fr.rows = run->rows;
        fr.nrows = tpctl_stats_rows(run->m, n, run->cur, run->prev,
            o->routes, run->order, run->rows);
        stats_blocks(run->m, &fr);
        if (o->json) {
            tpctl_stats_json(stdout, &fr);
        } else {
            tpctl_stats_table(stdout, &fr, o->live ? stats_height() : 0,
                o->live);
        }
        if (fflush(stdout) != 0) {
            return TPCTL_FAIL;
        }
        last = now;
        t = run->prev, run->prev = run->cur, run->cur = t;
    }
    return TPCTL_OK;
}

int
tpctl_stats(struct tpctl *c, const struct tpctl_cmd *cmd, int argc,
    char **argv)
{
    struct tpctl_stats_opts o;
    struct stats_run run;
    struct sigaction sa;
    char err[512];
    size_t cap;
    int rc;

    rc = stats_args(cmd, argc, argv, &o);
    if (rc != TPCTL_OK) {
        return rc;
    }
    if (tpctl_load(c) != TPCTL_OK) {
        return TPCTL_FAIL;
    }
    memset(&run, 0, sizeof(run));
    if (stats_master(c, &run) != TPCTL_OK) {
        return TPCTL_FAIL;
    }
    run.m = tp_mstat_attach(run.pid, err, sizeof(err));
    if (run.m == NULL) {
        return tpctl_fail("%s", err);
    }
    if (!c->m->server.metrics.enabled) {
        fprintf(stderr, "turnpikectl: warning: metrics.enabled is false in "
            "%s: requests are not counted\n", c->conf_path);
    }
    cap = run.m->series_cap;
    run.cur = calloc(cap, sizeof(*run.cur));
    run.prev = calloc(cap, sizeof(*run.prev));
    run.order = calloc(cap, sizeof(*run.order));
    run.rows = calloc(2 * cap + 2, sizeof(*run.rows));
    if (run.cur == NULL || run.prev == NULL || run.order == NULL
        || run.rows == NULL)
    {
        rc = tpctl_fail("out of memory");
    } else {
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = stats_on_signal;
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        if (o.live) {
            /* no cursor; no autowrap: a line wider than the terminal is
             * cut rather than scrolling the redraw away */
            fputs("\033[?25l\033[?7l\033[H\033[2J", stdout);
        }
        rc = stats_loop(&run, &o);
        if (o.live) {
            fputs("\033[?7h\033[?25h", stdout);
        }
    }
    free(run.cur);
    free(run.prev);
    free(run.order);
    free(run.rows);
    tp_mstat_detach(run.m);
    return rc;
}
