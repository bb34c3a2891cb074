/*
 * test_tp_shm.c: unit tests of the shared-memory segment (tp_shm.c):
 * the header, zones carved on cache-line boundaries, lookups by name,
 * size mismatches, running out of space, and sharing across fork().
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

static struct tp_shm *shm;
static char err[256];

static int
teardown(void **state)
{
    (void) state;
    if (shm != NULL) {
        munmap(shm, shm->size);
        shm = NULL;
    }
    return 0;
}

static void
create(size_t size)
{
    err[0] = '\0';
    shm = tp_shm_create_size(size, err, sizeof(err));
    if (shm == NULL) {
        fail_msg("tp_shm_create_size(%zu): %s", size, err);
    }
}

static size_t
hdr_size(void)
{
    return TP_ALIGN(sizeof(struct tp_shm), TP_CACHELINE);
}

static void
test_shm__tp_shm__create(void **state)
{
    struct tp_server_conf sc;

    (void) state;
    create(1 << 20);
    assert_int_equal(shm->magic, TP_SHM_MAGIC);
    assert_int_equal(shm->version, TP_SHM_VERSION);
    assert_int_equal(shm->size, 1 << 20);
    assert_int_equal(shm->used, hdr_size());
    assert_int_equal(shm->nzones, 0);
    assert_int_equal((uintptr_t) shm % 4096, 0);
    teardown(NULL);

    /* Rounded up to pages, and never smaller than the header + a line. */
    create(5000);
    assert_int_equal(shm->size, 8192);
    teardown(NULL);
    create(0);
    assert_true(shm->size >= sizeof(struct tp_shm) + TP_CACHELINE);
    assert_int_equal(shm->size % 4096, 0);
    teardown(NULL);

    /* Sized for the configured tables, which are carved at once. */
    memset(&sc, 0, sizeof(sc));
    sc.throttle_entries = 1000;
    sc.quota_entries = 3000;
    shm = tp_shm_create(&sc, err, sizeof(err));
    assert_non_null(shm);
    assert_true(shm->size >= 4u * 1024 * 1024 + 1024 * 16 + 4096 * 64);
    assert_int_equal(shm->magic, TP_SHM_MAGIC);
    assert_int_equal(shm->nzones, 2);
    assert_int_equal(tp_throttle_zone(shm, 1000)->cap, 1024);
    assert_int_equal(tp_quota_zone(shm, 5000)->cap, 4096);  /* kept */
}

static void
test_shm__tp_shm__zones_aligned(void **state)
{
    char *a, *b, *c, *d;
    size_t i;

    (void) state;
    create(1 << 16);
    a = tp_shm_zone(shm, "a", 10);
    b = tp_shm_zone(shm, "b", 100);
    c = tp_shm_zone(shm, "c", 64);
    d = tp_shm_zone(shm, "d", 1);
    assert_non_null(a);
    assert_non_null(b);
    assert_non_null(c);
    assert_non_null(d);
    assert_ptr_equal(a, (char *) shm + hdr_size());
    assert_ptr_equal(b, a + 64);
    assert_ptr_equal(c, b + 128);
    assert_ptr_equal(d, c + 64);
    assert_int_equal((uintptr_t) a % TP_CACHELINE, 0);
    assert_int_equal((uintptr_t) b % TP_CACHELINE, 0);
    assert_int_equal((uintptr_t) c % TP_CACHELINE, 0);
    assert_int_equal((uintptr_t) d % TP_CACHELINE, 0);
    assert_int_equal(shm->nzones, 4);
    assert_string_equal(shm->zones[1].name, "b");
    assert_int_equal(shm->zones[1].offset, (size_t) (b - (char *) shm));
    assert_int_equal(shm->zones[1].size, 128);
    assert_int_equal(shm->used, hdr_size() + 64 + 128 + 64 + 64);
    /* Zeroed. */
    for (i = 0; i < 128; i++) {
        assert_int_equal(b[i], 0);
    }
}

static void
test_shm__tp_shm__same_zone_again(void **state)
{
    char *a, *b;

    (void) state;
    create(1 << 16);
    a = tp_shm_zone(shm, "throttle", 1000);
    b = tp_shm_zone(shm, "quota", 64);
    memset(a, 7, 1000);
    assert_ptr_equal(tp_shm_zone(shm, "throttle", 1000), a);
    assert_ptr_equal(tp_shm_zone(shm, "quota", 64), b);
    assert_int_equal(shm->nzones, 2);
    /* Found again: not re-zeroed. */
    assert_int_equal(a[999], 7);
    /* A different (rounded) size is a changed layout: refused. */
    assert_null(tp_shm_zone(shm, "throttle", 2000));
    assert_null(tp_shm_zone(shm, "quota", 65));
    assert_null(tp_shm_zone(shm, "quota", 0));
    assert_int_equal(shm->nzones, 2);
    /* Names are exact. */
    assert_non_null(tp_shm_zone(shm, "Quota", 64));
    assert_int_equal(shm->nzones, 3);
}

static void
test_shm__tp_shm__out_of_space(void **state)
{
    size_t left;
    char *z;

    (void) state;
    create(8192);
    left = shm->size - shm->used;
    assert_null(tp_shm_zone(shm, "big", 1 << 20));
    assert_null(tp_shm_zone(shm, "big", left + 1));
    assert_int_equal(shm->nzones, 0);
    z = tp_shm_zone(shm, "exact", left);
    assert_non_null(z);
    memset(z, 1, left);                       /* all of it is mapped */
    assert_int_equal(shm->used, shm->size);
    assert_null(tp_shm_zone(shm, "more", 1));
    assert_int_equal(shm->nzones, 1);
}

/* A size so large that rounding it up wraps around must fail too. */
static void
test_shm__tp_shm__huge_size(void **state)
{
    (void) state;
    create(8192);
    assert_null(tp_shm_zone(shm, "huge", SIZE_MAX));
    assert_null(tp_shm_zone(shm, "huge2", SIZE_MAX - 10));
    assert_int_equal(shm->nzones, 0);
}

static void
test_shm__tp_shm__limits(void **state)
{
    char name[32];
    int i;

    (void) state;
    create(1 << 20);
    /* Names up to 23 bytes (the NUL must fit). */
    assert_null(tp_shm_zone(shm, "abcdefghijklmnopqrstuvwx", 64));
    assert_non_null(tp_shm_zone(shm, "abcdefghijklmnopqrstuvw", 64));
    assert_string_equal(shm->zones[0].name, "abcdefghijklmnopqrstuvw");
    for (i = 1; i < TP_SHM_MAX_ZONES; i++) {
        snprintf(name, sizeof(name), "z%d", i);
        assert_non_null(tp_shm_zone(shm, name, 64));
    }
    assert_int_equal(shm->nzones, TP_SHM_MAX_ZONES);
    assert_null(tp_shm_zone(shm, "one-too-many", 64));
    /* Existing zones are still found when the table is full. */
    assert_non_null(tp_shm_zone(shm, "z5", 64));
}

static void
test_shm__tp_shm__shared_across_fork(void **state)
{
    uint64_t *counter;
    char *msg;
    pid_t pid;
    int status, i;

    (void) state;
    create(1 << 16);
    counter = tp_shm_zone(shm, "counter", sizeof(*counter));
    msg = tp_shm_zone(shm, "msg", 64);
    assert_non_null(counter);
    assert_non_null(msg);
    *counter = 1;
    for (i = 0; i < 3; i++) {
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            /* The child finds the zones at the same addresses. */
            uint64_t *c = tp_shm_zone(shm, "counter", sizeof(*c));

            if (c != counter || tp_shm_zone(shm, "msg", 64) != msg) {
                _exit(2);
            }
            *c += 10;
            snprintf(msg, 64, "hello from child %d", i);
            _exit(0);
        }
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
    }
    assert_true(*counter == 31);
    assert_string_equal(msg, "hello from child 2");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_teardown(f, teardown)
        T(test_shm__tp_shm__create),
        T(test_shm__tp_shm__zones_aligned),
        T(test_shm__tp_shm__same_zone_again),
        T(test_shm__tp_shm__out_of_space),
        T(test_shm__tp_shm__huge_size),
        T(test_shm__tp_shm__limits),
        T(test_shm__tp_shm__shared_across_fork),
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
