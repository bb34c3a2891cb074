/*
 * tp_cache_evict.c: the walks over the response cache's expiry index,
 * soonest expiry first: removing expired entries (the metrics worker's
 * housekeeping) and evicting entries to make room; and the page counts
 * that tell a put when to evict.
 */
#include "tp_cache_int.h"

size_t
tp_cache_pages(struct tp_cache *c, MDB_txn *txn)
{
    const MDB_dbi dbi[] = { c->entries, c->expiry, c->main,
                            TP_CACHE_FREE_DBI };
    MDB_stat ms;
    size_t n = 0;
    unsigned i;

    for (i = 0; i < TP_NELEM(dbi); i++) {
        if (mdb_stat(txn, dbi[i], &ms) == 0) {
            n += ms.ms_branch_pages + ms.ms_leaf_pages
                 + ms.ms_overflow_pages;
        }
    }
    return n;
}

size_t
tp_cache_item_pages(const struct tp_cache *c, size_t len)
{
    size_t data = TP_CACHE_HDR + len;

    /* LMDB moves a value of more than about half a page to overflow
     * pages of its own (with a 16-byte header); one more for a split. */
    if (data <= c->psize / 2) {
        return 1;
    }
    return (data + 16 + c->psize - 1) / c->psize + 1;
}

/*
 * Deletes the entry that the first expiry record <x> names, and the
 * record.  w->freed grows by what was stored; w->n counts the entry when
 * there was one with that expiry (a record without one is only dropped).
 */
static int
cache_evict_one(struct tp_cache *c, MDB_txn *txn, MDB_cursor *cur,
    const MDB_val *x, struct tp_cache_walk *w)
{
    uint8_t key[TP_CACHE_KEY_LEN], exp[8];
    MDB_val k = { sizeof(key), key }, v;
    bool ours = x->mv_size == TP_CACHE_XKEY_LEN;
    int rc;

    if (ours) {
        memcpy(exp, x->mv_data, 8);
        memcpy(key, (uint8_t *) x->mv_data + 8, sizeof(key));
    }
    rc = mdb_cursor_del(cur, 0);
    if (rc != 0 || !ours) {
        return rc;
    }
    rc = mdb_get(txn, c->entries, &k, &v);
    if (rc != 0) {
        return rc == MDB_NOTFOUND ? 0 : rc;
    }
    if (v.mv_size >= TP_CACHE_HDR && memcmp(v.mv_data, exp, 8) != 0) {
        return 0;                    /* stored again since: not this one */
    }
    w->freed += TP_CACHE_XKEY_LEN + TP_CACHE_KEY_LEN + v.mv_size;
    rc = mdb_del(txn, c->entries, &k, NULL);
    w->n += rc == 0;
    return rc;
}

int
tp_cache_evict(struct tp_cache *c, MDB_txn *txn, struct tp_cache_walk *w)
{
    MDB_cursor *cur;
    MDB_val x, none;
    int rc;

    w->n = 0;
    w->freed = 0;
    rc = mdb_cursor_open(txn, c->expiry, &cur);
    if (rc != 0) {
        return rc;
    }
    /* From the first record each time: a deletion moves the cursor. */
    while (w->n < w->max && w->freed < w->bytes
        && (rc = mdb_cursor_get(cur, &x, &none, MDB_FIRST)) == 0)
    {
        if (x.mv_size == TP_CACHE_XKEY_LEN
            && tp_cache_be64_get(x.mv_data) > w->until)
        {
            break;
        }
        rc = cache_evict_one(c, txn, cur, &x, w);
        if (rc != 0) {
            break;
        }
    }
    mdb_cursor_close(cur);
    return rc == MDB_NOTFOUND ? 0 : rc;
}

static int
cache_expire_txn(struct tp_cache *c, MDB_txn *txn, void *arg)
{
    return tp_cache_evict(c, txn, arg);
}

/* Whether the first expiry record is due, in the read transaction: most
 * seconds nothing is, and no write lock is taken then. */
static int
cache_due(struct tp_cache *c, uint64_t now_ms, bool *due)
{
    MDB_cursor *cur;
    MDB_val x, none;
    int rc;

    *due = false;
    if ((rc = tp_cache_rd(c)) != 0) {
        return rc;
    }
    rc = mdb_cursor_open(c->rtxn, c->expiry, &cur);
    if (rc == 0) {
        rc = mdb_cursor_get(cur, &x, &none, MDB_FIRST);
        mdb_cursor_close(cur);
    }
    if (rc == 0) {
        *due = x.mv_size != TP_CACHE_XKEY_LEN
               || tp_cache_be64_get(x.mv_data) <= now_ms;
    }
    tp_cache_rd_end(c);
    return rc == MDB_NOTFOUND ? 0 : rc;
}

int
tp_cache_expire(struct tp_cache *c, uint64_t now_ms, size_t max,
    size_t *deleted, char *err, size_t errlen)
{
    struct tp_cache_walk w;
    bool due;
    int rc, dead;

    *deleted = 0;
    /* A process that died inside a read transaction left a slot whose
     * snapshot keeps every page freed since from reuse. */
    (void) mdb_reader_check(c->env, &dead);
    rc = cache_due(c, now_ms, &due);
    /* In batches: what a transaction frees serves only later ones, and
     * each deletion copies a leaf. */
    while (rc == 0 && due && *deleted < max) {
        w = (struct tp_cache_walk) { now_ms, c->reserve / 4,
                                     TP_MIN(c->batch, max - *deleted), 0,
                                     0 };
        rc = tp_cache_txn_del(c, cache_expire_txn, &w);
        if (rc == 0) {
            *deleted += w.n;
            due = w.freed >= w.bytes || w.n == w.max;
        }
    }
    return rc == 0 ? TP_OK : tp_cache_fail(c, rc, "expire", err, errlen);
}
