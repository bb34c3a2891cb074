/*
 * test_tp_cache.c: unit tests of the response cache's storage
 * (tp_cache*.c) in a real LMDB environment under a temporary data_dir:
 * put, get, replace and delete; a get in place (held until its end, not
 * nested, its pages kept through a replacement); expiry at the lookup
 * time; TTL cleanup;
 * flushing one namespace and not another (in several batches); full maps
 * (the soft limit evicting soonest-expiring entries first, and LMDB's
 * MDB_MAP_FULL itself with that limit off); items too large; two processes
 * seeing each other's entries, writing at once, growing the map under
 * each other; a reader slot left by a dead process; broken directories
 * and files as clear errors at open; a cache of an earlier boot removed.
 * After each test the expiry index must match the entries one to one.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <fcntl.h>
#include <inttypes.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tp_cache_boot.h"
#include "tp_cache_int.h"
#include "tp_test_dir.h"

#define MAP  (16u << 20)
#define T0   UINT64_C(1700000000000)      /* ms */

static char dir[64];
static char err[512];
static struct tp_cache *c;
static struct tp_arena arena;

static void
open_cache(size_t mapsize)
{
    tp_cache_close(c);
    c = NULL;
    if (tp_cache_open(&c, dir, mapsize, err, sizeof(err)) != TP_OK) {
        fail_msg("open: %s", err);
    }
}

static int
setup(void **state)
{
    (void) state;
    if (tp_test_dir_make(dir, sizeof(dir), "tp-cache") == NULL) {
        return -1;
    }
    tp_arena_init(&arena, 4096);
    return tp_cache_open(&c, dir, MAP, err, sizeof(err)) == TP_OK ? 0 : -1;
}

/* Every "expiry" record names an entry with that expiry, and every entry
 * has its record. */
static void
check_index(void)
{
    MDB_val k, v, e;
    MDB_cursor *cur;
    MDB_txn *txn;
    MDB_stat ms;
    size_t n = 0;

    assert_int_equal(mdb_txn_begin(c->env, NULL, MDB_RDONLY, &txn), 0);
    assert_int_equal(mdb_cursor_open(txn, c->expiry, &cur), 0);
    while (mdb_cursor_get(cur, &k, &v, n == 0 ? MDB_FIRST : MDB_NEXT)
        == 0)
    {
        assert_int_equal(k.mv_size, TP_CACHE_XKEY_LEN);
        e.mv_size = TP_CACHE_KEY_LEN;
        e.mv_data = (uint8_t *) k.mv_data + 8;
        assert_int_equal(mdb_get(txn, c->entries, &e, &v), 0);
        assert_true(v.mv_size >= TP_CACHE_HDR);
        assert_memory_equal(v.mv_data, k.mv_data, 8);
        n++;
    }
    mdb_cursor_close(cur);
    assert_int_equal(mdb_stat(txn, c->entries, &ms), 0);
    assert_int_equal(ms.ms_entries, n);
    mdb_txn_abort(txn);
}

static int
teardown(void **state)
{
    (void) state;
    if (c != NULL) {
        check_index();
    }
    tp_cache_close(c);
    c = NULL;
    tp_arena_free(&arena);
    tp_test_dir_remove(dir);
    return 0;
}

/* Key <i> of namespace <ns>. */
static const uint8_t *
key(uint64_t ns, uint64_t i)
{
    static uint8_t k[8][TP_CACHE_KEY_LEN];
    static unsigned next;
    uint8_t *p = k[next++ % 8];

    memset(p, 0xa5, TP_CACHE_KEY_LEN);
    tp_cache_be64_put(p, ns);
    tp_cache_be64_put(p + 8, i * UINT64_C(0x9e3779b97f4a7c15));
    return p;
}

/* Stores <len> bytes of <fill> under <k>. */
static int
put(const uint8_t *k, uint64_t exp, size_t len, int fill)
{
    unsigned char *buf = malloc(len > 0 ? len : 1);
    int rc;

    assert_non_null(buf);
    memset(buf, fill, len);
    rc = tp_cache_put(c, k, exp, buf, len, err, sizeof(err));
    free(buf);
    return rc;
}

static void
must_put(const uint8_t *k, uint64_t exp, size_t len, int fill)
{
    int rc = put(k, exp, len, fill);

    if (rc != TP_OK) {
        fail_msg("put of %zu bytes: %d: %s", len, rc, err);
    }
}

/* A hit of <len> bytes of <fill> expiring at <exp>. */
static void
must_hit(const uint8_t *k, uint64_t now, size_t len, int fill, uint64_t exp)
{
    const unsigned char *val;
    const void *v;
    uint64_t got;
    size_t n, i;

    assert_int_equal(tp_cache_get(c, k, now, &arena, &v, &n, &got), TP_OK);
    val = v;
    assert_int_equal(n, len);
    if (got != exp) {
        fail_msg("expires %" PRIu64 ", not %" PRIu64, got, exp);
    }
    for (i = 0; i < n; i++) {
        if (val[i] != (unsigned char) fill) {
            fail_msg("byte %zu is %d, not %d", i, val[i], fill);
        }
    }
}

static int
get(const uint8_t *k, uint64_t now)
{
    const void *v;
    uint64_t exp;
    size_t n;

    return tp_cache_get(c, k, now, &arena, &v, &n, &exp);
}

static uint64_t
entries(const uint8_t *ns)
{
    struct tp_cache_stat st;

    assert_int_equal(tp_cache_stat(c, ns, &st, err, sizeof(err)), TP_OK);
    return st.entries;
}

static void
test_shm__tp_cache__put_get_replace(void **state)
{
    const uint8_t *k = key(1, 1);
    size_t n;

    (void) state;
    assert_int_equal(get(k, T0), TP_DECLINED);
    must_put(k, T0 + 1000, 100, 'a');
    must_hit(k, T0, 100, 'a', T0 + 1000);
    must_put(k, T0 + 5000, 3000, 'b');       /* overflow pages now */
    must_hit(k, T0, 3000, 'b', T0 + 5000);
    must_put(k, T0 + 2000, 0, 'c');          /* empty, sooner */
    must_hit(k, T0 + 1999, 0, 'c', T0 + 2000);
    assert_int_equal(entries(NULL), 1);
    /* the replaced values' expiry records are gone: nothing is due at
     * their times */
    assert_int_equal(tp_cache_expire(c, T0 + 1999, 100, &n, err,
        sizeof(err)), TP_OK);
    assert_int_equal(n, 0);
    must_hit(k, T0 + 1999, 0, 'c', T0 + 2000);
}

static void
test_shm__tp_cache__delete(void **state)
{
    const uint8_t *k = key(1, 2);

    (void) state;
    must_put(k, T0 + 1000, 10, 'a');
    must_put(key(1, 3), T0 + 1000, 10, 'b');
    assert_int_equal(tp_cache_del(c, k, err, sizeof(err)), TP_OK);
    assert_int_equal(get(k, T0), TP_DECLINED);
    assert_int_equal(tp_cache_del(c, k, err, sizeof(err)), TP_DECLINED);
    must_hit(key(1, 3), T0, 10, 'b', T0 + 1000);
    assert_int_equal(entries(NULL), 1);
}

/* <n> bytes at <v>, all <fill>. */
static void
all_of(const void *v, size_t n, int fill)
{
    const unsigned char *p = v;
    size_t i;

    for (i = 0; i < n; i++) {
        if (p[i] != (unsigned char) fill) {
            fail_msg("byte %zu is %d, not %d", i, p[i], fill);
        }
    }
}

static void
test_shm__tp_cache__get_in_place(void **state)
{
    const uint8_t *k1 = key(9, 1), *k2 = key(9, 2);
    const void *v, *w;
    uint64_t exp;
    size_t n, m;

    (void) state;
    must_put(k1, T0 + 1000, 3000, 'a');
    must_put(k2, T0 + 1000, 10, 'b');
    assert_int_equal(tp_cache_get_ref(c, k1, T0, &v, &n, &exp), TP_OK);
    assert_int_equal(n, 3000);
    assert_true(exp == T0 + 1000);
    all_of(v, n, 'a');
    /* Not nested, in either form. */
    assert_int_equal(tp_cache_get_ref(c, k2, T0, &w, &m, &exp), TP_ERROR);
    assert_int_equal(get(k2, T0), TP_ERROR);
    /* A replacement while it is held: the holder's snapshot keeps the
     * pages it reads. */
    must_put(k1, T0 + 2000, 3000, 'z');
    must_put(key(9, 3), T0 + 2000, 6000, 'y');
    all_of(v, n, 'a');
    tp_cache_get_end(c);
    tp_cache_get_end(c);                     /* nothing held: nothing */
    must_hit(k1, T0, 3000, 'z', T0 + 2000);
    assert_int_equal(tp_cache_get_ref(c, k2, T0, &w, &m, &exp), TP_OK);
    all_of(w, m, 'b');
    tp_cache_get_end(c);
    /* Nothing is held after a miss or an expired entry. */
    assert_int_equal(tp_cache_get_ref(c, key(9, 4), T0, &w, &m, &exp),
        TP_DECLINED);
    assert_int_equal(tp_cache_get_ref(c, k2, T0 + 1000, &w, &m, &exp),
        TP_DECLINED);
    must_hit(k2, T0, 10, 'b', T0 + 1000);
}

static void
test_shm__tp_cache__expiry_at_now(void **state)
{
    const uint8_t *k = key(2, 1);

    (void) state;
    must_put(k, T0 + 300000, 5, 'x');
    must_hit(k, T0 + 299999, 5, 'x', T0 + 300000);
    assert_int_equal(get(k, T0 + 300000), TP_DECLINED);
    assert_int_equal(get(k, T0 + 300001), TP_DECLINED);
    must_put(k, T0, 5, 'y');                /* stored already expired */
    assert_int_equal(get(k, T0), TP_DECLINED);
}

static void
test_shm__tp_cache__expire(void **state)
{
    size_t n;
    unsigned i;

    (void) state;
    for (i = 0; i < 20; i++) {      /* i expires at T0 + (i % 10) seconds */
        must_put(key(3, i), T0 + (i % 10) * 1000, 10 + i, i);
    }
    assert_int_equal(tp_cache_expire(c, T0 + 4000, 3, &n, err,
        sizeof(err)), TP_OK);
    assert_int_equal(n, 3);                 /* 3 of the 10 due */
    assert_int_equal(entries(NULL), 17);
    assert_int_equal(tp_cache_expire(c, T0 + 4000, 100, &n, err,
        sizeof(err)), TP_OK);
    assert_int_equal(n, 7);
    assert_int_equal(tp_cache_expire(c, T0 + 4000, 100, &n, err,
        sizeof(err)), TP_OK);
    assert_int_equal(n, 0);
    for (i = 0; i < 20; i++) {
        if (i % 10 <= 4) {
            assert_int_equal(get(key(3, i), T0), TP_DECLINED);
        } else {
            must_hit(key(3, i), T0, 10 + i, i, T0 + (i % 10) * 1000);
        }
    }
    assert_int_equal(tp_cache_expire(c, UINT64_MAX, 0, &n, err,
        sizeof(err)), TP_OK);
    assert_int_equal(n, 0);
    assert_int_equal(tp_cache_expire(c, UINT64_MAX, 100, &n, err,
        sizeof(err)), TP_OK);
    assert_int_equal(n, 10);
    assert_int_equal(entries(NULL), 0);
}

static void
test_shm__tp_cache__flush(void **state)
{
    uint8_t a[8], b[8], z[8];
    struct tp_cache_stat st;
    size_t n;
    unsigned i;

    (void) state;
    tp_cache_be64_put(a, 0x1000);
    tp_cache_be64_put(b, 0x1001);           /* right after a's keys */
    tp_cache_be64_put(z, 0x0fff);           /* right before */
    for (i = 0; i < 2500; i++) {            /* three batches */
        must_put(key(0x1000, i), T0 + 1000 + i, 40, 'a');
    }
    for (i = 0; i < 30; i++) {
        must_put(key(0x1001, i), T0 + 1000, 50, 'b');
        must_put(key(0x0fff, i), T0 + 1000, 60, 'z');
    }
    assert_int_equal(entries(a), 2500);
    assert_int_equal(tp_cache_stat(c, b, &st, err, sizeof(err)), TP_OK);
    assert_int_equal(st.entries, 30);
    assert_int_equal(st.bytes_used, 30 * (32 + 8 + 50));
    assert_true(st.map_size == MAP);

    assert_int_equal(tp_cache_flush(c, a, &n, err, sizeof(err)), TP_OK);
    assert_int_equal(n, 2500);
    assert_int_equal(entries(a), 0);
    assert_int_equal(entries(b), 30);
    assert_int_equal(entries(z), 30);
    assert_int_equal(entries(NULL), 60);
    assert_int_equal(get(key(0x1000, 7), T0), TP_DECLINED);
    must_hit(key(0x1001, 7), T0, 50, 'b', T0 + 1000);
    must_hit(key(0x0fff, 29), T0, 60, 'z', T0 + 1000);
    assert_int_equal(tp_cache_flush(c, a, &n, err, sizeof(err)), TP_OK);
    assert_int_equal(n, 0);
    /* the flushed entries' expiry records went with them */
    assert_int_equal(tp_cache_expire(c, T0 + 999999, 10000, &n, err,
        sizeof(err)), TP_OK);
    assert_int_equal(n, 60);
}

/*
 * A 1 MiB map filled many times over: every put succeeds by evicting the
 * entries that expire soonest; a long-lived entry stays; the map never
 * grows past its size.
 */
static void
test_shm__tp_cache__full_small_map(void **state)
{
    struct tp_cache_stat st;
    unsigned i, hits = 0, declined = 0;
    uint8_t keep[TP_CACHE_KEY_LEN];
    int rc;

    (void) state;
    memcpy(keep, key(5, 999999), sizeof(keep));
    open_cache(1u << 20);
    must_put(keep, T0 + 3600000, 1000, 'k');
    for (i = 0; i < 3000; i++) {            /* ~3 MB of small items */
        must_put(key(5, i), T0 + 1000 + i, 1000, i);
    }
    assert_true(c->count.evicted > 2000);
    assert_int_equal(get(key(5, 0), T0), TP_DECLINED);
    must_hit(key(5, 2999), T0, 1000, 2999 & 0xff, T0 + 1000 + 2999);
    must_hit(keep, T0, 1000, 'k', T0 + 3600000);
    /* what is left is the newest (latest expiring): no gaps */
    for (i = 3000; i-- > 0 && get(key(5, i), T0) == TP_OK;) {
        hits++;
    }
    assert_int_equal(hits + 1, entries(NULL));
    assert_true(hits > 100);

    /* 100 KiB items need runs of free pages, which evicting small
     * ones rarely makes: a few may be declined, never an error */
    for (i = 0; i < 60; i++) {
        rc = put(key(6, i), T0 + 5000 + i, 100 << 10, i);
        assert_true(rc == TP_OK || rc == TP_DECLINED);
        declined += rc == TP_DECLINED;
    }
    must_hit(key(6, 59), T0, 100 << 10, 59, T0 + 5000 + 59);
    for (i = 0; i < 300; i++) {             /* mixed sizes */
        rc = put(key(6, i), T0 + 9000 + i, (i * 7919) % (200 << 10), i);
        assert_true(rc == TP_OK || rc == TP_DECLINED);
        declined += rc == TP_DECLINED;
    }
    must_hit(keep, T0, 1000, 'k', T0 + 3600000);
    assert_int_equal(tp_cache_stat(c, NULL, &st, err, sizeof(err)), TP_OK);
    assert_true(st.bytes_used <= st.map_size);
    print_message("1 MiB map: %u small items kept, %u large declined, "
        "%" PRIu64 " bytes used, %" PRIu64 " evicted, %" PRIu64 " full, "
        "%" PRIu64 " grown\n", hits, declined, st.bytes_used,
        c->count.evicted, c->count.full, c->count.grown);
}

/*
 * The soft limit off until LMDB's own MDB_MAP_FULL, with no free page
 * left: the pages the last commit freed serve only the commit after
 * next, so evicting needs the reserve.  Back under the soft limit, a few
 * puts may be declined on the way down (never an error); then every put
 * succeeds without touching the reserve again, and the map never passes
 * the configured size.
 */
static void
test_shm__tp_cache__map_full(void **state)
{
    unsigned i, full, declined = 0;
    MDB_envinfo info;
    uint64_t grown;
    size_t limit;
    int rc;

    (void) state;
    open_cache(1u << 20);
    limit = c->limit;
    c->limit = SIZE_MAX / 4;
    for (i = 0; c->count.full == 0; i++) {
        must_put(key(7, i), T0 + 1000 + i, 700, i);
        assert_true(i < 100000);
    }
    full = i;
    c->limit = limit;
    for (i = 0; i < 500; i++) {
        rc = put(key(8, i), T0 + 99000 + i, 700, i);
        assert_true(rc == TP_OK || rc == TP_DECLINED);
        declined += rc == TP_DECLINED;
    }
    grown = c->count.grown;
    print_message("no soft limit: full at put %u; then %u declined, "
        "%" PRIu64 " evicted, %" PRIu64 " grown\n", full, declined,
        c->count.evicted, grown);
    assert_true(declined <= 10);
    for (i = 500; i < 3000; i++) {
        must_put(key(8, i), T0 + 99000 + i, 700, i);
    }
    must_hit(key(8, 2999), T0, 700, 2999 & 0xff, T0 + 99000 + 2999);
    assert_true(c->count.grown == grown);
    assert_int_equal(mdb_env_info(c->env, &info), 0);
    assert_true(info.me_mapsize <= (1u << 20));
}

static void
test_shm__tp_cache__too_large(void **state)
{
    const uint8_t *k = key(9, 1);

    (void) state;
    assert_int_equal(put(k, T0 + 1000, TP_CACHE_VALUE_MAX + 1, 'a'),
        TP_DECLINED);
    assert_non_null(strstr(err, "larger than the 1048576 allowed"));
    must_put(k, T0 + 1000, TP_CACHE_ITEM_MAX, 'b');
    must_hit(k, T0, TP_CACHE_ITEM_MAX, 'b', T0 + 1000);

    open_cache(1u << 20);                   /* at most its reserve */
    assert_int_equal(put(k, T0 + 1000, (256 << 10) + 1, 'c'),
        TP_DECLINED);
    assert_non_null(strstr(err, "larger than the 262144 allowed in a "
        "cache this size"));
    must_hit(k, T0, TP_CACHE_ITEM_MAX, 'b', T0 + 1000);   /* unchanged */
}

/* Runs <fn> in a child (its own handle, opened after fork) and returns
 * its exit status. */
static int
in_child(int (*fn)(void *), void *arg)
{
    pid_t pid = fork();
    int status;

    assert_true(pid >= 0);
    if (pid == 0) {
        _exit(fn(arg));
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 100;
}

static int
child_open(size_t mapsize)
{
    c = NULL;                    /* the parent's handle is not ours */
    return tp_cache_open(&c, dir, mapsize, err, sizeof(err));
}

static int
child_peer(void *arg)
{
    const void *v;
    uint64_t exp;
    size_t n;

    (void) arg;
    if (child_open(MAP) != TP_OK) {
        return 1;
    }
    if (tp_cache_get(c, key(10, 1), T0, &arena, &v, &n, &exp) != TP_OK
        || n != 64 || exp != T0 + 1000)
    {
        return 2;
    }
    return put(key(10, 2), T0 + 2000, 128, 'c') == TP_OK ? 0 : 3;
}

static int
child_writer(void *arg)
{
    uint64_t ns = (uint64_t) (uintptr_t) arg;
    unsigned i;

    if (child_open(MAP) != TP_OK) {
        return 1;
    }
    for (i = 0; i < 500; i++) {
        if (put(key(ns, i), T0 + 1000 + i, 200 + i, i) != TP_OK) {
            return 2;
        }
    }
    return 0;
}

static void
test_shm__tp_cache__two_processes(void **state)
{
    pid_t pids[2];
    int status;
    unsigned i;

    (void) state;
    must_put(key(10, 1), T0 + 1000, 64, 'p');
    assert_int_equal(in_child(child_peer, NULL), 0);
    must_hit(key(10, 2), T0, 128, 'c', T0 + 2000);  /* the child's */

    for (i = 0; i < 2; i++) {               /* writers at once */
        pids[i] = fork();
        assert_true(pids[i] >= 0);
        if (pids[i] == 0) {
            _exit(child_writer((void *) (uintptr_t) (11 + i)));
        }
    }
    for (i = 0; i < 2; i++) {
        assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    assert_int_equal(entries(NULL), 2 + 1000);
    must_hit(key(11, 499), T0, 699, 499 & 0xff, T0 + 1499);
    must_hit(key(12, 0), T0, 200, 0, T0 + 1000);
}

/* A child with a larger configured map stores more than ours holds. */
static int
child_grower(void *arg)
{
    unsigned i;

    (void) arg;
    if (child_open(8u << 20) != TP_OK) {
        return 1;
    }
    for (i = 0; i < 40; i++) {
        if (put(key(13, i), T0 + 1000 + i, 100 << 10, i) != TP_OK) {
            return 2;
        }
    }
    return 0;
}

static void
test_shm__tp_cache__map_resized(void **state)
{
    MDB_envinfo info;

    (void) state;
    open_cache(1u << 20);
    must_put(key(13, 1000), T0 + 999999, 10, 'a');
    assert_int_equal(in_child(child_grower, NULL), 0);
    /* our map is smaller than the file now: adopted on the next read */
    must_hit(key(13, 39), T0, 100 << 10, 39, T0 + 1039);
    assert_int_equal(mdb_env_info(c->env, &info), 0);
    assert_true(info.me_mapsize > (1u << 20));
    must_put(key(13, 2000), T0 + 999999, 10, 'b');
    must_hit(key(13, 2000), T0, 10, 'b', T0 + 999999);
}

/* Dies inside a read transaction: its slot keeps a snapshot. */
static int
child_dies_reading(void *arg)
{
    (void) arg;
    if (child_open(1u << 20) != TP_OK || tp_cache_rd(c) != 0) {
        return 1;
    }
    return 0;                               /* no reset, no close */
}

static void
test_shm__tp_cache__dead_reader(void **state)
{
    unsigned i;

    (void) state;
    open_cache(1u << 20);
    assert_int_equal(in_child(child_dies_reading, NULL), 0);
    for (i = 0; i < 3000; i++) {
        must_put(key(14, i), T0 + 1000 + i, 1000, i);
    }
    must_hit(key(14, 2999), T0, 1000, 2999 & 0xff, T0 + 3999);
}

/* Holds a snapshot until its parent writes to <arg>'s pipe. */
static int
child_holds_snapshot(void *arg)
{
    int *fds = arg;
    char b;

    if (child_open(1u << 20) != TP_OK || tp_cache_rd(c) != 0) {
        return 1;
    }
    close(fds[0]);                          /* the parent's ends */
    close(fds[3]);
    if (write(fds[1], "r", 1) != 1 || read(fds[2], &b, 1) != 1) {
        return 2;
    }
    tp_cache_rd_end(c);
    tp_cache_close(c);
    return 0;
}

/*
 * While a live reader holds an old snapshot, no page freed since is
 * reused: puts are declined (never an error), lookups go on, and the
 * reserve is left alone; once it ends, puts succeed again.
 */
static void
test_shm__tp_cache__old_snapshot(void **state)
{
    int up[2], down[2], fds[4], status;
    unsigned i, ok = 0, declined = 0, last = 0;
    pid_t pid;
    char b;
    int rc;

    (void) state;
    open_cache(1u << 20);
    must_put(key(16, 100000), T0 + 1000, 100, 'o');
    assert_int_equal(pipe(up), 0);
    assert_int_equal(pipe(down), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        fds[0] = up[0];
        fds[1] = up[1];
        fds[2] = down[0];
        fds[3] = down[1];
        _exit(child_holds_snapshot(fds));
    }
    close(up[1]);
    close(down[0]);
    rc = read(up[0], &b, 1) == 1 ? TP_OK : TP_ERROR;
    for (i = 0; i < 3000 && rc != TP_ERROR; i++) {
        rc = put(key(16, i), T0 + 2000 + i, 1000, i);
        ok += rc == TP_OK;
        last = rc == TP_OK ? i : last;
        declined += rc == TP_DECLINED;
    }
    /* the child goes before any assertion can end the test */
    assert_int_equal(write(down[1], "x", 1), 1);
    close(up[0]);
    close(down[1]);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    print_message("old snapshot: %u stored, %u declined (%s)\n", ok,
        declined, err);
    assert_true(rc != TP_ERROR);
    assert_true(declined > 0);
    assert_true(c->count.grown == 0);
    must_hit(key(16, last), T0, 1000, last & 0xff, T0 + 2000 + last);
    for (i = 0; i < 3000; i++) {
        must_put(key(17, i), T0 + 9000 + i, 1000, i);
    }
    must_hit(key(17, 2999), T0, 1000, 2999 & 0xff, T0 + 11999);
}

static void
write_file(const char *name, const void *data, size_t len)
{
    char path[128];
    int fd;

    snprintf(path, sizeof(path), "%s/cache/%s", dir, name);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, len), (ssize_t) len);
    close(fd);
}

static void
test_shm__tp_cache__open_errors(void **state)
{
    char garbage[16384], path[128], want[160];
    struct tp_cache *c2;
    unsigned i;

    (void) state;
    tp_cache_close(c);
    c = NULL;
    snprintf(path, sizeof(path), "%s/none", dir);
    assert_int_equal(tp_cache_open(&c2, path, MAP, err, sizeof(err)),
        TP_ERROR);
    assert_null(c2);
    snprintf(want, sizeof(want), "%s/none/cache: cannot create the "
        "directory: No such file or directory", dir);
    assert_string_equal(err, want);

    assert_int_equal(tp_cache_open(&c2, dir, 65536, err, sizeof(err)),
        TP_ERROR);
    assert_non_null(strstr(err, "below the minimum"));

    for (i = 0; i < sizeof(garbage); i++) {
        garbage[i] = (char) (i * 7 + 3);
    }
    write_file("data.mdb", garbage, sizeof(garbage));
    assert_int_equal(tp_cache_open(&c2, dir, MAP, err, sizeof(err)),
        TP_ERROR);
    snprintf(want, sizeof(want), "%s/cache: open: ", dir);
    assert_memory_equal(err, want, strlen(want));
    assert_non_null(strstr(err, "remove the directory"));
    print_message("garbage data.mdb: %s\n", err);

    /* a directory where the file should be */
    snprintf(path, sizeof(path), "%s/cache/data.mdb", dir);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(mkdir(path, 0700), 0);
    assert_int_equal(tp_cache_open(&c2, dir, MAP, err, sizeof(err)),
        TP_ERROR);
    assert_memory_equal(err, want, strlen(want));
    assert_int_equal(rmdir(path), 0);
    open_cache(MAP);
}

/* A cache of another boot is removed, even a broken one; this boot is
 * recorded. */
static void
test_shm__tp_cache__other_boot(void **state)
{
    char now[64], was[64], path[128];
    ssize_t n, m;
    int fd;

    (void) state;
    fd = open(TP_CACHE_BOOT_ID, O_RDONLY);
    if (fd < 0) {
        skip();
    }
    n = read(fd, now, sizeof(now));
    close(fd);
    must_put(key(15, 1), T0 + 1000, 10, 'a');
    open_cache(MAP);                        /* same boot: kept */
    must_hit(key(15, 1), T0, 10, 'a', T0 + 1000);
    tp_cache_close(c);
    c = NULL;

    write_file(TP_CACHE_BOOT_FILE, "00000000-0000\n", 14);
    write_file("data.mdb", "garbage", 7);
    open_cache(MAP);
    assert_int_equal(entries(NULL), 0);
    snprintf(path, sizeof(path), "%s/cache/%s", dir, TP_CACHE_BOOT_FILE);
    fd = open(path, O_RDONLY);
    assert_true(fd >= 0);
    m = read(fd, was, sizeof(was));
    close(fd);
    assert_int_equal(m, n);
    assert_memory_equal(was, now, (size_t) n);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
        T(test_shm__tp_cache__put_get_replace),
        T(test_shm__tp_cache__delete),
        T(test_shm__tp_cache__get_in_place),
        T(test_shm__tp_cache__expiry_at_now),
        T(test_shm__tp_cache__expire),
        T(test_shm__tp_cache__flush),
        T(test_shm__tp_cache__full_small_map),
        T(test_shm__tp_cache__map_full),
        T(test_shm__tp_cache__too_large),
        T(test_shm__tp_cache__two_processes),
        T(test_shm__tp_cache__map_resized),
        T(test_shm__tp_cache__dead_reader),
        T(test_shm__tp_cache__old_snapshot),
        T(test_shm__tp_cache__open_errors),
        T(test_shm__tp_cache__other_boot),
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
