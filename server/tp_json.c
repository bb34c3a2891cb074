/*
 * tp_json.c: JSON parsing and queries over jsmn (see tp_json.h).  Used by
 * the master (OpenAPI import) and by workers (body mappings, MOCK
 * templates).
 *
 * jsmn tokenizes quickly but accepts much that is not JSON (missing commas
 * and colons, bare words, control characters in strings, trailing data), so
 * a second pass walks its tokens in document order, checks every byte
 * between them and the text of each scalar, and converts them into
 * struct tp_json_tok with subtree ends and parent links.  This is the only
 * file that includes jsmn.h.
 */
#include "tp_json.h"

#define JSMN_STATIC
#include <jsmn.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

struct json_walk {
    const char *buf;
    size_t len;
    const jsmntok_t *in;
    int n;
    struct tp_json_tok *out;
    size_t pos;                      /* text cursor */
    size_t err_off;
    const char *err;
};

/* 1-based line and column of <off>, by scanning (errors only). */
static void
json_linecol(const char *buf, size_t off, int *line, int *col)
{
    size_t i, bol = 0;

    *line = 1;
    for (i = 0; i < off; i++) {
        if (buf[i] == '\n') {
            (*line)++;
            bol = i + 1;
        }
    }
    *col = (int) (off - bol) + 1;
}

static int
json_fail(const char *buf, size_t len, size_t off, const char *msg,
    char *err, size_t errlen)
{
    int line, col;

    json_linecol(buf, TP_MIN(off, len), &line, &col);
    snprintf(err, errlen, "%d:%d: %s", line, col, msg);
    return TP_ERROR;
}

/* What jsmn's failure at <pos> means, for the message. */
static const char *
json_jsmn_msg(const char *buf, size_t len, size_t pos, int rc)
{
    if (pos >= len) {
        return "unexpected end of input";
    }
    if (buf[pos] == '"') {
        return rc == JSMN_ERROR_PART ? "unterminated string"
                                     : "invalid escape in string";
    }
    if (rc == JSMN_ERROR_PART) {
        return "unexpected end of input";
    }
    if (buf[pos] == '}' || buf[pos] == ']') {
        return "unbalanced bracket";
    }
    return "unexpected character";
}

static int
json_hex4(const char *p)
{
    int v = 0, i, d;

    for (i = 0; i < 4; i++) {
        if (p[i] >= '0' && p[i] <= '9') {
            d = p[i] - '0';
        } else if ((p[i] | 0x20) >= 'a' && (p[i] | 0x20) <= 'f') {
            d = (p[i] | 0x20) - 'a' + 10;
        } else {
            return -1;
        }
        v = v * 16 + d;
    }
    return v;
}

static int
walk_fail(struct json_walk *w, size_t off, const char *msg)
{
    w->err_off = off;
    w->err = msg;
    return -1;
}

static void
walk_blanks(struct json_walk *w)
{
    while (w->pos < w->len && (w->buf[w->pos] == ' '
            || w->buf[w->pos] == '\t' || w->buf[w->pos] == '\n'
            || w->buf[w->pos] == '\r'))
    {
        w->pos++;
    }
}

/* After blanks, the cursor must be at <off>: nothing else in between. */
static int
walk_at(struct json_walk *w, size_t off)
{
    walk_blanks(w);
    if (w->pos == off) {
        return 0;
    }
    return walk_fail(w, w->pos, w->pos >= w->len ? "unexpected end of input"
                                                 : "unexpected character");
}

static int
walk_punct(struct json_walk *w, char c, const char *msg)
{
    walk_blanks(w);
    if (w->pos < w->len && w->buf[w->pos] == c) {
        w->pos++;
        return 0;
    }
    return walk_fail(w, w->pos, msg);
}

/* A \u escape at <p> (after "\u") with <left> bytes to the string's end:
 * surrogates must pair up.  Returns the bytes consumed after "\u". */
static int
walk_uescape(struct json_walk *w, size_t at, const char *p, size_t left)
{
    int cp = left >= 4 ? json_hex4(p) : -1, lo;

    if (cp < 0) {
        return walk_fail(w, at, "invalid \\u escape in string");
    }
    if (cp >= 0xdc00 && cp <= 0xdfff) {
        return walk_fail(w, at, "unpaired UTF-16 surrogate in string");
    }
    if (cp < 0xd800 || cp > 0xdbff) {
        return 4;
    }
    lo = left >= 10 && p[4] == '\\' && p[5] == 'u' ? json_hex4(p + 6) : -1;
    if (lo < 0xdc00 || lo > 0xdfff) {
        return walk_fail(w, at, "unpaired UTF-16 surrogate in string");
    }
    return 10;
}

static int
walk_string(struct json_walk *w, const jsmntok_t *t)
{
    const char *b = w->buf;
    size_t i, end = (size_t) t->end;
    int n;

    for (i = (size_t) t->start; i < end; i++) {
        if ((unsigned char) b[i] < 0x20) {
            return walk_fail(w, i, "control character in string (must be "
                "escaped)");
        }
        if (b[i] != '\\') {
            continue;
        }
        if (i + 1 >= end) {
            return walk_fail(w, i, "invalid escape in string");
        }
        if (strchr("\"\\/bfnrt", b[i + 1]) != NULL) {
            i++;
            continue;
        }
        if (b[i + 1] != 'u') {
            return walk_fail(w, i, "invalid escape in string");
        }
        n = walk_uescape(w, i, b + i + 2, end - i - 2);
        if (n < 0) {
            return -1;
        }
        i += 1 + (size_t) n;
    }
    return 0;
}

static bool
json_digits(const char *p, size_t n, size_t *i)
{
    size_t s = *i;

    while (*i < n && p[*i] >= '0' && p[*i] <= '9') {
        (*i)++;
    }
    return *i > s;
}

/* RFC 8259 number grammar. */
static bool
json_is_number(const char *p, size_t n)
{
    size_t i = 0;

    if (i < n && p[i] == '-') {
        i++;
    }
    if (i < n && p[i] == '0') {
        i++;
    } else if (!json_digits(p, n, &i)) {
        return false;
    }
    if (i < n && p[i] == '.') {
        i++;
        if (!json_digits(p, n, &i)) {
            return false;
        }
    }
    if (i < n && (p[i] == 'e' || p[i] == 'E')) {
        i++;
        if (i < n && (p[i] == '+' || p[i] == '-')) {
            i++;
        }
        if (!json_digits(p, n, &i)) {
            return false;
        }
    }
    return i == n;
}

static int
json_literal(const char *p, size_t n)
{
    if (n == 4 && memcmp(p, "true", 4) == 0) {
        return TP_JSON_TRUE;
    }
    if (n == 5 && memcmp(p, "false", 5) == 0) {
        return TP_JSON_FALSE;
    }
    if (n == 4 && memcmp(p, "null", 4) == 0) {
        return TP_JSON_NULL;
    }
    return json_is_number(p, n) ? TP_JSON_NUMBER : 0;
}

static int walk_value(struct json_walk *w, int i, int parent, int depth);

static int
walk_key(struct json_walk *w, int j, int obj, int depth)
{
    const jsmntok_t *t = j < w->n ? &w->in[j] : NULL;
    struct tp_json_tok *o;
    int nx;

    walk_blanks(w);
    if (t == NULL || t->type != JSMN_STRING
        || w->pos != (size_t) t->start - 1)
    {
        return walk_fail(w, w->pos, "expected a string key");
    }
    if (walk_string(w, t) != 0) {
        return -1;
    }
    w->pos = (size_t) t->end + 1;
    if (walk_punct(w, ':', "expected ':' after an object key") != 0) {
        return -1;
    }
    if (t->size == 0) {
        walk_blanks(w);
        return walk_fail(w, w->pos, "expected a value");
    }
    o = &w->out[j];
    o->type = TP_JSON_STRING;
    o->start = t->start;
    o->end = t->end;
    o->size = 0;
    o->parent = obj;
    nx = walk_value(w, j + 1, j, depth);
    if (nx < 0) {
        return -1;
    }
    if (t->size > 1) {
        walk_blanks(w);
        return walk_fail(w, w->pos, "expected ',' or '}'");
    }
    o->next = nx;
    return nx;
}

static int
walk_container(struct json_walk *w, int i, int depth)
{
    const jsmntok_t *t = &w->in[i];
    bool obj = t->type == JSMN_OBJECT;
    const char *sep = obj ? "expected ',' or '}'" : "expected ',' or ']'";
    int j = i + 1, k;

    w->out[i].type = obj ? TP_JSON_OBJECT : TP_JSON_ARRAY;
    w->out[i].size = t->size;
    w->pos = (size_t) t->start + 1;
    for (k = 0; k < t->size; k++) {
        if (k > 0 && walk_punct(w, ',', sep) != 0) {
            return -1;
        }
        j = obj ? walk_key(w, j, i, depth + 1)
                : walk_value(w, j, i, depth + 1);
        if (j < 0) {
            return -1;
        }
    }
    if (walk_punct(w, obj ? '}' : ']', k > 0 ? sep : obj
            ? "expected a string key or '}'" : "expected a value or ']'")
        != 0)
    {
        if (k > 0 && w->pos < w->len && w->buf[w->pos] == ',') {
            w->pos++;                /* a trailing comma */
            walk_blanks(w);
            walk_fail(w, w->pos, obj ? "expected a string key"
                                     : "expected a value");
        }
        return -1;
    }
    if (w->pos != (size_t) t->end) {
        return walk_fail(w, w->pos - 1, "unbalanced bracket");
    }
    w->out[i].next = j;
    return j;
}

static int
walk_value(struct json_walk *w, int i, int parent, int depth)
{
    const jsmntok_t *t;
    struct tp_json_tok *o;

    if (i >= w->n) {
        walk_blanks(w);
        return walk_fail(w, w->pos, "expected a value");
    }
    t = &w->in[i];
    o = &w->out[i];
    o->start = t->start;
    o->end = t->end;
    o->parent = parent;
    o->size = 0;
    o->next = i + 1;
    if (walk_at(w, (size_t) t->start - (t->type == JSMN_STRING)) != 0) {
        return -1;
    }
    switch (t->type) {
    case JSMN_STRING:
        if (walk_string(w, t) != 0) {
            return -1;
        }
        w->pos = (size_t) t->end + 1;
        if (t->size != 0) {
            walk_blanks(w);
            return walk_fail(w, w->pos, "unexpected ':'");
        }
        o->type = TP_JSON_STRING;
        return i + 1;
    case JSMN_PRIMITIVE:
        o->type = (uint8_t) json_literal(w->buf + t->start,
            (size_t) (t->end - t->start));
        if (o->type == 0) {
            return walk_fail(w, (size_t) t->start, "invalid literal "
                "(expected a number, true, false or null)");
        }
        w->pos = (size_t) t->end;
        return i + 1;
    case JSMN_OBJECT:
    case JSMN_ARRAY:
        if (depth >= TP_JSON_MAX_DEPTH) {
            return walk_fail(w, (size_t) t->start, "nesting too deep");
        }
        return walk_container(w, i, depth);
    default:
        return walk_fail(w, (size_t) t->start, "unexpected character");
    }
}

/* Validates jsmn's tokens and converts them into d->toks. */
static int
json_convert(struct tp_json *d, const jsmntok_t *in, int n, char *err,
    size_t errlen)
{
    struct json_walk w;
    int nx;

    memset(&w, 0, sizeof(w));
    w.buf = d->buf;
    w.len = d->len;
    w.in = in;
    w.n = n;
    w.out = tp_arena_alloc(d->a, sizeof(*w.out) * (size_t) n);
    if (w.out == NULL) {
        snprintf(err, errlen, "out of memory");
        return TP_ERROR;
    }
    nx = walk_value(&w, 0, -1, 0);
    if (nx >= 0) {
        walk_blanks(&w);
        if (w.pos < w.len || nx != n) {
            nx = walk_fail(&w, w.pos, "unexpected data after the JSON "
                "value");
        }
    }
    if (nx < 0) {
        return json_fail(d->buf, d->len, w.err_off, w.err, err, errlen);
    }
    d->toks = w.out;
    d->ntoks = n;
    return TP_OK;
}

int
tp_json_parse(struct tp_json *d, struct tp_arena *a, const char *buf,
    size_t len, char *err, size_t errlen)
{
    jsmntok_t *toks = NULL, *grown;
    const char *nul;
    jsmn_parser p;
    unsigned cap = (unsigned) TP_MIN(len / 8, 1u << 20) + 16;
    int n, rc;

    memset(d, 0, sizeof(*d));
    d->buf = buf;
    d->len = len;
    d->a = a;
    if (len >= INT_MAX / 2) {
        return json_fail(buf, len, 0, "document too large", err, errlen);
    }
    nul = memchr(buf, '\0', len);
    if (nul != NULL) {
        return json_fail(buf, len, (size_t) (nul - buf), "NUL byte", err,
            errlen);
    }
    jsmn_init(&p);
    do {                             /* jsmn resumes after a bigger array */
        grown = realloc(toks, sizeof(*toks) * cap);
        if (grown == NULL) {
            free(toks);
            return json_fail(buf, len, 0, "out of memory", err, errlen);
        }
        toks = grown;
        n = jsmn_parse(&p, buf, len, toks, cap);
        cap *= 2;
    } while (n == JSMN_ERROR_NOMEM);
    if (n < 0) {
        rc = json_fail(buf, len, p.pos, json_jsmn_msg(buf, len, p.pos, n),
            err, errlen);
    } else if (n == 0) {
        rc = json_fail(buf, len, len, "empty document", err, errlen);
    } else {
        rc = json_convert(d, toks, n, err, errlen);
    }
    free(toks);
    return rc;
}

const char *
tp_json_type_name(int type)
{
    switch (type) {
    case TP_JSON_OBJECT: return "an object";
    case TP_JSON_ARRAY: return "an array";
    case TP_JSON_STRING: return "a string";
    case TP_JSON_NUMBER: return "a number";
    case TP_JSON_TRUE:
    case TP_JSON_FALSE: return "a boolean";
    case TP_JSON_NULL: return "null";
    default: return "nothing";
    }
}

int
tp_json_child(const struct tp_json *d, int i)
{
    int t = tp_json_type(d, i);

    return (t == TP_JSON_OBJECT || t == TP_JSON_ARRAY)
           && d->toks[i].size > 0 ? i + 1 : -1;
}

int
tp_json_next(const struct tp_json *d, int i)
{
    int p, nx;

    if (i <= 0 || i >= d->ntoks) {
        return -1;
    }
    p = d->toks[i].parent;
    if (d->toks[p].type == TP_JSON_STRING) {
        return -1;                   /* a member's value: iterate keys */
    }
    nx = d->toks[i].next;
    return nx < d->toks[p].next ? nx : -1;
}

/* Decodes the escape at *pp (a backslash; validated by the parser) into
 * <out> as UTF-8; returns the byte count and advances *pp past it. */
static size_t
json_unescape1(const char **pp, char *out)
{
    const char *p = *pp;
    unsigned cp;

    switch (p[1]) {
    case 'b': *out = '\b'; *pp = p + 2; return 1;
    case 'f': *out = '\f'; *pp = p + 2; return 1;
    case 'n': *out = '\n'; *pp = p + 2; return 1;
    case 'r': *out = '\r'; *pp = p + 2; return 1;
    case 't': *out = '\t'; *pp = p + 2; return 1;
    case 'u': break;
    default: *out = p[1]; *pp = p + 2; return 1;
    }
    cp = (unsigned) json_hex4(p + 2);
    *pp = p + 6;
    if (cp >= 0xd800 && cp <= 0xdbff) {
        cp = 0x10000 + ((cp - 0xd800) << 10)
             + ((unsigned) json_hex4(p + 8) - 0xdc00);
        *pp = p + 12;
    }
    if (cp < 0x80) {
        out[0] = (char) cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char) (0xc0 | cp >> 6);
        out[1] = (char) (0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char) (0xe0 | cp >> 12);
        out[1] = (char) (0x80 | ((cp >> 6) & 0x3f));
        out[2] = (char) (0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (char) (0xf0 | cp >> 18);
    out[1] = (char) (0x80 | ((cp >> 12) & 0x3f));
    out[2] = (char) (0x80 | ((cp >> 6) & 0x3f));
    out[3] = (char) (0x80 | (cp & 0x3f));
    return 4;
}

struct tp_str
tp_json_raw(const struct tp_json *d, int i)
{
    struct tp_str s = TP_NULL_STR;

    if (i >= 0 && i < d->ntoks) {
        s.p = d->buf + d->toks[i].start;
        s.len = (size_t) (d->toks[i].end - d->toks[i].start);
    }
    return s;
}

bool
tp_json_streq(const struct tp_json *d, int i, const char *s, size_t len)
{
    struct tp_str r;
    const char *p, *e;
    char tmp[4];
    size_t k = 0, n;

    if (tp_json_type(d, i) != TP_JSON_STRING) {
        return false;
    }
    r = tp_json_raw(d, i);
    if (memchr(r.p, '\\', r.len) == NULL) {
        return r.len == len && memcmp(r.p, s, len) == 0;
    }
    for (p = r.p, e = r.p + r.len; p < e; k += n) {
        if (*p != '\\') {
            if (k >= len || s[k] != *p++) {
                return false;
            }
            n = 1;
            continue;
        }
        n = json_unescape1(&p, tmp);
        if (k + n > len || memcmp(s + k, tmp, n) != 0) {
            return false;
        }
    }
    return k == len;
}

char *
tp_json_str(const struct tp_json *d, int i, struct tp_arena *a,
    size_t *len)
{
    struct tp_str r;
    const char *p, *e;
    char *out;
    size_t k = 0;

    if (tp_json_type(d, i) != TP_JSON_STRING) {
        return NULL;
    }
    r = tp_json_raw(d, i);
    out = tp_arena_alloc(a, r.len + 1);  /* unescaping never grows */
    if (out == NULL) {
        return NULL;
    }
    for (p = r.p, e = r.p + r.len; p < e; ) {
        if (*p != '\\') {
            out[k++] = *p++;
        } else {
            k += json_unescape1(&p, out + k);
        }
    }
    out[k] = '\0';
    if (len != NULL) {
        *len = k;
    }
    return out;
}

struct tp_str
tp_json_text(const struct tp_json *d, int i, struct tp_arena *a)
{
    struct tp_str s = TP_NULL_STR;

    if (tp_json_type(d, i) != TP_JSON_STRING) {
        return tp_json_raw(d, i);
    }
    s.p = tp_json_str(d, i, a, &s.len);
    if (s.p == NULL) {
        s.len = 0;
    }
    return s;
}

int
tp_json_int(const struct tp_json *d, int i, int64_t *out)
{
    struct tp_str r = tp_json_raw(d, i);
    char tmp[24], *end;
    long long v;

    if (tp_json_type(d, i) != TP_JSON_NUMBER || r.len >= sizeof(tmp)
        || memchr(r.p, '.', r.len) != NULL || memchr(r.p, 'e', r.len) != NULL
        || memchr(r.p, 'E', r.len) != NULL)
    {
        return TP_ERROR;
    }
    memcpy(tmp, r.p, r.len);
    tmp[r.len] = '\0';
    errno = 0;
    v = strtoll(tmp, &end, 10);
    if (errno != 0 || *end != '\0') {
        return TP_ERROR;
    }
    *out = (int64_t) v;
    return TP_OK;
}

int
tp_json_bool(const struct tp_json *d, int i, bool *out)
{
    int t = tp_json_type(d, i);

    if (t != TP_JSON_TRUE && t != TP_JSON_FALSE) {
        return TP_ERROR;
    }
    *out = t == TP_JSON_TRUE;
    return TP_OK;
}

/* The table of line starts, built on first use. */
static int
json_lines(struct tp_json *d)
{
    size_t i;
    int n = 1;

    for (i = 0; i < d->len; i++) {
        n += d->buf[i] == '\n';
    }
    d->lines = tp_arena_alloc(d->a, sizeof(*d->lines) * (size_t) n);
    if (d->lines == NULL) {
        return TP_ERROR;
    }
    d->lines[0] = 0;
    for (i = 0, n = 1; i < d->len; i++) {
        if (d->buf[i] == '\n') {
            d->lines[n++] = (int32_t) i + 1;
        }
    }
    d->nlines = n;
    return TP_OK;
}

int
tp_json_line_at(struct tp_json *d, size_t off)
{
    int lo = 0, hi, mid, line, col;

    if (d->lines == NULL && json_lines(d) != TP_OK) {
        json_linecol(d->buf, TP_MIN(off, d->len), &line, &col);
        return line;
    }
    hi = d->nlines - 1;
    while (lo < hi) {                /* the last line starting <= off */
        mid = (lo + hi + 1) / 2;
        if ((size_t) d->lines[mid] <= off) {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    return lo + 1;
}

int
tp_json_line(struct tp_json *d, int i)
{
    if (i < 0 || i >= d->ntoks) {
        return 0;
    }
    return tp_json_line_at(d, (size_t) d->toks[i].start);
}

/* The value of the member named <key, len> of <obj>, or -1. */
static int
json_member(const struct tp_json *d, int obj, const char *key, size_t len)
{
    int k;

    if (tp_json_type(d, obj) != TP_JSON_OBJECT) {
        return -1;
    }
    for (k = obj + 1; k < d->toks[obj].next; k = d->toks[k].next) {
        if (tp_json_streq(d, k, key, len)) {
            return k + 1;
        }
    }
    return -1;
}

int
tp_json_get(const struct tp_json *d, int obj, const char *key)
{
    return json_member(d, obj, key, strlen(key));
}

/* Element <idx> of array <arr>, or -1. */
static int
json_element(const struct tp_json *d, int arr, uint64_t idx)
{
    int e;

    if (tp_json_type(d, arr) != TP_JSON_ARRAY
        || idx >= (uint64_t) d->toks[arr].size)
    {
        return -1;
    }
    for (e = arr + 1; idx > 0; idx--) {
        e = d->toks[e].next;
    }
    return e;
}

/* A decimal array index without leading zeros, or -1. */
static int64_t
json_index(const char *p, size_t n)
{
    int64_t v = 0;
    size_t i;

    if (n == 0 || n > 10 || (n > 1 && p[0] == '0')) {
        return -1;
    }
    for (i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9') {
            return -1;
        }
        v = v * 10 + (p[i] - '0');
    }
    return v;
}

/* Decodes one pointer segment: %XX first in the fragment form, then ~0
 * and ~1 (RFC 6901 section 6). */
static int
json_ptr_segment(const char *s, size_t n, bool frag, char *out, size_t cap,
    size_t *outlen)
{
    char hex[4] = { '0', '0', '0', '0' };
    size_t i, k = 0, m;
    int v;

    for (i = 0; i < n; i++, k++) {
        if (k == cap) {
            return TP_ERROR;
        }
        out[k] = s[i];
        if (frag && s[i] == '%') {
            if (n - i < 3) {
                return TP_ERROR;
            }
            hex[2] = s[i + 1];
            hex[3] = s[i + 2];
            v = json_hex4(hex);
            if (v < 0) {
                return TP_ERROR;
            }
            out[k] = (char) v;
            i += 2;
        }
    }
    for (i = 0, m = 0; i < k; i++, m++) {
        if (out[i] == '~') {
            if (i + 1 == k || (out[i + 1] != '0' && out[i + 1] != '1')) {
                return TP_ERROR;
            }
            out[i + 1] = out[i + 1] == '0' ? '~' : '/';
            i++;
        }
        out[m] = out[i];
    }
    *outlen = m;
    return TP_OK;
}

int
tp_json_pointer_get(const struct tp_json *d, const char *ptr)
{
    char seg[1024];
    const char *end;
    bool frag = ptr[0] == '#';
    size_t n;
    int cur = d->ntoks > 0 ? 0 : -1;

    ptr += frag;
    while (*ptr != '\0' && cur >= 0) {
        if (*ptr != '/') {
            return -1;
        }
        ptr++;
        end = strchr(ptr, '/');
        if (end == NULL) {
            end = ptr + strlen(ptr);
        }
        if (json_ptr_segment(ptr, (size_t) (end - ptr), frag, seg,
                sizeof(seg), &n) != TP_OK)
        {
            return -1;
        }
        if (tp_json_type(d, cur) == TP_JSON_ARRAY) {
            cur = json_element(d, cur, (uint64_t) json_index(seg, n));
        } else {
            cur = json_member(d, cur, seg, n);
        }
        ptr = end;
    }
    return cur;
}

/* Index of element <e> in its array (for pointers). */
static int
json_index_of(const struct tp_json *d, int arr, int e)
{
    int k, idx = 0;

    for (k = arr + 1; k < e; k = d->toks[k].next) {
        idx++;
    }
    return idx;
}

/* Appends key token <k> to <out> with '~' and '/' escaped. */
static char *
json_ptr_key(const struct tp_json *d, int k, struct tp_arena *a, char *out)
{
    size_t n, i;
    char *s = tp_json_str(d, k, a, &n);

    *out++ = '/';
    for (i = 0; s != NULL && i < n; i++) {
        if (s[i] == '~' || s[i] == '/') {
            *out++ = '~';
            *out++ = s[i] == '~' ? '0' : '1';
        } else {
            *out++ = s[i];
        }
    }
    return out;
}

char *
tp_json_pointer(const struct tp_json *d, int i, struct tp_arena *a)
{
    int *segs, nsegs = 0, cur, p, k;
    size_t len = 1;
    char *out, *w;

    segs = tp_arena_alloc(a, sizeof(*segs) * (TP_JSON_MAX_DEPTH + 2));
    if (segs == NULL || i < 0 || i >= d->ntoks) {
        return segs == NULL ? NULL : tp_arena_strdup(a, "");
    }
    /* Up the parent links: keys and array elements are the segments. */
    for (cur = i; cur > 0 && nsegs < TP_JSON_MAX_DEPTH + 2; cur = p) {
        p = d->toks[cur].parent;
        if (d->toks[p].type != TP_JSON_STRING) {
            segs[nsegs++] = cur;
            len += d->toks[p].type == TP_JSON_ARRAY ? 12
                : 1 + 2 * (size_t) (d->toks[cur].end - d->toks[cur].start);
        }
    }
    out = tp_arena_alloc(a, len);
    if (out == NULL) {
        return NULL;
    }
    for (w = out, k = nsegs - 1; k >= 0; k--) {
        p = d->toks[segs[k]].parent;
        if (d->toks[p].type == TP_JSON_ARRAY) {
            w += sprintf(w, "/%d", json_index_of(d, p, segs[k]));
        } else {
            w = json_ptr_key(d, segs[k], a, w);
        }
    }
    *w = '\0';
    return out;
}

/* One JSONPath step: a member name or an element index. */
static int
json_path_step(const struct tp_json *d, int cur, const char *name,
    size_t n, bool index)
{
    int64_t idx;

    if (index) {
        idx = json_index(name, n);
        return idx < 0 ? -1 : json_element(d, cur, (uint64_t) idx);
    }
    if (n == 0 || memchr(name, '*', n) != NULL) {
        return -1;                   /* wildcards are outside the subset */
    }
    return json_member(d, cur, name, n);
}

/* A bracket step at *pp ("['a']", "[\"a\"]" or "[0]"); advances *pp. */
static int
json_path_bracket(const struct tp_json *d, int cur, const char **pp,
    const char *e)
{
    const char *p = *pp + 1, *q, *close;
    char quote;

    if (p < e && (*p == '\'' || *p == '"')) {
        quote = *p++;
        q = memchr(p, quote, (size_t) (e - p));
        if (q == NULL || q + 1 >= e || q[1] != ']') {
            return -1;
        }
        *pp = q + 2;
        return json_path_step(d, cur, p, (size_t) (q - p), false);
    }
    close = memchr(p, ']', (size_t) (e - p));
    if (close == NULL) {
        return -1;
    }
    *pp = close + 1;
    return json_path_step(d, cur, p, (size_t) (close - p), true);
}

int
tp_json_path(const struct tp_json *d, int root, const char *path,
    size_t len)
{
    const char *p = path, *e = path + len, *s;
    int cur = root >= 0 && root < d->ntoks ? root : -1;
    bool dot;

    if (p < e && *p == '$') {
        p++;
        dot = false;
    } else {
        dot = p < e && *p != '[';    /* "a.b": a first name, no '.' */
    }
    while (p < e && cur >= 0) {
        if (*p == '[') {
            cur = json_path_bracket(d, cur, &p, e);
            dot = false;
            continue;
        }
        if (!dot) {
            if (*p != '.') {
                return -1;
            }
            p++;
        }
        dot = false;
        for (s = p; p < e && *p != '.' && *p != '['; p++) {
        }
        cur = json_path_step(d, cur, s, (size_t) (p - s), false);
    }
    return cur;
}
