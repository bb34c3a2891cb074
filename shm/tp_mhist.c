/*
 * tp_mhist.c: bucket bounds and quantiles of the log-linear histograms.
 */
#include "tp_mhist.h"

uint64_t
tp_mhist_lower(unsigned i)
{
    uint64_t p = 1;
    unsigned d;

    if (i == 0) {
        return 0;
    }
    if (i >= TP_MH_N - 1) {
        return TP_MH_TOP_US;
    }
    i--;
    for (d = 0; d < i / TP_MH_STEPS; d++) {
        p *= 10;
    }
    /* step k of decade d starts at (k + 2) * p / 2; p = 1 has halves:
     * the first decade's bounds are rounded up to whole microseconds */
    return ((i % TP_MH_STEPS) + 2) * p / 2 + (p == 1 && (i % 2) == 1);
}

uint64_t
tp_mhist_upper(unsigned i)
{
    return i >= TP_MH_N - 1 ? UINT64_MAX : tp_mhist_lower(i + 1);
}

double
tp_mhist_quantile(const uint64_t *h, uint64_t n, double q)
{
    uint64_t seen = 0, rank;
    unsigned i;

    if (n == 0) {
        return 0;
    }
    rank = (uint64_t) (q * (double) n + 0.999999);
    if (rank == 0) {
        rank = 1;
    }
    if (rank > n) {
        rank = n;
    }
    for (i = 0; i < TP_MH_N; i++) {
        double lo, hi;

        if (h[i] == 0 || seen + h[i] < rank) {
            seen += h[i];
            continue;
        }
        lo = (double) tp_mhist_lower(i);
        hi = i == TP_MH_N - 1 ? lo : (double) tp_mhist_upper(i);
        /* the rank's place among this bucket's samples */
        return lo + (hi - lo) * ((double) (rank - seen) - 0.5)
            / (double) h[i];
    }
    return (double) tp_mhist_lower(TP_MH_N - 1);
}
