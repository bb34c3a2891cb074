/*
 * tp_execlog_conf.h: a stage's execution_log settings (monitoring.md 4:
 * loggingLevel, dataTraceEnabled; the log group becomes a file).  Master
 * only; workers write the lines (workers/tp_execlog.c).
 */
#ifndef TP_EXECLOG_CONF_H
#define TP_EXECLOG_CONF_H

#include "tp_conf_int.h"

/*
 * execution_log = { path = "FILE"; level = "OFF" | "ERROR" | "INFO";
 * data_trace = BOOL; } of stage <st>: level ERROR by default; OFF leaves
 * st->exec_log NULL and opens no file.
 */
int tp_execlog_conf(struct tp_conf_ctx *c, const config_setting_t *g,
    struct tp_stage *st);

#endif /* TP_EXECLOG_CONF_H */
