/*
 * tp_state.h: the durable LMDB environment "state" in data_dir: API keys
 * managed at run time (turnpikectl), quota counters, daily usage, and the
 * first-seen time of each usage plan (for the quota offset).
 *
 * Each process opens its own handle after fork() (LMDB handles must not
 * cross a fork); the master opens and closes one before forking.  Readers
 * (workers, per request) never block writers; LMDB serializes writers
 * across processes (master, metrics worker, turnpikectl).
 *
 * Databases (named sub-databases of the one environment):
 *   "keys"   SHA-256 of the value (32 bytes) -> key record (tp_state.c)
 *   "names"  key name (see tp_state_keys.c)  -> SHA-256 of the value
 *   "ids"    key id (10 bytes)              -> SHA-256 of the value
 *   "quota"  quota id (u64, big-endian)     -> { word, total } (u64 each)
 *   "usage"  quota id (u64 BE) + day (i64 BE, days since 1970) -> u64
 *   "plans"  plan name                      -> first-seen Unix time (i64)
 *   "meta"   "version"                      -> layout version (u32)
 */
#ifndef TP_STATE_H
#define TP_STATE_H

#include "tp_apikey.h"
#include "tp_core.h"

struct tp_state;

#define TP_STATE_DIRNAME  "state"      /* data_dir/state/{data,lock}.mdb */

enum {
    TP_STATE_RDONLY = 1              /* turnpikectl list/usage */
};

/*
 * Opens (creating when absent, unless RDONLY) data_dir/state with a map
 * of <mapsize> bytes.  TP_ERROR with a message naming the path in <err>;
 * TP_DECLINED (and no handle) when RDONLY and there is no environment yet.
 * As root, the directory and its files are given to data_dir's owner.
 */
int tp_state_open(struct tp_state **st, const char *data_dir, size_t mapsize,
    unsigned flags, char *err, size_t errlen);
void tp_state_close(struct tp_state *st);

/* -- API keys ------------------------------------------------------------ */

/* Everything stored about a key (turnpikectl). */
struct tp_key_full {
    uint8_t hash[TP_APIKEY_HASH_LEN];
    struct tp_key_info info;
    char name[TP_APIKEY_NAME_MAX + 1];
    char plan_names[TP_APIKEY_MAX_PLANS][TP_PLAN_NAME_MAX + 1];
    int64_t created;                 /* Unix time */
    int64_t updated;
};

/*
 * Hot path (workers): the key whose value hashes to <hash>.  TP_OK and
 * <*out>; TP_DECLINED when there is none; TP_ERROR on a database error.
 * Uses one read transaction per handle, renewed per call: no allocation,
 * no system call.
 */
int tp_state_key_find(struct tp_state *st, const uint8_t *hash,
    struct tp_key_info *out);

/*
 * Management (turnpikectl).  Each is one write transaction.  Errors are
 * TP_ERROR with a message for the user in <err>: a duplicate name or
 * value, an unknown name.  Creating or adding returns TP_BUSY, having
 * changed nothing, when another key already has k->info.id: the caller
 * retries with a new random id (an import goes on).
 */
int tp_state_key_create(struct tp_state *st, const struct tp_key_full *k,
    char *err, size_t errlen);
/* A bulk import (turnpikectl keys import): begin, add each key, then
 * commit; all of them or (abort, or any add failing) none. */
int tp_state_import_begin(struct tp_state *st, char *err, size_t errlen);
int tp_state_import_add(struct tp_state *st, const struct tp_key_full *k,
    char *err, size_t errlen);
int tp_state_import_commit(struct tp_state *st, char *err, size_t errlen);
void tp_state_import_abort(struct tp_state *st);
int tp_state_key_get(struct tp_state *st, const char *name,
    struct tp_key_full *out, char *err, size_t errlen);
int tp_state_key_set_enabled(struct tp_state *st, const char *name,
    bool enabled, char *err, size_t errlen);
int tp_state_key_delete(struct tp_state *st, const char *name, char *err,
    size_t errlen);
/* Calls <cb> for every key in name order; stops when it returns != 0. */
int tp_state_key_each(struct tp_state *st,
    int (*cb)(const struct tp_key_full *k, void *arg), void *arg);

/* -- quota counters and usage --------------------------------------------- */

struct tp_quota_rec {
    uint64_t id;                     /* tp_quota_id() */
    uint64_t word;                   /* the shm counter word, opaque here */
    uint64_t total;                  /* requests ever counted */
};

/* TP_OK and <*out>, TP_DECLINED when <id> has no record, TP_ERROR. */
int tp_state_quota_get(struct tp_state *st, uint64_t id,
    struct tp_quota_rec *out);

/*
 * The metrics worker's flush, one transaction: for each record, the day's
 * usage of its id grows by (total - stored total) when that is positive,
 * then {word, total} is stored.  Idempotent: flushing the same records
 * twice counts the usage once.
 */
int tp_state_quota_flush(struct tp_state *st, const struct tp_quota_rec *r,
    size_t n, int64_t day, char *err, size_t errlen);

/* Requests counted for quota id <id> on day number <day> (0 when none). */
int tp_state_usage_get(struct tp_state *st, uint64_t id, int64_t day,
    uint64_t *count);

/* The same for days <from> to <to> (inclusive) into <counts>[to-from+1],
 * in one cursor walk. */
int tp_state_usage_range(struct tp_state *st, uint64_t id, int64_t from,
    int64_t to, uint64_t *counts);

/* -- usage plans ----------------------------------------------------------- */

/*
 * The time usage plan <name> was first seen: stored as <now> when it has
 * none (master, at start and reload).  Its first quota period is the one
 * the offset applies to.
 */
int tp_state_plan_seen(struct tp_state *st, const char *name, int64_t now,
    int64_t *first_seen, char *err, size_t errlen);

/* Reads it only: TP_OK, or TP_DECLINED when the plan was never seen. */
int tp_state_plan_get(struct tp_state *st, const char *name,
    int64_t *first_seen);

#endif /* TP_STATE_H */
