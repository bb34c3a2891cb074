/*
 * tp_pipeline.h: the request pipeline, an ordered table of named phases
 * (ARCHITECTURE.md).  Workers only.
 *
 * Each phase returns TP_PHASE_CONTINUE (go on), TP_PHASE_DONE (it answered
 * or handed the request to an asynchronous owner that will answer).  Later
 * features insert their phases (authorize, throttle, quota, cache ...) in
 * this table without touching the others.
 */
#ifndef TP_PIPELINE_H
#define TP_PIPELINE_H

#include "tp_request.h"

enum tp_phase_rc {
    TP_PHASE_CONTINUE = 0,
    TP_PHASE_DONE
};

struct tp_phase {
    const char *name;
    int (*run)(struct tp_request *r);
};

/* Runs the phases of a request whose head has been parsed. */
void tp_pipeline_run(struct tp_request *r);

/*
 * A phase that returned TP_PHASE_DONE to wait (for the body, a key set
 * ...) and has now decided to let the request go on: runs the phases
 * after it.  A phase that answers instead never calls this.
 */
void tp_pipeline_resume(struct tp_request *r);

/* The phases (one file each). */
int tp_phase_resolve(struct tp_request *r);
int tp_phase_limits(struct tp_request *r);
int tp_phase_route(struct tp_request *r);
int tp_phase_auth(struct tp_request *r);
int tp_phase_apikey(struct tp_request *r);
int tp_phase_throttle(struct tp_request *r);
int tp_phase_cache(struct tp_request *r);
int tp_phase_integration(struct tp_request *r);

#endif /* TP_PIPELINE_H */
