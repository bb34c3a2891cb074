/*
 * test_tp_lambda_resp.c: unit tests of the Lambda proxy answer parser
 * (tp_lambda_resp.c): the AWS-validated table of
 * ../shared/reference/lambda.md 5.1 for payload 1.0, and 5.2's
 * inference, cookies and base64 for 2.0.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "tp_lambda_resp.h"

static struct tp_arena arena;
static struct tp_lresp res;

static int
parse(bool v2, const char *payload)
{
    const char *why = NULL;
    int rc;

    tp_arena_reset(&arena);
    rc = tp_lambda_resp_parse(&arena, v2, (struct tp_str) { payload,
        strlen(payload) }, &res, &why);
    if (rc != TP_OK) {
        assert_non_null(why);
    }
    return rc;
}

static void
expect_header(const char *name, const char *want)
{
    struct tp_str v = tp_lambda_resp_header(&res, name);

    if (want == NULL) {
        assert_null(v.p);
        return;
    }
    if (v.p == NULL || v.len != strlen(want) || memcmp(v.p, want, v.len)) {
        fail_msg("%s: \"%.*s\", want \"%s\"", name, (int) v.len,
            v.p != NULL ? v.p : "", want);
    }
}

static void
expect_body(const char *want)
{
    assert_int_equal(res.body.len, strlen(want));
    assert_memory_equal(res.body.p, want, res.body.len);
}

static void
test_server__tp_lambda_resp__v1_table(void **state)
{
    (void) state;
    /* lambda.md 5.1, row by row */
    assert_int_equal(parse(false, "{\"statusCode\":200}"), TP_OK);
    assert_int_equal(res.status, 200);
    expect_body("");
    assert_int_equal(parse(false, "{\"statusCode\":\"201\"}"), TP_OK);
    assert_int_equal(res.status, 201);
    assert_int_equal(parse(false, "{\"statusCode\":\"test\"}"), TP_ERROR);
    assert_int_equal(parse(false, "{\"headers\":{\"test-header\":\"value\"}}"),
        TP_OK);
    assert_int_equal(res.status, 200);
    expect_header("test-header", "value");
    assert_int_equal(parse(false, "{}"), TP_ERROR);
    assert_int_equal(parse(false, "\"justAString\""), TP_ERROR);
    assert_int_equal(parse(false, "{\"statusCode\":200,\"wrongValue\":1}"),
        TP_ERROR);
    assert_int_equal(parse(false, "{\"statusCode\":200,"
        "\"headers\":{\"h\":true,\"n\":12}}"), TP_OK);
    expect_header("h", "true");
    expect_header("n", "12");
    assert_int_equal(parse(false, "{\"statusCode\":200,\"headers\":null}"),
        TP_OK);
    assert_int_equal(res.nheaders, 0);
    assert_int_equal(parse(false, "{\"statusCode\":200,"
        "\"multiValueHeaders\":{\"m\":[\"v1\",\"v2\"]}}"), TP_OK);
    expect_header("m", "v1, v2");
    assert_int_equal(parse(false, "{\"statusCode\":200,"
        "\"multiValueHeaders\":{\"m\":\"v1\"}}"), TP_ERROR);
    assert_int_equal(parse(false, "{\"statusCode\":200,"
        "\"multiValueHeaders\":{\"tesT-Multi\":[\"a\"]},"
        "\"headers\":{\"test-multi\":\"b\"}}"), TP_OK);
    assert_int_equal(res.nheaders, 1);
    assert_int_equal(res.headers[0].name.len, 10);
    assert_memory_equal(res.headers[0].name.p, "tesT-Multi", 10);
    expect_header("test-multi", "a, b");
    assert_int_equal(parse(false, "{\"statusCode\":200,\"body\":\"aGk=\","
        "\"isBase64Encoded\":true}"), TP_OK);
    assert_true(res.b64);
    expect_body("aGk=");
}

static void
test_server__tp_lambda_resp__v1_rules(void **state)
{
    (void) state;
    assert_int_equal(parse(false, "{\"statusCode\":404,\"body\":"
        "\"{\\\"a\\\":\\\"\\u00e9\\\"}\"}"), TP_OK);
    assert_int_equal(res.status, 404);
    expect_body("{\"a\":\"\xc3\xa9\"}");
    assert_false(res.b64);
    /* Set-Cookie values stay one per header line */
    assert_int_equal(parse(false, "{\"statusCode\":200,\"multiValueHeaders\":"
        "{\"Set-Cookie\":[\"a=1\",\"b=2\"]},\"headers\":"
        "{\"set-cookie\":\"c=3\"}}"), TP_OK);
    assert_int_equal(res.nheaders, 3);
    /* no response splitting: control characters become blanks */
    assert_int_equal(parse(false, "{\"statusCode\":200,\"headers\":"
        "{\"x\":\"a\\r\\nInjected: 1\"}}"), TP_OK);
    expect_header("x", "a  Injected: 1");
    assert_int_equal(parse(false, "{\"statusCode\":200,\"headers\":"
        "{\"bad name\":\"v\"}}"), TP_ERROR);
    assert_int_equal(parse(false, "{\"statusCode\":200,\"headers\":"
        "{\"h\":{\"o\":1}}}"), TP_ERROR);
    assert_int_equal(parse(false, "{\"statusCode\":200,\"headers\":[1]}"),
        TP_ERROR);
    assert_int_equal(parse(false, "{\"statusCode\":200,\"body\":{}}"),
        TP_ERROR);
    assert_int_equal(parse(false, "{\"statusCode\":200,\"body\":null}"),
        TP_OK);
    assert_int_equal(parse(false, "{\"statusCode\":200,"
        "\"isBase64Encoded\":\"yes\"}"), TP_ERROR);
    assert_int_equal(parse(false, "{\"statusCode\":99}"), TP_ERROR);
    assert_int_equal(parse(false, "{\"statusCode\":600}"), TP_ERROR);
    assert_int_equal(parse(false, "{\"statusCode\":200.5}"), TP_ERROR);
    assert_int_equal(parse(false, "{\"statusCode\":\"2000\"}"), TP_ERROR);
    assert_int_equal(parse(false, "{\"statusCode\":\"\"}"), TP_ERROR);
    assert_int_equal(parse(false, "{\"statusCode\":200"), TP_ERROR);
    assert_int_equal(parse(false, ""), TP_ERROR);
    assert_int_equal(parse(false, "null"), TP_ERROR);
    /* 2.0's keys are unexpected in 1.0 */
    assert_int_equal(parse(false, "{\"statusCode\":200,\"cookies\":[]}"),
        TP_ERROR);
}

static void
test_server__tp_lambda_resp__v2(void **state)
{
    (void) state;
    assert_int_equal(parse(true, "{\"cookies\":[\"c1=v1; Secure\","
        "\"c2=v2\"],\"isBase64Encoded\":false,\"statusCode\":201,"
        "\"headers\":{\"content-type\":\"text/plain\"},\"body\":\"Hello\"}"),
        TP_OK);
    assert_int_equal(res.status, 201);
    assert_false(res.inferred);
    expect_header("content-type", "text/plain");
    expect_body("Hello");
    assert_int_equal(res.nheaders, 3);
    assert_memory_equal(res.headers[1].name.p, "Set-Cookie", 10);
    assert_memory_equal(res.headers[1].value.p, "c1=v1; Secure", 13);
    assert_memory_equal(res.headers[2].value.p, "c2=v2", 5);

    /* lambda.md 5.2's inference */
    assert_int_equal(parse(true, "\"Hello from Lambda!\""), TP_OK);
    assert_int_equal(res.status, 200);
    assert_true(res.inferred);
    expect_header("content-type", "application/json");
    expect_body("Hello from Lambda!");
    assert_int_equal(parse(true, "{\"message\":\"Hello from Lambda!\"}"),
        TP_OK);
    assert_int_equal(res.status, 200);
    expect_body("{\"message\":\"Hello from Lambda!\"}");
    assert_false(res.b64);
    assert_int_equal(parse(true, "[1,2]"), TP_OK);
    expect_body("[1,2]");
    assert_int_equal(parse(true, "42"), TP_OK);
    expect_body("42");
    assert_int_equal(parse(true, "{}"), TP_OK);
    expect_body("{}");

    assert_int_equal(parse(true, "{\"statusCode\":200,\"body\":\"aGk=\","
        "\"isBase64Encoded\":true}"), TP_OK);
    assert_true(res.b64);
    assert_int_equal(parse(true, "{\"statusCode\":\"x\"}"), TP_ERROR);
    assert_int_equal(parse(true, "{\"statusCode\":200,\"cookies\":\"a=1\"}"),
        TP_ERROR);
    assert_int_equal(parse(true, "{\"statusCode\":200,\"cookies\":[1]}"),
        TP_ERROR);
    assert_int_equal(parse(true, "not json"), TP_ERROR);
    assert_int_equal(parse(true, ""), TP_ERROR);
}

static int
setup(void **state)
{
    (void) state;
    tp_arena_init(&arena, 4096);
    return 0;
}

static int
teardown(void **state)
{
    (void) state;
    tp_arena_free(&arena);
    return 0;
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_server__tp_lambda_resp__v1_table),
        cmocka_unit_test(test_server__tp_lambda_resp__v1_rules),
        cmocka_unit_test(test_server__tp_lambda_resp__v2),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
