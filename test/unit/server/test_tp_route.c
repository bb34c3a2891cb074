/*
 * test_tp_route.c: unit tests of route keys and the route trie
 * (tp_route.c): parsing "METHOD /path" keys and every parse error,
 * compile-time conflicts, and matching: literal over {param} over
 * {greedy+}, backtracking, ANY, path_matched and captured parameters.
 * The API is built by hand in an arena, as the config loader would.
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
#include "tp_route.h"

#define MAXR 64

static struct tp_arena arena;
static struct tp_api api;
static struct tp_route routes[MAXR];
static char err[512];

static int
setup(void **state)
{
    (void) state;
    tp_arena_init(&arena, 4096);
    memset(&api, 0, sizeof(api));
    memset(routes, 0, sizeof(routes));
    api.routes = routes;
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

/* Parses <key> into the next route slot; it must be valid. */
static struct tp_route *
add(const char *key)
{
    struct tp_route *r = &routes[api.nroutes];

    assert_true(api.nroutes < MAXR);
    if (tp_route_parse_key(&arena, key, r, err, sizeof(err)) != TP_OK) {
        fail_msg("route \"%s\" rejected: %s", key, err);
    }
    api.nroutes++;
    return r;
}

static void
compile(void)
{
    if (tp_route_compile(&arena, &api, err, sizeof(err)) != TP_OK) {
        fail_msg("compile failed: %s", err);
    }
    assert_non_null(api.trie);
}

/* Parsing <key> fails with a message containing <what> and the key. */
static void
parse_err(const char *key, const char *what)
{
    struct tp_route r;

    memset(&r, 0, sizeof(r));
    err[0] = '\0';
    if (tp_route_parse_key(&arena, key, &r, err, sizeof(err)) != TP_ERROR) {
        fail_msg("route \"%s\" accepted", key);
    }
    if (strstr(err, what) == NULL) {
        fail_msg("route \"%s\": message \"%s\" lacks \"%s\"", key, err, what);
    }
    if (strstr(err, key) == NULL) {
        fail_msg("route \"%s\": message \"%s\" does not name it", key, err);
    }
}

static struct tp_route_match mt;

/* Matches <path>; returns the key of the route found, or NULL. */
static const char *
match(int method, const char *path)
{
    memset(&mt, 0x5a, sizeof(mt));
    tp_route_match(&api, method, path, strlen(path), &mt);
    return mt.route != NULL ? mt.route->key : NULL;
}

static void
assert_param(unsigned i, const char *want)
{
    assert_true(i < mt.nparams);
    if (mt.params[i].len != strlen(want)
        || memcmp(mt.params[i].p, want, mt.params[i].len) != 0)
    {
        fail_msg("param %u = \"%.*s\", want \"%s\"", i,
            (int) mt.params[i].len, mt.params[i].p, want);
    }
}

#define assert_match(method, path, key) do {                            \
        const char *got_ = match(method, path);                         \
        if (got_ == NULL || strcmp(got_, key) != 0) {                   \
            fail_msg("%s: got %s, want %s", path,                       \
                got_ != NULL ? got_ : "(none)", key);                   \
        }                                                               \
    } while (0)

#define assert_no_match(method, path, pm) do {                          \
        const char *got_ = match(method, path);                         \
        if (got_ != NULL) {                                             \
            fail_msg("%s: matched %s, want none", path, got_);          \
        }                                                               \
        assert_int_equal(mt.path_matched, pm);                          \
        assert_int_equal(mt.nparams, 0);                                \
    } while (0)

/* ---- tp_route_parse_key ---- */

static void
test_server__tp_route__parse_valid(void **state)
{
    static const struct {
        const char *key;
        int method;
    } m[] = {
        { "GET /a", TP_HTTP_GET }, { "HEAD /a", TP_HTTP_HEAD },
        { "POST /a", TP_HTTP_POST }, { "PUT /a", TP_HTTP_PUT },
        { "DELETE /a", TP_HTTP_DELETE }, { "OPTIONS /a", TP_HTTP_OPTIONS },
        { "PATCH /a", TP_HTTP_PATCH }, { "ANY /a", TP_ROUTE_ANY },
    };
    struct tp_route *r;
    size_t i;

    (void) state;
    for (i = 0; i < TP_NELEM(m); i++) {
        r = add(m[i].key);
        assert_int_equal(r->method, m[i].method);
        assert_string_equal(r->path, "/a");
        assert_ptr_equal(r->key, m[i].key);
        assert_int_equal(r->nparams, 0);
        assert_false(r->greedy);
    }

    r = add("GET /");
    assert_string_equal(r->path, "/");
    assert_int_equal(r->nparams, 0);

    r = add("POST /pets/{petId}/toys/{toy_id}");
    assert_int_equal(r->method, TP_HTTP_POST);
    assert_string_equal(r->path, "/pets/{petId}/toys/{toy_id}");
    assert_int_equal(r->nparams, 2);
    assert_string_equal(r->params[0], "petId");
    assert_string_equal(r->params[1], "toy_id");
    assert_false(r->greedy);

    r = add("ANY /{proxy+}");
    assert_int_equal(r->method, TP_ROUTE_ANY);
    assert_int_equal(r->nparams, 1);
    assert_string_equal(r->params[0], "proxy");
    assert_true(r->greedy);

    r = add("GET /a/{id}/{rest+}");
    assert_int_equal(r->nparams, 2);
    assert_string_equal(r->params[0], "id");
    assert_string_equal(r->params[1], "rest");
    assert_true(r->greedy);

    r = add("GET /v1.0/a-b_c~d/%41");
    assert_int_equal(r->nparams, 0);
}

/* A route struct reused for another key forgets the previous one. */
static void
test_server__tp_route__parse_resets(void **state)
{
    struct tp_route *r = &routes[0];

    (void) state;
    assert_int_equal(tp_route_parse_key(&arena, "GET /{a}/{b+}", r, err,
        sizeof(err)), TP_OK);
    assert_int_equal(r->nparams, 2);
    assert_true(r->greedy);
    assert_int_equal(tp_route_parse_key(&arena, "PUT /x", r, err,
        sizeof(err)), TP_OK);
    assert_int_equal(r->nparams, 0);
    assert_false(r->greedy);
    assert_int_equal(r->method, TP_HTTP_PUT);
}

static void
test_server__tp_route__parse_errors(void **state)
{
    (void) state;
    /* Not "METHOD /path". */
    parse_err("GET/pets", "must be \"METHOD /path\"");
    parse_err("GET pets", "must be \"METHOD /path\"");
    parse_err("GET  /pets", "must be \"METHOD /path\"");
    parse_err("GET", "must be \"METHOD /path\"");
    parse_err("", "must be \"METHOD /path\"");
    parse_err("/pets", "must be \"METHOD /path\"");
    /* Methods: exact, upper-case, the seven plus ANY. */
    parse_err("FETCH /a", "unknown method");
    parse_err("get /a", "unknown method");
    parse_err("Any /a", "unknown method");
    parse_err("TRACE /a", "unknown method");
    parse_err("CONNECT /a", "unknown method");
    parse_err("GETS /a", "unknown method");
    parse_err(" /a", "unknown method");
    /* Trailing slash. */
    parse_err("GET /a/", "must not end with '/'");
    parse_err("GET /a/{b}/", "must not end with '/'");
    parse_err("GET //", "must not end with '/'");
    /* Empty segments and stray characters. */
    parse_err("GET /a//b", "empty path segment");
    parse_err("GET /a b", "invalid character");
    parse_err("GET /a}", "invalid character");
    parse_err("GET /a{b}", "invalid character");
    parse_err("GET /a\tb", "invalid character");
    /* Greedy not last. */
    parse_err("GET /{proxy+}/a", "must be the last segment");
    parse_err("GET /a/{p+}/{q}", "must be the last segment");
    /* Malformed {}. */
    parse_err("GET /{}", "malformed {parameter}");
    parse_err("GET /{a", "malformed {parameter}");
    parse_err("GET /{a}x", "malformed {parameter}");
    parse_err("GET /x/{", "malformed {parameter}");
    /* Duplicate names, also between {a} and {a+}. */
    parse_err("GET /{a}/{a}", "duplicate parameter name");
    parse_err("GET /{id}/x/{id+}", "duplicate parameter name");
}

static void
test_server__tp_route__too_many_params(void **state)
{
    char key[512];
    size_t n;
    int i;
    struct tp_route *r;

    (void) state;
    n = (size_t) snprintf(key, sizeof(key), "GET ");
    for (i = 0; i < TP_ROUTE_MAX_PARAMS; i++) {
        n += (size_t) snprintf(key + n, sizeof(key) - n, "/{p%d}", i);
    }
    r = add(tp_arena_strdup(&arena, key));
    assert_int_equal(r->nparams, TP_ROUTE_MAX_PARAMS);
    assert_string_equal(r->params[TP_ROUTE_MAX_PARAMS - 1], "p15");
    snprintf(key + n, sizeof(key) - n, "/{p%d}", i);
    parse_err(key, "too many parameters");
    /* Literals in between do not count. */
    snprintf(key + n, sizeof(key) - n, "/lit/x");
    add(tp_arena_strdup(&arena, key));
}

/* "{+}" must not become a {param} named "+" that the trie files as
 * greedy: tp_route_compile treats any "{...+}" segment as greedy. */
static void
test_server__tp_route__plus_only_param(void **state)
{
    (void) state;
    parse_err("GET /{+}", "malformed {parameter}");
    parse_err("GET /{+}/x", "malformed {parameter}");
}

/* ---- tp_route_compile conflicts ---- */

static void
compile_err(const char *what)
{
    err[0] = '\0';
    assert_int_equal(tp_route_compile(&arena, &api, err, sizeof(err)),
        TP_ERROR);
    if (strstr(err, what) == NULL) {
        fail_msg("compile message \"%s\" lacks \"%s\"", err, what);
    }
}

static void
test_server__tp_route__duplicate_route(void **state)
{
    (void) state;
    add("GET /a/{x}");
    add("POST /a/{x}");
    add("ANY /a/{x}");
    add("GET /a/{x}");
    compile_err("route 'GET /a/{x}' is defined twice");
}

static void
test_server__tp_route__duplicate_any(void **state)
{
    (void) state;
    add("ANY /");
    add("GET /");
    add("ANY /");
    compile_err("route 'ANY /' is defined twice");
}

static void
test_server__tp_route__conflicting_params(void **state)
{
    (void) state;
    add("GET /a/{x}");
    add("POST /a/{y}/b");
    compile_err("conflicting parameter names {x} and {y}");
}

static void
test_server__tp_route__conflicting_greedy(void **state)
{
    (void) state;
    add("GET /a/{p+}");
    add("POST /a/{q+}");
    compile_err("conflicting parameter names {p} and {q}");
}

static void
test_server__tp_route__same_param_name_shared(void **state)
{
    (void) state;
    add("GET /a/{x}");
    add("POST /a/{x}");
    add("GET /a/{x}/b");
    add("GET /a/{x}/{y+}");
    compile();
    assert_match(TP_HTTP_GET, "/a/1", "GET /a/{x}");
    assert_match(TP_HTTP_POST, "/a/1", "POST /a/{x}");
    assert_match(TP_HTTP_GET, "/a/1/b", "GET /a/{x}/b");
    assert_match(TP_HTTP_GET, "/a/1/c/d", "GET /a/{x}/{y+}");
    assert_param(0, "1");
    assert_param(1, "c/d");
}

/* ---- tp_route_match ---- */

static void
test_server__tp_route__specificity(void **state)
{
    (void) state;
    /* Inserted least specific first: order must not matter. */
    add("GET /a/{p+}");
    add("GET /a/{x}");
    add("GET /a/b");
    compile();
    assert_match(TP_HTTP_GET, "/a/b", "GET /a/b");
    assert_int_equal(mt.nparams, 0);
    assert_match(TP_HTTP_GET, "/a/c", "GET /a/{x}");
    assert_int_equal(mt.nparams, 1);
    assert_param(0, "c");
    assert_match(TP_HTTP_GET, "/a/b/c", "GET /a/{p+}");
    assert_int_equal(mt.nparams, 1);
    assert_param(0, "b/c");
    assert_match(TP_HTTP_GET, "/a/x/y/z", "GET /a/{p+}");
    assert_param(0, "x/y/z");
    assert_no_match(TP_HTTP_GET, "/a", false);
    assert_no_match(TP_HTTP_GET, "/b", false);
}

static void
test_server__tp_route__backtracking(void **state)
{
    (void) state;
    add("GET /a/b/c");
    add("GET /a/{x}/d");
    compile();
    assert_match(TP_HTTP_GET, "/a/b/c", "GET /a/b/c");
    assert_int_equal(mt.nparams, 0);
    assert_match(TP_HTTP_GET, "/a/b/d", "GET /a/{x}/d");
    assert_int_equal(mt.nparams, 1);
    assert_param(0, "b");
    assert_match(TP_HTTP_GET, "/a/q/d", "GET /a/{x}/d");
    assert_param(0, "q");
    assert_no_match(TP_HTTP_GET, "/a/b/e", false);
    assert_no_match(TP_HTTP_GET, "/a/b", false);
}

/* A failed branch must not leave its parameters behind. */
static void
test_server__tp_route__backtracking_params(void **state)
{
    (void) state;
    add("GET /x/{p}/q");
    add("GET /{a}/z/r");
    add("GET /{a}/{b}/{c}/end");
    add("GET /{a}/{b+}");
    compile();
    assert_match(TP_HTTP_GET, "/x/z/r", "GET /{a}/z/r");
    assert_int_equal(mt.nparams, 1);
    assert_param(0, "x");
    assert_match(TP_HTTP_GET, "/x/z/q", "GET /x/{p}/q");
    assert_int_equal(mt.nparams, 1);
    assert_param(0, "z");
    assert_match(TP_HTTP_GET, "/x/z/r/end", "GET /{a}/{b}/{c}/end");
    assert_int_equal(mt.nparams, 3);
    assert_param(0, "x");
    assert_param(1, "z");
    assert_param(2, "r");
    /* Every deeper branch fails; the greedy one at depth 1 wins. */
    assert_match(TP_HTTP_GET, "/x/z/r/other", "GET /{a}/{b+}");
    assert_int_equal(mt.nparams, 2);
    assert_param(0, "x");
    assert_param(1, "z/r/other");
}

static void
test_server__tp_route__backtrack_to_greedy(void **state)
{
    (void) state;
    add("GET /a/{x}/c");
    add("GET /{p+}");
    compile();
    assert_match(TP_HTTP_GET, "/a/b/c", "GET /a/{x}/c");
    assert_match(TP_HTTP_GET, "/a/b/d", "GET /{p+}");
    assert_int_equal(mt.nparams, 1);
    assert_param(0, "a/b/d");
    /* REST: /a is a resource (the parent of /a/{x}) without methods. */
    assert_no_match(TP_HTTP_GET, "/a", false);
    /* HTTP APIs match (method, path) routes: the greedy one takes it. */
    api.type = TP_API_HTTP;
    assert_match(TP_HTTP_GET, "/a", "GET /{p+}");
    assert_param(0, "a");
}

static void
test_server__tp_route__any_and_methods(void **state)
{
    (void) state;
    add("GET /r");
    add("ANY /r");
    add("DELETE /only");
    compile();
    assert_match(TP_HTTP_GET, "/r", "GET /r");
    assert_match(TP_HTTP_HEAD, "/r", "ANY /r");
    assert_match(TP_HTTP_POST, "/r", "ANY /r");
    assert_match(TP_HTTP_PUT, "/r", "ANY /r");
    assert_match(TP_HTTP_DELETE, "/r", "ANY /r");
    assert_match(TP_HTTP_OPTIONS, "/r", "ANY /r");
    assert_match(TP_HTTP_PATCH, "/r", "ANY /r");
    /* ANY is API Gateway's seven methods: not TRACE, CONNECT or others. */
    assert_no_match(TP_HTTP_TRACE, "/r", true);
    assert_no_match(TP_HTTP_CONNECT, "/r", true);
    assert_no_match(TP_HTTP_OTHER, "/r", true);
    assert_match(TP_HTTP_DELETE, "/only", "DELETE /only");
    assert_no_match(TP_HTTP_GET, "/only", true);
    assert_no_match(TP_HTTP_GET, "/nothing", false);
    assert_no_match(TP_HTTP_GET, "/r/x", false);
}

/* HTTP APIs: a method-specific route deeper in a less specific branch
 * still wins over "no route" when the literal branch only has other
 * methods.  REST APIs resolve the resource first, then the method. */
static void
test_server__tp_route__method_backtracking(void **state)
{
    (void) state;
    add("GET /a/b");
    add("POST /a/{x}");
    add("ANY /{p+}");
    compile();
    /* REST: /a/b is the resource; methods it lacks are refused. */
    assert_match(TP_HTTP_GET, "/a/b", "GET /a/b");
    assert_no_match(TP_HTTP_POST, "/a/b", true);
    assert_no_match(TP_HTTP_PUT, "/a/b", true);
    assert_match(TP_HTTP_POST, "/a/c", "POST /a/{x}");
    assert_match(TP_HTTP_PUT, "/z/b", "ANY /{p+}");
    api.type = TP_API_HTTP;
    assert_match(TP_HTTP_GET, "/a/b", "GET /a/b");
    assert_match(TP_HTTP_POST, "/a/b", "POST /a/{x}");
    assert_param(0, "b");
    assert_match(TP_HTTP_PUT, "/a/b", "ANY /{p+}");
    assert_param(0, "a/b");
    assert_no_match(TP_HTTP_TRACE, "/a/b", true);
}

static void
test_server__tp_route__params_values(void **state)
{
    const char *path = "/users/42/posts/7%20x";

    (void) state;
    add("GET /users/{id}/posts/{pid}");
    compile();
    assert_match(TP_HTTP_GET, path, "GET /users/{id}/posts/{pid}");
    assert_int_equal(mt.nparams, 2);
    assert_param(0, "42");
    assert_param(1, "7%20x");                 /* still %-encoded */
    /* Zero-copy: the slices point into the path. */
    match(TP_HTTP_GET, path);
    assert_ptr_equal(mt.params[0].p, path + 7);
    assert_ptr_equal(mt.params[1].p, path + 16);
    /* An empty segment is no parameter value. */
    assert_no_match(TP_HTTP_GET, "/users//posts/1", false);
}

static void
test_server__tp_route__greedy(void **state)
{
    const char *path = "/files/x/y/z";

    (void) state;
    add("ANY /files/{proxy+}");
    compile();
    assert_match(TP_HTTP_GET, path, "ANY /files/{proxy+}");
    assert_int_equal(mt.nparams, 1);
    assert_param(0, "x/y/z");
    assert_ptr_equal(mt.params[0].p, path + 7);
    assert_match(TP_HTTP_POST, "/files/a", "ANY /files/{proxy+}");
    assert_param(0, "a");
    assert_match(TP_HTTP_POST, "/files/a%2Fb/", "ANY /files/{proxy+}");
    assert_param(0, "a%2Fb/");
    /* The greedy parameter needs at least one segment. */
    assert_no_match(TP_HTTP_GET, "/files", false);
    assert_no_match(TP_HTTP_GET, "/filesx/a", false);
}

static void
test_server__tp_route__root(void **state)
{
    (void) state;
    add("GET /");
    compile();
    assert_match(TP_HTTP_GET, "/", "GET /");
    assert_int_equal(mt.nparams, 0);
    assert_no_match(TP_HTTP_POST, "/", true);
    assert_no_match(TP_HTTP_GET, "/x", false);
}

static void
test_server__tp_route__greedy_not_root(void **state)
{
    (void) state;
    add("ANY /{proxy+}");
    compile();
    assert_no_match(TP_HTTP_GET, "/", false);
    assert_match(TP_HTTP_GET, "/a", "ANY /{proxy+}");
    assert_param(0, "a");
    assert_match(TP_HTTP_GET, "/a/b/c", "ANY /{proxy+}");
    assert_param(0, "a/b/c");
}

static void
test_server__tp_route__root_and_greedy(void **state)
{
    (void) state;
    add("ANY /{proxy+}");
    add("GET /");
    compile();
    assert_match(TP_HTTP_GET, "/", "GET /");
    assert_int_equal(mt.nparams, 0);
    assert_no_match(TP_HTTP_POST, "/", true);
    assert_match(TP_HTTP_POST, "/p", "ANY /{proxy+}");
}

static void
test_server__tp_route__bad_input(void **state)
{
    (void) state;
    add("GET /a");
    add("ANY /{p+}");
    /* Not compiled yet: no trie, nothing matches. */
    assert_no_match(TP_HTTP_GET, "/a", false);
    compile();
    assert_match(TP_HTTP_GET, "/a", "GET /a");
    assert_no_match(TP_HTTP_GET, "a", false);
    assert_no_match(TP_HTTP_GET, "", false);
    /* <len> bounds the path: "/a/b" cut after "/a". */
    memset(&mt, 0, sizeof(mt));
    tp_route_match(&api, TP_HTTP_GET, "/a/b", 2, &mt);
    assert_non_null(mt.route);
    assert_string_equal(mt.route->key, "GET /a");
    tp_route_match(&api, TP_HTTP_GET, "/ab", 2, &mt);
    assert_string_equal(mt.route->key, "GET /a");
}

/* Many literal siblings: the sorted array and its binary search. */
static void
test_server__tp_route__many_literals(void **state)
{
    char key[80], path[64];
    int order[60], i, j;

    (void) state;
    for (i = 0; i < 60; i++) {
        order[i] = i;
    }
    for (i = 59; i > 0; i--) {                 /* fixed scramble */
        int k = (i * 37 + 11) % (i + 1), t = order[i];

        order[i] = order[k];
        order[k] = t;
    }
    for (i = 0; i < 60; i++) {
        /* Mixed lengths: "k7", "k17", "k7x" ... */
        j = order[i];
        snprintf(key, sizeof(key), "GET /k%d%s/v", j % 30,
            j >= 30 ? "x" : "");
        add(tp_arena_strdup(&arena, key));
    }
    compile();
    for (i = 0; i < 60; i++) {
        snprintf(path, sizeof(path), "/k%d%s/v", i % 30, i >= 30 ? "x" : "");
        snprintf(key, sizeof(key), "GET %s", path);
        assert_match(TP_HTTP_GET, path, key);
    }
    assert_no_match(TP_HTTP_GET, "/k30/v", false);
    assert_no_match(TP_HTTP_GET, "/k/v", false);
    assert_no_match(TP_HTTP_GET, "/k1y/v", false);
    assert_no_match(TP_HTTP_GET, "/K1/v", false);   /* case-sensitive */
}

static void
test_server__tp_route__max_params_match(void **state)
{
    char key[512], path[256];
    size_t n = 0, m = 0;
    int i;

    (void) state;
    n += (size_t) snprintf(key, sizeof(key), "GET ");
    for (i = 0; i < TP_ROUTE_MAX_PARAMS - 1; i++) {
        n += (size_t) snprintf(key + n, sizeof(key) - n, "/{p%d}", i);
        m += (size_t) snprintf(path + m, sizeof(path) - m, "/v%d", i);
    }
    snprintf(key + n, sizeof(key) - n, "/{rest+}");
    snprintf(path + m, sizeof(path) - m, "/r/s");
    add(tp_arena_strdup(&arena, key));
    compile();
    assert_match(TP_HTTP_GET, path, key);
    assert_int_equal(mt.nparams, TP_ROUTE_MAX_PARAMS);
    assert_param(0, "v0");
    assert_param(14, "v14");
    assert_param(15, "r/s");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
        T(test_server__tp_route__parse_valid),
        T(test_server__tp_route__parse_resets),
        T(test_server__tp_route__parse_errors),
        T(test_server__tp_route__too_many_params),
        T(test_server__tp_route__plus_only_param),
        T(test_server__tp_route__duplicate_route),
        T(test_server__tp_route__duplicate_any),
        T(test_server__tp_route__conflicting_params),
        T(test_server__tp_route__conflicting_greedy),
        T(test_server__tp_route__same_param_name_shared),
        T(test_server__tp_route__specificity),
        T(test_server__tp_route__backtracking),
        T(test_server__tp_route__backtracking_params),
        T(test_server__tp_route__backtrack_to_greedy),
        T(test_server__tp_route__any_and_methods),
        T(test_server__tp_route__method_backtracking),
        T(test_server__tp_route__params_values),
        T(test_server__tp_route__greedy),
        T(test_server__tp_route__root),
        T(test_server__tp_route__greedy_not_root),
        T(test_server__tp_route__root_and_greedy),
        T(test_server__tp_route__bad_input),
        T(test_server__tp_route__many_literals),
        T(test_server__tp_route__max_params_match),
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
