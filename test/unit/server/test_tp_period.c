/*
 * test_tp_period.c: unit tests of quota period arithmetic (tp_period.c):
 * day numbers against known dates, leap years (2000 yes, 1900 and 2100
 * no), ISO weeks starting on Monday, month numbers and first days at month
 * and year ends, date parsing and formatting, a round trip over 800
 * years, and the bounds of periods (tp_period_span) and their cache
 * (tp_period_at) against tp_period_number second by second at each end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tp_period.h"

static int64_t
day(const char *s)
{
    int64_t d = 0;

    if (tp_parse_date(s, &d) != TP_OK) {
        fail_msg("\"%s\" rejected", s);
    }
    return d;
}

/* Unix time of "YYYY-MM-DD" at hh:mm:ss UTC. */
static int64_t
at(const char *s, int h, int m, int sec)
{
    return day(s) * 86400 + h * 3600 + m * 60 + sec;
}

static void
test_known_day_numbers(void **state)
{
    (void) state;
    assert_int_equal(day("1970-01-01"), 0);
    assert_int_equal(day("1970-01-02"), 1);
    assert_int_equal(day("1969-12-31"), -1);
    assert_int_equal(day("2000-03-01"), 11017);
    assert_int_equal(day("2026-11-25"), 20782);
    /* 2024-02-29 exists; the day after is March 1st */
    assert_int_equal(day("2024-03-01") - day("2024-02-28"), 2);
    assert_int_equal(tp_day_number(-1), -1);          /* 1969-12-31 23:59:59 */
    assert_int_equal(tp_day_number(86399), 0);
    assert_int_equal(tp_day_number(86400), 1);
}

static void
test_leap_years(void **state)
{
    int64_t d;

    (void) state;
    assert_int_equal(tp_parse_date("2000-02-29", &d), TP_OK);
    assert_int_equal(tp_parse_date("2024-02-29", &d), TP_OK);
    assert_int_equal(tp_parse_date("1900-02-29", &d), TP_ERROR);
    assert_int_equal(tp_parse_date("2100-02-29", &d), TP_ERROR);
    assert_int_equal(tp_parse_date("2026-02-29", &d), TP_ERROR);
    assert_int_equal(day("2001-01-01") - day("2000-01-01"), 366);
    assert_int_equal(day("2101-01-01") - day("2100-01-01"), 365);
}

static void
test_bad_dates(void **state)
{
    static const char *bad[] = { "", "2026-1-01", "2026-13-01", "2026-00-10",
        "2026-04-31", "2026-01-32", "2026-01-00", "2026/01/01",
        "2026-01-01x", "20260101", "abcd-ef-gh" };
    int64_t d = 7;
    size_t i;

    (void) state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (tp_parse_date(bad[i], &d) != TP_ERROR) {
            fail_msg("\"%s\" accepted", bad[i]);
        }
    }
    assert_int_equal(d, 7);
}

static void
test_day_period_changes_at_midnight_utc(void **state)
{
    (void) state;
    assert_int_equal(tp_period_number(TP_PERIOD_DAY,
        at("2026-11-25", 23, 59, 59)), day("2026-11-25"));
    assert_int_equal(tp_period_number(TP_PERIOD_DAY,
        at("2026-11-26", 0, 0, 0)), day("2026-11-26"));
}

static void
test_weeks_start_on_monday(void **state)
{
    int64_t w;

    (void) state;
    /* 2026-11-23 is a Monday, 2026-11-29 a Sunday */
    w = tp_period_number(TP_PERIOD_WEEK, at("2026-11-23", 0, 0, 0));
    assert_int_equal(tp_period_number(TP_PERIOD_WEEK,
        at("2026-11-29", 23, 59, 59)), w);
    assert_int_equal(tp_period_number(TP_PERIOD_WEEK,
        at("2026-11-22", 23, 59, 59)), w - 1);
    assert_int_equal(tp_period_number(TP_PERIOD_WEEK,
        at("2026-11-30", 0, 0, 0)), w + 1);
    assert_int_equal(tp_period_first_day(TP_PERIOD_WEEK, w),
        day("2026-11-23"));
    /* across a year end: Monday 2024-12-30 starts the week of 2025-01-01 */
    w = tp_period_number(TP_PERIOD_WEEK, at("2025-01-01", 12, 0, 0));
    assert_int_equal(tp_period_first_day(TP_PERIOD_WEEK, w),
        day("2024-12-30"));
    /* the week of day 0 (a Thursday) started on Monday 1969-12-29 */
    assert_int_equal(tp_period_of_day(TP_PERIOD_WEEK, 0), 0);
    assert_int_equal(tp_period_first_day(TP_PERIOD_WEEK, 0), -3);
}

static void
test_months(void **state)
{
    int64_t m;

    (void) state;
    assert_int_equal(tp_period_number(TP_PERIOD_MONTH, 0), 0);
    m = tp_period_number(TP_PERIOD_MONTH, at("2026-11-30", 23, 59, 59));
    assert_int_equal(m, (2026 - 1970) * 12 + 10);
    assert_int_equal(tp_period_number(TP_PERIOD_MONTH,
        at("2026-12-01", 0, 0, 0)), m + 1);
    assert_int_equal(tp_period_first_day(TP_PERIOD_MONTH, m),
        day("2026-11-01"));
    assert_int_equal(tp_period_first_day(TP_PERIOD_MONTH, m + 2),
        day("2027-01-01"));
    /* February of a leap year ends on the 29th */
    m = tp_period_number(TP_PERIOD_MONTH, at("2024-02-29", 23, 59, 59));
    assert_int_equal(tp_period_first_day(TP_PERIOD_MONTH, m + 1),
        day("2024-03-01"));
    assert_int_equal(tp_period_first_day(TP_PERIOD_MONTH, m + 1)
        - tp_period_first_day(TP_PERIOD_MONTH, m), 29);
    /* before 1970 */
    assert_int_equal(tp_period_of_day(TP_PERIOD_MONTH, -1), -1);
    assert_int_equal(tp_period_first_day(TP_PERIOD_MONTH, -1),
        day("1969-12-01"));
}

static void
test_round_trip(void **state)
{
    int64_t d, y, back;
    unsigned m, dd;
    char s[11];

    (void) state;
    for (d = day("1800-01-01"); d < day("2600-01-01"); d += 1) {
        tp_civil_from_days(d, &y, &m, &dd);
        if (tp_days_from_civil(y, m, dd) != d) {
            fail_msg("day %lld round trip failed", (long long) d);
        }
        if (tp_period_first_day(TP_PERIOD_MONTH,
                tp_period_of_day(TP_PERIOD_MONTH, d)) != d - dd + 1)
        {
            fail_msg("month of day %lld", (long long) d);
        }
    }
    tp_format_date(day("2024-02-29"), s);
    assert_string_equal(s, "2024-02-29");
    assert_int_equal(tp_parse_date(s, &back), TP_OK);
    assert_int_equal(back, day("2024-02-29"));
}

/* <s> is the period of <t>, and its bounds are where the number changes. */
static void
check_span(enum tp_period p, int64_t t, const struct tp_period_span *s)
{
    int64_t n = tp_period_number(p, t);

    if (s->number != n || t < s->start || t >= s->end
        || tp_period_number(p, s->start) != n
        || tp_period_number(p, s->start - 1) != n - 1
        || tp_period_number(p, s->end - 1) != n
        || tp_period_number(p, s->end) != n + 1)
    {
        fail_msg("%s at %lld: %lld [%lld, %lld)", tp_period_name(p),
            (long long) t, (long long) s->number, (long long) s->start,
            (long long) s->end);
    }
}

static void
test_period_spans(void **state)
{
    struct tp_period_span s;
    int64_t t;
    unsigned p;

    (void) state;
    /* 1960 to 2100 in steps of 7 hours and 13 seconds: every kind of
     * month, leap days, the epoch. */
    for (p = 0; p < TP_PERIODS; p++) {
        for (t = at("1960-01-01", 0, 0, 0); t < at("2100-01-01", 0, 0, 0);
             t += 7 * 3600 + 13)
        {
            tp_period_span((enum tp_period) p, t, &s);
            check_span((enum tp_period) p, t, &s);
        }
    }
    tp_period_span(TP_PERIOD_MONTH, at("2024-02-10", 12, 0, 0), &s);
    assert_int_equal(s.start, at("2024-02-01", 0, 0, 0));
    assert_int_equal(s.end, at("2024-03-01", 0, 0, 0));
    tp_period_span(TP_PERIOD_WEEK, at("2026-11-25", 12, 0, 0), &s);
    assert_int_equal(s.start, at("2026-11-23", 0, 0, 0));    /* Monday */
    assert_int_equal(s.end, at("2026-11-30", 0, 0, 0));
}

/* The cache answers as a fresh computation, whichever way the clock
 * moves, from a zeroed span on. */
static void
test_period_cache(void **state)
{
    struct tp_period_span cache[TP_PERIODS], fresh;
    const struct tp_period_span *s;
    int64_t t0 = at("2024-02-28", 23, 59, 58), t;
    unsigned p, i;

    (void) state;
    memset(cache, 0, sizeof(cache));
    for (i = 0; i < 3000; i++) {
        /* Forward a second at a time over two month ends, then back. */
        t = i < 1500 ? t0 + i : t0 + 2999 - i;
        t += i % 500 == 0 ? 40 * 86400 : 0;
        for (p = 0; p < TP_PERIODS; p++) {
            s = tp_period_at(&cache[p], (enum tp_period) p, t);
            tp_period_span((enum tp_period) p, t, &fresh);
            assert_ptr_equal(s, &cache[p]);
            assert_memory_equal(s, &fresh, sizeof(fresh));
        }
    }
    t = at("1970-01-01", 0, 0, 0);               /* 0: a zeroed span */
    memset(cache, 0, sizeof(cache));
    s = tp_period_at(&cache[TP_PERIOD_DAY], TP_PERIOD_DAY, t);
    assert_int_equal(s->number, 0);
    assert_int_equal(s->end, 86400);
}

static void
test_period_names(void **state)
{
    enum tp_period p;

    (void) state;
    assert_int_equal(tp_period_parse("WEEK", &p), TP_OK);
    assert_int_equal(p, TP_PERIOD_WEEK);
    assert_string_equal(tp_period_name(TP_PERIOD_MONTH), "MONTH");
    assert_int_equal(tp_period_parse("day", &p), TP_ERROR);
    assert_int_equal(tp_period_parse("YEAR", &p), TP_ERROR);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_day_numbers),
        cmocka_unit_test(test_leap_years),
        cmocka_unit_test(test_bad_dates),
        cmocka_unit_test(test_day_period_changes_at_midnight_utc),
        cmocka_unit_test(test_weeks_start_on_monday),
        cmocka_unit_test(test_months),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_period_spans),
        cmocka_unit_test(test_period_cache),
        cmocka_unit_test(test_period_names),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
