/*
 * tp_http_proxy.h: the HTTP_PROXY integration: the request goes to the
 * backend with hop-by-hop headers removed and X-Forwarded-* added; the
 * response streams back.  Workers only.
 */
#ifndef TP_HTTP_PROXY_H
#define TP_HTTP_PROXY_H

#include "tp_request.h"

/* Starts the exchange; it ends the request itself (tp_request_done). */
void tp_http_proxy_start(struct tp_request *r);

/*
 * Builds the upstream request path for <r> from the integration target's
 * template and the request's parameters and query.  Returns the length
 * written to <out> (capacity <cap>), or -1 when it does not fit.
 */
int tp_http_proxy_path(const struct tp_request *r, const struct tp_target *t,
    char *out, size_t cap);

/* True for headers a proxy must not forward (RFC 9110 7.6.1 + framing). */
bool tp_http_proxy_hop_by_hop(const char *name, size_t len);

#endif /* TP_HTTP_PROXY_H */
