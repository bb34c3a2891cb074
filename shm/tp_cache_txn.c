/*
 * tp_cache_txn.c: the response cache's transactions: the read transaction
 * each handle renews per lookup, and write transactions, with what may
 * stop either: another process grew the map (adopt its size), reader
 * slots held by dead processes (free them), and for deletions a full map
 * (grow into the reserve, when that helps).
 */
#include "tp_cache_int.h"

#include <stdio.h>
#include <stdlib.h>

/* The normal map: LMDB makes it larger when the file already is. */
static int
cache_map_normal(struct tp_cache *c)
{
    return mdb_env_set_mapsize(c->env, c->cap - c->reserve);
}

/*
 * After MDB_MAP_RESIZED (another process grew the map) or
 * MDB_READERS_FULL (maybe slots of dead processes): whether it was dealt
 * with and the transaction may begin again.  Only with no transaction of
 * this handle active, which is the case where these are returned.
 */
static bool
cache_recover(struct tp_cache *c, int rc)
{
    int dead = 0;

    /* Not the size another process set (0): it may have grown into
     * the reserve; the file's size is enough to read it. */
    if (rc == MDB_MAP_RESIZED) {
        return cache_map_normal(c) == 0;
    }
    return rc == MDB_READERS_FULL && mdb_reader_check(c->env, &dead) == 0
           && dead > 0;
}

int
tp_cache_rd(struct tp_cache *c)
{
    int rc;

    if (TP_UNLIKELY(c->rtxn == NULL)) {
        rc = mdb_txn_begin(c->env, NULL, MDB_RDONLY, &c->rtxn);
        if (rc != 0 && cache_recover(c, rc)) {
            rc = mdb_txn_begin(c->env, NULL, MDB_RDONLY, &c->rtxn);
        }
        if (rc != 0) {
            c->rtxn = NULL;
        }
        return rc;
    }
    rc = mdb_txn_renew(c->rtxn);
    if (TP_UNLIKELY(rc != 0)) {
        if (cache_recover(c, rc) && (rc = mdb_txn_renew(c->rtxn)) == 0) {
            return 0;
        }
        mdb_txn_abort(c->rtxn);        /* the next call begins a new one */
        c->rtxn = NULL;
    }
    return rc;
}

void
tp_cache_rd_end(struct tp_cache *c)
{
    mdb_txn_reset(c->rtxn);
}

int
tp_cache_txn(struct tp_cache *c, tp_cache_txn_fn fn, void *arg)
{
    MDB_txn *txn;
    int rc;

    rc = mdb_txn_begin(c->env, NULL, 0, &txn);
    if (rc != 0 && cache_recover(c, rc)) {
        rc = mdb_txn_begin(c->env, NULL, 0, &txn);
    }
    if (rc != 0) {
        return rc;
    }
    rc = fn(c, txn, arg);
    if (rc != 0) {
        mdb_txn_abort(txn);
        return rc;
    }
    return mdb_txn_commit(txn);       /* which aborts when it fails */
}

struct cache_pin {
    uint64_t last;                   /* the last committed transaction */
    bool pinned;
};

/* A line of mdb_reader_list(): "pid thread txnid", "-" when reset. */
static int
cache_pin_line(const char *msg, void *arg)
{
    struct cache_pin *p = arg;
    unsigned long long txnid;
    char *end;
    int pid;
    size_t tid;
    char id[32];

    if (sscanf(msg, "%d %zx %31s", &pid, &tid, id) == 3 && id[0] != '-') {
        txnid = strtoull(id, &end, 10);
        p->pinned |= *end == '\0' && txnid < p->last;
    }
    return 0;
}

/*
 * Whether a live reader holds a snapshot older than the last commit: the
 * pages freed since wait for it, and will come back when it ends, so
 * growing the map would only use up the reserve meanwhile.
 */
static bool
cache_pinned(struct tp_cache *c)
{
    struct cache_pin p = { 0, false };
    MDB_envinfo info;

    if (mdb_env_info(c->env, &info) != 0) {
        return true;
    }
    p.last = info.me_last_txnid;
    (void) mdb_reader_list(c->env, cache_pin_line, &p);
    return p.pinned;
}

int
tp_cache_txn_del(struct tp_cache *c, tp_cache_txn_fn fn, void *arg)
{
    int rc = tp_cache_txn(c, fn, arg), dead = 0;

    if (rc == MDB_MAP_FULL && mdb_reader_check(c->env, &dead) == 0
        && dead > 0)
    {
        rc = tp_cache_txn(c, fn, arg);
    }
    /*
     * No page to delete with: LMDB reuses the pages a transaction frees
     * two commits later only, and the last one freed them all.  The
     * reserve lets this one commit; shrunk back right after, so that only
     * what it took is gone from the reserve, and puts never take any.
     */
    if (rc == MDB_MAP_FULL && !cache_pinned(c)
        && mdb_env_set_mapsize(c->env, c->cap) == 0)
    {
        c->count.grown++;
        rc = tp_cache_txn(c, fn, arg);
        (void) cache_map_normal(c);
    }
    return rc;
}
