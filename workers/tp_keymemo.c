/*
 * tp_keymemo.c: value -> SHA-256 for the API key values a worker saw last.
 *
 * Keys are known by the SHA-256 of their value, and hashing the presented
 * x-api-key was most of what a key costs a request (about 2,950 of its
 * 3,500 extra instructions; docs/BENCHMARKS.md).  Clients present the same
 * few keys over and over, so each worker remembers the hash of the values
 * it saw last, in a direct-mapped table.
 *
 * Why this keeps the guarantees of stored hashes and constant-time
 * compares:
 *  - the memo maps a value to its hash and nothing else.  Whether the key
 *    exists, is enabled and in which plans is looked up afterwards, as
 *    without the memo, so turnpikectl keys disable/delete applies as soon
 *    as the state database says so;
 *  - the values it copies are already in this process's memory (the
 *    request buffer) and are as private as that: the memo is never logged,
 *    written to a file or shared with another process, and it dies with
 *    the worker.  What is stored, in the file and in the state database,
 *    stays the hash alone;
 *  - a hit needs the whole value, compared in constant time (the lengths
 *    first, which a client knows of its own value), so a client cannot
 *    learn a remembered value byte by byte from timing;
 *  - slots are chosen by SipHash under a random per-process key, so no
 *    client can aim values at the slot of another client's key.  At worst
 *    a flood of values evicts entries, and a request is hashed as before.
 * That a value was seen recently (a hit is some 150 ns faster natively)
 * tells a client nothing the status of its own request does not.
 */
#include "tp_keymemo.h"
#include "tp_siphash.h"

#include <openssl/crypto.h>
#include <stdlib.h>
#include <sys/random.h>

struct keymemo_slot {
    uint8_t hash[TP_APIKEY_HASH_LEN];
    uint8_t len;                     /* 0: empty */
    char value[TP_APIKEY_VALUE_MAX];
};

struct tp_keymemo {
    uint64_t seed[2];                /* the SipHash key */
    struct keymemo_slot slots[TP_KEYMEMO_SLOTS];
};

struct tp_keymemo *
tp_keymemo_new(void)
{
    struct tp_keymemo *m = calloc(1, sizeof(*m));

    if (m != NULL && getrandom(m->seed, sizeof(m->seed), 0)
        != (ssize_t) sizeof(m->seed))
    {
        free(m);                     /* a guessable seed would defeat it */
        return NULL;
    }
    return m;
}

void
tp_keymemo_free(struct tp_keymemo *m)
{
    if (m != NULL) {
        OPENSSL_cleanse(m, sizeof(*m));
        free(m);
    }
}

bool
tp_keymemo_hash(struct tp_keymemo *m, const char *v, size_t len,
    uint8_t out[TP_APIKEY_HASH_LEN])
{
    struct keymemo_slot *s;

    if (m == NULL || len == 0 || len > TP_APIKEY_VALUE_MAX) {
        tp_apikey_hash(v, len, out);
        return false;
    }
    s = &m->slots[tp_siphash(m->seed, v, len) & (TP_KEYMEMO_SLOTS - 1)];
    if (s->len == len && CRYPTO_memcmp(s->value, v, len) == 0) {
        memcpy(out, s->hash, TP_APIKEY_HASH_LEN);
        return true;
    }
    tp_apikey_hash(v, len, out);
    s->len = (uint8_t) len;
    memcpy(s->value, v, len);
    memcpy(s->hash, out, TP_APIKEY_HASH_LEN);
    return false;
}
