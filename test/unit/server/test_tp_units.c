/*
 * test_tp_units.c: unit tests of config size parsing (tp_units.c):
 * "<digits>[K|M|G][B]", powers of 1024, errors on syntax and overflow.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tp_units.h"

#define SENTINEL 0x5a5a5a5a5a5a5a5aULL

static void
ok(const char *s, uint64_t want)
{
    uint64_t v = SENTINEL;

    if (tp_units_size(s, &v) != TP_OK) {
        fail_msg("\"%s\" rejected", s);
    }
    if (v != want) {
        fail_msg("\"%s\" = %llu, want %llu", s, (unsigned long long) v,
            (unsigned long long) want);
    }
}

static void
bad(const char *s)
{
    uint64_t v = SENTINEL;

    if (tp_units_size(s, &v) != TP_ERROR) {
        fail_msg("\"%s\" accepted as %llu", s, (unsigned long long) v);
    }
    assert_true(v == SENTINEL);               /* untouched on error */
}

static void
test_server__tp_units__plain(void **state)
{
    (void) state;
    ok("0", 0);
    ok("1", 1);
    ok("10", 10);
    ok("007", 7);
    ok("1048576", 1048576);
    ok("10B", 10);
    ok("10b", 10);
}

static void
test_server__tp_units__suffixes(void **state)
{
    (void) state;
    ok("10K", 10240);
    ok("10k", 10240);
    ok("10M", 10ULL * 1024 * 1024);
    ok("10m", 10ULL * 1024 * 1024);
    ok("1G", 1024ULL * 1024 * 1024);
    ok("1g", 1024ULL * 1024 * 1024);
    ok("16KB", 16384);
    ok("16kb", 16384);
    ok("16Kb", 16384);
    ok("2MB", 2ULL * 1024 * 1024);
    ok("3GB", 3ULL * 1024 * 1024 * 1024);
    ok("0K", 0);
    ok("0G", 0);
    ok("1024G", 1ULL << 40);
}

static void
test_server__tp_units__syntax_errors(void **state)
{
    (void) state;
    bad("");
    bad("K");
    bad("M");
    bad("B");
    bad("10X");
    bad("10KX");
    bad("10KK");
    bad("10BB");
    bad("10BK");
    bad("10T");
    bad("10KiB");
    bad("-1");
    bad("+1");
    bad(" 1");
    bad("1 ");
    bad("1 K");
    bad("1.5M");
    bad("0x10");
    bad("1,000");
}

static void
test_server__tp_units__overflow(void **state)
{
    (void) state;
    bad("18446744073709551616");              /* 2^64 */
    bad("99999999999999999999");
    bad("100000000000000000000000");
    bad("17179869184G");                      /* 2^34 * 2^30 = 2^64 */
    bad("17592186044416M");                   /* 2^44 * 2^20 */
    bad("18014398509481984K");                /* 2^54 * 2^10 */
    ok("17179869183G", (1ULL << 34) * (1ULL << 30) - (1ULL << 30));
    ok("17592186044415M", (1ULL << 44) * (1ULL << 20) - (1ULL << 20));
    ok("18014398509481983K", (1ULL << 54) * 1024 - 1024);
    ok("1844674407370955161", 1844674407370955161ULL);
}

/* The largest values fit in uint64 and are not an overflow. */
static void
test_server__tp_units__max_value(void **state)
{
    (void) state;
    ok("18446744073709551615", UINT64_MAX);
    ok("18446744073709551610", UINT64_MAX - 5);
    ok("18446744073709551615B", UINT64_MAX);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_server__tp_units__plain),
        cmocka_unit_test(test_server__tp_units__suffixes),
        cmocka_unit_test(test_server__tp_units__syntax_errors),
        cmocka_unit_test(test_server__tp_units__overflow),
        cmocka_unit_test(test_server__tp_units__max_value),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
