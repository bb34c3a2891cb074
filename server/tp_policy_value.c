/*
 * tp_policy_value.c: the value forms IAM policies compare (tp_policy_int.h):
 * wildcard patterns, ARNs part by part, numbers, ISO 8601 and epoch
 * times (addresses and CIDRs are server/tp_cidr.c's).  Used on both
 * sides: to compile a policy's values and to read a request's condition
 * keys, so both are understood the same way.  Pure.
 */
#include "tp_policy_int.h"

#include <ctype.h>
#include <stdlib.h>

static inline unsigned char
pol_fold(unsigned char ch, bool ci)
{
    return ci && ch >= 'A' && ch <= 'Z' ? (unsigned char) (ch + 32) : ch;
}

bool
tp_pol_glob(const char *pat, size_t pn, const char *s, size_t sn, bool ci)
{
    size_t p = 0, i = 0, star_p = SIZE_MAX, star_i = 0;

    /* Greedy with one backtrack point (the last '*'): O(pn * sn) at
     * worst, never exponential. */
    while (i < sn) {
        if (p < pn && pat[p] == '*') {
            star_p = p++;
            star_i = i;
        } else if (p < pn && (pat[p] == '?'
                   || pol_fold((unsigned char) pat[p], ci)
                      == pol_fold((unsigned char) s[i], ci)))
        {
            p++;
            i++;
        } else if (star_p != SIZE_MAX) {
            p = star_p + 1;
            i = ++star_i;
        } else {
            return false;
        }
    }
    while (p < pn && pat[p] == '*') {
        p++;
    }
    return p == pn;
}

/* The end of ':'-part <k> (0-based) of <s, n> for k < 5; the last part
 * runs to the end.  Returns the number of parts found (at most 6) and
 * their bounds in <b> (b[k] start, b[k+1] - 1 its end). */
static int
pol_arn_parts(const char *s, size_t n, size_t b[7])
{
    int k = 0;
    size_t i;

    b[0] = 0;
    for (i = 0; i < n && k < 5; i++) {
        if (s[i] == ':') {
            b[++k] = i + 1;
        }
    }
    b[k + 1] = n + 1;
    return k + 1;
}

bool
tp_pol_arn_match(const char *pat, size_t pn, const char *s, size_t sn)
{
    size_t pb[7], sb[7];
    int np = pol_arn_parts(pat, pn, pb), ns = pol_arn_parts(s, sn, sb), k;

    if (ns < 6) {
        return false;                /* not an ARN */
    }
    if (np < 6) {
        /* A pattern cut short ("arn:aws:execute-api:*") may reach past
         * the ':'s only through a trailing '*' (IAM's rule). */
        return pn > 0 && pat[pn - 1] == '*'
               && tp_pol_glob(pat, pn, s, sn, false);
    }
    for (k = 0; k < 6; k++) {
        if (!tp_pol_glob(pat + pb[k], pb[k + 1] - 1 - pb[k], s + sb[k],
                sb[k + 1] - 1 - sb[k], false))
        {
            return false;
        }
    }
    return true;
}

int
tp_pol_parse_number(const char *s, size_t len, double *out)
{
    char tmp[64], *end;
    size_t i = 0;

    /* JSON's number grammar: no hex, inf, nan or blanks. */
    if (len == 0 || len >= sizeof(tmp)) {
        return TP_ERROR;
    }
    if (s[i] == '-') {
        i++;
    }
    if (i == len || !isdigit((unsigned char) s[i])) {
        return TP_ERROR;
    }
    while (i < len && isdigit((unsigned char) s[i])) {
        i++;
    }
    if (i < len && s[i] == '.') {
        if (++i == len || !isdigit((unsigned char) s[i])) {
            return TP_ERROR;
        }
        while (i < len && isdigit((unsigned char) s[i])) {
            i++;
        }
    }
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-')) {
            i++;
        }
        if (i == len || !isdigit((unsigned char) s[i])) {
            return TP_ERROR;
        }
        while (i < len && isdigit((unsigned char) s[i])) {
            i++;
        }
    }
    if (i != len) {
        return TP_ERROR;
    }
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    *out = strtod(tmp, &end);
    return TP_OK;
}

/* <n> decimal digits at <s>: their value, or -1. */
static int
pol_digits(const char *s, size_t len, size_t at, int n)
{
    int v = 0, i;

    if (at + (size_t) n > len) {
        return -1;
    }
    for (i = 0; i < n; i++) {
        if (!isdigit((unsigned char) s[at + (size_t) i])) {
            return -1;
        }
        v = v * 10 + (s[at + (size_t) i] - '0');
    }
    return v;
}

/* Days from 1970-01-01 to <y-m-d> (proleptic Gregorian). */
static int64_t
pol_days(int64_t y, int m, int d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static bool
pol_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Epoch seconds: digits with an optional '-' and fraction. */
static int
pol_parse_epoch(const char *s, size_t len, int64_t *ms)
{
    double v;

    if (tp_pol_parse_number(s, len, &v) != TP_OK || memchr(s, 'e', len)
        || memchr(s, 'E', len) || v > 9.2e15 || v < -9.2e15)
    {
        return TP_ERROR;
    }
    *ms = (int64_t) (v * 1000.0);
    return TP_OK;
}

/* The time of day and zone after "YYYY-MM-DDT": HH:MM[:SS[.f]] then Z,
 * +HH:MM, +HHMM, +HH or nothing (UTC). */
static int
pol_parse_tod(const char *s, size_t len, size_t i, int64_t *ms)
{
    int hh, mi, ss = 0, zh, zm = 0, sign;
    int64_t frac = 0, scale = 100;

    if ((hh = pol_digits(s, len, i, 2)) < 0 || hh > 23 || i + 2 >= len
        || s[i + 2] != ':' || (mi = pol_digits(s, len, i + 3, 2)) < 0
        || mi > 59)
    {
        return TP_ERROR;
    }
    i += 5;
    if (i < len && s[i] == ':') {
        if ((ss = pol_digits(s, len, i + 1, 2)) < 0 || ss > 60) {
            return TP_ERROR;
        }
        i += 3;
        if (i < len && (s[i] == '.' || s[i] == ',')) {
            if (++i == len || !isdigit((unsigned char) s[i])) {
                return TP_ERROR;
            }
            for (; i < len && isdigit((unsigned char) s[i]); i++) {
                frac += (s[i] - '0') * scale;
                scale /= 10;
            }
        }
    }
    *ms += ((int64_t) hh * 3600 + mi * 60 + ss) * 1000 + frac;
    if (i == len) {
        return TP_OK;
    }
    if (s[i] == 'Z' || s[i] == 'z') {
        return i + 1 == len ? TP_OK : TP_ERROR;
    }
    if (s[i] != '+' && s[i] != '-') {
        return TP_ERROR;
    }
    sign = s[i] == '+' ? 1 : -1;
    if ((zh = pol_digits(s, len, i + 1, 2)) < 0 || zh > 23) {
        return TP_ERROR;
    }
    i += 3;
    if (i < len && s[i] == ':') {
        i++;
    }
    if (i < len && ((zm = pol_digits(s, len, i, 2)) < 0 || zm > 59)) {
        return TP_ERROR;
    }
    if (i < len && i + 2 != len) {
        return TP_ERROR;
    }
    *ms -= sign * ((int64_t) zh * 3600 + zm * 60) * 1000;
    return TP_OK;
}

int
tp_pol_parse_date(const char *s, size_t len, int64_t *ms)
{
    static const int mdays[12] = {
        31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
    };
    int y, mo, d;

    if (len < 10 || s[4] != '-' || s[7] != '-') {
        return pol_parse_epoch(s, len, ms);
    }
    if ((y = pol_digits(s, len, 0, 4)) < 0
        || (mo = pol_digits(s, len, 5, 2)) < 1 || mo > 12
        || (d = pol_digits(s, len, 8, 2)) < 1
        || d > mdays[mo - 1] + (mo == 2 && pol_leap(y)))
    {
        return TP_ERROR;
    }
    *ms = pol_days(y, mo, d) * 86400 * 1000;
    if (len == 10) {
        return TP_OK;
    }
    if (s[10] != 'T' && s[10] != 't') {
        return TP_ERROR;
    }
    return pol_parse_tod(s, len, 11, ms);
}
