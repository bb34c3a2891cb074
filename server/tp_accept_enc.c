/*
 * tp_accept_enc.c: Accept-Encoding negotiation for REST payload
 * compression.  Pure; the rules are in tp_accept_enc.h.  One pass over the
 * value, no allocation, so a long or hostile header costs only its length.
 */
#include "tp_accept_enc.h"

#define Q_ONE 1000          /* weights in thousandths: 3 decimals exactly */

static bool
ae_is_ows(char c)
{
    return c == ' ' || c == '\t';
}

/* tchar (RFC 9110 5.6.2). */
static bool
ae_is_tchar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
           || (c >= '0' && c <= '9')
           || (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static size_t
ae_skip_ows(const char *p, size_t i, size_t end)
{
    while (i < end && ae_is_ows(p[i])) {
        i++;
    }
    return i;
}

/* qvalue (RFC 9110 12.4.2) into thousandths; false if malformed. */
static bool
ae_qvalue(const char *p, size_t n, int *q)
{
    static const int scale[3] = { 100, 10, 1 };
    size_t i;
    int v;

    if (n == 0 || (p[0] != '0' && p[0] != '1')) {
        return false;
    }
    v = p[0] == '1' ? Q_ONE : 0;
    if (n > 1 && (p[1] != '.' || n > 5)) {
        return false;
    }
    for (i = 2; i < n; i++) {
        if (p[i] < '0' || p[i] > '9' || (v == Q_ONE && p[i] != '0')) {
            return false;
        }
        v += (p[i] - '0') * scale[i - 2];
    }
    *q = v;
    return true;
}

/*
 * Parses the element <p, n> (OWS already trimmed, not empty): its coding
 * into *<tok> and its weight into *<q>.  False if malformed.
 */
static bool
ae_element(const char *p, size_t n, struct tp_str *tok, int *q)
{
    size_t i = 0;

    while (i < n && ae_is_tchar(p[i])) {
        i++;
    }
    if (i == 0) {
        return false;
    }
    *tok = (struct tp_str) { p, i };
    *q = Q_ONE;
    i = ae_skip_ows(p, i, n);
    if (i == n) {
        return true;
    }
    if (p[i] != ';') {
        return false;
    }
    i = ae_skip_ows(p, i + 1, n);
    if (i == n || (p[i] != 'q' && p[i] != 'Q')) {
        return false;
    }
    i = ae_skip_ows(p, i + 1, n);
    if (i == n || p[i] != '=') {
        return false;
    }
    i = ae_skip_ows(p, i + 1, n);
    /* The element was trimmed: the weight runs to its end, and anything
     * after the qvalue makes it malformed. */
    return ae_qvalue(p + i, n - i, q);
}

int
tp_coding_lookup(const char *p, size_t len, enum tp_coding *out)
{
    struct tp_str s = { p, len };

    if (tp_str_caseeq(s, "gzip") || tp_str_caseeq(s, "x-gzip")) {
        *out = TP_CODING_GZIP;
    } else if (tp_str_caseeq(s, "deflate")) {
        *out = TP_CODING_DEFLATE;
    } else if (tp_str_caseeq(s, "identity")) {
        *out = TP_CODING_IDENTITY;
    } else {
        return TP_DECLINED;
    }
    return TP_OK;
}

enum tp_coding
tp_accept_enc_choose(const char *v, size_t len, bool present)
{
    int q_gzip = -1, q_deflate = -1, q_star = -1, top = 0, q;
    size_t start = 0, end, a, b;
    enum tp_coding c;
    struct tp_str tok;
    const char *comma;

    if (!present) {
        return TP_CODING_IDENTITY;
    }
    while (start < len) {
        comma = memchr(v + start, ',', len - start);
        end = comma != NULL ? (size_t) (comma - v) : len;
        a = ae_skip_ows(v, start, end);
        for (b = end; b > a && ae_is_ows(v[b - 1]); b--) {
            /* trim trailing OWS */
        }
        start = end + 1;
        if (a == b || !ae_element(v + a, b - a, &tok, &q)) {
            continue;
        }
        top = TP_MAX(top, q);
        if (tok.len == 1 && tok.p[0] == '*') {
            q_star = TP_MAX(q_star, q);
        } else if (tp_coding_lookup(tok.p, tok.len, &c) != TP_OK) {
            continue;
        } else if (c == TP_CODING_GZIP) {
            q_gzip = TP_MAX(q_gzip, q);
        } else if (c == TP_CODING_DEFLATE) {
            q_deflate = TP_MAX(q_deflate, q);
        }
    }
    /* An unlisted coding gets the weight of "*", or none at all. */
    q_gzip = q_gzip >= 0 ? q_gzip : TP_MAX(q_star, 0);
    q_deflate = q_deflate >= 0 ? q_deflate : TP_MAX(q_star, 0);
    if (top == 0) {
        return TP_CODING_IDENTITY;
    }
    if (q_gzip == top) {
        return TP_CODING_GZIP;
    }
    return q_deflate == top ? TP_CODING_DEFLATE : TP_CODING_IDENTITY;
}
