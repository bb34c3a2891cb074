/*
 * tp_time.h: the clock cache.  Used by all processes.
 *
 * Event loops call tp_time_update() once per wake-up; everything else reads
 * the cached values, so the hot path never calls clock_gettime() and the Date
 * header is formatted once per second.
 */
#ifndef TP_TIME_H
#define TP_TIME_H

#include "tp_core.h"

#include <time.h>

struct tp_clock {
    uint64_t mono_ms;        /* CLOCK_MONOTONIC, ms: timers */
    uint64_t mono_us;        /* the same instant in us: latencies */
    uint64_t real_ms;        /* CLOCK_REALTIME, ms since the epoch */
    time_t sec;              /* real seconds of the cached strings */
    char http_date[32];      /* "Wed, 25 Nov 2026 17:22:40 GMT" */
    size_t http_date_len;
    char clf_date[32];       /* "25/Nov/2026:17:22:40 +0000" (sec) */
    size_t clf_date_len;
};

extern struct tp_clock tp_clock;

void tp_time_update(void);

/* CLOCK_MONOTONIC now (not the cached one), ns and us. */
uint64_t tp_time_mono_ns(void);
uint64_t tp_time_mono_us(void);

/* Formats <t> as an IMF-fixdate into <out> (at least 30 bytes). */
size_t tp_time_http_date(time_t t, char *out);

/* Formats <t> as $context.requestTime, "dd/MMM/yyyy:HH:mm:ss +0000"
 * (at least 27 bytes); tp_clock.clf_date holds it for tp_clock.sec. */
size_t tp_time_clf_date(time_t t, char *out);

#endif /* TP_TIME_H */
