/*
 * test_tp_openapi.c: unit tests of the OpenAPI importer (tp_openapi*.c):
 * every conformance document of ../shared/conformance/openapi imports into
 * a REST API with the routes its SOURCE.md describes; each extension,
 * $ref resolution, security, ${AWS::*} variables; errors and warnings name
 * FILE:LINE and the JSON pointer; the file reader and the config file's
 * `openapi` setting (through tp_conf_load).
 *
 * Documents are written with ` for " (mapping values use ' themselves).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tp_conf_int.h"
#include "tp_log.h"
#include "tp_lauth.h"
#include "tp_openapi.h"
#include "tp_policy.h"

#define FILE_NAME "/etc/tp/api.json"

/* An HTTP_PROXY integration, for operations whose integration is not the
 * subject of the test. */
#define PROXY "`x-amazon-apigateway-integration`: {`type`: `http_proxy`, " \
    "`uri`: `http://127.0.0.1:9/x`}"

static struct tp_arena arena;
static struct tp_model model;
static struct tp_api api;
static struct tp_conf_opts opts;
static struct tp_conf_ctx ctx;
static char err[2048];
static char logbuf[16384];
static char text[16384];
static char tmpdir[PATH_MAX];

static int
group_setup(void **state)
{
    char t[] = "/tmp/tp_openapi_test_XXXXXX";

    (void) state;
    if (mkdtemp(t) == NULL || realpath(t, tmpdir) == NULL) {
        return -1;
    }
    return 0;
}

static int
group_teardown(void **state)
{
    char cmd[PATH_MAX + 16];

    (void) state;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static void
reset(enum tp_api_type type)
{
    tp_arena_free(&arena);
    tp_arena_init(&arena, 16384);
    memset(&model, 0, sizeof(model));
    memset(&api, 0, sizeof(api));
    memset(&ctx, 0, sizeof(ctx));
    opts.path = "/etc/tp/turnpike.conf";
    api.id = "t";
    api.id_len = 1;
    api.type = type;
    model.apis = &api;
    model.napis = 1;
    model.server.region = "us-east-1";
    model.server.account_id = "123456789012";
    ctx.a = &arena;
    ctx.m = &model;
    ctx.opts = &opts;
    ctx.dir = "/etc/tp";
    ctx.err = err;
    ctx.errlen = sizeof(err);
    err[0] = '\0';
}

static int
setup(void **state)
{
    (void) state;
    tp_arena_init(&arena, 16384);
    tp_log_level = TP_LOG_ERROR;
    reset(TP_API_REST);
    return 0;
}

static int
teardown(void **state)
{
    (void) state;
    tp_arena_free(&arena);
    return 0;
}

/* <doc> with ` turned into ", in text[]. */
static const char *
q(const char *doc)
{
    size_t i;

    assert_true(strlen(doc) < sizeof(text));
    for (i = 0; doc[i] != '\0'; i++) {
        text[i] = doc[i] == '`' ? '"' : doc[i];
    }
    text[i] = '\0';
    return text;
}

/* Imports <doc> (` quoting) with stderr captured into logbuf. */
static int
import(const char *doc)
{
    char lpath[PATH_MAX + 16];
    int saved, fd, rc;
    ssize_t n;

    q(doc);
    ctx.failed = false;
    err[0] = '\0';
    snprintf(lpath, sizeof(lpath), "%s/stderr.txt", tmpdir);
    fd = open(lpath, O_RDWR | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    fflush(stderr);
    saved = dup(2);
    assert_true(saved >= 0);
    assert_int_equal(dup2(fd, 2), 2);
    tp_log_level = TP_LOG_WARN;
    rc = tp_openapi_import_buffer(&ctx, &api, FILE_NAME, text, strlen(text));
    tp_log_level = TP_LOG_ERROR;
    fflush(stderr);
    assert_int_equal(dup2(saved, 2), 2);
    close(saved);
    n = pread(fd, logbuf, sizeof(logbuf) - 1, 0);
    close(fd);
    logbuf[n > 0 ? n : 0] = '\0';
    return rc;
}

static void
import_ok(const char *doc)
{
    if (import(doc) != TP_OK) {
        fail_msg("import failed: %s", err);
    }
}

/* 1-based line of the first <needle> (` quoting) in text[]. */
static int
line_of(const char *needle)
{
    char nq[512];
    const char *p, *s;
    size_t i;
    int line = 1;

    for (i = 0; needle[i] != '\0' && i < sizeof(nq) - 1; i++) {
        nq[i] = needle[i] == '`' ? '"' : needle[i];
    }
    nq[i] = '\0';
    p = strstr(text, nq);

    assert_non_null(p);
    for (s = text; s < p; s++) {
        line += *s == '\n';
    }
    return line;
}

/* Fails unless the import of <doc> fails with "api.json:LINE: <msg>"
 * where LINE is the line of <at_line_of>, and " (at <ptr>)". */
static void
import_err(const char *doc, const char *at_line_of, const char *msg,
    const char *ptr)
{
    char want[1024];

    reset(api.type);
    if (import(doc) == TP_OK) {
        fail_msg("import accepted: %s", doc);
    }
    snprintf(want, sizeof(want), FILE_NAME ":%d: ", line_of(at_line_of));
    if (strncmp(err, want, strlen(want)) != 0 || strstr(err, msg) == NULL) {
        fail_msg("error \"%s\": want prefix \"%s\" and \"%s\"", err, want,
            msg);
    }
    if (ptr != NULL) {
        snprintf(want, sizeof(want), " (at %s)", ptr);
        if (strstr(err, want) == NULL) {
            fail_msg("error \"%s\" lacks \"%s\"", err, want);
        }
    }
}

static void
assert_logged(const char *needle)
{
    if (strstr(logbuf, needle) == NULL) {
        fail_msg("no \"%s\" in the log:\n%s", needle, logbuf);
    }
}

/* A warning "api.json:LINE: <msg>" at the line of <needle>. */
static void
assert_logged_at(const char *needle, const char *msg)
{
    char want[1024];

    snprintf(want, sizeof(want), FILE_NAME ":%d: %s", line_of(needle), msg);
    assert_logged(want);
}

static struct tp_route *
route(const char *key)
{
    unsigned i;

    if (strcmp(key, "$default") == 0 && api.default_route != NULL) {
        return api.default_route;
    }
    for (i = 0; i < api.nroutes; i++) {
        if (strcmp(api.routes[i].key, key) == 0) {
            return &api.routes[i];
        }
    }
    fail_msg("no route '%s' (%u routes)", key, api.nroutes);
    return NULL;
}

static bool
has_route(const char *key)
{
    unsigned i;

    for (i = 0; i < api.nroutes; i++) {
        if (strcmp(api.routes[i].key, key) == 0) {
            return true;
        }
    }
    return false;
}

/* --- conformance documents -------------------------------------------- */

static const char *
conformance_dir(void)
{
    static char dirpath[PATH_MAX];
    const char *env = getenv("TP_CONFORMANCE_DIR");
    struct stat st;

    snprintf(dirpath, sizeof(dirpath), "%s", env != NULL ? env
        : "../shared/conformance/openapi");
    return stat(dirpath, &st) == 0 && S_ISDIR(st.st_mode) ? dirpath : NULL;
}

static void
conformance_import(const char *name)
{
    char path[PATH_MAX + 64];
    const char *dir = conformance_dir();

    reset(TP_API_REST);
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    if (tp_openapi_import(&ctx, &api, path) != TP_OK) {
        fail_msg("%s: %s", name, err);
    }
}

static void
check_petstore(const char *name)
{
    struct tp_route *r;

    conformance_import(name);
    assert_int_equal(api.nroutes, 6);
    r = route("GET /");
    assert_int_equal(r->integ.type, TP_INTEG_MOCK);
    assert_true(r->imported);
    assert_int_equal(r->integ.nresponses, 1);
    assert_int_equal(r->integ.responses[0].status, 200);
    assert_string_equal(r->integ.responses[0].templates[0].content_type,
        "text/html");
    r = route("GET /pets");
    assert_int_equal(r->integ.type, TP_INTEG_HTTP);
    assert_int_equal(r->integ.nreq_params, 2);
    assert_int_equal(r->integ.passthrough, TP_PASS_WHEN_NO_MATCH);
    assert_string_equal(r->integ.http_method, "GET");
    r = route("GET /pets/{petId}");
    assert_int_equal(r->integ.type, TP_INTEG_HTTP);
    assert_non_null(strstr(r->integ.uri, "/pets/{petId}"));
    assert_int_equal(route("POST /pets")->integ.type, TP_INTEG_HTTP);
    assert_int_equal(route("OPTIONS /pets")->integ.type, TP_INTEG_MOCK);
    assert_int_equal(route("OPTIONS /pets/{petId}")->integ.type,
        TP_INTEG_MOCK);
    assert_int_equal(route("POST /pets")->authorization, TP_AUTHZ_NONE);
}

/* The conformance document is a Terraform template: its providerARNs
 * are "${cognito_pool_arn}", which is not a pool.  As written it is
 * refused; with a pool ARN in place each scheme becomes an authorizer. */
static void
check_cognito(void)
{
    static const char placeholder[] = "${cognito_pool_arn}";
    static const char arn[] =
        "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_Ab";
    char path[PATH_MAX + 64], *doc, *p;
    const struct tp_authorizer *a;
    struct tp_route *r;
    size_t n = 0;
    FILE *f;

    reset(TP_API_REST);
    snprintf(path, sizeof(path), "%s/openapi.cognito-auth.json",
        conformance_dir());
    assert_int_equal(tp_openapi_import(&ctx, &api, path), TP_ERROR);
    assert_non_null(strstr(err, "provider ARN \"${cognito_pool_arn}\" is "
        "not a user pool ARN"));
    f = fopen(path, "r");
    assert_non_null(f);
    doc = calloc(1, 1 << 20);
    assert_non_null(doc);
    n = fread(doc, 1, (1 << 20) - 256, f);
    fclose(f);
    while ((p = strstr(doc, placeholder)) != NULL) {
        memmove(p + strlen(arn), p + strlen(placeholder),
            n - (size_t) (p - doc) - strlen(placeholder) + 1);
        memcpy(p, arn, strlen(arn));
        n += strlen(arn) - strlen(placeholder);
    }
    reset(TP_API_REST);
    if (tp_openapi_import_buffer(&ctx, &api, path, doc, n) != TP_OK) {
        fail_msg("%s", err);
    }
    free(doc);
    assert_int_equal(api.nauthorizers, 2);
    a = &api.authorizers[0];
    assert_string_equal(a->name, "cognito-test-identity-source");
    assert_int_equal(a->type, TP_AUTHORIZER_COGNITO);
    assert_true(a->imported);
    assert_string_equal(a->identity_header, "testheaderauth");
    assert_string_equal(a->jwks_url, "https://cognito-idp.eu-west-1."
        "amazonaws.com/eu-west-1_Ab/.well-known/jwks.json");
    assert_string_equal(a->jwks_path, "/eu-west-1_Ab/.well-known/jwks.json");
    assert_string_equal(a->jwks_backend->host,
        "cognito-idp.eu-west-1.amazonaws.com");
    assert_int_equal(api.nroutes, 4);
    r = route("GET /pets");                  /* the root-level default */
    assert_int_equal(r->authorization, TP_AUTHZ_COGNITO);
    assert_string_equal(r->authorizer, "cognito-test-identity-source");
    assert_int_equal(r->nscopes, 1);
    assert_string_equal(r->scopes[0], "email");
    assert_int_equal(r->integ.type, TP_INTEG_HTTP_PROXY);
    assert_string_equal(r->integ.payload_format, "1.0");
    r = route("GET /default-no-scope");
    assert_int_equal(r->authorization, TP_AUTHZ_COGNITO);
    assert_int_equal(r->nscopes, 0);
    r = route("GET /default-scope-override");
    assert_int_equal(r->nscopes, 1);
    assert_string_equal(r->scopes[0], "openid");
    r = route("GET /non-default-authorizer");
    assert_string_equal(r->authorizer, "extra-test-identity-source");
    assert_int_equal(r->nscopes, 2);
    assert_string_equal(r->scopes[1], "openid");
    assert_int_equal(r->integ.type, TP_INTEG_HTTP);
}

static void
check_s3(void)
{
    struct tp_route *r;

    conformance_import("swagger-s3-proxy.json");
    assert_int_equal(api.nroutes, 8);
    r = route("GET /");
    assert_int_equal(r->integ.type, TP_INTEG_AWS);
    assert_int_equal(r->authorization, TP_AUTHZ_NONE);   /* sigv4: undef. */
    assert_int_equal(r->integ.nresponses, 3);
    assert_string_equal(r->integ.responses[0].pattern, "4\\d{2}");
    assert_int_equal(r->integ.responses[0].status, 400);
    assert_null(r->integ.responses[1].pattern);          /* default */
    assert_int_equal(r->integ.responses[1].nparams, 3);
    assert_int_equal(route("HEAD /{folder}/{item}")->integ.type,
        TP_INTEG_AWS);
    assert_int_equal(route("PUT /{folder}")->integ.nreq_params, 2);
    assert_true(has_route("DELETE /{folder}/{item}"));
}

static void
check_small_ones(void)
{
    struct tp_route *r;

    conformance_import("openapi.spec.stage-variables.json");
    r = route("GET /path1");
    assert_int_equal(r->integ.type, TP_INTEG_HTTP_PROXY);
    assert_string_equal(r->integ.uri, "http://${stageVariables.url}");
    assert_string_equal(r->integ.http_method, "POST");
    conformance_import("openapi-mock.json");
    r = route("ANY /echo/{data}");
    assert_int_equal(r->integ.type, TP_INTEG_MOCK);
    assert_int_equal(r->integ.passthrough, TP_PASS_WHEN_NO_TEMPLATES);
    assert_int_equal(r->integ.nreq_templates, 1);
    conformance_import("swagger-mock-cors.json");
    assert_int_equal(api.nroutes, 4);
    assert_int_equal(route("GET /product")->integ.type, TP_INTEG_AWS_PROXY);
    assert_int_equal(route("OPTIONS /product/{product_id}")->integ.type,
        TP_INTEG_MOCK);
    conformance_import("openapi-http-method-integration.json");
    r = route("GET /");
    assert_int_equal(r->integ.type, TP_INTEG_AWS);
    assert_string_equal(r->integ.http_method, "POST");
    assert_int_equal(route("OPTIONS /")->integ.type, TP_INTEG_MOCK);
}

static void
check_auth_ones(void)
{
    struct tp_route *r;

    conformance_import("openapi.spec.json");
    assert_int_equal(api.nroutes, 3);
    r = route("POST /pets");                 /* through $ref */
    assert_int_equal(r->integ.type, TP_INTEG_HTTP_PROXY);
    assert_string_equal(r->integ.http_method, "POST");
    r = route("GET /pets/{petId}");
    assert_int_equal(r->authorization, TP_AUTHZ_CUSTOM);
    assert_string_equal(r->authorizer, "myAuthorizer");
    assert_int_equal(route("GET /pets")->authorization, TP_AUTHZ_NONE);
    assert_null(api.cors);                   /* REST: warned, unused */
    conformance_import("openapi.spec.global-auth.json");
    assert_int_equal(route("GET /pets")->authorization, TP_AUTHZ_CUSTOM);
    r = route("ANY /echo/{data}");
    assert_string_equal(r->authorizer, "GatewayAuthorizer");
    assert_string_equal(api.api_key_source, "AUTHORIZER");
    conformance_import("openapi.spec.tf.json");
    r = route("GET /");
    assert_true(r->api_key_required);
    assert_int_equal(r->authorization, TP_AUTHZ_NONE);
    assert_int_equal(r->integ.type, TP_INTEG_AWS_PROXY);
    assert_false(route("OPTIONS /")->api_key_required);
}

static void
test_server__tp_openapi__conformance(void **state)
{
    const char *dir = conformance_dir();
    struct dirent *de;
    DIR *dp;
    int n = 0;

    (void) state;
    if (dir == NULL) {
        skip();
    }
    /* Every document imports without error (the Terraform template of
     * Cognito pools once its placeholder is replaced: check_cognito) ... */
    dp = opendir(dir);
    assert_non_null(dp);
    while ((de = readdir(dp)) != NULL) {
        if (strlen(de->d_name) > 5 && strcmp(de->d_name
                + strlen(de->d_name) - 5, ".json") == 0
            && strcmp(de->d_name, "openapi.cognito-auth.json") != 0)
        {
            conformance_import(de->d_name);
            assert_true(api.nroutes > 0);
            n++;
        }
    }
    closedir(dp);
    assert_true(n >= 10);
    /* ... with the routes SOURCE.md describes. */
    check_petstore("petstore-swagger.json");
    check_petstore("petstore-authorizer.swagger.json");
    assert_int_equal(route("GET /")->authorization, TP_AUTHZ_CUSTOM);
    assert_string_equal(route("GET /pets")->authorizer, "test-authorizer");
    check_cognito();
    check_s3();
    check_small_ones();
    check_auth_ones();
}

/* --- extensions ------------------------------------------------------- */

static void
test_server__tp_openapi__rest_extensions(void **state)
{
    struct tp_route *r;
    struct tp_int_response *resp;

    (void) state;
    import_ok("{`swagger`: `2.0`, `info`: {`title`: `Shop`},\n"
        "`basePath`: `/`,\n"
        "`x-amazon-apigateway-binary-media-types`: [`image/png`, `*/*`],\n"
        "`x-amazon-apigateway-api-key-source`: `header`,\n"
        "`x-amazon-apigateway-endpoint-configuration`: "
        "{`disableExecuteApiEndpoint`: true, `vpcEndpointIds`: [`v`]},\n"
        "`x-amazon-apigateway-policy`: {`Version`: `2012-10-17`, "
        "`Statement`: {`Effect`: `Allow`, `Principal`: `*`, "
        "`Action`: `execute-api:Invoke`, `Resource`: `execute-api:/*`}},\n"
        "`x-amazon-apigateway-request-validators`: {`all`: {}},\n"
        "`x-amazon-apigateway-request-validator`: `all`,\n"
        "`x-amazon-apigateway-minimum-compression-size`: 100,\n"
        "`x-amazon-apigateway-documentation`: {`version`: `1`},\n"
        "`x-amazon-apigateway-gateway-responses`: {\n"
        "  `DEFAULT_4XX`: {`responseParameters`: {"
        "`gatewayresponse.header.Access-Control-Allow-Origin`: `'*'`},\n"
        "    `responseTemplates`: {`application/json`: "
        "`{\\`message\\`: $context.error.messageString}`}},\n"
        "  `INVALID_API_KEY`: {`statusCode`: 429}},\n"
        "`paths`: {`/items/{id}`: {`get`: {\n"
        " `x-amazon-apigateway-integration`: {`type`: `HTTP`, "
        "`uri`: `http://127.0.0.1:9/items/{id}`, `httpMethod`: `GET`,\n"
        " `timeoutInMillis`: `5000`, `passthroughBehavior`: `NEVER`,\n"
        " `cacheKeyParameters`: [], `cacheNamespace`: `x`,\n"
        " `requestParameters`: {`integration.request.path.id`: "
        "`method.request.path.id`},\n"
        " `requestTemplates`: {`application/json`: `{}`},\n"
        " `responses`: {`2\\\\d{2}`: {`statusCode`: `200`, "
        "`responseParameters`: {`method.response.header.X-Id`: "
        "`integration.response.header.x-id`}},\n"
        "   `default`: {`statusCode`: 500, `responseTemplates`: "
        "{`text/plain`: `oops`}}}},\n"
        " `x-amazon-apigateway-request-validator`: `all`,\n"
        " `x-amazon-apigateway-frobnicate`: 1}}}}");
    assert_string_equal(api.name, "Shop");
    assert_int_equal(api.nbinary_types, 2);
    assert_string_equal(api.binary_types[1], "*/*");
    assert_string_equal(api.api_key_source, "HEADER");
    assert_true(api.disable_execute_api);
    assert_non_null(api.gw[6]);              /* TP_GW_DEFAULT_4XX */
    assert_int_equal(api.gw[6]->nheaders, 1);
    assert_int_equal(api.gw[6]->ntemplates, 1);
    assert_int_equal(api.gw[11]->status, 429);   /* INVALID_API_KEY */
    r = route("GET /items/{id}");
    assert_int_equal(r->integ.type, TP_INTEG_HTTP);
    assert_int_equal(r->integ.timeout_ms, 5000);
    assert_int_equal(r->integ.passthrough, TP_PASS_NEVER);
    assert_int_equal(r->integ.nreq_params, 1);
    assert_int_equal(r->integ.nreq_templates, 1);
    assert_int_equal(r->integ.nresponses, 2);
    resp = &r->integ.responses[0];
    assert_string_equal(resp->pattern, "2\\d{2}");
    assert_non_null(resp->re);
    assert_int_equal(resp->nparams, 1);
    assert_int_equal(r->integ.responses[1].status, 500);
    assert_int_equal(api.endpoint_type, TP_ENDPOINT_PRIVATE);
    assert_non_null(api.policy);
    assert_logged("not supported yet: request validation "
        "(x-amazon-apigateway-request-validators)");
    assert_int_equal(api.min_compress, 100);
    assert_string_equal(r->integ.cache_ns, "x");
    assert_int_equal(r->integ.ncache_keys, 0);
    assert_logged_at(" `x-amazon-apigateway-request-validator`",
        "not supported yet: request validation "
        "(x-amazon-apigateway-request-validator); ignored (at "
        "/paths/~1items~1{id}/get/x-amazon-apigateway-request-validator)");
    assert_logged_at("`x-amazon-apigateway-frobnicate`", "unknown extension "
        "x-amazon-apigateway-frobnicate; ignored (at "
        "/paths/~1items~1{id}/get/x-amazon-apigateway-frobnicate)");
    assert_null(strstr(logbuf, "documentation"));
    assert_null(strstr(logbuf, "basePath"));
}

static void
test_server__tp_openapi__http_api(void **state)
{
    struct tp_route *r;

    (void) state;
    reset(TP_API_HTTP);
    import_ok("{`openapi`: `3.0.1`,\n"
        "`servers`: [{`url`: `https://x`, "
        "`x-amazon-apigateway-endpoint-configuration`: "
        "{`disableExecuteApiEndpoint`: true}}],\n"
        "`x-amazon-apigateway-importexport-version`: `1.0`,\n"
        "`x-amazon-apigateway-cors`: {`allowOrigins`: [`https://a.example`],"
        " `allowCredentials`: true, `exposeHeaders`: [`x-a`, `x-b`],\n"
        "  `maxAge`: 300, `allowMethods`: [`GET`, `POST`], "
        "`allowHeaders`: [`content-type`]},\n"
        "`tags`: [{`name`: `Owner`, `x-amazon-apigateway-tag-value`: `A`}],\n"
        "`components`: {`securitySchemes`: {`jwt`: {`type`: `oauth2`,\n"
        "  `x-amazon-apigateway-authorizer`: {`type`: `jwt`, "
        "`jwtConfiguration`: {`issuer`: `https://i/x/`, `audience`: [`a`]}"
        "}}},\n"
        " `x-amazon-apigateway-integrations`: {`back`: {`type`: "
        "`HTTP_PROXY`, `uri`: `http://127.0.0.1:9/{proxy}`, "
        "`httpMethod`: `ANY`,\n"
        "  `payloadFormatVersion`: 1.0, `timeoutInMillis`: 30000,\n"
        "  `requestParameters`: {`append:header.x-b`: "
        "`$request.header.a`},\n"
        "  `responseParameters`: {`500`: {`overwrite:statuscode`: "
        "`403`}}}}},\n"
        "`paths`: {\n"
        " `/$default`: {`x-amazon-apigateway-any-method`: "
        "{`isDefaultRoute`: true,\n"
        "  `x-amazon-apigateway-integration`: {`$ref`: "
        "`#/components/x-amazon-apigateway-integrations/back`}}},\n"
        " `/pets/{proxy+}`: {`get`: {`security`: [{`jwt`: [`read`, "
        "`write`]}],\n"
        "  `x-amazon-apigateway-integration`: {`$ref`: "
        "`#/components/x-amazon-apigateway-integrations/back`}},\n"
        "  `post`: {`x-amazon-apigateway-auth`: {`type`: `aws_iam`}, "
        PROXY "}}}}");
    assert_true(api.disable_execute_api);
    assert_non_null(api.cors);
    assert_int_equal(api.cors->norigins, 1);
    assert_true(api.cors->credentials);
    assert_int_equal(api.cors->max_age, 300);
    assert_string_equal(api.cors->expose, "x-a, x-b");
    r = route("$default");
    assert_ptr_equal(r, api.default_route);
    assert_int_equal(r->integ.type, TP_INTEG_HTTP_PROXY);
    assert_string_equal(r->integ.payload_format, "1.0");
    assert_int_equal(r->integ.nreq_params, 1);
    assert_int_equal(r->integ.nresp_params, 1);
    assert_int_equal(r->integ.resp_params[0].status, 500);
    assert_int_equal(r->integ.timeout_ms, 30000);
    r = route("GET /pets/{proxy+}");
    assert_int_equal(r->authorization, TP_AUTHZ_JWT);
    assert_string_equal(r->authorizer, "jwt");
    assert_int_equal(r->nscopes, 2);
    assert_string_equal(r->scopes[1], "write");
    assert_int_equal(route("POST /pets/{proxy+}")->authorization,
        TP_AUTHZ_AWS_IAM);
    assert_null(strstr(logbuf, "not supported yet: authorizer"));
    assert_int_equal(api.nauthorizers, 1);
    assert_string_equal(api.authorizers[0].name, "jwt");
    assert_int_equal(api.authorizers[0].type, TP_AUTHORIZER_JWT);
    assert_string_equal(api.authorizers[0].identity_header, "authorization");
    /* no jwks: OIDC discovery from the issuer (auth.md 4) */
    assert_null(api.authorizers[0].jwks_path);
    assert_string_equal(api.authorizers[0].discovery_path,
        "/x/.well-known/openid-configuration");
    assert_string_equal(api.authorizers[0].jwks_backend->host, "i");
    assert_null(strstr(logbuf, "tag-value"));
}

static void
test_server__tp_openapi__http_api_limits(void **state)
{
    (void) state;
    reset(TP_API_HTTP);
    import_ok("{`openapi`: `3.0.0`, `paths`: {`/m`: {`get`: {\n"
        "`x-amazon-apigateway-integration`: {`type`: `MOCK`, "
        "`requestTemplates`: {`a/b`: `{}`}}},\n"
        "`post`: {`x-amazon-apigateway-integration`: {`type`: `AWS_PROXY`,"
        " `uri`: `arn:aws:lambda`, `payloadFormatVersion`: `2.0`, "
        "`integrationSubtype`: `SQS-SendMessage`,\n"
        " `requestParameters`: {`QueueUrl`: `$request.header.q`}}}}}}");
    assert_int_equal(api.nroutes, 1);
    assert_string_equal(route("POST /m")->integ.payload_format, "2.0");
    assert_logged_at("`MOCK`", "HTTP APIs support HTTP_PROXY and AWS_PROXY "
        "integrations, not MOCK; GET /m not routed (at "
        "/paths/~1m/get/x-amazon-apigateway-integration/type)");
    assert_logged("not supported yet: AWS service integrations "
        "(integrationSubtype)");
    import_err("{`openapi`: `3.0.0`, `paths`: {`/m`: {`get`: {\n"
        "`security`: [{`a`: []}, {`b`: []}], " PROXY "}}}}",
        "`security`", "HTTP APIs allow one security requirement",
        "/paths/~1m/get/security");
    reset(TP_API_HTTP);
    import_err("{\n`swagger`: `2.0`, `paths`: {}}", "`swagger`",
        "HTTP APIs import OpenAPI 3.0 documents only", "/swagger");
}

/* --- $ref, security, variables ------------------------------------------ */

static void
test_server__tp_openapi__refs(void **state)
{
    (void) state;
    import_ok("{`openapi`: `3.0.1`, `components`: {\n"
        "`x-amazon-apigateway-integrations`: {`a`: {`$ref`: "
        "`#/components/x-amazon-apigateway-integrations/b`},\n"
        "  `b`: {`type`: `mock`, `responses`: {`$ref`: `#/x-resp`}}},\n"
        "`pathItems`: {`p`: {`get`: {`x-amazon-apigateway-integration`: "
        "{`$ref`: `#/components/x-amazon-apigateway-integrations/a`}}}}},\n"
        "`x-resp`: {`default`: {`statusCode`: `204`}},\n"
        "`paths`: {`/a`: {`$ref`: `#/components/pathItems/p`}}}");
    assert_int_equal(route("GET /a")->integ.type, TP_INTEG_MOCK);
    assert_int_equal(route("GET /a")->integ.responses[0].status, 204);
    import_err("{`openapi`: `3.0.1`, `paths`: {`/x`: {`get`: {\n"
        "`x-amazon-apigateway-integration`: {`$ref`: `#/loop`}}}},\n"
        "`loop`: {`$ref`: `#/loop`}}", "`loop`: {",
        "$ref loop", "/loop/$ref");
    reset(TP_API_REST);
    import_err("{`openapi`: `3.0.1`, `paths`: {`/x`: {`get`: {\n"
        "`x-amazon-apigateway-integration`: {`$ref`: "
        "`other.json#/a`}}}}}", "other.json",
        "external $ref \"other.json#/a\" is not supported",
        "/paths/~1x/get/x-amazon-apigateway-integration/$ref");
    reset(TP_API_REST);
    import_err("{`openapi`: `3.0.1`, `paths`: {`/x`: {`get`: {\n"
        "`x-amazon-apigateway-integration`: {`$ref`: "
        "`#/components/nope`}}}}}", "#/components",
        "$ref \"#/components/nope\" names nothing", NULL);
    reset(TP_API_REST);
    import_err("{`openapi`: `3.0.1`, `x`: [1], `paths`: {`/x`: {`get`: {\n"
        "`x-amazon-apigateway-integration`: {`$ref`: `#/x`}}}}}",
        "`x`: [1]", "x-amazon-apigateway-integration must be an object, not "
        "an array", "/x");
}

static void
test_server__tp_openapi__security(void **state)
{
    struct tp_route *r;

    (void) state;
    import_ok("{`swagger`: `2.0`, `securityDefinitions`: {\n"
        "`sigv4`: {`type`: `apiKey`, `name`: `Authorization`, `in`: "
        "`header`, `x-amazon-apigateway-authtype`: `awsSigv4`},\n"
        "`api_key`: {`type`: `apiKey`, `name`: `x-api-key`, `in`: "
        "`header`},\n"
        "`key2`: {`type`: `apiKey`, `name`: `X-Key`, `in`: `header`},\n"
        "`tok`: {`type`: `apiKey`, `name`: `Authorization`, `in`: `header`,"
        " `x-amazon-apigateway-authtype`: `oauth2`,\n"
        "  `x-amazon-apigateway-authorizer`: {`type`: `TOKEN`, "
        "`authorizerUri`: `arn:x`}},\n"
        "`pool`: {`type`: `apiKey`, `name`: `A`, `in`: `header`, "
        "`x-amazon-apigateway-authtype`: `cognito_user_pools`}},\n"
        "`security`: [{`sigv4`: []}],\n"
        "`paths`: {`/a`: {\n"
        " `get`: {" PROXY "},\n"
        " `put`: {`security`: [], " PROXY "},\n"
        " `post`: {`security`: [{`api_key`: [], `tok`: [`ignored`]}], "
        PROXY "},\n"
        " `patch`: {`security`: [{`pool`: [`s1`]}], " PROXY "},\n"
        " `delete`: {`security`: [{`key2`: []}], "
        "`x-amazon-apigateway-auth`: {`type`: `NONE`}, " PROXY "},\n"
        " `options`: {`security`: [{`nope`: []}], " PROXY "}}}}");
    assert_int_equal(route("GET /a")->authorization, TP_AUTHZ_AWS_IAM);
    assert_int_equal(route("PUT /a")->authorization, TP_AUTHZ_NONE);
    r = route("POST /a");
    assert_true(r->api_key_required);
    assert_int_equal(r->authorization, TP_AUTHZ_CUSTOM);
    assert_string_equal(r->authorizer, "tok");
    assert_int_equal(r->nscopes, 0);
    r = route("PATCH /a");
    assert_int_equal(r->authorization, TP_AUTHZ_COGNITO);
    assert_string_equal(r->authorizer, "pool");
    assert_string_equal(r->scopes[0], "s1");
    r = route("DELETE /a");
    assert_int_equal(r->authorization, TP_AUTHZ_NONE);
    assert_true(r->api_key_required);
    assert_int_equal(route("OPTIONS /a")->authorization, TP_AUTHZ_NONE);
    assert_logged("authorizer \"tok\": authorizerUri \"arn:x\" names no "
        "Lambda function; requests to routes using it are answered 500");
    assert_null(api.authorizers[0].lambda->function);
    assert_int_equal(api.authorizers[0].lambda->ttl_s, 300);
    assert_string_equal(api.authorizers[0].lambda->sources[0].name,
        "authorization");
    assert_logged("API keys are read from the x-api-key header; header "
        "\"X-Key\" ignored");
    assert_logged("security scheme \"nope\" is not defined in "
        "securityDefinitions; ignored (at /paths/~1a/options/security/0/"
        "nope)");
    reset(TP_API_REST);
    import_err("{`swagger`: `2.0`, `securityDefinitions`: {\n"
        "`t1`: {`type`: `apiKey`, `x-amazon-apigateway-authorizer`: "
        "{`type`: `request`}},\n"
        "`sig`: {`type`: `apiKey`, `x-amazon-apigateway-authtype`: "
        "`awsSigv4`}},\n"
        "`paths`: {`/a`: {`get`: {`security`: [{`t1`: [], \n`sig`: []}], "
        PROXY "}}}}", "`sig`: []", "GET /a uses two authorizations "
        "(CUSTOM t1 and AWS_IAM)", "/paths/~1a/get/security/0/sig");
    reset(TP_API_REST);
    import_err("{`swagger`: `2.0`, `securityDefinitions`: {\n"
        "`t1`: {`type`: `apiKey`, `x-amazon-apigateway-authorizer`: "
        "{`type`: `magic`}}}, `paths`: {}}", "`magic`",
        "unknown authorizer type \"magic\"",
        "/securityDefinitions/t1/x-amazon-apigateway-authorizer/type");
}

static void
test_server__tp_openapi__aws_variables(void **state)
{
    struct tp_route *r;

    (void) state;
    import_ok("{`openapi`: `3.0.1`, `paths`: {`/f`: {`post`: {\n"
        "`x-amazon-apigateway-integration`: {`type`: `aws_proxy`, "
        "`httpMethod`: `POST`,\n`uri`: `arn:${AWS::Partition}:apigateway:"
        "${AWS::Region}:lambda:path/2015-03-31/functions/arn:aws:lambda:"
        "${AWS::Region}:${AWS::AccountId}:function:f/invocations${AWS::X}`"
        "}}}}}");
    r = route("POST /f");
    assert_string_equal(r->integ.uri, "arn:aws:apigateway:us-east-1:lambda:"
        "path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:"
        "function:f/invocations${AWS::X}");
}

static void
test_server__tp_openapi__skipped_operations(void **state)
{
    (void) state;
    import_ok("{`openapi`: `3.0.3`, `paths`: {`/pets`: {\n"
        "`summary`: `s`, `parameters`: [], `servers`: [],\n"
        "`post`: {`requestBody`: {}},\n"
        "`trace`: {" PROXY "},\n"
        "`get`: {" PROXY "},\n"
        "`x-amazon-apigateway-integration`: {}}}}");
    assert_int_equal(api.nroutes, 1);
    assert_true(has_route("GET /pets"));
    assert_logged_at("`post`", "operation POST /pets has no "
        "x-amazon-apigateway-integration; not routed (at /paths/~1pets/post)");
    assert_logged_at("`trace`", "API Gateway has no TRACE methods; ignored "
        "(at /paths/~1pets/trace)");
    assert_logged("x-amazon-apigateway-integration has no meaning in a path "
        "item; ignored (at /paths/~1pets/x-amazon-apigateway-integration)");
}

/* --- errors --------------------------------------------------------- */

/* x-amazon-apigateway-policy compiled with the server's scope, and the
 * endpoint configuration's types. */
static void
test_server__tp_openapi__policy(void **state)
{
    struct tp_policy_req q = {
        "execute-api:Invoke",
        "arn:aws:execute-api:us-east-1:123456789012:t/prod/GET/x",
        NULL, NULL, NULL, NULL
    };

    (void) state;
    /* ${AWS::AccountId} is the server's account: both ARNs match */
    import_ok("{`openapi`: `3.0.1`, `paths`: {},\n"
        "`x-amazon-apigateway-policy`: {`Statement`: [{`Effect`: `Allow`, "
        "`Principal`: `*`, `Action`: `execute-api:Invoke`, `Resource`: "
        "`arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:t/prod/*`},"
        "{`Effect`: `Deny`, `Principal`: `*`, `Action`: `*`, "
        "`Resource`: `execute-api:/*/DELETE/*`}]}}");
    assert_non_null(api.policy);
    assert_int_equal(tp_policy_eval(api.policy, &q), TP_POLICY_ALLOW);
    q.resource = "arn:aws:execute-api:us-east-1:123456789012:t/prod/DELETE/x";
    assert_int_equal(tp_policy_eval(api.policy, &q), TP_POLICY_DENY);
    assert_int_equal(api.endpoint_type, TP_ENDPOINT_REGIONAL);

    /* the JSON text in a string works too */
    reset(TP_API_REST);
    import_ok("{`openapi`: `3.0.1`, `paths`: {},\n"
        "`x-amazon-apigateway-policy`: `{\\`Statement\\`: {\\`Effect\\`: "
        "\\`Deny\\`, \\`Principal\\`: \\`*\\`, \\`Action\\`: \\`*\\`, "
        "\\`Resource\\`: \\`*\\`}}`}");
    assert_non_null(api.policy);
    assert_int_equal(tp_policy_eval(api.policy, &q), TP_POLICY_DENY);

    import_err("{`openapi`: `3.0.1`, `paths`: {},\n"
        "`x-amazon-apigateway-policy`: {`Statement`: [{`Effect`: `Allow`, "
        "`Principal`: `*`, `Action`: `*`, `Resource`: `*`, `Condition`: "
        "{`StringEqual`: {`aws:UserAgent`: `x`}}}]}}",
        "`x-amazon-apigateway-policy`", "x-amazon-apigateway-policy: "
        "Statement[0]: unknown condition operator \"StringEqual\"",
        "/x-amazon-apigateway-policy");
    import_err("{`openapi`: `3.0.1`, `paths`: {},\n"
        "`x-amazon-apigateway-policy`: {`Statement`: [{`Effect`: `Allow`, "
        "`Action`: `*`, `Resource`: `*`}]}}", "`x-amazon-apigateway-policy`",
        "Principal (or NotPrincipal) is required in a resource policy",
        NULL);
    import_err("{`openapi`: `3.0.1`, `paths`: {},\n"
        "`x-amazon-apigateway-policy`: [1]}", "`x-amazon-apigateway-policy`",
        "must be an object, not an array", NULL);

    /* HTTP APIs have no resource policies: warned, ignored */
    reset(TP_API_HTTP);
    import_ok("{`openapi`: `3.0.1`, `paths`: {},\n"
        "`x-amazon-apigateway-policy`: {`Statement`: []}}");
    assert_null(api.policy);
    assert_logged_at("`x-amazon-apigateway-policy`", "x-amazon-apigateway-"
        "policy ignored: resource policies are for REST APIs");

    /* endpoint types */
    reset(TP_API_REST);
    import_ok("{`openapi`: `3.0.1`, `paths`: {}, `servers`: [{`url`: `/`,\n"
        "`x-amazon-apigateway-endpoint-configuration`: "
        "{`types`: [`PRIVATE`]}}]}");
    assert_int_equal(api.endpoint_type, TP_ENDPOINT_PRIVATE);
    reset(TP_API_REST);
    import_ok("{`swagger`: `2.0`, `paths`: {},\n"
        "`x-amazon-apigateway-endpoint-configuration`: "
        "{`types`: [`EDGE`], `vpcEndpointIds`: [`vpce-1`]}}");
    assert_int_equal(api.endpoint_type, TP_ENDPOINT_EDGE);
    import_err("{`swagger`: `2.0`, `paths`: {},\n"
        "`x-amazon-apigateway-endpoint-configuration`: "
        "{`types`: [`PUBLIC`]}}", "`PUBLIC`", "unknown endpoint type "
        "\"PUBLIC\" (EDGE, REGIONAL or PRIVATE)", NULL);
    import_err("{`swagger`: `2.0`, `paths`: {},\n"
        "`x-amazon-apigateway-endpoint-configuration`: "
        "{`types`: [`EDGE`, `PRIVATE`]}}", "`EDGE`", "'types' must hold "
        "one endpoint type", NULL);
    reset(TP_API_HTTP);
    import_err("{`openapi`: `3.0.1`, `paths`: {}, `servers`: [{`url`: `/`,\n"
        "`x-amazon-apigateway-endpoint-configuration`: "
        "{`types`: [`PRIVATE`]}}]}", "`x-amazon-apigateway-endpoint",
        "HTTP and WebSocket APIs are REGIONAL only", NULL);
}

static void
test_server__tp_openapi__document_errors(void **state)
{
    (void) state;
    assert_int_equal(import("{`openapi`: `3.0.1`,\n  `paths` {}}"),
        TP_ERROR);
    assert_string_equal(err, FILE_NAME ":2:11: invalid JSON: expected ':' "
        "after an object key");
    import_err("[1]", "[", "an OpenAPI document must be an object, not an "
        "array", "/");
    import_err("{`info`: {}}", "{", "not an OpenAPI document: no "
        "\"openapi\" (3.0) or \"swagger\" (2.0) field", "/");
    import_err("{\n`openapi`: `3.1.0`}", "`openapi`",
        "unsupported OpenAPI version \"3.1.0\"", "/openapi");
    import_err("{\n`swagger`: `1.2`}", "`swagger`",
        "unsupported Swagger version \"1.2\"", "/swagger");
    import_err("{\n`openapi`: 3}", "`openapi`",
        "'openapi' must be a string, not a number", "/openapi");
    import_err("{`openapi`: `3.0.1`,\n`paths`: []}", "`paths`",
        "'paths' must be an object, not an array", "/paths");
    import_err("openapi: 3.0.1\npaths: {}\n", "openapi",
        "YAML OpenAPI files are not supported yet: convert to JSON", NULL);
}

static void
test_server__tp_openapi__path_errors(void **state)
{
    (void) state;
    import_err("{`openapi`: `3.0.1`, `paths`: {\n`/pets{id}`: {}}}",
        "`/pets{id}`", "invalid path \"/pets{id}\": a {parameter} must be "
        "a whole segment", "/paths/~1pets{id}");
    import_err("{`openapi`: `3.0.1`, `paths`: {\n`pets`: {}}}", "`pets`",
        "a path must start with '/'", "/paths/pets");
    import_err("{`openapi`: `3.0.1`, `paths`: {\n`/a//b`: {}}}", "`/a//b`",
        "empty segment", "/paths/~1a~1~1b");
    import_err("{`openapi`: `3.0.1`, `paths`: {\n`/a/`: {}}}", "`/a/`",
        "empty segment", NULL);
    import_err("{`openapi`: `3.0.1`, `paths`: {\n`/a b`: {}}}", "`/a b`",
        "only letters, digits", NULL);
    import_err("{`openapi`: `3.0.1`, `paths`: {\n`/{p+}/x`: {}}}",
        "`/{p+}", "a greedy {name+} must be the last segment", NULL);
    import_err("{`openapi`: `3.0.1`, `paths`: {`/$default`: {\n`get`: {"
        PROXY "}}}}", "`get`", "path \"/$default\" is the $default route",
        "/paths/~1$default/get");
    import_err("{`openapi`: `3.0.1`, `paths`: {`/x`: {`get`: {\n"
        "`isDefaultRoute`: 1, " PROXY "}}}}", "`isDefaultRoute`",
        "'isDefaultRoute' is a boolean", "/paths/~1x/get/isDefaultRoute");
    /* the builder's own checks get the operation's pointer */
    import_err("{`openapi`: `3.0.1`, `paths`: {`/$default`: {\n"
        "`x-amazon-apigateway-any-method`: {`isDefaultRoute`: true, "
        PROXY "}}}}", "`x-amazon-apigateway-any-method`",
        "route '$default' exists only in HTTP APIs",
        "/paths/~1$default/x-amazon-apigateway-any-method");
    import_err("{`openapi`: `3.0.1`, `paths`: {`/x`: {`get`: {" PROXY
        "},\n`get`: {" PROXY "}}}}", "`get`: {`x-amazon-apigateway-integration"
        "`: {`type`: `http_proxy`, `uri`: `http://127.0.0.1:9/x`}}}",
        "route 'GET /x' is defined twice", "/paths/~1x/get");
}

#define OP(integ) "{`openapi`: `3.0.1`, `paths`: {`/pets`: {`get`: {\n" \
    "`x-amazon-apigateway-integration`: {" integ "}}}}}"
#define INTEG_PTR "/paths/~1pets/get/x-amazon-apigateway-integration"

static void
test_server__tp_openapi__integration_errors(void **state)
{
    (void) state;
    import_err(OP("`uri`: `http://h/`,\n`type`: `LAMBDA`"),
        "`LAMBDA`", "unknown integration type \"LAMBDA\" (HTTP_PROXY, HTTP, "
        "MOCK, AWS_PROXY or AWS)", INTEG_PTR "/type");
    import_err(OP("`uri`: `http://h/`"), "`x-amazon-apigateway-integration`",
        "the integration of GET /pets needs 'type'", INTEG_PTR);
    import_err(OP("`type`: `http`"), "`x-amazon-apigateway-integration`",
        "the HTTP integration of GET /pets needs 'uri'", INTEG_PTR);
    import_err(OP("`type`: `mock`,\n`timeoutInMillis`: `soon`"), "`soon`",
        "'timeoutInMillis' must be an integer, not the string \"soon\"",
        INTEG_PTR "/timeoutInMillis");
    import_err(OP("`type`: `mock`,\n`timeoutInMillis`: 1.5"), "1.5",
        "'timeoutInMillis' must be an integer, not a number", NULL);
    import_err(OP("`type`: `mock`,\n`timeoutInMillis`: 10"), "10",
        "'timeoutInMillis' 10 is out of range [50, 86400000]", NULL);
    import_err(OP("`type`: `mock`,\n`requestParameters`: [1]"), "[1]",
        "'requestParameters' must be an object, not an array",
        INTEG_PTR "/requestParameters");
    import_err(OP("`type`: `mock`, `requestParameters`: {\n"
        "`integration.request.header.x`: true}"), "true",
        "'requestParameters' must be a string, not a boolean",
        INTEG_PTR "/requestParameters/integration.request.header.x");
    import_err(OP("`type`: `mock`, `requestParameters`: {\n"
        "`integration.request.bogus.x`: `'v'`}"), "`integration.request.bogus",
        "integration.request.bogus.x", INTEG_PTR
        "/requestParameters/integration.request.bogus.x");
    import_err(OP("`type`: `mock`,\n`passthroughBehavior`: `sometimes`"),
        "`sometimes`", "unknown passthroughBehavior \"sometimes\"",
        INTEG_PTR "/passthroughBehavior");
    import_err(OP("`type`: `mock`, `responses`: {`default`: {\n"
        "`statusCode`: `abc`}}"), "`abc`", "invalid status code \"abc\"",
        INTEG_PTR "/responses/default/statusCode");
    import_err(OP("`type`: `mock`, `responses`: {\n`default`: {}}"),
        "`default`", "an integration response needs 'statusCode'",
        INTEG_PTR "/responses/default");
    import_err(OP("`type`: `mock`,\n`payloadFormatVersion`: `3.0`"), "`3.0`",
        "'payloadFormatVersion' must be \"1.0\" or \"2.0\"", NULL);
    import_err(OP("`type`: `mock`,\n`contentHandling`: `ZIP`"), "`ZIP`",
        "unknown 'contentHandling' \"ZIP\"", NULL);
    import_err(OP("`type`: `mock`,\n`uri`: `a\\u0000b`"), "`a\\u0000b`",
        "'uri' contains a NUL character", INTEG_PTR "/uri");
    /* the builder's regex check: the response line, the route pointer */
    import_err(OP("`type`: `mock`, `responses`: {\n`(`: {`statusCode`: "
        "200}}"), "`(`", "invalid selection pattern \"(\"",
        "/paths/~1pets/get");
}

static void
test_server__tp_openapi__root_errors(void **state)
{
    (void) state;
    import_err("{`openapi`: `3.0.1`, `paths`: {},\n"
        "`x-amazon-apigateway-gateway-responses`: {\n`NOPE`: {}}}", "`NOPE`",
        "unknown gateway response type \"NOPE\"",
        "/x-amazon-apigateway-gateway-responses/NOPE");
    import_err("{`openapi`: `3.0.1`, `paths`: {},\n"
        "`x-amazon-apigateway-gateway-responses`: {`DEFAULT_5XX`: "
        "{`responseParameters`: {\n`gatewayresponse.header.x`: "
        "`nope.x`}}}}", "`gatewayresponse", "nope.x", "/x-amazon-apigateway-"
        "gateway-responses/DEFAULT_5XX/responseParameters/"
        "gatewayresponse.header.x");
    reset(TP_API_HTTP);
    import_err("{`openapi`: `3.0.1`, `paths`: {},\n"
        "`x-amazon-apigateway-cors`: {\n`maxAge`: `x`}}", "`x`}",
        "'maxAge' must be a non-negative integer, not a string",
        "/x-amazon-apigateway-cors/maxAge");
    reset(TP_API_HTTP);
    import_err("{`openapi`: `3.0.1`, `paths`: {},\n"
        "`x-amazon-apigateway-cors`: {\n`allowOrigins`: `*`}}", "`*`",
        "'allowOrigins' must be an array, not a string", NULL);
    reset(TP_API_REST);
    import_err("{`openapi`: `3.0.1`, `paths`: {},\n"
        "`x-amazon-apigateway-binary-media-types`: [\n1]}", "1]",
        "must be a string, not a number",
        "/x-amazon-apigateway-binary-media-types/0");
    import_err("{`openapi`: `3.0.1`, `paths`: {},\n"
        "`x-amazon-apigateway-api-key-source`: `BODY`}", "`BODY`",
        "must be HEADER or AUTHORIZER", NULL);
    import_err("{`openapi`: `3.0.1`, `paths`: {},\n"
        "`x-amazon-apigateway-endpoint-configuration`: "
        "{`disableExecuteApiEndpoint`: `yes`}}", "`yes`",
        "'disableExecuteApiEndpoint' must be a boolean, not a string", NULL);
}

/* --- the file and the config file ------------------------------------- */

static const char *
write_file(const char *name, const char *content, size_t len)
{
    static char path[PATH_MAX + 64];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
    f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(fwrite(content, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    return path;
}

static void
test_server__tp_openapi__files(void **state)
{
    char *big, want[PATH_MAX + 128];
    const char *p;

    (void) state;
    api.src.file = "/etc/tp/turnpike.conf";
    api.src.line = 7;
    snprintf(want, sizeof(want), "%s/missing.json", tmpdir);
    assert_int_equal(tp_openapi_import(&ctx, &api, want), TP_ERROR);
    assert_non_null(strstr(err, "/etc/tp/turnpike.conf:7: cannot read "
        "OpenAPI file \""));
    assert_non_null(strstr(err, "missing.json\": No such file or "
        "directory"));
    reset(TP_API_REST);
    assert_int_equal(tp_openapi_import(&ctx, &api, tmpdir), TP_ERROR);
    assert_non_null(strstr(err, "\": not a file"));
    reset(TP_API_REST);
    big = malloc(6 * 1024 * 1024 + 2);
    assert_non_null(big);
    memset(big, ' ', 6 * 1024 * 1024 + 1);
    big[0] = '{';
    big[6 * 1024 * 1024] = '}';
    p = write_file("big.json", big, 6 * 1024 * 1024 + 1);
    free(big);
    assert_int_equal(tp_openapi_import(&ctx, &api, p), TP_ERROR);
    assert_non_null(strstr(err, "larger than 6 MiB"));
    reset(TP_API_REST);
    q("{`openapi`: `3.0.1`, `paths`: {`/a`: {`get`: {" PROXY "}}}}");
    p = write_file("ok.json", text, strlen(text));
    assert_int_equal(tp_openapi_import(&ctx, &api, p), TP_OK);
    assert_string_equal(route("GET /a")->src.file, p);
}

/* Through tp_conf_load: a relative path, config routes replacing imported
 * ones, imported binary media types kept. */
static void
test_server__tp_openapi__config(void **state)
{
    char conf[4096], cerr[1024];
    struct tp_conf_opts o;
    struct tp_model *m;
    struct tp_api *a;
    unsigned i;

    (void) state;
    q("{`swagger`: `2.0`, "
        "`x-amazon-apigateway-binary-media-types`: [`image/png`],\n"
        "`paths`: {`/pets`: {`get`: {`x-amazon-apigateway-integration`: "
        "{`type`: `mock`}},\n`post`: {" PROXY "}}}}");
    write_file("pets.json", text, strlen(text));
    snprintf(conf, sizeof(conf), "listeners = ( { address = "
        "\"127.0.0.1:8080\"; } );\napis = ( { id = \"p\"; openapi = "
        "\"pets.json\"; stages = ( { name = \"prod\"; } );\n"
        "  routes = ( { route = \"GET /pets\"; integration = { type = "
        "\"HTTP_PROXY\"; uri = \"http://127.0.0.1:9/p\"; }; } ); } );\n");
    memset(&o, 0, sizeof(o));
    o.path = write_file("t.conf", conf, strlen(conf));
    m = tp_conf_load(&arena, &o, cerr, sizeof(cerr));
    if (m == NULL) {
        fail_msg("config rejected: %s", cerr);
    }
    a = &m->apis[0];
    assert_int_equal(a->nroutes, 2);
    for (i = 0; i < a->nroutes; i++) {
        if (strcmp(a->routes[i].key, "GET /pets") == 0) {
            assert_false(a->routes[i].imported);
            assert_int_equal(a->routes[i].integ.type, TP_INTEG_HTTP_PROXY);
        } else {
            assert_string_equal(a->routes[i].key, "POST /pets");
            assert_true(a->routes[i].imported);
        }
    }
    assert_int_equal(a->nbinary_types, 1);
    assert_string_equal(a->binary_types[0], "image/png");
    assert_non_null(strstr(a->openapi, "/pets.json"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
        T(test_server__tp_openapi__conformance),
        T(test_server__tp_openapi__rest_extensions),
        T(test_server__tp_openapi__http_api),
        T(test_server__tp_openapi__http_api_limits),
        T(test_server__tp_openapi__refs),
        T(test_server__tp_openapi__security),
        T(test_server__tp_openapi__aws_variables),
        T(test_server__tp_openapi__skipped_operations),
        T(test_server__tp_openapi__policy),
        T(test_server__tp_openapi__document_errors),
        T(test_server__tp_openapi__path_errors),
        T(test_server__tp_openapi__integration_errors),
        T(test_server__tp_openapi__root_errors),
        T(test_server__tp_openapi__files),
        T(test_server__tp_openapi__config),
#undef T
    };

    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
