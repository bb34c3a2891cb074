/*
 * tp_limits_prepare.h: what the master does for traffic control before it
 * forks a generation's children (at start and on every reload): record
 * each usage plan's first-seen time in the state database (the quota
 * offset applies to that period) and check the shared tables against the
 * configured sizes.  Master only.
 */
#ifndef TP_LIMITS_PREPARE_H
#define TP_LIMITS_PREPARE_H

#include "tp_core.h"
#include "tp_model.h"

struct tp_shm;

/* TP_ERROR with a message when the state database cannot be used. */
int tp_limits_prepare(struct tp_model *m, struct tp_shm *shm, char *err,
    size_t errlen);

#endif /* TP_LIMITS_PREPARE_H */
