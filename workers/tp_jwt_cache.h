/*
 * tp_jwt_cache.h: a worker's cache of the tokens its JWT and Cognito
 * authorizers verified, so that a token presented again skips the
 * signature check (tp_jwt_cache.c says why that is safe).  Workers only;
 * no I/O, unit-tested alone.
 *
 * An entry holds one token as sent, the authorizer it was verified for,
 * the generation of that authorizer's key set, and what the request side
 * needs afterwards: the claims, the scopes, the items route scopes are
 * matched against, exp.  It stays valid until exp, a key-set change (a
 * new generation) or eviction.  Requests hold the entry they use
 * (tp_jwt_entry_hold), so an eviction while one is in flight frees it
 * only when the last holder lets go.
 */
#ifndef TP_JWT_CACHE_H
#define TP_JWT_CACHE_H

#include "tp_jwt.h"

#define TP_JWT_CACHE_SETS      512   /* a power of two; two entries each */
#define TP_JWT_CACHE_MAX_ENTRY 8192  /* bytes; larger tokens are not kept */

struct tp_jwt_entry {
    uint32_t refs;                   /* the cache's slot + holders */
    uint32_t az;                     /* authorizer id */
    uint32_t gen;                    /* its key-set generation */
    uint32_t tok_len;
    uint64_t hash;
    uint64_t stamp;                  /* insertion order, for eviction */
    double exp;                      /* the token's exp claim */
    struct tp_jwt_result res;        /* claims and scopes, in the entry */
    struct tp_str *match;            /* tp_jwt_scope_items() */
    unsigned nmatch;
    size_t size;                     /* bytes of this allocation */
    const char *tok;                 /* in the entry */
};

struct tp_jwt_cache;

struct tp_jwt_cache_stats {
    uint64_t hits;
    uint64_t misses;
    uint64_t inserts;
    uint64_t evictions;              /* live entries pushed out */
    unsigned entries;
    size_t bytes;                    /* held by the cache's slots */
};

/* An empty cache with a random SipHash key; NULL when there is no memory
 * or no randomness (the caller then verifies every token). */
struct tp_jwt_cache *tp_jwt_cache_new(void);

/* Frees the cache; entries still held by requests live on until
 * released. */
void tp_jwt_cache_free(struct tp_jwt_cache *c);

/*
 * The entry for token <tok, len> verified for authorizer <az> with key-set
 * generation <gen>, unexpired at <now> give or take <leeway> seconds; NULL
 * on a miss (expired or stale entries are dropped).  The whole token is
 * compared in constant time.  <c> may be NULL.
 */
const struct tp_jwt_entry *tp_jwt_cache_get(struct tp_jwt_cache *c,
    unsigned az, uint32_t gen, const char *tok, size_t len, int64_t now,
    int64_t leeway);

/*
 * Keeps a token whose signature and authorizer-wide claims (iss, aud,
 * times) passed: <claims> sorted as tp_jwt gives them (exp among them),
 * its <scopes> and scope <match> items.  Returns the entry (held by the
 * cache only), or NULL when it is not kept (too large, no numeric exp, out
 * of memory).
 */
const struct tp_jwt_entry *tp_jwt_cache_put(struct tp_jwt_cache *c,
    unsigned az, uint32_t gen, const char *tok, size_t len,
    const struct tp_jwt_claim *claims, unsigned nclaims,
    const struct tp_str *scopes, unsigned nscopes,
    const struct tp_str *match, unsigned nmatch);

/*
 * The checks of tp_jwt_validate() that depend on the route or the time,
 * on a kept token: exp (with c->leeway), Cognito's token_use for
 * <nscopes>, one of the route's <scopes>.
 */
enum tp_jwt_status tp_jwt_entry_check(const struct tp_jwt_entry *e,
    const struct tp_jwt_conf *c, const char *const *scopes,
    unsigned nscopes, int64_t now, const char **detail);

void tp_jwt_entry_hold(const struct tp_jwt_entry *e);
void tp_jwt_entry_release(const struct tp_jwt_entry *e);

void tp_jwt_cache_stats(const struct tp_jwt_cache *c,
    struct tp_jwt_cache_stats *out);

#endif /* TP_JWT_CACHE_H */
