/*
 * test_tp_lauth.c: unit tests of Lambda authorizers' pure parts: the
 * events (tp_lauth_event.c: TOKEN, REST REQUEST, HTTP 1.0 and 2.0 field
 * for field, repeated headers and parameters, cookies, escaping) and the
 * answers (tp_lauth_answer.c: policies evaluated for the method ARN,
 * principalId, context stringified, usageIdentifierKey, simple responses,
 * and every malformed answer that must become a 500).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tp_json.h"
#include "tp_lauth.h"
#include "tp_policy.h"

#define ARN "arn:aws:execute-api:us-east-1:123456789012:abc/dev/GET/pets/7"

static struct tp_arena arena;

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

#define S(lit) TP_STR(lit)

static const struct tp_lev_kv headers[] = {
    { S("Authorization"), S("Bearer abc") },
    { S("X-Multi"), S("one") },
    { S("Cookie"), S("a=1; b=2") },
    { S("x-multi"), S("two \"q\"") },
};
static const struct tp_lev_kv query[] = {
    { S("p"), S("1") }, { S("p"), S("2") }, { S("q"), S("x y") },
};
static const struct tp_lev_kv params[] = { { S("id"), S("7") } };
static const struct tp_lev_kv svars[] = { { S("env"), S("dev") } };
static const struct tp_str ids[] = { S("user1"), S("123") };

static struct tp_lauth_req
request(void)
{
    struct tp_lauth_req q;

    memset(&q, 0, sizeof(q));
    q.arn = S(ARN);
    q.token = S("Bearer abc");
    q.identity = ids;
    q.nidentity = 2;
    q.resource = S("/pets/{id}");
    q.path = S("/pets/7");
    q.method = S("GET");
    q.raw_query = S("p=1&p=2&q=x%20y");
    q.route_key = S("GET /pets/{id}");
    q.headers = headers;
    q.nheaders = 4;
    q.query = query;
    q.nquery = 3;
    q.path_params = params;
    q.npath_params = 1;
    q.stage_vars = svars;
    q.nstage_vars = 1;
    q.account_id = S("123456789012");
    q.api_id = S("abc");
    q.stage = S("dev");
    q.request_id = S("req-1");
    q.source_ip = S("127.0.0.1");
    q.user_agent = S("curl/8");
    q.time_epoch = S("1700000000000");
    return q;
}

/* The event of <format> parsed back; <pointer>'s value as text. */
static struct tp_json doc;

static void
event(enum tp_lauth_format format, bool token)
{
    struct tp_lauth_req q = request();
    struct tp_str ev = tp_lauth_event(&q, format, token, &arena);
    char err[128];

    assert_non_null(ev.p);
    if (tp_json_parse(&doc, &arena, ev.p, ev.len, err, sizeof(err))
        != TP_OK)
    {
        fail_msg("event is not JSON (%s): %s", err, ev.p);
    }
}

static const char *
at(const char *pointer)
{
    int i = tp_json_pointer_get(&doc, pointer);
    struct tp_str s;

    if (i < 0) {
        return NULL;
    }
    s = tp_json_text(&doc, i, &arena);
    return tp_arena_strndup(&arena, s.p, s.len);
}

static void
test_server__tp_lauth__token_event(void **state)
{
    (void) state;
    event(TP_LAUTH_REST, true);
    assert_string_equal(at("/type"), "TOKEN");
    assert_string_equal(at("/authorizationToken"), "Bearer abc");
    assert_string_equal(at("/methodArn"), ARN);
    assert_int_equal(doc.toks[0].size, 3);
}

static void
test_server__tp_lauth__rest_request_event(void **state)
{
    (void) state;
    event(TP_LAUTH_REST, false);
    assert_string_equal(at("/type"), "REQUEST");
    assert_string_equal(at("/methodArn"), ARN);
    assert_string_equal(at("/resource"), "/pets/{id}");
    assert_string_equal(at("/path"), "/pets/7");
    assert_string_equal(at("/httpMethod"), "GET");
    assert_string_equal(at("/headers/Authorization"), "Bearer abc");
    /* the last of repeated names (case-blind for headers), all in multi */
    assert_string_equal(at("/headers/X-Multi"), "two \"q\"");
    assert_null(at("/headers/x-multi"));
    assert_string_equal(at("/multiValueHeaders/X-Multi/0"), "one");
    assert_string_equal(at("/multiValueHeaders/X-Multi/1"), "two \"q\"");
    assert_string_equal(at("/queryStringParameters/p"), "2");
    assert_string_equal(at("/multiValueQueryStringParameters/p/0"), "1");
    assert_string_equal(at("/multiValueQueryStringParameters/p/1"), "2");
    assert_string_equal(at("/queryStringParameters/q"), "x y");
    assert_string_equal(at("/pathParameters/id"), "7");
    assert_string_equal(at("/stageVariables/env"), "dev");
    assert_string_equal(at("/requestContext/path"), "/dev/pets/7");
    assert_string_equal(at("/requestContext/stage"), "dev");
    assert_string_equal(at("/requestContext/resourcePath"), "/pets/{id}");
    assert_string_equal(at("/requestContext/apiId"), "abc");
    assert_string_equal(at("/requestContext/accountId"), "123456789012");
    assert_string_equal(at("/requestContext/requestId"), "req-1");
    assert_string_equal(at("/requestContext/identity/sourceIp"),
        "127.0.0.1");
    assert_string_equal(at("/requestContext/identity/apiKey"), "null");
    assert_string_equal(at("/requestContext/requestTimeEpoch"),
        "1700000000000");
    assert_null(at("/version"));
    assert_null(at("/identitySource"));
}

static void
test_server__tp_lauth__http1_event(void **state)
{
    (void) state;
    event(TP_LAUTH_HTTP_1, false);
    assert_string_equal(at("/version"), "1.0");
    assert_string_equal(at("/type"), "REQUEST");
    assert_string_equal(at("/identitySource"), "user1,123");
    assert_string_equal(at("/authorizationToken"), "user1,123");
    assert_string_equal(at("/methodArn"), ARN);
    assert_string_equal(at("/headers/X-Multi"), "two \"q\"");
}

static void
test_server__tp_lauth__http2_event(void **state)
{
    (void) state;
    event(TP_LAUTH_HTTP_2, false);
    assert_string_equal(at("/version"), "2.0");
    assert_string_equal(at("/type"), "REQUEST");
    assert_string_equal(at("/routeArn"), ARN);
    assert_null(at("/methodArn"));
    assert_string_equal(at("/identitySource/0"), "user1");
    assert_string_equal(at("/identitySource/1"), "123");
    assert_string_equal(at("/routeKey"), "GET /pets/{id}");
    assert_string_equal(at("/rawPath"), "/pets/7");
    assert_string_equal(at("/rawQueryString"), "p=1&p=2&q=x%20y");
    assert_string_equal(at("/cookies/0"), "a=1");
    assert_string_equal(at("/cookies/1"), "b=2");
    assert_null(at("/headers/cookie"));
    /* names lower case, repeated values joined */
    assert_string_equal(at("/headers/x-multi"), "one,two \"q\"");
    assert_string_equal(at("/headers/authorization"), "Bearer abc");
    assert_string_equal(at("/queryStringParameters/p"), "1,2");
    assert_string_equal(at("/pathParameters/id"), "7");
    assert_string_equal(at("/stageVariables/env"), "dev");
    assert_string_equal(at("/requestContext/http/method"), "GET");
    assert_string_equal(at("/requestContext/http/path"), "/pets/7");
    assert_string_equal(at("/requestContext/http/sourceIp"), "127.0.0.1");
    assert_string_equal(at("/requestContext/routeKey"), "GET /pets/{id}");
    assert_string_equal(at("/requestContext/stage"), "dev");
    assert_null(at("/requestContext/authorizer"));
}

/* A 2.0 event without parameters, stage variables or cookies leaves
 * those members out; control characters are escaped. */
static void
test_server__tp_lauth__http2_event_sparse(void **state)
{
    static const struct tp_lev_kv h[] = {
        { S("X-Ctl"), S("a\x01" "b\n") },
    };
    struct tp_lauth_req q = request();
    struct tp_str ev;
    char err[128];

    (void) state;
    q.headers = h;
    q.nheaders = 1;
    q.nquery = q.npath_params = q.nstage_vars = 0;
    q.raw_query = TP_NULL_STR;
    ev = tp_lauth_event(&q, TP_LAUTH_HTTP_2, false, &arena);
    assert_non_null(ev.p);
    assert_non_null(strstr(ev.p, "\"a\\u0001b\\n\""));
    assert_int_equal(tp_json_parse(&doc, &arena, ev.p, ev.len, err,
        sizeof(err)), TP_OK);
    assert_null(at("/cookies"));
    assert_null(at("/queryStringParameters"));
    assert_null(at("/pathParameters"));
    assert_null(at("/stageVariables"));
    assert_string_equal(at("/rawQueryString"), "");
}

/* ---- answers ---- */

static enum tp_policy_effect
eval(const struct tp_policy *p, const char *arn)
{
    struct tp_policy_req q;

    memset(&q, 0, sizeof(q));
    q.action = "execute-api:Invoke";
    q.resource = arn;
    return tp_policy_eval(p, &q);
}

static void
parse(const char *json, enum tp_lauth_format f, bool simple,
    struct tp_lauth_answer *a)
{
    tp_lauth_parse(json, strlen(json), f, simple, &arena, a);
}

#define ALLOW_PETS "{\"Version\": \"2012-10-17\", \"Statement\": [" \
    "{\"Action\": \"execute-api:Invoke\", \"Effect\": \"Allow\", " \
    "\"Resource\": \"arn:aws:execute-api:us-east-1:123456789012:abc/*/GET/" \
    "pets/*\"}]}"

static void
test_server__tp_lauth__policy_answer(void **state)
{
    struct tp_lauth_answer a;

    (void) state;
    parse("{\"principalId\": \"user|a1\", \"policyDocument\": " ALLOW_PETS
        ", \"context\": {\"s\": \"v\\u00e9\", \"n\": 1, \"b\": true, "
        "\"z\": null}, \"usageIdentifierKey\": \"key-123\"}",
        TP_LAUTH_REST, false, &a);
    assert_int_equal(a.verdict, TP_LAUTH_POLICY);
    assert_string_equal(a.principal_id, "user|a1");
    assert_string_equal(a.usage_key, "key-123");
    assert_int_equal(eval(a.policy, ARN), TP_POLICY_ALLOW);
    /* the same cached policy for another method says nothing: denied */
    assert_int_equal(eval(a.policy, "arn:aws:execute-api:us-east-1:"
        "123456789012:abc/dev/POST/pets/7"), TP_POLICY_SILENT);
    assert_int_equal(a.ncontext, 4);
    assert_string_equal(a.context[0].key, "s");
    assert_int_equal(a.context[0].text.len, 3);
    assert_memory_equal(a.context[0].text.p, "v\xc3\xa9", 3);
    assert_int_equal(a.context[0].json.len, 9);
    assert_memory_equal(a.context[0].json.p, "\"v\\u00e9\"", 9);
    /* numbers and booleans come back stringified (auth.md 2.4) */
    assert_string_equal(a.context[1].key, "n");
    assert_int_equal(a.context[1].text.len, 1);
    assert_memory_equal(a.context[1].text.p, "1", 1);
    assert_memory_equal(a.context[2].text.p, "true", 4);

    /* an explicit Deny */
    parse("{\"principalId\": \"u\", \"policyDocument\": {\"Version\": "
        "\"2012-10-17\", \"Statement\": {\"Action\": [\"execute-api:Invoke\"],"
        " \"Effect\": \"Deny\", \"Resource\": [\"*\"]}}}", TP_LAUTH_HTTP_1,
        false, &a);
    assert_int_equal(a.verdict, TP_LAUTH_POLICY);
    assert_int_equal(eval(a.policy, ARN), TP_POLICY_DENY);
    assert_null(a.usage_key);
    assert_int_equal(a.ncontext, 0);

    /* a numeric principalId is kept as its text */
    parse("{\"principalId\": 42, \"policyDocument\": " ALLOW_PETS "}",
        TP_LAUTH_REST, false, &a);
    assert_int_equal(a.verdict, TP_LAUTH_POLICY);
    assert_string_equal(a.principal_id, "42");
}

static void
test_server__tp_lauth__simple_answer(void **state)
{
    struct tp_lauth_answer a;

    (void) state;
    parse("{\"isAuthorized\": true, \"context\": {\"obj\": {\"a\": [1]}, "
        "\"s\": \"x\"}}", TP_LAUTH_HTTP_2, true, &a);
    assert_int_equal(a.verdict, TP_LAUTH_ALLOWED);
    assert_null(a.principal_id);
    assert_int_equal(a.ncontext, 2);
    assert_memory_equal(a.context[0].text.p, "{\"a\": [1]}", 10);
    parse("{\"isAuthorized\": false}", TP_LAUTH_HTTP_2, true, &a);
    assert_int_equal(a.verdict, TP_LAUTH_DENIED);
    /* a policy answer to a simple-response authorizer is malformed */
    parse("{\"principalId\": \"u\", \"policyDocument\": " ALLOW_PETS "}",
        TP_LAUTH_HTTP_2, true, &a);
    assert_int_equal(a.verdict, TP_LAUTH_INVALID);
    assert_non_null(strstr(a.why, "isAuthorized"));
    parse("{\"isAuthorized\": \"true\"}", TP_LAUTH_HTTP_2, true, &a);
    assert_int_equal(a.verdict, TP_LAUTH_INVALID);
    /* 2.0 without simple responses answers with a policy */
    parse("{\"principalId\": \"u\", \"policyDocument\": " ALLOW_PETS
        ", \"context\": {\"o\": {\"k\": 1}}}", TP_LAUTH_HTTP_2, false, &a);
    assert_int_equal(a.verdict, TP_LAUTH_POLICY);
    assert_int_equal(a.ncontext, 1);
}

/* Each malformed answer is TP_LAUTH_INVALID with a reason containing
 * <why>. */
static void
invalid(const char *json, enum tp_lauth_format f, const char *why)
{
    struct tp_lauth_answer a;

    parse(json, f, false, &a);
    if (a.verdict != TP_LAUTH_INVALID) {
        fail_msg("accepted: %s", json);
    }
    if (a.why == NULL || strstr(a.why, why) == NULL) {
        fail_msg("reason \"%s\" lacks \"%s\" (%s)", a.why ? a.why : "",
            why, json);
    }
}

static void
test_server__tp_lauth__invalid_answers(void **state)
{
    char big[TP_LAUTH_ANSWER_MAX + 2];

    (void) state;
    invalid("", TP_LAUTH_REST, "not JSON");
    invalid("{\"principalId\": \"u\"", TP_LAUTH_REST, "not JSON");
    invalid("[]", TP_LAUTH_REST, "not a JSON object");
    invalid("\"Unauthorized\"", TP_LAUTH_REST, "not a JSON object");
    invalid("{\"policyDocument\": " ALLOW_PETS "}", TP_LAUTH_REST,
        "principalId");
    invalid("{\"principalId\": {}, \"policyDocument\": " ALLOW_PETS "}",
        TP_LAUTH_REST, "principalId");
    invalid("{\"principalId\": \"u\"}", TP_LAUTH_REST, "policyDocument");
    invalid("{\"principalId\": \"u\", \"policyDocument\": \"x\"}",
        TP_LAUTH_REST, "policyDocument is missing or not an object");
    invalid("{\"principalId\": \"u\", \"policyDocument\": {\"Version\": "
        "\"2012-10-17\", \"Statement\": [{\"Effect\": \"Maybe\", "
        "\"Action\": \"*\", \"Resource\": \"*\"}]}}", TP_LAUTH_REST,
        "policyDocument: Statement");
    /* an identity policy has no Principal */
    invalid("{\"principalId\": \"u\", \"policyDocument\": {\"Version\": "
        "\"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", "
        "\"Principal\": \"*\", \"Action\": \"*\", \"Resource\": \"*\"}]}}",
        TP_LAUTH_REST, "policyDocument: ");
    invalid("{\"principalId\": \"u\", \"policyDocument\": " ALLOW_PETS
        ", \"context\": {\"o\": {\"a\": 1}}}", TP_LAUTH_REST,
        "object or an array");
    invalid("{\"principalId\": \"u\", \"policyDocument\": " ALLOW_PETS
        ", \"context\": {\"a\": [1]}}", TP_LAUTH_REST, "object or an array");
    invalid("{\"principalId\": \"u\", \"policyDocument\": " ALLOW_PETS
        ", \"context\": [1]}", TP_LAUTH_REST, "context is not an object");
    invalid("{\"principalId\": \"u\", \"policyDocument\": " ALLOW_PETS
        ", \"context\": {\"claims\": \"x\"}}", TP_LAUTH_HTTP_1,
        "reserved key \"claims\"");
    invalid("{\"principalId\": \"u\", \"policyDocument\": " ALLOW_PETS
        ", \"usageIdentifierKey\": 5}", TP_LAUTH_REST,
        "usageIdentifierKey");
    memset(big, ' ', sizeof(big));
    big[0] = '{';
    big[sizeof(big) - 2] = '}';
    big[sizeof(big) - 1] = '\0';
    invalid(big, TP_LAUTH_REST, "larger than 64 KiB");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
        T(test_server__tp_lauth__token_event),
        T(test_server__tp_lauth__rest_request_event),
        T(test_server__tp_lauth__http1_event),
        T(test_server__tp_lauth__http2_event),
        T(test_server__tp_lauth__http2_event_sparse),
        T(test_server__tp_lauth__policy_answer),
        T(test_server__tp_lauth__simple_answer),
        T(test_server__tp_lauth__invalid_answers),
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
