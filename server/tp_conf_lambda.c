/*
 * tp_conf_lambda.c: the top-level `lambda` group: where functions named
 * by ARN (remote Lambda) are invoked and with which credentials.
 *
 *   lambda = { endpoint = "https://lambda.us-east-1.amazonaws.com";
 *              region = "us-east-1"; timeout_ms = 30000;
 *              access_key_id = "..."; secret_access_key = "...";
 *              session_token = "..."; ca = "/path/ca.pem"; };
 *
 * Credentials not written here come from the master's environment at
 * load (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), as
 * AWS SDKs take them.  Master only.
 */
#include "tp_conf_int.h"
#include "tp_upstream_conf.h"

#include <stdio.h>
#include <stdlib.h>

#define LA_OFF(f) offsetof(struct tp_lambda_conf, f)

static const struct tp_conf_field lambda_fields[] = {
    { "endpoint", TP_CT_ANY, 0, 0, 0, NULL },
    { "region", TP_CT_STR, LA_OFF(region), 0, 0, NULL },
    { "access_key_id", TP_CT_STR, LA_OFF(access_key_id), 0, 0, NULL },
    { "secret_access_key", TP_CT_STR, LA_OFF(secret_access_key), 0, 0,
        NULL },
    { "session_token", TP_CT_STR, LA_OFF(session_token), 0, 0, NULL },
    { "timeout_ms", TP_CT_INT, LA_OFF(timeout_ms), 50, 900000, NULL },
    { "ca", TP_CT_ANY, 0, 0, 0, NULL },
};

/* A credential from the environment, copied into the model. */
static const char *
lambda_env(struct tp_conf_ctx *c, const char *name)
{
    const char *v = getenv(name);

    return v != NULL && v[0] != '\0' ? tp_arena_strdup(c->a, v) : NULL;
}

static int
lambda_credentials(struct tp_conf_ctx *c, const config_setting_t *s,
    struct tp_lambda_conf *l)
{
    bool akid = l->access_key_id != NULL, secret = l->secret_access_key
        != NULL;

    if (akid != secret) {
        return tp_conf_error(c, s, "lambda: 'access_key_id' and "
            "'secret_access_key' go together");
    }
    if (!akid) {
        l->access_key_id = lambda_env(c, "AWS_ACCESS_KEY_ID");
        l->secret_access_key = lambda_env(c, "AWS_SECRET_ACCESS_KEY");
        if (l->session_token == NULL) {
            l->session_token = lambda_env(c, "AWS_SESSION_TOKEN");
        }
    }
    if (l->access_key_id == NULL || l->secret_access_key == NULL) {
        l->access_key_id = l->secret_access_key = NULL;
        tp_conf_warn(c, s, "lambda: no credentials (neither "
            "access_key_id/secret_access_key nor AWS_ACCESS_KEY_ID/"
            "AWS_SECRET_ACCESS_KEY in the environment): remote functions "
            "are invoked unsigned");
    }
    return TP_OK;
}

int
tp_conf_lambda(struct tp_conf_ctx *c, const config_setting_t *s)
{
    struct tp_lambda_conf *l = &c->m->lambda;
    const config_setting_t *e, *ca;
    const char *uri, *path, *cap = NULL;
    char err[512], *dflt;

    if (s == NULL) {
        return TP_OK;
    }
    l->src = tp_conf_src(c, s);
    l->timeout_ms = c->m->server.integration_timeout_ms;
    if (tp_conf_apply(c, s, lambda_fields, TP_NELEM(lambda_fields), l)
        != TP_OK)
    {
        return TP_ERROR;
    }
    if (l->region == NULL) {
        l->region = c->m->server.region;
    }
    e = config_setting_get_member(s, "endpoint");
    uri = e != NULL ? config_setting_get_string(e) : NULL;
    if (e != NULL && uri == NULL) {
        return tp_conf_error(c, e, "lambda: 'endpoint' must be a URL such "
            "as \"https://lambda.us-east-1.amazonaws.com\"");
    }
    if (uri == NULL) {
        dflt = tp_arena_sprintf(c->a, "https://lambda.%s.amazonaws.com",
            l->region);
        uri = dflt;
    }
    ca = config_setting_get_member(s, "ca");
    if (ca != NULL && (cap = config_setting_get_string(ca)) == NULL) {
        return tp_conf_error(c, ca, "lambda: 'ca' must be the path of a "
            "PEM file of CA certificates");
    }
    if (cap != NULL && (cap = tp_conf_path(c, cap)) == NULL) {
        return tp_conf_error(c, ca, "out of memory");
    }
    l->endpoint = uri != NULL ? tp_upstream_conf_origin(c, uri, cap, &path,
        err, sizeof(err)) : NULL;
    if (l->endpoint == NULL) {
        return tp_conf_error(c, e != NULL ? e : s, "lambda: %s",
            uri != NULL ? err : "out of memory");
    }
    if (path[0] != '\0' && path[0] != '/') {
        return tp_conf_error(c, e, "lambda: 'endpoint' takes no query or "
            "fragment");
    }
    /* "https://h/prefix/" -> "/prefix": the Invoke API path follows. */
    l->path_prefix = tp_arena_strndup(c->a, path,
        strlen(path) - (path[0] != '\0' && path[strlen(path) - 1] == '/'));
    return lambda_credentials(c, s, l);
}
