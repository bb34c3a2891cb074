/*
 * test_tp_policy_cond.c: unit tests of IAM condition blocks
 * (tp_policy_cond.c, tp_policy_value.c): every operator on matching and
 * non-matching values, value lists (OR), keys and operators (AND), keys
 * the request lacks (positive operators fail, negated ones hold,
 * ...IfExists, ForAnyValue:/ForAllValues:, Null), request values of the
 * wrong type, the value forms (ISO 8601 and epoch times, IPv4/IPv6 CIDRs,
 * ARNs part by part) and compile errors.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <cmocka.h>

#include "tp_policy.h"

static struct tp_arena arena;

/* The request's condition keys: name, value pairs, NULL-ended. */
static const char *const *keys;

static const char *
key_fn(void *ctx, const char *name, size_t len)
{
    const char *const *k;

    (void) ctx;
    for (k = keys; k != NULL && k[0] != NULL; k += 2) {
        if (strlen(k[0]) == len && strncasecmp(k[0], name, len) == 0) {
            return k[1];
        }
    }
    return NULL;
}

static struct tp_policy *
compile_cond(const char *cond, char *err, size_t errlen)
{
    char doc[4096];
    struct tp_policy *p = NULL;

    snprintf(doc, sizeof(doc), "{\"Statement\":{\"Sid\":\"C\","
        "\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\","
        "\"Condition\":%s}}", cond);
    if (tp_policy_parse(doc, strlen(doc), TP_POLICY_IDENTITY, NULL, &arena,
            &p, err, errlen) != TP_OK)
    {
        return NULL;
    }
    return p;
}

/* Whether condition block <cond> holds with the keys <k...>. */
static bool
holds_with(const char *cond, const char *const *k)
{
    struct tp_policy_req q = {
        "execute-api:Invoke", "arn:x", NULL, NULL, key_fn, NULL
    };
    char err[256] = "";
    struct tp_policy *p = compile_cond(cond, err, sizeof(err));

    if (p == NULL) {
        fprintf(stderr, "condition %s: %s\n", cond, err);
        fail();
    }
    keys = k;
    return tp_policy_eval(p, &q) == TP_POLICY_ALLOW;
}

#define HOLDS(cond, ...) \
    holds_with(cond, (const char *const []) { __VA_ARGS__, NULL })
#define NONE NULL

#define IP(v) "aws:SourceIp", v
#define NOW(v) "aws:CurrentTime", v

static void
expect_error(const char *cond, const char *want)
{
    char err[256] = "";

    assert_null(compile_cond(cond, err, sizeof(err)));
    if (strstr(err, want) == NULL) {
        fprintf(stderr, "condition %s\n  error \"%s\"\n  wanted \"%s\"\n",
            cond, err, want);
        fail();
    }
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

static void
test_server__tp_policy_cond__strings(void **state)
{
    const char *eq = "{\"StringEquals\":{\"aws:UserAgent\":[\"a\",\"B\"]}}";
    const char *ne = "{\"StringNotEquals\":{\"aws:UserAgent\":[\"a\",\"B\"]}}";
    const char *ieq = "{\"StringEqualsIgnoreCase\":{\"aws:UserAgent\":\"Ab\"}}";
    const char *ine =
        "{\"StringNotEqualsIgnoreCase\":{\"aws:UserAgent\":\"Ab\"}}";
    const char *like = "{\"StringLike\":{\"aws:UserAgent\":\"cu?l/*\"}}";
    const char *nlike = "{\"StringNotLike\":{\"aws:UserAgent\":\"cu?l/*\"}}";

    (void) state;
    assert_true(HOLDS(eq, "aws:UserAgent", "a"));
    assert_true(HOLDS(eq, "aws:UserAgent", "B"));
    assert_false(HOLDS(eq, "aws:UserAgent", "b"));
    assert_false(HOLDS(eq, "aws:UserAgent", "a "));
    assert_false(HOLDS(eq, "aws:UserAgent", ""));
    assert_false(HOLDS(ne, "aws:UserAgent", "a"));
    assert_false(HOLDS(ne, "aws:UserAgent", "B"));
    assert_true(HOLDS(ne, "aws:UserAgent", "b"));
    assert_true(HOLDS(ieq, "aws:UserAgent", "aB"));
    assert_false(HOLDS(ieq, "aws:UserAgent", "aBc"));
    assert_false(HOLDS(ine, "aws:UserAgent", "AB"));
    assert_true(HOLDS(ine, "aws:UserAgent", "ABC"));
    assert_true(HOLDS(like, "aws:UserAgent", "curl/8.1"));
    assert_true(HOLDS(like, "aws:UserAgent", "cuRl/"));
    assert_false(HOLDS(like, "aws:UserAgent", "Curl/8"));   /* case */
    assert_false(HOLDS(like, "aws:UserAgent", "curl"));
    assert_false(HOLDS(nlike, "aws:UserAgent", "curl/8.1"));
    assert_true(HOLDS(nlike, "aws:UserAgent", "wget/1"));
    /* condition key names are case-blind, the key functions say so */
    assert_true(HOLDS("{\"StringEquals\":{\"AWS:USERAGENT\":\"a\"}}",
        "aws:UserAgent", "a"));
    /* numbers and booleans in a string operator are their text */
    assert_true(HOLDS("{\"StringEquals\":{\"aws:EpochTime\":12}}",
        "aws:EpochTime", "12"));
    assert_true(HOLDS("{\"StringEquals\":{\"aws:SecureTransport\":true}}",
        "aws:SecureTransport", "true"));
}

static void
test_server__tp_policy_cond__numeric(void **state)
{
    (void) state;
    assert_true(HOLDS("{\"NumericEquals\":{\"x:n\":\"10\"}}", "x:n", "10"));
    assert_true(HOLDS("{\"NumericEquals\":{\"x:n\":10}}", "x:n", "10.0"));
    assert_true(HOLDS("{\"NumericEquals\":{\"x:n\":1e1}}", "x:n", "10"));
    assert_false(HOLDS("{\"NumericEquals\":{\"x:n\":10}}", "x:n", "11"));
    assert_true(HOLDS("{\"NumericNotEquals\":{\"x:n\":10}}", "x:n", "11"));
    assert_false(HOLDS("{\"NumericNotEquals\":{\"x:n\":[10,11]}}",
        "x:n", "11"));
    assert_true(HOLDS("{\"NumericLessThan\":{\"x:n\":10}}", "x:n", "9.5"));
    assert_false(HOLDS("{\"NumericLessThan\":{\"x:n\":10}}", "x:n", "10"));
    assert_true(HOLDS("{\"NumericLessThanEquals\":{\"x:n\":10}}",
        "x:n", "10"));
    assert_false(HOLDS("{\"NumericLessThanEquals\":{\"x:n\":10}}",
        "x:n", "10.01"));
    assert_true(HOLDS("{\"NumericGreaterThan\":{\"x:n\":-1}}", "x:n", "0"));
    assert_false(HOLDS("{\"NumericGreaterThan\":{\"x:n\":-1}}",
        "x:n", "-1"));
    assert_true(HOLDS("{\"NumericGreaterThanEquals\":{\"x:n\":-1}}",
        "x:n", "-1"));
    assert_false(HOLDS("{\"NumericGreaterThanEquals\":{\"x:n\":-1}}",
        "x:n", "-2"));
    /* a request value that is no number matches nothing */
    assert_false(HOLDS("{\"NumericEquals\":{\"x:n\":10}}", "x:n", "ten"));
    assert_false(HOLDS("{\"NumericEquals\":{\"x:n\":10}}", "x:n", " 10"));
    assert_false(HOLDS("{\"NumericEquals\":{\"x:n\":16}}", "x:n", "0x10"));
    assert_true(HOLDS("{\"NumericNotEquals\":{\"x:n\":10}}", "x:n", "ten"));
}

static void
test_server__tp_policy_cond__dates(void **state)
{
    const char *after = "{\"DateGreaterThan\":{\"aws:CurrentTime\":"
        "\"2026-01-01T00:00:00Z\"}}";
    const char *before = "{\"DateLessThan\":{\"aws:CurrentTime\":"
        "\"2026-01-01T00:00:00Z\"}}";

    (void) state;
    assert_true(HOLDS(after, NOW("2026-01-01T00:00:01Z")));
    assert_false(HOLDS(after, NOW("2026-01-01T00:00:00Z")));
    assert_false(HOLDS(after, NOW("2025-12-31T23:59:59Z")));
    assert_true(HOLDS(before, NOW("2025-12-31T23:59:59.999Z")));
    assert_false(HOLDS(before, NOW("2026-01-01T00:00:00.000Z")));
    /* zones, dates alone, epoch seconds on either side */
    assert_true(HOLDS(after, NOW("2026-01-01T01:00:01+01:00")));
    assert_false(HOLDS(after, NOW("2026-01-01T01:00:00+01:00")));
    assert_true(HOLDS(after, NOW("2025-12-31T19:00:01-05:00")));
    assert_true(HOLDS(after, NOW("2025-12-31T19:00:01-0500")));
    assert_true(HOLDS(after, NOW("2026-01-02")));
    assert_false(HOLDS(after, NOW("2026-01-01")));
    assert_true(HOLDS(after, NOW("1767225601")));  /* 2026-01-01T00:00:01Z */
    assert_false(HOLDS(after, NOW("1767225600")));
    assert_true(HOLDS("{\"DateEquals\":{\"aws:CurrentTime\":1767225600}}",
        NOW("2026-01-01T00:00:00Z")));
    assert_true(HOLDS("{\"DateEquals\":{\"aws:CurrentTime\":"
        "\"2026-01-01\"}}", NOW("2026-01-01T00:00Z")));
    assert_false(HOLDS("{\"DateNotEquals\":{\"aws:CurrentTime\":"
        "\"2026-01-01\"}}", NOW("2026-01-01T00:00:00Z")));
    assert_true(HOLDS("{\"DateNotEquals\":{\"aws:CurrentTime\":"
        "\"2026-01-01\"}}", NOW("2026-01-01T00:00:01Z")));
    assert_true(HOLDS("{\"DateLessThanEquals\":{\"aws:CurrentTime\":"
        "\"2024-02-29T12:00:00Z\"}}", NOW("2024-02-29T12:00:00Z")));
    assert_true(HOLDS("{\"DateGreaterThanEquals\":{\"aws:CurrentTime\":"
        "\"2024-02-29T12:00:00Z\"}}", NOW("2024-02-29T12:00:00Z")));
    assert_false(HOLDS("{\"DateGreaterThanEquals\":{\"aws:CurrentTime\":"
        "\"2024-02-29T12:00:00Z\"}}", NOW("2024-02-29T11:59:59Z")));
    /* garbled request times match nothing */
    assert_false(HOLDS(after, NOW("2026-13-01T00:00:00Z")));
    assert_false(HOLDS(after, NOW("2026-02-30")));
    assert_false(HOLDS(after, NOW("2026-01-02T25:00:00Z")));
    assert_false(HOLDS(after, NOW("2026-01-02T00:00:00Q")));
    assert_false(HOLDS(after, NOW("tomorrow")));
}

static void
test_server__tp_policy_cond__bool(void **state)
{
    const char *tls = "{\"Bool\":{\"aws:SecureTransport\":\"true\"}}";

    (void) state;
    assert_true(HOLDS(tls, "aws:SecureTransport", "true"));
    assert_false(HOLDS(tls, "aws:SecureTransport", "false"));
    assert_false(HOLDS(tls, "aws:SecureTransport", "yes"));
    assert_false(HOLDS(tls, NONE));
    assert_true(HOLDS("{\"Bool\":{\"aws:SecureTransport\":false}}",
        "aws:SecureTransport", "false"));
}

static void
test_server__tp_policy_cond__ip(void **state)
{
    const char *in = "{\"IpAddress\":{\"aws:SourceIp\":"
        "[\"192.0.2.0/24\",\"10.1.2.3\",\"2001:db8::/32\",\"::1\"]}}";
    const char *out = "{\"NotIpAddress\":{\"aws:SourceIp\":"
        "[\"192.0.2.0/24\",\"10.1.2.3\",\"2001:db8::/32\",\"::1\"]}}";

    (void) state;
    assert_true(HOLDS(in, IP("192.0.2.0")));
    assert_true(HOLDS(in, IP("192.0.2.255")));
    assert_false(HOLDS(in, IP("192.0.3.0")));
    assert_true(HOLDS(in, IP("10.1.2.3")));         /* a bare IP is /32 */
    assert_false(HOLDS(in, IP("10.1.2.4")));
    assert_true(HOLDS(in, IP("2001:db8:ffff::1")));
    assert_false(HOLDS(in, IP("2001:db9::1")));
    assert_true(HOLDS(in, IP("::1")));              /* /128 */
    assert_false(HOLDS(in, IP("::2")));
    assert_true(HOLDS(in, IP("::ffff:192.0.2.7"))); /* IPv4-mapped */
    assert_false(HOLDS(in, IP("garbage")));
    assert_false(HOLDS(out, IP("192.0.2.9")));
    assert_true(HOLDS(out, IP("127.0.0.1")));
    assert_true(HOLDS(out, IP("::2")));
    assert_true(HOLDS("{\"IpAddress\":{\"aws:SourceIp\":\"0.0.0.0/0\"}}",
        IP("203.0.113.9")));
    assert_false(HOLDS("{\"IpAddress\":{\"aws:SourceIp\":\"0.0.0.0/0\"}}",
        IP("2001:db8::1")));                        /* families differ */
    assert_true(HOLDS("{\"IpAddress\":{\"aws:SourceIp\":\"10.0.0.0/9\"}}",
        IP("10.127.255.255")));
    assert_false(HOLDS("{\"IpAddress\":{\"aws:SourceIp\":\"10.0.0.0/9\"}}",
        IP("10.128.0.0")));
    assert_true(HOLDS("{\"IpAddress\":{\"aws:SourceIp\":\"::/0\"}}",
        IP("2001:db8::1")));
}

static void
test_server__tp_policy_cond__arn(void **state)
{
    const char *like = "{\"ArnLike\":{\"aws:SourceArn\":"
        "\"arn:aws:execute-api:*:123456789012:abc/*\"}}";

    (void) state;
    assert_true(HOLDS(like, "aws:SourceArn",
        "arn:aws:execute-api:us-east-1:123456789012:abc/prod/GET/"));
    assert_false(HOLDS(like, "aws:SourceArn",
        "arn:aws:execute-api:us-east-1:123456789013:abc/prod/GET/"));
    /* a part's '*' does not reach into the next part */
    assert_false(HOLDS("{\"ArnLike\":{\"aws:SourceArn\":"
        "\"arn:aws:execute-api:us-*:123456789012:abc/*\"}}", "aws:SourceArn",
        "arn:aws:execute-api:us-east-1:x:123456789012:abc/prod/GET/"));
    /* ... unless it ends a pattern cut short */
    assert_true(HOLDS("{\"ArnLike\":{\"aws:SourceArn\":"
        "\"arn:aws:execute-api:*\"}}", "aws:SourceArn",
        "arn:aws:execute-api:us-east-1:123456789012:abc/prod/GET/"));
    assert_true(HOLDS("{\"ArnEquals\":{\"aws:SourceArn\":"
        "\"arn:aws:iam::1234567890?2:user/x\"}}", "aws:SourceArn",
        "arn:aws:iam::123456789012:user/x"));
    assert_false(HOLDS("{\"ArnEquals\":{\"aws:SourceArn\":"
        "\"arn:aws:iam::123456789012:user/x\"}}", "aws:SourceArn",
        "arn:aws:iam::123456789012:user/X"));
    assert_false(HOLDS("{\"ArnEquals\":{\"aws:SourceArn\":\"*\"}}",
        "aws:SourceArn", "not-an-arn"));
    assert_true(HOLDS("{\"ArnNotEquals\":{\"aws:SourceArn\":"
        "\"arn:aws:iam::123456789012:user/x\"}}", "aws:SourceArn",
        "arn:aws:iam::123456789012:user/y"));
    assert_false(HOLDS("{\"ArnNotLike\":{\"aws:SourceArn\":"
        "\"arn:aws:iam::*:user/*\"}}", "aws:SourceArn",
        "arn:aws:iam::123456789012:user/y"));
    assert_true(HOLDS("{\"ArnNotLike\":{\"aws:SourceArn\":"
        "\"arn:aws:iam::*:user/*\"}}", "aws:SourceArn",
        "arn:aws:iam::123456789012:role/y"));
}

static void
test_server__tp_policy_cond__missing_keys(void **state)
{
    (void) state;
    /* positive operators fail, negated ones hold */
    assert_false(HOLDS("{\"StringEquals\":{\"aws:Referer\":\"x\"}}", NONE));
    assert_true(HOLDS("{\"StringNotEquals\":{\"aws:Referer\":\"x\"}}",
        NONE));
    assert_true(HOLDS("{\"StringNotEqualsIgnoreCase\":{\"aws:Referer\":"
        "\"x\"}}", NONE));
    assert_true(HOLDS("{\"StringNotLike\":{\"aws:Referer\":\"x\"}}", NONE));
    assert_true(HOLDS("{\"NumericNotEquals\":{\"x:n\":1}}", NONE));
    assert_false(HOLDS("{\"NumericLessThan\":{\"x:n\":1}}", NONE));
    assert_true(HOLDS("{\"DateNotEquals\":{\"aws:CurrentTime\":1}}", NONE));
    assert_false(HOLDS("{\"DateLessThan\":{\"aws:CurrentTime\":1}}", NONE));
    assert_true(HOLDS("{\"NotIpAddress\":{\"aws:SourceIp\":\"::1\"}}",
        NONE));
    assert_false(HOLDS("{\"IpAddress\":{\"aws:SourceIp\":\"::1\"}}", NONE));
    assert_true(HOLDS("{\"ArnNotLike\":{\"aws:SourceArn\":\"arn:*\"}}",
        NONE));
    assert_false(HOLDS("{\"ArnLike\":{\"aws:SourceArn\":\"arn:*\"}}", NONE));
    /* IfExists: a missing key holds; a present one is tested */
    assert_true(HOLDS("{\"StringEqualsIfExists\":{\"aws:Referer\":\"x\"}}",
        NONE));
    assert_true(HOLDS("{\"StringEqualsIfExists\":{\"aws:Referer\":\"x\"}}",
        "aws:Referer", "x"));
    assert_false(HOLDS("{\"StringEqualsIfExists\":{\"aws:Referer\":\"x\"}}",
        "aws:Referer", "y"));
    assert_true(HOLDS("{\"NumericLessThanIfExists\":{\"x:n\":1}}", NONE));
    assert_false(HOLDS("{\"NotIpAddressIfExists\":{\"aws:SourceIp\":"
        "\"::1\"}}", IP("::1")));
    /* set prefixes on single-valued keys */
    assert_true(HOLDS("{\"ForAllValues:StringEquals\":{\"x:k\":\"a\"}}",
        NONE));
    assert_false(HOLDS("{\"ForAnyValue:StringEquals\":{\"x:k\":\"a\"}}",
        NONE));
    assert_false(HOLDS("{\"ForAnyValue:StringNotEquals\":{\"x:k\":\"a\"}}",
        NONE));
    assert_true(HOLDS("{\"ForAnyValue:StringEquals\":{\"x:k\":\"a\"}}",
        "x:k", "a"));
    assert_false(HOLDS("{\"ForAllValues:StringEquals\":{\"x:k\":\"a\"}}",
        "x:k", "b"));
    assert_true(HOLDS("{\"ForAnyValue:StringLikeIfExists\":{\"x:k\":"
        "\"a*\"}}", NONE));
    /* Null */
    assert_true(HOLDS("{\"Null\":{\"x:k\":\"true\"}}", NONE));
    assert_false(HOLDS("{\"Null\":{\"x:k\":\"true\"}}", "x:k", ""));
    assert_true(HOLDS("{\"Null\":{\"x:k\":false}}", "x:k", "v"));
    assert_false(HOLDS("{\"Null\":{\"x:k\":false}}", NONE));
}

static void
test_server__tp_policy_cond__and_or(void **state)
{
    const char *two = "{\"StringEquals\":{\"x:a\":[\"1\",\"2\"],"
        "\"x:b\":\"3\"},\"IpAddress\":{\"aws:SourceIp\":\"10.0.0.0/8\"}}";

    (void) state;
    assert_true(HOLDS(two, "x:a", "2", "x:b", "3", IP("10.9.9.9")));
    assert_false(HOLDS(two, "x:a", "2", "x:b", "4", IP("10.9.9.9")));
    assert_false(HOLDS(two, "x:a", "5", "x:b", "3", IP("10.9.9.9")));
    assert_false(HOLDS(two, "x:a", "1", "x:b", "3", IP("11.9.9.9")));
    assert_false(HOLDS(two, "x:a", "1", "x:b", "3"));
    assert_true(HOLDS("{}", NONE));              /* an empty block holds */
}

static void
test_server__tp_policy_cond__errors(void **state)
{
    (void) state;
    expect_error("[]", "Statement (Sid \"C\"): Condition must be an object");
    expect_error("{\"StringEqual\":{\"aws:Referer\":\"x\"}}",
        "Statement (Sid \"C\"): unknown condition operator \"StringEqual\"");
    expect_error("{\"ForSomeValues:StringEquals\":{\"a:b\":\"x\"}}",
        "unknown condition operator");
    expect_error("{\"StringEquals\":{\"a:b\":\"x\"},\"StringEquals\":{}}",
        "operator \"StringEquals\" appears twice");
    expect_error("{\"StringEquals\":\"x\"}", "an operator's value must be");
    expect_error("{\"StringEquals\":{\"Referer\":\"x\"}}",
        "StringEquals: condition key \"Referer\" needs a vendor prefix");
    expect_error("{\"StringEquals\":{\"a:b\":\"x\",\"a:b\":\"y\"}}",
        "StringEquals: key \"a:b\" appears twice");
    expect_error("{\"StringEquals\":{\"a:b\":[]}}",
        "\"a:b\" has an empty list of values");
    expect_error("{\"StringEquals\":{\"a:b\":{\"c\":1}}}",
        "a value must be a string, number or boolean, not an object");
    expect_error("{\"StringEquals\":{\"a:b\":[\"x\",null]}}",
        "not null");
    expect_error("{\"NumericEquals\":{\"a:b\":\"ten\"}}",
        "NumericEquals: \"a:b\": \"ten\" is not a number");
    expect_error("{\"DateLessThan\":{\"aws:CurrentTime\":\"2026-02-30\"}}",
        "\"2026-02-30\" is not an ISO 8601 date/time or epoch seconds");
    expect_error("{\"Bool\":{\"aws:SecureTransport\":\"yes\"}}",
        "\"yes\" is not true or false");
    expect_error("{\"IpAddress\":{\"aws:SourceIp\":\"10.0.0.0/33\"}}",
        "\"10.0.0.0/33\" is not an IPv4 or IPv6 address or CIDR");
    expect_error("{\"IpAddress\":{\"aws:SourceIp\":\"10.0.0/8\"}}",
        "is not an IPv4");
    expect_error("{\"NotIpAddress\":{\"aws:SourceIp\":\"::1/129\"}}",
        "is not an IPv4");
    expect_error("{\"IpAddress\":{\"aws:SourceIp\":\"10.0.0.0/\"}}",
        "is not an IPv4");
    expect_error("{\"IpAddress\":{\"aws:SourceIp\":10}}", "is not an IPv4");
    expect_error("{\"NullIfExists\":{\"a:b\":\"true\"}}",
        "Null cannot take IfExists");
    expect_error("{\"Null\":{\"a:b\":\"maybe\"}}", "is not true or false");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_server__tp_policy_cond__strings),
        cmocka_unit_test(test_server__tp_policy_cond__numeric),
        cmocka_unit_test(test_server__tp_policy_cond__dates),
        cmocka_unit_test(test_server__tp_policy_cond__bool),
        cmocka_unit_test(test_server__tp_policy_cond__ip),
        cmocka_unit_test(test_server__tp_policy_cond__arn),
        cmocka_unit_test(test_server__tp_policy_cond__missing_keys),
        cmocka_unit_test(test_server__tp_policy_cond__and_or),
        cmocka_unit_test(test_server__tp_policy_cond__errors),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
