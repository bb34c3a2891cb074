/*
 * tp_dirs.h: the directories a cycle writes to (pid file, error log, data
 * dir).  Master only: it creates them, gives the data dir to the worker
 * user, and opens it as a descriptor that workers inherit, so they reach it
 * even when a parent directory is closed to them.
 */
#ifndef TP_DIRS_H
#define TP_DIRS_H

#include "tp_cycle.h"

/*
 * Creates the directories of <c>, opens c->data_fd and the access logs of
 * its stages.  TP_ERROR + <err>.
 */
int tp_dirs_prepare(struct tp_cycle *c, char *err, size_t errlen);

/* mkdir -p of <path> (or of its directory part unless <is_dir>). */
int tp_dirs_mkdirs(const char *path, bool is_dir);

#endif /* TP_DIRS_H */
