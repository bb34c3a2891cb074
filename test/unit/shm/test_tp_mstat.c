/*
 * test_tp_mstat.c: unit tests of the metrics region (tp_mstat.c) and its
 * histograms (tp_mhist.c): bucket bounds round-trip for every bucket,
 * quantiles of known distributions, the series directory (found again,
 * full), blocks (claimed, kept counts after release, none left), sums
 * and differences across blocks including a forked writer, status bins,
 * and a region mapped read-only through /proc as turnpikectl does.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <sys/wait.h>
#include <unistd.h>

#include "tp_mhist.h"
#include "tp_mstat.h"
#include "tp_test_mseries.h"

static void
test_shm__tp_mstat__buckets(void **state)
{
    uint64_t v;
    unsigned i;

    (void) state;
    assert_int_equal(tp_mhist_bucket(0), 0);
    assert_int_equal(tp_mhist_bucket(1), 1);
    assert_int_equal(tp_mhist_bucket(TP_MH_TOP_US), TP_MH_N - 1);
    assert_int_equal(tp_mhist_bucket(UINT64_MAX), TP_MH_N - 1);
    /* every bucket: its bounds are inside it, one below is not */
    for (i = 1; i < TP_MH_N - 1; i++) {
        uint64_t lo = tp_mhist_lower(i), hi = tp_mhist_upper(i);

        if (hi <= lo) {
            continue;                /* the first decade's odd halves */
        }
        assert_int_equal(tp_mhist_bucket(lo), i);
        assert_int_equal(tp_mhist_bucket(hi - 1), i);
        assert_int_equal(tp_mhist_lower(tp_mhist_bucket(hi)), hi);
    }
    /* round decimal bounds: 250 us and 2.5 ms start buckets */
    assert_int_equal(tp_mhist_lower(tp_mhist_bucket(250)), 250);
    assert_int_equal(tp_mhist_lower(tp_mhist_bucket(2500)), 2500);
    assert_int_equal(tp_mhist_lower(tp_mhist_bucket(5000)), 5000);
    /* monotonic */
    for (v = 1; v < 200000; v += 7) {
        assert_true(tp_mhist_bucket(v) <= tp_mhist_bucket(v + 7));
    }
}

static void
test_shm__tp_mstat__quantiles(void **state)
{
    uint64_t h[TP_MH_N] = { 0 };
    unsigned i;
    double q;

    (void) state;
    assert_true(tp_mhist_quantile(h, 0, 0.5) == 0);
    /* 90 samples at 300 us, 10 at 20 ms */
    for (i = 0; i < 90; i++) {
        h[tp_mhist_bucket(300)]++;
    }
    for (i = 0; i < 10; i++) {
        h[tp_mhist_bucket(20000)]++;
    }
    q = tp_mhist_quantile(h, 100, 0.5);
    assert_true(q >= 300 && q < 350);
    q = tp_mhist_quantile(h, 100, 0.99);
    assert_true(q >= 20000 && q < 25000);
    q = tp_mhist_quantile(h, 100, 0.90);
    assert_true(q >= 300 && q < 350);
}

static void
test_shm__tp_mstat__series(void **state)
{
    char err[256];
    struct tp_mstat *m = tp_mstat_create(4, 2, NULL, err, sizeof(err));
    struct tp_mseries k;
    uint32_t a, b, c;

    (void) state;
    assert_non_null(m);
    k = tp_test_mseries(TP_MS_REST, "pets", "prod", "GET", "/pets");
    a = tp_mstat_series(m, &k);
    k = tp_test_mseries(TP_MS_REST, "pets", "prod", "POST", "/pets");
    b = tp_mstat_series(m, &k);
    k = tp_test_mseries(TP_MS_REST, "pets", "prod", "", "");
    c = tp_mstat_series(m, &k);
    assert_int_equal(a, 0);
    assert_int_equal(b, 1);
    assert_int_equal(c, 2);
    k = tp_test_mseries(TP_MS_REST, "pets", "prod", "GET", "/pets");
    assert_int_equal(tp_mstat_series(m, &k), a);       /* found again */
    k = tp_test_mseries(TP_MS_HTTP, "pets", "prod", "GET", "/pets");
    assert_int_equal(tp_mstat_series(m, &k), 3);       /* kind differs */
    k = tp_test_mseries(TP_MS_HTTP, "x", "y", "", "GET /");
    assert_int_equal(tp_mstat_series(m, &k), TP_MSTAT_NONE);  /* full */
    assert_int_equal(tp_mstat_nseries(m), 4);
    assert_string_equal(tp_mstat_info(m, b)->method, "POST");
    tp_mstat_destroy(m);
}

static void
test_shm__tp_mstat__blocks_and_sums(void **state)
{
    char err[256];
    struct tp_mstat *m;
    const struct tp_mstat *ro;
    struct tp_mcount sum, before, d;
    struct tp_mseries k = tp_test_mseries(TP_MS_REST, "a", "s", "GET", "/");
    int b0, b1, status, fd;
    uint32_t s;
    pid_t pid;

    (void) state;
    m = tp_mstat_create(8, 2, &fd, err, sizeof(err));
    assert_non_null(m);
    s = tp_mstat_series(m, &k);
    b0 = tp_mstat_claim(m, TP_MB_WORKER, 0, 1);
    b1 = tp_mstat_claim(m, TP_MB_WORKER, 1, 1);
    assert_int_equal(b0, 0);
    assert_int_equal(b1, 1);
    assert_int_equal(tp_mstat_claim(m, TP_MB_WORKER, 2, 1), -1);

    /* block 0 counted here; block 1 by a child process */
    tp_mc_add(&tp_mstat_counts(m, 0, s)->n[tp_mstatus_bin(200)], 3);
    tp_mc_sample(tp_mstat_counts(m, 0, s), TP_MH_LATENCY, 400);
    tp_mstat_sum(m, s, &before);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct tp_mcount *c = tp_mstat_counts(m, 1, s);

        tp_mc_add(&c->n[tp_mstatus_bin(404)], 2);
        tp_mc_add(&c->n[tp_mstatus_bin(418)], 1);
        tp_mc_add(&c->n[tp_mstatus_bin(503)], 1);
        tp_mc_sample(c, TP_MH_LATENCY, 20000);
        _exit(0);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    tp_mstat_release(m, b1);
    assert_int_equal(tp_mstat_claim(m, TP_MB_WORKER, 3, 2), 1);

    /* read-only by name, as turnpikectl does */
    ro = tp_mstat_attach(getpid(), err, sizeof(err));
    assert_non_null(ro);
    tp_mstat_sum(ro, s, &sum);
    assert_int_equal(tp_mcount_requests(&sum), 7);
    assert_int_equal(tp_mcount_class(&sum, 2), 3);
    assert_int_equal(tp_mcount_class(&sum, 4), 3);     /* 404, 404, 418 */
    assert_int_equal(tp_mcount_class(&sum, 5), 1);
    assert_int_equal(sum.sum_us[TP_MH_LATENCY], 20400);
    tp_mstat_diff(&sum, &before, &d);
    assert_int_equal(tp_mcount_requests(&d), 4);
    assert_int_equal(d.hist[TP_MH_LATENCY][tp_mhist_bucket(20000)], 1);
    assert_int_equal(d.hist[TP_MH_LATENCY][tp_mhist_bucket(400)], 0);
    tp_mstat_detach(ro);

    close(fd);
    assert_null(tp_mstat_attach(getpid(), err, sizeof(err)));
    assert_non_null(strstr(err, "cannot read the metrics"));
    tp_mstat_destroy(m);
}

static void
test_shm__tp_mstat__status_bins(void **state)
{
    char buf[8];

    (void) state;
    assert_string_equal(tp_mstatus_label(tp_mstatus_bin(200), buf), "200");
    assert_string_equal(tp_mstatus_label(tp_mstatus_bin(429), buf), "429");
    assert_string_equal(tp_mstatus_label(tp_mstatus_bin(418), buf), "4xx");
    assert_string_equal(tp_mstatus_label(tp_mstatus_bin(101), buf), "1xx");
    assert_string_equal(tp_mstatus_label(tp_mstatus_bin(599), buf), "5xx");
    assert_string_equal(tp_mstatus_label(tp_mstatus_bin(0), buf), "5xx");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shm__tp_mstat__buckets),
        cmocka_unit_test(test_shm__tp_mstat__quantiles),
        cmocka_unit_test(test_shm__tp_mstat__series),
        cmocka_unit_test(test_shm__tp_mstat__blocks_and_sums),
        cmocka_unit_test(test_shm__tp_mstat__status_bins),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
