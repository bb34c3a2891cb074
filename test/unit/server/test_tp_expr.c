/*
 * test_tp_expr.c: unit tests of server/tp_expr.c, the mapping-expression
 * compiler (REST and HTTP API dialects).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "tp_expr.h"

static struct tp_arena arena;
static char err[512];

static int
setup(void **state)
{
    (void) state;
    tp_arena_init(&arena, 4096);
    err[0] = '\0';
    return 0;
}

static int
teardown(void **state)
{
    (void) state;
    tp_arena_free(&arena);
    return 0;
}

static struct tp_mapping
ok(enum tp_map_dialect d, const char *key, const char *value)
{
    struct tp_mapping m;

    if (tp_mapping_compile(&arena, d, key, value, &m, err, sizeof(err))
        != TP_OK)
    {
        fail_msg("\"%s\" = \"%s\" rejected: %s", key, value, err);
    }
    return m;
}

static void
bad(enum tp_map_dialect d, const char *key, const char *value,
    const char *what)
{
    struct tp_mapping m;

    err[0] = '\0';
    assert_int_equal(tp_mapping_compile(&arena, d, key, value, &m, err,
        sizeof(err)), TP_ERROR);
    if (strstr(err, what) == NULL) {
        fail_msg("message \"%s\" lacks \"%s\"", err, what);
    }
}

static void
part(const struct tp_expr *e, unsigned i, int kind, const char *name)
{
    assert_true(i < e->nparts);
    assert_int_equal(e->parts[i].kind, kind);
    assert_int_equal(e->parts[i].len, strlen(name));
    assert_memory_equal(e->parts[i].name, name, strlen(name));
}

static void
test_server__tp_expr__rest_request_targets(void **state)
{
    struct tp_mapping m;

    (void) state;
    m = ok(TP_MAP_REST_REQUEST, "integration.request.header.X-Id",
        "method.request.querystring.id");
    assert_int_equal(m.target, TP_MT_HEADER);
    assert_int_equal(m.action, TP_MA_SET);
    assert_string_equal(m.name, "X-Id");
    part(&m.value, 0, TP_EX_REQ_QUERY, "id");
    m = ok(TP_MAP_REST_REQUEST, "integration.request.querystring.q",
        "'a b'");
    assert_int_equal(m.target, TP_MT_QUERY);
    part(&m.value, 0, TP_EX_STATIC, "a b");
    m = ok(TP_MAP_REST_REQUEST, "integration.request.path.proxy",
        "method.request.path.proxy");
    assert_int_equal(m.target, TP_MT_PATH);
    part(&m.value, 0, TP_EX_REQ_PATH, "proxy");
}

static void
test_server__tp_expr__rest_request_sources(void **state)
{
    struct tp_mapping m;

    (void) state;
    m = ok(TP_MAP_REST_REQUEST, "integration.request.header.a",
        "method.request.header.Authorization");
    part(&m.value, 0, TP_EX_REQ_HEADER, "Authorization");
    m = ok(TP_MAP_REST_REQUEST, "integration.request.header.a",
        "method.request.multivalueheader.x");
    part(&m.value, 0, TP_EX_REQ_MULTI_HEADER, "x");
    m = ok(TP_MAP_REST_REQUEST, "integration.request.header.a",
        "method.request.multivaluequerystring.x");
    part(&m.value, 0, TP_EX_REQ_MULTI_QUERY, "x");
    m = ok(TP_MAP_REST_REQUEST, "integration.request.header.a",
        "method.request.body");
    part(&m.value, 0, TP_EX_REQ_BODY, "");
    m = ok(TP_MAP_REST_REQUEST, "integration.request.header.a",
        "method.request.body.pets[0].name");
    part(&m.value, 0, TP_EX_REQ_BODY, "pets[0].name");
    m = ok(TP_MAP_REST_REQUEST, "integration.request.header.a",
        "context.requestId");
    part(&m.value, 0, TP_EX_CONTEXT, "requestId");
    m = ok(TP_MAP_REST_REQUEST, "integration.request.header.a",
        "stageVariables.color");
    part(&m.value, 0, TP_EX_STAGEVAR, "color");
    m = ok(TP_MAP_REST_REQUEST, "integration.request.header.a", "''");
    part(&m.value, 0, TP_EX_STATIC, "");
}

static void
test_server__tp_expr__rest_errors(void **state)
{
    (void) state;
    bad(TP_MAP_REST_REQUEST, "integration.response.header.a",
        "'x'", "invalid mapping target");
    bad(TP_MAP_REST_REQUEST, "integration.request.cookie.a", "'x'",
        "invalid mapping target");
    bad(TP_MAP_REST_REQUEST, "integration.request.header.", "'x'",
        "invalid name in mapping target");
    bad(TP_MAP_REST_REQUEST, "integration.request.header.a b", "'x'",
        "invalid name");
    bad(TP_MAP_REST_REQUEST, "integration.request.header.a",
        "method.request.cookie.x", "invalid mapping source");
    bad(TP_MAP_REST_REQUEST, "integration.request.header.a", "x",
        "invalid mapping source");
    bad(TP_MAP_REST_REQUEST, "integration.request.header.a",
        "method.request.header.", "invalid mapping source");
    bad(TP_MAP_REST_REQUEST, "integration.request.header.a",
        "integration.response.header.x", "invalid mapping source");
    bad(TP_MAP_REST_REQUEST, "integration.request.header.a", "'open",
        "invalid mapping source");
}

static void
test_server__tp_expr__rest_response(void **state)
{
    struct tp_mapping m;

    (void) state;
    m = ok(TP_MAP_REST_RESPONSE, "method.response.header.Location",
        "integration.response.body.redirect.url");
    assert_int_equal(m.target, TP_MT_HEADER);
    part(&m.value, 0, TP_EX_RESP_BODY, "redirect.url");
    m = ok(TP_MAP_REST_RESPONSE, "method.response.header.X",
        "integration.response.header.Y");
    part(&m.value, 0, TP_EX_RESP_HEADER, "Y");
    m = ok(TP_MAP_REST_RESPONSE, "method.response.header.X",
        "integration.response.multivalueheader.Y");
    part(&m.value, 0, TP_EX_RESP_MULTI_HEADER, "Y");
    bad(TP_MAP_REST_RESPONSE, "method.response.querystring.x", "'y'",
        "invalid mapping target");
    bad(TP_MAP_REST_RESPONSE, "method.response.header.x",
        "method.request.header.y", "invalid mapping source");
}

static void
test_server__tp_expr__gateway_response(void **state)
{
    struct tp_mapping m;

    (void) state;
    m = ok(TP_MAP_GW_RESPONSE, "gatewayresponse.header.Access-Control-"
        "Allow-Origin", "'*'");
    assert_string_equal(m.name, "Access-Control-Allow-Origin");
    part(&m.value, 0, TP_EX_STATIC, "*");
    m = ok(TP_MAP_GW_RESPONSE, "gatewayresponse.header.X",
        "method.request.header.Origin");
    part(&m.value, 0, TP_EX_REQ_HEADER, "Origin");
    bad(TP_MAP_GW_RESPONSE, "gatewayresponse.header.X",
        "method.request.body", "cannot map the request body");
}

static void
test_server__tp_expr__http_keys(void **state)
{
    struct tp_mapping m;

    (void) state;
    m = ok(TP_MAP_HTTP_REQUEST, "append:header.x-a", "$request.header.b");
    assert_int_equal(m.action, TP_MA_APPEND);
    assert_int_equal(m.target, TP_MT_HEADER);
    assert_string_equal(m.name, "x-a");
    m = ok(TP_MAP_HTTP_REQUEST, "overwrite:querystring.q", "v");
    assert_int_equal(m.action, TP_MA_OVERWRITE);
    assert_int_equal(m.target, TP_MT_QUERY);
    m = ok(TP_MAP_HTTP_REQUEST, "remove:header.x-a", "");
    assert_int_equal(m.action, TP_MA_REMOVE);
    assert_int_equal(m.value.nparts, 0);
    m = ok(TP_MAP_HTTP_REQUEST, "overwrite:path", "/v2$request.path");
    assert_int_equal(m.target, TP_MT_PATH_WHOLE);
    m = ok(TP_MAP_HTTP_RESPONSE, "overwrite:statuscode", "403");
    assert_int_equal(m.target, TP_MT_STATUS);
    bad(TP_MAP_HTTP_REQUEST, "set:header.x", "v", "invalid mapping action");
    bad(TP_MAP_HTTP_REQUEST, "header.x", "v", "invalid mapping key");
    bad(TP_MAP_HTTP_REQUEST, "append:path", "v", "invalid mapping key");
    bad(TP_MAP_HTTP_REQUEST, "overwrite:statuscode", "v",
        "invalid mapping key");
    bad(TP_MAP_HTTP_RESPONSE, "append:querystring.q", "v",
        "invalid mapping key");
    bad(TP_MAP_HTTP_REQUEST, "append:header.x-a\r\nx-b", "v",
        "invalid name in mapping key");
    bad(TP_MAP_HTTP_RESPONSE, "overwrite:header.x:y", "v",
        "invalid name in mapping key");
    bad(TP_MAP_HTTP_REQUEST, "append:querystring.a&b", "v",
        "invalid name in mapping key");
    bad(TP_MAP_HTTP_REQUEST, "append:header.Authorization", "v",
        "reserved");
    bad(TP_MAP_HTTP_REQUEST, "overwrite:header.x-amzn-trace", "v",
        "reserved");
    bad(TP_MAP_HTTP_REQUEST, "overwrite:header.Access-Control-Allow-Origin",
        "v", "reserved");
}

static void
test_server__tp_expr__http_values(void **state)
{
    struct tp_mapping m;

    (void) state;
    m = ok(TP_MAP_HTTP_REQUEST, "overwrite:header.x",
        "a-$request.header.h,${request.querystring.q}/$context.requestId");
    assert_int_equal(m.value.nparts, 6);
    part(&m.value, 0, TP_EX_STATIC, "a-");
    part(&m.value, 1, TP_EX_REQ_MULTI_HEADER, "h");
    part(&m.value, 2, TP_EX_STATIC, ",");
    part(&m.value, 3, TP_EX_REQ_MULTI_QUERY, "q");
    part(&m.value, 4, TP_EX_STATIC, "/");
    part(&m.value, 5, TP_EX_CONTEXT, "requestId");
    m = ok(TP_MAP_HTTP_REQUEST, "overwrite:path", "$request.path");
    part(&m.value, 0, TP_EX_REQ_PATH_WHOLE, "");
    m = ok(TP_MAP_HTTP_REQUEST, "overwrite:header.x", "$request.path.id");
    part(&m.value, 0, TP_EX_REQ_PATH, "id");
    m = ok(TP_MAP_HTTP_REQUEST, "overwrite:header.x",
        "${stageVariables.v}x");
    part(&m.value, 0, TP_EX_STAGEVAR, "v");
    part(&m.value, 1, TP_EX_STATIC, "x");
    m = ok(TP_MAP_HTTP_RESPONSE, "append:header.x", "$response.header.y");
    part(&m.value, 0, TP_EX_RESP_MULTI_HEADER, "y");
    bad(TP_MAP_HTTP_REQUEST, "overwrite:header.x", "$response.header.y",
        "invalid mapping value");
    bad(TP_MAP_HTTP_RESPONSE, "append:header.x", "$request.header.y",
        "invalid mapping value");
    bad(TP_MAP_HTTP_REQUEST, "overwrite:header.x", "${request.header.y",
        "unterminated");
    bad(TP_MAP_HTTP_REQUEST, "overwrite:header.x", "$foo", "invalid");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
        T(test_server__tp_expr__rest_request_targets),
        T(test_server__tp_expr__rest_request_sources),
        T(test_server__tp_expr__rest_errors),
        T(test_server__tp_expr__rest_response),
        T(test_server__tp_expr__gateway_response),
        T(test_server__tp_expr__http_keys),
        T(test_server__tp_expr__http_values),
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
