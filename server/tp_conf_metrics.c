/*
 * tp_conf_metrics.c: the top-level `metrics` group: counting on or off,
 * the metrics worker's EMF output (period, emf_log, namespace) and the
 * admin listener.  Master only.
 */
#include "tp_conf_int.h"
#include "tp_logfile.h"

#include <string.h>

#define M_OFF(f) offsetof(struct tp_metrics_conf, f)

static const struct tp_conf_field metrics_fields[] = {
    { "enabled", TP_CT_BOOL, M_OFF(enabled), 0, 0, NULL },
    { "period", TP_CT_INT, M_OFF(period_s), 1, 3600, NULL },
    { "emf_log", TP_CT_PATH, M_OFF(emf_log), 0, 0, NULL },
    { "namespace", TP_CT_STR, M_OFF(namespace_), 0, 0, NULL },
    { "admin", TP_CT_ANY, 0, 0, 0, NULL },
};

/* emf_log joins the model's log files: opened by the master before the
 * fork (the metrics worker may run unprivileged), reopened on USR1. */
static int
metrics_emf_file(struct tp_conf_ctx *c, const config_setting_t *s)
{
    struct tp_metrics_conf *mc = &c->m->server.metrics;
    struct tp_logfile *lf = tp_arena_calloc(c->a, sizeof(*lf));

    if (lf == NULL) {
        return tp_conf_error(c, s, "out of memory");
    }
    lf->path = mc->emf_log;
    lf->what = "metrics emf_log";
    lf->src = tp_conf_src(c, config_setting_get_member(s, "emf_log"));
    mc->emf_file = lf;
    tp_logfile_add(c->m, lf);
    return TP_OK;
}

int
tp_conf_metrics(struct tp_conf_ctx *c, const config_setting_t *s)
{
    struct tp_metrics_conf *mc = &c->m->server.metrics;
    const config_setting_t *a;
    size_t n;

    mc->enabled = true;
    mc->period_s = 60;
    mc->namespace_ = "AWS/ApiGateway";
    if (s == NULL) {
        return TP_OK;
    }
    if (tp_conf_apply(c, s, metrics_fields, TP_NELEM(metrics_fields), mc)
        != TP_OK)
    {
        return TP_ERROR;
    }
    n = strlen(mc->namespace_);
    if (n == 0 || n > 255 || strchr(mc->namespace_, '"') != NULL
        || strchr(mc->namespace_, '\\') != NULL)
    {
        /* CloudWatch: 1-255 characters; quotes would need escaping in
         * every document, and no real namespace has them */
        return tp_conf_error(c, config_setting_get_member(s, "namespace"),
            "'namespace' must be 1 to 255 characters without quotes or "
            "backslashes");
    }
    if (mc->emf_log != NULL && !mc->enabled) {
        return tp_conf_error(c, config_setting_get_member(s, "emf_log"),
            "'emf_log' needs counting: remove 'enabled = false'");
    }
    if (mc->emf_log != NULL && metrics_emf_file(c, s) != TP_OK) {
        return TP_ERROR;
    }
    a = config_setting_get_member(s, "admin");
    return a != NULL ? tp_conf_admin_listener(c, a) : TP_OK;
}
