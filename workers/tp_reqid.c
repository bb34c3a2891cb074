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

void
tp_reqid_new(struct tp_worker *w, char out[37])
{
    static const char hex[] = "0123456789abcdef";
    uint8_t b[16];
    uint64_t a = reqid_next(w->rng), c = reqid_next(w->rng);
    int i, o = 0;

    memcpy(b, &a, 8);
    memcpy(b + 8, &c, 8);
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

void
tp_reqid_short(const char *uuid, char out[17])
{
    static const char b64[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    uint64_t half[2] = { 0, 0 }, hi, lo, x;
    int n = 0, i, k = 0;

    /* The UUID's 128 bits, folded into the 90 that 15 characters hold so
     * that every bit of the UUID matters. */
    for (i = 0; uuid[i] != '\0' && k < 32; i++) {
        char ch = uuid[i];

        if (ch == '-') {
            continue;
        }
        half[k >> 4] = (half[k >> 4] << 4) | (uint64_t) (ch <= '9'
            ? ch - '0' : (ch | 0x20) - 'a' + 10);
        k++;
    }
    hi = half[0];
    lo = half[1];
    x = hi ^ (lo * 0x9e3779b97f4a7c15ULL);
    for (n = 0; n < 10; n++) {
        out[n] = b64[(x >> (n * 6)) & 63];
    }
    for (; n < 15; n++) {
        out[n] = b64[(lo >> ((n - 10) * 6)) & 63];
    }
    out[15] = '=';
    out[16] = '\0';
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
