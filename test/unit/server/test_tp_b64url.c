/*
 * test_tp_b64url.c: unit tests of base64url (tp_b64url.c): RFC 4648's
 * vectors in the URL alphabet, every byte value through encode and
 * decode, and the strictness a token's identity needs (no padding, no
 * other alphabet, no blanks, no 1-mod-4 length, zero unused bits).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "tp_b64url.h"

static bool
decodes(const char *in, const char *want, size_t wantlen)
{
    unsigned char out[256];
    size_t n = 0;

    assert_true(TP_B64URL_DEC_MAX(strlen(in)) <= sizeof(out));
    return tp_b64url_decode(in, strlen(in), out, &n) == TP_OK
           && n == wantlen && memcmp(out, want, n) == 0;
}

static bool
refused(const char *in, size_t len)
{
    unsigned char out[256];
    size_t n;

    return tp_b64url_decode(in, len, out, &n) == TP_ERROR;
}

static void
test_server__tp_b64url__rfc4648(void **state)
{
    /* RFC 4648 10, padding dropped as RFC 7515 2 wants */
    static const char *const v[][2] = {
        { "", "" }, { "f", "Zg" }, { "fo", "Zm8" }, { "foo", "Zm9v" },
        { "foob", "Zm9vYg" }, { "fooba", "Zm9vYmE" },
        { "foobar", "Zm9vYmFy" },
    };
    char enc[16];
    unsigned i;

    (void) state;
    for (i = 0; i < TP_NELEM(v); i++) {
        size_t n = strlen(v[i][0]);

        assert_int_equal(TP_B64URL_ENC_LEN(n), strlen(v[i][1]));
        assert_int_equal(tp_b64url_encode((const unsigned char *) v[i][0], n,
            enc), strlen(v[i][1]));
        assert_memory_equal(enc, v[i][1], strlen(v[i][1]));
        assert_true(decodes(v[i][1], v[i][0], n));
    }
    /* the two characters that differ from RFC 4648 4: '-' and '_' */
    assert_true(decodes("-_8", "\xfb\xff", 2));
    assert_int_equal(tp_b64url_encode((const unsigned char *) "\xfb\xff", 2,
        enc), 3);
    assert_memory_equal(enc, "-_8", 3);
}

static void
test_server__tp_b64url__round_trip(void **state)
{
    unsigned char in[256], out[TP_B64URL_DEC_MAX(344)];
    char enc[344];
    size_t len, n, k;

    (void) state;
    for (k = 0; k < sizeof(in); k++) {
        in[k] = (unsigned char) (k * 167 + 13);
    }
    for (len = 0; len <= sizeof(in); len++) {
        n = tp_b64url_encode(in, len, enc);
        assert_int_equal(n, TP_B64URL_ENC_LEN(len));
        for (k = 0; k < n; k++) {
            assert_true(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopq"
                "rstuvwxyz0123456789-_", enc[k]) != NULL);
        }
        assert_int_equal(tp_b64url_decode(enc, n, out, &k), TP_OK);
        assert_int_equal(k, len);
        assert_memory_equal(out, in, len);
    }
}

static void
test_server__tp_b64url__strict(void **state)
{
    (void) state;
    assert_true(refused("Zg==", 4));            /* padding */
    assert_true(refused("Zg=", 3));
    assert_true(refused("Zm9vYg=", 7));
    assert_true(refused("Z", 1));               /* 1 mod 4 */
    assert_true(refused("Zm9vY", 5));
    assert_true(refused("Zh", 2));              /* unused bits not 0 */
    assert_true(refused("Zm9", 3));
    assert_true(decodes("Zm8", "fo", 2));
    assert_true(refused("+_8", 3));             /* standard alphabet */
    assert_true(refused("-/8", 3));
    assert_true(refused("Zm 9v", 5));           /* blanks, line breaks */
    assert_true(refused("Zm9v\n", 5));
    assert_true(refused("Zm\09v", 5));          /* NUL */
    assert_true(refused("Zm.v", 4));
    assert_true(refused("Zm9\xc3\xa9", 5));     /* non-ASCII */
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_server__tp_b64url__rfc4648),
        cmocka_unit_test(test_server__tp_b64url__round_trip),
        cmocka_unit_test(test_server__tp_b64url__strict),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
