/*
 * tp_sigv4_canon.c: the SigV4 canonical request for API Gateway
 * (auth.md 6.2 step 3): method, canonical URI (normalized, the wire's
 * encoding encoded again, as for every service but S3), canonical query
 * string (decoded, encoded once, sorted), canonical headers, signed
 * headers list and payload hash.  Every buffer is sized from its input
 * first and taken from the arena once, so a hostile request costs its
 * length, and nothing is read past a slice.
 */
#include "tp_sigv4_int.h"

#include <stdlib.h>

static int
cn_hexval(unsigned char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    c |= 0x20;
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int
tp_sigv4_decode(struct tp_str in, char *out, size_t *outlen,
    bool plus_space, struct tp_sigv4_canon_err *err)
{
    size_t i, o = 0;
    int hi, lo;

    for (i = 0; i < in.len; i++) {
        if (in.p[i] != '%') {
            out[o++] = plus_space && in.p[i] == '+' ? ' ' : in.p[i];
            continue;
        }
        if (in.len - i < 3) {
            err->why = TP_SIGV4_CANON_TRAILING_ESCAPE;
            err->what = (struct tp_str) { in.p + i, in.len - i };
            return TP_DECLINED;
        }
        hi = cn_hexval((unsigned char) in.p[i + 1]);
        lo = cn_hexval((unsigned char) in.p[i + 2]);
        if (hi < 0 || lo < 0) {
            err->why = TP_SIGV4_CANON_ESCAPE;
            err->what = (struct tp_str) { in.p + i, 3 };
            return TP_DECLINED;
        }
        out[o++] = (char) (hi << 4 | lo);
        i += 2;
    }
    *outlen = o;
    return TP_OK;
}

size_t
tp_sigv4_encode(const char *in, size_t len, char *out, bool keep_slash)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t i, o = 0;
    unsigned char c;

    for (i = 0; i < len; i++) {
        c = (unsigned char) in[i];
        if (tp_sigv4_unreserved(c) || (keep_slash && c == '/')) {
            out[o++] = (char) c;
        } else {
            out[o++] = '%';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 0xf];
        }
    }
    return o;
}

/* --- canonical URI --- */

/*
 * The path with "." and empty segments dropped and ".." applied, as the
 * AWS SDKs do (botocore's remove_dot_segments): a leading '/' kept, a
 * trailing one kept unless nothing is left.  <out> has room for
 * path.len + 2 bytes.
 */
static size_t
cn_normalize(struct tp_str path, char *out)
{
    size_t i, start = 0, seg, n = 0;
    const char *s;

    for (i = 0; i <= path.len; i++) {
        if (i < path.len && path.p[i] != '/') {
            continue;
        }
        s = path.p + start;
        seg = i - start;
        start = i + 1;
        if (seg == 0 || (seg == 1 && s[0] == '.')) {
            continue;
        }
        if (seg == 2 && s[0] == '.' && s[1] == '.') {
            while (n > 0 && out[--n] != '/') {
                /* back to the '/' that began the last segment */
            }
            continue;
        }
        out[n++] = '/';
        memcpy(out + n, s, seg);
        n += seg;
    }
    if (n > 0 && path.p[0] != '/') {
        memmove(out, out + 1, --n);
    }
    if (n > 0 && path.p[path.len - 1] == '/') {
        out[n++] = '/';
    }
    return n;
}

int
tp_sigv4_canon_uri(struct tp_arena *a, struct tp_str path,
    bool no_normalize, struct tp_str *out)
{
    char *norm, *enc;
    size_t n;

    if (path.len == 0) {
        *out = TP_STR("/");
        return TP_OK;
    }
    norm = (char *) path.p;
    n = path.len;
    if (!no_normalize) {
        norm = tp_arena_alloc(a, path.len + 2);
        if (norm == NULL) {
            return TP_ERROR;
        }
        n = cn_normalize(path, norm);
        if (n == 0) {
            *out = TP_STR("/");
            return TP_OK;
        }
    }
    enc = tp_arena_alloc(a, 3 * n + 1);
    if (enc == NULL) {
        return TP_ERROR;
    }
    n = tp_sigv4_encode(norm, n, enc, true);
    enc[n] = '\0';
    *out = (struct tp_str) { enc, n };
    return TP_OK;
}

/* --- canonical query string --- */

struct cn_param {
    struct tp_str name;              /* encoded */
    struct tp_str value;
};

static int
cn_strcmp(struct tp_str x, struct tp_str y)
{
    int c = memcmp(x.p, y.p, TP_MIN(x.len, y.len));

    return c != 0 ? c : x.len < y.len ? -1 : x.len > y.len;
}

static int
cn_param_cmp(const void *x, const void *y)
{
    const struct cn_param *p = x, *q = y;
    int c = cn_strcmp(p->name, q->name);

    return c != 0 ? c : cn_strcmp(p->value, q->value);
}

/* Decodes <in> into <scratch>, encodes it at *<pool>; TP_OK or TP_DECLINED. */
static int
cn_reencode(struct tp_str in, unsigned flags, char *scratch, char **pool,
    struct tp_str *out, struct tp_str *decoded,
    struct tp_sigv4_canon_err *err)
{
    size_t n;

    if (tp_sigv4_decode(in, scratch, &n, (flags & TP_SIGV4_PLUS_SPACE) != 0,
            err) != TP_OK)
    {
        return TP_DECLINED;
    }
    *decoded = (struct tp_str) { scratch, n };
    out->p = *pool;
    out->len = tp_sigv4_encode(scratch, n, *pool, false);
    *pool += out->len;
    return TP_OK;
}

static bool
cn_skipped(struct tp_str name, unsigned skip)
{
    return ((skip & TP_SIGV4_SKIP_SIGNATURE)
            && tp_str_eq(name, TP_STR("X-Amz-Signature")))
           || ((skip & TP_SIGV4_SKIP_TOKEN)
               && tp_str_eq(name, TP_STR("X-Amz-Security-Token")));
}

int
tp_sigv4_canon_query(struct tp_arena *a, struct tp_str q, unsigned skip,
    struct tp_str *out, struct tp_sigv4_canon_err *err)
{
    const char *p, *end, *amp, *eqs;
    struct cn_param *params;
    struct tp_str name, value, dec;
    char *scratch, *pool, *o;
    size_t i, n = 0, max = 1, total = 0;

    if (q.len == 0) {
        *out = TP_STR("");
        return TP_OK;
    }
    end = q.p + q.len;                   /* q.p is not NULL: q.len > 0 */
    for (i = 0; i < q.len; i++) {
        max += q.p[i] == '&';
    }
    params = tp_arena_alloc(a, max * sizeof(*params));
    scratch = tp_arena_alloc(a, q.len);
    pool = tp_arena_alloc(a, 3 * q.len);
    if (params == NULL || scratch == NULL || pool == NULL) {
        return TP_ERROR;
    }
    for (p = q.p; p < end; p = amp + 1) {
        amp = memchr(p, '&', (size_t) (end - p));
        amp = amp != NULL ? amp : end;
        if (amp == p) {
            continue;                    /* "a=1&&b=2": nothing between */
        }
        eqs = memchr(p, '=', (size_t) (amp - p));
        name = (struct tp_str) { p, (size_t) ((eqs ? eqs : amp) - p) };
        value = eqs != NULL ? (struct tp_str) { eqs + 1,
                                                (size_t) (amp - eqs - 1) }
                            : (struct tp_str) { amp, 0 };
        if (cn_reencode(name, skip, scratch, &pool, &params[n].name, &dec,
                err) != TP_OK)
        {
            return TP_DECLINED;
        }
        if (cn_skipped(dec, skip)) {
            pool = (char *) params[n].name.p;    /* give the bytes back */
            if (tp_sigv4_decode(value, scratch, &i, false, err) != TP_OK) {
                return TP_DECLINED;
            }
            continue;
        }
        if (cn_reencode(value, skip, scratch, &pool, &params[n].value, &dec,
                err) != TP_OK)
        {
            return TP_DECLINED;
        }
        total += params[n].name.len + params[n].value.len + 2;
        n++;
    }
    qsort(params, n, sizeof(*params), cn_param_cmp);
    o = tp_arena_alloc(a, total + 1);
    if (o == NULL) {
        return TP_ERROR;
    }
    out->p = o;
    for (i = 0; i < n; i++) {
        if (i > 0) {
            *o++ = '&';
        }
        memcpy(o, params[i].name.p, params[i].name.len);
        o += params[i].name.len;
        *o++ = '=';
        memcpy(o, params[i].value.p, params[i].value.len);
        o += params[i].value.len;
    }
    *o = '\0';
    out->len = (size_t) (o - out->p);
    return TP_OK;
}

/* --- canonical headers --- */

static int
cn_name_cmp(const void *x, const void *y)
{
    return cn_strcmp(*(const struct tp_str *) x, *(const struct tp_str *) y);
}

/* Whether header name <h> is <lname> (lower case) ignoring ASCII case. */
static bool
cn_name_is(struct tp_str h, struct tp_str lname)
{
    size_t i;
    unsigned char c;

    if (h.len != lname.len) {
        return false;
    }
    for (i = 0; i < h.len; i++) {
        c = (unsigned char) h.p[i];
        if ((c >= 'A' && c <= 'Z' ? c | 0x20 : c)
            != (unsigned char) lname.p[i])
        {
            return false;
        }
    }
    return true;
}

const struct tp_sigv4_hdr *
tp_sigv4_find_hdr(const struct tp_sigv4_req *req, const char *lname)
{
    struct tp_str n = { lname, strlen(lname) };
    size_t i;

    for (i = 0; i < req->nhdrs; i++) {
        if (cn_name_is(req->hdrs[i].name, n)) {
            return &req->hdrs[i];
        }
    }
    return NULL;
}

static bool
cn_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Trimall: <v> trimmed, inner runs of blanks as one space, at <o>. */
static char *
cn_trimall(struct tp_str v, char *o)
{
    bool gap = false, any = false;
    size_t i;

    for (i = 0; i < v.len; i++) {
        if (cn_space((unsigned char) v.p[i])) {
            gap = any;
            continue;
        }
        if (gap) {
            *o++ = ' ';
            gap = false;
        }
        *o++ = v.p[i];
        any = true;
    }
    return o;
}

/*
 * The names of list <l> lower-cased, sorted, without repeats or empty
 * ones, into *<names> (NULL on no memory); returns how many.
 */
static size_t
cn_signed_names(struct tp_arena *a, struct tp_str l, struct tp_str **names)
{
    size_t i, start = 0, n = 0, k, max = 1;
    char *low = tp_arena_alloc(a, l.len + 1);
    struct tp_str *v;

    for (i = 0; i < l.len; i++) {
        max += l.p[i] == ';';
        if (low != NULL) {
            low[i] = l.p[i] >= 'A' && l.p[i] <= 'Z'
                     ? (char) (l.p[i] | 0x20) : l.p[i];
        }
    }
    *names = v = tp_arena_alloc(a, max * sizeof(*v));
    if (low == NULL || v == NULL) {
        *names = NULL;
        return 0;
    }
    for (i = 0; i <= l.len; i++) {
        if (i < l.len && low[i] != ';') {
            continue;
        }
        if (i > start) {
            v[n++] = (struct tp_str) { low + start, i - start };
        }
        start = i + 1;
    }
    qsort(v, n, sizeof(*v), cn_name_cmp);
    for (i = k = 0; i < n; i++) {
        if (k == 0 || !tp_str_eq(v[k - 1], v[i])) {
            v[k++] = v[i];
        }
    }
    return k;
}

int
tp_sigv4_canon_headers(struct tp_arena *a, const struct tp_sigv4_hdr *h,
    size_t nh, struct tp_str signed_list, struct tp_str *headers,
    struct tp_str *signed_line, struct tp_sigv4_canon_err *err)
{
    struct tp_str *names;
    size_t n = cn_signed_names(a, signed_list, &names), i, j, size = 1;
    size_t line = 1, found;
    char *o, *s;

    if (names == NULL) {
        return TP_ERROR;
    }
    for (i = 0; i < n; i++) {
        found = 0;
        for (j = 0; j < nh; j++) {
            if (cn_name_is(h[j].name, names[i])) {
                size += h[j].value.len + 1;
                found++;
            }
        }
        if (found == 0) {
            err->why = TP_SIGV4_CANON_NO_HEADER;
            err->what = names[i];
            return TP_DECLINED;
        }
        size += names[i].len + 1;
        line += names[i].len + 1;
    }
    o = tp_arena_alloc(a, size);
    s = tp_arena_alloc(a, line);
    if (o == NULL || s == NULL) {
        return TP_ERROR;
    }
    headers->p = o;
    signed_line->p = s;
    for (i = 0; i < n; i++) {
        memcpy(o, names[i].p, names[i].len);
        o += names[i].len;
        *o++ = ':';
        found = 0;
        for (j = 0; j < nh; j++) {
            if (cn_name_is(h[j].name, names[i])) {
                if (found++ > 0) {
                    *o++ = ',';
                }
                o = cn_trimall(h[j].value, o);
            }
        }
        *o++ = '\n';
        if (i > 0) {
            *s++ = ';';
        }
        memcpy(s, names[i].p, names[i].len);
        s += names[i].len;
    }
    *o = *s = '\0';
    headers->len = (size_t) (o - headers->p);
    signed_line->len = (size_t) (s - signed_line->p);
    return TP_OK;
}

/* --- the canonical request --- */

int
tp_sigv4_join(struct tp_arena *a, const struct tp_str *parts, size_t n,
    char sep, struct tp_str *out)
{
    size_t i, len = n;
    char *o;

    for (i = 0; i < n; i++) {
        len += parts[i].len;
    }
    o = tp_arena_alloc(a, len);
    if (o == NULL) {
        return TP_ERROR;
    }
    out->p = o;
    for (i = 0; i < n; i++) {
        if (i > 0) {
            *o++ = sep;
        }
        if (parts[i].len > 0) {
            memcpy(o, parts[i].p, parts[i].len);
            o += parts[i].len;
        }
    }
    *o = '\0';
    out->len = (size_t) (o - out->p);
    return TP_OK;
}

int
tp_sigv4_canon_request(struct tp_arena *a, const struct tp_sigv4_req *req,
    const struct tp_sigv4_canon_in *in, struct tp_str *out,
    struct tp_sigv4_canon_err *err)
{
    struct tp_str uri, query, hdrs, line;
    int rc;

    if ((rc = tp_sigv4_canon_uri(a, req->path, in->no_normalize, &uri))
            != TP_OK
        || (rc = tp_sigv4_canon_query(a, req->query, in->skip, &query, err))
            != TP_OK
        || (rc = tp_sigv4_canon_headers(a, req->hdrs, req->nhdrs,
                                        in->signed_headers, &hdrs, &line,
                                        err)) != TP_OK)
    {
        return rc;
    }
    return tp_sigv4_join(a, (struct tp_str[]) { req->method, uri, query,
                                                hdrs, line,
                                                in->payload_hash },
                         6, '\n', out);
}
