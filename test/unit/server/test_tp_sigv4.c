/*
 * test_tp_sigv4.c: SigV4 (tp_sigv4*.c) against material made elsewhere:
 * every case of AWS's signing test suite (aws-c-auth's v4 suite, used in
 * place from ../shared/conformance/sigv4/v4) in the header form and the
 * presigned query form, byte for byte (canonical request, string to
 * sign, signature) and through the verifier, including requests this
 * signer presigns; presigned URLs made by botocore (sigv4_botocore.h);
 * auth.md 6.3's vectors.  Negative cases: test_tp_sigv4_neg.c.
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
#include "sigv4_botocore.h"

#define SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"

static struct tp_str
str(const char *s)
{
    return (struct tp_str) { s, strlen(s) };
}

static void
assert_slice(struct tp_str got, const char *want, size_t want_len,
    const char *what, const char *name)
{
    if (got.len != want_len || memcmp(got.p, want, want_len) != 0) {
        fail_msg("%s: %s differs:\n--- got\n%.*s\n--- want\n%.*s", name,
                 what, (int) got.len, got.p, (int) want_len, want);
    }
}

/* --- auth.md 6.3 --- */

static void
test_server__tp_sigv4__signing_key_vector(void **state)
{
    uint8_t k[32];
    char hex[65] = { 0 };

    (void) state;
    assert_int_equal(tp_sigv4_signing_key(str(SECRET), str("20150830"),
                                          str("us-east-1"), str("iam"), k),
                     TP_OK);
    tp_sigv4_hex(k, 32, hex);
    assert_string_equal(hex, "c4afb1cc5771d871763a393e44b703571b55cc28424d1"
                             "a5e86da6ed3c154a4b9");
}

static void
test_server__tp_sigv4__authmd_example(void **state)
{
    static const char creq[] =
        "GET\n/prod/pets/my%2520pet\na%20b=c&page=2&type=dog\n"
        "host:abc123defg.execute-api.us-east-1.amazonaws.com\n"
        "x-amz-date:20240115T093000Z\n\nhost;x-amz-date\n"
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    static const char sts_hash[] =
        "51d4b9b1093407a649e2026a888cbeb1870c6dd003fcd25190980adffa5f1e17";
    struct tp_sigv4_hdr h[] = {
        { TP_STR("Host"),
          TP_STR("abc123defg.execute-api.us-east-1.amazonaws.com") },
        { TP_STR("X-Amz-Date"), TP_STR("20240115T093000Z") },
        { TP_STR("Authorization"), TP_NULL_STR },
    };
    struct tp_sigv4_req req = {
        .method = TP_STR("GET"), .path = TP_STR("/prod/pets/my%20pet"),
        .query = TP_STR("type=dog&page=2&a%20b=c"), .hdrs = h, .nhdrs = 2,
    };
    struct tp_sigv4_sign_in in = {
        .akid = TP_STR("AKIDEXAMPLE"), .secret = TP_STR(SECRET),
        .region = TP_STR("us-east-1"), .service = TP_STR("execute-api"),
        .date = TP_STR("20240115T093000Z"),
        .signed_headers = TP_STR("host;x-amz-date"),
    };
    struct sv_keys keys = { .akid = "AKIDEXAMPLE", .secret = SECRET };
    struct tp_sigv4_conf conf = {
        .region = TP_STR("us-east-1"), .service = TP_STR("execute-api"),
        .lookup = sv_lookup, .lookup_ctx = &keys,
    };
    struct tp_sigv4_result res;
    struct tp_arena a;
    struct tp_str authz;
    uint8_t k[32];
    char hex[65] = { 0 };

    (void) state;
    tp_arena_init(&a, 4096);
    assert_int_equal(tp_sigv4_signing_key(str(SECRET), str("20240115"),
                                          str("us-east-1"),
                                          str("execute-api"), k), TP_OK);
    tp_sigv4_hex(k, 32, hex);
    assert_string_equal(hex, "f9da0317c2d0dfc9d5a3e16c92d8529bd9675c9ca6459"
                             "34eb69c974200acde8c");
    assert_int_equal(tp_sigv4_sign_header(&a, &req, &in, &authz), TP_OK);
    assert_string_equal(authz.p,
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240115/us-east-1/"
        "execute-api/aws4_request, SignedHeaders=host;x-amz-date, "
        "Signature=be60b811a87646c6142f518be67f42b1bfba1392c4ee0546e0b900"
        "0d094c36fe");
    h[2].value = authz;
    req.nhdrs = 3;
    assert_int_equal(tp_sigv4_verify(&conf, &req, 1705311000 + 299, &a,
                                     &res), TP_SIGV4_OK);
    assert_slice(res.canonical, creq, sizeof(creq) - 1, "canonical",
                 "auth.md");
    assert_true(res.string_to_sign.len > 64);
    assert_memory_equal(res.string_to_sign.p + res.string_to_sign.len - 64,
                        sts_hash, 64);
    assert_int_equal(res.akid.len, 11);
    tp_arena_free(&a);
}

/* --- the AWS suite --- */

struct sv_case {
    const char *dir;
    const char *name;
    struct sv_ctx ctx;
    struct sv_keys keys;
    struct tp_sigv4_conf conf;
};

/* Reads file <file> of the case; fails the test if it cannot. */
static char *
sv_must_read(const struct sv_case *c, const char *file, size_t *len)
{
    char *p = sv_read_case(c->dir, c->name, file, len);

    if (p == NULL) {
        fail_msg("%s: cannot read %s", c->name, file);
    }
    return p;
}

/* The request must fail verification at <now>: what <how> changed. */
static void
sv_must_fail(const struct sv_case *c, const struct tp_sigv4_req *r,
    int64_t now, const char *how)
{
    struct tp_sigv4_result res;
    struct tp_arena a;

    tp_arena_init(&a, 4096);
    if (tp_sigv4_verify(&c->conf, r, now, &a, &res) == TP_SIGV4_OK) {
        fail_msg("%s: still verifies after %s", c->name, how);
    }
    tp_arena_free(&a);
}

/*
 * Any change to the method, path, query, a signed header or the body
 * makes <m> (which verifies at <now>) fail.
 */
static void
sv_tamper(const struct sv_case *c, const struct sv_msg *m, int64_t now)
{
    struct tp_sigv4_hdr h[SV_MAX_HDRS];
    struct tp_sigv4_req r = m->req;
    char buf[4096];
    size_t i;

    r.method = str(tp_str_eq(m->req.method, TP_STR("GET")) ? "POST"
                                                           : "GET");
    sv_must_fail(c, &r, now, "method");
    r = m->req;
    snprintf(buf, sizeof(buf), "%.*sx", (int) r.path.len, r.path.p);
    r.path = str(buf);
    sv_must_fail(c, &r, now, "path");
    r = m->req;
    snprintf(buf, sizeof(buf), "%.*s%stamper=1", (int) r.query.len,
             r.query.p, r.query.len > 0 ? "&" : "");
    r.query = str(buf);
    sv_must_fail(c, &r, now, "query");
    r = m->req;
    r.body = "tampered";
    r.body_len = 8;
    sv_must_fail(c, &r, now, "body");
    for (i = 0; i < m->req.nhdrs; i++) {
        if (tp_str_caseeq(m->hdrs[i].name, "authorization")
            || tp_str_caseeq(m->hdrs[i].name, "x-amz-security-token"))
        {
            continue;                    /* not signed in every case */
        }
        r = m->req;
        memcpy(h, m->hdrs, m->req.nhdrs * sizeof(*h));
        snprintf(buf, sizeof(buf), "%.*sx", (int) h[i].value.len,
                 h[i].value.p);
        h[i].value = str(buf);
        r.hdrs = h;
        snprintf(buf + 2048, 2048, "header %.*s", (int) h[i].name.len,
                 h[i].name.p);
        sv_must_fail(c, &r, now, buf + 2048);
    }
}

/*
 * <m> verifies at the case's time, with the suite's canonical request and
 * string to sign of <form> ("header", "query"); *<creq> (freed by the
 * caller) is the former.
 */
static void
sv_verify_as_suite(const struct sv_case *c, const struct sv_msg *m,
    const char *form, char **creq, size_t *clen)
{
    struct tp_sigv4_result res;
    struct tp_arena a;
    char file[64], *sts;
    size_t slen;

    snprintf(file, sizeof(file), "%s-canonical-request.txt", form);
    *creq = sv_must_read(c, file, clen);
    snprintf(file, sizeof(file), "%s-string-to-sign.txt", form);
    sts = sv_must_read(c, file, &slen);
    tp_arena_init(&a, 4096);
    if (tp_sigv4_verify(&c->conf, &m->req, c->ctx.now, &a, &res)
        != TP_SIGV4_OK)
    {
        fail_msg("%s: %s form: %s: %s", c->name, form,
                 tp_sigv4_error_type(res.status), res.message);
    }
    assert_slice(res.canonical, *creq, *clen, "canonical request", c->name);
    assert_slice(res.string_to_sign, sts, slen, "string to sign", c->name);
    tp_arena_free(&a);
    free(sts);
}

/* What the signer needs to sign as the case did. */
static void
sv_sign_in(const struct sv_case *c, struct tp_str signed_headers,
    struct tp_sigv4_sign_in *in)
{
    memset(in, 0, sizeof(*in));
    in->akid = str(c->ctx.akid);
    in->secret = str(c->ctx.secret);
    in->region = str(c->ctx.region);
    in->service = str(c->ctx.service);
    in->date = str(c->ctx.date);
    in->signed_headers = signed_headers;
    in->expires = c->ctx.expires;
    in->no_normalize = !c->ctx.normalize;
}

/* The header form: verified, and the canonical strings are the suite's. */
static void
sv_header_case(const struct sv_case *c)
{
    struct tp_sigv4_hdr h[SV_MAX_HDRS];
    struct tp_sigv4_auth auth;
    struct tp_sigv4_sign_in in;
    struct tp_sigv4_req r;
    struct tp_arena a;
    struct tp_str authz, bad;
    struct sv_msg m;
    size_t len, clen, i, n = 0;
    char *text = sv_must_read(c, "header-signed-request.txt", &len);
    char *creq;

    assert_true(sv_parse_msg(&m, text, len));
    sv_verify_as_suite(c, &m, "header", &creq, &clen);
    /* Signed again by the signer, the Authorization is the suite's. */
    memset(&auth, 0, sizeof(auth));
    assert_int_equal(tp_sigv4_parse_header(sv_header(&m, "authorization"),
                                           &auth, &bad), TP_OK);
    for (i = 0; i < m.req.nhdrs; i++) {
        if (!tp_str_caseeq(m.hdrs[i].name, "authorization")) {
            h[n++] = m.hdrs[i];
        }
    }
    r = m.req;
    r.hdrs = h;
    r.nhdrs = n;
    sv_sign_in(c, auth.signed_headers, &in);
    tp_arena_init(&a, 4096);
    assert_int_equal(tp_sigv4_sign_header(&a, &r, &in, &authz), TP_OK);
    assert_slice(authz, auth.header.p, auth.header.len, "Authorization",
                 c->name);
    sv_tamper(c, &m, c->ctx.now);
    tp_arena_free(&a);
    free(text);
    free(creq);
}

/* The query parameter <name> of <q> (raw), or a NULL slice. */
static struct tp_str
sv_param(struct tp_str q, const char *name)
{
    size_t n = strlen(name), i = 0, end;

    while (i < q.len) {
        for (end = i; end < q.len && q.p[end] != '&'; end++) {
            /* the parameter ends at '&' */
        }
        if (end - i > n && memcmp(q.p + i, name, n) == 0
            && q.p[i + n] == '=')
        {
            return (struct tp_str) { q.p + i + n + 1, end - i - n - 1 };
        }
        i = end + 1;
    }
    return TP_NULL_STR;
}

/*
 * The presigned form: the suite's request verifies with the suite's
 * canonical strings; this signer presigns request.txt into the same
 * signature, and that verifies too.
 */
static void
sv_query_case(const struct sv_case *c)
{
    struct tp_sigv4_result res;
    struct tp_sigv4_sign_in in;
    struct tp_sigv4_auth auth;
    struct tp_sigv4_canon_err err;
    struct tp_sigv4_req r;
    struct tp_arena a;
    struct tp_str q, mine, sig;
    struct sv_msg m, m0;
    size_t len, len0, clen, glen;
    char *text = sv_must_read(c, "query-signed-request.txt", &len);
    char *text0 = sv_must_read(c, "request.txt", &len0);
    char *want = sv_must_read(c, "query-signature.txt", &glen);
    char *creq, *withtok;

    assert_true(sv_parse_msg(&m, text, len));
    assert_true(sv_parse_msg(&m0, text0, len0));
    sv_verify_as_suite(c, &m, "query", &creq, &clen);
    /* Presigned here from the unsigned request. */
    tp_arena_init(&a, 4096);
    memset(&auth, 0, sizeof(auth));
    assert_int_equal(tp_sigv4_parse_query(m.req.query, &a, &auth, &err),
                     TP_OK);
    sv_sign_in(c, auth.signed_headers, &in);
    in.token = c->ctx.has_token && !c->ctx.omit_token ? str(c->ctx.token)
                                                      : TP_NULL_STR;
    assert_int_equal(tp_sigv4_presign(&a, &m0.req, &in, &q, &mine), TP_OK);
    assert_slice(mine, creq, clen, "presigned canonical", c->name);
    sig = sv_param(q, "X-Amz-Signature");
    assert_slice(sig, want, glen, "presigned signature", c->name);
    /* A token added after signing (omit_session_token) is accepted. */
    if (c->ctx.has_token && c->ctx.omit_token) {
        sig = sv_param(m.req.query, "X-Amz-Security-Token");
        withtok = tp_arena_sprintf(&a, "%.*s&X-Amz-Security-Token=%.*s",
                                   (int) q.len, q.p, (int) sig.len, sig.p);
        q = str(withtok);
    }
    r = m0.req;
    r.query = q;
    if (tp_sigv4_verify(&c->conf, &r, c->ctx.now + c->ctx.expires, &a, &res)
        != TP_SIGV4_OK)
    {
        fail_msg("%s: presigned here: %s", c->name, res.message);
    }
    sv_must_fail(c, &r, c->ctx.now + c->ctx.expires + 1, "X-Amz-Expires");
    sv_must_fail(c, &r, c->ctx.now - TP_SIGV4_SKEW - 1, "skew");
    sv_tamper(c, &m, c->ctx.now);
    tp_arena_free(&a);
    free(text);
    free(text0);
    free(creq);
    free(want);
}

static void
test_server__tp_sigv4__aws_suite(void **state)
{
    struct dirent **names;
    struct sv_case c;
    char tried[2 * PATH_MAX];
    int n, i;

    (void) state;
    c.dir = sv_suite_dir(tried, sizeof(tried));
    if (c.dir == NULL) {
        print_message("SKIP: no SigV4 conformance suite (looked in %s)\n",
                      tried);
        skip();
    }
    n = sv_cases(c.dir, &names);
    assert_true(n >= 30);
    for (i = 0; i < n; i++) {
        c.name = names[i]->d_name;
        if (!sv_load_ctx(c.dir, c.name, &c.ctx)) {
            fail_msg("%s: bad context.json", c.name);
        }
        sv_ctx_conf(&c.ctx, &c.keys, &c.conf);
        sv_header_case(&c);
        sv_query_case(&c);
    }
    print_message("%d cases, header and query forms\n", n);
    sv_free_cases(names, n);
}

/* --- botocore --- */

static void
test_server__tp_sigv4__botocore(void **state)
{
    const struct sv_boto_case *b;
    struct tp_sigv4_hdr h[2];
    struct tp_sigv4_result res;
    struct tp_sigv4_req r;
    struct tp_sigv4_conf conf;
    struct sv_keys keys;
    struct tp_arena a;
    size_t i, n;

    (void) state;
    for (i = 0; i < TP_NELEM(sv_boto_cases); i++) {
        b = &sv_boto_cases[i];
        tp_arena_init(&a, 4096);
        memset(&r, 0, sizeof(r));
        for (n = 0; n < 2 && b->hdr_names[n] != NULL; n++) {
            h[n].name = str(b->hdr_names[n]);
            h[n].value = str(b->hdr_values[n]);
        }
        r.method = str(b->method);
        r.path = str(b->path);
        r.query = str(b->query);
        r.hdrs = h;
        r.nhdrs = n;
        memset(&keys, 0, sizeof(keys));
        keys.akid = SV_BOTO_AKID;
        keys.secret = SV_BOTO_SECRET;
        keys.token = b->token;
        memset(&conf, 0, sizeof(conf));
        conf.region = str(b->region);
        conf.service = TP_STR(TP_SIGV4_SERVICE);
        conf.lookup = sv_lookup;
        conf.lookup_ctx = &keys;
        if (tp_sigv4_verify(&conf, &r, SV_BOTO_NOW, &a, &res)
            != TP_SIGV4_OK)
        {
            fail_msg("%s: %s", b->name, res.message);
        }
        assert_slice(res.canonical, b->creq, strlen(b->creq), "canonical",
                     b->name);
        assert_slice(res.string_to_sign, b->sts, strlen(b->sts),
                     "string to sign", b->name);
        assert_int_equal(tp_sigv4_verify(&conf, &r,
                                         SV_BOTO_NOW + b->expires, &a,
                                         &res), TP_SIGV4_OK);
        assert_int_equal(tp_sigv4_verify(&conf, &r,
                                         SV_BOTO_NOW + b->expires + 1, &a,
                                         &res), TP_SIGV4_EXPIRED);
        tp_arena_free(&a);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_server__tp_sigv4__signing_key_vector),
        cmocka_unit_test(test_server__tp_sigv4__authmd_example),
        cmocka_unit_test(test_server__tp_sigv4__aws_suite),
        cmocka_unit_test(test_server__tp_sigv4__botocore),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
