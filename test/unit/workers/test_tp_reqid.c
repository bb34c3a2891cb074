/*
 * test_tp_reqid.c: unit tests of request ids (tp_reqid.c): version-4
 * UUIDs from the per-worker generator, validation of client-supplied ids
 * and the short 16-character form of HTTP APIs.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tp_reqid.h"
#include "tp_worker.h"

#define NIDS 20000

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static char ids[NIDS][37];

static int
cmp_id(const void *a, const void *b)
{
    return strcmp(a, b);
}

/* The shape of "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx", lower-case hex. */
static void
assert_uuid_v4(const char *s)
{
    int i;

    assert_int_equal(strlen(s), 36);
    for (i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            assert_int_equal(s[i], '-');
        } else if (strchr("0123456789abcdef", s[i]) == NULL || s[i] == 0) {
            fail_msg("\"%s\": byte %d is not lower-case hex", s, i);
        }
    }
    assert_int_equal(s[14], '4');
    if (strchr("89ab", s[19]) == NULL) {
        fail_msg("\"%s\": variant nibble %c", s, s[19]);
    }
}

static void
test_workers__tp_reqid__new_format_and_unique(void **state)
{
    static struct tp_worker w;
    unsigned seen[16] = { 0 };
    int i;

    (void) state;
    memset(&w, 0, sizeof(w));
    tp_reqid_seed(&w);
    assert_true((w.rng[0] | w.rng[1]) != 0);
    for (i = 0; i < NIDS; i++) {
        memset(ids[i], 'Z', sizeof(ids[i]));
        tp_reqid_new(&w, ids[i]);
        assert_int_equal(ids[i][36], '\0');
        assert_uuid_v4(ids[i]);
        assert_true(tp_reqid_valid(ids[i], 36));
        seen[strchr("0123456789abcdef", ids[i][0]) - "0123456789abcdef"]++;
    }
    qsort(ids, NIDS, sizeof(ids[0]), cmp_id);
    for (i = 1; i < NIDS; i++) {
        if (strcmp(ids[i - 1], ids[i]) == 0) {
            fail_msg("duplicate id %s", ids[i]);
        }
    }
    /* Random-looking: every leading hex digit shows up. */
    for (i = 0; i < 16; i++) {
        assert_true(seen[i] > NIDS / 64);
    }
}

/* The variant nibble takes all four values 8, 9, a, b. */
static void
test_workers__tp_reqid__variant_spread(void **state)
{
    static struct tp_worker w;
    char id[37];
    bool v[4] = { false, false, false, false };
    int i;

    (void) state;
    memset(&w, 0, sizeof(w));
    tp_reqid_seed(&w);
    for (i = 0; i < 1000; i++) {
        tp_reqid_new(&w, id);
        v[strchr("89ab", id[19]) - "89ab"] = true;
    }
    assert_true(v[0] && v[1] && v[2] && v[3]);
}

/* Same state, same sequence; workers seeded apart differ. */
static void
test_workers__tp_reqid__deterministic_state(void **state)
{
    static struct tp_worker a, b, c;
    char x[37], y[37], z[37];
    int i;

    (void) state;
    memset(&a, 0, sizeof(a));
    memset(&b, 0, sizeof(b));
    a.rng[0] = b.rng[0] = 0x0123456789abcdefULL;
    a.rng[1] = b.rng[1] = 0xfedcba9876543210ULL;
    for (i = 0; i < 100; i++) {
        tp_reqid_new(&a, x);
        tp_reqid_new(&b, y);
        assert_string_equal(x, y);
        assert_uuid_v4(x);
    }
    memset(&c, 0, sizeof(c));
    tp_reqid_seed(&c);
    memset(&a, 0, sizeof(a));
    tp_reqid_seed(&a);
    assert_false(a.rng[0] == c.rng[0] && a.rng[1] == c.rng[1]);
    tp_reqid_new(&a, x);
    tp_reqid_new(&c, z);
    assert_string_not_equal(x, z);
}

static void
test_workers__tp_reqid__valid(void **state)
{
    static const char good[] = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";
    static const char upper[] = "3F2504E0-4F89-41D3-9A0C-0305E82C3301";
    char s[64];
    int i;

    (void) state;
    assert_true(tp_reqid_valid(good, 36));
    assert_true(tp_reqid_valid(upper, 36));
    assert_true(tp_reqid_valid("00000000-0000-0000-0000-000000000000", 36));
    /* Length is the caller's: a longer buffer cut at 36 is fine. */
    snprintf(s, sizeof(s), "%sXYZ", good);
    assert_true(tp_reqid_valid(s, 36));
    assert_false(tp_reqid_valid(s, 39));
    assert_false(tp_reqid_valid(good, 35));
    assert_false(tp_reqid_valid(good, 0));
    assert_false(tp_reqid_valid("", 0));
    assert_false(tp_reqid_valid("3f2504e04f8941d39a0c0305e82c3301", 32));
    assert_false(tp_reqid_valid("{3f2504e0-4f89-41d3-9a0c-0305e82c330}",
        36));
    /* Every position: a dash where hex belongs, and the reverse. */
    for (i = 0; i < 36; i++) {
        memcpy(s, good, 37);
        s[i] = good[i] == '-' ? 'a' : '-';
        assert_false(tp_reqid_valid(s, 36));
        memcpy(s, good, 37);
        s[i] = good[i] == '-' ? '-' : 'g';
        assert_int_equal(tp_reqid_valid(s, 36), good[i] == '-');
        s[i] = good[i] == '-' ? '-' : ' ';
        assert_int_equal(tp_reqid_valid(s, 36), good[i] == '-');
        s[i] = good[i] == '-' ? '-' : '\0';
        assert_int_equal(tp_reqid_valid(s, 36), good[i] == '-');
    }
    assert_false(tp_reqid_valid("3f2504e0-4f89-41d3-9a0c-0305e82c330G", 36));
    assert_false(tp_reqid_valid("3f2504e0_4f89-41d3-9a0c-0305e82c3301", 36));
}

static void
test_workers__tp_reqid__short(void **state)
{
    static const char u1[] = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";
    static const char u2[] = "3f2504e0-4f89-41d3-9a0c-0305e82c3302";
    char a[17], b[17], c[17];
    int i;

    (void) state;
    memset(a, 'Z', sizeof(a));
    tp_reqid_short(u1, a);
    assert_int_equal(strlen(a), 16);
    assert_int_equal(a[15], '=');
    for (i = 0; i < 15; i++) {
        if (a[i] == '\0' || strchr(b64, a[i]) == NULL) {
            fail_msg("\"%s\": byte %d not base64", a, i);
        }
    }
    tp_reqid_short(u1, b);
    assert_string_equal(a, b);               /* deterministic */
    tp_reqid_short(u2, c);
    assert_string_not_equal(a, c);           /* one byte changes it */
    tp_reqid_short("", c);
    assert_int_equal(strlen(c), 16);
    assert_int_equal(c[15], '=');
}

static void
test_workers__tp_reqid__short_unique(void **state)
{
    static struct tp_worker w;
    static char shorts[NIDS][17];
    char id[37];
    int i;

    (void) state;
    memset(&w, 0, sizeof(w));
    tp_reqid_seed(&w);
    for (i = 0; i < NIDS; i++) {
        tp_reqid_new(&w, id);
        tp_reqid_short(id, shorts[i]);
        assert_int_equal(strlen(shorts[i]), 16);
        assert_int_equal(shorts[i][15], '=');
        assert_int_equal(strspn(shorts[i], b64), 15);
    }
    qsort(shorts, NIDS, sizeof(shorts[0]), cmp_id);
    for (i = 1; i < NIDS; i++) {
        if (strcmp(shorts[i - 1], shorts[i]) == 0) {
            fail_msg("duplicate short id %s", shorts[i]);
        }
    }
}

/* tp_reqid_pair's short id is the one tp_reqid_short derives. */
static void
test_workers__tp_reqid__pair_matches_short(void **state)
{
    static struct tp_worker w;
    char id[37], sid[17], again[17];
    int i;

    (void) state;
    memset(&w, 0, sizeof(w));
    tp_reqid_seed(&w);
    for (i = 0; i < 1000; i++) {
        tp_reqid_pair(&w, id, sid);
        assert_true(tp_reqid_valid(id, strlen(id)));
        tp_reqid_short(id, again);
        assert_string_equal(sid, again);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_workers__tp_reqid__pair_matches_short),
        cmocka_unit_test(test_workers__tp_reqid__new_format_and_unique),
        cmocka_unit_test(test_workers__tp_reqid__variant_spread),
        cmocka_unit_test(test_workers__tp_reqid__deterministic_state),
        cmocka_unit_test(test_workers__tp_reqid__valid),
        cmocka_unit_test(test_workers__tp_reqid__short),
        cmocka_unit_test(test_workers__tp_reqid__short_unique),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
