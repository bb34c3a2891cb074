/*
 * tp_state_quota.c: the durable side of quotas: per quota id the last
 * flushed counter {word, total}, the requests counted per day, and the
 * first-seen time of each usage plan.  Quota and usage keys are big-endian
 * so that one id's days are adjacent and in order.
 */
#include "tp_state_int.h"

#include <stdio.h>

/* A "quota" value (host byte order). */
struct state_quota_val {
    uint64_t word;
    uint64_t total;
};

static void
state_usage_key(unsigned char k[16], uint64_t id, int64_t day)
{
    tp_state_be64(k, id);
    tp_state_be64(k + 8, (uint64_t) day);
}

static int64_t
state_usage_day(const unsigned char *k)
{
    uint64_t v = 0;
    unsigned i;

    for (i = 8; i < 16; i++) {
        v = v << 8 | k[i];
    }
    return (int64_t) v;
}

int
tp_state_quota_get(struct tp_state *st, uint64_t id,
    struct tp_quota_rec *out)
{
    unsigned char kb[8];
    MDB_val k = { sizeof(kb), kb }, v;
    struct state_quota_val q;
    int rc;

    tp_state_be64(kb, id);
    if (tp_state_rd(st) != TP_OK) {
        return TP_ERROR;
    }
    rc = mdb_get(st->rtxn, st->dbi[TP_SDB_QUOTA], &k, &v);
    if (rc == 0 && v.mv_size == sizeof(q)) {
        memcpy(&q, v.mv_data, sizeof(q));
        out->id = id;
        out->word = q.word;
        out->total = q.total;
    }
    tp_state_rd_end(st);
    if (rc == MDB_NOTFOUND) {
        return TP_DECLINED;
    }
    return rc == 0 && v.mv_size == sizeof(q) ? TP_OK : TP_ERROR;
}

/* usage(<id>, <day>) += <n> in <txn>. */
static int
state_usage_add(struct tp_state *st, MDB_txn *txn, uint64_t id, int64_t day,
    uint64_t n)
{
    unsigned char kb[16];
    MDB_val k = { sizeof(kb), kb }, v;
    uint64_t count = 0;
    int rc;

    state_usage_key(kb, id, day);
    rc = mdb_get(txn, st->dbi[TP_SDB_USAGE], &k, &v);
    if (rc == 0 && v.mv_size == sizeof(count)) {
        memcpy(&count, v.mv_data, sizeof(count));
    } else if (rc != 0 && rc != MDB_NOTFOUND) {
        return rc;
    }
    count += n;
    v.mv_size = sizeof(count);
    v.mv_data = &count;
    return mdb_put(txn, st->dbi[TP_SDB_USAGE], &k, &v, 0);
}

static int
state_flush_one(struct tp_state *st, MDB_txn *txn,
    const struct tp_quota_rec *r, int64_t day)
{
    unsigned char kb[8];
    MDB_val k = { sizeof(kb), kb }, v;
    struct state_quota_val q = { 0, 0 };
    int rc;

    tp_state_be64(kb, r->id);
    rc = mdb_get(txn, st->dbi[TP_SDB_QUOTA], &k, &v);
    if (rc == 0 && v.mv_size == sizeof(q)) {
        memcpy(&q, v.mv_data, sizeof(q));
    } else if (rc != 0 && rc != MDB_NOTFOUND) {
        return rc;
    }
    /* Only growth counts: a replayed flush adds nothing, and a counter
     * that restarted lower adds from its new total on. */
    if (r->total > q.total) {
        rc = state_usage_add(st, txn, r->id, day, r->total - q.total);
        if (rc != 0) {
            return rc;
        }
    }
    q.word = r->word;
    q.total = r->total;
    v.mv_size = sizeof(q);
    v.mv_data = &q;
    return mdb_put(txn, st->dbi[TP_SDB_QUOTA], &k, &v, 0);
}

int
tp_state_quota_flush(struct tp_state *st, const struct tp_quota_rec *r,
    size_t n, int64_t day, char *err, size_t errlen)
{
    MDB_txn *txn;
    size_t i;
    int rc = 0;

    if (tp_state_wr(st, &txn, err, errlen) != TP_OK) {
        return TP_ERROR;
    }
    for (i = 0; i < n && rc == 0; i++) {
        rc = state_flush_one(st, txn, &r[i], day);
    }
    return tp_state_end(st, txn, rc, "quota flush", err, errlen);
}

int
tp_state_quota_drop(struct tp_state *st, MDB_txn *txn, uint64_t id)
{
    unsigned char kb[16];
    MDB_val k = { 8, kb }, v;
    MDB_cursor *cur;
    int rc;

    state_usage_key(kb, id, 0);
    rc = mdb_del(txn, st->dbi[TP_SDB_QUOTA], &k, NULL);
    if (rc != 0 && rc != MDB_NOTFOUND) {
        return rc;
    }
    rc = mdb_cursor_open(txn, st->dbi[TP_SDB_USAGE], &cur);
    if (rc != 0) {
        return rc;
    }
    /* Every day of <id> sorts at or after (id, 0 bytes). */
    for (;;) {
        k.mv_size = sizeof(kb);
        k.mv_data = kb;
        rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
        if (rc != 0 || k.mv_size != sizeof(kb) || memcmp(k.mv_data, kb, 8)
            != 0)
        {
            break;
        }
        rc = mdb_cursor_del(cur, 0);
        if (rc != 0) {
            break;
        }
    }
    mdb_cursor_close(cur);
    return rc == MDB_NOTFOUND || rc == 0 ? 0 : rc;
}

int
tp_state_usage_range(struct tp_state *st, uint64_t id, int64_t from,
    int64_t to, uint64_t *counts)
{
    unsigned char kb[16];
    MDB_val k = { sizeof(kb), kb }, v;
    MDB_cursor *cur;
    int64_t day;
    int rc, op = MDB_SET_RANGE;

    if (from > to) {
        return TP_ERROR;
    }
    memset(counts, 0, sizeof(*counts) * (size_t) (to - from + 1));
    state_usage_key(kb, id, from);
    if (tp_state_rd(st) != TP_OK) {
        return TP_ERROR;
    }
    if (mdb_cursor_open(st->rtxn, st->dbi[TP_SDB_USAGE], &cur) != 0) {
        tp_state_rd_end(st);
        return TP_ERROR;
    }
    while ((rc = mdb_cursor_get(cur, &k, &v, op)) == 0) {
        op = MDB_NEXT;
        if (k.mv_size != sizeof(kb) || memcmp(k.mv_data, kb, 8) != 0) {
            break;                          /* the next id */
        }
        day = state_usage_day(k.mv_data);
        if (day < from || day > to) {
            break;
        }
        if (v.mv_size == sizeof(*counts)) {
            memcpy(&counts[day - from], v.mv_data, sizeof(*counts));
        }
    }
    mdb_cursor_close(cur);
    tp_state_rd_end(st);
    return rc == 0 || rc == MDB_NOTFOUND ? TP_OK : TP_ERROR;
}

int
tp_state_usage_get(struct tp_state *st, uint64_t id, int64_t day,
    uint64_t *count)
{
    return tp_state_usage_range(st, id, day, day, count);
}

static int
state_plan_key(const char *name, MDB_val *k)
{
    k->mv_size = strlen(name);
    k->mv_data = (void *) name;
    return k->mv_size > 0 && k->mv_size <= TP_PLAN_NAME_MAX ? TP_OK
                                                            : TP_ERROR;
}

int
tp_state_plan_get(struct tp_state *st, const char *name,
    int64_t *first_seen)
{
    MDB_val k, v;
    int rc;

    if (state_plan_key(name, &k) != TP_OK || tp_state_rd(st) != TP_OK) {
        return TP_ERROR;
    }
    rc = mdb_get(st->rtxn, st->dbi[TP_SDB_PLANS], &k, &v);
    if (rc == 0 && v.mv_size == sizeof(*first_seen)) {
        memcpy(first_seen, v.mv_data, sizeof(*first_seen));
    }
    tp_state_rd_end(st);
    if (rc == MDB_NOTFOUND) {
        return TP_DECLINED;
    }
    return rc == 0 && v.mv_size == sizeof(*first_seen) ? TP_OK : TP_ERROR;
}

int
tp_state_plan_seen(struct tp_state *st, const char *name, int64_t now,
    int64_t *first_seen, char *err, size_t errlen)
{
    MDB_txn *txn;
    MDB_val k, v;
    int rc = tp_state_plan_get(st, name, first_seen);

    if (rc != TP_DECLINED) {            /* seen before (the usual case) */
        if (rc == TP_ERROR) {
            snprintf(err, errlen, "%s: cannot read usage plan \"%s\"",
                st->path, name);
        }
        return rc;
    }
    if (tp_state_wr(st, &txn, err, errlen) != TP_OK) {
        return TP_ERROR;
    }
    state_plan_key(name, &k);
    rc = mdb_get(txn, st->dbi[TP_SDB_PLANS], &k, &v);
    if (rc == 0 && v.mv_size == sizeof(now)) {   /* another writer won */
        memcpy(first_seen, v.mv_data, sizeof(now));
        mdb_txn_abort(txn);
        return TP_OK;
    }
    v.mv_size = sizeof(now);
    v.mv_data = &now;
    *first_seen = now;
    return tp_state_end(st, txn, mdb_put(txn, st->dbi[TP_SDB_PLANS], &k, &v,
        0), "usage plan", err, errlen);
}
