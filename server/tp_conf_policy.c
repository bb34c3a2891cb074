/*
 * tp_conf_policy.c: an API's access settings in the config file and in
 * OpenAPI imports: the resource policy (`policy`, `policy_file`,
 * x-amazon-apigateway-policy) compiled at load with the scope
 * {server.region, server.account_id, api id}, and the endpoint type
 * (`endpoint_type`, x-amazon-apigateway-endpoint-configuration).
 * Master only.
 *
 * Resource policies and PRIVATE endpoints are REST API features on AWS:
 * HTTP APIs have neither, so asking for one in the config is an error
 * (an OpenAPI file's x-amazon-apigateway-policy for an HTTP API is
 * warned about and ignored, as the importer does with other REST-only
 * extensions).  A PRIVATE API without a resource policy is warned
 * about: like AWS, it then denies every request.
 */
#include "tp_conf_int.h"
#include "tp_conf_policy.h"
#include "tp_policy.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#define POLICY_FILE_MAX (64 * 1024)

const char *
tp_conf_endpoint_name(enum tp_endpoint_type t)
{
    switch (t) {
    case TP_ENDPOINT_EDGE:
        return "EDGE";
    case TP_ENDPOINT_PRIVATE:
        return "PRIVATE";
    default:
        return "REGIONAL";
    }
}

int
tp_conf_endpoint_parse(const char *s, enum tp_endpoint_type *out)
{
    if (strcmp(s, "REGIONAL") == 0) {
        *out = TP_ENDPOINT_REGIONAL;
    } else if (strcmp(s, "EDGE") == 0) {
        *out = TP_ENDPOINT_EDGE;
    } else if (strcmp(s, "PRIVATE") == 0) {
        *out = TP_ENDPOINT_PRIVATE;
    } else {
        return TP_ERROR;
    }
    return TP_OK;
}

const char *
tp_conf_access_problem(const struct tp_api *api, bool policy,
    enum tp_endpoint_type type)
{
    if (api->type == TP_API_REST) {
        return NULL;
    }
    if (policy) {
        return "resource policies are for REST APIs (AWS HTTP and "
            "WebSocket APIs have none)";
    }
    if (type != TP_ENDPOINT_REGIONAL) {
        return "HTTP and WebSocket APIs are REGIONAL only (AWS)";
    }
    return NULL;
}

int
tp_conf_policy_compile(struct tp_conf_ctx *c, struct tp_api *api,
    const char *json, size_t len, char *err, size_t errlen)
{
    struct tp_policy_scope scope = {
        c->m->server.region, c->m->server.account_id, api->id
    };
    struct tp_policy *p;
    char *text;

    if ((text = tp_conf_aws_vars(c, json, len, &len)) == NULL) {
        snprintf(err, errlen, "out of memory");
        return TP_ERROR;
    }
    if (tp_policy_parse(text, len, TP_POLICY_RESOURCE, &scope, c->a, &p,
            err, errlen) != TP_OK)
    {
        return TP_ERROR;
    }
    api->policy = p;
    return TP_OK;
}

/* The text of policy_file <path> into c->a. */
static char *
policy_read(struct tp_conf_ctx *c, const config_setting_t *s,
    const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;

    if (f == NULL) {
        tp_conf_error(c, s, "cannot read policy_file \"%s\": %s", path,
            strerror(errno));
        return NULL;
    }
    buf = tp_arena_alloc(c->a, POLICY_FILE_MAX + 1);
    *len = buf != NULL ? fread(buf, 1, POLICY_FILE_MAX + 1, f) : 0;
    if (buf == NULL || ferror(f) || *len > POLICY_FILE_MAX) {
        tp_conf_error(c, s, "cannot read policy_file \"%s\": %s", path,
            buf == NULL ? "out of memory" : ferror(f) ? "read error"
            : "larger than 64 KiB");
        fclose(f);
        return NULL;
    }
    fclose(f);
    return buf;
}

/* `policy` or `policy_file`; replaces the OpenAPI file's policy. */
static int
api_policy(struct tp_conf_ctx *c, const config_setting_t *g,
    struct tp_api *api)
{
    const config_setting_t *s = config_setting_get_member(g, "policy");
    const config_setting_t *f = config_setting_get_member(g, "policy_file");
    const char *text, *why;
    char err[512];
    size_t len;

    if (s != NULL && f != NULL) {
        return tp_conf_error(c, f, "give 'policy' or 'policy_file', not "
            "both");
    }
    if (s == NULL && f == NULL) {
        return TP_OK;
    }
    if (s == NULL) {
        s = f;
    }
    if (config_setting_type(s) != CONFIG_TYPE_STRING) {
        return tp_conf_error(c, s, "'%s' must be a string (%s)",
            config_setting_name(s), s == f ? "a file name"
            : "the policy's JSON text");
    }
    if ((why = tp_conf_access_problem(api, true, api->endpoint_type))
        != NULL)
    {
        return tp_conf_error(c, s, "api \"%s\": %s", api->id, why);
    }
    text = config_setting_get_string(s);
    len = strlen(text);
    if (s == f) {
        text = policy_read(c, s, tp_conf_path(c, text), &len);
        if (text == NULL) {
            return TP_ERROR;
        }
    }
    if (tp_conf_policy_compile(c, api, text, len, err, sizeof(err))
        != TP_OK)
    {
        return tp_conf_error(c, s, "%s: %s", config_setting_name(s), err);
    }
    return TP_OK;
}

static int
api_endpoint(struct tp_conf_ctx *c, const config_setting_t *g,
    struct tp_api *api)
{
    const config_setting_t *s = config_setting_get_member(g,
        "endpoint_type");
    enum tp_endpoint_type t;
    const char *v, *why;

    if (s == NULL) {
        return TP_OK;
    }
    v = config_setting_get_string(s);
    if (v == NULL || tp_conf_endpoint_parse(v, &t) != TP_OK) {
        return tp_conf_error(c, s, "'endpoint_type' must be \"REGIONAL\", "
            "\"EDGE\" or \"PRIVATE\"");
    }
    if ((why = tp_conf_access_problem(api, false, t)) != NULL) {
        return tp_conf_error(c, s, "api \"%s\": %s", api->id, why);
    }
    api->endpoint_type = (uint8_t) t;
    return TP_OK;
}

int
tp_conf_api_access(struct tp_conf_ctx *c, const config_setting_t *g,
    struct tp_api *api)
{
    if (api_endpoint(c, g, api) != TP_OK || api_policy(c, g, api) != TP_OK) {
        return TP_ERROR;
    }
    if (api->endpoint_type == TP_ENDPOINT_PRIVATE && api->policy == NULL) {
        tp_conf_warn(c, g, "api \"%s\" is PRIVATE and has no resource "
            "policy: every request to it is denied (as on AWS); give it "
            "a 'policy'", api->id);
    }
    return TP_OK;
}
