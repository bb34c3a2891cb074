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

/*
 * The gateway response <type> with x-amzn-ErrorType <error_type> instead
 * of the type's, and <message> in every API type: SigV4 failures, whose
 * error types and texts are their own (errors.md 4) while a REST API's
 * customization of <type> still applies.
 */
void tp_respond_gw_as(struct tp_request *r, enum tp_gw type,
    const char *message, const char *error_type);

struct tp_cache_entry;

/*
 * An integration's whole response (MOCK, HTTP, HTTP_PROXY when buffered):
 * stored in the response cache when the request missed its entry, then
 * compressed when due and sent (tp_respond_cache.c).
 */
void tp_respond_integ(struct tp_request *r, int status, struct tp_str ctype,
    const struct tp_hdr_out *hdrs, unsigned nhdrs, struct tp_str body);

/* The coding (enum tp_coding) the request's Accept-Encoding picks, read
 * once per request. */
int tp_respond_coding(struct tp_request *r);

/* Answers from a cache entry (compressed when due). */
void tp_respond_cached(struct tp_request *r, const struct tp_cache_entry *e);

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
