/*
 * tp_reqid.c: request id generation.  Workers only.
 */
#include "tp_reqid.h"
#include "tp_worker.h"

#include <sys/random.h>
#include <time.h>
#include <unistd.h>

static uint64_t
reqid_next(uint64_t s[2])
{
    uint64_t x = s[0], y = s[1];

    /* xorshift128+: ids need uniqueness, not secrecy. */
    s[0] = y;
    x ^= x << 23;
    s[1] = x ^ y ^ (x >> 17) ^ (y >> 26);
    return s[1] + y;
}

void
tp_reqid_seed(struct tp_worker *w)
{
    if (getrandom(w->rng, sizeof(w->rng), 0) != (ssize_t) sizeof(w->rng)) {
        w->rng[0] = (uint64_t) time(NULL) ^ ((uint64_t) getpid() << 32);
        w->rng[1] = 0x9e3779b97f4a7c15ULL ^ (uint64_t) clock();
    }
    if ((w->rng[0] | w->rng[1]) == 0) {
        w->rng[1] = 1;
    }
}

/* Formats 128 bits as a version-4 UUID (the version/variant bits set). */
static void
reqid_format(uint8_t b[16], char out[37])
{
    static const char hex[] = "0123456789abcdef";
    int i, o = 0;

    b[6] = (uint8_t) ((b[6] & 0x0f) | 0x40);   /* version 4 */
    b[8] = (uint8_t) ((b[8] & 0x3f) | 0x80);   /* RFC 4122 variant */
    for (i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10) {
            out[o++] = '-';
        }
        out[o++] = hex[b[i] >> 4];
        out[o++] = hex[b[i] & 15];
    }
    out[o] = '\0';
}

/* The short id from the UUID's value as two big-endian halves. */
static void
reqid_short_bits(uint64_t hi, uint64_t lo, char out[17])
{
    static const char b64[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    /* Fold the 128 bits into the 90 that 15 characters hold, so that every
     * bit of the UUID matters. */
    uint64_t x = hi ^ (lo * 0x9e3779b97f4a7c15ULL);
    int n;

    for (n = 0; n < 10; n++) {
        out[n] = b64[(x >> (n * 6)) & 63];
    }
    for (; n < 15; n++) {
        out[n] = b64[(lo >> ((n - 10) * 6)) & 63];
    }
    out[15] = '=';
    out[16] = '\0';
}

static uint64_t
reqid_be64(const uint8_t *b)
{
    uint64_t v = 0;
    int i;

    for (i = 0; i < 8; i++) {
        v = (v << 8) | b[i];
    }
    return v;
}

void
tp_reqid_new(struct tp_worker *w, char out[37])
{
    uint8_t b[16];
    uint64_t a = reqid_next(w->rng), c = reqid_next(w->rng);

    memcpy(b, &a, 8);
    memcpy(b + 8, &c, 8);
    reqid_format(b, out);
}

void
tp_reqid_pair(struct tp_worker *w, char uuid[37], char short_id[17])
{
    uint8_t b[16];
    uint64_t a = reqid_next(w->rng), c = reqid_next(w->rng);

    memcpy(b, &a, 8);
    memcpy(b + 8, &c, 8);
    reqid_format(b, uuid);
    reqid_short_bits(reqid_be64(b), reqid_be64(b + 8), short_id);
}

void
tp_reqid_short(const char *uuid, char out[17])
{
    uint64_t half[2] = { 0, 0 };
    int i, k = 0;

    for (i = 0; uuid[i] != '\0' && k < 32; i++) {
        char ch = uuid[i];

        if (ch == '-') {
            continue;
        }
        half[k >> 4] = (half[k >> 4] << 4) | (uint64_t) (ch <= '9'
            ? ch - '0' : (ch | 0x20) - 'a' + 10);
        k++;
    }
    reqid_short_bits(half[0], half[1], out);
}

bool
tp_reqid_valid(const char *s, size_t len)
{
    size_t i;

    if (len != 36) {
        return false;
    }
    for (i = 0; i < 36; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        char ch = s[i];

        if (dash ? ch != '-' : !((ch >= '0' && ch <= '9')
                || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F')))
        {
            return false;
        }
    }
    return true;
}
