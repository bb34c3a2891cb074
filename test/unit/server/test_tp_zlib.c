/*
 * test_tp_zlib.c: unit tests of whole-buffer gzip/deflate (tp_zlib.c):
 * bodies made by other encoders (gzip(1), python3's zlib) decode;
 * corrupt, truncated and trailing data, unknown dictionaries and bombs
 * over the limit are refused with a reason; what tp_zlib_compress()
 * writes decodes with plain zlib; Content-Encoding values.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tp_zlib.h"

#include <zlib.h>

/*
 * Vectors made by other encoders, each by the command above it.  TEXT is
 * three times the line below, which ends in a newline.
 */
#define TEXT_LINE \
    "{\"message\":\"hello, world\",\"items\":[1,2,3,4,5,6,7,8,9,10]," \
    "\"nested\":{\"a\":\"aaaaaaaaaaaaaaaaaaaaaaaa\",\"b\":null}}\n"
#define TEXT TEXT_LINE TEXT_LINE TEXT_LINE

/* gzip -c -n -9 < TEXT (gzip(1)'s own deflate) */
static const unsigned char gz_gzip1[] = {
    0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0xab, 0x56,
    0xca, 0x4d, 0x2d, 0x2e, 0x4e, 0x4c, 0x4f, 0x55, 0xb2, 0x52, 0xca, 0x48,
    0xcd, 0xc9, 0xc9, 0xd7, 0x51, 0x28, 0xcf, 0x2f, 0xca, 0x49, 0x51, 0xd2,
    0x51, 0xca, 0x2c, 0x49, 0xcd, 0x2d, 0x56, 0xb2, 0x8a, 0x36, 0xd4, 0x31,
    0xd2, 0x31, 0xd6, 0x31, 0xd1, 0x31, 0xd5, 0x31, 0xd3, 0x31, 0xd7, 0xb1,
    0xd0, 0xb1, 0xd4, 0x31, 0x34, 0x88, 0xd5, 0x51, 0xca, 0x4b, 0x2d, 0x2e,
    0x49, 0x4d, 0x51, 0xb2, 0xaa, 0x56, 0x4a, 0x04, 0xea, 0x4d, 0xc4, 0x01,
    0x80, 0xe6, 0x24, 0x29, 0x59, 0xe5, 0x95, 0xe6, 0xe4, 0xd4, 0xd6, 0x72,
    0x55, 0x0f, 0x5b, 0xcb, 0x00, 0xc3, 0x80, 0x86, 0x1f, 0x47, 0x01, 0x00,
    0x00,
};
/* gzip -c body.json: FNAME "body.json", an mtime */
static const unsigned char gz_named[] = {
    0x1f, 0x8b, 0x08, 0x08, 0x00, 0xf1, 0x53, 0x65, 0x00, 0x03, 0x62, 0x6f,
    0x64, 0x79, 0x2e, 0x6a, 0x73, 0x6f, 0x6e, 0x00, 0xab, 0x56, 0xca, 0x4d,
    0x2d, 0x2e, 0x4e, 0x4c, 0x4f, 0x55, 0xb2, 0x52, 0xca, 0x48, 0xcd, 0xc9,
    0xc9, 0xd7, 0x51, 0x28, 0xcf, 0x2f, 0xca, 0x49, 0x51, 0xd2, 0x51, 0xca,
    0x2c, 0x49, 0xcd, 0x2d, 0x56, 0xb2, 0x8a, 0x36, 0xd4, 0x31, 0xd2, 0x31,
    0xd6, 0x31, 0xd1, 0x31, 0xd5, 0x31, 0xd3, 0x31, 0xd7, 0xb1, 0xd0, 0xb1,
    0xd4, 0x31, 0x34, 0x88, 0xd5, 0x51, 0xca, 0x4b, 0x2d, 0x2e, 0x49, 0x4d,
    0x51, 0xb2, 0xaa, 0x56, 0x4a, 0x04, 0xea, 0x4d, 0xc4, 0x01, 0x80, 0xe6,
    0x24, 0x29, 0x59, 0xe5, 0x95, 0xe6, 0xe4, 0xd4, 0xd6, 0x72, 0x55, 0x0f,
    0x5b, 0xcb, 0x00, 0xc3, 0x80, 0x86, 0x1f, 0x47, 0x01, 0x00, 0x00,
};
/* python3: zlib.compress(TEXT) */
static const unsigned char zl_python[] = {
    0x78, 0x9c, 0xab, 0x56, 0xca, 0x4d, 0x2d, 0x2e, 0x4e, 0x4c, 0x4f, 0x55,
    0xb2, 0x52, 0xca, 0x48, 0xcd, 0xc9, 0xc9, 0xd7, 0x51, 0x28, 0xcf, 0x2f,
    0xca, 0x49, 0x51, 0xd2, 0x51, 0xca, 0x2c, 0x49, 0xcd, 0x2d, 0x56, 0xb2,
    0x8a, 0x36, 0xd4, 0x31, 0xd2, 0x31, 0xd6, 0x31, 0xd1, 0x31, 0xd5, 0x31,
    0xd3, 0x31, 0xd7, 0xb1, 0xd0, 0xb1, 0xd4, 0x31, 0x34, 0x88, 0xd5, 0x51,
    0xca, 0x4b, 0x2d, 0x2e, 0x49, 0x4d, 0x51, 0xb2, 0xaa, 0x56, 0x4a, 0x04,
    0xea, 0x4d, 0xc4, 0x01, 0x80, 0xe6, 0x24, 0x29, 0x59, 0xe5, 0x95, 0xe6,
    0xe4, 0xd4, 0xd6, 0x72, 0x55, 0x0f, 0x5b, 0xcb, 0x00, 0x69, 0x2f, 0x64,
    0xf3,
};
/* python3: zlib.compressobj(6, zlib.DEFLATED, -15) */
static const unsigned char raw_python[] = {
    0xab, 0x56, 0xca, 0x4d, 0x2d, 0x2e, 0x4e, 0x4c, 0x4f, 0x55, 0xb2, 0x52,
    0xca, 0x48, 0xcd, 0xc9, 0xc9, 0xd7, 0x51, 0x28, 0xcf, 0x2f, 0xca, 0x49,
    0x51, 0xd2, 0x51, 0xca, 0x2c, 0x49, 0xcd, 0x2d, 0x56, 0xb2, 0x8a, 0x36,
    0xd4, 0x31, 0xd2, 0x31, 0xd6, 0x31, 0xd1, 0x31, 0xd5, 0x31, 0xd3, 0x31,
    0xd7, 0xb1, 0xd0, 0xb1, 0xd4, 0x31, 0x34, 0x88, 0xd5, 0x51, 0xca, 0x4b,
    0x2d, 0x2e, 0x49, 0x4d, 0x51, 0xb2, 0xaa, 0x56, 0x4a, 0x04, 0xea, 0x4d,
    0xc4, 0x01, 0x80, 0xe6, 0x24, 0x29, 0x59, 0xe5, 0x95, 0xe6, 0xe4, 0xd4,
    0xd6, 0x72, 0x55, 0x0f, 0x5b, 0xcb, 0x00,
};
/* python3: zlib.compressobj(9, zlib.DEFLATED, 9) */
static const unsigned char zl_window9[] = {
    0x18, 0xd3, 0xab, 0x56, 0xca, 0x4d, 0x2d, 0x2e, 0x4e, 0x4c, 0x4f, 0x55,
    0xb2, 0x52, 0xca, 0x48, 0xcd, 0xc9, 0xc9, 0xd7, 0x51, 0x28, 0xcf, 0x2f,
    0xca, 0x49, 0x51, 0xd2, 0x51, 0xca, 0x2c, 0x49, 0xcd, 0x2d, 0x56, 0xb2,
    0x8a, 0x36, 0xd4, 0x31, 0xd2, 0x31, 0xd6, 0x31, 0xd1, 0x31, 0xd5, 0x31,
    0xd3, 0x31, 0xd7, 0xb1, 0xd0, 0xb1, 0xd4, 0x31, 0x34, 0x88, 0xd5, 0x51,
    0xca, 0x4b, 0x2d, 0x2e, 0x49, 0x4d, 0x51, 0xb2, 0xaa, 0x56, 0x4a, 0x04,
    0xea, 0x4d, 0xc4, 0x01, 0x80, 0xe6, 0x24, 0x29, 0x59, 0xe5, 0x95, 0xe6,
    0xe4, 0xd4, 0xd6, 0x72, 0x55, 0x0f, 0x5b, 0xcb, 0x00, 0x69, 0x2f, 0x64,
    0xf3,
};
/* python3: compressobj(zdict=b'"message":"hello, world"') */
static const unsigned char zl_dict[] = {
    0x78, 0xbb, 0x66, 0xa6, 0x08, 0x30, 0xab, 0x56, 0xc2, 0x21, 0xa1, 0xa3,
    0x94, 0x59, 0x92, 0x9a, 0x5b, 0xac, 0x64, 0x15, 0x6d, 0xa8, 0x63, 0xa4,
    0x63, 0xac, 0x63, 0xa2, 0x63, 0xaa, 0x63, 0xa6, 0x63, 0xae, 0x63, 0xa1,
    0x63, 0xa9, 0x63, 0x68, 0x10, 0xab, 0xa3, 0x94, 0x97, 0x5a, 0x5c, 0x92,
    0x9a, 0xa2, 0x64, 0x55, 0xad, 0x94, 0x08, 0xd4, 0x9b, 0x88, 0x03, 0x00,
    0xcd, 0x49, 0x52, 0xb2, 0xca, 0x2b, 0xcd, 0xc9, 0xa9, 0xad, 0xe5, 0x1a,
    0xbe, 0x96, 0x01, 0x00, 0x69, 0x2f, 0x64, 0xf3,
};
/* gzip -c -n of "first member\n", of "" and
 * python3 gzip.compress(b'second member\n', mtime=0), concatenated */
static const unsigned char gz_concat[] = {
    0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x4b, 0xcb,
    0x2c, 0x2a, 0x2e, 0x51, 0xc8, 0x4d, 0xcd, 0x4d, 0x4a, 0x2d, 0xe2, 0x02,
    0x00, 0xa7, 0xf4, 0x85, 0x0a, 0x0d, 0x00, 0x00, 0x00, 0x1f, 0x8b, 0x08,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x03, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x02, 0x03, 0x2b, 0x4e, 0x4d, 0xce, 0xcf, 0x4b, 0x51, 0xc8, 0x4d,
    0xcd, 0x4d, 0x4a, 0x2d, 0xe2, 0x02, 0x00, 0x36, 0x18, 0x4b, 0x0e, 0x0e,
    0x00, 0x00, 0x00,
};

#define ID   TP_CODING_IDENTITY
#define GZIP TP_CODING_GZIP
#define DEFL TP_CODING_DEFLATE
#define NOLIMIT ((size_t) 1 << 30)

/* <data, len> in an exact heap copy, so ASan sees reads past its end. */
static void *
dup_exact(const void *data, size_t len)
{
    void *p = malloc(len > 0 ? len : 1);

    assert_non_null(p);
    memcpy(p, data, len);
    return p;
}

/* <in, len> decodes to <want, want_len>. */
static void
dec_ok(enum tp_coding c, const void *in, size_t len, size_t max,
    const void *want, size_t want_len)
{
    struct tp_arena a;
    struct tp_str out;
    const char *why = NULL;
    void *copy = dup_exact(in, len);
    int rc;

    tp_arena_init(&a, 4096);
    rc = tp_zlib_decompress(c, copy, len, max, &a, &out, &why);
    if (rc != TP_OK) {
        fail_msg("decode failed (%d): %s", rc, why);
    }
    assert_int_equal(out.len, want_len);
    assert_non_null(out.p);
    assert_memory_equal(out.p, want, want_len);
    free(copy);
    tp_arena_free(&a);      /* frees the output: LSan checks */
}

/* <in, len> is refused with a reason containing <why_part>. */
static void
dec_fail(enum tp_coding c, const void *in, size_t len, size_t max,
    const char *why_part)
{
    struct tp_arena a;
    struct tp_str out = TP_NULL_STR;
    const char *why = NULL;
    void *copy = dup_exact(in, len);
    int rc;

    tp_arena_init(&a, 4096);
    rc = tp_zlib_decompress(c, copy, len, max, &a, &out, &why);
    if (rc != TP_ERROR) {
        fail_msg("accepted (%d), %zu bytes; want \"%s\"", rc, out.len,
                 why_part);
    }
    assert_non_null(why);
    if (strstr(why, why_part) == NULL) {
        fail_msg("why \"%s\", want \"%s\"", why, why_part);
    }
    free(copy);
    tp_arena_free(&a);
}

/* <in, len> in a new heap buffer followed by <tail, tlen>. */
static unsigned char *
cat2(const void *in, size_t len, const void *tail, size_t tlen)
{
    unsigned char *p = malloc(len + tlen);

    assert_non_null(p);
    memcpy(p, in, len);
    memcpy(p + len, tail, tlen);
    return p;
}

static void
test_server__tp_zlib__foreign_vectors(void **state)
{
    static const char concat[] = "first member\nsecond member\n";

    (void) state;
    dec_ok(GZIP, gz_gzip1, sizeof(gz_gzip1), NOLIMIT, TEXT, strlen(TEXT));
    dec_ok(GZIP, gz_named, sizeof(gz_named), NOLIMIT, TEXT, strlen(TEXT));
    dec_ok(DEFL, zl_python, sizeof(zl_python), NOLIMIT, TEXT,
           strlen(TEXT));
    dec_ok(DEFL, raw_python, sizeof(raw_python), NOLIMIT, TEXT,
           strlen(TEXT));
    dec_ok(DEFL, zl_window9, sizeof(zl_window9), NOLIMIT, TEXT,
           strlen(TEXT));
    dec_ok(GZIP, gz_concat, sizeof(gz_concat), NOLIMIT, concat,
           strlen(concat));
    /* The limit is inclusive. */
    dec_ok(GZIP, gz_gzip1, sizeof(gz_gzip1), strlen(TEXT), TEXT,
           strlen(TEXT));
    dec_ok(GZIP, gz_concat, sizeof(gz_concat), strlen(concat), concat,
           strlen(concat));
}

/* Each coding takes its own format only (and deflate its raw form). */
static void
test_server__tp_zlib__wrong_format(void **state)
{
    (void) state;
    dec_fail(DEFL, gz_gzip1, sizeof(gz_gzip1), NOLIMIT,
             "corrupt deflate data");
    dec_fail(GZIP, zl_python, sizeof(zl_python), NOLIMIT,
             "corrupt gzip data (incorrect header check)");
    dec_fail(GZIP, raw_python, sizeof(raw_python), NOLIMIT,
             "corrupt gzip data");
    dec_fail(GZIP, TEXT, strlen(TEXT), NOLIMIT, "corrupt gzip data");
    dec_fail(DEFL, zl_dict, sizeof(zl_dict), NOLIMIT,
             "needs a preset dictionary");
}

/* Every proper prefix is refused: nothing half-decoded gets through. */
static void
test_server__tp_zlib__truncated(void **state)
{
    size_t n;

    (void) state;
    for (n = 1; n < sizeof(gz_gzip1); n++) {
        dec_fail(GZIP, gz_gzip1, n, NOLIMIT, "truncated gzip data");
    }
    for (n = 1; n < sizeof(gz_concat); n++) {
        if (n != 33 && n != 53) {           /* whole members are fine */
            dec_fail(GZIP, gz_concat, n, NOLIMIT, "gzip");
        }
    }
    for (n = 2; n < sizeof(zl_python); n++) {
        dec_fail(DEFL, zl_python, n, NOLIMIT, "truncated deflate data");
    }
    for (n = 1; n < sizeof(raw_python); n++) {
        dec_fail(DEFL, raw_python, n, NOLIMIT, "deflate data");
    }
    dec_fail(DEFL, zl_python, 1, NOLIMIT, "deflate data");
}

/*
 * A flipped bit anywhere the format checks (everything in gzip but the
 * unchecked mtime, XFL and OS bytes 4-9) is refused.
 */
static void
test_server__tp_zlib__corrupt(void **state)
{
    unsigned char *p;
    size_t i;

    (void) state;
    for (i = 0; i < sizeof(gz_gzip1); i++) {
        if (i >= 4 && i <= 9) {
            continue;
        }
        p = dup_exact(gz_gzip1, sizeof(gz_gzip1));
        p[i] ^= 0x80;
        dec_fail(GZIP, p, sizeof(gz_gzip1), NOLIMIT, "gzip data");
        free(p);
    }
    for (i = 0; i < sizeof(zl_python); i++) {
        p = dup_exact(zl_python, sizeof(zl_python));
        p[i] ^= 0x80;
        dec_fail(DEFL, p, sizeof(zl_python), NOLIMIT, "deflate");
        free(p);
    }
    p = dup_exact(gz_gzip1, sizeof(gz_gzip1));
    p[sizeof(gz_gzip1) - 8] ^= 1;           /* CRC-32 */
    dec_fail(GZIP, p, sizeof(gz_gzip1), NOLIMIT,
             "corrupt gzip data (incorrect data check)");
    p[sizeof(gz_gzip1) - 8] ^= 1;
    p[sizeof(gz_gzip1) - 4] ^= 1;           /* ISIZE */
    dec_fail(GZIP, p, sizeof(gz_gzip1), NOLIMIT,
             "corrupt gzip data (incorrect length check)");
    free(p);
    p = dup_exact(gz_concat, sizeof(gz_concat));
    p[sizeof(gz_concat) - 5] ^= 1;          /* the last member's CRC */
    dec_fail(GZIP, p, sizeof(gz_concat), NOLIMIT, "incorrect data check");
    free(p);
}

static void
test_server__tp_zlib__trailing(void **state)
{
    static const struct {
        const char *tail;
        size_t len;
        const char *why;
    } tails[] = {
        { "x", 1, "trailing data after the gzip stream" },
        { "\x1f", 1, "trailing data after the gzip stream" },
        { "\0\0\0\0", 4, "trailing data after the gzip stream" },
        { "\n", 1, "trailing data after the gzip stream" },
        { "\x1f\x8b", 2, "truncated gzip data" },    /* a next member */
        { "\x1f\x8b\x08\0\0\0\0\0\0\x03", 10, "truncated gzip data" },
    };
    unsigned char *p;
    size_t i;

    (void) state;
    for (i = 0; i < TP_NELEM(tails); i++) {
        p = cat2(gz_gzip1, sizeof(gz_gzip1), tails[i].tail, tails[i].len);
        dec_fail(GZIP, p, sizeof(gz_gzip1) + tails[i].len, NOLIMIT,
                 tails[i].why);
        free(p);
    }
    p = cat2(zl_python, sizeof(zl_python), "x", 1);
    dec_fail(DEFL, p, sizeof(zl_python) + 1, NOLIMIT,
             "trailing data after the deflate stream");
    free(p);
    p = cat2(raw_python, sizeof(raw_python), "\0", 1);
    dec_fail(DEFL, p, sizeof(raw_python) + 1, NOLIMIT,
             "trailing data after the deflate stream");
    free(p);
    /* Two zlib streams are not one body. */
    p = cat2(zl_python, sizeof(zl_python), zl_python, sizeof(zl_python));
    dec_fail(DEFL, p, 2 * sizeof(zl_python), NOLIMIT,
             "trailing data after the deflate stream");
    free(p);
}

/* <in, len> compressed by plain zlib (window bits <wbits>) in *<out>. */
static size_t
z_deflate(const void *in, size_t len, int wbits, unsigned char **out)
{
    z_stream z;
    size_t n;

    memset(&z, 0, sizeof(z));
    assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, wbits, 9,
                                  Z_DEFAULT_STRATEGY), Z_OK);
    n = deflateBound(&z, len);
    *out = malloc(n);
    assert_non_null(*out);
    z.next_in = (Bytef *) (uintptr_t) in;
    z.avail_in = (uInt) len;
    z.next_out = *out;
    z.avail_out = (uInt) n;
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    n = z.total_out;
    deflateEnd(&z);
    return n;
}

/* 8 MiB of zeros is 8 KiB compressed: decoded up to the limit only. */
static void
test_server__tp_zlib__bomb(void **state)
{
    size_t big = 8u << 20, n, i;
    unsigned char *zeros = calloc(1, big), *z;
    static const int wbits[] = { 15 + 16, 15, -15 };

    (void) state;
    assert_non_null(zeros);
    for (i = 0; i < TP_NELEM(wbits); i++) {
        enum tp_coding c = wbits[i] > 15 ? GZIP : DEFL;

        n = z_deflate(zeros, big, wbits[i], &z);
        assert_true(n < big / 500);
        dec_fail(c, z, n, 1u << 20,
                 "body larger than 1048576 bytes after decompression");
        dec_fail(c, z, n, big - 1, "body larger than 8388607 bytes");
        dec_fail(c, z, n, 0, "body larger than 0 bytes");
        dec_ok(c, z, n, big, zeros, big);
        free(z);
    }
    free(zeros);
}

/* A gzip member's size field is a hint: a lie costs nothing but an error. */
static void
test_server__tp_zlib__forged_size(void **state)
{
    static const unsigned char sizes[][4] = {
        { 0xff, 0xff, 0xff, 0xff }, { 0, 0, 0, 0 }, { 1, 0, 0, 0 },
        { 0, 0, 0x10, 0 },
    };
    unsigned char *p = dup_exact(gz_gzip1, sizeof(gz_gzip1));
    size_t i;

    (void) state;
    for (i = 0; i < TP_NELEM(sizes); i++) {
        memcpy(p + sizeof(gz_gzip1) - 4, sizes[i], 4);
        dec_fail(GZIP, p, sizeof(gz_gzip1), NOLIMIT, "length check");
        dec_fail(GZIP, p, sizeof(gz_gzip1), 100, "body larger than 100");
    }
    free(p);
}

/* Header fields zlib's gzip reader must skip or check: FHCRC, FEXTRA. */
static void
test_server__tp_zlib__gzip_header_fields(void **state)
{
    static char name[] = "body.json", comment[] = "a comment";
    static unsigned char extra[] = { 'A', 'P', 3, 0, 'x', 'y', 'z' };
    gz_header h;
    z_stream z;
    unsigned char buf[1024];
    size_t n;

    (void) state;
    memset(&h, 0, sizeof(h));
    h.name = (Bytef *) name;
    h.comment = (Bytef *) comment;
    h.extra = extra;
    h.extra_len = sizeof(extra);
    h.hcrc = 1;
    h.time = 1700000000;
    memset(&z, 0, sizeof(z));
    assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 31, 8,
                                  Z_DEFAULT_STRATEGY), Z_OK);
    assert_int_equal(deflateSetHeader(&z, &h), Z_OK);
    z.next_in = (Bytef *) (uintptr_t) TEXT;
    z.avail_in = (uInt) strlen(TEXT);
    z.next_out = buf;
    z.avail_out = sizeof(buf);
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    n = z.total_out;
    deflateEnd(&z);
    dec_ok(GZIP, buf, n, NOLIMIT, TEXT, strlen(TEXT));
    /* The header CRC follows the comment's NUL. */
    buf[10 + 2 + sizeof(extra) + sizeof(name) + sizeof(comment)] ^= 1;
    dec_fail(GZIP, buf, n, NOLIMIT, "header crc mismatch");
}

static void
test_server__tp_zlib__empty_and_identity(void **state)
{
    struct tp_arena a;
    struct tp_str out;
    const char *why = NULL;
    static const char body[] = "not compressed";

    (void) state;
    tp_arena_init(&a, 4096);
    /* An empty body with a Content-Encoding is an empty body. */
    assert_int_equal(tp_zlib_decompress(GZIP, "", 0, 0, &a, &out, &why),
                     TP_OK);
    assert_int_equal(out.len, 0);
    assert_non_null(out.p);
    assert_int_equal(tp_zlib_decompress(DEFL, NULL, 0, 10, &a, &out, &why),
                     TP_OK);
    assert_int_equal(out.len, 0);
    /* Identity passes the body through, in place. */
    assert_int_equal(tp_zlib_decompress(ID, body, sizeof(body), 1, &a,
                                        &out, &why), TP_OK);
    assert_ptr_equal(out.p, body);
    assert_int_equal(out.len, sizeof(body));
    assert_int_equal(tp_zlib_compress(ID, body, sizeof(body), &a, &out),
                     TP_OK);
    assert_ptr_equal(out.p, body);
    assert_int_equal(out.len, sizeof(body));
    /* The gzip of nothing, and the members of nothing in gz_concat. */
    dec_ok(GZIP, gz_concat + 0x21, 20, 0, "", 0);
    tp_arena_free(&a);
}

/* <in, len> through plain zlib with window bits <wbits> is <want>. */
static void
z_inflate_eq(const struct tp_str *in, int wbits, const void *want,
    size_t len)
{
    unsigned char *buf = malloc(len + 1);
    z_stream z;

    assert_non_null(buf);
    memset(&z, 0, sizeof(z));
    assert_int_equal(inflateInit2(&z, wbits), Z_OK);
    z.next_in = (Bytef *) (uintptr_t) in->p;
    z.avail_in = (uInt) in->len;
    z.next_out = buf;
    z.avail_out = (uInt) len + 1;
    assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
    assert_int_equal(z.avail_in, 0);
    assert_int_equal(z.total_out, len);
    assert_memory_equal(buf, want, len);
    inflateEnd(&z);
    free(buf);
}

/* TEXT with a random digit every 64 bytes, or random bytes. */
static unsigned char *
make_body(size_t len, bool random)
{
    unsigned char *p = malloc(len > 0 ? len : 1);
    uint32_t x = 2463534242u;
    size_t i;

    assert_non_null(p);
    for (i = 0; i < len; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        p[i] = random ? (unsigned char) x
               : i % 64 == 0 ? (unsigned char) ('0' + x % 10)
               : (unsigned char) TEXT[i % strlen(TEXT)];
    }
    return p;
}

static void
test_server__tp_zlib__compress_round_trip(void **state)
{
    static const size_t sizes[] = { 0, 1, 100, 1024, 16384, 1u << 20 };
    struct tp_arena a;
    struct tp_str out;
    unsigned char *body;
    size_t i, r;

    (void) state;
    tp_arena_init(&a, 4096);
    for (i = 0; i < TP_NELEM(sizes); i++) {
        for (r = 0; r < 2; r++) {
            body = make_body(sizes[i], r == 1);
            assert_int_equal(tp_zlib_compress(GZIP, body, sizes[i], &a,
                                              &out), TP_OK);
            assert_true(out.len >= 18);
            assert_memory_equal(out.p, "\x1f\x8b\x08", 3);
            z_inflate_eq(&out, 31, body, sizes[i]);
            dec_ok(GZIP, out.p, out.len, sizes[i], body, sizes[i]);
            if (r == 0 && sizes[i] >= 1024) {
                assert_true(out.len < sizes[i] / 3);
            }
            assert_int_equal(tp_zlib_compress(DEFL, body, sizes[i], &a,
                                              &out), TP_OK);
            /* CMF 0x78: deflate, 32 KiB window; FLG 0x9c: level 6. */
            assert_memory_equal(out.p, "\x78\x9c", 2);
            z_inflate_eq(&out, 15, body, sizes[i]);
            dec_ok(DEFL, out.p, out.len, sizes[i], body, sizes[i]);
            free(body);
        }
        tp_arena_reset(&a);
    }
    tp_arena_free(&a);
}

/* The per-process streams are reset between bodies: same in, same out. */
static void
test_server__tp_zlib__compress_reuse(void **state)
{
    struct tp_arena a;
    struct tp_str first[2], again;
    unsigned char *body = make_body(20000, false);
    int k, i;

    (void) state;
    tp_arena_init(&a, 4096);
    assert_int_equal(tp_zlib_compress(GZIP, body, 20000, &a, &first[0]),
                     TP_OK);
    assert_int_equal(tp_zlib_compress(DEFL, body, 20000, &a, &first[1]),
                     TP_OK);
    for (k = 0; k < 6; k++) {
        i = k % 2;
        /* A different body in between leaves no trace. */
        assert_int_equal(tp_zlib_compress(i ? GZIP : DEFL, TEXT, 99, &a,
                                          &again), TP_OK);
        assert_int_equal(tp_zlib_compress(i ? DEFL : GZIP, body, 20000, &a,
                                          &again), TP_OK);
        assert_int_equal(again.len, first[i].len);
        assert_memory_equal(again.p, first[i].p, again.len);
    }
    free(body);
    tp_arena_free(&a);
}

static void
test_server__tp_zlib__content_coding(void **state)
{
    static const struct {
        const char *v;
        int rc;
        enum tp_coding c;
    } cases[] = {
        { "gzip", TP_OK, GZIP }, { "GZIP", TP_OK, GZIP },
        { "x-gzip", TP_OK, GZIP }, { " gzip\t", TP_OK, GZIP },
        { "deflate", TP_OK, DEFL }, { "Deflate  ", TP_OK, DEFL },
        { "identity", TP_OK, ID }, { "\tIDENTITY", TP_OK, ID },
        { "", TP_DECLINED, ID }, { "   ", TP_DECLINED, ID },
        { "br", TP_DECLINED, ID }, { "compress", TP_DECLINED, ID },
        { "x-compress", TP_DECLINED, ID }, { "zstd", TP_DECLINED, ID },
        { "gzip, identity", TP_DECLINED, ID },
        { "deflate,gzip", TP_DECLINED, ID },
        { "gzip;q=1", TP_DECLINED, ID }, { "*", TP_DECLINED, ID },
        { "g zip", TP_DECLINED, ID }, { "gzip\r", TP_DECLINED, ID },
    };
    enum tp_coding c;
    size_t i;

    (void) state;
    for (i = 0; i < TP_NELEM(cases); i++) {
        c = (enum tp_coding) 99;
        if (tp_content_coding(cases[i].v, strlen(cases[i].v), &c)
            != cases[i].rc)
        {
            fail_msg("\"%s\": wrong result", cases[i].v);
        }
        if (cases[i].rc == TP_OK && c != cases[i].c) {
            fail_msg("\"%s\": coding %d", cases[i].v, (int) c);
        }
    }
    /* Read by length: what follows is not part of the value. */
    assert_int_equal(tp_content_coding("gzipper", 4, &c), TP_OK);
    assert_int_equal(c, GZIP);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_server__tp_zlib__foreign_vectors),
        cmocka_unit_test(test_server__tp_zlib__wrong_format),
        cmocka_unit_test(test_server__tp_zlib__truncated),
        cmocka_unit_test(test_server__tp_zlib__corrupt),
        cmocka_unit_test(test_server__tp_zlib__trailing),
        cmocka_unit_test(test_server__tp_zlib__bomb),
        cmocka_unit_test(test_server__tp_zlib__forged_size),
        cmocka_unit_test(test_server__tp_zlib__gzip_header_fields),
        cmocka_unit_test(test_server__tp_zlib__empty_and_identity),
        cmocka_unit_test(test_server__tp_zlib__compress_round_trip),
        cmocka_unit_test(test_server__tp_zlib__compress_reuse),
        cmocka_unit_test(test_server__tp_zlib__content_coding),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
