/*
 * tp_state_int.h: what the parts of the state layer share: the handle, its
 * databases and transaction helpers.  tp_state.c opens the environment,
 * tp_state_keys.c keeps the API keys, tp_state_quota.c the quota counters,
 * usage and plans.
 */
#ifndef TP_STATE_INT_H
#define TP_STATE_INT_H

#include "tp_state.h"

#include <lmdb.h>

enum tp_state_db {
    TP_SDB_KEYS = 0,
    TP_SDB_NAMES,
    TP_SDB_IDS,
    TP_SDB_QUOTA,
    TP_SDB_USAGE,
    TP_SDB_PLANS,
    TP_SDB_META,
    TP_SDB_COUNT
};

#define TP_STATE_LAYOUT  1u          /* meta "version" */

struct tp_state {
    MDB_env *env;
    MDB_dbi dbi[TP_SDB_COUNT];
    MDB_txn *rtxn;                   /* reads: renewed per call, then reset */
    MDB_txn *import;                 /* the write txn of an import */
    size_t mapsize;
    bool rdonly;
    char path[];                     /* data_dir/state */
};

/* Renews st->rtxn (TP_ERROR on a database error); tp_state_rd_end resets
 * it, so a handle holds no snapshot between calls. */
int tp_state_rd(struct tp_state *st);
void tp_state_rd_end(struct tp_state *st);

/* A write transaction; TP_ERROR + <err> (also on a read-only handle). */
int tp_state_wr(struct tp_state *st, MDB_txn **txn, char *err,
    size_t errlen);
int tp_state_commit(struct tp_state *st, MDB_txn *txn, char *err,
    size_t errlen);

/* Ends a write transaction whose last LMDB return code is <rc>: commits
 * it when 0, else aborts it and reports <rc> for <what>. */
int tp_state_end(struct tp_state *st, MDB_txn *txn, int rc,
    const char *what, char *err, size_t errlen);

/* Writes "PATH: <what>: <LMDB's message>" (a clearer one for a full map)
 * into <err>; returns TP_ERROR. */
int tp_state_fail(const struct tp_state *st, int rc, const char *what,
    char *err, size_t errlen);

/* Deletes the quota record and the usage of quota id <id> in <txn>; an
 * LMDB return code (0: done, also when there was nothing). */
int tp_state_quota_drop(struct tp_state *st, MDB_txn *txn, uint64_t id);

/* Big-endian encoding of quota and usage keys (cursor order = id, day). */
void tp_state_be64(unsigned char *p, uint64_t v);

#endif /* TP_STATE_INT_H */
