/*
 * tp_accesslog_conf.h: a stage's access_log settings, compiled while
 * loading.  The master parses and compiles formats (tp_accesslog_conf);
 * workers render lines from the compiled format (workers/tp_accesslog.c).
 * The files are the model's log files (tp_logfile.h).
 */
#ifndef TP_ACCESSLOG_CONF_H
#define TP_ACCESSLOG_CONF_H

#include "tp_conf_int.h"

/* AWS's limit for HTTP/WebSocket formats; turnpike applies it to all. */
#define TP_ACCESSLOG_MAX_FORMAT 3072

/* The most variables a format can hold ("$context.x" is 10 bytes). */
#define TP_ACCESSLOG_MAX_VARS   (TP_ACCESSLOG_MAX_FORMAT / 10)

/*
 * buffer = "64k": a worker's lines of one file kept before one write(2)
 * (0: one write(2) per line, the default); flush = 1: seconds the first
 * kept line may wait.
 */
#define TP_ACCESSLOG_MAX_BUFFER     (1024 * 1024)
#define TP_ACCESSLOG_MAX_FLUSH      60
#define TP_ACCESSLOG_DEFAULT_FLUSH  1

enum tp_alog_kind {
    TP_ALOG_LIT = 0,                 /* literal text */
    TP_ALOG_VAR                      /* a $context variable */
};

/* How a variable's value is escaped so that it cannot break the line. */
enum tp_alog_escape {
    TP_ALOG_ESC_PLAIN = 0,           /* control bytes as \xHH */
    TP_ALOG_ESC_JSON                 /* inside a JSON string: \" \\ \u00HH */
};

/*
 * Every literal part has this many bytes readable from its start (the
 * rest of the format and zeros after it), so that workers may copy a
 * short literal with one fixed-size move.
 */
#define TP_ALOG_LIT_SLACK 8

struct tp_alog_part {
    uint8_t kind;                    /* enum tp_alog_kind */
    uint8_t escape;                  /* enum tp_alog_escape (variables) */
    /* A variable whose values never hold a byte any escape mode changes
     * (digits, ids, the time, the method token...): workers copy it
     * without checking each byte.  tp_accesslog_escape_free() lists them. */
    bool escape_free;
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
};

/*
 * access_log = { path = "..."; format = "CLF" | "JSON" | "XML" | "CSV" |
 * "literal text with $context.variables"; buffer = "64k"; flush = 1; }
 * of stage <st> of <api>: the named formats are AWS's samples for the
 * API's type.
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

/*
 * Whether every value of $context variable <id> (enum tp_ctxvar), "-"
 * included, is printable ASCII without '"' or '\\': what turnpike itself
 * writes from a fixed alphabet, never text from a client or the config.
 */
bool tp_accesslog_escape_free(int id);

/* The AWS sample format <name> ("CLF", ...) for <type>, or NULL. */
const char *tp_accesslog_named(const char *name, enum tp_api_type type);

#endif /* TP_ACCESSLOG_CONF_H */
