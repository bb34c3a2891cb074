/*
 * fuzz_tmpl.c: libFuzzer target for the mapping-template engine
 * (server/tp_tmpl.c): the master compiles templates from the config and
 * from OpenAPI files, which anyone may have exported; workers render them
 * with values from the request, which a client writes.
 *
 * The input is the template.  The resolver stands in for the worker's:
 * it returns values derived from the input (the variable's name, or a
 * slice of the template), declines, or gives a fixed byte, as the mode
 * of one render asks.  Invariants CHECK()ed:
 * - compile is TP_OK with a compiled form, or TP_DECLINED with a
 *   non-empty message, no compiled form, and a '#' or "util." in the
 *   text (only VTL is declined);
 * - every name the resolver is given lies inside the template, with a
 *   valid kind, and a $context name is non-empty;
 * - a render is NUL-terminated at its length and deterministic (twice
 *   the same bytes);
 * - a resolver that declines everything gives the template back
 *   unchanged when it has no quiet "$!" reference, and never anything
 *   longer than the template;
 * - a resolver that answers "" gives a subsequence of the template; one
 *   that answers one byte gives exactly one byte more per variable;
 * - rendering an uncompiled template is TP_ERROR.
 *
 * Without TP_LIBFUZZER, main() (tp_fuzz.h) replays the corpus: make
 * fuzz-replay.
 */
#include "tp_tmpl.h"

#include "tp_fuzz.h"

enum fuzz_mode {
    FM_DECLINE = 0,                  /* every value null */
    FM_EMPTY,                        /* every value "" */
    FM_BYTE,                         /* every value "X" */
    FM_DERIVED                       /* the name, or a slice of the text */
};

struct fuzz_ctx {
    const char *text;
    size_t len;
    enum fuzz_mode mode;
    unsigned calls;
};

static int
fuzz_var(void *ctx, enum tp_tmpl_var kind, const char *name, size_t len,
    struct tp_arena *a, struct tp_str *out)
{
    struct fuzz_ctx *fc = ctx;
    size_t off;

    fc->calls++;
    CHECK(kind <= TP_TV_INPUT_PARAM_HEADER);
    CHECK(len == 0 || (name >= fc->text && name + len <= fc->text + fc->len));
    if (kind == TP_TV_CONTEXT) {
        CHECK(len > 0);
    }
    switch (fc->mode) {
    case FM_DECLINE:
        return TP_DECLINED;
    case FM_EMPTY:
        *out = TP_STR("");
        return TP_OK;
    case FM_BYTE:
        *out = TP_STR("X");
        return TP_OK;
    default:
        break;
    }
    /* Every third call declines; the others answer the name, or the
     * text from the name on (values may hold '$' and quotes). */
    if (fc->calls % 3 == 0) {
        return TP_DECLINED;
    }
    if (fc->calls % 3 == 1) {
        out->p = tp_arena_strndup(a, name, len);
        out->len = len;
        return out->p != NULL ? TP_OK : TP_ERROR;
    }
    off = len == 0 ? 0 : (size_t) (name - fc->text);
    *out = (struct tp_str) { fc->text + off, fc->len - off };
    return TP_OK;
}

static struct tp_str
render(const struct tp_template *t, struct fuzz_ctx *fc, enum fuzz_mode m,
    struct tp_arena *a)
{
    struct tp_str out;

    fc->mode = m;
    fc->calls = 0;
    CHECK(tp_tmpl_render(t, fuzz_var, fc, a, &out) == TP_OK);
    CHECK(out.p != NULL && out.p[out.len] == '\0');
    return out;
}

/* Whether <s> is <t> with some bytes left out. */
static bool
subsequence(struct tp_str s, const char *t, size_t n)
{
    size_t i = 0, j;

    for (j = 0; j < n && i < s.len; j++) {
        if (s.p[i] == t[j]) {
            i++;
        }
    }
    return i == s.len;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tp_template t = { "application/json", NULL, NULL };
    struct fuzz_ctx fc;
    struct tp_arena a;
    struct tp_str o1, o2, empty;
    unsigned nvars;
    char err[256], *z;
    int rc;

    z = malloc(size + 1);
    CHECK(z != NULL);
    memcpy(z, data, size);
    z[size] = '\0';
    t.text = z;
    fc = (struct fuzz_ctx) { z, strlen(z), FM_DECLINE, 0 };
    tp_arena_init(&a, 4096);
    err[0] = '\0';
    rc = tp_tmpl_compile(&a, &t, err, sizeof(err));
    if (rc == TP_DECLINED) {
        CHECK(t.compiled == NULL && err[0] != '\0');
        CHECK(strchr(z, '#') != NULL || strstr(z, "util.") != NULL);
        CHECK(tp_tmpl_render(&t, fuzz_var, &fc, &a, &o1) == TP_ERROR);
        goto done;
    }
    CHECK(rc == TP_OK && t.compiled != NULL);

    o1 = render(&t, &fc, FM_DECLINE, &a);
    CHECK(o1.len <= fc.len);
    if (strstr(z, "$!") == NULL) {
        CHECK(o1.len == fc.len && memcmp(o1.p, z, fc.len) == 0);
    }
    empty = render(&t, &fc, FM_EMPTY, &a);
    nvars = fc.calls;
    CHECK(subsequence(empty, z, fc.len));
    o1 = render(&t, &fc, FM_BYTE, &a);
    CHECK(fc.calls == nvars && o1.len == empty.len + nvars);

    o1 = render(&t, &fc, FM_DERIVED, &a);
    o2 = render(&t, &fc, FM_DERIVED, &a);
    CHECK(o1.len == o2.len && memcmp(o1.p, o2.p, o1.len) == 0);
done:
    tp_arena_free(&a);
    free(z);
    return 0;
}
