/*
 * tp_apibuild_auth.c: authorizers from source-neutral descriptions
 * (top-level `authorizers` in tp_conf_authorizers.c, an API's OpenAPI
 * x-amazon-apigateway-authorizer in tp_openapi_auth.c), and the
 * resolution of every route's authorizer name once all are known.
 * Master only (load, -t, reload).
 *
 * JWT (HTTP APIs, auth.md 4) and COGNITO_USER_POOLS (REST APIs, auth.md
 * 5) authorizers are served: their key set is a JWKS file read here, or
 * an https URL each worker fetches (workers/tp_jwks_fetch.c), given or
 * derived (a Cognito pool's well-known JWKS, or OIDC discovery from the
 * issuer).  REQUEST and TOKEN (Lambda) are built by tp_apibuild_lauth.c.
 */
#include "tp_apibuild.h"
#include "tp_jwt.h"
#include "tp_lauth.h"
#include "tp_upstream_conf.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define AUTH_MAX_AUDIENCES 50        /* limits.md: per JWT authorizer */
#define AUTH_WELL_KNOWN_JWKS "/.well-known/jwks.json"
#define AUTH_WELL_KNOWN_OIDC "/.well-known/openid-configuration"

static const char *const auth_type_names[] = {
    [TP_AUTHORIZER_JWT] = "JWT",
    [TP_AUTHORIZER_COGNITO] = "COGNITO_USER_POOLS",
    [TP_AUTHORIZER_REQUEST] = "REQUEST",
    [TP_AUTHORIZER_TOKEN] = "TOKEN",
};

static int
auth_type(struct tp_conf_ctx *c, const struct tp_build_authorizer *b,
    struct tp_authorizer *a)
{
    size_t i;

    for (i = 0; b->type != NULL && i < TP_NELEM(auth_type_names); i++) {
        if (strcasecmp(b->type, auth_type_names[i]) == 0) {
            a->type = (uint8_t) i;
            return TP_OK;
        }
    }
    if (b->type != NULL && strcasecmp(b->type, "COGNITO") == 0) {
        a->type = TP_AUTHORIZER_COGNITO;
        return TP_OK;
    }
    return tp_conf_error_at(c, b->src, "authorizer \"%s\": type must be "
        "JWT, COGNITO_USER_POOLS, REQUEST or TOKEN%s%s%s", a->name,
        b->type != NULL ? ", not \"" : "", b->type != NULL ? b->type : "",
        b->type != NULL ? "\"" : "");
}

/* "$request.header.NAME" (HTTP APIs) or "method.request.header.NAME"
 * (REST): the lower-cased header name. */
static int
auth_identity(struct tp_conf_ctx *c, const struct tp_build_authorizer *b,
    struct tp_authorizer *a)
{
    static const char *const prefixes[] = {
        "$request.header.", "method.request.header."
    };
    const char *v = b->identity_source, *name = NULL;
    char *lower;
    size_t i, n;

    if (b->nidentity_sources > 1) {
        return tp_conf_error_at(c, b->src, "authorizer \"%s\": a %s "
            "authorizer reads one header, not %u identity sources", a->name,
            auth_type_names[a->type], b->nidentity_sources);
    }
    if (v == NULL) {
        a->identity_header = "authorization";
        return TP_OK;
    }
    for (i = 0; i < TP_NELEM(prefixes); i++) {
        n = strlen(prefixes[i]);
        if (strncmp(v, prefixes[i], n) == 0) {
            name = v + n;
        }
    }
    n = name != NULL ? strlen(name) : 0;
    for (i = 0; i < n; i++) {
        if (!isalnum((unsigned char) name[i])
            && strchr("!#$%&'*+-.^_`|~", name[i]) == NULL)
        {
            break;
        }
    }
    if (n == 0 || i < n) {
        return tp_conf_error_at(c, b->src, "authorizer \"%s\": "
            "identity_source \"%s\" must be a request header: "
            "$request.header.NAME (HTTP APIs) or method.request.header.NAME "
            "(REST APIs)", a->name, v);
    }
    lower = tp_arena_strdup(c->a, name);
    if (lower == NULL) {
        return tp_conf_error(c, NULL, "out of memory");
    }
    for (i = 0; i < n; i++) {
        lower[i] = (char) tolower((unsigned char) lower[i]);
    }
    a->identity_header = lower;
    return TP_OK;
}

static int
auth_algorithms(struct tp_conf_ctx *c, const struct tp_build_authorizer *b,
    struct tp_authorizer *a, struct tp_jwt_conf *j)
{
    enum tp_jwa alg;
    unsigned i;

    for (i = 0; i < b->nalgorithms; i++) {
        alg = tp_jwa_from_name(b->algorithms[i], strlen(b->algorithms[i]));
        if (alg == TP_JWA_UNKNOWN) {
            return tp_conf_error_at(c, b->src, "authorizer \"%s\": unknown "
                "algorithm \"%s\" (RS256, RS384, RS512, PS256, PS384, "
                "PS512, ES256, ES384 or HS256)", a->name, b->algorithms[i]);
        }
        j->algs |= TP_JWA_BIT(alg);
    }
    if (b->nalgorithms > 0 && j->algs == 0) {
        return tp_conf_error_at(c, b->src, "authorizer \"%s\": algorithms "
            "is empty", a->name);
    }
    if (b->hs256_secret != NULL) {
        if (strlen(b->hs256_secret) < TP_JWT_HS256_MIN_KEY) {
            /* the length only: the secret itself is never printed */
            return tp_conf_error_at(c, b->src, "authorizer \"%s\": "
                "hs256_secret is %zu bytes; HS256 needs at least %d",
                a->name, strlen(b->hs256_secret), TP_JWT_HS256_MIN_KEY);
        }
        j->hs256_key = (const unsigned char *) b->hs256_secret;
        j->hs256_key_len = strlen(b->hs256_secret);
        if (b->nalgorithms == 0) {
            j->algs = TP_JWT_ALGS_DEFAULT | TP_JWA_BIT(TP_JWA_HS256);
        }
    } else if (j->algs & TP_JWA_BIT(TP_JWA_HS256)) {
        return tp_conf_error_at(c, b->src, "authorizer \"%s\": HS256 needs "
            "hs256_secret (a shared secret of at least %d bytes)", a->name,
            TP_JWT_HS256_MIN_KEY);
    }
    return TP_OK;
}

/* "arn:PARTITION:cognito-idp:REGION:ACCOUNT:userpool/POOL" -> the pool's
 * issuer, https://cognito-idp.REGION.amazonaws.com/POOL (auth.md 5). */
static const char *
auth_pool_issuer(struct tp_conf_ctx *c, const char *arn)
{
    const char *f[6], *p = arn;
    size_t len[6];
    int i;

    for (i = 0; i < 6; i++) {
        f[i] = p;
        p += strcspn(p, i < 5 ? ":" : "");
        len[i] = (size_t) (p - f[i]);
        if (i < 5 && *p++ != ':') {
            return NULL;
        }
    }
    if (len[0] != 3 || memcmp(f[0], "arn", 3) != 0 || len[1] == 0
        || len[2] != 11 || memcmp(f[2], "cognito-idp", 11) != 0
        || len[3] == 0 || len[4] == 0 || len[5] <= 9
        || memcmp(f[5], "userpool/", 9) != 0
        || strcspn(f[3], "/") < len[3] || strchr(f[5] + 9, '/') != NULL)
    {
        return NULL;
    }
    return tp_arena_sprintf(c->a, "https://cognito-idp.%.*s.amazonaws.com%s/%s",
        (int) len[3], f[3], len[1] == 6 && memcmp(f[1], "aws-cn", 6) == 0
        ? ".cn" : "", f[5] + 9);
}

static int
auth_issuer(struct tp_conf_ctx *c, const struct tp_build_authorizer *b,
    struct tp_authorizer *a, struct tp_jwt_conf *j)
{
    const char *iss = b->issuer, *url = b->discovery_url;
    size_t n, k = strlen(AUTH_WELL_KNOWN_OIDC);

    if (b->nprovider_arns > 1) {
        return tp_conf_error_at(c, b->src, "authorizer \"%s\": %u "
            "provider_arns; turnpike serves one user pool per authorizer "
            "(define one authorizer per pool)", a->name, b->nprovider_arns);
    }
    if (b->nprovider_arns == 1) {
        const char *derived = auth_pool_issuer(c, b->provider_arns[0]);

        if (derived == NULL) {
            return tp_conf_error_at(c, b->src, "authorizer \"%s\": "
                "provider ARN \"%s\" is not a user pool ARN "
                "(arn:aws:cognito-idp:REGION:ACCOUNT:userpool/POOL_ID)",
                a->name, b->provider_arns[0]);
        }
        if (iss == NULL) {
            iss = derived;
        }
    }
    if (iss == NULL && url != NULL && (n = strlen(url)) > k
        && strcmp(url + n - k, AUTH_WELL_KNOWN_OIDC) == 0)
    {
        /* OIDC Discovery 4: the URL is the issuer + the well-known path */
        iss = tp_arena_strndup(c->a, url, n - k);
    }
    if (iss == NULL || *iss == '\0') {
        return tp_conf_error_at(c, b->src, "authorizer \"%s\": needs an "
            "issuer%s", a->name, a->type == TP_AUTHORIZER_COGNITO
            ? " or provider_arns" : "");
    }
    j->issuer = iss;
    return TP_OK;
}

static int
auth_audiences(struct tp_conf_ctx *c, const struct tp_build_authorizer *b,
    struct tp_authorizer *a, struct tp_jwt_conf *j)
{
    if (a->type == TP_AUTHORIZER_JWT && b->naudiences == 0) {
        return tp_conf_error_at(c, b->src, "authorizer \"%s\": a JWT "
            "authorizer needs at least one audience (auth.md 4: the token's "
            "aud, or client_id, must be one of them)", a->name);
    }
    if (b->naudiences > AUTH_MAX_AUDIENCES) {
        return tp_conf_error_at(c, b->src, "authorizer \"%s\": %u "
            "audiences; the limit is %d", a->name, b->naudiences,
            AUTH_MAX_AUDIENCES);
    }
    j->audiences = b->audiences;
    j->naudiences = b->naudiences;
    return TP_OK;
}

/* Reads and parses the JWKS file; a set without any usable key is an
 * error naming why each key was skipped (the first few). */
static int
auth_jwks_file(struct tp_conf_ctx *c, const struct tp_build_authorizer *b,
    struct tp_authorizer *a)
{
    char err[256], why[512], *buf;
    struct tp_jwks *set;
    struct stat st;
    ssize_t n;
    size_t off;
    int fd, i;

    fd = open(a->jwks_file, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || fstat(fd, &st) != 0) {
        if (fd >= 0) {
            close(fd);
        }
        return tp_conf_error_at(c, b->jwks_src, "authorizer \"%s\": cannot "
            "read jwks \"%s\": %s", a->name, a->jwks_file, strerror(errno));
    }
    if (!S_ISREG(st.st_mode) || st.st_size > TP_JWKS_MAX_SIZE) {
        close(fd);
        return tp_conf_error_at(c, b->jwks_src, "authorizer \"%s\": jwks "
            "\"%s\" %s", a->name, a->jwks_file, !S_ISREG(st.st_mode)
            ? "is not a file" : "is larger than 150,000 bytes (auth.md 4)");
    }
    buf = tp_arena_alloc(c->a, (size_t) st.st_size + 1);
    for (off = 0; buf != NULL && off < (size_t) st.st_size; off += (size_t) n) {
        n = read(fd, buf + off, (size_t) st.st_size - off);
        if (n <= 0) {
            break;
        }
    }
    close(fd);
    if (buf == NULL || off != (size_t) st.st_size) {
        return tp_conf_error_at(c, b->jwks_src, "authorizer \"%s\": cannot "
            "read jwks \"%s\"", a->name, a->jwks_file);
    }
    set = tp_jwks_parse(buf, off, err, sizeof(err));
    if (set == NULL) {
        return tp_conf_error_at(c, b->jwks_src, "authorizer \"%s\": jwks "
            "\"%s\": %s", a->name, a->jwks_file, err);
    }
    if (tp_arena_cleanup_add(c->a, (tp_cleanup_fn) tp_jwks_free, set)
        != TP_OK)
    {
        tp_jwks_free(set);
        return tp_conf_error(c, NULL, "out of memory");
    }
    if (set->nkeys == 0) {
        why[0] = '\0';
        for (i = 0, off = 0; i < set->nskipped && i < 3; i++) {
            off += (size_t) snprintf(why + off, sizeof(why) - off,
                "%skey %d%s%s%s: %s", i > 0 ? "; " : ": ",
                set->skipped[i].index, set->skipped[i].kid != NULL
                ? " (kid \"" : "", set->skipped[i].kid != NULL
                ? set->skipped[i].kid : "", set->skipped[i].kid != NULL
                ? "\")" : "", set->skipped[i].why);
            if (off >= sizeof(why)) {
                break;
            }
        }
        return tp_conf_error_at(c, b->jwks_src, "authorizer \"%s\": jwks "
            "\"%s\" has no usable key%s", a->name, a->jwks_file,
            set->nskipped == 0 ? " (\"keys\" is empty)" : why);
    }
    a->jwks = set;
    a->jwt->jwks = set;
    return TP_OK;
}

/* The origin of https URL <url> as a backend; *<path> gets the rest. */
static int
auth_https(struct tp_conf_ctx *c, const struct tp_build_authorizer *b,
    struct tp_authorizer *a, const char *url, const char *what,
    const char **path)
{
    char err[512];
    const char *rest;

    if (strncasecmp(url, "https://", 8) != 0) {
        return tp_conf_error_at(c, b->jwks_src.line > 0 ? b->jwks_src
            : b->src, "authorizer \"%s\": %s \"%s\" must be an https:// "
            "URL", a->name, what, url);
    }
    a->jwks_backend = tp_upstream_conf_origin(c, url, b->tls_ca, &rest, err,
        sizeof(err));
    if (a->jwks_backend == NULL) {
        return tp_conf_error_at(c, b->jwks_src.line > 0 ? b->jwks_src
            : b->src, "authorizer \"%s\": %s: %s", a->name, what, err);
    }
    *path = tp_arena_strndup(c->a, rest, strcspn(rest, "#"));
    if (**path == '\0') {
        *path = "/";
    }
    if (strcspn(*path, " \t\r\n") != strlen(*path)) {
        return tp_conf_error_at(c, b->src, "authorizer \"%s\": %s \"%s\" "
            "has blanks", a->name, what, url);
    }
    return TP_OK;
}

/*
 * Where the keys come from: a file, an https URL, a Cognito pool's
 * well-known JWKS, or OIDC discovery from an https issuer (or the
 * OpenAPI openIdConnectUrl).  HS256 alone needs no keys.
 */
static int
auth_keys(struct tp_conf_ctx *c, const struct tp_build_authorizer *b,
    struct tp_authorizer *a, struct tp_jwt_conf *j)
{
    const char *iss = j->issuer, *disc;
    size_t n;

    if (b->jwks != NULL && strncasecmp(b->jwks, "https://", 8) == 0) {
        a->jwks_url = b->jwks;
        return auth_https(c, b, a, b->jwks, "jwks", &a->jwks_path);
    }
    if (b->jwks != NULL && b->jwks[0] == '/') {
        a->jwks_file = b->jwks;
        return auth_jwks_file(c, b, a);
    }
    if (b->jwks != NULL) {
        return tp_conf_error_at(c, b->jwks_src, "authorizer \"%s\": jwks "
            "\"%s\" must be a file or an https:// URL", a->name, b->jwks);
    }
    if (j->algs == TP_JWA_BIT(TP_JWA_HS256)) {
        return TP_OK;                /* the shared secret is the key */
    }
    if (a->type == TP_AUTHORIZER_COGNITO && b->nprovider_arns == 1
        && strncmp(iss, "https://cognito-idp.", 20) == 0)
    {
        a->jwks_url = tp_arena_sprintf(c->a, "%s%s", iss,
            AUTH_WELL_KNOWN_JWKS);
        return auth_https(c, b, a, a->jwks_url, "the pool's JWKS",
            &a->jwks_path);
    }
    disc = b->discovery_url;
    if (disc == NULL && strncasecmp(iss, "https://", 8) == 0) {
        n = strlen(iss);
        while (n > 8 && iss[n - 1] == '/') {
            n--;
        }
        disc = tp_arena_sprintf(c->a, "%.*s%s", (int) n, iss,
            AUTH_WELL_KNOWN_OIDC);
    }
    if (disc == NULL) {
        return tp_conf_error_at(c, b->src, "authorizer \"%s\": needs jwks "
            "(a JWKS file or https:// URL): the issuer \"%s\" is not an "
            "https URL to discover it from", a->name, iss);
    }
    a->jwks_url = disc;
    return auth_https(c, b, a, disc, "OIDC discovery URL",
        &a->discovery_path);
}

int
tp_build_authorizer(struct tp_conf_ctx *c, const struct tp_build_authorizer *b,
    struct tp_authorizer *a)
{
    struct tp_jwt_conf *j;

    memset(a, 0, sizeof(*a));
    a->name = b->name;
    a->src = b->src;
    a->imported = b->imported;
    a->cache_tokens = !b->no_token_cache;
    if (a->name == NULL || a->name[0] == '\0') {
        return tp_conf_error_at(c, b->src, "an authorizer needs a 'name'");
    }
    if (auth_type(c, b, a) != TP_OK) {
        return TP_ERROR;
    }
    a->id = c->m->nauthorizer_ids++;
    if (a->type == TP_AUTHORIZER_REQUEST || a->type == TP_AUTHORIZER_TOKEN) {
        return tp_build_lambda_authorizer(c, b, a);
    }
    j = tp_arena_calloc(c->a, sizeof(*j));
    if (j == NULL) {
        return tp_conf_error(c, NULL, "out of memory");
    }
    a->jwt = j;
    j->mode = a->type == TP_AUTHORIZER_COGNITO ? TP_JWT_MODE_COGNITO
                                               : TP_JWT_MODE_JWT;
    j->leeway = b->leeway_s;
    if (auth_identity(c, b, a) != TP_OK
        || auth_algorithms(c, b, a, j) != TP_OK
        || auth_issuer(c, b, a, j) != TP_OK
        || auth_audiences(c, b, a, j) != TP_OK)
    {
        return TP_ERROR;
    }
    return auth_keys(c, b, a, j);
}

/* ---- routes -> authorizers ---- */

static const struct tp_authorizer *
auth_find(const struct tp_authorizer *list, unsigned n, const char *name)
{
    unsigned i;

    for (i = 0; i < n; i++) {
        if (strcmp(list[i].name, name) == 0) {
            return &list[i];
        }
    }
    return NULL;
}

static int
auth_route(struct tp_conf_ctx *c, const struct tp_api *api,
    struct tp_route *r)
{
    const struct tp_authorizer *a;
    uint8_t want;

    if (r->authorizer == NULL) {
        if (r->authorization == TP_AUTHZ_JWT
            || r->authorization == TP_AUTHZ_COGNITO
            || r->authorization == TP_AUTHZ_CUSTOM)
        {
            return tp_conf_error_at(c, r->src, "route '%s': authorization "
                "%s needs an 'authorizer'", r->key,
                r->authorization == TP_AUTHZ_JWT ? "JWT"
                : r->authorization == TP_AUTHZ_COGNITO ? "COGNITO_USER_POOLS"
                : "CUSTOM");
        }
        return TP_OK;
    }
    a = auth_find(api->authorizers, api->nauthorizers, r->authorizer);
    if (a == NULL) {
        a = auth_find(c->m->authorizers, c->m->nauthorizers, r->authorizer);
    }
    if (a == NULL) {
        return tp_conf_error_at(c, r->src, "route '%s' names authorizer "
            "\"%s\", which %s", r->key, r->authorizer, r->imported
            ? "neither its OpenAPI file nor authorizers defines"
            : "authorizers does not define");
    }
    r->auth = a;
    want = a->type == TP_AUTHORIZER_JWT ? TP_AUTHZ_JWT
        : a->type == TP_AUTHORIZER_COGNITO ? TP_AUTHZ_COGNITO
        : TP_AUTHZ_CUSTOM;
    if (r->authorization == TP_AUTHZ_NONE
        || r->authorization == TP_AUTHZ_AWS_IAM)
    {
        return TP_OK;                /* the authorizer is not used */
    }
    if (r->authorization != want
        && !(r->authz_implicit && want != TP_AUTHZ_CUSTOM))
    {
        return tp_conf_error_at(c, r->src, "route '%s': authorization %s "
            "needs a%s authorizer, but \"%s\" is %s", r->key,
            r->authorization == TP_AUTHZ_JWT ? "JWT"
            : r->authorization == TP_AUTHZ_COGNITO ? "COGNITO_USER_POOLS"
            : "CUSTOM", r->authorization == TP_AUTHZ_JWT ? " JWT"
            : r->authorization == TP_AUTHZ_COGNITO ? " COGNITO_USER_POOLS"
            : " Lambda (REQUEST or TOKEN)", a->name,
            auth_type_names[a->type]);
    }
    r->authorization = want;
    if (want == TP_AUTHZ_CUSTOM && a->type == TP_AUTHORIZER_TOKEN
        && api->type == TP_API_HTTP)
    {
        return tp_conf_error_at(c, r->src, "route '%s': authorizer \"%s\" "
            "is a TOKEN authorizer; HTTP APIs use REQUEST authorizers",
            r->key, a->name);
    }
    if (want == TP_AUTHZ_CUSTOM && a->lambda->ttl_s > 0) {
        /* the result cache lives in data_dir/cache (tp_auth_lambda.c) */
        c->m->server.cache_used = true;
    }
    return TP_OK;
}

int
tp_build_resolve_authorizers(struct tp_conf_ctx *c)
{
    unsigned i, k;

    for (i = 0; i < c->m->nauthorizers; i++) {
        if (tp_build_lambda_resolve(c, &c->m->authorizers[i]) != TP_OK) {
            return TP_ERROR;
        }
    }
    for (i = 0; i < c->m->napis; i++) {
        struct tp_api *api = &c->m->apis[i];

        for (k = 0; k < api->nauthorizers; k++) {
            if (tp_build_lambda_resolve(c, &api->authorizers[k]) != TP_OK) {
                return TP_ERROR;
            }
        }
        for (k = 0; k <= api->nroutes; k++) {
            struct tp_route *r = k < api->nroutes ? &api->routes[k]
                : api->default_route;

            if (r != NULL && auth_route(c, api, r) != TP_OK) {
                return TP_ERROR;
            }
        }
    }
    return TP_OK;
}
