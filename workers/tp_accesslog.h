/*
 * tp_accesslog.h: writing a stage's access-log line when a request ends,
 * and taking over reopened log files from the master.  Workers only.
 */
#ifndef TP_ACCESSLOG_H
#define TP_ACCESSLOG_H

#include "tp_model.h"
#include "tp_request.h"

/* A line longer than this is cut (values are truncated, literals kept). */
#define TP_ACCESSLOG_LINE 8192

/*
 * Writes <r>'s line to r->stage->access_log: one write(2) to a descriptor
 * opened with O_APPEND, so lines of concurrent workers stay whole.
 */
void tp_accesslog_write(struct tp_request *r);

/*
 * REOPEN from the master: <fds> are the fresh files number <first>, ...
 * of <m> in tp_accesslog_fds() order; each is put on the number this
 * process writes to.  The caller closes <fds>.
 */
void tp_accesslog_adopt(const struct tp_model *m, unsigned first,
    const int *fds, unsigned n);

#endif /* TP_ACCESSLOG_H */
