/*
 * tp_jsonw.c: the JSON writer (tp_jsonw.h).  Pure.
 */
#include "tp_jsonw.h"

#include <stdio.h>

void
tp_jsonw_init(struct tp_jsonw *w, struct tp_arena *a, size_t hint)
{
    memset(w, 0, sizeof(*w));
    w->a = a;
    w->cap = TP_MAX(hint, 256);
    w->p = tp_arena_alloc(a, w->cap);
    w->err = w->p == NULL;
}

/* Room for <n> more bytes (and a NUL). */
static bool
jw_room(struct tp_jsonw *w, size_t n)
{
    size_t cap;
    char *p;

    if (w->err) {
        return false;
    }
    if (w->len + n + 1 <= w->cap) {
        return true;
    }
    cap = TP_MAX(w->cap * 2, w->len + n + 1);
    p = tp_arena_alloc(w->a, cap);
    if (p == NULL) {
        w->err = true;
        return false;
    }
    memcpy(p, w->p, w->len);
    w->p = p;
    w->cap = cap;
    return true;
}

static void
jw_put(struct tp_jsonw *w, const char *s, size_t n)
{
    if (jw_room(w, n)) {
        memcpy(w->p + w->len, s, n);
        w->len += n;
    }
}

/* Before any value or key: the comma between members/elements. */
static void
jw_sep(struct tp_jsonw *w)
{
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    if (w->depth > 0) {
        if (!w->first[w->depth - 1]) {
            jw_put(w, ",", 1);
        }
        w->first[w->depth - 1] = false;
    }
}

size_t
tp_utf8_len(const unsigned char *s, size_t n)
{
    size_t len, i;
    uint32_t cp;

    if (s[0] < 0x80) {
        return 1;
    }
    if (s[0] < 0xc2 || s[0] > 0xf4) {
        return 0;
    }
    len = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : 2;
    if (n < len) {
        return 0;
    }
    cp = s[0] & (0x7f >> len);
    for (i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            return 0;
        }
        cp = cp << 6 | (s[i] & 0x3f);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff)))
        || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
    {
        return 0;
    }
    return len;
}

static void
jw_string(struct tp_jsonw *w, const char *p, size_t n)
{
    const unsigned char *s = (const unsigned char *) p;
    size_t i = 0, run, k;
    char esc[8];

    jw_put(w, "\"", 1);
    while (i < n) {
        for (run = i; run < n && s[run] >= 0x20 && s[run] < 0x80
             && s[run] != '"' && s[run] != '\\'; run++)
        {
            /* plain ASCII: copied in one go */
        }
        jw_put(w, p + i, run - i);
        i = run;
        if (i == n) {
            break;
        }
        if (s[i] >= 0x80) {
            k = tp_utf8_len(s + i, n - i);
            if (k == 0) {
                jw_put(w, "\\ufffd", 6);
                i++;
            } else {
                jw_put(w, p + i, k);
                i += k;
            }
            continue;
        }
        switch (s[i]) {
        case '"':  jw_put(w, "\\\"", 2); break;
        case '\\': jw_put(w, "\\\\", 2); break;
        case '\n': jw_put(w, "\\n", 2); break;
        case '\r': jw_put(w, "\\r", 2); break;
        case '\t': jw_put(w, "\\t", 2); break;
        default:
            snprintf(esc, sizeof(esc), "\\u%04x", s[i]);
            jw_put(w, esc, 6);
        }
        i++;
    }
    jw_put(w, "\"", 1);
}

void
tp_jsonw_open(struct tp_jsonw *w, char c)
{
    jw_sep(w);
    if (w->depth == TP_JSONW_DEPTH) {
        w->err = true;
        return;
    }
    jw_put(w, &c, 1);
    w->first[w->depth++] = true;
}

void
tp_jsonw_close(struct tp_jsonw *w, char c)
{
    if (w->depth == 0 || w->after_key) {
        w->err = true;
        return;
    }
    w->depth--;
    jw_put(w, &c, 1);
}

void
tp_jsonw_keyn(struct tp_jsonw *w, struct tp_str name)
{
    jw_sep(w);
    jw_string(w, name.p, name.len);
    jw_put(w, ":", 1);
    w->after_key = true;
}

void
tp_jsonw_key(struct tp_jsonw *w, const char *name)
{
    tp_jsonw_keyn(w, (struct tp_str) { name, strlen(name) });
}

void
tp_jsonw_str(struct tp_jsonw *w, struct tp_str s)
{
    if (s.p == NULL) {
        tp_jsonw_null(w);
        return;
    }
    jw_sep(w);
    jw_string(w, s.p, s.len);
}

void
tp_jsonw_cstr(struct tp_jsonw *w, const char *s)
{
    tp_jsonw_str(w, (struct tp_str) { s, s != NULL ? strlen(s) : 0 });
}

void
tp_jsonw_raw(struct tp_jsonw *w, struct tp_str json)
{
    jw_sep(w);
    jw_put(w, json.p, json.len);
}

void
tp_jsonw_null(struct tp_jsonw *w)
{
    tp_jsonw_raw(w, TP_STR("null"));
}

void
tp_jsonw_bool(struct tp_jsonw *w, bool v)
{
    tp_jsonw_raw(w, v ? TP_STR("true") : TP_STR("false"));
}

void
tp_jsonw_u64(struct tp_jsonw *w, uint64_t v)
{
    char buf[24];
    int n = snprintf(buf, sizeof(buf), "%llu", (unsigned long long) v);

    tp_jsonw_raw(w, (struct tp_str) { buf, (size_t) n });
}

int
tp_jsonw_done(struct tp_jsonw *w, struct tp_str *out)
{
    if (w->err || w->depth != 0 || w->after_key) {
        return TP_ERROR;
    }
    w->p[w->len] = '\0';
    *out = (struct tp_str) { w->p, w->len };
    return TP_OK;
}
