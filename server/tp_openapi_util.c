/*
 * tp_openapi_util.c: the OpenAPI importer's messages (file, line, JSON
 * pointer) and typed reads of document values ($ref resolution, strings
 * with ${AWS::*} variables, string lists and maps).  Master only.
 */
#include "tp_openapi_int.h"
#include "tp_log.h"

#include <stdarg.h>
#include <stdio.h>
#include <strings.h>

#define OA_MAX_REFS 32               /* a longer $ref chain is a loop */

struct tp_src
tp_oa_src(struct tp_oa *o, int tok)
{
    struct tp_src src = { o->file, tp_json_line(&o->d, tok) };

    if (src.line <= 0) {
        src.line = 1;
    }
    return src;
}

static const char *
oa_pointer(struct tp_oa *o, int tok)
{
    const char *p = tp_json_pointer(&o->d, tok, &o->tmp);

    return p == NULL ? "?" : p[0] == '\0' ? "/" : p;
}

int
tp_oa_error(struct tp_oa *o, int tok, const char *fmt, ...)
{
    char msg[768];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return tp_conf_error_at(o->c, tp_oa_src(o, tok), "%s (at %s)", msg,
        oa_pointer(o, tok));
}

void
tp_oa_warn(struct tp_oa *o, int tok, const char *fmt, ...)
{
    struct tp_src src;
    char msg[768];
    va_list ap;

    if (tp_log_level < TP_LOG_WARN) {
        return;                      /* no work for silenced warnings */
    }
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    src = tp_oa_src(o, tok);
    tp_conf_warn(o->c, NULL, "%s:%d: %s (at %s)", src.file, src.line, msg,
        oa_pointer(o, tok));
}

int
tp_oa_builder_failed(struct tp_oa *o, int tok)
{
    size_t n = strlen(o->c->err);

    if (n > 0 && n < o->c->errlen && strstr(o->c->err, " (at /") == NULL) {
        snprintf(o->c->err + n, o->c->errlen - n, " (at %s)",
            oa_pointer(o, tok));
    }
    return TP_ERROR;
}

const char *
tp_oa_key(struct tp_oa *o, int key)
{
    const char *s = tp_json_str(&o->d, key, o->c->a, NULL);

    return s != NULL ? s : "";
}

const char *
tp_oa_name(struct tp_oa *o, int key)
{
    const char *s = tp_json_str(&o->d, key, &o->tmp, NULL);

    return s != NULL ? s : "";
}

bool
tp_oa_prefix(struct tp_oa *o, int tok, const char *prefix)
{
    struct tp_str r = tp_json_raw(&o->d, tok);
    size_t n = strlen(prefix);

    /* Extension names never need unescaping to match. */
    return tp_json_type(&o->d, tok) == TP_JSON_STRING && r.len >= n
           && memcmp(r.p, prefix, n) == 0;
}

bool
tp_oa_caseeq(struct tp_oa *o, int tok, const char *s)
{
    struct tp_str r = tp_json_raw(&o->d, tok);

    return tp_json_type(&o->d, tok) == TP_JSON_STRING
           && tp_str_caseeq(r, s);
}

int
tp_oa_expect(struct tp_oa *o, int tok, int type, const char *what)
{
    int t = tp_json_type(&o->d, tok);

    if (t == type || (type == TP_JSON_TRUE && t == TP_JSON_FALSE)) {
        return TP_OK;
    }
    return tp_oa_error(o, tok, "%s must be %s, not %s", what,
        tp_json_type_name(type), tp_json_type_name(t));
}

/* The target of a local "$ref" string token, or -1 after an error. */
static int
oa_ref(struct tp_oa *o, int ref)
{
    const char *s;
    int t;

    if (tp_oa_expect(o, ref, TP_JSON_STRING, "'$ref'") != TP_OK) {
        return -1;
    }
    s = tp_json_str(&o->d, ref, &o->tmp, NULL);
    if (s == NULL) {
        return tp_oa_error(o, ref, "out of memory");
    }
    if (s[0] != '#') {
        return tp_oa_error(o, ref, "external $ref \"%s\" is not supported "
            "(only \"#/...\" within the document)", s);
    }
    t = tp_json_pointer_get(&o->d, s);
    if (t < 0) {
        return tp_oa_error(o, ref, "$ref \"%s\" names nothing in the "
            "document", s);
    }
    return t;
}

int
tp_oa_object(struct tp_oa *o, int tok, const char *what)
{
    int ref, hops;

    for (hops = 0; tp_json_type(&o->d, tok) == TP_JSON_OBJECT; hops++) {
        ref = tp_json_get(&o->d, tok, "$ref");
        if (ref < 0) {
            return tok;
        }
        if (hops == OA_MAX_REFS) {
            return tp_oa_error(o, ref, "$ref loop");
        }
        tok = oa_ref(o, ref);
        if (tok < 0) {
            return -1;
        }
    }
    return tp_oa_expect(o, tok, TP_JSON_OBJECT, what) == TP_OK ? tok : -1;
}

const char *
tp_oa_string(struct tp_oa *o, int tok, const char *what)
{
    char *s;
    size_t n;

    if (tp_oa_expect(o, tok, TP_JSON_STRING, what) != TP_OK) {
        return NULL;
    }
    s = tp_json_str(&o->d, tok, o->c->a, &n);
    if (s == NULL) {
        tp_oa_error(o, tok, "out of memory");
        return NULL;
    }
    if (strlen(s) != n) {
        tp_oa_error(o, tok, "%s contains a NUL character (\\u0000)", what);
        return NULL;
    }
    if (strstr(s, "${AWS::") != NULL) {
        s = tp_conf_aws_vars(o->c, s, n, &n);
        if (s == NULL) {
            tp_oa_error(o, tok, "out of memory");
        }
    }
    return s;
}

const char *
tp_oa_status(struct tp_oa *o, int tok, const char *what)
{
    struct tp_str r;

    if (tp_json_type(&o->d, tok) == TP_JSON_NUMBER) {
        r = tp_json_raw(&o->d, tok);
        return tp_arena_strndup(o->c->a, r.p, r.len);
    }
    if (tp_json_type(&o->d, tok) != TP_JSON_STRING) {
        tp_oa_error(o, tok, "%s must be a string or a number, not %s",
            what, tp_json_type_name(tp_json_type(&o->d, tok)));
        return NULL;
    }
    return tp_oa_string(o, tok, what);
}

int
tp_oa_strings(struct tp_oa *o, int tok, const char *what,
    const char ***out, unsigned *n)
{
    int e;

    *n = 0;
    if (tp_oa_expect(o, tok, TP_JSON_ARRAY, what) != TP_OK) {
        return TP_ERROR;
    }
    *out = tp_arena_calloc(o->c->a, sizeof(**out)
        * ((size_t) o->d.toks[tok].size + 1));
    if (*out == NULL) {
        return tp_oa_error(o, tok, "out of memory");
    }
    for (e = tp_json_child(&o->d, tok); e >= 0; e = tp_json_next(&o->d, e)) {
        (*out)[*n] = tp_oa_string(o, e, what);
        if ((*out)[*n] == NULL) {
            return TP_ERROR;
        }
        (*n)++;
    }
    return TP_OK;
}

/* Compiles one pair as a mapping into the scratch arena: errors point at
 * the value in the document. */
static int
oa_try_mapping(struct tp_oa *o, int key, int dialect, const struct tp_pair *p)
{
    struct tp_mapping m;
    char err[512];

    if (tp_mapping_compile(&o->tmp, (enum tp_map_dialect) dialect, p->key,
            p->value, &m, err, sizeof(err)) != TP_OK)
    {
        return tp_oa_error(o, key, "%s", err);
    }
    return TP_OK;
}

int
tp_oa_pairs(struct tp_oa *o, int tok, const char *what, int dialect,
    struct tp_pair **out, unsigned *n)
{
    struct tp_pair *p;
    int k;

    *n = 0;
    tok = tp_oa_object(o, tok, what);
    if (tok < 0) {
        return TP_ERROR;
    }
    *out = tp_arena_calloc(o->c->a, sizeof(**out)
        * ((size_t) o->d.toks[tok].size + 1));
    if (*out == NULL) {
        return tp_oa_error(o, tok, "out of memory");
    }
    for (k = tp_json_child(&o->d, tok); k >= 0; k = tp_json_next(&o->d, k)) {
        p = &(*out)[*n];
        p->key = tp_oa_key(o, k);
        p->value = tp_oa_string(o, k + 1, what);
        p->src = tp_oa_src(o, k);
        if (p->value == NULL
            || (dialect >= 0 && oa_try_mapping(o, k + 1, dialect, p)
                != TP_OK))
        {
            return TP_ERROR;
        }
        (*n)++;
    }
    return TP_OK;
}
