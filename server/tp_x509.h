/*
 * tp_x509.h: X.509 certificate fields as text, in the forms API Gateway
 * shows for mutual TLS ($context.identity.clientCert.*, auth.md 9): DNs as
 * comma-joined RDNs in certificate order ("C=US,O=Example,CN=My Client"),
 * the serial as colon-separated hex bytes, times as OpenSSL prints them
 * ("May 28 12:30:02 2019 GMT"), the certificate as PEM.  Pure: used by
 * workers (request variables) and by the master (truststore warnings).
 */
#ifndef TP_X509_H
#define TP_X509_H

#include "tp_core.h"
#include "tp_arena.h"

#include <openssl/x509.h>

/* Each returns the text in <a>, or TP_NULL_STR when out of memory. */
struct tp_str tp_x509_dn(struct tp_arena *a, const X509_NAME *n);
struct tp_str tp_x509_serial(struct tp_arena *a, const X509 *x);
struct tp_str tp_x509_time(struct tp_arena *a, const ASN1_TIME *t);
struct tp_str tp_x509_pem(struct tp_arena *a, X509 *x);

#endif /* TP_X509_H */
