/*
 * tp_jwt.c: decoding compact JWS tokens and the tp_jwt_check() pipeline
 * (see tp_jwt.h).  The signature is checked in tp_jwt_sig.c, the claims
 * in tp_jwt_claims.c.
 *
 * Both JSON objects of a token are refused when a member name repeats:
 * parsers that keep the first and parsers that keep the last copy would
 * read two different tokens from one signed text (RFC 7515 5.2 allows
 * the refusal).  Sorting the members by name finds repeats in n log n,
 * and the sorted claims then serve lookups by name.
 */
#include "tp_jwt.h"
#include "tp_b64url.h"

#include <stdlib.h>

static int
jwt_claim_cmp(const void *pa, const void *pb)
{
    const struct tp_jwt_claim *a = pa, *b = pb;
    int c = memcmp(a->name.p, b->name.p, TP_MIN(a->name.len, b->name.len));

    if (c != 0) {
        return c;
    }
    return a->name.len < b->name.len ? -1 : a->name.len > b->name.len;
}

const struct tp_jwt_claim *
tp_jwt_claim_get(const struct tp_jwt_claim *claims, unsigned nclaims,
    const char *name, size_t len)
{
    struct tp_jwt_claim key = { .name = { name, len } };

    if (nclaims == 0) {
        return NULL;
    }
    return bsearch(&key, claims, nclaims, sizeof(*claims), jwt_claim_cmp);
}

/* The claim <name> if it is a string, else { NULL, 0 }. */
static struct tp_str
jwt_member_str(const struct tp_jwt_claim *m, unsigned n, const char *name)
{
    const struct tp_jwt_claim *c = tp_jwt_claim_get(m, n, name,
        strlen(name));

    return c != NULL && c->type == TP_JSON_STRING ? c->value : TP_NULL_STR;
}

/* The members of the object at token 0 of <d>, sorted; MALFORMED when a
 * name repeats. */
static enum tp_jwt_status
jwt_members(const struct tp_json *d, struct tp_arena *a,
    struct tp_jwt_claim **out, unsigned *n, const char **detail)
{
    struct tp_jwt_claim *m;
    unsigned k = 0, i;
    int key;

    m = tp_arena_alloc(a, sizeof(*m) * ((size_t) d->toks[0].size + 1));
    if (m == NULL) {
        *detail = "out of memory";
        return TP_JWT_NOMEM;
    }
    for (key = tp_json_child(d, 0); key >= 0; key = tp_json_next(d, key)) {
        m[k].name.p = tp_json_str(d, key, a, &m[k].name.len);
        m[k].value = tp_json_text(d, key + 1, a);
        m[k].type = tp_json_type(d, key + 1);
        if (m[k].name.p == NULL || m[k].value.p == NULL) {
            *detail = "out of memory";
            return TP_JWT_NOMEM;
        }
        k++;
    }
    qsort(m, k, sizeof(*m), jwt_claim_cmp);
    for (i = 1; i < k; i++) {
        if (jwt_claim_cmp(&m[i - 1], &m[i]) == 0) {
            *detail = "a member name repeats";
            return TP_JWT_MALFORMED;
        }
    }
    *out = m;
    *n = k;
    return TP_JWT_OK;
}

/* Base64url part <p, n> decoded into <a>, NUL-terminated. */
static enum tp_jwt_status
jwt_part(const char *p, size_t n, struct tp_arena *a, unsigned char **out,
    size_t *outlen, const char **detail)
{
    *out = tp_arena_alloc(a, TP_B64URL_DEC_MAX(n) + 1);
    if (*out == NULL) {
        *detail = "out of memory";
        return TP_JWT_NOMEM;
    }
    if (tp_b64url_decode(p, n, *out, outlen) != TP_OK) {
        *detail = "a part is not strict base64url";
        return TP_JWT_MALFORMED;
    }
    (*out)[*outlen] = '\0';
    return TP_JWT_OK;
}

/* Part <p, n> as a JSON object into <d> and its sorted members. */
static enum tp_jwt_status
jwt_object(const char *p, size_t n, struct tp_arena *a, struct tp_json *d,
    struct tp_jwt_claim **m, unsigned *nm, const char **detail)
{
    enum tp_jwt_status s;
    unsigned char *buf;
    size_t len;
    char err[96];

    s = jwt_part(p, n, a, &buf, &len, detail);
    if (s != TP_JWT_OK) {
        return s;
    }
    if (tp_json_parse(d, a, (const char *) buf, len, err, sizeof(err))
        != TP_OK)
    {
        *detail = "a part is not JSON";
        return TP_JWT_MALFORMED;
    }
    if (tp_json_type(d, 0) != TP_JSON_OBJECT) {
        *detail = "a part is not a JSON object";
        return TP_JWT_MALFORMED;
    }
    return jwt_members(d, a, m, nm, detail);
}

/* The header's alg, kid and typ into <t>. */
static enum tp_jwt_status
jwt_header(struct tp_jwt *t, const struct tp_jwt_claim *h, unsigned n,
    const char **detail)
{
    const struct tp_jwt_claim *c;
    struct tp_str alg = jwt_member_str(h, n, "alg");

    /* RFC 7515 4.1.11: an extension we do not know must not be ignored,
     * and we know none (not even RFC 7797's b64) */
    if (tp_jwt_claim_get(h, n, "crit", 4) != NULL) {
        *detail = "crit names extensions we do not support";
        return TP_JWT_MALFORMED;
    }
    if (alg.p == NULL) {
        *detail = "no alg string in the header";
        return TP_JWT_MALFORMED;
    }
    t->alg = tp_jwa_from_name(alg.p, alg.len);
    t->alg_none = tp_str_caseeq(alg, "none");
    c = tp_jwt_claim_get(h, n, "kid", 3);
    if (c != NULL && c->type != TP_JSON_STRING) {
        *detail = "kid is not a string";
        return TP_JWT_MALFORMED;
    }
    t->kid = c != NULL ? c->value : TP_NULL_STR;
    c = tp_jwt_claim_get(h, n, "typ", 3);
    if (c != NULL && c->type != TP_JSON_STRING) {
        *detail = "typ is not a string";
        return TP_JWT_MALFORMED;
    }
    t->typ = c != NULL ? c->value : TP_NULL_STR;
    return TP_JWT_OK;
}

enum tp_jwt_status
tp_jwt_decode(struct tp_jwt *t, const char *tok, size_t len,
    struct tp_arena *a, const char **detail)
{
    const char *dot1, *dot2;
    struct tp_jwt_claim *h;
    struct tp_json hdoc;
    enum tp_jwt_status s;
    unsigned char *sig;
    char *copy;
    unsigned nh;

    memset(t, 0, sizeof(*t));
    if (len > TP_JWT_MAX_LEN) {
        *detail = "token longer than 16384 bytes";
        return TP_JWT_MALFORMED;
    }
    dot1 = memchr(tok, '.', len);
    dot2 = dot1 != NULL ? memchr(dot1 + 1, '.', len - (dot1 + 1 - tok))
                        : NULL;
    if (dot2 == NULL || memchr(dot2 + 1, '.', len - (dot2 + 1 - tok)) != NULL)
    {
        *detail = "not three parts separated by dots";
        return TP_JWT_MALFORMED;
    }
    /* our own copy: the caller's buffer may go before the token does */
    copy = tp_arena_strndup(a, tok, (size_t) (dot2 - tok));
    if (copy == NULL) {
        *detail = "out of memory";
        return TP_JWT_NOMEM;
    }
    t->signing_input = (struct tp_str) { copy, (size_t) (dot2 - tok) };
    s = jwt_object(tok, (size_t) (dot1 - tok), a, &hdoc, &h, &nh, detail);
    if (s == TP_JWT_OK) {
        s = jwt_header(t, h, nh, detail);
    }
    if (s == TP_JWT_OK) {
        s = jwt_object(dot1 + 1, (size_t) (dot2 - dot1 - 1), a, &t->payload,
            &t->claims, &t->nclaims, detail);
    }
    if (s == TP_JWT_OK) {
        s = jwt_part(dot2 + 1, len - (size_t) (dot2 + 1 - tok), a, &sig,
            &t->sig_len, detail);
        t->sig = sig;
    }
    return s;
}

struct tp_str
tp_jwt_from_header(const char *v, size_t len)
{
    size_t b = 0, e = len;

    while (b < e && (v[b] == ' ' || v[b] == '\t')) {
        b++;
    }
    while (e > b && (v[e - 1] == ' ' || v[e - 1] == '\t')) {
        e--;
    }
    if (e - b > 7 && tp_str_caseeq((struct tp_str) { v + b, 6 }, "bearer")
        && v[b + 6] == ' ')
    {
        for (b += 6; b < e && v[b] == ' '; b++) {
            /* one or more spaces after the scheme */
        }
    }
    return (struct tp_str) { v + b, e - b };
}

enum tp_jwt_status
tp_jwt_check(const struct tp_jwt_conf *c, const char *tok, size_t len,
    const char *const *scopes, unsigned nscopes, int64_t now,
    struct tp_arena *a, struct tp_jwt_result *r)
{
    struct tp_jwt t;
    enum tp_jwt_status s;

    memset(r, 0, sizeof(*r));
    r->detail = "";
    s = tp_jwt_decode(&t, tok, len, a, &r->detail);
    if (s == TP_JWT_OK) {
        s = tp_jwt_verify(&t, c, &r->detail);
    }
    if (s == TP_JWT_OK) {
        s = tp_jwt_validate(&t, c, scopes, nscopes, now, &r->detail);
    }
    if (s == TP_JWT_OK
        && tp_jwt_scopes(&t, a, &r->scopes, &r->nscopes) != TP_OK)
    {
        r->detail = "out of memory";
        s = TP_JWT_NOMEM;
    }
    if (s == TP_JWT_OK) {
        r->claims = t.claims;
        r->nclaims = t.nclaims;
    }
    r->status = s;
    return s;
}

int
tp_jwt_http_status(enum tp_jwt_status s)
{
    return s == TP_JWT_OK ? 200 : s == TP_JWT_NOMEM ? 500 : 401;
}

const char *
tp_jwt_description(enum tp_jwt_status s)
{
    /* errors.md 2 documents only the audience text; the others follow
     * its form (lower case, "the token ...") and are ours */
    static const char *const text[] = {
        [TP_JWT_OK] = "",
        [TP_JWT_MALFORMED] = "the token is malformed",
        [TP_JWT_ALG] = "the token's signing algorithm is not allowed",
        [TP_JWT_KID] = "the token's kid does not match a known key",
        [TP_JWT_SIGNATURE] = "the token has an invalid signature",
        [TP_JWT_CLAIM_TYPE] = "the token has a malformed time claim",
        [TP_JWT_EXP_MISSING] = "the token does not have an expiry",
        [TP_JWT_EXPIRED] = "the token has expired",
        [TP_JWT_NOT_BEFORE] = "the token is not valid yet",
        [TP_JWT_IAT] = "the token was issued in the future",
        [TP_JWT_ISSUER] = "the token does not have a valid issuer",
        [TP_JWT_AUDIENCE] = "the token does not have a valid audience",
        [TP_JWT_TOKEN_USE] = "the token is not of the expected use",
        [TP_JWT_SCOPE] = "the token does not have a valid scope",
        [TP_JWT_NOMEM] = "internal error",
    };

    return (unsigned) s < TP_NELEM(text) ? text[s] : "";
}
