/*
 * tp_respond.h: responses the gateway writes itself: gateway responses
 * (customisable per API), protocol errors, MOCK and non-proxy integration
 * answers.  Workers only.
 */
#ifndef TP_RESPOND_H
#define TP_RESPOND_H

#include "tp_gwresp.h"
#include "tp_request.h"

/* A response header to add. */
struct tp_hdr_out {
    struct tp_str name;
    struct tp_str value;
};

/*
 * Sends a complete response and ends the request when it is written.
 * <error_type>: x-amzn-ErrorType value or NULL.  HEAD requests get no body.
 */
void tp_respond_send(struct tp_request *r, int status, struct tp_str ctype,
    const struct tp_hdr_out *hdrs, unsigned nhdrs, struct tp_str body,
    const char *error_type);

/*
 * Sends the gateway response <type> for the request's API (REST: with the
 * API's customisation, DEFAULT_4XX/5XX fallbacks; HTTP APIs: fixed), with
 * <message> replacing the default when not NULL.
 */
void tp_respond_gw(struct tp_request *r, enum tp_gw type, const char *message);

/* A protocol-level error (400, 413, 414, 431, 501, 505 ...) for <status>. */
void tp_respond_status(struct tp_request *r, int status);

/*
 * Appends the headers every response carries (Date, request ids,
 * Connection, CORS for HTTP APIs) to <out> at <*len> (capacity <cap>).
 * TP_ERROR when they do not fit.
 */
int tp_respond_common_headers(struct tp_request *r, char *out, size_t cap,
    size_t *len);

#endif /* TP_RESPOND_H */
