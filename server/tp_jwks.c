/*
 * tp_jwks.c: JWKS parsing into OpenSSL public keys (see tp_jwks.h).
 *
 * Keys are built from their parameters with EVP_PKEY_fromdata() (no DER
 * or PEM detour).  EC keys are checked with EVP_PKEY_public_check(), which
 * refuses a point off its curve; RSA keys with checks of our own (an odd
 * modulus of 2048 to 16384 bits, a small odd exponent), not OpenSSL's,
 * whose primality test of the modulus costs some 3 ms per 2048-bit key
 * (random, so not even the same each time) and protects against nothing
 * here: only the key set's publisher could make its modulus prime, and it
 * signs whatever it likes anyway.  A worker parses every JWKS it fetches
 * on its event loop.  Broken keys are skipped when read, not found out
 * token by token.  Each skipped key
 * gets one static reason; the JSON tokens live in a scratch arena freed
 * on return.
 */
#include "tp_jwks.h"
#include "tp_b64url.h"
#include "tp_json.h"

#include <stdio.h>
#include <stdlib.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/param_build.h>

static const char jwks_nomem[] = "out of memory";

static const char *const jwa_names[TP_JWA_COUNT] = {
    [TP_JWA_UNKNOWN] = "unknown",
    [TP_JWA_RS256] = "RS256", [TP_JWA_RS384] = "RS384",
    [TP_JWA_RS512] = "RS512", [TP_JWA_PS256] = "PS256",
    [TP_JWA_PS384] = "PS384", [TP_JWA_PS512] = "PS512",
    [TP_JWA_ES256] = "ES256", [TP_JWA_ES384] = "ES384",
    [TP_JWA_HS256] = "HS256",
};

enum tp_jwa
tp_jwa_from_name(const char *s, size_t len)
{
    int a;

    for (a = TP_JWA_UNKNOWN + 1; a < TP_JWA_COUNT; a++) {
        if (strlen(jwa_names[a]) == len && memcmp(jwa_names[a], s, len) == 0)
        {
            return (enum tp_jwa) a;
        }
    }
    return TP_JWA_UNKNOWN;
}

const char *
tp_jwa_name(enum tp_jwa a)
{
    return a > TP_JWA_UNKNOWN && a < TP_JWA_COUNT ? jwa_names[a]
                                                  : jwa_names[0];
}

bool
tp_jwk_fits(const struct tp_jwk *k, enum tp_jwa alg)
{
    bool kty_ok;

    switch (alg) {
    case TP_JWA_RS256: case TP_JWA_RS384: case TP_JWA_RS512:
    case TP_JWA_PS256: case TP_JWA_PS384: case TP_JWA_PS512:
        kty_ok = k->kty == TP_JWK_RSA;
        break;
    case TP_JWA_ES256:
        kty_ok = k->kty == TP_JWK_EC_P256;
        break;
    case TP_JWA_ES384:
        kty_ok = k->kty == TP_JWK_EC_P384;
        break;
    default:
        return false;                /* HS256 never uses a JWK */
    }
    return kty_ok && (k->alg == TP_JWA_UNKNOWN || k->alg == alg);
}

/* A JWK being read: the document, the key object, scratch memory. */
struct jwk_in {
    const struct tp_json *d;
    int obj;
    struct tp_arena *tmp;
};

/*
 * String member <name>: TP_OK with *<out> (unescaped, in the scratch
 * arena), TP_DECLINED when absent, TP_ERROR when not a string or out of
 * memory.
 */
static int
jwk_str(const struct jwk_in *in, const char *name, const char **out,
    size_t *len)
{
    int v = tp_json_get(in->d, in->obj, name);

    if (v < 0) {
        return TP_DECLINED;
    }
    *out = tp_json_str(in->d, v, in->tmp, len);
    return *out != NULL ? TP_OK : TP_ERROR;
}

/* Whether <s, len> (may hold NULs) is the string <z>. */
static bool
jwk_is(const char *s, size_t len, const char *z)
{
    return len == strlen(z) && memcmp(s, z, len) == 0;
}

/* Base64url member <name> decoded into the scratch arena; false when
 * absent, not a string or not strict base64url. */
static bool
jwk_b64(const struct jwk_in *in, const char *name, unsigned char **out,
    size_t *len)
{
    const char *s;
    size_t slen;

    if (jwk_str(in, name, &s, &slen) != TP_OK) {
        return false;
    }
    *out = tp_arena_alloc(in->tmp, TP_B64URL_DEC_MAX(slen) + 1);
    return *out != NULL && tp_b64url_decode(s, slen, *out, len) == TP_OK;
}

/* <params> as a public key of <type> ("RSA", "EC"), or NULL; with
 * <check>, it must pass OpenSSL's public key check. */
static EVP_PKEY *
jwk_fromdata(const char *type, OSSL_PARAM *params, bool check_it)
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
    EVP_PKEY_CTX *check = NULL;
    EVP_PKEY *pkey = NULL;

    if (ctx == NULL || EVP_PKEY_fromdata_init(ctx) <= 0
        || EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) <= 0)
    {
        goto done;
    }
    check = check_it ? EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL) : NULL;
    if (check_it && (check == NULL || EVP_PKEY_public_check(check) <= 0)) {
        EVP_PKEY_free(pkey);
        pkey = NULL;
    }
done:
    if (pkey == NULL) {
        ERR_clear_error();           /* the worker's TLS code reads it */
    }
    EVP_PKEY_CTX_free(check);
    EVP_PKEY_CTX_free(ctx);
    return pkey;
}

static const char *
jwk_rsa(const struct jwk_in *in, struct tp_jwk *k)
{
    unsigned char *nb, *eb;
    size_t nlen, elen;
    BIGNUM *n = NULL, *e = NULL;
    OSSL_PARAM_BLD *bld = NULL;
    OSSL_PARAM *params = NULL;
    const char *why = NULL;

    if (!jwk_b64(in, "n", &nb, &nlen) || !jwk_b64(in, "e", &eb, &elen)) {
        return "RSA key without base64url n and e";
    }
    n = BN_bin2bn(nb, (int) nlen, NULL);
    e = BN_bin2bn(eb, (int) elen, NULL);
    if (n == NULL || e == NULL) {
        why = jwks_nomem;
        goto done;
    }
    k->bits = BN_num_bits(n);
    if (k->bits < TP_JWKS_RSA_MIN_BITS) {
        why = "RSA modulus under 2048 bits";
        goto done;
    }
    if (k->bits > TP_JWKS_RSA_MAX_BITS) {
        why = "RSA modulus over 16384 bits";
        goto done;
    }
    if (!BN_is_odd(n)) {
        why = "RSA modulus even";
        goto done;
    }
    /* A small odd exponent, as every signer uses (65537 mostly): an even
     * or huge one is a broken key, and huge ones slow every verify. */
    if (!BN_is_odd(e) || BN_is_one(e) || BN_num_bits(e) > 64) {
        why = "RSA exponent not odd, 1, or over 64 bits";
        goto done;
    }
    bld = OSSL_PARAM_BLD_new();
    if (bld == NULL
        || !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n)
        || !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e)
        || (params = OSSL_PARAM_BLD_to_param(bld)) == NULL)
    {
        why = jwks_nomem;
        goto done;
    }
    k->kty = TP_JWK_RSA;
    k->pkey = jwk_fromdata("RSA", params, false);
    if (k->pkey == NULL) {
        why = "RSA key refused by OpenSSL";
    }
done:
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    BN_free(n);
    BN_free(e);
    return why;
}

static const char *
jwk_ec(const struct jwk_in *in, struct tp_jwk *k)
{
    unsigned char *x, *y, pub[1 + 2 * 48];
    const char *crv, *group;
    size_t crvlen, xlen, ylen, clen;
    OSSL_PARAM params[3];

    if (jwk_str(in, "crv", &crv, &crvlen) != TP_OK) {
        return "EC key without a crv string";
    }
    if (jwk_is(crv, crvlen, "P-256")) {
        k->kty = TP_JWK_EC_P256;
        group = "P-256";
        clen = 32;
    } else if (jwk_is(crv, crvlen, "P-384")) {
        k->kty = TP_JWK_EC_P384;
        group = "P-384";
        clen = 48;
    } else {
        return "EC curve not P-256 or P-384";
    }
    k->bits = (int) clen * 8;
    if (!jwk_b64(in, "x", &x, &xlen) || !jwk_b64(in, "y", &y, &ylen)) {
        return "EC key without base64url x and y";
    }
    /* RFC 7518 6.2.1.2: the full coordinate length, leading zeros kept */
    if (xlen != clen || ylen != clen) {
        return "EC coordinates of the wrong length for the curve";
    }
    pub[0] = 0x04;                   /* SEC 1 uncompressed point */
    memcpy(pub + 1, x, clen);
    memcpy(pub + 1 + clen, y, clen);
    params[0] = OSSL_PARAM_construct_utf8_string(
        OSSL_PKEY_PARAM_GROUP_NAME, (char *) group, 0);
    params[1] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY,
        pub, 1 + 2 * clen);
    params[2] = OSSL_PARAM_construct_end();
    k->pkey = jwk_fromdata("EC", params, true);
    return k->pkey == NULL ? "EC point not on the curve" : NULL;
}

/* Whether "key_ops" (RFC 7517 4.3), an array of strings, has "verify". */
static bool
jwk_ops_verify(const struct tp_json *d, int ops)
{
    int i;

    for (i = tp_json_child(d, ops); i >= 0; i = tp_json_next(d, i)) {
        if (tp_json_type(d, i) == TP_JSON_STRING
            && tp_json_streq(d, i, "verify", 6))
        {
            return true;
        }
    }
    return false;
}

/* Reads one element of "keys" into <k>: NULL, or why it is skipped. */
static const char *
jwk_parse(const struct jwk_in *in, struct tp_jwk *k, const char **kid)
{
    const char *kty, *s;
    size_t ktylen, len;
    int rc, ops;

    *kid = NULL;
    if (tp_json_type(in->d, in->obj) != TP_JSON_OBJECT) {
        return "not an object";
    }
    rc = jwk_str(in, "kid", kid, &k->kid_len);
    if (rc == TP_ERROR) {
        *kid = NULL;
        return "kid is not a string";
    }
    if (rc == TP_DECLINED) {
        return "no kid (tokens name their key by kid)";
    }
    rc = jwk_str(in, "use", &s, &len);
    if (rc == TP_ERROR || (rc == TP_OK && !jwk_is(s, len, "sig"))) {
        return "use is not sig";
    }
    ops = tp_json_get(in->d, in->obj, "key_ops");
    if (ops >= 0 && (tp_json_type(in->d, ops) != TP_JSON_ARRAY
                     || !jwk_ops_verify(in->d, ops)))
    {
        return "key_ops without verify";
    }
    rc = jwk_str(in, "alg", &s, &len);
    if (rc == TP_ERROR) {
        return "alg is not a string";
    }
    k->alg = rc == TP_OK ? tp_jwa_from_name(s, len) : TP_JWA_UNKNOWN;
    if (rc == TP_OK && (k->alg == TP_JWA_UNKNOWN || k->alg == TP_JWA_HS256))
    {
        return "unsupported alg";
    }
    if (jwk_str(in, "kty", &kty, &ktylen) != TP_OK) {
        return "no kty string";
    }
    if (jwk_is(kty, ktylen, "RSA")) {
        s = jwk_rsa(in, k);
    } else if (jwk_is(kty, ktylen, "EC")) {
        s = jwk_ec(in, k);
    } else if (jwk_is(kty, ktylen, "oct")) {
        return "symmetric key (HS256 takes only the configured secret)";
    } else {
        return "unsupported kty";
    }
    if (s == NULL && k->alg != TP_JWA_UNKNOWN && !tp_jwk_fits(k, k->alg)) {
        s = "alg does not fit the key type";
    }
    return s;
}

static void
jwks_pkey_free(void *pkey)
{
    EVP_PKEY_free(pkey);
}

/* Parses the array <keys> into <set>: TP_ERROR only when out of memory. */
static int
jwks_keys(struct tp_jwks *set, const struct tp_json *d, int keys,
    struct tp_arena *tmp)
{
    struct jwk_in in = { d, -1, tmp };
    struct tp_jwks_skip *sk;
    struct tp_jwk *k;
    const char *why, *kid;
    int n = d->toks[keys].size, idx = 0;

    set->keys = tp_arena_calloc(&set->arena, sizeof(*set->keys) * (n + 1));
    set->skipped = tp_arena_calloc(&set->arena,
        sizeof(*set->skipped) * (n + 1));
    if (set->keys == NULL || set->skipped == NULL) {
        return TP_ERROR;
    }
    for (in.obj = tp_json_child(d, keys); in.obj >= 0;
         in.obj = tp_json_next(d, in.obj), idx++)
    {
        k = &set->keys[set->nkeys];
        memset(k, 0, sizeof(*k));
        why = jwk_parse(&in, k, &kid);
        if (k->pkey != NULL
            && tp_arena_cleanup_add(&set->arena, jwks_pkey_free, k->pkey)
               != TP_OK)
        {
            EVP_PKEY_free(k->pkey);
            return TP_ERROR;
        }
        if (kid != NULL) {
            kid = tp_arena_strndup(&set->arena, kid, k->kid_len);
            if (kid == NULL) {
                return TP_ERROR;
            }
        }
        if (why == NULL) {
            k->kid = kid;
            set->nkeys++;
            continue;
        }
        if (why == jwks_nomem) {
            return TP_ERROR;
        }
        sk = &set->skipped[set->nskipped++];
        sk->index = idx;
        sk->kid = kid;
        sk->why = why;
    }
    return TP_OK;
}

struct tp_jwks *
tp_jwks_parse(const char *buf, size_t len, char *err, size_t errlen)
{
    struct tp_jwks *set;
    struct tp_arena tmp;
    struct tp_json d;
    char jerr[128];
    int keys;

    if (len > TP_JWKS_MAX_SIZE) {
        snprintf(err, errlen, "JWKS larger than %d bytes", TP_JWKS_MAX_SIZE);
        return NULL;
    }
    set = calloc(1, sizeof(*set));
    if (set == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    tp_arena_init(&set->arena, 4096);
    tp_arena_init(&tmp, 16384);
    if (tp_json_parse(&d, &tmp, buf, len, jerr, sizeof(jerr)) != TP_OK) {
        snprintf(err, errlen, "JWKS is not JSON: %s", jerr);
        goto failed;
    }
    keys = tp_json_type(&d, 0) == TP_JSON_OBJECT
           ? tp_json_get(&d, 0, "keys") : -1;
    if (tp_json_type(&d, keys) != TP_JSON_ARRAY) {
        snprintf(err, errlen, "JWKS without a \"keys\" array");
        goto failed;
    }
    if (jwks_keys(set, &d, keys, &tmp) != TP_OK) {
        snprintf(err, errlen, "out of memory");
        goto failed;
    }
    tp_arena_free(&tmp);
    return set;

failed:
    tp_arena_free(&tmp);
    tp_jwks_free(set);
    return NULL;
}

void
tp_jwks_free(struct tp_jwks *set)
{
    if (set != NULL) {
        tp_arena_free(&set->arena);
        free(set);
    }
}

const struct tp_jwk *
tp_jwks_find(const struct tp_jwks *set, const char *kid, size_t len,
    const struct tp_jwk *prev)
{
    int i = prev == NULL ? 0 : (int) (prev - set->keys) + 1;

    for (; i < set->nkeys; i++) {
        if (set->keys[i].kid_len == len
            && memcmp(set->keys[i].kid, kid, len) == 0)
        {
            return &set->keys[i];
        }
    }
    return NULL;
}
