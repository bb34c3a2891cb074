/*
 * tp_respond.h: responses the gateway writes itself (gateway responses,
 * protocol errors).  Workers only.
 */
#ifndef TP_RESPOND_H
#define TP_RESPOND_H

#include "tp_gwresp.h"
#include "tp_request.h"

/*
 * Sends the gateway response <type> for the request's API (REST or HTTP
 * flavour), with <message> replacing the default when not NULL.  Ends the
 * request when written.
 */
void tp_respond_gw(struct tp_request *r, enum tp_gw type, const char *message);

/* A protocol-level error (400, 413, 414, 431, 501, 505 ...) for <status>. */
void tp_respond_status(struct tp_request *r, int status);

/*
 * Appends the headers every response carries (Date, Server, request ids,
 * Connection) to <out> at <*len> (capacity <cap>).  Returns TP_ERROR when
 * it does not fit.
 */
int tp_respond_common_headers(struct tp_request *r, char *out, size_t cap,
    size_t *len);

#endif /* TP_RESPOND_H */
