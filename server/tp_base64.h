/*
 * tp_base64.h: standard base64 (RFC 4648 section 4) as Lambda proxy
 * events and answers use it: '+' and '/', '=' padding.  Pure, no
 * allocation.  (JOSE's base64url is tp_b64url.h.)
 */
#ifndef TP_BASE64_H
#define TP_BASE64_H

#include "tp_core.h"

/* Exact length of the encoding of <n> bytes (padded). */
#define TP_BASE64_ENC_LEN(n)  (((n) + 2) / 3 * 4)

/* Room the decoding of <n> characters needs (an upper bound). */
#define TP_BASE64_DEC_MAX(n)  ((n) / 4 * 3 + 3)

/* Encodes <in, len> into <out> (TP_BASE64_ENC_LEN(len) bytes, no NUL);
 * returns that length. */
size_t tp_base64_encode(const unsigned char *in, size_t len, char *out);

/*
 * Decodes <in, len> into <out> (TP_BASE64_DEC_MAX(len) bytes), the length
 * in *<outlen>.  Padding may be present or left off (both are seen from
 * runtimes); anything else outside the alphabet, padding in the middle,
 * or a length of 1 mod 4 is TP_ERROR.
 */
int tp_base64_decode(const char *in, size_t len, unsigned char *out,
    size_t *outlen);

#endif /* TP_BASE64_H */
