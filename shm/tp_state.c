/*
 * tp_state.c: opening and closing the LMDB environment data_dir/state, its
 * ownership when run as root, and the transaction helpers the other parts
 * of the state layer use.  Every process opens its own handle.
 */
#include "tp_state_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const state_db_names[TP_SDB_COUNT] = {
    "keys", "names", "ids", "quota", "usage", "plans", "meta"
};

int
tp_state_fail(const struct tp_state *st, int rc, const char *what,
    char *err, size_t errlen)
{
    if (rc == MDB_MAP_FULL) {
        snprintf(err, errlen, "%s: the state database is full (%zu bytes); "
            "raise server.state_size", st->path, st->mapsize);
    } else {
        snprintf(err, errlen, "%s: %s: %s", st->path, what,
            mdb_strerror(rc));
    }
    return TP_ERROR;
}

void
tp_state_be64(unsigned char *p, uint64_t v)
{
    unsigned i;

    for (i = 0; i < 8; i++) {
        p[i] = (unsigned char) (v >> (56 - 8 * i));
    }
}

/* Another process grew the map: adopt its size (no txn of ours active). */
static int
state_resized(struct tp_state *st, int rc)
{
    return rc == MDB_MAP_RESIZED && mdb_env_set_mapsize(st->env, 0) == 0;
}

int
tp_state_rd(struct tp_state *st)
{
    int rc;

    if (TP_UNLIKELY(st->rtxn == NULL)) {
        rc = mdb_txn_begin(st->env, NULL, MDB_RDONLY, &st->rtxn);
        if (state_resized(st, rc)) {
            rc = mdb_txn_begin(st->env, NULL, MDB_RDONLY, &st->rtxn);
        }
        if (rc != 0) {
            st->rtxn = NULL;
            return TP_ERROR;
        }
        return TP_OK;
    }
    rc = mdb_txn_renew(st->rtxn);
    if (TP_UNLIKELY(rc != 0)) {
        if (state_resized(st, rc) && mdb_txn_renew(st->rtxn) == 0) {
            return TP_OK;
        }
        mdb_txn_abort(st->rtxn);
        st->rtxn = NULL;
        return TP_ERROR;
    }
    return TP_OK;
}

void
tp_state_rd_end(struct tp_state *st)
{
    mdb_txn_reset(st->rtxn);
}

int
tp_state_wr(struct tp_state *st, MDB_txn **txn, char *err, size_t errlen)
{
    int rc;

    if (st->rdonly) {
        snprintf(err, errlen, "%s: opened read-only", st->path);
        return TP_ERROR;
    }
    rc = mdb_txn_begin(st->env, NULL, 0, txn);
    if (state_resized(st, rc)) {
        rc = mdb_txn_begin(st->env, NULL, 0, txn);
    }
    return rc == 0 ? TP_OK : tp_state_fail(st, rc, "begin", err, errlen);
}

int
tp_state_commit(struct tp_state *st, MDB_txn *txn, char *err, size_t errlen)
{
    int rc = mdb_txn_commit(txn);

    return rc == 0 ? TP_OK : tp_state_fail(st, rc, "commit", err, errlen);
}

int
tp_state_end(struct tp_state *st, MDB_txn *txn, int rc, const char *what,
    char *err, size_t errlen)
{
    if (rc != 0) {
        mdb_txn_abort(txn);
        return tp_state_fail(st, rc, what, err, errlen);
    }
    return tp_state_commit(st, txn, err, errlen);
}

/*
 * As root: the state directory belongs to data_dir's owner (the worker
 * user, see tp_dirs.c) and so do its files, so that a root turnpikectl
 * never leaves files the workers cannot open.
 */
static int
state_own(const struct tp_state *st, const char *data_dir, char *err,
    size_t errlen)
{
    static const char *const files[] = { "data.mdb", "lock.mdb" };
    char path[4096];
    struct stat sb;
    unsigned i;

    if (geteuid() != 0) {
        return TP_OK;
    }
    if (stat(data_dir, &sb) != 0 || chown(st->path, sb.st_uid, sb.st_gid)
        != 0)
    {
        snprintf(err, errlen, "chown \"%s\": %s", st->path, strerror(errno));
        return TP_ERROR;
    }
    for (i = 0; i < TP_NELEM(files); i++) {
        snprintf(path, sizeof(path), "%s/%s", st->path, files[i]);
        if (chown(path, sb.st_uid, sb.st_gid) != 0 && errno != ENOENT) {
            snprintf(err, errlen, "chown \"%s\": %s", path, strerror(errno));
            return TP_ERROR;
        }
    }
    return TP_OK;
}

/* Creates the directory, or says there is no environment to read. */
static int
state_dir(const struct tp_state *st, char *err, size_t errlen)
{
    char path[4096];
    struct stat sb;

    if (st->rdonly) {
        snprintf(path, sizeof(path), "%s/data.mdb", st->path);
        if (stat(path, &sb) != 0 && errno == ENOENT) {
            return TP_DECLINED;
        }
        return TP_OK;
    }
    if (mkdir(st->path, 0700) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "cannot create \"%s\": %s", st->path,
            strerror(errno));
        return TP_ERROR;
    }
    return TP_OK;
}

/* The layout version: written by the first writer, checked by everyone. */
static int
state_version(struct tp_state *st, MDB_txn *txn, char *err, size_t errlen)
{
    MDB_val k = { 7, (void *) "version" }, v;
    uint32_t ver = TP_STATE_LAYOUT;
    int rc = mdb_get(txn, st->dbi[TP_SDB_META], &k, &v);

    if (rc == MDB_NOTFOUND && !st->rdonly) {
        v.mv_size = sizeof(ver);
        v.mv_data = &ver;
        rc = mdb_put(txn, st->dbi[TP_SDB_META], &k, &v, 0);
        return rc == 0 ? TP_OK : tp_state_fail(st, rc, "meta", err, errlen);
    }
    if (rc != 0) {
        return tp_state_fail(st, rc, "meta", err, errlen);
    }
    if (v.mv_size == sizeof(ver)) {
        memcpy(&ver, v.mv_data, sizeof(ver));
    }
    if (v.mv_size != sizeof(ver) || ver != TP_STATE_LAYOUT) {
        snprintf(err, errlen, "%s: layout version %u; this turnpike reads "
            "version %u", st->path, v.mv_size == sizeof(ver) ? ver : 0,
            TP_STATE_LAYOUT);
        return TP_ERROR;
    }
    return TP_OK;
}

/* Opens every database in one transaction (created by a writer). */
static int
state_dbs(struct tp_state *st, char *err, size_t errlen)
{
    unsigned flags = st->rdonly ? MDB_RDONLY : 0, i;
    MDB_txn *txn;
    int rc;

    rc = mdb_txn_begin(st->env, NULL, flags, &txn);
    if (rc != 0) {
        return tp_state_fail(st, rc, "begin", err, errlen);
    }
    for (i = 0; i < TP_SDB_COUNT; i++) {
        rc = mdb_dbi_open(txn, state_db_names[i],
            st->rdonly ? 0 : MDB_CREATE, &st->dbi[i]);
        if (rc == MDB_NOTFOUND) {
            mdb_txn_abort(txn);     /* a writer has not finished creating */
            return TP_DECLINED;
        }
        if (rc != 0) {
            mdb_txn_abort(txn);
            return tp_state_fail(st, rc, state_db_names[i], err, errlen);
        }
    }
    if (state_version(st, txn, err, errlen) != TP_OK) {
        mdb_txn_abort(txn);
        return TP_ERROR;
    }
    return tp_state_commit(st, txn, err, errlen);
}

static int
state_env(struct tp_state *st, const char *data_dir, char *err,
    size_t errlen)
{
    long page = sysconf(_SC_PAGESIZE);
    int rc, dead;

    rc = mdb_env_create(&st->env);
    if (rc != 0) {
        return tp_state_fail(st, rc, "create", err, errlen);
    }
    st->mapsize = TP_ALIGN(st->mapsize, page > 0 ? (size_t) page : 4096);
    if ((rc = mdb_env_set_maxdbs(st->env, TP_SDB_COUNT)) != 0
        || (rc = mdb_env_set_maxreaders(st->env, 512)) != 0
        || (rc = mdb_env_set_mapsize(st->env, st->mapsize)) != 0)
    {
        return tp_state_fail(st, rc, "setup", err, errlen);
    }
    /* NOTLS: the handle's read txn keeps its reader slot while reset, and
     * a process may hold it next to another read or write txn. */
    rc = mdb_env_open(st->env, st->path,
        MDB_NOTLS | (st->rdonly ? MDB_RDONLY : 0), 0600);
    if (rc != 0) {
        return tp_state_fail(st, rc, "open", err, errlen);
    }
    (void) mdb_reader_check(st->env, &dead);   /* slots of dead processes */
    if (state_own(st, data_dir, err, errlen) != TP_OK) {
        return TP_ERROR;
    }
    rc = state_dbs(st, err, errlen);
    if (rc != TP_OK) {
        return rc;
    }
    if (tp_state_rd(st) != TP_OK) {     /* takes the reader slot now */
        snprintf(err, errlen, "%s: cannot start a read transaction",
            st->path);
        return TP_ERROR;
    }
    tp_state_rd_end(st);
    return TP_OK;
}

int
tp_state_open(struct tp_state **out, const char *data_dir, size_t mapsize,
    unsigned flags, char *err, size_t errlen)
{
    size_t n = strlen(data_dir) + sizeof("/" TP_STATE_DIRNAME);
    struct tp_state *st;
    int rc;

    *out = NULL;
    if (n > 4000) {
        snprintf(err, errlen, "%s: path too long", data_dir);
        return TP_ERROR;
    }
    st = calloc(1, sizeof(*st) + n);
    if (st == NULL) {
        snprintf(err, errlen, "%s: out of memory", data_dir);
        return TP_ERROR;
    }
    snprintf(st->path, n, "%s/%s", data_dir, TP_STATE_DIRNAME);
    st->rdonly = (flags & TP_STATE_RDONLY) != 0;
    st->mapsize = mapsize;
    rc = state_dir(st, err, errlen);
    if (rc == TP_OK) {
        rc = state_env(st, data_dir, err, errlen);
    }
    if (rc != TP_OK) {
        tp_state_close(st);
        return rc;
    }
    *out = st;
    return TP_OK;
}

void
tp_state_close(struct tp_state *st)
{
    if (st == NULL) {
        return;
    }
    if (st->import != NULL) {
        mdb_txn_abort(st->import);
    }
    if (st->rtxn != NULL) {
        mdb_txn_abort(st->rtxn);
    }
    if (st->env != NULL) {
        mdb_env_close(st->env);
    }
    free(st);
}
