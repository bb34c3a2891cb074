/*
 * tp_jwt_cache.c: a worker's verified JWT tokens, two-way set-associative.
 *
 * Checking an RS256 signature costs some 30 microseconds of CPU (about
 * 340,000 instructions, docs/BENCHMARKS.md), while clients present the
 * same bearer token on every request until it expires.  So each worker
 * keeps the tokens it verified, with what the verification produced, and
 * a request whose token is already here skips the signature and the
 * issuer and audience checks.  Why this keeps the
 * guarantees of a full verification:
 *  - an entry is the whole token as sent, for one authorizer and one
 *    generation of that authorizer's key set.  A hit needs all three to
 *    be equal: the token's bytes compared in full, in time that depends
 *    on its length only (which its sender knows), so a client cannot
 *    learn a cached token byte by byte.  A key set that changes (a
 *    refresh with other keys: rotation, a revoked key) makes every entry
 *    of the old one a miss;
 *  - only tokens that passed everything that does not depend on the route
 *    or the clock are kept: signature, iss, aud or client_id.  On a hit
 *    the rest is checked again for this request: exp against now, and
 *    Cognito's token_use and the route's scopes (tp_jwt_entry_check);
 *    nbf and iat only become truer with time.  An expired entry is a
 *    miss, so its answer comes from the full check;
 *  - the set is chosen by SipHash under a random per-process key, over
 *    the token's last 64 bytes (part of its signature) and its length,
 *    which is cheaper than hashing the whole token and as good for
 *    choosing a set: which tokens share one cannot be predicted, and a
 *    flood of tokens only evicts entries, the cost of each request being
 *    at worst a full check;
 *  - entries live in this worker's memory only, are never logged, written
 *    or shared, and are wiped when freed; the claims are the token's own,
 *    readable by whoever holds the token.
 * Bounded: TP_JWT_CACHE_SETS sets of two entries of at most
 * TP_JWT_CACHE_MAX_ENTRY bytes (8 MiB at most, a few hundred KiB for
 * typical tokens); an insert evicts the older entry of its set.
 */
#include "tp_jwt_cache.h"
#include "tp_siphash.h"

#include <math.h>
#include <openssl/crypto.h>
#include <stdlib.h>
#include <sys/random.h>

#define HASH_TAIL 64

struct tp_jwt_cache {
    uint64_t seed[2];                /* the SipHash key */
    uint64_t clock;                  /* insertions so far */
    struct tp_jwt_cache_stats stats;
    struct tp_jwt_entry *sets[TP_JWT_CACHE_SETS][2];
};

struct tp_jwt_cache *
tp_jwt_cache_new(void)
{
    struct tp_jwt_cache *c = calloc(1, sizeof(*c));

    if (c != NULL && getrandom(c->seed, sizeof(c->seed), 0)
        != (ssize_t) sizeof(c->seed))
    {
        free(c);                     /* a guessable key would defeat it */
        return NULL;
    }
    return c;
}

static void
cache_entry_free(struct tp_jwt_entry *e)
{
    OPENSSL_cleanse(e, e->size);
    free(e);
}

void
tp_jwt_entry_hold(const struct tp_jwt_entry *e)
{
    ((struct tp_jwt_entry *) e)->refs++;
}

void
tp_jwt_entry_release(const struct tp_jwt_entry *e)
{
    struct tp_jwt_entry *m = (struct tp_jwt_entry *) e;

    if (--m->refs == 0) {
        cache_entry_free(m);
    }
}

/* Empties slot <s>: the cache's reference goes. */
static void
cache_drop(struct tp_jwt_cache *c, struct tp_jwt_entry **s)
{
    c->stats.entries--;
    c->stats.bytes -= (*s)->size;
    tp_jwt_entry_release(*s);
    *s = NULL;
}

void
tp_jwt_cache_free(struct tp_jwt_cache *c)
{
    unsigned i, k;

    if (c == NULL) {
        return;
    }
    for (i = 0; i < TP_JWT_CACHE_SETS; i++) {
        for (k = 0; k < 2; k++) {
            if (c->sets[i][k] != NULL) {
                cache_drop(c, &c->sets[i][k]);
            }
        }
    }
    OPENSSL_cleanse(c->seed, sizeof(c->seed));
    free(c);
}

static uint64_t
cache_hash(const struct tp_jwt_cache *c, unsigned az, const char *tok,
    size_t len)
{
    size_t n = len < HASH_TAIL ? len : HASH_TAIL;
    uint64_t h = tp_siphash(c->seed, tok + len - n, n);

    return h ^ ((uint64_t) len << 32) ^ (uint64_t) az;
}

/*
 * Whether <a> and <b> (<n> bytes each) are equal, in time that depends on
 * <n> only: words are XORed and ORed together with no early exit.
 * CRYPTO_memcmp does the same a byte at a time, which for a 1 KiB token
 * was most of a hit's cost; the guarantee is the same.
 */
static bool
cache_ct_equal(const char *a, const char *b, size_t n)
{
    uint64_t x, y, acc = 0;
    size_t i = 0;

    for (; i + 8 <= n; i += 8) {
        memcpy(&x, a + i, 8);
        memcpy(&y, b + i, 8);
        acc |= x ^ y;
    }
    for (; i < n; i++) {
        acc |= (uint64_t) ((unsigned char) a[i] ^ (unsigned char) b[i]);
    }
    return acc == 0;
}

const struct tp_jwt_entry *
tp_jwt_cache_get(struct tp_jwt_cache *c, unsigned az, uint32_t gen,
    const char *tok, size_t len, int64_t now, int64_t leeway)
{
    struct tp_jwt_entry **set, *e;
    uint64_t h;
    unsigned k;

    if (c == NULL || len == 0) {
        return NULL;
    }
    h = cache_hash(c, az, tok, len);
    set = c->sets[h & (TP_JWT_CACHE_SETS - 1)];
    for (k = 0; k < 2; k++) {
        e = set[k];
        if (e == NULL || e->hash != h || e->az != az || e->tok_len != len
            || !cache_ct_equal(e->tok, tok, len))
        {
            continue;
        }
        if (e->gen != gen || !((double) (now - leeway) < e->exp)) {
            cache_drop(c, &set[k]);  /* stale keys or expired: verify */
            break;
        }
        c->stats.hits++;
        return e;
    }
    c->stats.misses++;
    return NULL;
}

/* The exp claim as a number, or NaN. */
static double
cache_exp(const struct tp_jwt_claim *claims, unsigned nclaims)
{
    const struct tp_jwt_claim *x = tp_jwt_claim_get(claims, nclaims, "exp",
        3);
    char buf[64], *end;
    double v;

    if (x == NULL || x->type != TP_JSON_NUMBER || x->value.len == 0
        || x->value.len >= sizeof(buf))
    {
        return NAN;
    }
    memcpy(buf, x->value.p, x->value.len);
    buf[x->value.len] = '\0';
    v = strtod(buf, &end);
    return *end == '\0' && isfinite(v) ? v : NAN;
}

/* Copies <s> to <*pos> (a NUL after it, for printf-style users). */
static struct tp_str
cache_copy(char **pos, struct tp_str s)
{
    struct tp_str out = { *pos, s.len };

    if (s.len > 0) {
        memcpy(*pos, s.p, s.len);
    }
    (*pos)[s.len] = '\0';
    *pos += s.len + 1;
    return out;
}

static size_t
cache_strs_size(const struct tp_str *v, unsigned n)
{
    size_t size = sizeof(*v) * n;
    unsigned i;

    for (i = 0; i < n; i++) {
        size += v[i].len + 1;
    }
    return size;
}

static void
cache_copy_strs(char **pos, struct tp_str *dst, const struct tp_str *src,
    unsigned n)
{
    unsigned i;

    for (i = 0; i < n; i++) {
        dst[i] = cache_copy(pos, src[i]);
    }
}

/* One allocation: the entry, its arrays, then every byte they point to. */
static struct tp_jwt_entry *
cache_build(const char *tok, size_t len, const struct tp_jwt_claim *claims,
    unsigned nclaims, const struct tp_str *scopes, unsigned nscopes,
    const struct tp_str *match, unsigned nmatch)
{
    size_t size = sizeof(struct tp_jwt_entry) + sizeof(*claims) * nclaims
        + len + 1;
    struct tp_jwt_entry *e;
    struct tp_jwt_claim *cl;
    char *pos;
    unsigned i;

    for (i = 0; i < nclaims; i++) {
        size += claims[i].name.len + claims[i].value.len + 2;
    }
    size += cache_strs_size(scopes, nscopes) + cache_strs_size(match, nmatch);
    if (size > TP_JWT_CACHE_MAX_ENTRY || (e = calloc(1, size)) == NULL) {
        return NULL;
    }
    e->size = size;
    cl = (struct tp_jwt_claim *) (void *) (e + 1);
    e->res.scopes = (struct tp_str *) (void *) (cl + nclaims);
    e->match = e->res.scopes + nscopes;
    pos = (char *) (e->match + nmatch);
    for (i = 0; i < nclaims; i++) {
        cl[i].name = cache_copy(&pos, claims[i].name);
        cl[i].value = cache_copy(&pos, claims[i].value);
        cl[i].type = claims[i].type;
    }
    cache_copy_strs(&pos, e->res.scopes, scopes, nscopes);
    cache_copy_strs(&pos, e->match, match, nmatch);
    e->tok = cache_copy(&pos, (struct tp_str) { tok, len }).p;
    e->tok_len = (uint32_t) len;
    e->res.status = TP_JWT_OK;
    e->res.detail = "";
    e->res.claims = cl;
    e->res.nclaims = nclaims;
    e->res.nscopes = nscopes;
    e->nmatch = nmatch;
    return e;
}

const struct tp_jwt_entry *
tp_jwt_cache_put(struct tp_jwt_cache *c, unsigned az, uint32_t gen,
    const char *tok, size_t len, const struct tp_jwt_claim *claims,
    unsigned nclaims, const struct tp_str *scopes, unsigned nscopes,
    const struct tp_str *match, unsigned nmatch)
{
    struct tp_jwt_entry **set, *e;
    double exp = cache_exp(claims, nclaims);
    uint64_t h;
    unsigned k;

    if (c == NULL || len == 0 || isnan(exp)) {
        return NULL;
    }
    e = cache_build(tok, len, claims, nclaims, scopes, nscopes, match,
        nmatch);
    if (e == NULL) {
        return NULL;
    }
    h = cache_hash(c, az, tok, len);
    e->refs = 1;
    e->az = az;
    e->gen = gen;
    e->hash = h;
    e->exp = exp;
    e->stamp = ++c->clock;
    set = c->sets[h & (TP_JWT_CACHE_SETS - 1)];
    /* an empty slot, else the same token (a re-verification), else the
     * older of the two */
    k = set[0] == NULL ? 0 : set[1] == NULL ? 1
        : set[1]->stamp < set[0]->stamp ? 1 : 0;
    if (set[0] != NULL && set[1] != NULL) {
        c->stats.evictions++;
    }
    if (set[k] != NULL) {
        cache_drop(c, &set[k]);
    }
    set[k] = e;
    c->stats.inserts++;
    c->stats.entries++;
    c->stats.bytes += e->size;
    return e;
}

enum tp_jwt_status
tp_jwt_entry_check(const struct tp_jwt_entry *e, const struct tp_jwt_conf *c,
    const char *const *scopes, unsigned nscopes, int64_t now,
    const char **detail)
{
    const struct tp_jwt_claim *use;
    unsigned i, k;

    if (!((double) (now - c->leeway) < e->exp)) {
        *detail = "exp is past";
        return TP_JWT_EXPIRED;
    }
    if (c->mode == TP_JWT_MODE_COGNITO) {
        use = tp_jwt_claim_get(e->res.claims, e->res.nclaims, "token_use",
            9);
        if (use == NULL || use->type != TP_JSON_STRING
            || !tp_str_eq(use->value, nscopes == 0 ? TP_STR("id")
                                                  : TP_STR("access")))
        {
            *detail = nscopes == 0 ? "not an ID token (token_use)"
                                   : "not an access token (token_use)";
            return TP_JWT_TOKEN_USE;
        }
    }
    for (i = 0; i < nscopes; i++) {
        for (k = 0; k < e->nmatch; k++) {
            if (e->match[k].len == strlen(scopes[i])
                && memcmp(e->match[k].p, scopes[i], e->match[k].len) == 0)
            {
                return TP_JWT_OK;
            }
        }
    }
    if (nscopes > 0) {
        *detail = "none of the route's scopes";
        return TP_JWT_SCOPE;
    }
    return TP_JWT_OK;
}

void
tp_jwt_cache_stats(const struct tp_jwt_cache *c,
    struct tp_jwt_cache_stats *out)
{
    memset(out, 0, sizeof(*out));
    if (c != NULL) {
        *out = c->stats;
    }
}
