/*
 * tp_expr.h: compiling parameter mappings (API Gateway's mapping
 * expressions) into struct tp_mapping.  Pure; used by the master (config
 * file and OpenAPI import); workers evaluate the result (tp_mapping.c).
 */
#ifndef TP_EXPR_H
#define TP_EXPR_H

#include "tp_core.h"
#include "tp_arena.h"
#include "tp_model.h"

enum tp_map_dialect {
    TP_MAP_REST_REQUEST = 0,  /* integration.request.X.n  <- method.request.* */
    TP_MAP_REST_RESPONSE,     /* method.response.header.n <- integration.* */
    TP_MAP_GW_RESPONSE,       /* gatewayresponse.header.n <- method.request.* */
    TP_MAP_HTTP_REQUEST,      /* append:header.n <- "$request.header.x ..." */
    TP_MAP_HTTP_RESPONSE      /* overwrite:statuscode <- "$response.header.x" */
};

/*
 * Compiles "<key>" = "<value>" in <dialect> into <out> (allocated from
 * <a>).  TP_ERROR with a message naming the problem in <err>.
 */
int tp_mapping_compile(struct tp_arena *a, enum tp_map_dialect dialect,
    const char *key, const char *value, struct tp_mapping *out, char *err,
    size_t errlen);

/* Whether HTTP APIs refuse to map header <name> (http-api.md section 4). */
bool tp_mapping_reserved(const char *name);

/*
 * Compiles a REST-style source value ("method.request.header.X",
 * "'static'", "context.x", "stageVariables.x", "integration.response.*")
 * into <out>; <dialect> decides which sources are allowed.
 */
int tp_expr_rest(struct tp_arena *a, enum tp_map_dialect dialect,
    const char *value, struct tp_expr *out, char *err, size_t errlen);

/* Compiles an HTTP API value: literal text mixed with $request.*,
 * $response.*, $context.*, $stageVariables.* (or ${...}). */
int tp_expr_http(struct tp_arena *a, bool response, const char *value,
    struct tp_expr *out, char *err, size_t errlen);

#endif /* TP_EXPR_H */
