/*
 * tp_state_keys.c: the API keys of the state database.  "keys" maps the
 * SHA-256 of a value to the key record, "names" and "ids" map a key's name
 * and id to that hash; the three change together in one transaction.
 * Workers look keys up per request (tp_state_key_find); turnpikectl
 * manages them.
 */
#include "tp_state_int.h"
#include "tp_hash.h"

#include <stdio.h>
#include <time.h>

/*
 * A "keys" value: this head, the plan hashes (u64 each), then each plan's
 * name as a length byte and its bytes, then the key's name.  Host byte
 * order: an LMDB file does not move between architectures anyway.
 */
struct state_key_head {
    uint8_t version;                 /* STATE_KEY_V1 */
    uint8_t flags;                   /* STATE_KEY_ENABLED */
    uint8_t nplans;
    uint8_t reserved;
    uint16_t name_len;
    char id[TP_APIKEY_ID_LEN];       /* NUL-padded */
    int64_t created;
    int64_t updated;
};

_Static_assert(sizeof(struct state_key_head) == 32, "key record head");

#define STATE_KEY_V1       1
#define STATE_KEY_ENABLED  0x01
#define STATE_KEY_BUF      (sizeof(struct state_key_head) \
    + TP_APIKEY_MAX_PLANS * (8 + 1 + TP_PLAN_NAME_MAX) + TP_APIKEY_NAME_MAX)

/* LMDB keys have at most 511 bytes: a longer name is stored as its first
 * 448 bytes and the SHA-256 of the whole name. */
#define STATE_NAME_KEY_MAX 448

struct state_name_key {
    MDB_val v;
    unsigned char b[STATE_NAME_KEY_MAX + TP_APIKEY_HASH_LEN];
};

static void
state_name_key(const char *name, struct state_name_key *k)
{
    size_t len = strlen(name);

    if (len <= STATE_NAME_KEY_MAX) {
        k->v.mv_data = (void *) name;
        k->v.mv_size = len;
        return;
    }
    memcpy(k->b, name, STATE_NAME_KEY_MAX);
    tp_apikey_hash(name, len, k->b + STATE_NAME_KEY_MAX);
    k->v.mv_data = k->b;
    k->v.mv_size = sizeof(k->b);
}

static int
state_key_check(const struct tp_key_full *k, char *err, size_t errlen)
{
    size_t n = strlen(k->name), i, idlen = strlen(k->info.id);

    if (n == 0 || n > TP_APIKEY_NAME_MAX) {
        snprintf(err, errlen, "an API key name has 1 to %d characters",
            TP_APIKEY_NAME_MAX);
        return TP_ERROR;
    }
    if (idlen == 0 || idlen > TP_APIKEY_ID_LEN) {
        snprintf(err, errlen, "API key \"%s\": bad id \"%s\"", k->name,
            k->info.id);
        return TP_ERROR;
    }
    if (k->info.nplans > TP_APIKEY_MAX_PLANS) {
        snprintf(err, errlen, "API key \"%s\" is in %u usage plans; at most "
            "%d", k->name, k->info.nplans, TP_APIKEY_MAX_PLANS);
        return TP_ERROR;
    }
    for (i = 0; i < k->info.nplans; i++) {
        n = strlen(k->plan_names[i]);
        if (n == 0 || n > TP_PLAN_NAME_MAX) {
            snprintf(err, errlen, "API key \"%s\": a usage plan name has 1 "
                "to %d characters", k->name, TP_PLAN_NAME_MAX);
            return TP_ERROR;
        }
    }
    return TP_OK;
}

/* Encodes a checked key into <buf> (STATE_KEY_BUF bytes); its size. */
static size_t
state_key_encode(const struct tp_key_full *k, unsigned char *buf)
{
    struct state_key_head h;
    size_t off = sizeof(h), n, i;

    memset(&h, 0, sizeof(h));
    h.version = STATE_KEY_V1;
    h.flags = k->info.enabled ? STATE_KEY_ENABLED : 0;
    h.nplans = k->info.nplans;
    h.name_len = (uint16_t) strlen(k->name);
    memcpy(h.id, k->info.id, strlen(k->info.id));
    h.created = k->created;
    h.updated = k->updated;
    memcpy(buf, &h, sizeof(h));
    memcpy(buf + off, k->info.plans, 8 * (size_t) h.nplans);
    off += 8 * (size_t) h.nplans;
    for (i = 0; i < h.nplans; i++) {
        n = strlen(k->plan_names[i]);
        buf[off++] = (unsigned char) n;
        memcpy(buf + off, k->plan_names[i], n);
        off += n;
    }
    memcpy(buf + off, k->name, h.name_len);
    return off + h.name_len;
}

/* The head and plan hashes: what a request needs (the hot path). */
static int
state_key_info(const MDB_val *v, struct state_key_head *h,
    struct tp_key_info *out)
{
    if (v->mv_size < sizeof(*h)) {
        return TP_ERROR;
    }
    memcpy(h, v->mv_data, sizeof(*h));
    if (h->version != STATE_KEY_V1 || h->nplans > TP_APIKEY_MAX_PLANS
        || v->mv_size < sizeof(*h) + 8 * (size_t) h->nplans)
    {
        return TP_ERROR;
    }
    memcpy(out->id, h->id, TP_APIKEY_ID_LEN);
    out->id[TP_APIKEY_ID_LEN] = '\0';
    out->enabled = (h->flags & STATE_KEY_ENABLED) != 0;
    out->nplans = h->nplans;
    memcpy(out->plans, (const char *) v->mv_data + sizeof(*h),
        8 * (size_t) h->nplans);
    return TP_OK;
}

static int
state_key_decode(const MDB_val *hash, const MDB_val *v,
    struct tp_key_full *k)
{
    const unsigned char *p = v->mv_data;
    struct state_key_head h;
    size_t off, n, i;

    if (hash->mv_size != TP_APIKEY_HASH_LEN
        || state_key_info(v, &h, &k->info) != TP_OK)
    {
        return TP_ERROR;
    }
    memcpy(k->hash, hash->mv_data, TP_APIKEY_HASH_LEN);
    off = sizeof(h) + 8 * (size_t) h.nplans;
    for (i = 0; i < h.nplans; i++) {
        n = off < v->mv_size ? p[off] : 0;
        if (off + 1 + n > v->mv_size || n == 0) {
            return TP_ERROR;
        }
        memcpy(k->plan_names[i], p + off + 1, n);
        k->plan_names[i][n] = '\0';
        off += 1 + n;
    }
    if (h.name_len > TP_APIKEY_NAME_MAX || off + h.name_len != v->mv_size) {
        return TP_ERROR;
    }
    memcpy(k->name, p + off, h.name_len);
    k->name[h.name_len] = '\0';
    k->created = h.created;
    k->updated = h.updated;
    return TP_OK;
}

int
tp_state_key_find(struct tp_state *st, const uint8_t *hash,
    struct tp_key_info *out)
{
    MDB_val k = { TP_APIKEY_HASH_LEN, (void *) hash }, v;
    struct state_key_head h;
    int rc;

    if (TP_UNLIKELY(tp_state_rd(st) != TP_OK)) {
        return TP_ERROR;
    }
    rc = mdb_get(st->rtxn, st->dbi[TP_SDB_KEYS], &k, &v);
    if (rc == 0) {
        rc = state_key_info(&v, &h, out);     /* copied before the reset */
    } else {
        rc = rc == MDB_NOTFOUND ? TP_DECLINED : TP_ERROR;
    }
    tp_state_rd_end(st);
    return rc;
}

/* Adds a key in <txn>; on TP_ERROR the caller aborts <txn>. */
static int
state_key_add(struct tp_state *st, MDB_txn *txn, const struct tp_key_full *k,
    char *err, size_t errlen)
{
    unsigned char buf[STATE_KEY_BUF];
    struct tp_key_full old;
    struct state_name_key nk;
    MDB_val hk = { TP_APIKEY_HASH_LEN, (void *) k->hash };
    MDB_val ik = { strlen(k->info.id), (void *) k->info.id }, v;
    int rc;

    if (state_key_check(k, err, errlen) != TP_OK) {
        return TP_ERROR;
    }
    /* The id first: taken, it is TP_BUSY with nothing written. */
    v = hk;
    rc = mdb_put(txn, st->dbi[TP_SDB_IDS], &ik, &v, MDB_NOOVERWRITE);
    if (rc == MDB_KEYEXIST) {
        snprintf(err, errlen, "API key id \"%s\" is taken", k->info.id);
        return TP_BUSY;
    }
    state_name_key(k->name, &nk);
    v = hk;
    if (rc == 0) {
        rc = mdb_put(txn, st->dbi[TP_SDB_NAMES], &nk.v, &v, MDB_NOOVERWRITE);
    }
    if (rc == MDB_KEYEXIST) {
        snprintf(err, errlen, "an API key named \"%s\" already exists",
            k->name);
        return TP_ERROR;
    }
    v.mv_size = state_key_encode(k, buf);
    v.mv_data = buf;
    if (rc == 0) {
        rc = mdb_put(txn, st->dbi[TP_SDB_KEYS], &hk, &v, MDB_NOOVERWRITE);
    }
    if (rc == MDB_KEYEXIST) {              /* v is the existing record */
        snprintf(err, errlen, "API key \"%s\": its value is already the "
            "value of API key \"%s\"", k->name,
            state_key_decode(&hk, &v, &old) == TP_OK ? old.name : "?");
        return TP_ERROR;
    }
    return rc == 0 ? TP_OK : tp_state_fail(st, rc, "put", err, errlen);
}

int
tp_state_key_create(struct tp_state *st, const struct tp_key_full *k,
    char *err, size_t errlen)
{
    MDB_txn *txn;
    int rc;

    if (tp_state_wr(st, &txn, err, errlen) != TP_OK) {
        return TP_ERROR;
    }
    rc = state_key_add(st, txn, k, err, errlen);
    if (rc != TP_OK) {
        mdb_txn_abort(txn);
        return rc;
    }
    return tp_state_commit(st, txn, err, errlen);
}

int
tp_state_import_begin(struct tp_state *st, char *err, size_t errlen)
{
    if (st->import != NULL) {
        snprintf(err, errlen, "%s: an import is already in progress",
            st->path);
        return TP_ERROR;
    }
    return tp_state_wr(st, &st->import, err, errlen);
}

int
tp_state_import_add(struct tp_state *st, const struct tp_key_full *k,
    char *err, size_t errlen)
{
    int rc;

    if (st->import == NULL) {
        snprintf(err, errlen, "%s: no import in progress", st->path);
        return TP_ERROR;
    }
    rc = state_key_add(st, st->import, k, err, errlen);
    if (rc == TP_ERROR) {
        tp_state_import_abort(st);
    }
    return rc;
}

int
tp_state_import_commit(struct tp_state *st, char *err, size_t errlen)
{
    MDB_txn *txn = st->import;

    if (txn == NULL) {
        snprintf(err, errlen, "%s: no import in progress (or it failed)",
            st->path);
        return TP_ERROR;
    }
    st->import = NULL;
    return tp_state_commit(st, txn, err, errlen);
}

void
tp_state_import_abort(struct tp_state *st)
{
    if (st->import != NULL) {
        mdb_txn_abort(st->import);
        st->import = NULL;
    }
}

/* The key named <name>, read in <txn>. */
static int
state_key_by_name(struct tp_state *st, MDB_txn *txn, const char *name,
    struct tp_key_full *out, char *err, size_t errlen)
{
    struct state_name_key nk;
    MDB_val hash, v;
    int rc;

    state_name_key(name, &nk);
    rc = mdb_get(txn, st->dbi[TP_SDB_NAMES], &nk.v, &hash);
    if (rc == 0) {
        rc = mdb_get(txn, st->dbi[TP_SDB_KEYS], &hash, &v);
    }
    if (rc == MDB_NOTFOUND) {
        snprintf(err, errlen, "no API key named \"%s\"", name);
        return TP_ERROR;
    }
    if (rc != 0) {
        return tp_state_fail(st, rc, "get", err, errlen);
    }
    if (state_key_decode(&hash, &v, out) != TP_OK
        || strcmp(out->name, name) != 0)
    {
        snprintf(err, errlen, "%s: the record of API key \"%s\" is "
            "damaged", st->path, name);
        return TP_ERROR;
    }
    return TP_OK;
}

int
tp_state_key_get(struct tp_state *st, const char *name,
    struct tp_key_full *out, char *err, size_t errlen)
{
    int rc;

    if (tp_state_rd(st) != TP_OK) {
        snprintf(err, errlen, "%s: cannot start a read transaction",
            st->path);
        return TP_ERROR;
    }
    rc = state_key_by_name(st, st->rtxn, name, out, err, errlen);
    tp_state_rd_end(st);
    return rc;
}

/* A write transaction in which the key named <name> was read into <k>;
 * on TP_ERROR none is left open. */
static int
state_key_edit(struct tp_state *st, const char *name, MDB_txn **txn,
    struct tp_key_full *k, char *err, size_t errlen)
{
    if (tp_state_wr(st, txn, err, errlen) != TP_OK) {
        return TP_ERROR;
    }
    if (state_key_by_name(st, *txn, name, k, err, errlen) != TP_OK) {
        mdb_txn_abort(*txn);
        return TP_ERROR;
    }
    return TP_OK;
}

int
tp_state_key_set_enabled(struct tp_state *st, const char *name,
    bool enabled, char *err, size_t errlen)
{
    unsigned char buf[STATE_KEY_BUF];
    struct tp_key_full k;
    MDB_val hk = { TP_APIKEY_HASH_LEN, k.hash }, v;
    MDB_txn *txn;

    if (state_key_edit(st, name, &txn, &k, err, errlen) != TP_OK) {
        return TP_ERROR;
    }
    k.info.enabled = enabled;
    k.updated = (int64_t) time(NULL);
    v.mv_size = state_key_encode(&k, buf);
    v.mv_data = buf;
    return tp_state_end(st, txn, mdb_put(txn, st->dbi[TP_SDB_KEYS], &hk, &v,
        0), "put", err, errlen);
}

/* mdb_del, where an entry already gone is no error. */
static int
state_del(MDB_txn *txn, MDB_dbi dbi, MDB_val *k)
{
    int rc = mdb_del(txn, dbi, k, NULL);

    return rc == MDB_NOTFOUND ? 0 : rc;
}

int
tp_state_key_delete(struct tp_state *st, const char *name, char *err,
    size_t errlen)
{
    struct tp_key_full k;
    struct state_name_key nk;
    MDB_val hk = { TP_APIKEY_HASH_LEN, k.hash }, ik;
    MDB_txn *txn;
    unsigned i;
    int rc;

    if (state_key_edit(st, name, &txn, &k, err, errlen) != TP_OK) {
        return TP_ERROR;
    }
    state_name_key(k.name, &nk);
    ik.mv_size = strlen(k.info.id);
    ik.mv_data = k.info.id;
    rc = state_del(txn, st->dbi[TP_SDB_KEYS], &hk);
    if (rc == 0) {
        rc = state_del(txn, st->dbi[TP_SDB_NAMES], &nk.v);
    }
    if (rc == 0) {
        rc = state_del(txn, st->dbi[TP_SDB_IDS], &ik);
    }
    /* Its counters and usage go with it: nothing can count for it again. */
    for (i = 0; rc == 0 && i < k.info.nplans; i++) {
        rc = tp_state_quota_drop(st, txn,
            tp_quota_id(k.info.plans[i], k.info.id));
    }
    return tp_state_end(st, txn, rc, "delete", err, errlen);
}

int
tp_state_key_each(struct tp_state *st,
    int (*cb)(const struct tp_key_full *k, void *arg), void *arg)
{
    struct tp_key_full k;
    MDB_cursor *cur = NULL;
    MDB_txn *txn = NULL;
    MDB_val name, hash, v;
    int rc, op = MDB_FIRST;

    /* Its own txn: <cb> may call the functions that use st->rtxn. */
    rc = mdb_txn_begin(st->env, NULL, MDB_RDONLY, &txn);
    if (rc == 0) {
        rc = mdb_cursor_open(txn, st->dbi[TP_SDB_NAMES], &cur);
    }
    while (rc == 0 && (rc = mdb_cursor_get(cur, &name, &hash, op)) == 0) {
        op = MDB_NEXT;
        rc = mdb_get(txn, st->dbi[TP_SDB_KEYS], &hash, &v);
        if (rc == 0 && state_key_decode(&hash, &v, &k) != TP_OK) {
            rc = MDB_CORRUPTED;
        }
        if (rc == 0 && cb(&k, arg) != 0) {
            break;
        }
    }
    if (cur != NULL) {
        mdb_cursor_close(cur);
    }
    if (txn != NULL) {
        mdb_txn_abort(txn);
    }
    return rc == 0 || rc == MDB_NOTFOUND ? TP_OK : TP_ERROR;
}
