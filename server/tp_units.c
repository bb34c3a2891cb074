/*
 * tp_units.c: config value units.  Pure; used by the master's config loader.
 */
#include "tp_units.h"

int
tp_units_size(const char *s, uint64_t *out)
{
    uint64_t v = 0, mul = 1;
    const char *p = s;

    if (*p < '0' || *p > '9') {
        return TP_ERROR;
    }
    while (*p >= '0' && *p <= '9') {
        uint64_t d = (uint64_t) (*p++ - '0');

        if (v > UINT64_MAX / 10 || (v == UINT64_MAX / 10
                && d > UINT64_MAX % 10))
        {
            return TP_ERROR;
        }
        v = v * 10 + d;
    }
    switch (*p) {
    case 'k': case 'K': mul = 1024ULL; p++; break;
    case 'm': case 'M': mul = 1024ULL * 1024; p++; break;
    case 'g': case 'G': mul = 1024ULL * 1024 * 1024; p++; break;
    default: break;
    }
    if (*p == 'b' || *p == 'B') {
        p++;
    }
    if (*p != '\0' || (v != 0 && v > UINT64_MAX / mul)) {
        return TP_ERROR;
    }
    *out = v * mul;
    return TP_OK;
}
