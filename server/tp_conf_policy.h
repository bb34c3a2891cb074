/*
 * tp_conf_policy.h: an API's resource policy and endpoint type, from the
 * config file (tp_conf_api.c) and OpenAPI imports (tp_openapi.c); see
 * tp_conf_policy.c.  Master only.
 */
#ifndef TP_CONF_POLICY_H
#define TP_CONF_POLICY_H

#include "tp_conf_int.h"

/* "REGIONAL", "EDGE", "PRIVATE" (exact) into <out>; TP_ERROR otherwise. */
int tp_conf_endpoint_parse(const char *s, enum tp_endpoint_type *out);
const char *tp_conf_endpoint_name(enum tp_endpoint_type t);

/* Why <api> cannot have a resource policy (<policy>) or endpoint type
 * <type>, or NULL when it can (REST APIs can). */
const char *tp_conf_access_problem(const struct tp_api *api, bool policy,
    enum tp_endpoint_type type);

/*
 * Compiles resource policy <json> for <api> (scope: server region and
 * account, the api id; OpenAPI's ${AWS::*} variables replaced) into
 * api->policy.  TP_ERROR with the reason in <err>.
 */
int tp_conf_policy_compile(struct tp_conf_ctx *c, struct tp_api *api,
    const char *json, size_t len, char *err, size_t errlen);

/* The api group's endpoint_type, policy and policy_file (after the
 * OpenAPI import, whose values they replace). */
int tp_conf_api_access(struct tp_conf_ctx *c, const config_setting_t *g,
    struct tp_api *api);

#endif /* TP_CONF_POLICY_H */
