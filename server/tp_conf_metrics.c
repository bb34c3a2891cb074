/*
 * tp_conf_metrics.c: the top-level `metrics` group.  Only `admin` (the
 * admin listener, which serves the Lambda Invoke API) is read so far;
 * the EMF settings belong to the metrics worker's issue and are warned
 * about and ignored.  Master only.
 */
#include "tp_conf_int.h"

static const struct tp_conf_field metrics_fields[] = {
    { "admin", TP_CT_ANY, 0, 0, 0, NULL },
    { "period", TP_CT_UNSUPPORTED, 0, 0, 0, "EMF metrics" },
    { "emf_log", TP_CT_UNSUPPORTED, 0, 0, 0, "EMF metrics" },
    { "namespace", TP_CT_UNSUPPORTED, 0, 0, 0, "EMF metrics" },
};

int
tp_conf_metrics(struct tp_conf_ctx *c, const config_setting_t *s)
{
    const config_setting_t *a;

    if (s == NULL) {
        return TP_OK;
    }
    if (tp_conf_apply(c, s, metrics_fields, TP_NELEM(metrics_fields), NULL)
        != TP_OK)
    {
        return TP_ERROR;
    }
    a = config_setting_get_member(s, "admin");
    return a != NULL ? tp_conf_admin_listener(c, a) : TP_OK;
}
