/*
 * tp_emf.h: CloudWatch Embedded Metric Format documents: one series'
 * counts over one period (the growth of its sum, shm/tp_mstat.h) into
 * one JSON line.  Pure: the metrics worker (tp_metrics_emf.c) decides
 * what to report and writes the lines.
 *
 * REST series: Count, 4XXError, 5XXError, Latency, IntegrationLatency,
 * CacheHitCount/CacheMissCount, dimension sets [ApiName, Stage] and, for
 * a route, [ApiName, Method, Resource, Stage].  HTTP series: Count, 4xx,
 * 5xx, Latency, IntegrationLatency, DataProcessed, dimension sets
 * [ApiId, Stage] and, for a route, [ApiId, Stage, Route].  Function
 * series: namespace AWS/Lambda, [FunctionName], Invocations, Errors,
 * Throttles, Duration, InitDuration.
 *
 * Latencies are arrays of at most 100 values in milliseconds, read from
 * the histogram's growth: with up to 100 samples one value per sample
 * (its bucket's midpoint); with more, the 100 quantiles 0.5 %, 1.5 % ...
 * 99.5 %, so CloudWatch's percentiles and average come out right but the
 * metric's SampleCount is 100: Count carries the number of requests.
 *
 * EMF's limits hold by construction: at most 9 metrics per directive
 * (100 allowed), 4 dimensions per set (30), arrays of 100 values (100),
 * and a document of at most a few KiB (256 KiB): dimension values are
 * bounded by TP_MSTAT_FIELD, so one document per series never needs
 * splitting.
 */
#ifndef TP_EMF_H
#define TP_EMF_H

#include "tp_arena.h"
#include "tp_mstat.h"

#define TP_EMF_VALUES 100            /* values per array (EMF's limit) */
#define TP_EMF_LAMBDA "AWS/Lambda"

struct tp_emf_in {
    const struct tp_mseries *info;
    const struct tp_mcount *delta;   /* what the period added */
    const char *namespace_;          /* request series' namespace */
    uint64_t timestamp_ms;           /* the period's start */
    bool cache;                      /* the stage caches: cache metrics
                                        even when zero */
};

/*
 * The document of <in> as one line ending in '\n', in <a>.  TP_DONE when
 * the series has nothing to report (neither a request nor a latency
 * sample in the period, or a kind AWS publishes nothing for: no API,
 * WebSocket); TP_ERROR when out of memory.
 */
int tp_emf_doc(const struct tp_emf_in *in, struct tp_arena *a,
    struct tp_str *out);

/*
 * The values of histogram <h> (its growth) for an EMF array, in
 * milliseconds: one per sample (bucket midpoints) up to TP_EMF_VALUES
 * samples, else TP_EMF_VALUES evenly spaced quantiles.  Returns how many
 * went to <ms> (0: no sample).
 */
unsigned tp_emf_values(const uint64_t *h, double ms[TP_EMF_VALUES]);

#endif /* TP_EMF_H */
