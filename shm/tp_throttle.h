/*
 * tp_throttle.h: throttle buckets in shared memory, exact across workers.
 *
 * One open-addressing table of {scope hash, TAT} pairs (tp_gcra.h).  A
 * request looks up its scopes without a lock and admits itself with one
 * compare-and-swap per scope; only inserting a new scope takes the
 * table's lock.  A bucket whose TAT is in the past is full, which is the
 * same as absent: such entries are reused in place when the table is full,
 * so eviction never loses state.
 *
 * A request passes up to TP_THROTTLE_SCOPES buckets (account, route, usage
 * plan per key); it is admitted only when every one admits it, and then
 * all are charged, or none.
 */
#ifndef TP_THROTTLE_H
#define TP_THROTTLE_H

#include "tp_core.h"
#include "tp_gcra.h"
#include "tp_shm_lock.h"

#include <stdatomic.h>

#define TP_THROTTLE_SCOPES 4
#define TP_THROTTLE_PROBE  32        /* slots searched from a hash's home */

struct tp_shm;

struct tp_tt_slot {
    _Atomic uint64_t key;            /* scope hash; 0: never used */
    _Atomic uint64_t tat;            /* ns, CLOCK_MONOTONIC */
};

struct tp_tt_table {
    uint64_t cap;                    /* slots, a power of two */
    struct tp_shm_lock lock;
    _Atomic uint64_t full;           /* inserts that found no room */
    _Atomic uint64_t reused;         /* idle entries replaced */
    struct tp_tt_slot slots[];
};

/* One bucket a request must pass. */
struct tp_tt_scope {
    uint64_t key;                    /* tp_hash of the scope's name */
    struct tp_gcra g;
};

/* Carves (or finds again) the table in <shm>; sized at first creation. */
struct tp_tt_table *tp_throttle_zone(struct tp_shm *shm, uint32_t entries);

/* Bytes the table of <entries> takes (for sizing the segment). */
size_t tp_throttle_zone_size(uint32_t entries);

enum tp_tt_result {
    TP_TT_ADMIT = 0,
    TP_TT_THROTTLED,
    TP_TT_FULL                       /* no room for a new scope */
};

/*
 * Admits a request at <now> through <n> scopes, charging each; on any
 * refusal nothing stays charged.  <slots> receives the entries (for
 * tp_throttle_refund) when <slots> is not NULL.
 */
enum tp_tt_result tp_throttle_admit(struct tp_tt_table *t,
    const struct tp_tt_scope *sc, unsigned n, uint64_t now,
    struct tp_tt_slot **slots);

/* Gives back the charge of an admitted request (a later check refused
 * it, e.g. its quota). */
void tp_throttle_refund(struct tp_tt_slot **slots,
    const struct tp_tt_scope *sc, unsigned n);

#endif /* TP_THROTTLE_H */
