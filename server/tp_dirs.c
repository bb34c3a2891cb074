/*
 * tp_dirs.c: creating and opening the runtime directories.  Master only.
 */
#include "tp_dirs.h"
#include "tp_accesslog_conf.h"
#include "tp_process.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

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
    return tp_accesslog_open(c, err, errlen);
}
