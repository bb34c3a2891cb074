/*
 * tp_x509.c: X.509 certificate fields as text (see tp_x509.h).  OpenSSL
 * prints into a memory BIO; the text is copied into the caller's arena.
 */
#include "tp_x509.h"

#include <openssl/bio.h>
#include <openssl/pem.h>

/*
 * RFC 2253 escaping and UTF-8, but in certificate order (no DN_REV) and
 * without escaping non-ASCII bytes: "C=US,ST=Washington,CN=My Client",
 * the form API Gateway shows.
 */
#define X509_DN_FLAGS (XN_FLAG_SEP_COMMA_PLUS | XN_FLAG_FN_SN \
    | (ASN1_STRFLGS_RFC2253 & ~ASN1_STRFLGS_ESC_MSB))

/* The bytes written to <bio>, copied into <a>; frees <bio>. */
static struct tp_str
x509_take(struct tp_arena *a, BIO *bio, bool ok)
{
    struct tp_str out = TP_NULL_STR;
    char *data, *p;
    long n;

    if (bio == NULL) {
        return out;
    }
    n = BIO_get_mem_data(bio, &data);
    if (ok && n >= 0) {
        p = tp_arena_strndup(a, n > 0 ? data : "", (size_t) n);
        if (p != NULL) {
            out = (struct tp_str) { p, (size_t) n };
        }
    }
    BIO_free(bio);
    return out;
}

struct tp_str
tp_x509_dn(struct tp_arena *a, const X509_NAME *n)
{
    BIO *bio = BIO_new(BIO_s_mem());

    return x509_take(a, bio, bio != NULL
        && X509_NAME_print_ex(bio, n, 0, X509_DN_FLAGS) >= 0);
}

struct tp_str
tp_x509_time(struct tp_arena *a, const ASN1_TIME *t)
{
    BIO *bio = BIO_new(BIO_s_mem());

    return x509_take(a, bio, bio != NULL && ASN1_TIME_print(bio, t) == 1);
}

struct tp_str
tp_x509_pem(struct tp_arena *a, X509 *x)
{
    BIO *bio = BIO_new(BIO_s_mem());

    return x509_take(a, bio, bio != NULL && PEM_write_bio_X509(bio, x) == 1);
}

/* The serial's bytes as "0a:1b:..." (big-endian, as encoded; "-" first
 * for a negative one, which RFC 5280 forbids but certificates carry). */
struct tp_str
tp_x509_serial(struct tp_arena *a, const X509 *x)
{
    static const char hex[] = "0123456789abcdef";
    const ASN1_INTEGER *s = X509_get0_serialNumber(x);
    const unsigned char *d = ASN1_STRING_get0_data(s);
    int n = ASN1_STRING_length(s), i;
    bool neg = ASN1_STRING_type(s) == V_ASN1_NEG_INTEGER;
    size_t len = 0;
    char *p;

    if (n <= 0) {
        return TP_STR("00");
    }
    p = tp_arena_alloc(a, (size_t) n * 3 + 1);
    if (p == NULL) {
        return TP_NULL_STR;
    }
    if (neg) {
        p[len++] = '-';
    }
    for (i = 0; i < n; i++) {
        if (i > 0) {
            p[len++] = ':';
        }
        p[len++] = hex[d[i] >> 4];
        p[len++] = hex[d[i] & 15];
    }
    return (struct tp_str) { p, len };
}
