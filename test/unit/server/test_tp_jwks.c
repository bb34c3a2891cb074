/*
 * test_tp_jwks.c: unit tests of JWKS parsing (tp_jwks.c) on the keys of
 * jwt_fixtures.h, whose JWKs python3-jwt wrote: RSA and EC P-256/P-384
 * keys load with their kid, size and alg; keys sharing a kid are found
 * in turn; every unusable entry of JWKS_MIXED is skipped for its own
 * reason while the set stays usable; documents that are not a JWKS fail
 * whole; alg names.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tp_b64url.h"
#include "tp_jwks.h"

#include "jwt_fixtures.h"

static struct tp_jwks *
parse(const char *doc)
{
    char err[256] = "";
    struct tp_jwks *set = tp_jwks_parse(doc, strlen(doc), err, sizeof(err));

    if (set == NULL) {
        fprintf(stderr, "tp_jwks_parse: %s\n", err);
    }
    return set;
}

static const struct tp_jwk *
find(const struct tp_jwks *set, const char *kid)
{
    return tp_jwks_find(set, kid, strlen(kid), NULL);
}

/* The key <kid> of <set>, checked: its type, size and own alg. */
static const struct tp_jwk *
key(const struct tp_jwks *set, const char *kid, enum tp_jwk_kty kty,
    int bits, enum tp_jwa alg)
{
    const struct tp_jwk *k = find(set, kid);

    assert_non_null(k);
    assert_non_null(k->pkey);
    assert_int_equal(k->kty, kty);
    assert_int_equal(k->bits, bits);
    assert_int_equal(k->alg, alg);
    return k;
}

static void
test_server__tp_jwks__main(void **state)
{
    struct tp_jwks *set = parse(JWKS_MAIN);
    const struct tp_jwk *k, *k2;
    int a;

    (void) state;
    assert_non_null(set);
    assert_int_equal(set->nkeys, 6);
    assert_int_equal(set->nskipped, 0);

    /* an alg of its own: that one only */
    k = key(set, "rsa1", TP_JWK_RSA, 2048, TP_JWA_RS256);
    for (a = TP_JWA_UNKNOWN; a < TP_JWA_COUNT; a++) {
        assert_int_equal(tp_jwk_fits(k, a), a == TP_JWA_RS256);
    }
    /* none: every alg of its kind */
    k = key(set, "rsa2", TP_JWK_RSA, 2048, TP_JWA_UNKNOWN);
    for (a = TP_JWA_UNKNOWN; a < TP_JWA_COUNT; a++) {
        assert_int_equal(tp_jwk_fits(k, a),
            a >= TP_JWA_RS256 && a <= TP_JWA_PS512);
    }
    k = key(set, "ec256", TP_JWK_EC_P256, 256, TP_JWA_ES256);
    for (a = TP_JWA_UNKNOWN; a < TP_JWA_COUNT; a++) {
        assert_int_equal(tp_jwk_fits(k, a), a == TP_JWA_ES256);
    }
    k = key(set, "ec384", TP_JWK_EC_P384, 384, TP_JWA_UNKNOWN);
    for (a = TP_JWA_UNKNOWN; a < TP_JWA_COUNT; a++) {
        assert_int_equal(tp_jwk_fits(k, a), a == TP_JWA_ES384);
    }

    /* two keys named "dup", EC first: found in document order */
    k = find(set, "dup");
    assert_non_null(k);
    assert_int_equal(k->kty, TP_JWK_EC_P256);
    k2 = tp_jwks_find(set, "dup", 3, k);
    assert_non_null(k2);
    assert_int_equal(k2->kty, TP_JWK_RSA);
    assert_null(tp_jwks_find(set, "dup", 3, k2));

    assert_null(find(set, "nope"));
    assert_null(find(set, "rsa"));
    assert_null(find(set, "rsa1 "));
    assert_null(find(set, ""));
    tp_jwks_free(set);
}

static void
test_server__tp_jwks__skipped(void **state)
{
    static const struct { int index; const char *kid, *why; } want[] = {
        { 1, "oct", "symmetric key (HS256 takes only the configured "
                    "secret)" },
        { 2, "small", "RSA modulus under 2048 bits" },
        { 3, "p521", "EC curve not P-256 or P-384" },
        { 4, "enc", "use is not sig" },
        { 5, NULL, "no kid (tokens name their key by kid)" },
        { 6, NULL, "kid is not a string" },
        { 7, "offcurve", "EC point not on the curve" },
        { 8, "hs", "unsupported alg" },
        { 9, "ecrs", "alg does not fit the key type" },
        { 10, "signops", "key_ops without verify" },
        { 11, "okp", "unsupported kty" },
        { 12, "shortx", "EC coordinates of the wrong length for the curve" },
        { 13, NULL, "not an object" },
        { 14, "paddedn", "RSA key without base64url n and e" },
        { 15, "evene", "RSA exponent not odd, 1, or over 64 bits" },
    };
    struct tp_jwks *set = parse(JWKS_MIXED);
    unsigned i;

    (void) state;
    assert_non_null(set);
    assert_int_equal(set->nkeys, 2);
    assert_string_equal(set->keys[0].kid, "good");
    assert_string_equal(set->keys[1].kid, "verifyops");
    assert_int_equal(set->nskipped, (int) TP_NELEM(want));
    for (i = 0; i < TP_NELEM(want); i++) {
        assert_int_equal(set->skipped[i].index, want[i].index);
        assert_string_equal(set->skipped[i].why, want[i].why);
        if (want[i].kid == NULL) {
            assert_null(set->skipped[i].kid);
        } else {
            assert_string_equal(set->skipped[i].kid, want[i].kid);
        }
    }
    assert_null(find(set, "small"));
    assert_non_null(find(set, "good"));
    tp_jwks_free(set);
}

static void
test_server__tp_jwks__documents(void **state)
{
    static const char *const bad[][2] = {
        { "", "JWKS is not JSON" },
        { "{\"keys\": [}", "JWKS is not JSON" },
        { "[]", "JWKS without a \"keys\" array" },
        { "{}", "JWKS without a \"keys\" array" },
        { "{\"keys\": {}}", "JWKS without a \"keys\" array" },
        { "{\"keys\": \"x\"}", "JWKS without a \"keys\" array" },
    };
    struct tp_jwks *set;
    char err[128], *big;
    unsigned i;

    (void) state;
    for (i = 0; i < TP_NELEM(bad); i++) {
        err[0] = '\0';
        assert_null(tp_jwks_parse(bad[i][0], strlen(bad[i][0]), err,
            sizeof(err)));
        assert_non_null(strstr(err, bad[i][1]));
    }
    set = parse("{\"keys\": []}");
    assert_non_null(set);
    assert_int_equal(set->nkeys, 0);
    assert_int_equal(set->nskipped, 0);
    assert_null(find(set, "x"));
    tp_jwks_free(set);
    tp_jwks_free(NULL);

    /* auth.md 4: a JWKS response is at most 150,000 bytes */
    big = malloc(TP_JWKS_MAX_SIZE + 1);
    assert_non_null(big);
    memset(big, ' ', TP_JWKS_MAX_SIZE + 1);
    memcpy(big, "{\"keys\": []}", 12);
    set = tp_jwks_parse(big, TP_JWKS_MAX_SIZE, err, sizeof(err));
    assert_non_null(set);
    tp_jwks_free(set);
    assert_null(tp_jwks_parse(big, TP_JWKS_MAX_SIZE + 1, err, sizeof(err)));
    assert_non_null(strstr(err, "larger than 150000 bytes"));
    free(big);
}

/* A kid is compared unescaped, and may hold any character. */
static void
test_server__tp_jwks__kid_escapes(void **state)
{
    struct tp_jwks *set;
    char doc[4096];
    const struct tp_jwk *k;
    const char *n;
    int len;

    (void) state;
    /* the "good" key's n, e from JWKS_MIXED, under an escaped kid */
    n = strstr(JWKS_MIXED, "\"n\": \"");
    assert_non_null(n);
    n += 6;
    len = (int) (strchr(n, '"') - n);
    snprintf(doc, sizeof(doc), "{\"keys\": [{\"kty\": \"RSA\", \"kid\": "
        "\"\\u0072sa\\\"1\\u00e9\", \"e\": \"AQAB\", \"n\": \"%.*s\"}]}",
        len, n);
    set = parse(doc);
    assert_non_null(set);
    assert_int_equal(set->nkeys, 1);
    k = find(set, "rsa\"1\xc3\xa9");
    assert_non_null(k);
    assert_int_equal(k->kid_len, 7);
    tp_jwks_free(set);
}

static void
test_server__tp_jwks__alg_names(void **state)
{
    static const char *const names[] = {
        "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256",
        "ES384", "HS256",
    };
    unsigned i;

    (void) state;
    for (i = 0; i < TP_NELEM(names); i++) {
        enum tp_jwa a = tp_jwa_from_name(names[i], 5);

        assert_int_not_equal(a, TP_JWA_UNKNOWN);
        assert_string_equal(tp_jwa_name(a), names[i]);
    }
    assert_int_equal(tp_jwa_from_name("none", 4), TP_JWA_UNKNOWN);
    assert_int_equal(tp_jwa_from_name("rs256", 5), TP_JWA_UNKNOWN);
    assert_int_equal(tp_jwa_from_name("RS2560", 6), TP_JWA_UNKNOWN);
    assert_int_equal(tp_jwa_from_name("RS25", 4), TP_JWA_UNKNOWN);
    assert_int_equal(tp_jwa_from_name("ES512", 5), TP_JWA_UNKNOWN);
    assert_int_equal(tp_jwa_from_name("", 0), TP_JWA_UNKNOWN);
    assert_string_equal(tp_jwa_name(TP_JWA_UNKNOWN), "unknown");
    assert_string_equal(tp_jwa_name(TP_JWA_COUNT), "unknown");
}

/* An even RSA modulus is refused by turnpike's own check (OpenSSL's
 * public check, with its primality test, is not used for RSA). */
static void
test_server__tp_jwks__even_modulus(void **state)
{
    unsigned char n[256];
    char doc[1024], even[400], odd[400], err[128];
    struct tp_jwks *set;
    size_t len;

    (void) state;
    memset(n, 0xc5, sizeof(n));
    n[255] = 0x04;
    len = tp_b64url_encode(n, sizeof(n), even);
    even[len] = '\0';
    n[255] = 0x05;
    len = tp_b64url_encode(n, sizeof(n), odd);
    odd[len] = '\0';
    snprintf(doc, sizeof(doc), "{\"keys\": [{\"kty\": \"RSA\", \"kid\": "
        "\"even\", \"n\": \"%s\", \"e\": \"AQAB\"}, {\"kty\": \"RSA\", "
        "\"kid\": \"odd\", \"n\": \"%s\", \"e\": \"AQAB\"}]}", even, odd);
    set = tp_jwks_parse(doc, strlen(doc), err, sizeof(err));
    assert_non_null(set);
    assert_int_equal(set->nskipped, 1);
    assert_string_equal(set->skipped[0].why, "RSA modulus even");
    assert_int_equal(set->nkeys, 1);
    assert_string_equal(set->keys[0].kid, "odd");
    tp_jwks_free(set);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_server__tp_jwks__main),
        cmocka_unit_test(test_server__tp_jwks__skipped),
        cmocka_unit_test(test_server__tp_jwks__even_modulus),
        cmocka_unit_test(test_server__tp_jwks__documents),
        cmocka_unit_test(test_server__tp_jwks__kid_escapes),
        cmocka_unit_test(test_server__tp_jwks__alg_names),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
