/*
 * fuzz_cache_entry.c: libFuzzer target for the cached-response codec
 * (tp_cache_entry.c), whose decoder reads bytes that another process,
 * maybe of another version, stored in the shared cache.
 *
 * Each input is used twice:
 *  - decoded as it is: when accepted, every piece lies inside the input,
 *    in order, the head is valid, and encoding the result gives back the
 *    input byte for byte (the decoder accepts exactly the encodings);
 *  - read as a recipe for an entry (status, flags, headers and body cut
 *    from the input), which must encode to tp_cache_entry_size() bytes
 *    and decode back equal; its truncations (some) and an extension by
 *    one byte must be rejected.
 *
 * Without TP_LIBFUZZER, main() (tp_fuzz.h) replays the corpus: make
 * fuzz-replay.
 */
#include "tp_cache_entry.h"
#include "tp_fuzz.h"

#define RECIPE_HEADERS 64

static struct tp_arena arena;        /* per input */

static bool
inside(struct tp_str s, const uint8_t *p, size_t len)
{
    return s.len == 0
           || ((const uint8_t *) s.p >= p
               && (const uint8_t *) s.p + s.len <= p + len);
}

static void
check_equal(const struct tp_cache_entry *a, const struct tp_cache_entry *b)
{
    unsigned i;

    CHECK(a->status == b->status && a->flags == b->flags);
    CHECK(a->nheaders == b->nheaders);
    for (i = 0; i < a->nheaders; i++) {
        CHECK(tp_str_eq(a->names[i], b->names[i]));
        CHECK(tp_str_eq(a->values[i], b->values[i]));
    }
    CHECK(tp_str_eq(a->body, b->body));
}

/* Decodes <p, len> (an exact-size copy, so ASan sees over-reads). */
static int
decode_copy(const void *p, size_t len, struct tp_cache_entry *e,
    uint8_t **copy)
{
    *copy = malloc(len > 0 ? len : 1);
    CHECK(*copy != NULL);
    if (len > 0) {
        memcpy(*copy, p, len);
    }
    return tp_cache_entry_decode(*copy, len, e, &arena);
}

static void
fuzz_decode(const uint8_t *data, size_t size)
{
    struct tp_cache_entry e;
    const char *prev;
    uint8_t *out;
    size_t len;
    unsigned i;

    if (tp_cache_entry_decode(data, size, &e, &arena) != TP_OK) {
        return;
    }
    CHECK(e.status >= 100 && e.status <= 599);
    CHECK((e.flags & ~TP_CACHE_ENTRY_FLAGS) == 0);
    CHECK(e.nheaders <= TP_CACHE_ENTRY_HEADERS);
    prev = (const char *) data + TP_CACHE_ENTRY_FIXED + 8 * e.nheaders;
    for (i = 0; i < e.nheaders; i++) {
        CHECK(inside(e.names[i], data, size) && e.names[i].p == prev);
        prev += e.names[i].len;
        CHECK(inside(e.values[i], data, size) && e.values[i].p == prev);
        prev += e.values[i].len;
    }
    CHECK(inside(e.body, data, size) && e.body.p == prev);
    CHECK(prev + e.body.len == (const char *) data + size);
    CHECK(tp_cache_entry_size(&e) == size);
    out = malloc(size);
    CHECK(out != NULL);
    CHECK(tp_cache_entry_encode(&e, out, size, &len) == TP_OK);
    CHECK(len == size && memcmp(out, data, size) == 0);
    free(out);
}

/* An entry cut from <data>: the first 5 bytes choose the head, the rest
 * is split at bytes chosen by the input into names, values and a body. */
static void
recipe(const uint8_t *data, size_t size, struct tp_cache_entry *e,
    struct tp_str *names, struct tp_str *values)
{
    const char *p = (const char *) data + 5, *end = (const char *) data
                                                    + size;
    size_t n;
    unsigned i;

    e->status = (uint16_t) (100 + (data[0] | data[1] << 8) % 500);
    e->flags = data[2] & TP_CACHE_ENTRY_FLAGS;
    e->nheaders = data[3] % (RECIPE_HEADERS + 1);
    e->names = names;
    e->values = values;
    for (i = 0; i < e->nheaders; i++) {
        n = p < end ? (size_t) (unsigned char) *p % 24 : 0;
        n = TP_MIN(n, (size_t) (end - p));
        names[i] = (struct tp_str) { p, n };
        p += n;
        n = p < end ? (size_t) (unsigned char) *p % (data[4] + 1u) : 0;
        n = TP_MIN(n, (size_t) (end - p));
        values[i] = (struct tp_str) { p, n };
        p += n;
    }
    e->body = (struct tp_str) { p, (size_t) (end - p) };
}

static void
fuzz_round_trip(const uint8_t *data, size_t size)
{
    struct tp_str names[RECIPE_HEADERS], values[RECIPE_HEADERS];
    struct tp_cache_entry e, d;
    uint8_t *buf, *copy;
    size_t need, len, cut[4];
    unsigned i;

    if (size < 5) {
        return;
    }
    recipe(data, size, &e, names, values);
    need = tp_cache_entry_size(&e);
    CHECK(need >= TP_CACHE_ENTRY_FIXED);
    buf = malloc(need + 1);
    CHECK(buf != NULL);
    CHECK(tp_cache_entry_encode(&e, buf, need - 1, &len) == TP_ERROR);
    CHECK(tp_cache_entry_encode(&e, buf, need + 1, &len) == TP_OK);
    CHECK(len == need);
    CHECK(decode_copy(buf, len, &d, &copy) == TP_OK);
    check_equal(&e, &d);
    free(copy);
    buf[len] = data[size - 1];
    CHECK(decode_copy(buf, len + 1, &d, &copy) == TP_ERROR);
    free(copy);
    cut[0] = 0;
    cut[1] = len - 1;
    cut[2] = len / 2;
    cut[3] = (data[0] | (size_t) data[4] << 8) % len;
    for (i = 0; i < TP_NELEM(cut); i++) {
        CHECK(decode_copy(buf, cut[i], &d, &copy) == TP_ERROR);
        free(copy);
    }
    free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tp_arena_init(&arena, 4096);
    fuzz_decode(data, size);
    fuzz_round_trip(data, size);
    tp_arena_free(&arena);
    return 0;
}
