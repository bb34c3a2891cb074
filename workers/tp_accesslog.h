/*
 * tp_accesslog.h: writing a stage's access-log line when a request ends.
 * Workers only.
 */
#ifndef TP_ACCESSLOG_H
#define TP_ACCESSLOG_H

#include "tp_request.h"

/* Writes <r>'s line to r->stage->access_log (one write(2), O_APPEND). */
void tp_accesslog_write(struct tp_request *r);

#endif /* TP_ACCESSLOG_H */
