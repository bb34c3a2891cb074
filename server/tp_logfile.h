/*
 * tp_logfile.h: the log files of a model, one set for every kind: access
 * logs, execution logs and any file a later part registers (the metrics
 * worker's EMF log).
 *
 * Each file is registered while the config is loaded (tp_logfile_add);
 * the registration order is the files' number, the same in the master
 * and in every child since they share the model.  The master opens every
 * file of a cycle before forking its children (tp_logfile_open_all),
 * reopens them on USR1 on the same descriptor numbers
 * (tp_logfile_reopen_all) and sends them to the children, which put them
 * on their own numbers (tp_logfile_reopened).  Writers only ever write
 * whole lines with one write(2) to the O_APPEND descriptor (a buffered
 * access log several whole lines: workers/tp_logbuf.h).  Files naming the
 * same file share the first one's descriptor (owner), which takes the
 * largest buffer and the shortest flush of them.
 */
#ifndef TP_LOGFILE_H
#define TP_LOGFILE_H

#include "tp_channel.h"
#include "tp_cycle.h"
#include "tp_model.h"

/*
 * Registers <lf> (path, what and src set; in the model's arena) as the
 * last file of <m>.
 */
void tp_logfile_add(struct tp_model *m, struct tp_logfile *lf);

/*
 * Opens every file of cycle <cy> (creating directories and files); files
 * naming the same file share a descriptor, closed with the cycle.
 * TP_ERROR with "FILE:LINE: cannot open <what> ..." in <err>.
 */
int tp_logfile_open_all(struct tp_cycle *cy, char *err, size_t errlen);

/*
 * USR1 in the master: opens each distinct file of <cy> afresh and puts
 * it on the old descriptor's number, so children forked later get the
 * new file too.  A path that cannot be opened keeps its old file.
 */
void tp_logfile_reopen_all(struct tp_cycle *cy);

/*
 * The descriptors of the distinct files of <m> (those that own theirs),
 * in registration order, from the <first>-th: at most <max> into <fds>;
 * returns how many.
 */
unsigned tp_logfile_fds(const struct tp_model *m, unsigned first,
    int *fds, unsigned max);

/*
 * A child's TP_CMD_REOPEN <msg> (layout: tp_channel.h): the new error log
 * goes on fd 2, the files on this process's descriptors of the same
 * files of <m>.  <m> NULL: only the error log (the function host writes
 * none of the model's files, and a reload may keep it with an older model
 * than the one the files are numbered in).  The caller closes msg->fds.
 */
void tp_logfile_reopened(const struct tp_model *m,
    const struct tp_channel_msg *msg);

#endif /* TP_LOGFILE_H */
