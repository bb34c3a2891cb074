/*
 * tp_json.h: a small read-only JSON layer over jsmn.  A document is parsed
 * once into a flat token array (pre-order: a container is followed by its
 * children; an object's key token is followed by its value), validated
 * strictly (RFC 8259), then queried by token index.  Pure: no globals, no
 * I/O.  The master uses it to import OpenAPI files; workers use it at run
 * time for body mappings (method.request.body.a.b) and MOCK request
 * templates ({"statusCode": 200}).
 */
#ifndef TP_JSON_H
#define TP_JSON_H

#include "tp_core.h"
#include "tp_arena.h"

#define TP_JSON_MAX_DEPTH 512        /* deeper nesting is a parse error */

enum tp_json_type {
    TP_JSON_OBJECT = 1,
    TP_JSON_ARRAY,
    TP_JSON_STRING,                  /* also every object key */
    TP_JSON_NUMBER,
    TP_JSON_TRUE,
    TP_JSON_FALSE,
    TP_JSON_NULL
};

struct tp_json_tok {
    uint8_t type;                    /* enum tp_json_type */
    int32_t start;                   /* byte offsets into the buffer; */
    int32_t end;                     /* a string's exclude its quotes */
    int32_t size;                    /* members / elements; 0 otherwise */
    int32_t next;                    /* first index after the subtree (a
                                        key's subtree includes its value) */
    int32_t parent;                  /* container, or the key of a member
                                        value; -1 for the root */
};

struct tp_json {
    const char *buf;                 /* not copied: must outlive the doc */
    size_t len;
    struct tp_json_tok *toks;        /* toks[0] is the root */
    int ntoks;
    struct tp_arena *a;              /* for the lazily built line table */
    int32_t *lines;                  /* offset of each line's first byte */
    int nlines;
};

/*
 * Parses <buf, len> into <d>; tokens come from <a>.  On invalid JSON
 * returns TP_ERROR with "LINE:COLUMN: message" in <err>.
 */
int tp_json_parse(struct tp_json *d, struct tp_arena *a, const char *buf,
    size_t len, char *err, size_t errlen);

static inline int
tp_json_type(const struct tp_json *d, int i)
{
    return i >= 0 && i < d->ntoks ? d->toks[i].type : 0;
}

/* "an object", "a string" ... for messages. */
const char *tp_json_type_name(int type);

/* First child (element, or key of the first member), or -1. */
int tp_json_child(const struct tp_json *d, int i);

/* Next sibling in the same container (the next key for a key), or -1. */
int tp_json_next(const struct tp_json *d, int i);

/* The value of member <key> of object <obj> (first match), or -1. */
int tp_json_get(const struct tp_json *d, int obj, const char *key);

/* The raw text of a token (a string's without quotes, not unescaped). */
struct tp_str tp_json_raw(const struct tp_json *d, int i);

/* Whether string token <i> equals <s, len> once unescaped. */
bool tp_json_streq(const struct tp_json *d, int i, const char *s,
    size_t len);

/*
 * String token <i> unescaped (UTF-8), NUL-terminated, in <a>; its length
 * in *len (may be NULL; a "\u0000" makes it differ from strlen).  NULL if
 * <i> is not a string or on out-of-memory.
 */
char *tp_json_str(const struct tp_json *d, int i, struct tp_arena *a,
    size_t *len);

/*
 * A value as mapping output: a string unescaped (in <a>), anything else
 * as its JSON text ({"a": 1}, 12, true).  { NULL, 0 } when <i> is not a
 * token or on out-of-memory.
 */
struct tp_str tp_json_text(const struct tp_json *d, int i,
    struct tp_arena *a);

/* An integral number (no fraction or exponent) within int64_t. */
int tp_json_int(const struct tp_json *d, int i, int64_t *out);

int tp_json_bool(const struct tp_json *d, int i, bool *out);

/* 1-based line of token <i> (of an offset: tp_json_line_at). */
int tp_json_line(struct tp_json *d, int i);
int tp_json_line_at(struct tp_json *d, size_t off);

/*
 * RFC 6901 lookup from the root: "/a/b~1c/0", or the URI fragment form
 * "#/a/b" (percent-decoded); "" and "#" are the root.  -1 if absent.
 */
int tp_json_pointer_get(const struct tp_json *d, const char *ptr);

/* The JSON pointer of token <i> ("/paths/~1pets/get"; "" for the root),
 * in <a>.  A key token gives its member's pointer. */
char *tp_json_pointer(const struct tp_json *d, int i, struct tp_arena *a);

/*
 * The JSONPath subset of API Gateway mappings, from token <root>: "$",
 * "$.a.b", "$['a']", "$.a[0]", and "a.b" / "a[0]" without "$" (as in
 * method.request.body.a.b); "" is <root>.  Returns the token or -1 (no
 * such member, or syntax outside the subset).
 */
int tp_json_path(const struct tp_json *d, int root, const char *path,
    size_t len);

#endif /* TP_JSON_H */
