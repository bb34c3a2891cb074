/*
 * test_tp_limits_shm.c: unit tests of the shared throttle and quota tables
 * (tp_throttle.c, tp_quota.c) in a real MAP_SHARED segment: all-or-none
 * charging across scopes, refunds, idle entries reused when the table is
 * full, quota periods and limits, dirty tracking and eviction for the
 * metrics worker, and exactness under contention: forked processes
 * hammering one quota and one bucket admit exactly the limit.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tp_quota.h"
#include "tp_shm.h"
#include "tp_throttle.h"

#define SEC UINT64_C(1000000000)
#define T0  (5000 * SEC)

static struct tp_shm *shm;

static int
setup(void **state)
{
    struct tp_server_conf sc;
    char err[256];

    (void) state;
    memset(&sc, 0, sizeof(sc));
    sc.throttle_entries = 1024;
    sc.quota_entries = 1024;
    shm = tp_shm_create(&sc, err, sizeof(err));
    return shm == NULL;
}

static int
teardown(void **state)
{
    (void) state;
    munmap(shm, shm->size);
    return 0;
}

static void
test_throttle_all_or_none(void **state)
{
    struct tp_tt_table *t = tp_throttle_zone(shm, 1024);
    struct tp_tt_scope sc[2] = { { 11, tp_gcra_make(1000.0, 10) },
                                 { 12, tp_gcra_make(1000.0, 3) } };
    unsigned i;

    (void) state;
    for (i = 0; i < 3; i++) {
        assert_int_equal(tp_throttle_admit(t, sc, 2, T0, NULL), TP_TT_ADMIT);
    }
    /* scope 12 is empty: the request is refused and scope 11 is not
     * charged for it */
    assert_int_equal(tp_throttle_admit(t, sc, 2, T0, NULL),
        TP_TT_THROTTLED);
    for (i = 0; i < 7; i++) {
        assert_int_equal(tp_throttle_admit(t, sc, 1, T0, NULL), TP_TT_ADMIT);
    }
    assert_int_equal(tp_throttle_admit(t, sc, 1, T0, NULL), TP_TT_THROTTLED);
}

static void
test_throttle_refund(void **state)
{
    struct tp_tt_table *t = tp_throttle_zone(shm, 1024);
    struct tp_tt_scope sc = { 21, tp_gcra_make(1.0, 2) };
    struct tp_tt_slot *slot;

    (void) state;
    assert_int_equal(tp_throttle_admit(t, &sc, 1, T0, &slot), TP_TT_ADMIT);
    assert_int_equal(tp_throttle_admit(t, &sc, 1, T0, &slot), TP_TT_ADMIT);
    assert_int_equal(tp_throttle_admit(t, &sc, 1, T0, NULL),
        TP_TT_THROTTLED);
    tp_throttle_refund(&slot, &sc, 1);
    assert_int_equal(tp_throttle_admit(t, &sc, 1, T0, NULL), TP_TT_ADMIT);
}

static void
test_throttle_full_table_reuses_idle(void **state)
{
    struct tp_tt_table *t = tp_throttle_zone(shm, 1024);
    struct tp_tt_scope sc;
    uint64_t k;
    unsigned busy = 0;

    (void) state;
    /* fill every slot with a busy bucket (TAT in the future) */
    for (k = 0; k < t->cap; k++) {
        sc = (struct tp_tt_scope) { 1000 + k * t->cap, tp_gcra_make(1.0,
            5) };
        busy += tp_throttle_admit(t, &sc, 1, T0, NULL) == TP_TT_ADMIT;
    }
    assert_true(busy > 0);
    sc = (struct tp_tt_scope) { 1000 + 7 * t->cap, tp_gcra_make(1.0, 5) };
    sc.key = 1000 + t->cap * t->cap;     /* same home as the others */
    assert_int_equal(tp_throttle_admit(t, &sc, 1, T0, NULL), TP_TT_FULL);
    /* ten seconds later every bucket is full again, so reusable */
    assert_int_equal(tp_throttle_admit(t, &sc, 1, T0 + 10 * SEC, NULL),
        TP_TT_ADMIT);
    assert_true(atomic_load(&t->reused) >= 1);
}

/* A refund for a bucket whose slot went to another scope meanwhile must
 * not credit that scope. */
static void
test_throttle_refund_after_reuse(void **state)
{
    struct tp_tt_table *t = tp_throttle_zone(shm, 1024);
    struct tp_tt_scope old = { 3 * t->cap + 9, tp_gcra_make(1.0, 1) };
    struct tp_tt_scope busy, fresh = { 900 * t->cap + 9,
        tp_gcra_make(1.0, 1) };
    struct tp_tt_slot *slot, *other;
    uint64_t k;

    (void) state;
    assert_int_equal(tp_throttle_admit(t, &old, 1, T0, &slot), TP_TT_ADMIT);
    /* the rest of the probe path: buckets busy for 1,000 s */
    for (k = 0; k < TP_THROTTLE_PROBE - 1; k++) {
        busy = (struct tp_tt_scope) { (10 + k) * t->cap + 9,
            tp_gcra_make(0.001, 1) };
        assert_int_equal(tp_throttle_admit(t, &busy, 1, T0, NULL),
            TP_TT_ADMIT);
    }
    /* ten seconds on, only the old bucket is idle: the new scope takes
     * its slot */
    assert_int_equal(tp_throttle_admit(t, &fresh, 1, T0 + 10 * SEC, &other),
        TP_TT_ADMIT);
    assert_ptr_equal(other, slot);
    tp_throttle_refund(&slot, &old, 1);
    assert_int_equal(tp_throttle_admit(t, &fresh, 1, T0 + 10 * SEC, NULL),
        TP_TT_THROTTLED);
}

static void
test_quota_limit_and_periods(void **state)
{
    struct tp_q_table *t = tp_quota_zone(shm, 1024);
    struct tp_q_slot *s;
    unsigned i;

    (void) state;
    s = tp_quota_insert(t, 77, NULL, 1);
    assert_non_null(s);
    assert_ptr_equal(tp_quota_find(t, 77), s);
    for (i = 0; i < 5; i++) {
        assert_int_equal(tp_quota_take(s, 77, 100, 5, 1), TP_Q_OK);
    }
    assert_int_equal(tp_quota_take(s, 77, 100, 5, 1), TP_Q_EXCEEDED);
    /* a raised limit (reload) admits more in the same period */
    assert_int_equal(tp_quota_take(s, 77, 100, 6, 1), TP_Q_OK);
    /* the next period starts from zero */
    assert_int_equal(tp_quota_take(s, 77, 101, 1, 1), TP_Q_OK);
    assert_int_equal(tp_quota_take(s, 77, 101, 1, 1), TP_Q_EXCEEDED);
    assert_int_equal(tp_quota_word_count(atomic_load(&s->word)), 1);
    assert_int_equal(atomic_load(&s->total), 7);
    /* another kind of period (DAY -> MONTH on a reload) starts over,
     * although its number is smaller */
    assert_int_equal(tp_quota_take(s, 77, tp_quota_period(2, 50), 1, 1),
        TP_Q_OK);
    assert_int_equal(tp_quota_take(s, 77, tp_quota_period(2, 50), 1, 1),
        TP_Q_EXCEEDED);
    /* a lagging clock (the previous period) counts in the newer one */
    assert_int_equal(tp_quota_take(s, 77, tp_quota_period(2, 49), 2, 1),
        TP_Q_OK);
    assert_int_equal(tp_quota_word_count(atomic_load(&s->word)), 2);
    /* limit 0 admits nothing */
    s = tp_quota_insert(t, 78, NULL, 1);
    assert_int_equal(tp_quota_take(s, 78, 100, 0, 1), TP_Q_EXCEEDED);
}

static void
test_quota_loaded_counts(void **state)
{
    struct tp_q_table *t = tp_quota_zone(shm, 1024);
    struct tp_quota_rec rec = { 90, tp_quota_word(200, 9), 1234 };
    struct tp_q_slot *s;

    (void) state;
    s = tp_quota_insert(t, 90, &rec, 1);
    assert_int_equal(tp_quota_take(s, 90, 200, 10, 1), TP_Q_OK);
    assert_int_equal(tp_quota_take(s, 90, 200, 10, 1), TP_Q_EXCEEDED);
    assert_int_equal(atomic_load(&s->total), 1235);
    /* a second insert of the same id finds the first */
    assert_ptr_equal(tp_quota_insert(t, 90, NULL, 1), s);
}

static void
test_quota_dirty_flush_evict(void **state)
{
    struct tp_q_table *t = tp_quota_zone(shm, 1024);
    struct tp_quota_rec out[2048];
    uint64_t cursor = 0, id;
    size_t n, ev;
    struct tp_q_slot *s;

    (void) state;
    /* fill the table past 3/4 with entries used at time 10 */
    for (id = 1000; id < 1000 + t->cap * 7 / 8; id++) {
        s = tp_quota_insert(t, id, NULL, 10);
        assert_non_null(s);
        assert_int_equal(tp_quota_take(s, id, 1, 100, 10), TP_Q_OK);
    }
    n = tp_quota_dirty(t, out, TP_NELEM(out), &cursor);
    assert_true(n >= t->cap * 7 / 8);
    assert_int_equal(cursor, 0);
    /* nothing flushed yet: nothing may be evicted */
    assert_int_equal(tp_quota_evict(t, 1000, 60), 0);
    tp_quota_flushed(t, out, n);
    cursor = 0;
    assert_int_equal(tp_quota_dirty(t, out, TP_NELEM(out), &cursor), 0);
    /* not idle long enough */
    assert_int_equal(tp_quota_evict(t, 30, 60), 0);
    ev = tp_quota_evict(t, 1000, 60);
    assert_true(ev > 0);
    assert_true(atomic_load(&t->used) * 4 <= t->cap * 3);
    /* an evicted id is gone; inserting it again reuses a deleted slot */
    for (id = 1000; tp_quota_find(t, id) != NULL; id++) {
    }
    s = tp_quota_insert(t, id, NULL, 2000);
    assert_non_null(s);
    assert_ptr_equal(tp_quota_find(t, id), s);
}

/* <procs> processes take from one quota of <limit> as fast as they can;
 * they admit exactly <limit> in all. */
static void
test_quota_exact_across_processes(void **state)
{
    struct tp_q_table *t = tp_quota_zone(shm, 1024);
    enum { PROCS = 6, TRIES = 40000, LIMIT = 100000 };
    _Atomic uint64_t *admitted = tp_shm_zone(shm, "test-admitted", 64);
    pid_t pids[PROCS];
    int i, status;

    (void) state;
    assert_non_null(admitted);
    assert_non_null(tp_quota_insert(t, 4242, NULL, 1));
    for (i = 0; i < PROCS; i++) {
        pids[i] = fork();
        if (pids[i] == 0) {
            uint64_t mine = 0;
            int k;

            for (k = 0; k < TRIES; k++) {
                struct tp_q_slot *s = tp_quota_find(t, 4242);

                mine += s != NULL
                    && tp_quota_take(s, 4242, 7, LIMIT, 1) == TP_Q_OK;
            }
            atomic_fetch_add(admitted, mine);
            _exit(0);
        }
    }
    for (i = 0; i < PROCS; i++) {
        waitpid(pids[i], &status, 0);
    }
    assert_int_equal(atomic_load(admitted), LIMIT);
    assert_int_equal(tp_quota_word_count(atomic_load(
        &tp_quota_find(t, 4242)->word)), LIMIT);
}

static void
test_throttle_exact_across_processes(void **state)
{
    struct tp_tt_table *t = tp_throttle_zone(shm, 1024);
    enum { PROCS = 6, TRIES = 20000 };
    _Atomic uint64_t *admitted = tp_shm_zone(shm, "test-tt-admitted", 64);
    /* a near-zero rate: only the burst can be admitted */
    struct tp_tt_scope sc = { 5151, tp_gcra_make(0.001, 777) };
    pid_t pids[PROCS];
    int i, status;

    (void) state;
    for (i = 0; i < PROCS; i++) {
        pids[i] = fork();
        if (pids[i] == 0) {
            uint64_t mine = 0;
            int k;

            for (k = 0; k < TRIES; k++) {
                mine += tp_throttle_admit(t, &sc, 1, T0, NULL)
                    == TP_TT_ADMIT;
            }
            atomic_fetch_add(admitted, mine);
            _exit(0);
        }
    }
    for (i = 0; i < PROCS; i++) {
        waitpid(pids[i], &status, 0);
    }
    assert_int_equal(atomic_load(admitted), 777);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_throttle_all_or_none, setup,
            teardown),
        cmocka_unit_test_setup_teardown(test_throttle_refund, setup,
            teardown),
        cmocka_unit_test_setup_teardown(test_throttle_full_table_reuses_idle,
            setup, teardown),
        cmocka_unit_test_setup_teardown(test_throttle_refund_after_reuse,
            setup, teardown),
        cmocka_unit_test_setup_teardown(test_quota_limit_and_periods, setup,
            teardown),
        cmocka_unit_test_setup_teardown(test_quota_loaded_counts, setup,
            teardown),
        cmocka_unit_test_setup_teardown(test_quota_dirty_flush_evict, setup,
            teardown),
        cmocka_unit_test_setup_teardown(test_quota_exact_across_processes,
            setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_throttle_exact_across_processes, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
