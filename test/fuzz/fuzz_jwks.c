/*
 * fuzz_jwks.c: libFuzzer target for JWKS parsing (tp_jwks.c): the
 * document comes from a file or, later, from an issuer's jwks_uri, which
 * the gateway does not control.
 *
 * The input is the document.  Besides never crashing or reading past it
 * (an exact copy): the set exists exactly when the input is a JSON object
 * with a "keys" array within TP_JWKS_MAX_SIZE; then every element is
 * either a key or a skip, in order; a key has a public key, a kid by
 * which it (or an earlier key of that kid) is found, a size within the
 * limits and an alg that fits it; a skip has a reason.
 *
 * Without TP_LIBFUZZER, main() (tp_fuzz.h) replays the corpus: make
 * fuzz-replay.
 */
#include "tp_jwks.h"
#include "tp_json.h"

#include "tp_fuzz.h"

/* The size of the "keys" array of <doc, len>, or -1 if it is no JWKS. */
static int
keys_size(const char *doc, size_t len)
{
    struct tp_arena a;
    struct tp_json d;
    char err[128];
    int keys, n = -1;

    tp_arena_init(&a, 4096);
    if (len <= TP_JWKS_MAX_SIZE
        && tp_json_parse(&d, &a, doc, len, err, sizeof(err)) == TP_OK)
    {
        keys = tp_json_get(&d, 0, "keys");
        if (tp_json_type(&d, keys) == TP_JSON_ARRAY) {
            n = d.toks[keys].size;
        }
    }
    tp_arena_free(&a);
    return n;
}

static void
check_key(const struct tp_jwks *set, const struct tp_jwk *k)
{
    const struct tp_jwk *f;

    CHECK(k->pkey != NULL && k->kid != NULL);
    f = tp_jwks_find(set, k->kid, k->kid_len, NULL);
    CHECK(f != NULL && f <= k && f->kid_len == k->kid_len);
    while (f != k) {
        f = tp_jwks_find(set, k->kid, k->kid_len, f);
        CHECK(f != NULL && f <= k);
    }
    if (k->kty == TP_JWK_RSA) {
        CHECK(k->bits >= TP_JWKS_RSA_MIN_BITS
              && k->bits <= TP_JWKS_RSA_MAX_BITS);
        CHECK(tp_jwk_fits(k, TP_JWA_RS256) || k->alg != TP_JWA_UNKNOWN);
    } else {
        CHECK((k->kty == TP_JWK_EC_P256 && k->bits == 256)
              || (k->kty == TP_JWK_EC_P384 && k->bits == 384));
    }
    CHECK(k->alg == TP_JWA_UNKNOWN || tp_jwk_fits(k, k->alg));
    CHECK(!tp_jwk_fits(k, TP_JWA_HS256));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *doc = (const char *) data;
    int n = keys_size(doc, size), i, last = -1;
    struct tp_jwks *set;
    char err[256] = "";

    set = tp_jwks_parse(doc, size, err, sizeof(err));
    if (set == NULL) {
        CHECK(n < 0 && err[0] != '\0');
        return 0;
    }
    CHECK(n >= 0 && set->nkeys + set->nskipped == n);
    for (i = 0; i < set->nkeys; i++) {
        check_key(set, &set->keys[i]);
    }
    for (i = 0; i < set->nskipped; i++) {
        CHECK(set->skipped[i].why != NULL && set->skipped[i].why[0] != '\0');
        CHECK(set->skipped[i].index > last && set->skipped[i].index < n);
        last = set->skipped[i].index;
    }
    tp_jwks_free(set);
    return 0;
}
