/*
 * tp_logbuf.h: a worker's buffered access-log lines (access_log buffer =
 * "64k"; flush = 1;).  Per buffered log file (per descriptor: logs naming
 * the same file share one buffer) the worker keeps whole lines in memory
 * and writes them with one write(2) when the next line would not fit,
 * flush seconds after the first kept line, before it exits (drained,
 * QUIT, TERM) and before a USR1 reopen puts a new file on the descriptor
 * (the kept lines belong to the old file).  A line is never split across
 * writes, so concurrent workers' lines never interleave (O_APPEND).  A
 * worker killed with SIGKILL loses the lines it kept.  Workers only.
 */
#ifndef TP_LOGBUF_H
#define TP_LOGBUF_H

#include "tp_model.h"
#include "tp_timer.h"

struct tp_worker;

struct tp_logbuf {
    char *data;                      /* lf->buffer bytes, on first line */
    uint32_t len;
    uint32_t lines;                  /* in data, for loss reports */
    const struct tp_logfile *lf;     /* the descriptor's owner */
    struct tp_worker *w;
    struct tp_timer timer;           /* flush_s after the first line */
};

/* One (empty) buffer slot per file of w->model; TP_ERROR: no memory. */
int tp_logbuf_init(struct tp_worker *w);

/*
 * Writes <len> bytes of whole lines (newline included) to <lf>: kept in
 * its owner's buffer when that is buffered, else one write(2) now.
 */
void tp_logbuf_line(struct tp_worker *w, const struct tp_logfile *lf,
    const char *line, size_t len);

/* Writes every kept line (exit, USR1 reopen). */
void tp_logbuf_flush_all(struct tp_worker *w);

#endif /* TP_LOGBUF_H */
