/*
 * tp_test_arena.h: one arena per test, as a cmocka fixture: pass
 * tp_test_arena_setup and tp_test_arena_teardown to
 * cmocka_unit_test_setup_teardown() and use tp_test_arena in the test.
 */
#ifndef TP_TEST_ARENA_H
#define TP_TEST_ARENA_H

#include "tp_arena.h"

static struct tp_arena tp_test_arena;

static inline int
tp_test_arena_setup(void **state)
{
    (void) state;
    tp_arena_init(&tp_test_arena, 4096);
    return 0;
}

static inline int
tp_test_arena_teardown(void **state)
{
    (void) state;
    tp_arena_free(&tp_test_arena);
    return 0;
}

#endif /* TP_TEST_ARENA_H */
