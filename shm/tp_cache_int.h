/*
 * tp_cache_int.h: what the parts of the response cache share: the handle,
 * the record layout and the transaction helpers.  tp_cache.c opens the
 * environment, tp_cache_txn.c runs transactions, tp_cache_rw.c gets, puts
 * and deletes items, tp_cache_evict.c walks the expiry index (eviction,
 * TTL cleanup) and tp_cache_flush.c flushes and counts namespaces.
 */
#ifndef TP_CACHE_INT_H
#define TP_CACHE_INT_H

#include "tp_cache.h"

#include <lmdb.h>

#define TP_CACHE_HDR       8          /* "entries" value: u64 BE expiry */
#define TP_CACHE_XKEY_LEN  (8 + TP_CACHE_KEY_LEN)   /* "expiry" key */
#define TP_CACHE_FREE_DBI  0          /* LMDB's free-page database */

struct tp_cache {
    MDB_env *env;
    MDB_dbi entries;
    MDB_dbi expiry;
    MDB_dbi main;                    /* LMDB's database of databases */
    MDB_txn *rtxn;                   /* reads: renewed per call, then reset */
    bool held;                       /* rtxn open for tp_cache_get_ref() */
    size_t cap;                      /* configured map size: the maximum */
    size_t reserve;                  /* bytes kept for deletions */
    size_t psize;                    /* LMDB page size */
    size_t limit;                    /* pages in use before a put evicts */
    size_t batch;                    /* most entries a txn evicts */
    struct {                         /* for tests and logs */
        uint64_t evicted;            /* entries evicted to make room */
        uint64_t full;               /* MDB_MAP_FULL seen by a put */
        uint64_t grown;              /* map grown into the reserve */
    } count;
    char path[];                     /* data_dir/cache */
};

/* Transaction bodies: return an LMDB code (0: commit). */
typedef int (*tp_cache_txn_fn)(struct tp_cache *c, MDB_txn *txn, void *arg);

/* Renews c->rtxn (an LMDB code); tp_cache_rd_end resets it, so a handle
 * holds no snapshot between calls. */
int tp_cache_rd(struct tp_cache *c);
void tp_cache_rd_end(struct tp_cache *c);

/*
 * Runs <fn> in a write transaction and commits it; an LMDB code (the
 * transaction aborted unless 0).  tp_cache_txn_del is for transactions
 * that only delete, which LMDB may refuse for want of pages when the map
 * is full: it then frees the slots of dead readers, or when no live
 * reader holds an old snapshot (its pages would come back when it ends),
 * grows the map into the reserve for one more try and shrinks it back.
 */
int tp_cache_txn(struct tp_cache *c, tp_cache_txn_fn fn, void *arg);
int tp_cache_txn_del(struct tp_cache *c, tp_cache_txn_fn fn, void *arg);

/* Writes "PATH: <what>: <LMDB's message>" into <err>; returns TP_ERROR. */
int tp_cache_fail(const struct tp_cache *c, int rc, const char *what,
    char *err, size_t errlen);

/* Pages the databases occupy in <txn> (trees of entries, expiry, the
 * database list and the free list). */
size_t tp_cache_pages(struct tp_cache *c, MDB_txn *txn);

/* Pages an item of <len> bytes may take (a leaf share or its own
 * overflow pages, and a split). */
size_t tp_cache_item_pages(const struct tp_cache *c, size_t len);

/* A walk of the expiry index, soonest first (tp_cache_evict). */
struct tp_cache_walk {
    uint64_t until;                  /* entries expiring at most then */
    size_t bytes;                    /* stop once this much is freed */
    size_t max;                      /* or this many are deleted */
    size_t n;                        /* out: entries deleted */
    size_t freed;                    /* out: bytes they held */
};

/* Deletes entries in <txn> as <w> says; an LMDB code.  Sets w->n and
 * w->freed. */
int tp_cache_evict(struct tp_cache *c, MDB_txn *txn,
    struct tp_cache_walk *w);

/* Deletes the entry <key> whose stored value is <v> and its expiry
 * record, in <txn>.  An LMDB code. */
int tp_cache_unlink(struct tp_cache *c, MDB_txn *txn, const uint8_t *key,
    const MDB_val *v);

static inline void
tp_cache_be64_put(uint8_t *p, uint64_t v)
{
    unsigned i;

    for (i = 0; i < 8; i++) {
        p[i] = (uint8_t) (v >> (56 - 8 * i));
    }
}

static inline uint64_t
tp_cache_be64_get(const uint8_t *p)
{
    uint64_t v = 0;
    unsigned i;

    for (i = 0; i < 8; i++) {
        v = v << 8 | p[i];
    }
    return v;
}

#endif /* TP_CACHE_INT_H */
