/*
 * tp_tls.h: OpenSSL contexts.  Server contexts (listeners, custom domains)
 * and client contexts (https backends) are built by the master while loading
 * the config, so -t checks certificates and keys and a reload picks up new
 * ones; workers use them after fork.
 */
#ifndef TP_TLS_H
#define TP_TLS_H

#include "tp_core.h"
#include "tp_arena.h"
#include "tp_model.h"

/* Builds t->ctx from t->certificate/t->key/t->policy; freed with <a>. */
int tp_tls_server_ctx(struct tp_arena *a, struct tp_tls_conf *t, char *err,
    size_t errlen);

/* Builds b->ssl_ctx (peer verification against b->tls_ca or the system). */
int tp_tls_client_ctx(struct tp_arena *a, struct tp_backend *b, char *err,
    size_t errlen);

/*
 * Mutual TLS on a custom domain: the longest client chain accepted, from
 * the client's certificate to the root included (AWS: 4).
 */
#define TP_MTLS_MAX_CHAIN 4

/* One warning about a truststore certificate (weak, expired ...). */
typedef void (*tp_tls_warn_fn)(void *arg, const char *msg);

/*
 * Makes the context of <t> (tp_tls_server_ctx) demand a client
 * certificate that chains to the CA certificates of t->truststore, a PEM
 * file, within TP_MTLS_MAX_CHAIN; no revocation checks.  A certificate
 * AWS would flag (weak key or hash, expired, not a CA, issuer missing)
 * is reported through <warn> and still loaded; an unreadable file, one
 * without certificates or with a broken block is an error.  Master only
 * (tp_tls_trust.c).
 */
int tp_tls_truststore(struct tp_tls_conf *t, const char *domain,
    tp_tls_warn_fn warn, void *arg, char *err, size_t errlen);

/*
 * The host name in a ClientHello's server_name extension body <p, n>
 * (RFC 6066 3: a 2-byte list length, then entries of a type byte, a
 * 2-byte length and the name): the first host_name entry, pointing into
 * <p>.  False when the body is malformed or has no non-empty host name.
 * Pure: the bytes are the client's, as received.
 */
bool tp_tls_sni_name(const unsigned char *p, size_t n, const char **name,
    size_t *len);

/* Points every listener's SNI hook at <m>'s custom domains. */
void tp_tls_bind_model(struct tp_model *m);

/* Library versions for -v. */
const char *tp_tls_version(void);

#endif /* TP_TLS_H */
