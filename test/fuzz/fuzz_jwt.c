/*
 * fuzz_jwt.c: libFuzzer target for JWT verification (tp_jwt.c,
 * tp_jwt_sig.c, tp_jwt_claims.c), which workers run on an Authorization
 * header any client controls.
 *
 * The input is the header value ("Bearer " optional).  It is checked
 * against the fixed JWKS of the unit tests (jwt_fixtures.h) under four
 * configurations: a JWT authorizer allowing every alg with the HS256
 * secret and a route scope, one with the default algs, and a Cognito
 * authorizer for ID and for access tokens.  Besides never crashing or
 * reading past the input (an exact copy): a token that passes must have
 * the signed text of a fixture token (no one can sign a new one, and the
 * base64url is strict, so there is no second text for it); its claims
 * are sorted with distinct names and found by name; a failure has a
 * detail, a description and a 401 or 500.
 *
 * Without TP_LIBFUZZER, main() (tp_fuzz.h) replays the corpus: make
 * fuzz-replay.
 */
#include "tp_jwt.h"

#include "tp_fuzz.h"

#include "../unit/server/jwt_fixtures.h"

#define X(tok) tok,
static const char *const fixtures[] = { JWT_ALL_TOKENS(X) };
#undef X

static struct tp_jwks *jwks;

/* Whether "<si>." starts a fixture token. */
static bool
fixture_signed(struct tp_str si)
{
    size_t i;

    for (i = 0; i < TP_NELEM(fixtures); i++) {
        if (strncmp(fixtures[i], si.p, si.len) == 0
            && strlen(fixtures[i]) > si.len && fixtures[i][si.len] == '.')
        {
            return true;
        }
    }
    return false;
}

static void
check_result(const struct tp_jwt_result *r, enum tp_jwt_status s)
{
    unsigned i;

    CHECK(r->status == s);
    CHECK(s >= TP_JWT_OK && s <= TP_JWT_NOMEM);
    CHECK(r->detail != NULL && tp_jwt_description(s) != NULL);
    if (s != TP_JWT_OK) {
        CHECK(r->claims == NULL && r->nclaims == 0);
        CHECK(r->detail[0] != '\0');
        CHECK(tp_jwt_http_status(s) == 401 || tp_jwt_http_status(s) == 500);
        return;
    }
    CHECK(r->nclaims == 0 || r->claims != NULL);
    for (i = 0; i < r->nclaims; i++) {
        CHECK(tp_jwt_claim_get(r->claims, r->nclaims, r->claims[i].name.p,
            r->claims[i].name.len) == &r->claims[i]);
        CHECK(i == 0 || r->claims[i - 1].name.len != r->claims[i].name.len
              || memcmp(r->claims[i - 1].name.p, r->claims[i].name.p,
                     r->claims[i].name.len) < 0);
    }
    for (i = 0; i < r->nscopes; i++) {
        CHECK(r->scopes[i].len > 0
              && memchr(r->scopes[i].p, ' ', r->scopes[i].len) == NULL);
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const auds[] = { JWT_AUD_A, JWT_AUD_B };
    static const char *const read[] = { "read" };
    static const char *const cats[] = { JWT_COGNITO_SCOPE };
    struct tp_jwt_conf c[4];
    struct tp_jwt_result r;
    struct tp_arena a;
    struct tp_jwt t;
    struct tp_str tok;
    const char *why = "";
    enum tp_jwt_status s;
    char err[128];
    unsigned i;

    if (jwks == NULL) {
        jwks = tp_jwks_parse(JWKS_MAIN, strlen(JWKS_MAIN), err, sizeof(err));
        CHECK(jwks != NULL && jwks->nkeys == 6);
    }
    tok = tp_jwt_from_header((const char *) data, size);
    CHECK(tok.p >= (const char *) data
          && tok.p + tok.len <= (const char *) data + size);
    for (i = 0; i < TP_NELEM(c); i++) {
        c[i] = (struct tp_jwt_conf) {
            .mode = i < 2 ? TP_JWT_MODE_JWT : TP_JWT_MODE_COGNITO,
            .algs = i == 0 ? TP_JWA_BIT(TP_JWA_COUNT) - 2 : 0,
            .jwks = jwks,
            .hs256_key = (const unsigned char *) JWT_HS_SECRET,
            .hs256_key_len = sizeof(JWT_HS_SECRET) - 1,
            .issuer = JWT_ISS,
            .audiences = auds,
            .naudiences = i < 2 ? 2 : 0,
        };
    }
    tp_arena_init(&a, 4096);
    s = tp_jwt_decode(&t, tok.p, tok.len, &a, &why);
    CHECK(s == TP_JWT_OK || s == TP_JWT_MALFORMED || s == TP_JWT_NOMEM);
    if (s == TP_JWT_OK) {
        CHECK(t.signing_input.len < tok.len
              && memcmp(t.signing_input.p, tok.p, t.signing_input.len) == 0
              && tok.p[t.signing_input.len] == '.');
        CHECK(!t.alg_none || t.alg == TP_JWA_UNKNOWN);
        CHECK(tp_json_type(&t.payload, 0) == TP_JSON_OBJECT);
    } else {
        CHECK(why != NULL && why[0] != '\0');
    }
    for (i = 0; i < TP_NELEM(c); i++) {
        s = tp_jwt_check(&c[i], tok.p, tok.len, i == 0 ? read : cats,
            i == 0 || i == 3 ? 1 : 0, JWT_NOW, &a, &r);
        check_result(&r, s);
        if (s == TP_JWT_OK) {
            CHECK(tp_jwt_decode(&t, tok.p, tok.len, &a, &why) == TP_JWT_OK);
            CHECK(fixture_signed(t.signing_input));
        }
    }
    tp_arena_free(&a);
    return 0;
}
