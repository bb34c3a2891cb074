/*
 * tp_sigv4.c: SigV4 keys and signatures (OpenSSL's HMAC-SHA256 and
 * SHA-256), the verifier's steps in API Gateway's order with its 403
 * texts, and the signer.  The order and texts are those AWS's frontends
 * answer with (errors.md 4, and AWS responses quoted in public bug
 * reports); where neither says, the text is turnpike's, shaped like
 * AWS's.
 *
 * Secrets stay on the stack and are wiped after use (OPENSSL_cleanse);
 * the expected signature is compared in constant time and never shown.
 */
#include "tp_sigv4_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#define SV_MISMATCH \
    "The request signature we calculated does not match the signature " \
    "you provided. Check your AWS Secret Access Key and signing method. " \
    "Consult the service documentation for details."
#define SV_BAD_TOKEN "The security token included in the request is invalid."

/* --- outcomes --- */

enum tp_sigv4_status
tp_sigv4_fail(struct tp_sigv4_result *res, struct tp_arena *a,
    enum tp_sigv4_status st, const char *fmt, ...)
{
    static const char oom[] = "Internal server error";
    va_list ap;
    char *m = NULL;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n >= 0 && (m = tp_arena_alloc(a, (size_t) n + 1)) != NULL) {
        va_start(ap, fmt);
        vsnprintf(m, (size_t) n + 1, fmt, ap);
        va_end(ap);
    }
    if (m == NULL) {
        st = TP_SIGV4_INTERNAL;
        m = (char *) oom;
        n = (int) sizeof(oom) - 1;
    }
    res->status = st;
    res->message = m;
    res->message_len = (size_t) n;
    return st;
}

enum tp_sigv4_status
tp_sigv4_fail_escape(struct tp_sigv4_result *res, struct tp_arena *a,
    const struct tp_sigv4_canon_err *err)
{
    if (err->why == TP_SIGV4_CANON_TRAILING_ESCAPE) {
        return tp_sigv4_fail(res, a, TP_SIGV4_MALFORMED,
                             "Incomplete trailing escape %% sequence");
    }
    return tp_sigv4_fail(res, a, TP_SIGV4_MALFORMED,
                         "Illegal hex character in escape %% pattern: %.*s",
                         (int) err->what.len, err->what.p);
}

const char *
tp_sigv4_error_type(enum tp_sigv4_status st)
{
    switch (st) {
    case TP_SIGV4_OK:
        return NULL;
    case TP_SIGV4_UNSIGNED:
        return "MissingAuthenticationTokenException";
    case TP_SIGV4_MALFORMED:
        return "IncompleteSignatureException";
    case TP_SIGV4_UNKNOWN_KEY:
    case TP_SIGV4_BAD_TOKEN:
        return "UnrecognizedClientException";
    case TP_SIGV4_TOKEN_EXPIRED:
        return "ExpiredTokenException";
    case TP_SIGV4_INTERNAL:
        return "InternalServerErrorException";
    default:
        return "InvalidSignatureException";
    }
}

enum tp_gw
tp_sigv4_gw(enum tp_sigv4_status st)
{
    switch (st) {
    case TP_SIGV4_UNSIGNED:
        return TP_GW_MISSING_AUTHENTICATION_TOKEN;
    case TP_SIGV4_TOKEN_EXPIRED:
        return TP_GW_EXPIRED_TOKEN;
    case TP_SIGV4_INTERNAL:
        return TP_GW_INTERNAL;
    default:
        return TP_GW_INVALID_SIGNATURE;
    }
}

int
tp_sigv4_http_status(enum tp_sigv4_status st)
{
    return st == TP_SIGV4_OK ? 200 : st == TP_SIGV4_INTERNAL ? 500 : 403;
}

/* --- hashes, keys, string to sign --- */

void
tp_sigv4_hex(const uint8_t *in, size_t n, char *out)
{
    static const char hex[] = "0123456789abcdef";
    size_t i;

    for (i = 0; i < n; i++) {
        out[2 * i] = hex[in[i] >> 4];
        out[2 * i + 1] = hex[in[i] & 0xf];
    }
}

static int
sv_hmac(const void *key, size_t klen, const void *d, size_t n,
    uint8_t out[32])
{
    unsigned int len = 32;

    return HMAC(EVP_sha256(), key, (int) klen, d, n, out, &len) != NULL
           ? TP_OK : TP_ERROR;
}

struct tp_str
tp_sigv4_payload_hash(const struct tp_sigv4_req *req,
    char buf[TP_SIGV4_HEX_LEN + 1], bool *claimed)
{
    const struct tp_sigv4_hdr *h = tp_sigv4_find_hdr(req,
                                                     "x-amz-content-sha256");
    uint8_t md[32];
    struct tp_str v;

    *claimed = h != NULL;
    if (h != NULL) {
        v = h->value;
        while (v.len > 0 && tp_sigv4_blank((unsigned char) v.p[0])) {
            v.p++;
            v.len--;
        }
        while (v.len > 0 && tp_sigv4_blank((unsigned char) v.p[v.len - 1])) {
            v.len--;
        }
        return v;
    }
    if (req->body_sha256 != NULL) {
        memcpy(buf, req->body_sha256, TP_SIGV4_HEX_LEN);
    } else {
        SHA256(req->body != NULL ? req->body : "", req->body_len, md);
        tp_sigv4_hex(md, sizeof(md), buf);
    }
    buf[TP_SIGV4_HEX_LEN] = '\0';
    return (struct tp_str) { buf, TP_SIGV4_HEX_LEN };
}

int
tp_sigv4_signing_key(struct tp_str secret, struct tp_str date,
    struct tp_str region, struct tp_str service, uint8_t out[32])
{
    uint8_t k[4 + TP_SIGV4_MAX_SECRET], t[32];
    int rc;

    if (secret.len > TP_SIGV4_MAX_SECRET) {
        return TP_DECLINED;
    }
    memcpy(k, "AWS4", 4);
    memcpy(k + 4, secret.p, secret.len);
    rc = sv_hmac(k, 4 + secret.len, date.p, date.len, t) == TP_OK
         && sv_hmac(t, 32, region.p, region.len, t) == TP_OK
         && sv_hmac(t, 32, service.p, service.len, t) == TP_OK
         && sv_hmac(t, 32, TP_SIGV4_TERMINATOR,
                    sizeof(TP_SIGV4_TERMINATOR) - 1, out) == TP_OK
         ? TP_OK : TP_ERROR;
    OPENSSL_cleanse(k, sizeof(k));
    OPENSSL_cleanse(t, sizeof(t));
    return rc;
}

int
tp_sigv4_string_to_sign(struct tp_arena *a, struct tp_str date,
    const struct tp_sigv4_scope *s, struct tp_str creq, struct tp_str *out)
{
    struct tp_str scope;
    uint8_t md[32];
    char hex[TP_SIGV4_HEX_LEN];

    if (tp_sigv4_join(a, (struct tp_str[]) { s->date, s->region, s->service,
                                             s->terminator }, 4, '/', &scope)
        != TP_OK)
    {
        return TP_ERROR;
    }
    SHA256((const unsigned char *) creq.p, creq.len, md);
    tp_sigv4_hex(md, sizeof(md), hex);
    return tp_sigv4_join(a, (struct tp_str[]) {
                             TP_STR(TP_SIGV4_ALGORITHM), date, scope,
                             { hex, sizeof(hex) } }, 4, '\n', out);
}

/*
 * Canonical request, string to sign and signature (hex, NUL-ended, in
 * <sig>) of <req> as <in> describes it, for the scope <s> and timestamp
 * <date>.  TP_OK, TP_DECLINED (*<err>: a signed header absent, a bad
 * escape; or a secret too long: err->why 0) or TP_ERROR.
 */
static int
sv_sign(struct tp_arena *a, const struct tp_sigv4_req *req,
    const struct tp_sigv4_canon_in *in, struct tp_str secret,
    struct tp_str date, const struct tp_sigv4_scope *s,
    char sig[TP_SIGV4_HEX_LEN + 1], struct tp_str *creq, struct tp_str *sts,
    struct tp_sigv4_canon_err *err)
{
    uint8_t k[32], md[32];
    int rc;

    err->why = 0;
    if ((rc = tp_sigv4_canon_request(a, req, in, creq, err)) != TP_OK
        || (rc = tp_sigv4_string_to_sign(a, date, s, *creq, sts)) != TP_OK
        || (rc = tp_sigv4_signing_key(secret, s->date, s->region,
                                      s->service, k)) != TP_OK)
    {
        return rc;
    }
    rc = sv_hmac(k, sizeof(k), sts->p, sts->len, md);
    tp_sigv4_hex(md, sizeof(md), sig);
    sig[TP_SIGV4_HEX_LEN] = '\0';
    OPENSSL_cleanse(k, sizeof(k));
    OPENSSL_cleanse(md, sizeof(md));
    return rc;
}

/* --- verification, after step 1 (tp_sigv4_parse) --- */

/* Step 2: X-Amz-Expires, whose texts are S3's (the only ones known). */
static enum tp_sigv4_status
sv_expires(struct tp_str v, int64_t *expires, struct tp_arena *a,
    struct tp_sigv4_result *res)
{
    size_t i = v.len > 0 && v.p[0] == '-';
    int64_t n = 0;

    if (i == v.len) {
        return tp_sigv4_fail(res, a, TP_SIGV4_MALFORMED,
                             "X-Amz-Expires should be a number");
    }
    for (; i < v.len; i++) {
        if (v.p[i] < '0' || v.p[i] > '9') {
            return tp_sigv4_fail(res, a, TP_SIGV4_MALFORMED,
                                 "X-Amz-Expires should be a number");
        }
        n = n > TP_SIGV4_MAX_EXPIRES ? n : n * 10 + (v.p[i] - '0');
    }
    if (v.p[0] == '-' && n > 0) {
        return tp_sigv4_fail(res, a, TP_SIGV4_MALFORMED,
                             "X-Amz-Expires must be non-negative");
    }
    if (n > TP_SIGV4_MAX_EXPIRES) {
        return tp_sigv4_fail(res, a, TP_SIGV4_MALFORMED,
            "X-Amz-Expires must be less than a week (in seconds) that is "
            "604800");
    }
    *expires = n;
    return TP_SIGV4_OK;
}

/* Step 3: the timestamp <t> (<date>) against <now>. */
static enum tp_sigv4_status
sv_time(int64_t t, const char *date, int64_t expires, int64_t now,
    struct tp_arena *a, struct tp_sigv4_result *res)
{
    char edge[TP_SIGV4_DATE_LEN + 1], cur[TP_SIGV4_DATE_LEN + 1];

    tp_sigv4_format_time(now, cur);
    if (expires < 0 && t < now - TP_SIGV4_SKEW) {
        tp_sigv4_format_time(now - TP_SIGV4_SKEW, edge);
        return tp_sigv4_fail(res, a, TP_SIGV4_EXPIRED,
            "Signature expired: %s is now earlier than %s (%s - 5 min.)",
            date, edge, cur);
    }
    if (t > now + TP_SIGV4_SKEW) {
        tp_sigv4_format_time(now + TP_SIGV4_SKEW, edge);
        return tp_sigv4_fail(res, a, TP_SIGV4_NOT_YET,
            "Signature not yet current: %s is still later than %s "
            "(%s + 5 min.)", date, edge, cur);
    }
    if (expires >= 0 && now - t > expires) {
        tp_sigv4_format_time(now - expires, edge);
        return tp_sigv4_fail(res, a, TP_SIGV4_EXPIRED,
            "Signature expired: %s is now earlier than %s (%s - %lld sec.)",
            date, edge, cur, (long long) expires);
    }
    return TP_SIGV4_OK;
}

/* Whether ';'-list <l> names <n> (ASCII case ignored). */
static bool
sv_listed(struct tp_str l, struct tp_str n)
{
    size_t i, start = 0;

    for (i = 0; i <= l.len; i++) {
        if (i < l.len && l.p[i] != ';') {
            continue;
        }
        if (i - start == n.len
            && strncasecmp(l.p + start, n.p, n.len) == 0)
        {
            return true;
        }
        start = i + 1;
    }
    return false;
}

/* Step 4: host, and every x-amz-* header but the token, are signed. */
static enum tp_sigv4_status
sv_signed_policy(const struct tp_sigv4_req *req,
    const struct tp_sigv4_auth *auth, struct tp_arena *a,
    struct tp_sigv4_result *res)
{
    struct tp_str n;
    size_t i;

    if (!sv_listed(auth->signed_headers, TP_STR("host"))
        && !sv_listed(auth->signed_headers, TP_STR(":authority")))
    {
        return tp_sigv4_fail(res, a, TP_SIGV4_UNSIGNED_HEADER,
            "'Host' or ':authority' must be a 'SignedHeader' in the AWS "
            "Authorization.");
    }
    for (i = 0; i < req->nhdrs; i++) {
        n = req->hdrs[i].name;
        if (n.len > 6 && strncasecmp(n.p, "x-amz-", 6) == 0
            && !(n.len == 20 && strncasecmp(n.p, "x-amz-security-token",
                                            20) == 0)
            && !sv_listed(auth->signed_headers, n))
        {
            return tp_sigv4_fail(res, a, TP_SIGV4_UNSIGNED_HEADER,
                "'%.*s' must be a 'SignedHeader' in the AWS Authorization.",
                (int) n.len, n.p);
        }
    }
    return TP_SIGV4_OK;
}

/* Step 6: the scope; every mismatch goes in the one message, as AWS's. */
static enum tp_sigv4_status
sv_scope(const struct tp_sigv4_conf *conf, const struct tp_sigv4_scope *s,
    const char *date, struct tp_arena *a, struct tp_sigv4_result *res)
{
    struct tp_str svc = conf->service.len > 0 ? conf->service
                                              : TP_STR(TP_SIGV4_SERVICE);
    bool r = !tp_str_eq(s->region, conf->region);
    bool v = !tp_str_eq(s->service, svc);
    bool t = !tp_str_eq(s->terminator, TP_STR(TP_SIGV4_TERMINATOR));
    bool d = !tp_str_eq(s->date, (struct tp_str) { date, 8 });

    if (!r && !v && !t && !d) {
        return TP_SIGV4_OK;
    }
    return tp_sigv4_fail(res, a, TP_SIGV4_BAD_SCOPE,
        "%s%.*s%s" "%s%.*s%s" "%s%.*s%s" "%s%.*s%s%.8s%s%s%s",
        r ? "Credential should be scoped to a valid region, not '" : "",
        r ? (int) s->region.len : 0, s->region.p, r ? "'. " : "",
        v ? "Credential should be scoped to correct service: '" : "",
        v ? (int) svc.len : 0, svc.p, v ? "'. " : "",
        t ? "Credential should be scoped with a valid terminator: "
            "'aws4_request', not '" : "",
        t ? (int) s->terminator.len : 0, s->terminator.p, t ? "'. " : "",
        d ? "Date in Credential scope does not match YYYYMMDD from "
            "ISO-8601 version of date from HTTP: '" : "",
        d ? (int) s->date.len : 0, s->date.p, d ? "' != '" : "",
        d ? date : "", d ? "', from '" : "", d ? date : "",
        d ? "'." : "");
}

/* The signature <sig> computed is the one the request carries
 * (constant time). */
static bool
sv_match(const char sig[TP_SIGV4_HEX_LEN + 1],
    const struct tp_sigv4_auth *auth)
{
    return auth->signature.len == TP_SIGV4_HEX_LEN
        && CRYPTO_memcmp(sig, auth->signature.p, TP_SIGV4_HEX_LEN) == 0;
}

/* Step 8: the signature, and the canonical strings in <res>. */
static enum tp_sigv4_status
sv_signature(const struct tp_sigv4_conf *conf,
    const struct tp_sigv4_req *req, const struct tp_sigv4_auth *auth,
    const struct tp_sigv4_scope *s, struct tp_str secret, const char *date,
    struct tp_arena *a, struct tp_sigv4_result *res)
{
    struct tp_sigv4_canon_in in;
    struct tp_sigv4_canon_err err;
    struct tp_str creq, sts, d = { date, TP_SIGV4_DATE_LEN };
    char ph[TP_SIGV4_HEX_LEN + 1], sig[TP_SIGV4_HEX_LEN + 1];
    unsigned base, v;
    bool claimed, ok, plus;
    int rc;

    in.signed_headers = auth->signed_headers;
    in.payload_hash = tp_sigv4_payload_hash(req, ph, &claimed);
    base = auth->form == TP_SIGV4_FORM_QUERY ? TP_SIGV4_SKIP_SIGNATURE : 0;
    in.skip = base;
    in.no_normalize = conf->no_normalize;
    rc = sv_sign(a, req, &in, secret, d, s, sig, &creq, &sts, &err);
    ok = rc == TP_OK && sv_match(sig, auth);
    if (rc == TP_OK) {
        res->canonical = creq;
        res->string_to_sign = sts;
    }
    /*
     * Other readings of the same request, when the first does not match:
     * a session token added to a presigned URL after signing (1), a raw
     * '+' in the query signed as a space (2), or both.
     */
    plus = req->query.len > 0 && memchr(req->query.p, '+', req->query.len);
    for (v = 1; rc == TP_OK && !ok && v < 4; v++) {
        struct tp_str c2, s2;

        if (((v & 1) && !auth->token_in_query) || ((v & 2) && !plus)) {
            continue;
        }
        in.skip = base | ((v & 1) ? TP_SIGV4_SKIP_TOKEN : 0)
                  | ((v & 2) ? TP_SIGV4_PLUS_SPACE : 0);
        rc = sv_sign(a, req, &in, secret, d, s, sig, &c2, &s2, &err);
        ok = rc == TP_OK && sv_match(sig, auth);
        if (ok) {
            res->canonical = c2;         /* what was verified */
            res->string_to_sign = s2;
        }
    }
    OPENSSL_cleanse(sig, sizeof(sig));
    if (rc == TP_DECLINED && err.why == TP_SIGV4_CANON_NO_HEADER) {
        return tp_sigv4_fail(res, a, TP_SIGV4_MALFORMED,
            "'%.*s' is named as a SignedHeader, but it does not exist in "
            "the HTTP request.", (int) err.what.len, err.what.p);
    }
    if (rc == TP_DECLINED && err.why != 0) {
        return tp_sigv4_fail_escape(res, a, &err);
    }
    if (rc != TP_OK) {
        return tp_sigv4_fail(res, a, TP_SIGV4_INTERNAL,
                             "Internal server error");
    }
    if (!ok) {
        return tp_sigv4_fail(res, a, TP_SIGV4_BAD_SIGNATURE,
            SV_MISMATCH "\n\nThe Canonical String for this request should "
            "have been\n'%.*s'\n\nThe String-to-Sign should have been\n"
            "'%.*s'\n", (int) creq.len, creq.p, (int) sts.len, sts.p);
    }
    /* Step 9: a claimed body hash must be the body's. */
    if (claimed && !tp_str_eq(in.payload_hash,
                              TP_STR(TP_SIGV4_UNSIGNED_PAYLOAD)))
    {
        struct tp_sigv4_req body = *req;

        body.hdrs = NULL;
        body.nhdrs = 0;
        tp_sigv4_payload_hash(&body, ph, &claimed);
        if (in.payload_hash.len != TP_SIGV4_HEX_LEN
            || memcmp(in.payload_hash.p, ph, TP_SIGV4_HEX_LEN) != 0)
        {
            return tp_sigv4_fail(res, a, TP_SIGV4_PAYLOAD_MISMATCH,
                "The provided 'x-amz-content-sha256' header does not match "
                "what was computed.");
        }
    }
    return TP_SIGV4_OK;
}

/* Step 10: the session token is the one the key was issued with. */
static enum tp_sigv4_status
sv_token(const struct tp_sigv4_auth *auth, const struct tp_sigv4_key *key,
    int64_t now, struct tp_arena *a, struct tp_sigv4_result *res)
{
    struct tp_str sent = auth->token, want = key->token;

    if (sent.p == NULL ? want.p != NULL
        : want.p == NULL || sent.len != want.len
          || CRYPTO_memcmp(sent.p, want.p, sent.len) != 0)
    {
        return tp_sigv4_fail(res, a, TP_SIGV4_BAD_TOKEN, SV_BAD_TOKEN);
    }
    if (want.p != NULL && key->token_expires != 0
        && now >= key->token_expires)
    {
        return tp_sigv4_fail(res, a, TP_SIGV4_TOKEN_EXPIRED,
            "The security token included in the request is expired");
    }
    return TP_SIGV4_OK;
}

enum tp_sigv4_status
tp_sigv4_verify(const struct tp_sigv4_conf *conf,
    const struct tp_sigv4_req *req, int64_t now, struct tp_arena *a,
    struct tp_sigv4_result *res)
{
    struct tp_sigv4_auth auth;
    struct tp_sigv4_scope s;
    struct tp_sigv4_key key;
    char date[TP_SIGV4_DATE_LEN + 1];
    int64_t t, expires = -1;
    enum tp_sigv4_status st;
    int rc;

    memset(res, 0, sizeof(*res));
    if ((st = tp_sigv4_parse(req, a, &auth, res)) != TP_SIGV4_OK) {
        return st;
    }
    if (tp_sigv4_parse_time(auth.date, auth.date_is_http, &t) != TP_OK) {
        return tp_sigv4_fail(res, a, TP_SIGV4_MALFORMED,
            "Date must be in ISO-8601 'basic format'. Got '%.*s'. See "
            "http://en.wikipedia.org/wiki/ISO_8601", (int) auth.date.len,
            auth.date.p);
    }
    tp_sigv4_format_time(t, date);
    if ((auth.expires.p != NULL
         && (st = sv_expires(auth.expires, &expires, a, res)) != TP_SIGV4_OK)
        || (st = sv_time(t, date, expires, now, a, res)) != TP_SIGV4_OK
        || (st = sv_signed_policy(req, &auth, a, res)) != TP_SIGV4_OK)
    {
        return st;
    }
    if (!tp_str_eq(auth.algorithm, TP_STR(TP_SIGV4_ALGORITHM))) {
        return tp_sigv4_fail(res, a, TP_SIGV4_MALFORMED,
            "Unsupported AWS 'algorithm': '%.*s' (only AWS4-HMAC-SHA256 for "
            "now). ", (int) auth.algorithm.len, auth.algorithm.p);
    }
    if (tp_sigv4_parse_credential(auth.credential, &s) != TP_OK) {
        return tp_sigv4_fail(res, a, TP_SIGV4_MALFORMED,
            "Credential must have exactly 5 slash-delimited elements, e.g. "
            "keyid/date/region/service/term, got '%.*s'",
            (int) auth.credential.len, auth.credential.p);
    }
    res->akid = s.akid;
    if ((st = sv_scope(conf, &s, date, a, res)) != TP_SIGV4_OK) {
        return st;
    }
    memset(&key, 0, sizeof(key));
    rc = conf->lookup(conf->lookup_ctx, s.akid, &key);
    if (rc == TP_DECLINED) {
        return tp_sigv4_fail(res, a, TP_SIGV4_UNKNOWN_KEY, SV_BAD_TOKEN);
    }
    if (rc != TP_OK) {
        return tp_sigv4_fail(res, a, TP_SIGV4_INTERNAL,
                             "Internal server error");
    }
    if ((st = sv_signature(conf, req, &auth, &s, key.secret, date, a, res))
            != TP_SIGV4_OK
        || (st = sv_token(&auth, &key, now, a, res)) != TP_SIGV4_OK)
    {
        return st;
    }
    res->status = TP_SIGV4_OK;
    return TP_SIGV4_OK;
}

/* --- the signer --- */

/* The scope <in> signs with; the date is its timestamp's first 8 bytes. */
static int
sv_sign_scope(const struct tp_sigv4_sign_in *in, struct tp_sigv4_scope *s)
{
    if (in->date.len != TP_SIGV4_DATE_LEN) {
        return TP_DECLINED;
    }
    s->akid = in->akid;
    s->date = (struct tp_str) { in->date.p, 8 };
    s->region = in->region;
    s->service = in->service;
    s->terminator = TP_STR(TP_SIGV4_TERMINATOR);
    return TP_OK;
}

int
tp_sigv4_sign_header(struct tp_arena *a, const struct tp_sigv4_req *req,
    const struct tp_sigv4_sign_in *in, struct tp_str *authorization)
{
    struct tp_sigv4_canon_in cin;
    struct tp_sigv4_canon_err err;
    struct tp_sigv4_scope s;
    struct tp_str creq, sts;
    char ph[TP_SIGV4_HEX_LEN + 1], sig[TP_SIGV4_HEX_LEN + 1];
    bool claimed;
    int rc;

    if (sv_sign_scope(in, &s) != TP_OK) {
        return TP_DECLINED;
    }
    cin.signed_headers = in->signed_headers;
    cin.payload_hash = tp_sigv4_payload_hash(req, ph, &claimed);
    cin.skip = 0;
    cin.no_normalize = in->no_normalize;
    rc = sv_sign(a, req, &cin, in->secret, in->date, &s, sig, &creq, &sts,
                 &err);
    if (rc != TP_OK) {
        return rc;
    }
    authorization->p = tp_arena_sprintf(a,
        TP_SIGV4_ALGORITHM " Credential=%.*s/%.8s/%.*s/%.*s/"
        TP_SIGV4_TERMINATOR ", SignedHeaders=%.*s, Signature=%s",
        (int) in->akid.len, in->akid.p, in->date.p, (int) in->region.len,
        in->region.p, (int) in->service.len, in->service.p,
        (int) in->signed_headers.len, in->signed_headers.p, sig);
    authorization->len = authorization->p ? strlen(authorization->p) : 0;
    return authorization->p != NULL ? TP_OK : TP_ERROR;
}

/* Appends <v> percent-encoded at <o>; returns the end. */
static char *
sv_put_encoded(char *o, struct tp_str v)
{
    return o + tp_sigv4_encode(v.p, v.len, o, false);
}

int
tp_sigv4_presign(struct tp_arena *a, const struct tp_sigv4_req *req,
    const struct tp_sigv4_sign_in *in, struct tp_str *query,
    struct tp_str *creq_out)
{
    struct tp_sigv4_canon_in cin;
    struct tp_sigv4_canon_err err;
    struct tp_sigv4_scope s;
    struct tp_sigv4_req r = *req;
    struct tp_str cred, creq, sts;
    char ph[TP_SIGV4_HEX_LEN + 1], sig[TP_SIGV4_HEX_LEN + 1], *o;
    bool claimed;
    int rc;

    if (sv_sign_scope(in, &s) != TP_OK) {
        return TP_DECLINED;
    }
    cred.p = tp_arena_sprintf(a, "%.*s/%.8s/%.*s/%.*s/" TP_SIGV4_TERMINATOR,
        (int) in->akid.len, in->akid.p, in->date.p, (int) in->region.len,
        in->region.p, (int) in->service.len, in->service.p);
    o = tp_arena_alloc(a, req->query.len + 3 * (cred.p ? strlen(cred.p) : 0)
                          + 3 * in->signed_headers.len + 3 * in->token.len
                          + 3 * in->date.len + 256 + TP_SIGV4_HEX_LEN);
    if (cred.p == NULL || o == NULL) {
        return TP_ERROR;
    }
    cred.len = strlen(cred.p);
    r.query.p = o;
    if (req->query.len > 0) {
        memcpy(o, req->query.p, req->query.len);
        o += req->query.len;
        *o++ = '&';
    }
    o += sprintf(o, "X-Amz-Algorithm=" TP_SIGV4_ALGORITHM
                    "&X-Amz-Credential=");
    o = sv_put_encoded(o, cred);
    o += sprintf(o, "&X-Amz-Date=");
    o = sv_put_encoded(o, in->date);
    o += sprintf(o, "&X-Amz-SignedHeaders=");
    o = sv_put_encoded(o, in->signed_headers);
    if (in->expires >= 0) {
        o += sprintf(o, "&X-Amz-Expires=%lld", (long long) in->expires);
    }
    if (in->token.p != NULL) {
        o += sprintf(o, "&X-Amz-Security-Token=");
        o = sv_put_encoded(o, in->token);
    }
    r.query.len = (size_t) (o - r.query.p);
    cin.signed_headers = in->signed_headers;
    cin.payload_hash = tp_sigv4_payload_hash(req, ph, &claimed);
    cin.skip = TP_SIGV4_SKIP_SIGNATURE;
    cin.no_normalize = in->no_normalize;
    rc = sv_sign(a, &r, &cin, in->secret, in->date, &s, sig, &creq, &sts,
                 &err);
    if (rc != TP_OK) {
        return rc;
    }
    o += sprintf(o, "&X-Amz-Signature=%s", sig);
    *query = (struct tp_str) { r.query.p, (size_t) (o - r.query.p) };
    if (creq_out != NULL) {
        *creq_out = creq;
    }
    return TP_OK;
}
