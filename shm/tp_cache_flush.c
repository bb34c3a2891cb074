/*
 * tp_cache_flush.c: the response cache by namespace (the 8-byte prefix
 * of a key, one per API stage): flushing one, and counting entries and
 * bytes, of one or of all.
 */
#include "tp_cache_int.h"

/* Per transaction: so that other writers wait for little, and so that
 * one does not free more than a quarter of the reserve (what it frees
 * serves only transactions two commits later). */
#define CACHE_FLUSH_BATCH  1024      /* entries */

struct cache_flush {
    const uint8_t *ns;
    size_t n;
    size_t freed;
    bool more;                       /* the batch ended, not the prefix */
};

/* The first key of "entries" at or after <ns> in <cur>, when it has that
 * prefix: 0, else MDB_NOTFOUND or an error. */
static int
cache_ns_first(MDB_cursor *cur, const uint8_t *ns, MDB_val *k, MDB_val *v)
{
    int rc;

    k->mv_size = TP_CACHE_NS_LEN;
    k->mv_data = (void *) ns;
    rc = mdb_cursor_get(cur, k, v, MDB_SET_RANGE);
    if (rc == 0 && (k->mv_size < TP_CACHE_NS_LEN
        || memcmp(k->mv_data, ns, TP_CACHE_NS_LEN) != 0))
    {
        rc = MDB_NOTFOUND;
    }
    return rc;
}

static int
cache_flush_txn(struct tp_cache *c, MDB_txn *txn, void *arg)
{
    struct cache_flush *f = arg;
    uint8_t key[TP_CACHE_KEY_LEN];
    MDB_cursor *cur;
    MDB_val k, v;
    int rc;

    f->n = 0;
    f->freed = 0;
    f->more = false;
    rc = mdb_cursor_open(txn, c->entries, &cur);
    if (rc != 0) {
        return rc;
    }
    /* From the prefix each time: a deletion moves the cursor. */
    while ((rc = cache_ns_first(cur, f->ns, &k, &v)) == 0) {
        if (f->n == CACHE_FLUSH_BATCH || f->freed >= c->reserve / 4) {
            f->more = true;
            break;
        }
        if (k.mv_size != TP_CACHE_KEY_LEN) {
            rc = mdb_cursor_del(cur, 0);     /* not ours: dropped */
        } else {
            memcpy(key, k.mv_data, sizeof(key));
            rc = tp_cache_unlink(c, txn, key, &v);
        }
        if (rc != 0) {
            break;
        }
        f->n++;
        f->freed += TP_CACHE_XKEY_LEN + k.mv_size + v.mv_size;
    }
    mdb_cursor_close(cur);
    return rc == MDB_NOTFOUND ? 0 : rc;
}

int
tp_cache_flush(struct tp_cache *c, const uint8_t ns[TP_CACHE_NS_LEN],
    size_t *deleted, char *err, size_t errlen)
{
    struct cache_flush f = { ns, 0, 0, false };
    int rc;

    *deleted = 0;
    do {
        rc = tp_cache_txn_del(c, cache_flush_txn, &f);
        if (rc != 0) {
            return tp_cache_fail(c, rc, "flush", err, errlen);
        }
        *deleted += f.n;
    } while (f.more);
    return TP_OK;
}

/* Entries and stored bytes of namespace <ns>, in the read transaction. */
static int
cache_stat_ns(struct tp_cache *c, const uint8_t *ns, struct tp_cache_stat *st)
{
    MDB_cursor *cur;
    MDB_val k, v;
    int rc;

    rc = mdb_cursor_open(c->rtxn, c->entries, &cur);
    if (rc != 0) {
        return rc;
    }
    rc = cache_ns_first(cur, ns, &k, &v);
    while (rc == 0) {
        st->entries++;
        st->bytes_used += k.mv_size + v.mv_size;
        rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
        if (rc == 0 && (k.mv_size < TP_CACHE_NS_LEN
            || memcmp(k.mv_data, ns, TP_CACHE_NS_LEN) != 0))
        {
            rc = MDB_NOTFOUND;
        }
    }
    mdb_cursor_close(cur);
    return rc == MDB_NOTFOUND ? 0 : rc;
}

int
tp_cache_stat(struct tp_cache *c, const uint8_t *ns, struct tp_cache_stat *st,
    char *err, size_t errlen)
{
    MDB_stat ms;
    int rc;

    memset(st, 0, sizeof(*st));
    st->map_size = c->cap;
    if ((rc = tp_cache_rd(c)) != 0) {
        return tp_cache_fail(c, rc, "read", err, errlen);
    }
    if (ns != NULL) {
        rc = cache_stat_ns(c, ns, st);
    } else if ((rc = mdb_stat(c->rtxn, c->entries, &ms)) == 0) {
        st->entries = ms.ms_entries;
        st->bytes_used = (uint64_t) tp_cache_pages(c, c->rtxn) * c->psize;
    }
    tp_cache_rd_end(c);
    return rc == 0 ? TP_OK : tp_cache_fail(c, rc, "stat", err, errlen);
}
