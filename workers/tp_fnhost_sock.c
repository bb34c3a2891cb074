/*
 * tp_fnhost_sock.c: the function host's Unix socket, made by the master
 * before it forks a generation, so that workers can invoke from their
 * first request on and a respawned host takes over the same socket.  It
 * lives in data_dir (the worker user's, closed to others) and belongs to
 * the worker user, mode 0600.
 */
#include "tp_fnhost.h"
#include "tp_dirs.h"
#include "tp_process.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static void
fnhost_sock_name(const struct tp_cycle *c, char *buf, size_t len)
{
    snprintf(buf, len, "fnhost-%u.sock", c->generation);
}

const char *
tp_fnhost_sock_path(const struct tp_cycle *c, char *buf, size_t len)
{
    char dir[64], name[32];
    int n;

    fnhost_sock_name(c, name, sizeof(name));
    n = snprintf(buf, len, "%s/%s",
        tp_dirs_data_path(c, dir, sizeof(dir)), name);
    if (n < 0 || (size_t) n >= len
        || (size_t) n >= sizeof(((struct sockaddr_un *) 0)->sun_path))
    {
        buf[0] = '\0';
    }
    return buf;
}

static void
fnhost_sock_close(void *data)
{
    tp_fnhost_unlisten(data);
}

void
tp_fnhost_unlisten(struct tp_cycle *c)
{
    char name[32];

    if (c->fn_fd >= 0) {
        close(c->fn_fd);
        c->fn_fd = -1;
        fnhost_sock_name(c, name, sizeof(name));
        if (c->data_fd >= 0) {
            (void) unlinkat(c->data_fd, name, 0);
        }
    }
}

int
tp_fnhost_listen(struct tp_cycle *c, char *err, size_t errlen)
{
    struct sockaddr_un sa;
    char name[32];
    uid_t uid;
    gid_t gid;
    int fd;

    if (c->model->nfunctions == 0) {
        return TP_OK;
    }
    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    if (tp_fnhost_sock_path(c, sa.sun_path, sizeof(sa.sun_path))[0] == '\0'
        || c->data_fd < 0)
    {
        snprintf(err, errlen, "data_dir \"%s\": too long a path for the "
            "function host's socket", c->model->server.data_dir);
        return TP_ERROR;
    }
    fnhost_sock_name(c, name, sizeof(name));
    (void) unlinkat(c->data_fd, name, 0);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *) &sa, sizeof(sa)) != 0
        || fchmodat(c->data_fd, name, 0600, 0) != 0
        || (geteuid() == 0
            && (tp_process_worker_ids(&c->model->server, &uid, &gid)
                    != TP_OK
                || fchownat(c->data_fd, name, uid, gid, 0) != 0))
        || listen(fd, 512) != 0)
    {
        snprintf(err, errlen, "function host socket \"%s/%s\": %s",
            c->model->server.data_dir, name, strerror(errno));
        if (fd >= 0) {
            close(fd);
        }
        return TP_ERROR;
    }
    c->fn_fd = fd;
    if (tp_arena_cleanup_add(&c->arena, fnhost_sock_close, c) != TP_OK) {
        fnhost_sock_close(c);
        snprintf(err, errlen, "out of memory");
        return TP_ERROR;
    }
    return TP_OK;
}

static bool
fnhost_str_eq(const char *a, const char *b)
{
    return (a == NULL && b == NULL)
        || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static bool
fnhost_fn_same(const struct tp_function *a, const struct tp_function *b)
{
    unsigned i;

    if (strcmp(a->name, b->name) != 0 || strcmp(a->command, b->command) != 0
        || strcmp(a->handler, b->handler) != 0
        || a->memory_mb != b->memory_mb || a->timeout_s != b->timeout_s
        || a->concurrency != b->concurrency || a->warm != b->warm
        || a->idle_timeout_s != b->idle_timeout_s
        || a->nenv != b->nenv)
    {
        return false;
    }
    for (i = 0; i < a->nenv; i++) {
        if (strcmp(a->env[i].name, b->env[i].name) != 0
            || strcmp(a->env[i].value, b->env[i].value) != 0)
        {
            return false;
        }
    }
    return true;
}

bool
tp_fnhost_same(const struct tp_model *old, const struct tp_model *new)
{
    const struct tp_server_conf *a = &old->server, *b = &new->server;
    unsigned i;

    if (old->nfunctions != new->nfunctions || new->nfunctions == 0
        || !fnhost_str_eq(a->region, b->region)
        || !fnhost_str_eq(a->account_id, b->account_id)
        || !fnhost_str_eq(a->data_dir, b->data_dir)
        || !fnhost_str_eq(a->user, b->user)
        || !fnhost_str_eq(a->group, b->group))
    {
        return false;
    }
    for (i = 0; i < new->nfunctions; i++) {
        if (!fnhost_fn_same(&old->functions[i], &new->functions[i])) {
            return false;
        }
    }
    return true;
}
