/*
 * test_tp_fmt_u64.c: unit tests of tp_fmt_u64() (server/tp_hdr.c), the
 * hot path's decimal formatter: every digit count from 1 to 20, the
 * powers of ten and the numbers just below them, against snprintf.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tp_hdr.h"

static void
check(uint64_t v)
{
    char want[32], got[32];
    char *end;

    snprintf(want, sizeof(want), "%llu", (unsigned long long) v);
    memset(got, 'x', sizeof(got));
    end = tp_fmt_u64(got, v);
    assert_int_equal(end - got, strlen(want));
    assert_memory_equal(got, want, strlen(want));
    assert_int_equal(got[strlen(want)], 'x');     /* nothing past the end */
}

static void
test_server__tp_fmt_u64__digits(void **state)
{
    uint64_t p = 1;
    int i;

    (void) state;
    check(0);
    for (i = 0; i < 20; i++) {
        check(p);
        check(p - 1);
        check(p + 1);
        check(p * 5);
        if (i < 19) {
            p *= 10;
        }
    }
    check(UINT64_MAX);
    check(UINT64_MAX - 1);
    check(10000000000000000000ull);
    check(9999999999999999999ull);
    for (i = 0; i < 1000; i++) {
        check((uint64_t) i);
    }
    check(200);
    check(404);
    check(1234567);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_server__tp_fmt_u64__digits),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
