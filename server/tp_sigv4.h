/*
 * tp_sigv4.h: AWS Signature Version 4 as API Gateway checks it on AWS_IAM
 * routes (../shared/reference/auth.md 6, errors.md 4): finding and parsing
 * the Authorization header or the presigned query, the canonical request,
 * the string to sign, the signing key, and a verifier whose failures carry
 * API Gateway's 403 texts; plus the matching signer (tests, and requests
 * turnpike may one day sign itself).
 *
 * Pure functions: no I/O, no globals.  Memory comes from the caller's
 * arena (the request's); secrets come from the caller's lookup and are
 * never copied into a result, a message or the arena.
 *
 * Files: tp_sigv4_parse.c (what the request carries: header, query,
 * timestamps, credential), tp_sigv4_canon.c (canonical URI, query,
 * headers, request), tp_sigv4.c (keys, signatures, verification order
 * and messages, signer).
 */
#ifndef TP_SIGV4_H
#define TP_SIGV4_H

#include "tp_core.h"
#include "tp_arena.h"
#include "tp_gwresp.h"

#define TP_SIGV4_ALGORITHM    "AWS4-HMAC-SHA256"
#define TP_SIGV4_TERMINATOR   "aws4_request"
#define TP_SIGV4_SERVICE      "execute-api"
#define TP_SIGV4_UNSIGNED_PAYLOAD "UNSIGNED-PAYLOAD"
#define TP_SIGV4_SKEW         300     /* seconds either way (limits.md) */
#define TP_SIGV4_MAX_EXPIRES  604800  /* X-Amz-Expires: one week */
#define TP_SIGV4_HEX_LEN      64      /* hex digits of a SHA-256 */
#define TP_SIGV4_DATE_LEN     16      /* "20150830T123600Z" */
#define TP_SIGV4_MAX_SECRET   256     /* longer secrets are refused */

/* A request header as it arrived: any case, value without outer blanks. */
struct tp_sigv4_hdr {
    struct tp_str name;
    struct tp_str value;
};

/* The request as received; nothing in it is modified. */
struct tp_sigv4_req {
    struct tp_str method;
    struct tp_str path;              /* raw (still encoded), before '?' */
    struct tp_str query;             /* raw, after '?'; empty if none */
    const struct tp_sigv4_hdr *hdrs;
    size_t nhdrs;
    const void *body;
    size_t body_len;
    const char *body_sha256;         /* 64 lower-case hex digits of the
                                        body's SHA-256 when the caller has
                                        them; NULL: hashed from body when
                                        needed */
};

enum tp_sigv4_form {
    TP_SIGV4_FORM_NONE = 0,
    TP_SIGV4_FORM_HEADER,            /* Authorization: AWS4-HMAC-SHA256 */
    TP_SIGV4_FORM_QUERY              /* presigned: X-Amz-* parameters */
};

/*
 * What a request says about its signature.  A field's p is NULL when the
 * request does not carry it (an empty value has a non-NULL p).  Header
 * form fields point into the request, query form ones into the arena
 * (percent-decoded).
 */
struct tp_sigv4_auth {
    enum tp_sigv4_form form;
    struct tp_str header;            /* the Authorization value */
    struct tp_str algorithm;
    struct tp_str credential;        /* "AKID/YYYYMMDD/region/service/
                                        aws4_request" */
    struct tp_str signed_headers;    /* "host;x-amz-date" */
    struct tp_str signature;
    struct tp_str date;              /* X-Amz-Date (header or query) or
                                        Date */
    bool date_is_http;               /* from Date: IMF-fixdate allowed */
    struct tp_str token;             /* X-Amz-Security-Token */
    bool token_in_query;
    struct tp_str expires;           /* X-Amz-Expires (query form) */
};

/* The credential's five elements. */
struct tp_sigv4_scope {
    struct tp_str akid;
    struct tp_str date;
    struct tp_str region;
    struct tp_str service;
    struct tp_str terminator;
};

/* Why a canonicalization failed (TP_DECLINED). */
enum tp_sigv4_canon_why {
    TP_SIGV4_CANON_ESCAPE = 1,       /* '%' not followed by 2 hex digits */
    TP_SIGV4_CANON_TRAILING_ESCAPE,  /* '%' in the last 2 bytes */
    TP_SIGV4_CANON_NO_HEADER         /* a signed header is absent */
};

struct tp_sigv4_canon_err {
    enum tp_sigv4_canon_why why;
    struct tp_str what;              /* the escape or the header name */
};

/*
 * Outcomes, each with API Gateway's x-amzn-ErrorType
 * (tp_sigv4_error_type()); all are 403 but INTERNAL (500).
 */
enum tp_sigv4_status {
    TP_SIGV4_OK = 0,
    TP_SIGV4_UNSIGNED,               /* MissingAuthenticationToken */
    TP_SIGV4_MALFORMED,              /* IncompleteSignature */
    TP_SIGV4_EXPIRED,                /* InvalidSignature: too old, or
                                        past X-Amz-Expires */
    TP_SIGV4_NOT_YET,                /* InvalidSignature: > 5 min ahead */
    TP_SIGV4_UNSIGNED_HEADER,        /* InvalidSignature: Host or an
                                        x-amz-* header not signed */
    TP_SIGV4_BAD_SCOPE,              /* InvalidSignature: region, service,
                                        terminator or date */
    TP_SIGV4_UNKNOWN_KEY,            /* UnrecognizedClient */
    TP_SIGV4_BAD_SIGNATURE,          /* InvalidSignature, with the
                                        canonical request and string to
                                        sign */
    TP_SIGV4_PAYLOAD_MISMATCH,       /* InvalidSignature: the body is not
                                        what X-Amz-Content-Sha256 says */
    TP_SIGV4_BAD_TOKEN,              /* UnrecognizedClient */
    TP_SIGV4_TOKEN_EXPIRED,          /* ExpiredToken */
    TP_SIGV4_INTERNAL                /* 500: no memory, lookup failed */
};

/* What the caller's lookup knows about an access key. */
struct tp_sigv4_key {
    struct tp_str secret;            /* the secret access key */
    struct tp_str token;             /* session token the key requires;
                                        p NULL: a long-term key, which
                                        takes none */
    int64_t token_expires;           /* Unix seconds; 0: never */
};

/*
 * Finds access key <akid>: TP_OK and *<key>, TP_DECLINED when unknown,
 * TP_ERROR when the lookup itself failed.  <key>'s memory must stay valid
 * until tp_sigv4_verify() returns.
 */
typedef int (*tp_sigv4_lookup_fn)(void *ctx, struct tp_str akid,
    struct tp_sigv4_key *key);

struct tp_sigv4_conf {
    struct tp_str region;            /* the gateway's region */
    struct tp_str service;           /* empty: TP_SIGV4_SERVICE */
    bool no_normalize;               /* keep dot segments and empty
                                        segments (API Gateway
                                        normalizes: false) */
    tp_sigv4_lookup_fn lookup;
    void *lookup_ctx;
};

struct tp_sigv4_result {
    enum tp_sigv4_status status;
    enum tp_sigv4_form form;
    struct tp_str akid;              /* the key the request names, once
                                        its credential parsed */
    const char *message;             /* the {"message"} text, NUL-ended,
                                        arena; NULL when OK */
    size_t message_len;
    struct tp_str canonical;         /* the canonical request and string
                                        to sign, once computed (the ones
                                        verified when OK); no secret */
    struct tp_str string_to_sign;
};

/*
 * Verifies <req> at Unix time <now>, in API Gateway's order (auth.md 6.2,
 * errors.md 4):
 *  1. the Authorization header or the presigned query is found; neither
 *     -> UNSIGNED; both -> MALFORMED; the header's elements are key=value
 *     pairs; Credential, Signature, SignedHeaders and X-Amz-Date or Date
 *     (query: X-Amz-Algorithm, -Credential, -Signature, -Date,
 *     -SignedHeaders) are present -> else MALFORMED;
 *  2. the timestamp is ISO 8601 basic (Date: also IMF-fixdate) ->
 *     MALFORMED; X-Amz-Expires is 0..604800 -> MALFORMED;
 *  3. |now - timestamp| <= 5 min -> EXPIRED / NOT_YET; presigned: the
 *     timestamp at most 5 min ahead and now <= timestamp + X-Amz-Expires
 *     (without X-Amz-Expires, the 5 minutes either way);
 *  4. host is signed, and every x-amz-* header present but
 *     X-Amz-Security-Token -> UNSIGNED_HEADER;
 *  5. the algorithm is AWS4-HMAC-SHA256 -> MALFORMED;
 *  6. the credential has 5 '/'-separated elements (trailing '/' ignored)
 *     -> MALFORMED; region, service, "aws4_request" and the timestamp's
 *     date match -> BAD_SCOPE (all mismatches in one message);
 *  7. the lookup knows the key -> UNKNOWN_KEY;
 *  8. every signed header exists, the query's escapes are valid ->
 *     MALFORMED; the signature matches (constant time) -> BAD_SIGNATURE.
 *     Presigned requests whose X-Amz-Security-Token was added after
 *     signing (left out of the canonical query) are accepted as well, and
 *     so are queries whose raw '+' was signed as a space (the message of
 *     a mismatch shows the '+' read as itself);
 *  9. an X-Amz-Content-Sha256 other than UNSIGNED-PAYLOAD (which leaves
 *     the body unchecked) is the body's SHA-256 -> PAYLOAD_MISMATCH;
 * 10. the session token is the key's (none for a long-term key) ->
 *     BAD_TOKEN; not past token_expires -> TOKEN_EXPIRED.
 * Returns the status, also in <res>.
 */
enum tp_sigv4_status tp_sigv4_verify(const struct tp_sigv4_conf *conf,
    const struct tp_sigv4_req *req, int64_t now, struct tp_arena *a,
    struct tp_sigv4_result *res);

/* x-amzn-ErrorType of <st> ("IncompleteSignatureException" ...). */
const char *tp_sigv4_error_type(enum tp_sigv4_status st);

/*
 * The gateway response type whose customization applies to a failure:
 * MISSING_AUTHENTICATION_TOKEN, EXPIRED_TOKEN, INTERNAL, else
 * INVALID_SIGNATURE; the x-amzn-ErrorType and message stay the result's.
 */
enum tp_gw tp_sigv4_gw(enum tp_sigv4_status st);

/* 403, 500 for INTERNAL (200 for OK). */
int tp_sigv4_http_status(enum tp_sigv4_status st);

/* --- the steps, for the verifier, the signer, tests and fuzzing --- */

/*
 * Step 1 of tp_sigv4_verify(): fills <auth> from <req>.  UNSIGNED, or
 * MALFORMED with res->message, or OK.
 */
enum tp_sigv4_status tp_sigv4_parse(const struct tp_sigv4_req *req,
    struct tp_arena *a, struct tp_sigv4_auth *auth,
    struct tp_sigv4_result *res);

/*
 * The Authorization value <v>: the algorithm (first word), then elements
 * separated by commas and blanks, each key=value (Credential,
 * SignedHeaders, Signature; others ignored, the last of a key wins).
 * TP_OK, or TP_DECLINED with *<bad> the first element without '='.
 */
int tp_sigv4_parse_header(struct tp_str v, struct tp_sigv4_auth *auth,
    struct tp_str *bad);

/*
 * The X-Amz-* parameters of raw query <q> (names and values decoded; the
 * first of a name wins).  TP_OK: auth->form is QUERY when X-Amz-Algorithm,
 * -Credential or -Signature is there.  TP_DECLINED: the same, but a bad
 * escape in one of them (the first in *<err>; the value is left empty).
 * TP_ERROR: no memory.
 */
int tp_sigv4_parse_query(struct tp_str q, struct tp_arena *a,
    struct tp_sigv4_auth *auth, struct tp_sigv4_canon_err *err);

/* Splits <cred>; TP_DECLINED unless 5 elements (trailing '/' ignored). */
int tp_sigv4_parse_credential(struct tp_str cred, struct tp_sigv4_scope *s);

/*
 * "YYYYMMDDTHHMMSSZ" (and, if <http>, "Sun, 06 Nov 1994 08:49:37 GMT")
 * -> TP_OK and *<t> in Unix seconds; TP_DECLINED otherwise.
 */
int tp_sigv4_parse_time(struct tp_str v, bool http, int64_t *t);

/* Writes <t> as "YYYYMMDDTHHMMSSZ" and a NUL (17 bytes). */
void tp_sigv4_format_time(int64_t t, char out[TP_SIGV4_DATE_LEN + 1]);

/* Query parameters the canonical query string leaves out, and how it
 * reads a raw '+'. */
#define TP_SIGV4_SKIP_SIGNATURE 0x1u /* X-Amz-Signature (presigned) */
#define TP_SIGV4_SKIP_TOKEN     0x2u /* X-Amz-Security-Token */
#define TP_SIGV4_PLUS_SPACE     0x4u /* '+' is a space (form encoding, as
                                        botocore sends params: it signs
                                        "%20" and sends "+") */

/*
 * Canonical URI: the raw path (empty: "/"), unless <no_normalize> with
 * "." and empty segments removed and ".." applied (a trailing '/' kept),
 * then every byte but unreserved ones and '/' as %XX, so that the wire's
 * escapes are encoded again ("%20" -> "%2520").  TP_OK or TP_ERROR (no
 * memory).
 */
int tp_sigv4_canon_uri(struct tp_arena *a, struct tp_str path,
    bool no_normalize, struct tp_str *out);

/*
 * Canonical query string: the '&'-separated parameters (empty ones
 * skipped; no '=' means an empty value), each name and value decoded and
 * encoded again with the unreserved set, sorted by name then value,
 * joined with '&'; parameters in <skip> left out.  TP_OK, TP_DECLINED
 * (bad escape, *<err>) or TP_ERROR.
 */
int tp_sigv4_canon_query(struct tp_arena *a, struct tp_str q, unsigned skip,
    struct tp_str *out, struct tp_sigv4_canon_err *err);

/*
 * Canonical headers ("name:value\n" each) and the signed headers line of
 * list <signed> ("host;x-amz-date": names lower-cased, sorted, repeats
 * and empty names dropped).  A value is the header's values in arrival
 * order joined with ',', each trimmed and with runs of blanks (SP, HTAB,
 * CR, LF: folded lines) made one space.  TP_OK, TP_DECLINED (a name no
 * header has) or TP_ERROR.
 */
int tp_sigv4_canon_headers(struct tp_arena *a, const struct tp_sigv4_hdr *h,
    size_t n, struct tp_str signed_list, struct tp_str *headers,
    struct tp_str *signed_line, struct tp_sigv4_canon_err *err);

struct tp_sigv4_canon_in {
    struct tp_str signed_headers;    /* the list the request gives */
    struct tp_str payload_hash;      /* hex SHA-256 or UNSIGNED-PAYLOAD */
    unsigned skip;                   /* TP_SIGV4_SKIP_* */
    bool no_normalize;
};

/* The canonical request: method, URI, query, headers, list, payload. */
int tp_sigv4_canon_request(struct tp_arena *a, const struct tp_sigv4_req *req,
    const struct tp_sigv4_canon_in *in, struct tp_str *out,
    struct tp_sigv4_canon_err *err);

/* <n> bytes as lower-case hex into <out> (2 n bytes, no NUL). */
void tp_sigv4_hex(const uint8_t *in, size_t n, char *out);

/*
 * The payload hash the canonical request ends with: the value of
 * X-Amz-Content-Sha256 when sent (the first, outer blanks trimmed;
 * *<claimed> true), else the body's SHA-256 in <buf> (NUL-ended).
 */
struct tp_str tp_sigv4_payload_hash(const struct tp_sigv4_req *req,
    char buf[TP_SIGV4_HEX_LEN + 1], bool *claimed);

/* kSigning from the secret and the scope's date, region and service. */
int tp_sigv4_signing_key(struct tp_str secret, struct tp_str date,
    struct tp_str region, struct tp_str service, uint8_t out[32]);

/* "AWS4-HMAC-SHA256\n<date>\n<scope>\n<hex SHA-256 of creq>". */
int tp_sigv4_string_to_sign(struct tp_arena *a, struct tp_str date,
    const struct tp_sigv4_scope *s, struct tp_str creq, struct tp_str *out);

/*
 * Writes <in, len> with every byte but unreserved ones (and '/', if
 * <keep_slash>) as %XX (upper-case hex) into <out> (room for 3 len);
 * returns the bytes written.
 */
size_t tp_sigv4_encode(const char *in, size_t len, char *out,
    bool keep_slash);

/* --- the signer --- */

struct tp_sigv4_sign_in {
    struct tp_str akid;
    struct tp_str secret;
    struct tp_str token;             /* p NULL: none */
    struct tp_str region;
    struct tp_str service;
    struct tp_str date;              /* "YYYYMMDDTHHMMSSZ" */
    struct tp_str signed_headers;    /* the names to sign: "host;..." */
    int64_t expires;                 /* presigned: X-Amz-Expires; < 0:
                                        none (5 minutes either way) */
    bool no_normalize;
};

/*
 * The Authorization value signing <req>, whose headers already hold those
 * it signs (Host, X-Amz-Date, X-Amz-Security-Token ...).  TP_OK,
 * TP_DECLINED (a signed header absent, a bad escape) or TP_ERROR.
 */
int tp_sigv4_sign_header(struct tp_arena *a, const struct tp_sigv4_req *req,
    const struct tp_sigv4_sign_in *in, struct tp_str *authorization);

/*
 * The query of <req> presigned: its own parameters, then X-Amz-Algorithm,
 * -Credential, -Date, -SignedHeaders, -Expires, -Security-Token (if any)
 * and -Signature.  *<creq> (may be NULL): the canonical request signed.
 */
int tp_sigv4_presign(struct tp_arena *a, const struct tp_sigv4_req *req,
    const struct tp_sigv4_sign_in *in, struct tp_str *query,
    struct tp_str *creq);

#endif /* TP_SIGV4_H */
