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
 * The backend of the origin "http[s]://host[:port]" at the start of <uri>
 * (one per scheme, host, port and <ca>; the host resolved now, as
 * server.resolve says); *<path> points at the rest of <uri>.  NULL with
 * <err> set when <uri> is not such a URL.
 */
struct tp_backend *tp_upstream_conf_origin(struct tp_conf_ctx *c,
    const char *uri, const char *ca, const char **path, char *err,
    size_t errlen);

/*
 * Expands "${stageVariables.name}" references in <in> with <st>'s variables.
 * Returns the new string, or NULL with <err> naming the missing variable.
 */
char *tp_upstream_expand_vars(struct tp_arena *a, const char *in,
    const struct tp_stage *st, char *err, size_t errlen);

#endif /* TP_UPSTREAM_CONF_H */
