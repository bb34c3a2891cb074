/*
 * tp_lambda_resp.c: Lambda proxy answers (tp_lambda_resp.h).  Pure.
 *
 * Payload 1.0 is strict, as AWS checked it (lambda.md 5.1): an object
 * with no key but statusCode, headers, multiValueHeaders, body and
 * isBase64Encoded, at least one of them; statusCode a number or a
 * numeric string; header values scalars; multiValueHeaders arrays.
 * Payload 2.0 (5.2): an answer without statusCode is the body itself.
 */
#include "tp_lambda_resp.h"
#include "tp_json.h"

#include <stdlib.h>
#include <strings.h>

struct rp {
    struct tp_arena *a;
    struct tp_json d;
    struct tp_lresp *out;
    const char *why;
};

static int
rp_fail(struct rp *p, const char *why)
{
    p->why = why;
    return TP_ERROR;
}

static bool
is_tchar(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9') || (c != 0 && strchr("!#$%&'*+-.^_`|~",
        c) != NULL);
}

static bool
valid_name(struct tp_str n)
{
    size_t i;

    if (n.len == 0) {
        return false;
    }
    for (i = 0; i < n.len; i++) {
        if (!is_tchar((unsigned char) n.p[i])) {
            return false;
        }
    }
    return true;
}

/* A header value: a scalar's text with control characters as blanks
 * (no response splitting); TP_ERROR for objects and arrays. */
static int
rp_scalar(struct rp *p, int i, struct tp_str *v)
{
    char *s;
    size_t k;
    int t = tp_json_type(&p->d, i);

    if (t == TP_JSON_OBJECT || t == TP_JSON_ARRAY || t == 0) {
        return TP_ERROR;
    }
    *v = tp_json_text(&p->d, i, p->a);
    if (v->p == NULL) {
        return TP_ERROR;
    }
    s = tp_arena_strndup(p->a, v->p, v->len);
    if (s == NULL) {
        return TP_ERROR;
    }
    for (k = 0; k < v->len; k++) {
        if ((unsigned char) s[k] < 0x20 || s[k] == 0x7f) {
            s[k] = ' ';
        }
    }
    v->p = s;
    return TP_OK;
}

/* Adds value <v> to header <name>: joined with ", " to an earlier one of
 * the same name, except Set-Cookie which must stay one per line. */
static int
rp_add(struct rp *p, struct tp_str name, struct tp_str v)
{
    struct tp_lresp *o = p->out;
    bool cookie = tp_str_caseeq(name, "set-cookie");
    unsigned i;
    char *j;

    if (!valid_name(name)) {
        return rp_fail(p, "invalid header name");
    }
    for (i = 0; !cookie && i < o->nheaders; i++) {
        struct tp_lev_kv *h = &o->headers[i];

        if (h->name.len == name.len
            && strncasecmp(h->name.p, name.p, name.len) == 0)
        {
            j = tp_arena_alloc(p->a, h->value.len + 2 + v.len);
            if (j == NULL) {
                return rp_fail(p, "out of memory");
            }
            memcpy(j, h->value.p, h->value.len);
            memcpy(j + h->value.len, ", ", 2);
            memcpy(j + h->value.len + 2, v.p, v.len);
            h->value = (struct tp_str) { j, h->value.len + 2 + v.len };
            return TP_OK;
        }
    }
    if (o->nheaders == TP_LRESP_MAX_HEADERS) {
        return rp_fail(p, "too many headers");
    }
    o->headers[o->nheaders++] = (struct tp_lev_kv) { name, v };
    return TP_OK;
}

static int
rp_name(struct rp *p, int key, struct tp_str *name)
{
    name->p = tp_json_str(&p->d, key, p->a, &name->len);
    return name->p != NULL ? TP_OK : rp_fail(p, "out of memory");
}

/* "headers": null or an object of scalars. */
static int
rp_headers(struct rp *p, int obj)
{
    struct tp_str name, v;
    int k;

    if (obj < 0 || tp_json_type(&p->d, obj) == TP_JSON_NULL) {
        return TP_OK;
    }
    if (tp_json_type(&p->d, obj) != TP_JSON_OBJECT) {
        return rp_fail(p, "headers is not an object");
    }
    for (k = tp_json_child(&p->d, obj); k >= 0; k = tp_json_next(&p->d, k)) {
        if (tp_json_type(&p->d, k + 1) == TP_JSON_NULL) {
            continue;
        }
        if (rp_name(p, k, &name) != TP_OK) {
            return TP_ERROR;
        }
        if (rp_scalar(p, k + 1, &v) != TP_OK) {
            return rp_fail(p, "a header value is not a scalar");
        }
        if (rp_add(p, name, v) != TP_OK) {
            return TP_ERROR;
        }
    }
    return TP_OK;
}

/* "multiValueHeaders": null or an object of arrays of scalars. */
static int
rp_multi(struct rp *p, int obj)
{
    struct tp_str name, v;
    int k, e;

    if (obj < 0 || tp_json_type(&p->d, obj) == TP_JSON_NULL) {
        return TP_OK;
    }
    if (tp_json_type(&p->d, obj) != TP_JSON_OBJECT) {
        return rp_fail(p, "multiValueHeaders is not an object");
    }
    for (k = tp_json_child(&p->d, obj); k >= 0; k = tp_json_next(&p->d, k)) {
        if (tp_json_type(&p->d, k + 1) == TP_JSON_NULL) {
            continue;
        }
        if (tp_json_type(&p->d, k + 1) != TP_JSON_ARRAY) {
            return rp_fail(p, "a multiValueHeaders value is not an array");
        }
        if (rp_name(p, k, &name) != TP_OK) {
            return TP_ERROR;
        }
        for (e = tp_json_child(&p->d, k + 1); e >= 0;
             e = tp_json_next(&p->d, e))
        {
            if (rp_scalar(p, e, &v) != TP_OK) {
                return rp_fail(p, "a multiValueHeaders value is not a "
                    "scalar");
            }
            if (rp_add(p, name, v) != TP_OK) {
                return TP_ERROR;
            }
        }
    }
    return TP_OK;
}

/* statusCode: an integer, or a string of digits (lambda.md 5.1). */
static int
rp_status(struct rp *p, int i)
{
    int64_t v = 0;
    struct tp_str s;
    size_t k;

    if (tp_json_type(&p->d, i) == TP_JSON_STRING) {
        s = tp_json_raw(&p->d, i);
        if (s.len == 0 || s.len > 3) {
            return rp_fail(p, "statusCode is not a number");
        }
        for (k = 0; k < s.len; k++) {
            if (s.p[k] < '0' || s.p[k] > '9') {
                return rp_fail(p, "statusCode is not a number");
            }
            v = v * 10 + (s.p[k] - '0');
        }
    } else if (tp_json_int(&p->d, i, &v) != TP_OK) {
        return rp_fail(p, "statusCode is not an integer");
    }
    if (v < 100 || v > 599) {
        return rp_fail(p, "statusCode is out of range");
    }
    p->out->status = (int) v;
    return TP_OK;
}

static int
rp_body(struct rp *p, int i, bool v2)
{
    int t = tp_json_type(&p->d, i);

    if (i < 0 || t == TP_JSON_NULL) {
        p->out->body = TP_STR("");
        return TP_OK;
    }
    if (t != TP_JSON_STRING && !v2) {
        return rp_fail(p, "body is not a string");
    }
    p->out->body = tp_json_text(&p->d, i, p->a);
    return p->out->body.p != NULL ? TP_OK : rp_fail(p, "out of memory");
}

static int
rp_b64(struct rp *p, int i)
{
    int t = tp_json_type(&p->d, i);

    if (i < 0 || t == TP_JSON_NULL) {
        return TP_OK;
    }
    if (tp_json_bool(&p->d, i, &p->out->b64) != TP_OK) {
        return rp_fail(p, "isBase64Encoded is not a boolean");
    }
    return TP_OK;
}

static int
rp_v1(struct rp *p)
{
    static const char *const known[] = {
        "statusCode", "headers", "multiValueHeaders", "body",
        "isBase64Encoded"
    };
    struct tp_json *d = &p->d;
    unsigned n;
    int k;

    if (tp_json_type(d, 0) != TP_JSON_OBJECT) {
        return rp_fail(p, "not a JSON object");
    }
    if (d->toks[0].size == 0) {
        return rp_fail(p, "an empty object");
    }
    for (k = tp_json_child(d, 0); k >= 0; k = tp_json_next(d, k)) {
        for (n = 0; n < TP_NELEM(known); n++) {
            struct tp_str s = tp_json_raw(d, k);

            if (s.len == strlen(known[n])
                && memcmp(s.p, known[n], s.len) == 0)
            {
                break;
            }
        }
        if (n == TP_NELEM(known)) {
            return rp_fail(p, "an unexpected key");
        }
    }
    k = tp_json_get(d, 0, "statusCode");
    p->out->status = 200;
    if (k >= 0 && rp_status(p, k) != TP_OK) {
        return TP_ERROR;
    }
    if (rp_multi(p, tp_json_get(d, 0, "multiValueHeaders")) != TP_OK
        || rp_headers(p, tp_json_get(d, 0, "headers")) != TP_OK
        || rp_body(p, tp_json_get(d, 0, "body"), false) != TP_OK
        || rp_b64(p, tp_json_get(d, 0, "isBase64Encoded")) != TP_OK)
    {
        return TP_ERROR;
    }
    return TP_OK;
}

static int
rp_cookies(struct rp *p, int arr)
{
    struct tp_str v;
    int e;

    if (arr < 0 || tp_json_type(&p->d, arr) == TP_JSON_NULL) {
        return TP_OK;
    }
    if (tp_json_type(&p->d, arr) != TP_JSON_ARRAY) {
        return rp_fail(p, "cookies is not an array");
    }
    for (e = tp_json_child(&p->d, arr); e >= 0; e = tp_json_next(&p->d, e)) {
        if (tp_json_type(&p->d, e) != TP_JSON_STRING
            || rp_scalar(p, e, &v) != TP_OK)
        {
            return rp_fail(p, "a cookie is not a string");
        }
        if (rp_add(p, TP_STR("Set-Cookie"), v) != TP_OK) {
            return TP_ERROR;
        }
    }
    return TP_OK;
}

static int
rp_v2(struct rp *p)
{
    struct tp_json *d = &p->d;
    int k = tp_json_type(d, 0) == TP_JSON_OBJECT
            ? tp_json_get(d, 0, "statusCode") : -1;

    if (k < 0) {
        /* Inferred (lambda.md 5.2): the answer is the body. */
        p->out->inferred = true;
        p->out->status = 200;
        p->out->body = tp_json_text(d, 0, p->a);
        if (p->out->body.p == NULL) {
            return rp_fail(p, "out of memory");
        }
        return rp_add(p, TP_STR("content-type"), TP_STR("application/json"));
    }
    if (rp_status(p, k) != TP_OK
        || rp_headers(p, tp_json_get(d, 0, "headers")) != TP_OK
        || rp_cookies(p, tp_json_get(d, 0, "cookies")) != TP_OK
        || rp_body(p, tp_json_get(d, 0, "body"), true) != TP_OK
        || rp_b64(p, tp_json_get(d, 0, "isBase64Encoded")) != TP_OK)
    {
        return TP_ERROR;
    }
    return TP_OK;
}

int
tp_lambda_resp_parse(struct tp_arena *a, bool v2, struct tp_str payload,
    struct tp_lresp *out, const char **why)
{
    struct rp p;
    char err[128];
    int rc;

    memset(out, 0, sizeof(*out));
    memset(&p, 0, sizeof(p));
    p.a = a;
    p.out = out;
    out->headers = tp_arena_alloc(a,
        sizeof(*out->headers) * TP_LRESP_MAX_HEADERS);
    if (out->headers == NULL) {
        *why = "out of memory";
        return TP_ERROR;
    }
    if (payload.len == 0 || payload.len > INT32_MAX
        || tp_json_parse(&p.d, a, payload.p, payload.len, err,
            sizeof(err)) != TP_OK)
    {
        *why = "not valid JSON";
        return TP_ERROR;
    }
    rc = v2 ? rp_v2(&p) : rp_v1(&p);
    if (rc != TP_OK) {
        *why = p.why;
    }
    return rc;
}

struct tp_str
tp_lambda_resp_header(const struct tp_lresp *res, const char *name)
{
    unsigned i;

    for (i = 0; i < res->nheaders; i++) {
        if (tp_str_caseeq(res->headers[i].name, name)) {
            return res->headers[i].value;
        }
    }
    return TP_NULL_STR;
}
