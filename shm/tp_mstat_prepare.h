/*
 * tp_mstat_prepare.h: what the master does for metrics with a loaded
 * configuration: size the region (first start) and give every stage
 * route and function its series.  Master only.
 */
#ifndef TP_MSTAT_PREPARE_H
#define TP_MSTAT_PREPARE_H

#include "tp_mstat.h"
#include "tp_arena.h"
#include "tp_model.h"

/* The region's size for <m>: series (room to grow on reloads) and
 * blocks (every counting process of a few generations at once). */
void tp_mstat_plan(const struct tp_model *m, uint32_t *series_cap,
    uint32_t *nblocks);

/*
 * Fills stage->mseries, function->mseries and m->mseries_noapi (arrays
 * from <m>'s arena).  A route that finds the region full counts in its
 * stage's series, a stage in the no-API series; a warning says so.
 */
void tp_mstat_prepare(struct tp_model *m, struct tp_arena *a,
    struct tp_mstat *ms);

#endif /* TP_MSTAT_PREPARE_H */
