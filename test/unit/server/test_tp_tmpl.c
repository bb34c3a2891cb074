/*
 * test_tp_tmpl.c: unit tests of server/tp_tmpl.c, the reference-
 * substitution template engine (compile and render with a fake resolver).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "tp_tmpl.h"

static struct tp_arena arena;
static char err[256];
static char seen[1024];              /* what the resolver was asked */

static int
setup(void **state)
{
    (void) state;
    tp_arena_init(&arena, 4096);
    err[0] = seen[0] = '\0';
    return 0;
}

static int
teardown(void **state)
{
    (void) state;
    tp_arena_free(&arena);
    return 0;
}

/* Knows context.stage, context.requestId, stageVariables.v, $input.body,
 * params 'id'; everything else is null. */
static int
fake_var(void *ctx, enum tp_tmpl_var kind, const char *name, size_t len,
    struct tp_arena *a, struct tp_str *out)
{
    (void) ctx;
    (void) a;
    snprintf(seen + strlen(seen), sizeof(seen) - strlen(seen), "%d:%.*s;",
        (int) kind, (int) len, name);
    if (kind == TP_TV_CONTEXT && len == 5 && memcmp(name, "stage", 5) == 0) {
        *out = TP_STR("prod");
        return TP_OK;
    }
    if (kind == TP_TV_CONTEXT && len == 9
        && memcmp(name, "requestId", 9) == 0)
    {
        *out = TP_STR("rid");
        return TP_OK;
    }
    if (kind == TP_TV_STAGEVAR && len == 1 && name[0] == 'v') {
        *out = TP_STR("V");
        return TP_OK;
    }
    if (kind == TP_TV_INPUT_BODY) {
        *out = TP_STR("{\"a\":1}");
        return TP_OK;
    }
    if (kind == TP_TV_INPUT_PARAM && len == 2 && memcmp(name, "id", 2) == 0) {
        *out = TP_STR("42");
        return TP_OK;
    }
    return TP_DECLINED;
}

static const char *
render(const char *text)
{
    struct tp_template t = { "application/json", text, NULL };
    struct tp_str out;
    int rc = tp_tmpl_compile(&arena, &t, err, sizeof(err));

    if (rc != TP_OK) {
        fail_msg("\"%s\" did not compile: %s", text, err);
    }
    assert_int_equal(tp_tmpl_render(&t, fake_var, NULL, &arena, &out), TP_OK);
    return tp_arena_strndup(&arena, out.p, out.len);
}

static void
test_server__tp_tmpl__plain_text(void **state)
{
    (void) state;
    assert_string_equal(render(""), "");
    assert_string_equal(render("{\"statusCode\": 200}"),
        "{\"statusCode\": 200}");
    /* A lone or unknown '$' is text. */
    assert_string_equal(render("cost: $5 $ $foo.bar"), "cost: $5 $ $foo.bar");
}

static void
test_server__tp_tmpl__references(void **state)
{
    (void) state;
    assert_string_equal(render("<p>$context.stage</p>"), "<p>prod</p>");
    assert_string_equal(render("${context.stage}x"), "prodx");
    assert_string_equal(render("$context.requestId."), "rid.");
    /* VTL identifiers may contain '-': the name ends at '/'. */
    assert_string_equal(render("$stageVariables.v/$stageVariables['v']"),
        "V/V");
    assert_string_equal(render("{\"b\": $input.body}"), "{\"b\": {\"a\":1}}");
    assert_string_equal(render("id=$input.params('id')"), "id=42");
    assert_string_equal(render("id=$input.params(\"id\")"), "id=42");
}

static void
test_server__tp_tmpl__claims(void **state)
{
    (void) state;
    /* auth.md 5: claims by name, or in brackets for names with ':' */
    seen[0] = '\0';
    assert_string_equal(render("$context.authorizer.claims.sub "
        "$context.authorizer.claims['custom:role'] "
        "${context.authorizer.claims[\"cognito:groups\"]}."),
        "$context.authorizer.claims.sub "
        "$context.authorizer.claims['custom:role'] "
        "${context.authorizer.claims[\"cognito:groups\"]}.");
    assert_string_equal(seen, "0:authorizer.claims.sub;"
        "0:authorizer.claims['custom:role'];"
        "0:authorizer.claims[\"cognito:groups\"];");
    /* only right after "claims", and only a whole ['...'] */
    seen[0] = '\0';
    (void) render("$context.stage['x'] $context.authorizer.claims['x "
        "$context.authorizer.claims[''] $context.authorizer.claimsx['y']");
    assert_string_equal(seen, "0:stage;0:authorizer.claims;"
        "0:authorizer.claims;0:authorizer.claimsx;");
}

static void
test_server__tp_tmpl__null_references(void **state)
{
    (void) state;
    /* VTL prints a null reference as written, a quiet one as nothing. */
    assert_string_equal(render("[$context.nope]"), "[$context.nope]");
    assert_string_equal(render("[$!context.nope]"), "[]");
    assert_string_equal(render("[$!{context.nope}]"), "[]");
    assert_string_equal(render("[${context.nope}]"), "[${context.nope}]");
}

static void
test_server__tp_tmpl__input_forms(void **state)
{
    (void) state;
    seen[0] = '\0';
    (void) render("$input.json('$.a') $input.path('$') "
        "$input.params().header.get('h') $input.params().path.get('p') "
        "$input.params().querystring.get('q')");
    assert_non_null(strstr(seen, "3:$.a;"));
    assert_non_null(strstr(seen, "4:$;"));
    assert_non_null(strstr(seen, "8:h;"));
    assert_non_null(strstr(seen, "6:p;"));
    assert_non_null(strstr(seen, "7:q;"));
}

static void
test_server__tp_tmpl__vtl_declined(void **state)
{
    static const char *const vtl[] = {
        "#set($x = 1)", "#if($a)x#end", "#foreach($p in $l)$p#end",
        "$util.escapeJavaScript($x)", "## comment", "#* block *#",
    };
    struct tp_template t;
    size_t i;

    (void) state;
    for (i = 0; i < sizeof(vtl) / sizeof(vtl[0]); i++) {
        t = (struct tp_template) { "application/json", vtl[i], NULL };
        err[0] = '\0';
        assert_int_equal(tp_tmpl_compile(&arena, &t, err, sizeof(err)),
            TP_DECLINED);
        assert_null(t.compiled);
        assert_true(strlen(err) > 0);
    }
    /* '#' in plain JSON text is not a directive. */
    assert_string_equal(render("{\"color\": \"#fff\"}"),
        "{\"color\": \"#fff\"}");
}

static void
test_server__tp_tmpl__select(void **state)
{
    struct tp_template ts[2] = {
        { "application/json", "j", NULL }, { "text/html", "h", NULL },
    };

    (void) state;
    assert_ptr_equal(tp_tmpl_select(ts, 2, "application/json", 16), &ts[0]);
    assert_ptr_equal(tp_tmpl_select(ts, 2,
        "Application/JSON; charset=utf-8", 31), &ts[0]);
    assert_ptr_equal(tp_tmpl_select(ts, 2, "text/html,application/xml",
        25), &ts[1]);
    assert_null(tp_tmpl_select(ts, 2, "text/plain", 10));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
        T(test_server__tp_tmpl__plain_text),
        T(test_server__tp_tmpl__references),
        T(test_server__tp_tmpl__claims),
        T(test_server__tp_tmpl__null_references),
        T(test_server__tp_tmpl__input_forms),
        T(test_server__tp_tmpl__vtl_declined),
        T(test_server__tp_tmpl__select),
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
