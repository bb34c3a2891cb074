/*
 * tp_gcra.h: the generic cell rate algorithm, the token bucket with its
 * whole state in one number: the theoretical arrival time (TAT) of the
 * next request.  A bucket of rate r per second and burst b admits a
 * request at time <now> when max(TAT, now) + T - now <= b * T, with T =
 * 1/r, and then TAT becomes max(TAT, now) + T.  No refill, no timer: an
 * idle bucket is simply one whose TAT is in the past.  Pure; all times in
 * nanoseconds of CLOCK_MONOTONIC, which is the same in every process.
 */
#ifndef TP_GCRA_H
#define TP_GCRA_H

#include "tp_core.h"

struct tp_gcra {
    uint64_t t;                      /* emission interval, ns */
    uint64_t tau;                    /* burst * t: how far TAT may lead */
};

/* Rate 0 or burst 0 admits nothing. */
#define TP_GCRA_NEVER (UINT64_C(1) << 62)

static inline struct tp_gcra
tp_gcra_make(double rate, uint32_t burst)
{
    struct tp_gcra g;
    double t = rate > 0 ? 1e9 / rate : (double) TP_GCRA_NEVER;
    double tau = t * (double) burst;

    g.t = t >= (double) TP_GCRA_NEVER ? TP_GCRA_NEVER
        : (uint64_t) (t + 0.5) > 0 ? (uint64_t) (t + 0.5) : 1;
    g.tau = tau >= (double) TP_GCRA_NEVER ? TP_GCRA_NEVER : (uint64_t) tau;
    if (burst == 0 || rate <= 0) {
        g.tau = 0;
    }
    return g;
}

/* true and <*next> = the new TAT when a request at <now> conforms. */
static inline bool
tp_gcra_admit(const struct tp_gcra *g, uint64_t tat, uint64_t now,
    uint64_t *next)
{
    uint64_t base = tat > now ? tat : now;

    if (g->tau == 0 || base + g->t - now > g->tau) {
        return false;
    }
    *next = base + g->t;
    return true;
}

#endif /* TP_GCRA_H */
