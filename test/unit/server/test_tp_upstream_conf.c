/*
 * test_tp_upstream_conf.c: unit tests of stage variable expansion in
 * integration URIs (tp_upstream_expand_vars in tp_upstream_conf.c).
 * Targets and backends are covered through tp_conf_load() in
 * test_tp_conf.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tp_upstream_conf.h"

static struct tp_arena arena;
static struct tp_kv vars[4];
static struct tp_stage stage;
static char err[512];

static int
setup(void **state)
{
    (void) state;
    tp_arena_init(&arena, 4096);
    memset(&stage, 0, sizeof(stage));
    stage.name = "prod";
    stage.name_len = 4;
    stage.vars = vars;
    vars[0] = (struct tp_kv) { "backend", "http://127.0.0.1:9000" };
    vars[1] = (struct tp_kv) { "ver", "v2" };
    vars[2] = (struct tp_kv) { "empty", "" };
    vars[3] = (struct tp_kv) { "b", "${stageVariables.ver}" };
    stage.nvars = 4;
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
expands(const char *in, const char *want)
{
    char *out = tp_upstream_expand_vars(&arena, in, &stage, err,
        sizeof(err));

    if (out == NULL) {
        fail_msg("\"%s\": %s", in, err);
    }
    assert_string_equal(out, want);
    assert_ptr_not_equal(out, in);
}

static void
fails(const struct tp_stage *st, const char *in, const char *what)
{
    err[0] = '\0';
    if (tp_upstream_expand_vars(&arena, in, st, err, sizeof(err)) != NULL) {
        fail_msg("\"%s\" expanded", in);
    }
    if (strstr(err, what) == NULL) {
        fail_msg("\"%s\": message \"%s\" lacks \"%s\"", in, err, what);
    }
}

static void
test_server__tp_upstream_conf__expand(void **state)
{
    (void) state;
    expands("http://h/x", "http://h/x");
    expands("", "");
    expands("${stageVariables.backend}/pets/{id}",
        "http://127.0.0.1:9000/pets/{id}");
    expands("${stageVariables.backend}/${stageVariables.ver}/a?v="
        "${stageVariables.ver}",
        "http://127.0.0.1:9000/v2/a?v=v2");
    expands("x${stageVariables.ver}${stageVariables.ver}y", "xv2v2y");
    expands("a${stageVariables.empty}b", "ab");
    /* Values are not expanded again. */
    expands("${stageVariables.b}", "${stageVariables.ver}");
    /* Only the exact prefix is a reference. */
    expands("${stagevariables.ver}/${ver}/$stageVariables.ver",
        "${stagevariables.ver}/${ver}/$stageVariables.ver");
}

static void
test_server__tp_upstream_conf__expand_errors(void **state)
{
    (void) state;
    fails(&stage, "${stageVariables.nope}/x",
        "stage \"prod\" does not define the variable 'nope' used in "
        "\"${stageVariables.nope}/x\"");
    /* Names are exact, not prefixes. */
    fails(&stage, "${stageVariables.backen}", "variable 'backen'");
    fails(&stage, "${stageVariables.backend2}", "variable 'backend2'");
    fails(&stage, "${stageVariables.}", "variable ''");
    fails(&stage, "http://h/${stageVariables.ver",
        "unterminated ${stageVariables...} in "
        "\"http://h/${stageVariables.ver\"");
    fails(NULL, "${stageVariables.ver}", "does not define the variable");
}

/* Too long a result is an error, however it gets long. */
static void
test_server__tp_upstream_conf__expand_too_long(void **state)
{
    static char big[5000], in[6000];
    char *out;

    (void) state;
    /* Long input with no reference. */
    memset(in, 'a', 4200);
    in[4200] = '\0';
    fails(&stage, in, "expanded uri longer than 4096 bytes");

    /* Long because of a variable's value. */
    memset(big, 'b', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    vars[1].value = big;
    err[0] = '\0';
    out = tp_upstream_expand_vars(&arena, "http://h/${stageVariables.ver}",
        &stage, err, sizeof(err));
    if (out != NULL) {
        fail_msg("expanded to \"%.60s...\" (%zu bytes)", out, strlen(out));
    }
    assert_non_null(strstr(err, "expanded uri longer than"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
        T(test_server__tp_upstream_conf__expand),
        T(test_server__tp_upstream_conf__expand_errors),
        T(test_server__tp_upstream_conf__expand_too_long),
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
