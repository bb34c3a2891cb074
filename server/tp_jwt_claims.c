/*
 * tp_jwt_claims.c: the claims checks of JWT and Cognito authorizers
 * (tp_jwt_validate(), see tp_jwt.h) and the token's scopes.
 *
 * The rules, all from auth.md: exp required and after now, nbf and iat
 * (when present) not after now (4.4; RFC 7519 4.1.4-4.1.6), give or take
 * the configured leeway (limits.md: AWS documents no skew, so 0 unless
 * configured); iss equal to the issuer; aud holding one of the audiences,
 * and client_id only when there is no aud (4.4); for Cognito, no method
 * scopes means an ID token and scopes an access token (5), told apart by
 * Cognito's token_use claim; at least one of the route's scopes in
 * "scope" or "scp" (4.4, 5).
 */
#include "tp_jwt.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* The string claim <name>, or { NULL, 0 } (absent or not a string). */
static struct tp_str
claims_str(const struct tp_jwt *t, const char *name)
{
    const struct tp_jwt_claim *c = tp_jwt_claim_get(t->claims, t->nclaims,
        name, strlen(name));

    return c != NULL && c->type == TP_JSON_STRING ? c->value : TP_NULL_STR;
}

static bool
claims_eq(struct tp_str s, const char *z)
{
    return s.p != NULL && s.len == strlen(z) && memcmp(s.p, z, s.len) == 0;
}

/*
 * NumericDate claim <name> (RFC 7519 2: seconds, fractions allowed):
 * TP_OK and *<v>, TP_DECLINED when absent, TP_ERROR when not a finite
 * number of a sane length.
 */
static int
claims_date(const struct tp_jwt *t, const char *name, double *v)
{
    const struct tp_jwt_claim *c = tp_jwt_claim_get(t->claims, t->nclaims,
        name, strlen(name));
    char buf[64], *end;

    if (c == NULL) {
        return TP_DECLINED;
    }
    if (c->type != TP_JSON_NUMBER || c->value.len >= sizeof(buf)) {
        return TP_ERROR;
    }
    memcpy(buf, c->value.p, c->value.len);
    buf[c->value.len] = '\0';
    *v = strtod(buf, &end);
    return *end == '\0' && isfinite(*v) ? TP_OK : TP_ERROR;
}

static enum tp_jwt_status
claims_times(const struct tp_jwt *t, int64_t now, int64_t leeway,
    const char **detail)
{
    double v, lo = (double) now - (double) leeway;
    double hi = (double) now + (double) leeway;
    int rc;

    rc = claims_date(t, "exp", &v);
    if (rc == TP_DECLINED) {
        *detail = "no exp claim";
        return TP_JWT_EXP_MISSING;
    }
    if (rc == TP_ERROR) {
        *detail = "exp is not a number";
        return TP_JWT_CLAIM_TYPE;
    }
    if (!(lo < v)) {
        *detail = "exp is past";
        return TP_JWT_EXPIRED;
    }
    rc = claims_date(t, "nbf", &v);
    if (rc == TP_ERROR) {
        *detail = "nbf is not a number";
        return TP_JWT_CLAIM_TYPE;
    }
    if (rc == TP_OK && !(v <= hi)) {
        *detail = "nbf is in the future";
        return TP_JWT_NOT_BEFORE;
    }
    rc = claims_date(t, "iat", &v);
    if (rc == TP_ERROR) {
        *detail = "iat is not a number";
        return TP_JWT_CLAIM_TYPE;
    }
    if (rc == TP_OK && !(v <= hi)) {
        *detail = "iat is in the future";
        return TP_JWT_IAT;
    }
    return TP_JWT_OK;
}

/* Whether JSON string token <i> is one of the configured audiences. */
static bool
claims_aud_tok(const struct tp_jwt *t, const struct tp_jwt_conf *c, int i)
{
    unsigned k;

    for (k = 0; k < c->naudiences; k++) {
        if (tp_json_type(&t->payload, i) == TP_JSON_STRING
            && tp_json_streq(&t->payload, i, c->audiences[k],
                   strlen(c->audiences[k])))
        {
            return true;
        }
    }
    return false;
}

static enum tp_jwt_status
claims_audience(const struct tp_jwt *t, const struct tp_jwt_conf *c,
    const char **detail)
{
    int aud = tp_json_get(&t->payload, 0, "aud"), i;
    struct tp_str cid;
    unsigned k;

    if (c->mode == TP_JWT_MODE_COGNITO && c->naudiences == 0) {
        return TP_JWT_OK;            /* any app client of the pool */
    }
    if (aud >= 0) {
        /* RFC 7519 4.1.3: a string or an array of strings */
        if (tp_json_type(&t->payload, aud) == TP_JSON_ARRAY) {
            for (i = tp_json_child(&t->payload, aud); i >= 0;
                 i = tp_json_next(&t->payload, i))
            {
                if (claims_aud_tok(t, c, i)) {
                    return TP_JWT_OK;
                }
            }
        } else if (claims_aud_tok(t, c, aud)) {
            return TP_JWT_OK;
        }
        *detail = "aud holds none of the audiences";
        return TP_JWT_AUDIENCE;
    }
    cid = claims_str(t, "client_id");
    for (k = 0; cid.p != NULL && k < c->naudiences; k++) {
        if (claims_eq(cid, c->audiences[k])) {
            return TP_JWT_OK;
        }
    }
    *detail = cid.p != NULL ? "client_id is none of the audiences"
                            : "neither aud nor client_id";
    return TP_JWT_AUDIENCE;
}

/* Whether the space-separated list <s> has the item <want>. */
static bool
claims_in_list(struct tp_str s, const char *want)
{
    size_t i = 0, j, n = strlen(want);

    while (i < s.len) {
        for (j = i; j < s.len && s.p[j] != ' '; j++) {
            /* to the end of this item */
        }
        if (j - i == n && n > 0 && memcmp(s.p + i, want, n) == 0) {
            return true;
        }
        i = j + 1;
    }
    return false;
}

/* Whether "scope" or "scp" holds <want>. */
static bool
claims_has_scope(const struct tp_jwt *t, const char *want)
{
    const struct tp_json *d = &t->payload;
    int scp = tp_json_get(d, 0, "scp"), i;

    if (claims_in_list(claims_str(t, "scope"), want)
        || claims_in_list(claims_str(t, "scp"), want))
    {
        return true;
    }
    if (tp_json_type(d, scp) == TP_JSON_ARRAY) {
        for (i = tp_json_child(d, scp); i >= 0; i = tp_json_next(d, i)) {
            if (tp_json_type(d, i) == TP_JSON_STRING
                && tp_json_streq(d, i, want, strlen(want)))
            {
                return true;
            }
        }
    }
    return false;
}

enum tp_jwt_status
tp_jwt_validate(const struct tp_jwt *t, const struct tp_jwt_conf *c,
    const char *const *scopes, unsigned nscopes, int64_t now,
    const char **detail)
{
    enum tp_jwt_status s;
    struct tp_str iss;
    unsigned k;

    s = claims_times(t, now, c->leeway, detail);
    if (s != TP_JWT_OK) {
        return s;
    }
    iss = claims_str(t, "iss");
    if (c->issuer == NULL || !claims_eq(iss, c->issuer)) {
        *detail = iss.p == NULL ? "no iss string" : "iss is not the issuer";
        return TP_JWT_ISSUER;
    }
    s = claims_audience(t, c, detail);
    if (s != TP_JWT_OK) {
        return s;
    }
    if (c->mode == TP_JWT_MODE_COGNITO
        && !claims_eq(claims_str(t, "token_use"),
               nscopes == 0 ? "id" : "access"))
    {
        *detail = nscopes == 0 ? "not an ID token (token_use)"
                               : "not an access token (token_use)";
        return TP_JWT_TOKEN_USE;
    }
    for (k = 0; k < nscopes; k++) {
        if (claims_has_scope(t, scopes[k])) {
            return TP_JWT_OK;
        }
    }
    if (nscopes > 0) {
        *detail = "none of the route's scopes";
        return TP_JWT_SCOPE;
    }
    return TP_JWT_OK;
}

/* Adds the items of the space-separated <s> to <out>. */
static void
claims_split(struct tp_str s, struct tp_str *out, unsigned *n)
{
    size_t i = 0, j;

    while (i < s.len) {
        for (j = i; j < s.len && s.p[j] != ' '; j++) {
            /* to the end of this item */
        }
        if (j > i) {
            out[(*n)++] = (struct tp_str) { s.p + i, j - i };
        }
        i = j + 1;
    }
}

int
tp_jwt_scopes(const struct tp_jwt *t, struct tp_arena *a,
    struct tp_str **out, unsigned *n)
{
    const struct tp_json *d = &t->payload;
    struct tp_str s = claims_str(t, "scope");
    int scp = tp_json_get(d, 0, "scp"), i;
    size_t cap;

    *out = NULL;
    *n = 0;
    if (s.p == NULL) {
        s = claims_str(t, "scp");
    }
    if (s.p != NULL) {
        cap = s.len / 2 + 1;         /* items are at least "x " */
    } else if (tp_json_type(d, scp) == TP_JSON_ARRAY) {
        cap = (size_t) d->toks[scp].size;
    } else {
        return TP_OK;
    }
    *out = tp_arena_alloc(a, sizeof(**out) * (cap + 1));
    if (*out == NULL) {
        return TP_ERROR;
    }
    if (s.p != NULL) {
        claims_split(s, *out, n);
        return TP_OK;
    }
    for (i = tp_json_child(d, scp); i >= 0; i = tp_json_next(d, i)) {
        if (tp_json_type(d, i) == TP_JSON_STRING) {
            (*out)[*n].p = tp_json_str(d, i, a, &(*out)[*n].len);
            if ((*out)[*n].p == NULL) {
                return TP_ERROR;
            }
            (*n)++;
        }
    }
    return TP_OK;
}

int
tp_jwt_scope_items(const struct tp_jwt *t, struct tp_arena *a,
    struct tp_str **out, unsigned *n)
{
    const struct tp_json *d = &t->payload;
    struct tp_str scope = claims_str(t, "scope"), scp = claims_str(t, "scp");
    int arr = tp_json_get(d, 0, "scp"), i;
    size_t cap = scope.len / 2 + scp.len / 2 + 2;

    *n = 0;
    if (tp_json_type(d, arr) == TP_JSON_ARRAY) {
        cap += (size_t) d->toks[arr].size;
    }
    *out = tp_arena_alloc(a, sizeof(**out) * cap);
    if (*out == NULL) {
        return TP_ERROR;
    }
    claims_split(scope, *out, n);
    claims_split(scp, *out, n);
    if (tp_json_type(d, arr) != TP_JSON_ARRAY) {
        return TP_OK;
    }
    for (i = tp_json_child(d, arr); i >= 0; i = tp_json_next(d, i)) {
        if (tp_json_type(d, i) == TP_JSON_STRING) {
            (*out)[*n].p = tp_json_str(d, i, a, &(*out)[*n].len);
            if ((*out)[*n].p == NULL) {
                return TP_ERROR;
            }
            (*n)++;
        }
    }
    return TP_OK;
}
