/*
 * test_tp_sigv4_neg.c: what SigV4 verification (tp_sigv4*.c) refuses,
 * and with which of API Gateway's texts: every part of the Authorization
 * header and of the presigned query missing or garbled, the timestamp
 * formats and the 5-minute and X-Amz-Expires edges, unsigned Host and
 * x-amz-* headers, the credential scope, unknown keys, wrong secrets,
 * signatures and session tokens, claimed body hashes; then the parsers
 * and canonicalizers on their own.  Conformance: test_tp_sigv4.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sigv4_suite.h"

#define AKID   "AKIDEXAMPLE"
#define SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define HOST   "abc123defg.execute-api.us-east-1.amazonaws.com"
#define DATE   "20240115T093000Z"
#define T0     1705311000LL          /* DATE */
#define TOKEN  "FQoGZXIvYXdzEPT//////////wEXAMPLE="

/* A request being built: headers by value, Authorization last. */
struct fx {
    struct tp_arena a;
    struct tp_sigv4_hdr h[16];
    struct tp_sigv4_req req;
    struct tp_sigv4_sign_in in;
    struct sv_keys keys;
    struct tp_sigv4_conf conf;
    struct tp_sigv4_result res;
    char authz[1024];
};

static struct tp_str
str(const char *s)
{
    return (struct tp_str) { s, strlen(s) };
}

static void
assert_slice_str(struct tp_str got, const char *want, const char *what)
{
    if (got.len != strlen(want) || memcmp(got.p, want, got.len) != 0) {
        fail_msg("%s: got \"%.*s\", want \"%s\"", what, (int) got.len,
                 got.p, want);
    }
}

static void
fx_header(struct fx *f, const char *name, const char *value)
{
    f->h[f->req.nhdrs].name = str(name);
    f->h[f->req.nhdrs].value = str(value);
    f->req.nhdrs++;
}

/* GET /prod/pets?type=dog with Host and X-Amz-Date, not yet signed. */
static void
fx_init(struct fx *f)
{
    memset(f, 0, sizeof(*f));
    tp_arena_init(&f->a, 4096);
    f->req.method = TP_STR("GET");
    f->req.path = TP_STR("/prod/pets");
    f->req.query = TP_STR("type=dog");
    f->req.hdrs = f->h;
    fx_header(f, "Host", HOST);
    fx_header(f, "X-Amz-Date", DATE);
    f->in.akid = TP_STR(AKID);
    f->in.secret = TP_STR(SECRET);
    f->in.region = TP_STR("us-east-1");
    f->in.service = TP_STR(TP_SIGV4_SERVICE);
    f->in.date = TP_STR(DATE);
    f->in.signed_headers = TP_STR("host;x-amz-date");
    f->in.expires = 3600;
    f->keys.akid = AKID;
    f->keys.secret = SECRET;
    f->conf.region = TP_STR("us-east-1");
    f->conf.service = TP_STR(TP_SIGV4_SERVICE);
    f->conf.lookup = sv_lookup;
    f->conf.lookup_ctx = &f->keys;
}

static void
fx_done(struct fx *f)
{
    tp_arena_free(&f->a);
}

/* Signs the headers as they are now and adds the Authorization. */
static void
fx_sign(struct fx *f)
{
    struct tp_str v;

    assert_int_equal(tp_sigv4_sign_header(&f->a, &f->req, &f->in, &v),
                     TP_OK);
    snprintf(f->authz, sizeof(f->authz), "%.*s", (int) v.len, v.p);
    fx_header(f, "Authorization", f->authz);
}

/* Replaces the query with the presigned one. */
static void
fx_presign(struct fx *f)
{
    assert_int_equal(tp_sigv4_presign(&f->a, &f->req, &f->in, &f->req.query,
                                      NULL), TP_OK);
}

/* Verifies at <now>: status <st> and, if <msg>, exactly that message. */
static void
fx_expect(struct fx *f, int64_t now, enum tp_sigv4_status st,
    const char *msg)
{
    enum tp_sigv4_status got = tp_sigv4_verify(&f->conf, &f->req, now,
                                               &f->a, &f->res);

    if (got != st) {
        fail_msg("status %d (%s), want %d; message: %s", got,
                 tp_sigv4_error_type(got), st,
                 f->res.message ? f->res.message : "(none)");
    }
    assert_int_equal(f->res.status, st);
    if (msg != NULL) {
        assert_non_null(f->res.message);
        assert_string_equal(f->res.message, msg);
        assert_int_equal(f->res.message_len, strlen(msg));
    }
    if (st == TP_SIGV4_OK) {
        assert_null(f->res.message);
    }
}

/* fx_expect() and the x-amzn-ErrorType <type>. */
static void
fx_expect_type(struct fx *f, int64_t now, enum tp_sigv4_status st,
    const char *type, const char *msg)
{
    fx_expect(f, now, st, msg);
    assert_string_equal(tp_sigv4_error_type(f->res.status), type);
}

/* Sets the Authorization value (the last header) to <v>. */
static void
fx_authz(struct fx *f, const char *v)
{
    snprintf(f->authz, sizeof(f->authz), "%s", v);
    f->h[f->req.nhdrs - 1].value = str(f->authz);
}

/* Replaces <from> with <to> in the Authorization value. */
static void
fx_edit_authz(struct fx *f, const char *from, const char *to)
{
    char buf[1024];
    char *at = strstr(f->authz, from);

    assert_non_null(at);
    snprintf(buf, sizeof(buf), "%.*s%s%s", (int) (at - f->authz), f->authz,
             to, at + strlen(from));
    fx_authz(f, buf);
}

/* The same for the query; the result lives in the arena. */
static void
fx_edit_query(struct fx *f, const char *from, const char *to)
{
    const char *q = tp_arena_strndup(&f->a, f->req.query.p,
                                     f->req.query.len);
    const char *at = strstr(q, from);

    assert_non_null(at);
    f->req.query = str(tp_arena_sprintf(&f->a, "%.*s%s%s", (int) (at - q),
                                        q, to, at + strlen(from)));
}

/* --- the header form --- */

static void
test_server__tp_sigv4_neg__unsigned(void **state)
{
    struct fx f;

    (void) state;
    fx_init(&f);
    fx_expect_type(&f, T0, TP_SIGV4_UNSIGNED,
                   "MissingAuthenticationTokenException",
                   "Missing Authentication Token");
    assert_int_equal(tp_sigv4_gw(f.res.status),
                     TP_GW_MISSING_AUTHENTICATION_TOKEN);
    assert_int_equal(tp_sigv4_http_status(f.res.status), 403);
    assert_int_equal(f.keys.calls, 0);
    fx_header(&f, "Authorization", " \t ");
    fx_expect(&f, T0, TP_SIGV4_UNSIGNED, NULL);
    /* Other X-Amz-* parameters do not make a presigned query. */
    f.req.query = TP_STR("X-Amz-Date=" DATE "&X-Amz-Expires=10");
    fx_expect(&f, T0, TP_SIGV4_UNSIGNED, NULL);
    fx_done(&f);
}

static void
test_server__tp_sigv4_neg__valid(void **state)
{
    struct fx f;

    (void) state;
    fx_init(&f);
    fx_sign(&f);
    fx_expect(&f, T0, TP_SIGV4_OK, NULL);
    assert_int_equal(f.res.form, TP_SIGV4_FORM_HEADER);
    assert_int_equal(f.res.akid.len, strlen(AKID));
    assert_memory_equal(f.res.akid.p, AKID, strlen(AKID));
    assert_int_equal(tp_sigv4_http_status(TP_SIGV4_OK), 200);
    assert_null(tp_sigv4_error_type(TP_SIGV4_OK));
    /* Elements without blanks, unknown elements, a trailing '/'. */
    fx_edit_authz(&f, ", SignedHeaders", ",Foo=bar,,SignedHeaders");
    fx_edit_authz(&f, "aws4_request", "aws4_request//");
    fx_expect(&f, T0, TP_SIGV4_OK, NULL);
    fx_done(&f);
}

static void
test_server__tp_sigv4_neg__not_key_value(void **state)
{
    struct fx f;

    (void) state;
    fx_init(&f);
    fx_header(&f, "Authorization", "Bearer eyJhbGciOi.eyJzdWIi.sig");
    fx_expect_type(&f, T0, TP_SIGV4_MALFORMED,
        "IncompleteSignatureException",
        "'eyJhbGciOi.eyJzdWIi.sig' not a valid key=value pair (missing "
        "equal-sign) in Authorization header: 'Bearer eyJhbGciOi.eyJzdWIi."
        "sig'.");
    assert_int_equal(tp_sigv4_gw(f.res.status), TP_GW_INVALID_SIGNATURE);
    fx_authz(&f, "AWS4-HMAC-SHA256 Credential= AKIDEXAMPLE/20240115/"
                 "us-east-1/execute-api/aws4_request, SignedHeaders=host");
    fx_expect(&f, T0, TP_SIGV4_MALFORMED,
        "'AKIDEXAMPLE/20240115/us-east-1/execute-api/aws4_request' not a "
        "valid key=value pair (missing equal-sign) in Authorization header: "
        "'AWS4-HMAC-SHA256 Credential= AKIDEXAMPLE/20240115/us-east-1/"
        "execute-api/aws4_request, SignedHeaders=host'.");
    assert_int_equal(f.keys.calls, 0);
    fx_done(&f);
}

static void
test_server__tp_sigv4_neg__missing_parts(void **state)
{
    static const char req_[] = "Authorization header requires ";
    char want[1024];
    struct fx f;

    (void) state;
    fx_init(&f);
    /* A bare token (base64 with '=' padding is a key=value pair). */
    fx_header(&f, "Authorization", "Basic dXNlcjpwYXNz==");
    snprintf(want, sizeof(want),
             "%s'Credential' parameter. %s'Signature' parameter. "
             "%s'SignedHeaders' parameter. Authorization=Basic "
             "dXNlcjpwYXNz==", req_, req_, req_);
    fx_expect(&f, T0, TP_SIGV4_MALFORMED, want);
    /* No date header either. */
    f.h[1] = f.h[2];
    f.req.nhdrs = 2;
    fx_authz(&f, "eyJ0eXAiOiJKV1Qi");
    snprintf(want, sizeof(want),
             "%s'Credential' parameter. %s'Signature' parameter. "
             "%s'SignedHeaders' parameter. %sexistence of either a "
             "'X-Amz-Date' or a 'Date' header. Authorization=eyJ0eXAiOiJKV1Qi",
             req_, req_, req_, req_);
    fx_expect(&f, T0, TP_SIGV4_MALFORMED, want);
    fx_done(&f);

    /* Each part on its own; an empty Credential or Signature is missing. */
    fx_init(&f);
    fx_sign(&f);
    fx_edit_authz(&f, "Credential=", "Credentials=");
    fx_expect(&f, T0, TP_SIGV4_MALFORMED, NULL);
    assert_non_null(strstr(f.res.message, "'Credential' parameter. "
                                          "Authorization=AWS4"));
    fx_edit_authz(&f, "Credentials=", "Credential=");
    fx_edit_authz(&f, "SignedHeaders=host;x-amz-date, ", "");
    fx_expect(&f, T0, TP_SIGV4_MALFORMED, NULL);
    assert_memory_equal(f.res.message, "Authorization header requires "
                        "'SignedHeaders' parameter. Authorization=", 70);
    fx_authz(&f, "AWS4-HMAC-SHA256 Credential=, SignedHeaders=, "
                 "Signature=");
    fx_expect(&f, T0, TP_SIGV4_MALFORMED,
        "Authorization header requires 'Credential' parameter. "
        "Authorization header requires 'Signature' parameter. "
        "Authorization=AWS4-HMAC-SHA256 Credential=, SignedHeaders=, "
        "Signature=");
    fx_done(&f);
}

static void
test_server__tp_sigv4_neg__both_forms(void **state)
{
    struct fx f;

    (void) state;
    fx_init(&f);
    fx_sign(&f);
    fx_presign(&f);
    fx_expect(&f, T0, TP_SIGV4_MALFORMED,
        "Only one auth mechanism allowed; only the X-Amz-Algorithm query "
        "parameter or the Authorization header should be specified");
    fx_done(&f);
}

static void
test_server__tp_sigv4_neg__date_format(void **state)
{
    static const char *const bad[] = {
        "2024-01-15T09:30:00Z", "20240115T093000", "20240115 093000Z",
        "20240115T093000z", "20240230T093000Z", "20241315T093000Z",
        "20240115T243000Z", "20240115T096000Z", "20240115T093060Z",
        "2024011xT093000Z", "Mon, 15 Jan 2024 09:30:00 GMT", "x",
    };
    char want[256];
    struct fx f;
    size_t i;

    (void) state;
    for (i = 0; i < TP_NELEM(bad); i++) {
        fx_init(&f);
        f.h[1].value = str(bad[i]);
        fx_sign(&f);
        snprintf(want, sizeof(want), "Date must be in ISO-8601 'basic "
                 "format'. Got '%s'. See http://en.wikipedia.org/wiki/"
                 "ISO_8601", bad[i]);
        fx_expect(&f, T0, TP_SIGV4_MALFORMED, want);
        fx_done(&f);
    }
}

/* Date: instead of X-Amz-Date, as ISO 8601 basic or IMF-fixdate. */
static void
test_server__tp_sigv4_neg__date_header(void **state)
{
    static const char *const ok[] = {
        "Mon, 15 Jan 2024 09:30:00 GMT", DATE,
    };
    struct fx f;
    size_t i;

    (void) state;
    for (i = 0; i < TP_NELEM(ok); i++) {
        fx_init(&f);
        f.h[1] = (struct tp_sigv4_hdr) { TP_STR("Date"), str(ok[i]) };
        f.in.signed_headers = TP_STR("date;host");
        fx_sign(&f);
        fx_expect(&f, T0, TP_SIGV4_OK, NULL);
        fx_expect(&f, T0 + 301, TP_SIGV4_EXPIRED, NULL);
        fx_done(&f);
    }
    fx_init(&f);
    f.h[1] = (struct tp_sigv4_hdr) { TP_STR("Date"),
                                     TP_STR("Mon, 15 Jan 2024 09:30:00 UTC") };
    f.in.signed_headers = TP_STR("date;host");
    fx_sign(&f);
    fx_expect(&f, T0, TP_SIGV4_MALFORMED, NULL);
    fx_done(&f);
}

static void
test_server__tp_sigv4_neg__skew(void **state)
{
    struct fx f;

    (void) state;
    fx_init(&f);
    fx_sign(&f);
    fx_expect(&f, T0 + 300, TP_SIGV4_OK, NULL);
    fx_expect(&f, T0 - 300, TP_SIGV4_OK, NULL);
    fx_expect_type(&f, T0 + 301, TP_SIGV4_EXPIRED,
        "InvalidSignatureException",
        "Signature expired: 20240115T093000Z is now earlier than "
        "20240115T093001Z (20240115T093501Z - 5 min.)");
    fx_expect(&f, T0 - 301, TP_SIGV4_NOT_YET,
        "Signature not yet current: 20240115T093000Z is still later than "
        "20240115T092959Z (20240115T092459Z + 5 min.)");
    fx_expect(&f, T0 + 86400 * 365, TP_SIGV4_EXPIRED, NULL);
    assert_int_equal(f.keys.calls, 2);
    fx_done(&f);
}

static void
test_server__tp_sigv4_neg__unsigned_headers(void **state)
{
    struct fx f;

    (void) state;
    fx_init(&f);
    f.in.signed_headers = TP_STR("x-amz-date");
    fx_sign(&f);
    fx_expect(&f, T0, TP_SIGV4_UNSIGNED_HEADER,
        "'Host' or ':authority' must be a 'SignedHeader' in the AWS "
        "Authorization.");
    fx_done(&f);

    fx_init(&f);
    f.in.signed_headers = TP_STR("Host;X-Amz-Date");     /* any case */
    fx_sign(&f);
    fx_expect(&f, T0, TP_SIGV4_OK, NULL);
    fx_header(&f, "X-Amz-Target", "Foo");
    fx_expect(&f, T0, TP_SIGV4_UNSIGNED_HEADER,
        "'X-Amz-Target' must be a 'SignedHeader' in the AWS "
        "Authorization.");
    fx_done(&f);

    fx_init(&f);
    f.in.signed_headers = TP_STR("host");
    fx_sign(&f);
    fx_expect(&f, T0, TP_SIGV4_UNSIGNED_HEADER,
        "'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization.");
    fx_done(&f);
}

static void
test_server__tp_sigv4_neg__algorithm(void **state)
{
    struct fx f;

    (void) state;
    fx_init(&f);
    fx_sign(&f);
    fx_edit_authz(&f, "AWS4-HMAC-SHA256", "AWS4-HMAC-SHA512");
    fx_expect(&f, T0, TP_SIGV4_MALFORMED,
        "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512' (only "
        "AWS4-HMAC-SHA256 for now). ");
    fx_edit_authz(&f, "AWS4-HMAC-SHA512", "aws4-hmac-sha256");
    fx_expect(&f, T0, TP_SIGV4_MALFORMED, NULL);
    fx_done(&f);
}

static void
test_server__tp_sigv4_neg__credential(void **state)
{
    struct fx f;

    (void) state;
    fx_init(&f);
    fx_sign(&f);
    fx_edit_authz(&f, "/aws4_request", "");
    fx_expect(&f, T0, TP_SIGV4_MALFORMED,
        "Credential must have exactly 5 slash-delimited elements, e.g. "
        "keyid/date/region/service/term, got 'AKIDEXAMPLE/20240115/"
        "us-east-1/execute-api'");
    fx_edit_authz(&f, "Credential=", "Credential=AK/");
    fx_edit_authz(&f, "execute-api", "execute-api/aws4_request");
    fx_expect(&f, T0, TP_SIGV4_MALFORMED, NULL);
    assert_int_equal(f.res.akid.len, 0);
    assert_int_equal(f.keys.calls, 0);
    fx_done(&f);
}

static void
test_server__tp_sigv4_neg__scope(void **state)
{
    struct fx f;

    (void) state;
    fx_init(&f);
    f.in.region = TP_STR("eu-west-1");
    fx_sign(&f);
    fx_expect_type(&f, T0, TP_SIGV4_BAD_SCOPE, "InvalidSignatureException",
        "Credential should be scoped to a valid region, not 'eu-west-1'. ");
    assert_int_equal(f.keys.calls, 0);
    fx_done(&f);

    fx_init(&f);
    f.in.service = TP_STR("execute-api2");
    f.conf.service = TP_NULL_STR;        /* execute-api by default */
    fx_sign(&f);
    fx_expect(&f, T0, TP_SIGV4_BAD_SCOPE,
        "Credential should be scoped to correct service: 'execute-api'. ");
    fx_done(&f);

    /* Everything wrong at once: one message, AWS's order. */
    fx_init(&f);
    f.in.region = TP_STR("us-west-2");
    f.in.service = TP_STR("s3");
    fx_sign(&f);
    fx_edit_authz(&f, "20240115/", "20240114/");
    fx_edit_authz(&f, "aws4_request", "aws4_requestx");
    fx_expect(&f, T0, TP_SIGV4_BAD_SCOPE,
        "Credential should be scoped to a valid region, not 'us-west-2'. "
        "Credential should be scoped to correct service: 'execute-api'. "
        "Credential should be scoped with a valid terminator: "
        "'aws4_request', not 'aws4_requestx'. "
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 "
        "version of date from HTTP: '20240114' != '20240115', from "
        "'20240115T093000Z'.");
    assert_int_equal(f.res.akid.len, strlen(AKID));
    fx_done(&f);
}

static void
test_server__tp_sigv4_neg__keys(void **state)
{
    struct fx f;

    (void) state;
    fx_init(&f);
    f.in.akid = TP_STR("AKIDOTHER");
    fx_sign(&f);
    fx_expect_type(&f, T0, TP_SIGV4_UNKNOWN_KEY,
                   "UnrecognizedClientException",
                   "The security token included in the request is invalid.");
    f.keys.fail = true;
    fx_expect(&f, T0, TP_SIGV4_INTERNAL, "Internal server error");
    assert_int_equal(tp_sigv4_http_status(f.res.status), 500);
    assert_int_equal(tp_sigv4_gw(f.res.status), TP_GW_INTERNAL);
    fx_done(&f);
}

static void
test_server__tp_sigv4_neg__wrong_secret(void **state)
{
    struct tp_str creq, sts;
    char want[4096];
    struct fx f;

    (void) state;
    fx_init(&f);
    fx_sign(&f);
    fx_expect(&f, T0, TP_SIGV4_OK, NULL);
    creq = f.res.canonical;
    sts = f.res.string_to_sign;
    f.keys.secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEZ";
    snprintf(want, sizeof(want),
        "The request signature we calculated does not match the signature "
        "you provided. Check your AWS Secret Access Key and signing method. "
        "Consult the service documentation for details.\n\nThe Canonical "
        "String for this request should have been\n'%.*s'\n\nThe "
        "String-to-Sign should have been\n'%.*s'\n", (int) creq.len, creq.p,
        (int) sts.len, sts.p);
    fx_expect_type(&f, T0, TP_SIGV4_BAD_SIGNATURE,
                   "InvalidSignatureException", want);
    /* Neither secret nor the expected signature is ever shown. */
    assert_null(strstr(f.res.message, "EXAMPLEKEY"));
    assert_null(strstr(f.res.message, "EXAMPLEKEZ"));
    assert_null(strstr(f.res.message, strstr(f.authz, "Signature=") + 10));
    fx_done(&f);
}

static void
test_server__tp_sigv4_neg__signature_garbled(void **state)
{
    char good[TP_SIGV4_HEX_LEN + 1], bad[TP_SIGV4_HEX_LEN + 2];
    struct fx f;
    char *sig;
    int i;

    (void) state;
    fx_init(&f);
    fx_sign(&f);
    sig = strstr(f.authz, "Signature=") + 10;
    assert_int_equal(strlen(sig), TP_SIGV4_HEX_LEN);
    memcpy(good, sig, sizeof(good));
    for (i = 0; i < 5; i++) {
        memcpy(bad, good, sizeof(good));
        switch (i) {
        case 0:                      /* upper case */
            for (sig = bad; *sig != '\0'; sig++) {
                *sig = *sig >= 'a' && *sig <= 'f' ? *sig - 0x20 : *sig;
            }
            break;
        case 1:                      /* one digit short */
            bad[TP_SIGV4_HEX_LEN - 1] = '\0';
            break;
        case 2:                      /* one digit more */
            bad[TP_SIGV4_HEX_LEN] = '0';
            bad[TP_SIGV4_HEX_LEN + 1] = '\0';
            break;
        case 3:                      /* not hex */
            bad[0] = 'g';
            break;
        default:                     /* one bit off */
            bad[10] ^= 1;
            break;
        }
        fx_edit_authz(&f, good, bad);
        fx_expect(&f, T0, TP_SIGV4_BAD_SIGNATURE, NULL);
        fx_edit_authz(&f, bad, good);
        fx_expect(&f, T0, TP_SIGV4_OK, NULL);
    }
    fx_done(&f);
}

static void
test_server__tp_sigv4_neg__signed_header_absent(void **state)
{
    struct fx f;

    (void) state;
    fx_init(&f);
    fx_header(&f, "X-Custom", "1");
    f.in.signed_headers = TP_STR("host;x-amz-date;x-custom");
    fx_sign(&f);
    fx_expect(&f, T0, TP_SIGV4_OK, NULL);
    f.h[2].name = TP_STR("X-Other");
    fx_expect(&f, T0, TP_SIGV4_MALFORMED,
        "'x-custom' is named as a SignedHeader, but it does not exist in "
        "the HTTP request.");
    fx_done(&f);
}

static void
test_server__tp_sigv4_neg__query_escapes(void **state)
{
    struct fx f;

    (void) state;
    fx_init(&f);
    fx_sign(&f);
    f.req.query = TP_STR("a=%zz&b=1");
    fx_expect(&f, T0, TP_SIGV4_MALFORMED,
              "Illegal hex character in escape % pattern: %zz");
    f.req.query = TP_STR("a=1&b=%4");
    fx_expect(&f, T0, TP_SIGV4_MALFORMED,
              "Incomplete trailing escape % sequence");
    fx_done(&f);
}

static void
test_server__tp_sigv4_neg__payload(void **state)
{
    static const char body_hash[] =
        "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e";
    struct fx f;

    (void) state;
    fx_init(&f);
    f.req.method = TP_STR("POST");
    f.req.body = "Param1=value1";
    f.req.body_len = 13;
    fx_header(&f, "X-Amz-Content-Sha256", body_hash);
    f.in.signed_headers = TP_STR("host;x-amz-content-sha256;x-amz-date");
    fx_sign(&f);
    fx_expect(&f, T0, TP_SIGV4_OK, NULL);
    f.req.body = "Param1=value2";
    fx_expect(&f, T0, TP_SIGV4_PAYLOAD_MISMATCH,
        "The provided 'x-amz-content-sha256' header does not match what "
        "was computed.");
    /* The caller's hash of the body stands for the body. */
    f.req.body = NULL;
    f.req.body_sha256 = body_hash;
    fx_expect(&f, T0, TP_SIGV4_OK, NULL);
    fx_done(&f);

    /* UNSIGNED-PAYLOAD: the body is not covered. */
    fx_init(&f);
    f.req.body = "anything";
    f.req.body_len = 8;
    fx_header(&f, "x-amz-content-sha256", "UNSIGNED-PAYLOAD");
    f.in.signed_headers = TP_STR("host;x-amz-content-sha256;x-amz-date");
    fx_sign(&f);
    fx_expect(&f, T0, TP_SIGV4_OK, NULL);
    f.req.body = "something else";
    f.req.body_len = 14;
    fx_expect(&f, T0, TP_SIGV4_OK, NULL);
    fx_done(&f);

    /* Without the header, the body is hashed into the signature. */
    fx_init(&f);
    f.req.body = "x";
    f.req.body_len = 1;
    fx_sign(&f);
    fx_expect(&f, T0, TP_SIGV4_OK, NULL);
    f.req.body = "y";
    fx_expect(&f, T0, TP_SIGV4_BAD_SIGNATURE, NULL);
    fx_done(&f);
}

static void
test_server__tp_sigv4_neg__token(void **state)
{
    struct fx f;

    (void) state;
    /* A key issued with a session token needs it. */
    fx_init(&f);
    f.keys.token = TOKEN;
    fx_sign(&f);
    fx_expect(&f, T0, TP_SIGV4_BAD_TOKEN,
              "The security token included in the request is invalid.");
    fx_done(&f);

    fx_init(&f);
    f.keys.token = TOKEN;
    fx_header(&f, "X-Amz-Security-Token", TOKEN);
    f.in.signed_headers = TP_STR("host;x-amz-date;x-amz-security-token");
    fx_sign(&f);
    fx_expect(&f, T0, TP_SIGV4_OK, NULL);
    f.keys.token_expires = T0 + 1;
    fx_expect(&f, T0, TP_SIGV4_OK, NULL);
    f.keys.token_expires = T0;
    fx_expect_type(&f, T0, TP_SIGV4_TOKEN_EXPIRED, "ExpiredTokenException",
                   "The security token included in the request is expired");
    assert_int_equal(tp_sigv4_gw(f.res.status), TP_GW_EXPIRED_TOKEN);
    /* Another token of the same length: refused after the signature. */
    f.keys.token_expires = 0;
    f.keys.token = "FQoGZXIvYXdzEPT//////////wEXAMPLF=";
    fx_expect(&f, T0, TP_SIGV4_BAD_TOKEN, NULL);
    /* A long-term key takes no token. */
    f.keys.token = NULL;
    fx_expect(&f, T0, TP_SIGV4_BAD_TOKEN, NULL);
    fx_done(&f);
}

/* --- the presigned form --- */

/* fx_init(), for a request presigned with Host only signed. */
static void
fx_init_presigned(struct fx *f)
{
    fx_init(f);
    f->req.nhdrs = 1;
    f->in.signed_headers = TP_STR("host");
}

static void
test_server__tp_sigv4_neg__presigned_valid(void **state)
{
    struct fx f;

    (void) state;
    fx_init_presigned(&f);
    fx_presign(&f);
    fx_expect(&f, T0, TP_SIGV4_OK, NULL);
    assert_int_equal(f.res.form, TP_SIGV4_FORM_QUERY);
    fx_expect(&f, T0 + 3600, TP_SIGV4_OK, NULL);
    fx_expect(&f, T0 - 300, TP_SIGV4_OK, NULL);
    fx_expect(&f, T0 + 3601, TP_SIGV4_EXPIRED,
        "Signature expired: 20240115T093000Z is now earlier than "
        "20240115T093001Z (20240115T103001Z - 3600 sec.)");
    fx_expect(&f, T0 - 301, TP_SIGV4_NOT_YET, NULL);
    /* Parameters and a signed header changed. */
    fx_edit_query(&f, "type=dog", "type=cat");
    fx_expect(&f, T0, TP_SIGV4_BAD_SIGNATURE, NULL);
    fx_edit_query(&f, "type=cat", "type=dog");
    fx_edit_query(&f, "X-Amz-Date=20240115T093000Z",
                  "X-Amz-Date=20240115T093001Z");
    fx_expect(&f, T0, TP_SIGV4_BAD_SIGNATURE, NULL);
    fx_edit_query(&f, "T093001Z", "T093000Z");
    fx_expect(&f, T0, TP_SIGV4_OK, NULL);
    f.h[0].value = TP_STR("evil.example.com");
    fx_expect(&f, T0, TP_SIGV4_BAD_SIGNATURE, NULL);
    fx_done(&f);
}

/* A query whose space was signed as "%20" but sent as '+' (botocore
 * does so with params): accepted; a '+' signed as itself still is. */
static void
test_server__tp_sigv4_neg__plus_in_query(void **state)
{
    struct fx f;

    (void) state;
    fx_init(&f);
    f.req.query = TP_STR("q=a%20b&r=x%2By");
    fx_sign(&f);
    f.req.query = TP_STR("q=a+b&r=x%2By");
    fx_expect(&f, T0, TP_SIGV4_OK, NULL);
    assert_non_null(strstr(f.res.canonical.p, "q=a%20b&r=x%2By\n"));
    /* the '+' that was meant as a '+' is not turned into a space */
    f.req.query = TP_STR("q=a+b&r=x+y");
    fx_expect(&f, T0, TP_SIGV4_BAD_SIGNATURE, NULL);
    fx_done(&f);

    fx_init(&f);
    f.req.query = TP_STR("q=a+b");
    fx_sign(&f);                     /* signed as "q=a%2Bb" */
    fx_expect(&f, T0, TP_SIGV4_OK, NULL);
    f.req.query = TP_STR("q=a%20b");
    fx_expect(&f, T0, TP_SIGV4_BAD_SIGNATURE, NULL);
    fx_done(&f);

    /* presigned, with a session token added after signing */
    fx_init_presigned(&f);
    f.req.query = TP_STR("q=a%20b");
    fx_presign(&f);
    fx_edit_query(&f, "q=a%20b", "q=a+b");
    fx_expect(&f, T0, TP_SIGV4_OK, NULL);
    fx_done(&f);
}

static void
test_server__tp_sigv4_neg__presigned_missing(void **state)
{
    static const char *const params[] = {
        "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature",
        "X-Amz-Date", "X-Amz-SignedHeaders",
    };
    char from[64], want[256];
    struct fx f;
    size_t i;

    (void) state;
    for (i = 0; i < TP_NELEM(params); i++) {
        fx_init_presigned(&f);
        fx_presign(&f);
        snprintf(from, sizeof(from), "%s=", params[i]);
        fx_edit_query(&f, from, "X-Amz-Nothing=");
        snprintf(want, sizeof(want), "AWS query-string parameters must "
                 "include '%s'. Re-examine the query-string parameters.",
                 params[i]);
        fx_expect(&f, T0, TP_SIGV4_MALFORMED, want);
        fx_done(&f);
    }
}

static void
test_server__tp_sigv4_neg__presigned_garbled(void **state)
{
    struct fx f;

    (void) state;
    fx_init_presigned(&f);
    fx_presign(&f);
    fx_edit_query(&f, "X-Amz-Expires=3600", "X-Amz-Expires=36x0");
    fx_expect(&f, T0, TP_SIGV4_MALFORMED,
              "X-Amz-Expires should be a number");
    fx_edit_query(&f, "X-Amz-Expires=36x0", "X-Amz-Expires=");
    fx_expect(&f, T0, TP_SIGV4_MALFORMED,
              "X-Amz-Expires should be a number");
    fx_edit_query(&f, "X-Amz-Expires=", "X-Amz-Expires=-5");
    fx_expect(&f, T0, TP_SIGV4_MALFORMED,
              "X-Amz-Expires must be non-negative");
    fx_edit_query(&f, "X-Amz-Expires=-5", "X-Amz-Expires=604801");
    fx_expect(&f, T0, TP_SIGV4_MALFORMED,
        "X-Amz-Expires must be less than a week (in seconds) that is "
        "604800");
    fx_edit_query(&f, "X-Amz-Expires=604801",
                  "X-Amz-Expires=99999999999999999999999");
    fx_expect(&f, T0, TP_SIGV4_MALFORMED, NULL);
    fx_edit_query(&f, "X-Amz-Expires=99999999999999999999999",
                  "X-Amz-Expires=3600");
    fx_expect(&f, T0, TP_SIGV4_OK, NULL);
    fx_edit_query(&f, "X-Amz-Algorithm=AWS4-HMAC-SHA256",
                  "X-Amz-Algorithm=AWS4-HMAC-SHA1");
    fx_expect(&f, T0, TP_SIGV4_MALFORMED,
        "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA1' (only "
        "AWS4-HMAC-SHA256 for now). ");
    fx_edit_query(&f, "SHA1", "SHA256");
    fx_edit_query(&f, "%2Fexecute-api%2F", "%2Fexecute-api%ZZ");
    fx_expect(&f, T0, TP_SIGV4_MALFORMED,
              "Illegal hex character in escape % pattern: %ZZ");
    fx_edit_query(&f, "%2Fexecute-api%ZZ", "%2Fexecute-api%2F");
    fx_edit_query(&f, "X-Amz-Date=20240115T093000Z", "X-Amz-Date=yesterday");
    fx_expect(&f, T0, TP_SIGV4_MALFORMED,
              "Date must be in ISO-8601 'basic format'. Got 'yesterday'. "
              "See http://en.wikipedia.org/wiki/ISO_8601");
    fx_done(&f);
}

static void
test_server__tp_sigv4_neg__presigned_expires(void **state)
{
    struct fx f;

    (void) state;
    fx_init_presigned(&f);
    f.in.expires = 604800;
    fx_presign(&f);
    fx_expect(&f, T0 + 604800, TP_SIGV4_OK, NULL);
    fx_expect(&f, T0 + 604801, TP_SIGV4_EXPIRED, NULL);
    fx_done(&f);

    fx_init_presigned(&f);
    f.in.expires = 0;
    fx_presign(&f);
    fx_expect(&f, T0, TP_SIGV4_OK, NULL);
    fx_expect(&f, T0 + 1, TP_SIGV4_EXPIRED, NULL);
    fx_done(&f);

    /* No X-Amz-Expires: five minutes either way. */
    fx_init_presigned(&f);
    f.in.expires = -1;
    fx_presign(&f);
    assert_null(strstr(f.req.query.p, "X-Amz-Expires"));
    fx_expect(&f, T0 + 300, TP_SIGV4_OK, NULL);
    fx_expect(&f, T0 + 301, TP_SIGV4_EXPIRED,
        "Signature expired: 20240115T093000Z is now earlier than "
        "20240115T093001Z (20240115T093501Z - 5 min.)");
    fx_done(&f);
}

static void
test_server__tp_sigv4_neg__presigned_scope_and_token(void **state)
{
    struct fx f;

    (void) state;
    fx_init_presigned(&f);
    f.in.service = TP_STR("execute-apx");
    fx_presign(&f);
    fx_expect(&f, T0, TP_SIGV4_BAD_SCOPE,
        "Credential should be scoped to correct service: 'execute-api'. ");
    fx_done(&f);

    fx_init_presigned(&f);
    f.in.token = TP_STR(TOKEN);
    f.keys.token = TOKEN;
    fx_presign(&f);
    fx_expect(&f, T0, TP_SIGV4_OK, NULL);
    fx_edit_query(&f, "EXAMPLE%3D", "EXAMPLF%3D");
    fx_expect(&f, T0, TP_SIGV4_BAD_SIGNATURE, NULL);
    fx_done(&f);

    /* A token added after signing is read, and must still be the key's. */
    fx_init_presigned(&f);
    f.keys.token = TOKEN;
    fx_presign(&f);
    fx_expect(&f, T0, TP_SIGV4_BAD_TOKEN, NULL);
    f.req.query = str(tp_arena_sprintf(&f.a, "%.*s&X-Amz-Security-Token=%s",
                                       (int) f.req.query.len, f.req.query.p,
                                       "FQoGZXIvYXdzEPT%2F%2F%2F%2F%2F%2F%2F"
                                       "%2F%2F%2FwEXAMPLE%3D"));
    fx_expect(&f, T0, TP_SIGV4_OK, NULL);
    fx_edit_query(&f, "EXAMPLE%3D", "EXAMPLF%3D");
    fx_expect(&f, T0, TP_SIGV4_BAD_TOKEN, NULL);
    fx_done(&f);
}

/* --- the parts on their own --- */

static void
test_server__tp_sigv4_neg__parse_header(void **state)
{
    struct tp_sigv4_auth auth;
    struct tp_str bad;

    (void) state;
    memset(&auth, 0, sizeof(auth));
    assert_int_equal(tp_sigv4_parse_header(
        TP_STR("  X  Credential=a,Signature=b=c\t,, SignedHeaders=,"
               "Credential=d"), &auth, &bad), TP_OK);
    assert_int_equal(auth.algorithm.len, 1);
    assert_memory_equal(auth.credential.p, "d", 1);          /* last wins */
    assert_int_equal(auth.signature.len, 3);                 /* "b=c" */
    assert_non_null(auth.signed_headers.p);
    assert_int_equal(auth.signed_headers.len, 0);
    memset(&auth, 0, sizeof(auth));
    assert_int_equal(tp_sigv4_parse_header(TP_STR("A B=1 C D=2"), &auth,
                                           &bad), TP_DECLINED);
    assert_int_equal(bad.len, 1);
    assert_memory_equal(bad.p, "C", 1);
    memset(&auth, 0, sizeof(auth));
    assert_int_equal(tp_sigv4_parse_header(TP_STR(""), &auth, &bad), TP_OK);
    assert_int_equal(auth.algorithm.len, 0);
    assert_null(auth.credential.p);
}

static void
test_server__tp_sigv4_neg__parse_time(void **state)
{
    static const struct {
        const char *v;
        bool http;
        int64_t t;                   /* -1: refused */
    } cases[] = {
        { "19700101T000000Z", false, 0 },
        { "20240229T235959Z", false, 1709251199 },
        { "20230229T000000Z", false, -1 },
        { "20240115T093000Z", false, T0 },
        { "Mon, 15 Jan 2024 09:30:00 GMT", true, T0 },
        { "Mon, 15 Jan 2024 09:30:00 GMT", false, -1 },
        { "Xyz, 15 Jan 2024 09:30:00 GMT", true, -1 },
        { "Mon, 15 Foo 2024 09:30:00 GMT", true, -1 },
        { "Mon, 15 Jan 2024 09:30:00 GMTX", true, -1 },
        { "Mon, 32 Jan 2024 09:30:00 GMT", true, -1 },
        { "+0240115T093000Z", false, -1 },
    };
    char out[TP_SIGV4_DATE_LEN + 1];
    int64_t t;
    size_t i;
    int rc;

    (void) state;
    for (i = 0; i < TP_NELEM(cases); i++) {
        t = -1;
        rc = tp_sigv4_parse_time(str(cases[i].v), cases[i].http, &t);
        if (rc != (cases[i].t < 0 ? TP_DECLINED : TP_OK)
            || (rc == TP_OK && t != cases[i].t))
        {
            fail_msg("\"%s\": rc %d, t %lld", cases[i].v, rc,
                     (long long) t);
        }
    }
    tp_sigv4_format_time(T0, out);
    assert_string_equal(out, DATE);
    tp_sigv4_format_time(1709251199, out);
    assert_string_equal(out, "20240229T235959Z");
}

static void
test_server__tp_sigv4_neg__credential_split(void **state)
{
    struct tp_sigv4_scope s;

    (void) state;
    assert_int_equal(tp_sigv4_parse_credential(TP_STR("a/b/c/d/e///"), &s),
                     TP_OK);
    assert_int_equal(s.terminator.len, 1);
    assert_int_equal(tp_sigv4_parse_credential(TP_STR("a//c/d/e"), &s),
                     TP_OK);
    assert_int_equal(s.date.len, 0);
    assert_int_equal(tp_sigv4_parse_credential(TP_STR("a/b/c/d"), &s),
                     TP_DECLINED);
    assert_int_equal(tp_sigv4_parse_credential(TP_STR("a/b/c/d/e/f"), &s),
                     TP_DECLINED);
    assert_int_equal(tp_sigv4_parse_credential(TP_STR(""), &s),
                     TP_DECLINED);
}

static void
test_server__tp_sigv4_neg__canon_uri(void **state)
{
    static const struct {
        const char *in;
        const char *norm;            /* normalized */
        const char *raw;             /* not normalized */
    } cases[] = {
        { "", "/", "/" },
        { "/", "/", "/" },
        { "/a/b/../c/./d//", "/a/c/d/", "/a/b/../c/./d//" },
        { "/a/..", "/", "/a/.." },
        { "/a/b/..", "/a", "/a/b/.." },
        { "/../../a", "/a", "/../../a" },
        { "/%2F%20", "/%252F%2520", "/%252F%2520" },
        { "/a b/+&=", "/a%20b/%2B%26%3D", "/a%20b/%2B%26%3D" },
        { "/-._~Az09", "/-._~Az09", "/-._~Az09" },
        { "a/./b", "a/b", "a/./b" },
        { "/\xc3\xa9", "/%C3%A9", "/%C3%A9" },
    };
    struct tp_arena a;
    struct tp_str out;
    size_t i;

    (void) state;
    tp_arena_init(&a, 4096);
    for (i = 0; i < TP_NELEM(cases); i++) {
        assert_int_equal(tp_sigv4_canon_uri(&a, str(cases[i].in), false,
                                            &out), TP_OK);
        assert_slice_str(out, cases[i].norm, cases[i].in);
        assert_int_equal(tp_sigv4_canon_uri(&a, str(cases[i].in), true,
                                            &out), TP_OK);
        assert_slice_str(out, cases[i].raw, cases[i].in);
    }
    tp_arena_free(&a);
}

static void
test_server__tp_sigv4_neg__canon_query(void **state)
{
    static const struct {
        const char *in;
        unsigned skip;
        const char *out;
    } cases[] = {
        { "", 0, "" },
        { "b=2&a=1&a=0", 0, "a=0&a=1&b=2" },
        { "a&b=", 0, "a=&b=" },
        { "&&a=1&&", 0, "a=1" },
        { "=&=x", 0, "=&=x" },
        { "a=b+c&sp=%20", 0, "a=b%2Bc&sp=%20" },
        { "%41%62=%7e%2d", 0, "Ab=~-" },
        { "a=1=2", 0, "a=1%3D2" },
        { "k=%C3%A9&k=\xc3\xa9", 0, "k=%C3%A9&k=%C3%A9" },
        /* sorted by encoded name: '%' (0x25) sorts before 'A' */
        { "Z=1&%5B=2&a=3", 0, "%5B=2&Z=1&a=3" },
        { "X-Amz-Signature=s&a=1", TP_SIGV4_SKIP_SIGNATURE, "a=1" },
        { "X-Amz-Signature=s&a=1", 0, "X-Amz-Signature=s&a=1" },
        { "X-Amz-Security-Token=t&X-Amz-Signature=s",
          TP_SIGV4_SKIP_SIGNATURE | TP_SIGV4_SKIP_TOKEN, "" },
        { "x-amz-signature=s", TP_SIGV4_SKIP_SIGNATURE,
          "x-amz-signature=s" },
        /* form encoding: only a raw '+' is a space, "%2B" stays '+' */
        { "a=b+c&sp=%20&p=%2B", TP_SIGV4_PLUS_SPACE,
          "a=b%20c&p=%2B&sp=%20" },
        { "a+b=+", TP_SIGV4_PLUS_SPACE, "a%20b=%20" },
    };
    struct tp_sigv4_canon_err err;
    struct tp_arena a;
    struct tp_str out;
    size_t i;

    (void) state;
    tp_arena_init(&a, 4096);
    for (i = 0; i < TP_NELEM(cases); i++) {
        assert_int_equal(tp_sigv4_canon_query(&a, str(cases[i].in),
                                              cases[i].skip, &out, &err),
                         TP_OK);
        assert_slice_str(out, cases[i].out, cases[i].in);
    }
    assert_int_equal(tp_sigv4_canon_query(&a, TP_STR("a=%g0"), 0, &out,
                                          &err), TP_DECLINED);
    assert_int_equal(err.why, TP_SIGV4_CANON_ESCAPE);
    assert_slice_str(err.what, "%g0", "escape");
    assert_int_equal(tp_sigv4_canon_query(&a, TP_STR("a%"), 0, &out, &err),
                     TP_DECLINED);
    assert_int_equal(err.why, TP_SIGV4_CANON_TRAILING_ESCAPE);
    /* A skipped parameter's value must still be well-formed. */
    assert_int_equal(tp_sigv4_canon_query(&a, TP_STR("X-Amz-Signature=%"),
                                          TP_SIGV4_SKIP_SIGNATURE, &out,
                                          &err), TP_DECLINED);
    tp_arena_free(&a);
}

static void
test_server__tp_sigv4_neg__canon_headers(void **state)
{
    const struct tp_sigv4_hdr h[] = {
        { TP_STR("X-B"), TP_STR("  two   words ") },
        { TP_STR("Host"), TP_STR("h") },
        { TP_STR("x-a"), TP_STR("1") },
        { TP_STR("X-A"), TP_STR("") },
        { TP_STR("x-a"), TP_STR("a\r\n\t b") },
        { TP_STR("Other"), TP_STR("not signed") },
    };
    struct tp_sigv4_canon_err err;
    struct tp_arena a;
    struct tp_str hdrs, line;

    (void) state;
    tp_arena_init(&a, 4096);
    assert_int_equal(tp_sigv4_canon_headers(&a, h, TP_NELEM(h),
                                            TP_STR("x-b;HOST;;x-a;host"),
                                            &hdrs, &line, &err), TP_OK);
    assert_slice_str(hdrs, "host:h\nx-a:1,,a b\nx-b:two words\n", "hdrs");
    assert_slice_str(line, "host;x-a;x-b", "line");
    assert_int_equal(tp_sigv4_canon_headers(&a, h, TP_NELEM(h), TP_STR(""),
                                            &hdrs, &line, &err), TP_OK);
    assert_int_equal(hdrs.len + line.len, 0);
    assert_int_equal(tp_sigv4_canon_headers(&a, h, TP_NELEM(h),
                                            TP_STR("host;x-c"), &hdrs,
                                            &line, &err), TP_DECLINED);
    assert_int_equal(err.why, TP_SIGV4_CANON_NO_HEADER);
    assert_slice_str(err.what, "x-c", "missing");
    tp_arena_free(&a);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_server__tp_sigv4_neg__unsigned),
        cmocka_unit_test(test_server__tp_sigv4_neg__valid),
        cmocka_unit_test(test_server__tp_sigv4_neg__not_key_value),
        cmocka_unit_test(test_server__tp_sigv4_neg__missing_parts),
        cmocka_unit_test(test_server__tp_sigv4_neg__both_forms),
        cmocka_unit_test(test_server__tp_sigv4_neg__date_format),
        cmocka_unit_test(test_server__tp_sigv4_neg__date_header),
        cmocka_unit_test(test_server__tp_sigv4_neg__skew),
        cmocka_unit_test(test_server__tp_sigv4_neg__unsigned_headers),
        cmocka_unit_test(test_server__tp_sigv4_neg__algorithm),
        cmocka_unit_test(test_server__tp_sigv4_neg__credential),
        cmocka_unit_test(test_server__tp_sigv4_neg__scope),
        cmocka_unit_test(test_server__tp_sigv4_neg__keys),
        cmocka_unit_test(test_server__tp_sigv4_neg__wrong_secret),
        cmocka_unit_test(test_server__tp_sigv4_neg__signature_garbled),
        cmocka_unit_test(test_server__tp_sigv4_neg__signed_header_absent),
        cmocka_unit_test(test_server__tp_sigv4_neg__query_escapes),
        cmocka_unit_test(test_server__tp_sigv4_neg__payload),
        cmocka_unit_test(test_server__tp_sigv4_neg__token),
        cmocka_unit_test(test_server__tp_sigv4_neg__plus_in_query),
        cmocka_unit_test(test_server__tp_sigv4_neg__presigned_valid),
        cmocka_unit_test(test_server__tp_sigv4_neg__presigned_missing),
        cmocka_unit_test(test_server__tp_sigv4_neg__presigned_garbled),
        cmocka_unit_test(test_server__tp_sigv4_neg__presigned_expires),
        cmocka_unit_test(
            test_server__tp_sigv4_neg__presigned_scope_and_token),
        cmocka_unit_test(test_server__tp_sigv4_neg__parse_header),
        cmocka_unit_test(test_server__tp_sigv4_neg__parse_time),
        cmocka_unit_test(test_server__tp_sigv4_neg__credential_split),
        cmocka_unit_test(test_server__tp_sigv4_neg__canon_uri),
        cmocka_unit_test(test_server__tp_sigv4_neg__canon_query),
        cmocka_unit_test(test_server__tp_sigv4_neg__canon_headers),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
