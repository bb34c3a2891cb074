/*
 * tp_cache.h: the shared response cache, an LMDB environment in
 * data_dir/cache that every process of the gateway sees: workers look up
 * and store responses, the metrics worker removes expired ones, and
 * turnpikectl flushes and counts them.
 *
 * Each process opens its own handle after fork() (LMDB handles must not
 * cross a fork); the master opens and closes one at start so that a
 * broken directory is an error before any worker runs.  Readers never
 * block; LMDB serializes writers across processes.
 *
 * Databases (named sub-databases of the one environment):
 *   "entries"  key (32 bytes)                 -> expiry (u64 BE) + item
 *   "expiry"   expiry (u64 BE ms) + key (40)  -> empty
 * A key is an 8-byte namespace (a hash of API id and stage: a flush of a
 * stage is a prefix) then a 24-byte hash of the request; the caller
 * computes both.  "expiry" is ordered by time: it drives TTL cleanup and
 * eviction (soonest expiry first) when the map is full.
 *
 * Capacity: the map never exceeds the configured size.  A reserve (a
 * sixteenth of it, at least 256 KiB) stays out of the normal map: in
 * LMDB a deletion needs free pages too, and the pages a commit frees are
 * reused only two commits later, so a deletion that finds none may grow
 * the map into the reserve for itself (tp_cache_txn.c).  A put evicts
 * (soonest expiry first) before the pages in use pass the map less
 * another reserve, so that LMDB rarely finds the map full.  An item may
 * be as large as the reserve, at most TP_CACHE_VALUE_MAX.
 */
#ifndef TP_CACHE_H
#define TP_CACHE_H

#include "tp_arena.h"
#include "tp_core.h"

#define TP_CACHE_DIRNAME   "cache"     /* data_dir/cache/{data,lock}.mdb */
#define TP_CACHE_KEY_LEN   32
#define TP_CACHE_NS_LEN    8
#define TP_CACHE_ITEM_MAX  1048576     /* AWS: max cached response body */
/* A stored value: the body and, on top, its status and headers. */
#define TP_CACHE_VALUE_MAX (TP_CACHE_ITEM_MAX + 65536)
#define TP_CACHE_MAP_MIN   (1u << 20)  /* smallest map size accepted */

struct tp_cache;                       /* one per process */

/*
 * Opens (creating when absent) data_dir/cache with a map of <mapsize>
 * bytes (at least TP_CACHE_MAP_MIN).  TP_ERROR with "data_dir/cache:
 * <what>" in <err>: a missing data_dir, a size below the minimum, a file
 * that is not an LMDB environment (or not of this LMDB version).  The
 * files of an earlier boot are removed first (tp_cache_boot.h).  As root,
 * the directory and its files are given to data_dir's owner.
 */
int tp_cache_open(struct tp_cache **out, const char *data_dir,
    size_t mapsize, char *err, size_t errlen);
void tp_cache_close(struct tp_cache *c);

/*
 * The hot path.  TP_OK: a hit, the item copied into <a> as *val, *len,
 * and its expiry in *expires_ms; TP_DECLINED: absent, or expired at
 * <now_ms> (expires_ms <= now_ms; real-time ms); TP_ERROR: an LMDB error
 * (the caller bypasses the cache and logs).  One read transaction per
 * handle, renewed per call: no allocation but the copy, no system call.
 */
int tp_cache_get(struct tp_cache *c, const uint8_t key[TP_CACHE_KEY_LEN],
    uint64_t now_ms, struct tp_arena *a, const void **val, size_t *len,
    uint64_t *expires_ms);

/*
 * The same without the copy: on TP_OK *val points into the map, inside
 * the handle's read transaction, which stays open until
 * tp_cache_get_end(): the caller sends from it (a 16 KiB hit then costs
 * no copy) and ends it before the event loop runs again, since a held
 * snapshot keeps its pages from being reused.  Not nested: while one is
 * held, this and tp_cache_get() return TP_ERROR.  Nothing is held after
 * TP_DECLINED or TP_ERROR.
 */
int tp_cache_get_ref(struct tp_cache *c,
    const uint8_t key[TP_CACHE_KEY_LEN], uint64_t now_ms, const void **val,
    size_t *len, uint64_t *expires_ms);

/* Ends what tp_cache_get_ref() holds; nothing when nothing is held. */
void tp_cache_get_end(struct tp_cache *c);

/*
 * Stores or replaces an item, with its expiry index record, in one write
 * transaction.  When the cache is full it evicts the entries that expire
 * soonest (in the same transaction, or when LMDB still reports a full map,
 * in batches of their own, then retries a few times).  TP_DECLINED with a
 * message: the item is larger than allowed (see above), or there was no
 * room even after evicting (a large item and free pages too scattered, or
 * a reader holding an old snapshot, whose pages come back when it ends);
 * TP_ERROR: an LMDB error.  Neither is a reason to fail the request.
 */
int tp_cache_put(struct tp_cache *c, const uint8_t key[TP_CACHE_KEY_LEN],
    uint64_t expires_ms, const void *val, size_t len, char *err,
    size_t errlen);

/* Removes an item: TP_OK, TP_DECLINED when absent, TP_ERROR. */
int tp_cache_del(struct tp_cache *c, const uint8_t key[TP_CACHE_KEY_LEN],
    char *err, size_t errlen);

/*
 * Deletes every entry whose key starts with the namespace <ns>, counted
 * in *deleted.  In batches of their own transactions, so that writers of
 * other processes wait for one batch at most: entries stored meanwhile
 * may survive.  On TP_ERROR, *deleted counts those already gone.
 */
int tp_cache_flush(struct tp_cache *c, const uint8_t ns[TP_CACHE_NS_LEN],
    size_t *deleted, char *err, size_t errlen);

/* Housekeeping (metrics worker, once a second): deletes up to <max>
 * entries expired at <now_ms>, counted in *deleted; also frees reader
 * slots of dead processes, whose snapshots would keep pages in use. */
int tp_cache_expire(struct tp_cache *c, uint64_t now_ms, size_t max,
    size_t *deleted, char *err, size_t errlen);

/*
 * <ns> NULL: every entry; bytes_used is the pages the databases occupy.
 * <ns>: the entries of that namespace (a walk); bytes_used is the sum of
 * their keys and stored values.  map_size: the configured size.
 */
struct tp_cache_stat {
    uint64_t entries;
    uint64_t bytes_used;
    uint64_t map_size;
};

int tp_cache_stat(struct tp_cache *c, const uint8_t *ns,
    struct tp_cache_stat *st, char *err, size_t errlen);

#endif /* TP_CACHE_H */
