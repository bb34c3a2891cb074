/*
 * tp_tls_trust.c: mutual TLS truststores.  A custom domain's truststore
 * is one PEM file of CA certificates (issuing CAs up to the root); it is
 * read and checked like AWS checks an uploaded truststore (auth.md 9):
 * every block must be a certificate, and what AWS lists in
 * truststoreWarnings (weak key or hash, expired) is a load-time warning.
 * Master only: contexts are built before the workers fork.
 */
#include "tp_tls.h"
#include "tp_x509.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

/* OpenSSL's security level for mutual TLS domains: level 2 refuses what
 * AWS refuses (RSA/DH under 2048 bits, EC under 224, SHA-1 and MD5
 * signatures) whatever the system's openssl.cnf says. */
#define TRUST_SECLEVEL 2

struct trust {
    const char *path;
    STACK_OF(X509) *certs;
    tp_tls_warn_fn warn;
    void *arg;
    struct tp_arena tmp;             /* subject names for messages */
    char *err;
    size_t errlen;
};

static int
trust_fail(struct trust *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
trust_fail(struct trust *t, const char *fmt, ...)
{
    va_list ap;
    int n = snprintf(t->err, t->errlen, "truststore \"%s\": ", t->path);

    va_start(ap, fmt);
    if (n > 0 && (size_t) n < t->errlen) {
        vsnprintf(t->err + n, t->errlen - (size_t) n, fmt, ap);
    }
    va_end(ap);
    ERR_clear_error();
    return TP_ERROR;
}

/* "truststore "F": certificate N (SUBJECT): <what>" */
static void
trust_warn(struct trust *t, int i, X509 *x, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
trust_warn(struct trust *t, int i, X509 *x, const char *fmt, ...)
{
    struct tp_str dn = tp_x509_dn(&t->tmp, X509_get_subject_name(x));
    char msg[768];
    va_list ap;
    int n;

    n = snprintf(msg, sizeof(msg), "truststore \"%s\": certificate %d "
        "(%.*s): ", t->path, i + 1, (int) TP_MIN(dn.len, 200),
        dn.p != NULL ? dn.p : "");
    va_start(ap, fmt);
    if (n > 0 && (size_t) n < sizeof(msg)) {
        vsnprintf(msg + n, sizeof(msg) - (size_t) n, fmt, ap);
    }
    va_end(ap);
    t->warn(t->arg, msg);
}

/* Every PEM block of <bio> into t->certs: all must be certificates. */
static int
trust_read(struct trust *t, BIO *bio)
{
    char *name = NULL, *header = NULL;
    unsigned char *data = NULL;
    const unsigned char *p;
    unsigned long e;
    long len;
    X509 *x;
    int n = 0;

    for (;;) {
        ERR_clear_error();
        if (PEM_read_bio(bio, &name, &header, &data, &len) != 1) {
            e = ERR_peek_last_error();
            if (ERR_GET_LIB(e) == ERR_LIB_PEM
                && ERR_GET_REASON(e) == PEM_R_NO_START_LINE)
            {
                ERR_clear_error();
                return TP_OK;        /* no further block */
            }
            return trust_fail(t, "PEM block %d is broken (%s)", n + 1,
                ERR_reason_error_string(e) != NULL
                ? ERR_reason_error_string(e) : "bad base64 or no END line");
        }
        n++;
        x = NULL;
        if (strcmp(name, "CERTIFICATE") == 0) {
            p = data;
            x = d2i_X509(NULL, &p, len);
            if (x != NULL && p != data + len) {
                X509_free(x);
                x = NULL;
            }
        }
        OPENSSL_free(header);
        OPENSSL_free(data);
        if (x == NULL) {
            trust_fail(t, strcmp(name, "CERTIFICATE") == 0
                ? "PEM block %d is not a valid X.509 certificate%s"
                : "PEM block %d is a \"%s\", not a CERTIFICATE (only CA "
                  "certificates belong in a truststore)", n,
                strcmp(name, "CERTIFICATE") == 0 ? "" : name);
            OPENSSL_free(name);
            return TP_ERROR;
        }
        OPENSSL_free(name);
        if (sk_X509_push(t->certs, x) <= 0) {
            X509_free(x);
            return trust_fail(t, "out of memory");
        }
    }
}

/* Has the truststore the certificate that issued <x>? */
static bool
trust_has_issuer(const struct trust *t, X509 *x)
{
    int i;

    for (i = 0; i < sk_X509_num(t->certs); i++) {
        if (X509_check_issued(sk_X509_value(t->certs, i), x) == X509_V_OK) {
            return true;
        }
    }
    return false;
}

/* What AWS would list in truststoreWarnings, and what breaks chains. */
static void
trust_check(struct trust *t, int i, X509 *x)
{
    EVP_PKEY *k = X509_get0_pubkey(x);
    int bits = k != NULL ? EVP_PKEY_get_bits(k) : 0, md = NID_undef, pk;

    switch (k != NULL ? EVP_PKEY_get_base_id(k) : NID_undef) {
    case EVP_PKEY_RSA:
    case EVP_PKEY_RSA_PSS:
        if (bits < 2048) {
            trust_warn(t, i, x, "weak RSA key of %d bits (2048 or more "
                "expected): certificates it issued are refused", bits);
        }
        break;
    case EVP_PKEY_EC:
        if (bits < 256) {
            trust_warn(t, i, x, "weak EC key of %d bits (256 or more "
                "expected)", bits);
        }
        break;
    case EVP_PKEY_ED25519:
    case EVP_PKEY_ED448:
        break;
    default:
        trust_warn(t, i, x, "key type %s is not RSA or ECDSA",
            k != NULL ? OBJ_nid2sn(EVP_PKEY_get_base_id(k)) : "unknown");
        break;
    }
    if (OBJ_find_sigid_algs(X509_get_signature_nid(x), &md, &pk) == 1
        && (md == NID_sha1 || md == NID_md5 || md == NID_md4
            || md == NID_md2))
    {
        trust_warn(t, i, x, "weak signature hash %s (SHA-256 or stronger "
            "expected)", OBJ_nid2sn(md));
    }
    if (X509_cmp_current_time(X509_get0_notAfter(x)) <= 0) {
        struct tp_str s = tp_x509_time(&t->tmp, X509_get0_notAfter(x));

        trust_warn(t, i, x, "expired (not after %.*s): certificates it "
            "issued are refused", (int) s.len, s.p != NULL ? s.p : "");
    } else if (X509_cmp_current_time(X509_get0_notBefore(x)) > 0) {
        struct tp_str s = tp_x509_time(&t->tmp, X509_get0_notBefore(x));

        trust_warn(t, i, x, "not valid yet (not before %.*s)", (int) s.len,
            s.p != NULL ? s.p : "");
    }
    if (X509_check_ca(x) == 0) {
        trust_warn(t, i, x, "not a CA certificate (no basicConstraints "
            "CA:TRUE): it cannot issue client certificates");
    }
    if (X509_check_issued(x, x) != X509_V_OK && !trust_has_issuer(t, x)) {
        struct tp_str s = tp_x509_dn(&t->tmp, X509_get_issuer_name(x));

        trust_warn(t, i, x, "its issuer (%.*s) is not in the truststore: "
            "the chain to a root is incomplete", (int) TP_MIN(s.len, 200),
            s.p != NULL ? s.p : "");
    }
}

/* SSL_CTX_set_session_id_context: sessions made for this domain resume
 * only on it (and an empty one would make OpenSSL refuse resumption). */
static int
trust_sid(SSL_CTX *ctx, const char *domain)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;

    if (EVP_Digest(domain, strlen(domain), md, &n, EVP_sha256(), NULL) != 1)
    {
        return TP_ERROR;
    }
    return SSL_CTX_set_session_id_context(ctx, md,
        TP_MIN(n, SSL_MAX_SID_CTX_LENGTH)) == 1 ? TP_OK : TP_ERROR;
}

/* The certificates into the context's store and CA list; verification on. */
static int
trust_install(struct trust *t, SSL_CTX *ctx, const char *domain)
{
    X509_STORE *store = SSL_CTX_get_cert_store(ctx);
    STACK_OF(X509_NAME) *names = sk_X509_NAME_new_null();
    X509_NAME *dn;
    int i;

    if (names == NULL) {
        return trust_fail(t, "out of memory");
    }
    for (i = 0; i < sk_X509_num(t->certs); i++) {
        X509 *x = sk_X509_value(t->certs, i);

        dn = X509_NAME_dup(X509_get_subject_name(x));
        if (X509_STORE_add_cert(store, x) != 1 || dn == NULL
            || sk_X509_NAME_push(names, dn) <= 0)
        {
            X509_NAME_free(dn);
            sk_X509_NAME_pop_free(names, X509_NAME_free);
            return trust_fail(t, "cannot add certificate %d", i + 1);
        }
    }
    /* The CertificateRequest names these CAs, so clients holding several
     * certificates pick one they issued. */
    SSL_CTX_set_client_CA_list(ctx, names);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
        NULL);
    /* OpenSSL's depth counts the certificates between the client's and
     * the root: 4 in all is depth 2. */
    SSL_CTX_set_verify_depth(ctx, TP_MTLS_MAX_CHAIN - 2);
    SSL_CTX_set_security_level(ctx, TRUST_SECLEVEL);
    if (trust_sid(ctx, domain) != TP_OK) {
        return trust_fail(t, "cannot set the session id context");
    }
    return TP_OK;
}

int
tp_tls_truststore(struct tp_tls_conf *tc, const char *domain,
    tp_tls_warn_fn warn, void *arg, char *err, size_t errlen)
{
    struct trust t = { tc->truststore, NULL, warn, arg, { 0 }, err, errlen };
    struct stat st;
    BIO *bio;
    int rc = TP_ERROR, i;

    tp_arena_init(&t.tmp, 4096);
    bio = BIO_new_file(t.path, "r");
    if (bio == NULL || stat(t.path, &st) != 0) {
        rc = trust_fail(&t, "cannot read it: %s", strerror(errno));
        goto done;
    }
    if (!S_ISREG(st.st_mode)) {
        rc = trust_fail(&t, "not a regular file");
        goto done;
    }
    t.certs = sk_X509_new_null();
    if (t.certs == NULL) {
        rc = trust_fail(&t, "out of memory");
        goto done;
    }
    if (trust_read(&t, bio) != TP_OK) {
        goto done;
    }
    if (sk_X509_num(t.certs) == 0) {
        rc = trust_fail(&t, st.st_size == 0 ? "the file is empty: it "
            "holds no certificates" : "not PEM: no \"-----BEGIN "
            "CERTIFICATE-----\" block (a truststore is PEM CA certificates, "
            "concatenated)");
        goto done;
    }
    for (i = 0; i < sk_X509_num(t.certs); i++) {
        trust_check(&t, i, sk_X509_value(t.certs, i));
    }
    rc = trust_install(&t, tc->ctx, domain);

done:
    sk_X509_pop_free(t.certs, X509_free);
    BIO_free(bio);
    tp_arena_free(&t.tmp);
    return rc;
}
