/*
 * test_tp_bufpool.c: unit tests of the workers' I/O buffer free list
 * (tp_bufpool.c): sizes, LIFO reuse, the max_free bound, free.
 *
 * With --enable-sanitizers (TP_SANITIZERS) the pool never keeps buffers
 * (every get is a malloc, every put a free): the reuse checks only apply
 * to the normal build.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tp_bufpool.h"

#if !TP_SANITIZERS
/* Walks the free list: its length must match nfree. */
static unsigned
free_len(const struct tp_bufpool *p)
{
    const void *b;
    unsigned n = 0;

    for (b = p->free; b != NULL; b = *(void *const *) b) {
        n++;
        assert_true(n <= p->max_free);
    }
    return n;
}
#endif

static void
test_server__tp_bufpool__init(void **state)
{
    struct tp_bufpool p;

    (void) state;
    memset(&p, 0x5a, sizeof(p));
    tp_bufpool_init(&p, 300, 4);
    assert_int_equal(p.size, 320);           /* rounded to 64 */
    assert_null(p.free);
    assert_int_equal(p.nfree, 0);
    assert_int_equal(p.max_free, 4);
    tp_bufpool_init(&p, 16384, 0);
    assert_int_equal(p.size, 16384);
    tp_bufpool_init(&p, 1, 0);
    assert_int_equal(p.size, 64);
    tp_bufpool_free(&p);
}

static void
test_server__tp_bufpool__get_usable(void **state)
{
    struct tp_bufpool p;
    char *a, *b;

    (void) state;
    tp_bufpool_init(&p, 1000, 8);
    a = tp_bufpool_get(&p);
    b = tp_bufpool_get(&p);
    assert_non_null(a);
    assert_non_null(b);
    assert_ptr_not_equal(a, b);
    /* The whole rounded size is usable (ASan checks the bounds). */
    memset(a, 'a', p.size);
    memset(b, 'b', p.size);
    assert_int_equal(a[p.size - 1], 'a');
    assert_int_equal(b[0], 'b');
    tp_bufpool_put(&p, a);
    tp_bufpool_put(&p, b);
    tp_bufpool_put(&p, NULL);                /* ignored */
    tp_bufpool_free(&p);
    assert_null(p.free);
    assert_int_equal(p.nfree, 0);
}

static void
test_server__tp_bufpool__reuse(void **state)
{
    struct tp_bufpool p;
    char *a, *b, *c;

    (void) state;
    tp_bufpool_init(&p, 4096, 8);
    a = tp_bufpool_get(&p);
    b = tp_bufpool_get(&p);
    tp_bufpool_put(&p, a);
    tp_bufpool_put(&p, b);
#if !TP_SANITIZERS
    assert_int_equal(p.nfree, 2);
    assert_int_equal(free_len(&p), 2);
    /* LIFO: the buffer put last (cache-warm) comes back first. */
    c = tp_bufpool_get(&p);
    assert_ptr_equal(c, b);
    assert_int_equal(p.nfree, 1);
    c = tp_bufpool_get(&p);
    assert_ptr_equal(c, a);
    assert_int_equal(p.nfree, 0);
    assert_null(p.free);
    tp_bufpool_put(&p, c);
    tp_bufpool_put(&p, b);
#else
    assert_int_equal(p.nfree, 0);
    assert_null(p.free);
    c = tp_bufpool_get(&p);
    assert_non_null(c);
    memset(c, 0, p.size);
    tp_bufpool_put(&p, c);
#endif
    tp_bufpool_free(&p);
    assert_int_equal(p.nfree, 0);
    assert_null(p.free);
}

static void
test_server__tp_bufpool__max_free(void **state)
{
    struct tp_bufpool p;
    char *b[6];
    int i;

    (void) state;
    tp_bufpool_init(&p, 512, 2);
    for (i = 0; i < 6; i++) {
        b[i] = tp_bufpool_get(&p);
        assert_non_null(b[i]);
        memset(b[i], i, p.size);
    }
    for (i = 0; i < 6; i++) {
        tp_bufpool_put(&p, b[i]);
        /* Never more than max_free kept; the rest go back to malloc
         * (LeakSanitizer would report them if they were dropped). */
        assert_true(p.nfree <= 2);
    }
#if !TP_SANITIZERS
    assert_int_equal(p.nfree, 2);
    assert_int_equal(free_len(&p), 2);
    /* The first two put are the ones kept. */
    assert_ptr_equal(tp_bufpool_get(&p), b[1]);
    assert_ptr_equal(tp_bufpool_get(&p), b[0]);
    assert_int_equal(p.nfree, 0);
    tp_bufpool_put(&p, b[0]);
    tp_bufpool_put(&p, b[1]);
#else
    assert_int_equal(p.nfree, 0);
#endif
    tp_bufpool_free(&p);
    assert_int_equal(p.nfree, 0);
}

static void
test_server__tp_bufpool__max_free_zero(void **state)
{
    struct tp_bufpool p;
    char *a;

    (void) state;
    tp_bufpool_init(&p, 128, 0);
    a = tp_bufpool_get(&p);
    tp_bufpool_put(&p, a);
    assert_int_equal(p.nfree, 0);
    assert_null(p.free);
    a = tp_bufpool_get(&p);
    assert_non_null(a);
    tp_bufpool_put(&p, a);
    tp_bufpool_free(&p);
}

/* Many cycles through the pool: the count stays consistent. */
static void
test_server__tp_bufpool__churn(void **state)
{
    struct tp_bufpool p;
    char *held[40];
    unsigned n = 0, i, round;
    uint32_t rng = 12345;

    (void) state;
    tp_bufpool_init(&p, 256, 16);
    for (round = 0; round < 5000; round++) {
        rng = rng * 1103515245u + 12345u;
        if ((rng >> 16) % 2 == 0 && n < TP_NELEM(held)) {
            held[n] = tp_bufpool_get(&p);
            assert_non_null(held[n]);
            held[n][0] = (char) n;
            held[n][p.size - 1] = (char) n;
            n++;
        } else if (n > 0) {
            i = (rng >> 8) % n;
            assert_int_equal(held[i][0], (char) i);
            assert_int_equal(held[i][p.size - 1], (char) i);
            tp_bufpool_put(&p, held[i]);
            held[i] = held[--n];
            if (i < n) {
                held[i][0] = (char) i;
                held[i][p.size - 1] = (char) i;
            }
        }
        assert_true(p.nfree <= 16);
#if !TP_SANITIZERS
        assert_int_equal(free_len(&p), p.nfree);
#endif
    }
    while (n > 0) {
        tp_bufpool_put(&p, held[--n]);
    }
    tp_bufpool_free(&p);
    assert_int_equal(p.nfree, 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_server__tp_bufpool__init),
        cmocka_unit_test(test_server__tp_bufpool__get_usable),
        cmocka_unit_test(test_server__tp_bufpool__reuse),
        cmocka_unit_test(test_server__tp_bufpool__max_free),
        cmocka_unit_test(test_server__tp_bufpool__max_free_zero),
        cmocka_unit_test(test_server__tp_bufpool__churn),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
