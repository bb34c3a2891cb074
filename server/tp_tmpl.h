/*
 * tp_tmpl.h: mapping templates, the pluggable step.  Compiled by the master
 * (config and OpenAPI import), rendered by workers through a resolver that
 * supplies variable values.
 *
 * This engine handles references: $context.x, $stageVariables.x (and
 * ['x']), $input.body, $input.json('$.p'), $input.path('$.p'),
 * $input.params('x'), $input.params().{path|querystring|header}.get('x'),
 * each also as ${...} and the quiet $!{...} form.  VTL directives (#set,
 * #if, #foreach ...) and $util are the VTL engine's (a later issue): a
 * template using them compiles to "unsupported" with a message naming the
 * feature.
 */
#ifndef TP_TMPL_H
#define TP_TMPL_H

#include "tp_core.h"
#include "tp_arena.h"
#include "tp_model.h"

enum tp_tmpl_var {
    TP_TV_CONTEXT = 0,               /* name: "requestId", "error.message" */
    TP_TV_STAGEVAR,
    TP_TV_INPUT_BODY,
    TP_TV_INPUT_JSON,                /* name: JSONPath; value is JSON text */
    TP_TV_INPUT_PATH,                /* name: JSONPath; value as a string */
    TP_TV_INPUT_PARAM,               /* path, then query, then header */
    TP_TV_INPUT_PARAM_PATH,
    TP_TV_INPUT_PARAM_QUERY,
    TP_TV_INPUT_PARAM_HEADER
};

/*
 * Supplies one variable.  Returns TP_OK with *out set, or TP_DECLINED when
 * the value is null (the reference then renders as written, or empty for a
 * quiet $!{...} reference).
 */
typedef int (*tp_tmpl_var_fn)(void *ctx, enum tp_tmpl_var kind,
    const char *name, size_t len, struct tp_arena *a, struct tp_str *out);

/*
 * Compiles t->text into t->compiled.  TP_OK; TP_DECLINED when the template
 * needs the VTL engine (t->compiled stays NULL, <err> says which feature);
 * TP_ERROR on out-of-memory.
 */
int tp_tmpl_compile(struct tp_arena *a, struct tp_template *t, char *err,
    size_t errlen);

/* Renders a compiled template.  TP_ERROR: not compiled or out of memory. */
int tp_tmpl_render(const struct tp_template *t, tp_tmpl_var_fn var,
    void *ctx, struct tp_arena *a, struct tp_str *out);

/* Picks the template for <content_type> (MIME type only), or NULL. */
const struct tp_template *tp_tmpl_select(const struct tp_template *ts,
    unsigned n, const char *content_type, size_t len);

#endif /* TP_TMPL_H */
