/*
 * tp_mhealth.h: the state of the processes that own blocks of the metrics
 * region (running, draining, stalled: no heartbeat for 5 s), and the
 * admin listener's /health document built from it.  Pure: a region and
 * the time in, text out.
 */
#ifndef TP_MHEALTH_H
#define TP_MHEALTH_H

#include "tp_arena.h"
#include "tp_mstat.h"

#define TP_MHEALTH_STALL_MS 5000     /* heartbeats come every second */

enum tp_mproc_state {
    TP_MP_RUNNING = 0,
    TP_MP_DRAINING,
    TP_MP_STALLED,
    TP_MP_N
};

/* The state of block <b>'s owner at real time <now_ms>.  An owner that
 * never beat (metrics.enabled = false, or just forked) is not stalled. */
enum tp_mproc_state tp_mhealth_state(const struct tp_mblock *b,
    uint64_t now_ms);

/* "running", "draining", "stalled". */
const char *tp_mhealth_state_name(enum tp_mproc_state s);

/* Requests a block counted (request workers: every request series'
 * status bins; the function host: its invocations), whoever owned it. */
uint64_t tp_mhealth_served(const struct tp_mstat *m, unsigned b);

/*
 * The /health JSON document (fields in docs/turnpike.conf.5) into <a>;
 * <*healthy> false when a process is stalled.  TP_ERROR when out of
 * memory.
 */
int tp_mhealth_render(const struct tp_mstat *m, uint64_t now_ms,
    struct tp_arena *a, struct tp_str *out, bool *healthy);

#endif /* TP_MHEALTH_H */
