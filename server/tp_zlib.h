/*
 * tp_zlib.h: whole-buffer gzip and deflate for REST payload compression
 * (rest-api.md 12): compressing responses, decompressing request bodies
 * sent with a Content-Encoding, and reading that header.  No I/O; results
 * live as long as the caller's arena.  Used by workers and unit tests.
 *
 * "deflate" is HTTP's: a zlib-wrapped (RFC 1950) stream.  "gzip" is RFC
 * 1952.  Inputs of 4 GiB or more are refused (zlib counts in 32 bits; the
 * bodies API Gateway takes are at most 10 MB).
 */
#ifndef TP_ZLIB_H
#define TP_ZLIB_H

#include "tp_core.h"
#include "tp_arena.h"
#include "tp_accept_enc.h"

/*
 * Compresses <in, len> with coding <c> at level 6 into arena memory:
 * *<out> is the whole encoded body.  TP_ERROR only when out of memory
 * (send the body uncompressed).  TP_CODING_IDENTITY: *<out> is <in, len>.
 */
int tp_zlib_compress(enum tp_coding c, const void *in, size_t len,
    struct tp_arena *a, struct tp_str *out);

/*
 * Decodes the request body <in, len> sent with coding <c> into *<out>,
 * which <a> frees when reset.  Accepted beyond the strict formats: for
 * gzip several concatenated members (RFC 1952 2.2, as gzip(1) writes
 * them); for deflate also a raw RFC 1951 stream, recognised by the lack
 * of a zlib header (some clients send that); an empty body (decodes to an
 * empty one).  Everything after the stream is refused.
 *
 * TP_OK; TP_ERROR when the client sent something we cannot accept (API
 * Gateway answers 415): corrupt or truncated data, trailing data, a
 * decoded body over <max_out> bytes (stops there: decompression bombs
 * cost at most <max_out>); TP_BUSY when out of memory (an internal error,
 * not the client's).  On failure *<why> says what, for the log (static or
 * in <a>).  TP_CODING_IDENTITY: *<out> is <in, len>.
 */
int tp_zlib_decompress(enum tp_coding c, const void *in, size_t len,
    size_t max_out, struct tp_arena *a, struct tp_str *out,
    const char **why);

/*
 * Reads a request's Content-Encoding value <v, len>: one coding, OWS
 * around it, ASCII case-insensitive: "identity", "gzip", "x-gzip",
 * "deflate" -> TP_OK and *<out>.  Anything else, an empty value and a
 * list of several codings included, is TP_DECLINED (API Gateway: 415).
 */
int tp_content_coding(const char *v, size_t len, enum tp_coding *out);

#endif /* TP_ZLIB_H */
