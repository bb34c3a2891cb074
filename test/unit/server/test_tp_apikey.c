/*
 * test_tp_apikey.c: unit tests of key hashing (tp_apikey.c), which fetches
 * SHA-256 once per process and reuses one context: the FIPS 180-2 test
 * vectors, values of every length up to three blocks against OpenSSL's
 * one-shot SHA256() in any order of lengths, and a child forked after the
 * first hash (it inherits the cached context) hashing the same.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include <openssl/sha.h>

#include "tp_apikey.h"

static void
hex(const uint8_t *h, char out[2 * TP_APIKEY_HASH_LEN + 1])
{
    unsigned i;

    for (i = 0; i < TP_APIKEY_HASH_LEN; i++) {
        snprintf(out + 2 * i, 3, "%02x", h[i]);
    }
}

static void
test_known_vectors(void **state)
{
    const char *two =
        "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    uint8_t h[TP_APIKEY_HASH_LEN];
    char s[2 * TP_APIKEY_HASH_LEN + 1];

    (void) state;
    tp_apikey_hash("abc", 3, h);
    hex(h, s);
    assert_string_equal(s, "ba7816bf8f01cfea414140de5dae2223"
        "b00361a396177a9cb410ff61f20015ad");
    tp_apikey_hash("", 0, h);
    hex(h, s);
    assert_string_equal(s, "e3b0c44298fc1c149afbf4c8996fb924"
        "27ae41e4649b934ca495991b7852b855");
    tp_apikey_hash(two, strlen(two), h);
    hex(h, s);
    assert_string_equal(s, "248d6a61d20638b8e5c026930c3e6039"
        "a33ce45964ff2167f6ecedd419db06c1");
}

/* The reused context keeps nothing from one value to the next. */
static void
test_every_length_matches_one_shot(void **state)
{
    char v[200];
    uint8_t a[TP_APIKEY_HASH_LEN], b[TP_APIKEY_HASH_LEN];
    size_t i, n;

    (void) state;
    for (i = 0; i < sizeof(v); i++) {
        v[i] = (char) ('!' + i % 94);
    }
    for (i = 0; i < 2 * sizeof(v); i++) {
        n = i < sizeof(v) ? i : (i * 7919) % sizeof(v);   /* and shuffled */
        tp_apikey_hash(v, n, a);
        SHA256((const unsigned char *) v, n, b);
        if (memcmp(a, b, sizeof(a)) != 0) {
            fail_msg("length %zu", n);
        }
    }
}

static void
test_forked_child_hashes_the_same(void **state)
{
    const char *v = "benchkey-targetkey-0123456789abcdefghij";
    uint8_t a[TP_APIKEY_HASH_LEN], b[TP_APIKEY_HASH_LEN];
    int p[2], status;
    pid_t pid;

    (void) state;
    tp_apikey_hash(v, strlen(v), a);
    assert_int_equal(pipe(p), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        tp_apikey_hash(v, strlen(v), b);
        _exit(write(p[1], b, sizeof(b)) == (ssize_t) sizeof(b) ? 0 : 1);
    }
    close(p[1]);
    assert_int_equal(read(p[0], b, sizeof(b)), (ssize_t) sizeof(b));
    close(p[0]);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    assert_memory_equal(a, b, sizeof(a));
    tp_apikey_hash(v, strlen(v), b);            /* and still in the parent */
    assert_memory_equal(a, b, sizeof(a));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_vectors),
        cmocka_unit_test(test_every_length_matches_one_shot),
        cmocka_unit_test(test_forked_child_hashes_the_same),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
