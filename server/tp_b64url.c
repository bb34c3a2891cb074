/*
 * tp_b64url.c: strict base64url without padding (see tp_b64url.h).  One
 * pass, a few comparisons a character, no allocation: hostile input costs
 * only its length.
 */
#include "tp_b64url.h"

#define BAD 64

static const char b64url_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* 6-bit value of <c>, BAD outside the alphabet. */
static unsigned
b64url_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
        return c - '0' + 52;
    }
    return c == '-' ? 62 : c == '_' ? 63 : BAD;
}

int
tp_b64url_decode(const char *in, size_t len, unsigned char *out,
    size_t *outlen)
{
    const unsigned char *p = (const unsigned char *) in;
    uint32_t acc = 0;
    size_t i, o = 0;
    unsigned bits = 0, v;

    if (len % 4 == 1) {
        return TP_ERROR;             /* 6 bits cannot end a byte */
    }
    for (i = 0; i < len; i++) {
        v = b64url_value(p[i]);
        if (v == BAD) {
            return TP_ERROR;
        }
        acc = (acc << 6) | v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (unsigned char) (acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    if (acc != 0) {
        return TP_ERROR;             /* non-zero padding bits: another
                                        text for the same bytes */
    }
    *outlen = o;
    return TP_OK;
}

size_t
tp_b64url_encode(const unsigned char *in, size_t len, char *out)
{
    size_t i, o = 0;
    uint32_t v;

    for (i = 0; i + 3 <= len; i += 3) {
        v = (uint32_t) in[i] << 16 | (uint32_t) in[i + 1] << 8 | in[i + 2];
        out[o++] = b64url_alphabet[v >> 18];
        out[o++] = b64url_alphabet[(v >> 12) & 63];
        out[o++] = b64url_alphabet[(v >> 6) & 63];
        out[o++] = b64url_alphabet[v & 63];
    }
    if (len - i == 1) {
        v = (uint32_t) in[i] << 16;
        out[o++] = b64url_alphabet[v >> 18];
        out[o++] = b64url_alphabet[(v >> 12) & 63];
    } else if (len - i == 2) {
        v = (uint32_t) in[i] << 16 | (uint32_t) in[i + 1] << 8;
        out[o++] = b64url_alphabet[v >> 18];
        out[o++] = b64url_alphabet[(v >> 12) & 63];
        out[o++] = b64url_alphabet[(v >> 6) & 63];
    }
    return o;
}
