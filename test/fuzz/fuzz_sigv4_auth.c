/*
 * fuzz_sigv4_auth.c: libFuzzer target for SigV4 (tp_sigv4*.c), which
 * workers will run on headers and queries every client controls.
 *
 * The first byte picks what the rest is (its value mod 5; seeds use the
 * letters A-E):
 *  A  an Authorization value: parsed (slices stay inside it, a refused
 *     element has no '=' and no separator) and verified;
 *  B  a raw query: parsed and verified as a presigned request;
 *  C  a raw path: the canonical URI has only unreserved bytes, '/' and
 *     upper-case %XX; normalized, it has no empty, "." or ".." segment
 *     and is its own canonical form once decoded; not normalized, it
 *     decodes back to the path;
 *  D  a raw query: the canonical query string has only unreserved bytes,
 *     '%XX', '=' and '&', is its own canonical form, and has no
 *     X-Amz-Signature when told to leave it out;
 *  E  "path\nquery\nvalue": signed in the header form and presigned (with
 *     an X-Custom: value header), each verifies, and not with another
 *     method.
 * Every verification ends with a known status and, unless OK, a
 * NUL-ended message of the length it claims.
 *
 * Without TP_LIBFUZZER, main() (tp_fuzz.h) replays the corpus: make
 * fuzz-replay.
 */
#include "tp_sigv4.h"

#include "tp_fuzz.h"

#define NOW 1705311000LL             /* 20240115T093000Z */

static int
lookup(void *ctx, struct tp_str akid, struct tp_sigv4_key *key)
{
    (void) ctx;
    if (akid.len != 11 || memcmp(akid.p, "AKIDEXAMPLE", 11) != 0) {
        return TP_DECLINED;
    }
    key->secret = TP_STR("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    key->token = TP_NULL_STR;
    key->token_expires = 0;
    return TP_OK;
}

static const struct tp_sigv4_conf conf = {
    .region = TP_STR("us-east-1"),
    .service = TP_STR(TP_SIGV4_SERVICE),
    .lookup = lookup,
};

static bool
inside(struct tp_str s, const char *p, size_t n)
{
    return s.p == NULL || s.len == 0
           || (s.p >= p && s.len <= n && s.p + s.len <= p + n);
}

static enum tp_sigv4_status
verify(const struct tp_sigv4_req *req, struct tp_arena *a)
{
    struct tp_sigv4_result res;
    enum tp_sigv4_status st = tp_sigv4_verify(&conf, req, NOW, a, &res);

    CHECK(st == res.status && st >= TP_SIGV4_OK
          && st <= TP_SIGV4_INTERNAL);
    CHECK(st == TP_SIGV4_OK
          ? res.message == NULL
          : res.message != NULL
            && strlen(res.message) == res.message_len
            && tp_sigv4_error_type(st) != NULL);
    return st;
}

/* A: the Authorization value <v, n>. */
static void
fz_header(const char *v, size_t n, struct tp_arena *a)
{
    struct tp_sigv4_hdr h[] = {
        { TP_STR("Host"), TP_STR("h.example.com") },
        { TP_STR("X-Amz-Date"), TP_STR("20240115T093000Z") },
        { TP_STR("Authorization"), { v, n } },
    };
    struct tp_sigv4_req req = {
        .method = TP_STR("GET"), .path = TP_STR("/"), .hdrs = h,
        .nhdrs = 3,
    };
    struct tp_sigv4_auth auth;
    struct tp_str bad;
    size_t i;

    memset(&auth, 0, sizeof(auth));
    if (tp_sigv4_parse_header((struct tp_str) { v, n }, &auth, &bad)
        == TP_OK)
    {
        CHECK(inside(auth.algorithm, v, n) && inside(auth.credential, v, n)
              && inside(auth.signed_headers, v, n)
              && inside(auth.signature, v, n));
    } else {
        CHECK(bad.len > 0 && inside(bad, v, n));
        for (i = 0; i < bad.len; i++) {
            CHECK(bad.p[i] != '=' && bad.p[i] != ',' && bad.p[i] != ' '
                  && bad.p[i] != '\t');
        }
    }
    verify(&req, a);
}

/* B: the query <q, n> of a request without Authorization. */
static void
fz_query(const char *q, size_t n, struct tp_arena *a)
{
    struct tp_sigv4_hdr h[] = {
        { TP_STR("Host"), TP_STR("h.example.com") },
    };
    struct tp_sigv4_req req = {
        .method = TP_STR("GET"), .path = TP_STR("/"), .query = { q, n },
        .hdrs = h, .nhdrs = 1,
    };

    verify(&req, a);
}

static bool
upper_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
}

static int
hexval(char c)
{
    return c <= '9' ? c - '0' : c - 'A' + 10;
}

/* Only unreserved bytes, %XX and the bytes of <extra>; decoded in <dec>. */
static size_t
check_encoded(struct tp_str s, const char *extra, char *dec)
{
    size_t i, o = 0;
    unsigned char c;

    for (i = 0; i < s.len; i++) {
        c = (unsigned char) s.p[i];
        if (c == '%') {
            CHECK(i + 2 < s.len && upper_hex(s.p[i + 1])
                  && upper_hex(s.p[i + 2]));
            dec[o++] = (char) (hexval(s.p[i + 1]) << 4 | hexval(s.p[i + 2]));
            i += 2;
            continue;
        }
        CHECK((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
              || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'
              || c == '~' || strchr(extra, c) != NULL);
        dec[o++] = (char) c;
    }
    return o;
}

/* C: the raw path <p, n>. */
static void
fz_path(const char *p, size_t n, struct tp_arena *a)
{
    struct tp_str out, again, seg;
    char *dec = malloc(3 * n + 2);
    size_t len, i, start;

    CHECK(dec != NULL);
    CHECK(tp_sigv4_canon_uri(a, (struct tp_str) { p, n }, true, &out)
          == TP_OK);
    len = check_encoded(out, "/", dec);
    CHECK(n == 0 ? len == 1 && dec[0] == '/'
                 : len == n && memcmp(dec, p, n) == 0);
    CHECK(tp_sigv4_canon_uri(a, (struct tp_str) { p, n }, false, &out)
          == TP_OK);
    CHECK(out.len > 0);
    len = check_encoded(out, "/", dec);
    for (i = 0, start = 0; i <= len; i++) {
        if (i < len && dec[i] != '/') {
            continue;
        }
        seg = (struct tp_str) { dec + start, i - start };
        /* Empty segments only at the ends ("/", "/a/", "a/"). */
        CHECK(seg.len > 0 || i == 0 || i == len || len == 1);
        CHECK(!tp_str_eq(seg, TP_STR(".")) && !tp_str_eq(seg, TP_STR("..")));
        start = i + 1;
    }
    CHECK(tp_sigv4_canon_uri(a, (struct tp_str) { dec, len }, false, &again)
          == TP_OK);
    CHECK(tp_str_eq(again, out));
    free(dec);
}

/* D: the raw query <q, n>. */
static void
fz_canon_query(const char *q, size_t n, struct tp_arena *a)
{
    struct tp_sigv4_canon_err err;
    struct tp_str out, again;
    char *dec;
    size_t i;

    if (tp_sigv4_canon_query(a, (struct tp_str) { q, n }, 0, &out, &err)
        != TP_OK)
    {
        CHECK(err.why == TP_SIGV4_CANON_ESCAPE
              || err.why == TP_SIGV4_CANON_TRAILING_ESCAPE);
        CHECK(err.what.len > 0 && err.what.len <= 3
              && inside(err.what, q, n) && err.what.p[0] == '%');
        return;
    }
    CHECK(out.len <= 3 * n + 1);
    dec = malloc(out.len + 1);
    CHECK(dec != NULL);
    check_encoded(out, "=&", dec);
    free(dec);
    CHECK(tp_sigv4_canon_query(a, out, 0, &again, &err) == TP_OK);
    CHECK(tp_str_eq(again, out));
    CHECK(tp_sigv4_canon_query(a, (struct tp_str) { q, n },
                               TP_SIGV4_SKIP_SIGNATURE, &out, &err)
          == TP_OK);
    for (i = 0; i < out.len; i++) {
        CHECK(!((i == 0 || out.p[i - 1] == '&') && out.len - i >= 16
                && memcmp(out.p + i, "X-Amz-Signature=", 16) == 0));
    }
}

/* E: "path\nquery\nvalue" signed both ways. */
static void
fz_round_trip(const char *s, size_t n, struct tp_arena *a)
{
    const char *nl1 = memchr(s, '\n', n), *nl2;
    struct tp_sigv4_hdr h[4] = {
        { TP_STR("Host"), TP_STR("h.example.com") },
        { TP_STR("X-Amz-Date"), TP_STR("20240115T093000Z") },
        { TP_STR("X-Custom"), TP_STR("") },
    };
    struct tp_sigv4_req req = { .method = TP_STR("POST"), .hdrs = h,
                                .nhdrs = 3, .body = s, .body_len = n };
    struct tp_sigv4_sign_in in = {
        .akid = TP_STR("AKIDEXAMPLE"),
        .secret = TP_STR("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
        .region = TP_STR("us-east-1"), .service = TP_STR(TP_SIGV4_SERVICE),
        .date = TP_STR("20240115T093000Z"),
        .signed_headers = TP_STR("host;x-amz-date;x-custom"),
        .expires = 60,
    };
    struct tp_sigv4_auth auth;
    struct tp_sigv4_canon_err err;
    struct tp_str authz, q;
    bool x_amz;

    if (nl1 == NULL || (nl2 = memchr(nl1 + 1, '\n', n - (size_t) (nl1 + 1
                                                                  - s)))
                       == NULL)
    {
        return;
    }
    req.path = (struct tp_str) { s, (size_t) (nl1 - s) };
    req.query = (struct tp_str) { nl1 + 1, (size_t) (nl2 - nl1 - 1) };
    h[2].value = (struct tp_str) { nl2 + 1, n - (size_t) (nl2 + 1 - s) };
    /* The query's own X-Amz-* parameters would be read first. */
    memset(&auth, 0, sizeof(auth));
    x_amz = tp_sigv4_parse_query(req.query, a, &auth, &err) != TP_OK
            || auth.form != TP_SIGV4_FORM_NONE || auth.date.p != NULL
            || auth.expires.p != NULL || auth.token.p != NULL
            || auth.signed_headers.p != NULL;
    if (tp_sigv4_sign_header(a, &req, &in, &authz) == TP_OK && !x_amz) {
        h[3] = (struct tp_sigv4_hdr) { TP_STR("Authorization"), authz };
        req.nhdrs = 4;
        CHECK(verify(&req, a) == TP_SIGV4_OK);
        req.method = TP_STR("PUT");
        CHECK(verify(&req, a) != TP_SIGV4_OK);
        req.method = TP_STR("POST");
        req.nhdrs = 3;
    }
    if (tp_sigv4_presign(a, &req, &in, &q, NULL) == TP_OK && !x_amz) {
        req.query = q;
        CHECK(verify(&req, a) == TP_SIGV4_OK);
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *) data + 1;
    struct tp_arena a;

    if (size == 0) {
        return 0;
    }
    tp_arena_init(&a, 4096);
    switch (data[0] % 5) {
    case 0:
        fz_header(s, size - 1, &a);
        break;
    case 1:
        fz_query(s, size - 1, &a);
        break;
    case 2:
        fz_path(s, size - 1, &a);
        break;
    case 3:
        fz_canon_query(s, size - 1, &a);
        break;
    default:
        fz_round_trip(s, size - 1, &a);
        break;
    }
    tp_arena_free(&a);
    return 0;
}
