/*
 * test_tp_execlog_fmt.c: unit tests of execution-log formatting
 * (workers/tp_execlog_fmt.c): the line's time stamp, request id and
 * message, control bytes escaped, the 1024-byte limit, secret masking and
 * which headers are secrets.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tp_execlog.h"

#define ID "0b6f9c2e-6d3c-4a8e-9c1d-2f3e4a5b6c7d"
/* 2026-11-26T06:01:28.007Z */
#define T0 1795672888007ull

static struct tp_str
str(const char *s)
{
    return (struct tp_str) { s, strlen(s) };
}

static void
test_workers__tp_execlog_fmt__line(void **state)
{
    char out[2048];
    size_t n;

    (void) state;
    n = tp_xlog_format_line(out, sizeof(out), T0, ID,
        str("Method completed with status: 200"));
    out[n] = '\0';
    assert_string_equal(out, "2026-11-26T06:01:28.007Z (" ID ") Method "
        "completed with status: 200\n");
    /* A body's newline and tab are escaped: one line per message. */
    n = tp_xlog_format_line(out, sizeof(out), T0, ID, str("a\nb\tc"));
    out[n] = '\0';
    assert_string_equal(out, "2026-11-26T06:01:28.007Z (" ID ") "
        "a\\x0ab\\x09c\n");
}

static void
test_workers__tp_execlog_fmt__cut_at_1024(void **state)
{
    char out[4096], msg[3000];
    size_t n;

    (void) state;
    memset(msg, 'b', sizeof(msg));
    n = tp_xlog_format_line(out, sizeof(out), T0, ID,
        (struct tp_str) { msg, sizeof(msg) });
    assert_int_equal(n, TP_XLOG_LINE);
    assert_int_equal(out[n - 1], '\n');
    assert_int_equal(out[n - 2], 'b');
    /* Escapes are never cut in half. */
    memset(msg, '\n', sizeof(msg));
    n = tp_xlog_format_line(out, sizeof(out), T0, ID,
        (struct tp_str) { msg, sizeof(msg) });
    assert_true(n <= TP_XLOG_LINE);
    assert_memory_equal(out + n - 5, "\\x0a\n", 5);
    /* A smaller buffer is respected too. */
    n = tp_xlog_format_line(out, 100, T0, ID,
        (struct tp_str) { msg, sizeof(msg) });
    assert_true(n <= 100);
    assert_int_equal(out[n - 1], '\n');
}

static void
test_workers__tp_execlog_fmt__mask(void **state)
{
    char out[64];
    size_t n;

    (void) state;
    n = tp_xlog_mask(str("Bearer abcdefgh1234"), out, sizeof(out));
    assert_int_equal(n, 19);
    assert_memory_equal(out, "***************1234", 19);
    n = tp_xlog_mask(str("short"), out, sizeof(out));
    assert_memory_equal(out, "*****", n);
    n = tp_xlog_mask(str("12345678"), out, sizeof(out));
    assert_memory_equal(out, "********", n);
    assert_int_equal(tp_xlog_mask(TP_NULL_STR, out, sizeof(out)), 0);
    n = tp_xlog_mask(str("0123456789abcdef"), out, 4);
    assert_int_equal(n, 4);
    assert_memory_equal(out, "****", 4);
}

static void
test_workers__tp_execlog_fmt__secret_headers(void **state)
{
    (void) state;
    assert_true(tp_xlog_secret_header(str("Authorization"), NULL));
    assert_true(tp_xlog_secret_header(str("x-api-key"), NULL));
    assert_true(tp_xlog_secret_header(str("COOKIE"), NULL));
    assert_true(tp_xlog_secret_header(str("X-Amz-Security-Token"), NULL));
    assert_false(tp_xlog_secret_header(str("Accept"), NULL));
    assert_false(tp_xlog_secret_header(str("Authorizatio"), NULL));
    /* an authorizer's identity header */
    assert_true(tp_xlog_secret_header(str("X-Token"), "x-token"));
    assert_false(tp_xlog_secret_header(str("X-Token"), "x-other"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_workers__tp_execlog_fmt__line),
        cmocka_unit_test(test_workers__tp_execlog_fmt__cut_at_1024),
        cmocka_unit_test(test_workers__tp_execlog_fmt__mask),
        cmocka_unit_test(test_workers__tp_execlog_fmt__secret_headers),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
