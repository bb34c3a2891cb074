/*
 * test_tp_cache_keymat.c: unit tests of response cache keys
 * (tp_cache_keymat.c): the same request gives the same key; every part
 * that should tell requests apart does (method, resource, parameter names
 * and values, absent versus empty, the stage); field boundaries cannot be
 * forged by a value; the namespace prefix; a material larger than the
 * caller's first buffer is reported by length.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "tp_cache_keymat.h"

#define S(lit) ((struct tp_str) { (lit), sizeof(lit) - 1 })

static void
key_of(uint64_t stage, const char *method, const char *res,
    const struct tp_cache_keypart *p, unsigned n, uint8_t key[32])
{
    char buf[4096];
    size_t len = tp_cache_keymat(buf, sizeof(buf), (struct tp_str) { method,
        strlen(method) }, (struct tp_str) { res, strlen(res) }, p, n);

    assert_true(len <= sizeof(buf));
    tp_cache_keymat_key(stage, buf, len, key);
}

static void
test_server__tp_cache_keymat__same_and_different(void **state)
{
    struct tp_cache_keypart a[2] = {
        { S("method.request.querystring.type"), S("admin"), true },
        { S("method.request.header.Accept"), S("text/html"), true } };
    struct tp_cache_keypart b[2];
    uint8_t k1[32], k2[32];

    (void) state;
    key_of(7, "GET", "/pets/{id}", a, 2, k1);
    key_of(7, "GET", "/pets/{id}", a, 2, k2);
    assert_memory_equal(k1, k2, 32);
    key_of(7, "POST", "/pets/{id}", a, 2, k2);          /* method */
    assert_memory_not_equal(k1, k2, 32);
    key_of(7, "GET", "/pets", a, 2, k2);                /* resource */
    assert_memory_not_equal(k1, k2, 32);
    key_of(8, "GET", "/pets/{id}", a, 2, k2);           /* stage */
    assert_memory_not_equal(k1, k2, 32);
    assert_memory_not_equal(k1, k2, 8);
    assert_memory_equal(k1 + 8, k2 + 8, 24);            /* same material */
    memcpy(b, a, sizeof(b));
    b[0].value = S("user");                             /* a value */
    key_of(7, "GET", "/pets/{id}", b, 2, k2);
    assert_memory_not_equal(k1, k2, 32);
    b[0] = a[1];                                        /* the order */
    b[1] = a[0];
    key_of(7, "GET", "/pets/{id}", b, 2, k2);
    assert_memory_not_equal(k1, k2, 32);
    key_of(7, "GET", "/pets/{id}", a, 1, k2);           /* fewer */
    assert_memory_not_equal(k1, k2, 32);
}

static void
test_server__tp_cache_keymat__absent_is_not_empty(void **state)
{
    struct tp_cache_keypart absent = { S("method.request.querystring.q"),
        { NULL, 0 }, false };
    struct tp_cache_keypart empty = { S("method.request.querystring.q"),
        S(""), true };
    uint8_t k1[32], k2[32], k3[32];

    (void) state;
    key_of(1, "GET", "/", &absent, 1, k1);
    key_of(1, "GET", "/", &empty, 1, k2);
    key_of(1, "GET", "/", NULL, 0, k3);
    assert_memory_not_equal(k1, k2, 32);
    assert_memory_not_equal(k1, k3, 32);
    assert_memory_not_equal(k2, k3, 32);
}

/* A value holding what looks like the next fields must not collide with
 * those fields. */
static void
test_server__tp_cache_keymat__no_forged_boundaries(void **state)
{
    char forged[64];
    size_t n;
    struct tp_cache_keypart two[2] = {
        { S("a"), S("x"), true }, { S("b"), S("y"), true } };
    struct tp_cache_keypart one = { S("a"), { forged, 0 }, true };
    uint8_t k1[32], k2[32];

    (void) state;
    /* "x" followed by the encoding of field N "b" and V "y" */
    n = 0;
    forged[n++] = 'x';
    memcpy(forged + n, "N\0\0\0\1b", 6);
    n += 6;
    memcpy(forged + n, "V\0\0\0\1y", 6);
    n += 6;
    one.value.len = n;
    key_of(3, "GET", "/r", two, 2, k1);
    key_of(3, "GET", "/r", &one, 1, k2);
    assert_memory_not_equal(k1, k2, 32);
    /* the resource cannot absorb the method either */
    key_of(3, "GE", "T/r", NULL, 0, k1);
    key_of(3, "GET", "/r", NULL, 0, k2);
    assert_memory_not_equal(k1, k2, 32);
}

static void
test_server__tp_cache_keymat__namespace_and_length(void **state)
{
    struct tp_cache_keypart big = { S("method.request.header.X"),
        { NULL, 3000 }, true };
    static char value[3000];
    uint8_t ns[8], key[32];
    char small[64], buf[4096];
    size_t need, again;

    (void) state;
    tp_cache_key_ns(UINT64_C(0x0102030405060708), ns);
    assert_memory_equal(ns, "\1\2\3\4\5\6\7\10", 8);
    key_of(UINT64_C(0x0102030405060708), "GET", "/", NULL, 0, key);
    assert_memory_equal(key, ns, 8);

    memset(value, 'v', sizeof(value));
    big.value.p = value;
    need = tp_cache_keymat(small, sizeof(small), S("GET"), S("/x"), &big, 1);
    assert_true(need > sizeof(small));
    again = tp_cache_keymat(buf, sizeof(buf), S("GET"), S("/x"), &big, 1);
    assert_int_equal(need, again);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_server__tp_cache_keymat__same_and_different),
        cmocka_unit_test(test_server__tp_cache_keymat__absent_is_not_empty),
        cmocka_unit_test(
            test_server__tp_cache_keymat__no_forged_boundaries),
        cmocka_unit_test(test_server__tp_cache_keymat__namespace_and_length),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
