/*
 * tp_accesslog.c: access-log lines, rendered from the format compiled at
 * load (server/tp_accesslog_conf.c) into a stack buffer and written with
 * one write(2).  Workers only.
 */
#include "tp_accesslog.h"
#include "tp_logbuf.h"
#include "tp_accesslog_conf.h"
#include "tp_channel.h"
#include "tp_context.h"
#include "tp_jsonw.h"
#include "tp_log.h"
#include "tp_time.h"
#include "tp_worker.h"

#include <errno.h>
#include <stdint.h>
#include <unistd.h>

#define REPORT_EVERY_MS 1000

static const char hex[] = "0123456789abcdef";

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
 * The bytes from <s> on (<n> left) that go out as they are in <mode>:
 * printable ASCII, one unsigned compare for "below 0x20 or from 0x7f".
 */
static size_t
alog_plain_run(const unsigned char *s, size_t n, uint8_t mode)
{
    size_t i = 0;

    if (mode == TP_ALOG_ESC_JSON) {
        while (i < n && (unsigned) (s[i] - 0x20) < 0x5f && s[i] != '"'
            && s[i] != '\\')
        {
            i++;
        }
    } else {
        while (i < n && (unsigned) (s[i] - 0x20) < 0x5f) {
            i++;
        }
    }
    return i;
}

size_t
tp_accesslog_escape(char *out, struct tp_str v, uint8_t mode, size_t room)
{
    const unsigned char *s = (const unsigned char *) v.p;
    size_t i = 0, len = 0, n, k;
    char esc[6];

    while (i < v.len) {
        const char *src = esc;

        /* Most values are plain ASCII: one copy per run, not per byte. */
        k = TP_MIN(alog_plain_run(s + i, v.len - i, mode), room - len);
        if (k > 0) {
            if (out != NULL) {
                memcpy(out + len, s + i, k);
            }
            len += k;
            i += k;
            continue;
        }
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
        } else if ((n = tp_utf8_len(s + i, v.len - i)) > 0) {
            /* well-formed UTF-8 goes out as it is; a stray byte is
             * escaped, so a JSON line stays valid UTF-8 */
            src = (const char *) s + i;
            k = n;
        } else {
            n = 1;
            k = alog_escape_byte(s[i], mode, esc);
        }
        if (len + k > room) {
            break;                   /* truncated */
        }
        if (out != NULL) {
            memcpy(out + len, src, k);
        }
        len += k;
        i += n;
    }
    return len;
}

/* The value of variable part <pt>: "-" when unset or empty. */
static inline struct tp_str
alog_get(const struct tp_request *r, const struct tp_alog_part *pt,
    char *buf)
{
    struct tp_str v;
    int rc = pt->var == TP_CTX_AUTHORIZER_CLAIMS && pt->len > 0
        ? tp_context_claim(r, pt->p, pt->len, &v)
        : pt->var == TP_CTX_AUTHORIZER_CONTEXT
        ? tp_context_authorizer(r, pt->p, pt->len, &v)
        : tp_context_value(r, (enum tp_ctxvar) pt->var, buf, &v);

    if (rc != TP_OK || v.len == 0) {
        v = TP_STR("-");             /* as API Gateway prints it */
    }
    return v;
}

/*
 * The most bytes each value may take so that the line fits <cap>: no
 * limit when it fits anyway, else the largest L such that the values,
 * each cut to L, fit beside the literal text.  Short values (status,
 * ids, times) stay whole; the long ones share what is left, and the
 * structure of the line (JSON, CSV) survives.
 */
static size_t
alog_value_limit(const struct tp_alog_format *f, const uint32_t *need,
    size_t cap)
{
    size_t total = f->lit_len, lo = 0, hi = 0, mid, sum;
    unsigned i;

    for (i = 0; i < f->nvars; i++) {
        total += need[i];
        hi = TP_MAX(hi, need[i]);
    }
    if (total <= cap) {
        return SIZE_MAX;
    }
    while (lo < hi) {
        mid = lo + (hi - lo + 1) / 2;
        sum = f->lit_len;
        for (i = 0; i < f->nvars; i++) {
            sum += TP_MIN(need[i], mid);
        }
        if (sum <= cap) {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    return lo;
}

/*
 * memcpy() for the short pieces of a line (literals of a few bytes,
 * values of 3-40): up to 16 bytes with two overlapping loads and stores,
 * cheaper than the call; longer ones through memcpy().
 */
static inline void
alog_copy(char *dst, const char *src, size_t n)
{
    uint64_t a, b;
    uint32_t c, d;

    if (n > 16) {
        memcpy(dst, src, n);
    } else if (n >= 8) {
        memcpy(&a, src, 8);
        memcpy(&b, src + n - 8, 8);
        memcpy(dst, &a, 8);
        memcpy(dst + n - 8, &b, 8);
    } else if (n >= 4) {
        memcpy(&c, src, 4);
        memcpy(&d, src + n - 4, 4);
        memcpy(dst, &c, 4);
        memcpy(dst + n - 4, &d, 4);
    } else if (n > 0) {
        dst[0] = src[0];             /* 1-3 bytes: first, middle, last */
        dst[n / 2] = src[n / 2];
        dst[n - 1] = src[n - 1];
    }
}

/*
 * Appends value <v> of variable part <pt> at buf[len] (<cap> bytes in
 * all) if it surely fits whole, and returns the new length, or SIZE_MAX
 * when it might not fit.  Most values need no escape at all: those of
 * escape-free variables, "-" and the usual plain text; they are copied
 * as they are (their escape is themselves), escape-free ones without a
 * look at their bytes.  Any other is escaped if even every byte of it
 * escaped to 6 would fit.
 */
static size_t
alog_put_value(char *buf, size_t len, size_t cap,
    const struct tp_alog_part *pt, struct tp_str v)
{
    if (pt->escape_free
        || alog_plain_run((const unsigned char *) v.p, v.len, pt->escape)
           == v.len)
    {
        if (v.len > cap - len) {
            return SIZE_MAX;
        }
        alog_copy(buf + len, v.p, v.len);
        return len + v.len;
    }
    if (v.len > (cap - len) / 6) {
        return SIZE_MAX;
    }
    return len + tp_accesslog_escape(buf + len, v, pt->escape, cap - len);
}

/*
 * The usual line, which fits: each value rendered once, straight into
 * <buf>.  Returns SIZE_MAX, with <buf> to be overwritten, as soon as a
 * value or a literal might not fit whole: then tp_accesslog_render()
 * shares the room out.  Whenever this succeeds, the line is what the
 * sharing would have made: every value whole, and a value that needs no
 * escape (escape-free, "-", plain text) is its own escape.
 */
static size_t
alog_render_fits(const struct tp_request *r, const struct tp_alog_format *f,
    char *buf, size_t cap)
{
    char val[TP_CONTEXT_BUF];
    const struct tp_alog_part *pt = f->parts, *end = pt + f->nparts;
    size_t len = 0;

    for (; pt < end; pt++) {
        if (pt->kind == TP_ALOG_VAR) {
            len = alog_put_value(buf, len, cap, pt, alog_get(r, pt, val));
            if (len == SIZE_MAX) {
                return SIZE_MAX;
            }
        } else if (pt->len <= TP_ALOG_LIT_SLACK
            && cap - len >= TP_ALOG_LIT_SLACK)
        {
            /* one move; the bytes past the literal are overwritten by
             * the next part, or lie past the line's end */
            memcpy(buf + len, pt->p, TP_ALOG_LIT_SLACK);
            len += pt->len;
        } else if (pt->len <= cap - len) {
            alog_copy(buf + len, pt->p, pt->len);
            len += pt->len;
        } else {
            return SIZE_MAX;
        }
    }
    return len;
}

size_t
tp_accesslog_render(const struct tp_request *r,
    const struct tp_alog_format *f, char *buf, size_t cap)
{
    uint32_t need[TP_ACCESSLOG_MAX_VARS];
    char val[TP_CONTEXT_BUF];
    const struct tp_alog_part *pt;
    size_t len, limit;
    unsigned i, v;

    len = alog_render_fits(r, f, buf, cap);
    if (len != SIZE_MAX) {
        return len;
    }
    len = 0;
    /* The escaped size of every value first, then the line itself. */
    for (i = 0, v = 0; i < f->nparts; i++) {
        pt = &f->parts[i];
        if (pt->kind == TP_ALOG_VAR) {
            need[v++] = (uint32_t) tp_accesslog_escape(NULL,
                alog_get(r, pt, val), pt->escape, cap);
        }
    }
    limit = alog_value_limit(f, need, cap);
    for (i = 0; i < f->nparts; i++) {
        pt = &f->parts[i];
        if (pt->kind == TP_ALOG_LIT) {
            memcpy(buf + len, pt->p, pt->len);   /* literals always fit */
            len += pt->len;
        } else {
            len += tp_accesslog_escape(buf + len, alog_get(r, pt, val),
                pt->escape, TP_MIN(limit, cap - len));
        }
    }
    return len;
}

void
tp_accesslog_failed(struct tp_worker *w, const struct tp_logfile *lf,
    ssize_t n)
{
    tp_accesslog_lost(w, lf, n, 1);
}

void
tp_accesslog_lost(struct tp_worker *w, const struct tp_logfile *lf,
    ssize_t n, unsigned lines)
{
    int err = n < 0 ? errno : 0;

    w->alog_lost += lines;
    if (w->alog_reported != 0
        && tp_clock.mono_ms - w->alog_reported < REPORT_EVERY_MS)
    {
        return;
    }
    tp_log(TP_LOG_ERROR, err, "%s \"%s\": %llu line(s) lost%s",
        lf->what, lf->path, (unsigned long long) w->alog_lost,
        n >= 0 ? " (short write)" : "");
    w->alog_lost = 0;
    w->alog_reported = tp_clock.mono_ms;
}

void
tp_accesslog_write(struct tp_request *r)
{
    const struct tp_access_log *al = r->stage->access_log;
    const struct tp_alog_format *f = al->compiled;
    char buf[TP_ACCESSLOG_LINE];
    size_t len;

    if (f == NULL || al->file.fd < 0) {
        return;
    }
    len = tp_accesslog_render(r, f, buf, sizeof(buf) - 1);
    buf[len++] = '\n';
    tp_logbuf_line(r->c->w, &al->file, buf, len);
}
