/*
 * tp_auth_jwt.c: the authorize phase for routes with JWT (HTTP APIs,
 * auth.md 4) and COGNITO_USER_POOLS (REST APIs, auth.md 5) authorization.
 * Workers only.
 *
 * The token comes from the authorizer's identity header (alone or after
 * "Bearer ").  A token this worker verified before for the same
 * authorizer and key set is taken from the token cache (tp_jwt_cache.c),
 * with only its route- and time-dependent claims checked again; any other
 * is verified in full (server/tp_jwt.h) and then cached.  Keys come from
 * the JWKS file read at load, or from the worker's copy of an https JWKS
 * (tp_jwks_fetch.c): a request waits for the first fetch, and for one
 * refresh when its kid is unknown (at most one per 30 s).
 *
 * Answers (errors.md): a token that fails is 401 {"message":"Unauthorized"}
 * for both; JWT authorizers of HTTP APIs add www-authenticate: Bearer
 * scope="" error="invalid_token" error_description="..." (a request
 * without any token gets "Bearer" alone, RFC 6750 3.1), Cognito and REST
 * APIs answer the UNAUTHORIZED gateway response.  Keys that cannot be
 * fetched are the gateway's fault, not the client's: 500
 * AUTHORIZER_CONFIGURATION_ERROR ("Internal Server Error" on HTTP APIs).
 * A verified token's claims become $context.authorizer.claims.*; the
 * API's resource policy, if any, has the last word (tp_auth_finish()).
 */
#include "tp_auth.h"
#include "tp_jwks_fetch.h"
#include "tp_jwt_cache.h"
#include "tp_log.h"
#include "tp_pipeline.h"
#include "tp_respond.h"
#include "tp_time.h"
#include "tp_worker.h"

#include <stdlib.h>

/* A worker's JWT state: made by the first request that needs it. */
struct tp_jwt_worker {
    struct tp_jwt_cache *cache;      /* NULL: every token verified */
    struct tp_jwks_state **states;   /* [model->nauthorizer_ids], lazily */
};

static struct tp_jwt_worker *
jwt_worker(struct tp_worker *w)
{
    struct tp_jwt_worker *jw = w->jwt;
    unsigned n = w->model->nauthorizer_ids;

    if (jw != NULL) {
        return jw;
    }
    jw = calloc(1, sizeof(*jw));
    if (jw == NULL || (jw->states = calloc(n > 0 ? n : 1,
            sizeof(*jw->states))) == NULL)
    {
        free(jw);
        return NULL;
    }
    jw->cache = tp_jwt_cache_new();
    if (jw->cache == NULL) {
        tp_log(TP_LOG_WARN, 0, "no token cache (out of memory or "
            "randomness): every JWT is verified in full");
    }
    w->jwt = jw;
    return jw;
}

static struct tp_jwks_state *
jwt_state(struct tp_worker *w, struct tp_jwt_worker *jw,
    const struct tp_authorizer *az)
{
    if (jw->states[az->id] == NULL) {
        jw->states[az->id] = tp_jwks_state_new(w, az);
    }
    return jw->states[az->id];
}

/* ---- answers ---- */

static int
jwt_internal(struct tp_request *r, enum tp_gw gw, const char *why)
{
    tp_log(TP_LOG_ERROR, 0, "%s authorizer \"%s\": %s", r->id,
        r->match.route->auth->name, why);
    r->auth.error = why;
    tp_respond_gw(r, gw, NULL);
    return TP_PHASE_DONE;
}

/* 401: <s> why the token failed (its www-authenticate description), or
 * TP_JWT_OK when there was no token at all. */
static int
jwt_unauthorized(struct tp_request *r, enum tp_jwt_status s)
{
    static const char body[] = "{\"message\":\"Unauthorized\"}";
    const struct tp_authorizer *az = r->match.route->auth;
    struct tp_hdr_out h;

    r->auth.error = s == TP_JWT_OK ? "no token" : tp_jwt_description(s);
    if (r->api->type != TP_API_HTTP || az->type != TP_AUTHORIZER_JWT) {
        tp_respond_gw(r, TP_GW_UNAUTHORIZED, NULL);
        return TP_PHASE_DONE;
    }
    h.name = TP_STR("www-authenticate");
    h.value = TP_STR("Bearer");
    if (s != TP_JWT_OK) {
        h.value.p = tp_arena_sprintf(&r->c->arena, "Bearer scope=\"\" "
            "error=\"invalid_token\" error_description=\"%s\"",
            r->auth.error);
        if (h.value.p == NULL) {
            return jwt_internal(r, TP_GW_INTERNAL, "out of memory");
        }
        h.value.len = strlen(h.value.p);
    }
    r->error_type = TP_GW_UNAUTHORIZED;
    r->error_message = "Unauthorized";
    tp_respond_send(r, 401, TP_STR("application/json"), &h, 1,
        TP_STR(body), NULL);
    return TP_PHASE_DONE;
}

static int
jwt_deny(struct tp_request *r, enum tp_jwt_status s, const char *detail)
{
    if (tp_jwt_http_status(s) != 401) {
        return jwt_internal(r, TP_GW_INTERNAL, detail);
    }
    tp_log_debug("%s authorizer \"%s\": token refused: %s", r->id,
        r->match.route->auth->name, detail);
    return jwt_unauthorized(r, s);
}

/* The token passed: its claims for $context, then the resource policy
 * (auth.md 7, Table A: a verified token is the identity side's Allow). */
static int
jwt_allow(struct tp_request *r, struct tp_jwt_result *res)
{
    r->auth.claims = res;
    return tp_auth_finish(r, TP_POLICY_ALLOW, false);
}

static void
jwt_release(void *e)
{
    tp_jwt_entry_release(e);
}

/* A cached token: held until the request ends (claims in logs). */
static int
jwt_cached(struct tp_request *r, const struct tp_jwt_entry *e,
    enum tp_jwt_status s, const char *detail)
{
    if (s != TP_JWT_OK) {
        return jwt_deny(r, s, detail);
    }
    tp_jwt_entry_hold(e);
    if (tp_arena_cleanup_add(&r->c->arena, jwt_release, (void *) e)
        != TP_OK)
    {
        tp_jwt_entry_release(e);
        return jwt_internal(r, TP_GW_INTERNAL, "out of memory");
    }
    return jwt_allow(r, (struct tp_jwt_result *) &e->res);
}

/* ---- waiting for keys ---- */

static int jwt_run(struct tp_request *r, bool refreshed);

static void
jwt_woken(struct tp_jwks_waiter *wt)
{
    struct tp_request *r = wt->r;

    r->on_abort = NULL;
    if (jwt_run(r, true) == TP_PHASE_CONTINUE) {
        tp_pipeline_resume(r);
    }
}

/* The client went away while its request waited for keys. */
static void
jwt_abort(struct tp_request *r)
{
    struct tp_jwt_worker *jw = r->c->w->jwt;
    struct tp_jwks_waiter *wt;
    unsigned i;

    for (i = 0; i < r->c->w->model->nauthorizer_ids; i++) {
        for (wt = jw->states[i] != NULL ? jw->states[i]->waiters : NULL;
            wt != NULL; wt = wt->next)
        {
            if (wt->r == r) {
                tp_jwks_cancel(wt);
                return;
            }
        }
    }
}

/* TP_PHASE_DONE when <r> now waits for a fetch, else TP_PHASE_CONTINUE. */
static int
jwt_wait(struct tp_request *r, struct tp_jwks_state *st,
    enum tp_jwks_need need)
{
    struct tp_jwks_waiter *wt = tp_arena_calloc(&r->c->arena, sizeof(*wt));

    if (wt == NULL) {
        return TP_PHASE_CONTINUE;
    }
    wt->r = r;
    wt->done = jwt_woken;
    if (tp_jwks_wait(st, wt, need) != TP_AGAIN) {
        return TP_PHASE_CONTINUE;
    }
    r->on_abort = jwt_abort;
    return TP_PHASE_DONE;
}

/* ---- the check ---- */

/* The token in the authorizer's identity header: { NULL, 0 } if none. */
static struct tp_str
jwt_token(const struct tp_request *r, const struct tp_authorizer *az)
{
    int i = tp_http_find_header(&r->msg, r->c->buf, az->identity_header, 0);
    struct tp_str v;

    if (i < 0) {
        return TP_NULL_STR;
    }
    v = tp_req_header(r, (unsigned) i, true);
    v = tp_jwt_from_header(v.p, v.len);
    /* "Bearer" alone is a scheme without a token */
    return v.len > 0 && !tp_str_caseeq(v, "bearer") ? v : TP_NULL_STR;
}

/* Whether <t>'s alg is allowed and needs a JWKS key (not HS256). */
static bool
jwt_needs_keys(const struct tp_jwt *t, const struct tp_jwt_conf *jc)
{
    unsigned algs = jc->algs != 0 ? jc->algs : TP_JWT_ALGS_DEFAULT;

    return !t->alg_none && t->alg != TP_JWA_UNKNOWN
        && t->alg != TP_JWA_HS256 && (algs & TP_JWA_BIT(t->alg));
}

/* Verifies <tok> in full; a token whose only failures are the route's
 * (Cognito token_use, scopes) is cached as well. */
static int
jwt_verify(struct tp_request *r, struct tp_jwt_worker *jw,
    struct tp_jwks_state *st, const struct tp_jwt_conf *jc,
    struct tp_str tok, bool refreshed)
{
    const struct tp_route *rt = r->match.route;
    const struct tp_authorizer *az = rt->auth;
    struct tp_arena *a = &r->c->arena;
    const struct tp_jwt_entry *e;
    struct tp_jwt_result *res;
    struct tp_str *match;
    const char *detail = "";
    enum tp_jwt_status s;
    struct tp_jwt t;
    unsigned nmatch;

    res = tp_arena_calloc(a, sizeof(*res));
    if (res == NULL) {
        return jwt_internal(r, TP_GW_INTERNAL, "out of memory");
    }
    s = tp_jwt_decode(&t, tok.p, tok.len, a, &detail);
    if (s == TP_JWT_OK && st != NULL && jc->jwks == NULL
        && jwt_needs_keys(&t, jc))
    {
        if (!refreshed && jwt_wait(r, st, TP_JWKS_NEED_KEYS)
            == TP_PHASE_DONE)
        {
            return TP_PHASE_DONE;
        }
        return jwt_internal(r, TP_GW_AUTHORIZER_CONFIGURATION_ERROR,
            st->error[0] != '\0' ? st->error : "no keys");
    }
    if (s == TP_JWT_OK) {
        s = tp_jwt_verify(&t, jc, &detail);
    }
    if (s == TP_JWT_KID && st != NULL && !refreshed
        && jwt_wait(r, st, TP_JWKS_NEED_KID) == TP_PHASE_DONE)
    {
        return TP_PHASE_DONE;        /* the refreshed keys decide */
    }
    if (s == TP_JWT_OK) {
        s = tp_jwt_validate(&t, jc, rt->scopes, rt->nscopes,
            (int64_t) (tp_clock.real_ms / 1000), &detail);
    }
    if ((s == TP_JWT_OK || s == TP_JWT_TOKEN_USE || s == TP_JWT_SCOPE)
        && (tp_jwt_scopes(&t, a, &res->scopes, &res->nscopes) != TP_OK
            || tp_jwt_scope_items(&t, a, &match, &nmatch) != TP_OK))
    {
        return jwt_internal(r, TP_GW_INTERNAL, "out of memory");
    }
    if ((s == TP_JWT_OK || s == TP_JWT_TOKEN_USE || s == TP_JWT_SCOPE)
        && az->cache_tokens)
    {
        e = tp_jwt_cache_put(jw->cache, az->id, st != NULL ? st->gen : 0,
            tok.p, tok.len, t.claims, t.nclaims, res->scopes, res->nscopes,
            match, nmatch);
        if (e != NULL) {
            return jwt_cached(r, e, s, detail);
        }
    }
    if (s != TP_JWT_OK) {
        return jwt_deny(r, s, detail);
    }
    res->claims = t.claims;
    res->nclaims = t.nclaims;
    res->detail = "";
    return jwt_allow(r, res);
}

static int
jwt_run(struct tp_request *r, bool refreshed)
{
    const struct tp_authorizer *az = r->match.route->auth;
    const struct tp_route *rt = r->match.route;
    struct tp_jwt_worker *jw = jwt_worker(r->c->w);
    const struct tp_jwt_entry *e;
    struct tp_jwks_state *st = NULL;
    struct tp_jwt_conf jc;
    const char *detail = "";
    int64_t now = (int64_t) (tp_clock.real_ms / 1000);
    struct tp_str tok;

    if (jw == NULL) {
        return jwt_internal(r, TP_GW_INTERNAL, "out of memory");
    }
    tok = jwt_token(r, az);
    if (tok.p == NULL) {
        return jwt_unauthorized(r, TP_JWT_OK);
    }
    jc = *az->jwt;
    if (az->jwks_backend != NULL) {
        st = jwt_state(r->c->w, jw, az);
        if (st == NULL) {
            return jwt_internal(r, TP_GW_INTERNAL, "out of memory");
        }
        jc.jwks = tp_jwks_current(st);
    }
    if (az->cache_tokens) {
        e = tp_jwt_cache_get(jw->cache, az->id, st != NULL ? st->gen : 0,
            tok.p, tok.len, now, jc.leeway);
        if (e != NULL) {
            return jwt_cached(r, e, tp_jwt_entry_check(e, &jc, rt->scopes,
                rt->nscopes, now, &detail), detail);
        }
    }
    return jwt_verify(r, jw, st, &jc, tok, refreshed);
}

int
tp_auth_jwt(struct tp_request *r)
{
    return jwt_run(r, false);
}
