/*
 * tp_hash.c: FNV-1a over the bytes, then a 64-bit finalizer so that close
 * names spread over the whole table.  Stable across versions: the ids are
 * stored in the state database.
 */
#include "tp_hash.h"

static uint64_t
hash_mix(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

static uint64_t
hash_bytes(uint64_t h, const void *p, size_t n)
{
    const unsigned char *s = p;
    size_t i;

    for (i = 0; i < n; i++) {
        h = (h ^ s[i]) * 0x100000001b3ULL;
    }
    return h;
}

uint64_t
tp_hash64(const void *p, size_t n, uint64_t seed)
{
    uint64_t h = hash_mix(hash_bytes(0xcbf29ce484222325ULL ^ seed, p, n));

    return h > 1 ? h : h + 2;
}

uint64_t
tp_hash_strs(unsigned n, const char *const *s)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    unsigned i;

    for (i = 0; i < n; i++) {
        h = hash_bytes(h, s[i], strlen(s[i]) + 1);   /* with its NUL */
    }
    h = hash_mix(h);
    return h > 1 ? h : h + 2;
}

uint64_t
tp_plan_hash(const char *plan)
{
    const char *s[2] = { "plan", plan };

    return tp_hash_strs(2, s);
}

uint64_t
tp_plan_bucket(uint64_t quota_id)
{
    return tp_hash64("throttle", 8, quota_id);
}

uint64_t
tp_quota_id(uint64_t plan_hash, const char *key_id)
{
    unsigned char b[8];
    unsigned i;

    for (i = 0; i < 8; i++) {
        b[i] = (unsigned char) (plan_hash >> (56 - 8 * i));
    }
    return tp_hash64(key_id, strlen(key_id),
        tp_hash64(b, sizeof(b), 0x71756f7461ULL));   /* "quota" */
}
