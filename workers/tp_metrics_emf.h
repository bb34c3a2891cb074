/*
 * tp_metrics_emf.h: the metrics worker's EMF output: every metrics.period
 * seconds, on wall-clock multiples of the period, one document per
 * series that had requests (workers/tp_emf.h) appended to metrics.emf_log.
 * Metrics worker only.
 *
 * What was reported lives in the metrics region (off_report: the totals
 * last reported per series, reported_until), updated under report_lock
 * together with the writing, so the metrics workers of two generations
 * (a reload runs both for a while) never report a request twice and
 * none is lost; a stop reports the last, partial period.
 */
#ifndef TP_METRICS_EMF_H
#define TP_METRICS_EMF_H

#include "tp_arena.h"
#include "tp_loop.h"
#include "tp_timer.h"

struct tp_metrics_emf {
    struct tp_loop *loop;
    struct tp_timer tick;
    int fd;                          /* emf_log (tp_logfile_reopened puts
                                        a reopened file on it); -1: none */
    uint64_t period_ms;
    const char *namespace_;
    uint8_t *cached;                 /* bit per series: its stage caches */
    uint32_t ncached;                /* series the bitmap covers */
    struct tp_arena arena;           /* one document at a time */
    uint64_t failed_at;              /* mono ms of the last error report */
};

/* Starts the period timer when the configuration has an emf_log. */
void tp_metrics_emf_init(struct tp_metrics_emf *e, struct tp_loop *loop);

/* At exit: reports the partial period up to now. */
void tp_metrics_emf_final(struct tp_metrics_emf *e);

#endif /* TP_METRICS_EMF_H */
