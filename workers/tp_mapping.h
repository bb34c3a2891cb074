/*
 * tp_mapping.h: evaluating compiled mapping expressions (struct tp_expr)
 * against a request and, for response mappings, the integration response.
 * Workers only.
 */
#ifndef TP_MAPPING_H
#define TP_MAPPING_H

#include "tp_request.h"

struct tp_json;

/* What a response-side expression can read. */
struct tp_resp_view {
    const char *buf;                 /* the head's bytes */
    const struct tp_http_msg *msg;   /* NULL: no integration response */
    struct tp_str body;              /* buffered body, or empty */
    struct tp_json *json;            /* <body> parsed on first use */
};

/*
 * The value at JSONPath <path> of the JSON document <body> (parsed into
 * *<cache> on first use): strings unescaped, other values as JSON text.
 * TP_DECLINED when the body is not JSON or has no such value.
 */
int tp_body_json_path(struct tp_str body, struct tp_json **cache,
    const char *path, size_t len, struct tp_arena *a, struct tp_str *out);

/*
 * Evaluates <e>.  TP_OK with *out (allocated from the request arena when
 * it had to be built); TP_DECLINED when a single-source expression has no
 * value (a missing header or parameter): the mapping is then skipped.
 */
int tp_expr_eval(const struct tp_expr *e, struct tp_request *r,
    const struct tp_resp_view *resp, struct tp_str *out);

/* The first value of query parameter <name> in <query> (raw, encoded);
 * it lies inside <query>, at the field's end when it has no '='. */
bool tp_query_get(struct tp_str query, const char *name, size_t len,
    struct tp_str *out);

/* Request header <name>: the first value, or all joined by ",". */
bool tp_req_header_get(const struct tp_request *r, const char *name,
    bool all, struct tp_str *out);

#endif /* TP_MAPPING_H */
