/*
 * tp_pidfile.h: the master's pid file and `turnpike -s`.  Master and the
 * short-lived -s process.
 */
#ifndef TP_PIDFILE_H
#define TP_PIDFILE_H

#include "tp_core.h"

#include <sys/types.h>

int tp_pidfile_write(const char *path);

/* The pid <path> holds; -1 (errno set when it cannot be read). */
pid_t tp_pidfile_read(const char *path);

/* Removes <path> if it still names this process. */
void tp_pidfile_remove(const char *path);

/*
 * -s <name>: finds pid_file in the config (only that setting is read, so a
 * config with errors elsewhere can still be stopped or reloaded) and sends
 * reload=HUP, reopen=USR1, stop=TERM, quit=QUIT.  Returns the exit code.
 */
int tp_pidfile_signal(const char *conf, const char *prefix, const char *name);

#endif /* TP_PIDFILE_H */
