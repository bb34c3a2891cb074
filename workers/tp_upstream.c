/*
 * tp_upstream.c: backend connections and keep-alive pools.  Workers only.
 */
#include "tp_upstream.h"
#include "tp_log.h"
#include "tp_time.h"
#include "tp_worker.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

static void upstream_handler(struct tp_ev *ev, uint32_t events);

int
tp_upstream_init(struct tp_worker *w)
{
    unsigned n = w->model->nbackends;

    w->pools = calloc(n > 0 ? n : 1, sizeof(*w->pools));
    return w->pools != NULL ? TP_OK : TP_ERROR;
}

static void
upstream_free(struct tp_upconn *u)
{
    tp_timer_del(&u->w->loop.timers, &u->timer);
    tp_loop_defer_free(&u->w->loop, u);
}

/* Unlinks <u> from its backend's idle list. */
static void
upstream_unpool(struct tp_upconn *u)
{
    struct tp_upstream_pool *p = &u->w->pools[u->be->id];
    struct tp_upconn **pp;

    for (pp = &p->idle; *pp != NULL; pp = &(*pp)->next) {
        if (*pp == u) {
            *pp = u->next;
            p->nidle--;
            return;
        }
    }
}

static void
upstream_idle_expired(struct tp_timer *t)
{
    struct tp_upconn *u = TP_CONTAINER_OF(t, struct tp_upconn, timer);

    upstream_unpool(u);
    tp_sock_close(&u->sock);
    u->ev.fd = -1;
    upstream_free(u);
}

static int
upstream_tls_setup(struct tp_upconn *u)
{
    struct tp_backend *be = u->be;
    struct tp_upstream_pool *p = &u->w->pools[be->id];
    struct in6_addr a6;
    struct in_addr a4;
    bool literal = inet_pton(AF_INET, be->host, &a4) == 1
        || inet_pton(AF_INET6, be->host, &a6) == 1;

    u->sock.ssl = SSL_new(be->ssl_ctx);
    if (u->sock.ssl == NULL || SSL_set_fd(u->sock.ssl, u->sock.fd) != 1) {
        return TP_ERROR;
    }
    SSL_set_connect_state(u->sock.ssl);
    if (literal) {
        /* An IP literal is checked against the certificate's IP SANs. */
        X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(u->sock.ssl), be->host);
    } else {
        SSL_set_tlsext_host_name(u->sock.ssl, be->host);
        SSL_set1_host(u->sock.ssl, be->host);
    }
    if (p->session != NULL) {
        SSL_set_session(u->sock.ssl, p->session);
    }
    return TP_OK;
}

struct tp_upconn *
tp_upstream_get(struct tp_worker *w, struct tp_backend *be, bool fresh,
    void *owner, tp_up_fn fn)
{
    struct tp_upstream_pool *p = &w->pools[be->id];
    struct tp_upconn *u = fresh ? NULL : p->idle;
    int fd, one = 1;

    if (u != NULL) {
        p->idle = u->next;
        p->nidle--;
        tp_timer_del(&w->loop.timers, &u->timer);
        u->owner = owner;
        u->on_event = fn;
        u->reused = true;
        u->next = NULL;
        return u;
    }
    fd = socket(be->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK
        | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return NULL;
    }
    u = calloc(1, sizeof(*u));
    if (u == NULL) {
        close(fd);
        return NULL;
    }
    (void) setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    u->ev.handler = upstream_handler;
    u->ev.fd = u->sock.fd = fd;
    u->sock.ring = w->loop.uring;
    u->sock.owner = &u->ev;
    u->w = w;
    u->be = be;
    u->owner = owner;
    u->on_event = fn;
    u->connecting = true;
    tp_timer_init(&u->timer, upstream_idle_expired);
    if ((be->tls && upstream_tls_setup(u) != TP_OK)
        || tp_loop_add(&w->loop, &u->ev) != TP_OK)
    {
        tp_sock_close(&u->sock);
        free(u);
        errno = EPROTO;
        return NULL;
    }
    if (connect(fd, (struct sockaddr *) &be->addr, be->addrlen) != 0
        && errno != EINPROGRESS)
    {
        /* Reported through the owner's callback, like an async failure. */
        u->error = errno;
    }
    return u;
}

void
tp_upstream_abort(struct tp_upconn *u)
{
    tp_sock_abort(&u->sock);
    u->ev.fd = -1;
    upstream_free(u);
}

void
tp_upstream_release(struct tp_upconn *u, bool reusable)
{
    struct tp_worker *w = u->w;
    struct tp_upstream_pool *p = &w->pools[u->be->id];

    u->owner = NULL;
    u->on_event = NULL;
    u->nrequests++;
    if (!reusable || u->rd_eof || w->draining
        || p->nidle >= w->conf->upstream_keepalive
        || u->sock.fd < 0)
    {
        tp_sock_close(&u->sock);
        u->ev.fd = -1;
        upstream_free(u);
        return;
    }
    u->next = p->idle;
    p->idle = u;
    p->nidle++;
    (void) tp_timer_set(&w->loop.timers, &u->timer,
        tp_clock.mono_ms + w->conf->upstream_keepalive_timeout_ms);
}

void
tp_upstream_close_idle(struct tp_worker *w)
{
    unsigned i;

    for (i = 0; i < w->model->nbackends; i++) {
        while (w->pools[i].idle != NULL) {
            struct tp_upconn *u = w->pools[i].idle;

            w->pools[i].idle = u->next;
            w->pools[i].nidle--;
            tp_sock_close(&u->sock);
            u->ev.fd = -1;
            upstream_free(u);
        }
    }
}

/* Finishes TCP connect and TLS handshake; TP_OK when usable. */
static int
upstream_establish(struct tp_upconn *u)
{
    socklen_t len = sizeof(int);
    int err = u->error, rc;

    if (err == 0 && u->sock.ssl == NULL) {
        if (getsockopt(u->sock.fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) {
            err = errno;
        }
    }
    if (err != 0) {
        u->error = err;
        return TP_ERROR;
    }
    if (u->sock.ssl != NULL) {
        rc = tp_sock_handshake(&u->sock);
        if (rc == TP_AGAIN) {
            return TP_AGAIN;
        }
        if (rc != TP_OK) {
            u->error = EPROTO;
            return TP_ERROR;
        }
        if (!SSL_session_reused(u->sock.ssl)) {
            struct tp_upstream_pool *p = &u->w->pools[u->be->id];

            SSL_SESSION_free(p->session);
            p->session = SSL_get1_session(u->sock.ssl);
        }
    }
    u->connecting = false;
    u->wr_ready = true;
    return TP_OK;
}

static void
upstream_handler(struct tp_ev *ev, uint32_t events)
{
    struct tp_upconn *u = TP_CONTAINER_OF(ev, struct tp_upconn, ev);
    int rc;

    if (u->owner == NULL) {
        /* Idle: the backend closed it or sent stray bytes; drop it. */
        upstream_unpool(u);
        tp_sock_close(&u->sock);
        u->ev.fd = -1;
        upstream_free(u);
        return;
    }
    if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
        u->rd_ready = true;
    }
    if (events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
        u->rd_eof = true;
    }
    if (events & (EPOLLOUT | EPOLLHUP | EPOLLERR)) {
        u->wr_ready = true;
    }
    if (u->connecting) {
        if (u->sock.ssl == NULL && !(events & (EPOLLOUT | EPOLLERR
                | EPOLLHUP)) && u->error == 0)
        {
            return;
        }
        rc = upstream_establish(u);
        if (rc == TP_AGAIN) {
            return;
        }
        u->on_event(u->owner, rc == TP_OK ? TP_UP_READY : TP_UP_FAILED,
            events);
        return;
    }
    u->on_event(u->owner, TP_UP_IO, events);
}
