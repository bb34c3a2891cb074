/*
 * test_tp_keymemo.c: unit tests of the worker's memo of API key hashes
 * (tp_keymemo.c, included for its slot layout): a value is hashed once
 * and then answered from the memo; a value sharing a slot replaces the
 * one there; a value that differs from the remembered one in one byte, in
 * length, or as a prefix never gets its hash; values out of the key
 * bounds and a missing memo are hashed every time; every answer under
 * eviction is the SHA-256; two memos have different seeds.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../../workers/tp_keymemo.c"

static const char key1[] = "benchkey-targetkey-0123456789abcdefghij";

static unsigned
slot_of(const struct tp_keymemo *m, const char *v, size_t len)
{
    return (unsigned) (tp_siphash(m->seed, v, len) & (TP_KEYMEMO_SLOTS - 1));
}

/* tp_keymemo_hash() of <v> is its SHA-256; returns whether it hit. */
static bool
check(struct tp_keymemo *m, const char *v, size_t len)
{
    uint8_t got[TP_APIKEY_HASH_LEN], want[TP_APIKEY_HASH_LEN];
    bool hit;

    memset(got, 0x5a, sizeof(got));
    hit = tp_keymemo_hash(m, v, len, got);
    tp_apikey_hash(v, len, want);
    assert_memory_equal(got, want, TP_APIKEY_HASH_LEN);
    return hit;
}

static void
test_workers__tp_keymemo__miss_then_hit(void **state)
{
    struct tp_keymemo *m = tp_keymemo_new();
    size_t n = sizeof(key1) - 1;

    (void) state;
    assert_non_null(m);
    assert_false(check(m, key1, n));
    assert_true(check(m, key1, n));
    assert_true(check(m, key1, n));
    assert_int_equal(m->slots[slot_of(m, key1, n)].len, n);
    tp_keymemo_free(m);
}

static void
test_workers__tp_keymemo__same_slot_replaces(void **state)
{
    static char v[TP_KEYMEMO_SLOTS + 1][48];
    struct tp_keymemo *m = tp_keymemo_new();
    int first[TP_KEYMEMO_SLOTS];
    unsigned i, s, a = 0, b = 0;

    (void) state;
    assert_non_null(m);
    for (i = 0; i < TP_KEYMEMO_SLOTS; i++) {
        first[i] = -1;
    }
    /* Pigeonhole: two of SLOTS + 1 values share a slot. */
    for (i = 0; i <= TP_KEYMEMO_SLOTS; i++) {
        snprintf(v[i], sizeof(v[i]), "key-%06u-abcdefghijklmnopqrstuv", i);
        s = slot_of(m, v[i], strlen(v[i]));
        if (first[s] >= 0) {
            a = (unsigned) first[s];
            b = i;
            break;
        }
        first[s] = (int) i;
    }
    assert_true(b > a);
    assert_false(check(m, v[a], strlen(v[a])));
    assert_true(check(m, v[a], strlen(v[a])));
    assert_false(check(m, v[b], strlen(v[b])));     /* replaces a */
    assert_true(check(m, v[b], strlen(v[b])));
    assert_false(check(m, v[a], strlen(v[a])));     /* and back */
    assert_true(check(m, v[a], strlen(v[a])));
    tp_keymemo_free(m);
}

/* Plants the remembered <key1> (slot <k1>) in the slot of <w> and hashes
 * <w>: the memo must not answer with key1's hash. */
static void
near_miss(struct tp_keymemo *m, const struct keymemo_slot *k1,
    const char *w, size_t len)
{
    m->slots[slot_of(m, w, len)] = *k1;
    assert_false(check(m, w, len));
}

static void
test_workers__tp_keymemo__near_misses(void **state)
{
    struct tp_keymemo *m = tp_keymemo_new();
    size_t n = sizeof(key1) - 1, i;
    char w[sizeof(key1) + 1];
    struct keymemo_slot k1;

    (void) state;
    assert_non_null(m);
    assert_false(check(m, key1, n));
    k1 = m->slots[slot_of(m, key1, n)];
    assert_int_equal(k1.len, n);
    for (i = 0; i < n; i++) {        /* one byte off, anywhere */
        memcpy(w, key1, n);
        w[i] ^= 0x01;
        near_miss(m, &k1, w, n);
    }
    for (i = 1; i < n; i++) {        /* a prefix of it */
        near_miss(m, &k1, key1, i);
    }
    memcpy(w, key1, n);              /* it, with a byte more */
    w[n] = 'x';
    near_miss(m, &k1, w, n + 1);
    /* Whatever was planted over it, the value itself is exact again. */
    check(m, key1, n);
    assert_true(check(m, key1, n));
    tp_keymemo_free(m);
}

static void
test_workers__tp_keymemo__bounds_and_null(void **state)
{
    struct tp_keymemo *m = tp_keymemo_new();
    char big[TP_APIKEY_VALUE_MAX + 1];

    (void) state;
    assert_non_null(m);
    memset(big, 'k', sizeof(big));
    assert_false(check(m, big, TP_APIKEY_VALUE_MAX + 1));
    assert_false(check(m, big, TP_APIKEY_VALUE_MAX + 1));
    assert_false(check(m, "", 0));
    assert_false(check(m, "", 0));
    assert_false(check(m, big, TP_APIKEY_VALUE_MAX));
    assert_true(check(m, big, TP_APIKEY_VALUE_MAX));
    assert_false(check(m, "k", 1));
    assert_true(check(m, "k", 1));
    assert_false(check(NULL, key1, sizeof(key1) - 1));
    assert_false(check(NULL, key1, sizeof(key1) - 1));
    tp_keymemo_free(m);
    tp_keymemo_free(NULL);
}

static void
test_workers__tp_keymemo__eviction_stays_exact(void **state)
{
    struct tp_keymemo *m = tp_keymemo_new();
    char v[80];
    unsigned i, round, hits = 0;

    (void) state;
    assert_non_null(m);
    for (round = 0; round < 2; round++) {
        for (i = 0; i < 4 * TP_KEYMEMO_SLOTS; i++) {
            snprintf(v, sizeof(v), "%u-value-of-some-length-%.*s", i,
                (int) (i % 40), "0123456789abcdefghijklmnopqrstuvwxyzABCD");
            hits += check(m, v, strlen(v));
        }
    }
    /* Four values a slot on average: the second round hits some, in
     * the slots where its value was the last one stored. */
    assert_true(hits > 0 && hits < 4 * TP_KEYMEMO_SLOTS);
    tp_keymemo_free(m);
}

static void
test_workers__tp_keymemo__seeds_differ(void **state)
{
    struct tp_keymemo *a = tp_keymemo_new(), *b = tp_keymemo_new();
    char v[32];
    unsigned i, same = 0;

    (void) state;
    assert_non_null(a);
    assert_non_null(b);
    assert_memory_not_equal(a->seed, b->seed, sizeof(a->seed));
    for (i = 0; i < 64; i++) {
        snprintf(v, sizeof(v), "key-%02u-abcdefghijklmnopq", i);
        same += slot_of(a, v, strlen(v)) == slot_of(b, v, strlen(v));
    }
    assert_true(same < 8);           /* about 64 / SLOTS by chance */
    tp_keymemo_free(a);
    tp_keymemo_free(b);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_workers__tp_keymemo__miss_then_hit),
        cmocka_unit_test(test_workers__tp_keymemo__same_slot_replaces),
        cmocka_unit_test(test_workers__tp_keymemo__near_misses),
        cmocka_unit_test(test_workers__tp_keymemo__bounds_and_null),
        cmocka_unit_test(test_workers__tp_keymemo__eviction_stays_exact),
        cmocka_unit_test(test_workers__tp_keymemo__seeds_differ),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
