/*
 * tp_jwt.h: JSON Web Token verification for HTTP API JWT authorizers
 * (auth.md 4) and REST Cognito user-pool authorizers (auth.md 5).  Pure:
 * the caller brings the token, the keys (tp_jwks.h), the time and an
 * arena; nothing is fetched, cached or logged here.  Used by workers.
 *
 * tp_jwt_check() does it all: decode the compact JWS, check its alg and
 * signature, then its claims, and on success hand back the claims for
 * $context.authorizer.claims.<name> and the token's scopes.  The three
 * steps are also callable alone (tp_jwt_decode(), tp_jwt_verify(),
 * tp_jwt_validate()), e.g. to pick a JWKS by the token's iss first.
 */
#ifndef TP_JWT_H
#define TP_JWT_H

#include "tp_core.h"
#include "tp_arena.h"
#include "tp_json.h"
#include "tp_jwks.h"

#define TP_JWT_MAX_LEN        16384  /* longer tokens are malformed */
#define TP_JWT_HS256_MIN_KEY  32     /* RFC 7518 3.2: key >= hash size */

/* auth.md 4: "Only RSA algorithms" for JWT authorizers. */
#define TP_JWT_ALGS_DEFAULT \
    (TP_JWA_BIT(TP_JWA_RS256) | TP_JWA_BIT(TP_JWA_RS384) \
     | TP_JWA_BIT(TP_JWA_RS512))

enum tp_jwt_mode {
    TP_JWT_MODE_JWT = 0,             /* HTTP API JWT authorizer */
    TP_JWT_MODE_COGNITO              /* REST COGNITO_USER_POOLS */
};

/* Why a token failed; the first failing check in the order below. */
enum tp_jwt_status {
    TP_JWT_OK = 0,
    TP_JWT_MALFORMED,                /* not a compact JWS with JSON
                                        objects, too long, crit, ... */
    TP_JWT_ALG,                      /* none, unknown, not allowed, or
                                        unfit for the kid's key */
    TP_JWT_KID,                      /* no kid, or no key with it */
    TP_JWT_SIGNATURE,
    TP_JWT_CLAIM_TYPE,               /* exp, nbf or iat not a number */
    TP_JWT_EXP_MISSING,
    TP_JWT_EXPIRED,
    TP_JWT_NOT_BEFORE,               /* nbf in the future */
    TP_JWT_IAT,                      /* iat in the future */
    TP_JWT_ISSUER,
    TP_JWT_AUDIENCE,                 /* aud, or client_id without aud */
    TP_JWT_TOKEN_USE,                /* Cognito: id vs access token */
    TP_JWT_SCOPE,                    /* none of the route's scopes */
    TP_JWT_NOMEM                     /* ours, not the client's: 500 */
};

struct tp_jwt_conf {
    enum tp_jwt_mode mode;
    unsigned algs;                   /* TP_JWA_BIT()s; 0: the default */
    const struct tp_jwks *jwks;      /* RS/PS/ES keys; may be NULL */
    const unsigned char *hs256_key;  /* HS256 only with this secret, of */
    size_t hs256_key_len;            /* >= TP_JWT_HS256_MIN_KEY bytes */
    const char *issuer;              /* exact "iss"; NULL fails all */
    const char *const *audiences;    /* JWT mode: one must match (none:
                                        every token fails); Cognito: */
    unsigned naudiences;             /* checked only when given */
    int64_t leeway;                  /* seconds of clock skew allowed */
};

/* A claim as $context.authorizer.claims.<name> gives it: a string's
 * value unescaped, anything else its JSON text ("12", "true", "[...]"). */
struct tp_jwt_claim {
    struct tp_str name;
    struct tp_str value;
    int type;                        /* enum tp_json_type of the value */
};

/* A decoded token; nothing in it is trusted before tp_jwt_verify(). */
struct tp_jwt {
    struct tp_str signing_input;     /* "header.payload" as sent */
    enum tp_jwa alg;                 /* UNKNOWN when not one of ours */
    bool alg_none;                   /* "none", in any case */
    struct tp_str kid;               /* p NULL when absent */
    struct tp_str typ;               /* p NULL when absent; not checked */
    const unsigned char *sig;
    size_t sig_len;
    struct tp_json payload;          /* the claims object is token 0 */
    struct tp_jwt_claim *claims;     /* sorted by name (bytes) */
    unsigned nclaims;
};

struct tp_jwt_result {
    enum tp_jwt_status status;
    const char *detail;              /* static; what failed, for logs */
    struct tp_jwt_claim *claims;     /* sorted by name; on TP_JWT_OK */
    unsigned nclaims;
    struct tp_str *scopes;           /* the token's "scope" (or "scp") */
    unsigned nscopes;
};

/*
 * An identity source value as auth.md 4 step 1 allows: the token alone,
 * or "Bearer <token>" (scheme in any case).  Blanks around are dropped.
 */
struct tp_str tp_jwt_from_header(const char *v, size_t len);

/*
 * Splits and decodes the compact JWS <tok, len> into <t> (memory from
 * <a>; <tok> need not outlive it): three strict base64url parts, a header
 * object with a string "alg" and no "crit", a string "kid" and "typ" if
 * any, a payload object without duplicate member names.  TP_JWT_OK,
 * TP_JWT_MALFORMED or TP_JWT_NOMEM, with *<detail> set on failure.
 */
enum tp_jwt_status tp_jwt_decode(struct tp_jwt *t, const char *tok,
    size_t len, struct tp_arena *a, const char **detail);

/*
 * Checks <t>'s alg against <c> and its signature: HS256 with
 * c->hs256_key; anything else with the first key of c->jwks whose kid is
 * the header's and that fits the alg.  Keys embedded in the header (jwk,
 * jku, x5u, x5c) are never used.
 */
enum tp_jwt_status tp_jwt_verify(const struct tp_jwt *t,
    const struct tp_jwt_conf *c, const char **detail);

/*
 * Checks <t>'s claims at <now> (seconds since the epoch): exp, nbf, iat,
 * iss, aud / client_id, token_use (Cognito), and that "scope" or "scp"
 * holds at least one of the route's <scopes> when there are any.
 */
enum tp_jwt_status tp_jwt_validate(const struct tp_jwt *t,
    const struct tp_jwt_conf *c, const char *const *scopes,
    unsigned nscopes, int64_t now, const char **detail);

/*
 * All of the above on <tok, len>, into <r>; everything in <r> lives in
 * <a>.  Returns r->status.
 */
enum tp_jwt_status tp_jwt_check(const struct tp_jwt_conf *c,
    const char *tok, size_t len, const char *const *scopes,
    unsigned nscopes, int64_t now, struct tp_arena *a,
    struct tp_jwt_result *r);

/* The claim <name, len> among <claims> (sorted), or NULL. */
const struct tp_jwt_claim *tp_jwt_claim_get(const struct tp_jwt_claim *claims,
    unsigned nclaims, const char *name, size_t len);

/*
 * The token's scopes, "scope" split at spaces, else "scp" (an array of
 * strings, or a string split at spaces), into *<out> from <a>.  TP_ERROR
 * only when out of memory.
 */
int tp_jwt_scopes(const struct tp_jwt *t, struct tp_arena *a,
    struct tp_str **out, unsigned *n);

/*
 * Every item a route scope is matched against by tp_jwt_validate(): those
 * of "scope" and of "scp" (split at spaces, or an array's strings), into
 * *<out> from <a>, so that a verified token's scopes can be checked again
 * for another route without its payload.  TP_ERROR only when out of
 * memory.
 */
int tp_jwt_scope_items(const struct tp_jwt *t, struct tp_arena *a,
    struct tp_str **out, unsigned *n);

/*
 * The answer for a failure: 401 (auth.md 4 and 5: every token failure,
 * scopes included, is 401 {"message":"Unauthorized"}), 500 for
 * TP_JWT_NOMEM.  JWT authorizers add www-authenticate: Bearer scope=""
 * error="invalid_token" error_description="<tp_jwt_description()>".
 */
int tp_jwt_http_status(enum tp_jwt_status s);
const char *tp_jwt_description(enum tp_jwt_status s);

#endif /* TP_JWT_H */
