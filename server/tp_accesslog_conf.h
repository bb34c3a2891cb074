/*
 * tp_accesslog_conf.h: a stage's access_log settings: parsed and compiled
 * while loading; the log files are opened (and reopened on USR1) by the
 * master, which hands the descriptors to workers.  Master only.
 */
#ifndef TP_ACCESSLOG_CONF_H
#define TP_ACCESSLOG_CONF_H

#include "tp_conf_int.h"

/* access_log = { path = "..."; format = "CLF" | "JSON" | "$context..."; } */
int tp_accesslog_conf(struct tp_conf_ctx *c, const config_setting_t *g,
    struct tp_stage *st);

#endif /* TP_ACCESSLOG_CONF_H */
