/*
 * tp_clientcert.c: mutual TLS on the request path (tp_clientcert.h).  The
 * handshake did the verification (server/tp_tls_trust.c); here a request
 * is checked against the domain it names, and certificate fields are
 * formatted only when a variable asks for them.  Workers only.
 */
#include "tp_clientcert.h"
#include "tp_worker.h"
#include "tp_x509.h"

#include <openssl/ssl.h>

#define CERT_NVALS (TP_CTX_CLIENT_CERT_NOT_AFTER - TP_CTX_CLIENT_CERT_PEM + 1)

/* Per request, in its arena: the certificate (owned by the connection's
 * SSL) and the values formatted so far (an access log asks twice). */
struct tp_clientcert {
    X509 *x;
    struct tp_str v[CERT_NVALS];
};

bool
tp_clientcert_allows(struct tp_request *r, const struct tp_domain *d)
{
    SSL *ssl = r->c->sock.ssl;
    X509 *x = ssl != NULL ? SSL_get0_peer_certificate(ssl) : NULL;
    bool need = d != NULL && d->tls != NULL && d->tls->truststore != NULL;

    /* Only a mutual TLS domain's context asks for a certificate, and its
     * handshake fails without a valid one; a certificate here was
     * verified by the context the handshake ended on. */
    if (x != NULL && SSL_get_verify_result(ssl) == X509_V_OK) {
        r->client_cert = tp_arena_calloc(&r->c->arena,
            sizeof(*r->client_cert));
        if (r->client_cert != NULL) {
            r->client_cert->x = x;
        }
    }
    if (!need) {
        return true;
    }
    return r->client_cert != NULL
        && SSL_get_SSL_CTX(ssl) == (SSL_CTX *) d->tls->ctx;
}

int
tp_clientcert_value(const struct tp_request *r, enum tp_ctxvar id,
    struct tp_str *out)
{
    struct tp_clientcert *cc = r->client_cert;
    struct tp_arena *a = &r->c->arena;
    struct tp_str *v;

    if (cc == NULL || id < TP_CTX_CLIENT_CERT_PEM
        || id > TP_CTX_CLIENT_CERT_NOT_AFTER)
    {
        return TP_DECLINED;
    }
    v = &cc->v[id - TP_CTX_CLIENT_CERT_PEM];
    if (v->p == NULL) {
        switch (id) {
        case TP_CTX_CLIENT_CERT_PEM:
            *v = tp_x509_pem(a, cc->x);
            break;
        case TP_CTX_CLIENT_CERT_SUBJECT_DN:
            *v = tp_x509_dn(a, X509_get_subject_name(cc->x));
            break;
        case TP_CTX_CLIENT_CERT_ISSUER_DN:
            *v = tp_x509_dn(a, X509_get_issuer_name(cc->x));
            break;
        case TP_CTX_CLIENT_CERT_SERIAL:
            *v = tp_x509_serial(a, cc->x);
            break;
        case TP_CTX_CLIENT_CERT_NOT_BEFORE:
            *v = tp_x509_time(a, X509_get0_notBefore(cc->x));
            break;
        default:
            *v = tp_x509_time(a, X509_get0_notAfter(cc->x));
            break;
        }
    }
    *out = *v;
    return v->p != NULL ? TP_OK : TP_DECLINED;
}
