/*
 * test_tp_lambda_event.c: unit tests of the Lambda proxy event builder
 * (tp_lambda_event.c, with tp_jsonw.c and tp_base64.c): the samples and
 * field rules of ../shared/reference/lambda.md sections 1-3, read back
 * with the JSON parser, for REST, HTTP API 1.0 and 2.0.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "tp_base64.h"
#include "tp_json.h"
#include "tp_jsonw.h"
#include "tp_lambda_event.h"

#define KV(n, v) { TP_STR(n), TP_STR(v) }

static struct tp_arena arena;
static struct tp_json doc;

static const struct tp_lev_kv headers[] = {
    KV("Host", "abc123.execute-api.us-east-1.amazonaws.com"),
    KV("Accept", "text/html"),
    KV("Content-Length", "25"),
    KV("Connection", "keep-alive"),
    KV("X-Multi", "one"),
    KV("Cookie", "c1=v1; c2=v2"),
    KV("x-multi", "two"),
    KV("User-Agent", "curl/8.0"),
    KV("Cookie", "c3=v3"),
};

static const struct tp_lev_kv params[] = {
    KV("proxy", "proxy-value"), KV("id", "a%20b%2Fc"),
};
static const struct tp_lev_kv vars[] = { KV("env", "dev") };

static void
base_in(struct tp_lev_in *in, enum tp_lev_format f)
{
    memset(in, 0, sizeof(*in));
    in->format = (uint8_t) f;
    in->method = TP_STR("POST");
    in->resource = TP_STR("/{proxy+}");
    in->route_key = TP_STR("POST /{proxy+}");
    in->path = TP_STR("/proxy-value");
    in->raw_path = TP_STR("/prod/proxy-value");
    in->query = TP_STR("category=electronics&category=books&price=10"
                       "&price=20&price=30&q=a%20b%2Bc+d&flag");
    in->headers = headers;
    in->nheaders = TP_NELEM(headers);
    in->path_params = params;
    in->npath_params = TP_NELEM(params);
    in->body = TP_STR("{\"message\":\"hello world\"}");
    in->account_id = TP_STR("123456789012");
    in->api_id = TP_STR("abc123");
    in->stage = TP_STR("prod");
    in->request_id = TP_STR("c6af9ac6-7b61-11e6-9a41-93e8deadbeef");
    in->extended_id = TP_STR("LLCm7FonFiAFXFg=");
    in->request_time = TP_STR("04/Mar/2020:19:15:17 +0000");
    in->request_time_epoch = 1583349317135ULL;
    in->domain_name = TP_STR("abc123.execute-api.us-east-1.amazonaws.com");
    in->domain_prefix = TP_STR("abc123");
    in->protocol = TP_STR("HTTP/1.1");
    in->resource_id = TP_STR("roq9wj");
    in->source_ip = TP_STR("203.0.113.9");
    in->user_agent = TP_STR("curl/8.0");
}

/* Builds and parses the event. */
static void
build(const struct tp_lev_in *in)
{
    struct tp_str out;
    char err[128];

    tp_arena_reset(&arena);
    assert_int_equal(tp_lambda_event(in, &arena, &out), TP_OK);
    assert_int_equal(out.len, strlen(out.p));
    if (tp_json_parse(&doc, &arena, out.p, out.len, err, sizeof(err))
        != TP_OK)
    {
        fail_msg("invalid JSON: %s: %s", err, out.p);
    }
}

static int
at(const char *ptr)
{
    return tp_json_pointer_get(&doc, ptr);
}

static void
expect_str(const char *ptr, const char *want)
{
    int i = at(ptr);
    size_t n;
    char *s;

    if (i < 0) {
        fail_msg("%s: absent", ptr);
    }
    s = tp_json_str(&doc, i, &arena, &n);
    if (s == NULL) {
        fail_msg("%s: not a string", ptr);
    }
    if (n != strlen(want) || memcmp(s, want, n) != 0) {
        fail_msg("%s: \"%s\", want \"%s\"", ptr, s, want);
    }
}

static void
expect_type(const char *ptr, int type)
{
    if (tp_json_type(&doc, at(ptr)) != type) {
        fail_msg("%s: type %d, want %d", ptr, tp_json_type(&doc, at(ptr)),
            type);
    }
}

static void
expect_int(const char *ptr, int64_t want)
{
    int64_t v;

    assert_int_equal(tp_json_int(&doc, at(ptr), &v), TP_OK);
    assert_int_equal(v, want);
}

static void
expect_size(const char *ptr, int size)
{
    assert_true(at(ptr) >= 0);
    assert_int_equal(doc.toks[at(ptr)].size, size);
}

static void
test_server__tp_lambda_event__rest(void **state)
{
    struct tp_lev_in in;

    (void) state;
    base_in(&in, TP_LEV_REST);
    build(&in);
    assert_true(at("/version") < 0);
    expect_str("/resource", "/{proxy+}");
    expect_str("/path", "/proxy-value");
    expect_str("/httpMethod", "POST");
    /* names keep the client's case; a repeat: the last value */
    expect_str("/headers/Accept", "text/html");
    expect_str("/headers/X-Multi", "two");
    assert_true(at("/headers/x-multi") < 0);
    assert_true(at("/headers/Content-Length") < 0);     /* dropped */
    assert_true(at("/headers/Connection") < 0);
    expect_str("/headers/Cookie", "c3=v3");
    expect_size("/multiValueHeaders/X-Multi", 2);
    expect_str("/multiValueHeaders/X-Multi/0", "one");
    expect_str("/multiValueHeaders/X-Multi/1", "two");
    /* lambda.md 1's snapshot: the last value wins */
    expect_str("/queryStringParameters/category", "books");
    expect_str("/queryStringParameters/price", "30");
    expect_str("/queryStringParameters/q", "a b+c+d");
    expect_str("/queryStringParameters/flag", "");
    expect_size("/multiValueQueryStringParameters/category", 2);
    expect_str("/multiValueQueryStringParameters/category/0",
        "electronics");
    expect_str("/multiValueQueryStringParameters/price/2", "30");
    expect_str("/pathParameters/proxy", "proxy-value");
    expect_str("/pathParameters/id", "a b/c");
    expect_type("/stageVariables", TP_JSON_NULL);
    expect_str("/requestContext/accountId", "123456789012");
    expect_str("/requestContext/apiId", "abc123");
    assert_true(at("/requestContext/authorizer") < 0);
    expect_str("/requestContext/domainName",
        "abc123.execute-api.us-east-1.amazonaws.com");
    expect_str("/requestContext/domainPrefix", "abc123");
    expect_str("/requestContext/extendedRequestId", "LLCm7FonFiAFXFg=");
    expect_str("/requestContext/httpMethod", "POST");
    expect_str("/requestContext/identity/sourceIp", "203.0.113.9");
    expect_str("/requestContext/identity/userAgent", "curl/8.0");
    expect_type("/requestContext/identity/accessKey", TP_JSON_NULL);
    expect_type("/requestContext/identity/userArn", TP_JSON_NULL);
    expect_type("/requestContext/identity/apiKey", TP_JSON_NULL);
    assert_true(at("/requestContext/identity/clientCert") < 0);
    expect_str("/requestContext/path", "/prod/proxy-value");
    expect_str("/requestContext/protocol", "HTTP/1.1");
    expect_str("/requestContext/requestId",
        "c6af9ac6-7b61-11e6-9a41-93e8deadbeef");
    expect_str("/requestContext/requestTime", "04/Mar/2020:19:15:17 +0000");
    expect_int("/requestContext/requestTimeEpoch", 1583349317135LL);
    expect_str("/requestContext/resourceId", "roq9wj");
    expect_str("/requestContext/resourcePath", "/{proxy+}");
    expect_str("/requestContext/stage", "prod");
    expect_str("/body", "{\"message\":\"hello world\"}");
    expect_type("/isBase64Encoded", TP_JSON_FALSE);
}

static void
test_server__tp_lambda_event__rest_empty(void **state)
{
    struct tp_lev_in in;

    (void) state;
    base_in(&in, TP_LEV_REST);
    in.query = TP_NULL_STR;
    in.npath_params = 0;
    in.body = TP_NULL_STR;
    in.stage_vars = vars;
    in.nstage_vars = 1;
    build(&in);
    expect_type("/queryStringParameters", TP_JSON_NULL);
    expect_type("/multiValueQueryStringParameters", TP_JSON_NULL);
    expect_type("/pathParameters", TP_JSON_NULL);
    expect_str("/stageVariables/env", "dev");
    expect_type("/body", TP_JSON_NULL);
    expect_type("/isBase64Encoded", TP_JSON_FALSE);
    in.query = TP_STR("&&");         /* a query of nothing */
    build(&in);
    expect_type("/queryStringParameters", TP_JSON_NULL);
}

static void
test_server__tp_lambda_event__identity(void **state)
{
    static const struct tp_lev_kv claims[] = {
        KV("sub", "u-1"), KV("scope", "read write"), KV("custom:n", "7"),
    };
    static const struct tp_str scopes[] = { TP_STR("read"), TP_STR("write") };
    static const struct tp_lev_kv actx[] = {
        { TP_STR("someKey"), TP_STR("\"value\"") },
        { TP_STR("n"), TP_STR("12") },
    };
    struct tp_lev_in in;

    (void) state;
    base_in(&in, TP_LEV_REST);
    in.iam = true;
    in.access_key = TP_STR("AKIDEXAMPLE");
    in.caller_account = TP_STR("111122223333");
    in.caller = TP_STR("alice");
    in.user = TP_STR("alice");
    in.user_arn = TP_STR("arn:aws:iam::111122223333:user/alice");
    in.api_key = TP_STR("****abcd");
    in.api_key_id = TP_STR("k1");
    in.client_cert = true;
    in.cert_pem = TP_STR("-----BEGIN CERTIFICATE-----\nMII\n");
    in.cert_subject = TP_STR("CN=client");
    in.cert_issuer = TP_STR("CN=My CA");
    in.cert_serial = TP_STR("a1:a1");
    in.cert_not_before = TP_STR("May 28 12:30:02 2019 GMT");
    in.cert_not_after = TP_STR("Aug  5 09:36:04 2021 GMT");
    build(&in);
    expect_str("/requestContext/identity/accessKey", "AKIDEXAMPLE");
    expect_str("/requestContext/identity/accountId", "111122223333");
    expect_str("/requestContext/identity/caller", "alice");
    expect_str("/requestContext/identity/user", "alice");
    expect_str("/requestContext/identity/userArn",
        "arn:aws:iam::111122223333:user/alice");
    expect_str("/requestContext/identity/apiKey", "****abcd");
    expect_str("/requestContext/identity/apiKeyId", "k1");
    expect_str("/requestContext/identity/clientCert/clientCertPem",
        "-----BEGIN CERTIFICATE-----\nMII\n");
    expect_str("/requestContext/identity/clientCert/subjectDN", "CN=client");
    expect_str("/requestContext/identity/clientCert/issuerDN", "CN=My CA");
    expect_str("/requestContext/identity/clientCert/serialNumber", "a1:a1");
    expect_str("/requestContext/identity/clientCert/validity/notAfter",
        "Aug  5 09:36:04 2021 GMT");

    /* Cognito: the token's claims as strings, scopes from "scope" */
    base_in(&in, TP_LEV_REST);
    in.jwt = true;
    in.claims = claims;
    in.nclaims = TP_NELEM(claims);
    build(&in);
    expect_type("/requestContext/authorizer/scopes", TP_JSON_NULL);
    in.scopes = scopes;
    in.nscopes = 2;
    build(&in);
    expect_str("/requestContext/authorizer/claims/sub", "u-1");
    expect_str("/requestContext/authorizer/claims/custom:n", "7");
    expect_str("/requestContext/authorizer/scopes/1", "write");

    /* a Lambda authorizer: principalId and its context, JSON values */
    base_in(&in, TP_LEV_REST);
    in.principal_id = TP_STR("user");
    in.auth_context = actx;
    in.nauth_context = 2;
    build(&in);
    expect_str("/requestContext/authorizer/principalId", "user");
    expect_str("/requestContext/authorizer/someKey", "value");
    expect_int("/requestContext/authorizer/n", 12);

    /* 2.0: authorizer.jwt, authorizer.iam, authentication.clientCert */
    base_in(&in, TP_LEV_HTTP_V2);
    in.jwt = true;
    in.claims = claims;
    in.nclaims = TP_NELEM(claims);
    in.scopes = scopes;
    in.nscopes = 2;
    in.client_cert = true;
    in.cert_subject = TP_STR("CN=client");
    build(&in);
    expect_str("/requestContext/authorizer/jwt/claims/scope", "read write");
    expect_str("/requestContext/authorizer/jwt/scopes/0", "read");
    expect_str("/requestContext/authentication/clientCert/subjectDN",
        "CN=client");
    base_in(&in, TP_LEV_HTTP_V2);
    in.iam = true;
    in.access_key = TP_STR("AKIDEXAMPLE");
    in.caller = TP_STR("alice");
    in.user_arn = TP_STR("arn:aws:iam::111122223333:user/alice");
    build(&in);
    expect_str("/requestContext/authorizer/iam/accessKey", "AKIDEXAMPLE");
    expect_str("/requestContext/authorizer/iam/callerId", "alice");
    expect_str("/requestContext/authorizer/iam/userArn",
        "arn:aws:iam::111122223333:user/alice");
    assert_true(at("/requestContext/authentication") < 0);
    base_in(&in, TP_LEV_HTTP_V2);
    in.principal_id = TP_STR("user");
    in.auth_context = actx;
    in.nauth_context = 2;
    build(&in);
    expect_str("/requestContext/authorizer/lambda/someKey", "value");
}

static void
test_server__tp_lambda_event__http_v1(void **state)
{
    struct tp_lev_in in;

    (void) state;
    base_in(&in, TP_LEV_HTTP_V1);
    in.stage = TP_STR("$default");
    build(&in);
    expect_str("/version", "1.0");
    expect_str("/headers/accept", "text/html");
    expect_str("/headers/x-multi", "two");
    expect_size("/multiValueHeaders/x-multi", 2);
    expect_str("/queryStringParameters/category", "books");
    expect_type("/requestContext/authorizer/claims", TP_JSON_NULL);
    expect_type("/requestContext/authorizer/scopes", TP_JSON_NULL);
    expect_type("/requestContext/resourceId", TP_JSON_NULL);
    expect_str("/requestContext/resourcePath", "/{proxy+}");
    expect_str("/requestContext/stage", "$default");
    expect_str("/requestContext/identity/sourceIp", "203.0.113.9");
}

static void
test_server__tp_lambda_event__http_v2(void **state)
{
    struct tp_lev_in in;

    (void) state;
    base_in(&in, TP_LEV_HTTP_V2);
    in.query = TP_STR("a=1&a=2&b=x");
    in.stage_vars = vars;
    in.nstage_vars = 1;
    build(&in);
    expect_str("/version", "2.0");
    expect_str("/routeKey", "POST /{proxy+}");
    expect_str("/rawPath", "/prod/proxy-value");
    expect_str("/rawQueryString", "a=1&a=2&b=x");
    expect_size("/cookies", 3);
    expect_str("/cookies/0", "c1=v1");
    expect_str("/cookies/1", "c2=v2");
    expect_str("/cookies/2", "c3=v3");
    assert_true(at("/headers/cookie") < 0);
    expect_str("/headers/x-multi", "one,two");
    expect_str("/headers/host",
        "abc123.execute-api.us-east-1.amazonaws.com");
    assert_true(at("/multiValueHeaders") < 0);
    assert_true(at("/multiValueQueryStringParameters") < 0);
    expect_str("/queryStringParameters/a", "1,2");
    expect_str("/queryStringParameters/b", "x");
    expect_str("/pathParameters/proxy", "proxy-value");
    expect_str("/stageVariables/env", "dev");
    expect_str("/requestContext/accountId", "123456789012");
    expect_str("/requestContext/http/method", "POST");
    expect_str("/requestContext/http/path", "/prod/proxy-value");
    expect_str("/requestContext/http/protocol", "HTTP/1.1");
    expect_str("/requestContext/http/sourceIp", "203.0.113.9");
    expect_str("/requestContext/http/userAgent", "curl/8.0");
    expect_str("/requestContext/routeKey", "POST /{proxy+}");
    expect_str("/requestContext/time", "04/Mar/2020:19:15:17 +0000");
    expect_int("/requestContext/timeEpoch", 1583349317135LL);
    assert_true(at("/requestContext/authorizer") < 0);
    expect_type("/isBase64Encoded", TP_JSON_FALSE);

    /* empty fields are left out */
    in.query = TP_NULL_STR;
    in.npath_params = 0;
    in.nstage_vars = 0;
    in.body = TP_NULL_STR;
    in.nheaders = 2;
    build(&in);
    expect_str("/rawQueryString", "");
    assert_true(at("/cookies") < 0);
    assert_true(at("/queryStringParameters") < 0);
    assert_true(at("/pathParameters") < 0);
    assert_true(at("/stageVariables") < 0);
    assert_true(at("/body") < 0);
    expect_type("/isBase64Encoded", TP_JSON_FALSE);
}

static void
test_server__tp_lambda_event__binary(void **state)
{
    static const char bin[] = "\x00\xff\xfe\x80 ok";
    struct tp_lev_in in;

    (void) state;
    base_in(&in, TP_LEV_REST);
    in.body = (struct tp_str) { bin, sizeof(bin) - 1 };
    in.binary = true;
    build(&in);
    expect_str("/body", "AP/+gCBvaw==");
    expect_type("/isBase64Encoded", TP_JSON_TRUE);

    /* not declared binary: invalid UTF-8 still gives valid JSON */
    in.binary = false;
    in.body = TP_STR("a\xff\"\\\x01\xc3\xa9");
    build(&in);
    expect_str("/body", "a\xef\xbf\xbd\"\\\x01\xc3\xa9");

    assert_true(tp_lambda_body_binary_http(TP_STR("image/png"), in.body));
    assert_false(tp_lambda_body_binary_http(TP_STR("text/plain"), in.body));
    assert_false(tp_lambda_body_binary_http(
        TP_STR("application/json; charset=utf-8"), in.body));
    assert_false(tp_lambda_body_binary_http(
        TP_STR("application/vnd.api+json"), in.body));
    assert_true(tp_lambda_body_binary_http(TP_NULL_STR, in.body));
    assert_false(tp_lambda_body_binary_http(TP_NULL_STR, TP_STR("abc")));
}

static void
test_server__tp_lambda_event__media_match(void **state)
{
    static const char *const types[] = { "image/*", "application/pdf" };
    static const char *const all[] = { "*/*" };

    (void) state;
    assert_true(tp_lambda_media_match(types, 2, TP_STR("image/png")));
    assert_true(tp_lambda_media_match(types, 2, TP_STR("IMAGE/jpeg")));
    assert_true(tp_lambda_media_match(types, 2,
        TP_STR("application/pdf; q=1")));
    assert_false(tp_lambda_media_match(types, 2, TP_STR("imagex/png")));
    assert_false(tp_lambda_media_match(types, 2, TP_STR("application/pd")));
    assert_false(tp_lambda_media_match(types, 2, TP_STR("text/plain")));
    assert_false(tp_lambda_media_match(types, 2, TP_NULL_STR));
    assert_true(tp_lambda_media_match(all, 1, TP_STR("text/plain")));
    assert_false(tp_lambda_media_match(all, 0, TP_STR("text/plain")));
}

static void
test_server__tp_lambda_event__base64(void **state)
{
    static const char *const v[][2] = {
        { "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" }, { "foo", "Zm9v" },
        { "foob", "Zm9vYg==" }, { "fooba", "Zm9vYmE=" },
        { "foobar", "Zm9vYmFy" },
    };
    unsigned char out[32];
    char enc[32];
    size_t n;
    unsigned i;

    (void) state;
    for (i = 0; i < TP_NELEM(v); i++) {
        size_t len = strlen(v[i][0]);

        assert_int_equal(tp_base64_encode((const unsigned char *) v[i][0],
            len, enc), strlen(v[i][1]));
        assert_memory_equal(enc, v[i][1], strlen(v[i][1]));
        assert_int_equal(tp_base64_decode(v[i][1], strlen(v[i][1]), out,
            &n), TP_OK);
        assert_int_equal(n, len);
        assert_memory_equal(out, v[i][0], len);
    }
    assert_int_equal(tp_base64_decode("Zm9vYg", 6, out, &n), TP_OK);
    assert_int_equal(n, 4);
    assert_int_equal(tp_base64_decode("+/8=", 4, out, &n), TP_OK);
    assert_memory_equal(out, "\xfb\xff", 2);
    assert_int_equal(tp_base64_decode("Zm9vY", 5, out, &n), TP_ERROR);
    assert_int_equal(tp_base64_decode("Zm=v", 4, out, &n), TP_ERROR);
    assert_int_equal(tp_base64_decode("Zg=", 3, out, &n), TP_ERROR);
    assert_int_equal(tp_base64_decode("Z===", 4, out, &n), TP_ERROR);
    assert_int_equal(tp_base64_decode("-_8=", 4, out, &n), TP_ERROR);
    assert_int_equal(tp_base64_decode("Zm9 v", 5, out, &n), TP_ERROR);
}

static void
test_server__tp_lambda_event__jsonw(void **state)
{
    struct tp_jsonw w;
    struct tp_str out;

    (void) state;
    tp_arena_reset(&arena);
    tp_jsonw_init(&w, &arena, 1);    /* grows */
    tp_jsonw_open(&w, '{');
    tp_jsonw_key(&w, "a");
    tp_jsonw_open(&w, '[');
    tp_jsonw_u64(&w, 1);
    tp_jsonw_null(&w);
    tp_jsonw_bool(&w, true);
    tp_jsonw_cstr(&w, "x\ty");
    tp_jsonw_close(&w, ']');
    tp_jsonw_key(&w, "b");
    tp_jsonw_open(&w, '{');
    tp_jsonw_close(&w, '}');
    tp_jsonw_close(&w, '}');
    assert_int_equal(tp_jsonw_done(&w, &out), TP_OK);
    assert_string_equal(out.p, "{\"a\":[1,null,true,\"x\\ty\"],\"b\":{}}");

    tp_jsonw_init(&w, &arena, 1);    /* unbalanced: refused */
    tp_jsonw_open(&w, '{');
    tp_jsonw_key(&w, "a");
    assert_int_equal(tp_jsonw_done(&w, &out), TP_ERROR);
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
        cmocka_unit_test(test_server__tp_lambda_event__rest),
        cmocka_unit_test(test_server__tp_lambda_event__rest_empty),
        cmocka_unit_test(test_server__tp_lambda_event__identity),
        cmocka_unit_test(test_server__tp_lambda_event__http_v1),
        cmocka_unit_test(test_server__tp_lambda_event__http_v2),
        cmocka_unit_test(test_server__tp_lambda_event__binary),
        cmocka_unit_test(test_server__tp_lambda_event__media_match),
        cmocka_unit_test(test_server__tp_lambda_event__base64),
        cmocka_unit_test(test_server__tp_lambda_event__jsonw),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
