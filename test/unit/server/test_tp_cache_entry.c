/*
 * test_tp_cache_entry.c: unit tests of the cached-response codec
 * (tp_cache_entry.c): round trips (no headers, binary and empty names,
 * values and bodies, many headers), decoding that points into the input,
 * the exact layout of a small entry, every truncation and every extension
 * of a valid encoding rejected, unknown versions, reserved bytes, flags
 * and statuses rejected, lengths that overflow, unencodable entries and
 * a too small output buffer.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tp_cache_entry.h"

static struct tp_arena arena;

static int
setup(void **state)
{
    (void) state;
    tp_arena_init(&arena, 4096);
    return 0;
}

static int
teardown(void **state)
{
    (void) state;
    tp_arena_free(&arena);
    return 0;
}

static struct tp_str
str(const char *s)
{
    return (struct tp_str) { s, strlen(s) };
}

static struct tp_str names3[3], values3[3];

/* 200, three headers (one with binary bytes), a JSON body. */
static struct tp_cache_entry
sample(void)
{
    struct tp_cache_entry e = { 200, 0, 3, names3, values3, TP_NULL_STR };

    names3[0] = str("Content-Type");
    values3[0] = str("application/json");
    names3[1] = str("X-Bin");
    values3[1] = (struct tp_str) { "a\0b\r\n\xff", 6 };
    names3[2] = str("Set-Cookie");
    values3[2] = str("");
    e.body = str("{\"ok\":true}");
    return e;
}

/* Encodes <e> into a malloc'd buffer of exactly its size. */
static unsigned char *
encode(const struct tp_cache_entry *e, size_t *len)
{
    size_t size = tp_cache_entry_size(e);
    unsigned char *buf;

    assert_true(size >= TP_CACHE_ENTRY_FIXED);
    buf = malloc(size);
    assert_non_null(buf);
    assert_int_equal(tp_cache_entry_encode(e, buf, size, len), TP_OK);
    assert_int_equal(*len, size);
    return buf;
}

static void
assert_entry_equal(const struct tp_cache_entry *a,
    const struct tp_cache_entry *b)
{
    unsigned i;

    assert_int_equal(a->status, b->status);
    assert_int_equal(a->flags, b->flags);
    assert_int_equal(a->nheaders, b->nheaders);
    for (i = 0; i < a->nheaders; i++) {
        assert_true(tp_str_eq(a->names[i], b->names[i]));
        assert_true(tp_str_eq(a->values[i], b->values[i]));
    }
    assert_true(tp_str_eq(a->body, b->body));
}

/* Encodes, decodes and compares; the decoded pieces point into the
 * encoding. */
static void
round_trip(const struct tp_cache_entry *e)
{
    struct tp_cache_entry d;
    unsigned char *buf;
    size_t len;
    unsigned i;

    buf = encode(e, &len);
    assert_int_equal(tp_cache_entry_decode(buf, len, &d, &arena), TP_OK);
    assert_entry_equal(e, &d);
    for (i = 0; i < d.nheaders; i++) {
        assert_true((const unsigned char *) d.names[i].p >= buf
            && (const unsigned char *) d.values[i].p + d.values[i].len
               <= buf + len);
    }
    assert_true((const unsigned char *) d.body.p + d.body.len
        == buf + len);
    free(buf);
}

static void
test_server__tp_cache_entry__round_trip(void **state)
{
    struct tp_cache_entry e = sample();
    struct tp_str n[1] = { TP_STR("") }, v[1] = { TP_STR("x") };

    (void) state;
    round_trip(&e);
    e.flags = TP_CACHE_ENTRY_GZIP;
    e.status = 599;
    e.body = (struct tp_str) { "\x1f\x8b\0\0", 4 };
    round_trip(&e);

    e = (struct tp_cache_entry) { 204, 0, 0, NULL, NULL, TP_NULL_STR };
    round_trip(&e);                         /* nothing but the head */
    e = (struct tp_cache_entry) { 100, 0, 1, n, v, TP_NULL_STR };
    round_trip(&e);                         /* an empty name */
}

static void
test_server__tp_cache_entry__many_headers(void **state)
{
    struct tp_cache_entry e = { 301, 0, TP_CACHE_ENTRY_HEADERS, NULL, NULL,
                                TP_STR("moved") };
    char (*text)[16];
    unsigned i;

    (void) state;
    e.names = calloc(e.nheaders, sizeof(*e.names));
    e.values = calloc(e.nheaders, sizeof(*e.values));
    text = calloc(e.nheaders, sizeof(*text));
    assert_true(e.names != NULL && e.values != NULL && text != NULL);
    for (i = 0; i < e.nheaders; i++) {
        snprintf(text[i], sizeof(text[i]), "h%u", i);
        e.names[i] = str(text[i]);
        e.values[i] = (struct tp_str) { text[i], i % 7 };
    }
    round_trip(&e);
    e.nheaders++;                           /* one too many */
    assert_int_equal(tp_cache_entry_size(&e), 0);
    free(e.names);
    free(e.values);
    free(text);
}

/* The layout, byte by byte, so that another version can read it. */
static void
test_server__tp_cache_entry__layout(void **state)
{
    static const unsigned char want[] = {
        1, 0, 0xc8, 0, 1, 0, 1, 0, 2, 0, 0, 0,  /* v1, 200, gzip, 1, 2 */
        1, 0, 0, 0, 3, 0, 0, 0,                 /* name 1, value 3 */
        'a', 'x', 'y', 'z', 'o', 'k'
    };
    struct tp_str n = TP_STR("a"), v = TP_STR("xyz");
    struct tp_cache_entry e = { 200, TP_CACHE_ENTRY_GZIP, 1, &n, &v,
                                TP_STR("ok") };
    unsigned char *buf;
    size_t len;

    (void) state;
    buf = encode(&e, &len);
    assert_int_equal(len, sizeof(want));
    assert_memory_equal(buf, want, sizeof(want));
    free(buf);
}

/* Every proper prefix, and every encoding with a byte appended, is
 * rejected; so is every single bit flip in the head and length table
 * that changes a length, the version or a reserved bit. */
static void
test_server__tp_cache_entry__truncated(void **state)
{
    struct tp_cache_entry e = sample(), d;
    unsigned char *buf, *copy;
    size_t len, i;

    (void) state;
    buf = encode(&e, &len);
    for (i = 0; i < len; i++) {
        copy = malloc(i > 0 ? i : 1);       /* exact size, for ASan */
        assert_non_null(copy);
        memcpy(copy, buf, i);
        assert_int_equal(tp_cache_entry_decode(copy, i, &d, &arena),
            TP_ERROR);
        free(copy);
    }
    copy = malloc(len + 1);
    assert_non_null(copy);
    memcpy(copy, buf, len);
    copy[len] = 0;
    assert_int_equal(tp_cache_entry_decode(copy, len + 1, &d, &arena),
        TP_ERROR);
    for (i = 0; i < 8 * (TP_CACHE_ENTRY_FIXED + 8 * e.nheaders); i++) {
        memcpy(copy, buf, len);
        copy[i / 8] ^= (unsigned char) (1u << (i % 8));
        if (i / 8 >= 2 && i / 8 < 6) {
            continue;                       /* status, flags: below */
        }
        assert_int_equal(tp_cache_entry_decode(copy, len, &d, &arena),
            TP_ERROR);
    }
    free(copy);
    free(buf);
}

static void
test_server__tp_cache_entry__bad_head(void **state)
{
    struct tp_cache_entry e = sample(), d;
    unsigned char *buf;
    size_t len;

    (void) state;
    buf = encode(&e, &len);
    buf[0] = 2;                             /* a newer version */
    assert_int_equal(tp_cache_entry_decode(buf, len, &d, &arena), TP_ERROR);
    buf[0] = 0;
    assert_int_equal(tp_cache_entry_decode(buf, len, &d, &arena), TP_ERROR);
    buf[0] = TP_CACHE_ENTRY_V1;
    buf[1] = 1;                             /* reserved */
    assert_int_equal(tp_cache_entry_decode(buf, len, &d, &arena), TP_ERROR);
    buf[1] = 0;
    buf[4] = 2;                             /* an unknown flag */
    assert_int_equal(tp_cache_entry_decode(buf, len, &d, &arena), TP_ERROR);
    buf[4] = 0;
    buf[2] = 99;                            /* status 99 */
    assert_int_equal(tp_cache_entry_decode(buf, len, &d, &arena), TP_ERROR);
    buf[2] = 0x58;                          /* 600 */
    buf[3] = 0x02;
    assert_int_equal(tp_cache_entry_decode(buf, len, &d, &arena), TP_ERROR);
    buf[2] = 0x57;                          /* 599 */
    assert_int_equal(tp_cache_entry_decode(buf, len, &d, &arena), TP_OK);
    assert_int_equal(d.status, 599);
    free(buf);
}

/* Lengths whose sum wraps 32 bits must not pass for a short input. */
static void
test_server__tp_cache_entry__overflow(void **state)
{
    unsigned char buf[TP_CACHE_ENTRY_FIXED + 16] = {
        1, 0, 200, 0, 0, 0, 2, 0, 0xf0, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0x10, 0, 0, 0,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff
    };
    struct tp_cache_entry d;

    (void) state;
    assert_int_equal(tp_cache_entry_decode(buf, sizeof(buf), &d, &arena),
        TP_ERROR);
    buf[6] = 0xff;                          /* 65535 headers, no table */
    buf[7] = 0xff;
    assert_int_equal(tp_cache_entry_decode(buf, sizeof(buf), &d, &arena),
        TP_ERROR);
}

static void
test_server__tp_cache_entry__unencodable(void **state)
{
    struct tp_cache_entry e = sample();
    unsigned char buf[256];
    size_t len = 0, size;

    (void) state;
    size = tp_cache_entry_size(&e);
    assert_int_equal(tp_cache_entry_encode(&e, buf, size - 1, &len),
        TP_ERROR);
    assert_int_equal(tp_cache_entry_encode(&e, buf, size, &len), TP_OK);
    e.status = 99;
    assert_int_equal(tp_cache_entry_size(&e), 0);
    assert_int_equal(tp_cache_entry_encode(&e, buf, sizeof(buf), &len),
        TP_ERROR);
    e.status = 600;
    assert_int_equal(tp_cache_entry_size(&e), 0);
    e.status = 200;
    e.flags = 0x8000;
    assert_int_equal(tp_cache_entry_size(&e), 0);
    e.flags = 0;
    e.body.len = (size_t) UINT32_MAX + 1;   /* never read: too long */
    assert_int_equal(tp_cache_entry_size(&e), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
        T(test_server__tp_cache_entry__round_trip),
        T(test_server__tp_cache_entry__many_headers),
        T(test_server__tp_cache_entry__layout),
        T(test_server__tp_cache_entry__truncated),
        T(test_server__tp_cache_entry__bad_head),
        T(test_server__tp_cache_entry__overflow),
        T(test_server__tp_cache_entry__unencodable),
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
