/*
 * tp_cache.c: opening and closing the response cache's LMDB environment
 * data_dir/cache: its map and reserve, its databases, its ownership when
 * run as root, and the checks that make a broken directory an error at
 * start.  Every process opens its own handle.
 */
#include "tp_cache_int.h"
#include "tp_cache_boot.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define CACHE_RESERVE_MIN  (256u << 10)
#define CACHE_MAXREADERS   512        /* every worker of two generations */

int
tp_cache_fail(const struct tp_cache *c, int rc, const char *what, char *err,
    size_t errlen)
{
    const char *hint = "";

    if (rc == MDB_INVALID || rc == MDB_VERSION_MISMATCH
        || rc == MDB_CORRUPTED || rc == MDB_PAGE_NOTFOUND)
    {
        hint = " (it only holds cached responses: remove the directory)";
    } else if (rc == MDB_MAP_FULL) {
        hint = " (a reader holds an old snapshot: try again)";
    }
    snprintf(err, errlen, "%s: %s: %s%s", c->path, what, mdb_strerror(rc),
        hint);
    return TP_ERROR;
}

/*
 * As root: the cache directory belongs to data_dir's owner (the worker
 * user, see tp_dirs.c) and so do its files, so that the master or a root
 * turnpikectl never leaves files the workers cannot open.
 */
static int
cache_own(const struct tp_cache *c, const char *data_dir, char *err,
    size_t errlen)
{
    static const char *const files[] = { "data.mdb", "lock.mdb",
                                         TP_CACHE_BOOT_FILE };
    char path[4096];
    struct stat sb;
    unsigned i;

    if (geteuid() != 0) {
        return TP_OK;
    }
    if (stat(data_dir, &sb) != 0 || chown(c->path, sb.st_uid, sb.st_gid)
        != 0)
    {
        snprintf(err, errlen, "%s: chown: %s", c->path, strerror(errno));
        return TP_ERROR;
    }
    for (i = 0; i < TP_NELEM(files); i++) {
        snprintf(path, sizeof(path), "%s/%s", c->path, files[i]);
        if (chown(path, sb.st_uid, sb.st_gid) != 0 && errno != ENOENT) {
            snprintf(err, errlen, "%s: chown: %s", path, strerror(errno));
            return TP_ERROR;
        }
    }
    return TP_OK;
}

/* Opens (creates) both databases and checks that their roots read. */
static int
cache_dbs(struct tp_cache *c, char *err, size_t errlen)
{
    MDB_val k, v;
    MDB_cursor *cur;
    MDB_txn *txn;
    int rc;

    rc = mdb_txn_begin(c->env, NULL, 0, &txn);
    if (rc != 0) {
        return tp_cache_fail(c, rc, "begin", err, errlen);
    }
    if ((rc = mdb_dbi_open(txn, "entries", MDB_CREATE, &c->entries)) != 0
        || (rc = mdb_dbi_open(txn, "expiry", MDB_CREATE, &c->expiry)) != 0
        || (rc = mdb_dbi_open(txn, NULL, 0, &c->main)) != 0)
    {
        mdb_txn_abort(txn);
        return tp_cache_fail(c, rc, "databases", err, errlen);
    }
    rc = mdb_cursor_open(txn, c->expiry, &cur);
    if (rc == 0) {
        rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST);
        mdb_cursor_close(cur);
    }
    if (rc != 0 && rc != MDB_NOTFOUND) {
        mdb_txn_abort(txn);
        return tp_cache_fail(c, rc, "expiry", err, errlen);
    }
    rc = mdb_txn_commit(txn);
    return rc == 0 ? TP_OK : tp_cache_fail(c, rc, "commit", err, errlen);
}

/*
 * The map: the configured size less the reserve, which only a deletion
 * that found no free page grows into (tp_cache_txn_del): in LMDB deleting
 * needs pages too, and the pages a transaction frees serve only the
 * transactions two commits later.  A put evicts before the pages in use
 * reach the map less another reserve, so that a full map stays rare.
 */
static void
cache_reserve(struct tp_cache *c)
{
    long page = sysconf(_SC_PAGESIZE);
    size_t align = page > 0 ? (size_t) page : 4096;

    c->cap = TP_ALIGN(c->cap, align);
    c->reserve = TP_ALIGN(TP_MAX(c->cap / 16, CACHE_RESERVE_MIN), align);
}

/*
 * The soft limit, in LMDB pages (an existing file keeps its page size);
 * and the batch: deleting an entry found in expiry order copies its leaf
 * (keys are hashes, so each one another leaf), and those copies, taken
 * from free pages, must stay well within the reserve.
 */
static int
cache_limit(struct tp_cache *c, char *err, size_t errlen)
{
    MDB_stat ms;
    int rc = mdb_env_stat(c->env, &ms);

    if (rc != 0) {
        return tp_cache_fail(c, rc, "stat", err, errlen);
    }
    c->psize = ms.ms_psize;
    c->limit = (c->cap - 2 * c->reserve) / c->psize;
    c->batch = TP_MAX(8, c->reserve / c->psize / 8);
    return TP_OK;
}

static int
cache_env(struct tp_cache *c, const char *data_dir, char *err, size_t errlen)
{
    int rc, dead;

    rc = mdb_env_create(&c->env);
    if (rc != 0) {
        return tp_cache_fail(c, rc, "create", err, errlen);
    }
    cache_reserve(c);
    if ((rc = mdb_env_set_maxdbs(c->env, 2)) != 0
        || (rc = mdb_env_set_maxreaders(c->env, CACHE_MAXREADERS)) != 0
        || (rc = mdb_env_set_mapsize(c->env, c->cap - c->reserve)) != 0)
    {
        return tp_cache_fail(c, rc, "setup", err, errlen);
    }
    /*
     * NOSYNC: a cache need not survive a power loss, and a commit without
     * fsync() costs a few write()s, which the request that stores a
     * response pays.  A process crash loses nothing (the kernel has the
     * pages); a system crash may leave the file inconsistent, so the
     * first process after a boot starts from an empty cache
     * (tp_cache_boot.c).
     * NOTLS: the handle's read txn keeps its reader slot while reset,
     * whatever else the process has open.
     * NORDAHEAD: keys are hashes, so reads are random; read-ahead would
     * only evict useful pages from memory.
     */
    rc = mdb_env_open(c->env, c->path,
        MDB_NOSYNC | MDB_NOTLS | MDB_NORDAHEAD, 0600);
    if (rc != 0) {
        return tp_cache_fail(c, rc, "open", err, errlen);
    }
    (void) mdb_reader_check(c->env, &dead);   /* slots of dead processes */
    if (cache_own(c, data_dir, err, errlen) != TP_OK
        || cache_limit(c, err, errlen) != TP_OK
        || cache_dbs(c, err, errlen) != TP_OK)
    {
        return TP_ERROR;
    }
    if ((rc = tp_cache_rd(c)) != 0) {   /* takes the reader slot now */
        return tp_cache_fail(c, rc, "read", err, errlen);
    }
    tp_cache_rd_end(c);
    return TP_OK;
}

int
tp_cache_open(struct tp_cache **out, const char *data_dir, size_t mapsize,
    char *err, size_t errlen)
{
    size_t n = strlen(data_dir) + sizeof("/" TP_CACHE_DIRNAME);
    struct tp_cache *c;

    *out = NULL;
    if (n > 4000) {
        snprintf(err, errlen, "%s/%s: path too long", data_dir,
            TP_CACHE_DIRNAME);
        return TP_ERROR;
    }
    c = calloc(1, sizeof(*c) + n);
    if (c == NULL) {
        snprintf(err, errlen, "%s/%s: out of memory", data_dir,
            TP_CACHE_DIRNAME);
        return TP_ERROR;
    }
    snprintf(c->path, n, "%s/%s", data_dir, TP_CACHE_DIRNAME);
    c->cap = mapsize;
    if (mapsize < TP_CACHE_MAP_MIN) {
        snprintf(err, errlen, "%s: a map of %zu bytes is below the minimum "
            "of %u", c->path, mapsize, TP_CACHE_MAP_MIN);
    } else if (mkdir(c->path, 0700) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "%s: cannot create the directory: %s",
            c->path, strerror(errno));
    } else if (tp_cache_boot(c->path, err, errlen) == TP_OK
        && cache_env(c, data_dir, err, errlen) == TP_OK)
    {
        *out = c;
        return TP_OK;
    }
    tp_cache_close(c);
    return TP_ERROR;
}

void
tp_cache_close(struct tp_cache *c)
{
    if (c == NULL) {
        return;
    }
    if (c->rtxn != NULL) {
        mdb_txn_abort(c->rtxn);
    }
    if (c->env != NULL) {
        mdb_env_close(c->env);
    }
    free(c);
}
