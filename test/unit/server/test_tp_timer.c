/*
 * test_tp_timer.c: unit tests of the workers' timer heap (tp_timer.c):
 * arming, re-arming up and down, deletion, expiry order, callbacks that
 * re-arm or delete timers, and a randomized run against a plain array.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tp_timer.h"

#define NT 64

/* A timer with a test identity, recovered from the callback's argument. */
struct ttimer {
    struct tp_timer t;
    int id;
};

static struct tp_timers heap;
static struct ttimer tt[NT];
static int fired[4 * NT];
static uint64_t fired_when[4 * NT];
static unsigned nfired;
static uint64_t now;

static int
setup(void **state)
{
    int i;

    (void) state;
    memset(&heap, 0, sizeof(heap));
    for (i = 0; i < NT; i++) {
        tt[i].id = i;
        tp_timer_init(&tt[i].t, NULL);
    }
    nfired = 0;
    now = 0;
    return 0;
}

static int
teardown(void **state)
{
    (void) state;
    tp_timers_free(&heap);
    return 0;
}

static void
record(struct tp_timer *t)
{
    struct ttimer *x = TP_CONTAINER_OF(t, struct ttimer, t);

    assert_true(nfired < TP_NELEM(fired));
    assert_false(tp_timer_armed(t));  /* disarmed before its callback */
    fired[nfired] = x->id;
    fired_when[nfired] = t->when;
    nfired++;
}

/* Every slot knows its index and no child is earlier than its parent. */
static void
check_heap(const struct tp_timers *h)
{
    uint32_t i;

    assert_true(h->n <= h->cap);
    for (i = 0; i < h->n; i++) {
        assert_non_null(h->heap[i]);
        assert_int_equal(h->heap[i]->idx, i);
        if (i > 0) {
            assert_true(h->heap[(i - 1) / 2]->when <= h->heap[i]->when);
        }
    }
}

static void
arm(int id, uint64_t when, tp_timer_fn fn)
{
    tt[id].t.fn = fn;
    assert_int_equal(tp_timer_set(&heap, &tt[id].t, when), TP_OK);
    assert_true(tp_timer_armed(&tt[id].t));
    assert_true(tt[id].t.when == when);
    check_heap(&heap);
}

static void
test_server__tp_timer__init_idle(void **state)
{
    struct tp_timer t;

    (void) state;
    memset(&t, 0x5a, sizeof(t));
    tp_timer_init(&t, record);
    assert_false(tp_timer_armed(&t));
    assert_int_equal(t.idx, TP_TIMER_IDLE);
    assert_true(t.when == 0);
    assert_ptr_equal(t.fn, record);
    assert_true(tp_timer_next(&heap) == 0);
    assert_int_equal(tp_timer_expire(&heap, UINT64_MAX), 0);
    tp_timer_del(&heap, &t);                 /* idle: a no-op */
    assert_false(tp_timer_armed(&t));
    assert_int_equal(heap.n, 0);
}

static void
test_server__tp_timer__expire_order(void **state)
{
    /* Distinct deadlines set in a scrambled order. */
    static const uint64_t when[] = {
        70, 10, 500, 30, 20, 999, 1, 450, 60, 40, 5, 300, 11, 12, 1000, 2
    };
    uint64_t sorted[TP_NELEM(when)];
    unsigned i, j;

    (void) state;
    for (i = 0; i < TP_NELEM(when); i++) {
        arm((int) i, when[i], record);
        sorted[i] = when[i];
    }
    for (i = 1; i < TP_NELEM(sorted); i++) {
        for (j = i; j > 0 && sorted[j - 1] > sorted[j]; j--) {
            uint64_t x = sorted[j];

            sorted[j] = sorted[j - 1];
            sorted[j - 1] = x;
        }
    }
    assert_int_equal(heap.n, TP_NELEM(when));
    assert_true(tp_timer_next(&heap) == 1);
    assert_int_equal(tp_timer_expire(&heap, 1000), TP_NELEM(when));
    assert_int_equal(nfired, TP_NELEM(when));
    for (i = 0; i < nfired; i++) {
        assert_true(fired_when[i] == sorted[i]);
        assert_true(when[fired[i]] == sorted[i]);
        assert_false(tp_timer_armed(&tt[fired[i]].t));
    }
    assert_int_equal(heap.n, 0);
    assert_true(tp_timer_next(&heap) == 0);
}

static void
test_server__tp_timer__expire_partial(void **state)
{
    (void) state;
    arm(0, 30, record);
    arm(1, 10, record);
    arm(2, 20, record);
    assert_int_equal(tp_timer_expire(&heap, 9), 0);
    assert_int_equal(nfired, 0);
    assert_int_equal(tp_timer_expire(&heap, 15), 1);
    assert_int_equal(fired[0], 1);
    assert_true(tp_timer_next(&heap) == 20);
    /* A deadline equal to now is due. */
    assert_int_equal(tp_timer_expire(&heap, 20), 1);
    assert_int_equal(fired[1], 2);
    assert_int_equal(tp_timer_expire(&heap, 29), 0);
    assert_true(tp_timer_armed(&tt[0].t));
    assert_true(tp_timer_next(&heap) == 30);
    assert_int_equal(tp_timer_expire(&heap, 31), 1);
    assert_int_equal(fired[2], 0);
    assert_int_equal(nfired, 3);
    assert_true(tp_timer_next(&heap) == 0);
}

static void
test_server__tp_timer__equal_deadlines(void **state)
{
    int i;

    (void) state;
    for (i = 0; i < 10; i++) {
        arm(i, 100, record);
    }
    arm(10, 50, record);
    assert_int_equal(tp_timer_expire(&heap, 100), 11);
    assert_int_equal(fired[0], 10);
    for (i = 1; i < 11; i++) {
        assert_true(fired_when[i] == 100);
    }
    assert_int_equal(heap.n, 0);
}

static void
test_server__tp_timer__rearm_up_and_down(void **state)
{
    (void) state;
    arm(0, 100, record);
    arm(1, 200, record);
    arm(2, 300, record);
    arm(3, 400, record);
    arm(4, 500, record);
    assert_true(tp_timer_next(&heap) == 100);

    /* Earlier: the last leaf moves to the root. */
    arm(4, 50, record);
    assert_ptr_equal(heap.heap[0], &tt[4].t);
    assert_true(tp_timer_next(&heap) == 50);
    assert_int_equal(heap.n, 5);        /* re-arming does not add */

    /* Later: the root sinks below everyone. */
    arm(4, 1000, record);
    assert_true(tp_timer_next(&heap) == 100);
    assert_int_equal(heap.n, 5);

    /* The same deadline again changes nothing. */
    arm(0, 100, record);
    assert_ptr_equal(heap.heap[0], &tt[0].t);

    /* Middle timer moved later than another, then earlier again. */
    arm(1, 350, record);
    arm(2, 150, record);

    assert_int_equal(tp_timer_expire(&heap, 10000), 5);
    assert_int_equal(fired[0], 0);
    assert_int_equal(fired[1], 2);
    assert_int_equal(fired[2], 1);
    assert_int_equal(fired[3], 3);
    assert_int_equal(fired[4], 4);
    assert_true(fired_when[1] == 150);
    assert_true(fired_when[2] == 350);
    assert_true(fired_when[4] == 1000);
}

/* The smallest moves: one millisecond later or earlier. */
static void
test_server__tp_timer__rearm_by_one(void **state)
{
    (void) state;
    arm(0, 100, record);
    arm(1, 100, record);
    arm(2, 102, record);
    assert_ptr_equal(heap.heap[0], &tt[0].t);
    arm(0, 101, record);                     /* must sink below 1 */
    assert_ptr_equal(heap.heap[0], &tt[1].t);
    assert_true(tp_timer_next(&heap) == 100);
    arm(2, 101, record);
    arm(2, 100, record);                     /* back above 0 */
    assert_int_equal(tp_timer_expire(&heap, 100), 2);
    assert_int_equal(fired[0] + fired[1], 1 + 2);
    assert_true(tp_timer_next(&heap) == 101);
    assert_ptr_equal(heap.heap[0], &tt[0].t);
    arm(3, 101, record);
    assert_ptr_equal(heap.heap[1], &tt[3].t);
    arm(3, 100, record);                     /* must rise above 0 */
    assert_ptr_equal(heap.heap[0], &tt[3].t);
    assert_true(tp_timer_next(&heap) == 100);
}

static void
test_server__tp_timer__del(void **state)
{
    int i;

    (void) state;
    for (i = 0; i < 10; i++) {
        arm(i, (uint64_t) (i + 1) * 10, record);
    }
    /* The root, a leaf, an inner node, and the last slot. */
    tp_timer_del(&heap, &tt[0].t);
    check_heap(&heap);
    assert_false(tp_timer_armed(&tt[0].t));
    assert_true(tp_timer_next(&heap) == 20);
    tp_timer_del(&heap, &tt[9].t);
    check_heap(&heap);
    tp_timer_del(&heap, &tt[3].t);
    check_heap(&heap);
    tp_timer_del(&heap, heap.heap[heap.n - 1]);
    check_heap(&heap);
    assert_int_equal(heap.n, 6);
    /* Deleting twice is harmless. */
    tp_timer_del(&heap, &tt[3].t);
    assert_int_equal(heap.n, 6);

    assert_int_equal(tp_timer_expire(&heap, 1000), 6);
    for (i = 1; i < 6; i++) {
        assert_true(fired_when[i - 1] < fired_when[i]);
    }
    for (i = 0; i < 6; i++) {
        assert_int_not_equal(fired[i], 0);
        assert_int_not_equal(fired[i], 3);
        assert_int_not_equal(fired[i], 9);
    }
}

/* Deleting a slot whose replacement must move up, not down. */
static void
test_server__tp_timer__del_moves_last_up(void **state)
{
    (void) state;
    /*
     *            1
     *       100      2
     *     101 102   3  4
     * Deleting 101 (slot 3) puts the last element (4, slot 6) there; it
     * is earlier than its new parent 100 and must rise.
     */
    arm(0, 1, record);
    arm(1, 100, record);
    arm(2, 2, record);
    arm(3, 101, record);
    arm(4, 102, record);
    arm(5, 3, record);
    arm(6, 4, record);
    assert_ptr_equal(heap.heap[3], &tt[3].t);
    assert_ptr_equal(heap.heap[6], &tt[6].t);
    tp_timer_del(&heap, &tt[3].t);
    check_heap(&heap);
    assert_ptr_equal(heap.heap[1], &tt[6].t);
    assert_int_equal(tp_timer_expire(&heap, 1000), 6);
    assert_int_equal(fired[0], 0);
    assert_int_equal(fired[1], 2);
    assert_int_equal(fired[2], 5);
    assert_int_equal(fired[3], 6);
    assert_int_equal(fired[4], 1);
    assert_int_equal(fired[5], 4);
}

/* A periodic timer: its callback re-arms it relative to the clock. */
static void
periodic(struct tp_timer *t)
{
    record(t);
    assert_int_equal(tp_timer_set(&heap, t, now + 10), TP_OK);
}

static void
test_server__tp_timer__rearm_in_callback(void **state)
{
    int round;

    (void) state;
    arm(0, 10, periodic);
    arm(1, 25, record);
    for (round = 1; round <= 5; round++) {
        now = (uint64_t) round * 10;
        assert_int_equal(tp_timer_expire(&heap, now), 1 + (round == 3));
        assert_true(tp_timer_armed(&tt[0].t));
        assert_true(tt[0].t.when == now + 10);
        check_heap(&heap);
    }
    /* 0 ran at 10, 20, 30, 40, 50; 1 ran once, at 30 (deadline 25). */
    assert_int_equal(nfired, 6);
    assert_int_equal(fired[0], 0);
    assert_int_equal(fired[1], 0);
    assert_int_equal(fired[2], 1);
    assert_int_equal(fired[3], 0);
    assert_false(tp_timer_armed(&tt[1].t));
    assert_int_equal(heap.n, 1);
    assert_true(tp_timer_next(&heap) == 60);
}

/* A callback that arms an already due timer: it runs in the same call. */
static void
chain(struct tp_timer *t)
{
    struct ttimer *x = TP_CONTAINER_OF(t, struct ttimer, t);

    record(t);
    if (x->id < 5) {
        tt[x->id + 1].t.fn = chain;
        assert_int_equal(tp_timer_set(&heap, &tt[x->id + 1].t, now), TP_OK);
    }
}

static void
test_server__tp_timer__arm_due_in_callback(void **state)
{
    int i;

    (void) state;
    now = 100;
    arm(0, 100, chain);
    arm(10, 101, record);
    assert_int_equal(tp_timer_expire(&heap, now), 6);
    for (i = 0; i < 6; i++) {
        assert_int_equal(fired[i], i);
    }
    assert_int_equal(heap.n, 1);
    assert_true(tp_timer_next(&heap) == 101);
}

/* Timers 1 and 3 are deleted by timer 0's callback before they are due. */
static void
killer(struct tp_timer *t)
{
    record(t);
    tp_timer_del(&heap, &tt[1].t);
    tp_timer_del(&heap, &tt[3].t);
    check_heap(&heap);
}

static void
test_server__tp_timer__del_in_callback(void **state)
{
    (void) state;
    arm(0, 10, killer);
    arm(1, 10, record);          /* due in the same round: still cancelled */
    arm(2, 20, record);
    arm(3, 30, record);
    arm(4, 40, record);
    /* Timer 1 has the same deadline as 0; make sure 0 runs first. */
    arm(0, 5, killer);
    assert_int_equal(tp_timer_expire(&heap, 100), 3);
    assert_int_equal(nfired, 3);
    assert_int_equal(fired[0], 0);
    assert_int_equal(fired[1], 2);
    assert_int_equal(fired[2], 4);
    assert_false(tp_timer_armed(&tt[1].t));
    assert_false(tp_timer_armed(&tt[3].t));
    assert_int_equal(heap.n, 0);
}

/* A callback that moves another, later timer in front of everything. */
static void
pull_in(struct tp_timer *t)
{
    record(t);
    assert_int_equal(tp_timer_set(&heap, &tt[3].t, 1), TP_OK);
    assert_int_equal(tp_timer_set(&heap, &tt[2].t, 1000), TP_OK);
}

static void
test_server__tp_timer__rearm_other_in_callback(void **state)
{
    (void) state;
    arm(0, 10, pull_in);
    arm(1, 20, record);
    arm(2, 30, record);
    arm(3, 500, record);
    assert_int_equal(tp_timer_expire(&heap, 100), 3);
    assert_int_equal(fired[0], 0);
    assert_int_equal(fired[1], 3);
    assert_int_equal(fired[2], 1);
    assert_true(tp_timer_armed(&tt[2].t));
    assert_true(tp_timer_next(&heap) == 1000);
}

/* Growth past the initial capacity keeps every timer. */
static void
test_server__tp_timer__grow(void **state)
{
    static struct ttimer many[5000];
    uint64_t last = 0;
    unsigned i;

    (void) state;
    for (i = 0; i < TP_NELEM(many); i++) {
        many[i].id = (int) i;
        tp_timer_init(&many[i].t, NULL);
        /* A permutation of 1..5000 (7919 is prime, coprime to 5000). */
        assert_int_equal(tp_timer_set(&heap, &many[i].t,
            (uint64_t) (i * 7919u % 5000u) + 1), TP_OK);
    }
    assert_int_equal(heap.n, TP_NELEM(many));
    assert_true(heap.cap >= heap.n);
    check_heap(&heap);
    for (i = 0; i < TP_NELEM(many); i++) {
        struct tp_timer *top = heap.heap[0];

        assert_true(tp_timer_next(&heap) == top->when);
        assert_true(top->when == last + 1);
        last = top->when;
        tp_timer_del(&heap, top);
    }
    assert_int_equal(heap.n, 0);
    tp_timers_free(&heap);
    assert_null(heap.heap);
    assert_int_equal(heap.cap, 0);
    /* Usable again after free. */
    arm(0, 7, record);
    assert_true(tp_timer_next(&heap) == 7);
}

/* ---- randomized run against a reference model ---- */

#define SN 200                       /* timers */
#define SOPS 10000                   /* operations */

static struct ttimer st[SN];
static uint64_t model_when[SN];
static bool model_armed[SN];
static bool stress_fired[SN];
static uint64_t stress_last;
static unsigned stress_nfired;
static uint64_t rng = 88172645463325252ULL;

static uint64_t
rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void
stress_fn(struct tp_timer *t)
{
    struct ttimer *x = TP_CONTAINER_OF(t, struct ttimer, t);

    assert_false(tp_timer_armed(t));
    assert_true(model_armed[x->id]);
    assert_true(model_when[x->id] == t->when);
    assert_true(t->when <= now);
    assert_true(t->when >= stress_last);      /* non-decreasing */
    assert_false(stress_fired[x->id]);
    stress_last = t->when;
    stress_fired[x->id] = true;
    stress_nfired++;
}

static void
test_server__tp_timer__random_vs_model(void **state)
{
    unsigned op, i, expect;
    uint64_t min;

    (void) state;
    for (i = 0; i < SN; i++) {
        st[i].id = (int) i;
        tp_timer_init(&st[i].t, stress_fn);
        model_armed[i] = false;
    }
    now = 1000;
    for (op = 0; op < SOPS; op++) {
        uint64_t r = rnd();
        unsigned id = (unsigned) (r >> 8) % SN;

        switch (r % 8) {
        case 0: case 1: case 2: case 3:        /* set / re-arm */
            model_when[id] = now + (rnd() % 500);
            model_armed[id] = true;
            assert_int_equal(tp_timer_set(&heap, &st[id].t, model_when[id]),
                TP_OK);
            break;
        case 4: case 5:                        /* delete */
            model_armed[id] = false;
            tp_timer_del(&heap, &st[id].t);
            break;
        case 6:                                /* time passes, timers run */
            now += rnd() % 100;
            memset(stress_fired, 0, sizeof(stress_fired));
            stress_last = 0;
            stress_nfired = 0;
            expect = 0;
            for (i = 0; i < SN; i++) {
                expect += model_armed[i] && model_when[i] <= now;
            }
            assert_int_equal(tp_timer_expire(&heap, now), expect);
            assert_int_equal(stress_nfired, expect);
            for (i = 0; i < SN; i++) {
                if (model_armed[i] && model_when[i] <= now) {
                    assert_true(stress_fired[i]);
                    model_armed[i] = false;
                } else {
                    assert_false(stress_fired[i]);
                }
            }
            break;
        default:                               /* deadline 0 .. far */
            model_when[id] = rnd() % 4 == 0 ? 0 : now + rnd() % 100000;
            model_armed[id] = true;
            assert_int_equal(tp_timer_set(&heap, &st[id].t, model_when[id]),
                TP_OK);
            break;
        }
        /* The heap agrees with the model after every operation. */
        check_heap(&heap);
        min = UINT64_MAX;
        expect = 0;
        for (i = 0; i < SN; i++) {
            assert_int_equal(tp_timer_armed(&st[i].t), model_armed[i]);
            if (model_armed[i]) {
                expect++;
                assert_true(st[i].t.when == model_when[i]);
                min = TP_MIN(min, model_when[i]);
            }
        }
        assert_int_equal(heap.n, expect);
        if (expect > 0) {
            assert_true(tp_timer_next(&heap) == min);
        }
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
        T(test_server__tp_timer__init_idle),
        T(test_server__tp_timer__expire_order),
        T(test_server__tp_timer__expire_partial),
        T(test_server__tp_timer__equal_deadlines),
        T(test_server__tp_timer__rearm_up_and_down),
        T(test_server__tp_timer__rearm_by_one),
        T(test_server__tp_timer__del),
        T(test_server__tp_timer__del_moves_last_up),
        T(test_server__tp_timer__rearm_in_callback),
        T(test_server__tp_timer__arm_due_in_callback),
        T(test_server__tp_timer__del_in_callback),
        T(test_server__tp_timer__rearm_other_in_callback),
        T(test_server__tp_timer__grow),
        T(test_server__tp_timer__random_vs_model),
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
