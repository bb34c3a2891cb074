/*
 * tp_conf_refs.c: references across sections, checked once every API is
 * loaded: the top-level authorizers are built, then each route's
 * authorizer name is resolved (tp_apibuild_auth.c), so that -t names a
 * dangling one with its file and line.  Master only.
 */
#include "tp_apibuild.h"

int
tp_conf_refs(struct tp_conf_ctx *c, config_t *cfg)
{
    if (tp_conf_authorizers(c, config_lookup(cfg, "authorizers")) != TP_OK) {
        return TP_ERROR;
    }
    return tp_build_resolve_authorizers(c);
}
