/*
 * test_tp_tls_sni.c: unit tests of tp_tls_sni_name(), which reads the
 * server_name extension of a ClientHello (client bytes) to pick a custom
 * domain's context: the first host_name entry, other entry types skipped,
 * and every malformed body refused (list length off by one either way,
 * entries cut short, an empty name, nothing after the list length).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "tp_tls.h"

static bool
sni(const unsigned char *p, size_t n, const char *want)
{
    const char *name = NULL;
    size_t len = 0;
    bool ok = tp_tls_sni_name(p, n, &name, &len);

    if (ok) {
        assert_non_null(want);
        assert_true(name >= (const char *) p
            && name + len <= (const char *) p + n);
        assert_int_equal(len, strlen(want));
        assert_memory_equal(name, want, len);
    }
    return ok;
}

static void
test_one_host_name(void **state)
{
    static const unsigned char ext[] = {
        0x00, 0x13, 0x00, 0x00, 0x10,
        'm', 't', 'l', 's', '.', 'e', 'x', 'a', 'm', 'p', 'l', 'e', '.',
        'c', 'o', 'm'
    };

    (void) state;
    assert_true(sni(ext, sizeof(ext), "mtls.example.com"));
}

static void
test_other_types_skipped(void **state)
{
    static const unsigned char ext[] = {
        0x00, 0x0b,
        0x07, 0x00, 0x02, 'z', 'z',          /* unknown type */
        0x00, 0x00, 0x03, 'a', '.', 'b'
    };
    static const unsigned char only_other[] = {
        0x00, 0x05, 0x07, 0x00, 0x02, 'z', 'z'
    };

    (void) state;
    assert_true(sni(ext, sizeof(ext), "a.b"));
    assert_false(sni(only_other, sizeof(only_other), NULL));
}

static void
test_malformed_refused(void **state)
{
    static const unsigned char good[] = {
        0x00, 0x06, 0x00, 0x00, 0x03, 'a', '.', 'b'
    };
    static const unsigned char long_list[] = {
        0x00, 0x07, 0x00, 0x00, 0x03, 'a', '.', 'b'
    };
    static const unsigned char short_list[] = {
        0x00, 0x05, 0x00, 0x00, 0x03, 'a', '.', 'b'
    };
    static const unsigned char long_name[] = {
        0x00, 0x06, 0x00, 0x00, 0x04, 'a', '.', 'b'
    };
    static const unsigned char empty_name[] = {
        0x00, 0x03, 0x00, 0x00, 0x00
    };
    static const unsigned char huge_name[] = {
        0x00, 0x06, 0x00, 0xff, 0xff, 'a', '.', 'b'
    };
    static const unsigned char two_bytes[] = { 0x00, 0x00 };
    size_t i;

    (void) state;
    assert_true(sni(good, sizeof(good), "a.b"));
    assert_false(sni(long_list, sizeof(long_list), NULL));
    assert_false(sni(short_list, sizeof(short_list), NULL));
    assert_false(sni(long_name, sizeof(long_name), NULL));
    assert_false(sni(empty_name, sizeof(empty_name), NULL));
    assert_false(sni(huge_name, sizeof(huge_name), NULL));
    assert_false(sni(two_bytes, sizeof(two_bytes), NULL));
    for (i = 0; i < sizeof(good); i++) {
        assert_false(sni(good, i, NULL));   /* every truncation */
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_host_name),
        cmocka_unit_test(test_other_types_skipped),
        cmocka_unit_test(test_malformed_refused),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
