/*
 * tp_sock.h: non-blocking socket I/O over plain TCP or OpenSSL, with one
 * set of return conventions.  Workers only.
 *
 * Reads and writes return the byte count (> 0), 0 for end of stream (reads
 * only), TP_AGAIN when the socket would block, or TP_ERROR (errno or the
 * OpenSSL error queue says why).
 */
#ifndef TP_SOCK_H
#define TP_SOCK_H

#include "tp_core.h"

#include <sys/uio.h>

struct ssl_st;
struct tp_ev;
struct tp_uring;
struct tp_usend;

struct tp_sock {
    int fd;
    struct ssl_st *ssl;              /* NULL: plain TCP */
    struct tp_uring *ring;           /* plain sends through it (tp_uring.h) */
    struct tp_ev *owner;             /* called as by EPOLLOUT when a send
                                        the ring held back completes */
    struct tp_usend *usend;          /* the send in flight, if any */
    int uerr;                        /* errno of a failed send, for the
                                        next write */
    bool shut_wr;                    /* shutdown(SHUT_WR) once it is sent */
};

ssize_t tp_sock_read(struct tp_sock *s, void *buf, size_t len);
ssize_t tp_sock_writev(struct tp_sock *s, const struct iovec *iov, int iovcnt);

/*
 * Drives a TLS handshake (server or client side, as the SSL was set up).
 * TP_OK when done, TP_AGAIN to wait for the socket, TP_ERROR on failure.
 */
int tp_sock_handshake(struct tp_sock *s);

/* sendfile(2) of <len> bytes of <fd> from *<off> (plain TCP), after any
 * send still in flight; returns as tp_sock_writev(). */
ssize_t tp_sock_sendfile(struct tp_sock *s, int fd, off_t *off, size_t len);

/* shutdown(SHUT_WR), after any send still in flight. */
void tp_sock_shutdown_wr(struct tp_sock *s);

/* Sends close_notify (best effort) and frees the SSL; closes the fd. */
void tp_sock_close(struct tp_sock *s);

/* Closes with an RST (SO_LINGER 0): the peer must not take it for a
 * complete message. */
void tp_sock_abort(struct tp_sock *s);

/* Consumes <iov>[..] by <n> written bytes; returns the first unfinished
 * index (== iovcnt when all were written). */
int tp_iov_advance(struct iovec *iov, int iovcnt, size_t n);

#endif /* TP_SOCK_H */
