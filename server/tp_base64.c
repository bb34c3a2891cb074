/*
 * tp_base64.c: standard base64 encoding and decoding (RFC 4648 section
 * 4) for Lambda proxy bodies.  Pure.
 */
#include "tp_base64.h"

static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t
tp_base64_encode(const unsigned char *in, size_t len, char *out)
{
    size_t i, o = 0;
    uint32_t v;

    for (i = 0; i + 2 < len; i += 3) {
        v = (uint32_t) in[i] << 16 | (uint32_t) in[i + 1] << 8 | in[i + 2];
        out[o++] = alphabet[v >> 18];
        out[o++] = alphabet[(v >> 12) & 63];
        out[o++] = alphabet[(v >> 6) & 63];
        out[o++] = alphabet[v & 63];
    }
    if (i < len) {
        v = (uint32_t) in[i] << 16;
        if (i + 1 < len) {
            v |= (uint32_t) in[i + 1] << 8;
        }
        out[o++] = alphabet[v >> 18];
        out[o++] = alphabet[(v >> 12) & 63];
        out[o++] = i + 1 < len ? alphabet[(v >> 6) & 63] : '=';
        out[o++] = '=';
    }
    return o;
}

static int
b64_value(char c)
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
    return c == '+' ? 62 : c == '/' ? 63 : -1;
}

int
tp_base64_decode(const char *in, size_t len, unsigned char *out,
    size_t *outlen)
{
    uint32_t v = 0;
    size_t i, o = 0, pad = 0;
    int d;

    /* at most two '=' and only at the end of a whole quantum */
    while (pad < 2 && len > pad && in[len - 1 - pad] == '=') {
        pad++;
    }
    if (pad > 0 && len % 4 != 0) {
        return TP_ERROR;
    }
    len -= pad;
    if (len % 4 == 1) {
        return TP_ERROR;
    }
    for (i = 0; i < len; i++) {
        d = b64_value(in[i]);
        if (d < 0) {
            return TP_ERROR;
        }
        v = v << 6 | (uint32_t) d;
        if (i % 4 == 3) {
            out[o++] = (unsigned char) (v >> 16);
            out[o++] = (unsigned char) (v >> 8);
            out[o++] = (unsigned char) v;
            v = 0;
        }
    }
    if (len % 4 == 2) {
        out[o++] = (unsigned char) (v >> 4);
    } else if (len % 4 == 3) {
        out[o++] = (unsigned char) (v >> 10);
        out[o++] = (unsigned char) (v >> 2);
    }
    *outlen = o;
    return TP_OK;
}
