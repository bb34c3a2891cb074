/*
 * tp_time.c: cached clocks and the HTTP Date string.  Used by all processes.
 */
#include "tp_time.h"

#include <stdio.h>

struct tp_clock tp_clock;

static const char wdays[7][4] = {
    "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"
};
static const char months[12][4] = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun",
    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
};

size_t
tp_time_http_date(time_t t, char *out)
{
    struct tm tm;

    gmtime_r(&t, &tm);
    return (size_t) snprintf(out, 30, "%s, %02d %s %04d %02d:%02d:%02d GMT",
        wdays[tm.tm_wday], tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900,
        tm.tm_hour, tm.tm_min, tm.tm_sec);
}

uint64_t
tp_time_mono_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000000000 + (uint64_t) ts.tv_nsec;
}

uint64_t
tp_time_mono_us(void)
{
    return tp_time_mono_ns() / 1000;
}

size_t
tp_time_clf_date(time_t t, char *out)
{
    struct tm tm;

    gmtime_r(&t, &tm);
    return (size_t) snprintf(out, 27, "%02d/%s/%04d:%02d:%02d:%02d +0000",
        tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour,
        tm.tm_min, tm.tm_sec);
}

void
tp_time_update(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    tp_clock.mono_us = (uint64_t) ts.tv_sec * 1000000
        + (uint64_t) ts.tv_nsec / 1000;
    tp_clock.mono_ms = tp_clock.mono_us / 1000;
    clock_gettime(CLOCK_REALTIME, &ts);
    tp_clock.real_ms = (uint64_t) ts.tv_sec * 1000
        + (uint64_t) ts.tv_nsec / 1000000;
    if (ts.tv_sec != tp_clock.sec) {
        tp_clock.sec = ts.tv_sec;
        tp_clock.http_date_len = tp_time_http_date(ts.tv_sec,
            tp_clock.http_date);
        tp_clock.clf_date_len = tp_time_clf_date(ts.tv_sec,
            tp_clock.clf_date);
    }
}
