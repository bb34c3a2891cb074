/*
 * tp_siphash.c: SipHash-1-3 as in the reference implementation (with
 * cROUNDS 1 and dROUNDS 3): 8-byte little-endian blocks, a round per
 * block, the length in the top byte of the last block, three rounds to
 * finish.  The keyed slot choice needs no more: two rounds per block
 * (SipHash-2-4) would cost a third more for an attack no one has shown.
 */
#include "tp_siphash.h"

#define ROTL(x, b)  (((x) << (b)) | ((x) >> (64 - (b))))

#define SIPROUND(v0, v1, v2, v3) \
    do { \
        v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32); \
        v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2; \
        v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0; \
        v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32); \
    } while (0)

static uint64_t
load_le64(const unsigned char *p)
{
    uint64_t x;

    memcpy(&x, p, 8);                /* one load; byte-swapped if need be */
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    x = __builtin_bswap64(x);
#endif
    return x;
}

uint64_t
tp_siphash(const uint64_t key[2], const void *p, size_t n)
{
    const unsigned char *s = p, *end = s + (n & ~(size_t) 7);
    uint64_t v0 = key[0] ^ 0x736f6d6570736575ULL;
    uint64_t v1 = key[1] ^ 0x646f72616e646f6dULL;
    uint64_t v2 = key[0] ^ 0x6c7967656e657261ULL;
    uint64_t v3 = key[1] ^ 0x7465646279746573ULL;
    uint64_t m, b = (uint64_t) n << 56;
    unsigned i;

    for (; s < end; s += 8) {
        m = load_le64(s);
        v3 ^= m;
        SIPROUND(v0, v1, v2, v3);
        v0 ^= m;
    }
    for (i = 0; i < (n & 7); i++) {
        b |= (uint64_t) s[i] << (8 * i);
    }
    v3 ^= b;
    SIPROUND(v0, v1, v2, v3);
    v0 ^= b;
    v2 ^= 0xff;
    for (i = 0; i < 3; i++) {
        SIPROUND(v0, v1, v2, v3);
    }
    return v0 ^ v1 ^ v2 ^ v3;
}
