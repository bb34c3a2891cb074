/*
 * tp_auth_policy.c: the authorize phase's policy step (workers/tp_auth.h):
 * a request's method ARN and condition keys, and the final decision of
 * the identity side together with the API's resource policy (auth.md 7).
 * Workers only.
 *
 * A denial is ACCESS_DENIED (403, x-amzn-ErrorType AccessDeniedException,
 * body {"Message": ...} on REST APIs; HTTP APIs answer their fixed
 * {"message":"Forbidden"}), in AWS's words: "User: <principal ARN or
 * anonymous> is not authorized to perform: execute-api:Invoke on
 * resource: <ARN, account masked ********1234>", with " with an explicit
 * deny" appended when a Deny statement decided it (errors.md 1.2, 4).
 */
#include "tp_auth.h"
#include "tp_mapping.h"
#include "tp_pipeline.h"
#include "tp_respond.h"
#include "tp_worker.h"

#include <stdio.h>
#include <strings.h>
#include <time.h>

#define TP_AUTH_ARN_MAX 1600         /* longer: 414 (limits.md) */

const char *
tp_auth_method_arn(struct tp_request *r)
{
    const struct tp_server_conf *s = &r->c->w->model->server;
    struct tp_str path = r->path;

    /* the path as requested inside the API, without its leading '/';
     * the root gives ".../GET/" */
    if (path.len > 0 && path.p[0] == '/') {
        path.p++;
        path.len--;
    }
    return tp_arena_sprintf(&r->c->arena,
        "arn:aws:execute-api:%s:%s:%s/%s/%.*s/%.*s", s->region,
        s->account_id, r->api->id, r->stage != NULL ? r->stage->name : "",
        (int) r->msg.method_len, r->c->buf + r->msg.method_off,
        (int) path.len, path.p);
}

/* A request header as a NUL-terminated string, NULL when absent. */
static const char *
auth_header(struct tp_request *r, const char *name)
{
    struct tp_str v;

    if (!tp_req_header_get(r, name, false, &v)) {
        return NULL;
    }
    return tp_arena_strndup(&r->c->arena, v.p, v.len);
}

static const char *
auth_time(struct tp_request *r, bool epoch)
{
    time_t t = (time_t) (r->start_ms / 1000);
    struct tm tm;

    if (epoch) {
        return tp_arena_sprintf(&r->c->arena, "%lld", (long long) t);
    }
    gmtime_r(&t, &tm);
    return tp_arena_sprintf(&r->c->arena, "%04d-%02d-%02dT%02d:%02d:%02dZ",
        tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
        tm.tm_sec);
}

/* The caller's ARN and account; NULL for anonymous callers (every
 * authorization type but AWS_IAM). */
static void
auth_principal(struct tp_request *r, const char **arn, const char **account)
{
    const struct tp_principal *p = r->auth.principal;

    *arn = p != NULL ? p->arn : NULL;
    *account = p != NULL ? p->account_id : NULL;
}

#define KEY_IS(lit) \
    (len == sizeof(lit) - 1 && strncasecmp(name, lit, len) == 0)

const char *
tp_auth_condition_key(void *ctx, const char *name, size_t len)
{
    struct tp_request *r = ctx;
    const struct tp_listener *lst = r->c->lst;
    const struct tp_principal *p = r->auth.principal;

    if (KEY_IS("aws:SourceIp")) {
        return r->c->peer;
    }
    if (KEY_IS("aws:CurrentTime")) {
        return auth_time(r, false);
    }
    if (KEY_IS("aws:EpochTime")) {
        return auth_time(r, true);
    }
    if (KEY_IS("aws:SecureTransport")) {
        return lst != NULL && lst->tls != NULL ? "true" : "false";
    }
    if (KEY_IS("aws:UserAgent")) {
        return auth_header(r, "user-agent");
    }
    if (KEY_IS("aws:Referer")) {
        return auth_header(r, "referer");
    }
    if (KEY_IS("aws:SourceVpce")) {
        return lst != NULL && lst->private ? lst->name : NULL;
    }
    if (KEY_IS("aws:VpcSourceIp")) {
        return lst != NULL && lst->private ? r->c->peer : NULL;
    }
    /* IAM-authorized requests only (auth.md 7).  aws:userid would be
     * the user's unique id (AIDA...), which config principals have not:
     * absent. */
    if (p == NULL) {
        return NULL;
    }
    if (KEY_IS("aws:PrincipalArn")) {
        return p->arn;
    }
    if (KEY_IS("aws:PrincipalAccount")) {
        return p->account_id;
    }
    if (KEY_IS("aws:username")) {
        return p->name;
    }
    if (KEY_IS("aws:PrincipalType")) {
        return "User";
    }
    return NULL;
}

/* <arn> with its account shown as ********1234, as AWS's messages do. */
static const char *
auth_masked(struct tp_request *r, const char *arn)
{
    const char *p = arn;
    char *m;
    int colons = 0;
    size_t i, n;

    while (*p != '\0' && colons < 4) {
        colons += *p++ == ':';
    }
    n = strcspn(p, ":");
    if (n <= 4 || (m = tp_arena_strdup(&r->c->arena, arn)) == NULL) {
        return arn;
    }
    for (i = 0; i < n - 4; i++) {
        m[(size_t) (p - arn) + i] = '*';
    }
    return m;
}

int
tp_auth_finish(struct tp_request *r, enum tp_policy_effect identity,
    bool cross_account)
{
    enum tp_policy_effect resource = TP_POLICY_SILENT;
    const char *arn, *who, *msg;
    struct tp_policy_req q;

    /* Without a resource policy the identity side decides alone; the
     * ARN is only made for a policy or a denial's message. */
    if (r->api->policy == NULL && r->api->endpoint_type != TP_ENDPOINT_PRIVATE
        && tp_policy_allows(identity, TP_POLICY_SILENT, cross_account))
    {
        return TP_PHASE_CONTINUE;
    }
    if ((arn = tp_auth_method_arn(r)) == NULL) {
        tp_respond_gw(r, TP_GW_INTERNAL, NULL);
        return TP_PHASE_DONE;
    }
    if (strlen(arn) > TP_AUTH_ARN_MAX) {
        tp_respond_status(r, 414);
        return TP_PHASE_DONE;
    }
    memset(&q, 0, sizeof(q));
    q.action = "execute-api:Invoke";
    q.resource = arn;
    q.key = tp_auth_condition_key;
    q.key_ctx = r;
    auth_principal(r, &q.principal_arn, &q.principal_account);
    if (r->api->policy != NULL) {
        resource = tp_policy_eval(r->api->policy, &q);
    }
    /* A PRIVATE API is reachable only through its resource policy's
     * Allow: without a policy nothing is (auth.md 7). */
    if ((r->api->endpoint_type != TP_ENDPOINT_PRIVATE
         || resource == TP_POLICY_ALLOW)
        && tp_policy_allows(identity, resource, cross_account))
    {
        return TP_PHASE_CONTINUE;
    }
    who = q.principal_arn != NULL ? q.principal_arn : "anonymous";
    msg = tp_arena_sprintf(&r->c->arena, "User: %s is not authorized to "
        "perform: execute-api:Invoke on resource: %s%s", who,
        auth_masked(r, arn), identity == TP_POLICY_DENY
        || resource == TP_POLICY_DENY ? " with an explicit deny" : "");
    tp_respond_gw(r, TP_GW_ACCESS_DENIED, msg);
    return TP_PHASE_DONE;
}
