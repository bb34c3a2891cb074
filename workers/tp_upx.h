/*
 * tp_upx.h: the two steps every small client exchange of a worker (a
 * JWKS fetch, a remote Lambda invoke) takes on its upstream connection:
 * writing a request held in one buffer, and decoding a chunked response
 * body in place.  Workers only.
 */
#ifndef TP_UPX_H
#define TP_UPX_H

#include "tp_http_parse.h"
#include "tp_upstream.h"

/*
 * Writes buf[*off, len) to <u>, advancing *off.  TP_OK once everything
 * is written, TP_AGAIN when the socket is full, TP_ERROR when it failed.
 */
int tp_upx_send(struct tp_upconn *u, const char *buf, size_t len,
    size_t *off);

/*
 * Decodes the chunked bytes of buf[*raw, len) in place: the data is moved
 * down to buf[*end ...), both offsets advance.  TP_DONE after the last
 * chunk, TP_AGAIN for more input, TP_ERROR on bad framing.
 */
int tp_upx_dechunk(struct tp_http_chunked *ch, char *buf, size_t len,
    size_t *raw, size_t *end);

#endif /* TP_UPX_H */
