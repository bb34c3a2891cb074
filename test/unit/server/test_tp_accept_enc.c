/*
 * test_tp_accept_enc.c: unit tests of Accept-Encoding negotiation
 * (tp_accept_enc.c): API Gateway's documented examples, the RFC 9110
 * list and weight syntax, malformed elements, and the coding names.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tp_accept_enc.h"

#define ID   TP_CODING_IDENTITY
#define GZIP TP_CODING_GZIP
#define DEFL TP_CODING_DEFLATE

static const char *
coding_name(enum tp_coding c)
{
    return c == GZIP ? "gzip" : c == DEFL ? "deflate" : "identity";
}

/* The header value <v> must choose <want>; checked on an exact copy. */
static void
want(const char *v, enum tp_coding want_c)
{
    size_t n = strlen(v);
    char *copy = malloc(n > 0 ? n : 1);
    enum tp_coding got;

    assert_non_null(copy);
    memcpy(copy, v, n);
    got = tp_accept_enc_choose(copy, n, true);
    free(copy);
    if (got != want_c) {
        fail_msg("\"%s\": %s, want %s", v, coding_name(got),
                 coding_name(want_c));
    }
}

static void
test_server__tp_accept_enc__absent(void **state)
{
    (void) state;
    assert_int_equal(tp_accept_enc_choose(NULL, 0, false), ID);
    /* Absence wins over whatever the pointer holds. */
    assert_int_equal(tp_accept_enc_choose("gzip", 4, false), ID);
}

/* The forms rest-api.md 12 lists, and its rules. */
static void
test_server__tp_accept_enc__aws_examples(void **state)
{
    (void) state;
    want("deflate,gzip", GZIP);
    want("", ID);
    want("*", GZIP);
    want("deflate;q=0.5,gzip;q=1.0", GZIP);
    want("gzip;q=1.0,identity;q=0.5,*;q=0", GZIP);
    want("gzip", GZIP);
    want("deflate", DEFL);
    want("identity", ID);
    want("br", ID);
    want("br;q=1,gzip;q=0.9", ID);          /* best must be supported */
    want("br;q=1,deflate;q=0.9,*;q=0.8", ID);
    want("gzip;q=0", ID);
    want("*;q=0", ID);
    want("identity;q=0", ID);               /* never 406 */
    want("identity;q=0,*;q=0", ID);
    want("gzip;q=0,deflate;q=0,identity;q=0", ID);
}

static void
test_server__tp_accept_enc__weights(void **state)
{
    (void) state;
    want("gzip;q=0.5,deflate;q=0.6", DEFL);
    want("gzip;q=0.6,deflate;q=0.5", GZIP);
    want("gzip;q=0.5,deflate;q=0.5", GZIP);  /* ties prefer gzip */
    want("deflate;q=0.001,gzip;q=0", DEFL);
    want("deflate;q=0.001", DEFL);
    want("gzip;q=0.999,deflate;q=1", DEFL);
    want("gzip;q=0.999,deflate", DEFL);
    want("gzip;q=0.1,deflate;q=0.05", GZIP);  /* 0.1 > 0.05 */
    want("gzip;q=0.10,deflate;q=0.100", GZIP);
    want("gzip;q=1.,deflate;q=0.", GZIP);
    want("deflate;q=1.000,gzip;q=0.", DEFL);
    want("identity;q=1,gzip;q=0.5", ID);     /* the client prefers none */
    want("gzip,identity", GZIP);             /* ties prefer compressing */
    want("identity,deflate", DEFL);
    want("br,gzip", GZIP);                   /* one of the best is ours */
    want("br;q=0.5,gzip;q=0.4", ID);
    want("identity;q=0.5,gzip;q=0.4", ID);
}

/* "*" stands for every coding not listed. */
static void
test_server__tp_accept_enc__star(void **state)
{
    (void) state;
    want("*;q=0.5", GZIP);
    want("gzip;q=0,*", DEFL);                /* gzip explicitly refused */
    want("gzip;q=0,deflate;q=0,*", ID);
    want("*,gzip;q=0.5", DEFL);              /* deflate via "*" is best */
    want("*;q=0.5,deflate", DEFL);
    want("*;q=0.5,br", ID);
    want("*;q=0.5,identity", ID);
    want("*,identity;q=0", GZIP);
    want("deflate;q=0,*;q=0.3", GZIP);
    want("*;q=0,gzip", GZIP);
    want("*;q=0,deflate;q=0.2", DEFL);
}

static void
test_server__tp_accept_enc__case_and_space(void **state)
{
    (void) state;
    want("GZIP", GZIP);
    want("Deflate", DEFL);
    want("X-GZIP", GZIP);
    want("x-gzip;q=0.5,deflate;q=0.4", GZIP);
    want("gzip;Q=0,deflate", DEFL);
    want("IDENTITY;Q=1,GZIP;Q=0.5", ID);
    want("  gzip  ", GZIP);
    want("\tdeflate\t", DEFL);
    want("gzip ; q=0.5 , deflate ; q=0.6", DEFL);
    want("gzip;q = 0.5,deflate;q= 0.4", GZIP);
    want("gzip;\tq=0,\tdeflate", DEFL);
    want(" , ,gzip,, ,", GZIP);
    want(",", ID);
    want("   ", ID);
}

/* A malformed element is skipped; the rest of the list still counts. */
static void
test_server__tp_accept_enc__garbage(void **state)
{
    (void) state;
    want("gzip;q=abc", ID);
    want("gzip;q=abc,deflate", DEFL);
    want("deflate;q=0.5,gzip;q=2", DEFL);
    want("deflate;q=0.5,gzip;q=1.5", DEFL);
    want("deflate;q=0.5,gzip;q=1.001", DEFL);
    want("deflate;q=0.5,gzip;q=0.1234", DEFL);
    want("deflate;q=0.5,gzip;q=-1", DEFL);
    want("deflate;q=0.5,gzip;q=.5", DEFL);
    want("deflate;q=0.5,gzip;q=", DEFL);
    want("deflate;q=0.5,gzip;q", DEFL);
    want("deflate;q=0.5,gzip;", DEFL);
    want("deflate;q=0.5,gzip;q=0.5x", DEFL);
    want("deflate;q=0.5,gzip;q=0.5 x", DEFL);
    want("deflate;q=0.5,gzip;q=1;q=1", DEFL);
    want("deflate;q=0.5,gzip;level=9", DEFL);
    want("deflate;q=0.5,gzip q=1", DEFL);
    want("deflate;q=0.5,gz ip", DEFL);
    want("deflate;q=0.5,\"gzip\"", DEFL);
    want("deflate;q=0.5,;q=1", DEFL);
    want("br;q=junk,gzip;q=0.5", GZIP);      /* br ignored, not best */
    want("gzip;q=0e0,deflate;q=1e-3", ID);
    want("gzip;q=0x1", ID);
    want("gzip;q=+1", ID);
    want("gzip;q=1.0000", ID);
    want("\x01gzip", ID);
    want("gzip\x7f", ID);
    want("gzip\xff;q=1,deflate;q=0.1", DEFL);
}

/* The value is read by length: no terminator needed, NULs are data. */
static void
test_server__tp_accept_enc__lengths(void **state)
{
    static const char v[] = "deflate;q=0.5,gzip\0;q=1";

    (void) state;
    assert_int_equal(tp_accept_enc_choose(v, sizeof(v) - 1, true), DEFL);
    assert_int_equal(tp_accept_enc_choose(v, 7, true), DEFL);
    assert_int_equal(tp_accept_enc_choose(v, 13, true), DEFL);
    assert_int_equal(tp_accept_enc_choose(v, 14, true), DEFL);
    assert_int_equal(tp_accept_enc_choose(v, 18, true), GZIP);
    assert_int_equal(tp_accept_enc_choose(v, 10, true), ID);  /* ";q" */
    assert_int_equal(tp_accept_enc_choose(v, 0, true), ID);
}

/* Hundreds of elements; the best one anywhere. */
static void
test_server__tp_accept_enc__long_list(void **state)
{
    size_t cap = 64 * 1024, n = 0, i;
    char *v = malloc(cap);

    (void) state;
    assert_non_null(v);
    for (i = 0; i < 2000; i++) {
        n += (size_t) snprintf(v + n, cap - n, "x-coding-%zu;q=0.%03zu, ",
                               i, i % 900);
    }
    strcpy(v + n, "deflate;q=0.95, gzip;q=0.9");
    n += strlen(v + n);
    assert_true(n < cap);
    assert_int_equal(tp_accept_enc_choose(v, n, true), DEFL);
    n += (size_t) snprintf(v + n, cap - n, ",br;q=0.951");
    assert_int_equal(tp_accept_enc_choose(v, n, true), ID);
    n += (size_t) snprintf(v + n, cap - n, ",gzip;q=0.951");
    assert_int_equal(tp_accept_enc_choose(v, n, true), GZIP);
    /* Repeated codings keep their highest weight. */
    assert_int_equal(tp_accept_enc_choose(
        "gzip;q=0,gzip;q=0.3,deflate;q=0.2", 33, true), GZIP);
    free(v);
}

static void
test_server__tp_accept_enc__lookup(void **state)
{
    static const struct {
        const char *name;
        int rc;
        enum tp_coding c;
    } cases[] = {
        { "gzip", TP_OK, GZIP }, { "GZip", TP_OK, GZIP },
        { "x-gzip", TP_OK, GZIP }, { "X-Gzip", TP_OK, GZIP },
        { "deflate", TP_OK, DEFL }, { "DEFLATE", TP_OK, DEFL },
        { "identity", TP_OK, ID }, { "Identity", TP_OK, ID },
        { "br", TP_DECLINED, ID }, { "compress", TP_DECLINED, ID },
        { "x-compress", TP_DECLINED, ID }, { "zstd", TP_DECLINED, ID },
        { "*", TP_DECLINED, ID }, { "", TP_DECLINED, ID },
        { "gzi", TP_DECLINED, ID }, { "gzipp", TP_DECLINED, ID },
        { "x-deflate", TP_DECLINED, ID }, { " gzip", TP_DECLINED, ID },
    };
    enum tp_coding c;
    size_t i;

    (void) state;
    for (i = 0; i < TP_NELEM(cases); i++) {
        c = (enum tp_coding) 99;
        if (tp_coding_lookup(cases[i].name, strlen(cases[i].name), &c)
            != cases[i].rc)
        {
            fail_msg("\"%s\": wrong result", cases[i].name);
        }
        if (cases[i].rc == TP_OK && c != cases[i].c) {
            fail_msg("\"%s\": %s", cases[i].name, coding_name(c));
        }
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_server__tp_accept_enc__absent),
        cmocka_unit_test(test_server__tp_accept_enc__aws_examples),
        cmocka_unit_test(test_server__tp_accept_enc__weights),
        cmocka_unit_test(test_server__tp_accept_enc__star),
        cmocka_unit_test(test_server__tp_accept_enc__case_and_space),
        cmocka_unit_test(test_server__tp_accept_enc__garbage),
        cmocka_unit_test(test_server__tp_accept_enc__lengths),
        cmocka_unit_test(test_server__tp_accept_enc__long_list),
        cmocka_unit_test(test_server__tp_accept_enc__lookup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
