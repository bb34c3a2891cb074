/*
 * tp_accesslog.h: writing a stage's access-log line when a request ends.
 * Workers only.
 */
#ifndef TP_ACCESSLOG_H
#define TP_ACCESSLOG_H

#include "tp_model.h"
#include "tp_request.h"

#include <sys/types.h>

struct tp_alog_format;
struct tp_worker;

/* A line longer than this is cut (values are truncated, literals kept). */
#define TP_ACCESSLOG_LINE 8192

/*
 * Writes <r>'s line to r->stage->access_log: one write(2) to a descriptor
 * opened with O_APPEND, so lines of concurrent workers stay whole; with
 * buffer set, the line is kept and written with others (tp_logbuf.h).
 */
void tp_accesslog_write(struct tp_request *r);

/*
 * Renders <r>'s line of format <f> into <buf> (<cap> bytes, no newline)
 * and returns its length.  A line longer than <cap> is cut: literals
 * kept, the longest values shortened alike, never inside an escape.
 */
size_t tp_accesslog_render(const struct tp_request *r,
    const struct tp_alog_format *f, char *buf, size_t cap);

/*
 * Writes value <v> escaped for <mode> (enum tp_alog_escape) to <out>
 * (NULL: only counts), at most <room> bytes; an escape or a UTF-8
 * sequence is never cut in half.  Returns the bytes it took.
 */
size_t tp_accesslog_escape(char *out, struct tp_str v, uint8_t mode,
    size_t room);

/*
 * A line of <lf> was not written (write(2) returned <n>): counted, and
 * logged at most once a second with how many were lost.
 */
void tp_accesslog_failed(struct tp_worker *w, const struct tp_logfile *lf,
    ssize_t n);

/* The same for <lines> lines written with one write(2). */
void tp_accesslog_lost(struct tp_worker *w, const struct tp_logfile *lf,
    ssize_t n, unsigned lines);

#endif /* TP_ACCESSLOG_H */
