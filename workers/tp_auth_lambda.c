/*
 * tp_auth_lambda.c: the authorize phase for routes with CUSTOM
 * authorization, Lambda authorizers (auth.md 2, 3; errors.md).  Workers
 * only.
 *
 * The identity sources' values come first: a TOKEN header missing or
 * empty, or not matching the identity validation expression, is 401
 * without invoking the function; so is a missing REQUEST source when the
 * result is cached (REST) or always (HTTP APIs).  The result cache is
 * asked next, then the function (tp_fn_invoke(); the request waits with
 * TP_PHASE_DONE and resumes the pipeline when it answers).
 *
 * The answer (server/tp_lauth_answer.c) decides: a policy evaluated for
 * execute-api:Invoke on the method ARN (routeArn for 2.0, the same text)
 * that allows goes on to the API's resource policy (tp_auth_finish());
 * one that does not is 403 ACCESS_DENIED ("User is not authorized to
 * access this resource"); a simple response's isAuthorized false is 403
 * too.  The function failing with the message "Unauthorized" is 401; any
 * other failure, a timeout or a malformed answer is 500
 * AUTHORIZER_CONFIGURATION_ERROR ({"message": null} on REST APIs,
 * "Internal Server Error" on HTTP APIs).
 *
 * Result cache: the answer's bytes, in the shared LMDB environment
 * data_dir/cache (shm/tp_cache.h) that every worker sees, keyed by the
 * authorizer's namespace (a hash of its settings) and the identity
 * values, with the TTL as expiry.  A hit is parsed again, so the cached
 * policy is evaluated against each request's own ARN (auth.md 2.5).
 * Only well-formed answers are kept; 401s and failures are not.
 */
#include "tp_auth.h"
#include "tp_auth_lambda.h"
#include "tp_cache.h"
#include "tp_cache_keymat.h"
#include "tp_context.h"
#include "tp_execlog.h"
#include "tp_json.h"
#include "tp_lauth.h"
#include "tp_log.h"
#include "tp_mapping.h"
#include "tp_pipeline.h"
#include "tp_respond.h"
#include "tp_time.h"
#include "tp_worker.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

/* Not an HTTP method (it has a blank): no response cache key has it. */
#define LA_KEY_METHOD "lambda authorizer"

/* An invocation in flight, in the request's arena. */
struct la_call {
    struct tp_request *r;
    struct tp_auth_lambda_call call;
    bool waiting;
    const char *arn;
    bool store;                      /* keep a well-formed answer */
    uint8_t key[TP_CACHE_KEY_LEN];
};

/* The route's authorizer settings; a CUSTOM route always has a Lambda
 * authorizer (the load refuses one without). */
static const struct tp_lauth *
la_conf(const struct tp_request *r)
{
    const struct tp_authorizer *a = r->match.route->auth;

    return a != NULL ? a->lambda : NULL;
}

static enum tp_lauth_format
la_format(const struct tp_request *r)
{
    return r->api->type == TP_API_HTTP ? (enum tp_lauth_format)
        la_conf(r)->http_format : TP_LAUTH_REST;
}

/* ---- answers ---- */

static int
la_fail(struct tp_request *r, const char *why)
{
    const struct tp_authorizer *a = r->match.route->auth;

    why = why != NULL ? why : "out of memory";
    tp_log(TP_LOG_ERROR, 0, "%s authorizer \"%s\": %s", r->id,
        a != NULL ? a->name : "", why);
    r->auth.error = why;
    tp_respond_gw(r, TP_GW_AUTHORIZER_CONFIGURATION_ERROR, NULL);
    return TP_PHASE_DONE;
}

static int
la_unauthorized(struct tp_request *r, const char *why)
{
    tp_log_debug("%s authorizer \"%s\": 401: %s", r->id,
        r->match.route->auth->name, why);
    r->auth.error = why;
    tp_respond_gw(r, TP_GW_UNAUTHORIZED, NULL);
    return TP_PHASE_DONE;
}

static int
la_denied(struct tp_request *r, bool explicit_deny)
{
    r->auth.error = "denied";
    tp_respond_gw(r, TP_GW_ACCESS_DENIED, explicit_deny
        ? "User is not authorized to access this resource with an "
          "explicit deny" : "User is not authorized to access this resource");
    return TP_PHASE_DONE;
}

/* The answer <json> (in the request's arena) for <arn>. */
static int
la_decide(struct tp_request *r, const char *json, size_t len,
    const char *arn)
{
    const struct tp_lauth *la = la_conf(r);
    struct tp_lauth_answer ans;
    struct tp_policy_req q;
    enum tp_policy_effect eff;

    tp_lauth_parse(json, len, la_format(r), la->simple, &r->c->arena, &ans);
    if (ans.verdict == TP_LAUTH_INVALID) {
        return la_fail(r, ans.why);
    }
    r->auth.principal_id = ans.principal_id;
    r->auth.lambda_ctx = ans.context;
    r->auth.nlambda_ctx = ans.ncontext;
    if (ans.verdict == TP_LAUTH_DENIED) {
        return la_denied(r, false);
    }
    if (ans.verdict == TP_LAUTH_POLICY) {
        memset(&q, 0, sizeof(q));
        q.action = "execute-api:Invoke";
        q.resource = arn;
        q.key = tp_auth_condition_key;
        q.key_ctx = r;
        eff = tp_policy_eval(ans.policy, &q);
        if (eff != TP_POLICY_ALLOW) {
            return la_denied(r, eff == TP_POLICY_DENY);
        }
    }
    if (ans.usage_key != NULL && r->api->api_key_source != NULL
        && strcmp(r->api->api_key_source, "AUTHORIZER") == 0)
    {
        r->api_key = (struct tp_str) { ans.usage_key, strlen(ans.usage_key) };
    }
    return tp_auth_finish(r, TP_POLICY_ALLOW, false);
}

/* {"errorMessage": "Unauthorized", ...}: the function refused. */
static bool
la_said_unauthorized(struct tp_request *r, struct tp_str err)
{
    struct tp_json d;
    char msg[64];
    int m;

    if (err.len == 0 || tp_json_parse(&d, &r->c->arena, err.p, err.len, msg,
            sizeof(msg)) != TP_OK)
    {
        return false;
    }
    m = tp_json_type(&d, 0) == TP_JSON_OBJECT
        ? tp_json_get(&d, 0, "errorMessage") : 0;
    return m >= 0 && tp_json_type(&d, m) == TP_JSON_STRING
        && tp_json_streq(&d, m, "Unauthorized", 12);
}

static int
la_result(struct la_call *lc, const struct tp_fn_result *res)
{
    struct tp_request *r = lc->r;
    struct tp_worker *w = r->c->w;
    struct tp_lauth_answer probe;
    char err[256];
    char *copy;

    switch (res->status) {
    case TP_FN_OK:
        break;
    case TP_FN_ERROR:
        if (la_said_unauthorized(r, res->payload)) {
            return la_unauthorized(r, "the function said Unauthorized");
        }
        return la_fail(r, tp_arena_sprintf(&r->c->arena, "the function "
            "failed (%s)", res->error_type != NULL ? res->error_type
            : "Unhandled"));
    case TP_FN_TIMEOUT:
        return la_fail(r, "the function timed out");
    case TP_FN_THROTTLED:
        return la_fail(r, "the function is throttled");
    case TP_FN_CRASHED:
        return la_fail(r, "the function crashed");
    default:
        return la_fail(r, "the function is unavailable");
    }
    /* the payload lives for the callback only; the context points in */
    copy = tp_arena_strndup(&r->c->arena, res->payload.p != NULL
        ? res->payload.p : "", res->payload.len);
    if (copy == NULL) {
        return la_fail(r, "out of memory");
    }
    if (r->xlog != NULL) {
        tp_xlog_data(r, "Authorizer result body before parsing",
            (struct tp_str) { copy, res->payload.len });
    }
    if (lc->store && w->cache != NULL) {
        tp_lauth_parse(copy, res->payload.len, la_format(r),
            la_conf(r)->simple, &r->c->arena, &probe);
        if (probe.verdict != TP_LAUTH_INVALID
            && tp_cache_put(w->cache, lc->key, tp_clock.real_ms
                + (uint64_t) la_conf(r)->ttl_s * 1000, copy,
                res->payload.len, err, sizeof(err)) == TP_ERROR)
        {
            tp_worker_cache_error(w, err);
        }
    }
    return la_decide(r, copy, res->payload.len, lc->arn);
}

/* ---- waiting for the function ---- */

static void
la_done(void *ctx, const struct tp_fn_result *res)
{
    struct la_call *lc = ctx;
    struct tp_request *r = lc->r;

    lc->waiting = false;
    memset(&lc->call, 0, sizeof(lc->call));
    r->on_abort = NULL;
    r->auth.pending = NULL;
    if (la_result(lc, res) == TP_PHASE_CONTINUE) {
        tp_pipeline_resume(r);
    }
}

/* The client went away while the function ran: its answer is dropped
 * (the function still finishes in the host). */
static void
la_abort(struct tp_request *r)
{
    struct la_call *lc = r->auth.pending;

    if (lc != NULL && lc->waiting) {
        tp_auth_lambda_cancel(&lc->call);
        lc->waiting = false;
    }
    r->auth.pending = NULL;
}

/* ---- identity sources ---- */

/* Source <s>'s value: TP_OK when present and not empty. */
static int
la_source(struct tp_request *r, const struct tp_lauth_source *s, bool token,
    struct tp_str *out)
{
    const char *v;

    *out = TP_NULL_STR;
    switch (s->kind) {
    case TP_LAUTH_HEADER:
        if (!tp_req_header_get(r, s->name, !token, out)) {
            return TP_DECLINED;
        }
        break;
    case TP_LAUTH_QUERY:
        if (!tp_query_get(r->query, s->name, strlen(s->name), out)) {
            return TP_DECLINED;
        }
        *out = tp_auth_lambda_decode(r, *out);
        break;
    case TP_LAUTH_STAGEVAR:
        v = r->stage != NULL ? tp_model_stage_var(r->stage, s->name,
            strlen(s->name)) : NULL;
        *out = v != NULL ? (struct tp_str) { v, strlen(v) } : TP_NULL_STR;
        break;
    default:
        if (tp_context_get(r, s->name, strlen(s->name), &r->c->arena, out)
            != TP_OK)
        {
            return TP_DECLINED;
        }
    }
    return out->p != NULL && out->len > 0 ? TP_OK : TP_DECLINED;
}

static bool
la_valid_token(const struct tp_lauth *la, struct tp_str tok)
{
    pcre2_match_data *md;
    int rc;

    if (la->validation == NULL) {
        return true;
    }
    md = pcre2_match_data_create_from_pattern(la->validation, NULL);
    if (md == NULL) {
        return false;
    }
    rc = pcre2_match(la->validation, (PCRE2_SPTR) tok.p, tok.len, 0, 0, md,
        NULL);
    pcre2_match_data_free(md);
    return rc >= 0;
}

/* The cache key of these identity values (tp_cache_keymat.h: length-
 * prefixed, so no value can imitate another split). */
static int
la_key(struct tp_request *r, const struct tp_str *vals, bool *present,
    uint8_t key[TP_CACHE_KEY_LEN])
{
    const struct tp_lauth *la = la_conf(r);
    struct tp_cache_keypart parts[TP_LAUTH_MAX_SOURCES];
    const char *name = r->match.route->auth->name;
    size_t len;
    unsigned i;
    char *mat;

    for (i = 0; i < la->nsources; i++) {
        parts[i].name = (struct tp_str) { la->sources[i].text,
            strlen(la->sources[i].text) };
        parts[i].value = vals[i];
        parts[i].present = present[i];
    }
    len = tp_cache_keymat(NULL, 0, TP_STR(LA_KEY_METHOD),
        (struct tp_str) { name, strlen(name) }, parts, la->nsources);
    mat = tp_arena_alloc(&r->c->arena, len);
    if (mat == NULL) {
        return TP_ERROR;
    }
    tp_cache_keymat(mat, len, TP_STR(LA_KEY_METHOD),
        (struct tp_str) { name, strlen(name) }, parts, la->nsources);
    tp_cache_keymat_key(la->cache_ns, mat, len, key);
    return TP_OK;
}

int
tp_auth_lambda(struct tp_request *r)
{
    const struct tp_lauth *la = la_conf(r);
    struct tp_worker *w = r->c->w;
    struct tp_str vals[TP_LAUTH_MAX_SOURCES], ev;
    bool present[TP_LAUTH_MAX_SOURCES];
    struct la_call *lc;
    bool strict;
    const void *hit;
    uint64_t expires;
    size_t hit_len;
    unsigned i;
    int rc;

    if (la == NULL || la->function == NULL) {
        return la_fail(r, "the authorizer names no function");
    }
    /* REST REQUEST sources are optional without a cache (auth.md 2.2) */
    strict = la->token || la->ttl_s > 0 || r->api->type == TP_API_HTTP;
    for (i = 0; i < la->nsources; i++) {
        present[i] = la_source(r, &la->sources[i], la->token, &vals[i])
            == TP_OK;
        if (!present[i] && strict) {
            return la_unauthorized(r, "identity source missing");
        }
    }
    if (la->token && !la_valid_token(la, vals[0])) {
        return la_unauthorized(r, "the token does not match the "
            "identity validation expression");
    }
    lc = tp_arena_calloc(&r->c->arena, sizeof(*lc));
    if (lc == NULL || (lc->arn = tp_auth_method_arn(r)) == NULL) {
        return la_fail(r, "out of memory");
    }
    if (strlen(lc->arn) > 1600) {
        tp_respond_status(r, 414);
        return TP_PHASE_DONE;
    }
    lc->r = r;
    if (la->ttl_s > 0 && w->cache != NULL) {
        if (la_key(r, vals, present, lc->key) != TP_OK) {
            return la_fail(r, "out of memory");
        }
        rc = tp_cache_get(w->cache, lc->key, tp_clock.real_ms,
            &r->c->arena, &hit, &hit_len, &expires);
        if (rc == TP_OK) {
            return la_decide(r, hit, hit_len, lc->arn);
        }
        if (rc == TP_ERROR) {
            tp_worker_cache_error(w, "authorizer result look-up failed");
        }
        lc->store = true;
    }
    ev = tp_auth_lambda_event(r, lc->arn, vals, la->nsources, la_format(r),
        la->token);
    if (ev.p == NULL) {
        return la_fail(r, "out of memory");
    }
    if (tp_auth_lambda_invoke(r, ev, la_done, lc, &lc->call) != TP_OK) {
        return la_fail(r, "the function cannot be invoked");
    }
    lc->waiting = true;
    r->auth.pending = lc;
    r->on_abort = la_abort;
    return TP_PHASE_DONE;
}
