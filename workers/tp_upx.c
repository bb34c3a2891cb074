/*
 * tp_upx.c: request writing and chunked decoding for a worker's small
 * client exchanges (see tp_upx.h).  Workers only.
 */
#include "tp_upx.h"
#include "tp_sock.h"

int
tp_upx_send(struct tp_upconn *u, const char *buf, size_t len, size_t *off)
{
    struct iovec iov;
    ssize_t n;

    while (*off < len) {
        iov.iov_base = (void *) (buf + *off);
        iov.iov_len = len - *off;
        n = tp_sock_writev(&u->sock, &iov, 1);
        if (n == TP_AGAIN) {
            return TP_AGAIN;
        }
        if (n < 0) {
            return TP_ERROR;
        }
        *off += (size_t) n;
    }
    return TP_OK;
}

int
tp_upx_dechunk(struct tp_http_chunked *ch, char *buf, size_t len,
    size_t *raw, size_t *end)
{
    size_t used, off, n;
    int rc;

    while (*raw < len) {
        rc = tp_http_chunked_parse(ch, buf + *raw, len - *raw, &used, &off,
            &n);
        if (rc == TP_ERROR) {
            return TP_ERROR;
        }
        if (rc == TP_OK) {
            memmove(buf + *end, buf + *raw + off, n);
            *end += n;
        }
        *raw += used;
        if (rc == TP_DONE) {
            return TP_DONE;
        }
    }
    return TP_AGAIN;
}
