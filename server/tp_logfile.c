/*
 * tp_logfile.c: a model's log files (tp_logfile.h): registration at load,
 * opening and reopening in the master, taking reopened files over in the
 * children.
 */
#include "tp_logfile.h"
#include "tp_dirs.h"
#include "tp_log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

void
tp_logfile_add(struct tp_model *m, struct tp_logfile *lf)
{
    struct tp_logfile **tail = &m->logfiles;
    unsigned num = 0;

    while (*tail != NULL) {
        tail = &(*tail)->next;
        num++;
    }
    lf->fd = -1;
    lf->shares_fd = false;
    lf->num = num;
    lf->owner = lf;
    lf->next = NULL;
    *tail = lf;
}

/* A file that owns its descriptor (the first to name its file). */
static bool
lf_owns_fd(const struct tp_logfile *lf)
{
    return lf->fd >= 0 && !lf->shares_fd;
}

static void
lf_close_all(void *data)
{
    struct tp_cycle *cy = data;
    struct tp_logfile *lf;

    for (lf = cy->model->logfiles; lf != NULL; lf = lf->next) {
        if (lf_owns_fd(lf)) {
            close(lf->fd);
        }
    }
    for (lf = cy->model->logfiles; lf != NULL; lf = lf->next) {
        lf->fd = -1;
    }
}

/* O_NONBLOCK: a FIFO must never stall a worker (regular files ignore it). */
static int
lf_open_path(const char *path)
{
    if (tp_dirs_mkdirs(path, false) != TP_OK) {
        return -1;
    }
    return open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NONBLOCK,
        0644);
}

/* An earlier file of <m> (before <lf>) with the same path or inode. */
static struct tp_logfile *
lf_same_file(const struct tp_model *m, const struct tp_logfile *lf,
    const struct stat *sb)
{
    struct tp_logfile *o;

    for (o = m->logfiles; o != NULL && o != lf; o = o->next) {
        if (!lf_owns_fd(o)) {
            continue;
        }
        if (sb == NULL ? strcmp(o->path, lf->path) == 0
            : (o->dev == sb->st_dev && o->ino == sb->st_ino))
        {
            return o;
        }
    }
    return NULL;
}

/*
 * <lf> writes to <owner>'s descriptor: a worker keeps one buffer per
 * descriptor, so the owner takes the larger buffer and the shorter flush
 * of the two (an unbuffered log naming a buffered log's file is buffered
 * too; lines stay whole either way).
 */
static void
lf_share(struct tp_logfile *owner, struct tp_logfile *lf)
{
    if (lf->buffer > 0 && (owner->buffer == 0 || lf->flush_s
            < owner->flush_s))
    {
        owner->flush_s = lf->flush_s;
    }
    owner->buffer = TP_MAX(owner->buffer, lf->buffer);
    lf->fd = owner->fd;
    lf->shares_fd = true;
    lf->owner = owner;
}

static int
lf_open_one(const struct tp_model *m, struct tp_logfile *lf, char *err,
    size_t errlen)
{
    struct tp_logfile *same = lf_same_file(m, lf, NULL);
    struct stat sb;
    int fd;

    if (same == NULL) {
        fd = lf_open_path(lf->path);
        if (fd < 0 || fstat(fd, &sb) != 0) {
            snprintf(err, errlen, "%s:%d: cannot open %s \"%s\": %s",
                lf->src.file, lf->src.line, lf->what, lf->path,
                strerror(errno));
            if (fd >= 0) {
                close(fd);
            }
            return TP_ERROR;
        }
        lf->dev = sb.st_dev;
        lf->ino = sb.st_ino;
        same = lf_same_file(m, lf, &sb);     /* another name, same file */
        if (same == NULL) {
            lf->fd = fd;
            return TP_OK;
        }
        close(fd);
    }
    lf_share(same, lf);
    return TP_OK;
}

int
tp_logfile_open_all(struct tp_cycle *cy, char *err, size_t errlen)
{
    struct tp_logfile *lf;

    /* Registered first, so a failure half way closes what was opened. */
    if (tp_arena_cleanup_add(&cy->arena, lf_close_all, cy) != TP_OK) {
        snprintf(err, errlen, "out of memory");
        return TP_ERROR;
    }
    for (lf = cy->model->logfiles; lf != NULL; lf = lf->next) {
        if (lf_open_one(cy->model, lf, err, errlen) != TP_OK) {
            return TP_ERROR;
        }
    }
    return TP_OK;
}

void
tp_logfile_reopen_all(struct tp_cycle *cy)
{
    struct tp_logfile *lf;
    int fd;

    for (lf = cy->model->logfiles; lf != NULL; lf = lf->next) {
        if (!lf_owns_fd(lf)) {
            continue;
        }
        fd = lf_open_path(lf->path);
        if (fd < 0) {
            tp_log(TP_LOG_ERROR, errno, "reopen of %s \"%s\" failed; lines "
                "still go to the old file", lf->what, lf->path);
            continue;
        }
        /* dup3 keeps close-on-exec, which dup2 would clear. */
        if (dup3(fd, lf->fd, O_CLOEXEC) < 0) {
            tp_log(TP_LOG_ERROR, errno, "reopen of %s \"%s\"", lf->what,
                lf->path);
        }
        close(fd);
    }
}

unsigned
tp_logfile_fds(const struct tp_model *m, unsigned first, int *fds,
    unsigned max)
{
    const struct tp_logfile *lf;
    unsigned k = 0, n = 0;

    for (lf = m->logfiles; lf != NULL && n < max; lf = lf->next) {
        if (lf_owns_fd(lf) && k++ >= first) {
            fds[n++] = lf->fd;
        }
    }
    return n;
}

void
tp_logfile_reopened(const struct tp_model *m,
    const struct tp_channel_msg *msg)
{
    int own[TP_CHANNEL_MAX_FDS];
    unsigned skip = 0, k, have;

    if (msg->cmd != TP_CMD_REOPEN) {
        return;
    }
    if ((msg->arg & TP_REOPEN_ERRLOG) != 0 && msg->nfds > 0) {
        dup2(msg->fds[0], STDERR_FILENO);
        skip = 1;
    }
    if (m == NULL) {
        return;
    }
    have = tp_logfile_fds(m, TP_REOPEN_FIRST(msg->arg), own,
        msg->nfds - skip);
    for (k = 0; k < have; k++) {
        /* dup3, not dup2: keeps close-on-exec on our descriptor. */
        if (dup3(msg->fds[skip + k], own[k], O_CLOEXEC) < 0) {
            tp_log(TP_LOG_ERROR, errno, "reopen of a log file");
        }
    }
}
