/*
 * tp_policy_eval.c: what a compiled policy (tp_policy_int.h) says about
 * one request, and the combination of an identity-side result with a
 * resource policy's (auth.md 7, Tables A and B).  Pure; runs in workers
 * per request, so it only compares precompiled values.
 */
#include "tp_policy_int.h"

/* Whether <s> matches one of <l>'s patterns, before its Not. */
static bool
pol_list_has(const struct tp_pol_list *l, const char *s, bool ci)
{
    size_t n = strlen(s);
    unsigned i;

    for (i = 0; i < l->n; i++) {
        if (tp_pol_glob(l->pats[i], strlen(l->pats[i]), s, n, ci)) {
            return true;
        }
    }
    return false;
}

static bool
pol_list_applies(const struct tp_pol_list *l, const char *s, bool ci)
{
    return pol_list_has(l, s, ci) != l->negate;
}

static bool
pol_principal_has(const struct tp_pol_principal *p,
    const struct tp_policy_req *q)
{
    unsigned i;

    if (p->any) {
        return true;                 /* "*": anonymous callers too */
    }
    for (i = 0; q->principal_arn != NULL && i < p->narns; i++) {
        if (strcmp(p->arns[i], q->principal_arn) == 0) {
            return true;
        }
    }
    for (i = 0; q->principal_account != NULL && i < p->naccounts; i++) {
        if (strcmp(p->accounts[i], q->principal_account) == 0) {
            return true;
        }
    }
    return false;
}

static bool
pol_stmt_applies(const struct tp_policy *p, const struct tp_pol_stmt *st,
    const struct tp_policy_req *q)
{
    if (!pol_list_applies(&st->actions, q->action, true)
        || !pol_list_applies(&st->resources, q->resource, false))
    {
        return false;
    }
    if (p->kind == TP_POLICY_RESOURCE
        && pol_principal_has(&st->principal, q) == st->principal.negate)
    {
        return false;
    }
    return tp_pol_conds_hold(st, q);
}

enum tp_policy_effect
tp_policy_eval(const struct tp_policy *p, const struct tp_policy_req *q)
{
    enum tp_policy_effect e = TP_POLICY_SILENT;
    unsigned i;

    if (p == NULL) {
        return TP_POLICY_SILENT;
    }
    for (i = 0; i < p->nstmts; i++) {
        if (!pol_stmt_applies(p, &p->stmts[i], q)) {
            continue;
        }
        if (p->stmts[i].deny) {
            return TP_POLICY_DENY;   /* an explicit Deny always wins */
        }
        e = TP_POLICY_ALLOW;
    }
    return e;
}

bool
tp_policy_allows(enum tp_policy_effect identity,
    enum tp_policy_effect resource, bool cross_account)
{
    if (identity == TP_POLICY_DENY || resource == TP_POLICY_DENY) {
        return false;
    }
    if (cross_account) {
        /* Table B: the caller's account and the API's must both allow */
        return identity == TP_POLICY_ALLOW && resource == TP_POLICY_ALLOW;
    }
    /* Table A (and policy-only: identity is silent) */
    return identity == TP_POLICY_ALLOW || resource == TP_POLICY_ALLOW;
}
