/*
 * tp_forwarded.c: the RFC 7239 Forwarded header HTTP APIs send to HTTP
 * backends in place of X-Forwarded-* (http-api.md 3): the client's own
 * Forwarded elements, then its X-Forwarded-For hops as for= elements, then
 * one element for this hop.  Workers only.
 */
#include "tp_proxy_int.h"

/* RFC 9110 tchar: what a parameter value may carry without quotes. */
static bool
fw_tchar(unsigned char ch)
{
    if ((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z')
        || (ch >= 'A' && ch <= 'Z'))
    {
        return true;
    }
    return ch != '\0' && strchr("!#$%&'*+-.^_`|~", ch) != NULL;
}

/* Appends <v> as a token, or quoted (IPv6 nodes also bracketed). */
static size_t
fw_put_value(char *out, size_t len, struct tp_str v, bool node)
{
    bool token = v.len > 0, v6 = node && memchr(v.p, ':', v.len) != NULL
        && v.p[0] != '[';
    size_t i;

    for (i = 0; i < v.len && token; i++) {
        token = fw_tchar((unsigned char) v.p[i]);
    }
    if (token && !v6) {
        memcpy(out + len, v.p, v.len);
        return len + v.len;
    }
    out[len++] = '"';
    if (v6) {
        out[len++] = '[';
    }
    for (i = 0; i < v.len; i++) {
        if (v.p[i] == '"' || v.p[i] == '\\') {
            out[len++] = '\\';
        }
        out[len++] = v.p[i];
    }
    if (v6) {
        out[len++] = ']';
    }
    out[len++] = '"';
    return len;
}

static struct tp_str
fw_trim(const char *p, const char *e)
{
    while (p < e && (*p == ' ' || *p == '\t')) {
        p++;
    }
    while (e > p && (e[-1] == ' ' || e[-1] == '\t')) {
        e--;
    }
    return (struct tp_str) { p, (size_t) (e - p) };
}

struct tp_str
px_forwarded(struct tp_arena *a, struct tp_str prior, struct tp_str xff,
    struct tp_str peer, struct tp_str host, bool https)
{
    /* Worst case every byte is escaped, plus per-hop "for=\"[]\", ". */
    size_t cap = prior.len + 2 * (xff.len + peer.len + host.len)
        + 12 * (xff.len + 1) + 64, len = 0;
    char *out = tp_arena_alloc(a, cap);
    const char *p = xff.p, *e = xff.p + xff.len;

    if (out == NULL) {
        return TP_NULL_STR;
    }
    if (prior.len > 0) {
        memcpy(out, prior.p, prior.len);
        len = prior.len;
    }
    while (p != NULL && p < e) {
        const char *comma = memchr(p, ',', (size_t) (e - p));
        struct tp_str hop = fw_trim(p, comma != NULL ? comma : e);

        if (hop.len > 0) {
            if (len > 0) {
                memcpy(out + len, ", ", 2);
                len += 2;
            }
            memcpy(out + len, "for=", 4);
            len = fw_put_value(out, len + 4, hop, true);
        }
        p = comma != NULL ? comma + 1 : NULL;
    }
    if (len > 0) {
        memcpy(out + len, ", ", 2);
        len += 2;
    }
    memcpy(out + len, "for=", 4);
    len = fw_put_value(out, len + 4, peer, true);
    if (host.len > 0) {
        memcpy(out + len, ";host=", 6);
        len = fw_put_value(out, len + 6, host, false);
    }
    memcpy(out + len, https ? ";proto=https" : ";proto=http",
        https ? 12 : 11);
    len += https ? 12 : 11;
    tp_assert(len <= cap);
    return (struct tp_str) { out, len };
}
