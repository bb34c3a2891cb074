/*
 * tp_accesslog_conf.h: a stage's access_log settings, compiled while
 * loading, and the log files behind them.
 *
 * The master parses and compiles formats (tp_accesslog_conf), opens every
 * log of a cycle before its workers are forked (tp_accesslog_open) and
 * reopens them on USR1 (tp_accesslog_reopen).  Workers inherit the
 * descriptors, render lines from the compiled format (workers/
 * tp_accesslog.c) and take reopened descriptors from the master in the
 * order of tp_accesslog_fds(), which both sides share.
 */
#ifndef TP_ACCESSLOG_CONF_H
#define TP_ACCESSLOG_CONF_H

#include "tp_conf_int.h"
#include "tp_cycle.h"

#include <sys/types.h>

/* AWS's limit for HTTP/WebSocket formats; turnpike applies it to all. */
#define TP_ACCESSLOG_MAX_FORMAT 3072

/* The most variables a format can hold ("$context.x" is 10 bytes). */
#define TP_ACCESSLOG_MAX_VARS   (TP_ACCESSLOG_MAX_FORMAT / 10)

enum tp_alog_kind {
    TP_ALOG_LIT = 0,                 /* literal text */
    TP_ALOG_VAR                      /* a $context variable */
};

/* How a variable's value is escaped so that it cannot break the line. */
enum tp_alog_escape {
    TP_ALOG_ESC_PLAIN = 0,           /* control bytes as \xHH */
    TP_ALOG_ESC_JSON                 /* inside a JSON string: \" \\ \u00HH */
};

struct tp_alog_part {
    uint8_t kind;                    /* enum tp_alog_kind */
    uint8_t escape;                  /* enum tp_alog_escape (variables) */
    uint16_t var;                    /* enum tp_ctxvar (variables) */
    uint32_t len;                    /* literal bytes */
    const char *p;
};

/* access_log->compiled. */
struct tp_alog_format {
    struct tp_alog_part *parts;
    unsigned nparts;
    unsigned nvars;                  /* <= TP_ACCESSLOG_MAX_VARS */
    uint32_t lit_len;                /* literal bytes in all parts */
    bool shares_fd;                  /* fd is an earlier log's (same file) */
    dev_t dev;                       /* the open file, to find the same */
    ino_t ino;                       /* file under another name */
    struct tp_src path_src;          /* the `path` setting, for errors */
};

/*
 * access_log = { path = "..."; format = "CLF" | "JSON" | "XML" | "CSV" |
 * "literal text with $context.variables"; } of stage <st> of <api>:
 * the named formats are AWS's samples for the API's type.
 */
int tp_accesslog_conf(struct tp_conf_ctx *c, const config_setting_t *g,
    const struct tp_api *api, struct tp_stage *st);

/*
 * Compiles <fmt> into <out> (parts in c->a).  Unknown variables are
 * warned about with <s>'s FILE:LINE and print "-"; errors (too long, more
 * than one line) are reported through <c>.
 */
int tp_accesslog_compile(struct tp_conf_ctx *c, const config_setting_t *s,
    enum tp_api_type type, const char *fmt, struct tp_alog_format *out);

/* The AWS sample format <name> ("CLF", ...) for <type>, or NULL. */
const char *tp_accesslog_named(const char *name, enum tp_api_type type);

/*
 * Opens every access log of cycle <cy> (creating directories and files);
 * stages naming the same file share a descriptor.  The descriptors close
 * when the cycle is freed.  TP_ERROR with "FILE:LINE: ..." in <err>.
 */
int tp_accesslog_open(struct tp_cycle *cy, char *err, size_t errlen);

/*
 * USR1 in the master: opens each distinct log file of <cy> afresh and
 * puts it on the old descriptor's number, so children forked later get
 * the new file too.  A path that cannot be opened keeps its old file.
 */
void tp_accesslog_reopen(struct tp_cycle *cy);

/*
 * The descriptors of the distinct log files of <m>, in a fixed order
 * (APIs, then stages, first stage naming a file), from the <first>-th:
 * at most <max> into <fds>; returns how many.  The master sends reopened
 * files in this order and each worker applies them in the same order.
 */
unsigned tp_accesslog_fds(const struct tp_model *m, unsigned first,
    int *fds, unsigned max);

#endif /* TP_ACCESSLOG_CONF_H */
