/*
 * tp_period.h: usage plan quota periods in UTC.  DAY starts at midnight,
 * WEEK on Monday 00:00 (ISO weeks), MONTH on the 1st at 00:00.  Periods
 * and days are numbered so that a number changes exactly when the period
 * does; pure arithmetic on the proleptic Gregorian calendar.
 */
#ifndef TP_PERIOD_H
#define TP_PERIOD_H

#include "tp_core.h"

enum tp_period {
    TP_PERIOD_DAY = 0,
    TP_PERIOD_WEEK,
    TP_PERIOD_MONTH
};
#define TP_PERIODS 3                 /* kinds of period */

/* A period and its bounds: it holds Unix time t when start <= t < end. */
struct tp_period_span {
    int64_t number;                  /* as tp_period_number() */
    int64_t start;                   /* its first second, Unix time */
    int64_t end;                     /* the next period's first second */
};

/* Days since 1970-01-01 (negative before), for Unix time <t>. */
int64_t tp_day_number(int64_t t);

/* The period containing Unix time <t>: DAY -> day number, WEEK -> weeks
 * since Monday 1969-12-29, MONTH -> months since January 1970. */
int64_t tp_period_number(enum tp_period p, int64_t t);

/* The period of kind <p> containing Unix time <t>, with its bounds. */
void tp_period_span(enum tp_period p, int64_t t, struct tp_period_span *s);

/*
 * <s> made the period of kind <p> containing <t> and returned: a request
 * asks which period it is in, the answer changes once a day at most and
 * costs calendar arithmetic, so a caller keeps <s> and this recomputes it
 * only when <t> is outside it (a clock set back included).  A zeroed <s>
 * holds no time.
 */
static inline const struct tp_period_span *
tp_period_at(struct tp_period_span *s, enum tp_period p, int64_t t)
{
    if (t < s->start || t >= s->end) {
        tp_period_span(p, t, s);
    }
    return s;
}

/* The day number of the first day of period <n>. */
int64_t tp_period_first_day(enum tp_period p, int64_t n);

/* The period containing day number <day>. */
int64_t tp_period_of_day(enum tp_period p, int64_t day);

/* Civil date <-> day number; <m> is 1-12, <d> 1-31. */
int64_t tp_days_from_civil(int64_t y, unsigned m, unsigned d);
void tp_civil_from_days(int64_t day, int64_t *y, unsigned *m, unsigned *d);

/* "YYYY-MM-DD" -> day number; TP_ERROR when not a valid date. */
int tp_parse_date(const char *s, int64_t *day);

/* Writes day number <day> as "YYYY-MM-DD" (11 bytes with the NUL). */
void tp_format_date(int64_t day, char out[11]);

/* "DAY" | "WEEK" | "MONTH" -> TP_OK and <*p>; TP_ERROR otherwise. */
int tp_period_parse(const char *s, enum tp_period *p);
const char *tp_period_name(enum tp_period p);

#endif /* TP_PERIOD_H */
