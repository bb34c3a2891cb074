/*
 * tp_dirs.c: creating and opening the runtime directories.  Master only.
 */
#include "tp_dirs.h"
#include "tp_logfile.h"
#include "tp_process.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* Files under data_dir the workers open read-write, when they exist. */
static const char *const dirs_worker_files[] = {
    "", "/state", "/cache", "/state/data.mdb", "/state/lock.mdb",
    "/cache/data.mdb", "/cache/lock.mdb"
};

int
tp_dirs_mkdirs(const char *path, bool is_dir)
{
    char buf[4096];
    size_t i, len = strlen(path);

    if (len >= sizeof(buf)) {
        errno = ENAMETOOLONG;
        return TP_ERROR;
    }
    memcpy(buf, path, len + 1);
    if (!is_dir) {
        char *slash = strrchr(buf, '/');

        if (slash == NULL || slash == buf) {
            return TP_OK;
        }
        *slash = '\0';
        len = strlen(buf);
    }
    for (i = 1; i <= len; i++) {
        if (buf[i] == '/' || buf[i] == '\0') {
            char c = buf[i];

            buf[i] = '\0';
            if (mkdir(buf, 0755) != 0 && errno != EEXIST) {
                return TP_ERROR;
            }
            buf[i] = c;
        }
    }
    return TP_OK;
}

/* In a child that has dropped privileges as a worker does: the first of
 * dirs_worker_files it cannot use; 0 when it can use them all. */
static void __attribute__((noreturn))
dirs_probe_child(const struct tp_cycle *c, int fd)
{
    const struct tp_server_conf *sc = &c->model->server;
    char base[64], path[4096], msg[4200];
    unsigned i;
    int mode;

    if (tp_process_drop_privileges(sc) != TP_OK) {
        _exit(1);
    }
    for (i = 0; i < TP_NELEM(dirs_worker_files); i++) {
        snprintf(path, sizeof(path), "%s%s",
            tp_dirs_data_path(c, base, sizeof(base)), dirs_worker_files[i]);
        mode = i < 3 ? R_OK | W_OK | X_OK : R_OK | W_OK;
        if (access(path, mode) != 0 && (i == 0 || errno != ENOENT)) {
            int n = snprintf(msg, sizeof(msg), "data_dir \"%s%s\": %s",
                sc->data_dir, dirs_worker_files[i], strerror(errno));

            (void) !write(fd, msg, (size_t) TP_MIN(n, (int) sizeof(msg)));
            _exit(1);
        }
    }
    /* The function host starts functions as this user too. */
    for (i = 0; i < c->model->nfunctions; i++) {
        const struct tp_function *f = &c->model->functions[i];

        if (access(f->command, X_OK) != 0) {
            int n = snprintf(msg, sizeof(msg), "function \"%s\": command "
                "\"%s\": %s", f->name, f->command, strerror(errno));

            (void) !write(fd, msg, (size_t) TP_MIN(n, (int) sizeof(msg)));
            _exit(1);
        }
    }
    _exit(0);
}

int
tp_dirs_check(const struct tp_cycle *c, char *err, size_t errlen)
{
    const struct tp_server_conf *sc = &c->model->server;
    char msg[4200];
    int fds[2], status;
    ssize_t n;
    pid_t pid;
    uid_t uid;
    gid_t gid;

    if (geteuid() != 0 || tp_process_worker_ids(sc, &uid, &gid) != TP_OK
        || uid == 0)
    {
        return TP_OK;                /* the workers are the master's user */
    }
    if (pipe2(fds, O_CLOEXEC) != 0) {
        snprintf(err, errlen, "pipe: %s", strerror(errno));
        return TP_ERROR;
    }
    pid = fork();
    if (pid == 0) {
        close(fds[0]);
        dirs_probe_child(c, fds[1]);
    }
    close(fds[1]);
    n = pid > 0 ? read(fds[0], msg, sizeof(msg) - 1) : -1;
    close(fds[0]);
    if (pid < 0 || waitpid(pid, &status, 0) != pid) {
        snprintf(err, errlen, "cannot check data_dir: %s", strerror(errno));
        return TP_ERROR;
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        return TP_OK;
    }
    msg[n > 0 ? n : 0] = '\0';
    snprintf(err, errlen, "the workers' user \"%s\" cannot use %s (check "
        "the owner and mode, or set server.user)",
        sc->user != NULL ? sc->user : "nobody",
        n > 0 ? msg : "it (dropping privileges failed)");
    return TP_ERROR;
}

const char *
tp_dirs_data_path(const struct tp_cycle *c, char *buf, size_t len)
{
    if (c->data_fd < 0) {
        return c->model->server.data_dir;
    }
    snprintf(buf, len, "/proc/self/fd/%d", c->data_fd);
    return access(buf, F_OK) == 0 ? buf : c->model->server.data_dir;
}

static void
dirs_close(void *data)
{
    struct tp_cycle *c = data;

    if (c->data_fd >= 0) {
        close(c->data_fd);
        c->data_fd = -1;
    }
}

int
tp_dirs_prepare(struct tp_cycle *c, char *err, size_t errlen)
{
    const struct tp_server_conf *sc = &c->model->server;
    const char *what = sc->pid_file;
    uid_t uid;
    gid_t gid;

    if (tp_dirs_mkdirs(sc->pid_file, false) != TP_OK
        || (what = sc->error_log, !tp_proc.foreground
            && tp_dirs_mkdirs(sc->error_log, false) != TP_OK)
        || (what = sc->data_dir, tp_dirs_mkdirs(sc->data_dir, true) != TP_OK))
    {
        snprintf(err, errlen, "cannot create the directory for \"%s\": %s",
            what, strerror(errno));
        return TP_ERROR;
    }
    if (geteuid() == 0) {
        if (tp_process_worker_ids(sc, &uid, &gid) != TP_OK) {
            snprintf(err, errlen, "unknown worker user or group");
            return TP_ERROR;
        }
        if (chown(sc->data_dir, uid, gid) != 0) {
            snprintf(err, errlen, "chown \"%s\": %s", sc->data_dir,
                strerror(errno));
            return TP_ERROR;
        }
    }
    c->data_fd = open(sc->data_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (c->data_fd < 0
        || tp_arena_cleanup_add(&c->arena, dirs_close, c) != TP_OK)
    {
        snprintf(err, errlen, "cannot open \"%s\": %s", sc->data_dir,
            strerror(errno));
        return TP_ERROR;
    }
    /* Here, before any worker of <c> is forked: workers inherit them. */
    return tp_logfile_open_all(c, err, errlen);
}
