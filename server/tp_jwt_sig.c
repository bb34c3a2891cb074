/*
 * tp_jwt_sig.c: a decoded token's alg and signature (tp_jwt_verify(), see
 * tp_jwt.h), with OpenSSL 3.
 *
 * The alg is checked before any key is touched, and a key is used only
 * for the algs of its own type: with "none" refused, HS256 allowed only
 * with a configured secret and never keyed by a JWKS entry, an RSA public
 * key can never turn into an HMAC secret (the classic alg confusion).
 * Every failure clears OpenSSL's error queue, which the worker's TLS
 * code reads after its own calls.
 */
#include "tp_jwt.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/hmac.h>
#include <openssl/rsa.h>

enum jws_kind { JWS_RSA = 1, JWS_PSS, JWS_EC, JWS_HMAC };

static const struct {
    const char *md;
    uint8_t kind;
    uint8_t coord;                   /* ES: bytes of r and of s */
} jws_algs[TP_JWA_COUNT] = {
    [TP_JWA_RS256] = { "SHA256", JWS_RSA, 0 },
    [TP_JWA_RS384] = { "SHA384", JWS_RSA, 0 },
    [TP_JWA_RS512] = { "SHA512", JWS_RSA, 0 },
    [TP_JWA_PS256] = { "SHA256", JWS_PSS, 0 },
    [TP_JWA_PS384] = { "SHA384", JWS_PSS, 0 },
    [TP_JWA_PS512] = { "SHA512", JWS_PSS, 0 },
    [TP_JWA_ES256] = { "SHA256", JWS_EC, 32 },
    [TP_JWA_ES384] = { "SHA384", JWS_EC, 48 },
    [TP_JWA_HS256] = { "SHA256", JWS_HMAC, 0 },
};

/*
 * JWS carries an ECDSA signature as r || s, each the curve's size (RFC
 * 7518 3.4); OpenSSL verifies the DER SEQUENCE { r, s }.  Returns the DER
 * length in <der> (at most 2 * (3 + 49) + 3 bytes), 0 on failure.
 */
static int
jws_ec_der(const unsigned char *sig, size_t coord, unsigned char *der,
    size_t cap)
{
    ECDSA_SIG *es = ECDSA_SIG_new();
    BIGNUM *r = BN_bin2bn(sig, (int) coord, NULL);
    BIGNUM *s = BN_bin2bn(sig + coord, (int) coord, NULL);
    unsigned char *p = der;
    int len = 0;

    if (es == NULL || r == NULL || s == NULL || !ECDSA_SIG_set0(es, r, s)) {
        BN_free(r);
        BN_free(s);
    } else if (i2d_ECDSA_SIG(es, NULL) <= (int) cap) {
        len = i2d_ECDSA_SIG(es, &p);
    }
    ECDSA_SIG_free(es);              /* frees r and s once set */
    return len > 0 ? len : 0;
}

static enum tp_jwt_status
jws_verify_pkey(const struct tp_jwt *t, const struct tp_jwk *k,
    const char **detail)
{
    unsigned char der[128];
    const unsigned char *sig = t->sig;
    size_t sig_len = t->sig_len;
    EVP_MD_CTX *mctx;
    EVP_PKEY_CTX *pctx = NULL;
    int kind = jws_algs[t->alg].kind, rc, len;

    if (kind == JWS_EC) {
        if (sig_len != 2 * (size_t) jws_algs[t->alg].coord) {
            *detail = "ECDSA signature not r || s of the curve's size";
            return TP_JWT_SIGNATURE;
        }
        len = jws_ec_der(sig, jws_algs[t->alg].coord, der, sizeof(der));
        if (len == 0) {
            *detail = "out of memory";
            return TP_JWT_NOMEM;
        }
        sig = der;
        sig_len = (size_t) len;
    }
    mctx = EVP_MD_CTX_new();
    if (mctx == NULL
        || EVP_DigestVerifyInit_ex(mctx, &pctx, jws_algs[t->alg].md, NULL,
               NULL, k->pkey, NULL) != 1
        || (kind == JWS_RSA
            && EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1)
        || (kind == JWS_PSS
            && (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1
                /* RFC 7518 3.5: salt as long as the hash, MGF1 with
                 * the same hash (OpenSSL's default for MGF1) */
                || EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx,
                       RSA_PSS_SALTLEN_DIGEST) != 1)))
    {
        EVP_MD_CTX_free(mctx);
        ERR_clear_error();
        *detail = "OpenSSL could not set up the verification";
        return TP_JWT_NOMEM;
    }
    rc = EVP_DigestVerify(mctx, sig, sig_len,
        (const unsigned char *) t->signing_input.p, t->signing_input.len);
    EVP_MD_CTX_free(mctx);
    if (rc != 1) {
        ERR_clear_error();
        *detail = "signature does not verify";
        return TP_JWT_SIGNATURE;
    }
    return TP_JWT_OK;
}

static enum tp_jwt_status
jws_verify_hmac(const struct tp_jwt *t, const struct tp_jwt_conf *c,
    const char **detail)
{
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;

    if (c->hs256_key == NULL || c->hs256_key_len < TP_JWT_HS256_MIN_KEY) {
        *detail = "HS256 without a configured secret";
        return TP_JWT_ALG;
    }
    if (HMAC(EVP_sha256(), c->hs256_key, (int) c->hs256_key_len,
            (const unsigned char *) t->signing_input.p,
            t->signing_input.len, mac, &mac_len) == NULL)
    {
        ERR_clear_error();
        *detail = "out of memory";
        return TP_JWT_NOMEM;
    }
    /* constant time: timing must not tell how many bytes matched */
    if (t->sig_len != mac_len
        || CRYPTO_memcmp(mac, t->sig, mac_len) != 0)
    {
        *detail = "signature does not verify";
        return TP_JWT_SIGNATURE;
    }
    return TP_JWT_OK;
}

enum tp_jwt_status
tp_jwt_verify(const struct tp_jwt *t, const struct tp_jwt_conf *c,
    const char **detail)
{
    unsigned algs = c->algs != 0 ? c->algs : TP_JWT_ALGS_DEFAULT;
    const struct tp_jwk *k = NULL;
    bool kid_known = false;

    if (t->alg_none) {
        *detail = "alg none: an unsigned token";
        return TP_JWT_ALG;
    }
    if (t->alg == TP_JWA_UNKNOWN) {
        *detail = "unsupported alg";
        return TP_JWT_ALG;
    }
    if (!(algs & TP_JWA_BIT(t->alg))) {
        *detail = "alg not allowed by the configuration";
        return TP_JWT_ALG;
    }
    if (jws_algs[t->alg].kind == JWS_HMAC) {
        return jws_verify_hmac(t, c, detail);
    }
    if (t->kid.p == NULL) {
        *detail = "no kid in the header";
        return TP_JWT_KID;
    }
    if (c->jwks != NULL) {
        while ((k = tp_jwks_find(c->jwks, t->kid.p, t->kid.len, k)) != NULL
               && !tp_jwk_fits(k, t->alg))
        {
            kid_known = true;
        }
    }
    if (k == NULL) {
        *detail = kid_known ? "alg does not fit the kid's key"
                            : "no key with the token's kid";
        return kid_known ? TP_JWT_ALG : TP_JWT_KID;
    }
    return jws_verify_pkey(t, k, detail);
}
