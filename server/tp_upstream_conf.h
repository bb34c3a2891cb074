/*
 * tp_upstream_conf.h: compiling integration URIs into per-stage targets and
 * the shared table of backends (origins).  Master only (config load).
 */
#ifndef TP_UPSTREAM_CONF_H
#define TP_UPSTREAM_CONF_H

#include "tp_conf_int.h"

/*
 * Fills route->integ.targets: one per stage of <api>, with stage variables
 * expanded, the origin resolved to a backend and the path compiled into a
 * template of literals and route parameters.
 */
int tp_upstream_conf_targets(struct tp_conf_ctx *c, struct tp_api *api,
    struct tp_route *r);

/*
 * Expands "${stageVariables.name}" references in <in> with <st>'s variables.
 * Returns the new string, or NULL with <err> naming the missing variable.
 */
char *tp_upstream_expand_vars(struct tp_arena *a, const char *in,
    const struct tp_stage *st, char *err, size_t errlen);

#endif /* TP_UPSTREAM_CONF_H */
