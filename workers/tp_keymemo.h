/*
 * tp_keymemo.h: a worker's memo of the SHA-256 of API key values it saw
 * recently, so that a client presenting the same key again skips the hash
 * (tp_keymemo.c says why that is safe).  Workers only.
 */
#ifndef TP_KEYMEMO_H
#define TP_KEYMEMO_H

#include "tp_apikey.h"

#define TP_KEYMEMO_SLOTS  1024       /* a power of two */

struct tp_keymemo;

/* An empty memo with a random seed; NULL when there is no memory or no
 * randomness (the caller then hashes every value). */
struct tp_keymemo *tp_keymemo_new(void);

void tp_keymemo_free(struct tp_keymemo *m);

/* <out>: tp_apikey_hash() of <v> (length <len>), from the memo when it
 * holds that exact value; else hashed and remembered.  <m> may be NULL.
 * True when the memo answered (for tests; callers need not care). */
bool tp_keymemo_hash(struct tp_keymemo *m, const char *v, size_t len,
    uint8_t out[TP_APIKEY_HASH_LEN]);

#endif /* TP_KEYMEMO_H */
