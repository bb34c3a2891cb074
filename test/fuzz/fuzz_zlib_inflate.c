/*
 * fuzz_zlib_inflate.c: libFuzzer target for request body decompression
 * (tp_zlib.c), which the workers run on bodies any client may send with
 * a Content-Encoding.
 *
 * The first byte picks the coding (bit 0: deflate, else gzip) and the
 * limit (the other bits: 0 for 256 KiB, else that many times 97 bytes);
 * the rest is the body.  Decoding must succeed or fail with a reason,
 * never give more than the limit, and give the same with a limit of
 * exactly its size (and fail below it).  What it gives, and the input
 * itself, must come back unchanged through tp_zlib_compress() and
 * decoding, with both codings.
 *
 * Without TP_LIBFUZZER, main() (tp_fuzz.h) replays the corpus: make
 * fuzz-replay.
 */
#include "tp_zlib.h"

#include "tp_fuzz.h"

static int
decode(enum tp_coding c, const char *in, size_t len, size_t max,
    struct tp_arena *a, struct tp_str *out)
{
    const char *why = NULL;
    int rc;

    *out = TP_NULL_STR;
    rc = tp_zlib_decompress(c, in, len, max, a, out, &why);
    CHECK(rc == TP_OK || rc == TP_ERROR);
    if (rc == TP_OK) {
        CHECK(out->p != NULL && out->len <= max);
    } else {
        CHECK(why != NULL && why[0] != '\0');
    }
    return rc;
}

/* <in, len> compressed with <c> decodes to itself. */
static void
round_trip(enum tp_coding c, const char *in, size_t len, struct tp_arena *a)
{
    struct tp_str z, back;

    CHECK(tp_zlib_compress(c, in, len, a, &z) == TP_OK);
    CHECK(decode(c, z.p, z.len, len, a, &back) == TP_OK);
    CHECK(back.len == len && (len == 0 || memcmp(back.p, in, len) == 0));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tp_arena a;
    struct tp_str out, again;
    enum tp_coding c;
    size_t max, len;
    const char *in;

    if (size == 0) {
        return 0;
    }
    c = data[0] & 1 ? TP_CODING_DEFLATE : TP_CODING_GZIP;
    max = data[0] >> 1 == 0 ? 256 * 1024 : (size_t) (data[0] >> 1) * 97;
    in = (const char *) data + 1;
    len = size - 1;
    tp_arena_init(&a, 4096);
    if (decode(c, in, len, max, &a, &out) == TP_OK) {
        CHECK(decode(c, in, len, out.len, &a, &again) == TP_OK);
        CHECK(again.len == out.len
              && (out.len == 0 || memcmp(again.p, out.p, out.len) == 0));
        if (out.len > 0) {
            CHECK(decode(c, in, len, out.len - 1, &a, &again) == TP_ERROR);
        }
        round_trip(TP_CODING_GZIP, out.p, out.len, &a);
        round_trip(TP_CODING_DEFLATE, out.p, out.len, &a);
    }
    round_trip(TP_CODING_GZIP, in, len, &a);
    round_trip(TP_CODING_DEFLATE, in, len, &a);
    tp_arena_free(&a);
    return 0;
}
