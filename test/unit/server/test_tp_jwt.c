/*
 * test_tp_jwt.c: unit tests of JWT verification (tp_jwt.c, tp_jwt_sig.c,
 * tp_jwt_claims.c) on the tokens of jwt_fixtures.h, made by python3-jwt
 * and python3-cryptography (jwt_fixtures.py): a good token of every
 * algorithm passes, and every bad one fails for its own reason (the
 * status and the detail); time limits at their boundaries and with
 * leeway; aud/client_id; scopes; Cognito ID vs access tokens; the claims
 * and scopes handed back; decoding of malformed tokens; Bearer values;
 * the HTTP answer of each failure.
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
#include "tp_jwt.h"

#include "jwt_fixtures.h"

#define ALL_ALGS (TP_JWA_BIT(TP_JWA_COUNT) - 2)   /* every known alg */

static struct tp_jwks *jwks;
static const char *const auds[] = { JWT_AUD_A, JWT_AUD_B };
static const char *const aud_a[] = { JWT_AUD_A };

static int
setup(void **state)
{
    char err[256];

    (void) state;
    jwks = tp_jwks_parse(JWKS_MAIN, strlen(JWKS_MAIN), err, sizeof(err));
    return jwks != NULL && jwks->nkeys == 6 ? 0 : -1;
}

static int
teardown(void **state)
{
    (void) state;
    tp_jwks_free(jwks);
    return 0;
}

/* A JWT authorizer allowing every alg, with the HS256 secret. */
static struct tp_jwt_conf
conf_all(void)
{
    return (struct tp_jwt_conf) {
        .mode = TP_JWT_MODE_JWT,
        .algs = ALL_ALGS,
        .jwks = jwks,
        .hs256_key = (const unsigned char *) JWT_HS_SECRET,
        .hs256_key_len = sizeof(JWT_HS_SECRET) - 1,
        .issuer = JWT_ISS,
        .audiences = auds,
        .naudiences = 2,
    };
}

/* Checks <tok> at <now> with <c> and <scopes>; the result in *<r>. */
static enum tp_jwt_status
check_at(const struct tp_jwt_conf *c, const char *tok,
    const char *const *scopes, unsigned nscopes, int64_t now,
    struct tp_arena *a, struct tp_jwt_result *r)
{
    return tp_jwt_check(c, tok, strlen(tok), scopes, nscopes, now, a, r);
}

/* The status of <tok> under <c> at JWT_NOW; the detail must hold <why>. */
static enum tp_jwt_status
status_of(const struct tp_jwt_conf *c, const char *tok,
    const char *const *scopes, unsigned nscopes, const char *why)
{
    struct tp_jwt_result r;
    struct tp_arena a;
    enum tp_jwt_status s;

    tp_arena_init(&a, 4096);
    s = check_at(c, tok, scopes, nscopes, JWT_NOW, &a, &r);
    assert_int_equal(r.status, s);
    if (s != TP_JWT_OK) {
        assert_null(r.claims);
        if (strstr(r.detail, why) == NULL) {
            fail_msg("detail \"%s\", expected \"%s\"", r.detail, why);
        }
    } else {
        assert_non_null(r.claims);
    }
    tp_arena_free(&a);
    return s;
}

/* The configurations of the table below, all from conf_all(). */
enum {
    C_ALL,                           /* every alg, HS256 secret, A and B */
    C_DEFAULT,                       /* algs 0: RS256/384/512 */
    C_ES384,                         /* ES384 alone */
    C_NO_HS_KEY,
    C_SHORT_HS_KEY,
    C_NO_JWKS,
    C_ISS_SLASH,                     /* issuer JWT_ISS "/" */
    C_NO_ISS,                        /* issuer NULL */
    C_AUD_A,                         /* audiences: A alone */
    C_NO_AUD,                        /* no audiences */
    C_COGNITO,                       /* Cognito, any app client */
    C_COGNITO_A,                     /* Cognito, app client A */
    C_COGNITO_B                      /* Cognito, app client B */
};

static struct tp_jwt_conf
conf(int which)
{
    struct tp_jwt_conf c = conf_all();

    switch (which) {
    case C_DEFAULT: c.algs = 0; break;
    case C_ES384: c.algs = TP_JWA_BIT(TP_JWA_ES384); break;
    case C_NO_HS_KEY: c.hs256_key = NULL; break;
    case C_SHORT_HS_KEY: c.hs256_key_len = TP_JWT_HS256_MIN_KEY - 1; break;
    case C_NO_JWKS: c.jwks = NULL; break;
    case C_ISS_SLASH: c.issuer = JWT_ISS "/"; break;
    case C_NO_ISS: c.issuer = NULL; break;
    case C_AUD_A: c.audiences = aud_a; c.naudiences = 1; break;
    case C_NO_AUD: c.naudiences = 0; break;
    case C_COGNITO: c.mode = TP_JWT_MODE_COGNITO; c.naudiences = 0; break;
    case C_COGNITO_A:
        c.mode = TP_JWT_MODE_COGNITO;
        c.audiences = aud_a;
        c.naudiences = 1;
        break;
    case C_COGNITO_B:
        c.mode = TP_JWT_MODE_COGNITO;
        c.audiences = auds + 1;
        c.naudiences = 1;
        break;
    }
    return c;
}

/* Route scopes of the table below. */
static const char *const s_read[] = { "read" };
static const char *const s_admin_x[] = { "x", "admin" };
static const char *const s_near[] = { "rea", "write " };
static const char *const s_delete[] = { "delete" };
static const char *const s_cats[] = { "dogs.read", JWT_COGNITO_SCOPE };
static const char *const s_dogs[] = { "https://api.example.com/dogs" };

#define SC(a) a, TP_NELEM(a)
#define OK TP_JWT_OK, ""

/* Each fixture token under a configuration and route scopes at JWT_NOW:
 * the status, and a phrase of the detail. */
static const struct {
    const char *name, *tok;
    int conf;
    const char *const *scopes;
    unsigned nscopes;
    enum tp_jwt_status want;
    const char *why;
} cases[] = {
    /* a good token of every alg; keys sharing a kid */
    { "rs256", JWT_GOOD_RS256, C_ALL, NULL, 0, OK },
    { "rs384", JWT_GOOD_RS384, C_ALL, NULL, 0, OK },
    { "rs512", JWT_GOOD_RS512, C_ALL, NULL, 0, OK },
    { "ps256", JWT_GOOD_PS256, C_ALL, NULL, 0, OK },
    { "ps384", JWT_GOOD_PS384, C_ALL, NULL, 0, OK },
    { "ps512", JWT_GOOD_PS512, C_ALL, NULL, 0, OK },
    { "es256", JWT_GOOD_ES256, C_ALL, NULL, 0, OK },
    { "es384", JWT_GOOD_ES384, C_ALL, NULL, 0, OK },
    { "hs256", JWT_GOOD_HS256, C_ALL, NULL, 0, OK },
    { "dup rsa", JWT_DUP_RS256, C_ALL, NULL, 0, OK },
    { "dup ec", JWT_DUP_ES256, C_ALL, NULL, 0, OK },

    /* auth.md 4: RSA only unless configured otherwise */
    { "default rs256", JWT_GOOD_RS256, C_DEFAULT, NULL, 0, OK },
    { "default rs384", JWT_GOOD_RS384, C_DEFAULT, NULL, 0, OK },
    { "default rs512", JWT_GOOD_RS512, C_DEFAULT, NULL, 0, OK },
    { "default ps256", JWT_GOOD_PS256, C_DEFAULT, NULL, 0, TP_JWT_ALG,
      "not allowed" },
    { "default es256", JWT_GOOD_ES256, C_DEFAULT, NULL, 0, TP_JWT_ALG,
      "not allowed" },
    { "default hs256", JWT_GOOD_HS256, C_DEFAULT, NULL, 0, TP_JWT_ALG,
      "not allowed" },
    { "es384 only", JWT_GOOD_ES384, C_ES384, NULL, 0, OK },
    { "es384 only, es256", JWT_GOOD_ES256, C_ES384, NULL, 0, TP_JWT_ALG,
      "not allowed" },
    { "es384 only, rs256", JWT_GOOD_RS256, C_ES384, NULL, 0, TP_JWT_ALG,
      "not allowed" },

    /* algs and keys */
    { "none", JWT_ALG_NONE, C_ALL, NULL, 0, TP_JWT_ALG, "alg none" },
    { "None signed", JWT_ALG_NONE_SIG, C_ALL, NULL, 0, TP_JWT_ALG,
      "alg none" },
    { "unknown alg", JWT_ALG_UNKNOWN, C_ALL, NULL, 0, TP_JWT_ALG,
      "unsupported alg" },
    /* HS256 signed with rsa1's public key: refused by default, and with
     * HS256 allowed the RSA key is never the secret */
    { "confusion", JWT_ALG_CONFUSION, C_DEFAULT, NULL, 0, TP_JWT_ALG,
      "not allowed" },
    { "confusion hs", JWT_ALG_CONFUSION, C_ALL, NULL, 0, TP_JWT_SIGNATURE,
      "does not verify" },
    { "confusion no key", JWT_ALG_CONFUSION, C_NO_HS_KEY, NULL, 0,
      TP_JWT_ALG, "without a configured secret" },
    { "hs256 no key", JWT_GOOD_HS256, C_NO_HS_KEY, NULL, 0, TP_JWT_ALG,
      "without a configured secret" },
    { "hs256 short key", JWT_GOOD_HS256, C_SHORT_HS_KEY, NULL, 0,
      TP_JWT_ALG, "without a configured secret" },
    { "hs256 wrong key", JWT_HS256_WRONG_SECRET, C_ALL, NULL, 0,
      TP_JWT_SIGNATURE, "does not verify" },
    { "wrong kid", JWT_WRONG_KID, C_ALL, NULL, 0, TP_JWT_KID,
      "no key with" },
    { "no kid", JWT_NO_KID, C_ALL, NULL, 0, TP_JWT_KID, "no kid" },
    { "no jwks", JWT_GOOD_RS256, C_NO_JWKS, NULL, 0, TP_JWT_KID,
      "no key with" },
    /* ES256 naming an RSA key; RS384 naming a key whose alg is RS256 */
    { "alg mismatch", JWT_ALG_MISMATCH, C_ALL, NULL, 0, TP_JWT_ALG,
      "does not fit" },
    { "jwk alg", JWT_ALG_JWK_RESTRICTED, C_ALL, NULL, 0, TP_JWT_ALG,
      "does not fit" },

    /* signatures */
    { "tampered payload", JWT_TAMPERED_PAYLOAD, C_ALL, NULL, 0,
      TP_JWT_SIGNATURE, "does not verify" },
    { "tampered rs256", JWT_TAMPERED_SIG_RS256, C_ALL, NULL, 0,
      TP_JWT_SIGNATURE, "does not verify" },
    { "tampered es256", JWT_TAMPERED_SIG_ES256, C_ALL, NULL, 0,
      TP_JWT_SIGNATURE, "does not verify" },
    { "tampered hs256", JWT_TAMPERED_SIG_HS256, C_ALL, NULL, 0,
      TP_JWT_SIGNATURE, "does not verify" },
    /* ECDSA in DER, as OpenSSL writes it: JWS wants r || s */
    { "es256 der", JWT_ES256_DER, C_ALL, NULL, 0, TP_JWT_SIGNATURE,
      "r || s" },

    /* times (boundaries and leeway in test_server__tp_jwt__times) */
    { "expired", JWT_EXPIRED, C_ALL, NULL, 0, TP_JWT_EXPIRED,
      "exp is past" },
    { "nbf", JWT_NBF_FUTURE, C_ALL, NULL, 0, TP_JWT_NOT_BEFORE, "nbf" },
    { "iat", JWT_IAT_FUTURE, C_ALL, NULL, 0, TP_JWT_IAT, "iat" },
    { "no exp", JWT_NO_EXP, C_ALL, NULL, 0, TP_JWT_EXP_MISSING, "no exp" },
    { "exp string", JWT_EXP_STRING, C_ALL, NULL, 0, TP_JWT_CLAIM_TYPE,
      "exp is not a number" },
    { "no nbf, iat", JWT_NO_NBF_IAT, C_ALL, NULL, 0, OK },

    /* issuer */
    { "wrong iss", JWT_WRONG_ISS, C_ALL, NULL, 0, TP_JWT_ISSUER,
      "iss is not the issuer" },
    { "no iss", JWT_NO_ISS, C_ALL, NULL, 0, TP_JWT_ISSUER, "no iss" },
    { "issuer /", JWT_GOOD_RS256, C_ISS_SLASH, NULL, 0, TP_JWT_ISSUER,
      "iss" },
    { "issuer NULL", JWT_GOOD_RS256, C_NO_ISS, NULL, 0, TP_JWT_ISSUER,
      "iss" },

    /* audience; auth.md 4: client_id only when there is no aud */
    { "wrong aud", JWT_WRONG_AUD, C_ALL, NULL, 0, TP_JWT_AUDIENCE,
      "aud holds" },
    { "aud array", JWT_AUD_ARRAY, C_ALL, NULL, 0, OK },
    { "aud array wrong", JWT_AUD_ARRAY_WRONG, C_ALL, NULL, 0,
      TP_JWT_AUDIENCE, "aud holds" },
    { "client_id", JWT_CLIENT_ID, C_ALL, NULL, 0, OK },
    { "client_id wrong", JWT_CLIENT_ID_WRONG, C_ALL, NULL, 0,
      TP_JWT_AUDIENCE, "client_id" },
    { "aud wins", JWT_AUD_WINS, C_ALL, NULL, 0, TP_JWT_AUDIENCE,
      "aud holds" },
    { "no aud", JWT_NO_AUD, C_ALL, NULL, 0, TP_JWT_AUDIENCE, "neither" },
    { "aud B, A only", JWT_AUD_ARRAY, C_AUD_A, NULL, 0, TP_JWT_AUDIENCE,
      "aud holds" },
    { "no audiences", JWT_GOOD_RS256, C_NO_AUD, NULL, 0, TP_JWT_AUDIENCE,
      "aud holds" },

    /* auth.md 4: at least one of the route's scopes, in scope or scp */
    { "scope", JWT_GOOD_RS256, C_ALL, SC(s_read), OK },
    { "scope none", JWT_GOOD_RS256, C_ALL, SC(s_admin_x), TP_JWT_SCOPE,
      "none of the route's scopes" },
    { "scope near", JWT_GOOD_RS256, C_ALL, SC(s_near), TP_JWT_SCOPE,
      "none" },
    { "scp array", JWT_SCP_ARRAY, C_ALL, SC(s_admin_x), OK },
    { "scp array none", JWT_SCP_ARRAY, C_ALL, SC(s_read), TP_JWT_SCOPE,
      "none" },
    { "scp string", JWT_SCP_STRING, C_ALL, SC(s_delete), OK },
    { "scp string 2", JWT_SCP_STRING, C_ALL, SC(s_admin_x), OK },
    { "no scope", JWT_NO_SCOPE, C_ALL, SC(s_read), TP_JWT_SCOPE, "none" },
    { "no route scopes", JWT_NO_SCOPE, C_ALL, NULL, 0, OK },

    /* auth.md 5: no method scopes, an ID token; scopes, an access token
     * holding one of them */
    { "cognito id", JWT_COGNITO_ID, C_COGNITO, NULL, 0, OK },
    { "cognito access as id", JWT_COGNITO_ACCESS, C_COGNITO, NULL, 0,
      TP_JWT_TOKEN_USE, "not an ID token" },
    { "cognito no token_use", JWT_GOOD_RS256, C_COGNITO, NULL, 0,
      TP_JWT_TOKEN_USE, "not an ID token" },
    { "cognito any aud", JWT_WRONG_AUD, C_COGNITO, NULL, 0,
      TP_JWT_TOKEN_USE, "token_use" },
    { "cognito access", JWT_COGNITO_ACCESS, C_COGNITO, SC(s_cats), OK },
    { "cognito access scope", JWT_COGNITO_ACCESS, C_COGNITO, SC(s_dogs),
      TP_JWT_SCOPE, "none" },
    { "cognito id as access", JWT_COGNITO_ID, C_COGNITO, SC(s_cats),
      TP_JWT_TOKEN_USE, "not an access token" },
    /* app clients configured: aud (ID token), client_id (access token) */
    { "cognito id A", JWT_COGNITO_ID, C_COGNITO_A, NULL, 0, OK },
    { "cognito access A", JWT_COGNITO_ACCESS, C_COGNITO_A, SC(s_cats), OK },
    { "cognito id B", JWT_COGNITO_ID, C_COGNITO_B, NULL, 0,
      TP_JWT_AUDIENCE, "aud" },
    { "cognito access B", JWT_COGNITO_ACCESS, C_COGNITO_B, SC(s_cats),
      TP_JWT_AUDIENCE, "client_id" },
    { "cognito expired", JWT_EXPIRED, C_COGNITO_B, NULL, 0, TP_JWT_EXPIRED,
      "exp" },
    { "cognito iss", JWT_WRONG_ISS, C_COGNITO_B, NULL, 0, TP_JWT_ISSUER,
      "iss" },

    /* refused before the signature matters */
    { "repeated claim", JWT_DUP_CLAIM, C_ALL, NULL, 0, TP_JWT_MALFORMED,
      "repeats" },
    { "crit", JWT_CRIT, C_ALL, NULL, 0, TP_JWT_MALFORMED, "crit" },
};

#undef OK

static void
test_server__tp_jwt__table(void **state)
{
    struct tp_jwt_conf c;
    unsigned i;

    (void) state;
    for (i = 0; i < TP_NELEM(cases); i++) {
        c = conf(cases[i].conf);
        if (status_of(&c, cases[i].tok, cases[i].scopes, cases[i].nscopes,
                cases[i].why) != cases[i].want)
        {
            fail_msg("case \"%s\": status %d", cases[i].name,
                (int) status_of(&c, cases[i].tok, cases[i].scopes,
                    cases[i].nscopes, ""));
        }
    }
}

/* <tok> with its signature bytes replaced by <sig, n>, into <buf>. */
static const char *
resign(char *buf, const char *tok, const unsigned char *sig, size_t n)
{
    size_t k = (size_t) (strrchr(tok, '.') + 1 - tok);

    memcpy(buf, tok, k);
    buf[k + tp_b64url_encode(sig, n, buf + k)] = '\0';
    return buf;
}

/* Good tokens with their signature cut, grown or gone, and one signed by
 * another key of the same kind under the right kid. */
static void
test_server__tp_jwt__signature_bytes(void **state)
{
    struct tp_jwt_conf c = conf_all();
    const char *toks[] = { JWT_GOOD_RS256, JWT_GOOD_ES384, JWT_GOOD_PS256,
                           JWT_GOOD_HS256 };
    unsigned char sig[600];
    char buf[2048];
    const char *s;
    unsigned i;
    size_t n;

    (void) state;
    for (i = 0; i < TP_NELEM(toks); i++) {
        s = strrchr(toks[i], '.') + 1;
        assert_true(TP_B64URL_DEC_MAX(strlen(s)) + 1 < sizeof(sig));
        assert_int_equal(tp_b64url_decode(s, strlen(s), sig, &n), TP_OK);
        assert_int_equal(status_of(&c, resign(buf, toks[i], sig, n), NULL,
            0, ""), TP_JWT_OK);
        assert_int_equal(status_of(&c, resign(buf, toks[i], sig, n - 1),
            NULL, 0, ""), TP_JWT_SIGNATURE);
        sig[n] = 0;
        assert_int_equal(status_of(&c, resign(buf, toks[i], sig, n + 1),
            NULL, 0, ""), TP_JWT_SIGNATURE);
        assert_int_equal(status_of(&c, resign(buf, toks[i], sig, 0),
            NULL, 0, ""), TP_JWT_SIGNATURE);
    }
    /* DUP_ES256's header and payload with GOOD_ES256's signature: another
     * P-256 key */
    s = strrchr(JWT_GOOD_ES256, '.') + 1;
    assert_int_equal(tp_b64url_decode(s, strlen(s), sig, &n), TP_OK);
    assert_int_equal(status_of(&c, resign(buf, JWT_DUP_ES256, sig, n), NULL,
        0, "does not verify"), TP_JWT_SIGNATURE);
}

static void
test_server__tp_jwt__times(void **state)
{
    struct tp_jwt_conf c = conf_all();
    struct tp_jwt_result r;
    struct tp_arena a;

    (void) state;
    tp_arena_init(&a, 4096);
    /* exp = JWT_NOW + 3600 must be after now */
    assert_int_equal(check_at(&c, JWT_GOOD_RS256, NULL, 0,
        JWT_NOW + 3599, &a, &r), TP_JWT_OK);
    assert_int_equal(check_at(&c, JWT_GOOD_RS256, NULL, 0,
        JWT_NOW + 3600, &a, &r), TP_JWT_EXPIRED);
    /* nbf = iat = JWT_NOW - 60 must not be after now */
    assert_int_equal(check_at(&c, JWT_GOOD_RS256, NULL, 0,
        JWT_NOW - 60, &a, &r), TP_JWT_OK);
    assert_int_equal(check_at(&c, JWT_GOOD_RS256, NULL, 0,
        JWT_NOW - 61, &a, &r), TP_JWT_NOT_BEFORE);
    assert_int_equal(check_at(&c, JWT_IAT_FUTURE, NULL, 0,
        JWT_NOW + 30, &a, &r), TP_JWT_OK);
    /* exp = JWT_NOW + 0.5 */
    assert_int_equal(check_at(&c, JWT_EXP_FRACTION, NULL, 0, JWT_NOW, &a,
        &r), TP_JWT_OK);
    assert_int_equal(check_at(&c, JWT_EXP_FRACTION, NULL, 0, JWT_NOW + 1,
        &a, &r), TP_JWT_EXPIRED);

    /* leeway: exp = JWT_NOW - 30, nbf and iat = JWT_NOW + 30 */
    c.leeway = 30;
    assert_int_equal(check_at(&c, JWT_EXPIRED, NULL, 0, JWT_NOW, &a, &r),
        TP_JWT_EXPIRED);
    assert_int_equal(check_at(&c, JWT_NBF_FUTURE, NULL, 0, JWT_NOW, &a, &r),
        TP_JWT_OK);
    assert_int_equal(check_at(&c, JWT_IAT_FUTURE, NULL, 0, JWT_NOW, &a, &r),
        TP_JWT_OK);
    c.leeway = 31;
    assert_int_equal(check_at(&c, JWT_EXPIRED, NULL, 0, JWT_NOW, &a, &r),
        TP_JWT_OK);
    assert_int_equal(check_at(&c, JWT_NBF_FUTURE, NULL, 0, JWT_NOW - 2, &a,
        &r), TP_JWT_NOT_BEFORE);
    tp_arena_free(&a);
}

static const struct tp_jwt_claim *
claim(const struct tp_jwt_result *r, const char *name)
{
    return tp_jwt_claim_get(r->claims, r->nclaims, name, strlen(name));
}

static void
assert_claim(const struct tp_jwt_result *r, const char *name,
    const char *value, int type)
{
    const struct tp_jwt_claim *c = claim(r, name);

    if (c == NULL) {
        fail_msg("no claim %s", name);
    }
    assert_int_equal(c->value.len, strlen(value));
    assert_memory_equal(c->value.p, value, c->value.len);
    assert_int_equal(c->type, type);
}

static void
test_server__tp_jwt__claims(void **state)
{
    struct tp_jwt_conf c = conf_all();
    struct tp_jwt_result r;
    struct tp_arena a;
    unsigned i;

    (void) state;
    tp_arena_init(&a, 4096);
    assert_int_equal(check_at(&c, JWT_CLAIMS, NULL, 0, JWT_NOW, &a, &r),
        TP_JWT_OK);
    /* $context.authorizer.claims.<name>: strings, others as JSON text */
    assert_claim(&r, "iss", JWT_ISS, TP_JSON_STRING);
    assert_claim(&r, "exp", "1700003600", TP_JSON_NUMBER);
    assert_claim(&r, "n", "12", TP_JSON_NUMBER);
    assert_claim(&r, "f", "1.5", TP_JSON_NUMBER);
    assert_claim(&r, "flag", "true", TP_JSON_TRUE);
    assert_claim(&r, "nothing", "null", TP_JSON_NULL);
    assert_claim(&r, "obj", "{\"a\":[1,2]}", TP_JSON_OBJECT);
    assert_claim(&r, "arr", "[\"x\",\"y\"]", TP_JSON_ARRAY);
    assert_claim(&r, "esc", "q\"b\\s\xc3\xa9/", TP_JSON_STRING);
    assert_claim(&r, "custom:role", "admin", TP_JSON_STRING);
    assert_claim(&r, "cognito:groups", "[\"g1\",\"g2\"]", TP_JSON_ARRAY);
    assert_claim(&r, "empty", "", TP_JSON_STRING);
    assert_null(claim(&r, "absent"));
    assert_null(claim(&r, "custom"));
    assert_null(claim(&r, ""));
    assert_int_equal(r.nclaims, 17);
    for (i = 1; i < r.nclaims; i++) {    /* sorted by name */
        assert_true(memcmp(r.claims[i - 1].name.p, r.claims[i].name.p,
            TP_MIN(r.claims[i - 1].name.len, r.claims[i].name.len)) <= 0);
    }
    /* the token's scopes */
    assert_int_equal(r.nscopes, 2);
    assert_memory_equal(r.scopes[0].p, "read", 4);
    assert_memory_equal(r.scopes[1].p, "write", 5);
    assert_int_equal(check_at(&c, JWT_SCP_ARRAY, NULL, 0, JWT_NOW, &a, &r),
        TP_JWT_OK);
    assert_int_equal(r.nscopes, 2);
    assert_int_equal(r.scopes[0].len, 5);
    assert_memory_equal(r.scopes[0].p, "admin", 5);
    assert_int_equal(check_at(&c, JWT_SCP_STRING, NULL, 0, JWT_NOW, &a, &r),
        TP_JWT_OK);
    assert_int_equal(r.nscopes, 2);
    assert_memory_equal(r.scopes[1].p, "delete", 6);
    assert_int_equal(check_at(&c, JWT_NO_SCOPE, NULL, 0, JWT_NOW, &a, &r),
        TP_JWT_OK);
    assert_int_equal(r.nscopes, 0);
    tp_arena_free(&a);
}

/* {"alg":"RS256"} */
#define RS256_HDR "eyJhbGciOiJSUzI1NiJ9"

/* "<header>.<payload>.sig" from JSON texts. */
static const char *
make(char *buf, const char *header, const char *payload)
{
    size_t n = tp_b64url_encode((const unsigned char *) header,
        strlen(header), buf);

    buf[n++] = '.';
    n += tp_b64url_encode((const unsigned char *) payload, strlen(payload),
        buf + n);
    memcpy(buf + n, ".c2ln", 6);
    return buf;
}

static void
test_server__tp_jwt__decode(void **state)
{
    static const char *const bad[][2] = {
        { "", "three parts" }, { "a.b", "three parts" },
        { "a.b.c.d", "three parts" }, { "..", "not JSON" },
        { "e30=.e30.", "not strict base64url" },
        { "e3.e30.", "not strict base64url" },
        { "e30.e30.", "no alg string" },
        { RS256_HDR ".e30.AA==", "not strict base64url" },
        { RS256_HDR ".e30.A", "not strict base64url" },
        { RS256_HDR ".e+0.", "not strict base64url" },
        { RS256_HDR ".e30", "three parts" },
    };
    static const char *const p = "{\"exp\":1}";
    static const char *const bad_json[][3] = {
        { "[]", "{}", "not a JSON object" },
        { "{\"alg\":\"RS256\"}", "[1]", "not a JSON object" },
        { "{\"alg\":\"RS256\"}", "{\"a\":1,}", "not JSON" },
        { "{\"alg\":\"RS256\"", "{}", "not JSON" },
        { "{}", "{}", "no alg string" },
        { "{\"alg\":256}", "{}", "no alg string" },
        { "{\"alg\":\"RS256\",\"kid\":1}", "{}", "kid is not a string" },
        { "{\"alg\":\"RS256\",\"typ\":null}", "{}", "typ is not a string" },
        { "{\"alg\":\"RS256\",\"alg\":\"none\"}", "{}", "repeats" },
        { "{\"alg\":\"RS256\",\"crit\":[\"b64\"],\"b64\":false}", "{}",
          "crit" },
        { "{\"alg\":\"RS256\"}", "{\"sub\":1,\"\\u0073ub\":2}", "repeats" },
    };
    char buf[512], *big;
    struct tp_arena a;
    struct tp_jwt t;
    const char *why;
    unsigned i;

    (void) state;
    tp_arena_init(&a, 4096);
    for (i = 0; i < TP_NELEM(bad); i++) {
        why = "";
        assert_int_equal(tp_jwt_decode(&t, bad[i][0], strlen(bad[i][0]), &a,
            &why), TP_JWT_MALFORMED);
        assert_non_null(strstr(why, bad[i][1]));
    }
    for (i = 0; i < TP_NELEM(bad_json); i++) {
        make(buf, bad_json[i][0], bad_json[i][1]);
        why = "";
        assert_int_equal(tp_jwt_decode(&t, buf, strlen(buf), &a, &why),
            TP_JWT_MALFORMED);
        if (strstr(why, bad_json[i][2]) == NULL) {
            fail_msg("%s: \"%s\"", buf, why);
        }
    }
    /* what a good header gives */
    make(buf, "{\"alg\":\"ES384\",\"kid\":\"k\\u0031\",\"typ\":\"at+jwt\"}", p);
    assert_int_equal(tp_jwt_decode(&t, buf, strlen(buf), &a, &why),
        TP_JWT_OK);
    assert_int_equal(t.alg, TP_JWA_ES384);
    assert_false(t.alg_none);
    assert_int_equal(t.kid.len, 2);
    assert_memory_equal(t.kid.p, "k1", 2);
    assert_int_equal(t.typ.len, 6);
    assert_int_equal(t.sig_len, 3);
    assert_memory_equal(t.sig, "sig", 3);
    assert_int_equal(t.signing_input.len, strrchr(buf, '.') - buf);
    assert_int_equal(t.nclaims, 1);
    make(buf, "{\"alg\":\"NONE\"}", p);
    assert_int_equal(tp_jwt_decode(&t, buf, strlen(buf), &a, &why),
        TP_JWT_OK);
    assert_true(t.alg_none);
    assert_int_equal(t.alg, TP_JWA_UNKNOWN);
    assert_null(t.kid.p);

    /* TP_JWT_MAX_LEN */
    big = malloc(TP_JWT_MAX_LEN + 2);
    assert_non_null(big);
    memset(big, 'A', TP_JWT_MAX_LEN + 1);
    big[0] = big[10] = '.';
    assert_int_equal(tp_jwt_decode(&t, big, TP_JWT_MAX_LEN + 1, &a, &why),
        TP_JWT_MALFORMED);
    assert_non_null(strstr(why, "longer"));
    assert_int_equal(tp_jwt_decode(&t, big, TP_JWT_MAX_LEN, &a, &why),
        TP_JWT_MALFORMED);
    assert_null(strstr(why, "longer"));
    free(big);
    tp_arena_free(&a);
}

/* The token is copied: the caller may free its buffer right after. */
static void
test_server__tp_jwt__copies(void **state)
{
    struct tp_jwt_conf c = conf_all();
    struct tp_jwt t;
    struct tp_arena a;
    const char *why;
    char *tok = strdup(JWT_GOOD_ES256);

    (void) state;
    assert_non_null(tok);
    tp_arena_init(&a, 4096);
    assert_int_equal(tp_jwt_decode(&t, tok, strlen(tok), &a, &why),
        TP_JWT_OK);
    memset(tok, 'x', strlen(tok));
    free(tok);
    assert_int_equal(tp_jwt_verify(&t, &c, &why), TP_JWT_OK);
    assert_int_equal(tp_jwt_validate(&t, &c, NULL, 0, JWT_NOW, &why),
        TP_JWT_OK);
    tp_arena_free(&a);
}

static void
test_server__tp_jwt__bearer(void **state)
{
    static const char *const v[][2] = {
        { "Bearer abc", "abc" }, { "bearer abc", "abc" },
        { "BEARER   abc  ", "abc" }, { "  abc\t", "abc" }, { "abc", "abc" },
        { "Bearer", "Bearer" }, { "Bearer ", "Bearer" },
        { "Bearerabc", "Bearerabc" }, { "Bearer\tabc", "Bearer\tabc" },
        { "Basic abc", "Basic abc" }, { "", "" },
    };
    struct tp_str s;
    unsigned i;

    (void) state;
    for (i = 0; i < TP_NELEM(v); i++) {
        s = tp_jwt_from_header(v[i][0], strlen(v[i][0]));
        assert_int_equal(s.len, strlen(v[i][1]));
        assert_memory_equal(s.p, v[i][1], s.len);
    }
}

static void
test_server__tp_jwt__answers(void **state)
{
    int s;

    (void) state;
    assert_int_equal(tp_jwt_http_status(TP_JWT_OK), 200);
    for (s = TP_JWT_MALFORMED; s < TP_JWT_NOMEM; s++) {
        /* auth.md 4 and 5: 401 for every token failure */
        assert_int_equal(tp_jwt_http_status(s), 401);
        /* goes inside a quoted www-authenticate parameter */
        assert_true(strlen(tp_jwt_description(s)) > 0);
        assert_null(strpbrk(tp_jwt_description(s), "\"\\\r\n"));
    }
    assert_int_equal(tp_jwt_http_status(TP_JWT_NOMEM), 500);
    /* errors.md 2, from AWS's troubleshooting page */
    assert_string_equal(tp_jwt_description(TP_JWT_AUDIENCE),
        "the token does not have a valid audience");
}

/* The items a route scope is matched against (tp_jwt_scope_items): the
 * same as tp_jwt_validate's, so a cached token can be checked again. */
static void
test_server__tp_jwt__scope_items(void **state)
{
    static const struct {
        const char *payload;
        const char *want;                /* items joined with '|' */
    } items_cases[] = {
        { "{}", "" },
        { "{\"scope\":\"a  b\"}", "a|b|" },
        { "{\"scope\":\"a\",\"scp\":\"x y\"}", "a|x|y|" },
        { "{\"scope\":\"a\",\"scp\":[\"c\",1,\"d\"]}", "a|c|d|" },
        { "{\"scp\":[]}", "" },
        { "{\"scope\":7}", "" },
    };
    char buf[512], got[128];
    const char *detail;
    struct tp_str *items;
    struct tp_arena a;
    struct tp_jwt t;
    unsigned n, i, k;
    size_t len;

    (void) state;
    tp_arena_init(&a, 4096);
    for (i = 0; i < TP_NELEM(items_cases); i++) {
        make(buf, "{\"alg\":\"RS256\"}", items_cases[i].payload);
        assert_int_equal(tp_jwt_decode(&t, buf, strlen(buf), &a, &detail),
            TP_JWT_OK);
        assert_int_equal(tp_jwt_scope_items(&t, &a, &items, &n), TP_OK);
        for (k = 0, len = 0; k < n; k++) {
            len += (size_t) snprintf(got + len, sizeof(got) - len, "%.*s|",
                (int) items[k].len, items[k].p);
        }
        got[len] = '\0';
        assert_string_equal(got, items_cases[i].want);
    }
    tp_arena_free(&a);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_server__tp_jwt__table),
        cmocka_unit_test(test_server__tp_jwt__signature_bytes),
        cmocka_unit_test(test_server__tp_jwt__times),
        cmocka_unit_test(test_server__tp_jwt__claims),
        cmocka_unit_test(test_server__tp_jwt__scope_items),
        cmocka_unit_test(test_server__tp_jwt__decode),
        cmocka_unit_test(test_server__tp_jwt__copies),
        cmocka_unit_test(test_server__tp_jwt__bearer),
        cmocka_unit_test(test_server__tp_jwt__answers),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
