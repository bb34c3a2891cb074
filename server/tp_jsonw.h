/*
 * tp_jsonw.h: a small JSON writer into an arena: objects, arrays, keys,
 * escaped strings (invalid UTF-8 replaced by U+FFFD so that the output is
 * always valid JSON), numbers, literals and ready-made JSON text.  Commas
 * are placed by the writer.  Pure.  Used to build Lambda proxy events.
 */
#ifndef TP_JSONW_H
#define TP_JSONW_H

#include "tp_core.h"
#include "tp_arena.h"

#define TP_JSONW_DEPTH 16

struct tp_jsonw {
    struct tp_arena *a;
    char *p;
    size_t len;
    size_t cap;
    bool err;                        /* out of memory or misuse: the
                                        output is unusable */
    bool after_key;                  /* the next value follows a key */
    unsigned depth;
    bool first[TP_JSONW_DEPTH];      /* the container has no member yet */
};

/* <hint>: the expected output size (the buffer grows beyond it). */
void tp_jsonw_init(struct tp_jsonw *w, struct tp_arena *a, size_t hint);

/* '{' or '[' and their ends. */
void tp_jsonw_open(struct tp_jsonw *w, char c);
void tp_jsonw_close(struct tp_jsonw *w, char c);

/* An object member's name (escaped like any string). */
void tp_jsonw_key(struct tp_jsonw *w, const char *name);
void tp_jsonw_keyn(struct tp_jsonw *w, struct tp_str name);

/* A string value; a NULL <s.p> writes null. */
void tp_jsonw_str(struct tp_jsonw *w, struct tp_str s);
void tp_jsonw_cstr(struct tp_jsonw *w, const char *s);
void tp_jsonw_null(struct tp_jsonw *w);
void tp_jsonw_bool(struct tp_jsonw *w, bool v);
void tp_jsonw_u64(struct tp_jsonw *w, uint64_t v);

/* <json>: valid JSON text written as it is. */
void tp_jsonw_raw(struct tp_jsonw *w, struct tp_str json);

/* Length of the valid UTF-8 sequence at <s> (<n> > 0 bytes): 1-4, or 0
 * when invalid (overlong, surrogate, beyond U+10FFFF, cut short). */
size_t tp_utf8_len(const unsigned char *s, size_t n);

/* The result (NUL-terminated); TP_ERROR if anything failed. */
int tp_jsonw_done(struct tp_jsonw *w, struct tp_str *out);

#endif /* TP_JSONW_H */
