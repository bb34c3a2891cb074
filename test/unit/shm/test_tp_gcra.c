/*
 * test_tp_gcra.c: unit tests of the GCRA token bucket (tp_gcra.h) with an
 * injected clock: a burst of b at once then nothing, refill at the rate,
 * an idle bucket is full again and never more than full, fractional
 * rates, rate 0 and burst 0 admit nothing, and over a long run the
 * admitted count is burst + rate x time.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tp_gcra.h"

#define SEC UINT64_C(1000000000)
#define T0  (1000 * SEC)             /* the clock does not start at 0 */

/* Requests admitted at <now> when <n> arrive at once. */
static unsigned
burst_at(const struct tp_gcra *g, uint64_t *tat, uint64_t now, unsigned n)
{
    unsigned ok = 0, i;
    uint64_t next;

    for (i = 0; i < n; i++) {
        if (tp_gcra_admit(g, *tat, now, &next)) {
            *tat = next;
            ok++;
        }
    }
    return ok;
}

static void
test_burst_then_rate(void **state)
{
    struct tp_gcra g = tp_gcra_make(10.0, 5);
    uint64_t tat = 0;

    (void) state;
    assert_int_equal(burst_at(&g, &tat, T0, 100), 5);
    assert_int_equal(burst_at(&g, &tat, T0 + SEC / 20, 100), 0);  /* 50 ms */
    assert_int_equal(burst_at(&g, &tat, T0 + SEC / 10, 100), 1);  /* 100 ms */
    assert_int_equal(burst_at(&g, &tat, T0 + SEC / 2, 100), 4);
}

static void
test_idle_bucket_is_full_not_more(void **state)
{
    struct tp_gcra g = tp_gcra_make(100.0, 20);
    uint64_t tat = 0;

    (void) state;
    assert_int_equal(burst_at(&g, &tat, T0, 5), 5);
    /* an hour of silence refills to the burst, never beyond it */
    assert_int_equal(burst_at(&g, &tat, T0 + 3600 * SEC, 1000), 20);
}

static void
test_fractional_rate(void **state)
{
    struct tp_gcra g = tp_gcra_make(0.5, 1);  /* one every two seconds */
    uint64_t tat = 0;

    (void) state;
    assert_int_equal(burst_at(&g, &tat, T0, 3), 1);
    assert_int_equal(burst_at(&g, &tat, T0 + SEC, 3), 0);
    assert_int_equal(burst_at(&g, &tat, T0 + 2 * SEC, 3), 1);
}

static void
test_zero_admits_nothing(void **state)
{
    struct tp_gcra a = tp_gcra_make(0.0, 100), b = tp_gcra_make(100.0, 0);
    uint64_t tat = 0;

    (void) state;
    assert_int_equal(burst_at(&a, &tat, T0, 10), 0);
    assert_int_equal(burst_at(&a, &tat, T0 + 3600 * SEC, 10), 0);
    tat = 0;
    assert_int_equal(burst_at(&b, &tat, T0, 10), 0);
    assert_int_equal(burst_at(&b, &tat, T0 + 3600 * SEC, 10), 0);
}

static void
test_long_run_adherence(void **state)
{
    struct tp_gcra g = tp_gcra_make(250.0, 50);
    uint64_t tat = 0, now;
    unsigned ok = 0;

    (void) state;
    /* 10 s of a request every 100 us (10,000/s offered) */
    for (now = T0; now < T0 + 10 * SEC; now += 100000) {
        ok += burst_at(&g, &tat, now, 1);
    }
    assert_in_range(ok, 50 + 2500 - 1, 50 + 2500);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_burst_then_rate),
        cmocka_unit_test(test_idle_bucket_is_full_not_more),
        cmocka_unit_test(test_fractional_rate),
        cmocka_unit_test(test_zero_admits_nothing),
        cmocka_unit_test(test_long_run_adherence),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
