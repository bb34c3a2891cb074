/*
 * test_tp_arena.c: unit tests of the region allocator (tp_arena.c):
 * alignment, oversized allocations, reuse of the first block after a
 * reset, cleanup hooks (LIFO) and the string helpers.
 *
 * With --enable-sanitizers (TP_SANITIZERS) every allocation is its own
 * malloc(); checks of block reuse only apply to the normal build.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tp_arena.h"

static struct tp_arena arena;

static int
setup(void **state)
{
    (void) state;
    tp_arena_init(&arena, 1024);
    return 0;
}

static int
teardown(void **state)
{
    (void) state;
    tp_arena_free(&arena);
    return 0;
}

static void
test_server__tp_arena__init(void **state)
{
    struct tp_arena a;

    (void) state;
    memset(&a, 0x5a, sizeof(a));
    tp_arena_init(&a, 100);
    assert_int_equal(a.block_size, 256);     /* raised to the minimum */
    assert_null(a.head);
    assert_null(a.cleanups);
    assert_int_equal(a.total, 0);
    tp_arena_init(&a, 4096);
    assert_int_equal(a.block_size, 4096);
    tp_arena_free(&a);                       /* nothing allocated: fine */
    assert_null(a.head);
}

static void
test_server__tp_arena__alignment(void **state)
{
    unsigned char *p[300];
    size_t sz[300], i, j;

    (void) state;
    for (i = 0; i < TP_NELEM(p); i++) {
        sz[i] = i % 37 + (i % 50 == 0 ? 3000 : 0);
        p[i] = tp_arena_alloc(&arena, sz[i]);
        assert_non_null(p[i]);
        assert_int_equal((uintptr_t) p[i] % 16, 0);
        memset(p[i], (int) (i & 0xff), sz[i]);
    }
    /* No two allocations overlap: every pattern survived. */
    for (i = 0; i < TP_NELEM(p); i++) {
        for (j = 0; j < sz[i]; j++) {
            assert_int_equal(p[i][j], i & 0xff);
        }
    }
    for (i = 1; i < TP_NELEM(p); i++) {
        assert_ptr_not_equal(p[i], p[i - 1]);
    }
}

static void
test_server__tp_arena__total(void **state)
{
    (void) state;
    assert_non_null(tp_arena_alloc(&arena, 1));
    assert_int_equal(arena.total, 16);
    assert_non_null(tp_arena_alloc(&arena, 17));
    assert_int_equal(arena.total, 48);
    assert_non_null(tp_arena_alloc(&arena, 0));   /* counted as 1 */
    assert_int_equal(arena.total, 64);
    assert_non_null(tp_arena_alloc(&arena, 5000));
    assert_int_equal(arena.total, 64 + 5008);
    tp_arena_reset(&arena);
    assert_int_equal(arena.total, 0);
}

static void
test_server__tp_arena__zero_size(void **state)
{
    char *a, *b;

    (void) state;
    a = tp_arena_alloc(&arena, 0);
    b = tp_arena_alloc(&arena, 0);
    assert_non_null(a);
    assert_non_null(b);
    assert_ptr_not_equal(a, b);
    a[0] = 'x';                               /* one usable byte */
    b[0] = 'y';
    assert_int_equal(a[0], 'x');
}

static void
test_server__tp_arena__contiguous(void **state)
{
#if !TP_SANITIZERS
    char *a, *b, *c;

    (void) state;
    a = tp_arena_alloc(&arena, 10);
    b = tp_arena_alloc(&arena, 16);
    c = tp_arena_alloc(&arena, 17);
    assert_ptr_equal(b, a + 16);
    assert_ptr_equal(c, b + 16);
    assert_ptr_equal(arena.pos, c + 32);
#else
    (void) state;
    skip();
#endif
}

static void
test_server__tp_arena__large(void **state)
{
    unsigned char *small1, *big, *small2, *huge;
    size_t i;

    (void) state;
    small1 = tp_arena_alloc(&arena, 32);
    memset(small1, 0x11, 32);
    big = tp_arena_alloc(&arena, 10000);      /* > block_size */
    assert_non_null(big);
    assert_int_equal((uintptr_t) big % 16, 0);
    memset(big, 0x22, 10000);
    small2 = tp_arena_alloc(&arena, 32);
    assert_non_null(small2);
    memset(small2, 0x33, 32);
#if !TP_SANITIZERS
    /* The oversized chunk went aside: small allocations go on in the
     * current block. */
    assert_ptr_equal(small2, small1 + 32);
#endif
    huge = tp_arena_alloc(&arena, 1u << 22);
    assert_non_null(huge);
    memset(huge, 0x44, 1u << 22);
    for (i = 0; i < 32; i++) {
        assert_int_equal(small1[i], 0x11);
        assert_int_equal(small2[i], 0x33);
    }
    for (i = 0; i < 10000; i++) {
        assert_int_equal(big[i], 0x22);
    }
    assert_int_equal(huge[(1u << 22) - 1], 0x44);
}

/* The first allocation of an empty arena is larger than a block. */
static void
test_server__tp_arena__large_first(void **state)
{
    char *big, *s;

    (void) state;
    big = tp_arena_alloc(&arena, 3000);
    assert_non_null(big);
    memset(big, 'b', 3000);
    s = tp_arena_strdup(&arena, "after");
    assert_string_equal(s, "after");
    assert_int_equal(big[2999], 'b');
    tp_arena_reset(&arena);
    s = tp_arena_strdup(&arena, "again");
    assert_string_equal(s, "again");
}

static void
test_server__tp_arena__reset_reuses_block(void **state)
{
    char *first, *again;
    int i;

    (void) state;
    first = tp_arena_alloc(&arena, 64);
    assert_non_null(first);
    /* Spill into a few more blocks. */
    for (i = 0; i < 100; i++) {
        assert_non_null(tp_arena_alloc(&arena, 100));
    }
    tp_arena_reset(&arena);
    assert_int_equal(arena.total, 0);
    assert_null(arena.cleanups);
    again = tp_arena_alloc(&arena, 64);
    assert_non_null(again);
    memset(again, 'z', 64);
#if !TP_SANITIZERS
    /* The oldest block was kept, and it is empty again. */
    assert_ptr_equal(again, first);
    assert_non_null(arena.head);
    assert_int_equal(arena.end - arena.pos, 1024 - 64);
#endif
    /* Reset many times over: still consistent. */
    for (i = 0; i < 50; i++) {
        char want[16], *s = tp_arena_sprintf(&arena, "round %d", i);

        snprintf(want, sizeof(want), "round %d", i);
        assert_string_equal(s, want);
        tp_arena_reset(&arena);
    }
}

/*
 * A request that made one oversized allocation (placed behind the head)
 * must not cost the arena its reusable first block.  tp_arena.h: reset
 * "keeps the first (oldest) block for reuse".
 */
static void
test_server__tp_arena__reset_keeps_block_after_large(void **state)
{
#if !TP_SANITIZERS
    char *first;

    (void) state;
    first = tp_arena_alloc(&arena, 64);
    assert_non_null(first);
    assert_non_null(tp_arena_alloc(&arena, 5000));
    tp_arena_reset(&arena);
    assert_non_null(arena.head);
    assert_ptr_equal(arena.pos, first);
    assert_int_equal(arena.end - arena.pos, 1024);
#else
    (void) state;
    skip();
#endif
}

static void
test_server__tp_arena__calloc(void **state)
{
    unsigned char *p;
    size_t i;

    (void) state;
    p = tp_arena_alloc(&arena, 200);
    memset(p, 0xff, 200);
    tp_arena_reset(&arena);
    /* In the normal build this is the same memory, dirty: must be zeroed. */
    p = tp_arena_calloc(&arena, 200);
    assert_non_null(p);
    for (i = 0; i < 200; i++) {
        assert_int_equal(p[i], 0);
    }
    p = tp_arena_calloc(&arena, 7000);
    assert_non_null(p);
    for (i = 0; i < 7000; i++) {
        assert_int_equal(p[i], 0);
    }
}

/* ---- cleanups ---- */

static char cleanup_log[64];

static void
log_cleanup(void *data)
{
    size_t n = strlen(cleanup_log);

    assert_true(n + 1 < sizeof(cleanup_log));
    cleanup_log[n] = *(const char *) data;
    cleanup_log[n + 1] = '\0';
}

static void
test_server__tp_arena__cleanup_lifo_reset(void **state)
{
    static const char ids[] = "abcd";

    (void) state;
    cleanup_log[0] = '\0';
    assert_int_equal(tp_arena_cleanup_add(&arena, log_cleanup,
        (void *) &ids[0]), TP_OK);
    assert_int_equal(tp_arena_cleanup_add(&arena, log_cleanup,
        (void *) &ids[1]), TP_OK);
    assert_non_null(tp_arena_alloc(&arena, 5000));
    assert_int_equal(tp_arena_cleanup_add(&arena, log_cleanup,
        (void *) &ids[2]), TP_OK);
    assert_string_equal(cleanup_log, "");     /* nothing runs early */
    tp_arena_reset(&arena);
    assert_string_equal(cleanup_log, "cba");
    /* They ran once: a second reset runs nothing. */
    tp_arena_reset(&arena);
    assert_string_equal(cleanup_log, "cba");
    /* The arena registers new ones after a reset. */
    assert_int_equal(tp_arena_cleanup_add(&arena, log_cleanup,
        (void *) &ids[3]), TP_OK);
    tp_arena_reset(&arena);
    assert_string_equal(cleanup_log, "cbad");
}

static void
test_server__tp_arena__cleanup_lifo_free(void **state)
{
    static const char ids[] = "xyz";
    int i;

    (void) state;
    cleanup_log[0] = '\0';
    for (i = 0; i < 3; i++) {
        assert_int_equal(tp_arena_cleanup_add(&arena, log_cleanup,
            (void *) &ids[i]), TP_OK);
        assert_non_null(tp_arena_alloc(&arena, 700));
    }
    tp_arena_free(&arena);
    assert_string_equal(cleanup_log, "zyx");
    assert_null(arena.head);
    assert_null(arena.cleanups);
    assert_int_equal(arena.total, 0);
    /* The arena can be used again after free (and teardown frees it). */
    assert_string_equal(tp_arena_strdup(&arena, "ok"), "ok");
    tp_arena_free(&arena);
    assert_string_equal(cleanup_log, "zyx");
}

/* A cleanup that allocates from the arena and registers another one. */
static void
nested_cleanup(void *data)
{
    static const char id = 'n';
    struct tp_arena *a = data;
    char *s = tp_arena_strdup(a, "allocated during cleanup");

    assert_non_null(s);
    log_cleanup((void *) "o");
    assert_int_equal(tp_arena_cleanup_add(a, log_cleanup, (void *) &id),
        TP_OK);
}

static void
test_server__tp_arena__cleanup_allocates(void **state)
{
    static const char first = 'f';

    (void) state;
    cleanup_log[0] = '\0';
    assert_int_equal(tp_arena_cleanup_add(&arena, log_cleanup,
        (void *) &first), TP_OK);
    assert_int_equal(tp_arena_cleanup_add(&arena, nested_cleanup, &arena),
        TP_OK);
    tp_arena_reset(&arena);
    /* The hook added during the run runs in the same reset. */
    assert_string_equal(cleanup_log, "onf");
    assert_null(arena.cleanups);
    tp_arena_reset(&arena);
    assert_string_equal(cleanup_log, "onf");
}

/* ---- strings ---- */

static void
test_server__tp_arena__strndup(void **state)
{
    const char src[] = "hello, world";
    char *s;

    (void) state;
    s = tp_arena_strndup(&arena, src, 5);
    assert_string_equal(s, "hello");
    assert_ptr_not_equal(s, src);
    s = tp_arena_strndup(&arena, src, 0);
    assert_string_equal(s, "");
    s = tp_arena_strndup(&arena, "a\0b", 3);   /* copies bytes, not a C str */
    assert_int_equal(s[0], 'a');
    assert_int_equal(s[1], '\0');
    assert_int_equal(s[2], 'b');
    assert_int_equal(s[3], '\0');
    s = tp_arena_strdup(&arena, src);
    assert_string_equal(s, src);
    assert_int_equal((uintptr_t) s % 16, 0);
}

static void
test_server__tp_arena__sprintf(void **state)
{
    char *s, big[5001];

    (void) state;
    s = tp_arena_sprintf(&arena, "%s-%d-%05u", "id", -42, 7u);
    assert_string_equal(s, "id--42-00007");
    s = tp_arena_sprintf(&arena, "%s", "");
    assert_string_equal(s, "");
    memset(big, 'q', 5000);
    big[5000] = '\0';
    s = tp_arena_sprintf(&arena, "<%s>", big);   /* larger than a block */
    assert_int_equal(strlen(s), 5002);
    assert_int_equal(s[0], '<');
    assert_int_equal(s[1], 'q');
    assert_int_equal(s[5000], 'q');
    assert_int_equal(s[5001], '>');
    s = tp_arena_sprintf(&arena, "%zu:%llx", (size_t) 12345,
        0xdeadbeefULL);
    assert_string_equal(s, "12345:deadbeef");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
        T(test_server__tp_arena__init),
        T(test_server__tp_arena__alignment),
        T(test_server__tp_arena__total),
        T(test_server__tp_arena__zero_size),
        T(test_server__tp_arena__contiguous),
        T(test_server__tp_arena__large),
        T(test_server__tp_arena__large_first),
        T(test_server__tp_arena__reset_reuses_block),
        T(test_server__tp_arena__reset_keeps_block_after_large),
        T(test_server__tp_arena__calloc),
        T(test_server__tp_arena__cleanup_lifo_reset),
        T(test_server__tp_arena__cleanup_lifo_free),
        T(test_server__tp_arena__cleanup_allocates),
        T(test_server__tp_arena__strndup),
        T(test_server__tp_arena__sprintf),
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
