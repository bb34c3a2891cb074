/*
 * tp_listen.c: socket(), bind(), listen() for each listener.  Master only.
 */
#include "tp_listen.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#define TP_LISTEN_BACKLOG 4096

static int
listen_bind(struct tp_listener *l, char *err, size_t errlen)
{
    int fd, one = 1;

    fd = socket(l->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
        0);
    if (fd < 0 && l->optional && errno == EAFNOSUPPORT) {
        return TP_DECLINED;          /* no IPv6 here: "*" means IPv4 */
    }
    if (fd < 0) {
        snprintf(err, errlen, "socket() for %s failed: %s", l->address,
            strerror(errno));
        return TP_ERROR;
    }
    /* A v6 wildcard must not swallow the v4 one that "*:port" also binds. */
    if (l->addr.ss_family == AF_INET6) {
        (void) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
    }
    (void) setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    (void) setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if (bind(fd, (struct sockaddr *) &l->addr, l->addrlen) != 0
        || listen(fd, TP_LISTEN_BACKLOG) != 0)
    {
        if (l->optional && errno == EADDRNOTAVAIL) {
            close(fd);
            return TP_DECLINED;
        }
        snprintf(err, errlen, "%s:%d: cannot listen on %s: %s", l->src.file,
            l->src.line, l->address, strerror(errno));
        close(fd);
        return TP_ERROR;
    }
    l->fd = fd;
    return TP_OK;
}

int
tp_listen_open(struct tp_cycle *c, struct tp_cycle *old, char *err,
    size_t errlen)
{
    struct tp_model *m = c->model;
    unsigned i, j;

    for (i = 0; i < m->nlisteners; i++) {
        struct tp_listener *l = &m->listeners[i];

        for (j = 0; old != NULL && j < old->model->nlisteners; j++) {
            struct tp_listener *o = &old->model->listeners[j];

            if (o->fd >= 0 && o->addrlen == l->addrlen
                && memcmp(&o->addr, &l->addr, l->addrlen) == 0)
            {
                l->fd = o->fd;       /* shared until the old cycle is freed */
                break;
            }
        }
        if (l->fd < 0 && listen_bind(l, err, errlen) == TP_ERROR) {
            tp_listen_close(c, old);
            return TP_ERROR;
        }
    }
    return TP_OK;
}

static bool
listen_in(const struct tp_cycle *c, int fd)
{
    unsigned i;

    for (i = 0; c != NULL && i < c->model->nlisteners; i++) {
        if (c->model->listeners[i].fd == fd) {
            return true;
        }
    }
    return false;
}

void
tp_listen_close(struct tp_cycle *c, const struct tp_cycle *keep)
{
    unsigned i;

    for (i = 0; i < c->model->nlisteners; i++) {
        int fd = c->model->listeners[i].fd;

        if (fd >= 0 && !listen_in(keep, fd)) {
            close(fd);
        }
        c->model->listeners[i].fd = -1;
    }
}
