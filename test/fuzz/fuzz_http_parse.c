/*
 * fuzz_http_parse.c: libFuzzer target for the HTTP/1.1 parser
 * (tp_http_parse.c), which the workers run on every client request and
 * upstream response.
 *
 * Each input is parsed as a request (default and tiny limits) and as a
 * response, one-shot, in two pieces and byte by byte; the results must agree
 * and satisfy the invariants below.  The input, and the bytes after a parsed
 * head, also go through the chunked decoder the same three ways.
 *
 * Without TP_LIBFUZZER, main() replays every regular file in the directories
 * (or files) named on the command line: make fuzz-replay.
 */
#include "tp_http_parse.h"

#include "tp_fuzz.h"

#include <stdio.h>
#include <stdlib.h>

typedef int (*parse_fn)(struct tp_http_msg *m, const char *buf, size_t len,
    const struct tp_http_limits *lim);

static bool
is_ows(char c)
{
    return c == ' ' || c == '\t';
}

/* No byte of <p, n> may end a line or be NUL. */
static bool
clean_span(const char *p, size_t n)
{
    return memchr(p, '\r', n) == NULL && memchr(p, '\n', n) == NULL
           && memchr(p, '\0', n) == NULL;
}

static void
check_fields(const struct tp_http_msg *m, const char *b)
{
    const struct tp_http_hdr *h;
    uint16_t i;

    CHECK(m->nhdrs <= TP_HTTP_MAX_HEADERS);
    for (i = 0; i < m->nhdrs; i++) {
        h = &m->hdrs[i];
        CHECK(h->name_len > 0);
        CHECK(h->name_off + h->name_len <= h->value_off);
        CHECK(h->value_off + h->value_len < m->head_len);
        CHECK(b[h->name_off + h->name_len] == ':');
        CHECK(clean_span(b + h->name_off, h->name_len));
        CHECK(clean_span(b + h->value_off, h->value_len));
        CHECK(memchr(b + h->name_off, ' ', h->name_len) == NULL);
        if (h->value_len > 0) {
            CHECK(!is_ows(b[h->value_off]));
            CHECK(!is_ows(b[h->value_off + h->value_len - 1]));
        }
    }
}

static void
check_request(const struct tp_http_msg *m, const char *b)
{
    CHECK(m->method_len > 0);
    CHECK(m->method_off + m->method_len < m->target_off);
    CHECK(b[m->method_off + m->method_len] == ' ');
    CHECK(m->target_len > 0 && m->path_len <= m->target_len);
    CHECK(m->target_off + m->target_len + 10 <= m->head_len);
    CHECK(clean_span(b + m->target_off, m->target_len));
    CHECK(memchr(b + m->target_off, '#', m->target_len) == NULL);
    CHECK(b[m->target_off] == '/' || b[m->target_off] == '*'
          || m->method == TP_HTTP_CONNECT);
    CHECK(m->method == tp_http_method_from(b + m->method_off,
                                           m->method_len));
    CHECK(m->version == 11 || m->version == 10);
    CHECK(m->host_idx < (int) m->nhdrs);
    if (m->version == 11) {
        CHECK(m->host_idx >= 0);
    }
    if (m->host_idx >= 0) {
        CHECK(tp_http_find_header(m, b, "host", 0) == m->host_idx);
        CHECK(tp_http_find_header(m, b, "HOST", m->host_idx + 1) == -1);
    }
    if (m->flags & TP_HTTP_F_HAS_TE) {
        CHECK(m->flags & TP_HTTP_F_CHUNKED);
        CHECK(!(m->flags & TP_HTTP_F_HAS_CL));
        CHECK(m->version == 11);
    }
}

static void
check_response(const struct tp_http_msg *m, const char *b)
{
    CHECK(m->status >= 100 && m->status <= 599);
    CHECK(m->version == 11 || m->version == 10);
    CHECK(m->reason_off >= 12);
    CHECK(m->reason_off + m->reason_len < m->head_len);
    CHECK(clean_span(b + m->reason_off, m->reason_len));
    if (m->flags & TP_HTTP_F_HAS_TE) {
        CHECK(m->flags & TP_HTTP_F_CHUNKED);
        CHECK(!(m->flags & TP_HTTP_F_HAS_CL));
    }
}

static void
check_msg(const struct tp_http_msg *m, const char *b, size_t len, bool req,
    int rc)
{
    if (rc == TP_AGAIN) {
        CHECK(m->pos == len);   /* waiting means everything was consumed */
        return;
    }
    if (!req) {
        CHECK(rc == TP_OK || rc == TP_HTTP_E502);
    } else {
        CHECK(rc == TP_OK || rc == TP_HTTP_E400 || rc == TP_HTTP_E414
              || rc == TP_HTTP_E417 || rc == TP_HTTP_E431
              || rc == TP_HTTP_E501 || rc == TP_HTTP_E505);
    }
    if (rc != TP_OK && rc != TP_HTTP_E417) {
        return;
    }
    CHECK(m->head_len == m->pos && m->head_len <= len);
    CHECK(m->head_len >= 2 && b[m->head_len - 1] == '\n');
    CHECK(m->head_len <= 65535);
    CHECK(m->content_length >= -1
          && m->content_length <= (INT64_C(1) << 62));
    CHECK((m->content_length >= 0) == !!(m->flags & TP_HTTP_F_HAS_CL));
    check_fields(m, b);
    if (req) {
        check_request(m, b);
    } else {
        check_response(m, b);
    }
}

static void
check_same(const struct tp_http_msg *a, int rca, const struct tp_http_msg *b,
    int rcb)
{
    uint16_t i;

    CHECK(rca == rcb);
    if (rca != TP_OK && rca != TP_HTTP_E417) {
        return;
    }
    CHECK(a->head_len == b->head_len && a->nhdrs == b->nhdrs);
    CHECK(a->flags == b->flags && a->version == b->version);
    CHECK(a->content_length == b->content_length);
    CHECK(a->method == b->method && a->method_off == b->method_off);
    CHECK(a->method_len == b->method_len);
    CHECK(a->target_off == b->target_off && a->target_len == b->target_len);
    CHECK(a->path_len == b->path_len && a->host_idx == b->host_idx);
    CHECK(a->status == b->status && a->reason_off == b->reason_off);
    CHECK(a->reason_len == b->reason_len);
    for (i = 0; i < a->nhdrs; i++) {
        CHECK(memcmp(&a->hdrs[i], &b->hdrs[i], sizeof(a->hdrs[i])) == 0);
    }
}

/* The first <split> bytes in an exact heap copy (ASan sees over-reads). */
static int
parse_split(parse_fn fn, const char *d, size_t size, size_t split,
    const struct tp_http_limits *lim, struct tp_http_msg *m)
{
    char *copy = malloc(split > 0 ? split : 1);
    int rc;

    CHECK(copy != NULL);
    memcpy(copy, d, split);
    tp_http_msg_init(m);
    rc = fn(m, copy, split, lim);
    free(copy);
    if (rc == TP_AGAIN) {
        rc = fn(m, d, size, lim);
    }
    return rc;
}

static int
parse_bytewise(parse_fn fn, const char *d, size_t size,
    const struct tp_http_limits *lim, struct tp_http_msg *m)
{
    size_t len;
    int rc = TP_AGAIN;

    tp_http_msg_init(m);
    for (len = 0; len <= size && rc == TP_AGAIN; len++) {
        rc = fn(m, d, len, lim);
    }
    return rc;
}

/* Parses a head three ways; returns the one-shot result in *m. */
static int
fuzz_head(parse_fn fn, const char *d, size_t size, size_t split,
    const struct tp_http_limits *lim, struct tp_http_msg *m)
{
    static struct tp_http_msg m2;
    bool req = fn == tp_http_parse_request;
    int rc, rc2;

    memset(m, 0, sizeof(*m));  /* a zeroed struct must work like init */
    rc = fn(m, d, size, lim);
    check_msg(m, d, size, req, rc);
    rc2 = parse_split(fn, d, size, split, lim, &m2);
    check_same(m, rc, &m2, rc2);
    rc2 = parse_bytewise(fn, d, size, lim, &m2);
    check_same(m, rc, &m2, rc2);
    return rc;
}

/*
 * Decodes <d, n> delivered <first> bytes, then <step> more at a time,
 * calling again with buf + consumed like a worker does, on exact copies.
 */
static int
dechunk(const char *d, size_t n, size_t first, size_t step, char *out,
    size_t *outlen, size_t *used)
{
    struct tp_http_chunked c;
    size_t avail = TP_MIN(first, n), pos = 0, len, consumed, off, dlen;
    char *copy;
    int rc;

    memset(&c, 0, sizeof(c));
    *outlen = 0;
    for (;;) {
        len = avail - pos;
        copy = malloc(len > 0 ? len : 1);
        CHECK(copy != NULL);
        memcpy(copy, d + pos, len);
        rc = tp_http_chunked_parse(&c, copy, len, &consumed, &off, &dlen);
        CHECK(consumed <= len);
        if (rc == TP_OK) {
            CHECK(dlen > 0 && off + dlen == consumed);
            memcpy(out + *outlen, copy + off, dlen);
            *outlen += dlen;
        } else {
            CHECK(dlen == 0);
        }
        free(copy);
        pos += consumed;
        if (rc == TP_AGAIN) {
            CHECK(consumed == len);
            if (avail == n) {
                break;
            }
            avail = TP_MIN(n, avail + step);
        } else if (rc != TP_OK) {
            break;
        }
    }
    *used = pos;
    return rc;
}

static void
fuzz_chunked(const char *d, size_t n, size_t split)
{
    char *out1 = malloc(n + 1), *out2 = malloc(n + 1);
    size_t len1, len2, used1, used2;
    int rc1, rc2;

    CHECK(out1 != NULL && out2 != NULL);
    rc1 = dechunk(d, n, n, n, out1, &len1, &used1);
    CHECK(len1 <= used1 && used1 <= n);
    if (rc1 == TP_DONE) {
        CHECK(used1 >= 3 && d[used1 - 1] == '\n');
    }
    rc2 = dechunk(d, n, split, n, out2, &len2, &used2);
    CHECK(rc1 == rc2 && len1 == len2 && used1 == used2);
    CHECK(memcmp(out1, out2, len1) == 0);
    rc2 = dechunk(d, n, 0, 1, out2, &len2, &used2);
    CHECK(rc1 == rc2 && len1 == len2 && used1 == used2);
    CHECK(memcmp(out1, out2, len1) == 0);
    free(out1);
    free(out2);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct tp_http_msg m;
    static const struct tp_http_limits big = { 8192, 65535 };
    struct tp_http_limits tiny;
    const char *d = (const char *) data;
    size_t split;
    int rc;

    if (size == 0) {
        return 0;
    }
    split = ((size_t) data[0] | (size_t) data[size - 1] << 8) % (size + 1);
    tiny.max_line = 8 + (data[0] & 0x3f);
    tiny.max_head = 24 + data[0] * 2u;

    (void) fuzz_head(tp_http_parse_request, d, size, split, &tiny, &m);
    (void) fuzz_head(tp_http_parse_response, d, size, split, &big, &m);
    rc = fuzz_head(tp_http_parse_request, d, size, split, &big, &m);
    if (rc == TP_OK && m.head_len < size) {
        fuzz_chunked(d + m.head_len, size - m.head_len,
                     split % (size - m.head_len + 1));
    }
    fuzz_chunked(d, size, split);
    return 0;
}
