/*
 * tp_cache_keymat.h: the bytes a response cache key is made of, and the
 * key itself.  Pure functions (unit-tested, fuzzable): workers build keys
 * from requests (tp_cache_key.c), turnpikectl needs a stage's namespace.
 *
 * Key = 8-byte namespace (the stage's hash, big-endian, so that a stage
 * is one range) + the first 24 bytes of the SHA-256 of the material.  The
 * material is length-prefixed fields (method, resource, then per cache key
 * parameter its name and, when present, its value), so that no two
 * different requests share one: an absent parameter differs from an
 * empty one, and no separator can be forged inside a value.
 */
#ifndef TP_CACHE_KEYMAT_H
#define TP_CACHE_KEYMAT_H

#include "tp_core.h"

#define TP_CACHE_KEYLEN 32           /* = TP_CACHE_KEY_LEN (tp_cache.h) */

struct tp_cache_keypart {
    struct tp_str name;              /* "method.request.querystring.type" */
    struct tp_str value;
    bool present;
};

/* Writes the material into <buf> when it fits <cap>; returns its length
 * either way (the caller retries with a buffer that large). */
size_t tp_cache_keymat(char *buf, size_t cap, struct tp_str method,
    struct tp_str resource, const struct tp_cache_keypart *parts,
    unsigned n);

/* The key of <mat> in stage <stage_hash>. */
void tp_cache_keymat_key(uint64_t stage_hash, const char *mat, size_t len,
    uint8_t key[TP_CACHE_KEYLEN]);

/* A stage's 8-byte namespace. */
void tp_cache_key_ns(uint64_t stage_hash, uint8_t ns[8]);

#endif /* TP_CACHE_KEYMAT_H */
