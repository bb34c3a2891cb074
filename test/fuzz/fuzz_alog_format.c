/*
 * fuzz_alog_format.c: libFuzzer target for the access-log format compiler
 * (tp_accesslog_compile(), server/tp_accesslog_conf.c), which turns an
 * access_log format of the config into literal and $context variable
 * parts that workers render every line from.
 *
 * The first byte picks the API type (bit 0: HTTP), the rest is the
 * format.  Invariants CHECK()ed:
 * - compile fails, with a non-empty message, exactly when the format is
 *   empty, longer than TP_ACCESSLOG_MAX_FORMAT or more than one line;
 * - the parts spell the format back, in order and to its end: a literal
 *   is the format's text there, or "-" for an unknown $context variable;
 *   a variable is "$context." and its name (a claim's or an authorizer
 *   context key's name beside it);
 * - every literal part has TP_ALOG_LIT_SLACK bytes readable from its
 *   start (workers copy short ones with one fixed-size move);
 * - counts: nvars variables (at most TP_ACCESSLOG_MAX_VARS), lit_len the
 *   literals' bytes, ids below TP_CTX__COUNT, escape_free as
 *   tp_accesslog_escape_free() says, JSON escaping only in a format that
 *   is a JSON object.
 *
 * Without TP_LIBFUZZER, main() (tp_fuzz.h) replays the corpus: make
 * fuzz-replay.
 */
#include "tp_accesslog_conf.h"
#include "tp_ctxvars.h"
#include "tp_log.h"

#include "tp_fuzz.h"

static bool
name_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')
        || (ch >= '0' && ch <= '9') || ch == '_' || ch == '.';
}

static bool
at(const char *f, size_t n, size_t pos, const char *s, size_t len)
{
    return pos + len <= n && memcmp(f + pos, s, len) == 0;
}

/* Where the unknown variable at f[pos] ("$context." seen) ends. */
static size_t
skip_unknown(const char *f, size_t n, size_t pos)
{
    size_t name = pos + 9, end = name;

    while (end < n && name_char(f[end])) {
        end++;
    }
    while (end > name && f[end - 1] == '.') {
        end--;
    }
    CHECK(end > name && tp_ctxvar_id(f + name, end - name) < 0);
    return end;
}

static size_t
check_var(const char *f, size_t n, size_t pos, const struct tp_alog_part *pt)
{
    const char *name;
    size_t len;

    CHECK(pt->var < TP_CTX__COUNT);
    CHECK(pt->escape_free == tp_accesslog_escape_free(pt->var));
    CHECK(at(f, n, pos, "$context.", 9));
    pos += 9;
    if (pt->var == TP_CTX_AUTHORIZER_CLAIMS && pt->len > 0) {
        CHECK(at(f, n, pos, "authorizer.claims.", 18));
        pos += 18;
    } else if (pt->var == TP_CTX_AUTHORIZER_CONTEXT) {
        CHECK(at(f, n, pos, "authorizer.", 11));
        pos += 11;
    } else {
        name = tp_ctxvar_name((enum tp_ctxvar) pt->var);
        CHECK(name != NULL && tp_ctxvar_id(name, strlen(name)) == pt->var);
        len = strlen(name);
        CHECK(at(f, n, pos, name, len));
        return pos + len;
    }
    CHECK(pt->len > 0 && at(f, n, pos, pt->p, pt->len));
    return pos + pt->len;
}

static void
check_parts(const char *f, size_t n, enum tp_api_type type,
    const struct tp_alog_format *out)
{
    bool json = f[strspn(f, " \t")] == '{';
    size_t pos = 0, lit_len = 0, k;
    unsigned i, nvars = 0;
    volatile char sink = 0;

    CHECK(out->nvars <= TP_ACCESSLOG_MAX_VARS);
    for (i = 0; i < out->nparts; i++) {
        const struct tp_alog_part *pt = &out->parts[i];

        CHECK(json || pt->escape == TP_ALOG_ESC_PLAIN);
        if (pt->kind == TP_ALOG_VAR) {
            nvars++;
            pos = check_var(f, n, pos, pt);
            continue;
        }
        CHECK(pt->kind == TP_ALOG_LIT && pt->len > 0 && pt->p != NULL);
        for (k = 0; k < TP_MAX(pt->len, TP_ALOG_LIT_SLACK); k++) {
            sink ^= pt->p[k];        /* ASan: the slack is readable */
        }
        lit_len += pt->len;
        if (at(f, n, pos, pt->p, pt->len)) {
            pos += pt->len;
        } else {
            CHECK(pt->len == 1 && pt->p[0] == '-');
            CHECK(at(f, n, pos, "$context.", 9));
            pos = skip_unknown(f, n, pos);
        }
    }
    (void) sink;
    (void) type;
    CHECK(pos == n);
    CHECK(nvars == out->nvars && lit_len == out->lit_len);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tp_conf_opts opts = { "fuzz.conf", NULL, false };
    struct tp_alog_format out;
    struct tp_conf_ctx c;
    enum tp_api_type type;
    struct tp_arena a;
    char err[512], *z;
    bool bad;
    size_t n;
    int rc;

    if (size == 0) {
        return 0;
    }
    tp_log_level = TP_LOG_ERROR;     /* unknown variables only warn */
    type = (data[0] & 1) ? TP_API_HTTP : TP_API_REST;
    z = malloc(size);
    CHECK(z != NULL);
    memcpy(z, data + 1, size - 1);
    z[size - 1] = '\0';
    n = strlen(z);
    tp_arena_init(&a, 4096);
    memset(&c, 0, sizeof(c));
    c.a = &a;
    c.opts = &opts;
    c.err = err;
    c.errlen = sizeof(err);
    err[0] = '\0';
    memset(&out, 0, sizeof(out));
    rc = tp_accesslog_compile(&c, NULL, type, z, &out);
    bad = n == 0 || n > TP_ACCESSLOG_MAX_FORMAT || strpbrk(z, "\r\n") != NULL;
    if (rc != TP_OK) {
        CHECK(rc == TP_ERROR && bad && c.failed && err[0] != '\0');
    } else {
        CHECK(!bad);
        check_parts(z, n, type, &out);
    }
    tp_arena_free(&a);
    free(z);
    return 0;
}
