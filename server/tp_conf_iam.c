/*
 * tp_conf_iam.c: the `iam` section: IAM principals, each an access key
 * pair (optionally temporary, with a session token), an account and its
 * identity policies, compiled here (server/tp_policy.h).  AWS_IAM routes
 * verify SigV4 against these keys and evaluate these policies
 * (workers/tp_auth_iam.c).  Runs after `server` (region, account_id).
 * Master only (and turnpikectl, which reads the same file).
 *
 * Secrets are never written to a message; the model's arena wipes them
 * when it is freed (a reload's old generation).
 */
#include "tp_conf_int.h"
#include "tp_policy.h"
#include "tp_sigv4.h"

#include <openssl/crypto.h>
#include <stdlib.h>

#define IAM_AKID_MIN   16            /* IAM's AccessKeyId length bounds */
#define IAM_AKID_MAX   128
#define IAM_NAME_MAX   64            /* IAM user names */
#define IAM_TOKEN_MAX  8192          /* session tokens run to ~1 KiB */

static const struct tp_conf_field iam_fields[] = {
    { "principals", TP_CT_LIST, 0, 0, 0, NULL },
};

#define P_OFF(f) offsetof(struct tp_principal, f)

static const struct tp_conf_field principal_fields[] = {
    { "name", TP_CT_STR, P_OFF(name), 0, 0, NULL },
    { "access_key_id", TP_CT_STR, P_OFF(access_key_id), 0, 0, NULL },
    { "secret_access_key", TP_CT_STR, P_OFF(secret), 0, 0, NULL },
    { "session_token", TP_CT_STR, P_OFF(session_token), 0, 0, NULL },
    { "account_id", TP_CT_STR, P_OFF(account_id), 0, 0, NULL },
    { "policies", TP_CT_LIST, 0, 0, 0, NULL },
};

/* Wipes a secret string of the model when its arena goes. */
static void
iam_wipe(void *data)
{
    char *s = data;

    OPENSSL_cleanse(s, strlen(s));
}

static bool
iam_all(const char *s, size_t min, size_t max, const char *set)
{
    size_t n = strlen(s);

    return n >= min && n <= max && strspn(s, set) == n;
}

/* name, access_key_id, account_id: present and of IAM's shapes. */
static int
iam_shapes(struct tp_conf_ctx *c, const config_setting_t *g,
    struct tp_principal *p)
{
    static const char upper_digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        "0123456789";
    static const char name_chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        "abcdefghijklmnopqrstuvwxyz0123456789+=,.@_-";

    if (p->name == NULL || p->access_key_id == NULL || p->secret == NULL) {
        return tp_conf_error(c, g, "an iam principal needs 'name', "
            "'access_key_id' and 'secret_access_key'");
    }
    if (!iam_all(p->name, 1, IAM_NAME_MAX, name_chars)) {
        return tp_conf_error(c, config_setting_get_member(g, "name"),
            "iam principal name \"%s\" must be 1-64 letters, digits or "
            "+=,.@_- (an IAM user name)", p->name);
    }
    if (!iam_all(p->access_key_id, IAM_AKID_MIN, IAM_AKID_MAX,
            upper_digits))
    {
        return tp_conf_error(c, config_setting_get_member(g,
            "access_key_id"), "iam principal \"%s\": access_key_id \"%s\" "
            "must be 16-128 upper-case letters and digits, as AWS's "
            "(AKIA...)", p->name, p->access_key_id);
    }
    if (p->account_id == NULL) {
        p->account_id = c->m->server.account_id;
    } else if (!iam_all(p->account_id, 12, 12, "0123456789")) {
        return tp_conf_error(c, config_setting_get_member(g, "account_id"),
            "iam principal \"%s\": account_id \"%s\" must be 12 digits",
            p->name, p->account_id);
    }
    return TP_OK;
}

/* The secret and the session token: lengths checked, never printed. */
static int
iam_secrets(struct tp_conf_ctx *c, const config_setting_t *g,
    struct tp_principal *p)
{
    p->secret_len = strlen(p->secret);
    if (p->secret_len == 0 || p->secret_len > TP_SIGV4_MAX_SECRET) {
        return tp_conf_error(c, config_setting_get_member(g,
            "secret_access_key"), "iam principal \"%s\": secret_access_key "
            "must be 1-%d characters (it has %zu)", p->name,
            TP_SIGV4_MAX_SECRET, p->secret_len);
    }
    if (tp_arena_cleanup_add(c->a, iam_wipe, (char *) p->secret) != TP_OK) {
        return tp_conf_error(c, g, "out of memory");
    }
    if (p->session_token == NULL) {
        return TP_OK;
    }
    p->session_token_len = strlen(p->session_token);
    if (p->session_token_len == 0 || p->session_token_len > IAM_TOKEN_MAX) {
        return tp_conf_error(c, config_setting_get_member(g,
            "session_token"), "iam principal \"%s\": session_token must be "
            "1-%d characters (it has %zu)", p->name, IAM_TOKEN_MAX,
            p->session_token_len);
    }
    if (tp_arena_cleanup_add(c->a, iam_wipe, (char *) p->session_token)
        != TP_OK)
    {
        return tp_conf_error(c, g, "out of memory");
    }
    return TP_OK;
}

/* policies = ( "<identity policy JSON>", ... ): compiled now. */
static int
iam_policies(struct tp_conf_ctx *c, const config_setting_t *g,
    struct tp_principal *p)
{
    const config_setting_t *l = config_setting_get_member(g, "policies"), *e;
    const struct tp_policy_scope scope = { c->m->server.region,
        c->m->server.account_id, NULL };
    const char *json;
    char err[512];
    int i, n = l != NULL ? config_setting_length(l) : 0;

    p->policies = tp_arena_calloc(c->a, sizeof(*p->policies)
        * (size_t) (n + 1));
    if (p->policies == NULL) {
        return tp_conf_error(c, g, "out of memory");
    }
    for (i = 0; i < n; i++) {
        e = config_setting_get_elem(l, (unsigned) i);
        json = config_setting_get_string(e);
        if (json == NULL) {
            return tp_conf_error(c, e, "iam principal \"%s\": each policy "
                "is a string of IAM policy JSON, not %s", p->name,
                tp_conf_type_name(config_setting_type(e)));
        }
        /* Named by index at the list's line: libconfig gives a list
         * element the line of the token after it. */
        if (tp_policy_parse(json, strlen(json), TP_POLICY_IDENTITY, &scope,
                c->a, &p->policies[i], err, sizeof(err)) != TP_OK)
        {
            return tp_conf_error(c, l, "iam principal \"%s\": policies[%d]: "
                "%s", p->name, i, err);
        }
    }
    p->npolicies = (unsigned) n;
    return TP_OK;
}

static int
iam_principal(struct tp_conf_ctx *c, const config_setting_t *g,
    struct tp_principal *p, unsigned idx)
{
    unsigned i;

    if (!config_setting_is_group(g)) {
        return tp_conf_error(c, g, "each iam principal is { name = ...; "
            "access_key_id = ...; secret_access_key = ...; policies = "
            "( ... ); }");
    }
    p->src = tp_conf_src(c, g);
    if (tp_conf_apply(c, g, principal_fields, TP_NELEM(principal_fields), p)
        != TP_OK || iam_shapes(c, g, p) != TP_OK
        || iam_secrets(c, g, p) != TP_OK)
    {
        return TP_ERROR;
    }
    /* A file holds few principals: pairwise is fine. */
    for (i = 0; i < idx; i++) {
        const struct tp_principal *o = &c->m->principals[i];

        if (strcmp(o->name, p->name) == 0) {
            return tp_conf_error(c, config_setting_get_member(g, "name"),
                "iam principal \"%s\" is defined twice (first at %s:%d)",
                p->name, o->src.file, o->src.line);
        }
        if (strcmp(o->access_key_id, p->access_key_id) == 0) {
            return tp_conf_error(c, config_setting_get_member(g,
                "access_key_id"), "iam principals \"%s\" and \"%s\" have "
                "the same access_key_id", o->name, p->name);
        }
    }
    p->arn = tp_arena_sprintf(c->a, "arn:aws:iam::%s:user/%s",
        p->account_id, p->name);
    if (p->arn == NULL) {
        return tp_conf_error(c, g, "out of memory");
    }
    return iam_policies(c, g, p);
}

static int
iam_cmp(const void *a, const void *b)
{
    return strcmp(((const struct tp_principal *) a)->access_key_id,
        ((const struct tp_principal *) b)->access_key_id);
}

/* AWS_IAM routes with no principal to sign for them refuse every
 * request: probably not what the file meant. */
static void
iam_warn_unusable(struct tp_conf_ctx *c)
{
    unsigned i, k;

    for (i = 0; i < c->m->napis; i++) {
        const struct tp_api *api = &c->m->apis[i];

        for (k = 0; k < api->nroutes; k++) {
            if (api->routes[k].authorization == TP_AUTHZ_AWS_IAM) {
                tp_conf_warn_at(c, api->routes[k].src, "route '%s' of api "
                    "\"%s\" uses AWS_IAM authorization, but iam defines no "
                    "principals to sign its requests", api->routes[k].key,
                    api->id);
                return;
            }
        }
    }
}

int
tp_conf_iam(struct tp_conf_ctx *c, const config_setting_t *s)
{
    const config_setting_t *l;
    int i, n;

    if (s == NULL) {
        iam_warn_unusable(c);
        return TP_OK;
    }
    if (tp_conf_apply(c, s, iam_fields, TP_NELEM(iam_fields), NULL)
        != TP_OK)
    {
        return TP_ERROR;
    }
    l = config_setting_get_member(s, "principals");
    n = l != NULL ? config_setting_length(l) : 0;
    c->m->principals = tp_arena_calloc(c->a, sizeof(*c->m->principals)
        * (size_t) (n + 1));
    if (c->m->principals == NULL) {
        return tp_conf_error(c, s, "out of memory");
    }
    for (i = 0; i < n; i++) {
        if (iam_principal(c, config_setting_get_elem(l, (unsigned) i),
                &c->m->principals[i], (unsigned) i) != TP_OK)
        {
            return TP_ERROR;
        }
    }
    c->m->nprincipals = (unsigned) n;
    if (n == 0) {
        iam_warn_unusable(c);
        return TP_OK;
    }
    qsort(c->m->principals, (size_t) n, sizeof(*c->m->principals), iam_cmp);
    return TP_OK;
}
