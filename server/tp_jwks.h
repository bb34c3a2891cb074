/*
 * tp_jwks.h: JSON Web Key Sets (RFC 7517) for JWT authorizers (auth.md 4)
 * and Cognito user-pool authorizers (auth.md 5): the public keys a token's
 * signature is checked with, parsed into OpenSSL EVP_PKEYs, found by
 * "kid".  Also the JWS algorithm names (RFC 7518 3.1) both use.  No I/O:
 * the caller brings the document (a file, or later a jwks_uri fetch).
 *
 * Keys taken: kty "RSA" (n, e; 2048 to 16384 bits) and kty "EC" (crv
 * "P-256" or "P-384"; x, y a point on the curve), with a "kid", "use"
 * absent or "sig", "key_ops" absent or holding "verify", and "alg" absent
 * or one of ours that fits the key.  Any other key is skipped with the
 * reason, and the set stays usable: one odd key in a provider's JWKS must
 * not lock every token out.  Symmetric ("oct") keys are never taken from
 * a JWKS: HS256 uses only the secret of the configuration.
 */
#ifndef TP_JWKS_H
#define TP_JWKS_H

#include "tp_core.h"
#include "tp_arena.h"

#include <openssl/evp.h>

#define TP_JWKS_MAX_SIZE     150000  /* auth.md 4: JWKS response limit */
#define TP_JWKS_RSA_MIN_BITS 2048
#define TP_JWKS_RSA_MAX_BITS 16384   /* bounds the cost of one verify */

/* JWS "alg" values we know (RFC 7518 3.1); 0 is none of them. */
enum tp_jwa {
    TP_JWA_UNKNOWN = 0,
    TP_JWA_RS256, TP_JWA_RS384, TP_JWA_RS512,
    TP_JWA_PS256, TP_JWA_PS384, TP_JWA_PS512,
    TP_JWA_ES256, TP_JWA_ES384,
    TP_JWA_HS256,
    TP_JWA_COUNT
};

#define TP_JWA_BIT(a)  (1u << (a))

/* "RS256" -> TP_JWA_RS256; TP_JWA_UNKNOWN for anything else ("none"). */
enum tp_jwa tp_jwa_from_name(const char *s, size_t len);

/* "RS256" ...; "unknown" for TP_JWA_UNKNOWN. */
const char *tp_jwa_name(enum tp_jwa a);

enum tp_jwk_kty {
    TP_JWK_RSA = 1,
    TP_JWK_EC_P256,                  /* kty EC, crv P-256 */
    TP_JWK_EC_P384                   /* kty EC, crv P-384 */
};

struct tp_jwk {
    const char *kid;                 /* NUL-terminated; may hold a NUL */
    size_t kid_len;
    enum tp_jwk_kty kty;
    enum tp_jwa alg;                 /* the JWK's "alg", or UNKNOWN when
                                        absent (any alg of its kty) */
    int bits;                        /* RSA modulus or EC field size */
    EVP_PKEY *pkey;                  /* a public key */
};

struct tp_jwks_skip {
    int index;                       /* in "keys" */
    const char *kid;                 /* NULL when it had none */
    const char *why;                 /* static text */
};

struct tp_jwks {
    struct tp_jwk *keys;             /* in document order */
    int nkeys;
    struct tp_jwks_skip *skipped;
    int nskipped;
    struct tp_arena arena;           /* all of the above; frees the keys */
};

/*
 * Parses the JWKS <buf, len> ({"keys": [...]}).  Returns a set that
 * tp_jwks_free() releases, possibly with no usable key (the caller says
 * whether that is an error), or NULL with the reason in <err>: not JSON,
 * over TP_JWKS_MAX_SIZE, no "keys" array, out of memory.
 */
struct tp_jwks *tp_jwks_parse(const char *buf, size_t len, char *err,
    size_t errlen);

void tp_jwks_free(struct tp_jwks *set);

/*
 * The first key after <prev> (NULL: from the start) whose kid is <kid,
 * len>, or NULL.  Several keys may share a kid (an RSA and an EC one):
 * tp_jwk_fits() picks the one for a token's alg.
 */
const struct tp_jwk *tp_jwks_find(const struct tp_jwks *set,
    const char *kid, size_t len, const struct tp_jwk *prev);

/* Whether key <k> may verify a signature made with <alg>: its kty (and
 * curve) fit the alg, and its own "alg", if any, is <alg>. */
bool tp_jwk_fits(const struct tp_jwk *k, enum tp_jwa alg);

#endif /* TP_JWKS_H */
