/*
 * tp_accesslog.c: access-log lines, rendered from the format compiled at
 * load (server/tp_accesslog_conf.c) into a stack buffer and written with
 * one write(2).  Workers only.
 */
#include "tp_accesslog.h"
#include "tp_accesslog_conf.h"
#include "tp_channel.h"
#include "tp_context.h"
#include "tp_log.h"
#include "tp_time.h"
#include "tp_worker.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#define REPORT_EVERY_MS 1000

struct alog_line {
    char *p;
    size_t len;
    size_t cap;                      /* the '\n' has its byte beyond cap */
};

static const char hex[] = "0123456789abcdef";

/*
 * The length of the well-formed UTF-8 sequence at <s> (<n> bytes left),
 * or 0: a stray byte is escaped like a control byte, so a JSON line stays
 * valid UTF-8 whatever the client sent.
 */
static size_t
alog_utf8(const unsigned char *s, size_t n)
{
    size_t len, i;

    if (s[0] >= 0xc2 && s[0] <= 0xdf) {
        len = 2;
    } else if (s[0] >= 0xe0 && s[0] <= 0xef) {
        len = 3;
    } else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
        len = 4;
    } else {
        return 0;
    }
    if (len > n) {
        return 0;
    }
    for (i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            return 0;
        }
    }
    /* No overlong forms, no surrogates, nothing above U+10FFFF. */
    if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0)
        || (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90))
    {
        return 0;
    }
    return len;
}

/* A byte that must not appear raw: \u00HH in JSON strings, else \xHH. */
static size_t
alog_escape_byte(unsigned char ch, uint8_t mode, char *out)
{
    if (mode == TP_ALOG_ESC_JSON) {
        memcpy(out, "\\u00", 4);
        out[4] = hex[ch >> 4];
        out[5] = hex[ch & 15];
        return 6;
    }
    out[0] = '\\';
    out[1] = 'x';
    out[2] = hex[ch >> 4];
    out[3] = hex[ch & 15];
    return 4;
}

/*
 * Appends value <v> escaped for <mode>, using at most <room> bytes; an
 * escape or a UTF-8 sequence is never cut in half.
 */
static void
alog_value(struct alog_line *l, struct tp_str v, uint8_t mode, size_t room)
{
    const unsigned char *s = (const unsigned char *) v.p;
    size_t i = 0, n, k, end = l->len + room;
    char esc[6];

    while (i < v.len) {
        const char *src = esc;

        n = 1;
        if (s[i] < 0x20 || s[i] == 0x7f) {
            k = alog_escape_byte(s[i], mode, esc);
        } else if (mode == TP_ALOG_ESC_JSON && (s[i] == '"' || s[i] == '\\')) {
            esc[0] = '\\';
            esc[1] = (char) s[i];
            k = 2;
        } else if (s[i] < 0x80) {
            src = (const char *) s + i;
            k = 1;
        } else if ((n = alog_utf8(s + i, v.len - i)) > 0) {
            src = (const char *) s + i;
            k = n;
        } else {
            n = 1;
            k = alog_escape_byte(s[i], mode, esc);
        }
        if (l->len + k > end) {
            return;                  /* truncated */
        }
        memcpy(l->p + l->len, src, k);
        l->len += k;
        i += n;
    }
}

static void
alog_literal(struct alog_line *l, const char *p, size_t n)
{
    n = TP_MIN(n, l->cap - l->len);
    memcpy(l->p + l->len, p, n);
    l->len += n;
}

/* Counts a lost line; logs at most once a second how many were lost. */
static void
alog_failed(struct tp_worker *w, const struct tp_access_log *al, ssize_t n)
{
    int err = n < 0 ? errno : 0;

    w->alog_lost++;
    if (w->alog_reported != 0
        && tp_clock.mono_ms - w->alog_reported < REPORT_EVERY_MS)
    {
        return;
    }
    tp_log(TP_LOG_ERROR, err, "access log \"%s\": %llu line(s) lost%s",
        al->path, (unsigned long long) w->alog_lost,
        n >= 0 ? " (short write)" : "");
    w->alog_lost = 0;
    w->alog_reported = tp_clock.mono_ms;
}

void
tp_accesslog_write(struct tp_request *r)
{
    const struct tp_access_log *al = r->stage->access_log;
    const struct tp_alog_format *f = al->compiled;
    char buf[TP_ACCESSLOG_LINE], val[TP_CONTEXT_BUF];
    struct alog_line l = { buf, 0, sizeof(buf) - 1 };
    const struct tp_alog_part *pt;
    struct tp_str v;
    unsigned i;
    ssize_t n;

    if (f == NULL || al->fd < 0) {
        return;
    }
    for (i = 0; i < f->nparts; i++) {
        pt = &f->parts[i];
        if (pt->kind == TP_ALOG_LIT) {
            alog_literal(&l, pt->p, pt->len);
            continue;
        }
        if (tp_context_value(r, (enum tp_ctxvar) pt->var, val, &v) != TP_OK
            || v.len == 0)
        {
            v = TP_STR("-");         /* unset, as API Gateway prints it */
        }
        /* Values give way to the literal text after them. */
        alog_value(&l, v, pt->escape,
            l.cap > l.len + pt->rest ? l.cap - l.len - pt->rest : 0);
    }
    buf[l.len++] = '\n';
    n = write(al->fd, buf, l.len);
    if (n != (ssize_t) l.len) {
        alog_failed(r->c->w, al, n);
    }
}

void
tp_accesslog_adopt(const struct tp_model *m, unsigned first, const int *fds,
    unsigned n)
{
    int own[TP_CHANNEL_MAX_FDS];
    unsigned k, have;

    have = tp_accesslog_fds(m, first, own, TP_MIN(n, TP_CHANNEL_MAX_FDS));
    for (k = 0; k < have; k++) {
        /* dup3, not dup2: keeps close-on-exec on our descriptor. */
        if (dup3(fds[k], own[k], O_CLOEXEC) < 0) {
            tp_log(TP_LOG_ERROR, errno, "reopen of an access log");
        }
    }
}
