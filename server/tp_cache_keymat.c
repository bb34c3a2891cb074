/*
 * tp_cache_keymat.c: response cache key material and keys (see the
 * header for the layout).
 */
#include "tp_cache_keymat.h"
#include "tp_apikey.h"

/* A field: 4-byte big-endian length, then its bytes (kind <tag> first). */
static void
mat_put(char *buf, size_t cap, size_t *len, char tag, const char *p,
    size_t n)
{
    uint32_t l = (uint32_t) n;

    if (*len + 5 + n <= cap) {
        buf[*len] = tag;
        buf[*len + 1] = (char) (l >> 24);
        buf[*len + 2] = (char) (l >> 16);
        buf[*len + 3] = (char) (l >> 8);
        buf[*len + 4] = (char) l;
        if (n > 0) {
            memcpy(buf + *len + 5, p, n);
        }
    }
    *len += 5 + n;
}

size_t
tp_cache_keymat(char *buf, size_t cap, struct tp_str method,
    struct tp_str resource, const struct tp_cache_keypart *parts,
    unsigned n)
{
    size_t len = 0;
    unsigned i;

    mat_put(buf, cap, &len, 'M', method.p, method.len);
    mat_put(buf, cap, &len, 'R', resource.p, resource.len);
    for (i = 0; i < n; i++) {
        mat_put(buf, cap, &len, 'N', parts[i].name.p, parts[i].name.len);
        if (parts[i].present) {
            mat_put(buf, cap, &len, 'V', parts[i].value.p,
                parts[i].value.len);
        } else {
            mat_put(buf, cap, &len, '-', NULL, 0);
        }
    }
    return len;
}

void
tp_cache_key_ns(uint64_t stage_hash, uint8_t ns[8])
{
    unsigned i;

    for (i = 0; i < 8; i++) {
        ns[i] = (uint8_t) (stage_hash >> (56 - 8 * i));
    }
}

void
tp_cache_keymat_key(uint64_t stage_hash, const char *mat, size_t len,
    uint8_t key[TP_CACHE_KEYLEN])
{
    uint8_t digest[TP_APIKEY_HASH_LEN];

    tp_cache_key_ns(stage_hash, key);
    tp_apikey_hash(mat, len, digest);    /* SHA-256 of the material */
    memcpy(key + 8, digest, TP_CACHE_KEYLEN - 8);
}
