/*
 * tp_clientcert.h: mutual TLS on the request path: whether a request may
 * use the custom domain it names (the connection verified a client
 * certificate against that domain's truststore), and the
 * $context.identity.clientCert.* values.  Workers only.
 */
#ifndef TP_CLIENTCERT_H
#define TP_CLIENTCERT_H

#include "tp_ctxvars.h"
#include "tp_request.h"

struct tp_domain;

/*
 * Resolve phase: true when <d> needs no client certificate, or when the
 * connection's handshake verified one with <d>'s truststore (it was made
 * for <d>'s name or a name <d> covers).  Also remembers the connection's
 * certificate in r->client_cert for the variables.
 */
bool tp_clientcert_allows(struct tp_request *r, const struct tp_domain *d);

/* A CLIENT_CERT_* variable: TP_OK with *out in the request's arena (made
 * on first use, then kept), TP_DECLINED without a client certificate. */
int tp_clientcert_value(const struct tp_request *r, enum tp_ctxvar id,
    struct tp_str *out);

#endif /* TP_CLIENTCERT_H */
