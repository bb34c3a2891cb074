/*
 * tp_execlog.h: a stage's execution log (monitoring.md 4).  Workers only.
 *
 * While a request runs through the pipeline, its lines are collected in
 * the request's arena (r->xlog, NULL when the stage logs nothing: every
 * call site tests that pointer and nothing else happens); when it ends,
 * they go to the file with ONE write(2) on the O_APPEND descriptor, so
 * lines of concurrent workers never interleave.  Level ERROR writes only
 * the lines of requests that failed (status >= 400 or an integration
 * error); INFO writes every request's.
 *
 * A line is "<ISO-8601 UTC time with ms>Z (<requestId>) <message>\n", at
 * most TP_XLOG_LINE bytes with its newline (longer messages are cut);
 * control bytes in messages are escaped (\xHH) so a line stays one line.
 */
#ifndef TP_EXECLOG_H
#define TP_EXECLOG_H

#include "tp_request.h"

#define TP_XLOG_LINE 1024            /* API Gateway's limit per event */

/* Adds a line when <r> has an execution log. */
#define TP_XLOG(r, ...)                                                     \
    do {                                                                    \
        if ((r)->xlog != NULL) {                                            \
            tp_xlog_add((r), __VA_ARGS__);                                  \
        }                                                                   \
    } while (0)

/* The stage is known (resolve phase): starts collecting when it logs. */
void tp_xlog_begin(struct tp_request *r);

/* Adds a line (r->xlog set). */
void tp_xlog_add(struct tp_request *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Is the request's stage tracing data (dataTraceEnabled)? */
bool tp_xlog_data_trace(const struct tp_request *r);

/* "<label>: <value>" (data trace: bodies); r->xlog set. */
void tp_xlog_data(struct tp_request *r, const char *label,
    struct tp_str value);

/*
 * "Received response. Status: N, Integration latency: L ms" (r->xlog set)
 * when the integration's answer is in; else the request's end logs it.
 */
void tp_xlog_received(struct tp_request *r);

/*
 * "<label>: {Name=value, ...}" of the headers of <hm> (offsets into
 * <buf>), secrets masked (tp_xlog_secret_header); r->xlog set.
 */
void tp_xlog_headers(struct tp_request *r, const char *label,
    const struct tp_http_msg *hm, const char *buf);

/*
 * Before the route's authorization (r->xlog set): "Starting authorizer",
 * "Incoming identity" (masked).  The outcome is logged when the next
 * phase starts (tp_xlog_auth_passed) or when the request ends.
 */
void tp_xlog_auth_start(struct tp_request *r);
void tp_xlog_auth_passed(struct tp_request *r);

/* The API key phase's outcome (REST APIs: "Verifying Usage Plan ..."). */
enum tp_xlog_key {
    TP_XLOG_KEY_NOT_REQUIRED = 0,
    TP_XLOG_KEY_ACCEPTED,
    TP_XLOG_KEY_REFUSED              /* none, unknown, or not in a plan */
};

void tp_xlog_usage_plan(struct tp_request *r, enum tp_xlog_key outcome);

/*
 * After the API key and usage plan checks, before throttling: "Starting
 * execution for request", "HTTP Method: M, Resource Path: P" and, with
 * data trace, the method request's path, query string and headers.
 */
void tp_xlog_start(struct tp_request *r);

/*
 * The request is over (before its arena goes): the outcome lines
 * ("Execution failed due to ...", "Method completed with status: N")
 * and the one write, when the level wants this request's lines.
 */
void tp_xlog_end(struct tp_request *r);

/*
 * The connection of <r> is closed before the request ended (the backend
 * failed mid-response, a client timeout, the client went away): the
 * integration's outcome, why, and the one write (a failure: also at
 * level ERROR).
 */
void tp_xlog_abort(struct tp_request *r, const char *why);

/* ---- formatting (tp_execlog_fmt.c; pure, unit-tested) ---- */

/*
 * A line into <out> (<cap> >= 64 bytes): "<time> (<id>) <msg>\n" with
 * <msg>'s control bytes escaped, cut to fit <cap> (and TP_XLOG_LINE).
 * Returns its length.
 */
size_t tp_xlog_format_line(char *out, size_t cap, uint64_t real_ms,
    const char *id, struct tp_str msg);

/*
 * <v> masked as API Gateway shows secrets: every byte '*' but the last
 * four (all of them for values of 8 bytes or fewer).  At most <cap>
 * bytes into <out>; returns the length.
 */
size_t tp_xlog_mask(struct tp_str v, char *out, size_t cap);

/* Is header <name> a secret (Authorization, X-Api-Key, Cookie ...)? */
bool tp_xlog_secret_header(struct tp_str name, const char *also);

#endif /* TP_EXECLOG_H */
