/*
 * test_tp_accesslog_conf.c: unit tests of access_log settings
 * (server/tp_accesslog_conf.c) through tp_conf_load(): the AWS named
 * formats per API type, custom formats compiled into parts, unknown
 * variables, the trailing-dot rule, JSON string detection, limits and
 * errors with "FILE:LINE:"; then opening, sharing, reopening and closing
 * the files of a cycle, and the order tp_logfile_fds() gives them.
 *
 * Config files and logs live in a mkdtemp() directory.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tp_accesslog_conf.h"
#include "tp_conf.h"
#include "tp_ctxvars.h"
#include "tp_log.h"
#include "tp_logfile.h"

static char dir[PATH_MAX];           /* realpath of the temporary directory */
static char path[PATH_MAX + 32];     /* the config file of the current test */
static char err[2048];
static char logbuf[8192];            /* stderr captured by load_log() */
static struct tp_arena arena;
static struct tp_conf_opts opts;
static int nconf;

#define LISTEN "listeners = ( { address = \"127.0.0.1:8080\"; } );\n"

static int
group_setup(void **state)
{
    char tmpl[] = "/tmp/tp_alog_test_XXXXXX";

    (void) state;
    if (mkdtemp(tmpl) == NULL || realpath(tmpl, dir) == NULL) {
        return -1;
    }
    return 0;
}

static int
group_teardown(void **state)
{
    char cmd[PATH_MAX + 32];

    (void) state;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static int
setup(void **state)
{
    (void) state;
    tp_arena_init(&arena, 16384);
    tp_log_level = TP_LOG_ERROR;
    memset(&opts, 0, sizeof(opts));
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

static struct tp_model *
load_into(struct tp_arena *a, const char *text)
{
    FILE *f;

    snprintf(path, sizeof(path), "%s/t%d.conf", dir, ++nconf);
    f = fopen(path, "w");
    assert_non_null(f);
    assert_true(fputs(text, f) >= 0);
    assert_int_equal(fclose(f), 0);
    opts.path = path;
    err[0] = '\0';
    return tp_conf_load(a, &opts, err, sizeof(err));
}

/* Loads with fd 2 (where tp_log writes) captured into logbuf. */
static struct tp_model *
load_log(const char *text)
{
    char lpath[PATH_MAX + 16];
    struct tp_model *m;
    int saved, fd;
    ssize_t n;

    snprintf(lpath, sizeof(lpath), "%s/stderr.txt", dir);
    fd = open(lpath, O_RDWR | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    fflush(stderr);
    saved = dup(2);
    assert_true(saved >= 0);
    assert_int_equal(dup2(fd, 2), 2);
    tp_log_level = TP_LOG_WARN;
    m = load_into(&arena, text);
    tp_log_level = TP_LOG_ERROR;
    fflush(stderr);
    assert_int_equal(dup2(saved, 2), 2);
    close(saved);
    n = pread(fd, logbuf, sizeof(logbuf) - 1, 0);
    close(fd);
    logbuf[n > 0 ? n : 0] = '\0';
    if (m == NULL) {
        fail_msg("config rejected: %s", err);
    }
    return m;
}

/* A config of one API of <type> whose stage "s" has <alog> inside {}. */
static const char *
one_stage(const char *type, const char *alog)
{
    static char text[8192];

    snprintf(text, sizeof(text),
        LISTEN
        "apis = ( { id = \"a\"; type = \"%s\";\n"
        "  stages = ( { name = \"s\";\n"
        "    access_log = { %s };\n"
        "  } );\n"
        "} );\n", type, alog);
    return text;
}

static const struct tp_access_log *
stage_log(const struct tp_model *m, unsigned api, unsigned stage)
{
    assert_true(api < m->napis);
    assert_true(stage < m->apis[api].nstages);
    assert_non_null(m->apis[api].stages[stage].access_log);
    return m->apis[api].stages[stage].access_log;
}

static const struct tp_alog_format *
compiled(const struct tp_model *m)
{
    const struct tp_alog_format *f = stage_log(m, 0, 0)->compiled;

    assert_non_null(f);
    return f;
}

/* The load fails with "<config>:<line>: ...<what>...". */
static void
load_err(const char *text, int line, const char *what)
{
    char prefix[PATH_MAX + 64];

    if (load_into(&arena, text) != NULL) {
        fail_msg("config accepted; wanted an error with \"%s\"", what);
    }
    snprintf(prefix, sizeof(prefix), "%s:%d: ", path, line);
    if (strncmp(err, prefix, strlen(prefix)) != 0) {
        fail_msg("message \"%s\" does not start with \"%s\"", err, prefix);
    }
    if (strstr(err, what) == NULL) {
        fail_msg("message \"%s\" does not contain \"%s\"", err, what);
    }
}

/* Part <i> is a literal equal to <lit>. */
static void
is_lit(const struct tp_alog_format *f, unsigned i, const char *lit)
{
    assert_true(i < f->nparts);
    assert_int_equal(f->parts[i].kind, TP_ALOG_LIT);
    assert_int_equal(f->parts[i].len, strlen(lit));
    assert_memory_equal(f->parts[i].p, lit, strlen(lit));
}

static void
is_var(const struct tp_alog_format *f, unsigned i, enum tp_ctxvar id,
    enum tp_alog_escape esc)
{
    assert_true(i < f->nparts);
    assert_int_equal(f->parts[i].kind, TP_ALOG_VAR);
    if (f->parts[i].var != id) {
        fail_msg("part %u is $context.%s, wanted $context.%s", i,
            tp_ctxvar_name((enum tp_ctxvar) f->parts[i].var),
            tp_ctxvar_name(id));
    }
    assert_int_equal(f->parts[i].escape, esc);
}

/* ---- named formats ---- */

static void
test_server__tp_accesslog_conf__default_is_clf(void **state)
{
    struct tp_model *m;

    (void) state;
    m = load_into(&arena, one_stage("REST", "path = \"x.log\";"));
    assert_non_null(m);
    assert_string_equal(stage_log(m, 0, 0)->format,
        tp_accesslog_named("CLF", TP_API_REST));
    /* not opened by load */
    assert_int_equal(stage_log(m, 0, 0)->file.fd, -1);
    m = load_into(&arena, one_stage("HTTP", "path = \"x.log\";"));
    assert_non_null(m);
    assert_string_equal(stage_log(m, 0, 0)->format,
        tp_accesslog_named("CLF", TP_API_HTTP));
}

static void
test_server__tp_accesslog_conf__named_formats(void **state)
{
    static const char *const names[] = { "CLF", "JSON", "XML", "CSV" };
    static const char *const types[] = { "REST", "HTTP" };
    char alog[128];
    struct tp_model *m;
    size_t i, t;

    (void) state;
    for (t = 0; t < 2; t++) {
        for (i = 0; i < TP_NELEM(names); i++) {
            enum tp_api_type type = t == 0 ? TP_API_REST : TP_API_HTTP;

            snprintf(alog, sizeof(alog), "path = \"x.log\"; format = \"%s\";",
                names[i]);
            m = load_log(one_stage(types[t], alog));
            assert_string_equal(stage_log(m, 0, 0)->format,
                tp_accesslog_named(names[i], type));
            /* The samples use known variables and carry a request id. */
            assert_null(strstr(logbuf, "warn"));
        }
    }
    /* REST samples name resources, HTTP samples route keys. */
    assert_non_null(strstr(tp_accesslog_named("CLF", TP_API_REST),
        "$context.resourcePath"));
    assert_non_null(strstr(tp_accesslog_named("CLF", TP_API_HTTP),
        "$context.routeKey"));
    assert_non_null(strstr(tp_accesslog_named("JSON", TP_API_REST),
        "\"extendedRequestId\":\"$context.extendedRequestId\""));
    assert_null(strstr(tp_accesslog_named("CSV", TP_API_HTTP),
        "extendedRequestId"));
    assert_null(tp_accesslog_named("clf", TP_API_REST));
    assert_null(tp_accesslog_named("NCSA", TP_API_REST));
}

static void
test_server__tp_accesslog_conf__clf_parts(void **state)
{
    const struct tp_alog_format *f;

    (void) state;
    f = compiled(load_log(one_stage("HTTP", "path = \"x.log\"; "
        "format = \"CLF\";")));
    /* ip - - [time] "method routeKey protocol" status length id */
    is_var(f, 0, TP_CTX_IDENTITY_SOURCE_IP, TP_ALOG_ESC_PLAIN);
    is_lit(f, 1, " - - [");
    is_var(f, 2, TP_CTX_REQUEST_TIME, TP_ALOG_ESC_PLAIN);
    is_lit(f, 3, "] \"");
    is_var(f, 4, TP_CTX_HTTP_METHOD, TP_ALOG_ESC_PLAIN);
    is_lit(f, 5, " ");
    is_var(f, 6, TP_CTX_ROUTE_KEY, TP_ALOG_ESC_PLAIN);
    is_lit(f, 7, " ");
    is_var(f, 8, TP_CTX_PROTOCOL, TP_ALOG_ESC_PLAIN);
    is_lit(f, 9, "\" ");
    is_var(f, 10, TP_CTX_STATUS, TP_ALOG_ESC_PLAIN);
    is_lit(f, 11, " ");
    is_var(f, 12, TP_CTX_RESPONSE_LENGTH, TP_ALOG_ESC_PLAIN);
    is_lit(f, 13, " ");
    is_var(f, 14, TP_CTX_REQUEST_ID, TP_ALOG_ESC_PLAIN);
    assert_int_equal(f->nparts, 15);
    assert_int_equal(f->nvars, 8);
    assert_int_equal(f->lit_len, 6 + 3 + 1 + 1 + 2 + 1 + 1);
    /* copied without an escape check: all but the route key, which
     * comes from the config */
    assert_true(f->parts[0].escape_free && f->parts[2].escape_free
        && f->parts[4].escape_free && f->parts[8].escape_free
        && f->parts[10].escape_free && f->parts[12].escape_free
        && f->parts[14].escape_free);
    assert_false(f->parts[6].escape_free);
    /* literals point into a copy of the format with TP_ALOG_LIT_SLACK
     * zeros after it */
    assert_memory_equal(f->parts[13].p, " $context.requestId\0\0\0\0\0\0\0\0",
        19 + TP_ALOG_LIT_SLACK);
}

static void
test_server__tp_accesslog_conf__escape_free(void **state)
{
    (void) state;
    /* turnpike's own numbers, ids, time, method token, address */
    assert_true(tp_accesslog_escape_free(TP_CTX_STATUS));
    assert_true(tp_accesslog_escape_free(TP_CTX_REQUEST_ID));
    assert_true(tp_accesslog_escape_free(TP_CTX_EXTENDED_REQUEST_ID));
    assert_true(tp_accesslog_escape_free(TP_CTX_IDENTITY_SOURCE_IP));
    /* text from clients or from the config: always checked */
    assert_false(tp_accesslog_escape_free(TP_CTX_RESOURCE_PATH));
    assert_false(tp_accesslog_escape_free(TP_CTX_PATH));
    assert_false(tp_accesslog_escape_free(TP_CTX_IDENTITY_USER_AGENT));
    assert_false(tp_accesslog_escape_free(TP_CTX_IDENTITY_CALLER));
    assert_false(tp_accesslog_escape_free(TP_CTX_STAGE));
    assert_false(tp_accesslog_escape_free(TP_CTX_ERROR_MESSAGE));
    assert_false(tp_accesslog_escape_free(TP_CTX_AUTHORIZER_CLAIMS));
    assert_false(tp_accesslog_escape_free(TP_CTX_AUTHORIZER_CONTEXT));
    assert_false(tp_accesslog_escape_free(-1));
}

static void
test_server__tp_accesslog_conf__json_strings(void **state)
{
    const struct tp_alog_format *f;
    unsigned i, nvars = 0;

    (void) state;
    f = compiled(load_log(one_stage("REST", "path = \"x.log\"; "
        "format = \"JSON\";")));
    for (i = 0; i < f->nparts; i++) {
        if (f->parts[i].kind == TP_ALOG_VAR) {
            assert_int_equal(f->parts[i].escape, TP_ALOG_ESC_JSON);
            nvars++;
        }
    }
    assert_int_equal(nvars, 11);
    /* A custom JSON object: in strings or not, escaped (\") quotes kept. */
    f = compiled(load_log(one_stage("REST", "path = \"x.log\"; "
        "format = \" {\\\"a\\\\\\\"$context.stage\\\": \\\"$context.requestId"
        "\\\", \\\"n\\\": $context.status}\";")));
    is_lit(f, 0, " {\"a\\\"");
    is_var(f, 1, TP_CTX_STAGE, TP_ALOG_ESC_JSON);
    is_lit(f, 2, "\": \"");
    is_var(f, 3, TP_CTX_REQUEST_ID, TP_ALOG_ESC_JSON);
    is_lit(f, 4, "\", \"n\": ");
    is_var(f, 5, TP_CTX_STATUS, TP_ALOG_ESC_PLAIN);
    is_lit(f, 6, "}");
    /* Quotes outside a JSON object mean nothing special. */
    f = compiled(load_log(one_stage("REST", "path = \"x.log\"; "
        "format = \"\\\"$context.requestId\\\"\";")));
    is_var(f, 1, TP_CTX_REQUEST_ID, TP_ALOG_ESC_PLAIN);
}

/* ---- custom formats ---- */

static void
test_server__tp_accesslog_conf__custom(void **state)
{
    const struct tp_alog_format *f;

    (void) state;
    f = compiled(load_log(one_stage("REST", "path = \"x.log\"; format = "
        "\"id=$context.requestId $context.identity.sourceIp:"
        "$context.error.responseType|$context.path\";")));
    assert_null(strstr(logbuf, "warn"));
    is_lit(f, 0, "id=");
    is_var(f, 1, TP_CTX_REQUEST_ID, TP_ALOG_ESC_PLAIN);
    is_lit(f, 2, " ");
    is_var(f, 3, TP_CTX_IDENTITY_SOURCE_IP, TP_ALOG_ESC_PLAIN);
    is_lit(f, 4, ":");
    is_var(f, 5, TP_CTX_ERROR_RESPONSE_TYPE, TP_ALOG_ESC_PLAIN);
    is_lit(f, 6, "|");
    is_var(f, 7, TP_CTX_PATH, TP_ALOG_ESC_PLAIN);
    assert_int_equal(f->nparts, 8);
    /* Adjacent variables, a variable alone. */
    f = compiled(load_log(one_stage("REST", "path = \"x.log\"; format = "
        "\"$context.requestId$context.stage\";")));
    is_var(f, 0, TP_CTX_REQUEST_ID, TP_ALOG_ESC_PLAIN);
    is_var(f, 1, TP_CTX_STAGE, TP_ALOG_ESC_PLAIN);
    assert_int_equal(f->nparts, 2);
    /* Not variables: "$context." alone, "$x", "${context.stage}". */
    f = compiled(load_log(one_stage("REST", "path = \"x.log\"; format = "
        "\"$context.requestId $ $x $context. ${context.stage}\";")));
    is_lit(f, 1, " $ $x $context. ${context.stage}");
    assert_int_equal(f->nparts, 2);
    assert_non_null(strstr(logbuf, "${context.name} is not expanded"));
}

static void
test_server__tp_accesslog_conf__trailing_dot(void **state)
{
    const struct tp_alog_format *f;

    (void) state;
    f = compiled(load_log(one_stage("REST", "path = \"x.log\"; format = "
        "\"$context.requestId. $context.status.. ($context.stage).\";")));
    assert_null(strstr(logbuf, "unknown"));
    is_var(f, 0, TP_CTX_REQUEST_ID, TP_ALOG_ESC_PLAIN);
    is_lit(f, 1, ". ");
    is_var(f, 2, TP_CTX_STATUS, TP_ALOG_ESC_PLAIN);
    is_lit(f, 3, ".. (");
    is_var(f, 4, TP_CTX_STAGE, TP_ALOG_ESC_PLAIN);
    is_lit(f, 5, ").");
    assert_int_equal(f->nparts, 6);
}

static void
test_server__tp_accesslog_conf__unknown_variable(void **state)
{
    const struct tp_alog_format *f;
    char want[PATH_MAX + 128];

    (void) state;
    f = compiled(load_log(one_stage("REST", "path = \"x.log\"; format = "
        "\"$context.requestId $context.nope.x_1. $context.identity\";")));
    /* Named with FILE:LINE (the format's line); each prints "-". */
    snprintf(want, sizeof(want), "%s:4: access_log format: unknown variable "
        "$context.nope.x_1 ", path);
    if (strstr(logbuf, want) == NULL) {
        fail_msg("no warning \"%s\" in:\n%s", want, logbuf);
    }
    assert_non_null(strstr(logbuf, "unknown variable $context.identity "));
    is_var(f, 0, TP_CTX_REQUEST_ID, TP_ALOG_ESC_PLAIN);
    is_lit(f, 1, " ");
    is_lit(f, 2, "-");
    is_lit(f, 3, ". ");
    is_lit(f, 4, "-");
    assert_int_equal(f->nparts, 5);
    assert_int_equal(f->nvars, 1);
    assert_int_equal(f->lit_len, 5);
}

static void
test_server__tp_accesslog_conf__request_id_required(void **state)
{
    (void) state;
    load_log(one_stage("REST", "path = \"x.log\"; "
        "format = \"$context.status\";"));
    assert_non_null(strstr(logbuf, "neither $context.requestId nor "
        "$context.extendedRequestId"));
    assert_non_null(strstr(logbuf, ":4: "));
    load_log(one_stage("REST", "path = \"x.log\"; "
        "format = \"$context.extendedRequestId\";"));
    assert_null(strstr(logbuf, "neither"));
    /* HTTP APIs do not require one. */
    load_log(one_stage("HTTP", "path = \"x.log\"; "
        "format = \"$context.status\";"));
    assert_null(strstr(logbuf, "neither"));
}

/* ---- limits and errors ---- */

static void
test_server__tp_accesslog_conf__length_limit(void **state)
{
    char fmt[TP_ACCESSLOG_MAX_FORMAT + 64], alog[sizeof(fmt) + 64];
    const struct tp_alog_format *f;

    (void) state;
    /* Exactly 3 KB is fine. */
    memset(fmt, 'x', sizeof(fmt));
    memcpy(fmt, "$context.requestId ", 19);
    fmt[TP_ACCESSLOG_MAX_FORMAT] = '\0';
    snprintf(alog, sizeof(alog), "path = \"x.log\"; format = \"%s\";", fmt);
    f = compiled(load_log(one_stage("REST", alog)));
    assert_int_equal(f->nparts, 2);
    assert_int_equal(f->parts[1].len, TP_ACCESSLOG_MAX_FORMAT - 18);
    assert_int_equal(f->lit_len, TP_ACCESSLOG_MAX_FORMAT - 18);
    assert_int_equal(f->nvars, 1);
    /* One byte more is an error naming the format's line. */
    fmt[TP_ACCESSLOG_MAX_FORMAT] = 'x';
    fmt[TP_ACCESSLOG_MAX_FORMAT + 1] = '\0';
    snprintf(alog, sizeof(alog), "path = \"x.log\"; format = \"%s\";", fmt);
    load_err(one_stage("REST", alog), 4, "3073 bytes; the limit is 3072");
}

static void
test_server__tp_accesslog_conf__errors(void **state)
{
    (void) state;
    load_err(one_stage("REST", "path = \"x.log\";\n      destination = "
        "\"arn\";"), 5, "unknown setting 'destination' in access_log");
    load_err(one_stage("REST", "format = \"CLF\";"), 4,
        "access_log needs 'path'");
    load_err(one_stage("REST", "path = \"\";"), 4,
        "access_log needs 'path'");
    load_err(one_stage("REST", "path = 1;"), 4,
        "'path' must be a string");
    load_err(one_stage("REST", "path = \"x.log\";\n  format = ( \"CLF\" );"),
        5, "'format' must be a string");
    load_err(one_stage("REST", "path = \"x.log\";\n  format = "
        "\"$context.requestId\\n$context.status\";"), 5, "must be one line");
    load_err(one_stage("REST", "path = \"x.log\";\n  format = "
        "\"a\\rb $context.requestId\";"), 5, "must be one line");
    load_err(one_stage("REST", "path = \"x.log\"; format = \"\";"), 4,
        "access_log format is empty");
    /* The group itself must be a group. */
    load_err(LISTEN "apis = ( { id = \"a\"; stages = ( { name = \"s\";\n"
        "  access_log = \"x.log\"; } ); } );\n", 3,
        "'access_log' must be a group");
}

static void
test_server__tp_accesslog_conf__paths(void **state)
{
    struct tp_model *m;
    char want[PATH_MAX + 32];

    (void) state;
    m = load_log(one_stage("REST", "path = \"logs/x.log\";"));
    snprintf(want, sizeof(want), "%s/logs/x.log", dir);
    assert_string_equal(stage_log(m, 0, 0)->file.path, want);
    m = load_log(one_stage("REST", "path = \"/var/log/t/x.log\";"));
    assert_string_equal(stage_log(m, 0, 0)->file.path, "/var/log/t/x.log");
    assert_int_equal(stage_log(m, 0, 0)->file.src.line, 4);
}

/* ---- files ---- */

static const char files_conf[] =
    LISTEN
    "apis = (\n"
    "  { id = \"a\"; stages = (\n"
    "      { name = \"s1\"; access_log = { path = \"l/one.log\"; }; },\n"
    "      { name = \"s2\"; },\n"
    "      { name = \"s3\"; access_log = { path = \"l/two.log\"; }; } ); },\n"
    "  { id = \"b\"; type = \"HTTP\"; stages = (\n"
    "      { name = \"s1\"; access_log = { path = \"l/one.log\";\n"
    "          format = \"JSON\"; }; },\n"
    "      { name = \"s2\"; access_log = { path = \"l/./two.log\"; }; },\n"
    "      { name = \"s3\"; access_log = { path = \"l/sub/three.log\"; }; }\n"
    "  ); }\n"
    ");\n";

static struct tp_cycle *
files_cycle(const char *text)
{
    struct tp_cycle *cy = calloc(1, sizeof(*cy));

    assert_non_null(cy);
    tp_arena_init(&cy->arena, 16384);
    cy->data_fd = -1;
    cy->model = load_into(&cy->arena, text);
    if (cy->model == NULL) {
        fail_msg("config rejected: %s", err);
    }
    return cy;
}

static void
append(int fd, const char *s)
{
    assert_int_equal(write(fd, s, strlen(s)), (ssize_t) strlen(s));
}

static void
file_is(const char *name, const char *want)
{
    char p[PATH_MAX + 64], got[256];
    ssize_t n;
    int fd;

    snprintf(p, sizeof(p), "%s/%s", dir, name);
    fd = open(p, O_RDONLY);
    if (fd < 0) {
        fail_msg("%s does not exist", p);
    }
    n = read(fd, got, sizeof(got) - 1);
    close(fd);
    got[n > 0 ? n : 0] = '\0';
    assert_string_equal(got, want);
}

static void
test_server__tp_accesslog_conf__open_and_share(void **state)
{
    struct tp_cycle *cy = files_cycle(files_conf);
    const struct tp_model *m = cy->model;
    const struct tp_access_log *one, *two, *b1, *b2, *three;
    char from[PATH_MAX + 32], to[PATH_MAX + 32];
    int fds[8];

    (void) state;
    assert_int_equal(tp_logfile_open_all(cy, err, sizeof(err)), TP_OK);
    one = stage_log(m, 0, 0);
    two = stage_log(m, 0, 2);
    b1 = stage_log(m, 1, 0);
    b2 = stage_log(m, 1, 1);
    three = stage_log(m, 1, 2);
    assert_null(m->apis[0].stages[1].access_log);
    assert_true(one->file.fd >= 0 && two->file.fd >= 0 && three->file.fd >= 0);
    assert_int_not_equal(one->file.fd, two->file.fd);
    /* Same path, or another name of the same file: one descriptor. */
    assert_int_equal(b1->file.fd, one->file.fd);
    assert_int_equal(b2->file.fd, two->file.fd);
    assert_true(fcntl(one->file.fd, F_GETFD) & FD_CLOEXEC);
    assert_true(fcntl(one->file.fd, F_GETFL) & O_APPEND);
    /* The distinct files, in order. */
    assert_int_equal(tp_logfile_fds(m, 0, fds, 8), 3);
    assert_int_equal(fds[0], one->file.fd);
    assert_int_equal(fds[1], two->file.fd);
    assert_int_equal(fds[2], three->file.fd);
    assert_int_equal(tp_logfile_fds(m, 1, fds, 1), 1);
    assert_int_equal(fds[0], two->file.fd);
    assert_int_equal(tp_logfile_fds(m, 2, fds, 8), 1);
    assert_int_equal(fds[0], three->file.fd);
    assert_int_equal(tp_logfile_fds(m, 3, fds, 8), 0);

    append(b1->file.fd, "a\n");
    append(three->file.fd, "c\n");
    file_is("l/one.log", "a\n");
    file_is("l/sub/three.log", "c\n");   /* directories are created */

    /* Reopen after a rotation: the same numbers write to new files. */
    fds[0] = one->file.fd;
    snprintf(from, sizeof(from), "%s/l/one.log", dir);
    snprintf(to, sizeof(to), "%s/l/one.log.1", dir);
    assert_int_equal(rename(from, to), 0);
    tp_logfile_reopen_all(cy);
    assert_int_equal(one->file.fd, fds[0]);
    assert_true(fcntl(one->file.fd, F_GETFD) & FD_CLOEXEC);
    append(b1->file.fd, "b\n");
    file_is("l/one.log", "b\n");
    file_is("l/one.log.1", "a\n");

    /* Freeing the cycle closes them. */
    fds[0] = one->file.fd;
    fds[1] = two->file.fd;
    fds[2] = three->file.fd;
    tp_cycle_free(cy);
    assert_int_equal(fcntl(fds[0], F_GETFD), -1);
    assert_int_equal(fcntl(fds[1], F_GETFD), -1);
    assert_int_equal(fcntl(fds[2], F_GETFD), -1);
}

/* buffer and flush: sizes, the default flush, unbuffered by default. */
static void
test_server__tp_accesslog_conf__buffer(void **state)
{
    const struct tp_model *m;

    (void) state;
    m = load_into(&arena, one_stage("REST", "path = \"x.log\";"));
    assert_non_null(m);
    assert_int_equal(stage_log(m, 0, 0)->file.buffer, 0);
    assert_int_equal(stage_log(m, 0, 0)->file.flush_s, 0);
    m = load_into(&arena, one_stage("REST", "path = \"x.log\"; "
        "buffer = \"64k\";"));
    assert_non_null(m);
    assert_int_equal(stage_log(m, 0, 0)->file.buffer, 65536);
    assert_int_equal(stage_log(m, 0, 0)->file.flush_s, 1);
    m = load_into(&arena, one_stage("REST", "path = \"x.log\"; "
        "buffer = \"1M\"; flush = 60;"));
    assert_non_null(m);
    assert_int_equal(stage_log(m, 0, 0)->file.buffer, 1048576);
    assert_int_equal(stage_log(m, 0, 0)->file.flush_s, 60);
    m = load_into(&arena, one_stage("REST", "path = \"x.log\"; "
        "buffer = 4096; flush = 5;"));
    assert_non_null(m);
    assert_int_equal(stage_log(m, 0, 0)->file.buffer, 4096);
    assert_int_equal(stage_log(m, 0, 0)->file.flush_s, 5);
    m = load_into(&arena, one_stage("REST", "path = \"x.log\"; "
        "buffer = \"0\";"));
    assert_non_null(m);
    assert_int_equal(stage_log(m, 0, 0)->file.buffer, 0);

    load_err(one_stage("REST", "path = \"x.log\";\n  buffer = \"1025k\";"),
        5, "'buffer' = 1049600 is out of range [0, 1048576]");
    load_err(one_stage("REST", "path = \"x.log\";\n  buffer = \"big\";"),
        5, "'buffer': invalid size \"big\"");
    load_err(one_stage("REST", "path = \"x.log\";\n  buffer = true;"),
        5, "'buffer' must be a size");
    load_err(one_stage("REST", "path = \"x.log\"; buffer = \"8k\";\n"
        "  flush = 0;"), 5, "'flush' = 0 is out of range [1, 60]");
    load_err(one_stage("REST", "path = \"x.log\"; buffer = \"8k\";\n"
        "  flush = 61;"), 5, "'flush' = 61 is out of range [1, 60]");
    load_err(one_stage("REST", "path = \"x.log\";\n  flush = 2;"),
        5, "access_log 'flush' needs 'buffer'");
    load_err(one_stage("REST", "path = \"x.log\"; buffer = 0;\n"
        "  flush = 2;"), 5, "access_log 'flush' needs 'buffer'");
}

/*
 * Logs naming one file share its descriptor, so one buffer: the owner
 * takes the larger buffer and the shorter flush; an unbuffered log of a
 * buffered file is buffered with it.
 */
static void
test_server__tp_accesslog_conf__shared_buffer(void **state)
{
    struct tp_cycle *cy = files_cycle(LISTEN
        "apis = ( { id = \"a\"; stages = (\n"
        "  { name = \"s1\"; access_log = { path = \"m/one.log\";\n"
        "      buffer = \"8k\"; flush = 10; }; },\n"
        "  { name = \"s2\"; access_log = { path = \"m/one.log\";\n"
        "      buffer = \"64k\"; flush = 30; }; },\n"
        "  { name = \"s3\"; access_log = { path = \"m/./one.log\";\n"
        "      buffer = \"4k\"; flush = 2; }; },\n"
        "  { name = \"s4\"; access_log = { path = \"m/two.log\"; }; },\n"
        "  { name = \"s5\"; access_log = { path = \"m/two.log\";\n"
        "      buffer = \"16k\"; flush = 7; }; },\n"
        "  { name = \"s6\"; access_log = { path = \"m/three.log\"; }; }\n"
        "); } );\n");
    const struct tp_model *m = cy->model;
    const struct tp_logfile *one, *two, *three;

    (void) state;
    assert_int_equal(tp_logfile_open_all(cy, err, sizeof(err)), TP_OK);
    one = &stage_log(m, 0, 0)->file;
    two = &stage_log(m, 0, 3)->file;
    three = &stage_log(m, 0, 5)->file;
    assert_ptr_equal(one->owner, one);
    assert_ptr_equal(stage_log(m, 0, 1)->file.owner, one);
    assert_ptr_equal(stage_log(m, 0, 2)->file.owner, one);
    assert_int_equal(one->buffer, 65536);
    assert_int_equal(one->flush_s, 2);
    assert_ptr_equal(stage_log(m, 0, 4)->file.owner, two);
    assert_int_equal(two->buffer, 16384);
    assert_int_equal(two->flush_s, 7);
    assert_ptr_equal(three->owner, three);
    assert_int_equal(three->buffer, 0);
    assert_int_equal(one->num, 0);
    assert_int_equal(three->num, 5);
    tp_cycle_free(cy);
}

static void
test_server__tp_accesslog_conf__open_error(void **state)
{
    struct tp_cycle *cy;
    char want[PATH_MAX + 128];
    int ok_fd;

    (void) state;
    cy = files_cycle(LISTEN
        "apis = ( { id = \"a\"; stages = (\n"
        "  { name = \"s1\"; access_log = { path = \"ok.log\"; }; },\n"
        "  { name = \"s2\"; access_log = {\n"
        "      path = \"/dev/null/x.log\"; }; } ); } );\n");
    assert_int_equal(tp_logfile_open_all(cy, err, sizeof(err)), TP_ERROR);
    snprintf(want, sizeof(want), "%s:5: cannot open access log "
        "\"/dev/null/x.log\": ", path);
    if (strncmp(err, want, strlen(want)) != 0) {
        fail_msg("\"%s\" does not start with \"%s\"", err, want);
    }
    /* What was opened before the failure closes with the cycle. */
    ok_fd = stage_log(cy->model, 0, 0)->file.fd;
    assert_true(ok_fd >= 0);
    tp_cycle_free(cy);
    assert_int_equal(fcntl(ok_fd, F_GETFD), -1);
}

/* ---- execution_log ---- */

static const char *
xlog_stage(const char *xlog)
{
    static char text[8192];

    snprintf(text, sizeof(text),
        LISTEN
        "apis = ( { id = \"a\";\n"
        "  stages = ( { name = \"s\";\n"
        "    execution_log = { %s };\n"
        "  } );\n"
        "} );\n", xlog);
    return text;
}

static void
test_server__tp_accesslog_conf__execlog_levels(void **state)
{
    const struct tp_exec_log *xl;
    struct tp_model *m;

    (void) state;
    m = load_log(xlog_stage("path = \"x.log\";"));
    xl = m->apis[0].stages[0].exec_log;
    assert_non_null(xl);
    assert_int_equal(xl->level, TP_XLOG_ERROR);     /* the default */
    assert_false(xl->data_trace);
    assert_ptr_equal(m->logfiles, &xl->file);
    assert_string_equal(xl->file.what, "execution log");
    assert_int_equal(xl->file.src.line, 4);
    m = load_log(xlog_stage("path = \"x.log\"; level = \"INFO\"; "
        "data_trace = true;"));
    xl = m->apis[0].stages[0].exec_log;
    assert_int_equal(xl->level, TP_XLOG_INFO);
    assert_true(xl->data_trace);
    /* OFF: no lines, no file (not even a path is needed) */
    m = load_log(xlog_stage("level = \"OFF\";"));
    assert_null(m->apis[0].stages[0].exec_log);
    assert_null(m->logfiles);
}

static void
test_server__tp_accesslog_conf__execlog_errors(void **state)
{
    (void) state;
    load_err(xlog_stage("path = \"x.log\"; level = \"DEBUG\";"), 4,
        "execution_log 'level' must be \"OFF\", \"ERROR\" or \"INFO\", "
        "not \"DEBUG\"");
    load_err(xlog_stage("level = \"INFO\";"), 4,
        "execution_log needs 'path'");
    load_err(xlog_stage("path = \"x.log\"; data_trace = 1;"), 4,
        "'data_trace' must be true or false");
    load_err(xlog_stage("path = \"x.log\"; format = \"CLF\";"), 4,
        "format");
}

static void
test_server__tp_accesslog_conf__execlog_files(void **state)
{
    struct tp_cycle *cy = files_cycle(LISTEN
        "apis = ( { id = \"a\"; stages = (\n"
        "  { name = \"s1\"; access_log = { path = \"one.log\"; };\n"
        "    execution_log = { path = \"exec.log\"; }; },\n"
        "  { name = \"s2\"; execution_log = { path = \"one.log\";\n"
        "      level = \"INFO\"; }; } ); } );\n");
    const struct tp_model *m = cy->model;
    const struct tp_exec_log *x1, *x2;
    int fds[8];

    (void) state;
    assert_int_equal(tp_logfile_open_all(cy, err, sizeof(err)), TP_OK);
    x1 = m->apis[0].stages[0].exec_log;
    x2 = m->apis[0].stages[1].exec_log;
    /* An execution log naming an access log's file shares its fd. */
    assert_int_equal(x2->file.fd, stage_log(m, 0, 0)->file.fd);
    assert_int_not_equal(x1->file.fd, x2->file.fd);
    /* Registration order: s1's access log, s1's execution log. */
    assert_int_equal(tp_logfile_fds(m, 0, fds, 8), 2);
    assert_int_equal(fds[0], stage_log(m, 0, 0)->file.fd);
    assert_int_equal(fds[1], x1->file.fd);
    append(x1->file.fd, "x\n");
    file_is("exec.log", "x\n");
    tp_cycle_free(cy);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
        T(test_server__tp_accesslog_conf__default_is_clf),
        T(test_server__tp_accesslog_conf__execlog_levels),
        T(test_server__tp_accesslog_conf__execlog_errors),
        T(test_server__tp_accesslog_conf__execlog_files),
        T(test_server__tp_accesslog_conf__named_formats),
        T(test_server__tp_accesslog_conf__clf_parts),
        T(test_server__tp_accesslog_conf__escape_free),
        T(test_server__tp_accesslog_conf__json_strings),
        T(test_server__tp_accesslog_conf__custom),
        T(test_server__tp_accesslog_conf__trailing_dot),
        T(test_server__tp_accesslog_conf__unknown_variable),
        T(test_server__tp_accesslog_conf__request_id_required),
        T(test_server__tp_accesslog_conf__length_limit),
        T(test_server__tp_accesslog_conf__errors),
        T(test_server__tp_accesslog_conf__paths),
        T(test_server__tp_accesslog_conf__open_and_share),
        T(test_server__tp_accesslog_conf__buffer),
    T(test_server__tp_accesslog_conf__shared_buffer),
    T(test_server__tp_accesslog_conf__open_error),
#undef T
    };

    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
