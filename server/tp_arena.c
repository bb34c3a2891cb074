/*
 * tp_arena.c: bump allocator in linked blocks.  Used by all processes.
 */
#include "tp_arena.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

struct tp_arena_block {
    struct tp_arena_block *next;
    size_t size;                 /* usable bytes after the header */
    /* data follows, 16-byte aligned */
};

struct tp_arena_cleanup {
    struct tp_arena_cleanup *next;
    tp_cleanup_fn fn;
    void *data;
};

#define BLOCK_HDR TP_ALIGN(sizeof(struct tp_arena_block), 16)

void
tp_arena_init(struct tp_arena *a, size_t block_size)
{
    memset(a, 0, sizeof(*a));
    a->block_size = block_size < 256 ? 256 : block_size;
}

size_t
tp_arena_pool_size(size_t usable)
{
    return BLOCK_HDR + usable;
}

void
tp_arena_init_pool(struct tp_arena *a, struct tp_bufpool *pool)
{
    memset(a, 0, sizeof(*a));
    a->pool = pool;
    a->block_size = pool->size - BLOCK_HDR;
}

static void
arena_block_free(struct tp_arena *a, struct tp_arena_block *b)
{
    if (a->pool != NULL && b->size == a->block_size) {
        tp_bufpool_put(a->pool, (char *) b);
    } else {
        free(b);
    }
}

static void *
arena_new_block(struct tp_arena *a, size_t size)
{
    struct tp_arena_block *b;
    size_t want = size > a->block_size ? size : a->block_size;

    b = a->pool != NULL && want == a->block_size
        ? (struct tp_arena_block *) (void *) tp_bufpool_get(a->pool)
        : malloc(BLOCK_HDR + want);
    if (b == NULL) {
        return NULL;
    }
    b->size = want;
    if (a->head == NULL || size <= a->block_size) {
        b->next = a->head;
        a->head = b;
        a->pos = (char *) b + BLOCK_HDR + size;
        a->end = (char *) b + BLOCK_HDR + want;
    } else {
        /* An oversized chunk goes behind the head so the head's free
         * space stays usable for small allocations. */
        b->next = a->head->next;
        a->head->next = b;
    }
    return (char *) b + BLOCK_HDR;
}

void *
tp_arena_alloc(struct tp_arena *a, size_t size)
{
    void *p;

    size = TP_ALIGN(size == 0 ? 1 : size, 16);
    a->total += size;
#if TP_SANITIZERS
    /* Pass-through: one malloc per allocation so ASan sees true bounds. */
    {
        struct tp_arena_block *b = malloc(BLOCK_HDR + size);

        if (b == NULL) {
            return NULL;
        }
        b->size = size;
        b->next = a->head;
        a->head = b;
        return (char *) b + BLOCK_HDR;
    }
#endif
    if ((size_t) (a->end - a->pos) >= size) {
        p = a->pos;
        a->pos += size;
        return p;
    }
    return arena_new_block(a, size);
}

void *
tp_arena_calloc(struct tp_arena *a, size_t size)
{
    void *p = tp_arena_alloc(a, size);

    if (p != NULL) {
        memset(p, 0, size);
    }
    return p;
}

char *
tp_arena_strndup(struct tp_arena *a, const char *s, size_t len)
{
    char *p = tp_arena_alloc(a, len + 1);

    if (p != NULL) {
        memcpy(p, s, len);
        p[len] = '\0';
    }
    return p;
}

char *
tp_arena_strdup(struct tp_arena *a, const char *s)
{
    return tp_arena_strndup(a, s, strlen(s));
}

char *
tp_arena_sprintf(struct tp_arena *a, const char *fmt, ...)
{
    va_list ap;
    int n;
    char *p;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        return NULL;
    }
    p = tp_arena_alloc(a, (size_t) n + 1);
    if (p == NULL) {
        return NULL;
    }
    va_start(ap, fmt);
    vsnprintf(p, (size_t) n + 1, fmt, ap);
    va_end(ap);
    return p;
}

int
tp_arena_cleanup_add(struct tp_arena *a, tp_cleanup_fn fn, void *data)
{
    struct tp_arena_cleanup *c = tp_arena_alloc(a, sizeof(*c));

    if (c == NULL) {
        return TP_ERROR;
    }
    c->fn = fn;
    c->data = data;
    c->next = a->cleanups;
    a->cleanups = c;
    return TP_OK;
}

static void
arena_run_cleanups(struct tp_arena *a)
{
    struct tp_arena_cleanup *c;

    /* Detach first: a cleanup may allocate from the arena. */
    while ((c = a->cleanups) != NULL) {
        a->cleanups = c->next;
        c->fn(c->data);
    }
}

void
tp_arena_reset(struct tp_arena *a)
{
    struct tp_arena_block *b, *keep = NULL;

    arena_run_cleanups(a);
    /* Keep the oldest regular block (the last one in the list): the common
     * request fits in it. */
    for (b = a->head; b != NULL && !TP_SANITIZERS; b = b->next) {
        if (b->size == a->block_size) {
            keep = b;
        }
    }
    for (b = a->head; b != NULL; ) {
        struct tp_arena_block *next = b->next;

        if (b != keep) {
            arena_block_free(a, b);
        }
        b = next;
    }
    if (keep != NULL) {
        keep->next = NULL;
    }
    a->head = keep;
    a->total = 0;
    if (keep != NULL) {
        a->pos = (char *) keep + BLOCK_HDR;
        a->end = a->pos + keep->size;
    } else {
        a->pos = a->end = NULL;
    }
}

void
tp_arena_free(struct tp_arena *a)
{
    struct tp_arena_block *b;

    arena_run_cleanups(a);
    while ((b = a->head) != NULL) {
        a->head = b->next;
        arena_block_free(a, b);
    }
    a->pos = a->end = NULL;
    a->total = 0;
}
