/*
 * tp_execlog_fmt.c: execution-log line formatting and secret masking
 * (tp_execlog.h).  Pure functions.  Workers only.
 */
#include "tp_execlog.h"
#include "tp_accesslog.h"
#include "tp_accesslog_conf.h"

#include <stdio.h>
#include <strings.h>
#include <time.h>

/* "2026-11-26T06:01:28.123Z", 24 bytes. */
static size_t
xfmt_time(char *out, uint64_t real_ms)
{
    time_t sec = (time_t) (real_ms / 1000);
    struct tm tm;

    gmtime_r(&sec, &tm);
    return (size_t) snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d:%02d.%03uZ",
        tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
        tm.tm_min, tm.tm_sec, (unsigned) (real_ms % 1000));
}

size_t
tp_xlog_format_line(char *out, size_t cap, uint64_t real_ms, const char *id,
    struct tp_str msg)
{
    size_t len, room;

    cap = TP_MIN(cap, TP_XLOG_LINE);
    len = xfmt_time(out, real_ms);
    len += (size_t) snprintf(out + len, cap - len - 1, " (%.40s) ", id);
    room = cap - 1 - len;            /* the newline's byte kept */
    len += tp_accesslog_escape(out + len, msg, TP_ALOG_ESC_PLAIN, room);
    out[len++] = '\n';
    return len;
}

size_t
tp_xlog_mask(struct tp_str v, char *out, size_t cap)
{
    size_t keep = v.len > 8 ? 4 : 0, i, n = TP_MIN(v.len, cap);

    for (i = 0; i < n; i++) {
        out[i] = i < v.len - keep ? '*' : v.p[i];
    }
    return n;
}

bool
tp_xlog_secret_header(struct tp_str name, const char *also)
{
    static const char *const secrets[] = {
        "authorization", "proxy-authorization", "x-api-key", "cookie",
        "set-cookie", "x-amz-security-token",
    };
    size_t i;

    for (i = 0; i < TP_NELEM(secrets); i++) {
        if (name.len == strlen(secrets[i])
            && strncasecmp(name.p, secrets[i], name.len) == 0)
        {
            return true;
        }
    }
    return also != NULL && name.len == strlen(also)
        && strncasecmp(name.p, also, name.len) == 0;
}
