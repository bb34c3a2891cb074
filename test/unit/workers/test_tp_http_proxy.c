/*
 * test_tp_http_proxy.c: unit tests of the HTTP_PROXY integration's pure
 * helpers (workers/integrations/tp_http_proxy.h, implemented in
 * tp_proxy_msg.c): the upstream request path built from a target's
 * template, the route's parameters and the query, and the hop-by-hop
 * header filter.
 *
 * Lives in test/unit/workers/ rather than test/unit/workers/integrations/
 * because the Makefile only builds test/unit/<dir>/test_tp_*.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "integrations/tp_http_proxy.h"
#include "tp_http_parse.h"
#include "tp_route.h"

static struct tp_request req;
static struct tp_target tgt;
static struct tp_tmpl_part parts[16];
static char out[256];

static int
setup(void **state)
{
    (void) state;
    memset(&req, 0, sizeof(req));
    memset(&tgt, 0, sizeof(tgt));
    memset(parts, 0, sizeof(parts));
    tgt.parts = parts;
    return 0;
}

static void
lit(const char *s)
{
    parts[tgt.nparts++] = (struct tp_tmpl_part) { TP_TMPL_LIT, 0,
        (uint32_t) strlen(s), s };
    if (strchr(s, '?') != NULL) {
        tgt.has_query = true;
    }
}

static void
param(unsigned idx)
{
    parts[tgt.nparts++] = (struct tp_tmpl_part) { TP_TMPL_PARAM,
        (uint8_t) idx, 0, NULL };
}

static void
set_param(unsigned i, const char *v)
{
    req.match.params[i] = (struct tp_str) { v, strlen(v) };
    if (req.match.nparams <= i) {
        req.match.nparams = i + 1;
    }
}

static void
set_query(const char *q)
{
    req.query = (struct tp_str) { q, strlen(q) };
}

/* Builds the path with capacity <cap>; checks it and the byte after. */
static void
assert_path_cap(size_t cap, const char *want)
{
    int n;

    assert_true(cap < sizeof(out));
    memset(out, '#', sizeof(out));
    n = tp_http_proxy_path(&req, &tgt, out, cap);
    if (n < 0 || (size_t) n != strlen(want)
        || memcmp(out, want, (size_t) n) != 0)
    {
        fail_msg("path = %d \"%.*s\", want \"%s\"", n, n > 0 ? n : 0, out,
            want);
    }
    /* Nothing written past the result (it is not NUL-terminated). */
    assert_int_equal(out[n], '#');
}

static void
assert_path(const char *want)
{
    assert_path_cap(sizeof(out) - 1, want);
}

static void
test_workers__integrations__tp_http_proxy__path_literal(void **state)
{
    (void) state;
    lit("/pets");
    assert_path("/pets");
    lit("/x");
    assert_path("/pets/x");
}

static void
test_workers__integrations__tp_http_proxy__path_params(void **state)
{
    (void) state;
    lit("/pets/");
    param(0);
    lit("/toys/");
    param(1);
    set_param(0, "42");
    set_param(1, "a%20b");                    /* still %-encoded */
    assert_path("/pets/42/toys/a%20b");
    /* Reordered and repeated parameters. */
    tgt.nparts = 0;
    lit("/");
    param(1);
    lit("/");
    param(0);
    lit("/");
    param(0);
    assert_path("/a%20b/42/42");
}

static void
test_workers__integrations__tp_http_proxy__path_greedy(void **state)
{
    (void) state;
    lit("/store/");
    param(0);
    set_param(0, "x/y/z");
    assert_path("/store/x/y/z");
}

/*
 * A template index the match did not fill expands to nothing.  The
 * fallback is TP_NULL_STR, and memcpy(dst, NULL, 0) is undefined
 * behaviour: UBSan (--enable-sanitizers) stops the program here.
 */
static void
test_workers__integrations__tp_http_proxy__path_missing_param(void **state)
{
    (void) state;
    lit("/a/");
    param(3);
    lit("/b");
    set_param(0, "zero");
    assert_path("/a//b");
}

static void
test_workers__integrations__tp_http_proxy__path_query(void **state)
{
    (void) state;
    /* The path alone: the client's query is added by the request head
     * builder (after the integration's query mappings), not here. */
    lit("/pets");
    set_query("limit=10&x=%2F");
    assert_path("/pets");
    /* A template's own query is part of the path. */
    tgt.nparts = 0;
    lit("/pets?api=1");
    assert_true(tgt.has_query);
    assert_path("/pets?api=1");
    tgt.nparts = 0;
    tgt.has_query = false;
    lit("/");
    param(0);
    set_param(0, "p");
    set_query("a");
    assert_path("/p");
}

static void
test_workers__integrations__tp_http_proxy__path_empty(void **state)
{
    (void) state;
    /* No parts: the root. */
    assert_path("/");
    /* A parameter that expands to nothing: the root too. */
    param(0);
    set_param(0, "");
    assert_path("/");
}

static void
test_workers__integrations__tp_http_proxy__path_capacity(void **state)
{
    (void) state;
    lit("/abc/");
    param(0);
    set_param(0, "defg");                     /* "/abc/defg": 9 bytes */
    assert_path_cap(10, "/abc/defg");
    memset(out, '#', sizeof(out));
    assert_int_equal(tp_http_proxy_path(&req, &tgt, out, 9), -1);
    assert_int_equal(tp_http_proxy_path(&req, &tgt, out, 5), -1);
    assert_int_equal(tp_http_proxy_path(&req, &tgt, out, 1), -1);
    assert_int_equal(out[9], '#');            /* never past the capacity */
    /* The client's query does not count here (see path_query). */
    set_query("q=1");
    assert_path_cap(10, "/abc/defg");
}

/* The route matcher's captures feed the template directly. */
static void
test_workers__integrations__tp_http_proxy__path_from_match(void **state)
{
    struct tp_arena a;
    struct tp_api api;
    struct tp_route routes[2];
    char err[256];
    const char *path = "/files/2024/05/report.pdf";

    (void) state;
    tp_arena_init(&a, 4096);
    memset(&api, 0, sizeof(api));
    memset(routes, 0, sizeof(routes));
    assert_int_equal(tp_route_parse_key(&a, "GET /files/{year}/{rest+}",
        &routes[0], err, sizeof(err)), TP_OK);
    api.routes = routes;
    api.nroutes = 1;
    assert_int_equal(tp_route_compile(&a, &api, err, sizeof(err)), TP_OK);
    tp_route_match(&api, TP_HTTP_GET, path, strlen(path), &req.match);
    assert_ptr_equal(req.match.route, &routes[0]);
    lit("/archive/");
    param(1);
    lit("?year=");
    param(0);
    set_query("dl=1");
    assert_path("/archive/05/report.pdf?year=2024");
    tp_arena_free(&a);
}

static void
test_workers__integrations__tp_http_proxy__hop_by_hop(void **state)
{
    static const char *const hop[] = {
        "connection", "Connection", "CONNECTION", "keep-alive", "Keep-Alive",
        "proxy-connection", "Proxy-Connection", "te", "TE", "trailer",
        "Trailer", "transfer-encoding", "Transfer-Encoding", "upgrade",
        "Upgrade", "content-length", "Content-Length",
    };
    static const char *const end_to_end[] = {
        "content-type", "host", "Host", "accept", "authorization",
        "x-forwarded-for", "cookie", "t", "tee", "tea", "trailers",
        "connections", "x-connection", "keep-alive2", "content-lengt",
        "content-length ", "upgrade-insecure-requests", "",
    };
    const char *s = "Transfer-Encodingx";
    size_t i;

    (void) state;
    for (i = 0; i < TP_NELEM(hop); i++) {
        if (!tp_http_proxy_hop_by_hop(hop[i], strlen(hop[i]))) {
            fail_msg("\"%s\" should be hop-by-hop", hop[i]);
        }
    }
    for (i = 0; i < TP_NELEM(end_to_end); i++) {
        if (tp_http_proxy_hop_by_hop(end_to_end[i],
                strlen(end_to_end[i])))
        {
            fail_msg("\"%s\" should be forwarded", end_to_end[i]);
        }
    }
    /* The length is the name's: no NUL needed, longer buffers fine. */
    assert_true(tp_http_proxy_hop_by_hop(s, 17));
    assert_false(tp_http_proxy_hop_by_hop(s, 18));
    assert_false(tp_http_proxy_hop_by_hop(s, 16));
    assert_true(tp_http_proxy_hop_by_hop("TEXT", 2));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup(f, setup)
        T(test_workers__integrations__tp_http_proxy__path_literal),
        T(test_workers__integrations__tp_http_proxy__path_params),
        T(test_workers__integrations__tp_http_proxy__path_greedy),
        T(test_workers__integrations__tp_http_proxy__path_query),
        T(test_workers__integrations__tp_http_proxy__path_empty),
        T(test_workers__integrations__tp_http_proxy__path_capacity),
        T(test_workers__integrations__tp_http_proxy__path_from_match),
        T(test_workers__integrations__tp_http_proxy__hop_by_hop),
        /* Last: under UBSan it aborts the program (see the test). */
        T(test_workers__integrations__tp_http_proxy__path_missing_param),
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
