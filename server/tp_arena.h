/*
 * tp_arena.h: region allocator with cleanup hooks.  Used by all processes.
 *
 * Three lifetimes use it: the cycle (the compiled model, freed with its
 * generation), the connection and the request ("one arena per request").
 * Allocation failure returns NULL and fails only the caller's request
 * (exemplars R8); nothing aborts a worker for it.  With --enable-sanitizers
 * every allocation is its own malloc() so ASan sees exact bounds.
 */
#ifndef TP_ARENA_H
#define TP_ARENA_H

#include "tp_core.h"
#include "tp_bufpool.h"

typedef void (*tp_cleanup_fn)(void *data);

struct tp_arena_block;
struct tp_arena_cleanup;

struct tp_arena {
    struct tp_arena_block *head;     /* newest block first */
    struct tp_arena_cleanup *cleanups; /* run LIFO on reset/free */
    char *pos;                       /* free space in head */
    char *end;
    size_t block_size;               /* default size of new blocks */
    size_t total;                    /* bytes handed out since reset */
    struct tp_bufpool *pool;         /* regular blocks come from / go back
                                        to it; NULL: malloc */
};

void tp_arena_init(struct tp_arena *a, size_t block_size);

/*
 * An arena whose regular blocks live in <pool> (shared by many arenas of
 * one process): freeing the arena returns them, so an idle owner keeps no
 * memory and the next request reuses a warm block without malloc.
 */
void tp_arena_init_pool(struct tp_arena *a, struct tp_bufpool *pool);

/* Block size to give a pool so its buffers hold <usable> bytes. */
size_t tp_arena_pool_size(size_t usable);

/* Aligned to 16 bytes.  NULL on out-of-memory. */
void *tp_arena_alloc(struct tp_arena *a, size_t size);
void *tp_arena_calloc(struct tp_arena *a, size_t size);
char *tp_arena_strndup(struct tp_arena *a, const char *s, size_t len);
char *tp_arena_strdup(struct tp_arena *a, const char *s);
char *tp_arena_sprintf(struct tp_arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Registers <fn>(<data>) to run when the arena is reset or freed. */
int tp_arena_cleanup_add(struct tp_arena *a, tp_cleanup_fn fn, void *data);

/* Runs cleanups, keeps the first (oldest) block for reuse. */
void tp_arena_reset(struct tp_arena *a);

/* Runs cleanups and frees every block. */
void tp_arena_free(struct tp_arena *a);

#endif /* TP_ARENA_H */
