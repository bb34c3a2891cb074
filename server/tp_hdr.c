/*
 * tp_hdr.c: header name lookup and small number formatting for the hot
 * path (no printf family there).  Pure; used by workers.
 */
#include "tp_hdr.h"

/* ASCII case-insensitive equality of <n> bytes; <lit> is lower case. */
static bool
hdr_eq(const char *p, const char *lit, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if ((p[i] | 0x20) != lit[i]) {
            return false;            /* '|0x20' is exact for these names */
        }
    }
    return true;
}

#define IS(lit, id) \
    if (hdr_eq(name, lit, sizeof(lit) - 1)) return id

enum tp_hdr_id
tp_hdr_lookup(const char *name, size_t len)
{
    /* The '-' in these names survives '|0x20' unchanged (0x2d). */
    switch (len) {
    case 2:
        IS("te", TP_HDR_TE);
        break;
    case 4:
        IS("host", TP_HDR_HOST);
        IS("date", TP_HDR_DATE);
        break;
    case 6:
        IS("expect", TP_HDR_EXPECT);
        break;
    case 7:
        IS("trailer", TP_HDR_TRAILER);
        IS("upgrade", TP_HDR_UPGRADE);
        break;
    case 10:
        IS("connection", TP_HDR_CONNECTION);
        IS("keep-alive", TP_HDR_KEEP_ALIVE);
        break;
    case 14:
        IS("content-length", TP_HDR_CONTENT_LENGTH);
        break;
    case 15:
        IS("x-forwarded-for", TP_HDR_X_FORWARDED_FOR);
        break;
    case 16:
        IS("proxy-connection", TP_HDR_PROXY_CONNECTION);
        IS("x-forwarded-port", TP_HDR_X_FORWARDED_PORT);
        break;
    case 17:
        IS("transfer-encoding", TP_HDR_TRANSFER_ENCODING);
        IS("x-forwarded-proto", TP_HDR_X_FORWARDED_PROTO);
        break;
    default:
        break;
    }
    return TP_HDR_OTHER;
}

void
tp_hdr_value_copy(char *out, const char *v, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        out[i] = v[i] == '\r' || v[i] == '\n' || v[i] == '\0' ? ' ' : v[i];
    }
}

/* The number of decimal digits of <v>: compares, cheaper than dividing. */
static size_t
fmt_digits(uint64_t v)
{
    uint64_t t = 10;
    size_t n = 1;

    while (n < 20 && v >= t) {       /* 10^19 is the last power that fits */
        n++;
        t *= 10;
    }
    return n;
}

/*
 * Numbers on the hot path are short (a status, a length): the digits are
 * written from the end, two per division, straight into place.
 */
char *
tp_fmt_u64(char *p, uint64_t v)
{
    static const char pairs[] =
        "00010203040506070809101112131415161718192021222324"
        "25262728293031323334353637383940414243444546474849"
        "50515253545556575859606162636465666768697071727374"
        "75767778798081828384858687888990919293949596979899";
    char *end, *q;
    size_t d;

    /* the usual ones, a status or a short length, without the loops */
    if (v < 10) {
        *p = (char) ('0' + v);
        return p + 1;
    }
    if (v < 100) {
        memcpy(p, pairs + v * 2, 2);
        return p + 2;
    }
    if (v < 1000) {
        *p = (char) ('0' + v / 100);
        memcpy(p + 1, pairs + (v % 100) * 2, 2);
        return p + 3;
    }
    end = q = p + fmt_digits(v);
    while (v >= 100) {
        d = (size_t) (v % 100) * 2;
        v /= 100;
        *--q = pairs[d + 1];
        *--q = pairs[d];
    }
    if (v >= 10) {
        d = (size_t) v * 2;
        *--q = pairs[d + 1];
        *--q = pairs[d];
    } else {
        *--q = (char) ('0' + v);
    }
    return end;
}

char *
tp_fmt_hex(char *p, uint64_t v)
{
    static const char hex[] = "0123456789abcdef";
    char tmp[16];
    size_t n = 0;

    do {
        tmp[n++] = hex[v & 15];
        v >>= 4;
    } while (v != 0);
    while (n > 0) {
        *p++ = tmp[--n];
    }
    return p;
}
