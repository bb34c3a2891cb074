/*
 * tp_sock.c: plain/TLS reads and writes, handshakes, closes.  Workers only.
 */
#include "tp_sock.h"
#include "tp_uring.h"

#include <errno.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

/* TLS writes coalesce small iovecs up to this size into one record. */
#define TLS_COALESCE 16384

static ssize_t
sock_ssl_result(SSL *ssl, int n)
{
    switch (SSL_get_error(ssl, n)) {
    case SSL_ERROR_WANT_READ:
    case SSL_ERROR_WANT_WRITE:
        return TP_AGAIN;
    case SSL_ERROR_ZERO_RETURN:
        return 0;
    case SSL_ERROR_SYSCALL:
        /* EOF without close_notify: treat as end of stream for reads. */
        ERR_clear_error();
        return errno == 0 ? 0 : TP_ERROR;
    default:
        ERR_clear_error();
        errno = EPROTO;
        return TP_ERROR;
    }
}

ssize_t
tp_sock_read(struct tp_sock *s, void *buf, size_t len)
{
    ssize_t n;
    int r;

    if (s->ssl == NULL) {
        n = recv(s->fd, buf, len, 0);
        if (n >= 0) {
            return n;
        }
        return errno == EAGAIN || errno == EINTR ? TP_AGAIN : TP_ERROR;
    }
    errno = 0;
    r = SSL_read(s->ssl, buf, (int) TP_MIN(len, (size_t) INT32_MAX));
    return r > 0 ? r : sock_ssl_result(s->ssl, r);
}

static ssize_t
sock_ssl_writev(SSL *ssl, const struct iovec *iov, int iovcnt)
{
    char tmp[TLS_COALESCE];
    size_t len = 0;
    int i, r;

    /* A single large iovec goes out directly; small ones are merged so a
     * response head and its body share one TLS record. */
    for (i = 0; i < iovcnt && len + iov[i].iov_len <= sizeof(tmp); i++) {
        memcpy(tmp + len, iov[i].iov_base, iov[i].iov_len);
        len += iov[i].iov_len;
    }
    errno = 0;
    if (len == 0) {
        r = SSL_write(ssl, iov[0].iov_base,
            (int) TP_MIN(iov[0].iov_len, (size_t) INT32_MAX));
    } else {
        r = SSL_write(ssl, tmp, (int) len);
    }
    if (r > 0) {
        return r;
    }
    r = (int) sock_ssl_result(ssl, r);
    return r == 0 ? TP_ERROR : r;
}

ssize_t
tp_sock_writev(struct tp_sock *s, const struct iovec *iov, int iovcnt)
{
    ssize_t n;

    if (s->ssl != NULL) {
        return sock_ssl_writev(s->ssl, iov, iovcnt);
    }
    if (s->ring != NULL) {
        n = tp_uring_send(s->ring, s, iov, iovcnt);
        if (n != TP_DECLINED) {
            return n;
        }
        tp_uring_before_send(s->ring);
    }
    if (iovcnt == 1) {
        n = send(s->fd, iov[0].iov_base, iov[0].iov_len, MSG_NOSIGNAL);
    } else {
        struct msghdr mh;

        memset(&mh, 0, sizeof(mh));
        mh.msg_iov = (struct iovec *) iov;
        mh.msg_iovlen = (size_t) iovcnt;
        n = sendmsg(s->fd, &mh, MSG_NOSIGNAL);
    }
    if (n >= 0) {
        return n;
    }
    return errno == EAGAIN || errno == EINTR ? TP_AGAIN : TP_ERROR;
}

int
tp_sock_handshake(struct tp_sock *s)
{
    int r;

    errno = 0;
    r = SSL_do_handshake(s->ssl);
    if (r == 1) {
        return TP_OK;
    }
    r = (int) sock_ssl_result(s->ssl, r);
    return r == TP_AGAIN ? TP_AGAIN : TP_ERROR;
}

ssize_t
tp_sock_sendfile(struct tp_sock *s, int fd, off_t *off, size_t len)
{
    ssize_t n;
    int rc;

    if (s->ring != NULL) {
        if ((rc = tp_uring_idle(s)) != TP_OK) {
            return rc;
        }
        tp_uring_before_send(s->ring);
    }
    n = sendfile(s->fd, fd, off, len);
    if (n >= 0) {
        return n;
    }
    return errno == EAGAIN || errno == EINTR ? TP_AGAIN : TP_ERROR;
}

void
tp_sock_shutdown_wr(struct tp_sock *s)
{
    if (s->usend != NULL) {
        s->shut_wr = true;           /* tp_uring does it after the send */
        return;
    }
    (void) shutdown(s->fd, SHUT_WR);
}

void
tp_sock_close(struct tp_sock *s)
{
    if (s->usend != NULL) {
        tp_uring_detach(s->ring, s, false);
    }
    if (s->ssl != NULL) {
        /* One non-blocking attempt; a peer that stopped reading loses it. */
        if (SSL_is_init_finished(s->ssl)) {
            (void) SSL_shutdown(s->ssl);
        }
        ERR_clear_error();
        SSL_free(s->ssl);
        s->ssl = NULL;
    }
    if (s->fd >= 0) {
        close(s->fd);
        s->fd = -1;
    }
}

void
tp_sock_abort(struct tp_sock *s)
{
    struct linger lg = { 1, 0 };

    if (s->usend != NULL) {
        tp_uring_detach(s->ring, s, true);
    }
    if (s->fd >= 0) {
        (void) setsockopt(s->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
    }
    if (s->ssl != NULL) {
        SSL_free(s->ssl);
        s->ssl = NULL;
    }
    if (s->fd >= 0) {
        close(s->fd);
        s->fd = -1;
    }
}

int
tp_iov_advance(struct iovec *iov, int iovcnt, size_t n)
{
    int i;

    for (i = 0; i < iovcnt; i++) {
        if (n < iov[i].iov_len) {
            iov[i].iov_base = (char *) iov[i].iov_base + n;
            iov[i].iov_len -= n;
            return i;
        }
        n -= iov[i].iov_len;
        iov[i].iov_len = 0;
    }
    return iovcnt;
}
