/*
 * tp_policy.h: IAM policy documents as API Gateway evaluates them
 * (../shared/reference/auth.md 7): identity policies of IAM principals,
 * API resource policies, and (later) the policies Lambda authorizers
 * return.  A document is compiled once (config load, or an authorizer's
 * answer) and evaluated per request against an action, a resource ARN,
 * the caller and condition keys.
 *
 * Pure: no I/O, no globals, no clock (the caller brings aws:CurrentTime
 * like any other key).  Memory comes from the caller's arena.
 */
#ifndef TP_POLICY_H
#define TP_POLICY_H

#include "tp_core.h"
#include "tp_arena.h"

#define TP_POLICY_RESOURCE_MAX 8192  /* resource policy text (auth.md 7) */

/* What one document says about one request. */
enum tp_policy_effect {
    TP_POLICY_SILENT = 0,            /* no statement applies: implicit deny */
    TP_POLICY_ALLOW,                 /* an Allow applies, no Deny does */
    TP_POLICY_DENY                   /* an explicit Deny applies */
};

enum tp_policy_kind {
    TP_POLICY_IDENTITY = 0,          /* no Principal allowed */
    TP_POLICY_RESOURCE               /* Principal required */
};

/* Where "execute-api:/stage/METHOD/path" shorthand resources expand to
 * arn:aws:execute-api:<region>:<account>:<api_id>/... (resource policies). */
struct tp_policy_scope {
    const char *region;
    const char *account;
    const char *api_id;              /* NULL: shorthand is an error */
};

struct tp_policy;                    /* compiled, immutable */

/*
 * Compiles <len> bytes of policy JSON.  TP_OK with *out set, or TP_ERROR
 * with a message in <err> that names the problem and, where it helps, the
 * statement ("Statement[1]: unknown condition operator \"StringEqual\"";
 * the index is 0-based, "Statement" alone when it is one object, plus
 * (Sid "x") when it has one).  <json> need not outlive the result: every
 * string is copied into <a>.  <scope> may be NULL (no shorthand).  A
 * resource policy over TP_POLICY_RESOURCE_MAX characters, not counting
 * the blanks between tokens, is an error.
 */
int tp_policy_parse(const char *json, size_t len, enum tp_policy_kind kind,
    const struct tp_policy_scope *scope, struct tp_arena *a,
    struct tp_policy **out, char *err, size_t errlen);

/* Condition key lookup: the value of <name> ("aws:SourceIp") for this
 * request, or NULL when the request has no such key.  <name> is as the
 * policy spells it: compare ASCII case-insensitively (IAM's key names
 * are).  Values are text: times ISO 8601 ("2026-11-26T12:00:00Z") or
 * epoch seconds, booleans "true"/"false", IPs without a prefix length. */
typedef const char *(*tp_policy_key_fn)(void *ctx, const char *name,
    size_t len);

/* The request being decided. */
struct tp_policy_req {
    const char *action;              /* "execute-api:Invoke" */
    const char *resource;            /* the full execute-api ARN */
    const char *principal_arn;       /* "arn:aws:iam::<acct>:user/<name>";
                                        NULL: anonymous */
    const char *principal_account;   /* 12 digits; NULL: anonymous */
    tp_policy_key_fn key;            /* condition keys; may be NULL */
    void *key_ctx;
};

/* What <p> says about <q>: an explicit Deny wins over any Allow. */
enum tp_policy_effect tp_policy_eval(const struct tp_policy *p,
    const struct tp_policy_req *q);

/*
 * The decision of an identity-side result (IAM identity policies or an
 * authorizer's policy) and the API's resource policy, per auth.md 7's
 * tables: same account (Table A) either side's Allow suffices, cross
 * account (Table B) both must Allow; any Deny denies.  A side that does
 * not exist (no resource policy) is TP_POLICY_SILENT.
 */
bool tp_policy_allows(enum tp_policy_effect identity,
    enum tp_policy_effect resource, bool cross_account);

#endif /* TP_POLICY_H */
