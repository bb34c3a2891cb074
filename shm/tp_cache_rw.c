/*
 * tp_cache_rw.c: looking up, storing and removing one item of the
 * response cache.  An "entries" value is the expiry (u64 BE ms) then the
 * item; the "expiry" record of that time and key changes with it, in the
 * same transaction.
 */
#include "tp_cache_int.h"

#include <stdio.h>

#define CACHE_PUT_TRIES   6          /* puts after a full map */

int
tp_cache_get_ref(struct tp_cache *c, const uint8_t key[TP_CACHE_KEY_LEN],
    uint64_t now_ms, const void **val, size_t *len, uint64_t *expires_ms)
{
    MDB_val k = { TP_CACHE_KEY_LEN, (void *) key }, v;
    uint64_t exp;
    int rc;

    /* Renewing the held transaction would fail in LMDB, and resetting it
     * would pull the map out from under its holder. */
    if (TP_UNLIKELY(c->held) || TP_UNLIKELY(tp_cache_rd(c) != 0)) {
        return TP_ERROR;
    }
    rc = mdb_get(c->rtxn, c->entries, &k, &v);
    if (rc != 0 || TP_UNLIKELY(v.mv_size < TP_CACHE_HDR)) {
        tp_cache_rd_end(c);
        return rc == MDB_NOTFOUND ? TP_DECLINED : TP_ERROR;
    }
    exp = tp_cache_be64_get(v.mv_data);
    if (exp <= now_ms) {
        tp_cache_rd_end(c);
        return TP_DECLINED;
    }
    c->held = true;
    *val = (char *) v.mv_data + TP_CACHE_HDR;
    *len = v.mv_size - TP_CACHE_HDR;
    *expires_ms = exp;
    return TP_OK;
}

void
tp_cache_get_end(struct tp_cache *c)
{
    if (c->held) {
        c->held = false;
        tp_cache_rd_end(c);
    }
}

int
tp_cache_get(struct tp_cache *c, const uint8_t key[TP_CACHE_KEY_LEN],
    uint64_t now_ms, struct tp_arena *a, const void **val, size_t *len,
    uint64_t *expires_ms)
{
    const void *p;
    void *copy;
    int rc = tp_cache_get_ref(c, key, now_ms, &p, len, expires_ms);

    if (rc != TP_OK) {
        return rc;
    }
    /* Copied before the reset: the page may be reused after it. */
    copy = tp_arena_alloc(a, *len);
    if (copy != NULL) {
        memcpy(copy, p, *len);
    }
    tp_cache_get_end(c);
    if (copy == NULL) {
        return TP_ERROR;
    }
    *val = copy;
    return TP_OK;
}

/* Deletes in <txn> the expiry record of the stored value <v> of <key>. */
static int
cache_unindex(struct tp_cache *c, MDB_txn *txn, const uint8_t *key,
    const MDB_val *v)
{
    uint8_t xk[TP_CACHE_XKEY_LEN];
    MDB_val x = { sizeof(xk), xk };
    int rc;

    if (v->mv_size < TP_CACHE_HDR) {
        return 0;                    /* unreadable: has no record */
    }
    memcpy(xk, v->mv_data, 8);
    memcpy(xk + 8, key, TP_CACHE_KEY_LEN);
    rc = mdb_del(txn, c->expiry, &x, NULL);
    return rc == MDB_NOTFOUND ? 0 : rc;
}

int
tp_cache_unlink(struct tp_cache *c, MDB_txn *txn, const uint8_t *key,
    const MDB_val *v)
{
    MDB_val k = { TP_CACHE_KEY_LEN, (void *) key };
    int rc = cache_unindex(c, txn, key, v);

    return rc != 0 ? rc : mdb_del(txn, c->entries, &k, NULL);
}

struct cache_put {
    const uint8_t *key;
    uint64_t expires;
    const void *val;
    size_t len;
    size_t evicted;
};

/*
 * Under the soft limit, or back towards it: over it, a put evicts what
 * the item takes and an eighth of the excess on top (at most a quarter
 * of the reserve), so that the pages in use come down even while freed
 * space stays scattered over leaves.
 */
static int
cache_room(struct tp_cache *c, MDB_txn *txn, struct cache_put *p)
{
    size_t used = tp_cache_pages(c, txn) + tp_cache_item_pages(c, p->len);
    struct tp_cache_walk w;
    int rc;

    if (used <= c->limit) {
        return 0;
    }
    w = (struct tp_cache_walk) { UINT64_MAX, p->len + TP_MIN((used
        - c->limit) * c->psize / 8, c->reserve / 4), c->batch, 0, 0 };
    rc = tp_cache_evict(c, txn, &w);
    p->evicted = w.n;
    return rc;
}

static int
cache_put_txn(struct tp_cache *c, MDB_txn *txn, void *arg)
{
    struct cache_put *p = arg;
    MDB_val k = { TP_CACHE_KEY_LEN, (void *) p->key }, v;
    uint8_t xk[TP_CACHE_XKEY_LEN];
    MDB_val x = { sizeof(xk), xk }, none = { 0, (void *) "" };
    int rc;

    p->evicted = 0;
    rc = cache_room(c, txn, p);
    if (rc == 0) {
        rc = mdb_get(txn, c->entries, &k, &v);
        rc = rc == 0 ? cache_unindex(c, txn, p->key, &v)
                     : rc == MDB_NOTFOUND ? 0 : rc;
    }
    if (rc != 0) {
        return rc;
    }
    v.mv_size = TP_CACHE_HDR + p->len;
    v.mv_data = NULL;
    rc = mdb_put(txn, c->entries, &k, &v, MDB_RESERVE);
    if (rc != 0) {
        return rc;
    }
    tp_cache_be64_put(v.mv_data, p->expires);  /* before any other write */
    if (p->len > 0) {
        memcpy((char *) v.mv_data + TP_CACHE_HDR, p->val, p->len);
    }
    tp_cache_be64_put(xk, p->expires);
    memcpy(xk + 8, p->key, TP_CACHE_KEY_LEN);
    return mdb_put(txn, c->expiry, &x, &none, 0);
}

static int
cache_batch_txn(struct tp_cache *c, MDB_txn *txn, void *arg)
{
    return tp_cache_evict(c, txn, arg);
}

/*
 * LMDB found no room even under the soft limit (an old snapshot, free
 * pages too scattered for a large item, or all freed by the last
 * commit): evict a batch of <bytes> in a transaction of its own, whose
 * pages serve a later one.  TP_DECLINED when nothing was evicted.
 */
static int
cache_batch(struct tp_cache *c, size_t bytes, char *err, size_t errlen)
{
    struct tp_cache_walk w = { UINT64_MAX, bytes, c->batch, 0, 0 };
    int rc = tp_cache_txn_del(c, cache_batch_txn, &w);

    if (rc == MDB_MAP_FULL) {
        return TP_DECLINED;          /* held by a reader: not for long */
    }
    if (rc != 0) {
        return tp_cache_fail(c, rc, "evict", err, errlen);
    }
    c->count.evicted += w.n;
    return w.n > 0 ? TP_OK : TP_DECLINED;
}

int
tp_cache_put(struct tp_cache *c, const uint8_t key[TP_CACHE_KEY_LEN],
    uint64_t expires_ms, const void *val, size_t len, char *err,
    size_t errlen)
{
    struct cache_put p = { key, expires_ms, val, len, 0 };
    unsigned i;
    int rc;

    /* Larger items than the reserve would free too much at once when
     * replaced or evicted (what a commit frees waits two commits). */
    if (len > TP_MIN(TP_CACHE_VALUE_MAX, c->reserve)) {
        snprintf(err, errlen, "%s: an item of %zu bytes is larger than the "
            "%zu allowed%s", c->path, len, TP_MIN(TP_CACHE_VALUE_MAX,
            c->reserve), len > TP_CACHE_VALUE_MAX ? ""
                                                  : " in a cache this size");
        return TP_DECLINED;
    }
    for (i = 0;; i++) {
        rc = tp_cache_txn(c, cache_put_txn, &p);
        if (rc == 0) {
            c->count.evicted += p.evicted;
            return TP_OK;
        }
        if (rc != MDB_MAP_FULL) {
            return tp_cache_fail(c, rc, "put", err, errlen);
        }
        c->count.full++;
        if (i + 1 == CACHE_PUT_TRIES) {
            break;
        }
        /* Twice as much each time: the first batch's pages serve only
         * the transaction after the next (LMDB keeps two snapshots). */
        rc = cache_batch(c, TP_MIN((len + c->psize) << i, c->reserve / 2),
            err, errlen);
        if (rc == TP_ERROR) {
            return TP_ERROR;
        }
        if (rc == TP_DECLINED) {
            break;
        }
    }
    snprintf(err, errlen, "%s: full: no room for an item of %zu bytes, even "
        "after evicting", c->path, len);
    return TP_DECLINED;
}

static int
cache_del_txn(struct tp_cache *c, MDB_txn *txn, void *arg)
{
    MDB_val k = { TP_CACHE_KEY_LEN, arg }, v;
    int rc = mdb_get(txn, c->entries, &k, &v);

    return rc != 0 ? rc : tp_cache_unlink(c, txn, arg, &v);
}

int
tp_cache_del(struct tp_cache *c, const uint8_t key[TP_CACHE_KEY_LEN],
    char *err, size_t errlen)
{
    int rc = tp_cache_txn_del(c, cache_del_txn, (void *) key);

    if (rc == MDB_NOTFOUND) {
        snprintf(err, errlen, "%s: no such entry", c->path);
        return TP_DECLINED;
    }
    return rc == 0 ? TP_OK : tp_cache_fail(c, rc, "delete", err, errlen);
}
