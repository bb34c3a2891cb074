/*
 * tp_expr.c: parameter-mapping expressions, REST and HTTP API dialects
 * (../shared/reference/rest-api.md section 4, http-api.md section 4).
 * Pure compile step; master only.
 */
#include "tp_expr.h"

#include <stdio.h>
#include <strings.h>

struct expr_source {
    const char *prefix;
    uint8_t kind;
    bool needs_name;                 /* prefix ends in '.' and a name follows */
};

/* REST request-side sources (integration request, gateway responses). */
static const struct expr_source rest_request_sources[] = {
    { "method.request.path.", TP_EX_REQ_PATH, true },
    { "method.request.querystring.", TP_EX_REQ_QUERY, true },
    { "method.request.multivaluequerystring.", TP_EX_REQ_MULTI_QUERY, true },
    { "method.request.header.", TP_EX_REQ_HEADER, true },
    { "method.request.multivalueheader.", TP_EX_REQ_MULTI_HEADER, true },
    { "method.request.body.", TP_EX_REQ_BODY, true },
    { "method.request.body", TP_EX_REQ_BODY, false },
    { "context.", TP_EX_CONTEXT, true },
    { "stageVariables.", TP_EX_STAGEVAR, true },
};

static const struct expr_source rest_response_sources[] = {
    { "integration.response.header.", TP_EX_RESP_HEADER, true },
    { "integration.response.multivalueheader.", TP_EX_RESP_MULTI_HEADER,
        true },
    { "integration.response.body.", TP_EX_RESP_BODY, true },
    { "integration.response.body", TP_EX_RESP_BODY, false },
    { "context.", TP_EX_CONTEXT, true },
    { "stageVariables.", TP_EX_STAGEVAR, true },
};

static const struct expr_source http_request_sources[] = {
    { "request.header.", TP_EX_REQ_MULTI_HEADER, true },  /* comma-joined */
    { "request.querystring.", TP_EX_REQ_MULTI_QUERY, true },
    { "request.body.", TP_EX_REQ_BODY, true },
    { "request.body", TP_EX_REQ_BODY, false },
    { "request.path.", TP_EX_REQ_PATH, true },
    { "request.path", TP_EX_REQ_PATH_WHOLE, false },
    { "context.", TP_EX_CONTEXT, true },
    { "stageVariables.", TP_EX_STAGEVAR, true },
};

static const struct expr_source http_response_sources[] = {
    { "response.header.", TP_EX_RESP_MULTI_HEADER, true },
    { "response.body.", TP_EX_RESP_BODY, true },
    { "response.body", TP_EX_RESP_BODY, false },
    { "context.", TP_EX_CONTEXT, true },
    { "stageVariables.", TP_EX_STAGEVAR, true },
};

static int
expr_err(char *err, size_t errlen, const char *fmt, const char *arg)
{
    snprintf(err, errlen, fmt, arg);
    return TP_ERROR;
}

/* Names of parameters, headers and variables: ^[a-zA-Z0-9._$-]+$ (AWS),
 * plus what JSONPath needs ('[', ']', '*', '\'') for body paths. */
static bool
expr_name_ok(const char *p, size_t n, bool jsonpath)
{
    size_t i;

    if (n == 0) {
        return false;
    }
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char) p[i];

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '$'
                || c == '-' || (jsonpath && (c == '[' || c == ']'
                    || c == '*' || c == '\''))))
        {
            return false;
        }
    }
    return true;
}

static const struct expr_source *
expr_lookup(const struct expr_source *tab, size_t n, const char *v,
    size_t len, size_t *plen)
{
    size_t i, k;

    for (i = 0; i < n; i++) {
        k = strlen(tab[i].prefix);
        if (tab[i].needs_name ? (len > k && memcmp(v, tab[i].prefix, k) == 0)
                              : (len == k && memcmp(v, tab[i].prefix, k) == 0))
        {
            *plen = k;
            return &tab[i];
        }
    }
    return NULL;
}

static int
expr_one(struct tp_arena *a, struct tp_expr *out, uint8_t kind,
    const char *name, size_t len)
{
    struct tp_expr_part *p = tp_arena_alloc(a, sizeof(*p));

    if (p == NULL) {
        return TP_ERROR;
    }
    p->kind = kind;
    p->name = tp_arena_strndup(a, name, len);
    p->len = (uint32_t) len;
    out->parts = p;
    out->nparts = 1;
    return p->name != NULL ? TP_OK : TP_ERROR;
}

int
tp_expr_rest(struct tp_arena *a, enum tp_map_dialect dialect,
    const char *value, struct tp_expr *out, char *err, size_t errlen)
{
    const struct expr_source *src;
    size_t len = strlen(value), plen;
    bool resp = dialect == TP_MAP_REST_RESPONSE;

    if (len >= 2 && value[0] == '\'' && value[len - 1] == '\'') {
        return expr_one(a, out, TP_EX_STATIC, value + 1, len - 2);
    }
    src = resp ? expr_lookup(rest_response_sources,
                     TP_NELEM(rest_response_sources), value, len, &plen)
               : expr_lookup(rest_request_sources,
                     TP_NELEM(rest_request_sources), value, len, &plen);
    if (src == NULL) {
        return expr_err(err, errlen, resp
            ? "invalid mapping source \"%s\" (expected "
              "integration.response.header.NAME, integration.response.body"
              "[.PATH], context.VAR, stageVariables.NAME or 'static')"
            : "invalid mapping source \"%s\" (expected method.request."
              "{path|querystring|header}.NAME, method.request.body[.PATH], "
              "context.VAR, stageVariables.NAME or 'static')", value);
    }
    if (dialect == TP_MAP_GW_RESPONSE && src->kind == TP_EX_REQ_BODY) {
        return expr_err(err, errlen, "gateway responses cannot map the "
            "request body (\"%s\")", value);
    }
    if (src->needs_name && !expr_name_ok(value + plen, len - plen,
            src->kind == TP_EX_REQ_BODY || src->kind == TP_EX_RESP_BODY))
    {
        return expr_err(err, errlen, "invalid name in mapping source \"%s\"",
            value);
    }
    return expr_one(a, out, src->kind, value + plen, len - plen);
}

/* Appends a part to a growing expression (bounded by the value length). */
static struct tp_expr_part *
expr_push(struct tp_expr *out, size_t cap)
{
    return out->nparts < cap ? &out->parts[out->nparts++] : NULL;
}

int
tp_expr_http(struct tp_arena *a, bool response, const char *value,
    struct tp_expr *out, char *err, size_t errlen)
{
    const struct expr_source *tab = response ? http_response_sources
                                             : http_request_sources;
    size_t ntab = response ? TP_NELEM(http_response_sources)
                           : TP_NELEM(http_request_sources);
    size_t len = strlen(value), cap = len + 1, i = 0, start, end, plen;
    const struct expr_source *src;
    struct tp_expr_part *p;
    bool braces;

    out->nparts = 0;
    out->parts = tp_arena_alloc(a, sizeof(*out->parts) * cap);
    if (out->parts == NULL) {
        return expr_err(err, errlen, "out of memory%s", "");
    }
    while (i < len) {
        start = i;
        while (i < len && value[i] != '$') {
            i++;
        }
        if (i > start) {
            p = expr_push(out, cap);
            *p = (struct tp_expr_part) { TP_EX_STATIC, (uint32_t) (i - start),
                tp_arena_strndup(a, value + start, i - start) };
        }
        if (i == len) {
            break;
        }
        braces = value[i + 1] == '{';
        start = i + (braces ? 2 : 1);
        if (braces) {
            const char *close = strchr(value + start, '}');

            if (close == NULL) {
                return expr_err(err, errlen, "unterminated ${...} in \"%s\"",
                    value);
            }
            end = (size_t) (close - value);
        } else {
            end = start;
            while (end < len && value[end] != '$' && value[end] != ' '
                && value[end] != ',' && value[end] != ';')
            {
                end++;
            }
        }
        src = expr_lookup(tab, ntab, value + start, end - start, &plen);
        if (src == NULL) {
            return expr_err(err, errlen, response
                ? "invalid mapping value \"%s\" (expected $response.header.X, "
                  "$response.body.X, $context.X, $stageVariables.X or text)"
                : "invalid mapping value \"%s\" (expected $request.header.X, "
                  "$request.querystring.X, $request.body.X, $request.path"
                  "[.X], $context.X, $stageVariables.X or text)", value);
        }
        p = expr_push(out, cap);
        *p = (struct tp_expr_part) { src->kind,
            (uint32_t) (end - start - plen),
            tp_arena_strndup(a, value + start + plen, end - start - plen) };
        i = braces ? end + 1 : end;
    }
    return TP_OK;
}

/* REST targets: "<prefix>{path|querystring|header}.<name>". */
static int
mapping_rest_target(const char *key, const char *prefix, bool header_only,
    struct tp_mapping *m, char *err, size_t errlen)
{
    static const struct { const char *loc; uint8_t target; } locs[] = {
        { "header.", TP_MT_HEADER }, { "querystring.", TP_MT_QUERY },
        { "path.", TP_MT_PATH },
    };
    size_t k = strlen(prefix), i, l;
    const char *rest;

    if (strncmp(key, prefix, k) != 0) {
        snprintf(err, errlen, "invalid mapping target \"%s\" (expected %s"
            "%s.NAME)", key, prefix, header_only ? "header"
                                                 : "{path|querystring|header}");
        return TP_ERROR;
    }
    rest = key + k;
    for (i = 0; i < TP_NELEM(locs); i++) {
        l = strlen(locs[i].loc);
        if (strncmp(rest, locs[i].loc, l) == 0
            && (!header_only || locs[i].target == TP_MT_HEADER))
        {
            if (!expr_name_ok(rest + l, strlen(rest + l), false)) {
                return expr_err(err, errlen, "invalid name in mapping "
                    "target \"%s\"", key);
            }
            m->target = locs[i].target;
            m->name = rest + l;
            m->action = TP_MA_SET;
            return TP_OK;
        }
    }
    snprintf(err, errlen, "invalid mapping target \"%s\" (expected %s%s.NAME)",
        key, prefix, header_only ? "header" : "{path|querystring|header}");
    return TP_ERROR;
}

/* HTTP API keys: "{append|overwrite|remove}:{header|querystring}.<name>",
 * "overwrite:path", "overwrite:statuscode" (responses). */
static int
mapping_http_key(const char *key, bool response, struct tp_mapping *m,
    char *err, size_t errlen)
{
    const char *colon = strchr(key, ':'), *loc;
    size_t alen;

    if (colon == NULL) {
        return expr_err(err, errlen, "invalid mapping key \"%s\" (expected "
            "append:, overwrite: or remove: then header.NAME, "
            "querystring.NAME, path or statuscode)", key);
    }
    alen = (size_t) (colon - key);
    if (alen == 6 && strncmp(key, "append", 6) == 0) {
        m->action = TP_MA_APPEND;
    } else if (alen == 9 && strncmp(key, "overwrite", 9) == 0) {
        m->action = TP_MA_OVERWRITE;
    } else if (alen == 6 && strncmp(key, "remove", 6) == 0) {
        m->action = TP_MA_REMOVE;
    } else {
        return expr_err(err, errlen, "invalid mapping action in \"%s\" "
            "(append, overwrite or remove)", key);
    }
    loc = colon + 1;
    if (strncmp(loc, "header.", 7) == 0 && loc[7] != '\0') {
        m->target = TP_MT_HEADER;
        m->name = loc + 7;
    } else if (!response && strncmp(loc, "querystring.", 12) == 0
        && loc[12] != '\0')
    {
        m->target = TP_MT_QUERY;
        m->name = loc + 12;
    } else if (!response && strcmp(loc, "path") == 0
        && m->action == TP_MA_OVERWRITE)
    {
        m->target = TP_MT_PATH_WHOLE;
        m->name = "path";
    } else if (response && strcmp(loc, "statuscode") == 0
        && m->action == TP_MA_OVERWRITE)
    {
        m->target = TP_MT_STATUS;
        m->name = "statuscode";
    } else {
        return expr_err(err, errlen, "invalid mapping key \"%s\"", key);
    }
    /* The name goes raw into the request line or a header block: the
     * characters REST targets allow, so that no CR, LF, ':', ' ', '&'
     * or '=' can split a header or a query parameter (fuzz_mapping). */
    if ((m->target == TP_MT_HEADER || m->target == TP_MT_QUERY)
        && !expr_name_ok(m->name, strlen(m->name), false))
    {
        return expr_err(err, errlen, "invalid name in mapping key \"%s\" "
            "(letters, digits, '.', '_', '$' and '-')", key);
    }
    return TP_OK;
}

bool
tp_mapping_reserved(const char *name)
{
    static const char *const reserved[] = {
        "authorization", "connection", "content-encoding", "content-length",
        "content-location", "forwarded", "keep-alive", "origin",
        "proxy-authenticate", "proxy-authorization", "te", "trailers",
        "transfer-encoding", "upgrade", "x-forwarded-for",
        "x-forwarded-host", "x-forwarded-proto", "via",
    };
    size_t i;

    if (strncasecmp(name, "access-control-", 15) == 0
        || strncasecmp(name, "apigw-", 6) == 0
        || strncasecmp(name, "x-amz-", 6) == 0
        || strncasecmp(name, "x-amzn-", 7) == 0)
    {
        return true;
    }
    for (i = 0; i < TP_NELEM(reserved); i++) {
        if (strcasecmp(name, reserved[i]) == 0) {
            return true;
        }
    }
    return false;
}

int
tp_mapping_compile(struct tp_arena *a, enum tp_map_dialect dialect,
    const char *key, const char *value, struct tp_mapping *out, char *err,
    size_t errlen)
{
    int rc;

    memset(out, 0, sizeof(*out));
    switch (dialect) {
    case TP_MAP_REST_REQUEST:
        rc = mapping_rest_target(key, "integration.request.", false, out,
            err, errlen);
        break;
    case TP_MAP_REST_RESPONSE:
        rc = mapping_rest_target(key, "method.response.", true, out, err,
            errlen);
        break;
    case TP_MAP_GW_RESPONSE:
        rc = mapping_rest_target(key, "gatewayresponse.", false, out, err,
            errlen);
        break;
    default:
        rc = mapping_http_key(key, dialect == TP_MAP_HTTP_RESPONSE, out, err,
            errlen);
        if (rc == TP_OK && out->target == TP_MT_HEADER
            && tp_mapping_reserved(out->name))
        {
            return expr_err(err, errlen, "header \"%s\" is reserved and "
                "cannot be mapped", out->name);
        }
        break;
    }
    if (rc != TP_OK) {
        return TP_ERROR;
    }
    out->name = tp_arena_strdup(a, out->name);
    if (out->name == NULL) {
        return expr_err(err, errlen, "out of memory%s", "");
    }
    if (dialect == TP_MAP_HTTP_REQUEST || dialect == TP_MAP_HTTP_RESPONSE) {
        if (out->action == TP_MA_REMOVE) {
            out->value.nparts = 0;   /* remove takes no value ("" or "''") */
            return TP_OK;
        }
        return tp_expr_http(a, dialect == TP_MAP_HTTP_RESPONSE, value,
            &out->value, err, errlen);
    }
    return tp_expr_rest(a, dialect, value, &out->value, err, errlen);
}
