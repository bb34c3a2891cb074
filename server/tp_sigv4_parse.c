/*
 * tp_sigv4_parse.c: what a request says about its SigV4 signature: the
 * Authorization header (a small state machine over its elements), the
 * presigned query's X-Amz-* parameters, the credential's elements and
 * the timestamp formats.  Step 1 of tp_sigv4_verify() is here too, with
 * the texts AWS answers a malformed request with (errors.md 4).
 */
#include "tp_sigv4_int.h"
#include "tp_period.h"

#include <stdio.h>

/* --- the Authorization header --- */

/* States of the header scanner. */
enum hp_state {
    HP_LEAD,                         /* blanks before the algorithm */
    HP_ALG,                          /* in the algorithm word */
    HP_SEP,                          /* commas and blanks between elements */
    HP_ELEM                          /* in a key=value element */
};

static bool
hp_separator(unsigned char c)
{
    return c == ',' || tp_sigv4_blank(c);
}

/* Files element <e> (which has '=' at <eq>) under its key. */
static void
hp_element(struct tp_str e, size_t eq, struct tp_sigv4_auth *auth)
{
    struct tp_str key = { e.p, eq };
    struct tp_str val = { e.p + eq + 1, e.len - eq - 1 };

    if (tp_str_eq(key, TP_STR("Credential"))) {
        auth->credential = val;
    } else if (tp_str_eq(key, TP_STR("SignedHeaders"))) {
        auth->signed_headers = val;
    } else if (tp_str_eq(key, TP_STR("Signature"))) {
        auth->signature = val;
    }
}

int
tp_sigv4_parse_header(struct tp_str v, struct tp_sigv4_auth *auth,
    struct tp_str *bad)
{
    enum hp_state st = HP_LEAD;
    size_t i, start = 0, eq = 0;
    bool end;
    unsigned char c;

    auth->header = v;
    auth->algorithm = (struct tp_str) { v.p != NULL ? v.p : "", 0 };
    for (i = 0; i <= v.len; i++) {
        end = i == v.len;
        c = end ? ' ' : (unsigned char) v.p[i];
        switch (st) {
        case HP_LEAD:
            if (!end && !tp_sigv4_blank(c)) {
                start = i;
                st = HP_ALG;
            }
            break;
        case HP_ALG:
            /* AWS splits the algorithm off at the first blank only. */
            if (tp_sigv4_blank(c)) {
                auth->algorithm = (struct tp_str) { v.p + start, i - start };
                st = HP_SEP;
            }
            break;
        case HP_SEP:
            if (!end && !hp_separator(c)) {
                start = i;
                eq = 0;
                st = HP_ELEM;
                if (c == '=') {
                    eq = i - start + 1;
                }
            }
            break;
        case HP_ELEM:
            if (hp_separator(c)) {
                if (eq == 0) {
                    *bad = (struct tp_str) { v.p + start, i - start };
                    return TP_DECLINED;
                }
                hp_element((struct tp_str) { v.p + start, i - start },
                           eq - 1, auth);
                st = HP_SEP;
            } else if (c == '=' && eq == 0) {
                eq = i - start + 1;      /* 1 + offset of the first '=' */
            }
            break;
        }
    }
    return TP_OK;
}

/* --- the presigned query --- */

/* The X-Amz-* parameters the query form reads, in auth's fields. */
static struct tp_str *
qp_field(struct tp_sigv4_auth *auth, const char *name, size_t len)
{
    static const struct {
        const char *name;
        size_t off;
    } params[] = {
        { "X-Amz-Algorithm", offsetof(struct tp_sigv4_auth, algorithm) },
        { "X-Amz-Credential", offsetof(struct tp_sigv4_auth, credential) },
        { "X-Amz-Date", offsetof(struct tp_sigv4_auth, date) },
        { "X-Amz-Expires", offsetof(struct tp_sigv4_auth, expires) },
        { "X-Amz-Security-Token", offsetof(struct tp_sigv4_auth, token) },
        { "X-Amz-Signature", offsetof(struct tp_sigv4_auth, signature) },
        { "X-Amz-SignedHeaders",
          offsetof(struct tp_sigv4_auth, signed_headers) },
    };
    size_t i;

    for (i = 0; i < TP_NELEM(params); i++) {
        if (strlen(params[i].name) == len
            && memcmp(params[i].name, name, len) == 0)
        {
            return (struct tp_str *) (void *) ((char *) auth
                                               + params[i].off);
        }
    }
    return NULL;
}

int
tp_sigv4_parse_query(struct tp_str q, struct tp_arena *a,
    struct tp_sigv4_auth *auth, struct tp_sigv4_canon_err *err)
{
    struct tp_sigv4_canon_err e;
    struct tp_str name, value, *f;
    const char *p = q.p, *end = q.len > 0 ? q.p + q.len : q.p, *amp, *eqs;
    char nbuf[64], *v;
    size_t nlen, vlen;
    int rc = TP_OK;

    for (; p < end; p = amp + 1) {
        amp = memchr(p, '&', (size_t) (end - p));
        amp = amp != NULL ? amp : end;
        eqs = memchr(p, '=', (size_t) (amp - p));
        name = (struct tp_str) { p, (size_t) ((eqs ? eqs : amp) - p) };
        value = eqs != NULL ? (struct tp_str) { eqs + 1,
                                                (size_t) (amp - eqs - 1) }
                            : (struct tp_str) { amp, 0 };
        /* Names are compared decoded; a longer or broken one is not ours. */
        if (name.len > sizeof(nbuf)
            || tp_sigv4_decode(name, nbuf, &nlen, false, &e) != TP_OK
            || (f = qp_field(auth, nbuf, nlen)) == NULL || f->p != NULL)
        {
            continue;
        }
        v = tp_arena_alloc(a, value.len + 1);
        if (v == NULL) {
            return TP_ERROR;
        }
        if (tp_sigv4_decode(value, v, &vlen, false, &e) != TP_OK) {
            /* Present but unusable: the first such escape is reported. */
            if (rc == TP_OK) {
                *err = e;
                rc = TP_DECLINED;
            }
            vlen = 0;
        }
        *f = (struct tp_str) { v, vlen };
    }
    if (auth->algorithm.p != NULL || auth->credential.p != NULL
        || auth->signature.p != NULL)
    {
        auth->form = TP_SIGV4_FORM_QUERY;
    }
    return rc;
}

/* --- credential and timestamps --- */

int
tp_sigv4_parse_credential(struct tp_str cred, struct tp_sigv4_scope *s)
{
    struct tp_str *part[5] = { &s->akid, &s->date, &s->region, &s->service,
                               &s->terminator };
    size_t i, start = 0, n = 0, len = cred.len;

    while (len > 0 && cred.p[len - 1] == '/') {
        len--;
    }
    for (i = 0; i <= len; i++) {
        if (i < len && cred.p[i] != '/') {
            continue;
        }
        if (n == 5) {
            return TP_DECLINED;
        }
        *part[n++] = (struct tp_str) { cred.p + start, i - start };
        start = i + 1;
    }
    return n == 5 ? TP_OK : TP_DECLINED;
}

/* <n> decimal digits at <p> into *<v>; false if any is not a digit. */
static bool
pt_digits(const char *p, size_t n, unsigned *v)
{
    size_t i;

    *v = 0;
    for (i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9') {
            return false;
        }
        *v = *v * 10 + (unsigned) (p[i] - '0');
    }
    return true;
}

/* Unix time of a civil date and time, false unless it exists. */
static bool
pt_make(unsigned y, unsigned mo, unsigned d, unsigned h, unsigned mi,
    unsigned s, int64_t *t)
{
    int64_t day, y2;
    unsigned m2, d2;

    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59
        || s > 59)
    {
        return false;
    }
    day = tp_days_from_civil(y, mo, d);
    tp_civil_from_days(day, &y2, &m2, &d2);
    if (y2 != (int64_t) y || m2 != mo || d2 != d) {
        return false;                    /* Feb 30th and the like */
    }
    *t = day * 86400 + h * 3600 + mi * 60 + s;
    return true;
}

/* "YYYYMMDDTHHMMSSZ" */
static bool
pt_iso(const char *p, int64_t *t)
{
    unsigned y, mo, d, h, mi, s;

    return p[8] == 'T' && p[15] == 'Z' && pt_digits(p, 4, &y)
           && pt_digits(p + 4, 2, &mo) && pt_digits(p + 6, 2, &d)
           && pt_digits(p + 9, 2, &h) && pt_digits(p + 11, 2, &mi)
           && pt_digits(p + 13, 2, &s) && pt_make(y, mo, d, h, mi, s, t);
}

/* IMF-fixdate (RFC 9110 5.6.7): "Sun, 06 Nov 1994 08:49:37 GMT" */
static bool
pt_imf(const char *p, int64_t *t)
{
    static const char days[] = "MonTueWedThuFriSatSun";
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    unsigned y, mo, d, h, mi, s, i;
    bool wday = false;

    for (i = 0; i < 7; i++) {
        wday = wday || memcmp(p, days + 3 * i, 3) == 0;
    }
    for (mo = 0; mo < 12 && memcmp(p + 8, months + 3 * mo, 3) != 0; mo++) {
        /* find the month */
    }
    return wday && mo < 12 && memcmp(p + 3, ", ", 2) == 0 && p[7] == ' '
           && p[11] == ' ' && p[16] == ' ' && p[19] == ':' && p[22] == ':'
           && memcmp(p + 25, " GMT", 4) == 0 && pt_digits(p + 5, 2, &d)
           && pt_digits(p + 12, 4, &y) && pt_digits(p + 17, 2, &h)
           && pt_digits(p + 20, 2, &mi) && pt_digits(p + 23, 2, &s)
           && pt_make(y, mo + 1, d, h, mi, s, t);
}

int
tp_sigv4_parse_time(struct tp_str v, bool http, int64_t *t)
{
    if (v.len == TP_SIGV4_DATE_LEN && pt_iso(v.p, t)) {
        return TP_OK;
    }
    if (http && v.len == 29 && pt_imf(v.p, t)) {
        return TP_OK;
    }
    return TP_DECLINED;
}

void
tp_sigv4_format_time(int64_t t, char out[TP_SIGV4_DATE_LEN + 1])
{
    int64_t day = tp_day_number(t), y, s = t - day * 86400;
    unsigned m, d;

    tp_civil_from_days(day, &y, &m, &d);
    y = y < 0 ? 0 : y > 9999 ? 9999 : y;
    snprintf(out, TP_SIGV4_DATE_LEN + 1, "%04u%02u%02uT%02u%02u%02uZ",
             (unsigned) y, m, d, (unsigned) (s / 3600),
             (unsigned) (s / 60 % 60), (unsigned) (s % 60));
}

/* --- step 1 of verification --- */

/* The header's value, or a NULL p when absent or blank. */
static struct tp_str
pa_header(const struct tp_sigv4_req *req, const char *lname)
{
    const struct tp_sigv4_hdr *h = tp_sigv4_find_hdr(req, lname);
    struct tp_str v = TP_NULL_STR;
    size_t i;

    if (h != NULL) {
        v = h->value;
        for (i = 0; i < v.len && tp_sigv4_blank((unsigned char) v.p[i]);
             i++)
        {
            /* an all-blank value counts as absent */
        }
        v = i == v.len ? TP_NULL_STR : v;
    }
    return v;
}

/* AWS lists every missing part of the header in one message. */
static enum tp_sigv4_status
pa_header_form(const struct tp_sigv4_req *req, struct tp_str v,
    struct tp_arena *a, struct tp_sigv4_auth *auth,
    struct tp_sigv4_result *res)
{
    static const char req_[] = "Authorization header requires ";
    struct tp_str bad;
    bool no_date;

    if (tp_sigv4_parse_header(v, auth, &bad) != TP_OK) {
        return tp_sigv4_fail(res, a, TP_SIGV4_MALFORMED,
            "'%.*s' not a valid key=value pair (missing equal-sign) in "
            "Authorization header: '%.*s'.", (int) bad.len, bad.p,
            (int) v.len, v.p);
    }
    auth->date = pa_header(req, "x-amz-date");
    if (auth->date.p == NULL) {
        auth->date = pa_header(req, "date");
        auth->date_is_http = auth->date.p != NULL;
    }
    auth->token = pa_header(req, "x-amz-security-token");
    no_date = auth->date.p == NULL;
    /* An empty Credential or Signature is missing; SignedHeaders not. */
    if (auth->credential.len == 0 || auth->signature.len == 0
        || auth->signed_headers.p == NULL || no_date)
    {
        return tp_sigv4_fail(res, a, TP_SIGV4_MALFORMED,
            "%s%s%s%s%s%s%s%sAuthorization=%.*s",
            auth->credential.len == 0 ? req_ : "",
            auth->credential.len == 0 ? "'Credential' parameter. " : "",
            auth->signature.len == 0 ? req_ : "",
            auth->signature.len == 0 ? "'Signature' parameter. " : "",
            auth->signed_headers.p == NULL ? req_ : "",
            auth->signed_headers.p == NULL
                ? "'SignedHeaders' parameter. " : "",
            no_date ? req_ : "",
            no_date ? "existence of either a 'X-Amz-Date' or a 'Date' "
                      "header. " : "",
            (int) v.len, v.p);
    }
    return TP_SIGV4_OK;
}

static enum tp_sigv4_status
pa_query_form(const struct tp_sigv4_req *req, struct tp_arena *a,
    struct tp_sigv4_auth *auth, struct tp_sigv4_result *res)
{
    const struct {
        const struct tp_str *f;
        const char *name;
    } need[] = {
        { &auth->algorithm, "X-Amz-Algorithm" },
        { &auth->credential, "X-Amz-Credential" },
        { &auth->signature, "X-Amz-Signature" },
        { &auth->date, "X-Amz-Date" },
        { &auth->signed_headers, "X-Amz-SignedHeaders" },
    };
    size_t i;

    for (i = 0; i < TP_NELEM(need); i++) {
        if (need[i].f->p == NULL) {
            return tp_sigv4_fail(res, a, TP_SIGV4_MALFORMED,
                "AWS query-string parameters must include '%s'. "
                "Re-examine the query-string parameters.", need[i].name);
        }
    }
    auth->token_in_query = auth->token.p != NULL;
    if (!auth->token_in_query) {
        auth->token = pa_header(req, "x-amz-security-token");
    }
    return TP_SIGV4_OK;
}

enum tp_sigv4_status
tp_sigv4_parse(const struct tp_sigv4_req *req, struct tp_arena *a,
    struct tp_sigv4_auth *auth, struct tp_sigv4_result *res)
{
    struct tp_str hv = pa_header(req, "authorization");
    struct tp_sigv4_canon_err bad;
    int rc;

    memset(auth, 0, sizeof(*auth));
    rc = tp_sigv4_parse_query(req->query, a, auth, &bad);
    if (rc == TP_ERROR) {
        return tp_sigv4_fail(res, a, TP_SIGV4_INTERNAL,
                             "Internal server error");
    }
    if (auth->form == TP_SIGV4_FORM_QUERY) {
        res->form = TP_SIGV4_FORM_QUERY;
        if (hv.p != NULL) {
            return tp_sigv4_fail(res, a, TP_SIGV4_MALFORMED,
                "Only one auth mechanism allowed; only the X-Amz-Algorithm "
                "query parameter or the Authorization header should be "
                "specified");
        }
        if (rc == TP_DECLINED) {
            return tp_sigv4_fail_escape(res, a, &bad);
        }
        return pa_query_form(req, a, auth, res);
    }
    if (hv.p == NULL) {
        return tp_sigv4_fail(res, a, TP_SIGV4_UNSIGNED,
                             "Missing Authentication Token");
    }
    /* A header form ignores whatever X-Amz-* the query holds. */
    memset(auth, 0, sizeof(*auth));
    auth->form = res->form = TP_SIGV4_FORM_HEADER;
    return pa_header_form(req, hv, a, auth, res);
}
