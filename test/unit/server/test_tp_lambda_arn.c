/*
 * test_tp_lambda_arn.c: unit tests of Lambda function names and ARNs
 * (tp_lambda_arn.c): every FunctionName form the Invoke API takes, the
 * integration uri forms (a Lambda ARN, API Gateway's lambda path), and
 * what is refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "tp_lambda_arn.h"

static bool
is(struct tp_str s, const char *want)
{
    return s.len == strlen(want)
        && (s.len == 0 || memcmp(s.p, want, s.len) == 0);
}

/* <in> parses as a FunctionName into exactly these parts. */
static bool
name_ok(const char *in, const char *region, const char *account,
    const char *name, const char *qualifier)
{
    struct tp_lambda_ref r;

    return tp_lambda_name_parse(in, strlen(in), &r) == TP_OK
        && is(r.region, region) && is(r.account, account)
        && is(r.name, name) && is(r.qualifier, qualifier);
}

static bool
name_bad(const char *in)
{
    struct tp_lambda_ref r;

    return tp_lambda_name_parse(in, strlen(in), &r) == TP_ERROR;
}

static void
test_server__tp_lambda_arn__names(void **state)
{
    (void) state;
    assert_true(name_ok("my-function", "", "", "my-function", ""));
    assert_true(name_ok("my_fn.v2", "", "", "my_fn.v2", ""));
    assert_true(name_ok("my-function:prod", "", "", "my-function", "prod"));
    assert_true(name_ok("my-function:$LATEST", "", "", "my-function",
        "$LATEST"));
    assert_true(name_ok("123456789012:function:f", "", "123456789012", "f",
        ""));
    assert_true(name_ok("123456789012:function:f:7", "", "123456789012",
        "f", "7"));
    assert_true(name_ok("arn:aws:lambda:us-west-2:123456789012:function:f",
        "us-west-2", "123456789012", "f", ""));
    assert_true(name_ok("arn:aws:lambda:us-gov-west-1:123456789012:"
        "function:f:live", "us-gov-west-1", "123456789012", "f", "live"));
    assert_true(name_ok("arn:aws-cn:lambda:cn-north-1:123456789012:"
        "function:f", "cn-north-1", "123456789012", "f", ""));
    /* A name that looks like a region or an account is still a name. */
    assert_true(name_ok("us-east-1", "", "", "us-east-1", ""));
    assert_true(name_ok("123456789012", "", "", "123456789012", ""));
}

static void
test_server__tp_lambda_arn__names_refused(void **state)
{
    char longname[80];

    (void) state;
    assert_true(name_bad(""));
    assert_true(name_bad("a b"));
    assert_true(name_bad("f:"));
    assert_true(name_bad(":f"));
    assert_true(name_bad("f:pro.d"));            /* no '.' in qualifiers */
    assert_true(name_bad("f:a:b"));
    assert_true(name_bad("arn:aws:s3:::bucket"));
    assert_true(name_bad("arn:aws:lambda:us-east-1:123456789012:layer:x"));
    assert_true(name_bad("arn:gcp:lambda:us-east-1:123456789012:function:f"));
    memset(longname, 'a', 65);
    longname[65] = '\0';
    assert_true(name_bad(longname));
    longname[64] = '\0';
    assert_true(name_ok(longname, "", "", longname, ""));
}

static bool
uri_ok(const char *in, const char *region, const char *name,
    const char *qualifier)
{
    struct tp_lambda_ref r;

    return tp_lambda_uri_parse(in, &r) == TP_OK && is(r.region, region)
        && is(r.account, "123456789012") && is(r.name, name)
        && is(r.qualifier, qualifier);
}

static void
test_server__tp_lambda_arn__uris(void **state)
{
    struct tp_lambda_ref r;

    (void) state;
    assert_true(uri_ok("arn:aws:lambda:eu-west-1:123456789012:function:f",
        "eu-west-1", "f", ""));
    assert_true(uri_ok("arn:aws:lambda:eu-west-1:123456789012:function:f:a",
        "eu-west-1", "f", "a"));
    assert_true(uri_ok("arn:aws:apigateway:us-east-1:lambda:path/"
        "2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:"
        "function:hello/invocations", "us-east-1", "hello", ""));
    assert_true(uri_ok("arn:aws:apigateway:us-east-1:lambda:path/"
        "2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:"
        "function:hello:prod/invocations", "us-east-1", "hello", "prod"));
    assert_int_equal(tp_lambda_uri_parse("http://example.com/x", &r),
        TP_DECLINED);
    assert_int_equal(tp_lambda_uri_parse("https://lambda.x/", &r),
        TP_DECLINED);
    /* Lambda forms that are not whole */
    assert_int_equal(tp_lambda_uri_parse("arn:aws:lambda:us-east-1:"
        "function:f", &r), TP_ERROR);
    assert_int_equal(tp_lambda_uri_parse("arn:aws:lambda:::function:f", &r),
        TP_ERROR);
    assert_int_equal(tp_lambda_uri_parse("arn:aws:apigateway:us-east-1:"
        "lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:"
        "123456789012:function:f", &r), TP_ERROR);
    assert_int_equal(tp_lambda_uri_parse("arn:aws:apigateway:us-east-1:"
        "lambda:path/2015-03-31/functions/f/invocations", &r), TP_ERROR);
    assert_int_equal(tp_lambda_uri_parse("arn:aws:apigateway:us-east-1:"
        "s3:path/bucket/key", &r), TP_ERROR);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_server__tp_lambda_arn__names),
        cmocka_unit_test(test_server__tp_lambda_arn__names_refused),
        cmocka_unit_test(test_server__tp_lambda_arn__uris),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
