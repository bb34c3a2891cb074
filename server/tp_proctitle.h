/*
 * tp_proctitle.h: process titles, so that ps and /proc/PID/cmdline tell
 * the master, the request workers and the metrics worker apart.  The
 * title is written over the original argument strings.  All processes.
 */
#ifndef TP_PROCTITLE_H
#define TP_PROCTITLE_H

#include "tp_core.h"

/* Remembers where argv's strings lie (main, before anything else). */
void tp_proctitle_init(int argc, char **argv);

/* Sets the title ("turnpike: metrics worker"), cut to the space argv and
 * the environment strings had;
 * <comm> (at most 15 characters) is the kernel's short name. */
void tp_proctitle_set(const char *title, const char *comm);

#endif /* TP_PROCTITLE_H */
