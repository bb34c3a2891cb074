/*
 * tp_conf_int.h: private helpers shared by the config loader's files
 * (tp_conf.c, tp_conf_server.c, tp_conf_listen.c, tp_conf_api.c).  Master only.
 */
#ifndef TP_CONF_INT_H
#define TP_CONF_INT_H

#include "tp_conf.h"

#include <libconfig.h>

struct tp_conf_ctx {
    struct tp_arena *a;
    struct tp_model *m;
    const struct tp_conf_opts *opts;
    const char *dir;                 /* directory of the config file */
    char *err;
    size_t errlen;
    bool failed;
};

enum tp_conf_type {
    TP_CT_INT = 0,                   /* non-negative integer in [min, max] */
    TP_CT_SIZE,                      /* integer bytes or "10M" */
    TP_CT_STR,
    TP_CT_PATH,                      /* string, relative to the config dir */
    TP_CT_BOOL,
    TP_CT_GROUP,
    TP_CT_LIST,
    TP_CT_ANY,                       /* handled by the section's own code */
    TP_CT_UNSUPPORTED                /* parsed, warned: a later feature */
};

/* One row of a section table: exemplars R11. */
struct tp_conf_field {
    const char *name;
    enum tp_conf_type type;
    size_t off;                      /* into the target struct, or 0 */
    int64_t min;
    int64_t max;
    const char *note;                /* TP_CT_UNSUPPORTED: what it is */
};

int tp_conf_error(struct tp_conf_ctx *c, const config_setting_t *s,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int tp_conf_error_at(struct tp_conf_ctx *c, struct tp_src src,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void tp_conf_warn_at(struct tp_conf_ctx *c, struct tp_src src,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void tp_conf_warn(struct tp_conf_ctx *c, const config_setting_t *s,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
struct tp_src tp_conf_src(struct tp_conf_ctx *c, const config_setting_t *s);

/*
 * Checks every member of group <g> against <fields>: unknown names and
 * wrong types are errors; scalar rows with an offset are stored into <obj>.
 */
int tp_conf_apply(struct tp_conf_ctx *c, const config_setting_t *g,
    const struct tp_conf_field *fields, size_t nfields, void *obj);

/*
 * <len> bytes of <json> with ${AWS::Region}, ${AWS::AccountId} and
 * ${AWS::Partition} (OpenAPI import-time variables) replaced by the
 * server's region and account and "aws", NUL-terminated in c->a
 * (*outlen: its length).  NULL when out of memory.
 */
char *tp_conf_aws_vars(struct tp_conf_ctx *c, const char *json, size_t len,
    size_t *outlen);

int tp_conf_named_list(struct tp_conf_ctx *c, const config_setting_t *l,
    size_t size, size_t name_off, size_t src_off, const char *what,
    int (*parse)(struct tp_conf_ctx *, const config_setting_t *, void *),
    void **out, unsigned *nout);

const char *tp_conf_path(struct tp_conf_ctx *c, const char *p);
const char *tp_conf_str(struct tp_conf_ctx *c, const config_setting_t *s);
const char *tp_conf_type_name(int type);

int tp_conf_server(struct tp_conf_ctx *c, const config_setting_t *s);
int tp_conf_listeners(struct tp_conf_ctx *c, const config_setting_t *s);
int tp_conf_domains(struct tp_conf_ctx *c, const config_setting_t *s);
/* metrics.admin (tp_conf_listen.c); after tp_conf_listeners. */
int tp_conf_admin_listener(struct tp_conf_ctx *c, const config_setting_t *s);
/* The `metrics` group (tp_conf_metrics.c). */
int tp_conf_metrics(struct tp_conf_ctx *c, const config_setting_t *s);
/* The `lambda` group: remote functions (tp_conf_lambda.c). */
int tp_conf_lambda(struct tp_conf_ctx *c, const config_setting_t *s);
int tp_conf_apis(struct tp_conf_ctx *c, const config_setting_t *s);

/* IAM principals (tp_conf_iam.c); after server and apis.  <s> may be
 * NULL (no iam section). */
int tp_conf_iam(struct tp_conf_ctx *c, const config_setting_t *s);

/* Throttles, usage plans and API keys: tp_conf_limits.c. */
int tp_conf_limits(struct tp_conf_ctx *c, config_t *cfg);

/* The route of <api> whose key is the string setting <s> (<who> names the
 * owner in messages): its index ([nroutes]: $default), or -1 (reported). */
long tp_conf_route_index(struct tp_conf_ctx *c, const struct tp_api *api,
    const config_setting_t *s, const char *who);

/* The response cache: the top-level group, stage cache groups and
 * route_settings' cache overrides (tp_conf_cache.c). */
int tp_conf_cache(struct tp_conf_ctx *c, config_t *cfg);

/* Cross-section references (plans, keys, authorizers): tp_conf_refs.c. */
int tp_conf_refs(struct tp_conf_ctx *c, config_t *cfg);

/* The top-level `functions` list (tp_conf_functions.c); before refs. */
int tp_conf_functions(struct tp_conf_ctx *c, const config_setting_t *l);

/* The top-level `authorizers` list (tp_conf_authorizers.c). */
int tp_conf_authorizers(struct tp_conf_ctx *c, const config_setting_t *l);

#endif /* TP_CONF_INT_H */
