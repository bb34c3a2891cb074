/*
 * test_tp_policy.c: unit tests of the IAM policy evaluator's documents
 * and statements (tp_policy_parse.c, tp_policy_eval.c): Action/NotAction
 * (case-blind, wildcards), Resource/NotResource (case-sensitive '*' and
 * '?'), the execute-api:/ shorthand, Principal/NotPrincipal forms, an
 * explicit Deny winning, statements as an object or an array, auth.md 7's
 * Tables A and B, and every compile error naming its statement.
 * Conditions are in test_tp_policy_cond.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tp_policy.h"

#define ARN "arn:aws:execute-api:us-east-1:123456789012:abc123"

static const struct tp_policy_scope scope = {
    "us-east-1", "123456789012", "abc123"
};

static struct tp_arena arena;

static struct tp_policy *
compile(const char *json, enum tp_policy_kind kind)
{
    struct tp_policy *p = NULL;
    char err[256] = "";

    if (tp_policy_parse(json, strlen(json), kind, &scope, &arena, &p, err,
            sizeof(err)) != TP_OK)
    {
        fprintf(stderr, "tp_policy_parse: %s\n", err);
        return NULL;
    }
    return p;
}

/* The error compiling <json> gives, "" when it compiles. */
static const char *
error_of(const char *json, enum tp_policy_kind kind)
{
    static char err[256];
    struct tp_policy *p = NULL;

    err[0] = '\0';
    if (tp_policy_parse(json, strlen(json), kind, &scope, &arena, &p, err,
            sizeof(err)) == TP_OK)
    {
        return "";
    }
    assert_true(err[0] != '\0');
    return err;
}

static enum tp_policy_effect
eval(const struct tp_policy *p, const char *action, const char *resource,
    const char *principal, const char *account)
{
    struct tp_policy_req q = {
        action, resource, principal, account, NULL, NULL
    };

    return tp_policy_eval(p, &q);
}

static enum tp_policy_effect
invoke(const struct tp_policy *p, const char *resource)
{
    return eval(p, "execute-api:Invoke", resource, NULL, NULL);
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
test_server__tp_policy__actions(void **state)
{
    struct tp_policy *p;

    (void) state;
    p = compile("{\"Version\":\"2012-10-17\",\"Statement\":{"
        "\"Effect\":\"Allow\",\"Action\":\"execute-api:Invoke\","
        "\"Resource\":\"*\"}}", TP_POLICY_IDENTITY);
    assert_non_null(p);
    assert_int_equal(invoke(p, ARN "/prod/GET/pets"), TP_POLICY_ALLOW);
    assert_int_equal(eval(p, "EXECUTE-API:invoke", ARN "/prod/GET/",
        NULL, NULL), TP_POLICY_ALLOW);           /* case-blind */
    assert_int_equal(eval(p, "execute-api:InvalidateCache", ARN "/p/GET/",
        NULL, NULL), TP_POLICY_SILENT);

    p = compile("{\"Statement\":[{\"Effect\":\"Allow\","
        "\"Action\":[\"execute-api:In*\",\"s3:GetObject\"],"
        "\"Resource\":\"*\"}]}", TP_POLICY_IDENTITY);
    assert_non_null(p);
    assert_int_equal(eval(p, "execute-api:Invoke", "x", NULL, NULL),
        TP_POLICY_ALLOW);
    assert_int_equal(eval(p, "execute-api:InvalidateCache", "x", NULL,
        NULL), TP_POLICY_ALLOW);
    assert_int_equal(eval(p, "execute-api:ManageConnections", "x", NULL,
        NULL), TP_POLICY_SILENT);

    p = compile("{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\","
        "\"Resource\":\"*\"}]}", TP_POLICY_IDENTITY);
    assert_int_equal(eval(p, "execute-api:ManageConnections", "x", NULL,
        NULL), TP_POLICY_ALLOW);

    p = compile("{\"Statement\":[{\"Effect\":\"Allow\","
        "\"Action\":\"execute-api:?nvoke\",\"Resource\":\"*\"}]}",
        TP_POLICY_IDENTITY);
    assert_int_equal(eval(p, "execute-api:Invoke", "x", NULL, NULL),
        TP_POLICY_ALLOW);
    assert_int_equal(eval(p, "execute-api:Invoke2", "x", NULL, NULL),
        TP_POLICY_SILENT);

    /* NotAction: everything but the list */
    p = compile("{\"Statement\":[{\"Effect\":\"Allow\","
        "\"NotAction\":\"execute-api:InvalidateCache\","
        "\"Resource\":\"*\"}]}", TP_POLICY_IDENTITY);
    assert_int_equal(eval(p, "execute-api:Invoke", "x", NULL, NULL),
        TP_POLICY_ALLOW);
    assert_int_equal(eval(p, "execute-api:invalidatecache", "x", NULL,
        NULL), TP_POLICY_SILENT);
}

static void
test_server__tp_policy__resources(void **state)
{
    struct tp_policy *p;

    (void) state;
    p = compile("{\"Statement\":[{\"Effect\":\"Allow\","
        "\"Action\":\"execute-api:Invoke\",\"Resource\":["
        "\"arn:aws:execute-api:us-east-1:*:abc123/prod/GET/pets/*\","
        "\"arn:aws:execute-api:us-east-1:123456789012:abc123/dev/?ET/\"]}]}",
        TP_POLICY_IDENTITY);
    assert_non_null(p);
    assert_int_equal(invoke(p, ARN "/prod/GET/pets/7"), TP_POLICY_ALLOW);
    assert_int_equal(invoke(p, ARN "/prod/GET/pets/7/toys"),
        TP_POLICY_ALLOW);                        /* '*' spans '/' */
    assert_int_equal(invoke(p, ARN "/prod/GET/pets/"), TP_POLICY_ALLOW);
    assert_int_equal(invoke(p, ARN "/prod/GET/pets"), TP_POLICY_SILENT);
    assert_int_equal(invoke(p, ARN "/prod/POST/pets/7"), TP_POLICY_SILENT);
    assert_int_equal(invoke(p, ARN "/prod/get/pets/7"),
        TP_POLICY_SILENT);                       /* case-sensitive */
    assert_int_equal(invoke(p, ARN "/dev/GET/"), TP_POLICY_ALLOW);
    assert_int_equal(invoke(p, ARN "/dev/SET/"), TP_POLICY_ALLOW);
    assert_int_equal(invoke(p, ARN "/dev/GETS/"), TP_POLICY_SILENT);
    assert_int_equal(invoke(p, ARN "/dev/ET/"), TP_POLICY_SILENT);

    /* NotResource */
    p = compile("{\"Statement\":[{\"Effect\":\"Allow\","
        "\"Action\":\"execute-api:Invoke\",\"NotResource\":"
        "\"" ARN "/*/DELETE/*\"}]}", TP_POLICY_IDENTITY);
    assert_int_equal(invoke(p, ARN "/prod/GET/x"), TP_POLICY_ALLOW);
    assert_int_equal(invoke(p, ARN "/prod/DELETE/x"), TP_POLICY_SILENT);
}

static void
test_server__tp_policy__shorthand(void **state)
{
    struct tp_policy *p;

    (void) state;
    /* auth.md 7's example: allow all, deny outside two networks */
    p = compile("{\"Version\":\"2012-10-17\",\"Statement\":["
        "{\"Effect\":\"Allow\",\"Principal\":\"*\","
        "\"Action\":\"execute-api:Invoke\",\"Resource\":[\"execute-api:/*\"]},"
        "{\"Effect\":\"Deny\",\"Principal\":\"*\","
        "\"Action\":\"execute-api:Invoke\","
        "\"Resource\":[\"execute-api:/prod/POST/*\"]}]}",
        TP_POLICY_RESOURCE);
    assert_non_null(p);
    assert_int_equal(invoke(p, ARN "/prod/GET/pets"), TP_POLICY_ALLOW);
    assert_int_equal(invoke(p, ARN "/beta/POST/pets"), TP_POLICY_ALLOW);
    assert_int_equal(invoke(p, ARN "/prod/POST/pets"), TP_POLICY_DENY);
    /* another API, region or account is not "this API" */
    assert_int_equal(invoke(p,
        "arn:aws:execute-api:us-east-1:123456789012:other/prod/GET/"),
        TP_POLICY_SILENT);
    assert_int_equal(invoke(p,
        "arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/GET/"),
        TP_POLICY_SILENT);
    assert_int_equal(invoke(p,
        "arn:aws:execute-api:us-east-1:210987654321:abc123/prod/GET/"),
        TP_POLICY_SILENT);
}

static void
test_server__tp_policy__deny_wins(void **state)
{
    struct tp_policy *p;

    (void) state;
    /* the Deny comes first and last: order does not matter */
    p = compile("{\"Statement\":["
        "{\"Effect\":\"Deny\",\"Action\":\"execute-api:*\","
        "\"Resource\":\"" ARN "/*/DELETE/*\"},"
        "{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}",
        TP_POLICY_IDENTITY);
    assert_int_equal(invoke(p, ARN "/prod/DELETE/x"), TP_POLICY_DENY);
    assert_int_equal(invoke(p, ARN "/prod/GET/x"), TP_POLICY_ALLOW);
    p = compile("{\"Statement\":["
        "{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"},"
        "{\"Effect\":\"Deny\",\"Action\":\"execute-api:*\","
        "\"Resource\":\"" ARN "/*/DELETE/*\"}]}", TP_POLICY_IDENTITY);
    assert_int_equal(invoke(p, ARN "/prod/DELETE/x"), TP_POLICY_DENY);
    assert_int_equal(invoke(p, ARN "/prod/GET/x"), TP_POLICY_ALLOW);
    /* nothing applies: silent (implicit deny) */
    p = compile("{\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"*\","
        "\"Resource\":\"" ARN "/x/*\"}]}", TP_POLICY_IDENTITY);
    assert_int_equal(invoke(p, ARN "/prod/GET/"), TP_POLICY_SILENT);
    assert_int_equal(invoke(NULL, ARN "/prod/GET/"), TP_POLICY_SILENT);
}

static void
test_server__tp_policy__principals(void **state)
{
    const char *alice = "arn:aws:iam::123456789012:user/alice";
    const char *bob = "arn:aws:iam::123456789012:user/bob";
    const char *carol = "arn:aws:iam::210987654321:user/carol";
    const char *dave = "arn:aws:iam::555555555555:user/dave";
    struct tp_policy *p;

    (void) state;
    p = compile("{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{"
        "\"AWS\":[\"" "arn:aws:iam::123456789012:user/alice\","
        "\"210987654321\"]},\"Action\":\"execute-api:Invoke\","
        "\"Resource\":\"execute-api:/*\"}]}", TP_POLICY_RESOURCE);
    assert_non_null(p);
    assert_int_equal(eval(p, "execute-api:Invoke", ARN "/p/GET/", alice,
        "123456789012"), TP_POLICY_ALLOW);
    assert_int_equal(eval(p, "execute-api:Invoke", ARN "/p/GET/", bob,
        "123456789012"), TP_POLICY_SILENT);
    assert_int_equal(eval(p, "execute-api:Invoke", ARN "/p/GET/", carol,
        "210987654321"), TP_POLICY_ALLOW);      /* the whole account */
    assert_int_equal(invoke(p, ARN "/p/GET/"), TP_POLICY_SILENT);

    /* arn:aws:iam::ACCT:root = the account; {"AWS": "*"} = anyone */
    p = compile("{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{"
        "\"AWS\":\"arn:aws:iam::555555555555:root\"},\"Action\":\"*\","
        "\"Resource\":\"*\"},{\"Effect\":\"Deny\",\"Principal\":{"
        "\"AWS\":\"*\"},\"Action\":\"*\",\"Resource\":\"" ARN
        "/*/DELETE/*\"}]}", TP_POLICY_RESOURCE);
    assert_int_equal(eval(p, "execute-api:Invoke", ARN "/p/GET/", dave,
        "555555555555"), TP_POLICY_ALLOW);
    assert_int_equal(eval(p, "execute-api:Invoke", ARN "/p/GET/", alice,
        "123456789012"), TP_POLICY_SILENT);
    assert_int_equal(invoke(p, ARN "/p/DELETE/x"), TP_POLICY_DENY);
    assert_int_equal(eval(p, "execute-api:Invoke", ARN "/p/DELETE/x",
        dave, "555555555555"), TP_POLICY_DENY);

    /* NotPrincipal: everyone but alice (anonymous included) */
    p = compile("{\"Statement\":[{\"Effect\":\"Deny\",\"NotPrincipal\":{"
        "\"AWS\":\"arn:aws:iam::123456789012:user/alice\"},\"Action\":\"*\","
        "\"Resource\":\"*\"},{\"Effect\":\"Allow\",\"Principal\":\"*\","
        "\"Action\":\"*\",\"Resource\":\"*\"}]}", TP_POLICY_RESOURCE);
    assert_int_equal(eval(p, "execute-api:Invoke", ARN "/p/GET/", alice,
        "123456789012"), TP_POLICY_ALLOW);
    assert_int_equal(eval(p, "execute-api:Invoke", ARN "/p/GET/", bob,
        "123456789012"), TP_POLICY_DENY);
    assert_int_equal(invoke(p, ARN "/p/GET/"), TP_POLICY_DENY);

    /* Service principals are valid and never match a caller */
    p = compile("{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{"
        "\"Service\":\"lambda.amazonaws.com\"},\"Action\":\"*\","
        "\"Resource\":\"*\"}]}", TP_POLICY_RESOURCE);
    assert_non_null(p);
    assert_int_equal(eval(p, "execute-api:Invoke", ARN "/p/GET/", alice,
        "123456789012"), TP_POLICY_SILENT);
}

static void
test_server__tp_policy__tables(void **state)
{
    enum tp_policy_effect A = TP_POLICY_ALLOW, S = TP_POLICY_SILENT,
        D = TP_POLICY_DENY;

    (void) state;
    /* Table A: same account (and Cognito, authorizers, policy only) */
    assert_true(tp_policy_allows(A, A, false));
    assert_true(tp_policy_allows(A, S, false));
    assert_false(tp_policy_allows(A, D, false));
    assert_true(tp_policy_allows(S, A, false));
    assert_false(tp_policy_allows(S, S, false));
    assert_false(tp_policy_allows(S, D, false));
    assert_false(tp_policy_allows(D, A, false));
    assert_false(tp_policy_allows(D, S, false));
    assert_false(tp_policy_allows(D, D, false));
    /* Table B: cross account, both must allow */
    assert_true(tp_policy_allows(A, A, true));
    assert_false(tp_policy_allows(A, S, true));
    assert_false(tp_policy_allows(A, D, true));
    assert_false(tp_policy_allows(S, A, true));
    assert_false(tp_policy_allows(S, S, true));
    assert_false(tp_policy_allows(S, D, true));
    assert_false(tp_policy_allows(D, A, true));
    assert_false(tp_policy_allows(D, S, true));
    assert_false(tp_policy_allows(D, D, true));
}

/* Whether compiling <json> fails with a message containing <want>. */
static void
expect_error(const char *json, enum tp_policy_kind kind, const char *want)
{
    const char *err = error_of(json, kind);

    if (strstr(err, want) == NULL) {
        fprintf(stderr, "policy %s\n  error \"%s\"\n  wanted \"%s\"\n",
            json, err, want);
        fail();
    }
}

#define ST(body) "{\"Statement\":[" body "]}"
#define OK_I "\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\""

static void
test_server__tp_policy__errors(void **state)
{
    char big[TP_POLICY_RESOURCE_MAX + 200];
    int n;

    (void) state;
    expect_error("", TP_POLICY_IDENTITY, "not valid JSON");
    expect_error("{\"Statement\":", TP_POLICY_IDENTITY, "not valid JSON");
    expect_error("[]", TP_POLICY_IDENTITY, "must be a JSON object");
    expect_error("{}", TP_POLICY_IDENTITY, "Statement is required");
    expect_error("{\"Statement\":[]}", TP_POLICY_IDENTITY, "non-empty");
    expect_error("{\"Statement\":\"x\"}", TP_POLICY_IDENTITY, "an object");
    expect_error("{\"Version\":\"2012-10-18\",\"Statement\":{" OK_I "}}",
        TP_POLICY_IDENTITY, "Version must be");
    expect_error("{\"Statment\":[]}", TP_POLICY_IDENTITY,
        "unknown policy member \"Statment\"");
    expect_error("{\"Statement\":{" OK_I "},\"Statement\":{" OK_I "}}",
        TP_POLICY_IDENTITY, "\"Statement\" appears twice");
    expect_error(ST("{" OK_I "},3"), TP_POLICY_IDENTITY,
        "Statement[1]: a statement must be an object");
    expect_error(ST("{" OK_I "},{\"Effect\":\"allow\",\"Action\":\"*\","
        "\"Resource\":\"*\"}"), TP_POLICY_IDENTITY,
        "Statement[1]: Effect must be \"Allow\" or \"Deny\"");
    expect_error(ST("{\"Sid\":\"NoEffect\",\"Action\":\"*\","
        "\"Resource\":\"*\"}"), TP_POLICY_IDENTITY,
        "Statement[0] (Sid \"NoEffect\"): Effect is required");
    expect_error("{\"Statement\":{\"Effect\":\"Allow\",\"Resource\":\"*\"}}",
        TP_POLICY_IDENTITY, "Statement: Action (or NotAction) is required");
    expect_error(ST("{" OK_I ",\"NotAction\":\"*\"}"), TP_POLICY_IDENTITY,
        "Action and NotAction cannot both be given");
    expect_error(ST("{\"Effect\":\"Allow\",\"Action\":\"*\"}"),
        TP_POLICY_IDENTITY, "Resource (or NotResource) is required");
    expect_error(ST("{\"Effect\":\"Allow\",\"Action\":\"Invoke\","
        "\"Resource\":\"*\"}"), TP_POLICY_IDENTITY,
        "Action \"Invoke\" must be \"*\" or \"service:action\"");
    expect_error(ST("{\"Effect\":\"Allow\",\"Action\":[],"
        "\"Resource\":\"*\"}"), TP_POLICY_IDENTITY,
        "Action must be a string or a non-empty array");
    expect_error(ST("{\"Effect\":\"Allow\",\"Action\":[\"*\",1],"
        "\"Resource\":\"*\"}"), TP_POLICY_IDENTITY,
        "Action[1] is a number, not a string");
    expect_error(ST("{\"Effect\":\"Allow\",\"Action\":\"*\","
        "\"Resource\":\"abc/*\"}"), TP_POLICY_IDENTITY,
        "Resource \"abc/*\" must be \"*\", an ARN");
    expect_error(ST("{" OK_I ",\"Effects\":\"Deny\"}"), TP_POLICY_IDENTITY,
        "unknown statement member \"Effects\"");
    expect_error(ST("{" OK_I ",\"Sid\":1}"), TP_POLICY_IDENTITY,
        "Sid must be a string");
    /* Principal: identity policies never, resource policies always */
    expect_error(ST("{\"Sid\":\"P\"," OK_I ",\"Principal\":\"*\"}"),
        TP_POLICY_IDENTITY, "Statement[0] (Sid \"P\"): Principal is not "
        "allowed in an identity policy");
    expect_error(ST("{" OK_I ",\"NotPrincipal\":{\"AWS\":\"123456789012\"}}"),
        TP_POLICY_IDENTITY, "NotPrincipal is not allowed");
    expect_error(ST("{" OK_I "}"), TP_POLICY_RESOURCE,
        "Statement[0]: Principal (or NotPrincipal) is required in a "
        "resource policy");
    expect_error(ST("{" OK_I ",\"Principal\":\"alice\"}"),
        TP_POLICY_RESOURCE, "Principal must be \"*\" or an object");
    expect_error(ST("{" OK_I ",\"Principal\":{}}"), TP_POLICY_RESOURCE,
        "Principal is an empty object");
    expect_error(ST("{" OK_I ",\"Principal\":{\"IAM\":\"*\"}}"),
        TP_POLICY_RESOURCE, "unknown Principal member \"IAM\"");
    expect_error(ST("{" OK_I ",\"Principal\":{\"AWS\":\"12345\"}}"),
        TP_POLICY_RESOURCE, "Principal \"12345\" must be \"*\", a 12-digit");
    expect_error(ST("{" OK_I ",\"Principal\":{\"AWS\":"
        "\"arn:aws:iam::123456789012:user/*\"}}"), TP_POLICY_RESOURCE,
        "without wildcards");
    expect_error(ST("{" OK_I ",\"NotPrincipal\":{\"AWS\":\"*\"}}"),
        TP_POLICY_RESOURCE, "NotPrincipal cannot be \"*\"");
    /* the shorthand needs an API */
    {
        struct tp_policy *p;
        char err[256];
        const char *doc = ST("{\"Effect\":\"Allow\",\"Action\":\"*\","
            "\"Resource\":\"execute-api:/*\"}");

        assert_int_equal(tp_policy_parse(doc, strlen(doc),
            TP_POLICY_IDENTITY, NULL, &arena, &p, err, sizeof(err)),
            TP_ERROR);
        assert_non_null(strstr(err, "only for an API's resource policy"));
    }
    expect_error(ST("{\"Effect\":\"Allow\",\"Action\":\"*\",\"Principal\":"
        "\"*\",\"Resource\":\"execute-api:prod/*\"}"), TP_POLICY_RESOURCE,
        "the shorthand is execute-api:/STAGE/METHOD/PATH");

    /* resource policies: at most 8192 characters, blanks not counted */
    n = snprintf(big, sizeof(big), "{\"Statement\":[{\"Effect\":\"Allow\","
        "\"Principal\":\"*\",\"Action\":\"*\",\"Resource\":\"*\"}]%*s}",
        TP_POLICY_RESOURCE_MAX, "");
    assert_true(n > TP_POLICY_RESOURCE_MAX);
    assert_string_equal(error_of(big, TP_POLICY_RESOURCE), "");
    n = snprintf(big, sizeof(big), "{\"Id\":\"%0*d\",\"Statement\":["
        "{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"*\","
        "\"Resource\":\"*\"}]}", TP_POLICY_RESOURCE_MAX - 60, 0);
    assert_true(n > TP_POLICY_RESOURCE_MAX);
    expect_error(big, TP_POLICY_RESOURCE, "more than the limit of 8192");
    /* no such limit for identity policies */
    n = snprintf(big, sizeof(big), "{\"Id\":\"%0*d\",\"Statement\":["
        "{" OK_I "}]}", TP_POLICY_RESOURCE_MAX, 0);
    assert_true(n > TP_POLICY_RESOURCE_MAX);
    assert_string_equal(error_of(big, TP_POLICY_IDENTITY), "");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_server__tp_policy__actions),
        cmocka_unit_test(test_server__tp_policy__resources),
        cmocka_unit_test(test_server__tp_policy__shorthand),
        cmocka_unit_test(test_server__tp_policy__deny_wins),
        cmocka_unit_test(test_server__tp_policy__principals),
        cmocka_unit_test(test_server__tp_policy__tables),
        cmocka_unit_test(test_server__tp_policy__errors),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
