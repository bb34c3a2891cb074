/*
 * fuzz_openapi.c: libFuzzer target for the JSON layer (tp_json.c), which
 * workers run on request and response bodies, and the OpenAPI importer
 * (tp_openapi*.c) the master runs on API definitions.
 *
 * Each input is parsed as JSON; when it parses, every token's pointer
 * must lead back to a token with the same pointer, strings must compare
 * equal to their own unescaped text, lines must be in range.  The input is
 * also used as a JSONPath and as a JSON pointer on a fixed document, and
 * imported as an OpenAPI document into a throwaway REST API and HTTP API
 * (nothing touches the disk; warnings are silenced).
 *
 * Without TP_LIBFUZZER, main() replays every regular file in the directories
 * (or files) named on the command line: make fuzz-replay.
 */
#include "tp_conf_int.h"
#include "tp_json.h"
#include "tp_log.h"
#include "tp_openapi.h"

#include "tp_fuzz.h"

#include <stdio.h>
#include <stdlib.h>

#define MAX_POINTERS 2000            /* pointer checks per input */

static const char fixed_doc[] =
    "{\"a\": {\"b\": [1, {\"c\": \"x\\u00e9\"}, [true, null]]}, "
    "\"a.b\": 2, \"~/\": {\"\": 3}, \"e\\\"q\": []}";

/* Pointers through a key holding "\u0000" are cut short as C strings. */
static bool
has_nul_escape(const struct tp_json *d)
{
    return memmem(d->buf, d->len, "\\u0000", 6) != NULL;
}

/* Whether some object repeats a key: pointers then name the first. */
static bool
has_dup_keys(const struct tp_json *d, struct tp_arena *a)
{
    const struct tp_json_tok *t;
    char *s;
    int k;

    for (k = 1; k < d->ntoks; k++) {
        t = &d->toks[k];
        if (t->type != TP_JSON_STRING
            || d->toks[t->parent].type != TP_JSON_OBJECT)
        {
            continue;
        }
        s = tp_json_str(d, k, a, NULL);
        if (s != NULL && tp_json_get(d, t->parent, s) != k + 1) {
            return true;
        }
    }
    return false;
}

static void
check_token(struct tp_json *d, struct tp_arena *a, int i, bool exact)
{
    struct tp_str raw = tp_json_raw(d, i);
    const struct tp_json_tok *t = &d->toks[i];
    char *s, *p;
    size_t len;
    int back, line;

    CHECK(t->start >= 0 && t->start <= t->end && (size_t) t->end <= d->len);
    CHECK(t->next > i && t->next <= d->ntoks);
    CHECK(i == 0 || (t->parent >= 0 && t->parent < i));
    CHECK(tp_json_text(d, i, a).p != NULL);
    line = tp_json_line(d, i);
    CHECK(line >= 1 && line <= d->nlines);
    if (t->type == TP_JSON_STRING) {
        s = tp_json_str(d, i, a, &len);
        CHECK(s != NULL && len <= raw.len && s[len] == '\0');
        CHECK(tp_json_streq(d, i, s, len));
        CHECK(!tp_json_streq(d, i, s, len + 1));
    }
    if (i >= MAX_POINTERS) {
        return;
    }
    p = tp_json_pointer(d, i, a);
    CHECK(p != NULL);
    back = tp_json_pointer_get(d, p);
    if (back >= 0) {
        CHECK(strcmp(tp_json_pointer(d, back, a), p) == 0);
    } else {                         /* longer segments: never found */
        CHECK(!exact || strlen(p) >= 1000);
    }
}

static void
fuzz_json(const char *buf, size_t size)
{
    struct tp_arena a;
    struct tp_json d;
    char err[256];
    int i, k, n;
    bool exact;

    tp_arena_init(&a, 16384);
    if (tp_json_parse(&d, &a, buf, size, err, sizeof(err)) != TP_OK) {
        CHECK(err[0] >= '1' && err[0] <= '9' && strstr(err, ": ") != NULL);
        tp_arena_free(&a);
        return;
    }
    CHECK(d.ntoks > 0 && d.toks[0].next == d.ntoks);
    exact = !has_nul_escape(&d) && !has_dup_keys(&d, &a);
    for (i = 0; i < d.ntoks; i++) {
        check_token(&d, &a, i, exact);
        if (d.toks[i].type == TP_JSON_OBJECT
            || d.toks[i].type == TP_JSON_ARRAY)
        {
            for (n = 0, k = tp_json_child(&d, i); k >= 0;
                k = tp_json_next(&d, k))
            {
                n++;
            }
            CHECK(n == d.toks[i].size);
        }
    }
    tp_arena_free(&a);
}

/* The input as a JSONPath and as a pointer into a fixed document. */
static void
fuzz_queries(const char *buf, size_t size)
{
    struct tp_arena a;
    struct tp_json d;
    char err[256], *ptr;
    int t;

    tp_arena_init(&a, 4096);
    CHECK(tp_json_parse(&d, &a, fixed_doc, sizeof(fixed_doc) - 1, err,
        sizeof(err)) == TP_OK);
    t = tp_json_path(&d, 0, buf, size);
    CHECK(t >= -1 && t < d.ntoks);
    ptr = tp_arena_strndup(&a, buf, size);
    CHECK(ptr != NULL);
    t = tp_json_pointer_get(&d, ptr);
    CHECK(t >= -1 && t < d.ntoks);
    tp_arena_free(&a);
}

static void
fuzz_import(const char *buf, size_t size, enum tp_api_type type)
{
    static const struct tp_conf_opts opts = { "fuzz.conf", NULL, false };
    struct tp_conf_ctx c;
    struct tp_model m;
    struct tp_api api;
    struct tp_arena a;
    char err[1024];
    int rc;

    tp_arena_init(&a, 16384);
    memset(&m, 0, sizeof(m));
    memset(&api, 0, sizeof(api));
    memset(&c, 0, sizeof(c));
    api.id = "f";
    api.id_len = 1;
    api.type = type;
    m.apis = &api;
    m.napis = 1;
    m.server.region = "us-east-1";   /* as tp_conf_server() sets them */
    m.server.account_id = "123456789012";
    c.a = &a;
    c.m = &m;
    c.opts = &opts;
    c.dir = "/nonexistent";
    c.err = err;
    c.errlen = sizeof(err);
    err[0] = '\0';
    rc = tp_openapi_import_buffer(&c, &api, "fuzz.json", buf, size);
    CHECK(rc == TP_OK || rc == TP_ERROR);
    CHECK((rc == TP_ERROR) == c.failed);
    CHECK(rc == TP_OK || strncmp(err, "fuzz.json:", 10) == 0);
    tp_arena_free(&a);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *d = (const char *) data;

    tp_log_level = TP_LOG_ERROR;     /* importer warnings: not here */
    fuzz_json(d, size);
    fuzz_queries(d, size);
    fuzz_import(d, size, TP_API_REST);
    fuzz_import(d, size, TP_API_HTTP);
    return 0;
}
