/*
 * test_tp_jwt_cache.c: unit tests of the worker's verified-token cache
 * (tp_jwt_cache.c, included for its set layout): a kept token is found
 * again with its claims and scopes copied; a token differing in one byte,
 * in length, for another authorizer or of another key-set generation is a
 * miss (the stale entry dropped); exp with the leeway ends an entry;
 * tokens without a numeric exp or too large are not kept; a full set
 * evicts its older entry and the cache stays within its bounds; an entry
 * held by a request outlives its eviction and the cache itself; the route
 * checks on a hit (exp, Cognito token_use, scopes).  Run it under
 * --enable-sanitizers for the lifetime checks.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../../workers/tp_jwt_cache.c"

#define NOW 1700000000

static struct tp_jwt_claim cl[4];
static unsigned ncl;
static const struct tp_str scopes[] = { { "read", 4 }, { "write", 5 } };
static const struct tp_str match[] = {
    { "read", 4 }, { "write", 5 }, { "admin", 5 }
};
static char exp_text[32];

/* Claims (sorted by name) of a token expiring at <exp>, for <use>. */
static void
claims(long exp, const char *use)
{
    snprintf(exp_text, sizeof(exp_text), "%ld", exp);
    ncl = 0;
    cl[ncl++] = (struct tp_jwt_claim) { TP_STR("aud"), TP_STR("[\"a\",\"b\"]"),
        TP_JSON_ARRAY };
    cl[ncl++] = (struct tp_jwt_claim) { TP_STR("exp"),
        { exp_text, strlen(exp_text) }, TP_JSON_NUMBER };
    cl[ncl++] = (struct tp_jwt_claim) { TP_STR("sub"), TP_STR("user-1"),
        TP_JSON_STRING };
    if (use != NULL) {
        cl[ncl++] = (struct tp_jwt_claim) { TP_STR("token_use"),
            { use, strlen(use) }, TP_JSON_STRING };
    }
}

static const struct tp_jwt_entry *
put(struct tp_jwt_cache *c, unsigned az, uint32_t gen, const char *tok)
{
    return tp_jwt_cache_put(c, az, gen, tok, strlen(tok), cl, ncl, scopes, 2,
        match, 3);
}

static const struct tp_jwt_entry *
get(struct tp_jwt_cache *c, unsigned az, uint32_t gen, const char *tok,
    int64_t now)
{
    return tp_jwt_cache_get(c, az, gen, tok, strlen(tok), now, 0);
}

static unsigned
set_of(const struct tp_jwt_cache *c, unsigned az, const char *tok)
{
    return (unsigned) (cache_hash(c, az, tok, strlen(tok))
        & (TP_JWT_CACHE_SETS - 1));
}

/* A token "<prefix>.N" that falls into <set> (found by trying N). */
static void
token_in_set(const struct tp_jwt_cache *c, unsigned set, const char *prefix,
    char *out, size_t cap)
{
    unsigned n;

    for (n = 0; n < 100000; n++) {
        snprintf(out, cap, "%s.%u", prefix, n);
        if (set_of(c, 1, out) == set) {
            return;
        }
    }
    fail_msg("no token for set %u", set);
}

static void
test_workers__tp_jwt_cache__miss_then_hit(void **state)
{
    static const char tok[] = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1In0.c2ln";
    struct tp_jwt_cache *c = tp_jwt_cache_new();
    const struct tp_jwt_entry *e, *h;
    struct tp_jwt_cache_stats st;
    char copy[sizeof(tok)];

    (void) state;
    assert_non_null(c);
    claims(NOW + 100, NULL);
    assert_null(get(c, 1, 0, tok, NOW));
    e = put(c, 1, 0, tok);
    assert_non_null(e);
    memcpy(copy, tok, sizeof(tok));  /* found by content, not address */
    h = get(c, 1, 0, copy, NOW);
    assert_ptr_equal(h, e);
    assert_int_equal(h->res.status, TP_JWT_OK);
    assert_int_equal(h->res.nclaims, 3);
    assert_true(h->res.claims[2].value.p != cl[2].value.p);
    assert_string_equal(h->res.claims[2].value.p, "user-1");
    assert_string_equal(h->res.claims[0].value.p, "[\"a\",\"b\"]");
    assert_int_equal(h->res.claims[0].type, TP_JSON_ARRAY);
    assert_non_null(tp_jwt_claim_get(h->res.claims, h->res.nclaims, "sub",
        3));
    assert_int_equal(h->res.nscopes, 2);
    assert_string_equal(h->res.scopes[1].p, "write");
    assert_int_equal(h->nmatch, 3);
    assert_int_equal(h->exp, NOW + 100);
    tp_jwt_cache_stats(c, &st);
    assert_int_equal(st.hits, 1);
    assert_int_equal(st.misses, 1);
    assert_int_equal(st.entries, 1);
    assert_int_equal(st.bytes, e->size);
    tp_jwt_cache_free(c);
}

static void
test_workers__tp_jwt_cache__near_misses(void **state)
{
    static const char tok[] = "aaaaaaaaaa.bbbbbbbbbbbbbbbbbbbb.cccccccccccc";
    struct tp_jwt_cache *c = tp_jwt_cache_new();
    char t[sizeof(tok) + 1];
    size_t i;

    (void) state;
    claims(NOW + 100, NULL);
    assert_non_null(put(c, 1, 7, tok));
    /* one byte different anywhere: a miss */
    for (i = 0; i < sizeof(tok) - 1; i++) {
        memcpy(t, tok, sizeof(tok));
        t[i] ^= 1;
        assert_null(get(c, 1, 7, t, NOW));
    }
    /* a prefix and a longer token */
    memcpy(t, tok, sizeof(tok));
    t[sizeof(tok) - 2] = '\0';
    assert_null(get(c, 1, 7, t, NOW));
    memcpy(t, tok, sizeof(tok) - 1);
    t[sizeof(tok) - 1] = 'c';
    t[sizeof(tok)] = '\0';
    assert_null(get(c, 1, 7, t, NOW));
    assert_null(tp_jwt_cache_get(c, 1, 7, tok, 0, NOW, 0));
    /* another authorizer */
    assert_null(get(c, 2, 7, tok, NOW));
    assert_non_null(get(c, 1, 7, tok, NOW));
    /* a new key-set generation: a miss, and the entry is gone */
    assert_null(get(c, 1, 8, tok, NOW));
    assert_null(get(c, 1, 7, tok, NOW));
    /* no cache at all */
    assert_null(tp_jwt_cache_get(NULL, 1, 7, tok, sizeof(tok) - 1, NOW, 0));
    assert_null(tp_jwt_cache_put(NULL, 1, 7, tok, sizeof(tok) - 1, cl, ncl,
        NULL, 0, NULL, 0));
    tp_jwt_cache_free(c);
}

static void
test_workers__tp_jwt_cache__expiry(void **state)
{
    static const char tok[] = "x.y.z";
    struct tp_jwt_cache *c = tp_jwt_cache_new();
    struct tp_jwt_cache_stats st;

    (void) state;
    claims(NOW + 10, NULL);
    assert_non_null(put(c, 1, 0, tok));
    assert_non_null(get(c, 1, 0, tok, NOW + 9));
    /* the leeway keeps it a little longer, as tp_jwt_validate does */
    assert_non_null(tp_jwt_cache_get(c, 1, 0, tok, 5, NOW + 12, 5));
    assert_null(get(c, 1, 0, tok, NOW + 10));        /* exp <= now */
    tp_jwt_cache_stats(c, &st);
    assert_int_equal(st.entries, 0);
    assert_null(get(c, 1, 0, tok, NOW));             /* dropped */
    /* a fractional exp */
    snprintf(exp_text, sizeof(exp_text), "%d.5", NOW + 10);
    cl[1].value = (struct tp_str) { exp_text, strlen(exp_text) };
    assert_non_null(put(c, 1, 0, tok));
    assert_non_null(get(c, 1, 0, tok, NOW + 10));
    assert_null(get(c, 1, 0, tok, NOW + 11));
    /* no exp, or not a number: not kept */
    cl[1].type = TP_JSON_STRING;
    assert_null(put(c, 1, 0, tok));
    cl[1].type = TP_JSON_NUMBER;
    cl[1].value = TP_STR("1e999");
    assert_null(put(c, 1, 0, tok));
    cl[1].name = TP_STR("exq");
    assert_null(put(c, 1, 0, tok));
    tp_jwt_cache_free(c);
}

static void
test_workers__tp_jwt_cache__too_large(void **state)
{
    struct tp_jwt_cache *c = tp_jwt_cache_new();
    char *big = malloc(TP_JWT_CACHE_MAX_ENTRY + 1);

    (void) state;
    assert_non_null(big);
    memset(big, 'a', TP_JWT_CACHE_MAX_ENTRY);
    big[TP_JWT_CACHE_MAX_ENTRY] = '\0';
    claims(NOW + 10, NULL);
    assert_null(put(c, 1, 0, big));
    big[TP_JWT_CACHE_MAX_ENTRY - 1024] = '\0';
    assert_non_null(put(c, 1, 0, big));
    free(big);
    tp_jwt_cache_free(c);
}

static void
test_workers__tp_jwt_cache__set_eviction(void **state)
{
    struct tp_jwt_cache *c = tp_jwt_cache_new();
    char t1[64], t2[64], t3[64];
    struct tp_jwt_cache_stats st;

    (void) state;
    claims(NOW + 100, NULL);
    token_in_set(c, 5, "one", t1, sizeof(t1));
    token_in_set(c, 5, "two", t2, sizeof(t2));
    token_in_set(c, 5, "three", t3, sizeof(t3));
    assert_non_null(put(c, 1, 0, t1));
    assert_non_null(put(c, 1, 0, t2));
    assert_non_null(get(c, 1, 0, t1, NOW));
    assert_non_null(get(c, 1, 0, t2, NOW));
    /* a third token in the set pushes out the older one */
    assert_non_null(put(c, 1, 0, t3));
    assert_null(get(c, 1, 0, t1, NOW));
    assert_non_null(get(c, 1, 0, t2, NOW));
    assert_non_null(get(c, 1, 0, t3, NOW));
    tp_jwt_cache_stats(c, &st);
    assert_int_equal(st.evictions, 1);
    assert_int_equal(st.entries, 2);
    tp_jwt_cache_free(c);
}

static void
test_workers__tp_jwt_cache__bounded(void **state)
{
    struct tp_jwt_cache *c = tp_jwt_cache_new();
    struct tp_jwt_cache_stats st;
    char t[64];
    unsigned i, n = TP_JWT_CACHE_SETS * 8;

    (void) state;
    claims(NOW + 100, NULL);
    for (i = 0; i < n; i++) {
        snprintf(t, sizeof(t), "header.payload.signature-%u", i);
        assert_non_null(put(c, 1, 0, t));
        assert_non_null(get(c, 1, 0, t, NOW));       /* the newest stays */
    }
    tp_jwt_cache_stats(c, &st);
    assert_true(st.entries <= 2 * TP_JWT_CACHE_SETS);
    assert_true(st.entries > TP_JWT_CACHE_SETS);     /* both ways in use */
    assert_int_equal(st.inserts, n);
    assert_true(st.evictions >= n - 2 * TP_JWT_CACHE_SETS);
    assert_true(st.bytes <= (size_t) 2 * TP_JWT_CACHE_SETS
        * TP_JWT_CACHE_MAX_ENTRY);
    tp_jwt_cache_free(c);
}

static void
test_workers__tp_jwt_cache__held_outlive_eviction(void **state)
{
    struct tp_jwt_cache *c = tp_jwt_cache_new();
    const struct tp_jwt_entry *e, *e2;
    char t1[64], t2[64], t3[64];

    (void) state;
    claims(NOW + 100, NULL);
    token_in_set(c, 9, "held", t1, sizeof(t1));
    token_in_set(c, 9, "b", t2, sizeof(t2));
    token_in_set(c, 9, "c", t3, sizeof(t3));
    e = put(c, 1, 0, t1);
    tp_jwt_entry_hold(e);                            /* a request uses it */
    assert_non_null(put(c, 1, 0, t2));
    assert_non_null(put(c, 1, 0, t3));               /* evicts t1 */
    assert_null(get(c, 1, 0, t1, NOW));
    assert_string_equal(e->res.claims[2].value.p, "user-1");
    assert_string_equal(e->tok, t1);
    tp_jwt_entry_release(e);                         /* freed now */
    /* held past the cache itself */
    e2 = get(c, 1, 0, t3, NOW);
    tp_jwt_entry_hold(e2);
    tp_jwt_cache_free(c);
    assert_string_equal(e2->tok, t3);
    tp_jwt_entry_release(e2);
}

static void
test_workers__tp_jwt_cache__route_checks(void **state)
{
    struct tp_jwt_conf jc = { .mode = TP_JWT_MODE_JWT };
    const char *const none[] = { NULL };
    const char *const admin[] = { "nope", "admin" };
    const char *const other[] = { "rea", "reads", "" };
    struct tp_jwt_cache *c = tp_jwt_cache_new();
    const struct tp_jwt_entry *e;
    const char *d = "";

    (void) state;
    claims(NOW + 100, "id");
    e = put(c, 1, 0, "t.t.t");
    assert_int_equal(tp_jwt_entry_check(e, &jc, none, 0, NOW, &d), TP_JWT_OK);
    assert_int_equal(tp_jwt_entry_check(e, &jc, admin, 2, NOW, &d),
        TP_JWT_OK);
    assert_int_equal(tp_jwt_entry_check(e, &jc, other, 3, NOW, &d),
        TP_JWT_SCOPE);
    assert_string_equal(d, "none of the route's scopes");
    assert_int_equal(tp_jwt_entry_check(e, &jc, none, 0, NOW + 100, &d),
        TP_JWT_EXPIRED);
    jc.leeway = 1;
    assert_int_equal(tp_jwt_entry_check(e, &jc, none, 0, NOW + 100, &d),
        TP_JWT_OK);
    /* Cognito: no method scopes wants an ID token, scopes an access one */
    jc.mode = TP_JWT_MODE_COGNITO;
    assert_int_equal(tp_jwt_entry_check(e, &jc, none, 0, NOW, &d), TP_JWT_OK);
    assert_int_equal(tp_jwt_entry_check(e, &jc, admin, 2, NOW, &d),
        TP_JWT_TOKEN_USE);
    claims(NOW + 100, "access");
    e = put(c, 1, 0, "u.u.u");
    assert_int_equal(tp_jwt_entry_check(e, &jc, admin, 2, NOW, &d),
        TP_JWT_OK);
    assert_int_equal(tp_jwt_entry_check(e, &jc, other, 3, NOW, &d),
        TP_JWT_SCOPE);
    assert_int_equal(tp_jwt_entry_check(e, &jc, none, 0, NOW, &d),
        TP_JWT_TOKEN_USE);
    claims(NOW + 100, NULL);
    e = put(c, 1, 0, "v.v.v");
    assert_int_equal(tp_jwt_entry_check(e, &jc, none, 0, NOW, &d),
        TP_JWT_TOKEN_USE);
    tp_jwt_cache_free(c);
}

static void
test_workers__tp_jwt_cache__constant_time_compare(void **state)
{
    char a[40], b[40];
    size_t n, i;

    (void) state;
    for (n = 0; n < sizeof(a); n++) {
        memset(a, 'q', sizeof(a));
        memcpy(b, a, sizeof(b));
        assert_true(cache_ct_equal(a, b, n));
        for (i = 0; i < n; i++) {
            b[i] = 'r';
            assert_false(cache_ct_equal(a, b, n));
            b[i] = 'q';
        }
    }
}

static void
test_workers__tp_jwt_cache__seeds_differ(void **state)
{
    struct tp_jwt_cache *a = tp_jwt_cache_new(), *b = tp_jwt_cache_new();

    (void) state;
    assert_non_null(a);
    assert_non_null(b);
    assert_memory_not_equal(a->seed, b->seed, sizeof(a->seed));
    tp_jwt_cache_free(a);
    tp_jwt_cache_free(b);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_workers__tp_jwt_cache__miss_then_hit),
        cmocka_unit_test(test_workers__tp_jwt_cache__near_misses),
        cmocka_unit_test(test_workers__tp_jwt_cache__expiry),
        cmocka_unit_test(test_workers__tp_jwt_cache__too_large),
        cmocka_unit_test(test_workers__tp_jwt_cache__set_eviction),
        cmocka_unit_test(test_workers__tp_jwt_cache__bounded),
        cmocka_unit_test(test_workers__tp_jwt_cache__held_outlive_eviction),
        cmocka_unit_test(test_workers__tp_jwt_cache__route_checks),
        cmocka_unit_test(test_workers__tp_jwt_cache__constant_time_compare),
        cmocka_unit_test(test_workers__tp_jwt_cache__seeds_differ),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
