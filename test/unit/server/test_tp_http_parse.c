/*
 * test_tp_http_parse.c: unit tests of the HTTP/1.1 parser (tp_http_parse.c),
 * the code the workers run on every request and upstream response.
 *
 * Every message goes through parse_all_ways(): one-shot, byte by byte and in
 * random pieces, each piece in a fresh heap copy (results must be offsets,
 * and ASan sees any read past the bytes received), and all must agree.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tp_http_parse.h"

typedef int (*parse_fn)(struct tp_http_msg *m, const char *buf, size_t len,
    const struct tp_http_limits *lim);

struct tcase {
    const char *s;
    size_t n;
    int rc;
};

#define C(str, rc)  { (str), sizeof(str) - 1, (rc) }
#define SPLITS      16      /* random splittings per message */
#define BYTEWISE    8192    /* byte-by-byte delivery up to this size */
#define BIG_BODY    (64 * 1024)

static const struct tp_http_limits lim_default = { 8192, 16384 };

static uint32_t rng = 2463534242u;

/* xorshift32: deterministic, so a failure reproduces. */
static uint32_t
rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

/* Random ascending cut points in [1, n], the last one n. */
static size_t
random_cuts(size_t n, size_t *cuts, size_t max)
{
    size_t k = 0, at = 0;

    while (at < n && k < max - 1) {
        at += 1 + rnd() % (n / 4 + 1);
        if (at >= n) {
            break;
        }
        cuts[k++] = at;
    }
    cuts[k++] = n;
    return k;
}

static void
assert_same_msg(const struct tp_http_msg *a, const struct tp_http_msg *b)
{
    uint16_t i;

    assert_int_equal(a->head_len, b->head_len);
    assert_int_equal(a->nhdrs, b->nhdrs);
    assert_int_equal(a->version, b->version);
    assert_int_equal(a->flags, b->flags);
    assert_true(a->content_length == b->content_length);
    assert_int_equal(a->method, b->method);
    assert_int_equal(a->method_off, b->method_off);
    assert_int_equal(a->method_len, b->method_len);
    assert_int_equal(a->target_off, b->target_off);
    assert_int_equal(a->target_len, b->target_len);
    assert_int_equal(a->path_len, b->path_len);
    assert_int_equal(a->host_idx, b->host_idx);
    assert_int_equal(a->status, b->status);
    assert_int_equal(a->reason_off, b->reason_off);
    assert_int_equal(a->reason_len, b->reason_len);
    for (i = 0; i < a->nhdrs; i++) {
        assert_int_equal(a->hdrs[i].name_off, b->hdrs[i].name_off);
        assert_int_equal(a->hdrs[i].name_len, b->hdrs[i].name_len);
        assert_int_equal(a->hdrs[i].value_off, b->hdrs[i].value_off);
        assert_int_equal(a->hdrs[i].value_len, b->hdrs[i].value_len);
    }
}

/* Delivers <s, n> in pieces ending at cuts[], each in a fresh exact copy. */
static int
parse_in_steps(parse_fn fn, const char *s, const size_t *cuts, size_t ncuts,
    const struct tp_http_limits *lim, struct tp_http_msg *m)
{
    size_t k;
    char *copy;
    int rc = TP_AGAIN;

    tp_http_msg_init(m);
    for (k = 0; k < ncuts && rc == TP_AGAIN; k++) {
        copy = malloc(cuts[k] > 0 ? cuts[k] : 1);
        assert_non_null(copy);
        memcpy(copy, s, cuts[k]);
        rc = fn(m, copy, cuts[k], lim);
        free(copy);
        if (rc == TP_AGAIN) {
            assert_int_equal(m->pos, cuts[k]);  /* all consumed */
        }
    }
    return rc;
}

static void
check_same(int rc, const struct tp_http_msg *ref, int rc2,
    const struct tp_http_msg *m2, const char *how)
{
    if (rc != rc2) {
        print_error("%s delivery gave %d, one-shot %d\n", how, rc2, rc);
    }
    assert_int_equal(rc, rc2);
    if (rc == TP_OK || rc == TP_HTTP_E417) {
        assert_same_msg(ref, m2);
    }
}

/*
 * Parses <s, n> one-shot (into *m, also from a zeroed struct), byte by
 * byte and in random pieces; asserts that every delivery gives the same.
 */
static int
parse_all_ways(parse_fn fn, const char *s, size_t n,
    const struct tp_http_limits *lim, struct tp_http_msg *m)
{
    static struct tp_http_msg m2;
    size_t cuts[64], *bytes, i, ncuts;
    int rc, rc2;

    rc = parse_in_steps(fn, s, &n, 1, lim, m);

    memset(&m2, 0, sizeof(m2));
    check_same(rc, m, fn(&m2, s, n, lim), &m2, "zeroed-struct");

    if (n <= BYTEWISE) {
        bytes = malloc((n + 1) * sizeof(size_t));
        assert_non_null(bytes);
        for (i = 0; i < n; i++) {
            bytes[i] = i + 1;
        }
        rc2 = parse_in_steps(fn, s, bytes, n, lim, &m2);
        free(bytes);
        check_same(rc, m, rc2, &m2, "byte-by-byte");
    }
    for (i = 0; i < SPLITS; i++) {
        ncuts = random_cuts(n, cuts, TP_NELEM(cuts));
        rc2 = parse_in_steps(fn, s, cuts, ncuts, lim, &m2);
        check_same(rc, m, rc2, &m2, "split");
    }
    return rc;
}

#define REQ(str, m) \
    parse_all_ways(tp_http_parse_request, (str), sizeof(str) - 1, \
                   &lim_default, (m))
#define RSP(str, m) \
    parse_all_ways(tp_http_parse_response, (str), sizeof(str) - 1, \
                   &lim_default, (m))

static void
run_cases(parse_fn fn, const struct tcase *tc, size_t n)
{
    static struct tp_http_msg m;
    size_t i;
    int rc;

    for (i = 0; i < n; i++) {
        rc = parse_all_ways(fn, tc[i].s, tc[i].n, &lim_default, &m);
        if (rc != tc[i].rc) {
            print_error("case %zu \"%.*s\": got %d, want %d\n", i,
                        (int) tc[i].n, tc[i].s, rc, tc[i].rc);
        }
        assert_int_equal(rc, tc[i].rc);
    }
}

static void
assert_span(const char *buf, size_t off, size_t len, const char *want)
{
    assert_int_equal(len, strlen(want));
    assert_memory_equal(buf + off, want, len);
}

static void
assert_hdr(const char *buf, const struct tp_http_msg *m, int i,
    const char *name, const char *value)
{
    assert_true(i < m->nhdrs);
    assert_span(buf, m->hdrs[i].name_off, m->hdrs[i].name_len, name);
    assert_span(buf, m->hdrs[i].value_off, m->hdrs[i].value_len, value);
}

/* ---- request line ---- */

static void
test_server__tp_http_parse__get_simple(void **state)
{
    static const char s[] =
        "GET /index.html?x=1&y HTTP/1.1\r\n"
        "Host: example.com\r\n"
        "User-Agent: t/1\r\n"
        "\r\n";
    struct tp_http_msg m;

    assert_int_equal(REQ(s, &m), TP_OK);
    assert_int_equal(m.method, TP_HTTP_GET);
    assert_int_equal(m.method_off, 0);
    assert_int_equal(m.method_len, 3);
    assert_int_equal(m.target_off, 4);
    assert_span(s, m.target_off, m.target_len, "/index.html?x=1&y");
    assert_int_equal(m.path_len, 11);
    assert_int_equal(m.version, 11);
    assert_int_equal(m.nhdrs, 2);
    assert_int_equal(m.host_idx, 0);
    assert_hdr(s, &m, 0, "Host", "example.com");
    assert_hdr(s, &m, 1, "User-Agent", "t/1");
    assert_int_equal(m.hdrs[0].name_off, 32);
    assert_int_equal(m.hdrs[0].value_off, 38);
    assert_true(m.content_length == -1);
    assert_int_equal(m.flags, 0);
    assert_int_equal(m.head_len, sizeof(s) - 1);
    assert_int_equal(m.pos, sizeof(s) - 1);
}

static void
test_server__tp_http_parse__methods(void **state)
{
    static const char *other[] = { "PURGE", "get", "M-SEARCH", "Get",
                                   "PROPFIND", "X!#$%&'*+-.^_`|~1" };
    struct tp_http_msg m;
    char buf[128];
    size_t i;
    int n;

    for (i = TP_HTTP_GET; i <= TP_HTTP_TRACE; i++) {
        const char *name = tp_http_method_name((enum tp_http_method) i);
        const char *target = i == TP_HTTP_CONNECT ? "a:1" : "/";

        assert_non_null(name);
        n = snprintf(buf, sizeof(buf), "%s %s HTTP/1.1\r\nHost: a\r\n\r\n",
                     name, target);
        assert_int_equal(parse_all_ways(tp_http_parse_request, buf,
                                        (size_t) n, &lim_default, &m),
                         TP_OK);
        assert_int_equal(m.method, i);
        assert_int_equal(m.method_len, strlen(name));
    }
    for (i = 0; i < TP_NELEM(other); i++) {
        n = snprintf(buf, sizeof(buf), "%s / HTTP/1.1\r\nHost: a\r\n\r\n",
                     other[i]);
        assert_int_equal(parse_all_ways(tp_http_parse_request, buf,
                                        (size_t) n, &lim_default, &m),
                         TP_OK);
        assert_int_equal(m.method, TP_HTTP_OTHER);
        assert_span(buf, m.method_off, m.method_len, other[i]);
    }
}

static void
test_server__tp_http_parse__method_names(void **state)
{
    static const char *names[] = { NULL, "GET", "HEAD", "POST", "PUT",
        "DELETE", "OPTIONS", "PATCH", "CONNECT", "TRACE" };
    size_t i;

    for (i = 1; i < TP_NELEM(names); i++) {
        assert_string_equal(tp_http_method_name((enum tp_http_method) i),
                            names[i]);
        assert_int_equal(tp_http_method_from(names[i], strlen(names[i])), i);
    }
    assert_null(tp_http_method_name(TP_HTTP_OTHER));
    assert_null(tp_http_method_name((enum tp_http_method) 99));
    assert_int_equal(tp_http_method_from("get", 3), TP_HTTP_OTHER);
    assert_int_equal(tp_http_method_from("Post", 4), TP_HTTP_OTHER);
    assert_int_equal(tp_http_method_from("GETX", 3), TP_HTTP_GET);
    assert_int_equal(tp_http_method_from("GETX", 4), TP_HTTP_OTHER);
    assert_int_equal(tp_http_method_from("", 0), TP_HTTP_OTHER);
}

static void
test_server__tp_http_parse__request_line_rejects(void **state)
{
    static const struct tcase tc[] = {
        C("GET  / HTTP/1.1\r\nHost: a\r\n\r\n", TP_HTTP_E400),
        C("GET /  HTTP/1.1\r\nHost: a\r\n\r\n", TP_HTTP_E400),
        C("GET / HTTP/1.1 \r\nHost: a\r\n\r\n", TP_HTTP_E400),
        C("GET\t/ HTTP/1.1\r\nHost: a\r\n\r\n", TP_HTTP_E400),
        C("GET /\tHTTP/1.1\r\nHost: a\r\n\r\n", TP_HTTP_E400),
        C(" GET / HTTP/1.1\r\nHost: a\r\n\r\n", TP_HTTP_E400),
        C("G(T / HTTP/1.1\r\nHost: a\r\n\r\n", TP_HTTP_E400),
        C("G\x00T / HTTP/1.1\r\nHost: a\r\n\r\n", TP_HTTP_E400),
        C("GET /a\x01 HTTP/1.1\r\nHost: a\r\n\r\n", TP_HTTP_E400),
        C("GET /a\x7f HTTP/1.1\r\nHost: a\r\n\r\n", TP_HTTP_E400),
        C("GET /caf\xc3\xa9 HTTP/1.1\r\nHost: a\r\n\r\n", TP_HTTP_E400),
        C("GET /a?b\x80 HTTP/1.1\r\nHost: a\r\n\r\n", TP_HTTP_E400),
        C("GET /a#frag HTTP/1.1\r\nHost: a\r\n\r\n", TP_HTTP_E400),
        C("GET /a?b#frag HTTP/1.1\r\nHost: a\r\n\r\n", TP_HTTP_E400),
        C("GET a/b HTTP/1.1\r\nHost: a\r\n\r\n", TP_HTTP_E400),
        C("GET ./a HTTP/1.1\r\nHost: a\r\n\r\n", TP_HTTP_E400),
        C("GET ?a HTTP/1.1\r\nHost: a\r\n\r\n", TP_HTTP_E400),
        C("GET * HTTP/1.1\r\nHost: a\r\n\r\n", TP_HTTP_E400),
        C("OPTIONS *x HTTP/1.1\r\nHost: a\r\n\r\n", TP_HTTP_E400),
        C("OPTIONS */ HTTP/1.1\r\nHost: a\r\n\r\n", TP_HTTP_E400),
        C("GET / HTTP/1.1\r\r\nHost: a\r\n\r\n", TP_HTTP_E400),
        C("GET / HTTP/1.1\rHost: a\r\n\r\n", TP_HTTP_E400),
        C("GET /\r\n\r\n", TP_HTTP_E400),
        C("GET\r\n\r\n", TP_HTTP_E400),
        C("GET / \r\n\r\n", TP_HTTP_E400),
        C("GET / HTTP/1.1x\r\nHost: a\r\n\r\n", TP_HTTP_E400),
        C("GET / http/1.1\r\nHost: a\r\n\r\n", TP_HTTP_E400),
        C("GET / HTTP/11\r\nHost: a\r\n\r\n", TP_HTTP_E400),
        C("GET / HTTP/1.\r\nHost: a\r\n\r\n", TP_HTTP_E400),
        C("GET / HTTP/a.1\r\nHost: a\r\n\r\n", TP_HTTP_E400),
        C("GET / HTTP/1.1.1\r\nHost: a\r\n\r\n", TP_HTTP_E400),
        C("GET / HTTP/2.0\r\nHost: a\r\n\r\n", TP_HTTP_E505),
        C("GET / HTTP/1.2\r\nHost: a\r\n\r\n", TP_HTTP_E505),
        C("GET / HTTP/0.9\r\nHost: a\r\n\r\n", TP_HTTP_E505),
        C("GET / HTTP/3.0\r\n\r\n", TP_HTTP_E505),
        C("\rGET / HTTP/1.1\r\nHost: a\r\n\r\n", TP_HTTP_E400),
        C("\r\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", TP_HTTP_E400),
        C("\r\n\r\n\r\n\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n",
          TP_HTTP_E400),
        C("\n\n\n\n\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", TP_HTTP_E400),
        C("\x16\x03\x01\x02\x00\x01\x00\x01", TP_HTTP_E400),
        C("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", TP_HTTP_E400),
    };

    run_cases(tp_http_parse_request, tc, TP_NELEM(tc));
}

static void
test_server__tp_http_parse__incomplete_is_again(void **state)
{
    static const struct tcase tc[] = {
        C("", TP_AGAIN),
        C("G", TP_AGAIN),
        C("\r\n", TP_AGAIN),
        C("GET /very/long", TP_AGAIN),
        C("GET / HTTP/1.1", TP_AGAIN),
        C("GET / HTTP/1.1\r", TP_AGAIN),
        C("GET / HTTP/1.1\r\nHost: a\r\n", TP_AGAIN),
        C("GET / HTTP/1.1\r\nHost: a\r\n\r", TP_AGAIN),
        C("GET / HTTP/1.1\r\nHo", TP_AGAIN),
        C("HTTP/1.1 200 OK\r\n", TP_AGAIN),
    };
    struct tp_http_msg m;

    run_cases(tp_http_parse_request, tc, TP_NELEM(tc) - 1);
    assert_int_equal(RSP("HTTP/1.1 200 OK\r\n", &m), TP_AGAIN);
    assert_int_equal(m.pos, 17);
}

static void
test_server__tp_http_parse__absolute_form(void **state)
{
    static const char s[] = "GET http://example.com:8080/p/q?x=1 HTTP/1.1\r\n"
                            "Host: example.com:8080\r\n\r\n";
    static const char s2[] = "POST HTTPS://[::1]/ HTTP/1.1\r\nHost: a\r\n\r\n";
    static const struct tcase tc[] = {
        C("GET ftp://h/ HTTP/1.1\r\nHost: a\r\n\r\n", TP_HTTP_E400),
        C("GET http://h HTTP/1.1\r\nHost: a\r\n\r\n", TP_HTTP_E400),
        C("GET http://h?q HTTP/1.1\r\nHost: a\r\n\r\n", TP_HTTP_E400),
        C("GET http:///p HTTP/1.1\r\nHost: a\r\n\r\n", TP_HTTP_E400),
        C("GET http://u@h/ HTTP/1.1\r\nHost: a\r\n\r\n", TP_HTTP_E400),
        C("GET http://u:p@h/ HTTP/1.1\r\nHost: a\r\n\r\n", TP_HTTP_E400),
        C("GET http:/h/ HTTP/1.1\r\nHost: a\r\n\r\n", TP_HTTP_E400),
        C("GET http:h/ HTTP/1.1\r\nHost: a\r\n\r\n", TP_HTTP_E400),
        C("GET http://h:80x/ HTTP/1.1\r\nHost: a\r\n\r\n", TP_HTTP_E400),
        C("GET http://:80/ HTTP/1.1\r\nHost: a\r\n\r\n", TP_HTTP_E400),
        C("GET http://[::1/ HTTP/1.1\r\nHost: a\r\n\r\n", TP_HTTP_E400),
        C("GET http://h#/ HTTP/1.1\r\nHost: a\r\n\r\n", TP_HTTP_E400),
        C("GET http://h/a#b HTTP/1.1\r\nHost: a\r\n\r\n", TP_HTTP_E400),
        C("GET http://h/ HTTP/1.1\r\n\r\n", TP_HTTP_E400),  /* no Host */
        C("GET http://h:8080/ HTTP/1.1\r\nHost: a\r\n\r\n", TP_OK),
        C("GET http://h/ HTTP/1.0\r\n\r\n", TP_OK),
    };
    struct tp_http_msg m;

    assert_int_equal(REQ(s, &m), TP_OK);
    assert_true(m.flags & TP_HTTP_F_ABSOLUTE_URI);
    assert_int_equal(m.target_off, 27);
    assert_span(s, m.target_off, m.target_len, "/p/q?x=1");
    assert_int_equal(m.path_len, 4);
    assert_int_equal(m.method, TP_HTTP_GET);
    /* the authority is recoverable: it sits between the method and path */
    assert_int_equal(m.method_off + m.method_len + 1 + 7 + 16,
                     m.target_off);

    assert_int_equal(REQ(s2, &m), TP_OK);
    assert_int_equal(m.flags, TP_HTTP_F_ABSOLUTE_URI);
    assert_span(s2, m.target_off, m.target_len, "/");
    assert_int_equal(m.path_len, 1);

    run_cases(tp_http_parse_request, tc, TP_NELEM(tc));
}

static void
test_server__tp_http_parse__asterisk_form(void **state)
{
    static const char s[] = "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n";
    struct tp_http_msg m;

    assert_int_equal(REQ(s, &m), TP_OK);
    assert_int_equal(m.method, TP_HTTP_OPTIONS);
    assert_int_equal(m.target_off, 8);
    assert_int_equal(m.target_len, 1);
    assert_int_equal(m.path_len, 1);
    assert_int_equal(s[m.target_off], '*');
    assert_int_equal(m.flags, 0);
}

static void
test_server__tp_http_parse__connect_authority_form(void **state)
{
    static const char s[] = "CONNECT example.com:443 HTTP/1.1\r\n"
                            "Host: example.com:443\r\n\r\n";
    static const char s6[] = "CONNECT [2001:db8::1]:8443 HTTP/1.1\r\n"
                             "Host: [2001:db8::1]:8443\r\n\r\n";
    static const struct tcase tc[] = {
        C("CONNECT / HTTP/1.1\r\nHost: a\r\n\r\n", TP_HTTP_E400),
        C("CONNECT a HTTP/1.1\r\nHost: a\r\n\r\n", TP_HTTP_E400),
        C("CONNECT a: HTTP/1.1\r\nHost: a\r\n\r\n", TP_HTTP_E400),
        C("CONNECT :443 HTTP/1.1\r\nHost: a\r\n\r\n", TP_HTTP_E400),
        C("CONNECT a:123456 HTTP/1.1\r\nHost: a\r\n\r\n", TP_HTTP_E400),
        C("CONNECT a:4x3 HTTP/1.1\r\nHost: a\r\n\r\n", TP_HTTP_E400),
        C("CONNECT http://a:1/ HTTP/1.1\r\nHost: a\r\n\r\n", TP_HTTP_E400),
        C("CONNECT u@a:1 HTTP/1.1\r\nHost: a\r\n\r\n", TP_HTTP_E400),
        C("CONNECT * HTTP/1.1\r\nHost: a\r\n\r\n", TP_HTTP_E400),
        C("CONNECT  a:1 HTTP/1.1\r\nHost: a\r\n\r\n", TP_HTTP_E400),
        C("CONNECT [::1:443 HTTP/1.1\r\nHost: a\r\n\r\n", TP_HTTP_E400),
        C("CONNECT a:1:2 HTTP/1.1\r\nHost: a\r\n\r\n", TP_HTTP_E400),
        C("GET example.com:443 HTTP/1.1\r\nHost: a\r\n\r\n", TP_HTTP_E400),
    };
    struct tp_http_msg m;

    assert_int_equal(REQ(s, &m), TP_OK);
    assert_int_equal(m.method, TP_HTTP_CONNECT);
    assert_int_equal(m.target_off, 8);
    assert_span(s, m.target_off, m.target_len, "example.com:443");
    assert_int_equal(m.path_len, m.target_len);

    assert_int_equal(REQ(s6, &m), TP_OK);
    assert_span(s6, m.target_off, m.target_len, "[2001:db8::1]:8443");

    run_cases(tp_http_parse_request, tc, TP_NELEM(tc));
}

static void
test_server__tp_http_parse__http10_no_host(void **state)
{
    static const char s[] = "GET / HTTP/1.0\r\n\r\n";
    struct tp_http_msg m;

    assert_int_equal(REQ(s, &m), TP_OK);
    assert_int_equal(m.version, 10);
    assert_int_equal(m.nhdrs, 0);
    assert_int_equal(m.host_idx, -1);
    assert_int_equal(m.head_len, 18);
}

static void
test_server__tp_http_parse__bare_lf(void **state)
{
    static const char s[] = "GET /x HTTP/1.1\nHost: a\nX-B:  b \n\nBODY";
    struct tp_http_msg m;

    assert_int_equal(REQ(s, &m), TP_OK);
    assert_int_equal(m.head_len, sizeof(s) - 1 - 4);
    assert_int_equal(m.nhdrs, 2);
    assert_hdr(s, &m, 1, "X-B", "b");
}

static void
test_server__tp_http_parse__leading_empty_lines(void **state)
{
    static const char s[] = "\r\n\nGET /a HTTP/1.1\r\nHost: h\r\n\r\n";
    static const char s4[] = "\r\n\r\n\n\r\nPUT / HTTP/1.1\r\nHost: h\r\n\r\n";
    struct tp_http_msg m;

    assert_int_equal(REQ(s, &m), TP_OK);
    assert_int_equal(m.method_off, 3);
    assert_int_equal(m.method, TP_HTTP_GET);
    assert_int_equal(m.target_off, 7);
    assert_int_equal(m.head_len, sizeof(s) - 1);

    assert_int_equal(REQ(s4, &m), TP_OK);
    assert_int_equal(m.method_off, 7);
    assert_int_equal(m.method, TP_HTTP_PUT);
    assert_hdr(s4, &m, 0, "Host", "h");
}

/* ---- limits ---- */

/* "GET /" + k x 'a' + " HTTP/1.1\r\n" + <rest> */
static size_t
make_line(char *buf, size_t k, const char *rest)
{
    size_t n = 0;

    memcpy(buf, "GET /", 5);
    n = 5;
    memset(buf + n, 'a', k);
    n += k;
    memcpy(buf + n, " HTTP/1.1\r\n", 11);
    n += 11;
    memcpy(buf + n, rest, strlen(rest));
    return n + strlen(rest);
}

static void
test_server__tp_http_parse__limit_414(void **state)
{
    static const struct tp_http_limits lim = { 32, 1024 };
    static char buf[2048];
    struct tp_http_msg m;
    size_t n;

    /* A line of exactly max_line bytes, CRLF included, is fine. */
    n = make_line(buf, 16, "Host: a\r\n\r\n");
    assert_int_equal(parse_all_ways(tp_http_parse_request, buf, n, &lim, &m),
                     TP_OK);
    n = make_line(buf, 17, "Host: a\r\n\r\n");
    assert_int_equal(parse_all_ways(tp_http_parse_request, buf, n, &lim, &m),
                     TP_HTTP_E414);
    /* 414 as soon as the limit is crossed, without the rest of the line. */
    assert_int_equal(parse_all_ways(tp_http_parse_request, buf, 33, &lim,
                                    &m), TP_HTTP_E414);
    assert_int_equal(parse_all_ways(tp_http_parse_request, buf, 32, &lim,
                                    &m), TP_HTTP_E414);
    assert_int_equal(parse_all_ways(tp_http_parse_request, buf, 31, &lim,
                                    &m), TP_AGAIN);
    /* Field lines are not bound by max_line, only by max_head. */
    n = make_line(buf, 1, "Host: a\r\nX-Long: "
                  "0123456789012345678901234567890123456789\r\n\r\n");
    assert_int_equal(parse_all_ways(tp_http_parse_request, buf, n, &lim, &m),
                     TP_OK);
    /* Skipped empty lines do not count toward max_line. */
    memcpy(buf, "\r\n\r\n", 4);
    n = make_line(buf + 4, 16, "Host: a\r\n\r\n") + 4;
    assert_int_equal(parse_all_ways(tp_http_parse_request, buf, n, &lim, &m),
                     TP_OK);
    assert_int_equal(m.method_off, 4);
    /* A line crossing max_head is still a request line problem: 414. */
    {
        static const struct tp_http_limits small = { 1024, 20 };

        n = make_line(buf, 16, "Host: a\r\n\r\n");
        assert_int_equal(parse_all_ways(tp_http_parse_request, buf, n,
                                        &small, &m), TP_HTTP_E414);
    }
}

static void
test_server__tp_http_parse__limit_431(void **state)
{
    static const struct tp_http_limits lim = { 1024, 64 };
    static char buf[128];
    struct tp_http_msg m;
    size_t n;

    /* 16 + 9 + 3 + 4 bytes of lines, the X value pads to exactly 64 */
    n = make_line(buf, 0, "Host: a\r\nX: "
                  "01234567890123456789012345678901\r\n\r\n");
    assert_int_equal(n, 64);
    assert_int_equal(parse_all_ways(tp_http_parse_request, buf, n, &lim, &m),
                     TP_OK);
    assert_int_equal(m.head_len, 64);
    n = make_line(buf, 0, "Host: a\r\nX: "
                  "012345678901234567890123456789012\r\n\r\n");
    assert_int_equal(parse_all_ways(tp_http_parse_request, buf, n, &lim, &m),
                     TP_HTTP_E431);
    /* Incomplete but already at the limit: no point waiting. */
    assert_int_equal(parse_all_ways(tp_http_parse_request, buf, 64, &lim, &m),
                     TP_HTTP_E431);
    assert_int_equal(parse_all_ways(tp_http_parse_request, buf, 63, &lim, &m),
                     TP_AGAIN);
}

/* A head of exactly <total> bytes: one big field pads it. */
static char *
make_big_head(size_t total)
{
    static const char pre[] = "GET / HTTP/1.1\r\nHost: a\r\nX: ";
    char *buf = malloc(total);
    size_t pad = total - (sizeof(pre) - 1) - 4;

    assert_non_null(buf);
    memcpy(buf, pre, sizeof(pre) - 1);
    memset(buf + sizeof(pre) - 1, 'v', pad);
    memcpy(buf + total - 4, "\r\n\r\n", 4);
    return buf;
}

static void
test_server__tp_http_parse__max_head_clamped(void **state)
{
    static const struct tp_http_limits lim = { 8192, 1000000 };
    struct tp_http_msg m;
    char *buf;

    /* hdr lengths are uint16: the limit is clamped to 65535 bytes */
    buf = make_big_head(65535);
    assert_int_equal(parse_all_ways(tp_http_parse_request, buf, 65535, &lim,
                                    &m), TP_OK);
    assert_int_equal(m.head_len, 65535);
    assert_int_equal(m.hdrs[1].value_len, 65535 - 28 - 4);
    free(buf);
    buf = make_big_head(65536);
    assert_int_equal(parse_all_ways(tp_http_parse_request, buf, 65536, &lim,
                                    &m), TP_HTTP_E431);
    free(buf);
}

static void
test_server__tp_http_parse__too_many_headers(void **state)
{
    static char buf[4096];
    struct tp_http_msg m;
    size_t n;
    int i;

    n = (size_t) sprintf(buf, "GET / HTTP/1.1\r\nHost: a\r\n");
    for (i = 1; i < TP_HTTP_MAX_HEADERS; i++) {
        n += (size_t) sprintf(buf + n, "X-%d: %d\r\n", i, i);
    }
    memcpy(buf + n, "\r\n", 2);
    assert_int_equal(parse_all_ways(tp_http_parse_request, buf, n + 2,
                                    &lim_default, &m), TP_OK);
    assert_int_equal(m.nhdrs, TP_HTTP_MAX_HEADERS);
    assert_hdr(buf, &m, TP_HTTP_MAX_HEADERS - 1, "X-99", "99");

    n += (size_t) sprintf(buf + n, "X-100: 100\r\n\r\n");
    assert_int_equal(parse_all_ways(tp_http_parse_request, buf, n,
                                    &lim_default, &m), TP_HTTP_E431);
}

/* ---- field lines ---- */

static void
test_server__tp_http_parse__header_values(void **state)
{
    static const char s[] =
        "GET / HTTP/1.1\r\n"
        "Host:a\r\n"
        "X-A:  v a l \t \r\n"
        "X-E:\r\n"
        "X-W:   \t \r\n"
        "X-O: caf\xc3\xa9 \xff\r\n"
        "X-T:\tv\t\r\n"
        "x-q: \"q, r\"; a=b\r\n"
        "\r\n";
    struct tp_http_msg m;

    assert_int_equal(REQ(s, &m), TP_OK);
    assert_int_equal(m.nhdrs, 7);
    assert_hdr(s, &m, 0, "Host", "a");
    assert_hdr(s, &m, 1, "X-A", "v a l");
    assert_int_equal(m.hdrs[1].value_off, 30);
    assert_hdr(s, &m, 2, "X-E", "");
    assert_int_equal(m.hdrs[2].value_off, 44);
    assert_hdr(s, &m, 3, "X-W", "");
    assert_hdr(s, &m, 4, "X-O", "caf\xc3\xa9 \xff");
    assert_hdr(s, &m, 5, "X-T", "v");
    assert_hdr(s, &m, 6, "x-q", "\"q, r\"; a=b");
}

static void
test_server__tp_http_parse__header_rejects(void **state)
{
    static const struct tcase tc[] = {
        C("GET / HTTP/1.1\r\nHost : a\r\n\r\n", TP_HTTP_E400),
        C("GET / HTTP/1.1\r\nHost\t: a\r\n\r\n", TP_HTTP_E400),
        C("GET / HTTP/1.1\r\nHost: a\r\nX-Foo bar\r\n\r\n", TP_HTTP_E400),
        C("GET / HTTP/1.1\r\nHost: a\r\nX-Foo\r\n\r\n", TP_HTTP_E400),
        C("GET / HTTP/1.1\r\nHost: a\r\n: v\r\n\r\n", TP_HTTP_E400),
        C("GET / HTTP/1.1\r\n Host: a\r\n\r\n", TP_HTTP_E400),
        C("GET / HTTP/1.1\r\n\tHost: a\r\n\r\n", TP_HTTP_E400),
        C("GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n b\r\n\r\n", TP_HTTP_E400),
        C("GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n\tb\r\n\r\n", TP_HTTP_E400),
        C("GET / HTTP/1.1\r\nHost: a\r\nX: a\x00b\r\n\r\n", TP_HTTP_E400),
        C("GET / HTTP/1.1\r\nHost: a\r\nX: a\x7f\r\n\r\n", TP_HTTP_E400),
        C("GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n", TP_HTTP_E400),
        C("GET / HTTP/1.1\r\nHost: a\r\nX: a\r\r\n\r\n", TP_HTTP_E400),
        C("GET / HTTP/1.1\r\nHost: a\r\nX: a\x0b\r\n\r\n", TP_HTTP_E400),
        C("GET / HTTP/1.1\r\nHost: a\r\nX: \x1b[0m\r\n\r\n", TP_HTTP_E400),
        C("GET / HTTP/1.1\r\nHost: a\r\nX\x01: a\r\n\r\n", TP_HTTP_E400),
        C("GET / HTTP/1.1\r\nHost: a\r\nX@: a\r\n\r\n", TP_HTTP_E400),
        C("GET / HTTP/1.1\r\nHost: a\r\n[X]: a\r\n\r\n", TP_HTTP_E400),
        C("GET / HTTP/1.1\r\nHost: a\r\nX\xc3\xa9: a\r\n\r\n", TP_HTTP_E400),
        C("GET / HTTP/1.1\r\nHost: a\r\n\rX", TP_HTTP_E400),
        C("GET / HTTP/1.1\r\nHost: a\r\n\x00\r\n", TP_HTTP_E400),
    };

    run_cases(tp_http_parse_request, tc, TP_NELEM(tc));
}

static void
test_server__tp_http_parse__pipelined(void **state)
{
    static const char s[] =
        "POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello"
        "GET /b HTTP/1.1\r\nHost: h2\r\n\r\n"
        "\r\nGET /c HTTP/1.0\r\n\r\n";
    struct tp_http_msg m;
    size_t at = 0, n = sizeof(s) - 1;

    assert_int_equal(parse_all_ways(tp_http_parse_request, s, n,
                                    &lim_default, &m), TP_OK);
    assert_int_equal(m.method, TP_HTTP_POST);
    assert_int_equal(m.head_len, 48);
    assert_true(m.content_length == 5);
    assert_memory_equal(s + m.head_len, "hello", 5);
    at = m.head_len + 5;

    assert_int_equal(parse_all_ways(tp_http_parse_request, s + at, n - at,
                                    &lim_default, &m), TP_OK);
    assert_int_equal(m.method, TP_HTTP_GET);
    assert_int_equal(m.target_off, 4);
    assert_span(s + at, m.target_off, m.target_len, "/b");
    assert_hdr(s + at, &m, 0, "Host", "h2");
    at += m.head_len;

    /* the CRLF some clients add after a body is skipped */
    assert_int_equal(parse_all_ways(tp_http_parse_request, s + at, n - at,
                                    &lim_default, &m), TP_OK);
    assert_int_equal(m.method_off, 2);
    assert_span(s + at, m.target_off, m.target_len, "/c");
    assert_int_equal(at + m.head_len, n);
}

/* ---- framing and connection semantics ---- */

static int
req_with(const char *fields, struct tp_http_msg *m, const char *version)
{
    static char buf[1024];
    int n;

    n = snprintf(buf, sizeof(buf), "POST / HTTP/%s\r\n%s\r\n", version,
                 fields);
    assert_true(n > 0 && (size_t) n < sizeof(buf));
    return parse_all_ways(tp_http_parse_request, buf, (size_t) n,
                          &lim_default, m);
}

static void
test_server__tp_http_parse__content_length(void **state)
{
    static const struct {
        const char *fields;
        int64_t cl;
    } ok[] = {
        { "Content-Length: 0\r\n", 0 },
        { "Content-Length: 5\r\n", 5 },
        { "content-LENGTH:7\r\n", 7 },
        { "Content-Length: 005\r\n", 5 },
        { "Content-Length: 5, 5\r\n", 5 },
        { "Content-Length: 5,5 ,\t5\r\n", 5 },
        { "Content-Length:  12 \t\r\n", 12 },
        { "Content-Length: 5\r\nContent-Length: 5\r\n", 5 },
        { "Content-Length: 5\r\nContent-Length: 5, 5\r\n", 5 },
        { "Content-Length: 4611686018427387904\r\n", INT64_C(1) << 62 },
    };
    static const char *bad[] = {
        "", "+5", "-1", "0x5", "5a", "5 5", "5,", ",5", "5,,5", "5, 6",
        "4611686018427387905", "99999999999999999999999", "5.0", "\"5\"",
        "1e3", "\xd9\xa5",
    };
    struct tp_http_msg m;
    char f[128];
    size_t i;

    for (i = 0; i < TP_NELEM(ok); i++) {
        snprintf(f, sizeof(f), "Host: a\r\n%s", ok[i].fields);
        assert_int_equal(req_with(f, &m, "1.1"), TP_OK);
        assert_true(m.content_length == ok[i].cl);
        assert_int_equal(m.flags, TP_HTTP_F_HAS_CL);
    }
    for (i = 0; i < TP_NELEM(bad); i++) {
        snprintf(f, sizeof(f), "Host: a\r\nContent-Length: %s\r\n", bad[i]);
        if (req_with(f, &m, "1.1") != TP_HTTP_E400) {
            print_error("Content-Length \"%s\" accepted\n", bad[i]);
            fail();
        }
    }
    assert_int_equal(req_with("Host: a\r\nContent-Length: 5\r\n"
                              "Content-Length: 6\r\n", &m, "1.1"),
                     TP_HTTP_E400);
    assert_int_equal(req_with("Content-Length: 5\r\nHost: a\r\n"
                              "Content-Length: 5,6\r\n", &m, "1.0"),
                     TP_HTTP_E400);
    assert_int_equal(req_with("Host: a\r\n", &m, "1.1"), TP_OK);
    assert_true(m.content_length == -1);
    assert_int_equal(m.flags, 0);
}

static void
test_server__tp_http_parse__transfer_encoding(void **state)
{
    static const char *chunked[] = { "chunked", "Chunked", "CHUNKED",
                                     "  chunked\t" };
    static const char *e501[] = { "gzip", "identity", "gzip, chunked",
        "chunked, chunked", "chunked, gzip", "gzip ,chunked", "x-custom" };
    static const char *e400[] = { "", "chunked;", "chunked;q=1",
        "\"chunked\"", "chunked,", ",chunked", "chunked chunked",
        "chunked, ,gzip", "chun\xc3\xa9ked", "chunked/1" };
    struct tp_http_msg m;
    char f[128];
    size_t i;

    for (i = 0; i < TP_NELEM(chunked); i++) {
        snprintf(f, sizeof(f), "Host: a\r\nTransfer-Encoding: %s\r\n",
                 chunked[i]);
        assert_int_equal(req_with(f, &m, "1.1"), TP_OK);
        assert_int_equal(m.flags, TP_HTTP_F_CHUNKED | TP_HTTP_F_HAS_TE);
        assert_true(m.content_length == -1);
    }
    for (i = 0; i < TP_NELEM(e501); i++) {
        snprintf(f, sizeof(f), "Host: a\r\nTransfer-Encoding: %s\r\n",
                 e501[i]);
        assert_int_equal(req_with(f, &m, "1.1"), TP_HTTP_E501);
    }
    for (i = 0; i < TP_NELEM(e400); i++) {
        snprintf(f, sizeof(f), "Host: a\r\nTransfer-Encoding: %s\r\n",
                 e400[i]);
        if (req_with(f, &m, "1.1") != TP_HTTP_E400) {
            print_error("Transfer-Encoding \"%s\" not 400\n", e400[i]);
            fail();
        }
    }
    /* A second header is a list in disguise. */
    assert_int_equal(req_with("Host: a\r\nTransfer-Encoding: chunked\r\n"
                              "transfer-encoding: chunked\r\n", &m, "1.1"),
                     TP_HTTP_E501);
    assert_int_equal(req_with("Host: a\r\nTransfer-Encoding: gzip\r\n"
                              "Transfer-Encoding: chunked\r\n", &m, "1.1"),
                     TP_HTTP_E501);
}

static void
test_server__tp_http_parse__te_http10(void **state)
{
    struct tp_http_msg m;

    assert_int_equal(req_with("Transfer-Encoding: chunked\r\n", &m, "1.0"),
                     TP_HTTP_E400);
    assert_int_equal(req_with("Host: a\r\nTransfer-Encoding: chunked\r\n",
                              &m, "1.0"), TP_HTTP_E400);
}

static void
test_server__tp_http_parse__cl_te_conflict(void **state)
{
    struct tp_http_msg m;

    assert_int_equal(req_with("Host: a\r\nContent-Length: 5\r\n"
                              "Transfer-Encoding: chunked\r\n", &m, "1.1"),
                     TP_HTTP_E400);
    assert_int_equal(req_with("Transfer-Encoding: chunked\r\nHost: a\r\n"
                              "Content-Length: 0\r\n", &m, "1.1"),
                     TP_HTTP_E400);
    /* an unsupported coding is reported as such, CL or not */
    assert_int_equal(req_with("Host: a\r\nContent-Length: 5\r\n"
                              "Transfer-Encoding: gzip\r\n", &m, "1.1"),
                     TP_HTTP_E501);
}

static void
test_server__tp_http_parse__connection(void **state)
{
    static const struct {
        const char *fields;
        uint32_t flags;
    } ok[] = {
        { "Connection: close\r\n", TP_HTTP_F_CONN_CLOSE },
        { "Connection: Keep-Alive\r\n", TP_HTTP_F_CONN_KEEP },
        { "Connection: UPGRADE\r\n", TP_HTTP_F_CONN_UPGRADE },
        { "Connection: keep-alive, Upgrade, X-Foo\r\n",
          TP_HTTP_F_CONN_KEEP | TP_HTTP_F_CONN_UPGRADE
          | TP_HTTP_F_CONN_OTHER },
        { "Connection: , close ,, \r\n", TP_HTTP_F_CONN_CLOSE },
        { "Connection: close\r\nconnection: upgrade\r\n",
          TP_HTTP_F_CONN_CLOSE | TP_HTTP_F_CONN_UPGRADE },
        { "Connection: closed\r\n", TP_HTTP_F_CONN_OTHER },
        { "Connection:\r\n", 0 },
    };
    static const char *bad[] = { "clo se", "close;", "close\xc3\xa9",
                                 "\"close\"", "close/1" };
    struct tp_http_msg m;
    char f[128];
    size_t i;

    for (i = 0; i < TP_NELEM(ok); i++) {
        snprintf(f, sizeof(f), "Host: a\r\n%s", ok[i].fields);
        assert_int_equal(req_with(f, &m, "1.1"), TP_OK);
        assert_int_equal(m.flags, ok[i].flags);
    }
    for (i = 0; i < TP_NELEM(bad); i++) {
        snprintf(f, sizeof(f), "Host: a\r\nConnection: %s\r\n", bad[i]);
        assert_int_equal(req_with(f, &m, "1.1"), TP_HTTP_E400);
    }
}

static void
test_server__tp_http_parse__expect(void **state)
{
    struct tp_http_msg m;

    assert_int_equal(req_with("Host: a\r\nExpect: 100-continue\r\n"
                              "Content-Length: 3\r\n", &m, "1.1"), TP_OK);
    assert_int_equal(m.flags, TP_HTTP_F_EXPECT_100 | TP_HTTP_F_HAS_CL);
    assert_int_equal(req_with("Host: a\r\nexpect:  100-Continue \r\n",
                              &m, "1.1"), TP_OK);
    assert_int_equal(m.flags, TP_HTTP_F_EXPECT_100);
    /* ignored in HTTP/1.0 (RFC 9110 10.1.1) */
    assert_int_equal(req_with("Expect: 100-continue\r\n", &m, "1.0"), TP_OK);
    assert_int_equal(m.flags, 0);
    assert_int_equal(req_with("Host: a\r\nExpect:\r\n", &m, "1.1"), TP_OK);
    assert_int_equal(m.flags, 0);

    /* 417 only once the head is complete and valid; results are set */
    assert_int_equal(req_with("Host: a\r\nExpect: foo\r\nX: y\r\n", &m,
                              "1.1"), TP_HTTP_E417);
    assert_int_equal(m.nhdrs, 3);
    assert_int_equal(m.head_len, 47);
    assert_int_equal(req_with("Host: a\r\nExpect: 100-continue, foo\r\n", &m,
                              "1.1"), TP_HTTP_E417);
    assert_int_equal(req_with("Expect: foo\r\n", &m, "1.0"), TP_HTTP_E417);
    assert_int_equal(req_with("Host: a\r\nExpect: foo\r\nBad : x\r\n", &m,
                              "1.1"), TP_HTTP_E400);
    assert_int_equal(req_with("Expect: foo\r\n", &m, "1.1"), TP_HTTP_E400);
}

static void
test_server__tp_http_parse__host(void **state)
{
    static const char *ok[] = { "", "example.com", "example.com:8080",
        "[::1]", "[2001:db8::1]:443", "a-b.c_d~e", "%41.example",
        "example.com:", "127.0.0.1:80" };
    static const char *bad[] = { "a b", "a@b", "a/b", "a?b", "a#b",
        ":80", "a:80:90", "a:8x", "[::1", "[::g]", "[]", "a:123456",
        "\"a\"", "a\\b", "caf\xc3\xa9" };
    struct tp_http_msg m;
    char f[128];
    size_t i;

    for (i = 0; i < TP_NELEM(ok); i++) {
        snprintf(f, sizeof(f), "X: 1\r\nHost: %s\r\n", ok[i]);
        assert_int_equal(req_with(f, &m, "1.1"), TP_OK);
        assert_int_equal(m.host_idx, 1);
        assert_int_equal(m.hdrs[1].value_len, strlen(ok[i]));
    }
    for (i = 0; i < TP_NELEM(bad); i++) {
        snprintf(f, sizeof(f), "Host: %s\r\n", bad[i]);
        if (req_with(f, &m, "1.1") != TP_HTTP_E400) {
            print_error("Host \"%s\" accepted\n", bad[i]);
            fail();
        }
    }
    assert_int_equal(req_with("X: 1\r\n", &m, "1.1"), TP_HTTP_E400);
    assert_int_equal(req_with("Host: a\r\nHost: a\r\n", &m, "1.1"),
                     TP_HTTP_E400);
    assert_int_equal(req_with("Host: a\r\nhost: b\r\n", &m, "1.0"),
                     TP_HTTP_E400);
    assert_int_equal(req_with("HOST: a\r\n", &m, "1.0"), TP_OK);
    assert_int_equal(m.host_idx, 0);
}

/* ---- responses ---- */

static void
test_server__tp_http_parse__response_simple(void **state)
{
    static const char s[] = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n"
                            "Connection: close\r\n\r\nhello";
    static const char s10[] = "HTTP/1.0 404 Not  Found \r\n\r\n";
    static const char s204[] = "HTTP/1.1 204\r\nHost: a\r\nHost: b\r\n\r\n";
    static const char s204b[] = "HTTP/1.1 204 \nExpect: foo\n\n";
    struct tp_http_msg m;

    assert_int_equal(RSP(s, &m), TP_OK);
    assert_int_equal(m.status, 200);
    assert_int_equal(m.version, 11);
    assert_int_equal(m.reason_off, 13);
    assert_span(s, m.reason_off, m.reason_len, "OK");
    assert_true(m.content_length == 5);
    assert_int_equal(m.flags, TP_HTTP_F_HAS_CL | TP_HTTP_F_CONN_CLOSE);
    assert_int_equal(m.head_len, sizeof(s) - 1 - 5);
    assert_int_equal(m.nhdrs, 2);

    assert_int_equal(RSP(s10, &m), TP_OK);
    assert_int_equal(m.version, 10);
    assert_int_equal(m.status, 404);
    assert_span(s10, m.reason_off, m.reason_len, "Not  Found ");

    assert_int_equal(RSP(s204, &m), TP_OK);
    assert_int_equal(m.status, 204);
    assert_int_equal(m.reason_off, 12);
    assert_int_equal(m.reason_len, 0);
    assert_int_equal(m.host_idx, -1);
    assert_int_equal(m.nhdrs, 2);

    assert_int_equal(RSP(s204b, &m), TP_OK);
    assert_int_equal(m.reason_off, 13);
    assert_int_equal(m.reason_len, 0);
    assert_int_equal(m.flags, 0);
}

static void
test_server__tp_http_parse__response_1xx(void **state)
{
    static const char s[] = "HTTP/1.1 100 Continue\r\n\r\n"
                            "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
    struct tp_http_msg m;
    size_t n = sizeof(s) - 1;

    assert_int_equal(RSP(s, &m), TP_OK);
    assert_int_equal(m.status, 100);
    assert_int_equal(m.head_len, 25);
    assert_int_equal(parse_all_ways(tp_http_parse_response, s + 25, n - 25,
                                    &lim_default, &m), TP_OK);
    assert_int_equal(m.status, 200);
    assert_true(m.content_length == 0);
    assert_int_equal(m.head_len, n - 25);
}

static void
test_server__tp_http_parse__response_chunked_wins(void **state)
{
    static const char s[] = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n"
                            "Transfer-Encoding: chunked\r\n\r\n";
    static const char s2[] = "HTTP/1.1 200 OK\r\ntransfer-encoding: Chunked"
                             "\r\nContent-Length: 10\r\n\r\n";
    struct tp_http_msg m;

    assert_int_equal(RSP(s, &m), TP_OK);
    assert_int_equal(m.flags, TP_HTTP_F_CHUNKED | TP_HTTP_F_HAS_TE);
    assert_true(m.content_length == -1);
    assert_int_equal(RSP(s2, &m), TP_OK);
    assert_int_equal(m.flags, TP_HTTP_F_CHUNKED | TP_HTTP_F_HAS_TE);
    assert_true(m.content_length == -1);
}

static void
test_server__tp_http_parse__response_rejects(void **state)
{
    static const struct tcase tc[] = {
        C("HTTP/1.1 20 OK\r\n\r\n", TP_HTTP_E502),
        C("HTTP/1.1 2000 OK\r\n\r\n", TP_HTTP_E502),
        C("HTTP/1.1 20x OK\r\n\r\n", TP_HTTP_E502),
        C("HTTP/1.1 -20 OK\r\n\r\n", TP_HTTP_E502),
        C("HTTP/2.0 200 OK\r\n\r\n", TP_HTTP_E502),
        C("HTTP/1.2 200 OK\r\n\r\n", TP_HTTP_E502),
        C("http/1.1 200 OK\r\n\r\n", TP_HTTP_E502),
        C("HTTP/1.1  200 OK\r\n\r\n", TP_HTTP_E502),
        C("HTTP/1.1\t200 OK\r\n\r\n", TP_HTTP_E502),
        C("HTTP/1.1 099 X\r\n\r\n", TP_HTTP_E502),
        C("HTTP/1.1 600 X\r\n\r\n", TP_HTTP_E502),
        C("HTTP/1.1 200\tOK\r\n\r\n", TP_HTTP_E502),
        C("\r\nHTTP/1.1 200 OK\r\n\r\n", TP_HTTP_E502),
        C("<html>", TP_HTTP_E502),
        C("HTTP/1.1 200 O\x01K\r\n\r\n", TP_HTTP_E502),
        C("HTTP/1.1 200 OK\r\r\n\r\n", TP_HTTP_E502),
        C("HTTP/1.1 200 OK\r\nX : y\r\n\r\n", TP_HTTP_E502),
        C("HTTP/1.1 200 OK\r\nX: y\r\n z\r\n\r\n", TP_HTTP_E502),
        C("HTTP/1.1 200 OK\r\nX: \x00\r\n\r\n", TP_HTTP_E502),
        C("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n",
          TP_HTTP_E502),
        C("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
          TP_HTTP_E502),
        C("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
          "Transfer-Encoding: chunked\r\n\r\n", TP_HTTP_E502),
        C("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n"
          "Content-Length: 6\r\n\r\n", TP_HTTP_E502),
        C("HTTP/1.1 200 OK\r\nContent-Length: 5, 6\r\n\r\n", TP_HTTP_E502),
        C("HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n", TP_HTTP_E502),
        C("HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
          TP_HTTP_E502),
        C("HTTP/1.1 200 OK\r\nConnection: a b\r\n\r\n", TP_HTTP_E502),
        C("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n"
          "Content-Length: 5\r\n\r\n", TP_OK),
        C("HTTP/1.1 599 \xff\r\n\r\n", TP_OK),
        C("HTTP/1.1 101 Switching Protocols\r\nConnection: upgrade\r\n"
          "Upgrade: websocket\r\n\r\n", TP_OK),
    };

    run_cases(tp_http_parse_response, tc, TP_NELEM(tc));
}

static void
test_server__tp_http_parse__response_limits(void **state)
{
    static const struct tp_http_limits lim = { 20, 64 };
    static const char longline[] = "HTTP/1.1 200 Very Long Reason\r\n\r\n";
    static const char longhead[] = "HTTP/1.1 200 OK\r\nX: 0123456789\r\n"
                                   "Y: 01234567890123456789012345\r\n\r\n";
    static char many[4096];
    struct tp_http_msg m;
    size_t n;
    int i;

    assert_int_equal(parse_all_ways(tp_http_parse_response, longline,
                                    sizeof(longline) - 1, &lim, &m),
                     TP_HTTP_E502);
    assert_int_equal(parse_all_ways(tp_http_parse_response, longhead,
                                    sizeof(longhead) - 1, &lim, &m),
                     TP_HTTP_E502);
    n = (size_t) sprintf(many, "HTTP/1.1 200 OK\r\n");
    for (i = 0; i <= TP_HTTP_MAX_HEADERS; i++) {
        n += (size_t) sprintf(many + n, "X: %d\r\n", i);
    }
    n += (size_t) sprintf(many + n, "\r\n");
    assert_int_equal(parse_all_ways(tp_http_parse_response, many, n,
                                    &lim_default, &m), TP_HTTP_E502);
}

/* ---- API details ---- */

static void
test_server__tp_http_parse__find_header(void **state)
{
    static const char s[] = "GET / HTTP/1.1\r\nHost: h\r\nX-A: 1\r\n"
                            "x-a: 2\r\nAccept: */*\r\n\r\n";
    struct tp_http_msg m;

    assert_int_equal(REQ(s, &m), TP_OK);
    assert_int_equal(tp_http_find_header(&m, s, "host", 0), 0);
    assert_int_equal(tp_http_find_header(&m, s, "x-A", 0), 1);
    assert_int_equal(tp_http_find_header(&m, s, "X-a", 2), 2);
    assert_int_equal(tp_http_find_header(&m, s, "X-A", 3), -1);
    assert_int_equal(tp_http_find_header(&m, s, "ACCEPT", 0), 3);
    assert_int_equal(tp_http_find_header(&m, s, "Hos", 0), -1);
    assert_int_equal(tp_http_find_header(&m, s, "Hostt", 0), -1);
    assert_int_equal(tp_http_find_header(&m, s, "", 0), -1);
    assert_int_equal(tp_http_find_header(&m, s, "Host", -5), 0);
    assert_int_equal(tp_http_find_header(&m, s, "Host", 100), -1);
}

static void
test_server__tp_http_parse__msg_init(void **state)
{
    static const char s[] = "GET / HTTP/1.0\r\nX: y\r\n\r\n";
    struct tp_http_msg m;

    memset(&m, 0xaa, sizeof(m));
    tp_http_msg_init(&m);
    assert_int_equal(m.pos, 0);
    assert_int_equal(m.state, 0);
    assert_int_equal(m.nhdrs, 0);
    assert_int_equal(m.flags, 0);
    assert_int_equal(m.head_len, 0);
    assert_true(m.content_length == -1);
    assert_int_equal(m.host_idx, -1);
    /* hdrs[] is not touched: it is written before it is read */
    assert_int_equal(m.hdrs[0].name_off, 0xaaaaaaaa);

    /* A zeroed struct works too: the absent values are still -1. */
    memset(&m, 0, sizeof(m));
    assert_int_equal(tp_http_parse_request(&m, s, sizeof(s) - 1,
                                           &lim_default), TP_OK);
    assert_true(m.content_length == -1);
    assert_int_equal(m.host_idx, -1);
}

static void
test_server__tp_http_parse__repeat_after_result(void **state)
{
    static const char s[] = "GET / HTTP/1.1\r\nHost: a\r\n\r\nGET";
    static const char bad[] = "GET / HTTP/1.1\r\nHost : a\r\n\r\n";
    struct tp_http_msg m;

    tp_http_msg_init(&m);
    assert_int_equal(tp_http_parse_request(&m, s, sizeof(s) - 1,
                                           &lim_default), TP_OK);
    assert_int_equal(tp_http_parse_request(&m, s, sizeof(s) - 1,
                                           &lim_default), TP_OK);
    assert_int_equal(m.head_len, sizeof(s) - 4);
    tp_http_msg_init(&m);
    assert_int_equal(tp_http_parse_request(&m, bad, sizeof(bad) - 1,
                                           &lim_default), TP_HTTP_E400);
    assert_int_equal(tp_http_parse_request(&m, bad, sizeof(bad) - 1,
                                           &lim_default), TP_HTTP_E400);
}

/* A long, varied request in many random splittings. */
static void
test_server__tp_http_parse__random_splits(void **state)
{
    static const char s[] =
        "\r\nPATCH http://api.example.com:8443/v1/items/42?fields=a,b&x=%20"
        " HTTP/1.1\r\n"
        "Host: api.example.com:8443\r\n"
        "User-Agent: Mozilla/5.0 (X11; Linux x86_64)\r\n"
        "Accept: application/json, */*;q=0.8\r\n"
        "Content-Type: application/merge-patch+json\r\n"
        "Content-Length: 17, 17\r\n"
        "Connection: keep-alive, TE\r\n"
        "Expect: 100-continue\r\n"
        "X-Empty:\r\n"
        "X-Obs: \x80\xfe\tend\t\r\n"
        "\r\n"
        "{\"name\":\"value\"}\n";
    struct tp_http_msg m;
    int i;

    for (i = 0; i < 50; i++) {
        assert_int_equal(REQ(s, &m), TP_OK);
    }
    assert_int_equal(m.method, TP_HTTP_PATCH);
    assert_int_equal(m.method_off, 2);
    assert_span(s, m.target_off, m.target_len, "/v1/items/42?fields=a,b&x=%20");
    assert_int_equal(m.path_len, 12);
    assert_int_equal(m.flags, TP_HTTP_F_ABSOLUTE_URI | TP_HTTP_F_HAS_CL
                     | TP_HTTP_F_CONN_KEEP | TP_HTTP_F_CONN_OTHER
                     | TP_HTTP_F_EXPECT_100);
    assert_true(m.content_length == 17);
    assert_int_equal(m.nhdrs, 9);
    assert_hdr(s, &m, 8, "X-Obs", "\x80\xfe\tend");
    assert_int_equal(m.head_len, sizeof(s) - 1 - 17);
}

/* ---- chunked ---- */

/*
 * Decodes <s, n> delivered in pieces ending at cuts[], the way a worker
 * does (again with buf + consumed after each data span), each call on a
 * fresh exact copy.  Data goes to out; *used is the body length consumed.
 */
static int
dechunk(const char *s, const size_t *cuts, size_t ncuts, char *out,
    size_t *outlen, size_t *used)
{
    struct tp_http_chunked c;
    size_t pos = 0, k, len, consumed, off, dlen;
    char *copy;
    int rc = TP_AGAIN;

    memset(&c, 0, sizeof(c));
    *outlen = 0;
    for (k = 0; k < ncuts && (rc == TP_AGAIN || rc == TP_OK); k++) {
        do {
            len = cuts[k] - pos;
            copy = malloc(len > 0 ? len : 1);
            assert_non_null(copy);
            memcpy(copy, s + pos, len);
            rc = tp_http_chunked_parse(&c, copy, len, &consumed, &off,
                                       &dlen);
            assert_true(consumed <= len);
            if (rc == TP_OK) {
                assert_true(dlen > 0 && off + dlen == consumed);
                memcpy(out + *outlen, copy + off, dlen);
                *outlen += dlen;
            } else {
                assert_int_equal(dlen, 0);
            }
            if (rc == TP_AGAIN) {
                assert_int_equal(consumed, len);
            }
            free(copy);
            pos += consumed;
        } while (rc == TP_OK);
    }
    *used = pos;
    return rc;
}

/* Decodes one-shot, byte by byte and in random pieces: all must agree. */
static int
dechunk_all_ways(const char *s, size_t n, char *out, size_t *outlen,
    size_t *used)
{
    static char out2[BIG_BODY];
    size_t cuts[64], *bytes, i, ncuts, outlen2, used2;
    int rc, rc2;

    rc = dechunk(s, &n, 1, out, outlen, used);
    bytes = malloc((n + 1) * sizeof(size_t));
    assert_non_null(bytes);
    for (i = 0; i < n; i++) {
        bytes[i] = i + 1;
    }
    for (i = 0; i <= SPLITS; i++) {
        if (i == SPLITS) {
            rc2 = dechunk(s, bytes, n, out2, &outlen2, &used2);
        } else {
            ncuts = random_cuts(n, cuts, TP_NELEM(cuts));
            rc2 = dechunk(s, cuts, ncuts, out2, &outlen2, &used2);
        }
        assert_int_equal(rc, rc2);
        assert_int_equal(*used, used2);
        assert_int_equal(*outlen, outlen2);
        assert_memory_equal(out, out2, outlen2);
    }
    free(bytes);
    return rc;
}

#define DECHUNK(str, out, outlen, used) \
    dechunk_all_ways((str), sizeof(str) - 1, (out), (outlen), (used))

static void
test_server__tp_http_parse__chunked_api(void **state)
{
    static const char s[] = "5\r\nhello\r\n0\r\n\r\nGET";
    struct tp_http_chunked c;
    size_t consumed, off, len;

    memset(&c, 0, sizeof(c));
    assert_int_equal(tp_http_chunked_parse(&c, s, sizeof(s) - 1, &consumed,
                                           &off, &len), TP_OK);
    assert_int_equal(off, 3);
    assert_int_equal(len, 5);
    assert_int_equal(consumed, 8);
    assert_int_equal(tp_http_chunked_parse(&c, s + 8, sizeof(s) - 9,
                                           &consumed, &off, &len), TP_DONE);
    assert_int_equal(consumed, 7);
    assert_int_equal(len, 0);
    /* finished: further bytes belong to the next message */
    assert_int_equal(tp_http_chunked_parse(&c, s + 15, 3, &consumed, &off,
                                           &len), TP_DONE);
    assert_int_equal(consumed, 0);

    memset(&c, 0, sizeof(c));
    assert_int_equal(tp_http_chunked_parse(&c, s, 0, &consumed, &off, &len),
                     TP_AGAIN);
    assert_int_equal(consumed, 0);
    assert_int_equal(tp_http_chunked_parse(&c, s, 5, &consumed, &off, &len),
                     TP_OK);
    assert_int_equal(off, 3);
    assert_int_equal(len, 2);
    assert_int_equal(consumed, 5);
    assert_int_equal(tp_http_chunked_parse(&c, "xyz", 3, &consumed, &off,
                                           &len), TP_OK);
    assert_int_equal(off, 0);
    assert_int_equal(len, 3);
    assert_int_equal(tp_http_chunked_parse(&c, "\r\n0\r", 4, &consumed, &off,
                                           &len), TP_AGAIN);
    assert_int_equal(consumed, 4);
    assert_int_equal(tp_http_chunked_parse(&c, "X", 1, &consumed, &off,
                                           &len), TP_ERROR);
    assert_int_equal(tp_http_chunked_parse(&c, "\n\r\n", 3, &consumed, &off,
                                           &len), TP_ERROR);
}

static void
test_server__tp_http_parse__chunked_valid(void **state)
{
    static const struct {
        const char *s;
        size_t n;
        const char *data;
    } tc[] = {
#define V(str, data) { (str), sizeof(str) - 1, (data) }
        V("0\r\n\r\n", ""),
        V("3\r\nabc\r\nA\r\n0123456789\r\n0\r\n\r\n", "abc0123456789"),
        V("a\r\n0123456789\r\n1F\r\n0123456789012345678901234567890\r\n"
          "0\r\n\r\n",
          "01234567890123456789012345678901234567890"),
        V("5;name=value\r\nhello\r\n0;last\r\n\r\n", "hello"),
        V("5 ;a\r\nhello\r\n0\t; b = \"c;d\\\"\"\r\n\r\n", "hello"),
        V("5\nhello\n0\n\n", "hello"),
        V("0005\r\n\r\n\r\n\r\n0\r\n\r\n", "\r\n\r\n\r"),
        V("0\r\nX-Sum: abc\r\nY:1\r\nZ:\r\n\r\n", ""),
        V("0\nX: \xff\x80 v \n\n", ""),
        V("0000000000000002\r\nhi\r\n0\r\n\r\n", "hi"),
#undef V
    };
    static char out[BIG_BODY];
    size_t i, outlen, used;

    for (i = 0; i < TP_NELEM(tc); i++) {
        assert_int_equal(dechunk_all_ways(tc[i].s, tc[i].n, out, &outlen,
                                          &used), TP_DONE);
        assert_int_equal(used, tc[i].n);
        assert_int_equal(outlen, strlen(tc[i].data));
        assert_memory_equal(out, tc[i].data, outlen);
    }
}

static void
test_server__tp_http_parse__chunked_rejects(void **state)
{
    static const struct tcase tc[] = {
        C("\r\n", TP_ERROR),
        C(";x\r\n", TP_ERROR),
        C("g\r\n", TP_ERROR),
        C("-5\r\n", TP_ERROR),
        C("+5\r\n", TP_ERROR),
        C("0x5\r\n", TP_ERROR),
        C(" 5\r\n", TP_ERROR),
        C("11111111111111111\r\n", TP_ERROR),
        C("00000000000000005\r\n", TP_ERROR),
        C("5 \r\nhello\r\n0\r\n\r\n", TP_ERROR),
        C("5\t\r\nhello\r\n0\r\n\r\n", TP_ERROR),
        C("5 5\r\n", TP_ERROR),
        C("5\rx", TP_ERROR),
        C("5\r\r\n", TP_ERROR),
        C("5\r\nhelloX", TP_ERROR),
        C("5\r\nhello\rX", TP_ERROR),
        C("5\r\nhello\r\r\n", TP_ERROR),
        C("5;\x01\r\n", TP_ERROR),
        C("5;a\rb\r\n", TP_ERROR),
        C("5;a\x00\r\n", TP_ERROR),
        C("0\r\nX : y\r\n\r\n", TP_ERROR),
        C("0\r\n y: z\r\n\r\n", TP_ERROR),
        C("0\r\nX y\r\n\r\n", TP_ERROR),
        C("0\r\n: y\r\n\r\n", TP_ERROR),
        C("0\r\nX\r\n\r\n", TP_ERROR),
        C("0\r\nX: a\x00\r\n\r\n", TP_ERROR),
        C("0\r\nX: a\rb\r\n\r\n", TP_ERROR),
        C("0\r\n\rX", TP_ERROR),
        C("0\r\nX: y\rZ", TP_ERROR),
        C("5\r\nhello", TP_AGAIN),
        C("ffffffffffffffff\r\nabc", TP_AGAIN),
        C("0\r\nX: y\r\n", TP_AGAIN),
    };
    static char out[BIG_BODY];
    size_t i, outlen, used;
    int rc;

    for (i = 0; i < TP_NELEM(tc); i++) {
        rc = dechunk_all_ways(tc[i].s, tc[i].n, out, &outlen, &used);
        if (rc != tc[i].rc) {
            print_error("case %zu \"%.*s\": got %d, want %d\n", i,
                        (int) tc[i].n, tc[i].s, rc, tc[i].rc);
        }
        assert_int_equal(rc, tc[i].rc);
    }
}

static void
test_server__tp_http_parse__chunked_bounds(void **state)
{
    static char buf[16384], out[BIG_BODY];
    size_t n, outlen, used;

    /* extensions: 4096 bytes after the ';' are fine, more are not */
    memcpy(buf, "1;", 2);
    memset(buf + 2, 'e', 4096);
    memcpy(buf + 4098, "\r\nx\r\n0\r\n\r\n", 10);
    assert_int_equal(dechunk_all_ways(buf, 4108, out, &outlen, &used),
                     TP_DONE);
    assert_int_equal(outlen, 1);
    memcpy(buf, "1;", 2);
    memset(buf + 2, 'e', 4097);
    memcpy(buf + 4099, "\r\nx\r\n0\r\n\r\n", 10);
    assert_int_equal(dechunk_all_ways(buf, 4109, out, &outlen, &used),
                     TP_ERROR);
    /* whitespace before ';' is bounded the same way */
    buf[0] = '1';
    memset(buf + 1, ' ', 5000);
    assert_int_equal(dechunk_all_ways(buf, 5001, out, &outlen, &used),
                     TP_ERROR);

    /* trailers: 8192 bytes in all (final CRLF included) */
    memcpy(buf, "0\r\nX: ", 6);
    n = 3 + 8192;
    memset(buf + 6, 'v', n - 4 - 6);
    memcpy(buf + n - 4, "\r\n\r\n", 4);
    assert_int_equal(dechunk_all_ways(buf, n, out, &outlen, &used), TP_DONE);
    assert_int_equal(used, n);
    memset(buf + 6, 'v', n + 1 - 4 - 6);
    memcpy(buf + n + 1 - 4, "\r\n\r\n", 4);
    assert_int_equal(dechunk_all_ways(buf, n + 1, out, &outlen, &used),
                     TP_ERROR);
}

/* Random chunk sizes, notation, extensions and line ends; random data. */
static size_t
make_chunked(char *buf, char *data, size_t *datalen, size_t *bodylen)
{
    size_t n = 0, k, len, nchunks = rnd() % 12;

    *datalen = 0;
    for (k = 0; k < nchunks; k++) {
        len = 1 + rnd() % (rnd() % 4 == 0 ? 3000 : 40);
        n += (size_t) sprintf(buf + n, rnd() % 2 ? "%zx" : "%zX", len);
        if (rnd() % 4 == 0) {
            n += (size_t) sprintf(buf + n, ";ext=%u", rnd() % 100);
        }
        n += (size_t) sprintf(buf + n, rnd() % 3 ? "\r\n" : "\n");
        for (; len > 0; len--) {
            data[(*datalen)++] = buf[n++] = (char) (rnd() % 256);
        }
        n += (size_t) sprintf(buf + n, rnd() % 3 ? "\r\n" : "\n");
    }
    n += (size_t) sprintf(buf + n, "0\r\n");
    if (rnd() % 3 == 0) {
        n += (size_t) sprintf(buf + n, "Trailer-%u: v\r\n", rnd() % 10);
    }
    n += (size_t) sprintf(buf + n, "\r\n");
    *bodylen = n;
    n += (size_t) sprintf(buf + n, "GET / HTTP/1.1\r\n");  /* next message */
    return n;
}

static void
test_server__tp_http_parse__chunked_random(void **state)
{
    static char buf[BIG_BODY], data[BIG_BODY], out[BIG_BODY];
    size_t i, n, datalen, bodylen, outlen, used;

    for (i = 0; i < 60; i++) {
        n = make_chunked(buf, data, &datalen, &bodylen);
        assert_true(n < sizeof(buf));
        assert_int_equal(dechunk_all_ways(buf, n, out, &outlen, &used),
                         TP_DONE);
        assert_int_equal(used, bodylen);
        assert_int_equal(outlen, datalen);
        assert_memory_equal(out, data, datalen);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_server__tp_http_parse__get_simple),
        cmocka_unit_test(test_server__tp_http_parse__methods),
        cmocka_unit_test(test_server__tp_http_parse__method_names),
        cmocka_unit_test(test_server__tp_http_parse__request_line_rejects),
        cmocka_unit_test(test_server__tp_http_parse__incomplete_is_again),
        cmocka_unit_test(test_server__tp_http_parse__absolute_form),
        cmocka_unit_test(test_server__tp_http_parse__asterisk_form),
        cmocka_unit_test(test_server__tp_http_parse__connect_authority_form),
        cmocka_unit_test(test_server__tp_http_parse__http10_no_host),
        cmocka_unit_test(test_server__tp_http_parse__bare_lf),
        cmocka_unit_test(test_server__tp_http_parse__leading_empty_lines),
        cmocka_unit_test(test_server__tp_http_parse__limit_414),
        cmocka_unit_test(test_server__tp_http_parse__limit_431),
        cmocka_unit_test(test_server__tp_http_parse__max_head_clamped),
        cmocka_unit_test(test_server__tp_http_parse__too_many_headers),
        cmocka_unit_test(test_server__tp_http_parse__header_values),
        cmocka_unit_test(test_server__tp_http_parse__header_rejects),
        cmocka_unit_test(test_server__tp_http_parse__pipelined),
        cmocka_unit_test(test_server__tp_http_parse__content_length),
        cmocka_unit_test(test_server__tp_http_parse__transfer_encoding),
        cmocka_unit_test(test_server__tp_http_parse__te_http10),
        cmocka_unit_test(test_server__tp_http_parse__cl_te_conflict),
        cmocka_unit_test(test_server__tp_http_parse__connection),
        cmocka_unit_test(test_server__tp_http_parse__expect),
        cmocka_unit_test(test_server__tp_http_parse__host),
        cmocka_unit_test(test_server__tp_http_parse__response_simple),
        cmocka_unit_test(test_server__tp_http_parse__response_1xx),
        cmocka_unit_test(test_server__tp_http_parse__response_chunked_wins),
        cmocka_unit_test(test_server__tp_http_parse__response_rejects),
        cmocka_unit_test(test_server__tp_http_parse__response_limits),
        cmocka_unit_test(test_server__tp_http_parse__find_header),
        cmocka_unit_test(test_server__tp_http_parse__msg_init),
        cmocka_unit_test(test_server__tp_http_parse__repeat_after_result),
        cmocka_unit_test(test_server__tp_http_parse__random_splits),
        cmocka_unit_test(test_server__tp_http_parse__chunked_api),
        cmocka_unit_test(test_server__tp_http_parse__chunked_valid),
        cmocka_unit_test(test_server__tp_http_parse__chunked_rejects),
        cmocka_unit_test(test_server__tp_http_parse__chunked_bounds),
        cmocka_unit_test(test_server__tp_http_parse__chunked_random),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
