/*
 * tp_accesslog_conf.c: access_log settings (placeholder until access logs
 * land).  Master only.
 */
#include "tp_accesslog_conf.h"

int
tp_accesslog_conf(struct tp_conf_ctx *c, const config_setting_t *g,
    struct tp_stage *st)
{
    (void) st;
    tp_conf_warn(c, g, "not supported yet: access logs; ignored");
    return TP_OK;
}
