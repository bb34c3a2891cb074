/*
 * test_tp_json.c: unit tests of the JSON layer (tp_json.c): strict
 * validation over jsmn (every kind of error, with its line:column),
 * escapes and surrogate pairs, token navigation, numbers and booleans,
 * line numbers, RFC 6901 pointers both ways, and the JSONPath subset that
 * body mappings use.
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

static struct tp_arena arena;
static struct tp_json doc;
static char err[256];

static int
setup(void **state)
{
    (void) state;
    tp_arena_init(&arena, 4096);
    err[0] = '\0';
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
parse_ok(const char *text)
{
    if (tp_json_parse(&doc, &arena, text, strlen(text), err, sizeof(err))
        != TP_OK)
    {
        fail_msg("rejected %s: %s", text, err);
    }
}

/* <text> must fail with exactly <want> ("LINE:COL: message"). */
static void
parse_bad(const char *text, const char *want)
{
    if (tp_json_parse(&doc, &arena, text, strlen(text), err, sizeof(err))
        == TP_OK)
    {
        fail_msg("accepted %s", text);
    }
    if (want != NULL && strcmp(err, want) != 0) {
        fail_msg("for %s: got \"%s\", want \"%s\"", text, err, want);
    }
}

static const char *
str(int tok)
{
    return tp_json_str(&doc, tok, &arena, NULL);
}

static void
test_server__tp_json__scalars(void **state)
{
    int64_t v;
    bool b;

    (void) state;
    parse_ok("[0, -1, 1.5e3, -0.25E-2, true, false, null, \"s\", 12345678]");
    assert_int_equal(doc.ntoks, 10);
    assert_int_equal(tp_json_type(&doc, 0), TP_JSON_ARRAY);
    assert_int_equal(doc.toks[0].size, 9);
    assert_int_equal(tp_json_type(&doc, 1), TP_JSON_NUMBER);
    assert_int_equal(tp_json_type(&doc, 5), TP_JSON_TRUE);
    assert_int_equal(tp_json_type(&doc, 6), TP_JSON_FALSE);
    assert_int_equal(tp_json_type(&doc, 7), TP_JSON_NULL);
    assert_int_equal(tp_json_type(&doc, 8), TP_JSON_STRING);
    assert_int_equal(tp_json_type(&doc, 10), 0);
    assert_int_equal(tp_json_type(&doc, -1), 0);
    assert_int_equal(tp_json_int(&doc, 2, &v), TP_OK);
    assert_int_equal(v, -1);
    assert_int_equal(tp_json_int(&doc, 9, &v), TP_OK);
    assert_int_equal(v, 12345678);
    assert_int_equal(tp_json_int(&doc, 3, &v), TP_ERROR);     /* 1.5e3 */
    assert_int_equal(tp_json_int(&doc, 8, &v), TP_ERROR);     /* string */
    assert_int_equal(tp_json_bool(&doc, 5, &b), TP_OK);
    assert_true(b);
    assert_int_equal(tp_json_bool(&doc, 6, &b), TP_OK);
    assert_false(b);
    assert_int_equal(tp_json_bool(&doc, 7, &b), TP_ERROR);
    assert_string_equal(tp_json_type_name(TP_JSON_FALSE), "a boolean");
    assert_string_equal(tp_json_type_name(TP_JSON_OBJECT), "an object");
    parse_ok("[9223372036854775807, 9223372036854775808, -0]");
    assert_int_equal(tp_json_int(&doc, 1, &v), TP_OK);
    assert_true(v == INT64_MAX);
    assert_int_equal(tp_json_int(&doc, 2, &v), TP_ERROR);     /* overflow */
    assert_int_equal(tp_json_int(&doc, 3, &v), TP_OK);
    assert_int_equal(v, 0);
    parse_ok("  42 ");                /* a bare top-level scalar */
    assert_int_equal(doc.ntoks, 1);
    assert_int_equal(tp_json_type(&doc, 0), TP_JSON_NUMBER);
}

static void
test_server__tp_json__escapes(void **state)
{
    size_t len;
    char *s;

    (void) state;
    parse_ok("[\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\", \"\\u00e9\\u20AC\", "
        "\"\\ud83d\\ude00!\", \"x\\u0000y\", \"caf\xc3\xa9\", \"\"]");
    assert_string_equal(str(1), "a\"b\\c/d\b\f\n\r\t");
    assert_string_equal(str(2), "\xc3\xa9\xe2\x82\xac");
    assert_string_equal(str(3), "\xf0\x9f\x98\x80!");
    s = tp_json_str(&doc, 4, &arena, &len);
    assert_int_equal(len, 3);
    assert_memory_equal(s, "x\0y", 3);
    assert_string_equal(str(5), "caf\xc3\xa9");    /* raw UTF-8 kept */
    assert_string_equal(str(6), "");
    assert_null(str(0));                           /* not a string */
    assert_true(tp_json_streq(&doc, 2, "\xc3\xa9\xe2\x82\xac", 5));
    assert_false(tp_json_streq(&doc, 2, "\xc3\xa9", 2));
    assert_true(tp_json_streq(&doc, 4, "x\0y", 3));
    assert_true(tp_json_streq(&doc, 6, "", 0));
    assert_false(tp_json_streq(&doc, 0, "", 0));
    assert_int_equal(tp_json_raw(&doc, 2).len, 12);    /* not unescaped */
    /* \u007f and the edges of each UTF-8 length */
    parse_ok("[\"\\u007f\\u0080\\u07ff\\u0800\\uffff\\udbff\\udfff\"]");
    assert_string_equal(str(1), "\x7f\xc2\x80\xdf\xbf\xe0\xa0\x80"
        "\xef\xbf\xbf\xf4\x8f\xbf\xbf");
}

static void
test_server__tp_json__bad_strings(void **state)
{
    (void) state;
    parse_bad("[\"\\x\"]", "1:2: invalid escape in string");
    parse_bad("[\"ab\\ud800\"]", "1:5: unpaired UTF-16 surrogate in string");
    parse_bad("[\"\\udc00\"]", "1:3: unpaired UTF-16 surrogate in string");
    parse_bad("[\"\\ud800\\u0041\"]",
        "1:3: unpaired UTF-16 surrogate in string");
    parse_bad("[\"\\ud800x\"]", "1:3: unpaired UTF-16 surrogate in string");
    parse_bad("[\"\\u12\"]", "1:2: invalid escape in string");
    parse_bad("[\"a\tb\"]",
        "1:4: control character in string (must be escaped)");
    parse_bad("{\"a\nb\": 1}",
        "1:4: control character in string (must be escaped)");
    parse_bad("[\"abc", "1:2: unterminated string");
    parse_bad("\"abc\\", "1:1: unterminated string");
}

static void
test_server__tp_json__bad_structure(void **state)
{
    (void) state;
    parse_bad("", "1:1: empty document");
    parse_bad("  \n ", "2:2: empty document");
    parse_bad("{\n  \"a\": 1\n  \"b\": 2\n}", "3:3: expected ',' or '}'");
    parse_bad("{\"a\" 1}", "1:6: expected ':' after an object key");
    parse_bad("{\"a\": }", "1:7: expected a value");
    parse_bad("{\"a\":1,}", "1:8: expected a string key");
    parse_bad("[1,]", "1:4: expected a value");
    parse_bad("[1,,2]", "1:4: unexpected character");
    parse_bad("[1 2]", "1:4: expected ',' or ']'");
    parse_bad("{a: 1}", "1:2: expected a string key");
    parse_bad("{1: 1}", "1:2: expected a string key");
    parse_bad("[\"a\": 1]", "1:5: unexpected ':'");
    parse_bad("{\"a\": \"b\": 1}", "1:10: unexpected ':'");
    parse_bad("{} {}", "1:4: unexpected data after the JSON value");
    parse_bad("[1] x", NULL);
    parse_bad("[1]]", "1:4: unbalanced bracket");
    parse_bad("[1}", "1:3: unbalanced bracket");
    parse_bad("{\"a\": [1, 2}", NULL);
    parse_bad("[1, 2", "1:6: unexpected end of input");
    parse_bad("{\"a\": {", "1:8: unexpected end of input");
    parse_bad("[tru]", "1:2: invalid literal (expected a number, true, "
        "false or null)");
    parse_bad("[nulls]", NULL);
    parse_bad("[01]", NULL);
    parse_bad("[1.]", NULL);
    parse_bad("[.5]", NULL);
    parse_bad("[-]", NULL);
    parse_bad("[+1]", NULL);
    parse_bad("[1e]", NULL);
    parse_bad("[0x10]", NULL);
    parse_bad("[\"\xe9\"x]", NULL);
    parse_bad("hello", NULL);
}

static void
test_server__tp_json__nul_byte(void **state)
{
    static const char text[] = "{\"a\":\n \"b\0\"}";

    (void) state;
    assert_int_equal(tp_json_parse(&doc, &arena, text, sizeof(text) - 1,
        err, sizeof(err)), TP_ERROR);
    assert_string_equal(err, "2:4: NUL byte");
    /* Length-delimited: bytes past <len> are never read. */
    assert_int_equal(tp_json_parse(&doc, &arena, "[1]]]", 3, err,
        sizeof(err)), TP_OK);
}

static void
test_server__tp_json__depth(void **state)
{
    char deep[2 * TP_JSON_MAX_DEPTH + 8];
    int n;

    (void) state;
    for (n = 0; n < TP_JSON_MAX_DEPTH; n++) {
        deep[n] = '[';
        deep[2 * TP_JSON_MAX_DEPTH - 1 - n] = ']';
    }
    deep[2 * TP_JSON_MAX_DEPTH] = '\0';
    parse_ok(deep);
    assert_int_equal(doc.ntoks, TP_JSON_MAX_DEPTH);
    memmove(deep + 1, deep, strlen(deep) + 1);
    deep[0] = '[';
    strcat(deep, "]");
    parse_bad(deep, "1:513: nesting too deep");
}

static void
test_server__tp_json__navigation(void **state)
{
    int k, e, n;

    (void) state;
    parse_ok("{\"a\": {\"x\": [1, {\"y\": 2}, []]}, \"b\": \"s\", "
        "\"c\": {}, \"a\": 9}");
    assert_int_equal(doc.toks[0].size, 4);
    assert_int_equal(doc.toks[0].next, doc.ntoks);
    assert_int_equal(doc.toks[0].parent, -1);
    /* keys in order, values right after them */
    k = tp_json_child(&doc, 0);
    assert_true(tp_json_streq(&doc, k, "a", 1));
    assert_int_equal(doc.toks[k + 1].parent, k);
    k = tp_json_next(&doc, k);
    assert_true(tp_json_streq(&doc, k, "b", 1));
    k = tp_json_next(&doc, k);
    assert_true(tp_json_streq(&doc, k, "c", 1));
    assert_int_equal(tp_json_child(&doc, k + 1), -1);      /* {} */
    k = tp_json_next(&doc, k);
    assert_true(tp_json_streq(&doc, k, "a", 1));
    assert_int_equal(tp_json_next(&doc, k), -1);
    assert_int_equal(tp_json_next(&doc, k + 1), -1);       /* a value */
    assert_int_equal(tp_json_next(&doc, 0), -1);
    /* first match wins; missing keys and non-objects give -1 */
    k = tp_json_get(&doc, 0, "a");
    assert_int_equal(tp_json_type(&doc, k), TP_JSON_OBJECT);
    assert_int_equal(tp_json_get(&doc, 0, "zz"), -1);
    assert_int_equal(tp_json_get(&doc, tp_json_get(&doc, 0, "b"), "a"), -1);
    assert_int_equal(tp_json_get(&doc, -1, "a"), -1);
    e = tp_json_get(&doc, k, "x");
    assert_int_equal(doc.toks[e].size, 3);
    for (n = 0, e = tp_json_child(&doc, e); e >= 0; e = tp_json_next(&doc, e)) {
        n++;
    }
    assert_int_equal(n, 3);
}

static void
test_server__tp_json__lines(void **state)
{
    (void) state;
    parse_ok("{\n\"a\": 1,\n\n  \"b\": [\r\n 2]\n}\n");
    assert_int_equal(tp_json_line(&doc, 0), 1);
    assert_int_equal(tp_json_line(&doc, 1), 2);
    assert_int_equal(tp_json_line(&doc, 3), 4);
    assert_int_equal(tp_json_line(&doc, 5), 5);
    assert_int_equal(tp_json_line(&doc, 99), 0);
    assert_int_equal(tp_json_line_at(&doc, 0), 1);
    assert_int_equal(tp_json_line_at(&doc, 1), 1);
    assert_int_equal(tp_json_line_at(&doc, 2), 2);
    assert_int_equal(tp_json_line_at(&doc, 1000), 7);
}

static void
test_server__tp_json__pointer_get(void **state)
{
    int t;

    (void) state;
    parse_ok("{\"paths\": {\"/pets\": {\"get\": 1}}, \"a~b\": 2, "
        "\"c%d\": 3, \"arr\": [10, 11, 12], \"\": 4, \"x y\": 5}");
    t = tp_json_pointer_get(&doc, "/paths/~1pets/get");
    assert_string_equal(tp_json_raw(&doc, t).p, "1}}, \"a~b\": 2, "
        "\"c%d\": 3, \"arr\": [10, 11, 12], \"\": 4, \"x y\": 5}");
    assert_int_equal(tp_json_pointer_get(&doc, "#/paths/~1pets/get"), t);
    assert_int_equal(tp_json_pointer_get(&doc, "#/paths/%7E1pets/get"), t);
    assert_int_equal(tp_json_pointer_get(&doc, "#/paths/%2Fpets/get"), t);
    assert_int_equal(tp_json_type(&doc, tp_json_pointer_get(&doc, "/a~0b")),
        TP_JSON_NUMBER);
    assert_int_equal(tp_json_pointer_get(&doc, "/a~b"), -1);
    assert_int_equal(tp_json_pointer_get(&doc, "/a~2b"), -1);
    assert_true(tp_json_pointer_get(&doc, "/c%d") > 0);     /* plain form */
    assert_int_equal(tp_json_pointer_get(&doc, "#/c%d"), -1);
    assert_true(tp_json_pointer_get(&doc, "#/c%25d") > 0);
    assert_true(tp_json_pointer_get(&doc, "#/x%20y") > 0);
    assert_int_equal(tp_json_pointer_get(&doc, ""), 0);
    assert_int_equal(tp_json_pointer_get(&doc, "#"), 0);
    assert_true(tp_json_pointer_get(&doc, "/") > 0);        /* key "" */
    t = tp_json_pointer_get(&doc, "/arr/2");
    assert_memory_equal(tp_json_raw(&doc, t).p, "12", 2);
    assert_int_equal(tp_json_pointer_get(&doc, "/arr/3"), -1);
    assert_int_equal(tp_json_pointer_get(&doc, "/arr/01"), -1);
    assert_int_equal(tp_json_pointer_get(&doc, "/arr/-"), -1);
    assert_int_equal(tp_json_pointer_get(&doc, "paths"), -1);
    assert_int_equal(tp_json_pointer_get(&doc, "/paths/x/y"), -1);
}

static void
test_server__tp_json__pointer_build(void **state)
{
    int t;

    (void) state;
    parse_ok("{\"paths\": {\"/pets/{id}\": {\"get\": {\"r\": [0, "
        "{\"a~/b\": true}]}}}, \"k\\u00e9\": []}");
    assert_string_equal(tp_json_pointer(&doc, 0, &arena), "");
    t = tp_json_pointer_get(&doc, "/paths/~1pets~1{id}/get");
    assert_string_equal(tp_json_pointer(&doc, t, &arena),
        "/paths/~1pets~1{id}/get");
    /* a key names its member */
    assert_string_equal(tp_json_pointer(&doc, t - 1, &arena),
        "/paths/~1pets~1{id}/get");
    t = tp_json_pointer_get(&doc, "/paths/~1pets~1{id}/get/r/1/a~0~1b");
    assert_int_equal(tp_json_type(&doc, t), TP_JSON_TRUE);
    assert_string_equal(tp_json_pointer(&doc, t, &arena),
        "/paths/~1pets~1{id}/get/r/1/a~0~1b");
    t = tp_json_pointer_get(&doc, "/paths/~1pets~1{id}/get/r/0");
    assert_string_equal(tp_json_pointer(&doc, t, &arena),
        "/paths/~1pets~1{id}/get/r/0");
    t = tp_json_get(&doc, 0, "k\xc3\xa9");
    assert_string_equal(tp_json_pointer(&doc, t, &arena), "/k\xc3\xa9");
    assert_string_equal(tp_json_pointer(&doc, 999, &arena), "");
}

static int
path(const char *p)
{
    return tp_json_path(&doc, 0, p, strlen(p));
}

static void
test_server__tp_json__jsonpath(void **state)
{
    int t;

    (void) state;
    parse_ok("{\"petstore\": {\"pets\": [{\"name\": \"rex\"}, "
        "{\"name\": \"tom\", \"tags\": [\"a\", \"b\"]}]}, "
        "\"a.b\": 1, \"x\": {\"y\": {\"z\": null}}}");
    assert_int_equal(path("$"), 0);
    assert_int_equal(path(""), 0);
    t = path("$.petstore.pets[1].name");
    assert_string_equal(str(t), "tom");
    assert_int_equal(path("petstore.pets[1].name"), t);
    assert_int_equal(path("$['petstore']['pets'][1]['name']"), t);
    assert_int_equal(path("$[\"petstore\"].pets[1][\"name\"]"), t);
    assert_string_equal(str(path("petstore.pets[0].name")), "rex");
    assert_string_equal(str(path("$.petstore.pets[1].tags[1]")), "b");
    assert_int_equal(path("$['a.b']"), tp_json_get(&doc, 0, "a.b"));
    assert_int_equal(tp_json_type(&doc, path("x.y.z")), TP_JSON_NULL);
    assert_int_equal(tp_json_type(&doc, path("$.x")), TP_JSON_OBJECT);
    /* misses and syntax outside the subset */
    assert_int_equal(path("$.nope"), -1);
    assert_int_equal(path("$.petstore.pets[2]"), -1);
    assert_int_equal(path("$.petstore.pets[-1]"), -1);
    assert_int_equal(path("$.petstore.pets.name"), -1);
    assert_int_equal(path("$..name"), -1);
    assert_int_equal(path("$.petstore.pets[*]"), -1);
    assert_int_equal(path("$.*"), -1);
    assert_int_equal(path("$petstore"), -1);
    assert_int_equal(path("$.petstore."), -1);
    assert_int_equal(path("$['petstore'"), -1);
    assert_int_equal(path("$.petstore.pets[1"), -1);
    assert_int_equal(path("$.x.y.z.w"), -1);
    assert_int_equal(tp_json_path(&doc, 0, "$.x.y", 3), path("$.x"));
    assert_int_equal(tp_json_path(&doc, 99, "$", 1), -1);
    /* from a sub-document root */
    t = path("$.petstore");
    assert_int_equal(tp_json_path(&doc, t, "pets[0].name", 12),
        path("$.petstore.pets[0].name"));
    /* values as mapping text */
    t = path("$.petstore.pets[1]");
    assert_int_equal(tp_json_text(&doc, t, &arena).len, 35);
    assert_memory_equal(tp_json_text(&doc, t, &arena).p,
        "{\"name\": \"tom\", \"tags\": [\"a\", \"b\"]}", 35);
    assert_memory_equal(tp_json_text(&doc, path("$['a.b']"), &arena).p,
        "1", 1);
    assert_int_equal(tp_json_text(&doc, path("$.x.y.z"), &arena).len, 4);
    assert_string_equal(tp_json_text(&doc, path("$.petstore.pets[0].name"),
        &arena).p, "rex");
    assert_null(tp_json_text(&doc, -1, &arena).p);
    /* a top-level array */
    parse_ok("[{\"a\": 1}, 2]");
    assert_int_equal(path("$[1]"), 4);
    assert_int_equal(path("[0].a"), 3);
}

static void
test_server__tp_json__many_tokens(void **state)
{
    size_t n = 200000, i, len = 0;
    char *big = malloc(n * 2 + 4);
    int64_t v;

    (void) state;
    assert_non_null(big);
    big[len++] = '[';
    for (i = 0; i < n; i++) {
        big[len++] = i == 0 ? '7' : '1';
        big[len++] = i + 1 < n ? ',' : ']';
    }
    assert_int_equal(tp_json_parse(&doc, &arena, big, len, err, sizeof(err)),
        TP_OK);
    assert_int_equal(doc.ntoks, (int) n + 1);
    assert_int_equal(doc.toks[0].size, (int) n);
    assert_int_equal(tp_json_int(&doc, tp_json_path(&doc, 0, "$[0]", 4), &v),
        TP_OK);
    assert_int_equal(v, 7);
    assert_int_equal(tp_json_path(&doc, 0, "$[199999]", 9), (int) n);
    free(big);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
        T(test_server__tp_json__scalars),
        T(test_server__tp_json__escapes),
        T(test_server__tp_json__bad_strings),
        T(test_server__tp_json__bad_structure),
        T(test_server__tp_json__nul_byte),
        T(test_server__tp_json__depth),
        T(test_server__tp_json__navigation),
        T(test_server__tp_json__lines),
        T(test_server__tp_json__pointer_get),
        T(test_server__tp_json__pointer_build),
        T(test_server__tp_json__jsonpath),
        T(test_server__tp_json__many_tokens),
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
