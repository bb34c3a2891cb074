/*
 * tp_hdr.h: recognizing the header names the gateway treats specially, in
 * one length switch and at most two case-insensitive compares, instead of a
 * compare per candidate on every forwarded header.  Pure; all processes.
 */
#ifndef TP_HDR_H
#define TP_HDR_H

#include "tp_core.h"

enum tp_hdr_id {
    TP_HDR_OTHER = 0,
    /* hop-by-hop (RFC 9110 7.6.1) and framing */
    TP_HDR_CONNECTION,
    TP_HDR_KEEP_ALIVE,
    TP_HDR_PROXY_CONNECTION,
    TP_HDR_TE,
    TP_HDR_TRAILER,
    TP_HDR_TRANSFER_ENCODING,
    TP_HDR_UPGRADE,
    TP_HDR_CONTENT_LENGTH,
    /* set or replaced by the gateway */
    TP_HDR_HOST,
    TP_HDR_EXPECT,
    TP_HDR_X_FORWARDED_FOR,
    TP_HDR_X_FORWARDED_PROTO,
    TP_HDR_X_FORWARDED_PORT,
    TP_HDR_DATE
};

/* First hop-by-hop id and last: ids in [CONNECTION, CONTENT_LENGTH]. */
#define TP_HDR_IS_HOP(id) \
    ((id) >= TP_HDR_CONNECTION && (id) <= TP_HDR_CONTENT_LENGTH)

enum tp_hdr_id tp_hdr_lookup(const char *name, size_t len);

/*
 * Copies header value <v> (<n> bytes) to <out>, each CR, LF and NUL made a
 * space: a mapped value (a JSON body field, a client certificate's PEM)
 * must not end its header line or start another.
 */
void tp_hdr_value_copy(char *out, const char *v, size_t n);

/* Writes <v> in decimal at <p>; returns the end. */
char *tp_fmt_u64(char *p, uint64_t v);

/* Writes <v> in lower-case hex at <p>; returns the end. */
char *tp_fmt_hex(char *p, uint64_t v);

#endif /* TP_HDR_H */
