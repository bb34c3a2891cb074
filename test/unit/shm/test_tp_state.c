/*
 * test_tp_state.c: unit tests of the durable state layer (tp_state*.c) in a
 * temporary data_dir: API keys (create, get, list, enable, disable,
 * delete, duplicates, imports committed and aborted, the worker lookup),
 * quota flushes and their idempotence, daily usage, plan first-seen
 * times, read-only opens and reopening.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <sys/stat.h>
#include <unistd.h>

#include "tp_hash.h"
#include "tp_state.h"
#include "tp_test_dir.h"

#define MAP (16u << 20)

static char dir[64];
static char err[512];
static struct tp_state *st;

static int
setup(void **state)
{
    (void) state;
    if (tp_test_dir_make(dir, sizeof(dir), "tp-state") == NULL) {
        return -1;
    }
    return tp_state_open(&st, dir, MAP, 0, err, sizeof(err)) == TP_OK ? 0
                                                                     : -1;
}

static int
teardown(void **state)
{
    (void) state;
    tp_state_close(st);
    st = NULL;
    tp_test_dir_remove(dir);
    return 0;
}

static void
reopen(unsigned flags)
{
    tp_state_close(st);
    st = NULL;
    if (tp_state_open(&st, dir, MAP, flags, err, sizeof(err)) != TP_OK) {
        fail_msg("reopen: %s", err);
    }
}

/* A key "<name>" with value "value-of-<name>-padding" in <nplans> plans
 * "plan0", "plan1", ... */
static struct tp_key_full
key(const char *name, unsigned nplans)
{
    struct tp_key_full k;
    char value[128];
    unsigned i;

    memset(&k, 0, sizeof(k));
    snprintf(k.name, sizeof(k.name), "%s", name);
    snprintf(value, sizeof(value), "value-of-%s-padding", name);
    tp_apikey_hash(value, strlen(value), k.hash);
    tp_apikey_id_from_name(name, k.info.id);
    k.info.enabled = true;
    k.info.nplans = (uint8_t) nplans;
    for (i = 0; i < nplans; i++) {
        snprintf(k.plan_names[i], sizeof(k.plan_names[i]), "plan%u", i);
        k.info.plans[i] = tp_plan_hash(k.plan_names[i]);
    }
    k.created = 1700000000;
    k.updated = 1700000001;
    return k;
}

static void
create(const struct tp_key_full *k)
{
    if (tp_state_key_create(st, k, err, sizeof(err)) != TP_OK) {
        fail_msg("create %s: %s", k->name, err);
    }
}

static void
test_shm__tp_state__create_get(void **state)
{
    struct tp_key_full k = key("alpha", 2), got;

    (void) state;
    create(&k);
    assert_int_equal(tp_state_key_get(st, "alpha", &got, err, sizeof(err)),
        TP_OK);
    assert_memory_equal(got.hash, k.hash, TP_APIKEY_HASH_LEN);
    assert_string_equal(got.name, "alpha");
    assert_string_equal(got.info.id, k.info.id);
    assert_true(got.info.enabled);
    assert_int_equal(got.info.nplans, 2);
    assert_true(got.info.plans[1] == tp_plan_hash("plan1"));
    assert_string_equal(got.plan_names[0], "plan0");
    assert_string_equal(got.plan_names[1], "plan1");
    assert_int_equal(got.created, 1700000000);
    assert_int_equal(got.updated, 1700000001);

    assert_int_equal(tp_state_key_get(st, "beta", &got, err, sizeof(err)),
        TP_ERROR);
    assert_string_equal(err, "no API key named \"beta\"");
}

static void
test_shm__tp_state__duplicates(void **state)
{
    struct tp_key_full a = key("alpha", 1), b;

    (void) state;
    create(&a);
    b = key("alpha", 1);                        /* same name */
    tp_apikey_id_from_name("other", b.info.id);
    b.hash[0] ^= 1;
    assert_int_equal(tp_state_key_create(st, &b, err, sizeof(err)),
        TP_ERROR);
    assert_string_equal(err, "an API key named \"alpha\" already exists");

    b = key("beta", 1);                         /* same value */
    memcpy(b.hash, a.hash, sizeof(b.hash));
    assert_int_equal(tp_state_key_create(st, &b, err, sizeof(err)),
        TP_ERROR);
    assert_non_null(strstr(err, "already the value of API key \"alpha\""));

    b = key("beta", 1);                         /* same id: retry */
    memcpy(b.info.id, a.info.id, sizeof(b.info.id));
    assert_int_equal(tp_state_key_create(st, &b, err, sizeof(err)),
        TP_BUSY);

    /* None of the failures left anything behind. */
    b = key("beta", 1);
    create(&b);
    assert_int_equal(tp_state_key_get(st, "beta", &a, err, sizeof(err)),
        TP_OK);
}

static void
test_shm__tp_state__bad_keys(void **state)
{
    struct tp_key_full k = key("x", 1);

    (void) state;
    k.name[0] = '\0';
    assert_int_equal(tp_state_key_create(st, &k, err, sizeof(err)),
        TP_ERROR);
    k = key("x", 1);
    k.info.nplans = TP_APIKEY_MAX_PLANS + 1;
    assert_int_equal(tp_state_key_create(st, &k, err, sizeof(err)),
        TP_ERROR);
    assert_non_null(strstr(err, "at most 10"));
}

static const char *stop_after;

static int
collect(const struct tp_key_full *k, void *arg)
{
    char *out = arg;

    strcat(out, k->name);
    strcat(out, k->info.enabled ? "+ " : "- ");
    return stop_after != NULL && strcmp(k->name, stop_after) == 0;
}

static void
test_shm__tp_state__list_enable_delete(void **state)
{
    static const char *const names[] = { "delta", "alpha", "charlie",
        "bravo" };
    struct tp_key_full k;
    char out[256] = "";
    unsigned i;

    (void) state;
    for (i = 0; i < TP_NELEM(names); i++) {
        k = key(names[i], 1);
        create(&k);
    }
    assert_int_equal(tp_state_key_set_enabled(st, "charlie", false, err,
        sizeof(err)), TP_OK);
    assert_int_equal(tp_state_key_each(st, collect, out), TP_OK);
    assert_string_equal(out, "alpha+ bravo+ charlie- delta+ ");

    assert_int_equal(tp_state_key_get(st, "charlie", &k, err, sizeof(err)),
        TP_OK);
    assert_false(k.info.enabled);
    assert_true(k.updated > 1700000001);
    assert_int_equal(k.created, 1700000000);
    assert_int_equal(tp_state_key_set_enabled(st, "charlie", true, err,
        sizeof(err)), TP_OK);
    assert_int_equal(tp_state_key_set_enabled(st, "nope", true, err,
        sizeof(err)), TP_ERROR);
    assert_string_equal(err, "no API key named \"nope\"");

    assert_int_equal(tp_state_key_delete(st, "bravo", err, sizeof(err)),
        TP_OK);
    assert_int_equal(tp_state_key_delete(st, "bravo", err, sizeof(err)),
        TP_ERROR);
    assert_string_equal(err, "no API key named \"bravo\"");
    out[0] = '\0';
    assert_int_equal(tp_state_key_each(st, collect, out), TP_OK);
    assert_string_equal(out, "alpha+ charlie+ delta+ ");

    /* The name, value and id of a deleted key are free again. */
    k = key("bravo", 1);
    create(&k);

    /* The callback stops the walk. */
    stop_after = "bravo";
    out[0] = '\0';
    assert_int_equal(tp_state_key_each(st, collect, out), TP_OK);
    stop_after = NULL;
    assert_string_equal(out, "alpha+ bravo+ ");
}

static void
test_shm__tp_state__long_names(void **state)
{
    struct tp_key_full a = key("a", 1), b = key("b", 1), got;

    (void) state;
    memset(a.name, 'n', TP_APIKEY_NAME_MAX);
    a.name[TP_APIKEY_NAME_MAX] = '\0';
    b = a;                           /* shares the first 1023 bytes */
    b.name[TP_APIKEY_NAME_MAX - 1] = 'm';
    b.hash[0] ^= 1;
    tp_apikey_id_from_name("b", b.info.id);
    create(&a);
    create(&b);
    assert_int_equal(tp_state_key_get(st, b.name, &got, err, sizeof(err)),
        TP_OK);
    assert_memory_equal(got.hash, b.hash, TP_APIKEY_HASH_LEN);
    tp_apikey_id_from_name("c", a.info.id);
    a.hash[1] ^= 1;
    assert_int_equal(tp_state_key_create(st, &a, err, sizeof(err)),
        TP_ERROR);
    assert_non_null(strstr(err, "an API key named \"nnnn"));
}

static void
test_shm__tp_state__import(void **state)
{
    struct tp_key_full k;
    char name[32];
    unsigned i;

    (void) state;
    assert_int_equal(tp_state_import_begin(st, err, sizeof(err)), TP_OK);
    assert_int_equal(tp_state_import_begin(st, err, sizeof(err)), TP_ERROR);
    for (i = 0; i < 1000; i++) {
        snprintf(name, sizeof(name), "key%04u", i);
        k = key(name, 1);
        assert_int_equal(tp_state_import_add(st, &k, err, sizeof(err)),
            TP_OK);
    }
    assert_int_equal(tp_state_import_commit(st, err, sizeof(err)), TP_OK);
    assert_int_equal(tp_state_key_get(st, "key0999", &k, err, sizeof(err)),
        TP_OK);

    /* Aborted: nothing of it stays. */
    assert_int_equal(tp_state_import_begin(st, err, sizeof(err)), TP_OK);
    k = key("aborted", 1);
    assert_int_equal(tp_state_import_add(st, &k, err, sizeof(err)), TP_OK);
    tp_state_import_abort(st);
    assert_int_equal(tp_state_key_get(st, "aborted", &k, err, sizeof(err)),
        TP_ERROR);

    /* A failing add (a duplicate inside the import) drops all of it. */
    assert_int_equal(tp_state_import_begin(st, err, sizeof(err)), TP_OK);
    k = key("new1", 1);
    assert_int_equal(tp_state_import_add(st, &k, err, sizeof(err)), TP_OK);
    k = key("new2", 1);
    memcpy(k.info.id, "zzzzzzzzzz", 10);
    assert_int_equal(tp_state_import_add(st, &k, err, sizeof(err)), TP_OK);
    k = key("new1", 1);
    tp_apikey_id_from_name("new3", k.info.id);
    assert_int_equal(tp_state_import_add(st, &k, err, sizeof(err)),
        TP_ERROR);
    assert_string_equal(err, "an API key named \"new1\" already exists");
    assert_int_equal(tp_state_import_commit(st, err, sizeof(err)), TP_ERROR);
    tp_state_import_abort(st);
    assert_int_equal(tp_state_key_get(st, "new1", &k, err, sizeof(err)),
        TP_ERROR);

    /* An id collision only asks for another id. */
    assert_int_equal(tp_state_import_begin(st, err, sizeof(err)), TP_OK);
    k = key("new4", 1);
    memcpy(k.info.id, key("key0001", 1).info.id, TP_APIKEY_ID_LEN);
    assert_int_equal(tp_state_import_add(st, &k, err, sizeof(err)), TP_BUSY);
    k = key("new4", 1);
    assert_int_equal(tp_state_import_add(st, &k, err, sizeof(err)), TP_OK);
    assert_int_equal(tp_state_import_commit(st, err, sizeof(err)), TP_OK);
}

static void
test_shm__tp_state__key_find(void **state)
{
    struct tp_key_full k = key("alpha", 3);
    struct tp_key_info info;
    uint8_t miss[TP_APIKEY_HASH_LEN] = { 0 };
    unsigned i;

    (void) state;
    create(&k);
    for (i = 0; i < 3; i++) {                  /* the txn is reused */
        memset(&info, 0, sizeof(info));
        assert_int_equal(tp_state_key_find(st, k.hash, &info), TP_OK);
        assert_string_equal(info.id, k.info.id);
        assert_true(info.enabled);
        assert_int_equal(info.nplans, 3);
        assert_true(info.plans[2] == tp_plan_hash("plan2"));
        assert_int_equal(tp_state_key_find(st, miss, &info), TP_DECLINED);
    }
    assert_int_equal(tp_state_key_set_enabled(st, "alpha", false, err,
        sizeof(err)), TP_OK);
    assert_int_equal(tp_state_key_find(st, k.hash, &info), TP_OK);
    assert_false(info.enabled);
    assert_int_equal(tp_state_key_delete(st, "alpha", err, sizeof(err)),
        TP_OK);
    assert_int_equal(tp_state_key_find(st, k.hash, &info), TP_DECLINED);
}

static void
test_shm__tp_state__quota_flush(void **state)
{
    struct tp_quota_rec r[2] = { { 11, 7, 100 }, { 12, 8, 5 } }, got;
    uint64_t n;

    (void) state;
    assert_int_equal(tp_state_quota_get(st, 11, &got), TP_DECLINED);
    assert_int_equal(tp_state_quota_flush(st, r, 2, 20000, err,
        sizeof(err)), TP_OK);
    assert_int_equal(tp_state_quota_get(st, 11, &got), TP_OK);
    assert_true(got.id == 11 && got.word == 7 && got.total == 100);
    assert_int_equal(tp_state_usage_get(st, 11, 20000, &n), TP_OK);
    assert_int_equal(n, 100);

    /* The same records again count nothing more. */
    assert_int_equal(tp_state_quota_flush(st, r, 2, 20000, err,
        sizeof(err)), TP_OK);
    assert_int_equal(tp_state_usage_get(st, 11, 20000, &n), TP_OK);
    assert_int_equal(n, 100);

    /* Growth counts on the flush's day; a lower total counts nothing. */
    r[0].total = 130;
    r[0].word = 9;
    r[1].total = 2;
    assert_int_equal(tp_state_quota_flush(st, r, 2, 20001, err,
        sizeof(err)), TP_OK);
    assert_int_equal(tp_state_usage_get(st, 11, 20001, &n), TP_OK);
    assert_int_equal(n, 30);
    assert_int_equal(tp_state_usage_get(st, 12, 20001, &n), TP_OK);
    assert_int_equal(n, 0);
    assert_int_equal(tp_state_quota_get(st, 12, &got), TP_OK);
    assert_int_equal(got.total, 2);
    assert_int_equal(tp_state_quota_get(st, 11, &got), TP_OK);
    assert_int_equal(got.word, 9);
}

static void
test_shm__tp_state__usage_days(void **state)
{
    static const uint64_t want[6] = { 0, 100, 101, 102, 103, 0 };
    struct tp_quota_rec r = { 0x8000000000000001ULL, 0, 0 };
    uint64_t c[6], n;
    int64_t d;

    (void) state;
    for (d = 100; d < 104; d++) {
        r.total += (uint64_t) d;               /* day d counts d */
        assert_int_equal(tp_state_quota_flush(st, &r, 1, d, err,
            sizeof(err)), TP_OK);
    }
    r.id++;                                     /* a neighbour id */
    r.total = 5;
    assert_int_equal(tp_state_quota_flush(st, &r, 1, 102, err, sizeof(err)),
        TP_OK);
    assert_int_equal(tp_state_usage_range(st, r.id - 1, 99, 104, c), TP_OK);
    assert_memory_equal(c, want, sizeof(want));
    assert_int_equal(tp_state_usage_get(st, r.id, 102, &n), TP_OK);
    assert_int_equal(n, 5);
    assert_int_equal(tp_state_usage_get(st, r.id, 103, &n), TP_OK);
    assert_int_equal(n, 0);
    assert_int_equal(tp_state_usage_get(st, 999, 100, &n), TP_OK);
    assert_int_equal(n, 0);
    assert_int_equal(tp_state_usage_range(st, 1, 5, 4, c), TP_ERROR);
}

static void
test_shm__tp_state__delete_drops_usage(void **state)
{
    struct tp_key_full k = key("alpha", 2);
    struct tp_quota_rec r[2], got;
    uint64_t n;

    (void) state;
    create(&k);
    r[0] = (struct tp_quota_rec) { tp_quota_id(k.info.plans[0], k.info.id),
        1, 10 };
    r[1] = (struct tp_quota_rec) { tp_quota_id(k.info.plans[1], k.info.id),
        1, 20 };
    assert_int_equal(tp_state_quota_flush(st, r, 2, 500, err, sizeof(err)),
        TP_OK);
    assert_int_equal(tp_state_key_delete(st, "alpha", err, sizeof(err)),
        TP_OK);
    assert_int_equal(tp_state_quota_get(st, r[1].id, &got), TP_DECLINED);
    assert_int_equal(tp_state_usage_get(st, r[0].id, 500, &n), TP_OK);
    assert_int_equal(n, 0);
}

static void
test_shm__tp_state__plan_seen(void **state)
{
    int64_t t = 0;

    (void) state;
    assert_int_equal(tp_state_plan_get(st, "gold", &t), TP_DECLINED);
    assert_int_equal(tp_state_plan_seen(st, "gold", 1000, &t, err,
        sizeof(err)), TP_OK);
    assert_int_equal(t, 1000);
    assert_int_equal(tp_state_plan_seen(st, "gold", 2000, &t, err,
        sizeof(err)), TP_OK);
    assert_int_equal(t, 1000);
    assert_int_equal(tp_state_plan_seen(st, "silver", 3000, &t, err,
        sizeof(err)), TP_OK);
    assert_int_equal(t, 3000);
    assert_int_equal(tp_state_plan_get(st, "gold", &t), TP_OK);
    assert_int_equal(t, 1000);
}

static void
test_shm__tp_state__reopen(void **state)
{
    struct tp_key_full k = key("alpha", 1);
    struct tp_quota_rec r = { 42, 1, 9 };
    struct tp_key_info info;
    int64_t t;
    uint64_t n;

    (void) state;
    create(&k);
    assert_int_equal(tp_state_quota_flush(st, &r, 1, 7, err, sizeof(err)),
        TP_OK);
    assert_int_equal(tp_state_plan_seen(st, "gold", 1000, &t, err,
        sizeof(err)), TP_OK);
    reopen(0);
    assert_int_equal(tp_state_key_find(st, k.hash, &info), TP_OK);
    assert_int_equal(tp_state_usage_get(st, 42, 7, &n), TP_OK);
    assert_int_equal(n, 9);
    assert_int_equal(tp_state_plan_get(st, "gold", &t), TP_OK);
    assert_int_equal(t, 1000);

    /* Read-only: reads work, writes are refused. */
    reopen(TP_STATE_RDONLY);
    assert_int_equal(tp_state_key_find(st, k.hash, &info), TP_OK);
    k = key("beta", 1);
    assert_int_equal(tp_state_key_create(st, &k, err, sizeof(err)),
        TP_ERROR);
    assert_non_null(strstr(err, "read-only"));
}

static void
test_shm__tp_state__open_errors(void **state)
{
    struct tp_state *other;
    char path[128];

    (void) state;
    /* Read-only without an environment: declined, nothing created. */
    snprintf(path, sizeof(path), "%s/empty", dir);
    assert_int_equal(mkdir(path, 0700), 0);
    assert_int_equal(tp_state_open(&other, path, MAP, TP_STATE_RDONLY, err,
        sizeof(err)), TP_DECLINED);
    assert_null(other);
    snprintf(path, sizeof(path), "%s/empty/state", dir);
    assert_int_equal(access(path, F_OK), -1);

    /* A missing data_dir is an error naming the path. */
    snprintf(path, sizeof(path), "%s/missing/deeper", dir);
    assert_int_equal(tp_state_open(&other, path, MAP, 0, err, sizeof(err)),
        TP_ERROR);
    assert_non_null(strstr(err, path));

    /* Two handles in one process see each other's writes. */
    assert_int_equal(tp_state_open(&other, dir, MAP, 0, err, sizeof(err)),
        TP_OK);
    {
        struct tp_key_full k = key("alpha", 1);
        struct tp_key_info info;

        create(&k);
        assert_int_equal(tp_state_key_find(other, k.hash, &info), TP_OK);
    }
    tp_state_close(other);
}

static void
test_shm__tp_state__files_mode(void **state)
{
    struct stat sb;
    char path[128];

    (void) state;
    snprintf(path, sizeof(path), "%s/state", dir);
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0700);
    snprintf(path, sizeof(path), "%s/state/data.mdb", dir);
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
        T(test_shm__tp_state__create_get),
        T(test_shm__tp_state__duplicates),
        T(test_shm__tp_state__bad_keys),
        T(test_shm__tp_state__list_enable_delete),
        T(test_shm__tp_state__long_names),
        T(test_shm__tp_state__import),
        T(test_shm__tp_state__key_find),
        T(test_shm__tp_state__quota_flush),
        T(test_shm__tp_state__usage_days),
        T(test_shm__tp_state__delete_drops_usage),
        T(test_shm__tp_state__plan_seen),
        T(test_shm__tp_state__reopen),
        T(test_shm__tp_state__open_errors),
        T(test_shm__tp_state__files_mode),
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
