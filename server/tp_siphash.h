/*
 * tp_siphash.h: SipHash-1-3, a keyed 64-bit hash (SipHash by Aumasson and
 * Bernstein, 2012, with one round per block and three to finish, as
 * CPython and Rust hash their tables) for tables whose slots a client
 * could otherwise choose: under a secret random key, which inputs share a
 * slot cannot be predicted.  Not a cryptographic digest.  Pure.
 */
#ifndef TP_SIPHASH_H
#define TP_SIPHASH_H

#include "tp_core.h"

/* <key>: 16 bytes as two little-endian 64-bit words (k0, k1). */
uint64_t tp_siphash(const uint64_t key[2], const void *p, size_t n);

#endif /* TP_SIPHASH_H */
