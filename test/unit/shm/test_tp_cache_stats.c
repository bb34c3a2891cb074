/*
 * test_tp_cache_stats.c: unit tests of the per-stage cache hit and miss
 * counters in shm (tp_cache_stats.c): counting, separate stages, a stage
 * hash of 0, a full table, and exact counts from forked processes.
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

#include "tp_cache_stats.h"
#include "tp_shm.h"

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
test_counts_per_stage(void **state)
{
    struct tp_cache_stats *t = tp_cache_stats_zone(shm);
    uint64_t h, m;

    (void) state;
    assert_non_null(t);
    assert_false(tp_cache_stats_get(t, 42, &h, &m));
    assert_int_equal(h + m, 0);
    tp_cache_stats_count(t, 42, true);
    tp_cache_stats_count(t, 42, true);
    tp_cache_stats_count(t, 42, false);
    tp_cache_stats_count(t, 42 + TP_CACHE_STATS_SLOTS, false); /* same home */
    tp_cache_stats_count(t, 0, true);
    assert_true(tp_cache_stats_get(t, 42, &h, &m));
    assert_int_equal(h, 2);
    assert_int_equal(m, 1);
    assert_true(tp_cache_stats_get(t, 42 + TP_CACHE_STATS_SLOTS, &h, &m));
    assert_int_equal(h, 0);
    assert_int_equal(m, 1);
    assert_true(tp_cache_stats_get(t, 0, &h, &m));
    assert_int_equal(h, 1);
}

static void
test_full_table_drops(void **state)
{
    struct tp_cache_stats *t = tp_cache_stats_zone(shm);
    uint64_t k, h, m;

    (void) state;
    for (k = 1; k <= TP_CACHE_STATS_SLOTS; k++) {
        tp_cache_stats_count(t, k, true);
    }
    tp_cache_stats_count(t, TP_CACHE_STATS_SLOTS + 7, true);
    assert_false(tp_cache_stats_get(t, TP_CACHE_STATS_SLOTS + 7, &h, &m));
    assert_true(tp_cache_stats_get(t, 5, &h, &m));
    assert_int_equal(h, 1);
}

static void
test_exact_across_processes(void **state)
{
    struct tp_cache_stats *t = tp_cache_stats_zone(shm);
    enum { PROCS = 4, EACH = 20000 };
    pid_t pids[PROCS];
    uint64_t h, m;
    int i, k, status;

    (void) state;
    for (i = 0; i < PROCS; i++) {
        pids[i] = fork();
        if (pids[i] == 0) {
            for (k = 0; k < EACH; k++) {
                /* every process claims the same two stages at once */
                tp_cache_stats_count(t, 1000 + (uint64_t) (k & 1), k % 3 != 0);
            }
            _exit(0);
        }
    }
    for (i = 0; i < PROCS; i++) {
        waitpid(pids[i], &status, 0);
    }
    assert_true(tp_cache_stats_get(t, 1000, &h, &m));
    assert_int_equal(h + m, PROCS * EACH / 2);
    assert_true(tp_cache_stats_get(t, 1001, &h, &m));
    assert_int_equal(h + m, PROCS * EACH / 2);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_counts_per_stage, setup,
            teardown),
        cmocka_unit_test_setup_teardown(test_full_table_drops, setup,
            teardown),
        cmocka_unit_test_setup_teardown(test_exact_across_processes, setup,
            teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
