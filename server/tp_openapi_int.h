/*
 * tp_openapi_int.h: state and helpers shared by the OpenAPI importer's
 * files (tp_openapi.c: document, paths, root extensions;
 * tp_openapi_auth.c: security; tp_openapi_integ.c: integrations, gateway
 * responses, CORS; tp_openapi_util.c: messages and values).  Master only.
 */
#ifndef TP_OPENAPI_INT_H
#define TP_OPENAPI_INT_H

#include "tp_openapi.h"
#include "tp_apibuild.h"
#include "tp_expr.h"
#include "tp_json.h"

#define TP_OA_EXT "x-amazon-apigateway-"

struct tp_oa {
    struct tp_conf_ctx *c;
    struct tp_api *api;
    const char *file;                /* for messages, in c->a */
    struct tp_json d;
    struct tp_arena tmp;             /* the document's tokens, messages,
                                        trial compilations: freed at the
                                        end; the model's strings go to c->a */
    bool v3;                         /* OpenAPI 3.0 (else Swagger 2.0) */
    int schemes;                     /* securitySchemes/Definitions, or -1 */
    int root_security;               /* OpenAPI's default "security", or -1 */
};

/* Errors and warnings: "FILE:LINE: message (at /json/pointer)". */
int tp_oa_error(struct tp_oa *o, int tok, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void tp_oa_warn(struct tp_oa *o, int tok, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
struct tp_src tp_oa_src(struct tp_oa *o, int tok);

/* Appends " (at POINTER)" to an error the builder reported. */
int tp_oa_builder_failed(struct tp_oa *o, int tok);

/* A key's (or string's) text: to keep, in c->a; to compare or print, in
 * the scratch arena. */
const char *tp_oa_key(struct tp_oa *o, int key);
const char *tp_oa_name(struct tp_oa *o, int key);

/*
 * Follows local "$ref"s from <tok> and checks the result is an object;
 * <what> names it in errors ("the integration").  -1 after an error.
 */
int tp_oa_object(struct tp_oa *o, int tok, const char *what);

/* Errors unless token <tok> has <type>. */
int tp_oa_expect(struct tp_oa *o, int tok, int type, const char *what);

/* A string value, unescaped, ${AWS::*} replaced, in c->a; NULL after an
 * error. */
const char *tp_oa_string(struct tp_oa *o, int tok, const char *what);

/* A string or a number, as text ("statusCode": 200 or "200"). */
const char *tp_oa_status(struct tp_oa *o, int tok, const char *what);

/* An array of strings. */
int tp_oa_strings(struct tp_oa *o, int tok, const char *what,
    const char ***out, unsigned *n);

/*
 * An object of string values into pairs.  <dialect> >= 0: each pair is
 * also compiled as a mapping of that dialect, so a bad one is reported
 * with its pointer (the builder compiles it again for the model).
 */
int tp_oa_pairs(struct tp_oa *o, int tok, const char *what, int dialect,
    struct tp_pair **out, unsigned *n);

/* Whether string token <tok> starts with <prefix> / equals <s>
 * (case-insensitively). */
bool tp_oa_prefix(struct tp_oa *o, int tok, const char *prefix);
bool tp_oa_caseeq(struct tp_oa *o, int tok, const char *s);

/*
 * x-amazon-apigateway-integration of <route> ("GET /pets") into <b>.
 * TP_DECLINED: the integration cannot serve in this API (warned).
 */
int tp_oa_integration(struct tp_oa *o, int tok, const char *route,
    struct tp_build_integ *b);

/* Route authorization from "security" (tp_openapi_auth.c). */
int tp_oa_security(struct tp_oa *o, int op, struct tp_build_route *b);
int tp_oa_auth(struct tp_oa *o, int op, struct tp_build_route *b);
int tp_oa_authorizer_defs(struct tp_oa *o);

int tp_oa_gateway_responses(struct tp_oa *o, int tok);
int tp_oa_cors(struct tp_oa *o, int tok);

#endif /* TP_OPENAPI_INT_H */
