/*
 * tp_hash.h: the 64-bit hash that names shared-memory entries (throttle
 * scopes, quota counters) and the durable quota records, so every process
 * and turnpikectl derive the same id from the same names.  Pure.
 */
#ifndef TP_HASH_H
#define TP_HASH_H

#include "tp_core.h"

/* Never 0 or 1: those mark empty and deleted table slots. */
uint64_t tp_hash64(const void *p, size_t n, uint64_t seed);

/* The hash of <n> strings joined with NUL separators. */
uint64_t tp_hash_strs(unsigned n, const char *const *s);

/* The id of the quota counter of API key <key_id> in usage plan <plan>. */
uint64_t tp_quota_id(uint64_t plan_hash, const char *key_id);

/* The throttle bucket of a usage plan per key (its quota id <quota_id>),
 * for the plan's own throttle; its per-route settings hash the route. */
uint64_t tp_plan_bucket(uint64_t quota_id);

/* The hash a usage plan is known by (its name). */
uint64_t tp_plan_hash(const char *plan);

#endif /* TP_HASH_H */
