/*
 * tp_cache_entry.c: encoding and decoding of cached responses (layout in
 * tp_cache_entry.h).  Byte-wise loads and stores: the bytes come from an
 * LMDB page at any alignment.
 */
#include "tp_cache_entry.h"

#define PIECE_MAX  UINT32_MAX        /* a u32 length */

static void
put16(unsigned char *p, uint16_t v)
{
    p[0] = (unsigned char) v;
    p[1] = (unsigned char) (v >> 8);
}

static void
put32(unsigned char *p, uint32_t v)
{
    put16(p, (uint16_t) v);
    put16(p + 2, (uint16_t) (v >> 16));
}

static uint16_t
get16(const unsigned char *p)
{
    return (uint16_t) (p[0] | p[1] << 8);
}

static uint32_t
get32(const unsigned char *p)
{
    return get16(p) | (uint32_t) get16(p + 2) << 16;
}

static bool
entry_head_ok(uint16_t status, uint16_t flags)
{
    return status >= 100 && status <= 599
           && (flags & ~TP_CACHE_ENTRY_FLAGS) == 0;
}

/* Adds <n> to <*total>; false on overflow or a piece too long. */
static bool
entry_add(size_t *total, size_t n)
{
    if (n > PIECE_MAX || *total > SIZE_MAX - n) {
        return false;
    }
    *total += n;
    return true;
}

size_t
tp_cache_entry_size(const struct tp_cache_entry *e)
{
    size_t total = TP_CACHE_ENTRY_FIXED;
    unsigned i;

    if (!entry_head_ok(e->status, e->flags)
        || e->nheaders > TP_CACHE_ENTRY_HEADERS
        || !entry_add(&total, e->body.len))
    {
        return 0;
    }
    for (i = 0; i < e->nheaders; i++) {
        if (!entry_add(&total, 8) || !entry_add(&total, e->names[i].len)
            || !entry_add(&total, e->values[i].len))
        {
            return 0;
        }
    }
    return total;
}

static unsigned char *
entry_copy(unsigned char *q, struct tp_str s)
{
    if (s.len > 0) {
        memcpy(q, s.p, s.len);
    }
    return q + s.len;
}

int
tp_cache_entry_encode(const struct tp_cache_entry *e, void *out, size_t cap,
    size_t *len)
{
    size_t size = tp_cache_entry_size(e);
    unsigned char *p = out, *q;
    unsigned i;

    if (size == 0 || size > cap) {
        return TP_ERROR;
    }
    p[0] = TP_CACHE_ENTRY_V1;
    p[1] = 0;
    put16(p + 2, e->status);
    put16(p + 4, e->flags);
    put16(p + 6, (uint16_t) e->nheaders);
    put32(p + 8, (uint32_t) e->body.len);
    q = p + TP_CACHE_ENTRY_FIXED;
    for (i = 0; i < e->nheaders; i++, q += 8) {
        put32(q, (uint32_t) e->names[i].len);
        put32(q + 4, (uint32_t) e->values[i].len);
    }
    for (i = 0; i < e->nheaders; i++) {
        q = entry_copy(q, e->names[i]);
        q = entry_copy(q, e->values[i]);
    }
    q = entry_copy(q, e->body);
    *len = (size_t) (q - p);
    return TP_OK;
}

/* Points <s> at the next <n> bytes of the data area. */
static const char *
entry_take(struct tp_str *s, const char *d, size_t n)
{
    s->p = d;
    s->len = n;
    return d + n;
}

int
tp_cache_entry_decode(const void *p, size_t len, struct tp_cache_entry *e,
    struct tp_arena *a)
{
    const unsigned char *b = p, *t;
    uint64_t total = TP_CACHE_ENTRY_FIXED;
    size_t n;
    const char *d;
    unsigned i;

    memset(e, 0, sizeof(*e));
    if (len < TP_CACHE_ENTRY_FIXED || b[0] != TP_CACHE_ENTRY_V1
        || b[1] != 0)
    {
        return TP_ERROR;
    }
    e->status = get16(b + 2);
    e->flags = get16(b + 4);
    e->nheaders = get16(b + 6);
    if (!entry_head_ok(e->status, e->flags)) {
        return TP_ERROR;
    }
    /* The length table, then the sum of every length, checked against
     * the input before any pointer is made (64 bits cannot overflow: each
     * term is below 2^32 and there are fewer than 2^18 of them). */
    n = (size_t) e->nheaders * 8;
    if (n > len - total) {
        return TP_ERROR;
    }
    total += n + (uint64_t) get32(b + 8);
    t = b + TP_CACHE_ENTRY_FIXED;
    for (i = 0; i < e->nheaders; i++) {
        total += (uint64_t) get32(t + 8 * i) + get32(t + 8 * i + 4);
    }
    if (total != len) {
        return TP_ERROR;
    }
    if (e->nheaders > 0) {
        e->names = tp_arena_alloc(a, 2 * e->nheaders * sizeof(*e->names));
        if (e->names == NULL) {
            return TP_ERROR;
        }
        e->values = e->names + e->nheaders;
    }
    d = (const char *) t + n;
    for (i = 0; i < e->nheaders; i++) {
        d = entry_take(&e->names[i], d, get32(t + 8 * i));
        d = entry_take(&e->values[i], d, get32(t + 8 * i + 4));
    }
    entry_take(&e->body, d, get32(b + 8));
    return TP_OK;
}
