/*
 * test_tp_accesslog.c: unit tests of access-log lines
 * (workers/tp_accesslog.c) rendered from formats compiled by
 * server/tp_accesslog_conf.c for a request made up here: the AWS sample
 * formats byte for byte; escaping in plain and JSON text; "-" for unset
 * values; escape-free variables (copied without a look at their bytes)
 * unset, long, or not fitting; literals at the very end of the room; a
 * line cut to share the room out; and, for thousands of random values
 * full of bytes to escape, the line against a reference built the plain
 * way (every value through tp_accesslog_escape()).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tp_accesslog.h"
#include "tp_accesslog_conf.h"
#include "tp_test_arena.h"
#include "tp_context.h"
#include "tp_conf.h"
#include "tp_jwt.h"
#include "tp_lauth.h"
#include "tp_log.h"
#include "tp_model.h"
#include "tp_time.h"

#define ID    "0b6f9c2e-6d3c-4a8e-9c1d-2f3e4a5b6c7d"
#define SID   "RnS70RFb0oOuPF1="
/* 2026-11-26T06:01:28.007Z */
#define T0    1795672888007ull
#define DATE  "26/Nov/2026:06:01:28 +0000"

static char head[] = "GET /prod/pets HTTP/1.1\r\nHost: x\r\n\r\n";
static struct tp_client conn;
static struct tp_request req;
static struct tp_route route;
static struct tp_principal principal;
static struct tp_jwt_claim claims[2];
static struct tp_jwt_result jwt;
static struct tp_lauth_kv lctx[1];

/* A REST GET /prod/pets answered 200 with 20 bytes, in this second. */
static int
setup(void **state)
{
    (void) state;
    (void) tp_test_arena_setup(state);
    tp_log_level = TP_LOG_ERROR;
    memset(&conn, 0, sizeof(conn));
    memset(&req, 0, sizeof(req));
    memset(&route, 0, sizeof(route));
    conn.buf = head;
    strcpy(conn.peer, "192.0.2.10");
    conn.peer_len = 10;
    req.c = &conn;
    req.msg.method_off = 0;
    req.msg.method_len = 3;
    req.msg.version = 11;
    req.msg.host_idx = -1;
    strcpy(req.id, ID);
    strcpy(req.short_id, SID);
    req.start_ms = T0;
    req.status = 200;
    req.resp_bytes = 20;
    req.error_type = -1;
    route.key = "GET /pets";
    route.path = "/pets";
    req.match.route = &route;
    tp_clock.sec = (time_t) (T0 / 1000);
    tp_clock.clf_date_len = tp_time_clf_date(tp_clock.sec,
        tp_clock.clf_date);
    return 0;
}

static struct tp_alog_format *
compile(enum tp_api_type type, const char *fmt)
{
    /* warnings (unknown variables) name this file; not shown */
    static const struct tp_conf_opts opts = { .path = "test.conf" };
    struct tp_conf_ctx c = { .a = &tp_test_arena, .opts = &opts };
    struct tp_alog_format *f = tp_arena_calloc(&tp_test_arena, sizeof(*f));
    const char *named = tp_accesslog_named(fmt, type);

    assert_non_null(f);
    assert_int_equal(tp_accesslog_compile(&c, NULL, type,
        named != NULL ? named : fmt, f), TP_OK);
    return f;
}

/* The line of <f> in <cap> bytes, as a string. */
static const char *
render(const struct tp_alog_format *f, size_t cap)
{
    static char line[TP_ACCESSLOG_LINE + 1];
    size_t n;

    memset(line, '#', sizeof(line));
    n = tp_accesslog_render(&req, f, line, cap);
    assert_true(n <= cap);
    line[n] = '\0';
    return line;
}

/*
 * The line as the plain way makes it when it fits: every literal, and
 * every value ("-" when unset or empty) through tp_accesslog_escape().
 * Returns its length, or SIZE_MAX when it is longer than <cap>.
 */
static size_t
reference(const struct tp_alog_format *f, char *out, size_t cap)
{
    char val[TP_CONTEXT_BUF];
    const struct tp_alog_part *pt;
    struct tp_str v;
    size_t len = 0, room = 16 * TP_ACCESSLOG_LINE;
    unsigned i;
    int rc;

    for (i = 0; i < f->nparts; i++) {
        pt = &f->parts[i];
        if (pt->kind == TP_ALOG_LIT) {
            memcpy(out + len, pt->p, pt->len);
            len += pt->len;
            continue;
        }
        if (pt->var == TP_CTX_AUTHORIZER_CLAIMS && pt->len > 0) {
            rc = tp_context_claim(&req, pt->p, pt->len, &v);
        } else if (pt->var == TP_CTX_AUTHORIZER_CONTEXT) {
            rc = tp_context_authorizer(&req, pt->p, pt->len, &v);
        } else {
            rc = tp_context_value(&req, (enum tp_ctxvar) pt->var, val, &v);
        }
        if (rc != TP_OK || v.len == 0) {
            v = TP_STR("-");
        }
        len += tp_accesslog_escape(out + len, v, pt->escape, room - len);
    }
    return len <= cap ? len : SIZE_MAX;
}

/* ---- the AWS sample formats ---- */

static void
test_workers__tp_accesslog__rest_named(void **state)
{
    (void) state;
    assert_string_equal(render(compile(TP_API_REST, "CLF"), 8191),
        "192.0.2.10 - - [" DATE "] \"GET /pets HTTP/1.1\" 200 20 " ID " "
        SID);
    assert_string_equal(render(compile(TP_API_REST, "JSON"), 8191),
        "{ \"requestId\":\"" ID "\", \"extendedRequestId\":\"" SID "\", "
        "\"ip\": \"192.0.2.10\", \"caller\":\"-\", \"user\":\"-\", "
        "\"requestTime\":\"" DATE "\", \"httpMethod\":\"GET\", "
        "\"resourcePath\":\"/pets\", \"status\":\"200\", "
        "\"protocol\":\"HTTP/1.1\", \"responseLength\":\"20\" }");
    assert_string_equal(render(compile(TP_API_REST, "CSV"), 8191),
        "192.0.2.10,-,-," DATE ",GET,/pets,HTTP/1.1,200,20," ID "," SID);
    assert_string_equal(render(compile(TP_API_REST, "XML"), 8191),
        "<request id=\"" ID "\"> <extendedRequestId>" SID
        "</extendedRequestId> <ip>192.0.2.10</ip> <caller>-</caller> "
        "<user>-</user> <requestTime>" DATE "</requestTime> "
        "<httpMethod>GET</httpMethod> <resourcePath>/pets</resourcePath> "
        "<status>200</status> <protocol>HTTP/1.1</protocol> "
        "<responseLength>20</responseLength> </request>");
}

static void
test_workers__tp_accesslog__http_named(void **state)
{
    (void) state;
    req.msg.version = 10;
    assert_string_equal(render(compile(TP_API_HTTP, "CLF"), 8191),
        "192.0.2.10 - - [" DATE "] \"GET GET /pets HTTP/1.0\" 200 20 " ID);
    assert_string_equal(render(compile(TP_API_HTTP, "CSV"), 8191),
        "192.0.2.10," DATE ",GET,GET /pets,HTTP/1.0,200,20," ID);
}

/* ---- escaping ---- */

static const char *
esc(const char *v, size_t n, uint8_t mode, size_t room)
{
    static char out[512];
    size_t len = tp_accesslog_escape(out, (struct tp_str) { v, n }, mode,
        room);

    assert_true(len <= room);
    assert_int_equal(tp_accesslog_escape(NULL, (struct tp_str) { v, n },
        mode, room), len);
    out[len] = '\0';
    return out;
}

#define ESC(lit, mode, room) esc(lit, sizeof(lit) - 1, mode, room)

static void
test_workers__tp_accesslog__escape(void **state)
{
    (void) state;
    assert_string_equal(ESC("/pets/1", TP_ALOG_ESC_PLAIN, 100), "/pets/1");
    /* control bytes and DEL; quotes and backslashes stay in plain text */
    assert_string_equal(ESC("a\nb\tc\x7f\"\\", TP_ALOG_ESC_PLAIN, 100),
        "a\\x0ab\\x09c\\x7f\"\\");
    assert_string_equal(ESC("a\nb\"c\\d\x7f", TP_ALOG_ESC_JSON, 100),
        "a\\u000ab\\\"c\\\\d\\u007f");
    assert_string_equal(ESC("\x00x", TP_ALOG_ESC_PLAIN, 100), "\\x00x");
    /* well-formed UTF-8 as it is; anything else byte by byte */
    assert_string_equal(ESC("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80",
        TP_ALOG_ESC_JSON, 100), "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
    assert_string_equal(ESC("\xc3(", TP_ALOG_ESC_PLAIN, 100), "\\xc3(");
    assert_string_equal(ESC("\xed\xa0\x80", TP_ALOG_ESC_JSON, 100),
        "\\u00ed\\u00a0\\u0080");               /* a surrogate */
    assert_string_equal(ESC("\xc0\xaf", TP_ALOG_ESC_PLAIN, 100),
        "\\xc0\\xaf");                           /* overlong */
    /* cut at the room, never inside an escape or a UTF-8 sequence */
    assert_string_equal(ESC("abcdef", TP_ALOG_ESC_PLAIN, 4), "abcd");
    assert_string_equal(ESC("ab\ncd", TP_ALOG_ESC_PLAIN, 5), "ab");
    assert_string_equal(ESC("ab\ncd", TP_ALOG_ESC_PLAIN, 6), "ab\\x0a");
    assert_string_equal(ESC("a\"b", TP_ALOG_ESC_JSON, 2), "a");
    assert_string_equal(ESC("a\xe2\x82\xac", TP_ALOG_ESC_JSON, 3), "a");
}

/* Values that must be escaped, in variables that are not escape-free. */
static void
test_workers__tp_accesslog__escaped_values(void **state)
{
    struct tp_alog_format *json;

    (void) state;
    route.path = "/a \"b\"\\\n\x7f\xff/\xc3\xa9";
    principal.name = "bob\tsmith";
    req.auth.principal = &principal;
    assert_string_equal(render(compile(TP_API_REST, "CLF"), 8191),
        "192.0.2.10 bob\\x09smith bob\\x09smith [" DATE "] \"GET "
        "/a \"b\"\\\\x0a\\x7f\\xff/\xc3\xa9 HTTP/1.1\" 200 20 " ID " " SID);
    json = compile(TP_API_REST, "{\"p\":\"$context.resourcePath\", "
        "\"s\":$context.status, \"id\":\"$context.requestId\"}");
    assert_string_equal(render(json, 8191),
        "{\"p\":\"/a \\\"b\\\"\\\\\\u000a\\u007f\\u00ff/\xc3\xa9\", "
        "\"s\":200, \"id\":\"" ID "\"}");
}

/* Claims and a Lambda authorizer's context, escaped like the rest. */
static void
test_workers__tp_accesslog__authorizer_values(void **state)
{
    struct tp_alog_format *f;

    (void) state;
    claims[0] = (struct tp_jwt_claim) { TP_STR("role"), TP_STR("a\"dm\\in"),
        0 };
    claims[1] = (struct tp_jwt_claim) { TP_STR("sub"), TP_STR("u-1"), 0 };
    jwt.claims = claims;
    jwt.nclaims = 2;
    req.auth.claims = &jwt;
    lctx[0] = (struct tp_lauth_kv) { "team", TP_STR("x\ny"), TP_NULL_STR };
    req.auth.lambda_ctx = lctx;
    req.auth.nlambda_ctx = 1;
    f = compile(TP_API_HTTP, "{\"sub\":\"$context.authorizer.claims.sub\","
        "\"role\":\"$context.authorizer.claims.role\","
        "\"none\":\"$context.authorizer.claims.none\","
        "\"team\":\"$context.authorizer.team\"} $context.authorizer.team");
    assert_string_equal(render(f, 8191),
        "{\"sub\":\"u-1\",\"role\":\"a\\\"dm\\\\in\",\"none\":\"-\","
        "\"team\":\"x\\u000ay\"} x\\x0ay");
}

/* ---- escape-free variables ---- */

static void
test_workers__tp_accesslog__escape_free_unset(void **state)
{
    struct tp_alog_format *f;

    (void) state;
    f = compile(TP_API_HTTP, "$context.identity.sourceIp|$context.status|"
        "$context.responseLength|$context.integrationLatency|"
        "$context.requestTime|$context.requestTimeEpoch");
    assert_true(f->parts[0].escape_free);
    conn.peer[0] = '\0';             /* no address */
    conn.peer_len = 0;
    req.status = 0;                  /* no response */
    req.resp_bytes = UINT64_MAX;     /* the longest number there is */
    req.start_ms = T0 - 86400000;    /* the day before: formatted anew */
    assert_string_equal(render(f, 8191),
        "-|-|18446744073709551615|-|25/Nov/2026:06:01:28 +0000|"
        "1795586488007");
}

/* An escape-free value too long for the room left: the room is shared. */
static void
test_workers__tp_accesslog__escape_free_cut(void **state)
{
    struct tp_alog_format *f;

    (void) state;
    f = compile(TP_API_HTTP, "$context.status $context.requestId");
    assert_true(f->parts[0].escape_free && f->parts[2].escape_free);
    assert_string_equal(render(f, 40), "200 " ID);      /* fits exactly */
    /* 1 literal byte + 3 + 36 in 20: each value cut to 16 */
    assert_string_equal(render(f, 20), "200 0b6f9c2e-6d3c-4a");
    assert_string_equal(render(f, 4), "2 0");    /* 1 + 1 + 1 + 1 */
    req.resp_bytes = UINT64_MAX;
    f = compile(TP_API_HTTP, "[$context.responseLength]");
    assert_string_equal(render(f, 22), "[18446744073709551615]");
    assert_string_equal(render(f, 21), "[1844674407370955161]");
}

/* Short literals near the end of the room (the fixed-size move). */
static void
test_workers__tp_accesslog__literal_at_end(void **state)
{
    struct tp_alog_format *f;

    (void) state;
    f = compile(TP_API_HTTP, "[$context.status]");
    assert_string_equal(render(f, 8191), "[200]");
    assert_string_equal(render(f, 5), "[200]");
    assert_string_equal(render(f, 4), "[20]");
    f = compile(TP_API_HTTP, "$context.status -- a literal of 25 bytes");
    assert_string_equal(render(f, 28), "200 -- a literal of 25 bytes");
    assert_string_equal(render(f, 27), "20 -- a literal of 25 bytes");
    f = compile(TP_API_HTTP, "$context.nosuch|$context.status");
    assert_string_equal(render(f, 8191), "-|200");
}

/* ---- random values against the reference ---- */

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static unsigned
rnd(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned) (rng % n);
}

/* Random text of bytes that escape, bytes that do not, UTF-8 good and
 * bad, in <buf> (a NUL at the end; none inside when <cstr>). */
static size_t
random_text(char *buf, size_t max, bool cstr)
{
    static const char *const pieces[] = {
        "a", "Z", "/", " ", "-", "\"", "\\", "\n", "\x01", "\x1f", "\x7f",
        "\x80", "\xff", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80",
        "\xed\xa0\x80", "\xc0\xaf", "\xe2\x82", "{proxy+}", "%20", "\0",
    };
    size_t len = 0, n, k = rnd(3) == 0 ? 0 : rnd((unsigned) max / 4);
    const char *p;

    while (k-- > 0) {
        p = pieces[rnd(TP_NELEM(pieces))];
        n = p[0] == '\0' ? 1 : strlen(p);
        if (len + n >= max || (cstr && p[0] == '\0')) {
            continue;
        }
        memcpy(buf + len, p, n);
        len += n;
    }
    buf[len] = '\0';
    return len;
}

static void
test_workers__tp_accesslog__random_against_reference(void **state)
{
    static const char *const formats[] = {
        "CLF", "JSON", "XML", "CSV",
        "{ \"p\":\"$context.resourcePath\", \"k\":\"$context.routeKey\", "
        "\"c\":\"$context.authorizer.claims.sub\", "
        "\"t\":\"$context.authorizer.team\", \"u\":\"$context.identity.user\","
        " \"s\":$context.status, \"ip\":\"$context.identity.sourceIp\" }",
        "$context.resourcePath$context.routeKey$context.identity.caller"
        "$context.authorizer.claims.sub$context.authorizer.team",
    };
    static char path[256], key[256], name[256], sub[256], team[256];
    static char want[16 * TP_ACCESSLOG_LINE];
    struct tp_alog_format *f[2][TP_NELEM(formats)];
    size_t i, j, n, cap, compared = 0;

    (void) state;
    for (j = 0; j < TP_NELEM(formats); j++) {
        /* custom formats as HTTP's: REST warns without a request id */
        f[0][j] = compile(j < 4 ? TP_API_REST : TP_API_HTTP, formats[j]);
        f[1][j] = compile(TP_API_HTTP, formats[j]);
    }
    route.path = path;
    route.key = key;
    principal.name = name;
    claims[0] = (struct tp_jwt_claim) { TP_STR("sub"), { sub, 0 }, 0 };
    jwt.claims = claims;
    jwt.nclaims = 1;
    req.auth.claims = &jwt;
    lctx[0] = (struct tp_lauth_kv) { "team", { team, 0 }, TP_NULL_STR };
    req.auth.lambda_ctx = lctx;
    req.auth.nlambda_ctx = 1;
    for (i = 0; i < 4000; i++) {
        random_text(path, sizeof(path), true);
        random_text(key, sizeof(key), true);
        random_text(name, sizeof(name), true);
        claims[0].value.len = random_text(sub, sizeof(sub), false);
        lctx[0].text.len = random_text(team, sizeof(team), false);
        req.auth.principal = rnd(2) ? &principal : NULL;
        req.status = (int) rnd(600);
        req.resp_bytes = rnd(2) ? rnd(100000) : rng;
        /* the usual room, and rooms where lines fit only just */
        cap = rnd(4) == 0 ? 8191 : 100 + rnd(600);
        for (j = 0; j < TP_NELEM(formats); j++) {
            n = reference(f[i & 1][j], want, cap);
            if (n == SIZE_MAX) {
                continue;            /* cut: not the plain way's line */
            }
            want[n] = '\0';
            assert_string_equal(render(f[i & 1][j], cap), want);
            compared++;
        }
    }
    assert_true(compared > 10000);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_workers__tp_accesslog__rest_named, setup,
            tp_test_arena_teardown),
        cmocka_unit_test_setup_teardown(
            test_workers__tp_accesslog__http_named, setup,
            tp_test_arena_teardown),
        cmocka_unit_test_setup_teardown(
            test_workers__tp_accesslog__escape, setup,
            tp_test_arena_teardown),
        cmocka_unit_test_setup_teardown(
            test_workers__tp_accesslog__escaped_values, setup,
            tp_test_arena_teardown),
        cmocka_unit_test_setup_teardown(
            test_workers__tp_accesslog__authorizer_values, setup,
            tp_test_arena_teardown),
        cmocka_unit_test_setup_teardown(
            test_workers__tp_accesslog__escape_free_unset, setup,
            tp_test_arena_teardown),
        cmocka_unit_test_setup_teardown(
            test_workers__tp_accesslog__escape_free_cut, setup,
            tp_test_arena_teardown),
        cmocka_unit_test_setup_teardown(
            test_workers__tp_accesslog__literal_at_end, setup,
            tp_test_arena_teardown),
        cmocka_unit_test_setup_teardown(
            test_workers__tp_accesslog__random_against_reference, setup,
            tp_test_arena_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
