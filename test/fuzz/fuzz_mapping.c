/*
 * fuzz_mapping.c: libFuzzer target for parameter-mapping expressions
 * (server/tp_expr.c): tp_mapping_compile(), tp_expr_rest() and
 * tp_expr_http(), which the master runs on every requestParameters /
 * responseParameters entry of the config and of imported OpenAPI files.
 *
 * The first byte picks the dialect (low bits, enum tp_map_dialect) and,
 * with bit 7, a bare value expression instead of a key/value pair; the
 * rest is "<key>\n<value>" (or the value).  Invariants CHECK()ed:
 * - a failure leaves a non-empty error message;
 * - an accepted mapping has a non-empty target name, an action and a
 *   target its dialect allows (REST: set header/querystring/path, method
 *   responses headers only; HTTP: overwrite:path only in requests,
 *   overwrite:statuscode only in responses, remove without a value), and
 *   its name is the key's text after the location;
 * - an HTTP header target is never a reserved header (http-api.md 4);
 * - a header or query target's name (it goes raw into the request or
 *   response) has only [A-Za-z0-9._$-], in every dialect;
 * - an expression's parts have valid kinds, names of their length (no
 *   NUL inside); a REST expression is one part; the static parts of an
 *   HTTP expression are, in order, a subsequence of the value;
 * - compiling the same input twice gives the same parts.
 *
 * Without TP_LIBFUZZER, main() (tp_fuzz.h) replays the corpus: make
 * fuzz-replay.
 */
#include "tp_expr.h"


#include "tp_fuzz.h"

static void
check_expr(const struct tp_expr *e)
{
    unsigned i;

    CHECK(e->nparts == 0 || e->parts != NULL);
    for (i = 0; i < e->nparts; i++) {
        const struct tp_expr_part *p = &e->parts[i];

        CHECK(p->kind <= TP_EX_RESP_BODY);
        CHECK(p->name != NULL && strlen(p->name) == p->len);
    }
}

static bool
same_expr(const struct tp_expr *a, const struct tp_expr *b)
{
    unsigned i;

    if (a->nparts != b->nparts) {
        return false;
    }
    for (i = 0; i < a->nparts; i++) {
        if (a->parts[i].kind != b->parts[i].kind
            || strcmp(a->parts[i].name, b->parts[i].name) != 0)
        {
            return false;
        }
    }
    return true;
}

/* The static parts of an HTTP expression, in order, come from <value>. */
static void
check_http_statics(const struct tp_expr *e, const char *value)
{
    const char *at = value, *hit;
    unsigned i;

    for (i = 0; i < e->nparts; i++) {
        if (e->parts[i].kind == TP_EX_STATIC) {
            hit = strstr(at, e->parts[i].name);
            CHECK(hit != NULL);
            at = hit + e->parts[i].len;
        }
    }
}

static void
check_mapping(enum tp_map_dialect d, const char *key,
    const struct tp_mapping *m)
{
    bool http = d == TP_MAP_HTTP_REQUEST || d == TP_MAP_HTTP_RESPONSE;
    size_t klen = strlen(key), nlen;

    CHECK(m->name != NULL && m->name[0] != '\0');
    nlen = strlen(m->name);
    CHECK(m->target <= TP_MT_STATUS && m->action <= TP_MA_REMOVE);
    if (!http) {
        CHECK(m->action == TP_MA_SET && m->target <= TP_MT_HEADER);
        CHECK(d != TP_MAP_REST_RESPONSE || m->target == TP_MT_HEADER);
        CHECK(m->value.nparts == 1);
    } else {
        CHECK(m->action != TP_MA_SET);
        CHECK(m->target != TP_MT_PATH_WHOLE
              || (d == TP_MAP_HTTP_REQUEST && m->action == TP_MA_OVERWRITE));
        CHECK(m->target != TP_MT_STATUS
              || (d == TP_MAP_HTTP_RESPONSE && m->action == TP_MA_OVERWRITE));
        CHECK(m->target != TP_MT_PATH);
        CHECK(m->action != TP_MA_REMOVE || m->value.nparts == 0);
        CHECK(m->target != TP_MT_HEADER || !tp_mapping_reserved(m->name));
    }
    if (m->target == TP_MT_HEADER || m->target == TP_MT_QUERY) {
        CHECK(strspn(m->name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRS"
            "TUVWXYZ0123456789._$-") == nlen);
    }
    if (m->target <= TP_MT_HEADER) {
        CHECK(nlen < klen && strcmp(key + klen - nlen, m->name) == 0);
    }
    check_expr(&m->value);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    enum tp_map_dialect d;
    struct tp_mapping m1, m2;
    struct tp_expr e1, e2;
    struct tp_arena a;
    char err[512], *z, *value;
    const char *key;
    bool bare;
    int rc, rc2;

    if (size == 0) {
        return 0;
    }
    d = (enum tp_map_dialect) ((data[0] & 0x7f) % 5);
    bare = (data[0] & 0x80) != 0;
    z = malloc(size);
    CHECK(z != NULL);
    memcpy(z, data + 1, size - 1);
    z[size - 1] = '\0';
    value = bare ? NULL : strchr(z, '\n');
    if (value != NULL) {
        *value++ = '\0';
        key = z;
    } else {
        key = "";
        value = z;
    }
    tp_arena_init(&a, 4096);
    err[0] = '\0';
    if (bare) {
        memset(&e1, 0, sizeof(e1));
        memset(&e2, 0, sizeof(e2));
        if (d >= TP_MAP_HTTP_REQUEST) {
            rc = tp_expr_http(&a, d == TP_MAP_HTTP_RESPONSE, value, &e1, err,
                sizeof(err));
            rc2 = tp_expr_http(&a, d == TP_MAP_HTTP_RESPONSE, value, &e2,
                err, sizeof(err));
        } else {
            rc = tp_expr_rest(&a, d, value, &e1, err, sizeof(err));
            rc2 = tp_expr_rest(&a, d, value, &e2, err, sizeof(err));
        }
        CHECK(rc == rc2 && (rc == TP_OK || rc == TP_ERROR));
        if (rc != TP_OK) {
            CHECK(err[0] != '\0');
            goto done;
        }
        check_expr(&e1);
        CHECK(same_expr(&e1, &e2));
        if (d >= TP_MAP_HTTP_REQUEST) {
            check_http_statics(&e1, value);
        } else {
            CHECK(e1.nparts == 1);
        }
        goto done;
    }
    rc = tp_mapping_compile(&a, d, key, value, &m1, err, sizeof(err));
    rc2 = tp_mapping_compile(&a, d, key, value, &m2, err, sizeof(err));
    CHECK(rc == rc2 && (rc == TP_OK || rc == TP_ERROR));
    if (rc != TP_OK) {
        CHECK(err[0] != '\0');
        goto done;
    }
    check_mapping(d, key, &m1);
    CHECK(m1.target == m2.target && m1.action == m2.action
          && strcmp(m1.name, m2.name) == 0 && same_expr(&m1.value, &m2.value));
    if (d >= TP_MAP_HTTP_REQUEST && m1.action != TP_MA_REMOVE) {
        check_http_statics(&m1.value, value);
    }
done:
    tp_arena_free(&a);
    free(z);
    return 0;
}
