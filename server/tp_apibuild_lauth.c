/*
 * tp_apibuild_lauth.c: the Lambda part of REQUEST and TOKEN authorizers
 * (auth.md 2, 3) from a source-neutral description (the top-level
 * `authorizers`, or an OpenAPI x-amazon-apigateway-authorizer): the
 * function, identity sources, TOKEN's validation expression, the result
 * cache's TTL and namespace, HTTP APIs' payload format and simple
 * responses.  Master only.
 */
#include "tp_apibuild.h"
#include "tp_ctxvars.h"
#include "tp_hash.h"
#include "tp_lambda_arn.h"
#include "tp_lauth.h"

#include <ctype.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

static const struct {
    const char *prefix;
    uint8_t kind;
} la_prefixes[] = {
    { "method.request.header.", TP_LAUTH_HEADER },
    { "$request.header.", TP_LAUTH_HEADER },
    { "method.request.querystring.", TP_LAUTH_QUERY },
    { "$request.querystring.", TP_LAUTH_QUERY },
    { "stageVariables.", TP_LAUTH_STAGEVAR },
    { "$stageVariables.", TP_LAUTH_STAGEVAR },
    { "context.", TP_LAUTH_CONTEXT },
    { "$context.", TP_LAUTH_CONTEXT },
};

static int
la_source(struct tp_conf_ctx *c, const struct tp_build_authorizer *b,
    const char *text, struct tp_lauth_source *out)
{
    const char *name = NULL;
    size_t i, n;
    char *p;

    for (i = 0; i < TP_NELEM(la_prefixes) && name == NULL; i++) {
        n = strlen(la_prefixes[i].prefix);
        if (strncmp(text, la_prefixes[i].prefix, n) == 0 && text[n] != '\0') {
            name = text + n;
            out->kind = la_prefixes[i].kind;
        }
    }
    if (name == NULL) {
        return tp_conf_error_at(c, b->src, "authorizer \"%s\": identity "
            "source \"%s\" must be method.request.header.NAME, "
            "method.request.querystring.NAME, stageVariables.NAME or "
            "context.NAME (REST), or $request.header.NAME, "
            "$request.querystring.NAME, $stageVariables.NAME or "
            "$context.NAME (HTTP APIs)%s", b->name, text,
            strstr(text, ".path.") != NULL ? "; path parameters cannot be "
            "identity sources" : "");
    }
    if (out->kind == TP_LAUTH_CONTEXT
        && tp_ctxvar_id(name, strlen(name)) < 0)
    {
        return tp_conf_error_at(c, b->src, "authorizer \"%s\": identity "
            "source \"%s\": unknown $context variable \"%s\"", b->name,
            text, name);
    }
    p = tp_arena_strdup(c->a, name);
    if (p == NULL) {
        return tp_conf_error(c, NULL, "out of memory");
    }
    for (i = 0; out->kind == TP_LAUTH_HEADER && p[i] != '\0'; i++) {
        p[i] = (char) tolower((unsigned char) p[i]);
    }
    out->name = p;
    out->text = text;
    return TP_OK;
}

/* "a, b" (a comma-separated string, as the REST API writes it) or a
 * list: every identity source, trimmed. */
static int
la_sources(struct tp_conf_ctx *c, const struct tp_build_authorizer *b,
    struct tp_lauth *la)
{
    const char *texts[TP_LAUTH_MAX_SOURCES + 1];
    const char *s, *e;
    unsigned i, n = 0;

    for (i = 0; i < b->nidentity_sources; i++) {
        if (n > TP_LAUTH_MAX_SOURCES) {
            break;
        }
        texts[n++] = b->identity_sources[i];
    }
    for (s = b->identity_sources == NULL ? b->identity_source : NULL;
        s != NULL && *s != '\0' && n <= TP_LAUTH_MAX_SOURCES; s = e)
    {
        while (*s == ' ' || *s == ',') {
            s++;
        }
        for (e = s; *e != '\0' && *e != ','; e++) {
        }
        i = (unsigned) (e - s);
        while (i > 0 && s[i - 1] == ' ') {
            i--;
        }
        if (i > 0 && (texts[n++] = tp_arena_strndup(c->a, s, i)) == NULL) {
            return tp_conf_error(c, NULL, "out of memory");
        }
    }
    if (n > TP_LAUTH_MAX_SOURCES) {
        return tp_conf_error_at(c, b->src, "authorizer \"%s\": more than "
            "%d identity sources", b->name, TP_LAUTH_MAX_SOURCES);
    }
    if (la->token && n == 0) {
        texts[n++] = "method.request.header.Authorization";
    }
    if (la->token && n > 1) {
        return tp_conf_error_at(c, b->src, "authorizer \"%s\": a TOKEN "
            "authorizer has one identity source (a header), not %u",
            b->name, n);
    }
    la->sources = tp_arena_calloc(c->a, sizeof(*la->sources) * (n + 1));
    if (la->sources == NULL) {
        return tp_conf_error(c, NULL, "out of memory");
    }
    for (i = 0; i < n; i++) {
        if (la_source(c, b, texts[i], &la->sources[i]) != TP_OK) {
            return TP_ERROR;
        }
        if (la->token && la->sources[i].kind != TP_LAUTH_HEADER) {
            return tp_conf_error_at(c, b->src, "authorizer \"%s\": a TOKEN "
                "authorizer's identity source is a header "
                "(method.request.header.NAME), not \"%s\"", b->name,
                texts[i]);
        }
    }
    la->nsources = n;
    return TP_OK;
}

static void
la_regex_free(void *re)
{
    pcre2_code_free(re);
}

static int
la_validation(struct tp_conf_ctx *c, const struct tp_build_authorizer *b,
    struct tp_lauth *la)
{
    PCRE2_SIZE off;
    char msg[256];
    int ecode;

    if (b->validation == NULL || b->validation[0] == '\0') {
        return TP_OK;
    }
    if (!la->token) {
        return tp_conf_error_at(c, b->src, "authorizer \"%s\": "
            "identity_validation_expression applies to TOKEN authorizers",
            b->name);
    }
    /* AWS's examples anchor it themselves ("^Bearer [-0-9a-zA-Z._]*$") */
    la->validation = pcre2_compile((PCRE2_SPTR) b->validation,
        PCRE2_ZERO_TERMINATED, 0, &ecode, &off, NULL);
    if (la->validation == NULL) {
        pcre2_get_error_message(ecode, (PCRE2_UCHAR *) msg, sizeof(msg));
        return tp_conf_error_at(c, b->src, "authorizer \"%s\": invalid "
            "identity_validation_expression \"%s\": %s at offset %zu",
            b->name, b->validation, msg, (size_t) off);
    }
    if (tp_arena_cleanup_add(c->a, la_regex_free, la->validation) != TP_OK) {
        pcre2_code_free(la->validation);
        return tp_conf_error(c, NULL, "out of memory");
    }
    la->validation_text = b->validation;
    return TP_OK;
}

/* The function a Lambda ARN or API Gateway invocation URI names. */
static const char *
la_uri_function(struct tp_conf_ctx *c, const char *uri)
{
    struct tp_lambda_ref ref;

    if (tp_lambda_uri_parse(uri, &ref) != TP_OK) {
        return NULL;
    }
    return tp_arena_strndup(c->a, ref.name.p, ref.name.len);
}

static int
la_function(struct tp_conf_ctx *c, const struct tp_build_authorizer *b,
    struct tp_lauth *la)
{
    la->function = b->function;
    la->local = b->function != NULL;
    la->uri = b->uri;
    if (la->function == NULL && b->uri != NULL) {
        /* a local function of that name stands in for the remote one */
        la->function = la_uri_function(c, b->uri);
        if (la->function == NULL && b->imported) {
            /* an export's placeholder ("${authorizer_arn}"): the API
             * loads, its routes answer 500 as AWS does for an authorizer
             * it cannot invoke */
            tp_conf_warn_at(c, b->src, "authorizer \"%s\": authorizerUri "
                "\"%s\" names no Lambda function; requests to routes "
                "using it are answered 500", b->name, b->uri);
            return TP_OK;
        }
        if (la->function == NULL) {
            return tp_conf_error_at(c, b->src, "authorizer \"%s\": uri "
                "\"%s\" does not name a Lambda function "
                "(arn:aws:lambda:REGION:ACCOUNT:function:NAME, or "
                "arn:aws:apigateway:REGION:lambda:path/2015-03-31/"
                "functions/ARN/invocations)", b->name, b->uri);
        }
    }
    if (la->function == NULL || la->function[0] == '\0') {
        return tp_conf_error_at(c, b->src, "authorizer \"%s\": a %s "
            "authorizer needs a 'function' (a name from functions)",
            b->name, la->token ? "TOKEN" : "REQUEST");
    }
    return TP_OK;
}

static int
la_http(struct tp_conf_ctx *c, const struct tp_build_authorizer *b,
    struct tp_lauth *la)
{
    const char *f = b->payload_format;

    la->http_format = TP_LAUTH_HTTP_2;
    if (f != NULL && strcmp(f, "1.0") == 0) {
        la->http_format = TP_LAUTH_HTTP_1;
    } else if (f != NULL && strcmp(f, "2.0") != 0) {
        return tp_conf_error_at(c, b->src, "authorizer \"%s\": "
            "payload_format must be \"1.0\" or \"2.0\", not \"%s\"",
            b->name, f);
    }
    la->simple = b->simple_responses > 0;
    if (la->simple && la->http_format != TP_LAUTH_HTTP_2) {
        return tp_conf_error_at(c, b->src, "authorizer \"%s\": "
            "simple_responses needs payload_format \"2.0\"", b->name);
    }
    if (la->token && (f != NULL || b->simple_responses >= 0)) {
        return tp_conf_error_at(c, b->src, "authorizer \"%s\": "
            "payload_format and simple_responses are for REQUEST "
            "authorizers of HTTP APIs", b->name);
    }
    return TP_OK;
}

/* The result cache's namespace: what the authorizer is, so that an
 * answer cached under another configuration is not found again. */
static void
la_namespace(const struct tp_build_authorizer *b, struct tp_lauth *la)
{
    const char *parts[6 + TP_LAUTH_MAX_SOURCES];
    char fmt[8];
    unsigned i, n = 0;

    fmt[0] = la->token ? 'T' : 'R';
    fmt[1] = (char) ('0' + la->http_format);
    fmt[2] = la->simple ? 's' : 'p';
    fmt[3] = '\0';
    parts[n++] = "lambda-authorizer";
    parts[n++] = b->name;
    parts[n++] = b->src.file != NULL ? b->src.file : "";
    parts[n++] = la->function != NULL ? la->function : "";
    parts[n++] = fmt;
    for (i = 0; i < la->nsources; i++) {
        parts[n++] = la->sources[i].text;
    }
    la->cache_ns = tp_hash_strs(n, parts);
}

int
tp_build_lambda_authorizer(struct tp_conf_ctx *c,
    const struct tp_build_authorizer *b, struct tp_authorizer *a)
{
    struct tp_lauth *la = tp_arena_calloc(c->a, sizeof(*la));

    if (la == NULL) {
        return tp_conf_error(c, NULL, "out of memory");
    }
    la->token = a->type == TP_AUTHORIZER_TOKEN;
    if (b->ttl_s < -1 || b->ttl_s > TP_LAUTH_TTL_MAX) {
        return tp_conf_error_at(c, b->src, "authorizer \"%s\": ttl must be "
            "an integer of seconds in [0, %d] (0: no cache)", b->name,
            TP_LAUTH_TTL_MAX);
    }
    la->ttl_s = b->ttl_s < 0 ? TP_LAUTH_TTL_DEFAULT : (uint32_t) b->ttl_s;
    if (la_function(c, b, la) != TP_OK || la_sources(c, b, la) != TP_OK
        || la_validation(c, b, la) != TP_OK || la_http(c, b, la) != TP_OK)
    {
        return TP_ERROR;
    }
    if (la->ttl_s > 0 && la->nsources == 0) {
        return tp_conf_error_at(c, b->src, "authorizer \"%s\": caching "
            "(ttl %u) needs at least one identity source; set ttl = 0 to "
            "invoke the function for every request", b->name, la->ttl_s);
    }
    la_namespace(b, la);
    a->lambda = la;
    return TP_OK;
}

int
tp_build_lambda_resolve(struct tp_conf_ctx *c, struct tp_authorizer *a)
{
    struct tp_lauth *la = a->lambda;

    if (la == NULL || la->function == NULL) {
        return TP_OK;
    }
    if (tp_model_find_function(c->m, la->function) != NULL) {
        la->local = true;            /* a uri's function runs here too */
        return TP_OK;
    }
    if (la->local) {
        return tp_conf_error_at(c, a->src, "authorizer \"%s\": function "
            "\"%s\" is not defined in 'functions'", a->name, la->function);
    }
    if (c->m->lambda.endpoint == NULL) {
        tp_conf_warn_at(c, a->src, "authorizer \"%s\": \"%s\" is not in "
            "'functions' and no 'lambda' endpoint is configured to invoke "
            "its ARN: requests to routes using it answer 500", a->name,
            la->function);
    }
    return TP_OK;                    /* remote, through the lambda group */
}
