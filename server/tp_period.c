/*
 * tp_period.c: calendar arithmetic for quota periods.  Dates are counted
 * in years that start on March 1st, so the leap day is the last day of its
 * year and month lengths follow the fixed 153-days-per-5-months pattern;
 * 400-year eras of 146097 days make the rest exact.
 */
#include "tp_period.h"

#include <stdio.h>

static int64_t
floor_div(int64_t a, int64_t b)
{
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

int64_t
tp_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    int64_t era, yoe, doy, doe;
    unsigned mp = (m + 9) % 12;     /* March = 0 ... February = 11 */

    y -= m <= 2;
    era = floor_div(y, 400);
    yoe = y - era * 400;
    doy = (153 * mp + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;   /* 1970-03-01 is day 59 */
}

void
tp_civil_from_days(int64_t day, int64_t *y, unsigned *m, unsigned *d)
{
    int64_t z = day + 719468, era = floor_div(z, 146097);
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;

    *d = (unsigned) (doy - (153 * mp + 2) / 5 + 1);
    *m = (unsigned) (mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

int64_t
tp_day_number(int64_t t)
{
    return floor_div(t, 86400);
}

int64_t
tp_period_of_day(enum tp_period p, int64_t day)
{
    int64_t y;
    unsigned m, d;

    switch (p) {
    case TP_PERIOD_WEEK:
        return floor_div(day + 3, 7);    /* day 0 was a Thursday */
    case TP_PERIOD_MONTH:
        tp_civil_from_days(day, &y, &m, &d);
        return (y - 1970) * 12 + (m - 1);
    default:
        return day;
    }
}

int64_t
tp_period_number(enum tp_period p, int64_t t)
{
    return tp_period_of_day(p, tp_day_number(t));
}

int64_t
tp_period_first_day(enum tp_period p, int64_t n)
{
    switch (p) {
    case TP_PERIOD_WEEK:
        return n * 7 - 3;
    case TP_PERIOD_MONTH:
        return tp_days_from_civil(1970 + floor_div(n, 12),
            (unsigned) (n - floor_div(n, 12) * 12) + 1, 1);
    default:
        return n;
    }
}

void
tp_period_span(enum tp_period p, int64_t t, struct tp_period_span *s)
{
    s->number = tp_period_number(p, t);
    s->start = tp_period_first_day(p, s->number) * 86400;
    s->end = tp_period_first_day(p, s->number + 1) * 86400;
}

static bool
leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int
tp_parse_date(const char *s, int64_t *day)
{
    static const unsigned mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30,
        31, 30, 31 };
    unsigned y, m, d, i;

    for (i = 0; i < 10; i++) {
        if (i == 4 || i == 7 ? s[i] != '-' : (s[i] < '0' || s[i] > '9')) {
            return TP_ERROR;
        }
    }
    if (s[10] != '\0') {
        return TP_ERROR;
    }
    y = (unsigned) ((s[0] - '0') * 1000 + (s[1] - '0') * 100
        + (s[2] - '0') * 10 + (s[3] - '0'));
    m = (unsigned) ((s[5] - '0') * 10 + (s[6] - '0'));
    d = (unsigned) ((s[8] - '0') * 10 + (s[9] - '0'));
    if (m < 1 || m > 12 || d < 1
        || d > mdays[m - 1] + (m == 2 && leap(y)))
    {
        return TP_ERROR;
    }
    *day = tp_days_from_civil(y, m, d);
    return TP_OK;
}

void
tp_format_date(int64_t day, char out[11])
{
    int64_t y;
    unsigned m, d;

    tp_civil_from_days(day, &y, &m, &d);
    snprintf(out, 11, "%04u-%02u-%02u", (unsigned) (y % 10000), m % 13,
        d % 32);
}

int
tp_period_parse(const char *s, enum tp_period *p)
{
    if (strcmp(s, "DAY") == 0) {
        *p = TP_PERIOD_DAY;
    } else if (strcmp(s, "WEEK") == 0) {
        *p = TP_PERIOD_WEEK;
    } else if (strcmp(s, "MONTH") == 0) {
        *p = TP_PERIOD_MONTH;
    } else {
        return TP_ERROR;
    }
    return TP_OK;
}

const char *
tp_period_name(enum tp_period p)
{
    return p == TP_PERIOD_WEEK ? "WEEK" : p == TP_PERIOD_MONTH ? "MONTH"
                                                                : "DAY";
}
