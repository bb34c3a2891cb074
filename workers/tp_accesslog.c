/*
 * tp_accesslog.c: access-log lines (placeholder until access logs land).
 * Workers only.
 */
#include "tp_accesslog.h"

void
tp_accesslog_write(struct tp_request *r)
{
    (void) r;
}
