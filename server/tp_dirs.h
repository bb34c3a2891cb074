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

/*
 * After the state database is prepared, when the master is root: checks in
 * a child that drops privileges as a worker does that the worker user can
 * use data_dir and its state files, and run the functions' commands.
 * TP_ERROR + <err> naming the path.
 */
int tp_dirs_check(const struct tp_cycle *c, char *err, size_t errlen);

/*
 * The path by which a child reaches data_dir: /proc/self/fd/N of the
 * master's descriptor (no search permission needed on the directories
 * above it), or the configured path without /proc.  <buf>: 64 bytes.
 */
const char *tp_dirs_data_path(const struct tp_cycle *c, char *buf,
    size_t len);

/* mkdir -p of <path> (or of its directory part unless <is_dir>). */
int tp_dirs_mkdirs(const char *path, bool is_dir);

#endif /* TP_DIRS_H */
