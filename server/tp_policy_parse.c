/*
 * tp_policy_parse.c: compiles an IAM policy document (JSON text) into
 * struct tp_policy (tp_policy_int.h).  Used by the master at config load
 * (API resource policies, principals' identity policies) and by workers
 * for Lambda authorizers' answers.
 *
 * Strict, as IAM is when a policy is saved: unknown or repeated members,
 * wrong types, Principal in an identity policy or its absence in a
 * resource policy, an Effect other than Allow/Deny, actions without a
 * vendor prefix and resources that are neither "*", an ARN nor (with an
 * API in scope) the execute-api:/ shorthand are errors that name the
 * statement.  A policy that is accepted means what it says; nothing is
 * silently dropped.
 */
#include "tp_policy_int.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#define TP_POL_SHORTHAND "execute-api:"

int
tp_pol_error(struct tp_pol_ctx *c, const char *fmt, ...)
{
    va_list ap;
    int n = 0;

    if (c->where[0] != '\0') {
        n = snprintf(c->err, c->errlen, "%s: ", c->where);
        if (n < 0 || (size_t) n >= c->errlen) {
            return TP_ERROR;
        }
    }
    va_start(ap, fmt);
    vsnprintf(c->err + n, c->errlen - (size_t) n, fmt, ap);
    va_end(ap);
    return TP_ERROR;
}

static int
pol_name_cmp(const void *x, const void *y)
{
    const struct tp_str *a = x, *b = y;
    int c = memcmp(a->p, b->p, TP_MIN(a->len, b->len));

    return c != 0 ? c : (a->len > b->len) - (a->len < b->len);
}

const char *
tp_pol_repeated(struct tp_pol_ctx *c, int obj)
{
    struct tp_str *names;
    unsigned n = 0, i;
    int k;

    /* A repeated name would let two readers see two different policies:
     * sort the names (unescaped) and look at neighbours. */
    names = tp_arena_alloc(c->a,
        sizeof(*names) * ((size_t) c->d->toks[obj].size + 1));
    if (names == NULL) {
        return "?";
    }
    for (k = tp_json_child(c->d, obj); k >= 0; k = tp_json_next(c->d, k)) {
        names[n].p = tp_json_str(c->d, k, c->a, &names[n].len);
        if (names[n++].p == NULL) {
            return "?";
        }
    }
    qsort(names, n, sizeof(*names), pol_name_cmp);
    for (i = 1; i < n; i++) {
        if (pol_name_cmp(&names[i - 1], &names[i]) == 0) {
            return names[i].p;
        }
    }
    return NULL;
}

/* Checks that <obj> has only members named in <names> (NULL-ended) and no
 * name twice. */
static int
pol_members(struct tp_pol_ctx *c, int obj, const char *const *names,
    const char *what)
{
    const char *rep, *const *n;
    int k;

    if ((rep = tp_pol_repeated(c, obj)) != NULL) {
        return tp_pol_error(c, "\"%s\" appears twice", rep);
    }
    for (k = tp_json_child(c->d, obj); k >= 0; k = tp_json_next(c->d, k)) {
        for (n = names; *n != NULL; n++) {
            if (tp_json_streq(c->d, k, *n, strlen(*n))) {
                break;
            }
        }
        if (*n == NULL) {
            char *s = tp_json_str(c->d, k, c->a, NULL);

            return tp_pol_error(c, "unknown %s member \"%s\"", what,
                s != NULL ? s : "?");
        }
    }
    return TP_OK;
}

/* A string or a non-empty array of strings at <v>: its strings in *out. */
static int
pol_strings(struct tp_pol_ctx *c, int v, const char *name,
    const char ***out, unsigned *n)
{
    const char **s;
    unsigned k = 0;
    int e;

    if (tp_json_type(c->d, v) == TP_JSON_STRING) {
        s = tp_arena_alloc(c->a, sizeof(*s));
        if (s == NULL || (s[0] = tp_json_str(c->d, v, c->a, NULL)) == NULL) {
            return tp_pol_error(c, "out of memory");
        }
        *out = s;
        *n = 1;
        return TP_OK;
    }
    if (tp_json_type(c->d, v) != TP_JSON_ARRAY || c->d->toks[v].size == 0) {
        return tp_pol_error(c, "%s must be a string or a non-empty array "
            "of strings", name);
    }
    s = tp_arena_alloc(c->a, sizeof(*s) * (size_t) c->d->toks[v].size);
    if (s == NULL) {
        return tp_pol_error(c, "out of memory");
    }
    for (e = tp_json_child(c->d, v); e >= 0; e = tp_json_next(c->d, e)) {
        if (tp_json_type(c->d, e) != TP_JSON_STRING) {
            return tp_pol_error(c, "%s[%u] is %s, not a string", name, k,
                tp_json_type_name(tp_json_type(c->d, e)));
        }
        if ((s[k++] = tp_json_str(c->d, e, c->a, NULL)) == NULL) {
            return tp_pol_error(c, "out of memory");
        }
    }
    *out = s;
    *n = k;
    return TP_OK;
}

static int
pol_actions(struct tp_pol_ctx *c, int v, const char *name,
    struct tp_pol_list *l)
{
    unsigned i;
    char *p;

    if (pol_strings(c, v, name, &l->pats, &l->n) != TP_OK) {
        return TP_ERROR;
    }
    for (i = 0; i < l->n; i++) {
        if (strcmp(l->pats[i], "*") != 0) {
            const char *colon = strchr(l->pats[i], ':');

            if (colon == NULL || colon == l->pats[i] || colon[1] == '\0') {
                return tp_pol_error(c, "%s \"%s\" must be \"*\" or "
                    "\"service:action\" (e.g. \"execute-api:Invoke\")",
                    name, l->pats[i]);
            }
        }
        /* Actions match case-insensitively: fold once here. */
        for (p = (char *) l->pats[i]; *p != '\0'; p++) {
            *p = (char) tolower((unsigned char) *p);
        }
    }
    return TP_OK;
}

/* "execute-api:/stage/METHOD/path" -> the API's full ARN (auth.md 7). */
static const char *
pol_expand(struct tp_pol_ctx *c, const char *name, const char *res)
{
    const struct tp_policy_scope *s = c->scope;
    const char *rest = res + sizeof(TP_POL_SHORTHAND) - 1;
    char *x;

    if (s == NULL || s->api_id == NULL) {
        tp_pol_error(c, "%s \"%s\": the execute-api:/ shorthand is only "
            "for an API's resource policy", name, res);
        return NULL;
    }
    if (rest[0] != '/') {
        tp_pol_error(c, "%s \"%s\": the shorthand is execute-api:/STAGE/"
            "METHOD/PATH or execute-api:/*", name, res);
        return NULL;
    }
    x = tp_arena_sprintf(c->a, "arn:aws:execute-api:%s:%s:%s%s",
        s->region != NULL ? s->region : "*",
        s->account != NULL ? s->account : "*", s->api_id, rest);
    if (x == NULL) {
        tp_pol_error(c, "out of memory");
    }
    return x;
}

static int
pol_resources(struct tp_pol_ctx *c, int v, const char *name,
    struct tp_pol_list *l)
{
    unsigned i;

    if (pol_strings(c, v, name, &l->pats, &l->n) != TP_OK) {
        return TP_ERROR;
    }
    for (i = 0; i < l->n; i++) {
        const char *r = l->pats[i];

        if (strcmp(r, "*") == 0 || strncmp(r, "arn:", 4) == 0) {
            continue;
        }
        if (strncmp(r, TP_POL_SHORTHAND, sizeof(TP_POL_SHORTHAND) - 1) != 0) {
            return tp_pol_error(c, "%s \"%s\" must be \"*\", an ARN "
                "(arn:aws:execute-api:...) or execute-api:/...", name, r);
        }
        if ((l->pats[i] = pol_expand(c, name, r)) == NULL) {
            return TP_ERROR;
        }
    }
    return TP_OK;
}

static bool
pol_account_id(const char *s)
{
    int i;

    for (i = 0; i < 12; i++) {
        if (!isdigit((unsigned char) s[i])) {
            return false;
        }
    }
    return s[12] == '\0';
}

/* One AWS principal: "*", an account, arn:...:ACCT:root, or an ARN. */
static int
pol_principal_one(struct tp_pol_ctx *c, const char *name, const char *s,
    struct tp_pol_principal *p)
{
    const char *acct;

    if (strcmp(s, "*") == 0) {
        p->any = true;
        return TP_OK;
    }
    if (pol_account_id(s)) {
        p->accounts[p->naccounts++] = s;
        return TP_OK;
    }
    if (strncmp(s, "arn:", 4) != 0 || strpbrk(s, "*?") != NULL) {
        return tp_pol_error(c, "%s \"%s\" must be \"*\", a 12-digit account "
            "id or a principal ARN without wildcards", name, s);
    }
    /* arn:aws:iam::123456789012:root is the whole account */
    acct = NULL;
    if (strncmp(s, "arn:aws:iam::", 13) == 0 && strlen(s) == 13 + 12 + 5
        && strcmp(s + 25, ":root") == 0)
    {
        acct = tp_arena_strndup(c->a, s + 13, 12);
        if (acct == NULL) {
            return tp_pol_error(c, "out of memory");
        }
        if (pol_account_id(acct)) {
            p->accounts[p->naccounts++] = acct;
            return TP_OK;
        }
    }
    p->arns[p->narns++] = s;
    return TP_OK;
}

static int
pol_principal(struct tp_pol_ctx *c, int v, const char *name,
    struct tp_pol_principal *p)
{
    static const char *const types[] = {
        "AWS", "Service", "Federated", "CanonicalUser", NULL
    };
    const char **list;
    unsigned n, i;
    int k;

    if (tp_json_type(c->d, v) == TP_JSON_STRING) {
        if (!tp_json_streq(c->d, v, "*", 1)) {
            return tp_pol_error(c, "%s must be \"*\" or an object such as "
                "{\"AWS\": [...]}", name);
        }
        p->any = true;
        return TP_OK;
    }
    if (tp_json_type(c->d, v) != TP_JSON_OBJECT) {
        return tp_pol_error(c, "%s must be \"*\" or an object such as "
            "{\"AWS\": [...]}", name);
    }
    if (c->d->toks[v].size == 0) {
        return tp_pol_error(c, "%s is an empty object", name);
    }
    if (pol_members(c, v, types, name) != TP_OK) {
        return TP_ERROR;
    }
    /* Service, Federated and CanonicalUser principals never call a
     * gateway here: valid, never matching. */
    for (k = tp_json_child(c->d, v); k >= 0; k = tp_json_next(c->d, k)) {
        bool aws = tp_json_streq(c->d, k, "AWS", 3);

        if (pol_strings(c, k + 1, name, &list, &n) != TP_OK) {
            return TP_ERROR;
        }
        if (!aws) {
            continue;
        }
        p->arns = tp_arena_alloc(c->a, sizeof(*p->arns) * n);
        p->accounts = tp_arena_alloc(c->a, sizeof(*p->accounts) * n);
        if (p->arns == NULL || p->accounts == NULL) {
            return tp_pol_error(c, "out of memory");
        }
        for (i = 0; i < n; i++) {
            if (pol_principal_one(c, name, list[i], p) != TP_OK) {
                return TP_ERROR;
            }
        }
    }
    if (p->negate && p->any) {
        return tp_pol_error(c, "NotPrincipal cannot be \"*\"");
    }
    return TP_OK;
}

static int
pol_effect(struct tp_pol_ctx *c, int v, struct tp_pol_stmt *st)
{
    if (tp_json_streq(c->d, v, "Allow", 5)) {
        st->deny = false;
    } else if (tp_json_streq(c->d, v, "Deny", 4)) {
        st->deny = true;
    } else {
        return tp_pol_error(c, "Effect must be \"Allow\" or \"Deny\"");
    }
    return TP_OK;
}

/* Exactly one of <a> and <b> in <obj>: its value token, or -1 (error
 * written) when both or neither are there and one is <required>. */
static int
pol_either(struct tp_pol_ctx *c, int obj, const char *a, const char *b,
    bool required, bool *is_b)
{
    int va = tp_json_get(c->d, obj, a), vb = tp_json_get(c->d, obj, b);

    *is_b = vb >= 0;
    if (va >= 0 && vb >= 0) {
        tp_pol_error(c, "%s and %s cannot both be given", a, b);
        return -2;
    }
    if (va < 0 && vb < 0) {
        if (required) {
            tp_pol_error(c, "%s (or %s) is required%s", a, b,
                strcmp(a, "Principal") == 0 ? " in a resource policy" : "");
            return -2;
        }
        return -1;
    }
    return va >= 0 ? va : vb;
}

static int
pol_statement(struct tp_pol_ctx *c, int s, int index, bool single,
    struct tp_pol_stmt *st)
{
    static const char *const names[] = {
        "Sid", "Effect", "Principal", "NotPrincipal", "Action",
        "NotAction", "Resource", "NotResource", "Condition", NULL
    };
    bool neg;
    int v;

    if (single) {
        snprintf(c->where, sizeof(c->where), "Statement");
    } else {
        snprintf(c->where, sizeof(c->where), "Statement[%d]", index);
    }
    if (tp_json_type(c->d, s) != TP_JSON_OBJECT) {
        return tp_pol_error(c, "a statement must be an object");
    }
    v = tp_json_get(c->d, s, "Sid");
    if (v >= 0) {
        if (tp_json_type(c->d, v) != TP_JSON_STRING
            || (st->sid = tp_json_str(c->d, v, c->a, NULL)) == NULL)
        {
            return tp_pol_error(c, "Sid must be a string");
        }
        size_t n = strlen(c->where);
        snprintf(c->where + n, sizeof(c->where) - n, " (Sid \"%.40s\")",
            st->sid);
    }
    if (pol_members(c, s, names, "statement") != TP_OK) {
        return TP_ERROR;
    }
    if ((v = tp_json_get(c->d, s, "Effect")) < 0) {
        return tp_pol_error(c, "Effect is required");
    }
    if (pol_effect(c, v, st) != TP_OK) {
        return TP_ERROR;
    }
    v = pol_either(c, s, "Action", "NotAction", true, &neg);
    if (v < 0) {
        return TP_ERROR;
    }
    st->actions.negate = neg;
    if (pol_actions(c, v, neg ? "NotAction" : "Action", &st->actions)
        != TP_OK)
    {
        return TP_ERROR;
    }
    v = pol_either(c, s, "Resource", "NotResource", true, &neg);
    if (v < 0) {
        return TP_ERROR;
    }
    st->resources.negate = neg;
    if (pol_resources(c, v, neg ? "NotResource" : "Resource",
            &st->resources) != TP_OK)
    {
        return TP_ERROR;
    }
    v = pol_either(c, s, "Principal", "NotPrincipal",
        c->kind == TP_POLICY_RESOURCE, &neg);
    if (v == -2) {
        return TP_ERROR;
    }
    if (v >= 0) {
        if (c->kind == TP_POLICY_IDENTITY) {
            return tp_pol_error(c, "%s is not allowed in an identity "
                "policy", neg ? "NotPrincipal" : "Principal");
        }
        st->principal.negate = neg;
        if (pol_principal(c, v, neg ? "NotPrincipal" : "Principal",
                &st->principal) != TP_OK)
        {
            return TP_ERROR;
        }
    }
    if ((v = tp_json_get(c->d, s, "Condition")) >= 0
        && tp_pol_conditions(c, v, st) != TP_OK)
    {
        return TP_ERROR;
    }
    return TP_OK;
}

/* The document's size as AWS counts it: without the blanks between
 * tokens, so a pretty-printed policy is not penalized for its layout. */
static size_t
pol_compact_len(const char *json, size_t len)
{
    size_t i, n = 0;
    bool str = false, esc = false;

    for (i = 0; i < len; i++) {
        char ch = json[i];

        if (str) {
            n++;
            if (esc) {
                esc = false;
            } else if (ch == '\\') {
                esc = true;
            } else if (ch == '"') {
                str = false;
            }
        } else if (ch == '"') {
            str = true;
            n++;
        } else if (ch != ' ' && ch != '\t' && ch != '\n' && ch != '\r') {
            n++;
        }
    }
    return n;
}

static int
pol_document(struct tp_pol_ctx *c, struct tp_policy *p)
{
    static const char *const names[] = {
        "Version", "Id", "Statement", NULL
    };
    int v, s, i = 0;
    bool single;

    if (tp_json_type(c->d, 0) != TP_JSON_OBJECT) {
        return tp_pol_error(c, "a policy must be a JSON object");
    }
    if (pol_members(c, 0, names, "policy") != TP_OK) {
        return TP_ERROR;
    }
    v = tp_json_get(c->d, 0, "Version");
    if (v >= 0 && !tp_json_streq(c->d, v, "2012-10-17", 10)
        && !tp_json_streq(c->d, v, "2008-10-17", 10))
    {
        return tp_pol_error(c, "Version must be \"2012-10-17\" (or "
            "\"2008-10-17\")");
    }
    v = tp_json_get(c->d, 0, "Id");
    if (v >= 0 && tp_json_type(c->d, v) != TP_JSON_STRING) {
        return tp_pol_error(c, "Id must be a string");
    }
    if ((v = tp_json_get(c->d, 0, "Statement")) < 0) {
        return tp_pol_error(c, "Statement is required");
    }
    single = tp_json_type(c->d, v) == TP_JSON_OBJECT;
    if (!single && (tp_json_type(c->d, v) != TP_JSON_ARRAY
                    || c->d->toks[v].size == 0))
    {
        return tp_pol_error(c, "Statement must be an object or a non-empty "
            "array of objects");
    }
    p->nstmts = single ? 1 : (unsigned) c->d->toks[v].size;
    p->stmts = tp_arena_calloc(c->a, sizeof(*p->stmts) * p->nstmts);
    if (p->stmts == NULL) {
        return tp_pol_error(c, "out of memory");
    }
    if (single) {
        return pol_statement(c, v, 0, true, &p->stmts[0]);
    }
    for (s = tp_json_child(c->d, v); s >= 0; s = tp_json_next(c->d, s)) {
        if (pol_statement(c, s, i, false, &p->stmts[i]) != TP_OK) {
            return TP_ERROR;
        }
        i++;
    }
    return TP_OK;
}

int
tp_policy_parse(const char *json, size_t len, enum tp_policy_kind kind,
    const struct tp_policy_scope *scope, struct tp_arena *a,
    struct tp_policy **out, char *err, size_t errlen)
{
    struct tp_pol_ctx c;
    struct tp_policy *p;
    struct tp_json d;
    size_t n;

    memset(&c, 0, sizeof(c));
    c.d = &d;
    c.a = a;
    c.kind = kind;
    c.scope = scope;
    c.err = err;
    c.errlen = errlen;
    if (errlen > 0) {
        err[0] = '\0';
    }
    if (kind == TP_POLICY_RESOURCE
        && (n = pol_compact_len(json, len)) > TP_POLICY_RESOURCE_MAX)
    {
        return tp_pol_error(&c, "the resource policy has %zu characters, "
            "more than the limit of %d", n, TP_POLICY_RESOURCE_MAX);
    }
    if (tp_json_parse(&d, a, json, len, err, errlen) != TP_OK) {
        char msg[160];

        snprintf(msg, sizeof(msg), "%s", err);
        return tp_pol_error(&c, "not valid JSON: %s", msg);
    }
    p = tp_arena_calloc(a, sizeof(*p));
    if (p == NULL) {
        return tp_pol_error(&c, "out of memory");
    }
    p->kind = kind;
    if (pol_document(&c, p) != TP_OK) {
        return TP_ERROR;
    }
    *out = p;
    return TP_OK;
}
