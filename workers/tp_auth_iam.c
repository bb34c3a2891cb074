/*
 * tp_auth_iam.c: AWS_IAM routes (auth.md 6): the request's Signature
 * Version 4 is verified against the iam principals' keys
 * (server/tp_sigv4.h), then the principal's identity policies are
 * evaluated for execute-api:Invoke on the method ARN and the result goes
 * to tp_auth_finish() with the API's resource policy.  Workers only.
 *
 * The payload hash.  A request with a body and no X-Amz-Content-Sha256
 * is signed over the SHA-256 of its body, so the body is read first
 * (tp_body_collect; the integration later sends the collected copy).  One
 * whose X-Amz-Content-Sha256 is a hash has the body checked against it,
 * as S3 does: a signature over a hash proves nothing about a body that
 * does not match it.  UNSIGNED-PAYLOAD leaves the body unread here.
 * Before any body is read, the request is checked with the body left
 * out: whatever does not depend on the body (no signature, expired, an
 * unknown key, a wrong scope ...) is answered at once, so an
 * unauthenticated client cannot make the gateway buffer its body.
 */
#include "tp_auth.h"
#include "tp_pipeline.h"
#include "tp_respond.h"
#include "tp_sigv4.h"
#include "tp_time.h"
#include "tp_worker.h"

#define IAM_INVOKE "execute-api:Invoke"

static int
iam_lookup(void *ctx, struct tp_str akid, struct tp_sigv4_key *key)
{
    const struct tp_principal *p = tp_model_find_principal(ctx, akid.p,
        akid.len);

    if (p == NULL) {
        return TP_DECLINED;
    }
    key->secret = (struct tp_str) { p->secret, p->secret_len };
    key->token = p->session_token != NULL
        ? (struct tp_str) { p->session_token, p->session_token_len }
        : TP_NULL_STR;
    key->token_expires = 0;
    return TP_OK;
}

/* The request as it arrived: method, raw path and query, headers. */
static int
iam_sigv4_req(struct tp_request *r, struct tp_sigv4_req *q)
{
    const struct tp_http_msg *m = &r->msg;
    const char *t = r->c->buf + m->target_off;
    struct tp_sigv4_hdr *h;
    unsigned i;

    h = tp_arena_alloc(&r->c->arena, sizeof(*h) * (m->nhdrs + 1u));
    if (h == NULL) {
        return TP_ERROR;
    }
    for (i = 0; i < m->nhdrs; i++) {
        h[i].name = tp_req_header(r, i, false);
        h[i].value = tp_req_header(r, i, true);
    }
    memset(q, 0, sizeof(*q));
    q->method = (struct tp_str) { r->c->buf + m->method_off, m->method_len };
    q->path = (struct tp_str) { t, m->path_len };
    if (m->target_len > m->path_len) {
        q->query = (struct tp_str) { t + m->path_len + 1,
            m->target_len - m->path_len - 1 };
    } else {
        q->query = (struct tp_str) { t + m->path_len, 0 };
    }
    q->hdrs = h;
    q->nhdrs = m->nhdrs;
    return TP_OK;
}

static enum tp_sigv4_status
iam_verify(struct tp_request *r, const struct tp_sigv4_req *q,
    struct tp_sigv4_result *res)
{
    const struct tp_model *mo = r->c->w->model;
    const char *region = mo->server.region;
    struct tp_sigv4_conf conf = {
        .region = { region, strlen(region) },
        .service = TP_STR(TP_SIGV4_SERVICE),
        .lookup = iam_lookup,
        .lookup_ctx = (void *) mo,
    };

    return tp_sigv4_verify(&conf, q, (int64_t) (tp_clock.real_ms / 1000),
        &r->c->arena, res);
}

/* A failed verification: API Gateway's 403 (500 when we failed). */
static int
iam_refuse(struct tp_request *r, const struct tp_sigv4_result *res)
{
    if (!r->body_done) {
        r->c->closing = true;        /* the body stays unread */
    }
    r->on_input = NULL;
    tp_respond_gw_as(r, tp_sigv4_gw(res->status), res->message,
        tp_sigv4_error_type(res->status));
    return TP_PHASE_DONE;
}

/* Every identity policy of <p> for <action> on <arn>: a Deny in any of
 * them wins, else an Allow in any, else silence. */
static enum tp_policy_effect
iam_identity(struct tp_request *r, const struct tp_principal *p,
    const char *action, const char *arn)
{
    struct tp_policy_req q = { action, arn, p->arn, p->account_id,
        tp_auth_condition_key, r };
    enum tp_policy_effect e, out = TP_POLICY_SILENT;
    unsigned i;

    for (i = 0; i < p->npolicies; i++) {
        e = tp_policy_eval(p->policies[i], &q);
        if (e == TP_POLICY_DENY) {
            return TP_POLICY_DENY;
        }
        if (e == TP_POLICY_ALLOW) {
            out = TP_POLICY_ALLOW;
        }
    }
    return out;
}

static bool
iam_cross_account(const struct tp_request *r, const struct tp_principal *p)
{
    return strcmp(p->account_id, r->c->w->model->server.account_id) != 0;
}

/* Verified: who it is, then what its policies say. */
static int
iam_authorize(struct tp_request *r, const struct tp_sigv4_result *res)
{
    const struct tp_principal *p = tp_model_find_principal(r->c->w->model,
        res->akid.p, res->akid.len);
    const char *arn = tp_auth_method_arn(r);

    if (p == NULL || arn == NULL) {
        tp_respond_gw(r, TP_GW_INTERNAL, NULL);
        return TP_PHASE_DONE;
    }
    r->auth.principal = p;
    r->auth.sigv4 = true;
    r->auth.sigv4_query = res->form == TP_SIGV4_FORM_QUERY;
    return tp_auth_finish(r, iam_identity(r, p, IAM_INVOKE, arn),
        iam_cross_account(r, p));
}

/* The whole check, with the body collected (or not needed). */
static int
iam_check(struct tp_request *r)
{
    struct tp_sigv4_req q;
    struct tp_sigv4_result res;

    if (iam_sigv4_req(r, &q) != TP_OK) {
        tp_respond_gw(r, TP_GW_INTERNAL, NULL);
        return TP_PHASE_DONE;
    }
    if (r->body_collected) {
        q.body = r->body.p;
        q.body_len = r->body.len;
    }
    if (iam_verify(r, &q, &res) != TP_SIGV4_OK) {
        return iam_refuse(r, &res);
    }
    return iam_authorize(r, &res);
}

/* More body arrived while the phase waits for all of it. */
static void
iam_on_input(struct tp_request *r)
{
    int rc = tp_body_collect(r);

    if (rc == TP_AGAIN) {
        return;
    }
    r->on_input = NULL;
    if (rc != TP_OK) {
        r->c->closing = true;
        tp_respond_status(r, rc);    /* 400, 413, 500 */
        return;
    }
    if (iam_check(r) == TP_PHASE_CONTINUE) {
        tp_pipeline_resume(r);
    }
}

/*
 * Does the signature need the body?  Checks <r> with the body left out
 * first; true (go and read it) only when that check could fail or pass
 * because of the body, else the answer is in *<res>.
 */
static bool
iam_needs_body(struct tp_request *r, const struct tp_sigv4_req *q,
    struct tp_sigv4_result *res)
{
    enum tp_sigv4_status st = iam_verify(r, q, res);
    char hash[TP_SIGV4_HEX_LEN + 1];
    bool claimed;
    struct tp_str ph = tp_sigv4_payload_hash(q, hash, &claimed);

    if (!claimed) {
        /* Signed over the body's hash: only the signature can change. */
        return st == TP_SIGV4_OK || st == TP_SIGV4_BAD_SIGNATURE;
    }
    if (tp_str_eq(ph, TP_STR(TP_SIGV4_UNSIGNED_PAYLOAD))) {
        return false;
    }
    /* A claimed hash is signed as it is; only step 9 reads the body. */
    return st == TP_SIGV4_OK || st == TP_SIGV4_PAYLOAD_MISMATCH;
}

int
tp_auth_iam(struct tp_request *r)
{
    struct tp_sigv4_req q;
    struct tp_sigv4_result res;
    int rc;

    if (iam_sigv4_req(r, &q) != TP_OK) {
        tp_respond_gw(r, TP_GW_INTERNAL, NULL);
        return TP_PHASE_DONE;
    }
    if (r->body_kind == TP_BODY_NONE || r->body_collected) {
        return iam_check(r);
    }
    if (!iam_needs_body(r, &q, &res)) {
        return res.status == TP_SIGV4_OK ? iam_authorize(r, &res)
                                         : iam_refuse(r, &res);
    }
    rc = tp_body_collect(r);
    if (rc == TP_AGAIN) {
        r->on_input = iam_on_input;
        return TP_PHASE_DONE;
    }
    if (rc != TP_OK) {
        r->c->closing = true;
        tp_respond_status(r, rc);
        return TP_PHASE_DONE;
    }
    return iam_check(r);
}

bool
tp_auth_iam_may(struct tp_request *r, const char *action)
{
    const struct tp_principal *p = r->auth.principal;
    const char *arn;
    struct tp_policy_req q;
    enum tp_policy_effect res = TP_POLICY_SILENT;

    if (p == NULL || (arn = tp_auth_method_arn(r)) == NULL) {
        return false;
    }
    if (r->api->policy != NULL) {
        q = (struct tp_policy_req) { action, arn, p->arn, p->account_id,
            tp_auth_condition_key, r };
        res = tp_policy_eval(r->api->policy, &q);
    }
    return tp_policy_allows(iam_identity(r, p, action, arn), res,
        iam_cross_account(r, p));
}
