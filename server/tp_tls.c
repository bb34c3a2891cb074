/*
 * tp_tls.c: OpenSSL 3 contexts, AWS security policies, the SNI hook that
 * picks a custom domain's context (its certificate, policy and, with
 * mutual TLS, client verification), ALPN http/1.1.
 * Contexts are built in the master; handshakes happen in workers.
 */
#include "tp_tls.h"

#include <stdio.h>
#include <strings.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

/*
 * Cipher lists of API Gateway's security policies (TLS 1.2 and below; TLS
 * 1.3 suites are OpenSSL's defaults).  TLS_1_0 needs security level 0:
 * OpenSSL 3 refuses the SHA-1 handshake signatures TLS 1.0/1.1 rely on.
 */
static const char policy_tls10[] =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES128-SHA256:ECDHE-RSA-AES128-SHA256:"
    "ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-AES256-SHA384:ECDHE-RSA-AES256-SHA384:"
    "ECDHE-RSA-AES256-SHA:ECDHE-ECDSA-AES256-SHA:"
    "AES128-GCM-SHA256:AES128-SHA256:AES128-SHA:"
    "AES256-GCM-SHA384:AES256-SHA256:AES256-SHA:@SECLEVEL=0";
static const char policy_tls12[] =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES128-SHA256:ECDHE-RSA-AES128-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-AES256-SHA384:ECDHE-RSA-AES256-SHA384:"
    "AES128-GCM-SHA256:AES128-SHA256:AES256-GCM-SHA384:AES256-SHA256";

static void
tls_ctx_free(void *ctx)
{
    SSL_CTX_free(ctx);
}

static int
tls_err(char *err, size_t errlen, const char *what, const char *path)
{
    unsigned long e = ERR_get_error();
    char buf[256] = "";

    if (e != 0) {
        ERR_error_string_n(e, buf, sizeof(buf));
    }
    snprintf(err, errlen, "%s \"%s\"%s%s", what, path, buf[0] ? ": " : "",
        buf);
    ERR_clear_error();
    return TP_ERROR;
}

/* Selects http/1.1 when offered; otherwise continues without ALPN. */
static int
tls_alpn_cb(SSL *ssl, const unsigned char **out, unsigned char *outlen,
    const unsigned char *in, unsigned int inlen, void *arg)
{
    unsigned int i = 0;

    while (i < inlen) {
        unsigned int n = in[i];

        if (i + 1 + n > inlen) {
            break;
        }
        if (n == 8 && memcmp(in + i + 1, "http/1.1", 8) == 0) {
            *out = in + i + 1;
            *outlen = 8;
            return SSL_TLSEXT_ERR_OK;
        }
        i += 1 + n;
    }
    return SSL_TLSEXT_ERR_NOACK;
}

bool
tp_tls_sni_name(const unsigned char *p, size_t n, const char **name,
    size_t *len)
{
    size_t k;

    if (n < 2 || (((size_t) p[0] << 8) | p[1]) != n - 2) {
        return false;
    }
    p += 2;
    n -= 2;
    while (n >= 3) {
        k = ((size_t) p[1] << 8) | p[2];
        if (k > n - 3) {
            return false;
        }
        if (p[0] == TLSEXT_NAMETYPE_host_name) {
            *name = (const char *) p + 3;
            *len = k;
            return k > 0;
        }
        p += 3 + k;
        n -= 3 + k;
    }
    return false;
}

/*
 * SNI: switch to the custom domain's context when one matches.  Done in
 * the ClientHello callback, before OpenSSL picks the protocol version and
 * looks up a session to resume, so the domain's policy bounds the version
 * and a session resumes only on the domain it was made for (its session
 * id context).
 */
static int
tls_hello_cb(SSL *ssl, int *alert, void *arg)
{
    const struct tp_model *m = arg;
    const struct tp_domain *d;
    const unsigned char *ext;
    const char *name;
    size_t n, len;
    SSL_CTX *ctx;

    if (m == NULL || SSL_client_hello_get0_ext(ssl, TLSEXT_TYPE_server_name,
            &ext, &n) != 1 || !tp_tls_sni_name(ext, n, &name, &len))
    {
        return SSL_CLIENT_HELLO_SUCCESS;
    }
    /* The same lookup as Host routing: exact name, else longest wildcard. */
    d = tp_model_find_domain(m, name, len);
    if (d == NULL || d->tls == NULL) {
        return SSL_CLIENT_HELLO_SUCCESS;
    }
    ctx = d->tls->ctx;
    if (SSL_set_SSL_CTX(ssl, ctx) == NULL) {
        *alert = SSL_AD_INTERNAL_ERROR;
        return SSL_CLIENT_HELLO_ERROR;
    }
    /* SSL_set_SSL_CTX keeps the connection's own options, version bounds
     * and verification settings; apply the domain's. */
    SSL_set_min_proto_version(ssl, d->tls->policy == TP_TLS_1_0
        ? TLS1_VERSION : TLS1_2_VERSION);
    SSL_set_cipher_list(ssl, d->tls->policy == TP_TLS_1_0
        ? policy_tls10 : policy_tls12);
    SSL_set_verify(ssl, SSL_CTX_get_verify_mode(ctx), NULL);
    SSL_set_verify_depth(ssl, SSL_CTX_get_verify_depth(ctx));
    return SSL_CLIENT_HELLO_SUCCESS;
}

/* Acknowledges the server name (the switch happened in tls_hello_cb). */
static int
tls_sni_cb(SSL *ssl, int *alert, void *arg)
{
    return SSL_TLSEXT_ERR_OK;
}

int
tp_tls_server_ctx(struct tp_arena *a, struct tp_tls_conf *t, char *err,
    size_t errlen)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());

    if (ctx == NULL || tp_arena_cleanup_add(a, tls_ctx_free, ctx) != TP_OK) {
        SSL_CTX_free(ctx);
        return tls_err(err, errlen, "cannot create TLS context for", "");
    }
    SSL_CTX_set_min_proto_version(ctx, t->policy == TP_TLS_1_0
        ? TLS1_VERSION : TLS1_2_VERSION);
    if (SSL_CTX_set_cipher_list(ctx, t->policy == TP_TLS_1_0 ? policy_tls10
            : policy_tls12) != 1)
    {
        return tls_err(err, errlen, "bad cipher list for", t->certificate);
    }
    SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION
        | SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_COMPRESSION);
    SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS
        | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_ENABLE_PARTIAL_WRITE);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);
    SSL_CTX_set_alpn_select_cb(ctx, tls_alpn_cb, NULL);
    if (SSL_CTX_use_certificate_chain_file(ctx, t->certificate) != 1) {
        return tls_err(err, errlen, "cannot load certificate", t->certificate);
    }
    if (SSL_CTX_use_PrivateKey_file(ctx, t->key, SSL_FILETYPE_PEM) != 1) {
        return tls_err(err, errlen, "cannot load key", t->key);
    }
    if (SSL_CTX_check_private_key(ctx) != 1) {
        return tls_err(err, errlen, "key does not match certificate",
            t->certificate);
    }
    t->ctx = ctx;
    return TP_OK;
}

int
tp_tls_client_ctx(struct tp_arena *a, struct tp_backend *b, char *err,
    size_t errlen)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    int ok;

    if (ctx == NULL || tp_arena_cleanup_add(a, tls_ctx_free, ctx) != TP_OK) {
        SSL_CTX_free(ctx);
        return tls_err(err, errlen, "cannot create TLS context for", b->host);
    }
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS
        | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_ENABLE_PARTIAL_WRITE);
    ok = b->tls_ca != NULL
        ? SSL_CTX_load_verify_locations(ctx, b->tls_ca, NULL)
        : SSL_CTX_set_default_verify_paths(ctx);
    if (ok != 1) {
        return tls_err(err, errlen, "cannot load trust store",
            b->tls_ca != NULL ? b->tls_ca : "(system)");
    }
    b->ssl_ctx = ctx;
    return TP_OK;
}

void
tp_tls_bind_model(struct tp_model *m)
{
    unsigned i;

    for (i = 0; i < m->nlisteners; i++) {
        SSL_CTX *ctx = m->listeners[i].tls != NULL
            ? m->listeners[i].tls->ctx : NULL;

        if (ctx != NULL) {
            SSL_CTX_set_client_hello_cb(ctx, tls_hello_cb, m);
            SSL_CTX_set_tlsext_servername_callback(ctx, tls_sni_cb);
        }
    }
}

const char *
tp_tls_version(void)
{
    return OpenSSL_version(OPENSSL_VERSION);
}
