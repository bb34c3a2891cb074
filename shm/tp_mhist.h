/*
 * tp_mhist.h: log-linear latency histograms in microseconds.
 *
 * Each decade from 1 us to 100 s is cut into 18 linear steps of half its
 * first value (1.0, 1.5, 2.0 ... 9.5 times 10^d us), so a bucket is at
 * most 50 % wide at the bottom of a decade and 5 % at the top; bucket 0
 * holds values under 1 us and the last one everything from 100 s up.
 * The bounds are round decimal numbers, so Prometheus buckets (1, 2.5
 * and 5 times a power of ten) are unions of ours.  Pure functions, used
 * by every process that reads or writes metrics.
 */
#ifndef TP_MHIST_H
#define TP_MHIST_H

#include "tp_core.h"

#define TP_MH_DECADES 8
#define TP_MH_STEPS   18
#define TP_MH_N       (TP_MH_DECADES * TP_MH_STEPS + 2)
#define TP_MH_TOP_US  100000000ull   /* 10^TP_MH_DECADES */

/* The bucket of <us>. */
static inline unsigned
tp_mhist_bucket(uint64_t us)
{
    uint64_t p = 1;
    unsigned d;

    if (us == 0) {
        return 0;
    }
    for (d = 0; d < TP_MH_DECADES; d++, p *= 10) {
        if (us < p * 10) {
            /* steps of p/2 from p: (2us/p) - 2 */
            return 1 + d * TP_MH_STEPS + (unsigned) (us * 2 / p) - 2;
        }
    }
    return TP_MH_N - 1;
}

/* The lower bound of bucket <i> in microseconds (0 for bucket 0). */
uint64_t tp_mhist_lower(unsigned i);

/* The upper bound (exclusive) of bucket <i>; UINT64_MAX for the last. */
uint64_t tp_mhist_upper(unsigned i);

/*
 * The <q>-quantile (0 < q <= 1) of the <n> samples counted in <h>, in
 * microseconds, interpolated linearly inside its bucket; 0 when empty.
 */
double tp_mhist_quantile(const uint64_t *h, uint64_t n, double q);

#endif /* TP_MHIST_H */
