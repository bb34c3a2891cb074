/*
 * tp_b64url.h: base64url (RFC 4648 section 5) as JOSE uses it (RFC 7515
 * section 2): no padding, no line breaks, no blanks.  Pure, no
 * allocation.  Used by the JWKS and JWT code in workers and the master.
 */
#ifndef TP_B64URL_H
#define TP_B64URL_H

#include "tp_core.h"

/* Room the decoding of <n> characters needs (an upper bound). */
#define TP_B64URL_DEC_MAX(n)  ((n) / 4 * 3 + 2)

/* Exact length of the encoding of <n> bytes. */
#define TP_B64URL_ENC_LEN(n)  ((n) / 3 * 4 + ((n) % 3 == 0 ? 0 : (n) % 3 + 1))

/*
 * Decodes <in, len> into <out> (TP_B64URL_DEC_MAX(len) bytes), the
 * length in *<outlen>.  Strict, so that one byte string has one text (a
 * token's signed text is its identity): only A-Z a-z 0-9 - _, no '=',
 * a length that is not 1 mod 4, and the unused low bits of the last
 * character zero.  TP_ERROR otherwise (*<outlen> unspecified).
 */
int tp_b64url_decode(const char *in, size_t len, unsigned char *out,
    size_t *outlen);

/* Encodes <in, len> into <out> (TP_B64URL_ENC_LEN(len) bytes, no NUL);
 * returns that length. */
size_t tp_b64url_encode(const unsigned char *in, size_t len, char *out);

#endif /* TP_B64URL_H */
