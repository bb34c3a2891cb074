/*
 * tp_openapi.c: OpenAPI import (placeholder until the importer lands).
 * Master only.
 */
#include "tp_openapi.h"

int
tp_openapi_import(struct tp_conf_ctx *c, struct tp_api *api,
    const char *path)
{
    (void) api;
    return tp_conf_error(c, NULL, "not supported yet: OpenAPI import (%s)",
        path);
}
