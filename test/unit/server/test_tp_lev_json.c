/*
 * test_tp_lev_json.c: unit tests of the JSON pieces Lambda proxy and
 * authorizer events share (tp_lev_json.c): a map's three shapes for
 * repeated names (case folded or not, first appearance order, the first
 * spelling kept), its three empty forms, REST's six maps and 2.0's
 * requestContext tail.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "tp_lev_json.h"
#include "tp_test_arena.h"

#define S(lit) TP_STR(lit)

static const struct tp_lev_kv kv[] = {
    { S("B"), S("1") }, { S("a"), S("2") }, { S("b"), S("3") },
    { S("A"), S("4") }, { S("b"), S("5") },
};

/* One map of kv in an object, as text. */
static const char *
map(unsigned n, bool nocase, enum tp_lev_map_kind kind,
    enum tp_lev_map_empty empty)
{
    struct tp_jsonw w;
    struct tp_str out;

    tp_jsonw_init(&w, &tp_test_arena, 64);
    tp_jsonw_open(&w, '{');
    tp_lev_map(&w, &tp_test_arena, "m", kv, n, nocase, kind, empty);
    tp_jsonw_close(&w, '}');
    assert_int_equal(tp_jsonw_done(&w, &out), TP_OK);
    return out.p;
}

static void
test_server__tp_lev_json__map_shapes(void **state)
{
    (void) state;
    assert_string_equal(map(5, true, TP_LEV_MAP_LAST, TP_LEV_EMPTY_NULL),
        "{\"m\":{\"B\":\"5\",\"a\":\"4\"}}");
    assert_string_equal(map(5, true, TP_LEV_MAP_MULTI, TP_LEV_EMPTY_NULL),
        "{\"m\":{\"B\":[\"1\",\"3\",\"5\"],\"a\":[\"2\",\"4\"]}}");
    assert_string_equal(map(5, true, TP_LEV_MAP_JOIN, TP_LEV_EMPTY_NULL),
        "{\"m\":{\"B\":\"1,3,5\",\"a\":\"2,4\"}}");
    assert_string_equal(map(5, false, TP_LEV_MAP_LAST, TP_LEV_EMPTY_NULL),
        "{\"m\":{\"B\":\"1\",\"a\":\"2\",\"b\":\"5\",\"A\":\"4\"}}");
}

static void
test_server__tp_lev_json__map_empty(void **state)
{
    (void) state;
    assert_string_equal(map(0, true, TP_LEV_MAP_LAST, TP_LEV_EMPTY_NULL),
        "{\"m\":null}");
    assert_string_equal(map(0, true, TP_LEV_MAP_MULTI, TP_LEV_EMPTY_OMIT),
        "{}");
    assert_string_equal(map(0, true, TP_LEV_MAP_JOIN, TP_LEV_EMPTY_OBJECT),
        "{\"m\":{}}");
}

static void
test_server__tp_lev_json__maps_v1_and_ctx2(void **state)
{
    struct tp_lev_maps1 m = { kv, NULL, kv + 1, NULL, 1, 0, 1, 0 };
    struct tp_lev_ctx2 c = {
        S("d"), TP_NULL_STR, S("GET"), S("/p"), S("HTTP/1.1"), S("ip"),
        S("ua"), S("r"), S("$default"), S("s"), S("t"), S("17")
    };
    struct tp_jsonw w;
    struct tp_str out;

    (void) state;
    tp_jsonw_init(&w, &tp_test_arena, 64);
    tp_jsonw_open(&w, '{');
    tp_lev_maps_v1(&w, &tp_test_arena, &m, TP_LEV_EMPTY_OBJECT);
    tp_lev_ctx2_rest(&w, &c);
    tp_jsonw_close(&w, '}');
    assert_int_equal(tp_jsonw_done(&w, &out), TP_OK);
    assert_string_equal(out.p, "{\"headers\":{\"B\":\"1\"},"
        "\"multiValueHeaders\":{\"B\":[\"1\"]},\"queryStringParameters\":{},"
        "\"multiValueQueryStringParameters\":{},"
        "\"pathParameters\":{\"a\":\"2\"},\"stageVariables\":{},"
        "\"domainName\":\"d\",\"domainPrefix\":null,\"http\":{\"method\":"
        "\"GET\",\"path\":\"/p\",\"protocol\":\"HTTP/1.1\",\"sourceIp\":"
        "\"ip\",\"userAgent\":\"ua\"},\"requestId\":\"r\",\"routeKey\":"
        "\"$default\",\"stage\":\"s\",\"time\":\"t\",\"timeEpoch\":17}");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, \
    tp_test_arena_setup, tp_test_arena_teardown)
        T(test_server__tp_lev_json__map_shapes),
        T(test_server__tp_lev_json__map_empty),
        T(test_server__tp_lev_json__maps_v1_and_ctx2),
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
