/*
 * tp_openapi.c: the OpenAPI importer: reads an OpenAPI 3.0 / Swagger 2.0
 * JSON document and adds its routes (paths x operations), authorization,
 * gateway responses, CORS and API settings to an API through the builder
 * (tp_apibuild.h), which validates and compiles them as it does for the
 * config file.  Integrations: tp_openapi_integ.c; security:
 * tp_openapi_auth.c; value helpers: tp_openapi_util.c.  Master only
 * (config load, -t, reload).
 */
#include "tp_openapi_int.h"
#include "tp_conf_policy.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define OA_MAX_FILE (6 * 1024 * 1024)    /* AWS's API definition limit */

/* Every x-amazon-apigateway-* extension API Gateway defines. */
static const char *const oa_known_exts[] = {
    "any-method", "integration", "integrations", "auth", "authorizer",
    "authtype", "api-key-source", "binary-media-types", "cors",
    "documentation", "endpoint-configuration", "gateway-responses",
    "importexport-version", "minimum-compression-size", "policy",
    "request-validators", "request-validator", "tag-value"
};

static const char *const oa_methods[] = {
    "get", "put", "post", "delete", "options", "head", "patch"
};

static bool
oa_is_ext(struct tp_oa *o, int key, const char *name)
{
    struct tp_str r = tp_json_raw(&o->d, key);
    size_t n = sizeof(TP_OA_EXT) - 1;

    return tp_oa_prefix(o, key, TP_OA_EXT) && r.len - n == strlen(name)
           && memcmp(r.p + n, name, r.len - n) == 0;
}

/* Warns about every x-amazon-apigateway-* key API Gateway does not
 * define, wherever it is. */
static void
oa_unknown_exts(struct tp_oa *o)
{
    struct tp_json_tok *t;
    size_t i;
    int k;

    for (k = 1; k < o->d.ntoks; k++) {
        t = &o->d.toks[k];
        if (t->type != TP_JSON_STRING
            || o->d.toks[t->parent].type != TP_JSON_OBJECT
            || !tp_oa_prefix(o, k, TP_OA_EXT))
        {
            continue;
        }
        for (i = 0; i < TP_NELEM(oa_known_exts); i++) {
            if (oa_is_ext(o, k, oa_known_exts[i])) {
                break;
            }
        }
        if (i == TP_NELEM(oa_known_exts)) {
            tp_oa_warn(o, k, "unknown extension %s; ignored",
                tp_oa_name(o, k));
        }
    }
}

/* A known extension in a place where it means nothing. */
static void
oa_misplaced(struct tp_oa *o, int key, const char *where)
{
    tp_oa_warn(o, key, "%s has no meaning in %s; ignored", tp_oa_name(o, key),
        where);
}

/* --- paths and operations --------------------------------------------- */

static bool
oa_param_name(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (!isalnum((unsigned char) s[i]) && strchr("_-.", s[i]) == NULL) {
            return false;
        }
    }
    return n > 0;
}

/* One segment of a path (openapi.md section 7). */
static const char *
oa_segment_error(const char *s, size_t n, bool last)
{
    size_t i;
    bool plus;

    if (n == 0) {
        return "empty segment";
    }
    if (s[0] == '{') {
        plus = n > 2 && s[n - 2] == '+';
        if (s[n - 1] != '}' || !oa_param_name(s + 1, n - 2 - plus)) {
            return "a {parameter} must be a whole segment of letters, "
                   "digits, '_', '-' and '.'";
        }
        return plus && !last ? "a greedy {name+} must be the last segment"
                             : NULL;
    }
    for (i = 0; i < n; i++) {
        if (s[i] == '{' || s[i] == '}') {
            return "a {parameter} must be a whole segment";
        }
        if (!isalnum((unsigned char) s[i]) && strchr("_-.,:", s[i]) == NULL) {
            return "only letters, digits, '_', '-', '.', ',' and ':' are "
                   "allowed";
        }
    }
    return NULL;
}

static int
oa_path_check(struct tp_oa *o, int key, const char *path)
{
    const char *seg, *end, *why = NULL;

    if (path[0] != '/') {
        why = "a path must start with '/'";
    }
    for (seg = path + 1; why == NULL && strcmp(path, "/") != 0;
        seg = end + 1)
    {
        end = strchr(seg, '/');
        if (end == NULL) {
            end = seg + strlen(seg);
        }
        why = oa_segment_error(seg, (size_t) (end - seg), *end == '\0');
        if (*end == '\0') {
            break;
        }
    }
    if (why != NULL) {
        return tp_oa_error(o, key, "invalid path \"%s\": %s", path, why);
    }
    return TP_OK;
}

/* "METHOD /path", or "$default" for an any-method with isDefaultRoute. */
static int
oa_route_key(struct tp_oa *o, const char *method, const char *path, int op,
    struct tp_build_route *b)
{
    int d = tp_json_get(&o->d, op, "isDefaultRoute");
    bool def = false;

    if (d >= 0 && (strcmp(method, "ANY") != 0
            || tp_json_bool(&o->d, d, &def) != TP_OK))
    {
        return tp_oa_error(o, d, "'isDefaultRoute' is a boolean of "
            "x-amazon-apigateway-any-method");
    }
    if (def) {
        b->key = "$default";
    } else if (strcmp(path, "/$default") == 0) {
        return tp_oa_error(o, op, "path \"/$default\" is the $default "
            "route: use x-amazon-apigateway-any-method with "
            "\"isDefaultRoute\": true");
    } else {
        b->key = tp_arena_sprintf(o->c->a, "%s %s", method, path);
    }
    return b->key != NULL ? TP_OK : tp_oa_error(o, op, "out of memory");
}

/* Extensions of an operation other than its integration and auth. */
static void
oa_op_extensions(struct tp_oa *o, int op)
{
    int k;

    for (k = tp_json_child(&o->d, op); k >= 0; k = tp_json_next(&o->d, k)) {
        if (!tp_oa_prefix(o, k, TP_OA_EXT) || oa_is_ext(o, k, "integration")
            || oa_is_ext(o, k, "auth"))
        {
            continue;
        }
        if (oa_is_ext(o, k, "request-validator")) {
            tp_oa_warn(o, k, "not supported yet: request validation "
                "(x-amazon-apigateway-request-validator); ignored");
        } else {
            oa_misplaced(o, k, "an operation");
        }
    }
}

static int
oa_operation(struct tp_oa *o, const char *method, const char *path, int op)
{
    struct tp_build_route b;
    int integ, rc;

    op = tp_oa_object(o, op, "an operation");
    if (op < 0) {
        return TP_ERROR;
    }
    memset(&b, 0, sizeof(b));
    b.src = tp_oa_src(o, op);
    if (oa_route_key(o, method, path, op, &b) != TP_OK) {
        return TP_ERROR;
    }
    oa_op_extensions(o, op);
    integ = tp_json_get(&o->d, op, TP_OA_EXT "integration");
    if (integ < 0) {
        /* AWS rejects the whole import; one unrouted method is kinder. */
        tp_oa_warn(o, op, "operation %s has no "
            "x-amazon-apigateway-integration; not routed", b.key);
        return TP_OK;
    }
    if (tp_oa_security(o, op, &b) != TP_OK || tp_oa_auth(o, op, &b) != TP_OK) {
        return TP_ERROR;
    }
    rc = tp_oa_integration(o, integ, b.key, &b.integ);
    if (rc != TP_OK) {
        return rc == TP_DECLINED ? TP_OK : TP_ERROR;
    }
    if (tp_build_route(o->c, o->api, &b, true) != TP_OK) {
        return tp_oa_builder_failed(o, op);
    }
    return TP_OK;
}

/* A path item member: an operation, or something to skip. */
static int
oa_path_member(struct tp_oa *o, int k, const char *path)
{
    char upper[8];
    size_t i, j;

    for (i = 0; i < TP_NELEM(oa_methods); i++) {
        if (tp_json_streq(&o->d, k, oa_methods[i], strlen(oa_methods[i]))) {
            for (j = 0; oa_methods[i][j] != '\0'; j++) {
                upper[j] = (char) toupper((unsigned char) oa_methods[i][j]);
            }
            upper[j] = '\0';
            return oa_operation(o, upper, path, k + 1);
        }
    }
    if (oa_is_ext(o, k, "any-method")) {
        return oa_operation(o, "ANY", path, k + 1);
    }
    if (tp_json_streq(&o->d, k, "trace", 5)) {
        tp_oa_warn(o, k, "API Gateway has no TRACE methods; ignored");
    } else if (tp_oa_prefix(o, k, TP_OA_EXT)) {
        oa_misplaced(o, k, "a path item");
    }
    return TP_OK;                    /* parameters, summary, servers ... */
}

static int
oa_paths(struct tp_oa *o, int paths)
{
    const char *path;
    int k, item, m;

    if (tp_oa_expect(o, paths, TP_JSON_OBJECT, "'paths'") != TP_OK) {
        return TP_ERROR;
    }
    for (k = tp_json_child(&o->d, paths); k >= 0; k = tp_json_next(&o->d, k))
    {
        path = tp_oa_string(o, k, "a path");
        if (path == NULL || (strcmp(path, "/$default") != 0
                && oa_path_check(o, k, path) != TP_OK))
        {
            return TP_ERROR;
        }
        item = tp_oa_object(o, k + 1, "a path item");
        if (item < 0) {
            return TP_ERROR;
        }
        for (m = tp_json_child(&o->d, item); m >= 0;
            m = tp_json_next(&o->d, m))
        {
            if (oa_path_member(o, m, path) != TP_OK) {
                return TP_ERROR;
            }
        }
    }
    return TP_OK;
}

/* --- root -------------------------------------------------------------- */

/* x-amazon-apigateway-minimum-compression-size; the config's own
 * minimum_compression_size, read after the import, wins. */
static int
oa_min_compress(struct tp_oa *o, int tok)
{
    int64_t v;

    if (tp_json_int(&o->d, tok, &v) != TP_OK || v < 0
        || v > TP_MIN_COMPRESS_MAX)
    {
        return tp_oa_error(o, tok, "x-amazon-apigateway-minimum-compression-"
            "size must be an integer from 0 to %d", TP_MIN_COMPRESS_MAX);
    }
    o->api->min_compress = (int32_t) v;
    return TP_OK;
}

/* endpointConfiguration.types: one of EDGE, REGIONAL, PRIVATE. */
static int
oa_endpoint_types(struct tp_oa *o, int tok)
{
    enum tp_endpoint_type t;
    const char *s;

    if (tp_oa_expect(o, tok, TP_JSON_ARRAY, "'types'") != TP_OK) {
        return TP_ERROR;
    }
    if (o->d.toks[tok].size != 1) {
        return tp_oa_error(o, tok, "'types' must hold one endpoint type "
            "(EDGE, REGIONAL or PRIVATE)");
    }
    s = tp_oa_string(o, tok + 1, "an endpoint type");
    if (s == NULL) {
        return TP_ERROR;
    }
    if (tp_conf_endpoint_parse(s, &t) != TP_OK) {
        return tp_oa_error(o, tok + 1, "unknown endpoint type \"%s\" "
            "(EDGE, REGIONAL or PRIVATE)", s);
    }
    o->api->endpoint_type = (uint8_t) t;
    return TP_OK;
}

static int
oa_endpoint(struct tp_oa *o, int tok)
{
    const char *why;
    int k;
    bool off;

    tok = tp_oa_object(o, tok, "x-amazon-apigateway-endpoint-configuration");
    if (tok < 0) {
        return TP_ERROR;
    }
    for (k = tp_json_child(&o->d, tok); k >= 0; k = tp_json_next(&o->d, k)) {
        if (tp_json_streq(&o->d, k, "disableExecuteApiEndpoint", 25)) {
            if (tp_json_bool(&o->d, k + 1, &off) != TP_OK) {
                return tp_oa_expect(o, k + 1, TP_JSON_TRUE,
                    "'disableExecuteApiEndpoint'");
            }
            /* Only switches off: the config file may have done it too. */
            o->api->disable_execute_api |= off;
        } else if (tp_json_streq(&o->d, k, "types", 5)) {
            if (oa_endpoint_types(o, k + 1) != TP_OK) {
                return TP_ERROR;
            }
        } else if (tp_json_streq(&o->d, k, "vpcEndpointIds", 14)) {
            /* VPC endpoints come with PRIVATE APIs; which private
             * listeners reach the API is its resource policy's business
             * (aws:SourceVpce). */
            if (tp_oa_expect(o, k + 1, TP_JSON_ARRAY, "'vpcEndpointIds'")
                != TP_OK)
            {
                return TP_ERROR;
            }
            if (tp_json_get(&o->d, tok, "types") < 0) {
                o->api->endpoint_type = TP_ENDPOINT_PRIVATE;
            }
        }
    }
    if ((why = tp_conf_access_problem(o->api, false,
            (enum tp_endpoint_type) o->api->endpoint_type)) != NULL)
    {
        return tp_oa_error(o, tok, "%s", why);
    }
    return TP_OK;
}

/* OpenAPI 3: servers[].x-amazon-apigateway-endpoint-configuration. */
static int
oa_servers(struct tp_oa *o, int tok)
{
    int s, e, obj;

    if (tp_oa_expect(o, tok, TP_JSON_ARRAY, "'servers'") != TP_OK) {
        return TP_ERROR;
    }
    for (s = tp_json_child(&o->d, tok); s >= 0; s = tp_json_next(&o->d, s)) {
        obj = tp_oa_object(o, s, "a server");
        if (obj < 0) {
            return TP_ERROR;
        }
        e = tp_json_get(&o->d, obj, TP_OA_EXT "endpoint-configuration");
        if (e >= 0 && oa_endpoint(o, e) != TP_OK) {
            return TP_ERROR;
        }
    }
    return TP_OK;
}

static int
oa_key_source(struct tp_oa *o, int tok)
{
    const char *s = tp_oa_string(o, tok, "x-amazon-apigateway-api-key-source");

    if (s == NULL) {
        return TP_ERROR;
    }
    if (strcasecmp(s, "HEADER") != 0 && strcasecmp(s, "AUTHORIZER") != 0) {
        return tp_oa_error(o, tok, "x-amazon-apigateway-api-key-source must "
            "be HEADER or AUTHORIZER, not \"%s\"", s);
    }
    if (o->api->api_key_source == NULL) {    /* the config file's wins */
        o->api->api_key_source = strcasecmp(s, "HEADER") == 0 ? "HEADER"
                                                            : "AUTHORIZER";
    }
    return TP_OK;
}

/* x-amazon-apigateway-policy: the resource policy as an object (or, as
 * AWS's exports sometimes write it, its JSON text in a string); the
 * config file's policy, read after the import, replaces it. */
static int
oa_policy(struct tp_oa *o, int k)
{
    const char *why = tp_conf_access_problem(o->api, true,
        TP_ENDPOINT_REGIONAL);
    struct tp_str text;
    char err[512];
    int v = k + 1;

    if (why != NULL) {
        tp_oa_warn(o, k, "x-amazon-apigateway-policy ignored: %s", why);
        return TP_OK;
    }
    if (tp_json_type(&o->d, v) == TP_JSON_STRING) {
        text.p = tp_json_str(&o->d, v, &o->tmp, &text.len);
    } else if (tp_oa_expect(o, v, TP_JSON_OBJECT,
                   "x-amazon-apigateway-policy") == TP_OK)
    {
        text = tp_json_raw(&o->d, v);
    } else {
        return TP_ERROR;
    }
    if (text.p == NULL) {
        return tp_oa_error(o, v, "out of memory");
    }
    if (tp_conf_policy_compile(o->c, o->api, text.p, text.len, err,
            sizeof(err)) != TP_OK)
    {
        return tp_oa_error(o, v, "x-amazon-apigateway-policy: %s", err);
    }
    return TP_OK;
}

/* A root x-amazon-apigateway-* extension. */
static int
oa_root_ext(struct tp_oa *o, int k)
{
    int v = k + 1;

    if (oa_is_ext(o, k, "gateway-responses")) {
        return tp_oa_gateway_responses(o, v);
    }
    if (oa_is_ext(o, k, "cors")) {
        return tp_oa_cors(o, v);
    }
    if (oa_is_ext(o, k, "binary-media-types")) {
        return tp_oa_strings(o, v, "x-amazon-apigateway-binary-media-types",
            &o->api->binary_types, &o->api->nbinary_types);
    }
    if (oa_is_ext(o, k, "api-key-source")) {
        return oa_key_source(o, v);
    }
    if (oa_is_ext(o, k, "endpoint-configuration")) {
        return oa_endpoint(o, v);
    }
    if (oa_is_ext(o, k, "policy")) {
        return oa_policy(o, k);
    }
    if (oa_is_ext(o, k, "request-validators")
        || oa_is_ext(o, k, "request-validator"))
    {
        tp_oa_warn(o, k, "not supported yet: request validation (%s); "
            "ignored", tp_oa_name(o, k));
    } else if (oa_is_ext(o, k, "minimum-compression-size")) {
        return oa_min_compress(o, v);
    } else if (!oa_is_ext(o, k, "documentation")
        && !oa_is_ext(o, k, "importexport-version"))
    {
        oa_misplaced(o, k, "the document root");
    }
    return TP_OK;
}

static int
oa_root_member(struct tp_oa *o, int k)
{
    struct tp_str base;
    int v = k + 1;

    if (tp_oa_prefix(o, k, TP_OA_EXT)) {
        return oa_root_ext(o, k);
    }
    if (tp_json_streq(&o->d, k, "paths", 5)) {
        return oa_paths(o, v);
    }
    if (o->v3 && tp_json_streq(&o->d, k, "servers", 7)) {
        return oa_servers(o, v);
    }
    if (!o->v3 && tp_json_streq(&o->d, k, "basePath", 8)) {
        base = tp_json_raw(&o->d, v);
        if (tp_oa_expect(o, v, TP_JSON_STRING, "'basePath'") != TP_OK) {
            return TP_ERROR;
        }
        if (base.len != 1 || base.p[0] != '/') {
            tp_oa_warn(o, v, "basePath \"%.*s\" is not part of the routes "
                "(API Gateway's default basepath=ignore); map a base path "
                "on a domain instead", (int) base.len, base.p);
        }
    }
    return TP_OK;                    /* info, tags, definitions ... */
}

static int
oa_version(struct tp_oa *o)
{
    int v3 = tp_json_get(&o->d, 0, "openapi");
    int v2 = tp_json_get(&o->d, 0, "swagger");
    const char *s;

    if (v3 < 0 && v2 < 0) {
        return tp_oa_error(o, 0, "not an OpenAPI document: no \"openapi\" "
            "(3.0) or \"swagger\" (2.0) field");
    }
    o->v3 = v3 >= 0;
    s = tp_oa_string(o, o->v3 ? v3 : v2, o->v3 ? "'openapi'" : "'swagger'");
    if (s == NULL) {
        return TP_ERROR;
    }
    if (o->v3 && (strncmp(s, "3.0", 3) != 0 || (s[3] != '\0'
            && s[3] != '.')))
    {
        return tp_oa_error(o, v3, "unsupported OpenAPI version \"%s\" "
            "(3.0.x, or Swagger 2.0)", s);
    }
    if (!o->v3 && strcmp(s, "2.0") != 0) {
        return tp_oa_error(o, v2, "unsupported Swagger version \"%s\" (2.0, "
            "or OpenAPI 3.0.x)", s);
    }
    if (!o->v3 && o->api->type == TP_API_HTTP) {
        return tp_oa_error(o, v2, "HTTP APIs import OpenAPI 3.0 documents "
            "only, not Swagger 2.0");
    }
    return TP_OK;
}

static int
oa_document(struct tp_oa *o)
{
    int k, comp, t;

    if (tp_oa_expect(o, 0, TP_JSON_OBJECT, "an OpenAPI document") != TP_OK
        || oa_version(o) != TP_OK)
    {
        return TP_ERROR;
    }
    comp = tp_json_get(&o->d, 0, "components");
    o->schemes = o->v3 ? tp_json_get(&o->d, comp, "securitySchemes")
                       : tp_json_get(&o->d, 0, "securityDefinitions");
    if (o->schemes >= 0 && tp_oa_expect(o, o->schemes, TP_JSON_OBJECT,
            o->v3 ? "'securitySchemes'" : "'securityDefinitions'") != TP_OK)
    {
        return TP_ERROR;
    }
    o->root_security = tp_json_get(&o->d, 0, "security");
    t = tp_json_get(&o->d, tp_json_get(&o->d, 0, "info"), "title");
    if (o->api->name == NULL && tp_json_type(&o->d, t) == TP_JSON_STRING) {
        o->api->name = tp_oa_string(o, t, "'title'");
    }
    oa_unknown_exts(o);
    for (k = tp_json_child(&o->d, 0); k >= 0; k = tp_json_next(&o->d, k)) {
        if (oa_root_member(o, k) != TP_OK) {
            return TP_ERROR;
        }
    }
    return tp_oa_authorizer_defs(o);
}

/* A file that failed as JSON and looks like YAML gets a clearer error. */
static bool
oa_looks_yaml(const char *name, const char *buf, size_t len)
{
    size_t n = strlen(name), i = 0;

    if ((n > 5 && strcasecmp(name + n - 5, ".yaml") == 0)
        || (n > 4 && strcasecmp(name + n - 4, ".yml") == 0))
    {
        return true;
    }
    while (i < len && isspace((unsigned char) buf[i])) {
        i++;
    }
    return i < len && (isalpha((unsigned char) buf[i]) || buf[i] == '-'
                       || buf[i] == '%' || buf[i] == '#');
}

static int
oa_parse(struct tp_oa *o, const char *buf, size_t len)
{
    struct tp_src src = { o->file, 1 };
    char err[256];
    int line, col, n = 0;

    if (tp_json_parse(&o->d, &o->tmp, buf, len, err, sizeof(err)) == TP_OK) {
        return TP_OK;
    }
    if (oa_looks_yaml(o->file, buf, len)) {
        return tp_conf_error_at(o->c, src, "YAML OpenAPI files are not "
            "supported yet: convert to JSON");
    }
    if (sscanf(err, "%d:%d: %n", &line, &col, &n) == 2 && n > 0) {
        /* "FILE:LINE:COLUMN:" like a compiler: the column joins the
         * file part of the prefix. */
        src.file = tp_arena_sprintf(o->c->a, "%s:%d", o->file, line);
        src.line = col;
        if (src.file == NULL) {
            src.file = o->file;
        }
        return tp_conf_error_at(o->c, src, "invalid JSON: %s", err + n);
    }
    return tp_conf_error_at(o->c, src, "invalid JSON: %s", err);
}

int
tp_openapi_import_buffer(struct tp_conf_ctx *c, struct tp_api *api,
    const char *name, const char *buf, size_t len)
{
    struct tp_oa o;
    int rc;

    memset(&o, 0, sizeof(o));
    o.c = c;
    o.api = api;
    o.file = tp_arena_strdup(c->a, name);
    o.schemes = -1;
    o.root_security = -1;
    if (o.file == NULL) {
        return tp_conf_error(c, NULL, "out of memory");
    }
    tp_arena_init(&o.tmp, 64 * 1024);
    rc = oa_parse(&o, buf, len);
    if (rc == TP_OK) {
        rc = oa_document(&o);
    }
    tp_arena_free(&o.tmp);
    return rc;
}

static int
oa_file_error(struct tp_conf_ctx *c, struct tp_api *api, const char *path,
    const char *why)
{
    if (api->src.file == NULL) {
        return tp_conf_error(c, NULL, "cannot read OpenAPI file \"%s\": %s",
            path, why);
    }
    return tp_conf_error_at(c, api->src, "cannot read OpenAPI file \"%s\": "
        "%s", path, why);
}

int
tp_openapi_import(struct tp_conf_ctx *c, struct tp_api *api,
    const char *path)
{
    struct stat st;
    char *buf, why[64];
    ssize_t got;
    size_t len = 0;
    int fd, rc;

    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || fstat(fd, &st) != 0) {
        rc = oa_file_error(c, api, path, strerror(errno));
        if (fd >= 0) {
            close(fd);
        }
        return rc;
    }
    if (!S_ISREG(st.st_mode) || st.st_size > OA_MAX_FILE) {
        close(fd);
        snprintf(why, sizeof(why), S_ISREG(st.st_mode) ? "larger than "
            "6 MiB (AWS's limit for API definitions)" : "not a file");
        return oa_file_error(c, api, path, why);
    }
    buf = malloc((size_t) st.st_size + 1);
    if (buf == NULL) {
        close(fd);
        return oa_file_error(c, api, path, "out of memory");
    }
    while (len < (size_t) st.st_size
        && (got = read(fd, buf + len, (size_t) st.st_size - len)) != 0)
    {
        if (got < 0 && errno != EINTR) {
            rc = oa_file_error(c, api, path, strerror(errno));
            close(fd);
            free(buf);
            return rc;
        }
        len += got > 0 ? (size_t) got : 0;
    }
    close(fd);
    rc = tp_openapi_import_buffer(c, api, path, buf, len);
    free(buf);
    return rc;
}
