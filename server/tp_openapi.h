/*
 * tp_openapi.h: importing an OpenAPI 3.0 / Swagger 2.0 JSON document with
 * API Gateway's x-amazon-apigateway-* extensions into an API of the model.
 * Master only (config load, -t, reload).
 */
#ifndef TP_OPENAPI_H
#define TP_OPENAPI_H

#include "tp_conf_int.h"

/*
 * Reads <path> and adds its routes, gateway responses, CORS configuration
 * and API settings to <api> through tp_apibuild.h.  Errors name the file,
 * the line and the JSON pointer ("api.json:12: ... (at /paths/~1pets/get)")
 * and return TP_ERROR; features of later issues are warnings.
 */
int tp_openapi_import(struct tp_conf_ctx *c, struct tp_api *api,
    const char *path);

/* The same from a document already in memory; <name> names it in
 * messages.  <buf> need not be NUL-terminated. */
int tp_openapi_import_buffer(struct tp_conf_ctx *c, struct tp_api *api,
    const char *name, const char *buf, size_t len);

#endif /* TP_OPENAPI_H */
