/*
 * tp_fnhost_spawn.c: starting one instance of a function: its command
 * with the environment of a Lambda custom runtime (lambda.md section 9),
 * in LAMBDA_TASK_ROOT, as the function host's (unprivileged) user, in a
 * process group of its own (killed whole on a timeout), stdout and
 * stderr appended to the function's log, killed if the host dies.
 */
#include "tp_fnhost_int.h"
#include "tp_cycle.h"
#include "tp_log.h"
#include "tp_time.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#define FH_ENV_FIXED 18              /* variables the host sets */

struct fh_env {
    char **vars;
    size_t n, cap;
};

static int
env_add(struct fh_env *e, const char *name, const char *value)
{
    size_t len = strlen(name) + strlen(value) + 2;
    char *v = malloc(len);

    if (v == NULL || e->n + 1 >= e->cap) {
        free(v);
        return TP_ERROR;
    }
    snprintf(v, len, "%s=%s", name, value);
    e->vars[e->n++] = v;
    e->vars[e->n] = NULL;
    return TP_OK;
}

static void
env_free(struct fh_env *e)
{
    size_t i;

    for (i = 0; i < e->n; i++) {
        free(e->vars[i]);
    }
    free(e->vars);
}

static int
env_build(struct fh_pool *p, uint16_t port, struct fh_env *e)
{
    const struct tp_function *fn = p->fn;
    const struct tp_server_conf *sc = &p->host->model->server;
    char api[32], mem[16], stream[96], group[96], hex[33], day[16];
    time_t now = time(NULL);
    struct tm tm;
    int rc = TP_OK;
    unsigned i;

    e->cap = FH_ENV_FIXED + fn->nenv + 1;
    e->n = 0;
    e->vars = calloc(e->cap, sizeof(*e->vars));
    if (e->vars == NULL) {
        return TP_ERROR;
    }
    gmtime_r(&now, &tm);
    strftime(day, sizeof(day), "%Y/%m/%d", &tm);
    fh_random_hex(p->host, hex, 32);
    snprintf(api, sizeof(api), "127.0.0.1:%u", (unsigned) port);
    snprintf(mem, sizeof(mem), "%u", fn->memory_mb);
    snprintf(group, sizeof(group), "/aws/lambda/%s", fn->name);
    snprintf(stream, sizeof(stream), "%s/[$LATEST]%s", day, hex);
    /* The user's first: nothing reserved can be among them (config). */
    for (i = 0; i < fn->nenv; i++) {
        rc |= env_add(e, fn->env[i].name, fn->env[i].value);
    }
    rc |= env_add(e, "PATH", "/usr/local/bin:/usr/bin/:/bin:/opt/bin");
    rc |= env_add(e, "LANG", "en_US.UTF-8");
    rc |= env_add(e, "TZ", ":UTC");
    rc |= env_add(e, "AWS_LAMBDA_RUNTIME_API", api);
    rc |= env_add(e, "_HANDLER", fn->handler);
    rc |= env_add(e, "AWS_LAMBDA_FUNCTION_NAME", fn->name);
    rc |= env_add(e, "AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
    rc |= env_add(e, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", mem);
    rc |= env_add(e, "AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
    rc |= env_add(e, "AWS_LAMBDA_LOG_GROUP_NAME", group);
    rc |= env_add(e, "AWS_LAMBDA_LOG_STREAM_NAME", stream);
    rc |= env_add(e, "LAMBDA_TASK_ROOT", fn->task_root);
    rc |= env_add(e, "LAMBDA_RUNTIME_DIR", fn->task_root);
    rc |= env_add(e, "AWS_REGION", sc->region);
    rc |= env_add(e, "AWS_DEFAULT_REGION", sc->region);
    return rc == TP_OK ? TP_OK : TP_ERROR;
}

/* The child between fork() and exec(): nothing that allocates. */
static void __attribute__((noreturn))
spawn_child(struct fh_pool *p, char **envp, int log_fd)
{
    const struct tp_function *fn = p->fn;
    char *argv[2] = { (char *) fn->command, NULL };
    sigset_t none;
    int null_fd;

    (void) setpgid(0, 0);
    (void) prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() == 1) {
        _exit(127);
    }
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    /* Ignored dispositions survive execve(): the master's and the host's
     * must not reach the function. */
    signal(SIGPIPE, SIG_DFL);
    signal(SIGALRM, SIG_DFL);
    null_fd = open("/dev/null", O_RDWR);
    if (null_fd >= 0) {
        dup2(null_fd, STDIN_FILENO);
    }
    if (log_fd < 0) {
        log_fd = null_fd;
    }
    if (log_fd >= 0) {
        dup2(log_fd, STDOUT_FILENO);
        dup2(log_fd, STDERR_FILENO);
    }
    if (chdir(fn->task_root) != 0) {
        dprintf(STDERR_FILENO, "Runtime.InvalidWorkingDir: %s: %s\n",
            fn->task_root, strerror(errno));
        _exit(126);
    }
    execve(fn->command, argv, envp);
    dprintf(STDERR_FILENO, "Runtime.InvalidEntrypoint: %s: %s\n",
        fn->command, strerror(errno));
    _exit(127);
}

pid_t
fh_spawn(struct fh_pool *p, uint16_t port)
{
    struct fh_env e;
    pid_t pid;

    if (env_build(p, port, &e) != TP_OK) {
        env_free(&e);
        return -1;
    }
    pid = fork();
    if (pid == 0) {
        spawn_child(p, e.vars, p->log_fd);
    }
    if (pid < 0) {
        tp_log(TP_LOG_ERROR, errno, "function \"%s\": fork() failed",
            p->fn->name);
    } else {
        /* Also here: a kill(-pid) right after the fork must not miss. */
        (void) setpgid(pid, pid);
        tp_log(TP_LOG_INFO, 0, "function \"%s\": instance pid %d started, "
            "Runtime API 127.0.0.1:%u", p->fn->name, (int) pid,
            (unsigned) port);
    }
    env_free(&e);
    return pid;
}
