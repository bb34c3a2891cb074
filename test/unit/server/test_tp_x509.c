/*
 * test_tp_x509.c: unit tests of the certificate fields mutual TLS shows
 * as $context.identity.clientCert.* (tp_x509.c), on certificates built
 * here with OpenSSL: DNs in certificate order with RFC 2253 escaping,
 * multi-valued RDNs joined by '+', UTF-8 kept; serials as colon hex
 * (one byte, many, zero, negative); times in OpenSSL's text form with
 * the day padded by a space; the PEM round trip.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "tp_x509.h"

static struct tp_arena arena;
static EVP_PKEY *key;

static int
setup(void **state)
{
    (void) state;
    tp_arena_init(&arena, 4096);
    key = EVP_EC_gen("P-256");
    return key != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
    (void) state;
    EVP_PKEY_free(key);
    tp_arena_free(&arena);
    return 0;
}

/* Appends field=value to <n>; <set> -1 joins the previous RDN. */
static void
add(X509_NAME *n, const char *field, const char *value, int set)
{
    assert_int_equal(X509_NAME_add_entry_by_txt(n, field, MBSTRING_UTF8,
        (const unsigned char *) value, -1, -1, set), 1);
}

/* A signed certificate with <serial> (hex, "-" for negative) and times. */
static X509 *
cert(const char *serial, const char *not_before, const char *not_after)
{
    X509 *x = X509_new();
    BIGNUM *bn = NULL;
    X509_NAME *n;

    assert_non_null(x);
    assert_true(BN_hex2bn(&bn, serial) > 0);
    assert_non_null(BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)));
    BN_free(bn);
    assert_int_equal(X509_set_version(x, 2), 1);
    assert_int_equal(ASN1_TIME_set_string(X509_getm_notBefore(x),
        not_before), 1);
    assert_int_equal(ASN1_TIME_set_string(X509_getm_notAfter(x), not_after),
        1);
    n = X509_get_subject_name(x);
    add(n, "C", "US", 0);
    add(n, "ST", "Washington", 0);
    add(n, "L", "Seattle", 0);
    add(n, "O", "Amazon Web Services", 0);
    add(n, "OU", "Security", 0);
    add(n, "CN", "My Client", 0);
    n = X509_get_issuer_name(x);
    add(n, "O", "Example, Inc.", 0);
    add(n, "L", "Z\xc3\xbcrich", 0);
    add(n, "OU", "Team A", 0);
    add(n, "CN", "My CA", -1);       /* same RDN as OU: OU=Team A+CN=My CA */
    assert_int_equal(X509_set_pubkey(x, key), 1);
    assert_true(X509_sign(x, key, EVP_sha256()) > 0);
    return x;
}

static void
assert_str(struct tp_str s, const char *want)
{
    assert_non_null(s.p);
    assert_int_equal(s.len, strlen(want));
    assert_memory_equal(s.p, want, s.len);
}

static void
test_dn_in_certificate_order(void **state)
{
    X509 *x = cert("1", "20190528123002Z", "20210805093604Z");

    (void) state;
    assert_str(tp_x509_dn(&arena, X509_get_subject_name(x)),
        "C=US,ST=Washington,L=Seattle,O=Amazon Web Services,OU=Security,"
        "CN=My Client");
    X509_free(x);
}

static void
test_dn_escapes_and_utf8_and_multivalued_rdn(void **state)
{
    X509 *x = cert("1", "20190528123002Z", "20210805093604Z");

    (void) state;
    assert_str(tp_x509_dn(&arena, X509_get_issuer_name(x)),
        "O=Example\\, Inc.,L=Z\xc3\xbcrich,OU=Team A+CN=My CA");
    X509_free(x);
}

static void
test_dn_empty(void **state)
{
    X509_NAME *n = X509_NAME_new();
    struct tp_str s = tp_x509_dn(&arena, n);

    (void) state;
    assert_non_null(s.p);
    assert_int_equal(s.len, 0);
    X509_NAME_free(n);
}

static void
test_serials(void **state)
{
    static const struct { const char *hex, *want; } cases[] = {
        { "1", "01" },
        { "A1A1", "a1:a1" },
        { "0A1B2C3D4E5F60", "0a:1b:2c:3d:4e:5f:60" },
        { "7F00FF", "7f:00:ff" },
        { "80", "80" },              /* the DER sign byte is not shown */
        { "5B9C3F1E2D7A8B6C4D0E1F2A3B4C5D6E7F8091A2",
          "5b:9c:3f:1e:2d:7a:8b:6c:4d:0e:1f:2a:3b:4c:5d:6e:7f:80:91:a2" },
        { "-5", "-05" },
        { "0", "00" },
    };
    size_t i;

    (void) state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        X509 *x = cert(cases[i].hex, "20190528123002Z", "20210805093604Z");

        assert_str(tp_x509_serial(&arena, x), cases[i].want);
        X509_free(x);
    }
}

static void
test_times_openssl_text(void **state)
{
    X509 *x = cert("1", "20190528123002Z", "20210805093604Z");

    (void) state;
    assert_str(tp_x509_time(&arena, X509_get0_notBefore(x)),
        "May 28 12:30:02 2019 GMT");
    assert_str(tp_x509_time(&arena, X509_get0_notAfter(x)),
        "Aug  5 09:36:04 2021 GMT");     /* day padded with a space */
    X509_free(x);
    /* After 2049 the certificate holds a GeneralizedTime: same text. */
    x = cert("1", "20991231235959Z", "21000101000000Z");
    assert_str(tp_x509_time(&arena, X509_get0_notBefore(x)),
        "Dec 31 23:59:59 2099 GMT");
    assert_str(tp_x509_time(&arena, X509_get0_notAfter(x)),
        "Jan  1 00:00:00 2100 GMT");
    X509_free(x);
}

static void
test_pem_round_trip(void **state)
{
    X509 *x = cert("1", "20190528123002Z", "20210805093604Z"), *y;
    struct tp_str pem = tp_x509_pem(&arena, x);
    BIO *bio;

    (void) state;
    assert_non_null(pem.p);
    assert_true(pem.len > 100);
    assert_memory_equal(pem.p, "-----BEGIN CERTIFICATE-----\n", 28);
    assert_memory_equal(pem.p + pem.len - 26, "-----END CERTIFICATE-----\n",
        26);
    bio = BIO_new_mem_buf(pem.p, (int) pem.len);
    y = PEM_read_bio_X509(bio, NULL, NULL, NULL);
    assert_non_null(y);
    assert_int_equal(X509_cmp(x, y), 0);
    X509_free(y);
    BIO_free(bio);
    X509_free(x);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dn_in_certificate_order),
        cmocka_unit_test(test_dn_escapes_and_utf8_and_multivalued_rdn),
        cmocka_unit_test(test_dn_empty),
        cmocka_unit_test(test_serials),
        cmocka_unit_test(test_times_openssl_text),
        cmocka_unit_test(test_pem_round_trip),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
